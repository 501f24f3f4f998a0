#include "concord/json/document.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

namespace concord::json {
namespace {

// simdjson's max_depth counts differently from Limits::max_depth: a parser allocated with depth D
// accepts non-empty arrays and objects nested D-1 deep. Asking for one more level makes every
// value within Limits::max_depth acceptable. (simdjson does not count an empty [] or {} as a
// level, so one empty container just past the limit is also accepted; it costs nothing.)
size_t SimdjsonDepth(const Limits& limits) { return limits.max_depth + 1; }

// The smallest parser capacity worth allocating: small texts share one allocation.
constexpr size_t kMinCapacity = 4096;

bool IsWhitespace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsHex(unsigned char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
int HexValue(unsigned char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// Checks JSON text front to back with an explicit stack (never recursion). Accepts exactly what
// simdjson accepts: RFC 8259 syntax, UTF-8 validated inside strings, no unpaired surrogate escapes,
// integers within int64/uint64 and other numbers within the range of a double.
class SyntaxChecker {
 public:
  SyntaxChecker(std::string_view text, size_t max_depth) : text_(text), max_depth_(max_depth) {}

  Status Check() {
    SkipWhitespace();
    for (;;) {
      // A value starts at pos_.
      if (AtEnd()) return Expected("a JSON value");
      const unsigned char c = Peek();
      if (c == '{' || c == '[') {
        if (stack_.size() >= max_depth_) {
          return ResourceExhausted(Where(pos_) + ": nested deeper than " +
                                   std::to_string(max_depth_) + " levels");
        }
        stack_.push_back(static_cast<char>(c));
        ++pos_;
        SkipWhitespace();
        const unsigned char close = c == '{' ? '}' : ']';
        if (AtEnd() || Peek() != close) {
          if (c == '{') CONCORD_RETURN_IF_ERROR(MemberKey("'\"' to start an object key or '}'"));
          continue;  // the first element or member value starts at pos_
        }
        stack_.pop_back();
        ++pos_;
      } else if (c == '"') {
        CONCORD_RETURN_IF_ERROR(String());
      } else if (c == '-' || IsDigit(c)) {
        CONCORD_RETURN_IF_ERROR(Number());
      } else if (c == 't') {
        CONCORD_RETURN_IF_ERROR(Literal("true"));
      } else if (c == 'f') {
        CONCORD_RETURN_IF_ERROR(Literal("false"));
      } else if (c == 'n') {
        CONCORD_RETURN_IF_ERROR(Literal("null"));
      } else {
        return Expected("a JSON value");
      }
      // A value ended just before pos_: close containers until one wants another element.
      for (;;) {
        SkipWhitespace();
        if (stack_.empty()) {
          if (AtEnd()) return Status::Ok();
          return Expected("the end of the input after the JSON value");
        }
        if (stack_.back() == '{') {
          if (!AtEnd() && Peek() == ',') {
            ++pos_;
            SkipWhitespace();
            CONCORD_RETURN_IF_ERROR(MemberKey("'\"' to start an object key after ','"));
            break;
          }
          if (!AtEnd() && Peek() == '}') {
            ++pos_;
            stack_.pop_back();
            continue;
          }
          return Expected("',' or '}' after an object member");
        }
        if (!AtEnd() && Peek() == ',') {
          ++pos_;
          SkipWhitespace();
          break;
        }
        if (!AtEnd() && Peek() == ']') {
          ++pos_;
          stack_.pop_back();
          continue;
        }
        return Expected("',' or ']' after an array element");
      }
    }
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  unsigned char Peek() const { return static_cast<unsigned char>(text_[pos_]); }
  void SkipWhitespace() {
    while (!AtEnd() && IsWhitespace(Peek())) ++pos_;
  }

  // "byte N (line L, column C)" for the 0-based byte offset `at`.
  std::string Where(size_t at) const {
    uint64_t line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < at && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        line_start = i + 1;
      }
    }
    return "byte " + std::to_string(at) + " (line " + std::to_string(line) + ", column " +
           std::to_string(at - line_start + 1) + ")";
  }

  std::string Found() const {
    if (AtEnd()) return "the end of the input";
    const unsigned char c = Peek();
    static constexpr char kHex[] = "0123456789abcdef";
    if (c == '\n') return "a newline";
    if (c == '\r') return "a carriage return";
    if (c == '\t') return "a tab";
    if (c == ' ') return "a space";
    if (c >= 0x21 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
    std::string hex = "0x";
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
    if (c < 0x20 || c == 0x7f) return "control character " + hex;
    return "byte " + hex;
  }

  Status Expected(std::string_view what) const {
    return InvalidArgument(Where(pos_) + ": expected " + std::string(what) + ", found " + Found());
  }

  // At pos_: a member key, its ':' and the whitespace before the value.
  Status MemberKey(std::string_view expected) {
    if (AtEnd() || Peek() != '"') return Expected(expected);
    CONCORD_RETURN_IF_ERROR(String());
    SkipWhitespace();
    if (AtEnd() || Peek() != ':') return Expected("':' after an object key");
    ++pos_;
    SkipWhitespace();
    return Status::Ok();
  }

  Status Literal(std::string_view word) {
    for (char w : word) {
      if (AtEnd() || Peek() != static_cast<unsigned char>(w)) {
        return Expected("'" + std::string(1, w) + "' in '" + std::string(word) + "'");
      }
      ++pos_;
    }
    return Status::Ok();
  }

  // Reads the 4 hex digits of a \u escape at pos_.
  Status Hex4(unsigned* out) {
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      if (AtEnd() || !IsHex(Peek())) return Expected("a hexadecimal digit in a \\u escape");
      v = v * 16 + static_cast<unsigned>(HexValue(Peek()));
      ++pos_;
    }
    *out = v;
    return Status::Ok();
  }

  Status String() {
    const size_t start = pos_;
    ++pos_;  // the opening quote
    for (;;) {
      if (AtEnd()) {
        return Expected("'\"' to close the string that starts at byte " + std::to_string(start));
      }
      const unsigned char c = Peek();
      if (c == '"') {
        ++pos_;
        return Status::Ok();
      }
      if (c == '\\') {
        const size_t escape = pos_;
        ++pos_;
        if (AtEnd()) return Expected("an escape character after '\\'");
        const unsigned char e = Peek();
        if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' ||
            e == 't') {
          ++pos_;
          continue;
        }
        if (e != 'u') return Expected("one of \" \\ / b f n r t u after '\\'");
        ++pos_;
        unsigned unit = 0;
        CONCORD_RETURN_IF_ERROR(Hex4(&unit));
        if (unit >= 0xDC00 && unit <= 0xDFFF) {
          return InvalidArgument(Where(escape) +
                                 ": expected a character escape, found an unpaired low "
                                 "surrogate \\u" +
                                 std::string(text_.substr(escape + 2, 4)));
        }
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          if (pos_ + 1 >= text_.size() || text_[pos_] != '\\' || text_[pos_ + 1] != 'u') {
            return Expected("a \\u escape of a low surrogate after the high surrogate \\u" +
                            std::string(text_.substr(escape + 2, 4)));
          }
          const size_t low_at = pos_;
          pos_ += 2;
          unsigned low = 0;
          CONCORD_RETURN_IF_ERROR(Hex4(&low));
          if (low < 0xDC00 || low > 0xDFFF) {
            pos_ = low_at;
            return Expected(
                "a \\u escape of a low surrogate (\\uDC00-\\uDFFF) after the high "
                "surrogate \\u" +
                std::string(text_.substr(escape + 2, 4)));
          }
        }
        continue;
      }
      if (c < 0x20)
        return Expected("a string character or '\"' (control characters must be escaped)");
      if (c < 0x80) {
        ++pos_;
        continue;
      }
      CONCORD_RETURN_IF_ERROR(Utf8Sequence());
    }
  }

  // Validates one multi-byte UTF-8 sequence at pos_ (Unicode Table 3-7: no overlong forms, no
  // surrogates, nothing above U+10FFFF).
  Status Utf8Sequence() {
    const unsigned char c = Peek();
    int continuation;
    unsigned char lo = 0x80, hi = 0xBF;  // the range of the first continuation byte
    if (c >= 0xC2 && c <= 0xDF) {
      continuation = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      continuation = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      continuation = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return Expected("valid UTF-8 in a string");
    }
    ++pos_;
    for (int i = 0; i < continuation; ++i) {
      if (AtEnd()) return Expected("a UTF-8 continuation byte in a string");
      const unsigned char b = Peek();
      if (b < lo || b > hi) return Expected("a UTF-8 continuation byte in a string");
      lo = 0x80;
      hi = 0xBF;
      ++pos_;
    }
    return Status::Ok();
  }

  Status Number() {
    const size_t start = pos_;
    const bool negative = Peek() == '-';
    if (negative) {
      ++pos_;
      if (AtEnd() || !IsDigit(Peek())) return Expected("a digit after '-'");
    }
    if (Peek() == '0') {
      ++pos_;
      if (!AtEnd() && IsDigit(Peek())) {
        return Expected(
            "'.', 'e' or the end of the number after a leading 0 (leading zeros are "
            "not allowed)");
      }
    } else {
      while (!AtEnd() && IsDigit(Peek())) ++pos_;
    }
    bool integer = true;
    if (!AtEnd() && Peek() == '.') {
      integer = false;
      ++pos_;
      if (AtEnd() || !IsDigit(Peek())) return Expected("a digit after the decimal point");
      while (!AtEnd() && IsDigit(Peek())) ++pos_;
    }
    if (!AtEnd() && (Peek() == 'e' || Peek() == 'E')) {
      integer = false;
      ++pos_;
      if (!AtEnd() && (Peek() == '+' || Peek() == '-')) ++pos_;
      if (AtEnd() || !IsDigit(Peek())) return Expected("a digit in the exponent");
      while (!AtEnd() && IsDigit(Peek())) ++pos_;
    }
    return CheckRange(start, text_.substr(start, pos_ - start), negative, integer);
  }

  // Numbers must fit the types simdjson parses them into.
  Status CheckRange(size_t start, std::string_view number, bool negative, bool integer) const {
    const char* first = number.data();
    const char* last = first + number.size();
    if (integer) {
      std::from_chars_result r;
      if (negative) {
        int64_t v;
        r = std::from_chars(first, last, v);
      } else {
        uint64_t v;
        r = std::from_chars(first, last, v);
      }
      if (r.ec == std::errc() && r.ptr == last) return Status::Ok();
      return InvalidArgument(Where(start) + ": the integer " + Excerpt(number) +
                             " does not fit in " + (negative ? "a signed" : "an unsigned") +
                             " 64-bit integer");
    }
    double v;
    const std::from_chars_result r = std::from_chars(first, last, v);
    if (r.ec == std::errc() && r.ptr == last) return Status::Ok();
    if (r.ec == std::errc::result_out_of_range && Underflows(number)) return Status::Ok();
    return InvalidArgument(Where(start) + ": the number " + Excerpt(number) +
                           " is too large for a double");
  }

  static std::string Excerpt(std::string_view number) {
    if (number.size() <= 40) return std::string(number);
    return std::string(number.substr(0, 37)) + "...";
  }

  // True when `number` (valid JSON syntax, not representable) is below 1 in magnitude: such
  // numbers round to zero, which simdjson accepts.
  static bool Underflows(std::string_view number) {
    size_t i = number[0] == '-' ? 1 : 0;
    int64_t point = 0;  // digits before the decimal point
    int64_t first_nonzero = -1;
    int64_t digits = 0;
    for (; i < number.size() && number[i] != 'e' && number[i] != 'E'; ++i) {
      if (number[i] == '.') {
        point = digits;
        continue;
      }
      if (number[i] != '0' && first_nonzero < 0) first_nonzero = digits;
      ++digits;
    }
    if (number.find('.') == std::string_view::npos) point = digits;
    if (first_nonzero < 0) return true;  // zero
    int64_t exponent = 0;
    bool exponent_negative = false;
    if (i < number.size()) {
      ++i;
      if (number[i] == '+' || number[i] == '-') exponent_negative = number[i++] == '-';
      for (; i < number.size(); ++i) {
        exponent = std::min<int64_t>(exponent * 10 + (number[i] - '0'), int64_t{1} << 40);
      }
    }
    if (exponent_negative) exponent = -exponent;
    // The value is 0.d... x 10^(point - first_nonzero + exponent).
    return point - first_nonzero + exponent <= 0;
  }

  std::string_view text_;
  size_t max_depth_;
  size_t pos_ = 0;
  std::vector<char> stack_;  // open '{' and '['; never deeper than max_depth_
};

}  // namespace

Parser::Parser(Limits limits) : limits_(limits) {}

static_assert(simdjson::SIMDJSON_PADDING <= Parser::kParsePadding);

Result<Element> Parser::Parse(std::string_view text) { return Parse(text, false); }

Result<Element> Parser::ParsePadded(std::string_view text) { return Parse(text, true); }

Result<Element> Parser::Parse(std::string_view text, bool padded) {
  if (text.size() > limits_.max_value_bytes) {
    return ResourceExhausted("JSON text of " + std::to_string(text.size()) +
                             " bytes is larger than the " +
                             std::to_string(limits_.max_value_bytes) + "-byte limit");
  }
  const size_t depth = SimdjsonDepth(limits_);
  if (parser_.capacity() < text.size() || parser_.max_depth() != depth) {
    // Grow geometrically, but never past the limit: capacity is what simdjson allocates for.
    size_t capacity = std::max({text.size(), kMinCapacity, parser_.capacity() * 2});
    capacity = std::min(capacity, std::max(limits_.max_value_bytes, text.size()));
    capacity = std::max<size_t>(capacity, simdjson::dom::MINIMAL_DOCUMENT_CAPACITY);
    if (parser_.allocate(capacity, depth) != simdjson::SUCCESS ||
        parser_.doc.allocate(capacity) != simdjson::SUCCESS) {
      parser_ = simdjson::dom::parser();
      return ResourceExhausted("cannot allocate a JSON parser for " + std::to_string(capacity) +
                               " bytes");
    }
  }
  if (!padded) {
    if (padded_.capacity() < text.size() + simdjson::SIMDJSON_PADDING) {
      padded_.reserve(text.size() + simdjson::SIMDJSON_PADDING);
    }
    padded_.assign(text.data(), text.size());
    text = padded_;
  }

  Element element;
  const simdjson::error_code error =
      parser_.parse(text.data(), text.size(), /*realloc_if_needed=*/false).get(element);
  if (error == simdjson::SUCCESS) return element;

  switch (error) {
    case simdjson::CAPACITY:
    case simdjson::MEMALLOC:
      return ResourceExhausted(std::string("cannot parse JSON text of ") +
                               std::to_string(text.size()) +
                               " bytes: " + simdjson::error_message(error));
    default:
      break;
  }
  Status located = LocateSyntaxError(text, limits_.max_depth);
  if (!located.ok()) return located;
  if (error == simdjson::DEPTH_ERROR) {
    return ResourceExhausted("JSON text nested deeper than " + std::to_string(limits_.max_depth) +
                             " levels");
  }
  return InvalidArgument(std::string("invalid JSON: ") + simdjson::error_message(error));
}

std::string_view TypeName(ElementType type) {
  switch (type) {
    case ElementType::ARRAY:
      return "an array";
    case ElementType::OBJECT:
      return "an object";
    case ElementType::INT64:
    case ElementType::UINT64:
    case ElementType::DOUBLE:
      return "a number";
    case ElementType::STRING:
      return "a string";
    case ElementType::BOOL:
      return "a boolean";
    case ElementType::NULL_VALUE:
      return "null";
  }
  return "a value";
}

Status LocateSyntaxError(std::string_view text, size_t max_depth) {
  return SyntaxChecker(text, max_depth).Check();
}

}  // namespace concord::json
