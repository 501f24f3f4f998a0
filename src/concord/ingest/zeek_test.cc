// Unit tests of the zeek adapter beyond the golden files (testdata/ingest/zeek): the errors each
// wrong-typed field gives, the same observation from every layout, unknown logs, hostile input,
// and the details golden files show poorly (TSV escapes, mail dates, log type names).

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "concord/ingest/adapters.h"
#include "concord/ingest/event_mapper.h"
#include "concord/ingest/log_context.h"
#include "concord/json/document.h"
#include "concord/observe/dump.h"

namespace concord::ingest {
namespace {

// The observation as text, or "error: <message>".
std::string Dump(const Status& status, const observe::Observation& observation) {
  if (!status.ok()) return "error: " + status.message();
  return observe::DumpObservation(observation);
}

// Maps one Zeek JSON line as the scanner does (parse, marker check, adapter).
std::string MapJson(std::string_view line, std::string zeek_path = "") {
  LogContext context;
  context.format = LogFormat::kZeekJson;
  context.zeek_path = std::move(zeek_path);
  EventMapper mapper;
  observe::Observation observation;
  observe::ObservationBuilder builder(&observation);
  return Dump(mapper.Map(context, line, &builder), observation);
}

// A TSV log's context from its header lines (tab-separated, "\x09" separator).
LogContext TsvContext(std::string_view path, std::string_view fields, std::string_view types) {
  LogContext context;
  context.format = LogFormat::kZeekTsv;
  for (const std::string& line :
       {std::string("#separator \\x09"), std::string("#set_separator\t,"),
        std::string("#empty_field\t(empty)"), std::string("#unset_field\t-"),
        "#path\t" + std::string(path), "#fields\t" + std::string(fields),
        "#types\t" + std::string(types)}) {
    EXPECT_TRUE(ApplyZeekHeaderLine(line, &context).ok()) << line;
  }
  return context;
}

std::string MapTsv(const LogContext& context, std::string_view line) {
  EventMapper mapper;
  observe::Observation observation;
  observe::ObservationBuilder builder(&observation);
  return Dump(mapper.Map(context, line, &builder), observation);
}

// REQUIRES: !from.empty()
std::string ReplaceAll(std::string s, std::string_view from, std::string_view to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

constexpr std::string_view kConnFields =
    "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\t"
    "resp_bytes\tconn_state\tlocal_orig\thistory\torig_pkts\tresp_pkts\ttunnel_parents";
constexpr std::string_view kConnTypes =
    "time\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\t"
    "string\tcount\tcount\tset[string]";
constexpr std::string_view kConnJson =
    R"({"_path":"conn","ts":1600171964.123456,"uid":"CmES5u32sYpV7JYN","id.orig_h":"10.0.0.5",)"
    R"("id.orig_p":49320,"id.resp_h":"2001:db8::20","id.resp_p":80,"proto":"tcp",)"
    R"("service":"http","duration":1.5,"orig_bytes":421,"resp_bytes":18230,"conn_state":"SF",)"
    R"("local_orig":true,"history":"ShADadfF","orig_pkts":9,"resp_pkts":16,"tunnel_parents":[]})";
constexpr std::string_view kConnTsv =
    "1600171964.123456\tCmES5u32sYpV7JYN\t10.0.0.5\t49320\t2001:db8::20\t80\ttcp\thttp\t"
    "1.500000\t421\t18230\tSF\tT\tShADadfF\t9\t16\t(empty)";

TEST(ZeekAdapterTest, ConnMapsToAddressesAndOneNetworkTraffic) {
  EXPECT_EQ(
      MapJson(kConnJson),
      "time 2020-09-15T12:12:44.123456Z\n"
      "0 ipv4-addr {\"type\":\"ipv4-addr\",\"value\":\"10.0.0.5\"}\n"
      "1 ipv6-addr {\"type\":\"ipv6-addr\",\"value\":\"2001:db8::20\"}\n"
      "2 network-traffic {\"type\":\"network-traffic\",\"src_ref\":\"0\",\"dst_ref\":\"1\","
      "\"src_port\":49320,\"dst_port\":80,\"protocols\":[\"tcp\",\"http\"],"
      "\"start\":\"2020-09-15T12:12:44.123456Z\",\"end\":\"2020-09-15T12:12:45.623456Z\","
      "\"src_byte_count\":421,\"dst_byte_count\":18230,\"src_packets\":9,\"dst_packets\":16}\n");
}

TEST(ZeekAdapterTest, EveryLayoutGivesTheSameObservation) {
  const std::string dotted = MapJson(kConnJson);
  ASSERT_EQ(dotted.find("error"), std::string::npos) << dotted;
  // Underscored names, as json-streaming-logs and many shippers write them, with "@stream".
  std::string underscored = ReplaceAll(std::string(kConnJson), "\"id.", "\"id_");
  underscored = ReplaceAll(underscored, "\"_path\"", "\"@stream\"");
  EXPECT_EQ(MapJson(underscored), dotted);
  // "id" as a nested object.
  const std::string nested = ReplaceAll(
      std::string(kConnJson),
      R"("id.orig_h":"10.0.0.5","id.orig_p":49320,"id.resp_h":"2001:db8::20","id.resp_p":80)",
      R"("id":{"orig_h":"10.0.0.5","orig_p":49320,"resp_h":"2001:db8::20","resp_p":80})");
  ASSERT_NE(nested, kConnJson);
  EXPECT_EQ(MapJson(nested), dotted);
  // No "_path": the file's log type.
  EXPECT_EQ(MapJson(ReplaceAll(std::string(kConnJson), R"("_path":"conn",)", ""), "conn"), dotted);
  // ISO 8601 times (JSON::TS_ISO8601) and numbers written as text.
  std::string iso =
      ReplaceAll(std::string(kConnJson), "1600171964.123456", "\"2020-09-15T12:12:44.123456Z\"");
  iso = ReplaceAll(iso, "49320", "\"49320\"");
  iso = ReplaceAll(iso, "18230", "\"18230\"");
  EXPECT_EQ(MapJson(iso), dotted);
  // TSV.
  EXPECT_EQ(MapTsv(TsvContext("conn", kConnFields, kConnTypes), kConnTsv), dotted);
}

TEST(ZeekAdapterTest, TsvAndJsonAgreeOnEscapesSetsAndBinary) {
  constexpr std::string_view kFields =
      "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tmethod\thost\turi\tuser_agent\t"
      "orig_fuids\torig_filenames\torig_mime_types\tproxied";
  constexpr std::string_view kTypes =
      "time\tstring\taddr\tport\taddr\tport\tstring\tstring\tstring\tstring\tvector[string]\t"
      "vector[string]\tvector[string]\tset[string]";
  // A tab in the user agent, a comma inside a set element, a backslash, a byte that is not
  // UTF-8 (Zeek's JSON writer writes it as the text \xe9) and valid UTF-8 written raw.
  const std::string tsv =
      "1600171964.5\tC1\t10.0.0.5\t49320\t198.51.100.20\t80\tPOST\tFiles.example\t"
      "/a\\x5cb?n=r\\xe9sum\\xe9\tcurl\\x09x\tF1,F2\tnotes\\x2c final.txt,résumé.txt\t"
      "text/plain,-\tX-FORWARDED-FOR -> 192.0.2.44";
  const std::string json =
      R"({"_path":"http","ts":1600171964.5,"uid":"C1","id.orig_h":"10.0.0.5","id.orig_p":49320,)"
      R"("id.resp_h":"198.51.100.20","id.resp_p":80,"method":"POST","host":"Files.example",)"
      R"("uri":"/a\\b?n=r\\xe9sum\\xe9","user_agent":"curl\tx","orig_fuids":["F1","F2"],)"
      R"("orig_filenames":["notes, final.txt","résumé.txt"],"orig_mime_types":["text/plain","-"],)"
      R"("proxied":["X-FORWARDED-FOR -> 192.0.2.44"]})";
  const std::string from_json = MapJson(json);
  EXPECT_EQ(MapTsv(TsvContext("http", kFields, kTypes), tsv), from_json);
  EXPECT_NE(from_json.find(R"("value":"http://Files.example/a\\b?n=r\\xe9sum\\xe9")"),
            std::string::npos)
      << from_json;
  EXPECT_NE(from_json.find(R"("name":"notes, final.txt","mime_type":"text/plain")"),
            std::string::npos)
      << from_json;
  EXPECT_NE(from_json.find(R"("name":"résumé.txt","x_zeek_fuid":"F2")"), std::string::npos)
      << from_json;
  EXPECT_NE(from_json.find(R"("User-Agent":"curl\u0009x")"), std::string::npos) << from_json;
  EXPECT_NE(from_json.find(R"("value":"192.0.2.44")"), std::string::npos) << from_json;
}

TEST(ZeekAdapterTest, TsvUnsetAndEmptyFieldsAreAbsent) {
  const LogContext context = TsvContext("conn", kConnFields, kConnTypes);
  const std::string out = MapTsv(
      context, "1600171964.5\tC1\t10.0.0.5\t-\t(empty)\t-\ttcp\t-\t-\t-\t-\tS0\t-\t-\t-\t-\t-");
  EXPECT_EQ(out,
            "time 2020-09-15T12:12:44.500000Z\n"
            "0 ipv4-addr {\"type\":\"ipv4-addr\",\"value\":\"10.0.0.5\"}\n"
            "1 network-traffic {\"type\":\"network-traffic\",\"src_ref\":\"0\","
            "\"protocols\":[\"tcp\"],\"start\":\"2020-09-15T12:12:44.500Z\"}\n");
}

TEST(ZeekAdapterTest, WrongTypedFieldsNameTheField) {
  struct Case {
    std::string_view line;
    std::string_view error;
  };
  const Case cases[] = {
      {R"({"_path":"conn","ts":1600000000,"id.orig_p":"abc"})",
       R"(error: field 'id.orig_p': expected a port number, got "abc")"},
      {R"({"_path":"conn","ts":1600000000,"id_resp_p":65536})",
       "error: field 'id_resp_p': expected a port number, got 65536"},
      {R"({"_path":"conn","ts":1600000000,"id":{"orig_p":-1}})",
       "error: field 'id.orig_p': expected a port number, got -1"},
      {R"({"_path":"conn","ts":{"s":1}})",
       R"(error: field 'ts': expected a time (seconds since 1970 or ISO 8601), got {"s":1})"},
      {R"({"_path":"conn","ts":"1600000000.x"})",
       R"(error: field 'ts': expected a time (seconds since 1970 or ISO 8601), got "1600000000.x")"},
      {R"({"_path":"conn","ts":true})",
       "error: field 'ts': expected a time (seconds since 1970 or ISO 8601), got true"},
      {R"({"_path":"conn","ts":1e300})",
       "error: field 'ts': expected a time (seconds since 1970 or ISO 8601), got 1e+300"},
      {R"({"_path":"conn","ts":1600000000,"id.orig_h":["10.0.0.1"]})",
       R"(error: field 'id.orig_h': expected an IP address, got ["10.0.0.1"])"},
      {R"({"_path":"conn","ts":1600000000,"id.resp_h":"host.example"})",
       R"(error: field 'id.resp_h': expected an IP address, got "host.example")"},
      // conn.log's counts are read for its network-traffic, so when it has endpoints.
      {R"({"_path":"conn","ts":1600000000,"id.orig_h":"10.0.0.1","orig_pkts":1.5})",
       "error: field 'orig_pkts': expected a count, got 1.5"},
      {R"({"_path":"conn","ts":1600000000,"id.orig_h":"10.0.0.1","resp_bytes":18446744073709551615})",
       "error: field 'resp_bytes': expected a count, got 18446744073709551615"},
      {R"({"_path":"conn","ts":1600000000,"id.orig_h":"10.0.0.1","duration":"long"})",
       R"(error: field 'duration': expected a number of seconds, got "long")"},
      {R"({"_path":"conn","ts":1600000000,"proto":6})",
       "error: field 'proto': expected a string, got 6"},
      {R"({"_path":"dns","ts":1600000000,"answers":"x","query":{"q":1}})",
       R"(error: field 'query': expected a string, got {"q":1})"},
      {R"({"_path":"dns","ts":1600000000,"answers":[true]})",
       "error: field 'answers': expected a list of strings, got [true]"},
      {R"({"_path":"http","ts":1600000000,"host":7})",
       "error: field 'host': expected a string, got 7"},
      {R"({"_path":"ssl","ts":1600000000,"cert_chain_fps":{"a":"b"}})",
       R"(error: field 'cert_chain_fps': expected a list of strings, got {"a":"b"})"},
      {R"({"_path":"x509","ts":1600000000,"certificate.not_valid_after":"soon"})",
       R"(error: field 'certificate.not_valid_after': expected a time (seconds since 1970 or ISO 8601), got "soon")"},
      {R"({"_path":"x509","ts":1600000000,"san":{"ip":["203.0.113.5","www"]}})",
       R"(error: field 'san.ip': expected a list of IP addresses, got ["203.0.113.5","www"])"},
      {R"({"_path":"files","ts":1600000000,"rx_hosts":["10.0.0.1","x"]})",
       R"(error: field 'rx_hosts': expected a list of IP addresses, got ["10.0.0.1","x"])"},
      {R"({"_path":"files","ts":1600000000,"total_bytes":"big"})",
       R"(error: field 'total_bytes': expected a count, got "big")"},
      {R"({"_path":"smtp","ts":1600000000,"x_originating_ip":"[192.0.2.1]"})",
       R"(error: field 'x_originating_ip': expected an IP address, got "[192.0.2.1]")"},
      {R"({"_path":"notice","ts":1600000000,"p":"http"})",
       R"(error: field 'p': expected a port number, got "http")"},
      {R"({"_path":"weird","ts":1600000000,"id.orig_h":"10.0.0.1","id.resp_p":null,"id.orig_p":[]})",
       "error: field 'id.orig_p': expected a port number, got []"},
      {R"({"@stream":false,"ts":1600000000})",
       "error: field '@stream': expected a string, got false"},
  };
  for (const Case& c : cases) EXPECT_EQ(MapJson(c.line), c.error) << c.line;

  // A long bad value is shortened in the message; bytes that are not printable are escaped.
  const std::string long_port =
      R"({"_path":"conn","ts":1600000000,"id.orig_p":")" + std::string(5000, '9') + "\"}";
  EXPECT_EQ(MapJson(long_port), "error: field 'id.orig_p': expected a port number, got \"" +
                                    std::string(40, '9') + "...\"");

  // TSV: the field as the header names it.
  const LogContext context = TsvContext("conn", kConnFields, kConnTypes);
  EXPECT_EQ(MapTsv(context, ReplaceAll(std::string(kConnTsv), "\t49320\t", "\tabc\t")),
            R"(error: field 'id.orig_p': expected a port number, got "abc")");
  EXPECT_EQ(MapTsv(context, ReplaceAll(std::string(kConnTsv), "1600171964.123456", "-")),
            R"(error: field 'ts': expected a time (seconds since 1970 or ISO 8601), got "-")");
  EXPECT_EQ(MapTsv(context, ReplaceAll(std::string(kConnTsv), "\tShADadfF", "\tSh\xff")),
            "error: field 'history': invalid UTF-8 (Zeek escapes such bytes as \\xHH)");
  EXPECT_EQ(MapTsv(context, ReplaceAll(std::string(kConnTsv), "\t421\t", "\t4\\x321\t")),
            R"(error: field 'orig_bytes': expected a count, got "4\x321")");  // read as written
  // A TSV log without "ts" (loaded_scripts.log) has nothing to date its events with.
  EXPECT_EQ(MapTsv(TsvContext("loaded_scripts", "name", "string"), "/usr/share/zeek/x.zeek"),
            "error: no 'ts' field: not a Zeek event (did the log change format?)");
}

TEST(ZeekAdapterTest, UnknownLogsYieldTheirAddresses) {
  // Any log: id.* make a network-traffic; every string (or list of strings) holding an address
  // or a MAC address adds it; other text is ignored.
  const std::string out = MapJson(
      R"({"_path":"rdp","ts":1600000000,"uid":"C1","id.orig_h":"203.0.113.9","id.orig_p":50000,)"
      R"("id.resp_h":"10.0.0.7","id.resp_p":3389,"cookie":"admin","relay":"198.51.100.1:3389",)"
      R"("seen":["2001:DB8::1","x","10.0.0.7"],"chain":"192.0.2.1, 192.0.2.2","mac":"AA-BB-CC-DD-EE-FF",)"
      R"("version":"1.2.3.4","n":5,"deep":{"a":{"b":"192.0.2.99"}}})");
  EXPECT_EQ(out,
            "time 2020-09-13T12:26:40.000000Z\n"
            "0 ipv4-addr {\"type\":\"ipv4-addr\",\"value\":\"203.0.113.9\"}\n"
            "1 ipv4-addr {\"type\":\"ipv4-addr\",\"value\":\"10.0.0.7\"}\n"
            "2 ipv6-addr {\"type\":\"ipv6-addr\",\"value\":\"2001:db8::1\"}\n"
            "3 ipv4-addr {\"type\":\"ipv4-addr\",\"value\":\"192.0.2.1\"}\n"
            "4 ipv4-addr {\"type\":\"ipv4-addr\",\"value\":\"192.0.2.2\"}\n"
            "5 mac-addr {\"type\":\"mac-addr\",\"value\":\"aa:bb:cc:dd:ee:ff\"}\n"
            "6 ipv4-addr {\"type\":\"ipv4-addr\",\"value\":\"1.2.3.4\"}\n"
            "7 network-traffic {\"type\":\"network-traffic\",\"src_ref\":\"0\",\"dst_ref\":\"1\","
            "\"src_port\":50000,\"dst_port\":3389,\"protocols\":[\"tcp\",\"rdp\"],"
            "\"start\":\"2020-09-13T12:26:40.000Z\"}\n");
  // No "_path" and no file name: an unknown log like any other.
  EXPECT_NE(MapJson(R"({"ts":1600000000,"uid":"C1","id.orig_h":"10.0.0.1"})").find("10.0.0.1"),
            std::string::npos);
  // TSV: #types say which fields hold addresses and which are lists.
  const LogContext context = TsvContext("known_hosts_x", "ts\thost\tpeers\tcount\tnote",
                                        "time\taddr\tset[addr]\tcount\tstring");
  EXPECT_EQ(MapTsv(context, "1600000000.0\t10.0.0.1\t192.0.2.1,2001:db8::2\t10\tsee 10.0.0.9"),
            "time 2020-09-13T12:26:40.000000Z\n"
            "0 ipv4-addr {\"type\":\"ipv4-addr\",\"value\":\"10.0.0.1\"}\n"
            "1 ipv4-addr {\"type\":\"ipv4-addr\",\"value\":\"192.0.2.1\"}\n"
            "2 ipv6-addr {\"type\":\"ipv6-addr\",\"value\":\"2001:db8::2\"}\n");
}

TEST(ZeekAdapterTest, LogTypeComesFromPathStreamOrFileName) {
  const std::string dns_fields =
      R"("ts":1600000000,"uid":"C1","id.orig_h":"10.0.0.1","id.orig_p":5353,"id.resp_h":"10.0.0.2",)"
      R"("id.resp_p":53,"proto":"udp","query":"q.example","qtype_name":"A"})";
  const std::string as_dns = MapJson("{" + dns_fields, "dns");
  EXPECT_NE(as_dns.find("\"protocols\":[\"udp\",\"dns\"]"), std::string::npos) << as_dns;
  EXPECT_EQ(MapJson(R"({"_path":"dns",)" + dns_fields, "conn"), as_dns);
  EXPECT_EQ(MapJson(R"({"@stream":"dns",)" + dns_fields, "conn"), as_dns);
  // A log written under another path, or split by interface, keeps its type.
  EXPECT_EQ(MapJson("{" + dns_fields, "dns_eth0"), as_dns);
  EXPECT_EQ(MapJson("{" + dns_fields, "dns-red"), as_dns);
  // But "dnsx" is another log: only its addresses are read.
  EXPECT_EQ(MapJson("{" + dns_fields, "dnsx").find("q.example"), std::string::npos);
}

TEST(ZeekAdapterTest, IcmpTypeAndCodeAreNotPorts) {
  const std::string out =
      MapJson(R"({"_path":"conn","ts":1600000000,"id.orig_h":"10.0.0.1","id.orig_p":3,)"
              R"("id.resp_h":"10.0.0.2","id.resp_p":13,"proto":"icmp"})");
  EXPECT_NE(out.find(R"("protocols":["icmp"],)"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("extensions":{"icmp-ext":{"icmp_type_hex":"03","icmp_code_hex":"0d"}})"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("src_port"), std::string::npos) << out;
}

TEST(ZeekAdapterTest, SslCertificatesByFingerprint) {
  const std::string out = MapJson(
      R"({"_path":"ssl","ts":1600000000,"id.orig_h":"10.0.0.1","id.orig_p":50000,)"
      R"("id.resp_h":"192.0.2.1","id.resp_p":443,"version":"DTLSv12","server_name":"VPN.Example.",)"
      R"("cert_chain_fps":["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","not-a-fingerprint"],)"
      R"("resp_certificate_sha1":"BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",)"
      R"("subject":"CN=vpn.example","ja3":"0123456789ABCDEF0123456789ABCDEF","ja3s":"short"})");
  EXPECT_NE(out.find(R"("value":"vpn.example")"), std::string::npos) << out;
  EXPECT_NE(
      out.find(
          R"({"type":"x509-certificate","hashes":{"MD5":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",)"
          R"("SHA-1":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},"subject":"CN=vpn.example"})"),
      std::string::npos)
      << out;
  EXPECT_NE(out.find(R"("protocols":["udp","tls"])"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("ja3":"0123456789abcdef0123456789abcdef","ja3s":"short")"),
            std::string::npos)
      << out;
}

TEST(ZeekAdapterTest, OptionalCertificateDetailsNeverFailTheEvent) {
  // certificate.exponent is a string in Zeek; a number, or text that is no number that fits, is
  // kept or left out, never a reason to skip the certificate.
  for (std::string_view exponent :
       {"65537", "\"65537\"", "\"1234567890123456789012345\"", "\"-\"", "\"x\"", "null"}) {
    const std::string out = MapJson(
        R"({"_path":"x509","ts":1600000000,"certificate.serial":"01","certificate.exponent":)" +
        std::string(exponent) + "}");
    EXPECT_EQ(out.find("error"), std::string::npos) << exponent << "\n" << out;
    EXPECT_EQ(out.find("subject_public_key_exponent\":65537") != std::string::npos,
              exponent.find("65537") != std::string::npos)
        << exponent << "\n"
        << out;
  }
}

TEST(ZeekAdapterTest, MailDatesAsSendersWriteThem) {
  struct Case {
    std::string_view date;
    std::string_view want;  // "" when not a date
  };
  const Case cases[] = {
      {"Tue, 15 Sep 2020 09:12:44 -0400", "2020-09-15T13:12:44.000Z"},
      {"15 Sep 2020 09:12:44 +0000", "2020-09-15T09:12:44.000Z"},
      {"Tue, 15 SEP 2020 09:12 GMT", "2020-09-15T09:12:00.000Z"},
      {"Tue, 5 Sep 20 09:12:44 PDT (Pacific)", "2020-09-05T16:12:44.000Z"},
      {"Tue,  5 Sep 2020  09:12:44  +0100", "2020-09-05T08:12:44.000Z"},
      {"yesterday", ""},
      {"Tue, 31 Feb 2020 09:12:44 +0000", ""},
      // RFC 5322 section 4.3: an unknown zone name means "-0000", a time whose zone is unknown.
      {"Tue, 15 Sep 2020 09:12:44 CEST", "2020-09-15T09:12:44.000Z"},
      {"Tue, 15 Sep 2020 9:12:44 +0000", "2020-09-15T09:12:44.000Z"},  // one-digit hour: lenient
  };
  for (const Case& c : cases) {
    const std::string out = MapJson(R"({"_path":"smtp","ts":1600000000,"subject":"s","date":")" +
                                    std::string(c.date) + "\"}");
    if (c.want.empty()) {
      EXPECT_EQ(out.find("\"date\""), std::string::npos) << c.date << "\n" << out;
    } else {
      EXPECT_NE(out.find("\"date\":\"" + std::string(c.want) + "\""), std::string::npos)
          << c.date << "\n"
          << out;
    }
  }
}

TEST(ZeekAdapterTest, HostileInputIsBoundedAndNeverCrashes) {
  // A huge answer list: the builder keeps its object limit, the adapter reads a bounded prefix.
  std::string answers = R"({"_path":"dns","ts":1600000000,"query":"q.example","answers":[)";
  for (int i = 0; i < 60000; ++i) {  // under the 1 MB line limit
    answers += (i ? ",\"10." : "\"10.") + std::to_string((i >> 16) & 255) + "." +
               std::to_string((i >> 8) & 255) + "." + std::to_string(i & 255) + "\"";
  }
  answers += "]}";
  const std::string out = MapJson(answers);
  EXPECT_NE(out.find("\"10.0.0.1\""), std::string::npos);     // some were taken
  EXPECT_EQ(out.find("\"10.0.234.95\""), std::string::npos);  // not all

  // Strings as long as a line may be, in every kind of field.
  const std::string big((1 << 20) - 100, 'a');
  for (std::string_view field : {"query", "uri", "host", "server_name", "certificate.subject",
                                 "filename", "subject", "sub", "anything"}) {
    for (std::string_view path : {"dns", "http", "ssl", "x509", "files", "smtp", "notice", "x"}) {
      const std::string line = R"({"_path":")" + std::string(path) + R"(","ts":1600000000,")" +
                               std::string(field) + R"(":")" + big + "\"}";
      const std::string result = MapJson(line);
      EXPECT_EQ(result.find("error"), std::string::npos) << field << " in " << path;
    }
  }

  // Many fields, fields with enormous names, nesting deeper than the adapter reads.
  std::string many = R"({"_path":"weird","ts":1600000000)";
  for (int i = 0; i < 30000; ++i) many += ",\"f" + std::to_string(i) + "\":\"192.0.2.1\"";
  many += ",\"" + std::string(100000, 'k') + "\":1}";
  EXPECT_NE(MapJson(many).find("192.0.2.1"), std::string::npos);

  json::Parser parser(json::Limits{.max_value_bytes = 64 << 20, .max_depth = 5000});
  std::string deep = R"({"_path":"conn","ts":1600000000,"id":{"orig_h":)";
  deep += std::string(4000, '[') + std::string(4000, ']');
  deep += R"(},"x":)" + std::string(4000, '[') + std::string(4000, ']') + "}";
  Result<json::Element> parsed = parser.Parse(deep);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  json::ObjectView event;
  ASSERT_EQ(parsed->get_object().get(event), simdjson::SUCCESS);
  observe::Observation observation;
  observe::ObservationBuilder builder(&observation);
  LogContext context;
  const Status s = MapZeekJson(event, context, &builder);
  EXPECT_TRUE(s.message().starts_with("field 'id.orig_h': expected an IP address, got [[[["))
      << s.message();

  // TSV: a huge set, truncated and odd escapes, a separator-only line, many columns.
  const LogContext tsv = TsvContext("x509", "ts\tsan.dns\tsan.ip\tcertificate.subject",
                                    "time\tvector[string]\tvector[addr]\tstring");
  std::string names;
  for (int i = 0; i < 100000; ++i) names += (i ? ",h" : "h") + std::to_string(i) + ".example";
  EXPECT_EQ(MapTsv(tsv, "1600000000\t" + names + "\t-\tCN=x").find("error"), std::string::npos);
  for (std::string_view odd : {"\\", "\\x", "\\x4", "\\xZZ", "a\\x41\\", "\\xc3\\xa9\\xc3",
                               "\\xf0\\x9f\\x98", "\\xed\\xa0\\x80", "\\x00"}) {
    const std::string line = "1600000000\t" + std::string(odd) + "\t-\tCN=" + std::string(odd);
    EXPECT_EQ(MapTsv(tsv, line).find("error"), std::string::npos) << odd;
  }
  EXPECT_EQ(MapTsv(tsv, "\t\t\t"),
            R"(error: field 'ts': expected a time (seconds since 1970 or ISO 8601), got "")");
  std::string fields = "ts";
  std::string types = "time";
  std::string row = "1600000000";
  for (int i = 0; i < 999; ++i) {
    fields += "\tf" + std::to_string(i);
    types += "\tset[addr]";
    row += "\t10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250) + ",192.0.2.1";
  }
  const LogContext wide = TsvContext("wide", fields, types);
  const std::string wide_out = MapTsv(wide, row);
  EXPECT_EQ(wide_out.find("error"), std::string::npos);
  EXPECT_NE(wide_out.find("192.0.2.1"), std::string::npos);
}

TEST(ZeekAdapterTest, TsvValuesNeedNotBeOneLine) {
  // MapZeekTsv reads each value on its own (the arena is sized from the values, not the line).
  LogContext context = TsvContext("http", "ts\thost\turi", "time\tstring\tstring");
  const std::string a = "1600000000";
  const std::string b = "h\\x2eexample";
  const std::string c = "/\\x41\\x42";
  const std::string_view values[] = {a, b, c};
  observe::Observation observation;
  observe::ObservationBuilder builder(&observation);
  ASSERT_TRUE(MapZeekTsv(values, context, &builder).ok());
  const std::string out = observe::DumpObservation(observation);
  EXPECT_NE(out.find(R"("value":"http://h.example/AB")"), std::string::npos) << out;
}

TEST(ZeekAdapterTest, ResetsTheBuilderWithTheEventTime) {
  observe::Observation observation;
  observe::ObservationBuilder builder(&observation);
  EventMapper mapper;
  LogContext context;
  context.format = LogFormat::kZeekJson;
  ASSERT_TRUE(mapper.Map(context, kConnJson, &builder).ok());
  ASSERT_TRUE(mapper
                  .Map(context,
                       R"({"_path":"capture_loss","ts":"2021-05-01T10:00:00.5Z","gaps":1})",
                       &builder)
                  .ok());
  EXPECT_EQ(observation.objects().size(), 0u);
  EXPECT_EQ(observation.first_observed, (Timestamp{1619863200, 500000000}));
  EXPECT_EQ(observation.last_observed, observation.first_observed);
}

}  // namespace
}  // namespace concord::ingest
