#pragma once

// Where the indexed slots of a PatternSet read, laid out the way ObservationBuilder writes:
// per object type, a tree of member keys whose nodes list the slots that read there. The write
// prefilter (Matcher::write_sink) walks it as a builder in probe mode reports its writes, and
// probes each slot's index with each value, instead of building the observation and resolving
// every slot's path on every object afterwards.
//
// For a slot with steps s1.s2...sn (object paths, pattern/ast.h), the node of s1...sk holds:
//   value_slots    the path ends at this member: its scalar is probed, and any write there is
//                  the slot's presence (a nested object counts when opened: more, never less)
//   element_slots  the path ends with [*] or [n] on this member: each element is probed (and
//                  makes presence), the index ignored (more, never less)
//   target_slots   this member is a *_ref (or the elements of a *_refs) and the path ends with
//                  .value or .type of the object it names: that member of a simple target
//   opaque         any other path through here (deeper through a reference, a list of lists):
//                  a write here means the event must be matched in full
// "More, never less": every clause the full match would count is counted here too, so a
// prefilter that finds no candidate expression proves that the full match finds nothing.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "concord/base/bytes.h"
#include "concord/pattern/ast.h"

namespace concord::pattern::engine {

class WritePlan {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  struct TargetSlot {
    uint32_t slot;
    bool value;  // .value (else .type)
  };
  struct Node {
    std::vector<std::pair<std::string, uint32_t>> children;  // (member key, node)
    std::vector<uint32_t> value_slots;
    std::vector<uint32_t> element_slots;
    std::vector<TargetSlot> target_slots;
    std::vector<TargetSlot> element_target_slots;
    bool opaque = false;
  };

  // Adds `slot`, of the object type numbered `type`, reading `steps`.
  void Add(uint32_t type, std::span<const PathStep> steps, uint32_t slot);

  // The node of an object of type `type` (kNone: no slot reads that type).
  uint32_t Root(uint32_t type) const { return type < roots_.size() ? roots_[type] : kNone; }
  // The node of member `key` below `node` (kNone: no slot reads there).
  uint32_t Child(uint32_t node, std::string_view key) const {
    for (const auto& [k, n] : nodes_[node].children) {
      if (SameBytes(k, key)) return n;
    }
    return kNone;
  }
  const Node& node(uint32_t n) const { return nodes_[n]; }
  // Nodes are numbered 0 .. node_count() - 1.
  size_t node_count() const { return nodes_.size(); }
  size_t memory_bytes() const;

 private:
  uint32_t ChildOrNew(uint32_t node, std::string_view key);
  uint32_t RootOrNew(uint32_t type);

  std::vector<Node> nodes_;
  std::vector<uint32_t> roots_;  // by type id
};

}  // namespace concord::pattern::engine
