#pragma once

// What in an observation made an indicator's pattern match: the "what matched" of an alert.
// Each comparison of the pattern is evaluated alone against the one observation, with the
// engine's exact comparison (pattern/engine/comparison.h: the one verification uses, held to
// the reference evaluator by the engine's differential tests), compiled once per pattern
// (MatchExplainer).

#include <string>
#include <string_view>
#include <vector>

#include "concord/observe/observation.h"
#include "concord/pattern/ast.h"
#include "concord/pattern/engine/comparison.h"
#include "concord/pattern/engine/semantics.h"

namespace concord::detect {

struct MatchedComparison {
  std::string path;      // "domain-name:value", "network-traffic:dst_ref.value"
  std::string op;        // "=", "IN", "LIKE", "ISSUBSET", ... ("NOT " prefixed when negated)
  std::string constant;  // the pattern's literal, as pattern syntax ('evil.example', (...))
  // Values of the path in the observation that satisfy the comparison alone (NOT included), at
  // most MatchExplainer::kMaxObserved, in the order of the observation's objects.
  std::vector<std::string> observed;
};

// A pattern made ready to explain its matches: each comparison's text written and the comparison
// compiled, once, so that explaining a match costs only evaluations (an indicator over a busy
// subnet matches again and again). Not thread-safe: one per thread.
class MatchExplainer {
 public:
  explicit MatchExplainer(const pattern::Pattern& pattern);
  ~MatchExplainer();
  MatchExplainer(MatchExplainer&&) noexcept;
  MatchExplainer& operator=(MatchExplainer&&) noexcept;

  // The comparisons of the pattern (EXISTS left out) that hold on `observation` by themselves,
  // in pattern order, at most `max` of them.
  std::vector<MatchedComparison> Explain(const observe::Observation& observation, size_t max = 8);

  static constexpr size_t kMaxObserved = 4;

 private:
  struct Comparison {
    uint32_t node = 0;       // in pattern_
    MatchedComparison text;  // path, op and constant; no values
    pattern::engine::Comparison compiled;
  };
  pattern::Pattern pattern_;
  std::vector<Comparison> comparisons_;
  // Working memory of Explain.
  std::vector<pattern::engine::PathValue> values_;
  std::vector<pattern::engine::PathValue> scratch_;
  pattern::engine::CompareScratch compare_;
};

// MatchExplainer(pattern).Explain(observation, max), for one match.
std::vector<MatchedComparison> ExplainMatch(const pattern::Pattern& pattern,
                                            const observe::Observation& observation,
                                            size_t max = 8);

}  // namespace concord::detect
