#include "concord/pattern/engine/write_plan.h"

namespace concord::pattern::engine {

uint32_t WritePlan::RootOrNew(uint32_t type) {
  if (type >= roots_.size()) roots_.resize(type + 1, kNone);
  if (roots_[type] == kNone) {
    roots_[type] = static_cast<uint32_t>(nodes_.size());
    nodes_.emplace_back();
  }
  return roots_[type];
}

uint32_t WritePlan::ChildOrNew(uint32_t node, std::string_view key) {
  const uint32_t found = Child(node, key);
  if (found != kNone) return found;
  const uint32_t child = static_cast<uint32_t>(nodes_.size());
  nodes_.emplace_back();  // may move nodes_: index again below
  nodes_[node].children.emplace_back(std::string(key), child);
  return child;
}

void WritePlan::Add(uint32_t type, std::span<const PathStep> steps, uint32_t slot) {
  auto is_key = [&](size_t i) { return i < steps.size() && steps[i].kind == PathStep::Kind::kKey; };
  // A simple object's member a path may end with after a reference.
  auto target_member = [&](size_t i) {
    return is_key(i) && i + 1 == steps.size() &&
           (steps[i].key == "value" || steps[i].key == "type");
  };
  uint32_t node = RootOrNew(type);
  for (size_t i = 0; i < steps.size(); ++i) {
    const PathStep& step = steps[i];
    if (step.kind != PathStep::Kind::kKey) {
      // An index on the member `node` stands for: an element of that list.
      if (i + 1 == steps.size()) {
        nodes_[node].element_slots.push_back(slot);
      } else if (i > 0 && steps[i - 1].key.ends_with("_refs") && target_member(i + 1)) {
        nodes_[node].element_target_slots.push_back(TargetSlot{slot, steps[i + 1].key == "value"});
      } else {
        nodes_[node].opaque = true;
      }
      return;
    }
    const uint32_t child = ChildOrNew(node, step.key);
    if (i + 1 == steps.size()) {
      nodes_[child].value_slots.push_back(slot);
      return;
    }
    if (step.key.ends_with("_ref")) {
      if (target_member(i + 1)) {
        nodes_[child].target_slots.push_back(TargetSlot{slot, steps[i + 1].key == "value"});
      } else {
        nodes_[child].opaque = true;
      }
      return;
    }
    node = child;
  }
}

size_t WritePlan::memory_bytes() const {
  size_t n = nodes_.capacity() * sizeof(Node) + roots_.capacity() * 4;
  for (const Node& x : nodes_) {
    n += x.children.capacity() * sizeof(x.children[0]) + x.value_slots.capacity() * 4 +
         x.element_slots.capacity() * 4 +
         (x.target_slots.capacity() + x.element_target_slots.capacity()) * sizeof(TargetSlot);
    for (const auto& [k, _] : x.children) n += k.capacity();
  }
  return n;
}

}  // namespace concord::pattern::engine
