#pragma once

// What in an observation made an indicator's pattern match: the "what matched" of an alert.
// Each comparison of the pattern is evaluated alone, with the reference evaluator, against the
// one observation: slower than matching, so prepared once per pattern (MatchExplainer).

#include <string>
#include <string_view>
#include <vector>

#include "concord/observe/observation.h"
#include "concord/pattern/ast.h"

namespace concord::detect {

struct MatchedComparison {
  std::string path;      // "domain-name:value", "network-traffic:dst_ref.value"
  std::string op;        // "=", "IN", "LIKE", "ISSUBSET", ... ("NOT " prefixed when negated)
  std::string constant;  // the pattern's literal, as pattern syntax ('evil.example', (...))
  // Values of the path in the observation that satisfy the comparison (at most 4): for = and
  // IN those equal to a string constant, for ISSUBSET, ISSUPERSET, LIKE and MATCHES those that
  // satisfy it alone, for the other operators every value of the path.
  std::vector<std::string> observed;
};

// A pattern made ready to explain its matches: each comparison's text written, and the
// comparison alone parsed, checked and compiled, once, so that explaining a match costs only
// evaluations (an indicator over a busy subnet matches again and again). Not thread-safe: one
// per thread.
class MatchExplainer {
 public:
  explicit MatchExplainer(const pattern::Pattern& pattern);
  ~MatchExplainer();
  MatchExplainer(MatchExplainer&&) noexcept;
  MatchExplainer& operator=(MatchExplainer&&) noexcept;

  // The comparisons of the pattern that hold on `observation` by themselves, in pattern order,
  // at most `max` of them. Empty for a pattern made only of EXISTS and negations.
  std::vector<MatchedComparison> Explain(const observe::Observation& observation, size_t max = 8);

 private:
  struct Comparison;
  // Whether comparison `c` holds on the one string `text`, for the operators whose constant is
  // not the value itself (ISSUBSET, ISSUPERSET, LIKE, MATCHES); true for the others.
  bool HoldsAlone(Comparison& c, std::string_view text);
  pattern::Pattern pattern_;
  std::vector<Comparison> comparisons_;
};

// MatchExplainer(pattern).Explain(observation, max), for one match.
std::vector<MatchedComparison> ExplainMatch(const pattern::Pattern& pattern,
                                            const observe::Observation& observation,
                                            size_t max = 8);

}  // namespace concord::detect
