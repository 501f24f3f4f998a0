#pragma once

// Observation-level matching for the compiled engine: given which observations match each
// observation expression ("leaf") of a pattern, decide whether the pattern has a binding, by
// paragraphs 1, 6 and 7 of reference_evaluator.h (bindings are multisets of observations within
// number_observed; AND/OR/FOLLOWEDBY; certain-time WITHIN, START/STOP and FOLLOWEDBY; REPEATS as
// distinct bindings). Internal to the engine.
//
// The computation is the reference's, restricted to the leaves' matching observations, with
// economies that give the same answers: the root only asks whether *a* binding exists, so its
// last join (under any WITHIN / START-STOP qualifiers, checked on each joined binding) stops at
// the first and, when streaming, skips pairs of which neither side holds the new observation
// (counting them as steps all the same); and a chain of WITHIN / START-STOP qualifiers over
// REPEATS of a single observation expression (the common "[x] REPEATS 5 TIMES WITHIN 60
// SECONDS") is decided by counting in O(n log n) instead of enumerating multisets. Everything
// else enumerates bindings under CombineLimits and gives ResourceExhausted beyond them, as the
// reference does.

#include <cstdint>
#include <span>
#include <vector>

#include "concord/base/result.h"
#include "concord/base/timestamp.h"
#include "concord/pattern/ast.h"

namespace concord::pattern::engine {

// What the combiner needs of one observation.
struct ObsTimes {
  Timestamp first;
  Timestamp last;
  int64_t count = 1;  // number_observed
};

struct CombineLimits {
  // The most distinct bindings one node may have (the reference's default).
  size_t max_bindings = 100000;
  // The most binding combinations tried in one Combine call.
  uint64_t max_steps = 50000000;
};

// The observation-level tree of one pattern, flattened. Immutable once compiled.
class ObsProgram {
 public:
  // Compiles the observation level of `pattern` (which passed CheckPattern). Leaves (the
  // kObservation nodes) are numbered in depth-first, left-to-right order; `*leaf_nodes`
  // receives the pattern node index of each.
  static ObsProgram Compile(const Pattern& pattern, std::vector<uint32_t>* leaf_nodes);

  // True when the pattern is one observation expression without qualifiers.
  bool single() const { return nodes_[root_].kind == Kind::kLeaf; }
  uint32_t leaf_count() const { return leaf_count_; }
  // An upper bound, in nanoseconds, on max(last_observed) - min(first_observed) over any binding
  // of the whole pattern; negative when unbounded. Streaming drops observations older than this.
  __int128 horizon() const { return horizon_; }
  // Heap bytes held.
  size_t memory_bytes() const;

 private:
  friend class Combiner;
  enum class Kind : uint8_t { kLeaf, kAnd, kOr, kFollowedBy, kWithin, kRepeats, kStartStop };
  struct Node {
    Kind kind = Kind::kLeaf;
    uint32_t first_child = 0;  // into children_
    uint32_t child_count = 0;
    uint32_t leaf = 0;      // kLeaf
    int64_t times = 0;      // kRepeats
    __int128 within = 0;    // kWithin, nanoseconds
    Timestamp start, stop;  // kStartStop
  };
  uint32_t Add(const Pattern& pattern, uint32_t index, std::vector<uint32_t>* leaf_nodes);
  __int128 Horizon(uint32_t node) const;

  std::vector<Node> nodes_;
  std::vector<uint32_t> children_;
  uint32_t root_ = 0;
  uint32_t leaf_count_ = 0;
  __int128 horizon_ = -1;
};

// Whether `program` has a binding over the observations `times`, where `leaves[k]` lists (sorted
// ascending, no duplicates) the indexes into `times` of the observations that match leaf k. When
// `must_include` >= 0 only bindings that use observation `must_include` count (streaming reports a
// match when the newest observation completes one). ResourceExhausted beyond `limits`.
Result<bool> Combine(const ObsProgram& program, std::span<const ObsTimes> times,
                     std::span<const std::vector<uint32_t>> leaves, int64_t must_include,
                     const CombineLimits& limits);

}  // namespace concord::pattern::engine
