#include "concord/observe/builder.h"

#include "concord/observe/dump.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace concord::observe {
namespace {

using Ref = ObservationBuilder::Ref;
constexpr Ref kNoRef = ObservationBuilder::kNoRef;

// The value of a simple object.
std::string ValueOf(const Observation& o, Ref ref) {
  const ObservedObject& object = o.objects()[ref];
  auto v = o.values.Find(object.value, "value");
  return v ? std::string(o.values.string_value(*v)) : "<none>";
}

class BuilderTest : public ::testing::Test {
 protected:
  Observation o_;
  ObservationBuilder b_{&o_};
  void SetUp() override { b_.Reset(Timestamp{1700000000, 5}); }
};

TEST_F(BuilderTest, ResetSetsTheTimes) {
  EXPECT_EQ(o_.first_observed, (Timestamp{1700000000, 5}));
  EXPECT_EQ(o_.last_observed, (Timestamp{1700000000, 5}));
  EXPECT_TRUE(o_.objects().empty());
}

TEST_F(BuilderTest, AddressesAreTypedAndCanonical) {
  const Ref v4 = b_.AddAddress("198.51.100.7");
  ASSERT_NE(v4, kNoRef);
  EXPECT_EQ(o_.objects()[v4].type, "ipv4-addr");
  const Ref v6 = b_.AddAddress("2001:0db8:0000:0000:0000:0000:0000:0001");
  ASSERT_NE(v6, kNoRef);
  EXPECT_EQ(o_.objects()[v6].type, "ipv6-addr");
  EXPECT_EQ(ValueOf(o_, v6), "2001:db8::1");
  EXPECT_EQ(ValueOf(o_, b_.AddAddress("fe80::1%eth0")), "fe80::1");
  const Ref mapped = b_.AddAddress("::ffff:192.0.2.77");
  EXPECT_EQ(o_.objects()[mapped].type, "ipv4-addr");
  EXPECT_EQ(ValueOf(o_, mapped), "192.0.2.77");
  for (const char* bad :
       {"", "-", "1.2.3", "01.2.3.4", "1.2.3.256", "evil.example", "::g", "1.2.3.4 "}) {
    EXPECT_EQ(b_.AddAddress(bad), kNoRef) << bad;
  }
}

TEST_F(BuilderTest, SimpleObjectsAreAddedOncePerValue) {
  const Ref a = b_.AddAddress("192.0.2.1");
  EXPECT_EQ(b_.AddAddress("192.0.2.1"), a);
  EXPECT_EQ(b_.AddDomainName("Evil.Example."), b_.AddDomainName("evil.example"));
  EXPECT_EQ(o_.objects().size(), 2u);
}

TEST_F(BuilderTest, DomainNamesAreLowerCasedAndChecked) {
  EXPECT_EQ(ValueOf(o_, b_.AddDomainName("WWW.Evil.EXAMPLE.")), "www.evil.example");
  const Ref literal = b_.AddDomainName("203.0.113.9");
  EXPECT_EQ(o_.objects()[literal].type, "ipv4-addr");
  for (const char* bad : {"", "-", ".", "a b", "a/b", "user@host", "x\x01y"}) {
    EXPECT_EQ(b_.AddDomainName(bad), kNoRef) << bad;
  }
  EXPECT_EQ(b_.AddDomainName(std::string(254, 'a')), kNoRef);
}

TEST_F(BuilderTest, HostsMayCarryPortsAndAddressLiterals) {
  EXPECT_EQ(ValueOf(o_, b_.AddHost("evil.example:8080")), "evil.example");
  EXPECT_EQ(ValueOf(o_, b_.AddHost("198.51.100.1:443")), "198.51.100.1");
  EXPECT_EQ(ValueOf(o_, b_.AddHost("[2001:db8::2]:443")), "2001:db8::2");
  EXPECT_EQ(ValueOf(o_, b_.AddHost("2001:db8::3")), "2001:db8::3");
  EXPECT_EQ(b_.AddHost("[2001:db8::2"), kNoRef);
}

TEST_F(BuilderTest, EmailAndMacAddresses) {
  EXPECT_EQ(ValueOf(o_, b_.AddEmailAddress("Eve <Eve@Evil.EXAMPLE>")), "Eve@evil.example");
  EXPECT_EQ(ValueOf(o_, b_.AddEmailAddress(" bob@example.org ")), "bob@example.org");
  EXPECT_EQ(b_.AddEmailAddress("no-at-sign"), kNoRef);
  EXPECT_EQ(b_.AddEmailAddress("<broken"), kNoRef);
  EXPECT_EQ(ValueOf(o_, b_.AddMacAddress("00-1A-2b-3C-4d-5E")), "00:1a:2b:3c:4d:5e");
  EXPECT_EQ(b_.AddMacAddress("00:1a:2b:3c:4d"), kNoRef);
}

TEST_F(BuilderTest, CompositeObjectsReferenceOthersAndSkipAbsentMembers) {
  const Ref src = b_.AddAddress("10.0.0.1");
  const Ref dst = b_.AddAddress("198.51.100.7");
  b_.Begin("network-traffic");
  b_.Reference("src_ref", src);
  b_.Reference("dst_ref", dst);
  b_.Reference("missing_ref", kNoRef);
  b_.Int("dst_port", 443);
  const std::vector<std::string_view> protocols = {"ipv4", "tcp", "tls"};
  b_.Strings("protocols", protocols);
  b_.OptionalString("absent", "-");
  b_.BeginObject("extensions");
  b_.BeginObject("empty-ext");
  b_.EndObject();
  b_.BeginObject("x-tls-ext");
  b_.String("ja3", "e7eca2baf4458d095b7f45da28c16c34");
  b_.EndObject();
  b_.EndObject();
  const Ref flow = b_.End();
  ASSERT_EQ(flow, 2u);
  const ValueStore& v = o_.values;
  const ValueStore::Id nt = o_.objects()[flow].value;
  EXPECT_EQ(o_.objects()[flow].type, "network-traffic");
  EXPECT_EQ(o_.objects()[flow].key, "2");
  EXPECT_EQ(v.string_value(*v.Find(nt, "type")), "network-traffic");
  EXPECT_EQ(v.string_value(*v.Find(nt, "dst_ref")), "1");
  EXPECT_EQ(o_.FindObject("1")->type, "ipv4-addr");
  EXPECT_FALSE(v.Find(nt, "missing_ref"));
  EXPECT_FALSE(v.Find(nt, "absent"));
  EXPECT_EQ(v.int_value(*v.Find(nt, "dst_port")), 443);
  EXPECT_EQ(v.size(*v.Find(nt, "protocols")), 3u);
  const ValueStore::Id ext = *v.Find(nt, "extensions");
  EXPECT_EQ(v.size(ext), 1u);  // the empty extension is not written
  EXPECT_EQ(v.string_value(*v.Find(*v.Find(ext, "x-tls-ext"), "ja3")),
            "e7eca2baf4458d095b7f45da28c16c34");
}

TEST_F(BuilderTest, AnObjectWithNothingButItsTypeIsNotAdded) {
  b_.Begin("file");
  b_.OptionalString("name", "-");
  EXPECT_EQ(b_.End(), kNoRef);
  EXPECT_TRUE(o_.objects().empty());
}

TEST_F(BuilderTest, AFilterKeepsOnlyWantedTopLevelMembers) {
  PropertyFilter filter;
  filter.Allow("network-traffic", "dst_ref");
  filter.Allow("network-traffic", "extensions");
  filter.AllowOnAnyType("value");
  b_.SetFilter(&filter);
  const Ref dst = b_.AddAddress("198.51.100.7");
  b_.Begin("network-traffic");
  EXPECT_TRUE(b_.Wants("dst_ref"));
  EXPECT_FALSE(b_.Wants("protocols"));
  b_.Reference("dst_ref", dst);
  b_.Int("dst_port", 443);
  b_.Time("start", Timestamp{1, 0});
  b_.BeginObject("x-unwanted");
  EXPECT_FALSE(b_.Wants("a"));  // inside a skipped object
  b_.String("a", "b");
  b_.EndObject();
  EXPECT_TRUE(b_.Wants("extensions"));
  b_.BeginObject("extensions");
  b_.BeginObject("x-tls-ext");
  b_.String("ja3", "abc");  // nested members of a wanted member are all kept
  b_.EndObject();
  b_.EndObject();
  const Ref flow = b_.End();
  ASSERT_NE(flow, kNoRef);
  EXPECT_EQ(DumpValue(o_.values, o_.objects()[flow].value),
            R"({"type":"network-traffic","dst_ref":"0","extensions":{"x-tls-ext":{"ja3":"abc"}}})");
  // A type the filter has no rule for keeps only "type": such an object is not added.
  b_.Begin("process");
  b_.Int("pid", 4);
  EXPECT_EQ(b_.End(), kNoRef);
}

TEST_F(BuilderTest, LimitsDropObjectsAndSayTheyDid) {
  Observation o;
  ObservationBuilder b(&o, ObservationBuilder::Limits{.max_objects = 3, .max_value_bytes = 1000});
  b.Reset(Timestamp{});
  EXPECT_NE(b.AddAddress("192.0.2.1"), kNoRef);
  EXPECT_NE(b.AddAddress("192.0.2.2"), kNoRef);
  EXPECT_NE(b.AddAddress("192.0.2.3"), kNoRef);
  EXPECT_FALSE(b.truncated());
  EXPECT_EQ(b.AddAddress("192.0.2.4"), kNoRef);
  EXPECT_TRUE(b.truncated());
  b.Begin("file");
  b.String("name", "x");
  EXPECT_EQ(b.End(), kNoRef);
  EXPECT_EQ(o.objects().size(), 3u);
  b.Reset(Timestamp{});
  EXPECT_FALSE(b.truncated());
  b.Begin("artifact");
  b.String("mime_type", "application/zip");
  b.String("payload_bin", std::string(2000, 'A'));
  const Ref r = b.End();
  ASSERT_NE(r, kNoRef);
  EXPECT_TRUE(b.truncated());
  EXPECT_FALSE(o.values.Find(o.objects()[r].value, "payload_bin"));
}

TEST_F(BuilderTest, ReuseAcrossEventsGivesTheSameResult) {
  for (int round = 0; round < 3; ++round) {
    b_.Reset(Timestamp{round, 0});
    const Ref d = b_.AddDomainName("a-rather-long-domain-name-to-leave-sso.example");
    b_.Begin("x509-certificate");
    b_.String("subject", "CN=evil");
    const Ref c = b_.End();
    EXPECT_EQ(d, 0u);
    EXPECT_EQ(c, 1u);
    EXPECT_EQ(o_.objects().size(), 2u);
    EXPECT_EQ(o_.objects()[1].type, "x509-certificate");
    EXPECT_EQ(ValueOf(o_, d), "a-rather-long-domain-name-to-leave-sso.example");
  }
}

}  // namespace
}  // namespace concord::observe
