#pragma once

// The representation of a compiled PatternSet, shared by pattern_set.cc and stream_matcher.cc.
// Internal to the engine: everything is plain vectors indexed by uint32 ids.
//
//   entry       one Add call: user index, kind (invalid / single / multi), its expressions
//   expression  one observation expression "[...]" of an entry (its leaf number), with the
//               number of prefilter clauses it needs and how it is verified
//   clause      one disjunction of atoms; posting lists in the indexes hold clause ids
//   slot        one (object type, object path); slots with atoms have a SlotIndex
//   vprogram    the flattened comparison tree of an expression that needs verification

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "concord/base/status.h"
#include "concord/pattern/ast.h"
#include "concord/pattern/engine/combiner.h"
#include "concord/pattern/engine/comparison.h"
#include "concord/pattern/engine/key_table.h"
#include "concord/pattern/engine/pattern_set.h"
#include "concord/pattern/engine/slot_index.h"
#include "concord/pattern/engine/write_plan.h"

namespace concord::pattern::engine {

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

struct PatternSet::Impl {
  enum class EntryKind : uint8_t { kInvalid, kSingle, kMulti };
  struct Entry {
    uint32_t user_index = 0;
    EntryKind kind = EntryKind::kInvalid;
    uint32_t expr_begin = 0;      // its expressions are expr_begin .. expr_begin + leaf_count - 1
    uint32_t program = kNoIndex;  // kMulti: into programs
  };
  enum ExprFlags : uint8_t {
    kExact = 1,  // the clauses decide the expression: no verification
    kNever = 2,  // can never hold: never a candidate
  };
  struct Expression {
    uint32_t entry = 0;
    uint32_t leaf = 0;
    uint32_t verify = kNoIndex;  // into vprograms when not exact
    uint8_t required = 0;        // clauses to count
    uint8_t flags = 0;
  };
  struct Slot {
    uint32_t type = 0;  // into types
    std::vector<PathStep> steps;
    bool key_path = false;      // IsKeyPath(steps)
    uint32_t index = kNoIndex;  // into slot_indexes
  };
  // Verification tree nodes: a leaf holds a comparison; AND / OR hold children.
  enum class VKind : uint8_t { kLeaf, kAnd, kOr };
  struct VNode {
    VKind kind = VKind::kLeaf;
    uint16_t type = 0;  // kLeaf: the ordinal of its object type within the expression
    uint16_t pos = 0;   // kLeaf: its ordinal among the leaves of that type
    uint32_t a = 0;     // kLeaf: into comparisons; else first child in vchildren
    uint32_t b = 0;     // kLeaf: slot; else child count
  };
  struct VProgram {
    uint32_t root = 0;         // into vnodes
    uint32_t types_begin = 0;  // into vtypes: the expression's object types, in ordinal order
    uint16_t type_count = 0;
    uint32_t type_leaves_begin = 0;  // into vtype_leaves: leaves per type (count per ordinal)
  };

  EngineLimits limits;
  std::vector<Entry> entries;
  std::vector<std::pair<uint32_t, Status>> errors;  // (entry, error), ascending entry
  std::vector<Expression> exprs;
  std::vector<uint32_t> clause_expr;  // clause -> expression
  std::vector<uint32_t> always;       // expressions without clauses

  std::vector<std::string> types;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> type_ids;
  std::vector<Slot> slots;
  std::vector<std::vector<uint32_t>> type_slots;  // per type: slots with an index
  std::vector<SlotIndex> slot_indexes;
  KeyTable keys;
  WritePlan write_plan;  // the indexed slots, for the write prefilter

  std::vector<VProgram> vprograms;
  std::vector<VNode> vnodes;
  std::vector<uint32_t> vchildren;
  std::vector<uint32_t> vtypes;
  std::vector<uint16_t> vtype_leaves;
  std::vector<Comparison> comparisons;

  std::vector<ObsProgram> programs;

  PatternSetStats stats;

  uint32_t TypeId(std::string_view type) const {
    if (types.size() <= 16) {  // a few types: comparing beats hashing
      for (size_t i = 0; i < types.size(); ++i) {
        if (SameBytes(types[i], type)) return static_cast<uint32_t>(i);
      }
      return kNoIndex;
    }
    auto it = type_ids.find(type);
    return it == type_ids.end() ? kNoIndex : it->second;
  }
  // The values of `slot` for `object` of `observation`.
  void Resolve(uint32_t slot, const observe::Observation& observation,
               observe::ValueStore::Id object, std::vector<PathValue>* out,
               std::vector<PathValue>* scratch) const {
    const Slot& s = slots[slot];
    if (s.key_path) {
      ResolveKeyPath(s.steps, observation.values, object, out);
    } else {
      ResolvePath(s.steps, observation, object, out, scratch);
    }
  }
  // Heap bytes held by the set (RE2 programs estimated).
  size_t MemoryBytes() const;
};

}  // namespace concord::pattern::engine
