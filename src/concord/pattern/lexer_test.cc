#include "concord/pattern/lexer.h"

#include <gtest/gtest.h>

namespace concord::pattern {
namespace {

std::vector<TokenKind> Kinds(std::string_view text) {
  Result<std::vector<Token>> tokens = Lex(text, PatternLimits{});
  EXPECT_TRUE(tokens.ok()) << text << ": " << tokens.status().ToString();
  std::vector<TokenKind> kinds;
  if (tokens.ok()) {
    for (const Token& t : *tokens) kinds.push_back(t.kind);
  }
  return kinds;
}

TEST(LexerTest, Tokens) {
  using K = TokenKind;
  EXPECT_EQ(Kinds("[a-b:c.d[0][*] = 'x']"),
            (std::vector<K>{K::kLBracket, K::kIdentifier, K::kColon, K::kIdentifier, K::kDot,
                            K::kIdentifier, K::kLBracket, K::kInt, K::kRBracket, K::kLBracket,
                            K::kStar, K::kRBracket, K::kEq, K::kString, K::kRBracket, K::kEnd}));
  EXPECT_EQ(Kinds("= == != <> < <= > >="), (std::vector<K>{K::kEq, K::kEq, K::kNe, K::kNe, K::kLt,
                                                           K::kLe, K::kGt, K::kGe, K::kEnd}));
  EXPECT_EQ(Kinds("AND OR NOT FOLLOWEDBY LIKE MATCHES ISSUBSET ISSUPERSET EXISTS LAST IN START "
                  "STOP SECONDS WITHIN REPEATS TIMES true false"),
            (std::vector<K>{K::kAnd,     K::kOr,       K::kNot,        K::kFollowedBy, K::kLike,
                            K::kMatches, K::kIsSubset, K::kIsSuperset, K::kExists,     K::kLast,
                            K::kIn,      K::kStart,    K::kStop,       K::kSeconds,    K::kWithin,
                            K::kRepeats, K::kTimes,    K::kTrue,       K::kFalse,      K::kEnd}));
  // Keywords are case-sensitive: these are identifiers.
  EXPECT_EQ(Kinds("and True within"),
            (std::vector<K>{K::kIdentifier, K::kIdentifier, K::kIdentifier, K::kEnd}));
  EXPECT_EQ(Kinds("1 -1 +1 0 -0 1.5 .5 -.5 +0.25"),
            (std::vector<K>{K::kInt, K::kInt, K::kInt, K::kInt, K::kInt, K::kFloat, K::kFloat,
                            K::kFloat, K::kFloat, K::kEnd}));
  EXPECT_EQ(Kinds("t'2016-01-01T00:00:00Z' b'AA==' h'00' 'x' tb hx"),
            (std::vector<K>{K::kTimestamp, K::kBinary, K::kHex, K::kString, K::kIdentifier,
                            K::kIdentifier, K::kEnd}));
  EXPECT_EQ(Kinds(""), (std::vector<K>{K::kEnd}));
  EXPECT_EQ(Kinds("/**/ // x\n"), (std::vector<K>{K::kEnd}));
}

TEST(LexerTest, Values) {
  Result<std::vector<Token>> t =
      Lex("-9223372036854775808 'a\\'b\\\\c' b'AAEC' h'0aFF' 1.25 t'2016-01-01T00:00:00.5Z' "
          "x-y_z",
          PatternLimits{});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ((*t)[0].int_value, INT64_MIN);
  EXPECT_EQ((*t)[1].text, "a'b\\c");
  EXPECT_EQ((*t)[2].text, std::string("\x00\x01\x02", 3));
  EXPECT_EQ((*t)[3].text, "\x0a\xff");
  EXPECT_EQ((*t)[4].float_value, 1.25);
  EXPECT_EQ((*t)[5].timestamp.instant.seconds, 1451606400);
  EXPECT_EQ((*t)[5].timestamp.instant.nanos, 500000000);
  EXPECT_EQ((*t)[6].text, "x-y_z");
  EXPECT_TRUE((*t)[6].has_hyphen);
  EXPECT_EQ((*t)[6].pos, 78u);
  EXPECT_EQ((*t)[6].end, 83u);
  EXPECT_EQ(DescribeToken("abc", (*t)[7]), "the end of the pattern");
}

TEST(LexerTest, Base64MustBeCanonical) {
  EXPECT_TRUE(Lex("b'AA=='", PatternLimits{}).ok());
  EXPECT_TRUE(Lex("b'AAA='", PatternLimits{}).ok());
  Result<std::vector<Token>> t = Lex("b'AB=='", PatternLimits{});  // unused bits set
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            "position 2: b'...' is not canonical base64: unused bits must be zero");
  EXPECT_FALSE(Lex("b'A==='", PatternLimits{}).ok());
  EXPECT_FALSE(Lex("b'AA==AA=='", PatternLimits{}).ok());
}

}  // namespace
}  // namespace concord::pattern
