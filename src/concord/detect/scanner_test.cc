// End to end: generated Zeek JSON and Suricata EVE logs with indicator values planted at known
// lines; every planted hit must be reported, at its line, and nothing else - with one thread and
// with several (same alerts, same order).

#include "concord/detect/scanner.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

namespace concord::detect {
namespace {

struct Planted {
  std::string pattern;
  std::string id;
};

// The indicators, and what each plants.
const std::vector<Planted>& Indicators() {
  static const std::vector<Planted> kIndicators = {
      {"[ipv4-addr:value = '203.0.113.66']", "indicator--00000000-0000-4000-8000-000000000001"},
      {"[ipv4-addr:value ISSUBSET '198.51.100.0/25']",
       "indicator--00000000-0000-4000-8000-000000000002"},
      {"[domain-name:value = 'update-viper.example']",
       "indicator--00000000-0000-4000-8000-000000000003"},
      {"[domain-name:value LIKE '%.c2.example']",
       "indicator--00000000-0000-4000-8000-000000000004"},
      {"[url:value = 'http://cdn.example/invoice.zip']",
       "indicator--00000000-0000-4000-8000-000000000005"},
      {"[file:hashes.'SHA-256' = "
       "'5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8']",
       "indicator--00000000-0000-4000-8000-000000000006"},
      {"[network-traffic:dst_ref.value = '203.0.113.66' AND network-traffic:dst_port = 8443]",
       "indicator--00000000-0000-4000-8000-000000000007"},
      // Parenthesised: WITHIN binds tighter than FOLLOWEDBY in the grammar.
      {"([domain-name:value = 'stage1.example'] FOLLOWEDBY [ipv4-addr:value = '192.0.2.250']) "
       "WITHIN 60 SECONDS",
       "indicator--00000000-0000-4000-8000-000000000008"},
  };
  return kIndicators;
}

std::string IndicatorJson(const Planted& p) {
  const std::string& escaped = p.pattern;  // no '"' or '\\' in these patterns
  return "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"" + p.id +
         "\",\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-01T00:00:00.000Z\","
         "\"name\":\"planted\",\"pattern\":\"" +
         escaped + "\",\"pattern_type\":\"stix\",\"valid_from\":\"2024-01-01T00:00:00Z\"}";
}

std::unique_ptr<IndicatorSet> BuildSet() {
  IndicatorOptions options;
  options.now = Timestamp{1800000000, 0};
  IndicatorSetBuilder builder(options);
  for (const Planted& p : Indicators()) EXPECT_TRUE(builder.Add(IndicatorJson(p)).ok());
  auto set = builder.Build();
  EXPECT_TRUE(set.ok());
  EXPECT_EQ((*set)->load_stats().loaded, Indicators().size());
  return std::move(*set);
}

enum class Format { kZeek, kEve };

// One event line: kind 0 conn/flow to `dst`:`port`, 1 DNS query for `name`, 2 HTTP GET
// http://name/uri, 3 a file with `sha256`.
std::string Line(Format f, int64_t t, int kind, const std::string& dst, int port,
                 const std::string& name, const std::string& uri, const std::string& sha256) {
  const std::string ts = std::to_string(t) + ".250000";
  char iso[64];
  const int64_t day = t % 86400;
  std::snprintf(iso, sizeof iso, "2024-03-01T%02lld:%02lld:%02lld.250000+0000",
                (long long)(day / 3600), (long long)(day / 60 % 60), (long long)(day % 60));
  if (f == Format::kZeek) {
    const std::string id = "\"uid\":\"Cx1\",\"id.orig_h\":\"10.1.2.3\",\"id.orig_p\":50000,";
    switch (kind) {
      case 0:
        return "{\"_path\":\"conn\",\"ts\":" + ts + "," + id + "\"id.resp_h\":\"" + dst +
               "\",\"id.resp_p\":" + std::to_string(port) + ",\"proto\":\"tcp\"}";
      case 1:
        return "{\"_path\":\"dns\",\"ts\":" + ts + "," + id +
               "\"id.resp_h\":\"10.0.0.53\",\"id.resp_p\":53,\"proto\":\"udp\",\"query\":\"" +
               name + "\",\"qtype_name\":\"A\",\"answers\":[\"100.64.1.1\"]}";
      case 2:
        return "{\"_path\":\"http\",\"ts\":" + ts + "," + id + "\"id.resp_h\":\"" + dst +
               "\",\"id.resp_p\":80,\"method\":\"GET\",\"host\":\"" + name + "\",\"uri\":\"" + uri +
               "\"}";
      default:
        return "{\"_path\":\"files\",\"ts\":" + ts +
               ",\"fuid\":\"F1\",\"tx_hosts\":[\"100.64.9.9\"],\"rx_hosts\":[\"10.1.2.3\"],"
               "\"mime_type\":\"application/zip\",\"sha256\":\"" +
               sha256 + "\"}";
    }
  }
  const std::string head = "{\"timestamp\":\"" + std::string(iso) +
                           "\",\"flow_id\":1,\"src_ip\":\"10.1.2.3\",\"src_port\":50000,";
  switch (kind) {
    case 0:
      return head + "\"event_type\":\"flow\",\"dest_ip\":\"" + dst +
             "\",\"dest_port\":" + std::to_string(port) +
             ",\"proto\":\"TCP\",\"flow\":{\"pkts_toserver\":3,\"bytes_toserver\":200}}";
    case 1:
      return head +
             "\"event_type\":\"dns\",\"dest_ip\":\"10.0.0.53\",\"dest_port\":53,\"proto\":\"UDP\","
             "\"dns\":{\"version\":3,\"type\":\"request\",\"id\":1,\"queries\":[{\"rrname\":\"" +
             name + "\",\"rrtype\":\"A\"}]}}";
    case 2:
      return head + "\"event_type\":\"http\",\"dest_ip\":\"" + dst +
             "\",\"dest_port\":80,\"proto\":\"TCP\",\"http\":{\"hostname\":\"" + name +
             "\",\"url\":\"" + uri + "\",\"http_method\":\"GET\",\"protocol\":\"HTTP/1.1\"}}";
    default:
      return head +
             "\"event_type\":\"fileinfo\",\"dest_ip\":\"100.64.9.9\",\"dest_port\":80,\"proto\":"
             "\"TCP\",\"fileinfo\":{\"filename\":\"/x.zip\",\"sha256\":\"" +
             sha256 + "\",\"size\":10}}";
  }
}

struct Generated {
  std::string text;
  std::set<std::pair<uint64_t, std::string>> expected;  // (line, indicator id)
};

Generated Generate(Format f, int events, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const std::vector<Planted>& ind = Indicators();
  Generated g;
  int64_t t = 1709251200;  // 2024-03-01T00:00:00Z
  int64_t stage1_time = -1;
  for (int line = 1; line <= events; ++line) {
    t += 1;
    const int kind = pick(4);
    std::string dst = "100.64." + std::to_string(pick(200)) + "." + std::to_string(1 + pick(200));
    int port = 443;
    std::string name = "host" + std::to_string(pick(1000)) + ".background.test";
    std::string uri = "/index.html";
    std::string sha256(64, 'a');
    for (char& c : sha256) c = "0123456789abcdef"[pick(16)];
    std::vector<std::string> hits;
    if (pick(20) == 0) {  // plant
      const int which = pick(9);
      if (kind == 0) {
        if (which < 3) {
          dst = "203.0.113.66";
          hits = {ind[0].id};
          if (which == 0) {
            port = 8443;
            hits.push_back(ind[6].id);
          }
        } else if (which < 6) {
          dst = "198.51.100." + std::to_string(pick(128));
          hits = {ind[1].id};
        } else if (stage1_time >= 0) {
          dst = "192.0.2.250";  // completes the FOLLOWEDBY when within 60 s of stage1
          if (t - stage1_time <= 60) hits = {ind[7].id};
        }
      } else if (kind == 1) {
        if (which < 4) {
          name = "update-viper.example";
          hits = {ind[2].id};
        } else if (which < 7) {
          name = "beacon" + std::to_string(pick(50)) + ".c2.example";
          hits = {ind[3].id};
        } else {
          name = "stage1.example";
          stage1_time = t;
        }
      } else if (kind == 2) {
        name = "cdn.example";
        uri = "/invoice.zip";
        hits = {ind[4].id};
      } else {
        sha256 = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";
        hits = {ind[5].id};
      }
    }
    for (const std::string& h : hits) g.expected.emplace(line, h);
    g.text += Line(f, t, kind, dst, port, name, uri, sha256) + "\n";
  }
  return g;
}

class RecordingSink final : public AlertSink {
 public:
  Status OnAlert(const Alert& a) override {
    alerts.emplace_back(a.line, std::string(a.indicator.id));
    if (!a.temporal && a.matched.empty()) unexplained.push_back(a.line);
    return Status::Ok();
  }
  std::vector<std::pair<uint64_t, std::string>> alerts;
  std::vector<uint64_t> unexplained;
};

class ScannerTest : public ::testing::TestWithParam<Format> {};

TEST_P(ScannerTest, EveryPlantedHitIsFoundAndNothingElse) {
  const std::unique_ptr<IndicatorSet> set = BuildSet();
  const Generated g = Generate(GetParam(), 4000, 11);
  ASSERT_GT(g.expected.size(), 100u);
  std::vector<std::pair<uint64_t, std::string>> first_order;
  // One thread, three threads, one thread mapping every property (no filter), one thread
  // building every event (no write prefilter), and one thread taking each event at once (not in
  // runs parsed ahead): the same alerts in the same order.
  for (int run = 0; run < 5; ++run) {
    const int threads = run == 1 ? 3 : 1;
    SCOPED_TRACE(run);
    RecordingSink sink;
    ScanOptions options;
    options.threads = threads;
    options.filter_properties = run != 2;
    options.write_prefilter = run != 3;
    options.each_event_at_once = run == 4;
    options.batch_events = 64;
    Scanner scanner(*set, options, &sink);
    auto input = InputStream::FromString(g.text, "generated.log");
    ASSERT_TRUE(scanner.ScanFile(input.get(), "generated.log").ok());
    const ScanStats& st = scanner.stats();
    EXPECT_EQ(st.events, 4000u);
    EXPECT_EQ(st.skipped, 0u);
    EXPECT_EQ(st.matched, 4000u);
    // The adapters' fast paths take part (connections and flows) in probe mode, and only then.
    if (options.write_prefilter) {
      EXPECT_GT(st.fast_path_events, 0u);
    } else {
      EXPECT_EQ(st.fast_path_events, 0u);
    }
    const std::set<std::pair<uint64_t, std::string>> got(sink.alerts.begin(), sink.alerts.end());
    EXPECT_EQ(got.size(), sink.alerts.size()) << "an alert was reported twice";
    std::vector<std::pair<uint64_t, std::string>> missed, extra;
    std::set_difference(g.expected.begin(), g.expected.end(), got.begin(), got.end(),
                        std::back_inserter(missed));
    std::set_difference(got.begin(), got.end(), g.expected.begin(), g.expected.end(),
                        std::back_inserter(extra));
    EXPECT_TRUE(missed.empty()) << missed.size() << " missed, first at line "
                                << (missed.empty() ? 0 : missed[0].first);
    EXPECT_TRUE(extra.empty()) << extra.size() << " extra, first at line "
                               << (extra.empty() ? 0 : extra[0].first) << " "
                               << (extra.empty() ? "" : extra[0].second);
    EXPECT_TRUE(sink.unexplained.empty())
        << "an alert without 'matched', line " << sink.unexplained[0];
    EXPECT_EQ(scanner.sightings().size(), Indicators().size());
    if (run == 0) {
      first_order = sink.alerts;
    } else {
      EXPECT_EQ(sink.alerts, first_order) << "threads or a filter changed the alerts";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Formats, ScannerTest, ::testing::Values(Format::kZeek, Format::kEve),
                         [](const auto& info) {
                           return info.param == Format::kZeek ? "ZeekJson" : "SuricataEve";
                         });

TEST(ScannerBadInputTest, BadLinesAreCountedWithReasonsAndScanningGoesOn) {
  const std::unique_ptr<IndicatorSet> set = BuildSet();
  const std::string good = Line(Format::kEve, 1709251200, 0, "203.0.113.66", 443, "", "", "");
  std::string text = good + "\n";
  text += good.substr(0, good.size() / 2) + "\n";  // truncated
  text += "{\"timestamp\":\"2024-03-01T00:00:00Z\",\"event_type\":\"flow\",\"x\":\"\xc3\"}\n";
  text +=
      "{\"timestamp\":\"2024-03-01T00:00:00Z\",\"event_type\":\"flow\",\"src_port\":\"abc\","
      "\"src_ip\":\"10.0.0.1\",\"dest_ip\":\"10.0.0.2\",\"dest_port\":1,\"proto\":\"TCP\"}\n";
  text += "{\"ts\":1709251200.0,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\"}\n";  // switched format
  text += good + "\n";
  RecordingSink sink;
  Scanner scanner(*set, ScanOptions{}, &sink);
  auto input = InputStream::FromString(text, "bad.json");
  ASSERT_TRUE(scanner.ScanFile(input.get(), "bad.json").ok());
  const ScanStats& st = scanner.stats();
  EXPECT_EQ(st.events, 6u);
  EXPECT_EQ(st.matched, 2u);
  EXPECT_EQ(st.skipped, 4u);
  ASSERT_EQ(sink.alerts.size(), 2u);
  EXPECT_EQ(sink.alerts[1].first, 6u);
  EXPECT_GE(st.skipped_by_reason.size(), 3u);
  for (const auto& [reason, s] : st.skipped_by_reason) {
    ASSERT_FALSE(s.examples.empty());
    EXPECT_EQ(s.examples[0].rfind("bad.json:", 0), 0u) << s.examples[0];
  }
}

TEST(ScannerTimeTest, SinceAndUntilLeaveEventsOut) {
  const std::unique_ptr<IndicatorSet> set = BuildSet();
  std::string text;
  for (int i = 0; i < 10; ++i) {
    text += Line(Format::kZeek, 1709251200 + i * 60, 0, "203.0.113.66", 443, "", "", "") + "\n";
  }
  RecordingSink sink;
  ScanOptions options;
  options.since = Timestamp{1709251200 + 120, 0};
  options.until = Timestamp{1709251200 + 300, 0};
  Scanner scanner(*set, options, &sink);
  auto input = InputStream::FromString(text, "conn.log");
  ASSERT_TRUE(scanner.ScanFile(input.get(), "conn.log").ok());
  EXPECT_EQ(scanner.stats().outside_time, 7u);
  EXPECT_EQ(sink.alerts.size(), 3u);  // minutes 2, 3, 4
}

}  // namespace
}  // namespace concord::detect
