#include "concord/detect/indicator_set.h"

#include <gtest/gtest.h>

#include "concord/detect/explain.h"
#include "concord/detect/sightings.h"
#include "concord/json/document.h"
#include "concord/observe/builder.h"
#include "concord/pattern/parser.h"

namespace concord::detect {
namespace {

std::string Indicator(const std::string& id, const std::string& pattern,
                      const std::string& extra = "",
                      const std::string& valid_from = "2024-01-01T00:00:00Z") {
  return "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--" + id +
         "\",\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-01T00:00:00.000Z\","
         "\"name\":\"n-" +
         id.substr(0, 4) + "\",\"pattern\":\"" + pattern +
         "\",\"pattern_type\":\"stix\",\"valid_from\":\"" + valid_from + "\"" + extra + "}";
}

const std::string kA = "aaaaaaaa-0000-4000-8000-000000000001";
const std::string kB = "bbbbbbbb-0000-4000-8000-000000000002";

TEST(IndicatorSetTest, OnlyActiveStixIndicatorsAreLoadedAndTheRestCounted) {
  IndicatorOptions options;
  options.now = Timestamp{1735689600, 0};  // 2025-01-01
  IndicatorSetBuilder b(options);
  ASSERT_TRUE(b.Add(Indicator(kA, "[ipv4-addr:value = '203.0.113.1']"), stix::Tlp::kAmber).ok());
  ASSERT_TRUE(b.Add(Indicator("c", "[ipv4-addr:value = '203.0.113.2']",
                              ",\"valid_until\":\"2024-06-01T00:00:00Z\""))
                  .ok());
  ASSERT_TRUE(
      b.Add(Indicator("d", "[ipv4-addr:value = '203.0.113.3']", "", "2026-01-01T00:00:00Z")).ok());
  ASSERT_TRUE(b.Add("{\"type\":\"indicator\",\"id\":\"indicator--e\",\"pattern\":\"alert tcp\","
                    "\"pattern_type\":\"snort\"}")
                  .ok());
  ASSERT_TRUE(b.Add(Indicator("f", "[ipv4-addr:value = ")).ok());
  ASSERT_TRUE(b.Add(Indicator("g", "[x:y = 1]", ",\"revoked\":true")).ok());
  ASSERT_TRUE(b.Add("not json").ok());
  auto set = b.Build();
  ASSERT_TRUE(set.ok());
  const IndicatorLoadStats& s = (*set)->load_stats();
  EXPECT_EQ(s.read, 7u);
  EXPECT_EQ(s.loaded, 1u);
  EXPECT_EQ(s.expired, 1u);
  EXPECT_EQ(s.not_yet_valid, 1u);
  EXPECT_EQ(s.not_stix, 1u);
  EXPECT_EQ(s.invalid, 2u);
  EXPECT_FALSE(s.examples.empty());
  ASSERT_EQ((*set)->size(), 1u);
  const IndicatorRef r = (*set)->indicator(0);
  EXPECT_EQ(r.id, "indicator--" + kA);
  EXPECT_EQ(r.name, "n-aaaa");
  EXPECT_EQ(r.tlp, stix::Tlp::kAmber);
  EXPECT_GT((*set)->memory_bytes(), 0u);
}

observe::Observation DnsQuery(const std::string& name) {
  observe::Observation o;
  observe::ObservationBuilder b(&o);
  b.Reset(Timestamp{1735689600, 0});
  b.AddDomainName(name);
  return o;
}

std::vector<uint32_t> Match(const IndicatorSet& set, const observe::Observation& o) {
  pattern::engine::Matcher m(set.patterns());
  std::vector<uint32_t> out;
  m.MatchObservation(o, &out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

TEST(IndicatorSetTest, SubdomainsWhenAsked) {
  for (bool subdomains : {false, true}) {
    IndicatorOptions options;
    options.now = Timestamp{1735689600, 0};
    options.match_subdomains = subdomains;
    IndicatorSetBuilder b(options);
    ASSERT_TRUE(b.Add(Indicator(kA,
                                "[domain-name:value = 'evil.example' OR domain-name:value IN "
                                "('bad.example', 'worse.example')]"))
                    .ok());
    // Not a plain domain pattern: never widened.
    ASSERT_TRUE(
        b.Add(Indicator(kB, "[domain-name:value = 'x.example' AND domain-name:value != 'y']"))
            .ok());
    auto set = b.Build();
    ASSERT_TRUE(set.ok());
    EXPECT_EQ(Match(**set, DnsQuery("evil.example")), std::vector<uint32_t>{0});
    EXPECT_EQ(Match(**set, DnsQuery("a.b.worse.example")),
              subdomains ? std::vector<uint32_t>{0} : std::vector<uint32_t>{});
    EXPECT_TRUE(Match(**set, DnsQuery("notevil.example")).empty());
    EXPECT_TRUE(Match(**set, DnsQuery("sub.x.example")).empty());
  }
}

TEST(IndicatorSetTest, WarningListHitsAreLeftOutUnlessForced) {
  const WarningLists lists = WarningLists::BuiltIn();
  for (bool forced : {false, true}) {
    IndicatorOptions options;
    options.now = Timestamp{1735689600, 0};
    options.warning_lists = &lists;
    options.include_warned = forced;
    IndicatorSetBuilder b(options);
    ASSERT_TRUE(b.Add(Indicator(kA, "[ipv4-addr:value = '10.1.2.3']")).ok());
    ASSERT_TRUE(b.Add(Indicator(kB, "[ipv4-addr:value = '203.0.113.9']")).ok());
    auto set = b.Build();
    ASSERT_TRUE(set.ok());
    EXPECT_EQ((*set)->size(), forced ? 2u : 1u);
    EXPECT_EQ((*set)->load_stats().warned, forced ? 0u : 1u);
    EXPECT_EQ((*set)->load_stats().warned_forced, forced ? 1u : 0u);
  }
}

TEST(ExplainTest, SaysWhichComparisonsHeldAndWhatWasSeen) {
  observe::Observation o;
  observe::ObservationBuilder b(&o);
  b.Reset(Timestamp{1735689600, 0});
  const auto src = b.AddAddress("10.0.0.1");
  const auto dst = b.AddAddress("198.51.100.7");
  b.Begin("network-traffic");
  b.Reference("src_ref", src);
  b.Reference("dst_ref", dst);
  b.Int("dst_port", 8443);
  b.End();
  auto p = pattern::ParsePattern(
      "[network-traffic:dst_ref.value ISSUBSET '198.51.100.0/24' AND network-traffic:dst_port IN "
      "(443, 8443) AND network-traffic:src_port = 1] OR [domain-name:value = 'x.example']");
  ASSERT_TRUE(p.ok());
  const std::vector<MatchedComparison> m = ExplainMatch(*p, o);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].path, "network-traffic:dst_ref.value");
  EXPECT_EQ(m[0].op, "ISSUBSET");
  EXPECT_EQ(m[0].constant, "'198.51.100.0/24'");
  EXPECT_EQ(m[0].observed, std::vector<std::string>{"198.51.100.7"});
  EXPECT_EQ(m[1].path, "network-traffic:dst_port");
  EXPECT_EQ(m[1].observed, std::vector<std::string>{"8443"});
}

TEST(ExplainTest, ObservedValuesAreThoseThatSatisfyTheComparison) {
  observe::Observation o;
  observe::ObservationBuilder b(&o);
  b.Reset(Timestamp{1735689600, 0});
  b.AddAddress("10.0.0.5");
  b.AddAddress("198.51.100.14");
  b.AddDomainName("resolver.corp.example");
  b.AddDomainName("beacon.viper-c2.example");
  auto p = pattern::ParsePattern(
      "[ipv4-addr:value ISSUBSET '198.51.100.0/24' AND domain-name:value LIKE "
      "'%.viper-c2.example']");
  ASSERT_TRUE(p.ok());
  const std::vector<MatchedComparison> m = ExplainMatch(*p, o);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].observed, std::vector<std::string>{"198.51.100.14"});
  EXPECT_EQ(m[1].observed, std::vector<std::string>{"beacon.viper-c2.example"});
}

// The scanner keeps one explainer per indicator and asks it about match after match: each
// answer must be the one a fresh explanation gives.
TEST(ExplainTest, OneExplainerExplainsEachMatchAsAFreshOneWould) {
  auto p = pattern::ParsePattern(
      "[ipv4-addr:value ISSUBSET '198.51.100.0/24' AND domain-name:value LIKE '%.viper-c2.example'"
      " AND domain-name:value MATCHES '^beacon[0-9]*[.]' AND ipv4-addr:value NOT IN ('10.0.0.9')]");
  ASSERT_TRUE(p.ok());
  MatchExplainer explainer(*p);
  size_t explained = 0;
  for (int i = 0; i < 12; ++i) {
    observe::Observation o;
    observe::ObservationBuilder b(&o);
    b.Reset(Timestamp{1735689600 + i, 0});
    b.AddAddress("198.51.100." + std::to_string(i * 20));
    b.AddAddress(i % 3 == 0 ? "10.0.0.9" : "10.0.0." + std::to_string(i));
    b.AddDomainName((i % 2 == 0 ? "beacon" : "relay") + std::to_string(i) + ".viper-c2.example");
    b.AddDomainName("resolver.corp.example");
    const std::vector<MatchedComparison> fresh = ExplainMatch(*p, o);
    const std::vector<MatchedComparison> reused = explainer.Explain(o);
    ASSERT_EQ(reused.size(), fresh.size()) << i;
    for (size_t k = 0; k < fresh.size(); ++k) {
      EXPECT_EQ(reused[k].path, fresh[k].path);
      EXPECT_EQ(reused[k].op, fresh[k].op);
      EXPECT_EQ(reused[k].constant, fresh[k].constant);
      EXPECT_EQ(reused[k].observed, fresh[k].observed) << i << " " << fresh[k].path;
    }
    explained += fresh.size();
    if (i == 2) {  // a beacon: all four comparisons hold, each with what satisfies it alone
      ASSERT_EQ(fresh.size(), 4u);
      EXPECT_EQ(fresh[0].observed, std::vector<std::string>{"198.51.100.40"});
      EXPECT_EQ(fresh[1].observed, (std::vector<std::string>{"beacon2.viper-c2.example"}));
      EXPECT_EQ(fresh[2].observed, (std::vector<std::string>{"beacon2.viper-c2.example"}));
      EXPECT_EQ(fresh[3].op, "NOT IN");
    }
  }
  EXPECT_GT(explained, 20u);
}

TEST(SightingsTest, AggregatesPerIndicatorAndWritesValidShapes) {
  IndicatorOptions options;
  options.now = Timestamp{1735689600, 0};
  IndicatorSetBuilder b(options);
  ASSERT_TRUE(b.Add(Indicator(kA, "[ipv4-addr:value = '203.0.113.1']"), stix::Tlp::kRed).ok());
  ASSERT_TRUE(b.Add(Indicator(kB, "[ipv4-addr:value = '203.0.113.2']")).ok());
  auto set = b.Build();
  ASSERT_TRUE(set.ok());
  SightingCounter c;
  c.Record(1, Timestamp{200, 0}, Timestamp{200, 0});
  c.Record(1, Timestamp{100, 500000000}, Timestamp{100, 500000000});
  c.Record(1, Timestamp{300, 0}, Timestamp{301, 0});
  c.Record(0, Timestamp{50, 0}, Timestamp{50, 0});
  EXPECT_EQ(c.size(), 2u);
  EXPECT_EQ(c.count(1), 3u);
  SightingOptions so;
  so.identity_id = NodeIdentityId("uk-node");
  so.now = Timestamp{1735689600, 0};
  const std::vector<std::string> out = c.ToStix(**set, so);
  ASSERT_EQ(out.size(), 2u);
  json::Parser parser;
  auto second = parser.Parse(out[1]);
  ASSERT_TRUE(second.ok());
  std::string_view v;
  ASSERT_EQ((*second)["sighting_of_ref"].get(v), simdjson::SUCCESS);
  EXPECT_EQ(v, "indicator--" + kB);
  ASSERT_EQ((*second)["first_seen"].get(v), simdjson::SUCCESS);
  EXPECT_EQ(v, "1970-01-01T00:01:40.500Z");
  ASSERT_EQ((*second)["last_seen"].get(v), simdjson::SUCCESS);
  EXPECT_EQ(v, "1970-01-01T00:05:01.000Z");
  int64_t count = 0;
  ASSERT_EQ((*second)["count"].get(count), simdjson::SUCCESS);
  EXPECT_EQ(count, 3);
  // A TLP:RED indicator's sighting is RED; an unmarked one gets the AMBER floor.
  EXPECT_NE(out[0].find(std::string(stix::TlpMarkingId(stix::Tlp::kRed))), std::string::npos);
  EXPECT_NE(out[1].find(std::string(stix::TlpMarkingId(stix::Tlp::kAmber))), std::string::npos);
  EXPECT_EQ(NodeIdentityId("uk-node"), NodeIdentityId("uk-node"));
  EXPECT_NE(NodeIdentityId("uk-node"), NodeIdentityId("us-node"));
}

}  // namespace
}  // namespace concord::detect
