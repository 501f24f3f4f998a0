#include "concord/json/canonical.h"

#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace concord::json {
namespace {

std::string Canonical(std::string_view json) {
  Parser parser;
  auto doc = parser.Parse(json);
  EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  if (!doc.ok()) return "<invalid>";
  std::string out;
  AppendCanonical(*doc, &out);
  return out;
}

// RFC 8785 section 3.2.2.
TEST(CanonicalTest, RfcExample) {
  const std::string input = R"({
  "numbers": [333333333.33333329, 1E30, 4.50,
              2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
})";
  EXPECT_EQ(Canonical(input),
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

// RFC 8785 section 3.2.3: members sorted by UTF-16 code units.
TEST(CanonicalTest, RfcSortingExample) {
  const std::string input = R"({
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
})";
  EXPECT_EQ(Canonical(input),
            "{\"\\r\":\"Carriage Return\","
            "\"1\":\"One\","
            "\"\xc2\x80\":\"Control\","
            "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\","
            "\"\xe2\x82\xac\":\"Euro Sign\","
            "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
            "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

TEST(CanonicalTest, SortsEveryLevelAndKeepsArrayOrder) {
  EXPECT_EQ(Canonical(R"( { "b" : [ 3, {"z":1,"a":2}, 1 ], "a" : { "y" : {}, "x" : [] } } )"),
            R"({"a":{"x":[],"y":{}},"b":[3,{"a":2,"z":1},1]})");
  EXPECT_EQ(Canonical(R"({"ab":1,"a":2,"":3,"b":4,"aa":5})"),
            R"({"":3,"a":2,"aa":5,"ab":1,"b":4})");
  // A supplementary character sorts after U+D7FF and before U+E000 (its high surrogate).
  EXPECT_EQ(Canonical("{\"\\ue000\":1,\"\\ud800\\udc00\":2,\"\\ud7ff\":3}"),
            "{\"\xed\x9f\xbf\":3,\"\xf0\x90\x80\x80\":2,\"\xee\x80\x80\":1}");
  // Same first code unit: the low surrogate decides.
  EXPECT_EQ(Canonical("{\"\\ud83d\\ude01\":1,\"\\ud83d\\ude00\":2}"),
            "{\"\xf0\x9f\x98\x80\":2,\"\xf0\x9f\x98\x81\":1}");
}

TEST(CanonicalTest, Literals) {
  EXPECT_EQ(Canonical("true"), "true");
  EXPECT_EQ(Canonical("false"), "false");
  EXPECT_EQ(Canonical("null"), "null");
  EXPECT_EQ(Canonical(" [ ] "), "[]");
  EXPECT_EQ(Canonical(" { } "), "{}");
}

TEST(CanonicalTest, StringsAreMinimallyEscaped) {
  EXPECT_EQ(Canonical(R"("\u0000\u0008\u0009\u000a\u000c\u000d\u001f\u007f\/\"\\")"),
            "\"\\u0000\\b\\t\\n\\f\\r\\u001f\x7f/\\\"\\\\\"");
  EXPECT_EQ(Canonical(R"("\u00e9\u20AC")"), "\"\xc3\xa9\xe2\x82\xac\"");
}

TEST(CanonicalTest, NumbersLikeEcmaScript) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"0", "0"},
      {"-0", "0"},
      {"-0.0", "0"},
      {"1", "1"},
      {"-1", "-1"},
      {"4.50", "4.5"},
      {"2e-3", "0.002"},
      {"1E30", "1e+30"},
      {"1e21", "1e+21"},
      {"1e20", "100000000000000000000"},
      {"123456789012345678901.0", "123456789012345680000"},
      {"0.000001", "0.000001"},
      {"0.0000001", "1e-7"},
      {"1.5e-7", "1.5e-7"},
      {"0.000000000000000000000000001", "1e-27"},
      {"123.456", "123.456"},
      {"-123.456e10", "-1234560000000"},
      {"1.25e22", "1.25e+22"},
      {"9007199254740993", "9007199254740992"},  // integers become doubles
      {"18446744073709551615", "18446744073709552000"},
      {"-9223372036854775808", "-9223372036854776000"},
      {"1e-400", "0"},
  };
  for (const auto& [in, want] : cases) {
    EXPECT_EQ(Canonical("[" + in + "]"), "[" + want + "]") << in;
  }
}

double FromBits(uint64_t bits) { return std::bit_cast<double>(bits); }

// RFC 8785 Appendix B: IEEE-754 values and their canonical forms.
TEST(CanonicalTest, RfcNumberTable) {
  const std::vector<std::pair<uint64_t, std::string>> cases = {
      {0x0000000000000000, "0"},
      {0x8000000000000000, "0"},
      {0x0000000000000001, "5e-324"},
      {0x8000000000000001, "-5e-324"},
      {0x7fefffffffffffff, "1.7976931348623157e+308"},
      {0xffefffffffffffff, "-1.7976931348623157e+308"},
      {0x4340000000000000, "9007199254740992"},
      {0xc340000000000000, "-9007199254740992"},
      {0x4430000000000000, "295147905179352830000"},
      {0x44b52d02c7e14af5, "9.999999999999997e+22"},
      {0x44b52d02c7e14af6, "1e+23"},
      {0x44b52d02c7e14af7, "1.0000000000000001e+23"},
      {0x444b1ae4d6e2ef4e, "999999999999999700000"},
      {0x444b1ae4d6e2ef4f, "999999999999999900000"},
      {0x444b1ae4d6e2ef50, "1e+21"},
      {0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"},
      {0x3eb0c6f7a0b5ed8d, "0.000001"},
      {0x41b3de4355555553, "333333333.3333332"},
      {0x41b3de4355555554, "333333333.33333325"},
      {0x41b3de4355555555, "333333333.3333333"},
      {0x41b3de4355555556, "333333333.3333334"},
      {0x41b3de4355555557, "333333333.33333343"},
      {0xbecbf647612f3696, "-0.0000033333333333333333"},
      {0x43143ff3c1cb0959, "1424953923781206.2"},
  };
  for (const auto& [bits, want] : cases) {
    // Write the double with enough digits to read back the same bits, then canonicalize.
    char buf[64];
    const auto r =
        std::to_chars(buf, buf + sizeof buf, FromBits(bits), std::chars_format::scientific, 17);
    const std::string text(buf, r.ptr);
    EXPECT_EQ(Canonical("[" + text + "]"), "[" + want + "]") << std::hex << bits << " " << text;
  }
}

TEST(CanonicalTest, AppendsToExistingText) {
  Parser parser;
  auto doc = parser.Parse(R"({"b":1,"a":2})");
  ASSERT_TRUE(doc.ok());
  std::string out = "prefix:";
  AppendCanonical(*doc, &out);
  EXPECT_EQ(out, R"(prefix:{"a":2,"b":1})");
}

}  // namespace
}  // namespace concord::json
