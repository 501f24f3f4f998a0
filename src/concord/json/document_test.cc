#include "concord/json/document.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace concord::json {
namespace {

TEST(ParserTest, ParsesAnObject) {
  Parser parser;
  auto doc = parser.Parse(R"( {"type":"indicator","n":[1,2.5,-3],"ok":true} )");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  std::string_view type;
  ASSERT_EQ((*doc)["type"].get_string().get(type), simdjson::SUCCESS);
  EXPECT_EQ(type, "indicator");
  ArrayView n;
  ASSERT_EQ((*doc)["n"].get_array().get(n), simdjson::SUCCESS);
  EXPECT_EQ(n.size(), 3u);
  bool ok = false;
  ASSERT_EQ((*doc)["ok"].get_bool().get(ok), simdjson::SUCCESS);
  EXPECT_TRUE(ok);
}

TEST(ParserTest, ReusesBuffersAcrossSizes) {
  Parser parser;
  for (size_t n : {1u, 1000u, 10u, 100000u, 3u, 500000u}) {
    std::string text = "[";
    for (size_t i = 0; i < n; ++i) text += i ? ",1" : "1";
    text += "]";
    auto doc = parser.Parse(text);
    ASSERT_TRUE(doc.ok()) << n << ": " << doc.status().ToString();
    ArrayView array;
    ASSERT_EQ(doc->get_array().get(array), simdjson::SUCCESS);
    EXPECT_EQ(array.size(), n);
  }
  // Parsing does not depend on the text staying alive: the parser keeps its own copy.
  Result<Element> doc = [&] {
    std::string text = R"({"k":"value"})";
    return parser.Parse(text);
  }();
  ASSERT_TRUE(doc.ok());
  std::string_view v;
  ASSERT_EQ((*doc)["k"].get_string().get(v), simdjson::SUCCESS);
  EXPECT_EQ(v, "value");
}

TEST(ParserTest, RefusesTextOverTheSizeLimit) {
  Limits limits;
  limits.max_value_bytes = 10;
  Parser parser(limits);
  EXPECT_TRUE(parser.Parse("[1,2,3,4]").ok());   // 9 bytes
  EXPECT_TRUE(parser.Parse("[1,2,3,45]").ok());  // 10 bytes
  auto doc = parser.Parse("[1,2,3,456]");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(doc.status().message().find("11 bytes"), std::string::npos) << doc.status().message();
  EXPECT_NE(doc.status().message().find("10-byte limit"), std::string::npos);
  EXPECT_TRUE(parser.Parse("[]").ok());  // still usable
}

std::string Nested(size_t depth, std::string_view inner = "1") {
  return std::string(depth, '[') + std::string(inner) + std::string(depth, ']');
}

TEST(ParserTest, DepthLimit) {
  Parser parser;  // max_depth 64
  EXPECT_TRUE(parser.Parse(Nested(64)).ok());
  auto doc = parser.Parse(Nested(65));
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(doc.status().message().find("nested deeper than 64 levels"), std::string::npos)
      << doc.status().message();
  EXPECT_NE(doc.status().message().find("byte 64 "), std::string::npos) << doc.status().message();

  Limits limits;
  limits.max_depth = 3;
  Parser shallow(limits);
  EXPECT_TRUE(shallow.Parse(R"({"a":{"b":[1]}})").ok());
  auto deep = shallow.Parse(R"({"a":{"b":[{"c":1}]}})");
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(deep.status().message().find("byte 11 "), std::string::npos) << deep.status().message();
}

TEST(ParserTest, VeryDeepTextDoesNotCrash) {
  Parser parser;
  for (const std::string& text : {std::string(100000, '['), Nested(100000)}) {
    auto doc = parser.Parse(text);
    ASSERT_FALSE(doc.ok());
    EXPECT_EQ(doc.status().code(), StatusCode::kResourceExhausted) << doc.status().ToString();
  }
  EXPECT_EQ(LocateSyntaxError(Nested(100000), 100).code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(LocateSyntaxError(Nested(100000), 100000).ok());
}

TEST(ParserTest, SyntaxErrorsAreInvalidArgumentWithAPosition) {
  Parser parser;
  auto doc = parser.Parse("{\"type\": \"x\",\n \"id\" 5}");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(doc.status().message(),
            "byte 20 (line 2, column 7): expected ':' after an object key, found '5'");
}

struct Malformed {
  std::string text;
  std::string message;  // the whole message LocateSyntaxError gives
};

TEST(LocateSyntaxErrorTest, ReportsTheFirstError) {
  const std::vector<Malformed> cases = {
      {"", "byte 0 (line 1, column 1): expected a JSON value, found the end of the input"},
      {"   ", "byte 3 (line 1, column 4): expected a JSON value, found the end of the input"},
      {"{\"a\" 1}", "byte 5 (line 1, column 6): expected ':' after an object key, found '1'"},
      {"[1,]", "byte 3 (line 1, column 4): expected a JSON value, found ']'"},
      {"[1 2]", "byte 3 (line 1, column 4): expected ',' or ']' after an array element, found '2'"},
      {"{\"a\":1,}",
       "byte 7 (line 1, column 8): expected '\"' to start an object key after ',', found '}'"},
      {"{1:2}",
       "byte 1 (line 1, column 2): expected '\"' to start an object key or '}', found '1'"},
      {"{\"a\":1]",
       "byte 6 (line 1, column 7): expected ',' or '}' after an object member, found ']'"},
      {"[}", "byte 1 (line 1, column 2): expected a JSON value, found '}'"},
      {"01",
       "byte 1 (line 1, column 2): expected '.', 'e' or the end of the number after a leading 0 "
       "(leading zeros are not allowed), found '1'"},
      {"-", "byte 1 (line 1, column 2): expected a digit after '-', found the end of the input"},
      {"-a", "byte 1 (line 1, column 2): expected a digit after '-', found 'a'"},
      {"1.",
       "byte 2 (line 1, column 3): expected a digit after the decimal point, found the end "
       "of the input"},
      {"1.e5", "byte 2 (line 1, column 3): expected a digit after the decimal point, found 'e'"},
      {"1e+",
       "byte 3 (line 1, column 4): expected a digit in the exponent, found the end of the "
       "input"},
      {".5", "byte 0 (line 1, column 1): expected a JSON value, found '.'"},
      {"+1", "byte 0 (line 1, column 1): expected a JSON value, found '+'"},
      {"tru", "byte 3 (line 1, column 4): expected 'e' in 'true', found the end of the input"},
      {"trUe", "byte 2 (line 1, column 3): expected 'u' in 'true', found 'U'"},
      {"[nul]", "byte 4 (line 1, column 5): expected 'l' in 'null', found ']'"},
      {"falsey",
       "byte 5 (line 1, column 6): expected the end of the input after the JSON value, found 'y'"},
      {"\"abc",
       "byte 4 (line 1, column 5): expected '\"' to close the string that starts at byte 0, found "
       "the end of the input"},
      {"\"a\nb\"",
       "byte 2 (line 1, column 3): expected a string character or '\"' (control characters must "
       "be escaped), found a newline"},
      {std::string("\"a\0\"", 4),
       "byte 2 (line 1, column 3): expected a string character or '\"' (control characters must "
       "be escaped), found control character 0x00"},
      {"\"\\x\"",
       "byte 2 (line 1, column 3): expected one of \" \\ / b f n r t u after '\\', found 'x'"},
      {"\"\\u12g4\"",
       "byte 5 (line 1, column 6): expected a hexadecimal digit in a \\u escape, found 'g'"},
      {"\"\\ud800\"",
       "byte 7 (line 1, column 8): expected a \\u escape of a low surrogate after the high "
       "surrogate \\ud800, found '\"'"},
      {"\"\\ud800\\u0041\"",
       "byte 7 (line 1, column 8): expected a \\u escape of a low surrogate (\\uDC00-\\uDFFF) "
       "after the high surrogate \\ud800, found '\\'"},
      {"\"\\uDC00\"",
       "byte 1 (line 1, column 2): expected a character escape, found an unpaired low surrogate "
       "\\uDC00"},
      {"\"\xff\"", "byte 1 (line 1, column 2): expected valid UTF-8 in a string, found byte 0xff"},
      {"\"\xc3\"",
       "byte 2 (line 1, column 3): expected a UTF-8 continuation byte in a string, found '\"'"},
      {"\"\xc0\x80\"",
       "byte 1 (line 1, column 2): expected valid UTF-8 in a string, found byte 0xc0"},
      {"\"\xe0\x80\x80\"",  // overlong
       "byte 2 (line 1, column 3): expected a UTF-8 continuation byte in a string, found byte "
       "0x80"},
      {"\"\xed\xa0\x80\"",  // an encoded surrogate
       "byte 2 (line 1, column 3): expected a UTF-8 continuation byte in a string, found byte "
       "0xa0"},
      {"\"\xf4\x90\x80\x80\"",  // above U+10FFFF
       "byte 2 (line 1, column 3): expected a UTF-8 continuation byte in a string, found byte "
       "0x90"},
      {"[1]x",
       "byte 3 (line 1, column 4): expected the end of the input after the JSON value, found 'x'"},
      {"{}\n{}",
       "byte 3 (line 2, column 1): expected the end of the input after the JSON value, found '{'"},
      {"[\r\n  1,\r\n  ]", "byte 11 (line 3, column 3): expected a JSON value, found ']'"},
      {"\xef\xbb\xbf{}", "byte 0 (line 1, column 1): expected a JSON value, found byte 0xef"},
      {"[1\f]",
       "byte 2 (line 1, column 3): expected ',' or ']' after an array element, found control "
       "character 0x0c"},
      {std::string("1\0", 2),
       "byte 1 (line 1, column 2): expected the end of the input after the JSON value, found "
       "control character 0x00"},
      {"18446744073709551616",
       "byte 0 (line 1, column 1): the integer 18446744073709551616 does not fit in an unsigned "
       "64-bit integer"},
      {"[-9223372036854775809]",
       "byte 1 (line 1, column 2): the integer -9223372036854775809 does not fit in a signed "
       "64-bit integer"},
      {"[1, 1e400]", "byte 4 (line 1, column 5): the number 1e400 is too large for a double"},
  };
  Parser parser;
  for (const Malformed& c : cases) {
    SCOPED_TRACE(c.text);
    const Status located = LocateSyntaxError(c.text, 64);
    EXPECT_EQ(located.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(located.message(), c.message);
    // Parse rejects the same texts and explains them the same way.
    auto doc = parser.Parse(c.text);
    ASSERT_FALSE(doc.ok());
    EXPECT_EQ(doc.status(), located);
  }
}

TEST(LocateSyntaxErrorTest, AcceptsValidTexts) {
  const std::vector<std::string> valid = {
      "0",
      "-0",
      "1e-400",  // rounds to zero, as in simdjson
      "-1.5E+3",
      "18446744073709551615",
      "-9223372036854775808",
      "1.7976931348623157e308",
      "true",
      "false",
      "null",
      "\"\"",
      "[]",
      "{}",
      " \t\r\n{\"a\" : [1, 2, {\"b\":null}] , \"\":\"\"}\n",
      "\"\\ud83d\\ude00 \\u0000 \\\" \\\\ \\/ \\b \\f \\n \\r \\t\"",
      "\"\x7f\"",
      "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbf \xf4\x8f\xbf\xbf\"",
  };
  Parser parser;
  for (const std::string& text : valid) {
    SCOPED_TRACE(text);
    EXPECT_TRUE(LocateSyntaxError(text, 64).ok()) << LocateSyntaxError(text, 64).ToString();
    auto doc = parser.Parse(text);
    EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  }
}

TEST(LocateSyntaxErrorTest, DepthLimitHasAPosition) {
  const Status s = LocateSyntaxError("{\"a\":[[1]]}", 2);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(s.message(), "byte 6 (line 1, column 7): nested deeper than 2 levels");
  EXPECT_TRUE(LocateSyntaxError("{\"a\":[1]}", 2).ok());
}

// Mutates valid texts at random and checks that the checker accepts exactly what simdjson
// accepts, so that every rejection gets a position.
TEST(LocateSyntaxErrorTest, AgreesWithSimdjson) {
  const std::vector<std::string> seeds = {
      R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","pattern":"[ipv4-addr:value = '10.0.0.1']","valid_from":"2024-01-01T00:00:00Z","confidence":85,"labels":["a","b"],"x":{"n":-1.5e-3,"t":true,"f":false,"z":null}})",
      "[0,-0,1.5,2e10,-3E-2,18446744073709551615,\"\\u00e9\\ud83d\\ude00\",\"caf\xc3\xa9\"]",
      "{\"\":[[],{}],\"k\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}",
  };
  const std::string bytes =
      std::string(
          "{}[],:\"\\ 0123456789-+.eEtrufalsnxud8cDC\t\r\n\x01\x1f\x7f\x80\xbf\xc3\xe2"
          "\xed\xf0\xf4\xff") +
      std::string(1, '\0');
  std::mt19937 rng(20240601);
  Limits limits;
  limits.max_depth = 1000;
  Parser parser(limits);
  int rejected = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const size_t at = rng() % text.size();
      const char b = bytes[rng() % bytes.size()];
      switch (rng() % 4) {
        case 0:
          text[at] = b;
          break;
        case 1:
          text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), b);
          break;
        case 2:
          text.erase(at, 1);
          break;
        case 3:
          text.resize(at);
          break;
      }
    }
    const bool simdjson_ok = parser.Parse(text).ok();
    const Status located = LocateSyntaxError(text, limits.max_depth);
    ASSERT_EQ(simdjson_ok, located.ok()) << "text: " << text << "\nchecker: " << located.ToString();
    rejected += !simdjson_ok;
  }
  EXPECT_GT(rejected, 5000);  // the mutations do exercise errors
}

}  // namespace
}  // namespace concord::json
