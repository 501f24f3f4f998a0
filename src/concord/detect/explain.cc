#include "concord/detect/explain.h"

#include <span>

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

// Whether the comparison `node` holds for the one string `text`, for the operators whose
// constant is not the value itself (ISSUBSET, ISSUPERSET, LIKE, MATCHES); true for the others.
bool HoldsAlone(const pattern::Pattern& pattern, const pattern::Node& node, std::string_view text) {
  const pattern::Literal& literal = pattern.literal_of(node.literal);
  switch (node.op) {
    case pattern::CompareOp::kIsSubset:
    case pattern::CompareOp::kIsSuperset: {
      const auto value = pattern::ParseIpNetwork(text);
      const auto block = pattern::ParseIpNetwork(literal.bytes);
      if (!value || !block) return false;
      return node.op == pattern::CompareOp::kIsSubset ? pattern::NetworkContains(*block, *value)
                                                      : pattern::NetworkContains(*value, *block);
    }
    case pattern::CompareOp::kLike:
    case pattern::CompareOp::kMatches: {
      // The comparison alone on an observation holding only this value.
      Observation one;
      const ValueStore::Id t = one.values.AddString("x-value");
      const ValueStore::Id v = one.values.AddString(text);
      const std::pair<std::string_view, ValueStore::Id> members[] = {{"type", t}, {"value", v}};
      one.AddObject("0", "x-value", one.values.AddObject(members));
      Result<pattern::Pattern> alone =
          pattern::ParsePattern("[x-value:value " + std::string(pattern::CompareOpText(node.op)) +
                                " " + pattern::FormatLiteral(pattern, node.literal) + "]");
      if (!alone.ok()) return true;
      Result<bool> holds =
          pattern::EvaluateReference(*alone, std::span<const Observation>(&one, 1));
      return !holds.ok() || *holds;
    }
    default:
      return true;
  }
}

std::string Text(const ValueStore& store, ValueStore::Id id) {
  if (store.kind(id) == ValueKind::kString) return std::string(store.string_value(id));
  return observe::DumpValue(store, id);
}

}  // namespace

std::vector<MatchedComparison> ExplainMatch(const pattern::Pattern& pattern,
                                            const observe::Observation& observation, size_t max) {
  std::vector<MatchedComparison> out;
  const std::span<const Observation> one(&observation, 1);
  for (const pattern::Node& node : pattern.nodes) {
    if (out.size() >= max) break;
    if (node.kind != pattern::NodeKind::kComparison) continue;
    const pattern::ObjectPath& path = pattern.path_of(node);
    MatchedComparison m;
    m.path = pattern::FormatPath(path);
    m.op = std::string(node.negated ? "NOT " : "") + std::string(pattern::CompareOpText(node.op));
    m.constant = pattern::FormatLiteral(pattern, node.literal);
    Result<pattern::Pattern> alone =
        pattern::ParsePattern("[" + m.path + " " + m.op + " " + m.constant + "]");
    if (!alone.ok()) continue;
    Result<bool> holds = pattern::EvaluateReference(*alone, one);
    if (!holds.ok() || !*holds) continue;
    std::vector<ValueStore::Id> values;
    Resolve(path, observation, &values);
    const pattern::Literal& literal = pattern.literal_of(node.literal);
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
        auto consider = [&](const pattern::Literal& c) {
          if (c.kind != pattern::LiteralKind::kString) return;
          any_string = true;
          equal = equal || c.bytes == text;
        };
        if (literal.kind == pattern::LiteralKind::kList) {
          for (uint32_t e : literal.elements) consider(pattern.literal_of(e));
        } else {
          consider(literal);
        }
        keep = equal || !any_string;
      }
      if (keep && !node.negated && observation.values.kind(v) == ValueKind::kString) {
        keep = HoldsAlone(pattern, node, text);
      }
      if (keep) m.observed.push_back(text);
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace concord::detect
