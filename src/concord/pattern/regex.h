#pragma once

// MATCHES operands as RE2 regular expressions. Internal to the pattern module.
//
// STIX 2.1 section 9 says MATCHES takes a PCRE regular expression. Concord runs it on RE2, which
// guarantees linear time but is not PCRE. The differences a pattern author may meet:
//   - no backreferences (\1, \k<name>), no lookahead or lookbehind ((?=, (?!, (?<=, (?<!), no
//     atomic groups (?>...), no possessive quantifiers (a*+), no recursion (?R), no conditionals
//     (?(1)...), no \G, \K, \C or \Z (use \z; RE2's $ matches only at the very end unless (?m));
//   - a counted repetition may not exceed {1000};
//   - \b, \w, \d and \s are ASCII-only, as in PCRE without PCRE_UCP; \pL-style classes work.
// Such a pattern fails to compile, and CheckPattern reports it with the position of the
// offending part. Matching is unanchored (a match anywhere in the value), as PCRE's default.
//
// Strings are matched in UTF-8 mode after NFC normalisation of both the value and the regular
// expression (STIX 2.1 asks for NFC). Binary values (properties named *_bin or *_hex) are matched
// byte-wise in Latin-1 mode, where each code point of the regular expression stands for the byte
// of the same value; a regular expression with a code point above U+00FF cannot match binary.

#include <memory>
#include <string>
#include <string_view>

#include "concord/base/result.h"

namespace re2 {
class RE2;
}

namespace concord::pattern {

class MatchesRegex {
 public:
  // Compiles `regex` (the unescaped MATCHES operand, UTF-8). Errors are InvalidArgument with
  // RE2's reason; `*error_offset` (when not null) receives the byte offset within `regex` of the
  // offending fragment when RE2 names one and it can be found, else 0.
  static Result<std::unique_ptr<MatchesRegex>> Compile(std::string_view regex,
                                                       size_t* error_offset = nullptr);
  ~MatchesRegex();

  // True when the regular expression matches somewhere in `value` (valid UTF-8), both NFC.
  bool MatchesString(std::string_view value) const;
  // True when it matches somewhere in the bytes of `value` (false when the expression has a
  // code point above U+00FF).
  bool MatchesBinary(std::string_view value) const;

 private:
  MatchesRegex() = default;
  std::unique_ptr<re2::RE2> utf8_;
  std::unique_ptr<re2::RE2> latin1_;  // null when not representable in Latin-1
};

}  // namespace concord::pattern
