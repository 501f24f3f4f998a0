// The EVE adapter's probe fast path (suricata_fast_path.cc) against its general mapping: flow,
// DNS, HTTP, TLS, fileinfo and alert events as Suricata writes them and mutations of them (each
// member removed, given each other JSON type or an out-of-range value, repeated; members of other
// event types; the flow's own ends and an alert's direction; DNS records of every shape) must
// report the same calls to the sink, in the same order, with the same result.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "concord/ingest/fast_path_testing.h"

namespace concord::ingest {
namespace {

using fast_path_testing::JsonObject;

using Fields = std::vector<std::pair<std::string, std::string>>;

bool ExpectSame(const std::string& line) {
  LogContext context;
  context.format = LogFormat::kSuricataEve;
  observe::PropertyFilter filter;
  filter.Allow("network-traffic", "dst_port");
  filter.Allow("network-traffic", "dst_ref");
  filter.Allow("network-traffic", "end");
  filter.Allow("network-traffic", "protocols");
  filter.Allow("network-traffic", "extensions");
  filter.Allow("x509-certificate", "hashes");
  filter.Allow("x509-certificate", "subject");
  filter.Allow("x509-certificate", "validity_not_after");
  filter.Allow("file", "hashes");
  filter.Allow("file", "name");
  filter.Allow("file", "size");
  filter.AllowOnAnyType("value");
  const std::set<std::string> plan = {
      "ipv4-addr",
      "ipv4-addr.value",
      "domain-name",
      "domain-name.value",
      "url",
      "url.value",
      "network-traffic",
      "network-traffic.dst_port",
      "network-traffic.dst_ref",
      "network-traffic.end",
      "network-traffic.protocols",
      "network-traffic.extensions",
      "network-traffic.extensions.http-request-ext",
      "network-traffic.extensions.http-request-ext.request_method",
      "network-traffic.extensions.http-request-ext.request_header",
      "network-traffic.extensions.http-request-ext.request_header.User-Agent",
      "network-traffic.extensions.http-request-ext.x_status_code",
      "network-traffic.extensions.x-tls-ext",
      "network-traffic.extensions.x-tls-ext.ja3",
      "network-traffic.extensions.x-tls-ext.server_name",
      "network-traffic.extensions.x-suricata-alert",
      "network-traffic.extensions.x-suricata-alert.signature",
      "network-traffic.extensions.x-suricata-alert.signature_id",
      "x509-certificate",
      "x509-certificate.subject",
      "x509-certificate.hashes",
      "x509-certificate.hashes.SHA-1",
      "x509-certificate.validity_not_after",
      "file",
      "file.name",
      "file.size",
      "file.hashes",
      "file.hashes.SHA-256",
      "file.hashes.MD5"};
  return fast_path_testing::ExpectSame(context, line, filter, plan);
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
          {"flow", JsonObject(record)},
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

// Each member of `base` removed, given each of Values() and of `more`, and repeated; `wrap`
// makes the event line. Returns how many the fast path took; counts the events in `events`.
template <typename Wrap>
size_t MutateEach(const Fields& base, const std::vector<std::string>& more, Wrap wrap,
                  size_t* events) {
  size_t taken = 0;
  for (size_t i = 0; i < base.size(); ++i) {
    auto removed = base;
    removed.erase(removed.begin() + i);
    taken += ExpectSame(wrap(removed));
    ++*events;
    std::vector<std::string> values = Values();
    values.insert(values.end(), more.begin(), more.end());
    for (const std::string& value : values) {
      auto changed = base;
      changed[i].second = value;
      taken += ExpectSame(wrap(changed));
      ++*events;
    }
    auto repeated = base;
    repeated.push_back(base[i]);
    taken += ExpectSame(wrap(repeated));
    ++*events;
  }
  return taken;
}

// `base` with each of `extras` added as one more member, one at a time. Returns how many the
// fast path took; counts the events in `events`.
size_t AddEach(const Fields& base, const Fields& extras, size_t* events) {
  size_t taken = 0;
  for (const auto& extra : extras) {
    auto added = base;
    added.push_back(extra);
    taken += ExpectSame(JsonObject(added));
    ++*events;
  }
  return taken;
}

TEST(EveFastPathTest, TakesFlowEventsAsSuricataWritesThem) {
  EXPECT_TRUE(ExpectSame(JsonObject(FlowEvent())));
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
    EXPECT_TRUE(ExpectSame(JsonObject(changed))) << name << " " << value;
  }
}

TEST(EveFastPathTest, EveryMutationMapsAlike) {
  size_t taken = 0, events = 0;
  const Fields base = FlowEvent();
  taken += MutateEach(
      base, {}, [](const Fields& f) { return JsonObject(f); }, &events);
  // The flow record's members.
  const Fields record = FlowRecord();
  taken += MutateEach(
      record, {}, [](const Fields& f) { return JsonObject(FlowEvent(f)); }, &events);
  for (auto [name, value] : Fields{{"src_ip", "\"10.2.123.71\""},
                                   {"dest_ip", "\"62.165.231.153\""},
                                   {"src_port", "58743"},
                                   {"dest_port", "443"}}) {
    auto flow_ends = record;
    flow_ends.emplace_back(name, value);
    taken += ExpectSame(JsonObject(FlowEvent(flow_ends)));
    ++events;
  }
  // Members of other event types, and what the general mapping reads besides.
  taken += AddEach(base,
                   Fields{{"alert", "{\"signature\":\"x\",\"signature_id\":1}"},
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
                          {"host", "\"sensor-1\""}},
                   &events);
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
  EXPECT_TRUE(ExpectSame(JsonObject(DnsEvent(kQueries, kAnswers))));
  EXPECT_TRUE(ExpectSame(JsonObject(DnsEvent(kQueries, "[]", "\"query\""))));
  EXPECT_TRUE(ExpectSame(JsonObject(DnsEvent("[]", "[]"))));
  // A CNAME chain, an answer equal to an end, the same answer twice, MX with a preference.
  EXPECT_TRUE(ExpectSame(JsonObject(DnsEvent(
      kQueries,
      "[{\"rrname\":\"files.cmecxl.ru\",\"rrtype\":\"CNAME\",\"rdata\":\"cdn.example.net\"},"
      "{\"rrname\":\"cdn.example.net\",\"rrtype\":\"A\",\"rdata\":\"10.0.0.53\"},"
      "{\"rrname\":\"cdn.example.net\",\"rrtype\":\"A\",\"rdata\":\"10.0.0.53\"},"
      "{\"rrname\":\"files.cmecxl.ru\",\"rrtype\":\"MX\",\"rdata\":\"10 mx.example.net\"},"
      "{\"rrname\":\"files.cmecxl.ru\",\"rrtype\":\"TXT\",\"rdata\":\"v=spf1 -all\"}]"))));
}

// Version 2 writes one record per event: a query, or one answer.
std::string DnsV2(const std::string& type, const std::string& members) {
  return JsonObject(Fields{{"timestamp", "\"2024-12-18T19:36:48.669714-0500\""},
                           {"flow_id", "61653399336714"},
                           {"pcap_cnt", "151"},
                           {"event_type", "\"dns\""},
                           {"src_ip", "\"192.168.230.133\""},
                           {"src_port", "57813"},
                           {"dest_ip", "\"192.168.230.1\""},
                           {"dest_port", "53"},
                           {"proto", "\"UDP\""},
                           {"pkt_src", "\"wire/pcap\""},
                           {"dns", "{\"version\":2,\"type\":\"" + type + "\",\"id\":34098," +
                                       members + ",\"tx_id\":0,\"opcode\":0}"}});
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
    for (const char* type : {"query", "answer"}) ExpectSame(DnsV2(type, members));
  }
}

TEST(EveFastPathTest, EveryDnsMutationMapsAlike) {
  size_t taken = 0, events = 0;
  const Fields base = DnsEvent(kQueries, kAnswers);
  for (size_t i = 0; i < base.size(); ++i) {
    auto removed = base;
    removed.erase(removed.begin() + i);
    taken += ExpectSame(JsonObject(removed));
    ++events;
    for (const std::string& value : Values()) {
      auto changed = base;
      changed[i].second = value;
      taken += ExpectSame(JsonObject(changed));
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
    for (const char* type : {"\"A\"", "\"AAAA\"", "\"CNAME\"", "\"PTR\"", "\"TXT\"", "null"}) {
      const std::string record =
          "{\"rrname\":" + name + ",\"rrtype\":" + type + ",\"rdata\":" + name + "}";
      taken += ExpectSame(JsonObject(DnsEvent("[" + record + "]", "[" + record + "]")));
      ++events;
    }
  }
  for (const std::string& answers : std::vector<std::string>{
           "null", "{}", "\"x\"", "[null]", "[7]", "[[]]",
           "[{\"rrname\":\"a.example\",\"rrname\":\"b.example\",\"rrtype\":\"A\"}]",
           "[{\"rrname\":\"a.example\",\"rrtype\":\"SRV\",\"srv\":{\"name\":\"s.example\"}}]",
           "[{\"rrname\":\"a.example\",\"rrtype\":\"A\",\"rdata\":\"10.0.0.1\",\"ttl\":\"x\"}]"}) {
    taken += ExpectSame(JsonObject(DnsEvent(kQueries, answers)));
    ++events;
  }
  std::string many = "[";
  for (int i = 0; i < 20; ++i) {
    many += std::string(i ? "," : "") + "{\"rrname\":\"h" + std::to_string(i) +
            ".example\",\"rrtype\":\"A\",\"rdata\":\"10.0.1." + std::to_string(i) + "\"}";
  }
  taken += ExpectSame(JsonObject(DnsEvent(kQueries, many + "]")));
  ++events;
  for (const char* type : {"\"answer\"", "\"query\"", "\"request\"", "7", "null"}) {
    taken += ExpectSame(JsonObject(DnsEvent(kQueries, kAnswers, type)));
    ++events;
  }
  // v2 layouts and members the fast path leaves to the general mapping.
  for (const char* extra : {"\"rrname\":\"v2.example\"", "\"grouped\":{\"A\":[\"10.0.0.1\"]}",
                            "\"authorities\":[]", "\"additionals\":[]", "\"query\":[]",
                            "\"answer\":{}", "\"queries\":[]", "\"type\":\"answer\""}) {
    auto fields = base;
    std::string& dns = fields.back().second;
    dns.insert(dns.size() - 1, std::string(",") + extra);
    taken += ExpectSame(JsonObject(fields));
    ++events;
  }
  // A DNS event with a flow record, a flow event with a DNS record.
  auto with_flow = base;
  with_flow.emplace_back("flow", JsonObject(FlowRecord()));
  taken += ExpectSame(JsonObject(with_flow));
  auto flow_with_dns = FlowEvent();
  flow_with_dns.emplace_back("dns", base.back().second);
  taken += ExpectSame(JsonObject(flow_with_dns));
  events += 2;
  // Both shapes occur (most mutations here are of records the fast path leaves alone).
  EXPECT_GT(taken, events / 8);
  EXPECT_LT(taken, events);
}

// An HTTP request as Suricata 7 writes it; "http" as its own list, to mutate it too.
Fields HttpRecord() {
  return {{"hostname", "\"mail.voaqwnea.co.uk\""},
          {"url", "\"/shop/173f49fd?q=1\""},
          {"http_user_agent", "\"curl/7.88.1\""},
          {"http_content_type", "\"text/html\""},
          {"http_refer", "\"http://www.example.com/start\""},
          {"http_method", "\"GET\""},
          {"protocol", "\"HTTP/1.1\""},
          {"status", "200"},
          {"length", "76661"}};
}
Fields HttpEvent(const Fields& record = HttpRecord()) {
  return {{"timestamp", "\"2020-01-01T00:00:00.012717+0000\""},
          {"flow_id", "574782621876235"},
          {"in_iface", "\"eth0\""},
          {"event_type", "\"http\""},
          {"src_ip", "\"10.1.212.57\""},
          {"src_port", "50751"},
          {"dest_ip", "\"71.2.158.240\""},
          {"dest_port", "80"},
          {"proto", "\"TCP\""},
          {"tx_id", "0"},
          {"http", JsonObject(record)}};
}

// The odd values of an HTTP record's members: host names, URLs, methods, ports.
const std::vector<std::string>& HttpValues() {
  static const std::vector<std::string> values = {
      "\"WWW.Example.COM\"",
      "\"www.example.com:8080\"",
      "\"www.example.com.\"",
      "\"[2001:db8::1]:8080\"",
      "\"2001:db8::1\"",
      "\"192.0.2.1\"",
      "\"192.0.2.1:8080\"",
      "\"-\"",
      "\"(empty)\"",
      "\"a b\"",
      "\"http://proxy.example/x?y=1\"",
      "\"HTTPS://Proxy.Example/\"",
      "\"ftp://files.example/a\"",
      "\"/\"",
      "\"/a/b?c=d\"",
      "\"relative/path\"",
      "\"*\"",
      "\"mail.voaqwnea.co.uk\"",
      "\"CONNECT\"",
      "\"connect\"",
      "\"POST\"",
      "\"http/2\"",
      "\"HTTP/1.1 with a very long version text beyond 32\"",
      "80",
      "8080",
      "\"8080\"",
      "404",
      "-5"};
  return values;
}

TEST(EveFastPathTest, TakesHttpEventsAsSuricataWritesThem) {
  EXPECT_TRUE(ExpectSame(JsonObject(HttpEvent())));
  // No host name (the url from the server's address and port), a port, absolute and odd urls,
  // a redirect, another application protocol.
  auto record = HttpRecord();
  record.erase(record.begin());
  EXPECT_TRUE(ExpectSame(JsonObject(HttpEvent(record))));
  auto other_port = HttpEvent(record);
  other_port[7].second = "8080";
  EXPECT_TRUE(ExpectSame(JsonObject(other_port)));
  for (auto [name, value] : Fields{{"http_port", "8080"},
                                   {"http_port", "80"},
                                   {"url", "\"http://proxy.example/x\""},
                                   {"url", "\"\""},
                                   {"url", "\"index.html\""},
                                   {"redirect", "\"https://www.example.com/next\""},
                                   {"redirect", "\"/next\""},
                                   {"http_method", "\"post\""},
                                   {"http_refer", "\"-\""}}) {
    auto changed = HttpRecord();
    changed.emplace_back(name, value);
    if (name != "http_port" && name != "redirect") {
      for (auto& field : changed) {
        if (field.first == name) field.second = value;
      }
      changed.pop_back();
    }
    EXPECT_TRUE(ExpectSame(JsonObject(HttpEvent(changed)))) << name << " " << value;
  }
  auto app = HttpEvent();
  app.emplace_back("app_proto", "\"http2\"");
  EXPECT_TRUE(ExpectSame(JsonObject(app)));
  // The url that the host and path make is also the redirect, an absolute url both.
  auto same = HttpRecord();
  same.emplace_back("redirect", "\"http://mail.voaqwnea.co.uk/shop/173f49fd?q=1\"");
  EXPECT_TRUE(ExpectSame(JsonObject(HttpEvent(same))));
}

TEST(EveFastPathTest, EveryHttpMutationMapsAlike) {
  size_t taken = 0, events = 0;
  taken += MutateEach(
      HttpEvent(), {}, [](const Fields& f) { return JsonObject(f); }, &events);
  taken += MutateEach(
      HttpRecord(), HttpValues(), [](const Fields& f) { return JsonObject(HttpEvent(f)); },
      &events);
  // Members the fast path leaves to the general mapping, and ones it reads besides.
  for (auto [name, value] :
       Fields{{"xff", "\"203.0.113.7, 10.0.0.1\""},
              {"request_headers", "[{\"name\":\"X-Forwarded-For\",\"value\":\"203.0.113.9\"}]"},
              {"request_headers", "[]"},
              {"response_headers", "[]"},
              {"http_port", "8080"},
              {"redirect", "\"http://other.example/\""},
              {"redirect", "\"HTTP://mail.voaqwnea.co.uk/shop/173f49fd?q=1\""}}) {
    auto record = HttpRecord();
    record.emplace_back(name, value);
    taken += ExpectSame(JsonObject(HttpEvent(record)));
    ++events;
  }
  for (auto [name, value] : Fields{{"xff", "\"203.0.113.7\""},
                                   {"direction", "\"to_client\""},
                                   {"flow", JsonObject(FlowRecord())},
                                   {"tls", "{\"sni\":\"www.example.com\"}"},
                                   {"dns", "{\"version\":3,\"type\":\"response\"}"},
                                   {"files", "[]"},
                                   {"app_proto", "\"failed\""},
                                   {"dest_ip", "\"2001:db8::1\""}}) {
    auto extra = HttpEvent();
    extra.emplace_back(name, value);
    taken += ExpectSame(JsonObject(extra));
    ++events;
  }
  // CONNECT, without a host name, on other ports.
  for (const char* url : {"\"www.example.com:443\"", "\"/x\"", "\"\""}) {
    for (const char* port : {"80", "443", "0"}) {
      auto record = HttpRecord();
      record[0] = {"hostname", "\"\""};
      record[1] = {"url", url};
      record[5] = {"http_method", "\"CONNECT\""};
      auto event = HttpEvent(record);
      event[7].second = port;
      taken += ExpectSame(JsonObject(event));
      record.erase(record.begin());
      record[4] = {"http_method", "\"GET\""};
      event = HttpEvent(record);
      event[7].second = port;
      taken += ExpectSame(JsonObject(event));
      events += 2;
    }
  }
  EXPECT_GT(taken, events / 4);
  EXPECT_LT(taken, events);
}

// A TLS record as Suricata 7 writes it.
Fields TlsRecord() {
  return {{"subject", "\"C=US, CN=news.khnzozysvw.com\""},
          {"issuerdn", "\"C=US, O=Let's Encrypt, CN=R3\""},
          {"serial", "\"04:36D1E9\""},
          {"fingerprint", "\"17:7a:68:a6:de:ec:fe:9a:df:44:24:2f:60:61:bb:2c:c5:4a:57:e7\""},
          {"sni", "\"news.khnzozysvw.com\""},
          {"version", "\"TLS 1.3\""},
          {"notbefore", "\"2019-12-01T00:00:00\""},
          {"notafter", "\"2020-03-01T00:00:00.5\""},
          {"subjectaltname", "[\"news.khnzozysvw.com\",\"www.khnzozysvw.com\",\"10.9.8.7\"]"},
          {"ja3", "{\"hash\":\"547422cc486007650f9e2606e3d77e6e\",\"string\":\"771,4865-4866\"}"},
          {"ja3s", "{\"hash\":\"064202507aee6473d0b0ba3a3b83a1a4\",\"string\":\"771,4865\"}"},
          {"ja4", "\"t13d1516h2_8daaf6152771_b0da82dd1658\""}};
}
Fields TlsEvent(const Fields& record = TlsRecord()) {
  return {{"timestamp", "\"2020-01-01T00:00:00.022298+0000\""},
          {"flow_id", "46385655185427"},
          {"in_iface", "\"eth0\""},
          {"event_type", "\"tls\""},
          {"src_ip", "\"10.2.241.141\""},
          {"src_port", "49882"},
          {"dest_ip", "\"66.108.205.187\""},
          {"dest_port", "443"},
          {"proto", "\"TCP\""},
          {"tls", JsonObject(record)}};
}

// The odd values of a TLS record's members: names, subjects, SANs, fingerprints, JA3.
const std::vector<std::string>& TlsValues() {
  static const std::vector<std::string> values = {
      "\"News.Example.COM\"",
      "\"news.example.com.\"",
      "\"*.example.com\"",
      "\"10.1.2.3\"",
      "\"2001:db8::1\"",
      "\"-\"",
      "\"x\"",
      "\"CN=Upper.Example.COM\"",
      "\"CN=*.example.com\"",
      "\"O=Example, CN=a.example.com, CN=b.example.com\"",
      "\"CN=10.1.2.3\"",
      "\"C=US, O=Example\"",
      "\"cn=low.example.com\"",
      "[\"a.example.com\",\"A.Example.com\"]",
      "[\"a.example.com\",\"10.1.2.3\",\"*.w.example\",\"\",\"plain\"]",
      "[\"2001:db8::1\"]",
      "[\"a.example.com\",null]",
      "[\"news.khnzozysvw.com\",\"news.khnzozysvw.com\"]",
      "[7]",
      "[[]]",
      "\"177A68A6DEECFE9ADF44242F6061BB2CC54A57E7\"",
      "\"177a68a6deecfe9adf44242f6061bb2cc54a57e\"",
      "\"17 7a 68 a6 de ec fe 9a df 44 24 2f 60 61 bb 2c c5 4a 57 e7\"",
      "\"177a68a6deecfe9adf44242f6061bb2cc54a57eg\"",
      "\"547422CC486007650F9E2606E3D77E6E\"",
      "{\"hash\":\"547422CC486007650F9E2606E3D77E6E\"}",
      "{\"hash\":7}",
      "{\"hash\":null}",
      "{\"string\":\"771\"}",
      "{\"hash\":\"547422cc486007650f9e2606e3d77e6e\",\"hash\":\"x\"}",
      "\"2019-12-01T00:00:00Z\"",
      "\"not a time\""};
  return values;
}

TEST(EveFastPathTest, TakesTlsEventsAsSuricataWritesThem) {
  EXPECT_TRUE(ExpectSame(JsonObject(TlsEvent())));
  // As the bench writes it: no SANs; JA3 hashes alone; without a certificate; SANs as one string.
  for (auto [name, value] : Fields{{"subjectaltname", "[]"},
                                   {"subjectaltname", "\"www.khnzozysvw.com\""},
                                   {"ja3", "\"547422cc486007650f9e2606e3d77e6e\""},
                                   {"fingerprint", "\"177A68A6DEECFE9ADF44242F6061BB2CC54A57E7\""},
                                   {"subject", "\"CN=*.khnzozysvw.com\""},
                                   {"sni", "\"\""}}) {
    auto changed = TlsRecord();
    for (auto& field : changed) {
      if (field.first == name) field.second = value;
    }
    EXPECT_TRUE(ExpectSame(JsonObject(TlsEvent(changed)))) << name << " " << value;
  }
  EXPECT_TRUE(ExpectSame(
      JsonObject(TlsEvent({{"sni", "\"www.example.com\""},
                           {"version", "\"TLS 1.3\""},
                           {"ja3", "{\"hash\":\"547422cc486007650f9e2606e3d77e6e\"}"}}))));
  EXPECT_TRUE(ExpectSame(JsonObject(TlsEvent({}))));
}

TEST(EveFastPathTest, EveryTlsMutationMapsAlike) {
  size_t taken = 0, events = 0;
  taken += MutateEach(
      TlsEvent(), {}, [](const Fields& f) { return JsonObject(f); }, &events);
  taken += MutateEach(
      TlsRecord(), TlsValues(), [](const Fields& f) { return JsonObject(TlsEvent(f)); }, &events);
  for (auto [name, value] : Fields{{"direction", "\"to_client\""},
                                   {"flow", JsonObject(FlowRecord())},
                                   {"http", "{\"hostname\":\"www.example.com\"}"},
                                   {"quic", "{\"sni\":\"www.example.com\"}"},
                                   {"alert", "{\"signature\":\"x\"}"},
                                   {"app_proto", "\"tls\""},
                                   {"app_proto", "\"unknown\""}}) {
    auto extra = TlsEvent();
    extra.emplace_back(name, value);
    taken += ExpectSame(JsonObject(extra));
    ++events;
  }
  // Only some of the certificate: each alone.
  for (const auto& field : TlsRecord()) {
    taken += ExpectSame(JsonObject(TlsEvent({field})));
    ++events;
  }
  std::string many = "[";
  for (int i = 0; i < 20; ++i) {
    many += std::string(i ? "," : "") + "\"h" + std::to_string(i) + ".example.com\"";
  }
  auto record = TlsRecord();
  record[8].second = many + "]";
  taken += ExpectSame(JsonObject(TlsEvent(record)));
  ++events;
  EXPECT_GT(taken, events / 4);
  EXPECT_LT(taken, events);
}

// A fileinfo event as Suricata writes it: the file, in the direction it went (a download from
// the server), with the HTTP request it came with.
Fields FileRecord() {
  return {{"filename", "\"/setup.exe\""},
          {"magic", "\"PE32 executable\""},
          {"gaps", "false"},
          {"state", "\"CLOSED\""},
          {"md5", "\"7b7e64f6fd231a5f525284acc217d5f7\""},
          {"sha1", "\"aeec348365ca3b5dbb7bd187fcefe7b4698dbbf3\""},
          {"sha256", "\"4ef2affb8a78acb84ef2680d6e47309d766affe79793154d843b73a8fc95d328\""},
          {"stored", "false"},
          {"size", "872761"},
          {"tx_id", "0"}};
}
Fields FileEvent(const Fields& record = FileRecord(), bool http = true) {
  Fields event = {{"timestamp", "\"2020-01-01T00:00:00.003771+0000\""},
                  {"flow_id", "523557093244930"},
                  {"in_iface", "\"eth0\""},
                  {"event_type", "\"fileinfo\""},
                  {"src_ip", "\"17.243.81.200\""},
                  {"src_port", "80"},
                  {"dest_ip", "\"10.2.83.204\""},
                  {"dest_port", "55739"},
                  {"proto", "\"TCP\""}};
  if (http) {
    event.emplace_back("http", JsonObject(Fields{{"hostname", "\"video.fyfiugmfgblu.com\""},
                                                 {"url", "\"/img/def12d50\""},
                                                 {"http_method", "\"GET\""},
                                                 {"status", "200"}}));
    event.emplace_back("app_proto", "\"http\"");
  }
  event.emplace_back("fileinfo", JsonObject(record));
  return event;
}

TEST(EveFastPathTest, TakesFileinfoEventsAsSuricataWritesThem) {
  EXPECT_TRUE(ExpectSame(JsonObject(FileEvent())));
  EXPECT_TRUE(ExpectSame(JsonObject(FileEvent(FileRecord(), false))));
  // An upload (the lower port is the client's: the ends stay), no host name (the url names the
  // server), a file not seen whole, hashes in upper case or with colons, no name nor hashes.
  auto upload = FileEvent();
  upload[5].second = "55739";
  upload[7].second = "80";
  EXPECT_TRUE(ExpectSame(JsonObject(upload)));
  auto no_host = FileEvent();
  no_host[9].second = JsonObject(Fields{{"url", "\"/img/def12d50\""}, {"http_method", "\"GET\""}});
  EXPECT_TRUE(ExpectSame(JsonObject(no_host)));
  for (auto [name, value] :
       Fields{{"state", "\"TRUNCATED\""},
              {"md5", "\"7B7E64F6FD231A5F525284ACC217D5F7\""},
              {"sha1", "\"ae:ec:34:83:65:ca:3b:5d:bb:7b:bd:18:7f:ce:fe:7b:46:98:db:bf\""},
              {"filename", "\"C:\\\\Users\\\\a\\\\setup.exe\""}}) {
    auto record = FileRecord();
    for (auto& field : record) {
      if (field.first == name) field.second = value;
    }
    EXPECT_TRUE(ExpectSame(JsonObject(FileEvent(record)))) << name;
  }
  EXPECT_TRUE(ExpectSame(JsonObject(FileEvent(Fields{{"magic", "\"data\""}, {"size", "1"}}))));
}

TEST(EveFastPathTest, EveryFileinfoMutationMapsAlike) {
  size_t taken = 0, events = 0;
  for (bool http : {true, false}) {
    const Fields base = FileEvent(FileRecord(), http);
    taken += MutateEach(
        base, {}, [](const Fields& f) { return JsonObject(f); }, &events);
    taken += MutateEach(
        FileRecord(), {}, [http](const Fields& f) { return JsonObject(FileEvent(f, http)); },
        &events);
    // Records the fast path leaves to the general mapping beside the file.
    taken += AddEach(base,
                     Fields{{"tls", "{\"sni\":\"a.example\"}"},
                            {"smtp", "{}"},
                            {"email", "{}"},
                            {"files", "[]"},
                            {"dns", "{\"type\":\"answer\"}"},
                            {"flow", "{}"}},
                     &events);
  }
  EXPECT_GT(taken, events / 8);
  EXPECT_LT(taken, events);
}

// An alert as Suricata 7 writes it for a packet outside any application layer (as most of the
// alerts of the public lab logs are); "alert" as its own list, to mutate it too.
Fields AlertRecord() {
  return {{"action", "\"allowed\""},
          {"gid", "1"},
          {"signature_id", "2200073"},
          {"rev", "2"},
          {"signature", "\"SURICATA IPv4 invalid checksum\""},
          {"category", "\"Generic Protocol Command Decode\""},
          {"severity", "3"},
          {"metadata", "{\"created_at\":[\"2019_01_01\"]}"}};
}
Fields AlertEvent(const Fields& record = AlertRecord()) {
  return {{"timestamp", "\"2024-12-18T19:35:55.534717-0500\""},
          {"flow_id", "1939227359133473"},
          {"pcap_cnt", "42"},
          {"event_type", "\"alert\""},
          {"src_ip", "\"192.168.230.133\""},
          {"src_port", "49703"},
          {"dest_ip", "\"203.0.113.80\""},
          {"dest_port", "80"},
          {"proto", "\"TCP\""},
          {"pkt_src", "\"wire/pcap\""},
          {"alert", JsonObject(record)},
          {"app_proto", "\"http\""}};
}

// The same alert with what Suricata 7 adds when the packet belongs to a flow: its direction and
// the flow's record with the flow's own ends (here the flow's client is the alert's source).
Fields AlertFlowRecord() {
  return {{"pkts_toserver", "1"},
          {"pkts_toclient", "0"},
          {"bytes_toserver", "75"},
          {"bytes_toclient", "0"},
          {"start", "\"2024-12-18T19:35:55.703425-0500\""},
          {"src_ip", "\"192.168.230.133\""},
          {"dest_ip", "\"203.0.113.80\""},
          {"src_port", "49703"},
          {"dest_port", "80"}};
}
Fields AlertFlowEvent(const Fields& flow = AlertFlowRecord(),
                      const std::string& direction = "\"to_server\"") {
  Fields event = AlertEvent();
  event.emplace_back("direction", direction);
  event.emplace_back("flow", JsonObject(flow));
  return event;
}

TEST(EveFastPathTest, TakesAlertEventsAsSuricataWritesThem) {
  EXPECT_TRUE(ExpectSame(JsonObject(AlertEvent())));
  EXPECT_TRUE(ExpectSame(JsonObject(AlertFlowEvent())));
  // An alert on the server's packet: its ends the other way round, the flow's as they were; and
  // without the flow's ends, "to_client" turns them.
  auto reply = AlertFlowEvent(AlertFlowRecord(), "\"to_client\"");
  std::swap(reply[4].second, reply[6].second);
  std::swap(reply[5].second, reply[7].second);
  EXPECT_TRUE(ExpectSame(JsonObject(reply)));
  Fields no_ports = AlertFlowRecord();  // the ends' addresses only: the event's ports, turned
  no_ports.resize(7);
  auto reply_no_ports = AlertFlowEvent(no_ports, "\"to_client\"");
  std::swap(reply_no_ports[4].second, reply_no_ports[6].second);
  std::swap(reply_no_ports[5].second, reply_no_ports[7].second);
  EXPECT_TRUE(ExpectSame(JsonObject(reply_no_ports)));
  Fields no_ends = AlertFlowRecord();
  no_ends.resize(5);
  EXPECT_TRUE(ExpectSame(JsonObject(AlertFlowEvent(no_ends, "\"to_client\""))));
  // IGMP with ports 0 (not ports), no application protocol, an alert without its numbers.
  auto igmp = AlertEvent();
  igmp[5].second = "0";
  igmp[7].second = "0";
  igmp[8].second = "\"IGMP\"";
  igmp.pop_back();
  EXPECT_TRUE(ExpectSame(JsonObject(igmp)));
  EXPECT_TRUE(ExpectSame(JsonObject(AlertEvent(Fields{{"signature", "\"ET POLICY x\""}}))));
  EXPECT_TRUE(ExpectSame(JsonObject(AlertEvent(Fields{}))));
}

TEST(EveFastPathTest, EveryAlertMutationMapsAlike) {
  size_t taken = 0, events = 0;
  const Fields base = AlertEvent();
  for (const Fields& event : {AlertEvent(), AlertFlowEvent()}) {
    taken += MutateEach(
        event, {}, [](const Fields& f) { return JsonObject(f); }, &events);
  }
  // The flow record's members, its ends among them; each removed on the server's packet too.
  const Fields flow = AlertFlowRecord();
  taken += MutateEach(
      flow, {}, [](const Fields& f) { return JsonObject(AlertFlowEvent(f)); }, &events);
  for (size_t i = 0; i < flow.size(); ++i) {
    auto removed = flow;
    removed.erase(removed.begin() + i);
    taken += ExpectSame(JsonObject(AlertFlowEvent(removed, "\"to_client\"")));
    ++events;
  }
  for (const std::string& direction : Values()) {
    Fields no_ends = flow;
    no_ends.resize(5);
    taken += ExpectSame(JsonObject(AlertFlowEvent(no_ends, direction)));
    ++events;
  }
  taken += MutateEach(
      AlertRecord(), {}, [](const Fields& f) { return JsonObject(AlertEvent(f)); }, &events);
  // What Suricata writes beside some alerts, and what the general mapping reads besides.
  taken += AddEach(base,
                   Fields{{"flow",
                           "{\"pkts_toserver\":1,\"src_ip\":\"203.0.113.80\",\"dest_ip\":"
                           "\"192.168.230.133\",\"src_port\":80,\"dest_port\":49703}"},
                          {"direction", "\"to_client\""},
                          {"http", "{\"hostname\":\"www.example.com\"}"},
                          {"tls", "{\"sni\":\"www.example.com\"}"},
                          {"dns", "{\"version\":3,\"type\":\"request\"}"},
                          {"fileinfo", "{\"filename\":\"a.exe\"}"},
                          {"files", "[]"},
                          {"smtp", "{}"},
                          {"email", "{}"},
                          {"ether", "{\"src_mac\":\"00:11:22:33:44:55\"}"},
                          {"xff", "\"10.1.1.1\""},
                          {"icmp_type", "8"},
                          {"payload", "\"R0VUIC8=\""},
                          {"packet", "\"AAEC\""},
                          {"tx_id", "0"}},
                   &events);
  EXPECT_GT(taken, events / 4);
  EXPECT_LT(taken, events);
}

}  // namespace
}  // namespace concord::ingest
