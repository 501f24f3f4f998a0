// The adapters' probe fast paths (adapters.h) against the general mappings they stand in for:
// for every event, in probe mode, both must report the same calls to the sink, in the same
// order, and give the same result; and the fast path must really take the shapes it is for.
// The events are a conn event as Zeek writes it and mutations of it: each field removed, given
// each other JSON type or an out-of-range value, repeated, renamed, nested; extra fields; other
// log types.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "concord/ingest/fast_path_testing.h"

namespace concord::ingest {
namespace {

using fast_path_testing::ExpectSame;

// As a scan's plan for the bench's indicators reads a connection: the filter keeps dst_port
// and dst_ref (and start, to test a kept time), the sink reads those and the addresses' values.
bool ExpectSame(const LogContext& context, const std::string& line) {
  observe::PropertyFilter filter;
  filter.Allow("network-traffic", "dst_port");
  filter.Allow("network-traffic", "dst_ref");
  filter.Allow("network-traffic", "start");
  filter.AllowOnAnyType("value");
  const std::set<std::string> plan = {"ipv4-addr",
                                      "ipv4-addr.value",
                                      "network-traffic",
                                      "network-traffic.dst_port",
                                      "network-traffic.dst_ref",
                                      "network-traffic.start"};
  return ExpectSame(context, line, filter, plan);
}

LogContext ZeekContext(std::string path) {
  LogContext c;
  c.format = LogFormat::kZeekJson;
  c.zeek_path = std::move(path);
  return c;
}

// A conn event as Zeek 6 writes it, as (name, JSON value) pairs in Zeek's order.
std::vector<std::pair<std::string, std::string>> ConnFields() {
  return {{"_path", "\"conn\""},
          {"ts", "1577836800.001254"},
          {"uid", "\"C8da252d9e8fe12577\""},
          {"id.orig_h", "\"10.0.36.227\""},
          {"id.orig_p", "64934"},
          {"id.resp_h", "\"160.65.230.212\""},
          {"id.resp_p", "443"},
          {"proto", "\"tcp\""},
          {"service", "\"ssl\""},
          {"duration", "80.585"},
          {"orig_bytes", "1554"},
          {"resp_bytes", "85332"},
          {"conn_state", "\"SF\""},
          {"local_orig", "true"},
          {"local_resp", "false"},
          {"missed_bytes", "0"},
          {"history", "\"ShADadFf\""},
          {"orig_pkts", "40"},
          {"orig_ip_bytes", "2794"},
          {"resp_pkts", "106"},
          {"resp_ip_bytes", "354299"}};
}

std::string Line(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out = "{";
  for (const auto& [name, value] : fields) {
    if (out.size() > 1) out += ",";
    out += "\"" + name + "\":" + value;
  }
  return out + "}";
}

TEST(ZeekFastPathTest, TakesConnEventsAsZeekWritesThem) {
  const LogContext conn = ZeekContext("conn");
  EXPECT_TRUE(ExpectSame(conn, Line(ConnFields())));
  // Without "_path", by the file's name.
  auto fields = ConnFields();
  fields.erase(fields.begin());
  EXPECT_TRUE(ExpectSame(conn, Line(fields)));
  EXPECT_FALSE(ExpectSame(ZeekContext("dns"), Line(fields)));
  // Both ends one address; an unset end; no service; a list of services.
  for (auto [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"id.resp_h", "\"10.0.36.227\""},
                                                        {"id.resp_h", "\"-\""},
                                                        {"id.orig_h", "\"\""},
                                                        {"service", "\"-\""},
                                                        {"service", "\"SSL,http,-dpd,ssl\""},
                                                        {"proto", "\"UDP\""},
                                                        {"duration", "0"},
                                                        {"duration", "2000000000.5"},
                                                        {"duration", "-1"},
                                                        {"ts", "1577836800"},
                                                        {"resp_bytes", "0"}}) {
    auto changed = ConnFields();
    for (auto& field : changed) {
      if (field.first == name) field.second = value;
    }
    EXPECT_TRUE(ExpectSame(conn, Line(changed))) << name << " " << value;
  }
}

TEST(ZeekFastPathTest, EveryMutationMapsAlike) {
  const LogContext conn = ZeekContext("conn");
  const std::vector<std::string> values = {"null",
                                           "\"text\"",
                                           "\"-\"",
                                           "\"\"",
                                           "1.5",
                                           "-1",
                                           "70000",
                                           "1e20",
                                           "true",
                                           "[]",
                                           "[\"10.0.0.9\"]",
                                           "{}",
                                           "\"80\"",
                                           "\"10.9.8.7\"",
                                           "\"2001:db8::1\"",
                                           "\"::ffff:10.0.0.1\"",
                                           "\"00:11:22:33:44:55\"",
                                           "18446744073709551615",
                                           "9223372036854775807",
                                           "0"};
  size_t taken = 0, events = 0;
  const auto base = ConnFields();
  for (size_t i = 0; i < base.size(); ++i) {
    auto removed = base;
    removed.erase(removed.begin() + i);
    taken += ExpectSame(conn, Line(removed));
    ++events;
    for (const std::string& value : values) {
      auto changed = base;
      changed[i].second = value;
      taken += ExpectSame(conn, Line(changed));
      ++events;
    }
    auto repeated = base;
    repeated.push_back(base[i]);
    taken += ExpectSame(conn, Line(repeated));
    ++events;
    if (base[i].first.find('.') != std::string::npos) {
      auto underscored = base;
      underscored[i].first[underscored[i].first.find('.')] = '_';
      taken += ExpectSame(conn, Line(underscored));
      ++events;
    }
  }
  // Extra fields: unnamed ones that hold addresses or not, another log's, "@stream", nested.
  for (auto [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"orig_l2_addr", "\"00:11:22:33:44:55\""},
           {"community_id", "\"1:abcdEF0123456789+/=\""},
           {"tunnel_parents", "[\"Cxyz\"]"},
           {"note", "\"10.1.2.3, 10.1.2.4\""},
           {"vlan", "12"},
           {"query", "\"www.example.com\""},
           {"@stream", "\"conn\""},
           {"id", "{\"orig_h\":\"10.5.5.5\"}"},
           {"_path", "\"dns\""},
           {"_path", "\"conn_long\""},
           {"_path", "\"-\""}}) {
    auto extra = base;
    extra.emplace_back(name, value);
    taken += ExpectSame(conn, Line(extra));
    ++events;
  }
  // ICMP: type and code as ports.
  auto icmp = base;
  icmp[7].second = "\"icmp\"";
  taken += ExpectSame(conn, Line(icmp));
  ++events;
  // Both shapes occur: the fast path takes many of these events and leaves many.
  EXPECT_GT(taken, events / 4);
  EXPECT_LT(taken, events);
}

}  // namespace
}  // namespace concord::ingest
