#include "concord/json/edit.h"

#include <gtest/gtest.h>

namespace concord::json {
namespace {

// The texts the spans select.
std::vector<std::string> SpanTexts(std::string_view json) {
  std::vector<std::string> out;
  for (const Span& s : ValueSpans(json)) out.emplace_back(json.substr(s.begin, s.end - s.begin));
  return out;
}

TEST(EditTest, ValueSpansOfObjectsAndArrays) {
  EXPECT_EQ(SpanTexts(R"({"a":1,"b\"":{"c":[2,"]"]},"d":"x,}"})"),
            (std::vector<std::string>{"1", R"({"c":[2,"]"]})", R"("x,}")"}));
  EXPECT_EQ(SpanTexts(R"([7,{"m":"n"},[],"s",null])"),
            (std::vector<std::string>{"7", R"({"m":"n"})", "[]", R"("s")", "null"}));
  EXPECT_TRUE(ValueSpans("{}").empty());
  EXPECT_TRUE(ValueSpans("[]").empty());
  EXPECT_TRUE(ValueSpans("").empty());
  // Not minified JSON: it stops instead of looping, and never reads past the end.
  EXPECT_LE(ValueSpans(R"({"a" : 1})").size(), 1u);
  for (const Span& s : ValueSpans(R"({"a":"unterminated)")) EXPECT_LE(s.end, 18u);
}

TEST(EditTest, RemoveTopLevelMemberAnywhere) {
  std::string first = R"({"a":1,"b":{"a":2},"c":[3]})";
  EXPECT_TRUE(RemoveTopLevelMember(&first, "a"));
  EXPECT_EQ(first, R"({"b":{"a":2},"c":[3]})");
  std::string last = R"({"b":{"a":2},"a":"x,}"})";
  EXPECT_TRUE(RemoveTopLevelMember(&last, "a"));
  EXPECT_EQ(last, R"({"b":{"a":2}})");
  std::string only = R"({"a":[1,{"b":2}]})";
  EXPECT_TRUE(RemoveTopLevelMember(&only, "a"));
  EXPECT_EQ(only, "{}");
}

TEST(EditTest, NestedAndStringLookalikesAreNotMembers) {
  std::string s = R"({"x":{"spec_version":"2.0"},"y":"\"spec_version\":1"})";
  const std::string before = s;
  EXPECT_FALSE(RemoveTopLevelMember(&s, "spec_version"));
  EXPECT_EQ(s, before);
}

TEST(EditTest, EscapedNamesAreDecoded) {
  std::string s = R"({"cr\u0065ated":"2016-01-01T00:00:00Z","n":1.50})";
  EXPECT_TRUE(ReplaceTopLevelMemberValue(&s, "created", R"("2016-01-01T00:00:00.000Z")"));
  EXPECT_EQ(s, R"({"cr\u0065ated":"2016-01-01T00:00:00.000Z","n":1.50})");
}

TEST(EditTest, ReplaceKeepsEverythingElseVerbatim) {
  std::string s = R"({"modified":"2016-01-01T00:00:00Z","big":1e400,"z":[1.0,2]})";
  EXPECT_TRUE(ReplaceTopLevelMemberValue(&s, "modified", "true"));
  EXPECT_EQ(s, R"({"modified":true,"big":1e400,"z":[1.0,2]})");
  EXPECT_FALSE(ReplaceTopLevelMemberValue(&s, "absent", "1"));
}

TEST(EditTest, InsertMembersFirst) {
  std::string s = R"({"type":"indicator"})";
  InsertMembersFirst(&s, R"("spec_version":"2.1")");
  EXPECT_EQ(s, R"({"spec_version":"2.1","type":"indicator"})");
  std::string empty = "{}";
  InsertMembersFirst(&empty, R"("a":1)");
  EXPECT_EQ(empty, R"({"a":1})");
}

}  // namespace
}  // namespace concord::json
