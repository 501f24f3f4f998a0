#include "concord/detect/explain.h"

#include <memory>
#include <span>
#include <string>
#include <utility>

#include "concord/observe/dump.h"
#include "concord/pattern/dump.h"
#include "concord/pattern/engine/semantics.h"
#include "concord/pattern/ip.h"
#include "concord/pattern/parser.h"
#include "concord/pattern/reference_evaluator.h"

namespace concord::detect {
namespace {

using observe::Observation;
using observe::ValueKind;
using observe::ValueStore;

// The values `path` yields from the objects of `observation`, resolved as the engine resolves
// them (pattern/engine/semantics.h); reference lists themselves are left out.
void Resolve(const pattern::ObjectPath& path, const Observation& observation,
             std::vector<ValueStore::Id>* out) {
  std::vector<pattern::engine::PathValue> values;
  std::vector<pattern::engine::PathValue> scratch;
  for (const observe::ObservedObject& o : observation.objects()) {
    if (o.type != path.object_type) continue;
    pattern::engine::ResolvePath(path.steps, observation, o.value, &values, &scratch);
    for (const pattern::engine::PathValue& v : values) {
      if (!v.reference_list) out->push_back(v.id);
    }
  }
}

// `text` parsed, checked and compiled as a pattern of one observation expression; null when
// it is not one (a comparison that cannot be written alone).
std::unique_ptr<pattern::PreparedReference> PrepareAlone(const std::string& text) {
  Result<pattern::Pattern> p = pattern::ParsePattern(text);
  if (!p.ok() || p->root >= p->nodes.size() ||
      p->nodes[p->root].kind != pattern::NodeKind::kObservation) {
    return nullptr;
  }
  Result<std::unique_ptr<pattern::PreparedReference>> prepared =
      pattern::PreparedReference::Prepare(std::move(*p));
  return prepared.ok() ? std::move(*prepared) : nullptr;
}

// Whether the prepared one-observation pattern `alone` holds on `observation`; an evaluation
// that fails (limits) counts as `on_error`.
bool Holds(pattern::PreparedReference& alone, const Observation& observation, bool on_error) {
  Result<bool> holds = alone.MatchesObservation(alone.pattern().root, observation);
  return holds.ok() ? *holds : on_error;
}

std::string Text(const ValueStore& store, ValueStore::Id id) {
  if (store.kind(id) == ValueKind::kString) return std::string(store.string_value(id));
  return observe::DumpValue(store, id);
}

}  // namespace

struct MatchExplainer::Comparison {
  uint32_t node = 0;
  MatchedComparison text;  // path, op and constant; no values
  // "[path op constant]" prepared; null when it cannot be (the comparison is then left out).
  std::unique_ptr<pattern::PreparedReference> alone;
  // LIKE and MATCHES: "[x-value:value op constant]", the comparison on one string value alone;
  // null for the other operators, or when it cannot be prepared (every value is then shown).
  std::unique_ptr<pattern::PreparedReference> on_value;
};

MatchExplainer::MatchExplainer(const pattern::Pattern& pattern) : pattern_(pattern) {
  for (uint32_t i = 0; i < pattern_.nodes.size(); ++i) {
    const pattern::Node& node = pattern_.nodes[i];
    if (node.kind != pattern::NodeKind::kComparison) continue;
    Comparison c;
    c.node = i;
    c.text.path = pattern::FormatPath(pattern_.path_of(node));
    c.text.op =
        std::string(node.negated ? "NOT " : "") + std::string(pattern::CompareOpText(node.op));
    c.text.constant = pattern::FormatLiteral(pattern_, node.literal);
    c.alone = PrepareAlone("[" + c.text.path + " " + c.text.op + " " + c.text.constant + "]");
    if (node.op == pattern::CompareOp::kLike || node.op == pattern::CompareOp::kMatches) {
      c.on_value = PrepareAlone("[x-value:value " + std::string(pattern::CompareOpText(node.op)) +
                                " " + c.text.constant + "]");
    }
    comparisons_.push_back(std::move(c));
  }
}

MatchExplainer::~MatchExplainer() = default;
MatchExplainer::MatchExplainer(MatchExplainer&&) noexcept = default;
MatchExplainer& MatchExplainer::operator=(MatchExplainer&&) noexcept = default;

std::vector<MatchedComparison> MatchExplainer::Explain(const observe::Observation& observation,
                                                       size_t max) {
  std::vector<MatchedComparison> out;
  for (Comparison& c : comparisons_) {
    if (out.size() >= max) break;
    if (c.alone == nullptr || !Holds(*c.alone, observation, false)) continue;
    const pattern::Node& node = pattern_.nodes[c.node];
    MatchedComparison m = c.text;
    std::vector<ValueStore::Id> values;
    Resolve(pattern_.path_of(node), observation, &values);
    const pattern::Literal& literal = pattern_.literal_of(node.literal);
    for (ValueStore::Id v : values) {
      if (m.observed.size() >= 4) break;
      const std::string text = Text(observation.values, v);
      bool keep = true;
      if (!node.negated &&
          (node.op == pattern::CompareOp::kEq || node.op == pattern::CompareOp::kIn)) {
        // Keep the values equal to a string constant; values compared with numbers and other
        // constants are all shown.
        bool any_string = false;
        bool equal = false;
        auto consider = [&](const pattern::Literal& k) {
          if (k.kind != pattern::LiteralKind::kString) return;
          any_string = true;
          equal = equal || k.bytes == text;
        };
        if (literal.kind == pattern::LiteralKind::kList) {
          for (uint32_t e : literal.elements) consider(pattern_.literal_of(e));
        } else {
          consider(literal);
        }
        keep = equal || !any_string;
      }
      if (keep && !node.negated && observation.values.kind(v) == ValueKind::kString) {
        keep = HoldsAlone(c, text);
      }
      if (keep) m.observed.push_back(text);
    }
    out.push_back(std::move(m));
  }
  return out;
}

bool MatchExplainer::HoldsAlone(Comparison& c, std::string_view text) {
  const pattern::Node& node = pattern_.nodes[c.node];
  switch (node.op) {
    case pattern::CompareOp::kIsSubset:
    case pattern::CompareOp::kIsSuperset: {
      const pattern::Literal& literal = pattern_.literal_of(node.literal);
      const auto value = pattern::ParseIpNetwork(text);
      const auto block = pattern::ParseIpNetwork(literal.bytes);
      if (!value || !block) return false;
      return node.op == pattern::CompareOp::kIsSubset ? pattern::NetworkContains(*block, *value)
                                                      : pattern::NetworkContains(*value, *block);
    }
    case pattern::CompareOp::kLike:
    case pattern::CompareOp::kMatches: {
      if (c.on_value == nullptr) return true;
      // The comparison alone on an observation holding only this value.
      Observation one;
      const ValueStore::Id t = one.values.AddString("x-value");
      const ValueStore::Id v = one.values.AddString(text);
      const std::pair<std::string_view, ValueStore::Id> members[] = {{"type", t}, {"value", v}};
      one.AddObject("0", "x-value", one.values.AddObject(members));
      return Holds(*c.on_value, one, true);
    }
    default:
      return true;
  }
}

std::vector<MatchedComparison> ExplainMatch(const pattern::Pattern& pattern,
                                            const observe::Observation& observation, size_t max) {
  return MatchExplainer(pattern).Explain(observation, max);
}

}  // namespace concord::detect
