#pragma once

// The first stage of pattern reading: text to tokens, following the lexer rules of the STIX 2.1
// pattern grammar (the ANTLR grammar STIXPattern.g4 that STIX 2.1 section 9 refers to). Internal
// to the pattern module; ParsePattern (parser.h) is the entry point.
//
// Lexical rules, in brief:
//   - keywords are upper case only (AND, OR, NOT, FOLLOWEDBY, LIKE, MATCHES, ISSUBSET,
//     ISSUPERSET, EXISTS, IN, START, STOP, WITHIN, SECONDS, REPEATS, TIMES, and the reserved
//     LAST); the booleans are lower case only (true, false);
//   - identifiers are [a-zA-Z_][a-zA-Z0-9_-]* (a hyphen is allowed only in object types, which
//     the parser enforces);
//   - strings are '...' where the only escapes are \' and \\ (any other backslash is an error);
//   - t'...' is an RFC 3339 timestamp (Z or, beyond the grammar, a +hh:mm/-hh:mm offset, any
//     number of fraction digits); b'...' is base64 (RFC 4648 with padding); h'...' is an even
//     number of hexadecimal digits;
//   - integers are [+-]?(0|[1-9][0-9]*) within 64 bits; floats are [+-]?[0-9]*.[0-9]+;
//   - whitespace is the grammar's set (ASCII and the Unicode space separators); comments are
//     /* ... */ and // to the end of the line.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "concord/base/result.h"
#include "concord/base/timestamp.h"
#include "concord/pattern/limits.h"

namespace concord::pattern {

enum class TokenKind : uint8_t {
  kEnd,  // the end of the pattern (always the last token)
  kLBracket,
  kRBracket,
  kLParen,
  kRParen,
  kColon,
  kDot,
  kComma,
  kStar,
  kEq,  // = or ==
  kNe,  // != or <>
  kLt,
  kLe,
  kGt,
  kGe,
  kAnd,
  kOr,
  kNot,
  kFollowedBy,
  kLike,
  kMatches,
  kIsSubset,
  kIsSuperset,
  kExists,
  kLast,  // reserved by the grammar, used nowhere
  kIn,
  kStart,
  kStop,
  kSeconds,
  kWithin,
  kRepeats,
  kTimes,
  kTrue,
  kFalse,
  kIdentifier,
  kInt,
  kFloat,
  kString,
  kTimestamp,
  kBinary,
  kHex,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  uint32_t pos = 0;         // byte offset of the first character
  uint32_t end = 0;         // byte offset just past the last character
  bool has_hyphen = false;  // kIdentifier: contains '-'
  // kIdentifier: the name; kString: the text with escapes resolved; kBinary, kHex: the bytes.
  std::string text;
  int64_t int_value = 0;      // kInt
  double float_value = 0;     // kFloat
  ParsedTimestamp timestamp;  // kTimestamp
};

// Splits `source` into tokens, ending with one kEnd token. Errors are InvalidArgument
// "position N: ..." naming what is wrong at that character (an unclosed string, a bad escape,
// invalid base64, a malformed timestamp, a character that starts no token, invalid UTF-8), or
// ResourceExhausted when `source` is longer than limits.max_pattern_bytes.
Result<std::vector<Token>> Lex(std::string_view source, const PatternLimits& limits);

// How a token is named in messages: "'AND'", "']'", "'file'", "the end of the pattern". The
// token's source text is quoted, cut to about 30 characters.
std::string DescribeToken(std::string_view source, const Token& token);

}  // namespace concord::pattern
