#pragma once

// What in an observation made an indicator's pattern match: the "what matched" of an alert.
// Only called for matches (rare), so it may be slow: each comparison of the pattern is
// re-evaluated alone, with the reference evaluator, against the one observation.

#include <string>
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

// The comparisons of `pattern` that hold on `observation` by themselves, in pattern order, at
// most `max` of them. Empty for a pattern made only of EXISTS and negations.
std::vector<MatchedComparison> ExplainMatch(const pattern::Pattern& pattern,
                                            const observe::Observation& observation,
                                            size_t max = 8);

}  // namespace concord::detect
