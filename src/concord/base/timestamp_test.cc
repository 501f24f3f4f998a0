#include "concord/base/timestamp.h"

#include <gtest/gtest.h>

namespace concord {
namespace {

TEST(TimestampTest, ParsesStixForm) {
  auto r = ParseTimestamp("2016-05-12T08:17:27.000Z");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->instant.seconds, 1463041047);
  EXPECT_EQ(r->instant.nanos, 0);
  EXPECT_EQ(r->fraction_digits, 3);
}

TEST(TimestampTest, KeepsLongFractions) {
  auto r = ParseTimestamp("1970-01-01T00:00:00.123456789123Z");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->instant.nanos, 123456789);
  EXPECT_EQ(r->fraction_digits, 12);
  auto s = ParseTimestamp("1970-01-01T00:00:00.5Z");
  EXPECT_EQ(s->instant.nanos, 500000000);
}

TEST(TimestampTest, RejectsWithReasons) {
  struct Case {
    const char* text;
    const char* expect;
  } cases[] = {
      {"2016-13-01T00:00:00Z", "month 13 is out of range"},
      {"2015-02-29T00:00:00Z", "day 29 does not exist"},
      {"2016-01-01 00:00:00Z", "expected 'T'"},
      {"2016-01-01T24:00:00Z", "hour"},
      {"2016-01-01T00:00:60Z", "leap seconds"},
      {"2016-01-01T00:00:00", "missing the 'Z'"},
      {"2016-01-01T00:00:00+00:00", "must be in UTC"},
      {"2016-01-01T00:00:00.Z", "digits after '.'"},
      {"2016-01-01T00:00:00Zjunk", "unexpected text"},
      {"", "four-digit year"},
  };
  for (const auto& c : cases) {
    auto r = ParseTimestamp(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_NE(r.status().message().find(c.expect), std::string::npos)
        << c.text << " -> " << r.status().message();
  }
}

TEST(TimestampTest, MinimumPrecision) {
  TimestampSyntax milli{.min_fraction_digits = 3};
  EXPECT_FALSE(ParseTimestamp("2016-01-01T00:00:00Z", milli).ok());
  EXPECT_FALSE(ParseTimestamp("2016-01-01T00:00:00.12Z", milli).ok());
  EXPECT_TRUE(ParseTimestamp("2016-01-01T00:00:00.123Z", milli).ok());
}

TEST(TimestampTest, OffsetsWhenAllowed) {
  TimestampSyntax syntax{.allow_offset = true};
  auto a = ParseTimestamp("2016-01-01T01:00:00+01:00", syntax);
  auto b = ParseTimestamp("2016-01-01T00:00:00Z", syntax);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->instant, b->instant);
}

TEST(TimestampTest, FormatRoundTrips) {
  for (const char* text : {"2016-05-12T08:17:27.123Z", "1999-12-31T23:59:59.999Z",
                           "2000-02-29T12:00:00.000Z", "1960-06-01T00:00:00.001Z"}) {
    auto r = ParseTimestamp(text);
    ASSERT_TRUE(r.ok()) << text;
    EXPECT_EQ(FormatTimestamp(r->instant, 3), text);
  }
  EXPECT_EQ(FormatTimestamp(Timestamp::FromMicros(1), 6), "1970-01-01T00:00:00.000001Z");
  EXPECT_EQ(FormatTimestamp(Timestamp{0, 0}, 0), "1970-01-01T00:00:00Z");
}

TEST(TimestampTest, MicrosAndOrdering) {
  Timestamp t = Timestamp::FromMicros(-1);
  EXPECT_EQ(t.seconds, -1);
  EXPECT_EQ(t.nanos, 999999000);
  EXPECT_EQ(t.ToMicros(), -1);
  EXPECT_LT(Timestamp::FromMicros(5), Timestamp::FromMicros(6));
}

}  // namespace
}  // namespace concord
