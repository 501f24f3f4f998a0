#include "concord/detect/explain.h"

#include <string>
#include <utility>

#include "concord/observe/dump.h"
#include "concord/pattern/dump.h"

namespace concord::detect {
namespace {

using observe::ValueKind;
using observe::ValueStore;

std::string Text(const ValueStore& store, ValueStore::Id id) {
  if (store.kind(id) == ValueKind::kString) return std::string(store.string_value(id));
  return observe::DumpValue(store, id);
}

}  // namespace

MatchExplainer::MatchExplainer(const pattern::Pattern& pattern) : pattern_(pattern) {
  pattern::engine::OperandCache operands;
  for (uint32_t i = 0; i < pattern_.nodes.size(); ++i) {
    const pattern::Node& node = pattern_.nodes[i];
    if (node.kind != pattern::NodeKind::kComparison) continue;
    // A comparison that does not compile (a MATCHES regex RE2 rejects) cannot be explained;
    // such a pattern is not in an indicator set, whose patterns all compiled.
    Result<pattern::engine::Comparison> compiled =
        pattern::engine::Comparison::Compile(pattern_, node, &operands);
    if (!compiled.ok()) continue;
    Comparison c{.node = i, .text = {}, .compiled = std::move(*compiled)};
    c.text.path = pattern::FormatPath(pattern_.path_of(node));
    c.text.op =
        std::string(node.negated ? "NOT " : "") + std::string(pattern::CompareOpText(node.op));
    c.text.constant = pattern::FormatLiteral(pattern_, node.literal);
    comparisons_.push_back(std::move(c));
  }
}

MatchExplainer::~MatchExplainer() = default;
MatchExplainer::MatchExplainer(MatchExplainer&&) noexcept = default;
MatchExplainer& MatchExplainer::operator=(MatchExplainer&&) noexcept = default;

std::vector<MatchedComparison> MatchExplainer::Explain(const observe::Observation& observation,
                                                       size_t max) {
  std::vector<MatchedComparison> out;
  const ValueStore& store = observation.values;
  for (const Comparison& c : comparisons_) {
    if (out.size() >= max) break;
    const pattern::ObjectPath& path = pattern_.path_of(pattern_.nodes[c.node]);
    bool holds = false;
    std::vector<std::string> observed;
    for (const observe::ObservedObject& o : observation.objects()) {
      if (o.type != path.object_type) continue;
      pattern::engine::ResolvePath(path.steps, observation, o.value, &values_, &scratch_);
      if (!c.compiled.Holds(store, values_, &compare_)) continue;
      holds = true;
      for (const pattern::engine::PathValue& v : values_) {
        if (observed.size() >= kMaxObserved) break;
        if (!v.reference_list && c.compiled.Holds(store, {&v, 1}, &compare_)) {
          observed.push_back(Text(store, v.id));
        }
      }
    }
    if (!holds) continue;
    out.push_back(c.text);
    out.back().observed = std::move(observed);
  }
  return out;
}

std::vector<MatchedComparison> ExplainMatch(const pattern::Pattern& pattern,
                                            const observe::Observation& observation, size_t max) {
  return MatchExplainer(pattern).Explain(observation, max);
}

}  // namespace concord::detect
