#pragma once

// The abstract syntax tree of a STIX 2.1 pattern (STIX 2.1 section 9).
//
// A Pattern is flat: nodes, object paths and literals live in vectors and refer to each other by
// index, so copying, destroying and walking a pattern never recurses through pointers. The tree
// has two levels, as the grammar does:
//
//   observation level   kObservation "[ ... ]", kObsAnd, kObsOr, kFollowedBy, and the
//                       qualifiers kWithin, kRepeats, kStartStop (each wraps one child);
//   comparison level    kAnd, kOr, kComparison "path op literal", kExists "EXISTS path",
//                       found only below a kObservation.
//
// AND, OR and FOLLOWEDBY chains at one level of parentheses become one node with two or more
// children, in source order; a parenthesised group is its own node (marked `parenthesized`).
// Qualifiers bind tighter than AND: "[a] AND [b] WITHIN 5 SECONDS" qualifies only "[b]".

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "concord/base/status.h"
#include "concord/base/timestamp.h"

namespace concord::pattern {

inline constexpr uint32_t kNoIndex = std::numeric_limits<uint32_t>::max();

enum class NodeKind : uint8_t {
  // Observation level.
  kObservation,  // "[ comparison expression ]": children = {one comparison-level node}
  kObsAnd,       // children: two or more observation-level nodes
  kObsOr,        // children: two or more observation-level nodes
  kFollowedBy,   // children: two or more observation-level nodes, in time order
  kWithin,       // "X WITHIN n SECONDS": children = {X}, literal = n (kInt or kFloat)
  kRepeats,      // "X REPEATS n TIMES": children = {X}, literal = n (kInt)
  kStartStop,    // "X START t STOP u": children = {X}, literal = t, literal2 = u (kTimestamp)
  // Comparison level.
  kAnd,         // children: two or more comparison-level nodes
  kOr,          // children: two or more comparison-level nodes
  kComparison,  // path, op, negated, literal (a kList for IN)
  kExists,      // "EXISTS path": path
};

enum class CompareOp : uint8_t {
  kEq,          // = or ==
  kNe,          // != or <>
  kLt,          // <
  kLe,          // <=
  kGt,          // >
  kGe,          // >=
  kIn,          // IN ( ... )
  kLike,        // LIKE 'sql pattern'
  kMatches,     // MATCHES 'regular expression'
  kIsSubset,    // ISSUBSET 'cidr'
  kIsSuperset,  // ISSUPERSET 'cidr'
};

enum class LiteralKind : uint8_t {
  kString,     // '...'
  kInt,        // 42, -7, +3
  kFloat,      // 7.0, -.5
  kBool,       // true, false
  kTimestamp,  // t'2016-01-01T00:00:00Z'
  kBinary,     // b'base64'
  kHex,        // h'00ff'
  kList,       // ( literal, ... ) after IN
};

struct Literal {
  LiteralKind kind = LiteralKind::kString;
  uint32_t pos = 0;  // byte offset of the literal's first character in Pattern::source
  uint32_t end = 0;  // byte offset just past its last character
  // kString: the text with escapes resolved (UTF-8); kBinary, kHex: the decoded bytes.
  std::string bytes;
  int64_t int_value = 0;           // kInt
  double float_value = 0;          // kFloat
  bool bool_value = false;         // kBool
  Timestamp timestamp;             // kTimestamp, in UTC
  int fraction_digits = 0;         // kTimestamp: digits written after the decimal point
  std::vector<uint32_t> elements;  // kList: indexes into Pattern::literals, in source order
};

struct PathStep {
  enum class Kind : uint8_t {
    kKey,       // ".name", ".'quoted-name'" and the first property after the colon
    kIndex,     // "[3]"
    kAnyIndex,  // "[*]"
  };
  Kind kind = Kind::kKey;
  uint32_t pos = 0;     // byte offset of the step's first character ('.', '[' or the name)
  bool quoted = false;  // kKey written as a string literal
  std::string key;      // kKey
  int64_t index = 0;    // kIndex, >= 0
};

// "object-type:property.key[0].other": the object type and the steps after the colon. The first
// step is always a kKey (the property of the object).
struct ObjectPath {
  uint32_t pos = 0;  // byte offset of the object type
  std::string object_type;
  std::vector<PathStep> steps;
};

struct Node {
  NodeKind kind = NodeKind::kObservation;
  // Byte offset where the node's own syntax starts: '[' for kObservation, the first operand for
  // AND/OR/FOLLOWEDBY, the keyword for qualifiers, the path or EXISTS for comparisons.
  // Enclosing parentheses do not move it.
  uint32_t pos = 0;
  // The node was written inside its own parentheses ("( ... )"); for telling "(X WITHIN 1
  // SECONDS) WITHIN 2 SECONDS" from "X WITHIN 1 SECONDS WITHIN 2 SECONDS". Not semantic.
  bool parenthesized = false;
  std::vector<uint32_t> children;  // indexes into Pattern::nodes
  uint32_t path = kNoIndex;        // kComparison, kExists: index into Pattern::paths
  CompareOp op = CompareOp::kEq;   // kComparison
  bool negated = false;            // kComparison: "NOT" written before the operator
  uint32_t literal = kNoIndex;     // kComparison operand; qualifier argument (see NodeKind)
  uint32_t literal2 = kNoIndex;    // kStartStop: the STOP timestamp
};

// A parsed pattern. Built by ParsePattern (parser.h); plain data, safe to copy and to share
// between threads once built.
struct Pattern {
  std::string source;  // the pattern text as given
  std::vector<Node> nodes;
  uint32_t root = kNoIndex;  // an observation-level node
  std::vector<ObjectPath> paths;
  std::vector<Literal> literals;
  // The number of nodes on the longest root-to-leaf chain (a lone "[a:b = 1]" has height 2).
  // At most PatternLimits::max_depth + 2; recursive walks rely on this bound.
  uint32_t height = 0;

  const Node& node(uint32_t i) const { return nodes[i]; }
  const ObjectPath& path_of(const Node& n) const { return paths[n.path]; }
  const Literal& literal_of(uint32_t i) const { return literals[i]; }
};

// True for the observation-level kinds (kObservation ... kStartStop).
bool IsObservationLevel(NodeKind kind);

// The operator as written in canonical form: "=", "!=", "<", ..., "IN", "LIKE", "MATCHES",
// "ISSUBSET", "ISSUPERSET".
std::string_view CompareOpText(CompareOp op);

// An error about `source` at byte offset `pos`: "position N: <message>", where N is the 0-based
// code point index of `pos` (the character position an editor shows; equal to `pos` for ASCII).
Status ErrorAt(StatusCode code, std::string_view source, size_t pos, std::string_view message);

}  // namespace concord::pattern
