#pragma once

// The value-level semantics of STIX patterning that the compiled engine shares between its
// prefilter indexes and its exact verification: object path resolution (paragraph 3 of
// reference_evaluator.h), binary decoding and Latin-1 views (paragraph 5), exact numeric
// comparison, NFC for LIKE and MATCHES, and SQL LIKE on NFC text. Internal to the engine.
//
// Every function here restates a rule of the reference evaluator. They are written again on
// purpose rather than shared: the differential tests are worth something only while the two
// implementations are independent, and they hold the two together.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "concord/observe/observation.h"
#include "concord/pattern/ast.h"

namespace re2 {
class RE2;
}

namespace concord::pattern::engine {

// How a JSON string holds a binary value: by the suffix of the property name above it.
enum class Encoding : uint8_t { kNone, kBase64, kHex };

// kBase64 for keys "*_bin", kHex for "*_hex" (longer than the suffix alone), else kNone.
Encoding EncodingOf(std::string_view key);

// The encoding of the values `steps` yields: that of the last key step (index steps inherit the
// encoding of the list above them, and a dereference is always followed by a key step before a
// value is yielded). REQUIRES: steps[0] is a key step (ObjectPath guarantees it).
Encoding PathEncoding(std::span<const PathStep> steps);

// One value an object path yields.
struct PathValue {
  observe::ValueStore::Id id = 0;
  Encoding encoding = Encoding::kNone;
  bool reference = false;       // a string that names an object (*_ref, or an element of *_refs)
  bool reference_list = false;  // the list of a *_refs property

  friend bool operator==(const PathValue&, const PathValue&) = default;
};

// Resolves `steps` from `object` (an object of `observation`) into `*out` (replaced), as
// paragraph 3 of the reference semantics says: key steps select members (the first of a
// duplicated key), [n] and [*] select elements, a step taken past a reference dereferences it in
// `observation`, JSON null is absent. Values reached more than once (through references) are kept
// once, so the work per step is bounded by the size of the observation's value store and the
// whole resolution by steps.size() times that. `*scratch` is working memory.
void ResolvePath(std::span<const PathStep> steps, const observe::Observation& observation,
                 observe::ValueStore::Id object, std::vector<PathValue>* out,
                 std::vector<PathValue>* scratch);

// True when `steps` are all key steps and none but the last names a reference (*_ref): such a
// path yields at most one value, found without dereferencing, and ResolveKeyPath resolves it.
bool IsKeyPath(std::span<const PathStep> steps);

// ResolvePath for a path IsKeyPath accepts, without working memory.
void ResolveKeyPath(std::span<const PathStep> steps, const observe::ValueStore& store,
                    observe::ValueStore::Id object, std::vector<PathValue>* out);

// RFC 4648 base64 with padding into `*out`; false (out unspecified) when malformed.
bool DecodeBase64(std::string_view s, std::string* out);
// Hexadecimal (either case, even length) into `*out`; false when malformed.
bool DecodeHex(std::string_view s, std::string* out);
// The bytes of a binary value held in a JSON string with `encoding` (not kNone).
bool DecodeBinary(std::string_view s, Encoding encoding, std::string* out);
// The code points of UTF-8 `s` as bytes when all are at most U+00FF; false otherwise (also for
// invalid UTF-8).
bool Latin1(std::string_view s, std::string* out);

// Sign of a three-way comparison.
template <typename T>
int ThreeWay(const T& a, const T& b) {
  return (a > b) - (a < b);
}

// Exact three-way comparison of an integer and a double (no rounding of either).
int CompareIntDouble(int64_t i, double d);

// A number from JSON or a literal, compared exactly across integers and floats.
struct Number {
  bool is_int = true;
  int64_t i = 0;
  double d = 0;
};

// Exact three-way comparison of numbers (5 == 5.0; 2^53 + 1 > 2^53 as a double).
int CompareNumbers(const Number& a, const Number& b);

// The canonical key bytes of a number for hashing: equal numbers (by CompareNumbers) give equal
// keys. Integral doubles within int64 range are keyed as integers.
std::string NumberKey(const Number& n);

// A WITHIN argument (the literal's source text: [+-]?digits or [+-]?digits?.digits) as whole
// nanoseconds, rounded down; very large values saturate at 2^120.
__int128 WithinNanos(std::string_view text);

// Nanoseconds since the epoch.
__int128 Nanos(const Timestamp& t);

// True when every byte is below 0x80 (such text is its own NFC).
bool IsAscii(std::string_view s);

// NFC of `s` as the reference's LIKE sees it: NFC of the code points of valid UTF-8, and the
// empty string for invalid UTF-8. ASCII is returned unchanged without copying into `*storage`.
std::string_view LikeText(std::string_view s, std::string* storage);

// NFC of `s` as MatchesRegex::MatchesString sees it (NormalizeNfcUtf8). ASCII is returned
// unchanged.
std::string_view MatchesText(std::string_view s, std::string* storage);

// SQL LIKE on NFC text (STIX 2.1 section 9): '%' any sequence of code points, '_' exactly one,
// everything else itself, the whole value. Built from the pattern operand; plain literal forms
// (no wildcard, "lit%", "%lit", "%lit%") compare bytes, the rest run on RE2 (linear time).
// Immutable and thread-safe once built.
class LikeMatcher {
 public:
  enum class Form : uint8_t { kExact, kPrefix, kSuffix, kContains, kGeneral };

  // Compiles the LIKE operand `like` (UTF-8, escapes already resolved). Never fails: a pattern
  // too large for RE2 falls back to a bounded code-point matcher.
  static std::unique_ptr<LikeMatcher> Compile(std::string_view like);
  ~LikeMatcher();

  // True when `nfc_value` (LikeText of the value) matches.
  bool Matches(std::string_view nfc_value) const;

  Form form() const { return form_; }
  // kExact/kPrefix/kSuffix/kContains: the literal part (NFC, UTF-8).
  const std::string& literal() const { return literal_; }
  // The anchored RE2 syntax equivalent to the pattern (for RE2::Set prefilters).
  const std::string& regex() const { return regex_; }

 private:
  LikeMatcher() = default;
  Form form_ = Form::kGeneral;
  std::string literal_;
  std::string regex_;
  std::u32string code_points_;    // kGeneral without RE2: the NFC pattern
  std::unique_ptr<re2::RE2> re_;  // kGeneral
};

// The anchored RE2 regular expression for a LIKE pattern already in NFC: "(?s)\A...\z" with '%'
// as ".*", '_' as "." and every other code point quoted.
std::string LikeToRegex(std::string_view nfc_like);

}  // namespace concord::pattern::engine
