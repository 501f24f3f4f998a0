// The adapters' probe fast paths (adapters.h) against the general mappings they stand in for:
// for every event, in probe mode, both must report the same calls to the sink, in the same
// order, and give the same result; and the fast path must really take the shapes it is for.
// The events are conn, dns, http, ssl and files events as Zeek writes them and mutations of them:
// each field removed, given each other JSON type or an out-of-range value, repeated, renamed,
// nested; extra fields; other log types; for dns, queries and answers of every kind.

#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "concord/ingest/fast_path_testing.h"

namespace concord::ingest {
namespace {

using fast_path_testing::JsonObject;

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

TEST(ZeekFastPathTest, TakesConnEventsAsZeekWritesThem) {
  const LogContext conn = ZeekContext("conn");
  EXPECT_TRUE(ExpectSame(conn, JsonObject(ConnFields())));
  // Without "_path", by the file's name.
  auto fields = ConnFields();
  fields.erase(fields.begin());
  EXPECT_TRUE(ExpectSame(conn, JsonObject(fields)));
  EXPECT_FALSE(ExpectSame(ZeekContext("dns"), JsonObject(fields)));
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
    EXPECT_TRUE(ExpectSame(conn, JsonObject(changed))) << name << " " << value;
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
    taken += ExpectSame(conn, JsonObject(removed));
    ++events;
    for (const std::string& value : values) {
      auto changed = base;
      changed[i].second = value;
      taken += ExpectSame(conn, JsonObject(changed));
      ++events;
    }
    auto repeated = base;
    repeated.push_back(base[i]);
    taken += ExpectSame(conn, JsonObject(repeated));
    ++events;
    if (base[i].first.find('.') != std::string::npos) {
      auto underscored = base;
      underscored[i].first[underscored[i].first.find('.')] = '_';
      taken += ExpectSame(conn, JsonObject(underscored));
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
    taken += ExpectSame(conn, JsonObject(extra));
    ++events;
  }
  // ICMP: type and code as ports.
  auto icmp = base;
  icmp[7].second = "\"icmp\"";
  taken += ExpectSame(conn, JsonObject(icmp));
  ++events;
  // Both shapes occur: the fast path takes many of these events and leaves many.
  EXPECT_GT(taken, events / 4);
  EXPECT_LT(taken, events);
}

// A dns event compared with three filters and plans: the conn one (which drops "extensions"),
// one that keeps the names and x-dns-ext's query, and one that keeps "extensions" but whose
// plan reads nothing in it. Returns whether the fast path took the event.
bool ExpectSameDns(const LogContext& context, const std::string& line) {
  const bool took = ExpectSame(context, line);
  observe::PropertyFilter filter;
  filter.Allow("network-traffic", "dst_port");
  filter.Allow("network-traffic", "dst_ref");
  filter.Allow("network-traffic", "extensions");
  filter.AllowOnAnyType("value");
  const std::set<std::string> plan = {"ipv4-addr",
                                      "ipv4-addr.value",
                                      "domain-name",
                                      "domain-name.value",
                                      "network-traffic",
                                      "network-traffic.dst_ref",
                                      "network-traffic.extensions",
                                      "network-traffic.extensions.x-dns-ext",
                                      "network-traffic.extensions.x-dns-ext.query"};
  EXPECT_EQ(took, ExpectSame(context, line, filter, plan));
  const std::set<std::string> outside = {"domain-name", "domain-name.value", "network-traffic",
                                         "network-traffic.extensions"};
  EXPECT_EQ(took, ExpectSame(context, line, filter, outside));
  return took;
}

// A dns event as Zeek 6 writes it (as the bench's generator writes it too).
std::vector<std::pair<std::string, std::string>> DnsFields() {
  return {{"_path", "\"dns\""},
          {"ts", "1577836800.008461"},
          {"uid", "\"Cb26e97480d8a7db84\""},
          {"id.orig_h", "\"10.0.18.245\""},
          {"id.orig_p", "60692"},
          {"id.resp_h", "\"10.0.0.53\""},
          {"id.resp_p", "53"},
          {"proto", "\"udp\""},
          {"trans_id", "18677"},
          {"rtt", "0.012"},
          {"query", "\"files.vvavpa.net\""},
          {"qclass", "1"},
          {"qclass_name", "\"C_INTERNET\""},
          {"qtype", "1"},
          {"qtype_name", "\"A\""},
          {"rcode", "0"},
          {"rcode_name", "\"NOERROR\""},
          {"AA", "false"},
          {"TC", "false"},
          {"RD", "true"},
          {"RA", "true"},
          {"Z", "0"},
          {"answers", "[\"205.96.75.37\"]"},
          {"TTLs", "[300.0]"},
          {"rejected", "false"}};
}

std::vector<std::pair<std::string, std::string>> WithField(
    std::vector<std::pair<std::string, std::string>> fields, const std::string& name,
    const std::string& value) {
  for (auto& field : fields) {
    if (field.first == name) field.second = value;
  }
  return fields;
}

// As many answers as the fast path takes (16 addresses), and one more.
std::string MostAnswers() {
  std::string list;
  for (int i = 4; i < 20; ++i) {
    list += (list.empty() ? "[\"1.2.3." : ",\"1.2.3.") + std::to_string(i) + "\"";
  }
  return list + "]";
}
std::string TooManyAnswers() {
  const std::string most = MostAnswers();
  return most.substr(0, most.size() - 1) + ",\"www.example.com\"]";
}

// Answers lists the fast path takes, and lists it leaves to the general mapping.
std::vector<std::string> TakenAnswers() {
  return {
      "[]",
      "[\"205.96.75.37\",\"205.96.75.38\",\"8.8.8.8\"]",
      "[\"205.96.75.37\",\"205.96.75.37\"]",                    // twice: one object
      "[\"10.0.0.53\",\"10.0.18.245\",\"10.0.0.54\"]",          // the ends: their objects
      "[\"files.vvavpa.net\"]",                                 // the query: its object
      "[\"cdn.vvavpa.net\",\"edge.cdn.example\",\"1.2.3.4\"]",  // a CNAME chain
      "[\"cdn.vvavpa.net\",\"1.2.3.4\",\"cdn.vvavpa.net\",\"1.2.3.4\"]",
      "[\"localhost\",\"1.2.3.4\"]",  // a name without a '.': not added
      "[\"_sip._udp.example.com\",\"a-b.example-1.org\"]",
      "[\"0.0.0.0\",\"255.255.255.255\"]",
      MostAnswers(),
      "\"205.96.75.37\"",  // one string: a list of one
      "\"www.example.com\"",
  };
}
std::vector<std::string> LeftAnswers() {
  return {
      "null",
      "[null]",
      "[1]",
      "[[\"1.2.3.4\"]]",
      "[{}]",
      "[\"1.2.3.4\",true]",
      "[\"WWW.Example.COM\"]",
      "[\"www.example.com.\"]",
      "[\"2001:db8::1\"]",
      "[\"::ffff:10.0.0.1\"]",
      "[\"TXT 12 v=spf1 -all\"]",
      "[\"TXT 35 this.has.dots\"]",
      "[\"-\"]",
      "[\"\"]",
      "[\"(empty)\"]",
      "[\"1.2.3.04\"]",
      "[\"1.2.3\"]",
      "[\"10.0.0.1.in-addr.arpa\",\"a/b.example\"]",
      "[\"xn--bcher-kva.example\",\"b\\u00fccher.example\"]",
      "[\"a b.example\"]",
      "[\"a@b.example\"]",
      TooManyAnswers(),
      "{}",
      "1",
      "true",
  };
}
// Queries likewise.
std::vector<std::string> TakenQueries() {
  return {
      "\"wpad\"",
      "\"-\"",
      "\"\"",
      "\"(empty)\"",
      "\"1.2.3.4.in-addr.arpa\"",
      "\"_ldap._tcp.dc._msdcs.corp.example\"",
      "\"205.96.75.37.example\"",
  };
}
std::vector<std::string> LeftQueries() {
  return {
      "\"FILES.vvavpa.net\"",
      "\"files.vvavpa.net.\"",
      "\".\"",
      "\"10.0.0.53\"",
      "\"1.2.3\"",
      "\"2001:db8::1\"",
      "\"a b\"",
      "\"a/b.example\"",
      "\"b\\u00fccher.example\"",
      "\"-.\"",
      "null",
      "1",
      "[\"files.vvavpa.net\"]",
  };
}

TEST(ZeekFastPathTest, TakesDnsEventsAsZeekWritesThem) {
  const LogContext dns = ZeekContext("dns");
  EXPECT_TRUE(ExpectSameDns(dns, JsonObject(DnsFields())));
  // Under another file's name: "_path" says what it is.
  EXPECT_TRUE(ExpectSameDns(ZeekContext("conn"), JsonObject(DnsFields())));
  EXPECT_TRUE(ExpectSameDns(dns, JsonObject(WithField(DnsFields(), "_path", "\"dns_eth0\""))));
  // Without "_path", by the file's name.
  auto fields = DnsFields();
  fields.erase(fields.begin());
  EXPECT_TRUE(ExpectSameDns(dns, JsonObject(fields)));
  EXPECT_FALSE(ExpectSameDns(ZeekContext("conn"), JsonObject(fields)));
  EXPECT_FALSE(ExpectSameDns(ZeekContext("http"), JsonObject(fields)));
  // "_path" elsewhere than first.
  fields.emplace_back("_path", "\"dns\"");
  EXPECT_TRUE(ExpectSameDns(dns, JsonObject(fields)));
  for (const std::string& answers : TakenAnswers()) {
    EXPECT_TRUE(ExpectSameDns(dns, JsonObject(WithField(DnsFields(), "answers", answers))))
        << answers;
  }
  for (const std::string& answers : LeftAnswers()) {
    EXPECT_FALSE(ExpectSameDns(dns, JsonObject(WithField(DnsFields(), "answers", answers))))
        << answers;
  }
  for (const std::string& query : TakenQueries()) {
    EXPECT_TRUE(ExpectSameDns(dns, JsonObject(WithField(DnsFields(), "query", query)))) << query;
  }
  for (const std::string& query : LeftQueries()) {
    EXPECT_FALSE(ExpectSameDns(dns, JsonObject(WithField(DnsFields(), "query", query)))) << query;
  }
  // A query of 253 bytes is a name; 254 is not.
  const std::string label(61, 'a');
  const std::string name253 =
      label + "." + label + "." + label + "." + std::string(59, 'b') + ".example";
  ASSERT_EQ(name253.size(), 253u);
  EXPECT_TRUE(
      ExpectSameDns(dns, JsonObject(WithField(DnsFields(), "query", "\"" + name253 + "\""))));
  EXPECT_FALSE(
      ExpectSameDns(dns, JsonObject(WithField(DnsFields(), "query", "\"a" + name253 + "\""))));
  // Both ends one address; an unset end; both unset, no ports (no flow at all); a name that is
  // an answer of one event and the query.
  for (auto [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"id.resp_h", "\"10.0.18.245\""},
                                                        {"id.resp_h", "\"-\""},
                                                        {"id.orig_h", "\"\""},
                                                        {"id.orig_h", "\"(empty)\""},
                                                        {"proto", "\"TCP\""},
                                                        {"proto", "\"-\""},
                                                        {"qtype_name", "\"-\""},
                                                        {"rcode_name", "\"\""},
                                                        {"ts", "1577836800"}}) {
    EXPECT_TRUE(ExpectSameDns(dns, JsonObject(WithField(DnsFields(), name, value))))
        << name << " " << value;
  }
  // Two lists of answers, each as long as taken: the first wins in the general mapping.
  auto twice = DnsFields();
  twice.emplace_back("answers", MostAnswers());
  EXPECT_FALSE(ExpectSameDns(dns, JsonObject(WithField(twice, "answers", MostAnswers()))));
  auto no_flow = DnsFields();
  std::erase_if(no_flow, [](const auto& f) { return f.first.starts_with("id."); });
  EXPECT_TRUE(ExpectSameDns(dns, JsonObject(no_flow)));
  EXPECT_TRUE(
      ExpectSameDns(dns, JsonObject(WithField(no_flow, "answers", "[\"files.vvavpa.net\"]"))));
}

TEST(ZeekFastPathTest, EveryDnsMutationMapsAlike) {
  const LogContext dns = ZeekContext("dns");
  const std::vector<std::string> values = {"null",
                                           "\"text\"",
                                           "\"-\"",
                                           "\"\"",
                                           "\"(empty)\"",
                                           "1.5",
                                           "-1",
                                           "70000",
                                           "1e20",
                                           "true",
                                           "[]",
                                           "[\"10.0.0.9\"]",
                                           "[\"www.example.com\"]",
                                           "[300.0,\"10.0.0.9\"]",
                                           "{}",
                                           "\"53\"",
                                           "\"10.9.8.7\"",
                                           "\"10.0.0.53\"",
                                           "\"www.example.com\"",
                                           "\"WWW.example.com\"",
                                           "\"www.example.com.\"",
                                           "\"2001:db8::1\"",
                                           "\"::ffff:10.0.0.1\"",
                                           "\"00:11:22:33:44:55\"",
                                           "\"icmp\"",
                                           "18446744073709551615",
                                           "9223372036854775807",
                                           "0"};
  size_t taken = 0, events = 0;
  const auto base = DnsFields();
  for (size_t i = 0; i < base.size(); ++i) {
    auto removed = base;
    removed.erase(removed.begin() + i);
    taken += ExpectSameDns(dns, JsonObject(removed));
    ++events;
    for (const std::string& value : values) {
      auto changed = base;
      changed[i].second = value;
      taken += ExpectSameDns(dns, JsonObject(changed));
      ++events;
    }
    auto repeated = base;
    repeated.push_back(base[i]);
    taken += ExpectSameDns(dns, JsonObject(repeated));
    ++events;
    auto repeated_other = base;
    repeated_other.emplace_back(base[i].first, "[\"1.1.1.1\",\"one.example\"]");
    taken += ExpectSameDns(dns, JsonObject(repeated_other));
    ++events;
    if (base[i].first.find('.') != std::string::npos) {
      auto underscored = base;
      underscored[i].first[underscored[i].first.find('.')] = '_';
      taken += ExpectSameDns(dns, JsonObject(underscored));
      ++events;
    }
  }
  // Answers and queries of every kind, in events with one end, both ends alike, no ends.
  for (const auto& ends : std::vector<std::vector<std::pair<std::string, std::string>>>{
           base, WithField(base, "id.resp_h", "\"10.0.18.245\""),
           WithField(base, "id.orig_h", "\"-\""),
           WithField(WithField(base, "id.orig_h", "\"-\""), "id.resp_h", "\"-\"")}) {
    for (const auto& list : {TakenAnswers(), LeftAnswers()}) {
      for (const std::string& answers : list) {
        taken += ExpectSameDns(dns, JsonObject(WithField(ends, "answers", answers)));
        ++events;
      }
    }
    for (const auto& list : {TakenQueries(), LeftQueries()}) {
      for (const std::string& query : list) {
        taken += ExpectSameDns(dns, JsonObject(WithField(ends, "query", query)));
        ++events;
      }
    }
  }
  // Extra fields: unnamed ones that hold addresses or not (alone or in lists), other logs',
  // "@stream", nested; unnamed lists of every kind.
  for (auto [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"addl", "[\"ns1.example.com\"]"},
           {"auth", "[\"ns1.example.com\",\"ns2.example.com\"]"},
           {"original_query", "\"Files.VVAVPA.net\""},
           {"orig_l2_addr", "\"00:11:22:33:44:55\""},
           {"note", "\"10.1.2.3, 10.1.2.4\""},
           {"TTLs2", "[300.0,\"10.1.2.3\"]"},
           {"TTLs2", "[300.0,\"abc\",null,true,[\"10.1.2.3\"],{\"a\":\"10.1.2.3\"}]"},
           {"TTLs2", "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]"},
           {"TTLs2", "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]"},
           {"TTLs2", "[\"fe80::1%eth0\"]"},
           {"vlan", "12"},
           {"service", "\"dns\""},
           {"host", "\"www.example.com\""},
           {"duration", "1.0"},
           {"@stream", "\"dns\""},
           {"id", "{\"orig_h\":\"10.5.5.5\"}"},
           {"x", "{\"y\":1}"},
           {"_path", "\"dns\""},
           {"_path", "\"conn\""},
           {"_path", "\"dns_long\""},
           {"_path", "\"-\""}}) {
    auto extra = base;
    extra.emplace_back(name, value);
    taken += ExpectSameDns(dns, JsonObject(extra));
    ++events;
  }
  // Both shapes occur: the fast path takes many of these events and leaves many.
  EXPECT_GT(taken, events / 4);
  EXPECT_LT(taken, events);
}

// json-streaming-logs, as in public research datasets: "@stream" first, "@system" and "@proc",
// underscored names, the MAC addresses of both ends in unnamed fields.
std::vector<std::pair<std::string, std::string>> StreamingConnFields() {
  return {{"@stream", "\"conn\""},
          {"@system", "\"bobs.bigwheel.local\""},
          {"@proc", "\"zeek\""},
          {"ts", "1588205199.82437"},
          {"uid", "\"Cvf4XX17hSAgXDdGEd\""},
          {"id_orig_h", "\"10.0.1.6\""},
          {"id_orig_p", "54243"},
          {"id_resp_h", "\"10.0.0.4\""},
          {"id_resp_p", "53"},
          {"proto", "\"udp\""},
          {"service", "\"dns\""},
          {"duration", "0.001528024673461914"},
          {"orig_bytes", "39"},
          {"resp_bytes", "55"},
          {"conn_state", "\"SF\""},
          {"missed_bytes", "0"},
          {"history", "\"Dd\""},
          {"orig_pkts", "1"},
          {"orig_ip_bytes", "67"},
          {"resp_pkts", "1"},
          {"resp_ip_bytes", "83"},
          {"orig_l2_addr", "\"00:0d:3a:13:e3:69\""},
          {"resp_l2_addr", "\"12:34:56:78:9a:bc\""}};
}

TEST(ZeekFastPathTest, TakesJsonStreamingEvents) {
  // The file's name says nothing: "@stream" does.
  const LogContext any = ZeekContext("");
  EXPECT_TRUE(ExpectSame(any, JsonObject(StreamingConnFields())));
  auto dns = StreamingConnFields();
  dns[0].second = "\"dns\"";
  dns.resize(10);
  dns.emplace_back("query", "\"newyork.dmevals.local\"");
  dns.emplace_back("qtype_name", "\"A\"");
  dns.emplace_back("rcode_name", "\"NOERROR\"");
  dns.emplace_back("answers", "[\"10.0.0.4\"]");
  dns.emplace_back("TTLs", "[3600.0]");
  EXPECT_TRUE(ExpectSameDns(any, JsonObject(dns)));
  // Both MAC addresses alike, in upper case, with '-'; one that is not hex.
  for (const auto& [orig, resp] : std::vector<std::pair<std::string, std::string>>{
           {"\"00:0d:3a:13:e3:69\"", "\"00:0d:3a:13:e3:69\""},
           {"\"00:0D:3A:13:E3:69\"", "\"00-0d-3a-13-e3-69\""}}) {
    EXPECT_TRUE(
        ExpectSame(any, JsonObject(WithField(WithField(StreamingConnFields(), "orig_l2_addr", orig),
                                             "resp_l2_addr", resp))));
  }
  EXPECT_TRUE(ExpectSame(
      any, JsonObject(WithField(StreamingConnFields(), "orig_l2_addr", "\"0g:0d:3a:13:e3:69\""))));
}

TEST(ZeekFastPathTest, EveryJsonStreamingMutationMapsAlike) {
  const LogContext any = ZeekContext("");
  const LogContext conn = ZeekContext("conn");
  const std::vector<std::string> values = {"null",
                                           "\"-\"",
                                           "\"\"",
                                           "\"dns\"",
                                           "\"conn\"",
                                           "7",
                                           "[]",
                                           "{}",
                                           "\"10.9.8.7\"",
                                           "\"a.b\"",
                                           "\"ab:cd\"",
                                           "\"fe80::1%eth0\"",
                                           "\"1.2.3.4, 5.6.7.8\"",
                                           "\"00:11:22:33:44:55\"",
                                           "\"00:11:22:33:44\"",
                                           "\"00-11-22-33-44-55\"",
                                           "\"0011.2233.4455\"",
                                           "[\"00:11:22:33:44:55\",\"aa:bb:cc:dd:ee:ff\"]",
                                           "\"deadbeef\"",
                                           "\"dead.beef\""};
  size_t taken = 0, events = 0;
  const auto base = StreamingConnFields();
  for (const LogContext* context : {&any, &conn}) {
    for (size_t i = 0; i < base.size(); ++i) {
      auto removed = base;
      removed.erase(removed.begin() + i);
      taken += ExpectSame(*context, JsonObject(removed));
      ++events;
      for (const std::string& value : values) {
        auto changed = base;
        changed[i].second = value;
        taken += ExpectSame(*context, JsonObject(changed));
        ++events;
      }
      auto repeated = base;
      repeated.push_back(base[i]);
      taken += ExpectSame(*context, JsonObject(repeated));
      ++events;
    }
    // "_path" beside "@stream", first or later; more MACs than the fast path keeps.
    for (const auto& extra :
         std::vector<std::pair<std::string, std::string>>{{"_path", "\"conn\""},
                                                          {"_path", "\"dns\""},
                                                          {"_path", "\"-\""},
                                                          {"@stream", "\"conn\""},
                                                          {"l2_a", "\"00:00:00:00:00:01\""}}) {
      auto later = base;
      later.push_back(extra);
      taken += ExpectSame(*context, JsonObject(later));
      auto first = base;
      first.insert(first.begin(), extra);
      taken += ExpectSame(*context, JsonObject(first));
      events += 2;
    }
    auto macs = base;
    for (int i = 0; i < 4; ++i) {
      macs.emplace_back("mac" + std::to_string(i), "\"00:00:00:00:00:0" + std::to_string(i) + "\"");
    }
    taken += ExpectSame(*context, JsonObject(macs));
    ++events;
  }
  EXPECT_GT(taken, events / 4);
  EXPECT_LT(taken, events);
}

// An http event compared with the conn filter and plan, and with filters and plans that keep
// what http events write: the host and URL, the files' members, http-request-ext (all of it,
// or only its request header's Host), and "extensions" with nothing read inside. Returns whether
// the fast path took the event.
bool ExpectSameHttp(const LogContext& context, const std::string& line) {
  const bool took = ExpectSame(context, line);
  observe::PropertyFilter filter;
  filter.Allow("network-traffic", "dst_ref");
  filter.Allow("network-traffic", "extensions");
  filter.Allow("network-traffic", "protocols");
  filter.Allow("file", "name");
  filter.Allow("file", "mime_type");
  filter.AllowOnAnyType("value");
  const std::set<std::string> plan = {
      "ipv4-addr",
      "ipv4-addr.value",
      "domain-name",
      "domain-name.value",
      "url",
      "url.value",
      "file",
      "file.name",
      "file.mime_type",
      "network-traffic",
      "network-traffic.dst_ref",
      "network-traffic.protocols",
      "network-traffic.extensions",
      "network-traffic.extensions.http-request-ext",
      "network-traffic.extensions.http-request-ext.request_method",
      "network-traffic.extensions.http-request-ext.request_value",
      "network-traffic.extensions.http-request-ext.request_version",
      "network-traffic.extensions.http-request-ext.request_header",
      "network-traffic.extensions.http-request-ext.request_header.Host",
      "network-traffic.extensions.http-request-ext.request_header.User-Agent",
      "network-traffic.extensions.http-request-ext.request_header.Referer"};
  EXPECT_EQ(took, ExpectSame(context, line, filter, plan));
  const std::set<std::string> host_only = {
      "url",
      "url.value",
      "file",
      "file.x_zeek_fuid",
      "network-traffic",
      "network-traffic.extensions",
      "network-traffic.extensions.http-request-ext",
      "network-traffic.extensions.http-request-ext.request_header",
      "network-traffic.extensions.http-request-ext.request_header.Host"};
  EXPECT_EQ(took, ExpectSame(context, line, filter, host_only));
  const std::set<std::string> outside = {"url", "url.value", "network-traffic",
                                         "network-traffic.extensions"};
  EXPECT_EQ(took, ExpectSame(context, line, filter, outside));
  // A filter that keeps only the files' ids: file objects of only a name or a type are empty.
  observe::PropertyFilter fuids;
  fuids.Allow("file", "x_zeek_fuid");
  fuids.Allow("network-traffic", "src_ref");
  fuids.AllowOnAnyType("value");
  EXPECT_EQ(took, ExpectSame(context, line, fuids, host_only));
  return took;
}

// An http event as Zeek 6 writes it (as the bench's generator writes it too), with a referrer.
std::vector<std::pair<std::string, std::string>> HttpFields() {
  return {{"_path", "\"http\""},
          {"ts", "1577836800.003578"},
          {"uid", "\"C3fcf0134855f887c9\""},
          {"id.orig_h", "\"10.0.43.121\""},
          {"id.orig_p", "49999"},
          {"id.resp_h", "\"195.161.213.6\""},
          {"id.resp_p", "80"},
          {"trans_depth", "1"},
          {"method", "\"GET\""},
          {"host", "\"update.vgzegogt.io\""},
          {"uri", "\"/mail/87a4132f\""},
          {"referrer", "\"http://www.example.com/\""},
          {"version", "\"1.1\""},
          {"user_agent", "\"Microsoft-CryptoAPI/10.0\""},
          {"request_body_len", "0"},
          {"response_body_len", "79063"},
          {"status_code", "200"},
          {"status_msg", "\"OK\""},
          {"tags", "[]"},
          {"resp_fuids", "[\"F564421f9aae3ef53\"]"},
          {"resp_mime_types", "[\"text/html\"]"}};
}

// json-streaming-logs' http event (as in a public research dataset): the host an address.
std::vector<std::pair<std::string, std::string>> StreamingHttpFields() {
  return {{"@stream", "\"http\""},
          {"@system", "\"simplerockbuild.simplerock.lan\""},
          {"@proc", "\"zeek\""},
          {"ts", "1588206738.09551"},
          {"uid", "\"ChOJWf3yQbPwENbBK1\""},
          {"id_orig_h", "\"10.0.1.4\""},
          {"id_orig_p", "60757"},
          {"id_resp_h", "\"192.168.0.4\""},
          {"id_resp_p", "80"},
          {"trans_depth", "1"},
          {"method", "\"OPTIONS\""},
          {"host", "\"192.168.0.4\""},
          {"uri", "\"/\""},
          {"version", "\"1.1\""},
          {"user_agent", "\"DavClnt\""},
          {"request_body_len", "0"},
          {"response_body_len", "209"},
          {"status_code", "403"},
          {"status_msg", "\"Forbidden\""},
          {"tags", "[]"},
          {"resp_fuids", "[\"F7rWMf1rWbywzkeiU\"]"},
          {"resp_mime_types", "[\"text/html\"]"},
          {"client_header_names", "[\"CONNECTION\",\"USER-AGENT\",\"TRANSLATE\",\"HOST\"]"},
          {"orig_l2_addr", "\"00:0d:3a:13:e3:69\""}};
}

// Values of host, uri and the lists the fast path takes, and ones it leaves.
std::vector<std::pair<std::string, std::string>> TakenHttpValues() {
  return {{"host", "\"-\""},
          {"host", "\"\""},
          {"host", "\"(empty)\""},
          {"host", "\"localhost\""},
          {"host", "\"195.161.213.6\""},  // the responder: its object
          {"host", "\"10.0.43.121\""},    // the originator
          {"host", "\"8.8.8.8\""},
          {"host", "\"_a-b.example-1.org\""},
          {"uri", "\"/\""},
          {"uri", "\"\""},
          {"uri", "\"-\""},
          {"uri", "\"*\""},
          {"uri", "\"mail/87a4132f\""},
          {"uri", "\"http://other.example/x\""},
          {"uri", "\"https://other.example:8443/x?y=1\""},
          {"uri", "\"/x?u=http://a.example/\""},
          {"uri", "\"/a://b\""},
          {"uri", "\"update.vgzegogt.io:443\""},
          {"uri", "\"/%00%ff\\u00fc\""},
          {"method", "\"-\""},
          {"method", "\"\""},
          {"version", "\"-\""},
          {"version", "\"0123456789abcdef\""},   // 16 bytes: written
          {"version", "\"0123456789abcdefg\""},  // 17: not
          {"user_agent", "\"\""},
          {"referrer", "\"-\""},
          {"resp_fuids", "[]"},
          {"resp_fuids", "[\"-\"]"},
          {"resp_fuids", "[\"Fa\",\"Fb\",\"Fa\"]"},
          {"resp_mime_types", "[\"text/html\",\"image/png\",\"-\",\"\"]"},
          {"resp_mime_types", "[]"},
          {"resp_fuids", "[\"F1\",\"F2\",\"F3\",\"F4\",\"F5\",\"F6\",\"F7\",\"F8\"]"}};
}
std::vector<std::pair<std::string, std::string>> LeftHttpValues() {
  return {{"host", "\"Update.vgzegogt.io\""},
          {"host", "\"update.vgzegogt.io:8080\""},
          {"host", "\"update.vgzegogt.io.\""},
          {"host", "\"195.161.213.6:8080\""},
          {"host", "\"[2001:db8::1]:80\""},
          {"host", "\"2001:db8::1\""},
          {"host", "\"195.161.213.06\""},
          {"host", "\"a b.example\""},
          {"host", "null"},
          {"host", "[\"update.vgzegogt.io\"]"},
          {"uri", "null"},
          {"uri", "7"},
          {"resp_fuids", "\"F564421f9aae3ef53\""},
          {"resp_fuids", "[\"F1\",\"F2\",\"F3\",\"F4\",\"F5\",\"F6\",\"F7\",\"F8\",\"F9\"]"},
          {"resp_fuids", "[null]"},
          {"resp_fuids", "[1]"},
          {"resp_mime_types", "{}"},
          {"id.resp_h", "\"2001:db8::1\""},
          {"id.resp_h", "null"}};
}

TEST(ZeekFastPathTest, TakesHttpEventsAsZeekWritesThem) {
  const LogContext http = ZeekContext("http");
  EXPECT_TRUE(ExpectSameHttp(http, JsonObject(HttpFields())));
  EXPECT_TRUE(ExpectSameHttp(ZeekContext(""), JsonObject(StreamingHttpFields())));
  EXPECT_TRUE(ExpectSameHttp(ZeekContext("conn"), JsonObject(HttpFields())));
  // Without "_path", by the file's name.
  auto fields = HttpFields();
  fields.erase(fields.begin());
  EXPECT_TRUE(ExpectSameHttp(http, JsonObject(fields)));
  EXPECT_FALSE(ExpectSameHttp(ZeekContext("dns"), JsonObject(fields)));
  for (const auto& [name, value] : TakenHttpValues()) {
    EXPECT_TRUE(ExpectSameHttp(http, JsonObject(WithField(HttpFields(), name, value))))
        << name << " " << value;
  }
  for (const auto& [name, value] : LeftHttpValues()) {
    EXPECT_FALSE(ExpectSameHttp(http, JsonObject(WithField(HttpFields(), name, value))))
        << name << " " << value;
  }
  // The URL of a relative uri without a host: the responder's address, with its port when not
  // 80; none without a responder.
  for (const char* port : {"80", "8080", "0", "65535"}) {
    EXPECT_TRUE(ExpectSameHttp(
        http, JsonObject(WithField(WithField(HttpFields(), "host", "\"-\""), "id.resp_p", port))));
  }
  EXPECT_TRUE(ExpectSameHttp(
      http, JsonObject(WithField(WithField(HttpFields(), "host", "\"-\""), "id.resp_h", "\"-\""))));
  auto no_port = WithField(HttpFields(), "host", "\"\"");
  std::erase_if(no_port, [](const auto& f) { return f.first == "id.resp_p"; });
  EXPECT_TRUE(ExpectSameHttp(http, JsonObject(no_port)));
  // Files both ways, lists of unequal lengths, names and types without ids.
  auto files = HttpFields();
  files.emplace_back("orig_fuids", "[\"Fo1\",\"Fo2\"]");
  files.emplace_back("orig_filenames", "[\"a.exe\"]");
  files.emplace_back("orig_mime_types", "[\"-\",\"application/x-dosexec\",\"text/plain\"]");
  files.emplace_back("resp_filenames", "[\"-\",\"b.zip\",\"c\"]");
  EXPECT_TRUE(ExpectSameHttp(http, JsonObject(files)));
  auto no_ids = HttpFields();
  std::erase_if(no_ids, [](const auto& f) { return f.first == "resp_fuids"; });
  no_ids.emplace_back("resp_filenames", "[\"x.txt\",\"-\"]");
  EXPECT_TRUE(ExpectSameHttp(http, JsonObject(no_ids)));
  // Ends and host one address, no ends at all.
  EXPECT_TRUE(ExpectSameHttp(
      http, JsonObject(WithField(WithField(HttpFields(), "id.orig_h", "\"195.161.213.6\""), "host",
                                 "\"195.161.213.6\""))));
  auto no_flow = HttpFields();
  std::erase_if(no_flow, [](const auto& f) { return f.first.starts_with("id."); });
  EXPECT_TRUE(ExpectSameHttp(http, JsonObject(no_flow)));
  EXPECT_TRUE(ExpectSameHttp(http, JsonObject(WithField(no_flow, "host", "\"-\""))));
  // Proxied headers, "proto": the general mapping's.
  auto proxied = HttpFields();
  proxied.emplace_back("proxied", "[\"X-FORWARDED-FOR -> 192.0.2.1\"]");
  EXPECT_FALSE(ExpectSameHttp(http, JsonObject(proxied)));
  auto proto = HttpFields();
  proto.emplace_back("proto", "\"tcp\"");
  EXPECT_FALSE(ExpectSameHttp(http, JsonObject(proto)));
}

// The JSON values every field of the mutation tests is given in turn.
std::vector<std::string> MutationValues() {
  return {"null",
          "\"text\"",
          "\"-\"",
          "\"\"",
          "\"(empty)\"",
          "1.5",
          "-1",
          "70000",
          "1e20",
          "true",
          "[]",
          "[\"10.0.0.9\"]",
          "[\"www.example.com\"]",
          "[\"a\",\"-\",\"b\"]",
          "[300.0,\"10.0.0.9\"]",
          "[[\"x\"]]",
          "{}",
          "{\"a\":\"10.0.0.9\"}",
          "\"80\"",
          "\"10.9.8.7\"",
          "\"195.161.213.6\"",
          "\"www.example.com\"",
          "\"WWW.example.com\"",
          "\"www.example.com.\"",
          "\"www.example.com:8080\"",
          "\"2001:db8::1\"",
          "\"[2001:db8::1]:8080\"",
          "\"::ffff:10.0.0.1\"",
          "\"00:11:22:33:44:55\"",
          "\"/\"",
          "\"http://a.example/b\"",
          "\"icmp\"",
          "\"DTLSv12\"",
          "\"0123456789abcdef0123456789ABCDEF\"",
          "18446744073709551615",
          "0"};
}

// Each field of `base` removed, given each value, repeated, repeated with another value and
// underscored; then each of `extras` added. Counts the events and the ones taken.
template <typename Compare>
void Mutate(const LogContext& context, const std::vector<std::pair<std::string, std::string>>& base,
            const std::vector<std::pair<std::string, std::string>>& extras, Compare&& compare,
            size_t* taken, size_t* events) {
  for (size_t i = 0; i < base.size(); ++i) {
    auto removed = base;
    removed.erase(removed.begin() + i);
    *taken += compare(context, JsonObject(removed));
    ++*events;
    for (const std::string& value : MutationValues()) {
      auto changed = base;
      changed[i].second = value;
      *taken += compare(context, JsonObject(changed));
      ++*events;
    }
    auto repeated = base;
    repeated.push_back(base[i]);
    *taken += compare(context, JsonObject(repeated));
    auto repeated_other = base;
    repeated_other.emplace_back(base[i].first, "[\"1.1.1.1\",\"one.example\"]");
    *taken += compare(context, JsonObject(repeated_other));
    *events += 2;
    if (base[i].first.find('.') != std::string::npos) {
      auto underscored = base;
      underscored[i].first[underscored[i].first.find('.')] = '_';
      *taken += compare(context, JsonObject(underscored));
      ++*events;
    }
  }
  for (const auto& extra : extras) {
    auto later = base;
    later.push_back(extra);
    *taken += compare(context, JsonObject(later));
    ++*events;
  }
}

// Extra fields for every log type: unnamed ones that hold addresses or not, other logs',
// "_path" and "@stream", nested.
std::vector<std::pair<std::string, std::string>> ExtraFields() {
  return {{"orig_l2_addr", "\"00:11:22:33:44:55\""},
          {"note", "\"10.1.2.3, 10.1.2.4\""},
          {"x_list", "[300.0,\"10.1.2.3\"]"},
          {"x_list", "[\"fe80::1%eth0\"]"},
          {"x_list", "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]"},
          {"x_text", "\"deadbeef\""},
          {"vlan", "12"},
          {"service", "\"http\""},
          {"query", "\"www.example.com\""},
          {"proto", "\"udp\""},
          {"duration", "1.0"},
          {"@stream", "\"http\""},
          {"id", "{\"orig_h\":\"10.5.5.5\"}"},
          {"id", "{\"resp_p\":8080}"},
          {"x", "{\"y\":1}"},
          {"_path", "\"http\""},
          {"_path", "\"ssl\""},
          {"_path", "\"files\""},
          {"_path", "\"-\""}};
}

TEST(ZeekFastPathTest, EveryHttpMutationMapsAlike) {
  size_t taken = 0, events = 0;
  auto extras = ExtraFields();
  for (const auto& [name, value] : TakenHttpValues()) extras.emplace_back(name, value);
  for (const auto& [name, value] : LeftHttpValues()) extras.emplace_back(name, value);
  for (const char* list : {"orig_fuids", "orig_filenames", "orig_mime_types", "resp_filenames"}) {
    extras.emplace_back(list, "[\"a\",\"-\",\"b\"]");
    extras.emplace_back(list, "[\"\"]");
    extras.emplace_back(list, "\"a\"");
  }
  Mutate(ZeekContext("http"), HttpFields(), extras, ExpectSameHttp, &taken, &events);
  Mutate(ZeekContext(""), StreamingHttpFields(), ExtraFields(), ExpectSameHttp, &taken, &events);
  EXPECT_GT(taken, events / 4);
  EXPECT_LT(taken, events);
}

// An ssl event compared with the conn filter and plan, and with filters and plans that keep
// what ssl events write: the names, the certificates' hashes, issuer and subject, x-tls-ext
// (all of it, or only its ja3), and "extensions" with nothing read inside. Returns whether the
// fast path took the event.
bool ExpectSameSsl(const LogContext& context, const std::string& line) {
  const bool took = ExpectSame(context, line);
  observe::PropertyFilter filter;
  filter.Allow("network-traffic", "dst_ref");
  filter.Allow("network-traffic", "extensions");
  filter.Allow("network-traffic", "protocols");
  filter.Allow("x509-certificate", "hashes");
  filter.Allow("x509-certificate", "subject");
  filter.AllowOnAnyType("value");
  const std::set<std::string> plan = {"ipv4-addr",
                                      "ipv4-addr.value",
                                      "domain-name",
                                      "domain-name.value",
                                      "x509-certificate",
                                      "x509-certificate.hashes",
                                      "x509-certificate.hashes.MD5",
                                      "x509-certificate.hashes.SHA-1",
                                      "x509-certificate.hashes.SHA-256",
                                      "x509-certificate.hashes.SHA-512",
                                      "x509-certificate.subject",
                                      "x509-certificate.issuer",
                                      "network-traffic",
                                      "network-traffic.dst_ref",
                                      "network-traffic.protocols",
                                      "network-traffic.extensions",
                                      "network-traffic.extensions.x-tls-ext",
                                      "network-traffic.extensions.x-tls-ext.server_name",
                                      "network-traffic.extensions.x-tls-ext.version",
                                      "network-traffic.extensions.x-tls-ext.cipher",
                                      "network-traffic.extensions.x-tls-ext.ja3",
                                      "network-traffic.extensions.x-tls-ext.ja3s",
                                      "network-traffic.extensions.x-tls-ext.ja4",
                                      "network-traffic.extensions.x-tls-ext.ja4s"};
  EXPECT_EQ(took, ExpectSame(context, line, filter, plan));
  const std::set<std::string> ja3_only = {"x509-certificate",
                                          "x509-certificate.hashes",
                                          "x509-certificate.hashes.SHA-1",
                                          "network-traffic",
                                          "network-traffic.extensions",
                                          "network-traffic.extensions.x-tls-ext",
                                          "network-traffic.extensions.x-tls-ext.ja3"};
  EXPECT_EQ(took, ExpectSame(context, line, filter, ja3_only));
  // A filter that keeps the issuer but not the hashes.
  observe::PropertyFilter issuer;
  issuer.Allow("x509-certificate", "issuer");
  issuer.Allow("network-traffic", "src_ref");
  issuer.AllowOnAnyType("value");
  EXPECT_EQ(took, ExpectSame(context, line, issuer, plan));
  return took;
}

// An ssl event as Zeek 6 writes it (as the bench's generator writes it too), with the chain's
// fingerprints.
std::vector<std::pair<std::string, std::string>> SslFields() {
  return {{"_path", "\"ssl\""},
          {"ts", "1577836800.011785"},
          {"uid", "\"C3fd5ac89b0a262a9a\""},
          {"id.orig_h", "\"10.0.72.184\""},
          {"id.orig_p", "49532"},
          {"id.resp_h", "\"77.62.60.15\""},
          {"id.resp_p", "443"},
          {"version", "\"TLSv13\""},
          {"cipher", "\"TLS_AES_128_GCM_SHA256\""},
          {"curve", "\"x25519\""},
          {"server_name", "\"files.fbumgiriwkx.net\""},
          {"resumed", "false"},
          {"established", "true"},
          {"ssl_history", "\"CsiI\""},
          {"cert_chain_fps",
           "[\"9641629336852c530fff6cb315fa9556f66aaebe7a0791047033d45a01d9ad6a\","
           "\"94ed7ee8584263da3b78eb87e418e6354dd067c723445473c16f21e4e2bf2914\"]"},
          {"ja3", "\"b08f3098674b36a42b0105a852dda79c\""},
          {"ja3s", "\"e23944dd9ea36ae38aee228ac8a62389\""}};
}

// json-streaming-logs' ssl event (as in a public research dataset): the server name an
// address, the subject and issuer, a SHA-1, the chain by file id.
std::vector<std::pair<std::string, std::string>> StreamingSslFields() {
  return {{"@stream", "\"ssl\""},
          {"@system", "\"bobs.bigwheel.local\""},
          {"@proc", "\"zeek\""},
          {"ts", "1588207244.736422"},
          {"uid", "\"CpnezL3085IfcJzSAe\""},
          {"id_orig_h", "\"10.0.1.6\""},
          {"id_orig_p", "57091"},
          {"id_resp_h", "\"192.168.0.4\""},
          {"id_resp_p", "8443"},
          {"version", "\"TLSv12\""},
          {"cipher", "\"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\""},
          {"curve", "\"secp256r1\""},
          {"server_name", "\"192.168.0.4\""},
          {"resumed", "false"},
          {"established", "true"},
          {"cert_chain_fuids", "[\"F1v6sJmRC73GU6WT3\"]"},
          {"client_cert_chain_fuids", "[]"},
          {"subject",
           "\"emailAddress=synthesize@rempel.group.net,CN=rempel.group.net,OU=synthesize,"
           "O=Rempel Group,ST=SC,C=US\""},
          {"issuer",
           "\"emailAddress=synthesize@rempel.group.net,CN=rempel.group.net,OU=synthesize,"
           "O=Rempel Group,ST=SC,C=US\""},
          {"validation_status", "\"self signed certificate\""},
          {"resp_certificate_sha1", "\"d9105746ea023ecdc6a47e7b4d026d5308525b8c\""},
          {"ja3", "\"e0fe397a5edfba9a6facc7c7b341f4eb\""},
          {"ja3s", "\"e35df3e00ca4ef31d42b34bebaa2f86e\""},
          {"orig_l2_addr", "\"00:0d:3a:13:e3:69\""}};
}

const char kMd5[] = "18b3c0c897950aa29f1aec75a7703581";
const char kSha1[] = "4943c3e731d9ccafae72c4c0f3de08db59303e12";
const char kSha256[] = "9641629336852c530fff6cb315fa9556f66aaebe7a0791047033d45a01d9ad6a";

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }
std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Values the fast path takes, and ones it leaves.
std::vector<std::pair<std::string, std::string>> TakenSslValues() {
  const std::string sha512 = std::string(kSha256) + kSha256;
  return {{"server_name", "\"-\""},
          {"server_name", "\"\""},
          {"server_name", "\"localhost\""},
          {"server_name", "\"77.62.60.15\""},
          {"server_name", "\"8.8.8.8\""},
          {"version", "\"DTLSv12\""},
          {"version", "\"-\""},
          {"cipher", "\"\""},
          {"ja3", "\"B08F3098674B36A42B0105A852DDA79C\""},
          {"ja3", "\"b08f3098674b36a42b0105a852dda79\""},
          {"ja3", "\"b08f3098674b36a42b0105a852dda79g\""},
          {"ja3", "\"-\""},
          {"ja3s", "\"\""},
          {"ja4", "\"t13d1516h2_8daaf6152771_b0da82dd1658\""},
          {"ja4s", "\"t130200_1301_234ea6891581\""},
          {"cert_chain_fps", "[]"},
          {"cert_chain_fps", "[\"-\"]"},
          {"cert_chain_fps", "[" + Quoted(kSha1) + "]"},
          {"cert_chain_fps", "[" + Quoted(kMd5) + "," + Quoted(Upper(kSha256)) + "]"},
          {"cert_chain_fps", "[\"F1v6sJmRC73GU6WT3\"," + Quoted(sha512) + "]"},
          {"cert_chain_fps", "[\"ab:cd\"," + Quoted(kSha256) + "," + Quoted(kSha256) + "]"},
          {"cert_chain_fps", "[" + Quoted(std::string(kSha256) + "0") + "]"},
          {"subject", "\"CN=files.fbumgiriwkx.net\""},
          {"subject", "\"CN=FILES.Fbumgiriwkx.NET,O=Example\""},
          {"subject", "\"CN=*.example.com,O=Example\""},
          {"subject", "\"CN=localhost\""},
          {"subject", "\"O=Example\""},
          {"subject", "\"-\""},
          {"issuer", "\"CN=Example CA,O=Example\""},
          {"resp_certificate_sha1", Quoted(kSha1)},
          {"resp_certificate_sha1", Quoted(Upper(kSha1))},
          {"resp_certificate_sha1", Quoted(kMd5)},
          {"resp_certificate_sha1", "\"-\""}};
}
std::vector<std::pair<std::string, std::string>> LeftSslValues() {
  return {{"server_name", "\"Files.fbumgiriwkx.net\""},
          {"server_name", "\"files.fbumgiriwkx.net.\""},
          {"server_name", "\"2001:db8::1\""},
          {"server_name", "\"77.62.60.015\""},
          {"server_name", "null"},
          {"subject", "\"CN=files.example.,O=Example\""},
          {"subject", "\"CN=1.2.3.4.\""},
          {"subject", "\"CN=1.2.3.4\""},
          {"subject", "\"CN=10.0.1.6,O=x\""},
          {"subject", "null"},
          {"ja3", "null"},
          {"ja3", "32"},
          {"version", "[\"TLSv12\"]"},
          {"cert_chain_fps", Quoted(kSha256)},
          {"cert_chain_fps", "[null]"},
          {"cert_chain_fps", "[1]"},
          {"cert_chain_fps", "[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]"},
          {"resp_certificate_sha1", "7"}};
}

TEST(ZeekFastPathTest, TakesSslEventsAsZeekWritesThem) {
  const LogContext ssl = ZeekContext("ssl");
  EXPECT_TRUE(ExpectSameSsl(ssl, JsonObject(SslFields())));
  EXPECT_TRUE(ExpectSameSsl(ZeekContext(""), JsonObject(StreamingSslFields())));
  auto fields = SslFields();
  fields.erase(fields.begin());
  EXPECT_TRUE(ExpectSameSsl(ssl, JsonObject(fields)));
  EXPECT_FALSE(ExpectSameSsl(ZeekContext("http"), JsonObject(fields)));
  for (const auto& [name, value] : TakenSslValues()) {
    EXPECT_TRUE(ExpectSameSsl(ssl, JsonObject(WithField(SslFields(), name, value))))
        << name << " " << value;
    EXPECT_TRUE(
        ExpectSameSsl(ZeekContext(""), JsonObject(WithField(StreamingSslFields(), name, value))))
        << name << " " << value;
  }
  for (const auto& [name, value] : LeftSslValues()) {
    // In whichever base event has the field (SslFields has no subject, StreamingSslFields no
    // cert_chain_fps).
    const bool streaming = name == "subject" || name == "resp_certificate_sha1";
    EXPECT_FALSE(streaming ? ExpectSameSsl(ZeekContext(""),
                                           JsonObject(WithField(StreamingSslFields(), name, value)))
                           : ExpectSameSsl(ssl, JsonObject(WithField(SslFields(), name, value))))
        << name << " " << value;
  }
  // The chain by file id when no fingerprint: cert_chain_fuids holding fingerprints, either
  // list bad-typed while the other gives the chain.
  auto both = SslFields();
  both.emplace_back("cert_chain_fuids", "[" + Quoted(kMd5) + "]");
  EXPECT_TRUE(ExpectSameSsl(ssl, JsonObject(both)));
  EXPECT_TRUE(
      ExpectSameSsl(ssl, JsonObject(WithField(both, "cert_chain_fps", "[\"Fx\",\"-\",\"\"]"))));
  EXPECT_FALSE(ExpectSameSsl(ssl, JsonObject(WithField(both, "cert_chain_fuids", "[1]"))));
  EXPECT_FALSE(ExpectSameSsl(ssl, JsonObject(WithField(both, "cert_chain_fps", "[1]"))));
  // The CN is the server name (in another case); no ends; "proto" is the general mapping's.
  auto cn = SslFields();
  cn.emplace_back("subject", "\"CN=Files.fbumgiriwkx.net\"");
  EXPECT_TRUE(ExpectSameSsl(ssl, JsonObject(cn)));
  cn.emplace_back("resp_certificate_sha1", Quoted(kSha1));
  EXPECT_TRUE(ExpectSameSsl(ssl, JsonObject(cn)));
  auto no_flow = StreamingSslFields();
  std::erase_if(no_flow, [](const auto& f) { return f.first.starts_with("id_"); });
  EXPECT_TRUE(ExpectSameSsl(ZeekContext("ssl"), JsonObject(no_flow)));
  auto proto = SslFields();
  proto.emplace_back("proto", "\"tcp\"");
  EXPECT_FALSE(ExpectSameSsl(ssl, JsonObject(proto)));
}

TEST(ZeekFastPathTest, EverySslMutationMapsAlike) {
  size_t taken = 0, events = 0;
  auto extras = ExtraFields();
  for (const auto& [name, value] : TakenSslValues()) extras.emplace_back(name, value);
  for (const auto& [name, value] : LeftSslValues()) extras.emplace_back(name, value);
  extras.emplace_back("cert_chain_fuids", "[\"F1\"]");
  extras.emplace_back("cert_chain_fuids", "[" + Quoted(kSha1) + "]");
  extras.emplace_back("subject", "\"CN=files.fbumgiriwkx.net\"");
  extras.emplace_back("resp_certificate_sha1", Quoted(kSha1));
  Mutate(ZeekContext("ssl"), SslFields(), extras, ExpectSameSsl, &taken, &events);
  Mutate(ZeekContext(""), StreamingSslFields(), extras, ExpectSameSsl, &taken, &events);
  EXPECT_GT(taken, events / 4);
  EXPECT_LT(taken, events);
}

// A files event compared with the conn filter and plan, and with filters and plans that keep
// what files events write: the file's members and hashes, its directory (by reference and by
// path), the hosts. Returns whether the fast path took the event.
bool ExpectSameFiles(const LogContext& context, const std::string& line) {
  const bool took = ExpectSame(context, line);
  observe::PropertyFilter filter;
  filter.Allow("network-traffic", "dst_ref");
  filter.Allow("network-traffic", "protocols");
  filter.Allow("file", "hashes");
  filter.Allow("file", "name");
  filter.Allow("file", "size");
  filter.Allow("file", "parent_directory_ref");
  filter.Allow("directory", "path");
  filter.AllowOnAnyType("value");
  const std::set<std::string> plan = {"ipv4-addr",
                                      "ipv4-addr.value",
                                      "file",
                                      "file.name",
                                      "file.size",
                                      "file.mime_type",
                                      "file.hashes",
                                      "file.hashes.MD5",
                                      "file.hashes.SHA-1",
                                      "file.hashes.SHA-256",
                                      "file.hashes.SHA-512",
                                      "file.parent_directory_ref",
                                      "file.x_zeek_fuid",
                                      "directory",
                                      "directory.path",
                                      "network-traffic",
                                      "network-traffic.dst_ref",
                                      "network-traffic.protocols"};
  EXPECT_EQ(took, ExpectSame(context, line, filter, plan));
  const std::set<std::string> sha256 = {"file", "file.hashes", "file.hashes.SHA-256",
                                        "file.parent_directory_ref"};
  EXPECT_EQ(took, ExpectSame(context, line, filter, sha256));
  // A filter that keeps the reference but not the directory's path (no directory object), and
  // the fuid and mime type.
  observe::PropertyFilter no_path;
  no_path.Allow("file", "parent_directory_ref");
  no_path.Allow("file", "x_zeek_fuid");
  no_path.Allow("file", "mime_type");
  no_path.AllowOnAnyType("value");
  EXPECT_EQ(took, ExpectSame(context, line, no_path, plan));
  return took;
}

// A files event as Zeek 6 writes it (as the bench's generator writes it too).
std::vector<std::pair<std::string, std::string>> FilesFields() {
  return {{"_path", "\"files\""},
          {"ts", "1577836800.019008"},
          {"fuid", "\"F020611c84231c286\""},
          {"uid", "\"C885cc88b482480a2e\""},
          {"id.orig_h", "\"150.164.120.251\""},
          {"id.orig_p", "80"},
          {"id.resp_h", "\"10.3.220.186\""},
          {"id.resp_p", "51110"},
          {"source", "\"HTTP\""},
          {"depth", "0"},
          {"analyzers", "[\"MD5\",\"SHA1\",\"SHA256\"]"},
          {"mime_type", "\"application/x-dosexec\""},
          {"filename", "\"setup.exe\""},
          {"duration", "0.1"},
          {"is_orig", "false"},
          {"seen_bytes", "130603"},
          {"total_bytes", "104327"},
          {"missing_bytes", "0"},
          {"overflow_bytes", "0"},
          {"timedout", "false"},
          {"md5", Quoted(kMd5)},
          {"sha1", Quoted(kSha1)},
          {"sha256", Quoted(kSha256)}};
}

// json-streaming-logs' files event (as in a public research dataset): no ends, the hosts, a
// path for the file name.
std::vector<std::pair<std::string, std::string>> StreamingFilesFields() {
  return {{"@stream", "\"files\""},
          {"@system", "\"bobs.bigwheel.local\""},
          {"@proc", "\"zeek\""},
          {"ts", "1588206049.300416"},
          {"fuid", "\"FZ7E9x2gD5KHc8KoDg\""},
          {"tx_hosts", "[\"10.0.0.4\"]"},
          {"rx_hosts", "[\"10.0.1.6\"]"},
          {"conn_uids", "[\"CF37FuG0Jho600cAa\"]"},
          {"source", "\"SMB\""},
          {"depth", "0"},
          {"analyzers", "[\"MD5\",\"SHA1\"]"},
          {"mime_type", "\"text/ini\""},
          {"filename",
           "\"dmevals.local\\\\Policies\\\\{31B2F340-016D-11D2-945F-00C04FB984F9}\\\\gpt.ini\""},
          {"duration", "0.0"},
          {"is_orig", "false"},
          {"seen_bytes", "22"},
          {"total_bytes", "22"},
          {"missing_bytes", "0"},
          {"overflow_bytes", "0"},
          {"timedout", "false"},
          {"md5", "\"cc85d7649546d3c0b1607f761b73fec2\""},
          {"sha1", "\"1a1a10b819f321b91b47d7dd73668406a15992db\""}};
}

std::vector<std::pair<std::string, std::string>> TakenFilesValues() {
  const std::string sha512 = std::string(kSha256) + kSha256;
  return {{"filename", "\"-\""},
          {"filename", "\"\""},
          {"filename", "\"dir/sub/a.exe\""},
          {"filename", "\"/a.exe\""},
          {"filename", "\"dir/\""},
          {"filename", "\"./x\""},
          {"filename", "\"share\\\\x\""},
          {"filename", "\"a/b\\\\c/-\""},
          {"filename", "\"-/x\""},
          {"mime_type", "\"-\""},
          {"mime_type", "\"\""},
          {"fuid", "\"-\""},
          {"source", "\"SSL\""},
          {"source", "\"FTP_DATA\""},
          {"source", "\"http\""},
          {"source", "\"-\""},
          {"source", "\"SMB\""},
          {"md5", Quoted(Upper(kMd5))},
          {"md5", Quoted(kSha1)},
          {"md5", "\"-\""},
          {"md5", "\"\""},
          {"sha1", "\"4943c3e731d9ccafae72c4c0f3de08db59303e1g\""},
          {"sha256", Quoted(std::string(kSha256) + "0")},
          {"sha512", Quoted(sha512)},
          {"sha512", Quoted(Upper(sha512))},
          {"total_bytes", "0"},
          {"seen_bytes", "9223372036854775807"},
          {"duration", "0"},
          {"tx_hosts", "[]"},
          {"tx_hosts", "[\"10.0.0.4\",\"-\",\"10.0.0.4\",\"10.0.1.6\"]"},
          {"tx_hosts", "[\"150.164.120.251\",\"10.3.220.186\",\"10.9.9.9\"]"},
          {"rx_hosts", "[\"10.0.0.4\",\"10.0.0.5\"]"},
          {"rx_hosts", "[\"10.3.220.186\",\"\"]"}};
}
std::vector<std::pair<std::string, std::string>> LeftFilesValues() {
  return {{"tx_hosts", "\"10.0.0.4\""},
          {"tx_hosts", "[\"2001:db8::1\"]"},
          {"tx_hosts", "[\"host.example\"]"},
          {"tx_hosts", "[null]"},
          {"tx_hosts", "[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]"},
          {"rx_hosts", "{}"},
          {"filename", "null"},
          {"md5", "null"},
          {"md5", "5"},
          {"total_bytes", "-1"},
          {"total_bytes", "1.0"},
          {"total_bytes", "\"5\""},
          {"seen_bytes", "null"},
          {"duration", "\"0.1\""},
          {"source", "[\"HTTP\"]"}};
}

TEST(ZeekFastPathTest, TakesFilesEventsAsZeekWritesThem) {
  const LogContext files = ZeekContext("files");
  EXPECT_TRUE(ExpectSameFiles(files, JsonObject(FilesFields())));
  EXPECT_TRUE(ExpectSameFiles(ZeekContext(""), JsonObject(StreamingFilesFields())));
  auto fields = FilesFields();
  fields.erase(fields.begin());
  EXPECT_TRUE(ExpectSameFiles(files, JsonObject(fields)));
  EXPECT_FALSE(ExpectSameFiles(ZeekContext("ssl"), JsonObject(fields)));
  for (const auto& [name, value] : TakenFilesValues()) {
    EXPECT_TRUE(ExpectSameFiles(files, JsonObject(WithField(FilesFields(), name, value))))
        << name << " " << value;
    EXPECT_TRUE(ExpectSameFiles(ZeekContext(""),
                                JsonObject(WithField(StreamingFilesFields(), name, value))))
        << name << " " << value;
  }
  for (const auto& [name, value] : LeftFilesValues()) {
    EXPECT_FALSE(ExpectSameFiles(ZeekContext(""),
                                 JsonObject(WithField(StreamingFilesFields(), name, value))))
        << name << " " << value;
  }
  // Hosts beside the ends (the directory's number after theirs), ends alike, no total_bytes.
  for (const char* hosts : {"[\"10.0.0.4\"]", "[\"150.164.120.251\",\"10.0.0.7\"]",
                            "[\"10.3.220.186\",\"10.3.220.186\"]"}) {
    auto both = WithField(FilesFields(), "filename", "\"dir/a.exe\"");
    both.emplace_back("tx_hosts", hosts);
    both.emplace_back("rx_hosts", "[\"10.0.0.7\",\"10.0.0.8\"]");
    EXPECT_TRUE(ExpectSameFiles(files, JsonObject(both))) << hosts;
    EXPECT_TRUE(ExpectSameFiles(
        files, JsonObject(WithField(WithField(both, "id.orig_h", "\"10.3.220.186\""), "id.resp_h",
                                    "\"-\""))))
        << hosts;
    EXPECT_TRUE(
        ExpectSameFiles(files, JsonObject(WithField(both, "id.resp_h", "\"150.164.120.251\""))))
        << hosts;
  }
  auto no_total = FilesFields();
  std::erase_if(no_total, [](const auto& f) { return f.first == "total_bytes"; });
  EXPECT_TRUE(ExpectSameFiles(files, JsonObject(no_total)));
  auto proto = FilesFields();
  proto.emplace_back("proto", "\"tcp\"");
  EXPECT_FALSE(ExpectSameFiles(files, JsonObject(proto)));
}

TEST(ZeekFastPathTest, EveryFilesMutationMapsAlike) {
  size_t taken = 0, events = 0;
  auto extras = ExtraFields();
  for (const auto& [name, value] : TakenFilesValues()) extras.emplace_back(name, value);
  for (const auto& [name, value] : LeftFilesValues()) extras.emplace_back(name, value);
  extras.emplace_back("sha512", "\"-\"");
  extras.emplace_back("tx_hosts", "[\"10.3.220.186\",\"10.0.0.4\"]");
  Mutate(ZeekContext("files"), FilesFields(), extras, ExpectSameFiles, &taken, &events);
  Mutate(ZeekContext(""), StreamingFilesFields(), extras, ExpectSameFiles, &taken, &events);
  EXPECT_GT(taken, events / 4);
  EXPECT_LT(taken, events);
}

// A builder with limits below the defaults (a fuzzer's, say) could truncate what a fast path
// would report whole: the general mapping takes every event then.
TEST(ZeekFastPathTest, NotTakenWithSmallerBuilderLimits) {
  const LogContext conn = ZeekContext("conn");
  const std::string line = JsonObject(ConnFields());
  for (const observe::ObservationBuilder::Limits limits :
       {observe::ObservationBuilder::Limits{},
        observe::ObservationBuilder::Limits{.max_objects = 64},
        observe::ObservationBuilder::Limits{.max_value_bytes = 1 << 16}}) {
    EventMapper mapper;
    observe::Observation observation;
    observe::ObservationBuilder builder(&observation, limits);
    fast_path_testing::RecordingSink sink;
    builder.SetProbe(&sink);
    ASSERT_TRUE(mapper.Map(conn, line, &builder).ok());
    const bool defaults =
        limits.max_objects == observe::ObservationBuilder::Limits{}.max_objects &&
        limits.max_value_bytes == observe::ObservationBuilder::Limits{}.max_value_bytes;
    EXPECT_EQ(mapper.fast_path_events(), defaults ? 1u : 0u);
    EXPECT_FALSE(sink.calls.empty());
  }
}

}  // namespace
}  // namespace concord::ingest
