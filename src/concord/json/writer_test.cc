#include "concord/json/writer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "concord/json/document.h"

namespace concord::json {
namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  AppendQuoted(s, &out);
  return out;
}

TEST(AppendQuotedTest, CopiesPlainText) {
  EXPECT_EQ(Quoted(""), "\"\"");
  EXPECT_EQ(Quoted("indicator--1"), "\"indicator--1\"");
  EXPECT_EQ(Quoted("caf\xc3\xa9 \xf0\x9f\x98\x80 /"), "\"caf\xc3\xa9 \xf0\x9f\x98\x80 /\"");
  EXPECT_EQ(Quoted("\x7f"), "\"\x7f\"");          // DEL is not a control character in JSON
  EXPECT_EQ(Quoted("\xff\xfe"), "\"\xff\xfe\"");  // other bytes are copied unchanged
}

TEST(AppendQuotedTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(Quoted("say \"hi\""), R"("say \"hi\"")");
  EXPECT_EQ(Quoted("C:\\dir\\"), R"("C:\\dir\\")");
  EXPECT_EQ(Quoted("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(Quoted(std::string_view("\0\x01\x0b\x1f", 4)), R"("\u0000\u0001\u000b\u001f")");
  EXPECT_EQ(Quoted("a\nb\"c\\"), R"("a\nb\"c\\")");
}

TEST(AppendQuotedTest, AppendsAndRoundTrips) {
  std::string out = "x=";
  AppendQuoted("1", &out);
  EXPECT_EQ(out, "x=\"1\"");

  std::string all;
  for (int c = 1; c < 128; ++c) all += static_cast<char>(c);
  all += "\xc3\xa9";
  Parser parser;
  auto doc = parser.Parse(Quoted(all));
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  std::string_view back;
  ASSERT_EQ(doc->get_string().get(back), simdjson::SUCCESS);
  EXPECT_EQ(back, all);
}

TEST(WriterTest, PlacesCommas) {
  std::string out;
  Writer w(&out);
  w.BeginObject();
  w.Key("valid");
  w.Bool(true);
  w.Key("errors");
  w.BeginArray();
  w.BeginObject();
  w.Key("path");
  w.String("objects[0]");
  w.Key("line");
  w.UInt(3);
  w.EndObject();
  w.BeginObject();
  w.EndObject();
  w.BeginArray();
  w.EndArray();
  w.Null();
  w.Int(-7);
  w.EndArray();
  w.Key("a\"b");
  w.Raw(R"({"raw":[1,2]})");
  w.EndObject();
  EXPECT_EQ(out, R"({"valid":true,"errors":[{"path":"objects[0]","line":3},{},[],null,-7],)"
                 R"("a\"b":{"raw":[1,2]}})");
  Parser parser;
  EXPECT_TRUE(parser.Parse(out).ok());
}

TEST(WriterTest, ScalarsAtTopLevel) {
  std::string out;
  Writer(&out).String("x");
  EXPECT_EQ(out, "\"x\"");
  out.clear();
  Writer(&out).Bool(false);
  EXPECT_EQ(out, "false");
}

TEST(WriterTest, Integers) {
  std::string out;
  Writer w(&out);
  w.BeginArray();
  w.Int(0);
  w.Int(std::numeric_limits<int64_t>::min());
  w.Int(std::numeric_limits<int64_t>::max());
  w.UInt(std::numeric_limits<uint64_t>::max());
  w.EndArray();
  EXPECT_EQ(out, "[0,-9223372036854775808,9223372036854775807,18446744073709551615]");
}

TEST(WriterTest, DoublesAreShortestAndNonFiniteIsNull) {
  std::string out;
  Writer w(&out);
  w.BeginArray();
  w.Double(0.1);
  w.Double(1e30);
  w.Double(-2.5);
  w.Double(100.0);
  w.Double(5e-324);
  w.Double(1.7976931348623157e308);
  w.Double(std::numeric_limits<double>::quiet_NaN());
  w.Double(std::numeric_limits<double>::infinity());
  w.Double(-std::numeric_limits<double>::infinity());
  w.EndArray();
  EXPECT_EQ(out, "[0.1,1e+30,-2.5,100,5e-324,1.7976931348623157e+308,null,null,null]");
  Parser parser;
  auto doc = parser.Parse(out);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  double v = 0;
  ASSERT_EQ(doc->at(0).get_double().get(v), simdjson::SUCCESS);
  EXPECT_EQ(v, 0.1);
  ASSERT_EQ(doc->at(5).get_double().get(v), simdjson::SUCCESS);
  EXPECT_EQ(v, 1.7976931348623157e308);
}

TEST(WriterTest, KeysAreEscaped) {
  std::string out;
  Writer w(&out);
  w.BeginObject();
  w.Key("line\nbreak");
  w.Int(1);
  w.EndObject();
  EXPECT_EQ(out, R"({"line\nbreak":1})");
}

}  // namespace
}  // namespace concord::json
