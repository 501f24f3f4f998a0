// Unit tests of the Suricata EVE adapter beyond the golden files (testdata/ingest/suricata):
// errors that name the field, layouts that must map alike, which end is the client, and hostile
// values.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "concord/ingest/adapters.h"
#include "concord/json/document.h"
#include "concord/observe/dump.h"

namespace concord::ingest {
namespace {

using observe::ObservationBuilder;

// Maps one EVE line into `*observation`.
Status MapLine(std::string_view line, observe::Observation* observation) {
  static json::Parser* parser = new json::Parser();
  Result<json::Element> parsed = parser->Parse(line);
  if (!parsed.ok()) return parsed.status();
  json::ObjectView event;
  if (parsed->get_object().get(event) != simdjson::SUCCESS) return InvalidArgument("not an object");
  ObservationBuilder builder(observation);
  return MapSuricataEve(event, &builder);
}

// The observation's dump, or "error: <message>".
std::string Map(std::string_view line) {
  observe::Observation observation;
  Status s = MapLine(line, &observation);
  return s.ok() ? observe::DumpObservation(observation) : "error: " + s.message();
}

std::string ErrorOf(std::string_view line) {
  observe::Observation observation;
  return MapLine(line, &observation).message();
}

// The "type value" of every simple object ({type, value}) of the line's observation.
std::set<std::string> Values(std::string_view line) {
  observe::Observation o;
  EXPECT_TRUE(MapLine(line, &o).ok()) << line;
  std::set<std::string> out;
  for (const observe::ObservedObject& object : o.objects()) {
    if (auto v = o.values.Find(object.value, "value")) {
      out.insert(object.type + " " + std::string(o.values.string_value(*v)));
    }
  }
  return out;
}

// The JSON text of the observation's first object of `type`, or "".
std::string ObjectOf(std::string_view line, std::string_view type) {
  observe::Observation o;
  EXPECT_TRUE(MapLine(line, &o).ok()) << line;
  for (const observe::ObservedObject& object : o.objects()) {
    if (object.type == type) return observe::DumpValue(o.values, object.value);
  }
  return "";
}

// An event of `type` between a client and a DNS server, with `rest` appended inside the
// top-level object.
std::string Event(std::string_view type, std::string_view rest) {
  return R"({"timestamp":"2024-03-14T09:00:00.000001+0000","flow_id":1,"event_type":")" +
         std::string(type) +
         R"(","src_ip":"10.0.0.5","src_port":50000,"dest_ip":"192.0.2.53","dest_port":53,)"
         R"("proto":"UDP")" +
         std::string(rest) + "}";
}

TEST(SuricataEveTest, WrongTypesNameTheField) {
  struct Case {
    std::string rest;
    std::string message;
  };
  const Case cases[] = {
      {R"(,"flow":{"bytes_toserver":"lots"})",
       R"(field 'flow.bytes_toserver': expected a count, got "lots")"},
      {R"(,"flow":{"start":17})", "field 'flow.start': expected a date and time, got 17"},
      {R"(,"flow":[1])", "field 'flow': expected an object, got [1]"},
      {R"(,"dns":5)", "field 'dns': expected an object, got 5"},
      {R"(,"dns":{"rrname":["a"]})", R"(field 'dns.rrname': expected a string, got ["a"])"},
      {R"(,"dns":{"queries":{"rrname":"a"}})",
       R"(field 'dns.queries': expected an array, got {"rrname":"a"})"},
      {R"(,"dns":{"answers":[{"rrname":"a.example","rrtype":"A","rdata":7}]})",
       "field 'dns.answers[].rdata': expected a string, got 7"},
      {R"(,"dns":{"grouped":"A"})", R"(field 'dns.grouped': expected an object, got "A")"},
      {R"(,"http":{"status":"OK"})",
       R"(field 'http.status': expected an HTTP status code, got "OK")"},
      {R"(,"http":{"http_port":99999})",
       "field 'http.http_port': expected a port number, got 99999"},
      {R"(,"tls":{"notafter":"soon"})",
       "field 'tls.notafter': 'soon' is not a date and time (such as 2021-05-01T10:00:00Z)"},
      {R"(,"tls":{"ja3":5})", R"(field 'tls.ja3': expected an object {"hash", "string"}, got 5)"},
      {R"(,"tls":{"ja3":{"hash":5}})", "field 'tls.ja3.hash': expected a string, got 5"},
      {R"(,"tls":{"subjectaltname":[1]})",
       "field 'tls.subjectaltname': expected a list of strings, got 1"},
      {R"(,"quic":{"version":{"v":1}})",
       R"(field 'quic.version': expected a QUIC version, got {"v":1})"},
      {R"(,"fileinfo":{"size":"big"})", R"(field 'fileinfo.size': expected a count, got "big")"},
      {R"(,"files":[{"md5":1}])", "field 'files.md5': expected a string, got 1"},
      {R"(,"files":{"md5":"x"})", R"(field 'files': expected an array, got {"md5":"x"})"},
      {R"(,"smtp":{"helo":true})", "field 'smtp.helo': expected a string, got true"},
      {R"(,"email":{"to":7})", "field 'email.to': expected a string or a list of strings, got 7"},
      {R"(,"alert":{"signature_id":"sid"})",
       R"(field 'alert.signature_id': expected a signature id, got "sid")"},
      {R"(,"icmp_type":300)", "field 'icmp_type': expected an ICMP type, got 300"},
      {R"(,"app_proto":1)", "field 'app_proto': expected a string, got 1"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ErrorOf(Event("flow", c.rest)), c.message) << c.rest;
  }
  // The top-level members.
  EXPECT_EQ(ErrorOf(R"({"timestamp":"2024-03-14T09:00:00Z","event_type":"flow","src_port":"abc"})"),
            R"(field 'src_port': expected a port number, got "abc")");
  EXPECT_EQ(ErrorOf(R"({"timestamp":"2024-03-14T09:00:00Z","event_type":"flow","dest_port":-1})"),
            "field 'dest_port': expected a port number, got -1");
  EXPECT_EQ(ErrorOf(R"({"timestamp":"2024-03-14T09:00:00Z","event_type":"flow","src_ip":1})"),
            "field 'src_ip': expected a string, got 1");
  EXPECT_EQ(ErrorOf(R"({"timestamp":"2024-03-14T09:00:00Z","event_type":7})"),
            "field 'event_type': expected a string, got 7");
  EXPECT_EQ(ErrorOf(R"({"event_type":"flow","src_ip":"10.0.0.1"})"),
            "no 'timestamp' field: a Suricata EVE event always has one");
  EXPECT_EQ(ErrorOf(R"({"timestamp":null,"event_type":"flow"})"),
            "no 'timestamp' field: a Suricata EVE event always has one");
  EXPECT_EQ(ErrorOf(R"({"timestamp":1710406800,"event_type":"flow"})"),
            "field 'timestamp': expected a date and time, got 1710406800");
  // A long wrong value is cut short in the message, at a character boundary.
  const std::string long_value(200, 'x');
  EXPECT_EQ(ErrorOf(Event("flow", R"(,"src_port":")" + long_value + "\"")),
            "field 'src_port': expected a port number, got \"" + std::string(36, 'x') + "...");
}

TEST(SuricataEveTest, NumbersWrittenAsTextAndNullsAreAccepted) {
  const std::string as_numbers = Event(
      "flow", R"(,"flow":{"pkts_toserver":3,"bytes_toserver":180,"start":"2024-03-14T08:59:59Z"})");
  std::string as_text = as_numbers;
  as_text.replace(as_text.find("50000"), 5, "\"50000\"");
  as_text.replace(as_text.find(":3,"), 3, ":\"3\",");
  as_text.replace(as_text.find("180"), 3, "180.0");
  EXPECT_EQ(Map(as_text), Map(as_numbers));

  // null is "no value": nothing written, no error.
  const std::string nulls = Event("http", R"(,"app_proto":null,"http":{"hostname":null,)"
                                          R"("url":"/x","status":null,"http_method":"GET"})");
  EXPECT_EQ(ObjectOf(nulls, "url"), R"({"type":"url","value":"http://192.0.2.53:53/x"})");
  EXPECT_EQ(ObjectOf(nulls, "network-traffic").find("x_status_code"), std::string::npos);
}

TEST(SuricataEveTest, MemberOrderDoesNotChangeTheObservation) {
  const std::string a =
      R"({"timestamp":"2024-03-14T09:00:00Z","event_type":"http","src_ip":"10.0.0.5",)"
      R"("src_port":50000,"dest_ip":"192.0.2.80","dest_port":80,"proto":"TCP",)"
      R"("http":{"hostname":"www.shop.example","url":"/a","http_method":"GET",)"
      R"("http_user_agent":"ua"}})";
  const std::string b =
      R"({"http":{"http_user_agent":"ua","http_method":"GET","url":"/a",)"
      R"("hostname":"www.shop.example"},"proto":"TCP","dest_port":80,"dest_ip":"192.0.2.80",)"
      R"("src_port":50000,"src_ip":"10.0.0.5","event_type":"http",)"
      R"("timestamp":"2024-03-14T09:00:00Z"})";
  EXPECT_EQ(Map(a), Map(b));
}

TEST(SuricataEveTest, EveryDnsLayoutYieldsTheSameNamesAndAddresses) {
  // One answer, www.shop.example CNAME cdn.shop.example A 203.0.113.20 / AAAA 2001:db8::20.
  const std::string v2_per_record[] = {
      Event("dns", R"(,"dns":{"type":"query","id":1,"rrname":"www.shop.example","rrtype":"A"})"),
      Event("dns", R"(,"dns":{"type":"answer","id":1,"rrname":"www.shop.example",)"
                   R"("rrtype":"CNAME","ttl":60,"rdata":"cdn.shop.example"})"),
      Event("dns", R"(,"dns":{"type":"answer","id":1,"rrname":"cdn.shop.example",)"
                   R"("rrtype":"A","ttl":60,"rdata":"203.0.113.20"})"),
      Event("dns",
            R"(,"dns":{"type":"answer","id":1,"rrname":"cdn.shop.example",)"
            R"("rrtype":"AAAA","ttl":60,"rdata":"2001:0db8:0000:0000:0000:0000:0000:0020"})"),
  };
  std::set<std::string> per_record;
  for (const std::string& line : v2_per_record) per_record.merge(Values(line));

  const std::string v2_detailed =
      Event("dns", R"(,"dns":{"version":2,"type":"answer","id":1,"rrname":"www.shop.example",)"
                   R"("rrtype":"A","answers":[{"rrname":"www.shop.example","rrtype":"CNAME",)"
                   R"("rdata":"cdn.shop.example"},{"rrname":"cdn.shop.example","rrtype":"A",)"
                   R"("rdata":"203.0.113.20"},{"rrname":"cdn.shop.example","rrtype":"AAAA",)"
                   R"("rdata":"2001:0db8:0000:0000:0000:0000:0000:0020"}]})");
  const std::string v2_grouped =
      Event("dns", R"(,"dns":{"version":2,"type":"answer","id":1,"rrname":"www.shop.example",)"
                   R"("rrtype":"A","grouped":{"CNAME":["cdn.shop.example"],)"
                   R"("A":["203.0.113.20"],"AAAA":["2001:0db8:0000:0000:0000:0000:0000:0020"]}})");
  const std::string v3 =
      Event("dns", R"(,"dns":{"version":3,"type":"response","id":1,"queries":[{"rrname":)"
                   R"("www.shop.example","rrtype":"A"}],"answers":[{"rrname":"www.shop.example",)"
                   R"("rrtype":"CNAME","rdata":"cdn.shop.example"},{"rrname":"cdn.shop.example",)"
                   R"("rrtype":"A","rdata":"203.0.113.20"},{"rrname":"cdn.shop.example",)"
                   R"("rrtype":"AAAA","rdata":"2001:0db8:0000:0000:0000:0000:0000:0020"}]})");
  // Suricata 7 puts the query and the v2 answer of an alert under "query" and "answer".
  const std::string alert_v2 =
      Event("alert", R"(,"alert":{"signature_id":1},"dns":{"query":[{"type":"query",)"
                     R"("rrname":"www.shop.example","rrtype":"A"}],"answer":{"type":"answer",)"
                     R"("rrname":"www.shop.example","grouped":{"CNAME":["cdn.shop.example"],)"
                     R"("A":["203.0.113.20"],"AAAA":["2001:db8::20"]}}})");

  const std::set<std::string> expected = {
      "ipv4-addr 10.0.0.5",           "ipv4-addr 192.0.2.53",   "domain-name www.shop.example",
      "domain-name cdn.shop.example", "ipv4-addr 203.0.113.20", "ipv6-addr 2001:db8::20"};
  EXPECT_EQ(per_record, expected);
  EXPECT_EQ(Values(v2_detailed), expected);
  EXPECT_EQ(Values(v2_grouped), expected);
  EXPECT_EQ(Values(v3), expected);
  EXPECT_EQ(Values(alert_v2), expected);
}

TEST(SuricataEveTest, TheClientIsTheSource) {
  auto ends = [](const std::string& line) {
    const std::string nt = ObjectOf(line, "network-traffic");
    observe::Observation o;
    EXPECT_TRUE(MapLine(line, &o).ok());
    auto value_of = [&](std::string_view member) -> std::string {
      const size_t at = nt.find("\"" + std::string(member) + "\":\"");
      if (at == std::string::npos) return "-";
      const size_t start = at + member.size() + 4;
      const std::string key = nt.substr(start, nt.find('"', start) - start);
      const observe::ObservedObject* object = o.FindObject(key);
      return std::string(o.values.string_value(*o.values.Find(object->value, "value")));
    };
    return value_of("src_ref") + " -> " + value_of("dst_ref");
  };
  // A DNS response is written from the server.
  const std::string response =
      R"({"timestamp":"2024-03-14T09:00:00Z","event_type":"dns","src_ip":"192.0.2.53",)"
      R"("src_port":53,"dest_ip":"10.0.0.5","dest_port":50000,"proto":"UDP",)"
      R"("dns":{"version":3,"type":"response","queries":[{"rrname":"a.example","rrtype":"A"}]}})";
  EXPECT_EQ(ends(response), "10.0.0.5 -> 192.0.2.53");
  EXPECT_NE(ObjectOf(response, "network-traffic").find(R"("src_port":50000,"dst_port":53)"),
            std::string::npos);
  // An alert on a packet to the client: Suricata 7 names the flow's ends in "flow"...
  const std::string alert7 =
      R"({"timestamp":"2024-03-14T09:00:00Z","event_type":"alert","src_ip":"198.51.100.7",)"
      R"("src_port":443,"dest_ip":"10.0.0.5","dest_port":51000,"proto":"TCP",)"
      R"("direction":"to_client","alert":{"signature_id":1},"flow":{"pkts_toserver":2,)"
      R"("pkts_toclient":3,"src_ip":"10.0.0.5","dest_ip":"198.51.100.7",)"
      R"("src_port":51000,"dest_port":443}})";
  EXPECT_EQ(ends(alert7), "10.0.0.5 -> 198.51.100.7");
  EXPECT_NE(ObjectOf(alert7, "network-traffic")
                .find(R"("src_port":51000,"dst_port":443,"protocols":["tcp"])"),
            std::string::npos);
  // ... Suricata 6 only says "direction".
  std::string alert6 = alert7;
  alert6.erase(alert6.find(R"(,"src_ip":"10.0.0.5","dest_ip")"));
  alert6 += "}}";
  EXPECT_EQ(ends(alert6), "10.0.0.5 -> 198.51.100.7");
  // A downloaded file comes from the server: the end with the lower port.
  const std::string download =
      R"({"timestamp":"2024-03-14T09:00:00Z","event_type":"fileinfo","src_ip":"198.51.100.7",)"
      R"("src_port":80,"dest_ip":"10.0.0.5","dest_port":51000,"proto":"TCP",)"
      R"("fileinfo":{"filename":"/a.exe","state":"CLOSED","size":1}})";
  EXPECT_EQ(ends(download), "10.0.0.5 -> 198.51.100.7");
  // Anything else is as Suricata wrote it.
  const std::string other =
      R"({"timestamp":"2024-03-14T09:00:00Z","event_type":"anomaly","src_ip":"198.51.100.7",)"
      R"("src_port":80,"dest_ip":"10.0.0.5","dest_port":51000,"proto":"TCP"})";
  EXPECT_EQ(ends(other), "198.51.100.7 -> 10.0.0.5");
}

TEST(SuricataEveTest, UnknownEventTypesStillYieldTheirAddresses) {
  EXPECT_EQ(
      Values(R"({"timestamp":"2024-03-14T09:00:00Z","event_type":"brand_new",)"
             R"("src_ip":"10.0.0.5","dest_ip":"2001:0db8:0000:0000:0000:0000:0000:0001",)"
             R"("brand_new":{"peer_ip":"192.0.2.9","gateway_ips":["192.0.2.10"],)"
             R"("server_mac":"AA-BB-CC-DD-EE-FF","note":"192.0.2.11","deep":)"
             R"({"x_ip":"192.0.2.12"}}})"),
      (std::set<std::string>{"ipv4-addr 10.0.0.5", "ipv6-addr 2001:db8::1", "ipv4-addr 192.0.2.9",
                             "ipv4-addr 192.0.2.10", "mac-addr aa:bb:cc:dd:ee:ff"}));
  // A record of the wrong shape is ignored, not an error.
  EXPECT_EQ(Values(R"({"timestamp":"2024-03-14T09:00:00Z","event_type":"ssh",)"
                   R"("src_ip":"10.0.0.5","dest_ip":"192.0.2.22","ssh":"SSH-2.0-x"})"),
            (std::set<std::string>{"ipv4-addr 10.0.0.5", "ipv4-addr 192.0.2.22"}));
  // stats: no address, no object, no error.
  EXPECT_EQ(Map(R"({"timestamp":"2024-03-14T09:00:00.5Z","event_type":"stats",)"
                R"("stats":{"uptime":5,"decoder":{"pkts":10}}})"),
            "time 2024-03-14T09:00:00.500000Z\n");
}

TEST(SuricataEveTest, CertificatesAndNames) {
  const std::string tls =
      Event("tls", R"(,"tls":{"subject":"C=US, O=Example, CN=*.shop.example",)"
                   R"("issuerdn":"C=US, CN=Example CA","serial":"0A:1B",)"
                   R"("fingerprint":"AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD",)"
                   R"("subjectaltname":["*.shop.example","shop.example","192.0.2.99"],)"
                   R"("sni":"WWW.Shop.Example.","notbefore":"2024-01-01T00:00:00",)"
                   R"("notafter":"2025-01-01T00:00:00","ja3":{"hash":"AB"}})");
  EXPECT_EQ(ObjectOf(tls, "x509-certificate"),
            R"({"type":"x509-certificate","serial_number":"0A:1B",)"
            R"("subject":"C=US, O=Example, CN=*.shop.example","issuer":"C=US, CN=Example CA",)"
            R"("validity_not_before":"2024-01-01T00:00:00.000Z",)"
            R"("validity_not_after":"2025-01-01T00:00:00.000Z",)"
            R"("hashes":{"SHA-1":"aabbccddeeff00112233445566778899aabbccdd"},)"
            R"("x509_v3_extensions":{"subject_alternative_name":)"
            R"("DNS:*.shop.example, DNS:shop.example, IP:192.0.2.99"}})");
  // Wildcards are not host names; the SNI is lower-cased without its trailing dot; a JA3 that
  // is no MD5 is not written.
  EXPECT_EQ(Values(tls),
            (std::set<std::string>{"ipv4-addr 10.0.0.5", "ipv4-addr 192.0.2.53",
                                   "domain-name www.shop.example", "domain-name shop.example",
                                   "ipv4-addr 192.0.2.99"}));
  EXPECT_EQ(ObjectOf(tls, "network-traffic").find("\"ja3\""), std::string::npos);
  // A resumed session has no certificate.
  EXPECT_EQ(ObjectOf(Event("tls", R"(,"tls":{"session_resumed":true,"sni":"a.example"})"),
                     "x509-certificate"),
            "");
}

TEST(SuricataEveTest, FilesAndMail) {
  auto file = [](std::string_view fileinfo) {
    return ObjectOf(Event("fileinfo", ",\"fileinfo\":" + std::string(fileinfo)), "file");
  };
  EXPECT_EQ(file(R"({"filename":"dir\\sub\\a.pdf","magic":"application/pdf; charset=binary",)"
                 R"("state":"CLOSED","size":10})"),
            R"({"type":"file","name":"a.pdf","size":10,"mime_type":"application/pdf"})");
  EXPECT_EQ(file(R"({"filename":"/","magic":"PDF document, version 1.4","state":"TRUNCATED",)"
                 R"("size":10,"sha1":"not-a-hash"})"),
            "");  // nothing names the file: no file object
  EXPECT_EQ(file(R"({"filename":"/dl/","md5":"D41D8CD98F00B204E9800998ECF8427E"})"),
            R"({"type":"file","hashes":{"MD5":"d41d8cd98f00b204e9800998ecf8427e"}})");

  auto date = [](std::string_view text) {
    const std::string message = ObjectOf(
        Event("smtp", R"(,"email":{"from":"a@b.example","date":")" + std::string(text) + "\"}"),
        "email-message");
    const size_t at = message.find("\"date\":\"");
    return at == std::string::npos ? std::string("-") : message.substr(at + 8, 24);
  };
  EXPECT_EQ(date("Thu, 14 Mar 2024 14:01:10 +0100"), "2024-03-14T13:01:10.000Z");
  EXPECT_EQ(date("14 Mar 24 08:03 EST"), "2024-03-14T13:03:00.000Z");
  EXPECT_EQ(date("Sat, 1 Jan 2000 00:00:00 GMT (UTC)"), "2000-01-01T00:00:00.000Z");
  EXPECT_EQ(date("Tue, 29 Feb 2000 23:59:60 -0000"), "2000-02-29T23:59:59.000Z");
  EXPECT_EQ(date("Mon, 29 Feb 2021 10:00:00 +0000"), "-");  // no such day
  EXPECT_EQ(date("yesterday"), "-");
  EXPECT_EQ(date(""), "-");
}

TEST(SuricataEveTest, HttpUrls) {
  auto url = [](std::string_view http) {
    return ObjectOf(Event("http", ",\"http\":" + std::string(http)), "url");
  };
  EXPECT_EQ(url(R"({"hostname":"a.example","url":"/p?q=1"})"),
            R"({"type":"url","value":"http://a.example/p?q=1"})");
  EXPECT_EQ(url(R"({"hostname":"a.example","http_port":8080,"url":"/"})"),
            R"({"type":"url","value":"http://a.example:8080/"})");
  EXPECT_EQ(url(R"({"url":"http://b.example/x"})"),
            R"({"type":"url","value":"http://b.example/x"})");
  EXPECT_EQ(url(R"({"hostname":"a.example","url":"/r?to=http://b.example/"})"),
            R"({"type":"url","value":"http://a.example/r?to=http://b.example/"})");
  EXPECT_EQ(url(R"({"hostname":"2001:db8::1","url":"/v6"})"),
            R"({"type":"url","value":"http://[2001:db8::1]/v6"})");
  EXPECT_EQ(url(R"({"url":"/no-host"})"),
            R"({"type":"url","value":"http://192.0.2.53:53/no-host"})");
  EXPECT_EQ(url(R"({"hostname":"c.example","url":"c.example:443","http_method":"CONNECT"})"), "");
  EXPECT_EQ(url(R"({"hostname":"c.example","url":"*","http_method":"OPTIONS"})"), "");
  // X-Forwarded-For: every address, not the other tokens.
  EXPECT_EQ(Values(Event("http", R"(,"http":{"xff":"unknown, 198.51.100.1:4711, [2001:db8::7]"})")),
            (std::set<std::string>{"ipv4-addr 10.0.0.5", "ipv4-addr 192.0.2.53",
                                   "ipv4-addr 198.51.100.1", "ipv6-addr 2001:db8::7"}));
}

TEST(SuricataEveTest, HostileValuesNeverCrash) {
  // A huge answer list: bounded work, the builder's object limit holds.
  std::string answers;
  for (int i = 0; i < 100000; ++i) {
    if (i) answers += ',';
    answers += R"({"rrname":"n)" + std::to_string(i) +
               R"(.example","rrtype":"A","rdata":"192.0.2.)" + std::to_string(i % 256) + "\"}";
  }
  observe::Observation o;
  ASSERT_TRUE(
      MapLine(Event("dns", R"(,"dns":{"type":"response","answers":[)" + answers + "]}"), &o).ok());
  EXPECT_LE(o.objects().size(), ObservationBuilder::Limits{}.max_objects);

  // 1 MB strings wherever the mapping reads text.
  const std::string big(1 << 20, 'a');
  for (const std::string& rest : {
           R"(,"http":{"hostname":")" + big + R"(","url":"/)" + big + R"(","xff":")" + big + "\"}",
           R"(,"tls":{"subject":"CN=)" + big + R"(","sni":")" + big + R"(","fingerprint":")" + big +
               R"(","subjectaltname":[")" + big + "\"]}",
           R"(,"dns":{"rrname":")" + big + R"(","rrtype":"CNAME","rdata":")" + big + "\"}",
           R"(,"email":{"from":")" + big + R"(@x","date":")" + big + R"(","subject":")" + big +
               "\"}",
           R"(,"fileinfo":{"filename":")" + big + R"(","magic":")" + big + "/" + big + "\"}",
           R"(,"proto":")" + big + R"(","app_proto":")" + big + "\"",
       }) {
    SCOPED_TRACE(rest.substr(0, 20));
    observe::Observation observation;
    EXPECT_TRUE(MapLine(Event("flow", rest), &observation).ok());
  }

  // Deep nesting where the mapping looks (one level at most) and where it does not.
  std::string deep = "1";
  for (int i = 0; i < 60; ++i) deep = "[" + deep + "]";
  EXPECT_TRUE(
      Map(Event("dns", R"(,"dns":{"grouped":{"A":)" + deep + R"(},"answers":[)" + deep + "]}"))
          .starts_with("error: field 'dns.answers': expected a list of objects"));
  EXPECT_TRUE(Map(Event("x", R"(,"x":{"a_ip":)" + deep + "}")).starts_with("time "));

  // Many members.
  std::string members;
  for (int i = 0; i < 50000; ++i) members += ",\"k" + std::to_string(i) + "_ip\":\"192.0.2.1\"";
  EXPECT_TRUE(Map(Event("x", R"(,"x":{"a":1)" + members + "}")).starts_with("time "));

  // Numbers at the edges.
  EXPECT_EQ(ErrorOf(Event("flow", R"(,"flow":{"bytes_toserver":18446744073709551615})")),
            "field 'flow.bytes_toserver': expected a count, got 18446744073709551615");
  EXPECT_EQ(ErrorOf(Event("flow", R"(,"flow":{"bytes_toserver":1e300})")),
            "field 'flow.bytes_toserver': expected a count, got 1e+300");
  EXPECT_EQ(ErrorOf(Event("flow", R"(,"flow":{"pkts_toclient":"99999999999999999999999"})")),
            R"(field 'flow.pkts_toclient': expected a count, got "99999999999999999999999")");
}

}  // namespace
}  // namespace concord::ingest
