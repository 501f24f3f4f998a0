#include "concord/pattern/checks.h"

#include <cstdio>
#include <string>
#include <vector>

#include "concord/pattern/dump.h"
#include "concord/pattern/ip.h"
#include "concord/pattern/regex.h"

namespace concord::pattern {
namespace {

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z in seconds since the epoch.
constexpr int64_t kMinSeconds = -62167219200;
constexpr int64_t kMaxSeconds = 253402300799;

std::string Describe(char c) {
  if (c >= 0x20 && c < 0x7F) return std::string("'") + c + "'";
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned char>(c));
  return buf;
}

// The type class of a literal for IN-list homogeneity.
std::string_view TypeClass(LiteralKind kind) {
  switch (kind) {
    case LiteralKind::kString:
      return "a string";
    case LiteralKind::kInt:
    case LiteralKind::kFloat:
      return "a number";
    case LiteralKind::kBool:
      return "a boolean";
    case LiteralKind::kTimestamp:
      return "a timestamp";
    case LiteralKind::kBinary:
    case LiteralKind::kHex:
      return "binary";
    case LiteralKind::kList:
      return "a list";
  }
  return "?";
}

class Checker {
 public:
  explicit Checker(const Pattern& p) : p_(p) {}

  Status Run() {
    if (p_.root != kNoIndex) Visit(p_.root);
    const Problem* first = nullptr;
    for (const Problem& problem : problems_) {
      if (first == nullptr || problem.pos < first->pos) first = &problem;
    }
    if (first == nullptr) return Status::Ok();
    return ErrorAt(StatusCode::kInvalidArgument, p_.source, first->pos, first->message);
  }

 private:
  struct Problem {
    size_t pos;
    std::string message;
  };

  void Add(size_t pos, std::string message) { problems_.push_back({pos, std::move(message)}); }

  // Depth bounded by Pattern::height.
  void Visit(uint32_t index) {
    const Node& n = p_.nodes[index];
    switch (n.kind) {
      case NodeKind::kWithin:
      case NodeKind::kRepeats:
      case NodeKind::kStartStop:
        CheckQualifier(n);
        break;
      case NodeKind::kComparison:
        CheckPath(p_.paths[n.path]);
        CheckComparison(n);
        break;
      case NodeKind::kExists:
        CheckPath(p_.paths[n.path]);
        break;
      default:
        break;
    }
    for (uint32_t child : n.children) Visit(child);
  }

  void CheckQualifier(const Node& n) {
    const Node& child = p_.nodes[n.children[0]];
    const char* name = n.kind == NodeKind::kWithin    ? "WITHIN"
                       : n.kind == NodeKind::kRepeats ? "REPEATS"
                                                      : "START/STOP";
    if (child.kind == n.kind && !child.parenthesized) {
      Add(n.pos, std::string("a second ") + name +
                     " qualifier on the same observation expression; put the expression and its "
                     "first qualifier in parentheses to apply both");
    }
    const Literal& value = p_.literals[n.literal];
    switch (n.kind) {
      case NodeKind::kWithin:
        if ((value.kind == LiteralKind::kInt && value.int_value <= 0) ||
            (value.kind == LiteralKind::kFloat && !(value.float_value > 0))) {
          Add(value.pos, "WITHIN needs a positive number of seconds");
        }
        break;
      case NodeKind::kRepeats:
        if (value.int_value < 1) Add(value.pos, "REPEATS needs a count of at least 1");
        break;
      case NodeKind::kStartStop: {
        const Literal& stop = p_.literals[n.literal2];
        CheckTimestampRange(value);
        CheckTimestampRange(stop);
        if (!(value.timestamp < stop.timestamp)) {
          Add(value.pos, "START must be earlier than STOP (the window is [START, STOP))");
        }
        break;
      }
      default:
        break;
    }
  }

  void CheckTimestampRange(const Literal& l) {
    if (l.timestamp.seconds < kMinSeconds || l.timestamp.seconds > kMaxSeconds) {
      Add(l.pos, "the timestamp is outside the years 0000-9999 once converted to UTC");
    }
  }

  void CheckPath(const ObjectPath& path) {
    CheckTypeName(path.object_type, path.pos);
    for (size_t i = 0; i < path.steps.size(); ++i) {
      const PathStep& s = path.steps[i];
      if (s.kind != PathStep::Kind::kKey) continue;
      // The step's own text starts after '.' (later steps) and, if quoted, after the quote.
      const size_t at = s.pos + (i > 0 ? 1 : 0);
      if (i == 0) {
        CheckPropertyName(s.key, at);
      } else if (s.quoted) {
        CheckDictionaryKey(s.key, at);
      } else if (s.key.size() > 250) {
        Add(at, "a key is at most 250 characters long");
      }
    }
  }

  void CheckTypeName(const std::string& name, size_t pos) {
    const std::string what = "the object type '" + name + "' is not a STIX type name: ";
    if (name.size() < 3 || name.size() > 250) {
      Add(pos, what + "a type name is 3 to 250 characters long");
      return;
    }
    for (char c : name) {
      if (!IsLower(c) && !IsDigit(c) && c != '-') {
        Add(pos, what + "a type name may contain only a-z, 0-9 and '-', not " + Describe(c));
        return;
      }
    }
    if (!IsLower(name.front())) {
      Add(pos, what + "a type name begins with a letter a-z");
    } else if (name.back() == '-') {
      Add(pos, what + "a type name does not end with '-'");
    } else if (name.find("--") != std::string::npos) {
      Add(pos, what + "a type name does not contain \"--\"");
    }
  }

  void CheckPropertyName(const std::string& name, size_t pos) {
    const std::string what = "'" + name + "' is not a STIX property name: ";
    if (name.empty() || name.size() > 250) {
      Add(pos, what + "a property name is 1 to 250 characters long");
      return;
    }
    for (char c : name) {
      if (!IsLower(c) && !IsDigit(c) && c != '_') {
        Add(pos, what + "a property name may contain only a-z, 0-9 and '_', not " + Describe(c));
        return;
      }
    }
    if (!IsLower(name.front())) Add(pos, what + "a property name begins with a letter a-z");
  }

  void CheckDictionaryKey(const std::string& key, size_t pos) {
    const std::string what = "'" + key + "' is not a STIX dictionary key: ";
    if (key.empty() || key.size() > 250) {
      Add(pos, what + "a dictionary key is 1 to 250 characters long");
      return;
    }
    for (char c : key) {
      if (!IsLower(c) && !IsUpper(c) && !IsDigit(c) && c != '-' && c != '_') {
        Add(pos, what + "a dictionary key may contain only a-z, A-Z, 0-9, '-' and '_', not " +
                     Describe(c));
        return;
      }
    }
  }

  void CheckComparison(const Node& n) {
    const ObjectPath& path = p_.paths[n.path];
    const Literal& lit = p_.literals[n.literal];
    std::string last_key;
    for (const PathStep& s : path.steps) {
      if (s.kind == PathStep::Kind::kKey) last_key = s.key;
    }
    const bool binary_property = IsBinaryPropertyName(last_key);
    auto check_binary_operand = [&](const Literal& l) {
      if (binary_property && (l.kind == LiteralKind::kInt || l.kind == LiteralKind::kFloat ||
                              l.kind == LiteralKind::kBool || l.kind == LiteralKind::kTimestamp)) {
        Add(l.pos, "'" + last_key +
                       "' is a binary property (its name ends in _bin or _hex): compare it with "
                       "b'...', h'...' or a string, not " +
                       std::string(TypeClass(l.kind)));
      }
    };
    switch (n.op) {
      case CompareOp::kIn: {
        for (uint32_t e : lit.elements) {
          const Literal& element = p_.literals[e];
          check_binary_operand(element);
          if (element.kind == LiteralKind::kTimestamp) CheckTimestampRange(element);
        }
        if (!lit.elements.empty()) {
          const std::string_view first = TypeClass(p_.literals[lit.elements[0]].kind);
          for (uint32_t e : lit.elements) {
            const std::string_view type = TypeClass(p_.literals[e].kind);
            if (type != first) {
              Add(p_.literals[e].pos,
                  "the values of an IN list must all have one type (integers and floats may be "
                  "mixed): this one is " +
                      std::string(type) + ", the first is " + std::string(first));
              break;
            }
          }
        }
        break;
      }
      case CompareOp::kIsSubset:
      case CompareOp::kIsSuperset:
        if (!ParseIpNetwork(lit.bytes)) {
          Add(lit.pos, FormatLiteral(p_, n.literal) +
                           " is not an IPv4 or IPv6 address or CIDR block (such as "
                           "'198.51.100.0/24' or '2001:db8::/32')");
        }
        break;
      case CompareOp::kMatches: {
        size_t offset = 0;
        Result<std::unique_ptr<MatchesRegex>> re = MatchesRegex::Compile(lit.bytes, &offset);
        if (!re.ok()) {
          Add(SourceOffset(lit, offset),
              "the regular expression is not valid on RE2 (PCRE backreferences, lookaround, "
              "atomic groups and possessive quantifiers are not supported): " +
                  re.status().message());
        }
        break;
      }
      default:
        check_binary_operand(lit);
        if (lit.kind == LiteralKind::kTimestamp) CheckTimestampRange(lit);
        break;
    }
  }

  // The byte offset in the source of byte `offset` of string literal `lit`'s unescaped text.
  size_t SourceOffset(const Literal& lit, size_t offset) const {
    size_t src = lit.pos + 1;  // after the opening quote
    for (size_t done = 0; done < offset && src < lit.end; ++done) {
      src += p_.source[src] == '\\' ? 2 : 1;
    }
    return src;
  }

  const Pattern& p_;
  std::vector<Problem> problems_;
};

}  // namespace

Status CheckPattern(const Pattern& pattern) { return Checker(pattern).Run(); }

bool IsBinaryPropertyName(std::string_view name) {
  return name.size() > 4 && (name.ends_with("_bin") || name.ends_with("_hex"));
}

}  // namespace concord::pattern
