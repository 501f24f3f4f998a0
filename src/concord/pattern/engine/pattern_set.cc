#include "concord/pattern/engine/pattern_set.h"

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <utility>

#include "concord/pattern/checks.h"
#include "concord/pattern/dump.h"
#include "concord/pattern/engine/pattern_set_internal.h"
#include "concord/pattern/parser.h"
#include "concord/pattern/unicode.h"

namespace concord::pattern::engine {

using Impl = PatternSet::Impl;

namespace {

// ---- Prefilter derivation ----

// Relative costs of atoms (rough hit rates and probe costs), for choosing which clauses to keep.
constexpr int kCostKey = 1;
// Numbers and booleans as exact keys: ports, sizes and flags take few values, so one such key
// (dst_port = 443) is hit by a large share of events and its posting list is long.
constexpr int kCostNumberKey = 10;
constexpr int kCostBoolKey = 100;
constexpr int kCostAffix = 2;
constexpr int kCostCidr = 2;
constexpr int kCostSuperset = 4;
constexpr int kCostRange = 20;
constexpr int kCostRegex = 50;
constexpr int kCostPresence = 1000;

// The most distinct LIKE 'lit%' (or '%lit') lengths one slot probes, and the longest '%.lit'
// probed label-wise; beyond these LIKE operands go to the slot's RE2::Set.
constexpr size_t kMaxAffixLengths = 64;
constexpr size_t kMaxAffixBytes = 255;

// One prefilter atom: a condition on the values of one slot.
struct Atom {
  enum class Type : uint8_t {
    kPresence,
    kKey,
    kRangeString,
    kRangeBytes,
    kRangeNumber,
    kRangeInstant,
    kSubset,
    kSuperset,
    kLikeRegex,
    kMatchesRegex,
  };
  Type type = Type::kPresence;
  uint32_t slot = 0;
  uint8_t key_kind = 0;  // kKey
  std::string key;       // kKey; range bound for strings/bytes; regex text
  CompareOp op = CompareOp::kEq;
  Number number;
  Timestamp timestamp;
  IpNetwork net;
  bool exact = false;  // a hit means the (non-negated) comparison holds on that value
  int cost = kCostPresence;
};

struct Clause {
  std::vector<Atom> atoms;
  int cost = 0;
  bool presence_only = true;
  // Every atom an exact number or boolean key (a port, a flag) or a bound on numbers or instants
  // (a size, a time): atoms that a large share of values hit.
  bool numbers_only = true;

  void Add(Atom a) {
    cost += a.cost;
    presence_only = presence_only && a.type == Atom::Type::kPresence;
    const bool number_key =
        a.type == Atom::Type::kKey && (a.key_kind == kKeyNumber || a.key_kind == kKeyBool);
    const bool bound = a.type == Atom::Type::kRangeNumber || a.type == Atom::Type::kRangeInstant;
    numbers_only = numbers_only && (number_key || bound);
    atoms.push_back(std::move(a));
  }
};

constexpr uint32_t kMixedTypes = kNoIndex - 1;

struct Prefilter {
  bool never = false;           // the expression can never hold
  std::vector<Clause> clauses;  // all needed; empty = no condition
  bool exact = false;           // the clauses decide the expression
  uint32_t type = kNoIndex;     // the one object type it reads, or kMixedTypes
};

Prefilter Never() {
  Prefilter p;
  p.never = true;
  return p;
}

Prefilter OneClause(Clause c, bool exact, uint32_t type) {
  Prefilter p;
  p.clauses.push_back(std::move(c));
  p.exact = exact;
  p.type = type;
  return p;
}

uint32_t MergeType(uint32_t a, uint32_t b) {
  if (a == kNoIndex) return b;
  if (b == kNoIndex) return a;
  return a == b ? a : kMixedTypes;
}

}  // namespace

// ---- Builder ----

struct PatternSetBuilder::State {
  std::unique_ptr<Impl> impl = std::make_unique<Impl>();
  OperandCache operands;
  std::unordered_map<std::string, uint32_t> slot_ids;  // FormatPath -> slot
  // Per slot: LIKE prefix and suffix lengths reserved (for the kMaxAffixLengths cap).
  std::vector<std::vector<uint16_t>> prefix_reserved, suffix_reserved;
  KeyTable::Builder keys;
  size_t total_bytes = 0;
  size_t regexes = 0;
  const EngineLimits* limits = nullptr;

  uint32_t TypeId(const std::string& type) {
    auto [it, added] = impl->type_ids.emplace(type, static_cast<uint32_t>(impl->types.size()));
    if (added) {
      impl->types.push_back(type);
      impl->type_slots.emplace_back();
    }
    return it->second;
  }

  uint32_t SlotId(const ObjectPath& path) {
    auto [it, added] =
        slot_ids.emplace(FormatPath(path), static_cast<uint32_t>(impl->slots.size()));
    if (added) {
      Impl::Slot s;
      s.type = TypeId(path.object_type);
      s.steps = path.steps;
      s.key_path = IsKeyPath(s.steps);
      impl->slots.push_back(std::move(s));
      prefix_reserved.emplace_back();
      suffix_reserved.emplace_back();
    }
    return it->second;
  }

  static bool Reserve(std::vector<uint16_t>* lengths, size_t length) {
    if (length == 0 || length > kMaxAffixBytes) return false;
    if (std::find(lengths->begin(), lengths->end(), length) != lengths->end()) return true;
    if (lengths->size() >= kMaxAffixLengths) return false;
    lengths->push_back(static_cast<uint16_t>(length));
    return true;
  }

  // ---- Atoms of one comparison ----

  static Atom MakeAtom(Atom::Type type, uint32_t slot, bool exact, int cost) {
    Atom a;
    a.type = type;
    a.slot = slot;
    a.exact = exact;
    a.cost = cost;
    return a;
  }

  static Atom Presence(uint32_t slot) {
    return MakeAtom(Atom::Type::kPresence, slot, false, kCostPresence);
  }

  static Atom Key(uint32_t slot, uint8_t kind, std::string key, int cost = kCostKey) {
    Atom a = MakeAtom(Atom::Type::kKey, slot, true, cost);
    a.key_kind = kind;
    a.key = std::move(key);
    return a;
  }

  // The atom "value = literal" on a slot with `encoding`; nullopt when no value can equal it.
  static std::optional<Atom> Equal(uint32_t slot, Encoding encoding, const Literal& l) {
    const bool plain = encoding == Encoding::kNone;
    switch (l.kind) {
      case LiteralKind::kString: {
        if (plain) return Key(slot, kKeyString, l.bytes);
        std::string bytes;
        if (!Latin1(l.bytes, &bytes)) return std::nullopt;
        return Key(slot, kKeyBytes, std::move(bytes));
      }
      case LiteralKind::kInt:
        return Key(slot, kKeyNumber, NumberKey(Number{.is_int = true, .i = l.int_value}),
                   kCostNumberKey);
      case LiteralKind::kFloat:
        return Key(slot, kKeyNumber, NumberKey(Number{.is_int = false, .d = l.float_value}),
                   kCostNumberKey);
      case LiteralKind::kBool:
        return Key(slot, kKeyBool, l.bool_value ? "1" : "0", kCostBoolKey);
      case LiteralKind::kTimestamp:
        if (!plain) return std::nullopt;
        return Key(slot, kKeyInstant, InstantKey(l.timestamp));
      case LiteralKind::kBinary:
      case LiteralKind::kHex:
        return Key(slot, kKeyBytes, l.bytes);
      case LiteralKind::kList:
        return std::nullopt;
    }
    return std::nullopt;
  }

  // The atom "value op literal" for an ordering operator; nullopt when nothing compares.
  static std::optional<Atom> Range(uint32_t slot, Encoding encoding, CompareOp op,
                                   const Literal& l) {
    const bool plain = encoding == Encoding::kNone;
    Atom a = MakeAtom(Atom::Type::kRangeNumber, slot, true, kCostRange);
    a.op = op;
    switch (l.kind) {
      case LiteralKind::kString:
        if (plain) {
          a.type = Atom::Type::kRangeString;
          a.key = l.bytes;
        } else {
          a.type = Atom::Type::kRangeBytes;
          if (!Latin1(l.bytes, &a.key)) return std::nullopt;
        }
        return a;
      case LiteralKind::kInt:
        a.type = Atom::Type::kRangeNumber;
        a.number = Number{.is_int = true, .i = l.int_value};
        return a;
      case LiteralKind::kFloat:
        a.type = Atom::Type::kRangeNumber;
        a.number = Number{.is_int = false, .d = l.float_value};
        return a;
      case LiteralKind::kTimestamp:
        if (!plain) return std::nullopt;
        a.type = Atom::Type::kRangeInstant;
        a.timestamp = l.timestamp;
        return a;
      case LiteralKind::kBinary:
      case LiteralKind::kHex:
        a.type = Atom::Type::kRangeBytes;
        a.key = l.bytes;
        return a;
      default:
        return Presence(slot);  // (the grammar gives orderings no booleans or lists)
    }
  }

  Prefilter Leaf(const Pattern& p, const Node& n) {
    const ObjectPath& path = p.paths[n.path];
    const uint32_t slot = SlotId(path);
    const uint32_t type = impl->slots[slot].type;
    const Encoding encoding = PathEncoding(path.steps);
    const bool plain = encoding == Encoding::kNone;
    Clause c;
    auto presence = [&]() {
      c.Add(Presence(slot));
      return OneClause(std::move(c), false, type);
    };
    if (n.kind == NodeKind::kExists) return presence();
    // LIKE and the CIDR operators compare plain strings only, with or without NOT.
    const bool strings_only =
        n.op == CompareOp::kLike || n.op == CompareOp::kIsSubset || n.op == CompareOp::kIsSuperset;
    if (strings_only && !plain) return Never();
    if (n.negated) return presence();
    const Literal& l = p.literals[n.literal];
    switch (n.op) {
      case CompareOp::kEq: {
        std::optional<Atom> a = Equal(slot, encoding, l);
        if (!a) return Never();
        c.Add(std::move(*a));
        return OneClause(std::move(c), true, type);
      }
      case CompareOp::kIn: {
        for (uint32_t e : l.elements) {
          std::optional<Atom> a = Equal(slot, encoding, p.literals[e]);
          if (a) c.Add(std::move(*a));
        }
        if (c.atoms.empty()) return Never();
        return OneClause(std::move(c), true, type);
      }
      case CompareOp::kNe:
        return presence();
      case CompareOp::kLt:
      case CompareOp::kLe:
      case CompareOp::kGt:
      case CompareOp::kGe: {
        std::optional<Atom> a = Range(slot, encoding, n.op, l);
        if (!a) return Never();
        const bool exact = a->exact;
        c.Add(std::move(*a));
        return OneClause(std::move(c), exact, type);
      }
      case CompareOp::kLike:
        return Like(slot, type, l.bytes);
      case CompareOp::kMatches: {
        if (!plain) return presence();
        Atom a = MakeAtom(Atom::Type::kMatchesRegex, slot, false, kCostRegex);
        a.key = NormalizeNfcUtf8(l.bytes);
        c.Add(std::move(a));
        return OneClause(std::move(c), false, type);
      }
      case CompareOp::kIsSubset:
      case CompareOp::kIsSuperset: {
        std::optional<IpNetwork> net = ParseIpNetwork(l.bytes);
        if (!net) return presence();  // (CheckPattern rules this out)
        const bool subset = n.op == CompareOp::kIsSubset;
        Atom a = MakeAtom(subset ? Atom::Type::kSubset : Atom::Type::kSuperset, slot, true,
                          subset ? kCostCidr : kCostSuperset);
        a.net = *net;
        c.Add(std::move(a));
        return OneClause(std::move(c), true, type);
      }
    }
    return presence();
  }

  Prefilter Like(uint32_t slot, uint32_t type, const std::string& operand) {
    std::shared_ptr<const LikeMatcher> like = operands.Like(operand);
    const std::string& lit = like->literal();
    Clause c;
    auto key = [&](uint8_t kind) {
      c.Add(Key(slot, kind, lit, kind == kKeyLikeExact ? kCostKey : kCostAffix));
      return OneClause(std::move(c), true, type);
    };
    switch (like->form()) {
      case LikeMatcher::Form::kExact:
        return key(kKeyLikeExact);
      case LikeMatcher::Form::kSuffix:
        if (lit.empty()) break;  // '%': every string
        if (lit.front() == '.' && lit.size() <= kMaxAffixBytes + 1) return key(kKeyDotSuffix);
        if (Reserve(&suffix_reserved[slot], lit.size())) return key(kKeyLikeSuffix);
        break;
      case LikeMatcher::Form::kPrefix:
        if (Reserve(&prefix_reserved[slot], lit.size())) return key(kKeyLikePrefix);
        break;
      case LikeMatcher::Form::kContains:
        if (lit.empty()) break;
        [[fallthrough]];
      case LikeMatcher::Form::kGeneral:
        Atom a = MakeAtom(Atom::Type::kLikeRegex, slot, false, kCostRegex);
        a.key = like->regex();
        c.Add(std::move(a));
        return OneClause(std::move(c), false, type);
    }
    c.Add(Presence(slot));
    return OneClause(std::move(c), false, type);
  }

  // The prefilter of comparison-level node `index`. Depth bounded by Pattern::height.
  Prefilter Derive(const Pattern& p, uint32_t index) {
    const Node& n = p.nodes[index];
    if (n.kind == NodeKind::kComparison || n.kind == NodeKind::kExists) return Leaf(p, n);
    if (n.kind == NodeKind::kAnd) {
      Prefilter out;
      out.exact = true;
      std::vector<uint32_t> seen_types;
      for (uint32_t child : n.children) {
        Prefilter c = Derive(p, child);
        if (c.never) return Never();
        // An AND is decided by its clauses when each conjunct is one exact clause on an object
        // type no other conjunct names (so the objects can be chosen independently).
        const bool fresh = c.type != kMixedTypes && std::find(seen_types.begin(), seen_types.end(),
                                                              c.type) == seen_types.end();
        out.exact = out.exact && c.exact && c.clauses.size() == 1 && fresh;
        seen_types.push_back(c.type);
        out.type = MergeType(out.type, c.type);
        for (Clause& cl : c.clauses) out.clauses.push_back(std::move(cl));
      }
      const bool informative = std::any_of(out.clauses.begin(), out.clauses.end(),
                                           [](const Clause& cl) { return !cl.presence_only; });
      if (informative) {
        std::erase_if(out.clauses, [](const Clause& cl) { return cl.presence_only; });
      }
      // Beside a clause on strings or addresses, clauses of only number and boolean keys and
      // bounds (a port, a flag, a size) add little precision and much counting (their posting
      // lists and bounds are hit by most events): their candidates are verified instead.
      const bool selective =
          std::any_of(out.clauses.begin(), out.clauses.end(),
                      [](const Clause& cl) { return !cl.presence_only && !cl.numbers_only; });
      if (selective && std::erase_if(out.clauses, [](const Clause& cl) {
                         return cl.numbers_only && !cl.presence_only;
                       }) > 0) {
        out.exact = false;
      }
      if (out.clauses.size() > limits->max_clauses_per_expression) {
        std::stable_sort(out.clauses.begin(), out.clauses.end(),
                         [](const Clause& a, const Clause& b) { return a.cost < b.cost; });
        out.clauses.resize(limits->max_clauses_per_expression);
        out.exact = false;
      }
      return out;
    }
    // kOr: one clause, the union of the cheapest clause of each possible branch.
    Prefilter out;
    out.exact = true;
    Clause merged;
    bool unconditional = false;
    size_t alive = 0;
    for (uint32_t child : n.children) {
      Prefilter c = Derive(p, child);
      if (c.never) continue;
      ++alive;
      out.type = MergeType(out.type, c.type);
      if (c.clauses.empty()) {
        unconditional = true;
        continue;
      }
      out.exact = out.exact && c.exact && c.clauses.size() == 1;
      auto best =
          std::min_element(c.clauses.begin(), c.clauses.end(),
                           [](const Clause& a, const Clause& b) { return a.cost < b.cost; });
      for (Atom& a : best->atoms) merged.Add(std::move(a));
    }
    if (alive == 0) return Never();
    if (unconditional) {
      out.exact = false;
      return out;
    }
    out.clauses.push_back(std::move(merged));
    return out;
  }

  // ---- Registering atoms in the indexes ----

  SlotIndex& IndexOf(uint32_t slot) {
    Impl::Slot& s = impl->slots[slot];
    if (s.index == kNoIndex) {
      s.index = static_cast<uint32_t>(impl->slot_indexes.size());
      impl->slot_indexes.emplace_back();
      impl->slot_indexes.back().slot = slot;
      impl->slot_indexes.back().encoding = PathEncoding(s.steps);
      impl->type_slots[s.type].push_back(slot);
    }
    return impl->slot_indexes[s.index];
  }

  void Register(const Atom& a, uint32_t clause) {
    SlotIndex& x = IndexOf(a.slot);
    switch (a.type) {
      case Atom::Type::kPresence:
        x.presence.push_back(clause);
        break;
      case Atom::Type::kKey:
        x.key_kinds |= 1u << a.key_kind;
        keys.Add(a.slot, a.key_kind, a.key, clause);
        if (a.key_kind == kKeyLikePrefix) x.prefix_lengths.push_back(a.key.size());
        if (a.key_kind == kKeyLikeSuffix) x.suffix_lengths.push_back(a.key.size());
        if (a.key_kind == kKeyDotSuffix) {
          x.max_dot_suffix = std::max<uint32_t>(x.max_dot_suffix, a.key.size());
          const size_t dots = std::count(a.key.begin(), a.key.end(), '.');
          x.dot_suffix_labels |= uint64_t{1} << std::min<size_t>(dots, 63);
        }
        break;
      case Atom::Type::kRangeString:
        x.range_string.Add(a.key, a.op, clause);
        break;
      case Atom::Type::kRangeBytes:
        x.range_bytes.Add(a.key, a.op, clause);
        break;
      case Atom::Type::kRangeNumber:
        x.range_number.Add(a.number, a.op, clause);
        break;
      case Atom::Type::kRangeInstant:
        x.range_instant.Add(a.timestamp, a.op, clause);
        break;
      case Atom::Type::kSubset: {
        const uint8_t kind = a.net.family == 4 ? kKeyCidr4 : kKeyCidr6;
        x.key_kinds |= 1u << kind;
        x.cidr.Add(a.net);
        keys.Add(a.slot, kind, CidrKey(a.net, a.net.prefix_length), clause);
        break;
      }
      case Atom::Type::kSuperset:
        x.superset.Add(a.net, clause);
        break;
      case Atom::Type::kLikeRegex:
        x.like_set.Add(a.key, clause);
        ++regexes;
        break;
      case Atom::Type::kMatchesRegex:
        x.matches_set.Add(a.key, clause);
        ++regexes;
        break;
    }
  }

  // ---- Verification programs ----

  // Compiles comparison-level node `index` into impl->vnodes; returns its vnode. Depth bounded
  // by Pattern::height.
  Result<uint32_t> CompileTree(const Pattern& p, uint32_t index, std::vector<uint32_t>* types,
                               std::vector<uint16_t>* per_type) {
    const Node& n = p.nodes[index];
    Impl::VNode v;
    if (n.kind == NodeKind::kComparison || n.kind == NodeKind::kExists) {
      CONCORD_ASSIGN_OR_RETURN(Comparison c, Comparison::Compile(p, n, &operands));
      const uint32_t slot = SlotId(p.paths[n.path]);
      const uint32_t type = impl->slots[slot].type;
      size_t ord = std::find(types->begin(), types->end(), type) - types->begin();
      if (ord == types->size()) {
        types->push_back(type);
        per_type->push_back(0);
      }
      v.kind = Impl::VKind::kLeaf;
      v.type = static_cast<uint16_t>(ord);
      v.pos = (*per_type)[ord]++;
      v.a = static_cast<uint32_t>(impl->comparisons.size());
      v.b = slot;
      impl->comparisons.push_back(std::move(c));
    } else {
      std::vector<uint32_t> kids;
      for (uint32_t child : n.children) {
        CONCORD_ASSIGN_OR_RETURN(uint32_t k, CompileTree(p, child, types, per_type));
        kids.push_back(k);
      }
      v.kind = n.kind == NodeKind::kAnd ? Impl::VKind::kAnd : Impl::VKind::kOr;
      v.a = static_cast<uint32_t>(impl->vchildren.size());
      v.b = static_cast<uint32_t>(kids.size());
      impl->vchildren.insert(impl->vchildren.end(), kids.begin(), kids.end());
    }
    impl->vnodes.push_back(v);
    return static_cast<uint32_t>(impl->vnodes.size() - 1);
  }

  Status CompileExpression(const Pattern& p, uint32_t obs_node, uint32_t entry, uint32_t leaf) {
    const uint32_t expr_id = static_cast<uint32_t>(impl->exprs.size());
    impl->exprs.push_back(Impl::Expression{.entry = entry, .leaf = leaf});
    const uint32_t root = p.nodes[obs_node].children[0];
    Prefilter pf = Derive(p, root);
    Impl::Expression& e = impl->exprs.back();
    if (pf.never) {
      e.flags = Impl::kNever;
      return Status::Ok();
    }
    if (pf.clauses.empty()) {
      impl->always.push_back(expr_id);
    } else {
      e.required = static_cast<uint8_t>(pf.clauses.size());
      for (const Clause& c : pf.clauses) {
        const uint32_t clause = static_cast<uint32_t>(impl->clause_expr.size());
        impl->clause_expr.push_back(expr_id);
        for (const Atom& a : c.atoms) Register(a, clause);
      }
    }
    if (pf.exact && !pf.clauses.empty()) {
      e.flags = Impl::kExact;
      return Status::Ok();
    }
    Impl::VProgram prog;
    std::vector<uint32_t> types;
    std::vector<uint16_t> per_type;
    CONCORD_ASSIGN_OR_RETURN(prog.root, CompileTree(p, root, &types, &per_type));
    prog.types_begin = static_cast<uint32_t>(impl->vtypes.size());
    prog.type_count = static_cast<uint16_t>(types.size());
    prog.type_leaves_begin = static_cast<uint32_t>(impl->vtype_leaves.size());
    impl->vtypes.insert(impl->vtypes.end(), types.begin(), types.end());
    impl->vtype_leaves.insert(impl->vtype_leaves.end(), per_type.begin(), per_type.end());
    impl->exprs[expr_id].verify = static_cast<uint32_t>(impl->vprograms.size());
    impl->vprograms.push_back(prog);
    return Status::Ok();
  }

  Status CompileEntry(const Pattern& p, uint32_t entry_id, Impl::Entry* entry) {
    // The fallible part first: MATCHES operands (CheckPattern compiled them already).
    for (const Node& n : p.nodes) {
      if (n.kind == NodeKind::kComparison && n.op == CompareOp::kMatches) {
        Result<std::shared_ptr<const MatchesRegex>> re =
            operands.Regex(p.literals[n.literal].bytes);
        if (!re.ok()) return re.status();
      }
    }
    std::vector<uint32_t> leaf_nodes;
    ObsProgram program = ObsProgram::Compile(p, &leaf_nodes);
    entry->kind = program.single() ? Impl::EntryKind::kSingle : Impl::EntryKind::kMulti;
    entry->expr_begin = static_cast<uint32_t>(impl->exprs.size());
    for (uint32_t k = 0; k < leaf_nodes.size(); ++k) {
      CONCORD_RETURN_IF_ERROR(CompileExpression(p, leaf_nodes[k], entry_id, k));
    }
    if (!program.single()) {
      entry->program = static_cast<uint32_t>(impl->programs.size());
      impl->programs.push_back(std::move(program));
    }
    return Status::Ok();
  }
};

PatternSetBuilder::PatternSetBuilder(EngineLimits limits)
    : limits_(std::move(limits)), state_(std::make_unique<State>()) {
  limits_.max_clauses_per_expression =
      std::clamp<size_t>(limits_.max_clauses_per_expression, 1, 255);
  state_->limits = &limits_;
}

PatternSetBuilder::~PatternSetBuilder() = default;

size_t PatternSetBuilder::size() const { return state_->impl->entries.size(); }

Status PatternSetBuilder::Add(std::string_view text, uint32_t user_index) {
  return AddEntry(text, nullptr, user_index);
}

Status PatternSetBuilder::Add(const Pattern& parsed, uint32_t user_index) {
  return AddEntry(parsed.source, &parsed, user_index);
}

Status PatternSetBuilder::AddEntry(std::string_view text, const Pattern* parsed,
                                   uint32_t user_index) {
  State& s = *state_;
  if (s.impl->entries.size() >= limits_.max_patterns) {
    return ResourceExhausted("the pattern set already holds " +
                             std::to_string(limits_.max_patterns) +
                             " patterns (EngineLimits::max_patterns)");
  }
  if (text.size() > limits_.max_total_pattern_bytes - s.total_bytes) {
    return ResourceExhausted("the pattern set would hold more than " +
                             std::to_string(limits_.max_total_pattern_bytes) +
                             " bytes of pattern text (EngineLimits::max_total_pattern_bytes)");
  }
  s.total_bytes += text.size();
  const uint32_t entry_id = static_cast<uint32_t>(s.impl->entries.size());
  Impl::Entry entry;
  entry.user_index = user_index;
  Status status;
  std::optional<Result<Pattern>> own;
  if (parsed == nullptr) {
    own.emplace(ParsePattern(text, limits_.pattern_limits));
    if (own->ok()) {
      parsed = &**own;
    } else {
      status = own->status();
    }
  }
  if (parsed != nullptr) {
    status = CheckPattern(*parsed);
    if (status.ok()) status = s.CompileEntry(*parsed, entry_id, &entry);
  }
  if (!status.ok()) {
    // Expressions already compiled for this entry stay behind, ignored: matching skips the
    // expressions of invalid entries.
    entry.kind = Impl::EntryKind::kInvalid;
    s.impl->errors.emplace_back(entry_id, status);
  }
  s.impl->entries.push_back(entry);
  return status;
}

Result<std::unique_ptr<PatternSet>> PatternSetBuilder::Build() {
  State& s = *state_;
  std::unique_ptr<Impl> impl = std::move(s.impl);
  if (impl->clause_expr.size() >= kNoIndex - 1 || impl->exprs.size() >= kNoIndex - 1) {
    return ResourceExhausted("the pattern set needs more than 2^32 prefilter clauses");
  }
  impl->limits = limits_;
  std::random_device seed_source;
  const uint64_t seed = (static_cast<uint64_t>(seed_source()) << 32) ^ seed_source();
  impl->keys = s.keys.Build(seed);
  for (SlotIndex& x : impl->slot_indexes) x.Build();
  for (size_t type = 0; type < impl->type_slots.size(); ++type) {
    for (uint32_t slot : impl->type_slots[type]) {
      impl->write_plan.Add(static_cast<uint32_t>(type), impl->slots[slot].steps, slot);
    }
  }
  impl->exprs.shrink_to_fit();
  impl->clause_expr.shrink_to_fit();
  impl->vnodes.shrink_to_fit();
  impl->vchildren.shrink_to_fit();
  impl->comparisons.shrink_to_fit();
  impl->programs.shrink_to_fit();
  impl->entries.shrink_to_fit();

  PatternSetStats& st = impl->stats;
  st.patterns = impl->entries.size();
  for (const Impl::Entry& e : impl->entries) {
    if (e.kind == Impl::EntryKind::kInvalid) ++st.invalid;
    if (e.kind == Impl::EntryKind::kSingle) ++st.single_observation;
    if (e.kind == Impl::EntryKind::kMulti) ++st.multi_observation;
  }
  for (const Impl::Expression& e : impl->exprs) {
    if (impl->entries[e.entry].kind == Impl::EntryKind::kInvalid) continue;
    ++st.expressions;
    if (e.flags & Impl::kExact) ++st.exact_expressions;
    if (e.flags & Impl::kNever) ++st.never_expressions;
  }
  st.always_candidates = impl->always.size();
  st.clauses = impl->clause_expr.size();
  st.slots = impl->slots.size();
  st.indexed_slots = impl->slot_indexes.size();
  st.keys = impl->keys.key_count();
  st.regexes = s.regexes;
  st.memory_bytes = impl->MemoryBytes();

  state_ = std::make_unique<State>();
  state_->limits = &limits_;
  return std::unique_ptr<PatternSet>(new PatternSet(std::move(impl)));
}

size_t Impl::MemoryBytes() const {
  size_t n = sizeof(Impl);
  n += entries.capacity() * sizeof(Entry) + exprs.capacity() * sizeof(Expression) +
       clause_expr.capacity() * 4 + always.capacity() * 4;
  for (const auto& [entry, status] : errors) n += sizeof(Status) + 64 + status.message().size();
  for (const std::string& t : types) n += sizeof(std::string) + t.capacity() + 48;
  for (const Slot& s : slots) {
    n += sizeof(Slot) + s.steps.capacity() * sizeof(PathStep);
    for (const PathStep& step : s.steps) n += step.key.capacity() > 15 ? step.key.capacity() : 0;
  }
  for (const auto& ts : type_slots) n += sizeof(ts) + ts.capacity() * 4;
  for (const SlotIndex& x : slot_indexes) n += sizeof(SlotIndex) + x.memory_bytes();
  n += write_plan.memory_bytes();
  n += keys.memory_bytes();
  n += vprograms.capacity() * sizeof(VProgram) + vnodes.capacity() * sizeof(VNode) +
       vchildren.capacity() * 4 + vtypes.capacity() * 4 + vtype_leaves.capacity() * 2;
  for (const Comparison& c : comparisons) n += sizeof(Comparison) + c.memory_bytes();
  for (const ObsProgram& p : programs) n += sizeof(ObsProgram) + p.memory_bytes();
  return n;
}

// ---- PatternSet ----

PatternSet::PatternSet(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PatternSet::~PatternSet() = default;

size_t PatternSet::size() const { return impl_->entries.size(); }
uint32_t PatternSet::user_index(size_t entry) const { return impl_->entries[entry].user_index; }

Status PatternSet::error(size_t entry) const {
  auto it =
      std::lower_bound(impl_->errors.begin(), impl_->errors.end(), entry,
                       [](const std::pair<uint32_t, Status>& e, size_t v) { return e.first < v; });
  if (it == impl_->errors.end() || it->first != entry) return Status::Ok();
  return it->second;
}

bool PatternSet::single_observation(size_t entry) const {
  return impl_->entries[entry].kind == Impl::EntryKind::kSingle;
}

PatternSetStats PatternSet::stats() const { return impl_->stats; }

std::vector<MatchResult> PatternSet::EvaluateBatch(
    std::span<const observe::Observation> observations) const {
  const Impl& m = *impl_;
  std::vector<MatchResult> results(m.entries.size());
  for (size_t i = 0; i < m.entries.size(); ++i) results[i].user_index = m.entries[i].user_index;
  for (const auto& [entry, status] : m.errors) {
    results[entry].state = MatchResult::State::kError;
    results[entry].error = status;
  }
  // Per observation: single-observation patterns are decided at once; for the others, which
  // observations match which of their expressions is collected.
  struct Hit {
    uint32_t entry;
    uint32_t leaf;
    uint32_t observation;
  };
  std::vector<Hit> hits;
  Matcher matcher(*this);
  std::vector<Matcher::ExpressionMatch> matched;
  std::vector<uint32_t> exhausted;
  std::vector<uint8_t> gave_up(m.entries.size(), 0);
  std::vector<uint8_t> too_many(m.entries.size(), 0);
  for (size_t i = 0; i < observations.size(); ++i) {
    exhausted.clear();
    matcher.MatchExpressions(observations[i], &matched, &exhausted);
    for (const Matcher::ExpressionMatch& x : matched) {
      if (m.entries[x.entry].kind == Impl::EntryKind::kSingle) {
        results[x.entry].state = MatchResult::State::kMatched;
      } else if (hits.size() < m.limits.max_batch_matches) {
        hits.push_back(Hit{x.entry, x.leaf, static_cast<uint32_t>(i)});
      } else {
        too_many[x.entry] = 1;
      }
    }
    for (uint32_t e : exhausted) gave_up[e] = 1;
  }
  // The patterns with observation operators: combine their expressions' observations.
  std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return std::tie(a.entry, a.leaf) < std::tie(b.entry, b.leaf);
  });
  std::vector<ObsTimes> times;
  times.reserve(observations.size());
  for (const observe::Observation& o : observations) {
    times.push_back(ObsTimes{o.first_observed, o.last_observed, o.number_observed});
  }
  const CombineLimits limits{.max_bindings = m.limits.max_bindings,
                             .max_steps = m.limits.max_combine_steps};
  std::vector<std::vector<uint32_t>> leaves;
  for (size_t i = 0; i < hits.size();) {
    const uint32_t entry = hits[i].entry;
    const ObsProgram& program = m.programs[m.entries[entry].program];
    leaves.assign(program.leaf_count(), {});
    for (; i < hits.size() && hits[i].entry == entry; ++i) {
      leaves[hits[i].leaf].push_back(hits[i].observation);
    }
    Result<bool> r = Combine(program, times, leaves, -1, limits);
    if (!r.ok()) {
      results[entry].state = MatchResult::State::kError;
      results[entry].error = r.status();
    } else if (*r) {
      results[entry].state = MatchResult::State::kMatched;
    }
  }
  // An expression that could not be verified on some observation leaves its pattern undecided,
  // unless a match was found anyway.
  for (size_t e = 0; e < m.entries.size(); ++e) {
    if (results[e].state != MatchResult::State::kNotMatched) continue;
    if (gave_up[e]) {
      results[e].state = MatchResult::State::kError;
      results[e].error = ResourceExhausted(
          "an observation expression names several object types whose objects give more than " +
          std::to_string(m.limits.max_type_combinations) +
          " combinations to try (EngineLimits::max_type_combinations)");
    } else if (too_many[e]) {
      results[e].state = MatchResult::State::kError;
      results[e].error =
          ResourceExhausted("more than " + std::to_string(m.limits.max_batch_matches) +
                            " (observation, observation expression) matches in one batch "
                            "(EngineLimits::max_batch_matches)");
    }
  }
  return results;
}

// ---- Matcher ----

struct Matcher::Scratch {
  uint32_t epoch = 0;
  std::vector<uint32_t> clause_stamp;
  std::vector<uint32_t> expr_stamp;
  std::vector<uint8_t> expr_count;
  std::vector<uint32_t> hits;
  std::vector<uint32_t> candidates;
  std::vector<uint32_t> object_types;
  std::vector<PathValue> values;
  std::vector<PathValue> values2;
  ProbeScratch probe;
  CompareScratch compare;
  std::vector<ExpressionMatch> expressions;
  // Multi-type verification: per type ordinal, the distinct leaf-truth signatures.
  std::vector<std::vector<std::string>> signatures;
  std::vector<size_t> digits;
  // The write prefilter's findings since BeginWrites.
  size_t write_candidates = 0;
  bool write_opaque = false;

  // Starts counting clauses for another observation (every stamp of the last one goes stale);
  // returns its epoch, for Count.
  uint32_t NextEpoch() {
    if (++epoch == 0) {  // wrapped: forget every stamp
      std::fill(clause_stamp.begin(), clause_stamp.end(), 0);
      std::fill(expr_stamp.begin(), expr_stamp.end(), 0);
      epoch = 1;
    }
    return epoch;
  }
  // Counts `clause` for this observation (`current`: its epoch, which the caller keeps in a
  // register), once: its expression when that was the last clause the expression needed (a
  // candidate), else kNoIndex.
  uint32_t Count(const Impl& m, uint32_t clause, uint32_t current) {
    if (clause_stamp[clause] == current) return kNoIndex;
    clause_stamp[clause] = current;
    const uint32_t e = m.clause_expr[clause];
    if (expr_stamp[e] != current) {
      expr_stamp[e] = current;
      expr_count[e] = 0;
    }
    return ++expr_count[e] == m.exprs[e].required ? e : kNoIndex;
  }
};

// The write prefilter (pattern_set.h): the first phase of MatchExpressions, fed by what an
// ObservationBuilder in probe mode writes instead of by resolving slots on built objects.
class Matcher::WriteSink final : public observe::BuilderSink {
 public:
  explicit WriteSink(Matcher* matcher)
      : m_(matcher->set_.impl()),
        s_(*matcher->scratch_),
        simple_(m_.types.size()),
        index_of_(m_.slots.size(), nullptr),
        written_(m_.write_plan.node_count(), 0) {
    for (uint32_t t = 0; t < simple_.size(); ++t) {
      const uint32_t root = m_.write_plan.Root(t);
      if (root == WritePlan::kNone) continue;
      simple_[t].type = m_.write_plan.Child(root, "type");
      simple_[t].value = m_.write_plan.Child(root, "value");
    }
    for (uint32_t slot = 0; slot < index_of_.size(); ++slot) {
      const uint32_t i = m_.slots[slot].index;
      if (i != kNoIndex) index_of_[slot] = &m_.slot_indexes[i];
    }
    for (uint32_t n = 0; n < written_.size(); ++n) {
      const WritePlan::Node& node = m_.write_plan.node(n);
      bool says = node.opaque;
      for (uint32_t slot : node.value_slots) says = says || !Index(slot).presence.empty();
      written_[n] = says;
    }
  }

  Cursor Object(std::string_view type) override {
    const uint32_t t = m_.TypeId(type);
    return t == kNoIndex ? kNone : m_.write_plan.Root(t);
  }
  Cursor Member(Cursor parent, std::string_view key) override {
    const uint32_t n = m_.write_plan.Child(parent, key);
    if (n == WritePlan::kNone) return kNone;
    Written(n);
    return n;
  }
  // Object, Member and Scalar in one, with the nodes of each type's "type" and "value" looked up
  // when the Matcher is made.
  void SimpleObject(std::string_view type, std::string_view value, const uint8_t* ipv4) override {
    const uint32_t t = m_.TypeId(type);
    if (t == kNoIndex) return;
    const SimpleNodes& nodes = simple_[t];
    if (nodes.type != WritePlan::kNone) {
      Written(nodes.type);
      Scalar(nodes.type, Value{observe::ValueKind::kString, type, 0, nullptr}, false);
    }
    if (nodes.value != WritePlan::kNone) {
      Written(nodes.value);
      Scalar(nodes.value, Value{observe::ValueKind::kString, value, 0, ipv4}, false);
    }
  }
  void Scalar(Cursor at, const Value& value, bool element) override {
    const WritePlan::Node& node = m_.write_plan.node(at);
    const std::vector<uint32_t>& slots = element ? node.element_slots : node.value_slots;
    for (uint32_t slot : slots) {
      Probe(slot, value.kind, value.text, value.int_value, element, value.ipv4);
    }
  }
  void Reference(Cursor at, std::string_view key, const Target& target, bool element) override {
    const WritePlan::Node& node = m_.write_plan.node(at);
    // The reference itself ("0", "1", ...), as the member or an element.
    const std::vector<uint32_t>& slots = element ? node.element_slots : node.value_slots;
    for (uint32_t slot : slots) Probe(slot, observe::ValueKind::kString, key, 0, element, nullptr);
    // What it names: .value / .type of a simple object; a composite one is for the full match.
    const std::vector<WritePlan::TargetSlot>& targets =
        element ? node.element_target_slots : node.target_slots;
    if (targets.empty()) return;
    if (!target.simple) {
      s_.write_opaque = true;
      return;
    }
    for (const WritePlan::TargetSlot& t : targets) {
      if (t.value) {
        Probe(t.slot, observe::ValueKind::kString, target.value, 0, true, target.ipv4);
      } else {
        Probe(t.slot, observe::ValueKind::kString, target.type, 0, true, nullptr);
      }
    }
  }

 private:
  const SlotIndex& Index(uint32_t slot) const { return *index_of_[slot]; }

  // A write at plan node `n` (a member): what a write there alone says.
  void Written(uint32_t n) {
    if (!written_[n]) return;  // most members: no presence clause, not opaque
    const WritePlan::Node& node = m_.write_plan.node(n);
    if (node.opaque) s_.write_opaque = true;
    for (uint32_t slot : node.value_slots) Count(Index(slot).presence);
  }

  // Probes `slot` with a value; `presence` also counts the slot's presence clauses (values that
  // Member did not already announce: list elements, reference targets).
  void Probe(uint32_t slot, observe::ValueKind kind, std::string_view text, int64_t int_value,
             bool presence, const uint8_t* ipv4) {
    const SlotIndex& index = Index(slot);
    s_.hits.clear();
    if (presence) s_.hits.assign(index.presence.begin(), index.presence.end());
    engine::Scalar v;
    v.kind = kind;
    v.encoding = index.encoding;
    v.text = text;
    v.int_value = int_value;
    v.ipv4 = ipv4;
    index.ProbeScalar(v, m_.keys, &s_.probe, &s_.hits);
    Count(s_.hits);
  }

  // Counts clauses as MatchExpressions does; a candidate that can hold is one to build for.
  void Count(const std::vector<uint32_t>& clauses) {
    const uint32_t epoch = s_.epoch;
    for (uint32_t clause : clauses) {
      const uint32_t e = s_.Count(m_, clause, epoch);
      if (e == kNoIndex) continue;
      const Impl::Expression& x = m_.exprs[e];
      if (m_.entries[x.entry].kind != Impl::EntryKind::kInvalid && !(x.flags & Impl::kNever)) {
        ++s_.write_candidates;
      }
    }
  }

  const Impl& m_;
  Scratch& s_;
  // Per type id: the plan nodes of a simple object's members (kNone: no slot reads there).
  struct SimpleNodes {
    uint32_t type = WritePlan::kNone;
    uint32_t value = WritePlan::kNone;
  };
  std::vector<SimpleNodes> simple_;
  // Per slot: its index (one load instead of two on every probe).
  std::vector<const SlotIndex*> index_of_;
  // Per plan node: whether a write there alone says something (Written has work).
  std::vector<uint8_t> written_;
};

Matcher::Matcher(const PatternSet& set) : set_(set), scratch_(std::make_unique<Scratch>()) {
  const Impl& m = set.impl();
  scratch_->clause_stamp.assign(m.clause_expr.size(), 0);
  scratch_->expr_stamp.assign(m.exprs.size(), 0);
  scratch_->expr_count.assign(m.exprs.size(), 0);
  write_sink_ = std::make_unique<WriteSink>(this);
}

Matcher::~Matcher() = default;

observe::BuilderSink* Matcher::write_sink() { return write_sink_.get(); }

void Matcher::BeginWrites() {
  Scratch& s = *scratch_;
  s.NextEpoch();
  s.write_candidates = 0;
  s.write_opaque = false;
}

bool Matcher::MayMatch() const {
  const Scratch& s = *scratch_;
  return s.write_candidates > 0 || s.write_opaque || !set_.impl().always.empty();
}

namespace {

// Evaluates verification node `v` with `leaf(node)` deciding leaves. Depth bounded by the
// pattern's height.
template <typename LeafFn>
bool EvalTree(const Impl& m, uint32_t v, LeafFn& leaf) {
  const Impl::VNode& n = m.vnodes[v];
  switch (n.kind) {
    case Impl::VKind::kLeaf:
      return leaf(n);
    case Impl::VKind::kAnd:
      for (uint32_t k = 0; k < n.b; ++k) {
        if (!EvalTree(m, m.vchildren[n.a + k], leaf)) return false;
      }
      return true;
    case Impl::VKind::kOr:
      for (uint32_t k = 0; k < n.b; ++k) {
        if (EvalTree(m, m.vchildren[n.a + k], leaf)) return true;
      }
      return false;
  }
  return false;
}

// Calls f(vnode) for every leaf below `v`. Depth bounded by the pattern's height.
template <typename F>
void ForEachLeaf(const Impl& m, uint32_t v, F& f) {
  const Impl::VNode& n = m.vnodes[v];
  if (n.kind == Impl::VKind::kLeaf) {
    f(n);
    return;
  }
  for (uint32_t k = 0; k < n.b; ++k) ForEachLeaf(m, m.vchildren[n.a + k], f);
}

}  // namespace

void Matcher::MatchObservation(const observe::Observation& observation,
                               std::vector<uint32_t>* matched, std::vector<uint32_t>* exhausted) {
  const Impl& m = set_.impl();
  MatchExpressions(observation, &scratch_->expressions, exhausted);
  for (const ExpressionMatch& x : scratch_->expressions) {
    const Impl::Entry& e = m.entries[x.entry];
    if (e.kind == Impl::EntryKind::kSingle) matched->push_back(e.user_index);
  }
}

void Matcher::MatchExpressions(const observe::Observation& observation,
                               std::vector<ExpressionMatch>* out,
                               std::vector<uint32_t>* exhausted) {
  const Impl& m = set_.impl();
  Scratch& s = *scratch_;
  out->clear();
  const uint32_t epoch = s.NextEpoch();
  s.candidates.clear();
  const std::span<const observe::ObservedObject> objects = observation.objects();
  const observe::ValueStore& store = observation.values;
  s.object_types.resize(objects.size());

  // Prefilter: probe each indexed slot of each object once, count clauses per expression.
  for (size_t i = 0; i < objects.size(); ++i) {
    const uint32_t type = m.TypeId(objects[i].type);
    s.object_types[i] = type;
    if (type == kNoIndex) continue;
    for (uint32_t slot : m.type_slots[type]) {
      m.Resolve(slot, observation, objects[i].value, &s.values, &s.values2);
      if (s.values.empty()) continue;
      const SlotIndex& index = m.slot_indexes[m.slots[slot].index];
      s.hits.assign(index.presence.begin(), index.presence.end());
      for (const PathValue& v : s.values) index.ProbeValue(store, v, m.keys, &s.probe, &s.hits);
      for (uint32_t clause : s.hits) {
        if (const uint32_t e = s.Count(m, clause, epoch); e != kNoIndex) s.candidates.push_back(e);
      }
    }
  }
  s.candidates.insert(s.candidates.end(), m.always.begin(), m.always.end());

  // Verify the candidates.
  for (uint32_t e : s.candidates) {
    const Impl::Expression& x = m.exprs[e];
    if (m.entries[x.entry].kind == Impl::EntryKind::kInvalid) continue;
    if (x.flags & Impl::kNever) continue;
    bool holds = (x.flags & Impl::kExact) != 0;
    if (!holds) {
      const Impl::VProgram& prog = m.vprograms[x.verify];
      if (prog.type_count == 1) {
        // One object type: some object of it satisfies the tree.
        const uint32_t type = m.vtypes[prog.types_begin];
        for (size_t i = 0; i < objects.size() && !holds; ++i) {
          if (s.object_types[i] != type) continue;
          auto leaf = [&](const Impl::VNode& n) {
            m.Resolve(n.b, observation, objects[i].value, &s.values, &s.values2);
            return m.comparisons[n.a].Holds(observation.values, s.values, &s.compare);
          };
          holds = EvalTree(m, prog.root, leaf);
        }
      } else {
        // Several types: each leaf depends only on the object bound to its type, so each
        // object is reduced to the truth of its type's leaves (its signature), and the distinct
        // signatures of each type are combined (an odometer), as the reference's bindings.
        s.signatures.resize(prog.type_count);
        uint64_t combinations = 1;
        bool too_many = false;
        for (uint16_t k = 0; k < prog.type_count; ++k) {
          const uint32_t type = m.vtypes[prog.types_begin + k];
          const uint16_t width = m.vtype_leaves[prog.type_leaves_begin + k];
          std::vector<std::string>& sigs = s.signatures[k];
          sigs.clear();
          for (size_t i = 0; i < objects.size(); ++i) {
            if (s.object_types[i] != type) continue;
            std::string sig(width, '\0');
            auto fill = [&](const Impl::VNode& n) {
              if (n.type != k) return;
              m.Resolve(n.b, observation, objects[i].value, &s.values, &s.values2);
              sig[n.pos] = m.comparisons[n.a].Holds(observation.values, s.values, &s.compare);
            };
            ForEachLeaf(m, prog.root, fill);
            sigs.push_back(std::move(sig));
          }
          if (sigs.empty()) sigs.emplace_back(width, '\0');  // no object of this type
          std::sort(sigs.begin(), sigs.end());
          sigs.erase(std::unique(sigs.begin(), sigs.end()), sigs.end());
          combinations *= sigs.size();
          if (combinations > m.limits.max_type_combinations) too_many = true;
          if (too_many) break;
        }
        if (too_many) {
          if (exhausted != nullptr) exhausted->push_back(x.entry);
          continue;
        }
        s.digits.assign(prog.type_count, 0);
        auto leaf = [&](const Impl::VNode& n) {
          return s.signatures[n.type][s.digits[n.type]][n.pos] != 0;
        };
        for (;;) {
          if (EvalTree(m, prog.root, leaf)) {
            holds = true;
            break;
          }
          size_t k = 0;
          while (k < prog.type_count && ++s.digits[k] == s.signatures[k].size()) s.digits[k++] = 0;
          if (k == prog.type_count) break;
        }
      }
    }
    if (holds) out->push_back(ExpressionMatch{x.entry, x.leaf});
  }
}

}  // namespace concord::pattern::engine
