#pragma once

// One comparison expression ("path op literal" or "EXISTS path") compiled for exact evaluation
// on the values its path yields, by paragraphs 4 and 5 of reference_evaluator.h: the same type
// rules (no coercion; incomparable is false under NOT too), NFC for LIKE and MATCHES, binary
// values by property-name suffix. Used by the engine's verification and by explanations of matches
// (detect/explain.h); immutable and thread-safe once built.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "concord/base/result.h"
#include "concord/base/timestamp.h"
#include "concord/observe/observation.h"
#include "concord/pattern/ast.h"
#include "concord/pattern/engine/semantics.h"
#include "concord/pattern/ip.h"
#include "concord/pattern/regex.h"

namespace concord::pattern::engine {

// A literal prepared for comparison with JSON values.
struct Constant {
  LiteralKind kind = LiteralKind::kString;
  std::string bytes;    // kString: UTF-8 text; kBinary, kHex: the bytes
  bool latin1 = false;  // kString: whether `latin1_bytes` holds the text's code points as bytes
  std::string latin1_bytes;
  Number number;  // kInt, kFloat
  bool bool_value = false;
  Timestamp timestamp;  // kTimestamp

  // `literal` (not a kList) prepared; a kString gets its Latin-1 bytes when it has them.
  static Constant FromLiteral(const Literal& literal);
};

// Shares compiled MATCHES and LIKE operands between the comparisons of a pattern set.
class OperandCache {
 public:
  // The compiled MATCHES operand `regex`; errors as MatchesRegex::Compile.
  Result<std::shared_ptr<const MatchesRegex>> Regex(const std::string& regex);
  // The compiled LIKE operand `like`.
  std::shared_ptr<const LikeMatcher> Like(const std::string& like);

 private:
  std::unordered_map<std::string, std::shared_ptr<const MatchesRegex>> regexes_;
  std::unordered_map<std::string, std::shared_ptr<const LikeMatcher>> likes_;
};

// Reusable buffers for evaluating comparisons (one per thread).
struct CompareScratch {
  std::string a;
  std::string b;
};

class Comparison {
 public:
  // Compiles `node` (a kComparison or kExists of `pattern`, which passed CheckPattern).
  static Result<Comparison> Compile(const Pattern& pattern, const Node& node, OperandCache* cache);

  // Whether the comparison holds given every value its path yields for one object: EXISTS
  // when `values` is not empty; otherwise when some value satisfies the operator (after NOT).
  bool Holds(const observe::ValueStore& store, std::span<const PathValue> values,
             CompareScratch* scratch) const;

  // Heap bytes held beyond sizeof(Comparison) (shared operands counted in full).
  size_t memory_bytes() const;

 private:
  enum class Truth : uint8_t { kFalse, kTrue, kIncomparable };
  Truth Compare(const observe::ValueStore& store, const PathValue& v,
                CompareScratch* scratch) const;
  static int Compare3(const observe::ValueStore& store, const PathValue& v, const Constant& c,
                      CompareScratch* scratch, bool* comparable);

  bool exists_ = false;
  CompareOp op_ = CompareOp::kEq;
  bool negated_ = false;
  std::vector<Constant> constants_;  // one, or the IN list
  std::shared_ptr<const MatchesRegex> regex_;
  std::shared_ptr<const LikeMatcher> like_;
  IpNetwork network_;
};

}  // namespace concord::pattern::engine
