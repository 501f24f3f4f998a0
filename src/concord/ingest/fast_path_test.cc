// The adapters' probe fast paths (adapters.h) against the general mappings they stand in for:
// for every event, in probe mode, both must report the same calls to the sink, in the same
// order, and give the same result; and the fast path must really take the shapes it is for.
// The events are a conn event as Zeek writes it and mutations of it: each field removed, given
// each other JSON type or an out-of-range value, repeated, renamed, nested; extra fields; other
// log types.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "concord/ingest/event_mapper.h"
#include "concord/ingest/log_context.h"
#include "concord/observe/builder.h"
#include "concord/observe/builder_sink.h"
#include "concord/observe/property_filter.h"

namespace concord::ingest {
namespace {

// Records every call, in order. Paths not in `wanted` (when it is not empty) get kNone, as a
// detection plan's sink answers for what no indicator reads.
class RecordingSink final : public observe::BuilderSink {
 public:
  explicit RecordingSink(std::set<std::string> wanted = {}) : wanted_(std::move(wanted)) {}

  Cursor Object(std::string_view type) override {
    calls.push_back("object " + std::string(type));
    return New(std::string(type));
  }
  Cursor Member(Cursor parent, std::string_view key) override {
    const std::string path = paths_[parent] + "." + std::string(key);
    calls.push_back("member " + path);
    return New(path);
  }
  void Scalar(Cursor at, const Value& v, bool element) override {
    calls.push_back("scalar " + paths_[at] + (element ? "[]" : "") + " " +
                    std::to_string(static_cast<int>(v.kind)) + " " + std::string(v.text) + " " +
                    std::to_string(v.int_value) + Bytes(v.ipv4));
  }
  void Reference(Cursor at, std::string_view key, const Target& t, bool element) override {
    calls.push_back("reference " + paths_[at] + (element ? "[]" : "") + " " + std::string(key) +
                    " " + std::string(t.type) + " " + std::string(t.value) + " " +
                    (t.simple ? "simple" : "composite") + Bytes(t.ipv4));
  }
  void SimpleObject(std::string_view type, std::string_view value, const uint8_t* ipv4) override {
    calls.push_back("simple " + std::string(type) + " " + std::string(value) + Bytes(ipv4));
  }

  std::vector<std::string> calls;

 private:
  Cursor New(const std::string& path) {
    if (!wanted_.empty() && wanted_.count(path) == 0) return kNone;
    paths_.push_back(path);
    return static_cast<Cursor>(paths_.size() - 1);
  }
  static std::string Bytes(const uint8_t* ipv4) {
    if (ipv4 == nullptr) return "";
    return " [" + std::to_string(ipv4[0]) + "." + std::to_string(ipv4[1]) + "." +
           std::to_string(ipv4[2]) + "." + std::to_string(ipv4[3]) + "]";
  }
  std::set<std::string> wanted_;
  std::vector<std::string> paths_;
};

struct Probed {
  Status status;
  std::vector<std::string> calls;
  Timestamp time;
  bool fast = false;
};

Probed Probe(const LogContext& context, const std::string& line, bool fast,
             const observe::PropertyFilter* filter, const std::set<std::string>& wanted) {
  EventMapper mapper;
  mapper.set_fast_paths(fast);
  observe::Observation observation;
  observe::ObservationBuilder builder(&observation);
  builder.SetFilter(filter);
  RecordingSink sink(wanted);
  builder.SetProbe(&sink);
  Probed out;
  out.status = mapper.Map(context, line, &builder);
  out.calls = std::move(sink.calls);
  out.time = observation.first_observed;
  out.fast = mapper.fast_path_events() == 1;
  return out;
}

// Every comparison for one event; returns whether the fast path took it (with no filter).
bool ExpectSame(const LogContext& context, const std::string& line) {
  SCOPED_TRACE(line);
  // As a scan's plan for the bench's indicators reads network-traffic: the filter keeps
  // dst_port and dst_ref, the sink reads those and the addresses' values.
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
  bool took = false;
  for (int variant = 0; variant < 3; ++variant) {
    SCOPED_TRACE("variant " + std::to_string(variant));
    const observe::PropertyFilter* f = variant == 0 ? nullptr : &filter;
    const std::set<std::string> wanted = variant == 2 ? plan : std::set<std::string>{};
    const Probed general = Probe(context, line, false, f, wanted);
    const Probed fast = Probe(context, line, true, f, wanted);
    EXPECT_FALSE(general.fast);
    EXPECT_EQ(general.status.ok(), fast.status.ok());
    EXPECT_EQ(general.status.message(), fast.status.message());
    EXPECT_EQ(general.calls, fast.calls);
    if (general.status.ok()) EXPECT_EQ(general.time, fast.time);
    if (fast.fast) EXPECT_TRUE(fast.status.ok());
    if (variant == 0) took = fast.fast;
  }
  return took;
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
