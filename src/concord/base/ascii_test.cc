#include "concord/base/ascii.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace concord {
namespace {

TEST(AsciiTest, CaseAndClasses) {
  EXPECT_EQ(AsciiLower('Q'), 'q');
  EXPECT_EQ(AsciiLower('\xc3'), '\xc3');  // bytes past ASCII are left alone
  EXPECT_TRUE(EqualsIgnoreAsciiCase("TLP:Amber", "tlp:AMBER"));
  EXPECT_FALSE(EqualsIgnoreAsciiCase("amber", "amber+strict"));
  EXPECT_TRUE(StartsWithIgnoreAsciiCase("::FFFF:192.0.2.1", "::ffff:"));
  EXPECT_FALSE(StartsWithIgnoreAsciiCase("::f", "::ffff:"));
  EXPECT_TRUE(IsHexDigit('F'));
  EXPECT_FALSE(IsHexDigit('g'));
  EXPECT_EQ(TrimBlanks(" \t x y \t"), "x y");
  EXPECT_EQ(TrimBlanks("  "), "");
}

TEST(AsciiTest, LowerHexInto) {
  char buffer[64];
  EXPECT_EQ(LowerHexInto("ABcd", 4, buffer), "abcd");
  EXPECT_EQ(LowerHexInto("ABcd", 3, buffer), "");
  EXPECT_EQ(LowerHexInto("ABcg", 4, buffer), "");
  EXPECT_EQ(LowerHexInto("AB:cd", 4, buffer), "");  // separators only when asked for
  EXPECT_EQ(LowerHexInto("AB:cd ef", 6, buffer, /*skip_separators=*/true), "abcdef");
  EXPECT_EQ(LowerHexInto("AB:cd:ef:01", 6, buffer, /*skip_separators=*/true), "");  // too many
  EXPECT_EQ(LowerHexInto("AB:c", 4, buffer, /*skip_separators=*/true), "");         // too few
}

// The table-driven forms against the plain definitions, on every byte and on random texts.
TEST(AsciiTest, HexTablesAgreeWithTheDefinition) {
  auto is_hex = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  };
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    EXPECT_EQ(IsHexDigit(c), is_hex(c)) << b;
  }
  std::mt19937 rng(7);
  static constexpr char kBytes[] = "0123456789abcdefABCDEFgG: \x80z";
  for (int i = 0; i < 20000; ++i) {
    std::string text(rng() % 12, ' ');
    for (char& c : text) c = kBytes[rng() % (sizeof kBytes - 1)];
    const size_t digits = rng() % 10;
    const bool separators = rng() % 2 == 0;
    std::string expected;
    bool ok = separators || text.size() == digits;
    for (char c : text) {
      if (separators && (c == ':' || c == ' ')) continue;
      ok = ok && is_hex(c);
      expected += AsciiLower(c);
    }
    ok = ok && expected.size() == digits;
    char buffer[16];
    EXPECT_EQ(LowerHexInto(text, digits, buffer, separators), ok ? expected : "")
        << text << " " << digits << " " << separators;
  }
}

TEST(AsciiTest, QuoteForMessageKeepsHostileTextInsideItsQuotes) {
  EXPECT_EQ(QuoteForMessage("limit=7"), R"("limit=7")");
  EXPECT_EQ(QuoteForMessage("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(QuoteForMessage("x\n\x1b[31m\xc3\xa9"), R"("x\x0a\x1b[31m\xc3\xa9")");
  EXPECT_EQ(QuoteForMessage(std::string(70, 'y')), "\"" + std::string(60, 'y') + "...\"");
  EXPECT_EQ(QuoteForMessage("abcdef", 3), R"("abc...")");
  EXPECT_EQ(QuoteForMessage(""), R"("")");
}

}  // namespace
}  // namespace concord
