#include "concord/pattern/engine/combiner.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>

#include "concord/pattern/engine/semantics.h"

namespace concord::pattern::engine {

// ---- ObsProgram ----

ObsProgram ObsProgram::Compile(const Pattern& pattern, std::vector<uint32_t>* leaf_nodes) {
  ObsProgram p;
  leaf_nodes->clear();
  p.root_ = p.Add(pattern, pattern.root, leaf_nodes);
  p.leaf_count_ = static_cast<uint32_t>(leaf_nodes->size());
  p.horizon_ = p.Horizon(p.root_);
  p.nodes_.shrink_to_fit();
  p.children_.shrink_to_fit();
  return p;
}

// Depth is bounded by Pattern::height.
uint32_t ObsProgram::Add(const Pattern& pattern, uint32_t index,
                         std::vector<uint32_t>* leaf_nodes) {
  const pattern::Node& n = pattern.nodes[index];
  Node out;
  switch (n.kind) {
    case NodeKind::kObservation:
      out.kind = Kind::kLeaf;
      out.leaf = static_cast<uint32_t>(leaf_nodes->size());
      leaf_nodes->push_back(index);
      break;
    case NodeKind::kObsAnd:
      out.kind = Kind::kAnd;
      break;
    case NodeKind::kObsOr:
      out.kind = Kind::kOr;
      break;
    case NodeKind::kFollowedBy:
      out.kind = Kind::kFollowedBy;
      break;
    case NodeKind::kWithin: {
      out.kind = Kind::kWithin;
      const Literal& l = pattern.literals[n.literal];
      out.within = WithinNanos(std::string_view(pattern.source).substr(l.pos, l.end - l.pos));
      break;
    }
    case NodeKind::kRepeats:
      out.kind = Kind::kRepeats;
      out.times = pattern.literals[n.literal].int_value;
      break;
    case NodeKind::kStartStop:
      out.kind = Kind::kStartStop;
      out.start = pattern.literals[n.literal].timestamp;
      out.stop = pattern.literals[n.literal2].timestamp;
      break;
    default:
      break;  // comparison level: never reached from the root
  }
  std::vector<uint32_t> kids;
  if (out.kind != Kind::kLeaf) {
    for (uint32_t child : n.children) kids.push_back(Add(pattern, child, leaf_nodes));
  }
  out.first_child = static_cast<uint32_t>(children_.size());
  out.child_count = static_cast<uint32_t>(kids.size());
  children_.insert(children_.end(), kids.begin(), kids.end());
  nodes_.push_back(out);
  return static_cast<uint32_t>(nodes_.size() - 1);
}

// Depth is bounded by Pattern::height (the program mirrors the pattern's observation level).
__int128 ObsProgram::Horizon(uint32_t index) const {
  const Node& n = nodes_[index];
  auto bound_min = [](__int128 a, __int128 b) { return a < 0 ? b : b < 0 ? a : std::min(a, b); };
  switch (n.kind) {
    case Kind::kWithin:
      return bound_min(n.within, Horizon(children_[n.first_child]));
    case Kind::kStartStop:
      return bound_min(Nanos(n.stop) - Nanos(n.start), Horizon(children_[n.first_child]));
    case Kind::kOr: {
      __int128 h = 0;
      for (uint32_t k = 0; k < n.child_count; ++k) {
        const __int128 c = Horizon(children_[n.first_child + k]);
        if (c < 0) return -1;
        h = std::max(h, c);
      }
      return h;
    }
    default:
      return -1;
  }
}

size_t ObsProgram::memory_bytes() const {
  return nodes_.capacity() * sizeof(Node) + children_.capacity() * sizeof(uint32_t);
}

// ---- Combiner ----

class Combiner {
 public:
  Combiner(const ObsProgram& p, std::span<const ObsTimes> times,
           std::span<const std::vector<uint32_t>> leaves, int64_t must_include,
           const CombineLimits& limits)
      : p_(p), times_(times), leaves_(leaves), must_(must_include), limits_(limits) {}

  Result<bool> Run() {
    const bool found = Exists(p_.root_);
    if (exhausted_) {
      return ResourceExhausted(
          "the pattern needs more than " + std::to_string(limits_.max_bindings) + " bindings or " +
          std::to_string(limits_.max_steps) + " combination steps on these observations");
    }
    return found;
  }

 private:
  using Binding = std::vector<std::pair<uint32_t, int64_t>>;  // (observation, count), sorted
  using Set = std::set<Binding>;
  using Node = ObsProgram::Node;
  using Kind = ObsProgram::Kind;

  uint32_t Child(const Node& n, uint32_t k) const { return p_.children_[n.first_child + k]; }

  bool Step() {
    if (exhausted_) return false;
    if (++steps_ > limits_.max_steps) exhausted_ = true;
    return !exhausted_;
  }
  bool Bounded(const Set& s) {
    if (s.size() > limits_.max_bindings) exhausted_ = true;
    return !exhausted_;
  }
  bool Wanted(const Binding& b) const {
    if (must_ < 0) return true;
    auto it = std::lower_bound(b.begin(), b.end(),
                               std::make_pair(static_cast<uint32_t>(must_), INT64_MIN));
    return it != b.end() && it->first == static_cast<uint32_t>(must_);
  }

  // ---- Whether node has a wanted binding (the root and what an OR at the root leads to) ----
  // Exists and Eval recurse over the program, whose depth is bounded by Pattern::height.

  bool Exists(uint32_t index) {
    const Node& n = p_.nodes_[index];
    switch (n.kind) {
      case Kind::kLeaf:
        for (uint32_t i : leaves_[n.leaf]) {
          if (must_ < 0 || i == must_) return true;
        }
        return false;
      case Kind::kOr:
        for (uint32_t k = 0; k < n.child_count; ++k) {
          if (Exists(Child(n, k))) return true;
          if (exhausted_) return false;
        }
        return false;
      case Kind::kAnd:
      case Kind::kFollowedBy:
        return JoinExists(n, Qualifiers{});
      case Kind::kWithin:
      case Kind::kStartStop: {
        // Qualifiers over an AND / FOLLOWEDBY: the root's join, each joined binding checked
        // against the qualifiers (filters of the same bindings, so they combine), instead of
        // every binding of the join built first and filtered.
        Qualifiers q;
        uint32_t cur = index;
        while (p_.nodes_[cur].kind == Kind::kWithin || p_.nodes_[cur].kind == Kind::kStartStop) {
          const Node& x = p_.nodes_[cur];
          if (x.kind == Kind::kWithin) {
            q.within = q.within ? std::min(*q.within, x.within) : x.within;
          } else {
            q.start = q.start ? std::max(*q.start, x.start) : x.start;
            q.stop = q.stop ? std::min(*q.stop, x.stop) : x.stop;
          }
          cur = Child(x, 0);
        }
        const Node& inner = p_.nodes_[cur];
        if (inner.kind == Kind::kAnd || inner.kind == Kind::kFollowedBy) {
          return JoinExists(inner, q);
        }
        [[fallthrough]];
      }
      default: {
        std::optional<bool> counted = CountedRepeats(index);
        if (counted) return *counted;
        for (const Binding& b : Eval(index)) {
          if (Wanted(b)) return true;
        }
        return false;
      }
    }
  }

  // WITHIN and START/STOP over a node: what its bindings must satisfy.
  struct Qualifiers {
    std::optional<__int128> within;
    std::optional<Timestamp> start, stop;
  };
  bool Satisfies(const Binding& b, const Qualifiers& q) const {
    if (q.within && Span(b) > *q.within) return false;
    if (q.start || q.stop) {
      for (const auto& [i, count] : b) {
        const ObsTimes& t = times_[i];
        if ((q.start && t.first < *q.start) || (q.stop && !(t.last < *q.stop))) return false;
      }
    }
    return true;
  }

  // Whether the AND / FOLLOWEDBY `n` has a wanted binding that satisfies `q`. The last join
  // stops at the first; a pair of which neither side holds the wanted observation cannot give a
  // wanted binding and is passed over (still counted as a step, so limits are reached alike).
  bool JoinExists(const Node& n, const Qualifiers& q) {
    const bool ordered = n.kind == Kind::kFollowedBy;
    Set left = Eval(Child(n, 0));
    for (uint32_t k = 1; k + 1 < n.child_count && !left.empty(); ++k) {
      left = Join(left, Eval(Child(n, k)), ordered);
    }
    if (left.empty() || exhausted_) return false;
    const Set right = Eval(Child(n, n.child_count - 1));
    // The right bindings holding the wanted observation, with their positions in `right`.
    std::vector<std::pair<size_t, const Binding*>> right_wanted;
    if (must_ >= 0) {
      size_t position = 0;
      for (const Binding& b : right) {
        if (Wanted(b)) right_wanted.emplace_back(position, &b);
        ++position;
      }
    }
    auto pair = [&](const Binding& a, const Binding& b) {
      if (ordered && !Before(a, b)) return false;
      std::optional<Binding> joined = Union(a, b);
      return joined && Satisfies(*joined, q) && Wanted(*joined);
    };
    for (const Binding& a : left) {
      if (must_ < 0 || Wanted(a)) {
        for (const Binding& b : right) {
          if (!Step()) return false;
          if (pair(a, b)) return true;
        }
        continue;
      }
      // Only the pairs with a wanted right side can succeed; the others count as steps, in
      // order, so that a row exhausts the limit where it would have.
      const uint64_t row_start = steps_;
      for (const auto& [position, b] : right_wanted) {
        // Steps up to and including this pair's, as the full row would have counted them.
        const uint64_t at = row_start + 1 + position;
        if (at > limits_.max_steps) {
          steps_ = at;
          exhausted_ = true;
          return false;
        }
        if (pair(a, *b)) return true;
      }
      steps_ = row_start + right.size();
      if (steps_ > limits_.max_steps) {
        exhausted_ = true;
        return false;
      }
    }
    return false;
  }

  // Decides "qualifiers over [REPEATS k over qualifiers over] one observation expression" by
  // counting; nullopt for any other shape.
  std::optional<bool> CountedRepeats(uint32_t index) {
    std::optional<__int128> outer_within, inner_within;
    std::optional<Timestamp> start, stop;
    int64_t k = 1;
    bool repeats = false;
    uint32_t leaf = 0;
    for (uint32_t cur = index;;) {
      const Node& n = p_.nodes_[cur];
      if (n.kind == Kind::kLeaf) {
        leaf = n.leaf;
        break;
      }
      if (n.kind == Kind::kWithin) {
        std::optional<__int128>& w = repeats ? inner_within : outer_within;
        w = w ? std::min(*w, n.within) : n.within;
      } else if (n.kind == Kind::kStartStop) {
        start = start ? std::max(*start, n.start) : n.start;
        stop = stop ? std::min(*stop, n.stop) : n.stop;
      } else if (n.kind == Kind::kRepeats && !repeats) {
        repeats = true;
        k = n.times;
      } else {
        return std::nullopt;
      }
      cur = Child(n, 0);
    }
    if (!repeats) {  // qualifiers over one observation apply to that observation alone
      if (outer_within)
        inner_within = inner_within ? std::min(*inner_within, *outer_within) : *outer_within;
      outer_within.reset();
    }
    struct Item {
      __int128 first, last, count;
      bool must;
    };
    std::vector<Item> items;
    bool must_found = must_ < 0;
    for (uint32_t i : leaves_[leaf]) {
      const ObsTimes& t = times_[i];
      if (start && t.first < *start) continue;
      if (stop && !(t.last < *stop)) continue;
      const __int128 first = Nanos(t.first), last = Nanos(t.last);
      if (inner_within && last - first > *inner_within) continue;
      // A binding of one observation needs no count; joining several needs each within
      // number_observed (an observation with a count below 1 can only stand alone).
      const __int128 count = k == 1 ? std::max<int64_t>(t.count, 1) : std::max<int64_t>(t.count, 0);
      items.push_back(Item{first, last, count, i == must_});
      must_found = must_found || i == must_;
    }
    if (!must_found || k < 1) return false;
    if (!outer_within) {
      __int128 total = 0;
      for (const Item& it : items) total += it.count;
      return total >= k;
    }
    // Some group with max(last) - min(first) <= W and total count >= k: for each anchor x (a
    // first_observed), the observations with first >= x and last <= x + W. Sweep x downwards,
    // adding observations as x reaches their first, and sum counts by last (Fenwick tree).
    const __int128 w = *outer_within;
    std::vector<__int128> lasts;
    for (const Item& it : items) lasts.push_back(it.last);
    std::sort(lasts.begin(), lasts.end());
    lasts.erase(std::unique(lasts.begin(), lasts.end()), lasts.end());
    std::vector<__int128> tree(lasts.size() + 1, 0);
    auto add = [&](__int128 last, __int128 count) {
      for (size_t i = std::lower_bound(lasts.begin(), lasts.end(), last) - lasts.begin() + 1;
           i < tree.size(); i += i & (~i + 1)) {
        tree[i] += count;
      }
    };
    auto sum_upto = [&](__int128 bound) {  // total count with last <= bound
      __int128 s = 0;
      for (size_t i = std::upper_bound(lasts.begin(), lasts.end(), bound) - lasts.begin(); i > 0;
           i -= i & (~i + 1)) {
        s += tree[i];
      }
      return s;
    };
    std::optional<Item> must_item;
    for (const Item& it : items) {
      if (it.must) must_item = it;
    }
    std::sort(items.begin(), items.end(),
              [](const Item& a, const Item& b) { return a.first > b.first; });
    for (size_t i = 0; i < items.size();) {
      const __int128 x = items[i].first;
      for (; i < items.size() && items[i].first == x; ++i) add(items[i].last, items[i].count);
      if (!Step()) return false;
      if (must_item && !(must_item->first >= x && must_item->last <= x + w)) continue;
      if (sum_upto(x + w) >= k) return true;
    }
    return false;
  }

  // ---- Every binding of a node, as the reference computes them ----

  Set Eval(uint32_t index) {
    const Node& n = p_.nodes_[index];
    Set out;
    if (exhausted_) return out;
    switch (n.kind) {
      case Kind::kLeaf:
        for (uint32_t i : leaves_[n.leaf]) out.insert(Binding{{i, 1}});
        break;
      case Kind::kOr:
        for (uint32_t k = 0; k < n.child_count; ++k) {
          Set c = Eval(Child(n, k));
          out.insert(c.begin(), c.end());
          if (!Bounded(out)) break;
        }
        break;
      case Kind::kAnd:
      case Kind::kFollowedBy: {
        const bool ordered = n.kind == Kind::kFollowedBy;
        out = Eval(Child(n, 0));
        for (uint32_t k = 1; k < n.child_count && !out.empty(); ++k) {
          out = Join(out, Eval(Child(n, k)), ordered);
        }
        break;
      }
      case Kind::kWithin:
        for (const Binding& b : Eval(Child(n, 0))) {
          if (Span(b) <= n.within) out.insert(b);
        }
        break;
      case Kind::kStartStop:
        for (const Binding& b : Eval(Child(n, 0))) {
          bool inside = true;
          for (const auto& [i, count] : b) {
            const ObsTimes& t = times_[i];
            inside = inside && n.start <= t.first && t.last < n.stop;
          }
          if (inside) out.insert(b);
        }
        break;
      case Kind::kRepeats: {
        const Set once = Eval(Child(n, 0));
        // Each repetition uses at least one observation.
        __int128 available = 0;
        for (const ObsTimes& t : times_) available += t.count;
        if (n.times > available) break;
        out = once;
        for (int64_t k = 1; k < n.times && !out.empty() && !exhausted_; ++k) {
          out = Join(out, once, /*ordered=*/false);
        }
        break;
      }
    }
    if (!Bounded(out)) out.clear();
    return out;
  }

  Set Join(const Set& left, const Set& right, bool ordered) {
    Set out;
    for (const Binding& a : left) {
      for (const Binding& b : right) {
        if (!Step()) return out;
        if (ordered && !Before(a, b)) continue;
        std::optional<Binding> joined = Union(a, b);
        if (!joined) continue;
        out.insert(std::move(*joined));
        if (!Bounded(out)) return out;
      }
    }
    return out;
  }

  std::optional<Binding> Union(const Binding& a, const Binding& b) const {
    Binding out;
    out.reserve(a.size() + b.size());
    size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
      if (j == b.size() || (i < a.size() && a[i].first < b[j].first)) {
        out.push_back(a[i++]);
      } else if (i == a.size() || b[j].first < a[i].first) {
        out.push_back(b[j++]);
      } else {
        out.emplace_back(a[i].first, a[i].second + b[j].second);
        ++i;
        ++j;
      }
    }
    for (const auto& [index, count] : out) {
      if (count > times_[index].count) return std::nullopt;
    }
    return out;
  }

  bool Before(const Binding& a, const Binding& b) const {
    Timestamp latest_end = times_[a.front().first].last;
    for (const auto& [i, c] : a) latest_end = std::max(latest_end, times_[i].last);
    for (const auto& [i, c] : b) {
      if (times_[i].first < latest_end) return false;
    }
    return true;
  }

  __int128 Span(const Binding& b) const {
    Timestamp first = times_[b.front().first].first;
    Timestamp last = times_[b.front().first].last;
    for (const auto& [i, c] : b) {
      first = std::min(first, times_[i].first);
      last = std::max(last, times_[i].last);
    }
    return Nanos(last) - Nanos(first);
  }

  const ObsProgram& p_;
  std::span<const ObsTimes> times_;
  std::span<const std::vector<uint32_t>> leaves_;
  int64_t must_;
  const CombineLimits& limits_;
  uint64_t steps_ = 0;
  bool exhausted_ = false;
};

Result<bool> Combine(const ObsProgram& program, std::span<const ObsTimes> times,
                     std::span<const std::vector<uint32_t>> leaves, int64_t must_include,
                     const CombineLimits& limits) {
  return Combiner(program, times, leaves, must_include, limits).Run();
}

}  // namespace concord::pattern::engine
