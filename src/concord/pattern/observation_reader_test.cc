#include "concord/pattern/observation_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace concord::pattern {
namespace {

constexpr char kTimes[] =
    R"("first_observed":"2020-01-01T00:00:00Z","last_observed":"2020-01-01T00:01:00.5Z")";

std::string Od(std::string body, int n = 1) {
  return R"({"type":"observed-data","id":"observed-data--1",)" + std::string(kTimes) +
         R"(,"number_observed":)" + std::to_string(n) + "," + body + "}";
}

TEST(ObservationReaderTest, Stix20EmbeddedObjects) {
  Result<std::vector<observe::Observation>> r = ReadObservations(
      Od(R"("objects":{"0":{"type":"ipv4-addr","value":"1.2.3.4"},)"
         R"("1":{"type":"network-traffic","dst_ref":"0","dst_port":80,"ratio":0.5,)"
         R"("big":18446744073709551615,"flags":[true,null]}})",
         3));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  const observe::Observation& o = (*r)[0];
  EXPECT_EQ(o.id, "observed-data--1");
  EXPECT_EQ(o.number_observed, 3);
  EXPECT_EQ(o.first_observed.seconds, 1577836800);
  EXPECT_EQ(o.last_observed.seconds, 1577836860);
  EXPECT_EQ(o.last_observed.nanos, 500000000);
  ASSERT_EQ(o.objects().size(), 2u);
  EXPECT_EQ(o.objects()[0].key, "0");
  EXPECT_EQ(o.objects()[0].type, "ipv4-addr");
  const observe::ObservedObject* nt = o.FindObject("1");
  ASSERT_NE(nt, nullptr);
  EXPECT_EQ(nt->type, "network-traffic");
  const observe::ValueStore& v = o.values;
  EXPECT_EQ(v.string_value(*v.Find(nt->value, "dst_ref")), "0");
  EXPECT_EQ(v.kind(*v.Find(nt->value, "dst_port")), observe::ValueKind::kInt);
  EXPECT_EQ(v.int_value(*v.Find(nt->value, "dst_port")), 80);
  EXPECT_EQ(v.float_value(*v.Find(nt->value, "ratio")), 0.5);
  EXPECT_EQ(v.kind(*v.Find(nt->value, "big")), observe::ValueKind::kFloat);  // beyond int64
  const observe::ValueStore::Id flags = *v.Find(nt->value, "flags");
  ASSERT_EQ(v.size(flags), 2u);
  EXPECT_TRUE(v.bool_value(v.element(flags, 0)));
  EXPECT_EQ(v.kind(v.element(flags, 1)), observe::ValueKind::kNull);
  EXPECT_FALSE(v.Find(nt->value, "missing").has_value());
  EXPECT_EQ(o.FindObject("2"), nullptr);
}

TEST(ObservationReaderTest, Stix21ObjectRefsAndClosure) {
  // The email references two addresses; one address references the other (a cycle); the
  // marking definition is reachable only through object_marking_refs and is not an observation.
  const std::string input =
      R"({"type":"bundle","id":"bundle--1","objects":[)"
      R"({"type":"email-addr","id":"email-addr--a","value":"a@example.com","belongs_to_ref":"user-account--u"},)" +
      Od(R"("object_refs":["email-message--m"])") + "," +
      R"({"type":"email-message","id":"email-message--m","from_ref":"email-addr--a",)"
      R"("to_refs":["email-addr--b","email-addr--a","email-addr--missing"],)"
      R"("object_marking_refs":["marking-definition--x"]},)"
      R"({"type":"email-addr","id":"email-addr--b","value":"b@example.com","x_peer_ref":"email-addr--a"},)"
      R"({"type":"marking-definition","id":"marking-definition--x"},)"
      R"({"type":"file","id":"file--unrelated","name":"x"}]})";
  Result<std::vector<observe::Observation>> r = ReadObservations(input);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 1u);
  const observe::Observation& o = (*r)[0];
  std::vector<std::string> keys;
  for (const observe::ObservedObject& object : o.objects()) keys.push_back(object.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"email-message--m", "email-addr--a", "email-addr--b"}));
}

TEST(ObservationReaderTest, InputShapes) {
  const std::string a = Od(R"("objects":{"0":{"type":"file","name":"a"}})");
  const std::string b = Od(R"("objects":{"0":{"type":"file","name":"b"}})");
  for (const std::string& text :
       {a + "\n" + b + "\n", "[" + a + "," + b + "]",
        R"({"type":"bundle","id":"bundle--1","objects":[)" + a + "," + b + "]}", a + b}) {
    Result<std::vector<observe::Observation>> r = ReadObservations(text);
    ASSERT_TRUE(r.ok()) << text << ": " << r.status().ToString();
    EXPECT_EQ(r->size(), 2u) << text;
  }
  // Bundles inside an array are read too.
  Result<std::vector<observe::Observation>> r = ReadObservations(
      "[" + std::string(R"({"type":"bundle","id":"bundle--1","objects":[)") + a + "]}]");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->size(), 1u);
  // No observed-data: no observations.
  r = ReadObservations(R"({"type":"file","id":"file--1","name":"a"})");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(ObservationReaderTest, Errors) {
  struct Case {
    std::string input;
    const char* message;
  } cases[] = {
      {"[1]", "line 1: a STIX object is a JSON object"},
      {R"({"id":"x"})", "line 1: a STIX object needs a string \"type\""},
      {R"({"type":"observed-data","last_observed":"2020-01-01T00:00:00Z","number_observed":1,"objects":{}})",
       "observed-data #1: needs a string first_observed"},
      {R"({"type":"observed-data","first_observed":"2020-01-01","last_observed":"2020-01-01T00:00:00Z","number_observed":1,"objects":{}})",
       "observed-data #1: first_observed: \"2020-01-01\" is not an RFC 3339 timestamp"},
      {R"({"type":"observed-data","first_observed":"2020-01-02T00:00:00Z","last_observed":"2020-01-01T00:00:00Z","number_observed":1,"objects":{}})",
       "observed-data #1: last_observed is earlier than first_observed"},
      {Od(R"("objects":{})", 0),
       "observed-data #1 (observed-data--1): number_observed must be an "
       "integer from 1 to 999,999,999"},
      {Od(R"("objects":{})", 1000000000), "number_observed must be an integer"},
      {Od(R"("objects":{"0":{"name":"x"}})"),
       "observed-data #1 (observed-data--1): objects.0 is not an object with a \"type\""},
      {Od(R"("objects":{"0":5})"), "objects.0 is not an object with a \"type\""},
      {Od(R"("objects":{"0":{"type":"a"},"0":{"type":"b"}})"), "objects has the key 0 twice"},
      {Od(R"("object_refs":["file--1"])"),
       "observed-data #1 (observed-data--1): object_refs names file--1, which is not in the "
       "input"},
      {Od(R"("object_refs":[1])"), "object_refs holds something other than an identifier string"},
      {Od(R"("object_refs":[],"objects":{"0":{"type":"a"}})"),
       "has both objects and object_refs; use one"},
      {Od(R"("x":1)"), "needs objects (STIX 2.0) or object_refs (STIX 2.1)"},
      {"{\"type\":", "truncated"},
  };
  for (const Case& c : cases) {
    Result<std::vector<observe::Observation>> r = ReadObservations(c.input);
    ASSERT_FALSE(r.ok()) << c.input;
    EXPECT_NE(r.status().message().find(c.message), std::string::npos)
        << c.input << " -> " << r.status().message();
  }
}

TEST(ObservationReaderTest, Limits) {
  ObservationReaderOptions options;
  options.max_objects_per_observation = 1;
  Result<std::vector<observe::Observation>> r =
      ReadObservations(Od(R"("objects":{"0":{"type":"a"},"1":{"type":"b"}})"), options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("more than 1 objects"), std::string::npos);
  options = ObservationReaderOptions{};
  options.max_observation_bytes = 100;
  r = ReadObservations(Od(R"("objects":{"0":{"type":"a","x":")" + std::string(200, 'x') + R"("}})"),
                       options);
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  options = ObservationReaderOptions{};
  options.max_observations = 1;
  const std::string one = Od(R"("objects":{})");
  r = ReadObservations(one + one, options);
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  options = ObservationReaderOptions{};
  options.limits.max_depth = 4;
  r = ReadObservations(Od(R"("objects":{"0":{"type":"a","x":[[[[[1]]]]]}})"), options);
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
}

TEST(ObservationReaderTest, IncrementalReader) {
  ObservationReader reader;
  ASSERT_TRUE(reader.Add(Od(R"("object_refs":["file--1"])")).ok());
  ASSERT_TRUE(reader.Add(R"({"type":"file","id":"file--1","name":"old"})").ok());
  ASSERT_TRUE(reader.Add(R"({"type":"file","id":"file--1","name":"new"})").ok());
  Result<std::vector<observe::Observation>> r = reader.Finish();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const observe::Observation& o = (*r)[0];
  ASSERT_EQ(o.objects().size(), 1u);
  EXPECT_EQ(o.values.string_value(*o.values.Find(o.objects()[0].value, "name")), "new");
}

}  // namespace
}  // namespace concord::pattern
