// The EVE adapter's probe fast path (suricata.cc) against its general mapping: flow and DNS
// events as Suricata writes them and mutations of them (each member removed, given each other
// JSON type or an out-of-range value, repeated; members of other event types; the flow's own
// ends; DNS records of every shape) must report the same calls to the sink, in the same order,
// with the same result.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "concord/ingest/fast_path_testing.h"

namespace concord::ingest {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

bool ExpectSame(const std::string& line) {
  LogContext context;
  context.format = LogFormat::kSuricataEve;
  observe::PropertyFilter filter;
  filter.Allow("network-traffic", "dst_port");
  filter.Allow("network-traffic", "dst_ref");
  filter.Allow("network-traffic", "end");
  filter.Allow("network-traffic", "protocols");
  filter.AllowOnAnyType("value");
  const std::set<std::string> plan = {"ipv4-addr",
                                      "ipv4-addr.value",
                                      "domain-name",
                                      "domain-name.value",
                                      "network-traffic",
                                      "network-traffic.dst_port",
                                      "network-traffic.dst_ref",
                                      "network-traffic.end",
                                      "network-traffic.protocols"};
  return fast_path_testing::ExpectSame(context, line, filter, plan);
}

std::string Object(const Fields& fields) {
  std::string out = "{";
  for (const auto& [name, value] : fields) {
    if (out.size() > 1) out += ",";
    out += "\"" + name + "\":" + value;
  }
  return out + "}";
}

// A flow event as Suricata 7 writes it; "flow" as its own list, to mutate it too.
Fields FlowRecord() {
  return {{"pkts_toserver", "16"},
          {"pkts_toclient", "115"},
          {"bytes_toserver", "4056"},
          {"bytes_toclient", "213920"},
          {"start", "\"2020-01-01T00:00:00.001318+0000\""},
          {"end", "\"2020-01-01T00:00:07.5+0000\""},
          {"age", "7"},
          {"state", "\"closed\""},
          {"reason", "\"timeout\""},
          {"alerted", "false"}};
}
Fields FlowEvent(const Fields& record = FlowRecord()) {
  return {{"timestamp", "\"2020-01-01T00:00:00.001318+0000\""},
          {"flow_id", "484319733743616"},
          {"in_iface", "\"eth0\""},
          {"event_type", "\"flow\""},
          {"src_ip", "\"10.2.123.71\""},
          {"src_port", "58743"},
          {"dest_ip", "\"62.165.231.153\""},
          {"dest_port", "443"},
          {"proto", "\"TCP\""},
          {"app_proto", "\"tls\""},
          {"flow", Object(record)},
          {"tcp", "{\"tcp_flags\":\"1b\",\"syn\":true,\"state\":\"closed\"}"}};
}

const std::vector<std::string>& Values() {
  static const std::vector<std::string> values = {"null",
                                                  "\"text\"",
                                                  "\"\"",
                                                  "1.5",
                                                  "-1",
                                                  "70000",
                                                  "1e20",
                                                  "true",
                                                  "[]",
                                                  "{}",
                                                  "\"80\"",
                                                  "0",
                                                  "\"10.9.8.7\"",
                                                  "\"2001:db8::1\"",
                                                  "\"flow\"",
                                                  "\"dns\"",
                                                  "\"2021-05-01T10:00:00Z\"",
                                                  "18446744073709551615",
                                                  "9223372036854775807"};
  return values;
}

TEST(EveFastPathTest, TakesFlowEventsAsSuricataWritesThem) {
  EXPECT_TRUE(ExpectSame(Object(FlowEvent())));
  for (auto [name, value] : Fields{{"dest_ip", "\"10.2.123.71\""},
                                   {"proto", "\"UDP\""},
                                   {"proto", "\"ICMP\""},
                                   {"proto", "\"IPv6-ICMP\""},
                                   {"src_port", "0"},
                                   {"app_proto", "\"failed\""},
                                   {"app_proto", "\"TCP\""},
                                   {"app_proto", "\"\""}}) {
    auto changed = FlowEvent();
    for (auto& field : changed) {
      if (field.first == name) field.second = value;
    }
    EXPECT_TRUE(ExpectSame(Object(changed))) << name << " " << value;
  }
}

TEST(EveFastPathTest, EveryMutationMapsAlike) {
  size_t taken = 0, events = 0;
  const Fields base = FlowEvent();
  for (size_t i = 0; i < base.size(); ++i) {
    auto removed = base;
    removed.erase(removed.begin() + i);
    taken += ExpectSame(Object(removed));
    ++events;
    for (const std::string& value : Values()) {
      auto changed = base;
      changed[i].second = value;
      taken += ExpectSame(Object(changed));
      ++events;
    }
    auto repeated = base;
    repeated.push_back(base[i]);
    taken += ExpectSame(Object(repeated));
    ++events;
  }
  // The flow record's members.
  const Fields record = FlowRecord();
  for (size_t i = 0; i < record.size(); ++i) {
    auto removed = record;
    removed.erase(removed.begin() + i);
    taken += ExpectSame(Object(FlowEvent(removed)));
    ++events;
    for (const std::string& value : Values()) {
      auto changed = record;
      changed[i].second = value;
      taken += ExpectSame(Object(FlowEvent(changed)));
      ++events;
    }
    auto repeated = record;
    repeated.push_back(record[i]);
    taken += ExpectSame(Object(FlowEvent(repeated)));
    ++events;
  }
  for (auto [name, value] : Fields{{"src_ip", "\"10.2.123.71\""},
                                   {"dest_ip", "\"62.165.231.153\""},
                                   {"src_port", "58743"},
                                   {"dest_port", "443"}}) {
    auto flow_ends = record;
    flow_ends.emplace_back(name, value);
    taken += ExpectSame(Object(FlowEvent(flow_ends)));
    ++events;
  }
  // Members of other event types, and what the general mapping reads besides.
  for (auto [name, value] : Fields{{"alert", "{\"signature\":\"x\",\"signature_id\":1}"},
                                   {"dns", "{\"version\":3,\"type\":\"response\"}"},
                                   {"http", "{\"hostname\":\"www.example.com\"}"},
                                   {"tls", "{\"sni\":\"www.example.com\"}"},
                                   {"fileinfo", "{\"filename\":\"a.exe\"}"},
                                   {"files", "[]"},
                                   {"smtp", "{}"},
                                   {"email", "{}"},
                                   {"quic", "{}"},
                                   {"netflow", "{\"pkts\":1}"},
                                   {"ether", "{\"src_mac\":\"00:11:22:33:44:55\"}"},
                                   {"direction", "\"to_client\""},
                                   {"xff", "\"10.1.1.1\""},
                                   {"icmp_type", "8"},
                                   {"icmp_code", "0"},
                                   {"community_id", "\"1:abc=\""},
                                   {"vlan", "[10]"},
                                   {"host", "\"sensor-1\""}}) {
    auto extra = base;
    extra.emplace_back(name, value);
    taken += ExpectSame(Object(extra));
    ++events;
  }
  EXPECT_GT(taken, events / 4);
  EXPECT_LT(taken, events);
}

// A DNS v3 response as Suricata 7 writes it, with `queries` and `answers` as given.
Fields DnsEvent(const std::string& queries, const std::string& answers,
                const std::string& type = "\"response\"") {
  return {{"timestamp", "\"2020-01-01T00:00:00.006809+0000\""},
          {"flow_id", "363996857237509"},
          {"in_iface", "\"eth0\""},
          {"event_type", "\"dns\""},
          {"src_ip", "\"10.0.0.53\""},
          {"src_port", "53"},
          {"dest_ip", "\"10.3.216.130\""},
          {"dest_port", "52398"},
          {"proto", "\"UDP\""},
          {"dns", "{\"version\":3,\"type\":" + type +
                      ",\"id\":14186,\"flags\":\"8180\",\"qr\":true,\"rd\":true,\"ra\":true,"
                      "\"opcode\":0,\"rcode\":\"NOERROR\",\"queries\":" +
                      queries + ",\"answers\":" + answers + "}"}};
}

const std::string kQueries = "[{\"rrname\":\"files.cmecxl.ru\",\"rrtype\":\"A\"}]";
const std::string kAnswers =
    "[{\"rrname\":\"files.cmecxl.ru\",\"rrtype\":\"A\",\"ttl\":300,\"rdata\":\"106.243.198."
    "78\"}]";

TEST(EveFastPathTest, TakesDnsEventsAsSuricataWritesThem) {
  EXPECT_TRUE(ExpectSame(Object(DnsEvent(kQueries, kAnswers))));
  EXPECT_TRUE(ExpectSame(Object(DnsEvent(kQueries, "[]", "\"query\""))));
  EXPECT_TRUE(ExpectSame(Object(DnsEvent("[]", "[]"))));
  // A CNAME chain, an answer equal to an end, the same answer twice, MX with a preference.
  EXPECT_TRUE(ExpectSame(Object(DnsEvent(
      kQueries,
      "[{\"rrname\":\"files.cmecxl.ru\",\"rrtype\":\"CNAME\",\"rdata\":\"cdn.example.net\"},"
      "{\"rrname\":\"cdn.example.net\",\"rrtype\":\"A\",\"rdata\":\"10.0.0.53\"},"
      "{\"rrname\":\"cdn.example.net\",\"rrtype\":\"A\",\"rdata\":\"10.0.0.53\"},"
      "{\"rrname\":\"files.cmecxl.ru\",\"rrtype\":\"MX\",\"rdata\":\"10 mx.example.net\"},"
      "{\"rrname\":\"files.cmecxl.ru\",\"rrtype\":\"TXT\",\"rdata\":\"v=spf1 -all\"}]"))));
}

// Version 2 writes one record per event: a query, or one answer.
std::string DnsV2(const std::string& type, const std::string& members) {
  return Object(Fields{{"timestamp", "\"2024-12-18T19:36:48.669714-0500\""},
                       {"flow_id", "61653399336714"},
                       {"pcap_cnt", "151"},
                       {"event_type", "\"dns\""},
                       {"src_ip", "\"192.168.230.133\""},
                       {"src_port", "57813"},
                       {"dest_ip", "\"192.168.230.1\""},
                       {"dest_port", "53"},
                       {"proto", "\"UDP\""},
                       {"pkt_src", "\"wire/pcap\""},
                       {"dns", "{\"version\":2,\"type\":\"" + type + "\",\"id\":34098," + members +
                                   ",\"tx_id\":0,\"opcode\":0}"}});
}

TEST(EveFastPathTest, TakesDnsVersion2Records) {
  EXPECT_TRUE(
      ExpectSame(DnsV2("query", "\"rrname\":\"fpdownload.macromedia.com\",\"rrtype\":\"A\"")));
  EXPECT_TRUE(ExpectSame(DnsV2(
      "answer", "\"rrname\":\"a.example\",\"rrtype\":\"A\",\"ttl\":60,\"rdata\":\"192.0.2.7\"")));
  EXPECT_TRUE(ExpectSame(
      DnsV2("answer", "\"rrname\":\"a.example\",\"rrtype\":\"CNAME\",\"rdata\":\"b.example\"")));
  EXPECT_TRUE(
      ExpectSame(DnsV2("answer", "\"rrname\":\"a.example\",\"rrtype\":\"TXT\",\"rdata\":\"x\"")));
  // Retyped, repeated, odd names and data; v2 members beside v3 lists.
  for (const std::string& members : std::vector<std::string>{
           "\"rrname\":7,\"rrtype\":\"A\"", "\"rrname\":\"A.Example\",\"rrtype\":\"A\"",
           "\"rrname\":\"a.example\",\"rrname\":\"b.example\"", "\"rrname\":null",
           "\"rrname\":\"\",\"rrtype\":\"A\",\"rdata\":\"192.0.2.7\"",
           "\"rrname\":\"a.example\",\"rrtype\":\"AAAA\",\"rdata\":\"2001:db8::1\"",
           "\"rrname\":\"a.example\",\"rrtype\":null,\"rdata\":\"192.0.2.7\"",
           "\"rrname\":\"a.example\",\"rdata\":\"192.0.2.7\"",
           "\"rrname\":\"192.0.2.9\",\"rrtype\":\"PTR\",\"rdata\":\"host.example\"",
           "\"rrname\":\"a.example\",\"rrtype\":\"A\",\"rdata\":\"192.0.2.7\",\"answers\":[{"
           "\"rrname\":\"c.example\",\"rrtype\":\"A\",\"rdata\":\"192.0.2.8\"}]",
           "\"rrname\":\"a.example\",\"queries\":[{\"rrname\":\"q.example\",\"rrtype\":\"A\"}],"
           "\"rrtype\":\"A\",\"rdata\":\"192.0.2.7\""}) {
    for (const std::string& type : {"query", "answer"}) ExpectSame(DnsV2(type, members));
  }
}

TEST(EveFastPathTest, EveryDnsMutationMapsAlike) {
  size_t taken = 0, events = 0;
  const Fields base = DnsEvent(kQueries, kAnswers);
  for (size_t i = 0; i < base.size(); ++i) {
    auto removed = base;
    removed.erase(removed.begin() + i);
    taken += ExpectSame(Object(removed));
    ++events;
    for (const std::string& value : Values()) {
      auto changed = base;
      changed[i].second = value;
      taken += ExpectSame(Object(changed));
      ++events;
    }
  }
  // Records: names and data of every shape, members retyped or repeated, other layouts.
  const std::vector<std::string> names = {"\"Files.Example.COM\"",
                                          "\"files.example.com.\"",
                                          "\"\"",
                                          "\"-\"",
                                          "\"10.1.2.3\"",
                                          "\"2001:db8::5\"",
                                          "\"a b.example\"",
                                          "\"xn--bcher-kva.example\"",
                                          "\"under_score.example\"",
                                          "\"a/b.example\"",
                                          "null",
                                          "7",
                                          "[]"};
  for (const std::string& name : names) {
    for (const std::string& type :
         {"\"A\"", "\"AAAA\"", "\"CNAME\"", "\"PTR\"", "\"TXT\"", "null"}) {
      const std::string record =
          "{\"rrname\":" + name + ",\"rrtype\":" + type + ",\"rdata\":" + name + "}";
      taken += ExpectSame(Object(DnsEvent("[" + record + "]", "[" + record + "]")));
      ++events;
    }
  }
  for (const std::string& answers : std::vector<std::string>{
           "null", "{}", "\"x\"", "[null]", "[7]", "[[]]",
           "[{\"rrname\":\"a.example\",\"rrname\":\"b.example\",\"rrtype\":\"A\"}]",
           "[{\"rrname\":\"a.example\",\"rrtype\":\"SRV\",\"srv\":{\"name\":\"s.example\"}}]",
           "[{\"rrname\":\"a.example\",\"rrtype\":\"A\",\"rdata\":\"10.0.0.1\",\"ttl\":\"x\"}]"}) {
    taken += ExpectSame(Object(DnsEvent(kQueries, answers)));
    ++events;
  }
  std::string many = "[";
  for (int i = 0; i < 20; ++i) {
    many += std::string(i ? "," : "") + "{\"rrname\":\"h" + std::to_string(i) +
            ".example\",\"rrtype\":\"A\",\"rdata\":\"10.0.1." + std::to_string(i) + "\"}";
  }
  taken += ExpectSame(Object(DnsEvent(kQueries, many + "]")));
  ++events;
  for (const std::string& type : {"\"answer\"", "\"query\"", "\"request\"", "7", "null"}) {
    taken += ExpectSame(Object(DnsEvent(kQueries, kAnswers, type)));
    ++events;
  }
  // v2 layouts and members the fast path leaves to the general mapping.
  for (const std::string& extra :
       {"\"rrname\":\"v2.example\"", "\"grouped\":{\"A\":[\"10.0.0.1\"]}", "\"authorities\":[]",
        "\"additionals\":[]", "\"query\":[]", "\"answer\":{}", "\"queries\":[]",
        "\"type\":\"answer\""}) {
    auto fields = base;
    std::string& dns = fields.back().second;
    dns.insert(dns.size() - 1, "," + extra);
    taken += ExpectSame(Object(fields));
    ++events;
  }
  // A DNS event with a flow record, a flow event with a DNS record.
  auto with_flow = base;
  with_flow.emplace_back("flow", Object(FlowRecord()));
  taken += ExpectSame(Object(with_flow));
  auto flow_with_dns = FlowEvent();
  flow_with_dns.emplace_back("dns", base.back().second);
  taken += ExpectSame(Object(flow_with_dns));
  events += 2;
  // Both shapes occur (most mutations here are of records the fast path leaves alone).
  EXPECT_GT(taken, events / 8);
  EXPECT_LT(taken, events);
}

}  // namespace
}  // namespace concord::ingest
