#include "concord/taxii/query.h"

#include <gtest/gtest.h>

#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "concord/stix/validator.h"

namespace concord::taxii {
namespace {

using Kind = store::VersionFilter::Kind;

constexpr std::string_view kId1 = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
constexpr std::string_view kId2 = "malware--31b940d4-6f7f-459a-80ea-9c1f17b58abc";

constexpr Endpoint kAllEndpoints[] = {Endpoint::kObjects, Endpoint::kManifest, Endpoint::kObject,
                                      Endpoint::kVersions, Endpoint::kDelete};

std::string EndpointName(Endpoint e) {
  switch (e) {
    case Endpoint::kObjects:
      return "objects";
    case Endpoint::kManifest:
      return "manifest";
    case Endpoint::kObject:
      return "object";
    case Endpoint::kVersions:
      return "versions";
    case Endpoint::kDelete:
      return "delete";
  }
  return "?";
}

ObjectQuery ParseOk(std::string_view query, Endpoint endpoint = Endpoint::kObjects,
                    const QueryLimits& limits = {}) {
  Result<ObjectQuery> r = ParseObjectQuery(query, endpoint, limits);
  EXPECT_TRUE(r.ok()) << "query " << query << " (" << EndpointName(endpoint)
                      << "): " << r.status().ToString();
  return r.ok() ? *r : ObjectQuery();
}

// The message of the error ParseObjectQuery must return for `query`.
std::string ParseError(std::string_view query, Endpoint endpoint = Endpoint::kObjects,
                       const QueryLimits& limits = {}) {
  Result<ObjectQuery> r = ParseObjectQuery(query, endpoint, limits);
  EXPECT_FALSE(r.ok()) << "query " << query << " (" << EndpointName(endpoint) << ") was accepted";
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << query;
  return r.status().message();
}

#define EXPECT_CONTAINS(haystack, needle)                   \
  do {                                                      \
    const std::string h_ = (haystack);                      \
    EXPECT_NE(h_.find(needle), std::string::npos)           \
        << "\"" << h_ << "\" lacks \"" << (needle) << "\""; \
  } while (0)

bool HasControlBytes(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Defaults, values, endpoints

TEST(ObjectQueryTest, EmptyQueryGivesDefaults) {
  for (Endpoint e : kAllEndpoints) {
    ObjectQuery q = ParseOk("", e);
    EXPECT_FALSE(q.added_after.has_value());
    EXPECT_EQ(q.limit, 100u);
    EXPECT_EQ(q.next, "");
    EXPECT_TRUE(q.ids.empty());
    EXPECT_TRUE(q.types.empty());
    EXPECT_TRUE(q.versions.empty());  // the endpoint's default is the caller's
    EXPECT_TRUE(q.spec_versions.empty());
  }
  QueryLimits limits;
  limits.default_page = 25;
  EXPECT_EQ(ParseOk("", Endpoint::kObjects, limits).limit, 25u);
}

TEST(ObjectQueryTest, EveryParameterOnTheObjectsEndpoint) {
  const std::string query = "added_after=2016-05-12T08:17:27.123Z&limit=50&next=c1.1234" +
                            std::string("&match[id]=") + std::string(kId1) + "," +
                            std::string(kId2) +
                            "&match[type]=indicator,malware&match[version]=first,last"
                            "&match[spec_version]=2.1";
  for (Endpoint e : {Endpoint::kObjects, Endpoint::kManifest}) {
    ObjectQuery q = ParseOk(query, e);
    ASSERT_TRUE(q.added_after.has_value());
    EXPECT_EQ(q.added_after->seconds, 1463041047);
    EXPECT_EQ(q.added_after->nanos, 123000000);
    EXPECT_EQ(q.limit, 50u);
    EXPECT_EQ(q.next, "c1.1234");
    EXPECT_EQ(q.ids, (std::vector<std::string>{std::string(kId1), std::string(kId2)}));
    EXPECT_EQ(q.types, (std::vector<std::string>{"indicator", "malware"}));
    ASSERT_EQ(q.versions.size(), 2u);
    EXPECT_EQ(q.versions[0].kind, Kind::kFirst);
    EXPECT_EQ(q.versions[1].kind, Kind::kLast);
    EXPECT_EQ(q.spec_versions, (std::vector<std::string>{"2.1"}));
  }
}

TEST(ObjectQueryTest, EachEndpointTakesItsOwnParameters) {
  struct Param {
    const char* name;
    std::string pair;
  };
  const Param params[] = {
      {"added_after", "added_after=2020-01-01T00:00:00Z"},
      {"limit", "limit=10"},
      {"next", "next=c1.5"},
      {"match[id]", "match[id]=" + std::string(kId1)},
      {"match[type]", "match[type]=indicator"},
      {"match[version]", "match[version]=last"},
      {"match[spec_version]", "match[spec_version]=2.1"},
  };
  // TAXII 2.1 section 5: which endpoint takes which parameter (columns in the order above).
  struct Row {
    Endpoint endpoint;
    bool takes[7];
  };
  const Row table[] = {
      {Endpoint::kObjects, {true, true, true, true, true, true, true}},
      {Endpoint::kManifest, {true, true, true, true, true, true, true}},
      {Endpoint::kObject, {true, true, true, false, false, true, true}},
      {Endpoint::kVersions, {true, true, true, false, false, false, true}},
      {Endpoint::kDelete, {false, false, false, false, false, true, true}},
  };
  for (const Row& row : table) {
    for (size_t i = 0; i < std::size(params); ++i) {
      SCOPED_TRACE(EndpointName(row.endpoint) + " " + params[i].pair);
      Result<ObjectQuery> r = ParseObjectQuery(params[i].pair, row.endpoint);
      if (row.takes[i]) {
        EXPECT_TRUE(r.ok()) << r.status().ToString();
      } else {
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
        EXPECT_CONTAINS(r.status().message(), "parameter \"" + std::string(params[i].name) +
                                                  "\" is not accepted by this endpoint");
      }
    }
  }
  // The message says what the endpoint does take.
  EXPECT_CONTAINS(ParseError("match[type]=indicator", Endpoint::kVersions),
                  "versions/ takes added_after, limit, next and match[spec_version]");
  EXPECT_CONTAINS(ParseError("limit=5", Endpoint::kDelete),
                  "DELETE .../objects/{object-id}/ takes match[version] and match[spec_version]");
}

TEST(ObjectQueryTest, UnknownParameters) {
  EXPECT_CONTAINS(ParseError("foo=1"), "unknown parameter \"foo\"");
  EXPECT_CONTAINS(ParseError("limit=5&foo=1"), "unknown parameter \"foo\"");
  // Names are matched exactly.
  EXPECT_CONTAINS(ParseError("Limit=5"), "unknown parameter \"Limit\"");
  EXPECT_CONTAINS(ParseError("match[ID]=x"), "unknown parameter \"match[ID]\"");
  EXPECT_CONTAINS(ParseError("limit =5"), "unknown parameter \"limit \"");
  // Unknown filters say which exist.
  const std::string m = ParseError("match[foo]=bar");
  EXPECT_CONTAINS(m, "unknown parameter \"match[foo]\"");
  EXPECT_CONTAINS(m, "match[id], match[type], match[version] and match[spec_version]");
  EXPECT_CONTAINS(ParseError("match[relationships]=x"), "\"match[relationships]\"");
  EXPECT_CONTAINS(ParseError("match=x"), "unknown parameter \"match\"");
  EXPECT_CONTAINS(ParseError("=5"), "without a name");
  // Even where the endpoint takes no such parameter, unknown is unknown.
  EXPECT_CONTAINS(ParseError("foo=1", Endpoint::kDelete), "unknown parameter \"foo\"");
}

TEST(ObjectQueryTest, MissingAndEmptyValues) {
  EXPECT_CONTAINS(ParseError("limit"), "limit: no value");
  EXPECT_CONTAINS(ParseError("match[type]"), "match[type]: no value");
  EXPECT_CONTAINS(ParseError("limit="), "limit: empty value");
  EXPECT_CONTAINS(ParseError("next="), "next: empty value");
  EXPECT_CONTAINS(ParseError("added_after="), "added_after: empty value");
  EXPECT_CONTAINS(ParseError("match[type]="), "match[type]: empty value");
  EXPECT_CONTAINS(ParseError("match[id]=&limit=5"), "match[id]: empty value");
  // The name is checked before the value.
  EXPECT_CONTAINS(ParseError("foo"), "unknown parameter \"foo\"");
}

TEST(ObjectQueryTest, EmptyPairsAreSkipped) {
  ObjectQuery q = ParseOk("&limit=5&&match[type]=indicator&");
  EXPECT_EQ(q.limit, 5u);
  EXPECT_EQ(q.types, (std::vector<std::string>{"indicator"}));
  EXPECT_EQ(ParseOk("&&&").limit, 100u);
}

// ---------------------------------------------------------------------------------------------
// Percent-decoding

TEST(ObjectQueryTest, PercentEncodedNamesAreDecoded) {
  EXPECT_EQ(ParseOk("match%5Btype%5D=indicator").types, (std::vector<std::string>{"indicator"}));
  EXPECT_EQ(ParseOk("match%5btype%5d=indicator").types, (std::vector<std::string>{"indicator"}));
  EXPECT_EQ(ParseOk("%6C%69%6D%69%74=7").limit, 7u);  // "limit", every byte encoded
  EXPECT_EQ(ParseOk("match[spec%5Fversion]=2.0").spec_versions, (std::vector<std::string>{"2.0"}));
  // Decoded names are checked like any other.
  EXPECT_CONTAINS(ParseError("match%5Btype%5D=indicator", Endpoint::kVersions),
                  "parameter \"match[type]\" is not accepted by this endpoint");
  EXPECT_CONTAINS(ParseError("match%5Bfoo%5D=1"), "unknown parameter \"match[foo]\"");
  // '+' in a name is a space.
  EXPECT_CONTAINS(ParseError("limit+=5"), "unknown parameter \"limit \"");
}

TEST(ObjectQueryTest, PercentEncodedValuesAreDecoded) {
  EXPECT_EQ(ParseOk("match[type]=%69ndicator").types, (std::vector<std::string>{"indicator"}));
  // Decoding comes before splitting: an encoded comma separates items.
  EXPECT_EQ(ParseOk("match[type]=indicator%2Cmalware").types,
            (std::vector<std::string>{"indicator", "malware"}));
  EXPECT_EQ(ParseOk("match[type]=indicator%2cmalware").types,
            (std::vector<std::string>{"indicator", "malware"}));
  EXPECT_EQ(ParseOk("next=c1.%31%32").next, "c1.12");
  EXPECT_EQ(ParseOk("added_after=2016-05-12T08%3A17%3A27Z").added_after->seconds, 1463041047);
  // An encoded '&' or '=' is data, not structure.
  EXPECT_CONTAINS(ParseError("match[type]=a%26limit%3D5"), "\"a&limit=5\"");
  // A decoded '%' is not decoded again.
  EXPECT_CONTAINS(ParseError("match[type]=%2541"), "\"%41\"");
}

TEST(ObjectQueryTest, PlusIsASpace) {
  EXPECT_CONTAINS(ParseError("match[type]=indicator+malware"),
                  "match[type]: \"indicator malware\" is not a STIX type name");
  // So a numeric offset written with a literal '+' is not one (and offsets are refused anyway).
  EXPECT_CONTAINS(ParseError("added_after=2016-01-01T00:00:00+01:00"),
                  "added_after: \"2016-01-01T00:00:00 01:00\"");
  EXPECT_CONTAINS(ParseError("added_after=2016-01-01T00:00:00%2B01:00"), "numeric offset");
  EXPECT_CONTAINS(ParseError("match[type]=%2B"), "match[type]: \"+\" is not a STIX type name");
}

TEST(ObjectQueryTest, MalformedPercentEscapes) {
  struct Case {
    const char* query;
    const char* expect;
  } cases[] = {
      {"match[type]=%zzindicator", "match[type]: malformed percent escape \"%zz\" at byte 0"},
      {"match[type]=indicator%4", "match[type]: malformed percent escape \"%4\" at byte 9"},
      {"match[type]=indicator%", "match[type]: malformed percent escape \"%\" at byte 9"},
      {"match[type]=ind%G1cator", "malformed percent escape \"%G1\" at byte 3"},
      {"limit=%", "limit: malformed percent escape"},
      {"next=c1.%-1", "next: malformed percent escape \"%-1\""},
      {"match%5Btype%5=indicator", "parameter name \"match%5Btype%5\": malformed percent escape"},
      {"match%5=indicator", "malformed percent escape \"%5\" at byte 5"},
      {"%=1", "parameter name \"%\": malformed percent escape"},
      {"match%ZZtype]=x", "\"%ZZ\" at byte 5"},
  };
  for (const Case& c : cases) EXPECT_CONTAINS(ParseError(c.query), c.expect);
}

TEST(ObjectQueryTest, NulBytesAreRefused) {
  EXPECT_CONTAINS(ParseError("match[type]=indi%00cator"), "match[type]: a NUL byte at byte 4");
  EXPECT_CONTAINS(ParseError("next=c1.%00"), "next: a NUL byte");
  EXPECT_CONTAINS(ParseError("limit%00=5"), "parameter name \"limit%00\": a NUL byte at byte 5");
  // A raw NUL byte too (the query is a string_view, not a C string).
  const std::string raw_in_value("match[type]=indi\0cator", 22);
  EXPECT_CONTAINS(ParseError(raw_in_value), "match[type]: a NUL byte at byte 4");
  const std::string raw_in_name("lim\0it=5", 8);
  const std::string m = ParseError(raw_in_name);
  EXPECT_CONTAINS(m, "a NUL byte at byte 3");
  EXPECT_FALSE(HasControlBytes(m)) << m;
}

// ---------------------------------------------------------------------------------------------
// Lists and repetition

TEST(ObjectQueryTest, EmptyListItemsAreRefused) {
  EXPECT_CONTAINS(ParseError("match[type]=indicator,,malware"),
                  "match[type]: item 2 of the list \"indicator,,malware\" is empty");
  EXPECT_CONTAINS(ParseError("match[type]=,indicator"), "match[type]: item 1 of the list");
  EXPECT_CONTAINS(ParseError("match[type]=indicator,"), "match[type]: item 2 of the list");
  EXPECT_CONTAINS(ParseError("match[version]=,"), "match[version]: item 1 of the list");
  EXPECT_CONTAINS(ParseError("match[spec_version]=2.1,,2.0"), "match[spec_version]: item 2");
  EXPECT_CONTAINS(ParseError("match[id]=" + std::string(kId1) + ","), "match[id]: item 2");
  EXPECT_CONTAINS(ParseError("match[type]=%2C"), "match[type]: item 1");
  // Items are not trimmed.
  EXPECT_CONTAINS(ParseError("match[type]=indicator,%20malware"),
                  "match[type]: \" malware\" is not a STIX type name");
}

TEST(ObjectQueryTest, RepeatedFiltersAddUp) {
  ObjectQuery q = ParseOk("match[type]=indicator&limit=5&match[type]=malware,tool&match[id]=" +
                          std::string(kId1) + "&match[id]=" + std::string(kId2) +
                          "&match[version]=first&match[version]=2016-01-01T00:00:00Z" +
                          "&match[spec_version]=2.0&match[spec_version]=2.1");
  EXPECT_EQ(q.types, (std::vector<std::string>{"indicator", "malware", "tool"}));
  EXPECT_EQ(q.ids, (std::vector<std::string>{std::string(kId1), std::string(kId2)}));
  ASSERT_EQ(q.versions.size(), 2u);
  EXPECT_EQ(q.versions[0].kind, Kind::kFirst);
  EXPECT_EQ(q.versions[1].kind, Kind::kAt);
  EXPECT_EQ(q.spec_versions, (std::vector<std::string>{"2.0", "2.1"}));
  // Duplicates are kept as given.
  EXPECT_EQ(ParseOk("match[type]=indicator,indicator&match[type]=indicator").types.size(), 3u);
}

TEST(ObjectQueryTest, SingleValueParametersOnlyOnce) {
  EXPECT_CONTAINS(ParseError("limit=5&limit=6"), "limit: given more than once");
  EXPECT_CONTAINS(ParseError("limit=5&limit=5"), "limit: given more than once");
  EXPECT_CONTAINS(ParseError("limit=5&match[type]=indicator&limit=5"), "limit: given more");
  EXPECT_CONTAINS(ParseError("next=c1.1&next=c1.2"), "next: given more than once");
  EXPECT_CONTAINS(ParseError("added_after=2016-01-01T00:00:00Z&added_after=2017-01-01T00:00:00Z"),
                  "added_after: given more than once");
  // An encoded name counts as the same parameter.
  EXPECT_CONTAINS(ParseError("limit=5&%6Cimit=6"), "limit: given more than once");
}

TEST(ObjectQueryTest, ValueLimitAcrossAllFilters) {
  QueryLimits limits;
  limits.max_values = 3;
  EXPECT_EQ(ParseOk("match[type]=a-a,b-b,c-c", Endpoint::kObjects, limits).types.size(), 3u);
  EXPECT_CONTAINS(ParseError("match[type]=a-a,b-b,c-c,d-d", Endpoint::kObjects, limits),
                  "match[type]: more than 3 values");
  // Counted across lists and parameters.
  EXPECT_CONTAINS(ParseError("match[spec_version]=2.1,2.0&match[version]=last,first",
                             Endpoint::kObjects, limits),
                  "match[version]: more than 3 values");
  EXPECT_CONTAINS(ParseError("match[type]=a-a&match[type]=b-b&match[type]=c-c&match[type]=d-d",
                             Endpoint::kObjects, limits),
                  "match[type]: more than 3 values");
  // Other parameters do not count.
  EXPECT_TRUE(
      ParseObjectQuery("limit=5&match[type]=a-a,b-b,c-c&next=c1.1", Endpoint::kObjects, limits)
          .ok());
  // The default allows 1000.
  std::string many = "match[spec_version]=2.1";
  for (int i = 1; i < 1000; ++i) many += ",2.1";
  EXPECT_EQ(ParseOk(many).spec_versions.size(), 1000u);
  EXPECT_CONTAINS(ParseError(many + ",2.0"), "match[spec_version]: more than 1000 values");
}

TEST(ObjectQueryTest, QueryLengthLimit) {
  QueryLimits limits;
  limits.max_query_bytes = 16;
  EXPECT_TRUE(ParseObjectQuery("limit=1234567890", Endpoint::kObjects, limits).ok());  // 16
  const std::string m = ParseError("limit=12345678901", Endpoint::kObjects, limits);
  EXPECT_CONTAINS(m, "the query is 17 bytes long, more than the 16 allowed");
  // The length is checked first, before any parsing.
  EXPECT_CONTAINS(ParseError(std::string(9000, '%')), "9000 bytes long, more than the 8192");
}

// ---------------------------------------------------------------------------------------------
// limit

TEST(ObjectQueryTest, LimitIsAPositiveInteger) {
  EXPECT_EQ(ParseOk("limit=1").limit, 1u);
  EXPECT_EQ(ParseOk("limit=50").limit, 50u);
  EXPECT_EQ(ParseOk("limit=007").limit, 7u);
  EXPECT_EQ(ParseOk("limit=10000").limit, 10000u);
  for (const char* bad :
       {"0", "000", "-1", "+1", "%2B1", "1.5", "1e3", "%205", "5%20", "abc", "0x10", "5,6", "١"}) {
    SCOPED_TRACE(bad);
    const std::string m = ParseError(std::string("limit=") + bad);
    EXPECT_EQ(m.rfind("limit: \"", 0), 0u) << m;
    EXPECT_CONTAINS(m, "is not a positive integer");
  }
  EXPECT_EQ(ParseError("limit=0"), "limit: \"0\" is not a positive integer");
}

TEST(ObjectQueryTest, LimitIsClampedToMaxPage) {
  EXPECT_EQ(ParseOk("limit=10001").limit, 10000u);
  EXPECT_EQ(ParseOk("limit=18446744073709551615").limit, 10000u);  // UINT64_MAX
  EXPECT_EQ(ParseOk("limit=18446744073709551616").limit, 10000u);  // beyond it
  EXPECT_EQ(ParseOk("limit=" + std::string(500, '9')).limit, 10000u);
  EXPECT_EQ(ParseOk("limit=0000000000000000000000000000000000000000012").limit, 12u);
  QueryLimits limits;
  limits.max_page = 10;
  EXPECT_EQ(ParseOk("limit=9", Endpoint::kObjects, limits).limit, 9u);
  EXPECT_EQ(ParseOk("limit=10", Endpoint::kObjects, limits).limit, 10u);
  EXPECT_EQ(ParseOk("limit=11", Endpoint::kObjects, limits).limit, 10u);
  // The default is kept within 1..max_page as well.
  EXPECT_EQ(ParseOk("", Endpoint::kObjects, limits).limit, 10u);
  limits.default_page = 0;
  EXPECT_EQ(ParseOk("", Endpoint::kObjects, limits).limit, 1u);
  limits.max_page = 0;
  limits.default_page = 100;
  EXPECT_EQ(ParseOk("limit=5", Endpoint::kObjects, limits).limit, 1u);
  EXPECT_EQ(ParseOk("", Endpoint::kObjects, limits).limit, 1u);
}

// ---------------------------------------------------------------------------------------------
// added_after and next

TEST(ObjectQueryTest, AddedAfterIsAnRfc3339Timestamp) {
  ObjectQuery q = ParseOk("added_after=2016-05-12T08:17:27Z");
  ASSERT_TRUE(q.added_after.has_value());
  EXPECT_EQ(q.added_after->seconds, 1463041047);
  EXPECT_EQ(q.added_after->nanos, 0);
  q = ParseOk("added_after=2016-05-12T08:17:27.123456Z");
  EXPECT_EQ(q.added_after->nanos, 123456000);
  q = ParseOk("added_after=2016-05-12T08:17:27.1234567891Z");  // beyond nanoseconds: cut
  EXPECT_EQ(q.added_after->nanos, 123456789);
  q = ParseOk("added_after=2016-05-12t08:17:27.5z");
  EXPECT_EQ(q.added_after->seconds, 1463041047);
  EXPECT_EQ(q.added_after->nanos, 500000000);
  for (Endpoint e :
       {Endpoint::kObjects, Endpoint::kManifest, Endpoint::kObject, Endpoint::kVersions}) {
    EXPECT_TRUE(ParseOk("added_after=2016-05-12T08:17:27Z", e).added_after.has_value());
  }
}

TEST(ObjectQueryTest, AddedAfterErrors) {
  struct Case {
    const char* value;
    const char* expect;
  } cases[] = {
      {"2016-05-12", "expected 'T'"},
      {"yesterday", "expected a four-digit year at character 0"},
      {"2016-13-01T00:00:00Z", "month 13 is out of range"},
      {"2016-05-12T08:17:27", "missing the 'Z'"},
      {"2016-05-12T08:17:27%2B00:00", "must be in UTC"},
      {"2016-05-12T08:17:27.Z", "digits after '.'"},
      {"2016-05-12T08:17:27Zjunk", "unexpected text after the time zone"},
      {"1463041047", "is not an RFC 3339 timestamp"},
  };
  for (const Case& c : cases) {
    const std::string m = ParseError(std::string("added_after=") + c.value);
    EXPECT_EQ(m.rfind("added_after: \"", 0), 0u) << m;
    EXPECT_CONTAINS(m, "is not an RFC 3339 timestamp (YYYY-MM-DDTHH:MM:SS[.fraction]Z)");
    EXPECT_CONTAINS(m, c.expect);
  }
  // ParseTimestamp's own message repeats the text unescaped; ours must not.
  const std::string m = ParseError("added_after=2016-05-12T08:17:27Z%0Afake%20log%20line");
  EXPECT_FALSE(HasControlBytes(m)) << m;
  EXPECT_CONTAINS(m, "added_after: \"2016-05-12T08:17:27Z\\x0afake log line\"");
  EXPECT_CONTAINS(m, "unexpected text after the time zone");
}

TEST(ObjectQueryTest, NextIsKeptAsGiven) {
  EXPECT_EQ(ParseOk("next=c1.1463041047123456").next, "c1.1463041047123456");
  EXPECT_EQ(ParseOk("next=opaque-Token_~.!*'()", Endpoint::kVersions).next, "opaque-Token_~.!*'()");
  EXPECT_EQ(ParseOk("next=a%3Db", Endpoint::kObject).next, "a=b");
  EXPECT_CONTAINS(ParseError("next=a+b"), "next: \"a b\" is not a cursor this server hands out");
  EXPECT_CONTAINS(ParseError("next=a%0Ab"), "next: \"a\\x0ab\"");
  EXPECT_CONTAINS(ParseError("next=%C3%A9"), "byte 0 is a space, a control byte or not ASCII");
}

// ---------------------------------------------------------------------------------------------
// Filters

TEST(ObjectQueryTest, VersionKeywords) {
  for (Endpoint e :
       {Endpoint::kObjects, Endpoint::kManifest, Endpoint::kObject, Endpoint::kDelete}) {
    ObjectQuery q = ParseOk("match[version]=first,last,all", e);
    ASSERT_EQ(q.versions.size(), 3u);
    EXPECT_EQ(q.versions[0].kind, Kind::kFirst);
    EXPECT_EQ(q.versions[1].kind, Kind::kLast);
    EXPECT_EQ(q.versions[2].kind, Kind::kAll);
    for (const auto& v : q.versions) EXPECT_EQ(v.at, "");
  }
}

TEST(ObjectQueryTest, VersionTimestampsBecomeVersionKeys) {
  ObjectQuery q = ParseOk(
      "match[version]=2016-05-12T08:17:27.123Z,last,2016-05-12T08:17:27Z,"
      "2016-05-12T08:17:27.000Z,2016-05-12T08:17:27.1234567891Z");
  ASSERT_EQ(q.versions.size(), 5u);
  EXPECT_EQ(q.versions[0].kind, Kind::kAt);
  EXPECT_EQ(q.versions[0].at, "2016-05-12T08:17:27.123000000");
  EXPECT_EQ(q.versions[1].kind, Kind::kLast);
  EXPECT_EQ(q.versions[1].at, "");
  EXPECT_EQ(q.versions[2].kind, Kind::kAt);
  EXPECT_EQ(q.versions[2].at, "2016-05-12T08:17:27.000000000");
  EXPECT_EQ(q.versions[3].at, q.versions[2].at);  // equal instants, equal keys
  EXPECT_EQ(q.versions[4].at, "2016-05-12T08:17:27.1234567891");
  // The same key the store gets from stix::VersionKey for an object's modified.
  Result<std::string> key = stix::VersionKey("2016-05-12T08:17:27.123Z");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(q.versions[0].at, *key);
}

TEST(ObjectQueryTest, VersionErrors) {
  EXPECT_EQ(ParseError("match[version]=lates"),
            "match[version]: \"lates\" is not first, last, all or an RFC 3339 timestamp");
  // Keywords are lowercase.
  EXPECT_CONTAINS(ParseError("match[version]=Last"), "match[version]: \"Last\" is not first");
  EXPECT_CONTAINS(ParseError("match[version]=LAST"), "\"LAST\" is not first");
  EXPECT_CONTAINS(ParseError("match[version]=last,lates"), "\"lates\" is not first");
  EXPECT_CONTAINS(ParseError("match[version]=latest"), "\"latest\"");
  // A timestamp says what is wrong with it.
  const std::string m = ParseError("match[version]=2016-13-01T00:00:00Z");
  EXPECT_CONTAINS(m,
                  "match[version]: \"2016-13-01T00:00:00Z\" is not first, last, all or an RFC "
                  "3339 timestamp");
  EXPECT_CONTAINS(m, "month 13 is out of range");
  EXPECT_CONTAINS(ParseError("match[version]=2016-01-01T00:00:00%2B01:00"), "must be in UTC");
  EXPECT_CONTAINS(ParseError("match[version]=2016-01-01"), "expected 'T'");
}

TEST(ObjectQueryTest, SpecVersions) {
  for (Endpoint e : kAllEndpoints) {
    EXPECT_EQ(ParseOk("match[spec_version]=2.0,2.1", e).spec_versions,
              (std::vector<std::string>{"2.0", "2.1"}));
  }
  for (const char* bad : {"2.2", "2", "2.10", "1.0", "2.1.0", "v2.1", "2.1%20"}) {
    SCOPED_TRACE(bad);
    const std::string m = ParseError(std::string("match[spec_version]=") + bad);
    EXPECT_EQ(m.rfind("match[spec_version]: \"", 0), 0u) << m;
    EXPECT_CONTAINS(m, "is not a STIX version (2.0 or 2.1)");
  }
}

TEST(ObjectQueryTest, IdsAreStixIdentifiers) {
  const std::string sco = "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4";
  EXPECT_EQ(ParseOk("match[id]=" + sco).ids, (std::vector<std::string>{sco}));
  struct Case {
    std::string id;
    const char* expect;
  } cases[] = {
      {"indicator--xyz", "UUID part"},
      {"indicator", "no \"--\""},
      {"indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F", "lowercase hexadecimal"},
      {"indicator--8e2e2d2b-17d4-4cbf-c38f-98ee46b3cd3f", "RFC 4122"},
      {"Indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "type part"},
      {"--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "type part"},
  };
  for (const Case& c : cases) {
    const std::string m = ParseError("match[id]=" + c.id);
    EXPECT_CONTAINS(m, "match[id]: \"" + c.id.substr(0, 60));
    EXPECT_CONTAINS(m, "is not a STIX identifier (type--UUID)");
    EXPECT_CONTAINS(m, c.expect);
  }
  // The second item is checked as well.
  EXPECT_CONTAINS(ParseError("match[id]=" + std::string(kId1) + ",indicator--1"),
                  "match[id]: \"indicator--1\"");
}

TEST(ObjectQueryTest, TypesAreStixTypeNames) {
  EXPECT_EQ(
      ParseOk("match[type]=indicator,x-acme-widget,ipv4-addr,x509-certificate").types,
      (std::vector<std::string>{"indicator", "x-acme-widget", "ipv4-addr", "x509-certificate"}));
  struct Case {
    const char* type;
    const char* expect;
  } cases[] = {
      {"Indicator", "may contain only a-z, 0-9 and '-'"},
      {"ab", "3 to 250 characters"},
      {"x--y", "must not contain \"--\""},
      {"indicator-", "must not end with '-'"},
      {"1abc", "must begin with a letter"},
      {"indicator_x", "not '_'"},
  };
  for (const Case& c : cases) {
    const std::string m = ParseError(std::string("match[type]=") + c.type);
    EXPECT_CONTAINS(m, std::string("match[type]: \"") + c.type + "\" is not a STIX type name: ");
    EXPECT_CONTAINS(m, c.expect);
  }
}

// ---------------------------------------------------------------------------------------------
// Messages quote hostile text safely

TEST(ObjectQueryTest, MessagesCannotForgeLogLines) {
  const std::string long_value(500, 'a');
  const std::string hostile[] = {
      "match[type]=indicator%0D%0A2024-01-01 INFO admin logged in",
      "match[type]=%1B%5B31mred",
      "match[type]=a%22b%5Cc",
      "match[type]=%E2%80%AEevil",
      "match[version]=%0A",
      "match[id]=x%0Ay",
      "foo%0Abar=1",
      "match%5Bfoo%0A%5D=1",
      "limit=1%0A",
      "added_after=%0A2016",
      "match[spec_version]=2.1%09",
      "match[type]=" + long_value,
      long_value + "=1",
      "match[type]=a,,b%0A",
  };
  for (const std::string& query : hostile) {
    SCOPED_TRACE(query);
    const std::string m = ParseError(query);
    EXPECT_FALSE(HasControlBytes(m)) << m;
    EXPECT_LT(m.size(), 400u) << m;
  }
  EXPECT_CONTAINS(ParseError("match[type]=a%22b%5Cc"), "\"a\\\"b\\\\c\"");
  EXPECT_CONTAINS(ParseError("match[type]=%E2%80%AEevil"), "\"\\xe2\\x80\\xaeevil\"");
  EXPECT_CONTAINS(ParseError("match[type]=indicator%0D%0Ax"), "\"indicator\\x0d\\x0ax\"");
  // Long values are cut to 60 bytes.
  EXPECT_CONTAINS(ParseError("match[type]=" + long_value),
                  "\"" + std::string(60, 'a') + "...\" is not a STIX type name");
}

// ---------------------------------------------------------------------------------------------
// Accept

Acceptance Accept(std::string_view header) { return ReadAccept(header); }

TEST(AcceptTest, TaxiiMediaTypeConstant) {
  EXPECT_EQ(kTaxiiMediaType, "application/taxii+json;version=2.1");
  EXPECT_EQ(Accept(kTaxiiMediaType), Acceptance::kTaxii21);
  EXPECT_TRUE(IsTaxiiContentType(kTaxiiMediaType));
}

TEST(AcceptTest, ExactAndUnversioned) {
  EXPECT_EQ(Accept("application/taxii+json;version=2.1"), Acceptance::kTaxii21);
  EXPECT_EQ(Accept("application/taxii+json"), Acceptance::kTaxii21);  // the latest: 2.1
  EXPECT_EQ(Accept("application/taxii+json;charset=utf-8"), Acceptance::kTaxii21);
  EXPECT_EQ(Accept("application/taxii+json;charset=utf-8;version=2.1"), Acceptance::kTaxii21);
}

TEST(AcceptTest, NoHeader) {
  EXPECT_EQ(Accept(""), Acceptance::kTaxii21);
  EXPECT_EQ(Accept("  \t "), Acceptance::kTaxii21);
}

TEST(AcceptTest, SpacesCaseAndQuotes) {
  for (const char* h : {
           "application/taxii+json; version=2.1",
           "application/taxii+json ; version = 2.1",
           "application/taxii+json\t;\tversion\t=\t2.1",
           "  application/taxii+json;version=2.1  ",
           "Application/TAXII+JSON;Version=2.1",
           "APPLICATION/TAXII+JSON;VERSION=2.1",
           "application/taxii+json;version=\"2.1\"",
           "application/taxii+json; version = \"2.1\" ",
           "application/taxii+json;version=\"2\\.1\"",  // a quoted-pair
           "application/taxii+json;;version=2.1",       // empty parameters are allowed
           "application/taxii+json;version=2.1;",
       }) {
    EXPECT_EQ(Accept(h), Acceptance::kTaxii21) << h;
  }
}

TEST(AcceptTest, OtherVersionsOnly) {
  for (const char* h : {
           "application/taxii+json;version=2.0",
           "application/taxii+json;version=\"2.0\"",
           "application/taxii+json;version=2",
           "application/taxii+json;version=2.10",
           "application/taxii+json;version=2.1.0",
           "application/taxii+json;version=\" 2.1\"",
           "application/taxii+json;version=2.0, application/taxii+json;version=3.0",
           "application/vnd.oasis.taxii+json;version=2.0",
       }) {
    EXPECT_EQ(Accept(h), Acceptance::kNotAcceptable) << h;
  }
}

TEST(AcceptTest, ListsAndWeights) {
  EXPECT_EQ(Accept("application/json, application/taxii+json;version=2.1;q=0.9"),
            Acceptance::kTaxii21);
  EXPECT_EQ(Accept("application/taxii+json;version=2.0,application/taxii+json;version=2.1"),
            Acceptance::kTaxii21);
  EXPECT_EQ(Accept("text/html , application/taxii+json;q=0.5 , application/xml"),
            Acceptance::kTaxii21);
  for (const char* q : {"1", "1.", "1.0", "1.000", "0.001", "0.5", "0.50", "Q=0.5"}) {
    const std::string h = std::string("application/taxii+json;version=2.1;") +
                          (q[0] == 'Q' ? std::string(q) : std::string("q=") + q);
    EXPECT_EQ(Accept(h), Acceptance::kTaxii21) << h;
  }
  EXPECT_EQ(Accept("application/taxii+json;version=2.1;q=0.5;charset=utf-8"), Acceptance::kTaxii21);
  EXPECT_EQ(Accept(",, application/taxii+json ,,"), Acceptance::kTaxii21);
}

TEST(AcceptTest, ZeroWeightExcludes) {
  for (const char* h : {
           "application/taxii+json;version=2.1;q=0",
           "application/taxii+json;version=2.1;q=0.0",
           "application/taxii+json;version=2.1;q=0.000",
           "application/taxii+json;version=2.1;q=0.",
           "application/taxii+json;version=2.1; q = 0",
           "application/taxii+json;version=2.1;Q=0",
           "application/taxii+json;q=0",
           "application/taxii+json;version=2.1;q=\"0\"",
           // The most specific range decides: an explicit exclusion beats a wildcard.
           "application/taxii+json;version=2.1;q=0, */*",
           "application/taxii+json;version=2.1;q=0, application/*",
           "application/taxii+json;version=2.1;q=0, application/taxii+json",
           "application/taxii+json;q=0, */*",
           "application/taxii+json;q=0, application/*;q=1",
           "*/*;q=0",
           "application/*;q=0",
           "application/*;q=0, */*",
           // Between equally specific ranges, the exclusion counts.
           "application/taxii+json;version=2.1, application/taxii+json;version=2.1;q=0",
           "application/taxii+json;version=2.1;q=0, application/taxii+json;version=2.1",
       }) {
    EXPECT_EQ(Accept(h), Acceptance::kNotAcceptable) << h;
  }
  // A more specific range overrides a wildcard's exclusion.
  EXPECT_EQ(Accept("*/*;q=0, application/taxii+json"), Acceptance::kTaxii21);
  EXPECT_EQ(Accept("application/*;q=0, application/taxii+json;version=2.1;q=0.1"),
            Acceptance::kTaxii21);
  EXPECT_EQ(Accept("application/taxii+json;q=0, application/taxii+json;version=2.1"),
            Acceptance::kTaxii21);
  // A zero weight on another type excludes only that type.
  EXPECT_EQ(Accept("application/json;q=0, application/taxii+json"), Acceptance::kTaxii21);
  EXPECT_EQ(Accept("application/taxii+json;version=2.0;q=0, */*"), Acceptance::kTaxii21);
}

TEST(AcceptTest, Wildcards) {
  EXPECT_EQ(Accept("*/*"), Acceptance::kTaxii21);
  EXPECT_EQ(Accept("application/*"), Acceptance::kTaxii21);
  EXPECT_EQ(Accept("APPLICATION/*"), Acceptance::kTaxii21);
  EXPECT_EQ(Accept("*/*;q=0.1"), Acceptance::kTaxii21);
  EXPECT_EQ(Accept("text/html, */*;q=0.8"), Acceptance::kTaxii21);
  // A client that wants 2.0 but takes anything else too.
  EXPECT_EQ(Accept("application/taxii+json;version=2.0, */*;q=0.1"), Acceptance::kTaxii21);
  EXPECT_EQ(Accept("text/*"), Acceptance::kNotAcceptable);
  EXPECT_EQ(Accept("*/json"), Acceptance::kNotAcceptable);  // not a media range
}

TEST(AcceptTest, OtherTypes) {
  for (const char* h :
       {"application/json", "application/stix+json;version=2.1", "application/taxii+xml",
        "text/html", "application/taxii", "taxii+json/application", "application/taxii+json2"}) {
    EXPECT_EQ(Accept(h), Acceptance::kNotAcceptable) << h;
  }
}

TEST(AcceptTest, MalformedMembersAdmitNothing) {
  for (const char* h : {
           "garbage",
           "application",
           "/",
           "application/",
           "/taxii+json",
           ",",
           ", ,",
           "application/taxii+json;version",
           "application/taxii+json;version=",
           "application/taxii+json;=2.1",
           "application/taxii+json;version=2.1;q=2",
           "application/taxii+json;version=2.1;q=1.001",
           "application/taxii+json;version=2.1;q=abc",
           "application/taxii+json;version=2.1;q=0.1234",
           "application/taxii+json;version=2.1;q=-1",
           "application/taxii+json;version=2.1;q=",
           "application/taxii+json;version=2.1;q=0.5;q=0.5",
           "application/taxii+json;version=2.1;version=2.1",
           "application/taxii+json;version=2.0;version=2.1",
           "application/taxii+json;version=\"2.1",
           "application/taxii+json;version=\"2.1\"x",
           "application/taxii+json;version=2.1\"",
           "application/taxii+json;version=\"2.1\\\"",
           "application/taxii+json;version=2 1",
           "application /taxii+json",
           "application/ taxii+json",
           "application/taxii json",
           "application/taxii+json\r\n",
           "application/taxii+json;version=2.1\n",
           "application/taxii+json;vers(ion=2.1",
           "application/taxii+json;version=\"2.1\x01\"",
           "\"application/taxii+json\"",
       }) {
    EXPECT_EQ(Accept(h), Acceptance::kNotAcceptable) << h;
  }
  // ... and do not spoil the rest of the list.
  EXPECT_EQ(Accept("garbage, application/taxii+json"), Acceptance::kTaxii21);
  EXPECT_EQ(Accept("application/taxii+json;q=abc, application/*"), Acceptance::kTaxii21);
  EXPECT_EQ(Accept("application/taxii+json;version=2.1;q=0;q=0, */*"), Acceptance::kTaxii21);
}

TEST(AcceptTest, CommasInsideQuotesDoNotSeparate) {
  EXPECT_EQ(Accept("text/plain;foo=\"a,b\", application/taxii+json"), Acceptance::kTaxii21);
  EXPECT_EQ(Accept("text/plain;foo=\"a;b\\\",c\", application/taxii+json"), Acceptance::kTaxii21);
  // The comma that would start application/taxii+json is inside a quoted string.
  EXPECT_EQ(Accept("text/plain;foo=\"a,application/taxii+json\""), Acceptance::kNotAcceptable);
  // An unterminated quote runs to the end of the header.
  EXPECT_EQ(Accept("text/plain;foo=\"a, application/taxii+json"), Acceptance::kNotAcceptable);
}

TEST(AcceptTest, LongHeadersAreFine) {
  std::string h;
  for (int i = 0; i < 10000; ++i) h += "text/html;q=0.5, ";
  EXPECT_EQ(Accept(h), Acceptance::kNotAcceptable);
  EXPECT_EQ(Accept(h + "application/taxii+json"), Acceptance::kTaxii21);
  EXPECT_EQ(Accept(std::string(100000, '"')), Acceptance::kNotAcceptable);
  EXPECT_EQ(Accept(std::string(100000, ',')), Acceptance::kNotAcceptable);
}

// ---------------------------------------------------------------------------------------------
// Content-Type

TEST(ContentTypeTest, TaxiiBodies) {
  for (const char* h : {
           "application/taxii+json;version=2.1", "application/taxii+json",
           "application/taxii+json;charset=utf-8",
           "application/taxii+json; charset=utf-8; version=2.1",
           "application/taxii+json;version=2.1;charset=utf-8",
           "application/taxii+json ; version = \"2.1\"",
           "Application/Taxii+Json;VERSION=2.1;Charset=UTF-8",
           "  application/taxii+json;version=2.1  ",
           "application/taxii+json;q=whatever",  // q means nothing here
       }) {
    EXPECT_TRUE(IsTaxiiContentType(h)) << h;
  }
}

TEST(ContentTypeTest, EverythingElse) {
  for (const char* h : {
           "",
           "   ",
           "application/taxii+json;version=2.0",
           "application/taxii+json;version=2.1.0",
           "application/taxii+json;version=2.1;version=2.1",
           "application/taxii+json;version",
           "application/taxii+json;version=",
           "application/taxii+json;version=\"2.1",
           "application/stix+json;version=2.1",
           "application/json",
           "application/json;charset=utf-8",
           "text/plain",
           "*/*",
           "application/*",
           "application/taxii+json, application/json",
           "application/taxii+json,",
           ",application/taxii+json",
           "application/taxii+json;version=2.1\r\nX-Injected: 1",
           "application/taxii+json garbage",
           "application",
       }) {
    EXPECT_FALSE(IsTaxiiContentType(h)) << h;
  }
  // A comma inside a quoted parameter value is not a second type.
  EXPECT_TRUE(IsTaxiiContentType("application/taxii+json;x=\"a,b\";version=2.1"));
}

}  // namespace
}  // namespace concord::taxii
