#include "concord/pattern/dump.h"

#include <charconv>
#include <string_view>

namespace concord::pattern {
namespace {

constexpr std::string_view kReservedWords[] = {
    "AND",        "OR",      "NOT",   "FOLLOWEDBY", "LIKE",  "MATCHES", "ISSUBSET",
    "ISSUPERSET", "EXISTS",  "LAST",  "IN",         "START", "STOP",    "SECONDS",
    "WITHIN",     "REPEATS", "TIMES", "true",       "false"};

bool IsPlainIdentifier(std::string_view s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  for (std::string_view w : kReservedWords) {
    if (s == w) return false;
  }
  return true;
}

void AppendQuoted(std::string_view s, std::string* out) {
  out->push_back('\'');
  for (char c : s) {
    if (c == '\'' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('\'');
}

void AppendKey(std::string_view key, std::string* out) {
  if (IsPlainIdentifier(key)) {
    out->append(key);
  } else {
    AppendQuoted(key, out);
  }
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) |
                       (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    const uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    const uint32_t v =
        (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string FormatDouble(double v) {
  char buf[512];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  std::string out = ec == std::errc() ? std::string(buf, ptr) : std::string("0");
  if (out.find('.') == std::string::npos) out += ".0";
  return out;
}

// Recursion depth is bounded by Pattern::height (PatternLimits::max_depth + 2).
void Dump(const Pattern& p, uint32_t index, std::string* out) {
  const Node& n = p.nodes[index];
  auto children = [&] {
    for (uint32_t c : n.children) Dump(p, c, out);
  };
  switch (n.kind) {
    case NodeKind::kObservation:
      *out += "obs{";
      children();
      break;
    case NodeKind::kObsAnd:
    case NodeKind::kAnd:
      *out += "and{";
      children();
      break;
    case NodeKind::kObsOr:
    case NodeKind::kOr:
      *out += "or{";
      children();
      break;
    case NodeKind::kFollowedBy:
      *out += "followedby{";
      children();
      break;
    case NodeKind::kWithin:
      *out += "within{" + FormatLiteral(p, n.literal) + " ";
      children();
      break;
    case NodeKind::kRepeats:
      *out += "repeats{" + FormatLiteral(p, n.literal) + " ";
      children();
      break;
    case NodeKind::kStartStop:
      *out += "startstop{" + FormatLiteral(p, n.literal) + " " + FormatLiteral(p, n.literal2) + " ";
      children();
      break;
    case NodeKind::kComparison:
      *out += "cmp{" + FormatPath(p.paths[n.path]) + " ";
      if (n.negated) *out += "NOT ";
      out->append(CompareOpText(n.op));
      *out += " " + FormatLiteral(p, n.literal);
      break;
    case NodeKind::kExists:
      *out += "exists{" + FormatPath(p.paths[n.path]);
      break;
  }
  *out += "}";
}

// Canonical pattern text; compound children are parenthesised. Depth bounded as for Dump.
void Format(const Pattern& p, uint32_t index, std::string* out) {
  const Node& n = p.nodes[index];
  auto operand = [&](uint32_t c) {
    const NodeKind k = p.nodes[c].kind;
    const bool simple =
        k == NodeKind::kObservation || k == NodeKind::kComparison || k == NodeKind::kExists;
    if (!simple) *out += "(";
    Format(p, c, out);
    if (!simple) *out += ")";
  };
  auto join = [&](std::string_view op) {
    for (size_t i = 0; i < n.children.size(); ++i) {
      if (i > 0) {
        *out += " ";
        out->append(op);
        *out += " ";
      }
      operand(n.children[i]);
    }
  };
  switch (n.kind) {
    case NodeKind::kObservation:
      *out += "[";
      Format(p, n.children[0], out);
      *out += "]";
      break;
    case NodeKind::kObsAnd:
    case NodeKind::kAnd:
      join("AND");
      break;
    case NodeKind::kObsOr:
    case NodeKind::kOr:
      join("OR");
      break;
    case NodeKind::kFollowedBy:
      join("FOLLOWEDBY");
      break;
    case NodeKind::kWithin:
      operand(n.children[0]);
      *out += " WITHIN " + FormatLiteral(p, n.literal) + " SECONDS";
      break;
    case NodeKind::kRepeats:
      operand(n.children[0]);
      *out += " REPEATS " + FormatLiteral(p, n.literal) + " TIMES";
      break;
    case NodeKind::kStartStop:
      operand(n.children[0]);
      *out += " START " + FormatLiteral(p, n.literal) + " STOP " + FormatLiteral(p, n.literal2);
      break;
    case NodeKind::kComparison:
      *out += FormatPath(p.paths[n.path]) + " ";
      if (n.negated) *out += "NOT ";
      out->append(CompareOpText(n.op));
      *out += " " + FormatLiteral(p, n.literal);
      break;
    case NodeKind::kExists:
      *out += "EXISTS " + FormatPath(p.paths[n.path]);
      break;
  }
}

}  // namespace

std::string FormatPath(const ObjectPath& path) {
  std::string out = path.object_type;
  out += ':';
  for (size_t i = 0; i < path.steps.size(); ++i) {
    const PathStep& s = path.steps[i];
    switch (s.kind) {
      case PathStep::Kind::kKey:
        if (i > 0) out += '.';
        AppendKey(s.key, &out);
        break;
      case PathStep::Kind::kIndex:
        out += "[" + std::to_string(s.index) + "]";
        break;
      case PathStep::Kind::kAnyIndex:
        out += "[*]";
        break;
    }
  }
  return out;
}

std::string FormatLiteral(const Pattern& pattern, uint32_t literal) {
  const Literal& l = pattern.literals[literal];
  std::string out;
  switch (l.kind) {
    case LiteralKind::kString:
      AppendQuoted(l.bytes, &out);
      break;
    case LiteralKind::kInt:
      out = std::to_string(l.int_value);
      break;
    case LiteralKind::kFloat:
      out = FormatDouble(l.float_value);
      break;
    case LiteralKind::kBool:
      out = l.bool_value ? "true" : "false";
      break;
    case LiteralKind::kTimestamp:
      out = "t'" + FormatTimestamp(l.timestamp, std::min(l.fraction_digits, 9)) + "'";
      break;
    case LiteralKind::kBinary:
      out = "b'" + Base64(l.bytes) + "'";
      break;
    case LiteralKind::kHex: {
      static constexpr char kDigits[] = "0123456789abcdef";
      out = "h'";
      for (char c : l.bytes) {
        out += kDigits[static_cast<uint8_t>(c) >> 4];
        out += kDigits[static_cast<uint8_t>(c) & 15];
      }
      out += "'";
      break;
    }
    case LiteralKind::kList:
      out = "(";
      for (size_t i = 0; i < l.elements.size(); ++i) {
        if (i > 0) out += ",";
        out += FormatLiteral(pattern, l.elements[i]);  // elements are never lists
      }
      out += ")";
      break;
  }
  return out;
}

std::string DumpAst(const Pattern& pattern) {
  std::string out;
  if (pattern.root != kNoIndex) Dump(pattern, pattern.root, &out);
  return out;
}

std::string FormatPattern(const Pattern& pattern) {
  std::string out;
  if (pattern.root != kNoIndex) Format(pattern, pattern.root, &out);
  return out;
}

}  // namespace concord::pattern
