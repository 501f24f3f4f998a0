// The EVE adapter's probe fast path (suricata.cc) against its general mapping: a flow event as
// Suricata writes it and mutations of it (each member removed, given each other JSON type or an
// out-of-range value, repeated; members of other event types; the flow's own ends; other event
// types) must report the same calls to the sink, in the same order, with the same result.

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
  static const std::vector<std::string> values = {
      "null",     "\"text\"", "\"\"",    "1.5",  "-1",   "70000",          "1e20",
      "true",     "[]",       "{}",      "\"80\"", "0",  "\"10.9.8.7\"",   "\"2001:db8::1\"",
      "\"flow\"", "\"dns\"",  "\"2021-05-01T10:00:00Z\"",  "18446744073709551615",
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
  for (auto [name, value] : Fields{
           {"alert", "{\"signature\":\"x\",\"signature_id\":1}"},
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

}  // namespace
}  // namespace concord::ingest
