#include "concord/pattern/reference_evaluator.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "concord/pattern/checks.h"
#include "concord/pattern/ip.h"
#include "concord/pattern/regex.h"
#include "concord/pattern/unicode.h"

namespace concord::pattern {
namespace {

// The result of one comparison on one value, before NOT: incomparable types stay incomparable
// under NOT and count as false (paragraph 4 of the header).
enum class Truth { kFalse, kTrue, kIncomparable };

Truth FromBool(bool b) { return b ? Truth::kTrue : Truth::kFalse; }
Truth Not(Truth t) {
  if (t == Truth::kIncomparable) return t;
  return t == Truth::kTrue ? Truth::kFalse : Truth::kTrue;
}

// How a JSON string holds a binary value (paragraph 5): by the property name's suffix.
enum class Encoding { kNone, kBase64, kHex };

Encoding EncodingOf(std::string_view key) {
  if (key.size() > 4 && key.ends_with("_bin")) return Encoding::kBase64;
  if (key.size() > 4 && key.ends_with("_hex")) return Encoding::kHex;
  return Encoding::kNone;
}

// One value an object path yields.
struct PathValue {
  observe::ValueStore::Id id = 0;
  Encoding encoding = Encoding::kNone;  // from the last key above the value
  bool reference = false;       // a string that names an object (from *_ref or a *_refs list)
  bool reference_list = false;  // the list of a *_refs property
};

int Sign(int v) { return (v > 0) - (v < 0); }

template <typename T>
int Three(const T& a, const T& b) {
  return (a > b) - (a < b);
}

// Exact comparison of an integer and a double (no rounding of either).
int CompareIntDouble(int64_t i, double d) {
  if (d >= 9223372036854775808.0) return -1;                 // 2^63 and above
  if (d < -9223372036854775808.0) return 1;                  // below -2^63
  const double t = d < 0 ? -std::floor(-d) : std::floor(d);  // trunc, exact in this range
  const int64_t ti = static_cast<int64_t>(t);
  if (i != ti) return Three(i, ti);
  const double frac = d - t;
  return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

int Base64Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// RFC 4648 section 4 base64 with padding; nullopt when malformed.
std::optional<std::string> DecodeBase64(std::string_view s) {
  if (s.size() % 4 != 0) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < s.size(); i += 4) {
    uint32_t bits = 0;
    int pad = 0;
    for (size_t k = 0; k < 4; ++k) {
      const char c = s[i + k];
      if (c == '=' && i + 4 == s.size() && k >= 2) {
        ++pad;
        bits <<= 6;
        continue;
      }
      const int d = Base64Digit(c);
      if (d < 0 || pad > 0) return std::nullopt;
      bits = bits << 6 | static_cast<uint32_t>(d);
    }
    out.push_back(static_cast<char>(bits >> 16));
    if (pad < 2) out.push_back(static_cast<char>(bits >> 8 & 0xFF));
    if (pad < 1) out.push_back(static_cast<char>(bits & 0xFF));
  }
  return out;
}

std::optional<std::string> DecodeHex(std::string_view s) {
  if (s.size() % 2 != 0) return std::nullopt;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); i += 2) {
    const int hi = digit(s[i]), lo = digit(s[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

// The code points of UTF-8 `s` as bytes, when all are at most U+00FF (paragraph 5).
std::optional<std::string> Latin1(std::string_view s) {
  std::optional<std::u32string> cps = DecodeUtf8(s);
  if (!cps) return std::nullopt;
  std::string out;
  for (char32_t cp : *cps) {
    if (cp > 0xFF) return std::nullopt;
    out.push_back(static_cast<char>(cp));
  }
  return out;
}

__int128 Nanos(const Timestamp& t) {
  return static_cast<__int128>(t.seconds) * 1000000000 + t.nanos;
}

// A WITHIN argument as whole nanoseconds, rounded down (exact: observation times are whole
// nanoseconds, so span <= seconds exactly when span <= floor(seconds * 1e9)). `text` is the
// literal as written: [+-]?digits or [+-]?digits?.digits. Very large values saturate.
__int128 WithinNanos(std::string_view text) {
  constexpr __int128 kHuge = static_cast<__int128>(1) << 120;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) text.remove_prefix(1);
  __int128 seconds = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] != '.'; ++i) {
    seconds = seconds * 10 + (text[i] - '0');
    if (seconds > kHuge / 1000000000 / 10) return kHuge;
  }
  __int128 nanos = 0;
  int digits = 0;
  if (i < text.size()) {
    for (++i; i < text.size() && digits < 9; ++i, ++digits) nanos = nanos * 10 + (text[i] - '0');
  }
  for (; digits < 9; ++digits) nanos *= 10;
  return seconds * 1000000000 + nanos;
}

// SQL LIKE on code points: '%' any sequence, '_' one code point. The classic greedy matcher with
// backtracking to the last '%': O(|s| * |p|) at worst; each loop iteration costs one step of
// `budget`. Returns nullopt when the budget runs out.
std::optional<bool> Like(std::u32string_view s, std::u32string_view p, uint64_t* budget) {
  size_t i = 0, j = 0;
  size_t star = std::u32string_view::npos, mark = 0;
  while (i < s.size()) {
    if (*budget == 0) return std::nullopt;
    --*budget;
    if (j < p.size() && p[j] != U'%' && (p[j] == U'_' || p[j] == s[i])) {
      ++i;
      ++j;
    } else if (j < p.size() && p[j] == U'%') {
      star = j++;
      mark = i;
    } else if (star != std::u32string_view::npos) {
      j = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (j < p.size() && p[j] == U'%') ++j;
  return j == p.size();
}

class Evaluator {
 public:
  Evaluator(const Pattern& p, std::span<const observe::Observation> observations,
            const ReferenceLimits& limits)
      : p_(p), observations_(observations), limits_(limits) {}

  // Checks the pattern and compiles its regular expressions. Call once before anything else.
  Status Prepare() {
    CONCORD_RETURN_IF_ERROR(CheckPattern(p_));
    for (const Node& n : p_.nodes) {
      if (n.kind != NodeKind::kComparison || n.op != CompareOp::kMatches) continue;
      CONCORD_ASSIGN_OR_RETURN(regexes_[n.literal],
                               MatchesRegex::Compile(p_.literals[n.literal].bytes));
    }
    return Status::Ok();
  }

  Result<std::vector<ReferenceBinding>> Bindings() {
    // Internally a binding maps observation index -> count, sorted by index.
    std::set<Binding> result = Eval(p_.root);
    if (exhausted_) return Exhausted();
    std::vector<ReferenceBinding> out;
    for (const Binding& b : result) {
      ReferenceBinding rb;
      for (const auto& [index, count] : b) rb.emplace_back(index, count);
      out.push_back(std::move(rb));
    }
    return out;
  }

  Result<bool> MatchesOne(uint32_t node, const observe::Observation& observation) {
    steps_ = 0;  // each question has the whole budget
    exhausted_ = false;
    const bool matched = ObservationMatches(node, observation);
    if (exhausted_) return Exhausted();
    return matched;
  }

 private:
  using Binding = std::vector<std::pair<size_t, int64_t>>;

  Status Exhausted() const {
    return ResourceExhausted("the reference evaluator gave up: the pattern needs more than " +
                             std::to_string(limits_.max_steps) + " steps or " +
                             std::to_string(limits_.max_bindings) +
                             " bindings on these observations");
  }

  // Counts one unit of work; false (and exhausted_) once the budget is spent.
  bool Step(uint64_t n = 1) {
    if (exhausted_) return false;
    if (limits_.max_steps - steps_ < n) {
      exhausted_ = true;
      return false;
    }
    steps_ += n;
    return true;
  }

  // ---- Observation level (paragraphs 1, 6 and 7) ----

  // The bindings of observation-level node `index`. Recursion depth is bounded by
  // Pattern::height.
  std::set<Binding> Eval(uint32_t index) {
    const Node& n = p_.nodes[index];
    std::set<Binding> out;
    if (exhausted_) return out;
    switch (n.kind) {
      case NodeKind::kObservation:
        for (size_t i = 0; i < observations_.size() && !exhausted_; ++i) {
          if (ObservationMatches(index, observations_[i])) out.insert(Binding{{i, 1}});
        }
        break;
      case NodeKind::kObsOr:
        for (uint32_t child : n.children) {
          std::set<Binding> c = Eval(child);
          out.insert(c.begin(), c.end());
          if (!Bounded(out)) break;
        }
        break;
      case NodeKind::kObsAnd:
      case NodeKind::kFollowedBy: {
        const bool ordered = n.kind == NodeKind::kFollowedBy;
        out = Eval(n.children[0]);
        for (size_t k = 1; k < n.children.size() && !out.empty(); ++k) {
          out = Join(out, Eval(n.children[k]), ordered);
        }
        break;
      }
      case NodeKind::kWithin: {
        const Literal& l = p_.literals[n.literal];
        const __int128 limit =
            WithinNanos(std::string_view(p_.source).substr(l.pos, l.end - l.pos));
        for (const Binding& b : Eval(n.children[0])) {
          if (Span(b) <= limit) out.insert(b);
        }
        break;
      }
      case NodeKind::kStartStop: {
        const Timestamp start = p_.literals[n.literal].timestamp;
        const Timestamp stop = p_.literals[n.literal2].timestamp;
        for (const Binding& b : Eval(n.children[0])) {
          bool inside = true;
          for (const auto& [i, count] : b) {
            const observe::Observation& o = observations_[i];
            inside = inside && start <= o.first_observed && o.last_observed < stop;
          }
          if (inside) out.insert(b);
        }
        break;
      }
      case NodeKind::kRepeats: {
        const int64_t times = p_.literals[n.literal].int_value;
        const std::set<Binding> once = Eval(n.children[0]);
        // Each repetition uses at least one observation, so more repetitions than observations
        // available can never be found.
        __int128 available = 0;
        for (const observe::Observation& o : observations_) available += o.number_observed;
        if (times > available) break;
        out = once;
        for (int64_t k = 1; k < times && !out.empty() && !exhausted_; ++k) {
          out = Join(out, once, /*ordered=*/false);
        }
        break;
      }
      default:
        break;  // comparison-level kinds never reach here
    }
    if (!Bounded(out)) out.clear();
    return out;
  }

  // False (and exhausted_) when `bindings` is over the limit.
  bool Bounded(const std::set<Binding>& bindings) {
    if (bindings.size() > limits_.max_bindings) exhausted_ = true;
    return !exhausted_;
  }

  // Every union of a binding of `left` and one of `right` that fits the observations' counts
  // and, when `ordered`, puts all of `left` before all of `right` (paragraph 7).
  std::set<Binding> Join(const std::set<Binding>& left, const std::set<Binding>& right,
                         bool ordered) {
    std::set<Binding> out;
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

  // a + b as multisets; nullopt when some observed-data would lend more than number_observed.
  std::optional<Binding> Union(const Binding& a, const Binding& b) const {
    std::map<size_t, int64_t> counts(a.begin(), a.end());
    for (const auto& [i, c] : b) counts[i] += c;
    Binding out(counts.begin(), counts.end());
    for (const auto& [i, c] : out) {
      if (c > observations_[i].number_observed) return std::nullopt;
    }
    return out;
  }

  // Every observation of `a` ends no later than every observation of `b` starts.
  bool Before(const Binding& a, const Binding& b) const {
    Timestamp latest_end = observations_[a.front().first].last_observed;
    for (const auto& [i, c] : a) latest_end = std::max(latest_end, observations_[i].last_observed);
    for (const auto& [i, c] : b) {
      if (observations_[i].first_observed < latest_end) return false;
    }
    return true;
  }

  // max(last_observed) - min(first_observed) over the binding, in nanoseconds.
  __int128 Span(const Binding& b) const {
    Timestamp first = observations_[b.front().first].first_observed;
    Timestamp last = observations_[b.front().first].last_observed;
    for (const auto& [i, c] : b) {
      first = std::min(first, observations_[i].first_observed);
      last = std::max(last, observations_[i].last_observed);
    }
    return Nanos(last) - Nanos(first);
  }

  // ---- One observation expression on one observation (paragraph 2) ----

  bool ObservationMatches(uint32_t obs_node, const observe::Observation& o) {
    const uint32_t expr = p_.nodes[obs_node].children[0];
    // The object types named in the brackets, each with its candidate objects.
    std::vector<std::string_view> types;
    CollectTypes(expr, &types);
    std::vector<std::vector<const observe::ObservedObject*>> candidates(types.size());
    for (size_t t = 0; t < types.size(); ++t) {
      for (const observe::ObservedObject& object : o.objects()) {
        if (object.type == types[t]) candidates[t].push_back(&object);
      }
      if (candidates[t].empty()) candidates[t].push_back(nullptr);  // no object of this type
    }
    // Try every binding of types to objects (an odometer over the candidates).
    std::vector<size_t> digit(types.size(), 0);
    std::vector<const observe::ObservedObject*> bound(types.size());
    for (;;) {
      for (size_t t = 0; t < types.size(); ++t) bound[t] = candidates[t][digit[t]];
      if (Holds(expr, o, types, bound)) return true;
      if (exhausted_) return false;
      size_t t = 0;
      while (t < types.size() && ++digit[t] == candidates[t].size()) digit[t++] = 0;
      if (t == types.size()) return false;
    }
  }

  // Depth bounded by Pattern::height.
  void CollectTypes(uint32_t index, std::vector<std::string_view>* types) const {
    const Node& n = p_.nodes[index];
    if (n.kind == NodeKind::kComparison || n.kind == NodeKind::kExists) {
      const std::string_view type = p_.paths[n.path].object_type;
      if (std::find(types->begin(), types->end(), type) == types->end()) types->push_back(type);
      return;
    }
    for (uint32_t child : n.children) CollectTypes(child, types);
  }

  // The comparison expression `index` under one binding of types to objects. Depth bounded by
  // Pattern::height.
  bool Holds(uint32_t index, const observe::Observation& o,
             const std::vector<std::string_view>& types,
             const std::vector<const observe::ObservedObject*>& bound) {
    const Node& n = p_.nodes[index];
    switch (n.kind) {
      case NodeKind::kAnd:
        for (uint32_t child : n.children) {
          if (!Holds(child, o, types, bound)) return false;
        }
        return true;
      case NodeKind::kOr:
        for (uint32_t child : n.children) {
          if (Holds(child, o, types, bound)) return true;
        }
        return false;
      case NodeKind::kComparison:
      case NodeKind::kExists: {
        if (!Step()) return false;
        const ObjectPath& path = p_.paths[n.path];
        const size_t t = std::find(types.begin(), types.end(), path.object_type) - types.begin();
        const observe::ObservedObject* object = bound[t];
        if (object == nullptr) return false;  // the observation has no object of this type
        const std::vector<PathValue> values = Resolve(path, o, *object);
        if (n.kind == NodeKind::kExists) return !values.empty();
        for (const PathValue& v : values) {
          Truth truth = Compare(n, o.values, v);
          if (n.negated) truth = Not(truth);
          if (truth == Truth::kTrue) return true;
          if (exhausted_) return false;
        }
        return false;
      }
      default:
        return false;
    }
  }

  // ---- Object paths (paragraph 3) ----

  std::vector<PathValue> Resolve(const ObjectPath& path, const observe::Observation& o,
                                 const observe::ObservedObject& object) {
    const observe::ValueStore& store = o.values;
    std::vector<PathValue> current = {PathValue{.id = object.value}};
    for (const PathStep& step : path.steps) {
      std::vector<PathValue> next;
      for (PathValue v : current) {
        if (!Step()) return {};
        if (v.reference) {  // stepping past a reference dereferences it
          const observe::ObservedObject* target = o.FindObject(store.string_value(v.id));
          if (target == nullptr) continue;
          v = PathValue{.id = target->value};
        }
        const observe::ValueKind kind = store.kind(v.id);
        auto push = [&](observe::ValueStore::Id id, Encoding encoding, bool reference, bool list) {
          if (store.kind(id) == observe::ValueKind::kNull) return;  // null is absent
          next.push_back(PathValue{id, encoding, reference, list});
        };
        switch (step.kind) {
          case PathStep::Kind::kKey: {
            std::optional<observe::ValueStore::Id> found = store.Find(v.id, step.key);
            if (!found) break;
            const observe::ValueKind fk = store.kind(*found);
            push(*found, EncodingOf(step.key),
                 step.key.ends_with("_ref") && fk == observe::ValueKind::kString,
                 step.key.ends_with("_refs") && fk == observe::ValueKind::kArray);
            break;
          }
          case PathStep::Kind::kIndex:
            if (kind == observe::ValueKind::kArray &&
                static_cast<uint64_t>(step.index) < store.size(v.id)) {
              const observe::ValueStore::Id e = store.element(v.id, step.index);
              push(e, v.encoding, v.reference_list && store.kind(e) == observe::ValueKind::kString,
                   false);
            }
            break;
          case PathStep::Kind::kAnyIndex:
            if (kind == observe::ValueKind::kArray) {
              for (size_t i = 0; i < store.size(v.id); ++i) {
                const observe::ValueStore::Id e = store.element(v.id, i);
                push(e, v.encoding,
                     v.reference_list && store.kind(e) == observe::ValueKind::kString, false);
              }
            }
            break;
        }
      }
      if (!Step(next.size())) return {};
      current = std::move(next);
    }
    return current;
  }

  // ---- Comparisons (paragraphs 4 and 5) ----

  // The bytes of a binary value (nullopt when its JSON string is not valid base64/hex).
  static std::optional<std::string> BinaryBytes(const observe::ValueStore& store,
                                                const PathValue& v) {
    const std::string_view s = store.string_value(v.id);
    return v.encoding == Encoding::kBase64 ? DecodeBase64(s) : DecodeHex(s);
  }

  // Three-way comparison of value `v` with literal `l` (not a list); nullopt when the types are
  // not comparable.
  static std::optional<int> Compare3(const observe::ValueStore& store, const PathValue& v,
                                     const Literal& l) {
    const observe::ValueKind kind = store.kind(v.id);
    switch (l.kind) {
      case LiteralKind::kString: {
        if (kind != observe::ValueKind::kString) return std::nullopt;
        if (v.encoding == Encoding::kNone) {
          return Sign(store.string_value(v.id).compare(l.bytes));
        }
        std::optional<std::string> bytes = BinaryBytes(store, v);
        std::optional<std::string> literal = Latin1(l.bytes);
        if (!bytes || !literal) return std::nullopt;
        return Sign(bytes->compare(*literal));
      }
      case LiteralKind::kInt:
        if (kind == observe::ValueKind::kInt) return Three(store.int_value(v.id), l.int_value);
        if (kind == observe::ValueKind::kFloat)
          return -CompareIntDouble(l.int_value, store.float_value(v.id));
        return std::nullopt;
      case LiteralKind::kFloat:
        if (kind == observe::ValueKind::kInt)
          return CompareIntDouble(store.int_value(v.id), l.float_value);
        if (kind == observe::ValueKind::kFloat)
          return Three(store.float_value(v.id), l.float_value);
        return std::nullopt;
      case LiteralKind::kBool:
        if (kind != observe::ValueKind::kBool) return std::nullopt;
        return Three(store.bool_value(v.id), l.bool_value);
      case LiteralKind::kTimestamp: {
        if (kind != observe::ValueKind::kString || v.encoding != Encoding::kNone)
          return std::nullopt;
        Result<ParsedTimestamp> ts =
            ParseTimestamp(store.string_value(v.id), TimestampSyntax{.allow_offset = true});
        if (!ts.ok()) return std::nullopt;
        return Three(ts->instant, l.timestamp);
      }
      case LiteralKind::kBinary:
      case LiteralKind::kHex: {
        if (kind != observe::ValueKind::kString) return std::nullopt;
        std::optional<std::string> bytes = v.encoding == Encoding::kNone
                                               ? Latin1(store.string_value(v.id))
                                               : BinaryBytes(store, v);
        if (!bytes) return std::nullopt;
        return Sign(bytes->compare(l.bytes));
      }
      case LiteralKind::kList:
        return std::nullopt;
    }
    return std::nullopt;
  }

  Truth Compare(const Node& n, const observe::ValueStore& store, const PathValue& v) {
    const Literal& l = p_.literals[n.literal];
    const observe::ValueKind kind = store.kind(v.id);
    const bool plain_string = kind == observe::ValueKind::kString && v.encoding == Encoding::kNone;
    switch (n.op) {
      case CompareOp::kEq:
      case CompareOp::kNe: {
        std::optional<int> c = Compare3(store, v, l);
        if (!c) return Truth::kIncomparable;
        return FromBool((*c == 0) == (n.op == CompareOp::kEq));
      }
      case CompareOp::kLt:
      case CompareOp::kLe:
      case CompareOp::kGt:
      case CompareOp::kGe: {
        std::optional<int> c = Compare3(store, v, l);
        if (!c) return Truth::kIncomparable;
        switch (n.op) {
          case CompareOp::kLt:
            return FromBool(*c < 0);
          case CompareOp::kLe:
            return FromBool(*c <= 0);
          case CompareOp::kGt:
            return FromBool(*c > 0);
          default:
            return FromBool(*c >= 0);
        }
      }
      case CompareOp::kIn: {
        if (l.elements.empty()) {
          const bool scalar =
              kind != observe::ValueKind::kArray && kind != observe::ValueKind::kObject;
          return scalar ? Truth::kFalse : Truth::kIncomparable;
        }
        Truth result = Truth::kIncomparable;
        for (uint32_t e : l.elements) {
          if (!Step()) return Truth::kFalse;
          std::optional<int> c = Compare3(store, v, p_.literals[e]);
          if (!c) continue;
          if (*c == 0) return Truth::kTrue;
          result = Truth::kFalse;
        }
        return result;
      }
      case CompareOp::kLike: {
        if (!plain_string) return Truth::kIncomparable;
        const std::u32string value =
            NormalizeNfc(DecodeUtf8(store.string_value(v.id)).value_or(std::u32string()));
        const std::u32string like = NormalizeNfc(DecodeUtf8(l.bytes).value_or(std::u32string()));
        uint64_t budget = limits_.max_steps - steps_;
        std::optional<bool> matched = Like(value, like, &budget);
        if (!matched) {
          exhausted_ = true;
          return Truth::kFalse;
        }
        steps_ = limits_.max_steps - budget;
        return FromBool(*matched);
      }
      case CompareOp::kMatches: {
        auto it = regexes_.find(n.literal);
        if (it == regexes_.end()) return Truth::kIncomparable;  // Prepare() compiled them all
        const MatchesRegex& re = *it->second;
        if (plain_string) return FromBool(re.MatchesString(store.string_value(v.id)));
        if (kind == observe::ValueKind::kString) {
          std::optional<std::string> bytes = BinaryBytes(store, v);
          if (!bytes) return Truth::kIncomparable;
          return FromBool(re.MatchesBinary(*bytes));
        }
        return Truth::kIncomparable;
      }
      case CompareOp::kIsSubset:
      case CompareOp::kIsSuperset: {
        if (!plain_string) return Truth::kIncomparable;
        std::optional<IpNetwork> value = ParseIpNetwork(store.string_value(v.id));
        std::optional<IpNetwork> constant = ParseIpNetwork(l.bytes);  // valid: CheckPattern
        if (!value || !constant || value->family != constant->family) {
          return Truth::kIncomparable;
        }
        return FromBool(n.op == CompareOp::kIsSubset ? NetworkContains(*constant, *value)
                                                     : NetworkContains(*value, *constant));
      }
    }
    return Truth::kIncomparable;
  }

  const Pattern& p_;
  std::span<const observe::Observation> observations_;
  const ReferenceLimits& limits_;
  std::map<uint32_t, std::unique_ptr<MatchesRegex>> regexes_;  // by literal index
  uint64_t steps_ = 0;
  bool exhausted_ = false;
};

}  // namespace

Result<std::vector<ReferenceBinding>> ReferenceBindings(
    const Pattern& pattern, std::span<const observe::Observation> observations,
    const ReferenceLimits& limits) {
  Evaluator evaluator(pattern, observations, limits);
  CONCORD_RETURN_IF_ERROR(evaluator.Prepare());
  return evaluator.Bindings();
}

Result<bool> EvaluateReference(const Pattern& pattern,
                               std::span<const observe::Observation> observations,
                               const ReferenceLimits& limits) {
  CONCORD_ASSIGN_OR_RETURN(std::vector<ReferenceBinding> bindings,
                           ReferenceBindings(pattern, observations, limits));
  return !bindings.empty();
}

namespace {

Status CheckObservationNode(const Pattern& pattern, uint32_t node) {
  if (node >= pattern.nodes.size() || pattern.nodes[node].kind != NodeKind::kObservation) {
    return InvalidArgument("node " + std::to_string(node) +
                           " is not an observation expression of the pattern");
  }
  return Status::Ok();
}

}  // namespace

Result<bool> ReferenceMatchesObservation(const Pattern& pattern, uint32_t node,
                                         const observe::Observation& observation,
                                         const ReferenceLimits& limits) {
  CONCORD_RETURN_IF_ERROR(CheckObservationNode(pattern, node));
  Evaluator evaluator(pattern, std::span<const observe::Observation>(), limits);
  CONCORD_RETURN_IF_ERROR(evaluator.Prepare());
  return evaluator.MatchesOne(node, observation);
}

struct PreparedReference::Impl {
  Impl(const Pattern& pattern, const ReferenceLimits& limits)
      : evaluator(pattern, std::span<const observe::Observation>(), limits) {}
  Evaluator evaluator;
};

PreparedReference::PreparedReference(Pattern pattern, const ReferenceLimits& limits)
    : pattern_(std::move(pattern)),
      limits_(limits),
      impl_(std::make_unique<Impl>(pattern_, limits_)) {}

PreparedReference::~PreparedReference() = default;

Result<std::unique_ptr<PreparedReference>> PreparedReference::Prepare(
    Pattern pattern, const ReferenceLimits& limits) {
  std::unique_ptr<PreparedReference> p(new PreparedReference(std::move(pattern), limits));
  CONCORD_RETURN_IF_ERROR(p->impl_->evaluator.Prepare());
  return p;
}

Result<bool> PreparedReference::MatchesObservation(uint32_t node,
                                                   const observe::Observation& observation) {
  CONCORD_RETURN_IF_ERROR(CheckObservationNode(pattern_, node));
  return impl_->evaluator.MatchesOne(node, observation);
}

}  // namespace concord::pattern
