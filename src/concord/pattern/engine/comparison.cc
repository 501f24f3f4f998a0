#include "concord/pattern/engine/comparison.h"

#include <optional>

namespace concord::pattern::engine {

Constant Constant::FromLiteral(const Literal& literal) {
  Constant c;
  c.kind = literal.kind;
  switch (literal.kind) {
    case LiteralKind::kString:
      c.bytes = literal.bytes;
      c.latin1 = Latin1(literal.bytes, &c.latin1_bytes);
      if (!c.latin1) c.latin1_bytes.clear();
      break;
    case LiteralKind::kBinary:
    case LiteralKind::kHex:
      c.bytes = literal.bytes;
      break;
    case LiteralKind::kInt:
      c.number = Number{.is_int = true, .i = literal.int_value};
      break;
    case LiteralKind::kFloat:
      c.number = Number{.is_int = false, .d = literal.float_value};
      break;
    case LiteralKind::kBool:
      c.bool_value = literal.bool_value;
      break;
    case LiteralKind::kTimestamp:
      c.timestamp = literal.timestamp;
      break;
    case LiteralKind::kList:
      break;
  }
  return c;
}

Result<std::shared_ptr<const MatchesRegex>> OperandCache::Regex(const std::string& regex) {
  auto it = regexes_.find(regex);
  if (it != regexes_.end()) return it->second;
  CONCORD_ASSIGN_OR_RETURN(std::unique_ptr<MatchesRegex> compiled, MatchesRegex::Compile(regex));
  std::shared_ptr<const MatchesRegex> shared(std::move(compiled));
  regexes_.emplace(regex, shared);
  return shared;
}

std::shared_ptr<const LikeMatcher> OperandCache::Like(const std::string& like) {
  auto it = likes_.find(like);
  if (it != likes_.end()) return it->second;
  std::shared_ptr<const LikeMatcher> shared(LikeMatcher::Compile(like));
  likes_.emplace(like, shared);
  return shared;
}

Result<Comparison> Comparison::Compile(const Pattern& pattern, const Node& node,
                                       OperandCache* cache) {
  Comparison c;
  if (node.kind == NodeKind::kExists) {
    c.exists_ = true;
    return c;
  }
  if (node.kind != NodeKind::kComparison) {
    return Internal("Comparison::Compile needs a comparison node");
  }
  c.op_ = node.op;
  c.negated_ = node.negated;
  const Literal& l = pattern.literals[node.literal];
  if (l.kind == LiteralKind::kList) {
    for (uint32_t e : l.elements)
      c.constants_.push_back(Constant::FromLiteral(pattern.literals[e]));
  } else {
    c.constants_.push_back(Constant::FromLiteral(l));
  }
  switch (node.op) {
    case CompareOp::kMatches: {
      CONCORD_ASSIGN_OR_RETURN(c.regex_, cache->Regex(l.bytes));
      break;
    }
    case CompareOp::kLike:
      c.like_ = cache->Like(l.bytes);
      break;
    case CompareOp::kIsSubset:
    case CompareOp::kIsSuperset: {
      std::optional<IpNetwork> net = ParseIpNetwork(l.bytes);
      if (!net) return InvalidArgument("ISSUBSET/ISSUPERSET operand is not an address or CIDR");
      c.network_ = *net;
      break;
    }
    default:
      break;
  }
  return c;
}

size_t Comparison::memory_bytes() const {
  size_t n = constants_.capacity() * sizeof(Constant);
  for (const Constant& k : constants_) {
    if (k.bytes.capacity() > 15) n += k.bytes.capacity();
    if (k.latin1_bytes.capacity() > 15) n += k.latin1_bytes.capacity();
  }
  return n;
}

int Comparison::Compare3(const observe::ValueStore& store, const PathValue& v, const Constant& c,
                         CompareScratch* scratch, bool* comparable) {
  *comparable = true;
  const observe::ValueKind kind = store.kind(v.id);
  auto no = [&]() {
    *comparable = false;
    return 0;
  };
  auto sign = [](int x) { return (x > 0) - (x < 0); };
  switch (c.kind) {
    case LiteralKind::kString: {
      if (kind != observe::ValueKind::kString) return no();
      if (v.encoding == Encoding::kNone) return sign(store.string_value(v.id).compare(c.bytes));
      if (!DecodeBinary(store.string_value(v.id), v.encoding, &scratch->a) || !c.latin1) {
        return no();
      }
      return sign(scratch->a.compare(c.latin1_bytes));
    }
    case LiteralKind::kInt:
    case LiteralKind::kFloat:
      if (kind == observe::ValueKind::kInt)
        return CompareNumbers(Number{.i = store.int_value(v.id)}, c.number);
      if (kind == observe::ValueKind::kFloat) {
        return CompareNumbers(Number{.is_int = false, .d = store.float_value(v.id)}, c.number);
      }
      return no();
    case LiteralKind::kBool:
      if (kind != observe::ValueKind::kBool) return no();
      return ThreeWay(store.bool_value(v.id), c.bool_value);
    case LiteralKind::kTimestamp: {
      if (kind != observe::ValueKind::kString || v.encoding != Encoding::kNone) return no();
      Result<ParsedTimestamp> ts =
          ParseTimestamp(store.string_value(v.id), TimestampSyntax{.allow_offset = true});
      if (!ts.ok()) return no();
      return ThreeWay(ts->instant, c.timestamp);
    }
    case LiteralKind::kBinary:
    case LiteralKind::kHex: {
      if (kind != observe::ValueKind::kString) return no();
      const bool ok = v.encoding == Encoding::kNone
                          ? Latin1(store.string_value(v.id), &scratch->a)
                          : DecodeBinary(store.string_value(v.id), v.encoding, &scratch->a);
      if (!ok) return no();
      return sign(scratch->a.compare(c.bytes));
    }
    case LiteralKind::kList:
      return no();
  }
  return no();
}

Comparison::Truth Comparison::Compare(const observe::ValueStore& store, const PathValue& v,
                                      CompareScratch* scratch) const {
  auto from = [](bool b) { return b ? Truth::kTrue : Truth::kFalse; };
  const observe::ValueKind kind = store.kind(v.id);
  const bool plain_string = kind == observe::ValueKind::kString && v.encoding == Encoding::kNone;
  bool comparable = false;
  switch (op_) {
    case CompareOp::kEq:
    case CompareOp::kNe: {
      const int c = Compare3(store, v, constants_[0], scratch, &comparable);
      if (!comparable) return Truth::kIncomparable;
      return from((c == 0) == (op_ == CompareOp::kEq));
    }
    case CompareOp::kLt:
    case CompareOp::kLe:
    case CompareOp::kGt:
    case CompareOp::kGe: {
      const int c = Compare3(store, v, constants_[0], scratch, &comparable);
      if (!comparable) return Truth::kIncomparable;
      switch (op_) {
        case CompareOp::kLt:
          return from(c < 0);
        case CompareOp::kLe:
          return from(c <= 0);
        case CompareOp::kGt:
          return from(c > 0);
        default:
          return from(c >= 0);
      }
    }
    case CompareOp::kIn: {
      if (constants_.empty()) {
        const bool scalar =
            kind != observe::ValueKind::kArray && kind != observe::ValueKind::kObject;
        return scalar ? Truth::kFalse : Truth::kIncomparable;
      }
      Truth result = Truth::kIncomparable;
      for (const Constant& k : constants_) {
        const int c = Compare3(store, v, k, scratch, &comparable);
        if (!comparable) continue;
        if (c == 0) return Truth::kTrue;
        result = Truth::kFalse;
      }
      return result;
    }
    case CompareOp::kLike:
      if (!plain_string) return Truth::kIncomparable;
      return from(like_->Matches(LikeText(store.string_value(v.id), &scratch->b)));
    case CompareOp::kMatches:
      if (plain_string) return from(regex_->MatchesString(store.string_value(v.id)));
      if (kind == observe::ValueKind::kString) {
        if (!DecodeBinary(store.string_value(v.id), v.encoding, &scratch->a)) {
          return Truth::kIncomparable;
        }
        return from(regex_->MatchesBinary(scratch->a));
      }
      return Truth::kIncomparable;
    case CompareOp::kIsSubset:
    case CompareOp::kIsSuperset: {
      if (!plain_string) return Truth::kIncomparable;
      std::optional<IpNetwork> value = ParseIpNetwork(store.string_value(v.id));
      if (!value || value->family != network_.family) return Truth::kIncomparable;
      return from(op_ == CompareOp::kIsSubset ? NetworkContains(network_, *value)
                                              : NetworkContains(*value, network_));
    }
  }
  return Truth::kIncomparable;
}

bool Comparison::Holds(const observe::ValueStore& store, std::span<const PathValue> values,
                       CompareScratch* scratch) const {
  if (exists_) return !values.empty();
  for (const PathValue& v : values) {
    Truth t = Compare(store, v, scratch);
    if (t == Truth::kIncomparable) continue;
    if (negated_) t = t == Truth::kTrue ? Truth::kFalse : Truth::kTrue;
    if (t == Truth::kTrue) return true;
  }
  return false;
}

}  // namespace concord::pattern::engine
