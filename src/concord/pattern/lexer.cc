#include "concord/pattern/lexer.h"

#include <charconv>
#include <system_error>

#include "concord/pattern/ast.h"
#include "concord/pattern/unicode.h"

namespace concord::pattern {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsIdentStart(char c) { return IsAlpha(c) || c == '_'; }
bool IsIdentChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '_' || c == '-'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// The whitespace of the grammar's WS rule.
bool IsSpace(char32_t cp) {
  switch (cp) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '\v':
    case '\f':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

struct Keyword {
  std::string_view text;
  TokenKind kind;
};
constexpr Keyword kKeywords[] = {
    {"AND", TokenKind::kAnd},
    {"OR", TokenKind::kOr},
    {"NOT", TokenKind::kNot},
    {"FOLLOWEDBY", TokenKind::kFollowedBy},
    {"LIKE", TokenKind::kLike},
    {"MATCHES", TokenKind::kMatches},
    {"ISSUBSET", TokenKind::kIsSubset},
    {"ISSUPERSET", TokenKind::kIsSuperset},
    {"EXISTS", TokenKind::kExists},
    {"LAST", TokenKind::kLast},
    {"IN", TokenKind::kIn},
    {"START", TokenKind::kStart},
    {"STOP", TokenKind::kStop},
    {"SECONDS", TokenKind::kSeconds},
    {"WITHIN", TokenKind::kWithin},
    {"REPEATS", TokenKind::kRepeats},
    {"TIMES", TokenKind::kTimes},
    {"true", TokenKind::kTrue},
    {"false", TokenKind::kFalse},
};

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (IsDigit(c)) return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

class Lexer {
 public:
  Lexer(std::string_view source) : s_(source) {}

  Result<std::vector<Token>> Run() {
    std::vector<Token> tokens;
    for (;;) {
      CONCORD_RETURN_IF_ERROR(SkipSpaceAndComments());
      Token t;
      t.pos = static_cast<uint32_t>(pos_);
      if (pos_ >= s_.size()) {
        t.kind = TokenKind::kEnd;
        t.end = t.pos;
        tokens.push_back(std::move(t));
        return tokens;
      }
      CONCORD_RETURN_IF_ERROR(Next(&t));
      t.end = static_cast<uint32_t>(pos_);
      tokens.push_back(std::move(t));
    }
  }

 private:
  Status Error(size_t at, std::string_view message) const {
    return ErrorAt(StatusCode::kInvalidArgument, s_, at, message);
  }

  // Decodes the code point at pos_ (the text is known to be valid UTF-8).
  char32_t PeekCodePoint(size_t* length) const {
    const unsigned char lead = static_cast<unsigned char>(s_[pos_]);
    size_t n = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    n = std::min(n, s_.size() - pos_);
    std::optional<std::u32string> cps = DecodeUtf8(s_.substr(pos_, n));
    *length = n;
    return cps && cps->size() == 1 ? (*cps)[0] : 0xFFFD;
  }

  Status SkipSpaceAndComments() {
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '*') {
        const size_t close = s_.find("*/", pos_ + 2);
        if (close == std::string_view::npos) {
          return Error(pos_, "the comment starting here is not closed with '*/'");
        }
        pos_ = close + 2;
        continue;
      }
      if (c == '/' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '/') {
        while (pos_ < s_.size() && s_[pos_] != '\n' && s_[pos_] != '\r') ++pos_;
        continue;
      }
      size_t length;
      const char32_t cp = PeekCodePoint(&length);
      if (!IsSpace(cp)) break;
      pos_ += length;
    }
    return Status::Ok();
  }

  Status Next(Token* t) {
    const char c = s_[pos_];
    const char next = pos_ + 1 < s_.size() ? s_[pos_ + 1] : '\0';
    switch (c) {
      case '[':
        return Single(t, TokenKind::kLBracket);
      case ']':
        return Single(t, TokenKind::kRBracket);
      case '(':
        return Single(t, TokenKind::kLParen);
      case ')':
        return Single(t, TokenKind::kRParen);
      case ':':
        return Single(t, TokenKind::kColon);
      case ',':
        return Single(t, TokenKind::kComma);
      case '*':
        return Single(t, TokenKind::kStar);
      case '=':
        t->kind = TokenKind::kEq;
        pos_ += next == '=' ? 2 : 1;
        return Status::Ok();
      case '!':
        if (next != '=') return Error(pos_, "'!' must be followed by '=' (the operator is '!=')");
        t->kind = TokenKind::kNe;
        pos_ += 2;
        return Status::Ok();
      case '<':
        if (next == '>') {
          t->kind = TokenKind::kNe;
          pos_ += 2;
        } else if (next == '=') {
          t->kind = TokenKind::kLe;
          pos_ += 2;
        } else {
          t->kind = TokenKind::kLt;
          pos_ += 1;
        }
        return Status::Ok();
      case '>':
        t->kind = next == '=' ? TokenKind::kGe : TokenKind::kGt;
        pos_ += next == '=' ? 2 : 1;
        return Status::Ok();
      case '\'':
        t->kind = TokenKind::kString;
        return QuotedText(pos_, &t->text);
      default:
        break;
    }
    if (c == '.') {
      if (IsDigit(next)) return Number(t);
      return Single(t, TokenKind::kDot);
    }
    if (IsDigit(c) || c == '+' || c == '-') return Number(t);
    if ((c == 't' || c == 'b' || c == 'h') && next == '\'') return PrefixedLiteral(t);
    if (IsIdentStart(c)) return Identifier(t);
    size_t length;
    const char32_t cp = PeekCodePoint(&length);
    std::string shown(s_.substr(pos_, length));
    if (cp < 0x20 || cp == 0x7F) shown = "U+" + std::to_string(static_cast<uint32_t>(cp));
    return Error(pos_, "unexpected character '" + shown + "'");
  }

  Status Single(Token* t, TokenKind kind) {
    t->kind = kind;
    ++pos_;
    return Status::Ok();
  }

  // Reads '...' starting at the quote at `start` into `out`, resolving \' and \\.
  Status QuotedText(size_t start, std::string* out) {
    pos_ = start + 1;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (c == '\'') {
        ++pos_;
        return Status::Ok();
      }
      if (c == '\\') {
        const char e = pos_ + 1 < s_.size() ? s_[pos_ + 1] : '\0';
        if (e != '\'' && e != '\\') {
          return Error(pos_,
                       "a backslash in a string must be followed by ' or \\ (these are the only "
                       "escapes; write \\\\ for one backslash)");
        }
        out->push_back(e);
        pos_ += 2;
        continue;
      }
      out->push_back(c);
      ++pos_;
    }
    return Error(start, "the string starting here is not closed with '");
  }

  Status PrefixedLiteral(Token* t) {
    const size_t start = pos_;
    const char prefix = s_[pos_];
    std::string body;
    // The grammar allows no escapes in these literals; a backslash is an error either way.
    CONCORD_RETURN_IF_ERROR(QuotedText(start + 1, &body));
    const size_t body_pos = start + 2;
    if (prefix == 't') {
      t->kind = TokenKind::kTimestamp;
      for (size_t i = 0; i < body.size(); ++i) {
        if (body[i] == 't' || body[i] == 'z') {
          return Error(body_pos + i,
                       "a timestamp is written with an upper-case 'T' and 'Z' "
                       "(YYYY-MM-DDTHH:MM:SS[.fraction]Z)");
        }
      }
      Result<ParsedTimestamp> ts = ParseTimestamp(body, TimestampSyntax{.allow_offset = true});
      if (!ts.ok()) {
        return Error(start, "t'" + body + "' is not a valid timestamp: " + ts.status().message());
      }
      t->timestamp = *ts;
      return Status::Ok();
    }
    if (prefix == 'h') {
      t->kind = TokenKind::kHex;
      for (size_t i = 0; i < body.size(); ++i) {
        if (!IsHexDigit(body[i])) {
          return Error(body_pos + i, "h'...' holds only hexadecimal digits 0-9, a-f, A-F");
        }
      }
      if (body.size() % 2 != 0) {
        return Error(start, "h'...' needs an even number of hexadecimal digits (two per byte)");
      }
      for (size_t i = 0; i < body.size(); i += 2) {
        t->text.push_back(static_cast<char>(HexValue(body[i]) * 16 + HexValue(body[i + 1])));
      }
      return Status::Ok();
    }
    t->kind = TokenKind::kBinary;
    return DecodeBase64(body, body_pos, start, &t->text);
  }

  // RFC 4648 section 4 base64 with padding; the bits a final group does not use must be zero.
  Status DecodeBase64(std::string_view body, size_t body_pos, size_t start, std::string* out) {
    for (size_t i = 0; i < body.size(); ++i) {
      if (Base64Value(body[i]) < 0 && body[i] != '=') {
        return Error(body_pos + i, "b'...' holds only base64 characters A-Z, a-z, 0-9, + / and =");
      }
    }
    if (body.size() % 4 != 0) {
      return Error(start, "b'...' must be base64 in groups of four characters (pad with '=')");
    }
    for (size_t i = 0; i < body.size(); i += 4) {
      const bool last = i + 4 == body.size();
      int pad = 0;
      uint32_t bits = 0;
      for (size_t k = 0; k < 4; ++k) {
        const char c = body[i + k];
        if (c == '=') {
          if (!last || k < 2) return Error(body_pos + i + k, "'=' may only pad the end of b'...'");
          ++pad;
          bits <<= 6;
          continue;
        }
        if (pad > 0) return Error(body_pos + i + k, "'=' may only pad the end of b'...'");
        bits = (bits << 6) | static_cast<uint32_t>(Base64Value(c));
      }
      if ((pad == 1 && (bits & 0xFF) != 0) || (pad == 2 && (bits & 0xFFFF) != 0)) {
        return Error(body_pos + i, "b'...' is not canonical base64: unused bits must be zero");
      }
      out->push_back(static_cast<char>(bits >> 16));
      if (pad < 2) out->push_back(static_cast<char>((bits >> 8) & 0xFF));
      if (pad < 1) out->push_back(static_cast<char>(bits & 0xFF));
    }
    return Status::Ok();
  }

  Status Number(Token* t) {
    const size_t start = pos_;
    if (s_[pos_] == '+' || s_[pos_] == '-') ++pos_;
    const size_t digits_start = pos_;
    while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    const size_t int_digits = pos_ - digits_start;
    if (pos_ + 1 < s_.size() && s_[pos_] == '.' && IsDigit(s_[pos_ + 1])) {
      ++pos_;
      while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
      t->kind = TokenKind::kFloat;
      // from_chars does not take a leading '+'.
      const size_t from = s_[start] == '+' ? start + 1 : start;
      auto [ptr, ec] = std::from_chars(s_.data() + from, s_.data() + pos_, t->float_value);
      if (ec != std::errc() || ptr != s_.data() + pos_) {
        return Error(start, "this number is outside the range of a 64-bit float");
      }
      return Status::Ok();
    }
    if (int_digits == 0) {
      return Error(start, "expected digits after '" + std::string(1, s_[start]) + "'");
    }
    if (int_digits > 1 && s_[digits_start] == '0') {
      return Error(start, "an integer must not have leading zeros");
    }
    t->kind = TokenKind::kInt;
    const size_t from = s_[start] == '+' ? start + 1 : start;
    auto [ptr, ec] = std::from_chars(s_.data() + from, s_.data() + pos_, t->int_value);
    if (ec != std::errc() || ptr != s_.data() + pos_) {
      return Error(start, "this integer is outside the 64-bit range");
    }
    return Status::Ok();
  }

  Status Identifier(Token* t) {
    const size_t start = pos_;
    while (pos_ < s_.size() && IsIdentChar(s_[pos_])) ++pos_;
    const std::string_view word = s_.substr(start, pos_ - start);
    for (const Keyword& k : kKeywords) {
      if (word == k.text) {
        t->kind = k.kind;
        return Status::Ok();
      }
    }
    t->kind = TokenKind::kIdentifier;
    t->text = std::string(word);
    t->has_hyphen = word.find('-') != std::string_view::npos;
    return Status::Ok();
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

Result<std::vector<Token>> Lex(std::string_view source, const PatternLimits& limits) {
  if (source.size() > limits.max_pattern_bytes) {
    return ResourceExhausted("the pattern is " + std::to_string(source.size()) +
                             " bytes long; the limit is " +
                             std::to_string(limits.max_pattern_bytes) + " bytes");
  }
  size_t bad = 0;
  if (!IsValidUtf8(source, &bad)) {
    return ErrorAt(StatusCode::kInvalidArgument, source, bad, "the pattern is not valid UTF-8");
  }
  return Lexer(source).Run();
}

std::string DescribeToken(std::string_view source, const Token& token) {
  if (token.kind == TokenKind::kEnd) return "the end of the pattern";
  std::string_view text = source.substr(token.pos, token.end - token.pos);
  std::string out = "'";
  if (text.size() > 30) {
    size_t cut = 30;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    out.append(text.substr(0, cut));
    out += "...";
  } else {
    out.append(text);
  }
  out += "'";
  return out;
}

}  // namespace concord::pattern
