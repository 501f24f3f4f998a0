#include "concord/detect/warning_list.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "concord/pattern/parser.h"

namespace concord::detect {
namespace {

namespace fs = std::filesystem;

std::string Fixture(std::string_view name) {
  const fs::path path = fs::path(CONCORD_SOURCE_DIR) / "testdata" / "warninglists" / name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A hit as one line, for readable expectations: "list | value | entry".
std::string Show(const WarningHit& h) { return h.list + " | " + h.value + " | " + h.entry; }

std::vector<std::string> Show(const std::vector<WarningHit>& hits) {
  std::vector<std::string> out;
  for (const WarningHit& h : hits) out.push_back(Show(h));
  return out;
}

std::vector<std::string> CheckPattern(const WarningLists& lists, std::string_view text) {
  Result<pattern::Pattern> p = pattern::ParsePattern(text);
  EXPECT_TRUE(p.ok()) << text << ": " << p.status().ToString();
  if (!p.ok()) return {"(does not parse)"};
  return Show(lists.Check(*p));
}

std::vector<std::string> CheckValue(const WarningLists& lists, std::string_view type,
                                    std::string_view value) {
  return Show(lists.CheckValue(type, value));
}

using Lines = std::vector<std::string>;
const Lines kNone;

WarningLists Load(std::initializer_list<std::string_view> fixtures) {
  WarningLists lists;
  for (std::string_view name : fixtures) {
    const Status s = lists.Add(Fixture(name), fs::path(name).stem().string());
    EXPECT_TRUE(s.ok()) << name << ": " << s.ToString();
  }
  return lists;
}

// ---- The built-in list ----

TEST(WarningListBuiltInTest, PrivateAndReservedAddressesHit) {
  const WarningLists lists = WarningLists::BuiltIn();
  const struct {
    const char* type;
    const char* value;
    const char* entry;
  } cases[] = {
      {"ipv4-addr", "0.1.2.3", "0.0.0.0/8"},
      {"ipv4-addr", "10.1.2.3", "10.0.0.0/8"},
      {"ipv4-addr", "100.64.0.1", "100.64.0.0/10"},
      {"ipv4-addr", "100.127.255.255", "100.64.0.0/10"},
      {"ipv4-addr", "127.0.0.1", "127.0.0.0/8"},
      {"ipv4-addr", "169.254.169.254", "169.254.0.0/16"},
      {"ipv4-addr", "172.16.0.1", "172.16.0.0/12"},
      {"ipv4-addr", "172.31.255.255", "172.16.0.0/12"},
      {"ipv4-addr", "192.0.0.8", "192.0.0.0/24"},
      {"ipv4-addr", "192.168.1.1", "192.168.0.0/16"},
      {"ipv4-addr", "198.18.0.1", "198.18.0.0/15"},
      {"ipv4-addr", "198.19.255.255", "198.18.0.0/15"},
      {"ipv4-addr", "224.0.0.251", "224.0.0.0/4"},
      {"ipv4-addr", "239.255.255.250", "224.0.0.0/4"},
      {"ipv4-addr", "255.255.255.255", "240.0.0.0/4"},
      {"ipv4-addr", "10.0.0.0/16", "10.0.0.0/8"},
      {"ipv6-addr", "::", "::"},
      {"ipv6-addr", "::1", "::1"},
      {"ipv6-addr", "0:0:0:0:0:0:0:1", "::1"},
      {"ipv6-addr", "fd12:3456::1", "fc00::/7"},
      {"ipv6-addr", "FE80::1", "fe80::/10"},
      {"ipv6-addr", "ff02::fb", "ff00::/8"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(CheckValue(lists, c.type, c.value),
              Lines{std::string("reserved-ranges | ") + c.value + " | " + c.entry})
        << c.value;
  }
}

TEST(WarningListBuiltInTest, DocumentationAndPublicAddressesDoNotHit) {
  const WarningLists lists = WarningLists::BuiltIn();
  // The documentation ranges are left out on purpose: they stand in for hostile hosts.
  for (const char* v : {"192.0.2.1", "198.51.100.7", "203.0.113.5", "192.0.2.0/24",
                        "198.51.100.0/24", "203.0.113.0/24", "8.8.8.8", "1.1.1.1", "172.32.0.1",
                        "172.15.255.255", "100.128.0.1", "100.63.255.255", "198.20.0.0",
                        "198.17.255.255", "192.0.1.255", "11.0.0.0", "223.255.255.255"}) {
    EXPECT_EQ(CheckValue(lists, "ipv4-addr", v), kNone) << v;
  }
  for (const char* v : {"2001:db8::1", "2001:db8::/32", "2001:4860:4860::8888", "fe00::1",
                        "fec0::1", "::2", "2606:4700::1111"}) {
    EXPECT_EQ(CheckValue(lists, "ipv6-addr", v), kNone) << v;
  }
  for (const char* v : {"example.com", "c2.example", "evil.test", "www.example.org", "notlocalhost",
                        "localhost.example.com", "invalid-domain.com"}) {
    EXPECT_EQ(CheckValue(lists, "domain-name", v), kNone) << v;
  }
}

TEST(WarningListBuiltInTest, Ipv4MappedAddressesAreIpv4) {
  const WarningLists lists = WarningLists::BuiltIn();
  EXPECT_EQ(CheckValue(lists, "ipv6-addr", "::ffff:10.0.0.1"),
            Lines{"reserved-ranges | ::ffff:10.0.0.1 | 10.0.0.0/8"});
  EXPECT_EQ(CheckValue(lists, "ipv6-addr", "::ffff:c0a8:101"),
            Lines{"reserved-ranges | ::ffff:c0a8:101 | 192.168.0.0/16"});
  EXPECT_EQ(CheckPattern(lists, "[ipv6-addr:value ISSUBSET '::ffff:172.16.0.0/108']"),
            Lines{"reserved-ranges | ::ffff:172.16.0.0/108 | 172.16.0.0/12"});
  EXPECT_EQ(CheckValue(lists, "ipv6-addr", "::ffff:8.8.8.8"), kNone);
  EXPECT_EQ(CheckValue(lists, "ipv6-addr", "::10.0.0.1"), kNone);  // IPv4-compatible: obsolete
}

TEST(WarningListBuiltInTest, ReservedHostNamesAndSubdomains) {
  const WarningLists lists = WarningLists::BuiltIn();
  EXPECT_EQ(CheckValue(lists, "domain-name", "localhost"),
            Lines{"reserved-ranges | localhost | localhost"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "db.localhost"),
            Lines{"reserved-ranges | db.localhost | localhost"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "LocalHost."),
            Lines{"reserved-ranges | LocalHost. | localhost"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "printer.local"),
            Lines{"reserved-ranges | printer.local | local"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "host.localdomain"),
            Lines{"reserved-ranges | host.localdomain | localdomain"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "name.invalid"),
            Lines{"reserved-ranges | name.invalid | invalid"});
  EXPECT_EQ(lists.list_count(), 1u);
  EXPECT_EQ(lists.entry_count(), 20u);  // 11 IPv4, 5 IPv6, 4 names
}

TEST(WarningListBuiltInTest, OtherObjectTypesAreNotChecked) {
  const WarningLists lists = WarningLists::BuiltIn();
  EXPECT_EQ(CheckValue(lists, "mac-addr", "10.0.0.1"), kNone);
  EXPECT_EQ(CheckValue(lists, "file", "localhost"), kNone);
  EXPECT_EQ(CheckValue(lists, "", "localhost"), kNone);
}

// ---- MISP lists, one per type ----

TEST(WarningListMispTest, CidrList) {
  const WarningLists lists = Load({"google-dns-cidr.json"});
  EXPECT_EQ(lists.list_count(), 1u);
  EXPECT_EQ(lists.entry_count(), 4u);
  const std::string name = "List of known Google DNS resolvers";
  EXPECT_EQ(CheckValue(lists, "ipv4-addr", "8.8.8.8"), Lines{name + " | 8.8.8.8 | 8.8.8.8"});
  EXPECT_EQ(CheckValue(lists, "ipv6-addr", "2001:4860:4860:0::8888"),
            Lines{name + " | 2001:4860:4860:0::8888 | 2001:4860:4860::8888"});
  EXPECT_EQ(CheckValue(lists, "ipv4-addr", "8.8.8.9"), kNone);
  // A block containing entries hits each of them, in address order.
  EXPECT_EQ(CheckPattern(lists, "[ipv4-addr:value ISSUBSET '8.8.0.0/16']"),
            (Lines{name + " | 8.8.0.0/16 | 8.8.4.4", name + " | 8.8.0.0/16 | 8.8.8.8"}));
  EXPECT_EQ(CheckPattern(lists, "[ipv4-addr:value ISSUBSET '8.8.9.0/24']"), kNone);
  // matching_attributes has "domain|ip": a URL's address host is checked (as MISP does for url
  // attributes only when the list names url; here the address kind applies).
  EXPECT_EQ(CheckValue(lists, "url", "https://8.8.8.8/dns-query"),
            Lines{name + " | https://8.8.8.8/dns-query | 8.8.8.8"});
}

TEST(WarningListMispTest, StringList) {
  const WarningLists lists = Load({"google-dns-string.json"});
  EXPECT_EQ(lists.entry_count(), 6u);
  const std::string name = "List of known Google DNS resolvers (string)";
  EXPECT_EQ(CheckValue(lists, "ipv4-addr", "8.8.8.8"), Lines{name + " | 8.8.8.8 | 8.8.8.8"});
  // Addresses compare as addresses, whatever their spelling on either side.
  EXPECT_EQ(CheckValue(lists, "ipv6-addr", "2001:4860:4860::8844"),
            Lines{name + " | 2001:4860:4860::8844 | 2001:4860:4860::8844"});
  EXPECT_EQ(CheckValue(lists, "ipv6-addr", "2001:4860:4860:0:0:0:0:8888"),
            Lines{name + " | 2001:4860:4860:0:0:0:0:8888 | 2001:4860:4860::8888"});
  EXPECT_EQ(CheckPattern(lists, "[ipv4-addr:value = '8.8.8.8/32']"),
            Lines{name + " | 8.8.8.8/32 | 8.8.8.8"});
  // Host names without case and trailing dot; a string entry is not a suffix.
  EXPECT_EQ(CheckValue(lists, "domain-name", "DNS.Google."),
            Lines{name + " | DNS.Google. | dns.google"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "dns64.dns.google"),
            Lines{name + " | dns64.dns.google | dns64.dns.google"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "x.dns.google"), kNone);
  // Equality, not overlap: a block around a listed address is not equal to it.
  EXPECT_EQ(CheckPattern(lists, "[ipv4-addr:value ISSUBSET '8.8.8.0/24']"), kNone);
}

TEST(WarningListMispTest, HostnameList) {
  const WarningLists lists = Load({"top-sites.json"});
  EXPECT_EQ(lists.entry_count(), 8u);
  const std::string name = "Top 10K websites from Tranco";
  EXPECT_EQ(CheckValue(lists, "domain-name", "google.com"),
            Lines{name + " | google.com | google.com"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "MAIL.Google.COM."),
            Lines{name + " | MAIL.Google.COM. | google.com"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "en.m.wikipedia.org"),
            Lines{name + " | en.m.wikipedia.org | wikipedia.org"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "www.amazon.com"),
            Lines{name + " | www.amazon.com | amazon.com"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "login.microsoftonline.com"),
            Lines{name + " | login.microsoftonline.com | microsoftonline.com"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "www.bücher.de"),
            Lines{name + " | www.bücher.de | bücher.de"});
  for (const char* v : {"notgoogle.com", "google.com.evil.example", "google", "com", "youtube.co",
                        "amazon.com-login.example"}) {
    EXPECT_EQ(CheckValue(lists, "domain-name", v), kNone) << v;
  }
  // An address entry in a hostname list hits that address ("domain|ip" is matched).
  EXPECT_EQ(CheckValue(lists, "ipv4-addr", "104.16.89.188"),
            Lines{name + " | 104.16.89.188 | 104.16.89.188"});
}

TEST(WarningListMispTest, SecondLevelTldsAreExactStrings) {
  const WarningLists lists = Load({"second-level-tlds.json"});
  const std::string name = "Second level TLDs as known by Mozilla Foundation";
  EXPECT_EQ(CheckValue(lists, "domain-name", "co.uk"), Lines{name + " | co.uk | co.uk"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "GitHub.IO"),
            Lines{name + " | GitHub.IO | github.io"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "example.co.uk"), kNone);
  EXPECT_EQ(CheckValue(lists, "domain-name", "attacker.github.io"), kNone);
}

TEST(WarningListMispTest, SubstringList) {
  const WarningLists lists = Load({"sinkhole-substrings.json"});
  const std::string name = "Known sinkhole and connectivity-check fragments";
  EXPECT_EQ(CheckValue(lists, "domain-name", "sinkhole.example.net"),
            Lines{name + " | sinkhole.example.net | sinkhole"});
  // Without regard to case.
  EXPECT_EQ(CheckValue(lists, "url", "http://SinkHole-01.example/"),
            Lines{name + " | http://SinkHole-01.example/ | sinkhole"});
  EXPECT_EQ(CheckValue(lists, "url", "http://www.msftconnecttest.com/connecttest.txt"),
            Lines{name + " | http://www.msftconnecttest.com/connecttest.txt | /connecttest.txt"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "cdn-1.azureedge.net"),
            Lines{name + " | cdn-1.azureedge.net | .azureedge.net"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "azureedge.net"), kNone);
  EXPECT_EQ(CheckValue(lists, "domain-name", "example.com"), kNone);
}

TEST(WarningListMispTest, RegexList) {
  const WarningLists lists = Load({"reverse-dns-regex.json"});
  const std::string name = "Reverse DNS and OCSP names";
  EXPECT_EQ(CheckValue(lists, "domain-name", "4.3.2.1.in-addr.arpa"),
            Lines{name + " | 4.3.2.1.in-addr.arpa | /\\.in-addr\\.arpa$/i"});
  // The i flag: the whole URL is matched as written.
  EXPECT_EQ(
      CheckValue(lists, "url", "http://resolver.example/4.3.2.1.IN-ADDR.ARPA"),
      Lines{name + " | http://resolver.example/4.3.2.1.IN-ADDR.ARPA | /\\.in-addr\\.arpa$/i"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "ocsp2.digicert.com"),
            Lines{name + " | ocsp2.digicert.com | /^ocsp[0-9]*\\.[a-z0-9-]+\\.(com|net)$/"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "ocsp.digicert.org"), kNone);
  EXPECT_EQ(CheckValue(lists, "url", "http://crl3.digicert.com/ca.crl"),
            Lines{name + " | http://crl3.digicert.com/ca.crl | #^https?://crl[0-9]*\\.#"});
  EXPECT_EQ(CheckValue(lists, "url", "http://example.com/crl3.x"), kNone);
}

TEST(WarningListMispTest, ListWithCommentsAndNoMatchingAttributes) {
  const WarningLists lists = Load({"with-comments.json"});
  EXPECT_EQ(lists.entry_count(), 2u);
  EXPECT_EQ(CheckValue(lists, "ipv4-addr", "192.0.2.55"),
            Lines{"Internal scanners | 192.0.2.55 | 192.0.2.0/24"});
  EXPECT_EQ(CheckValue(lists, "url", "http://198.51.100.7:8080/"),
            Lines{"Internal scanners | http://198.51.100.7:8080/ | 198.51.100.7"});
}

TEST(WarningListMispTest, MatchingAttributesRestrictTheList) {
  // Only hash attributes: the list is loaded but never asked about our values.
  const WarningLists hashes = Load({"hashes-only.json"});
  EXPECT_EQ(hashes.entry_count(), 2u);
  EXPECT_EQ(CheckValue(hashes, "domain-name", "example.com"), kNone);

  // A hostname list for URLs only: a URL's host hits, a bare domain name does not.
  WarningLists lists;
  ASSERT_TRUE(lists
                  .Add(R"({"name": "Shorteners", "type": "hostname",
                           "matching_attributes": ["url"], "list": ["bit.ly"]})",
                       "x")
                  .ok());
  EXPECT_EQ(CheckValue(lists, "domain-name", "bit.ly"), kNone);
  EXPECT_EQ(CheckValue(lists, "url", "https://bit.ly/3xYz"),
            Lines{"Shorteners | https://bit.ly/3xYz | bit.ly"});

  // "ALL" and an empty array mean every value, as in MISP.
  ASSERT_TRUE(lists
                  .Add(R"({"name": "All", "type": "hostname", "matching_attributes": ["ALL"],
                           "list": ["all.example"]})",
                       "x")
                  .ok());
  ASSERT_TRUE(lists
                  .Add(R"({"name": "Empty", "type": "hostname", "matching_attributes": [],
                           "list": ["empty.example"]})",
                       "x")
                  .ok());
  EXPECT_EQ(CheckValue(lists, "email-addr", "a@all.example"),
            Lines{"All | a@all.example | all.example"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "www.empty.example"),
            Lines{"Empty | www.empty.example | empty.example"});
}

TEST(WarningListMispTest, NameAndTypeDefaults) {
  WarningLists lists;
  // No "name": the caller's; no "type": "string", as MISP assumes.
  ASSERT_TRUE(lists.Add(R"({"list": ["Exact.Example"]})", "my-file").ok());
  EXPECT_EQ(CheckValue(lists, "domain-name", "exact.example"),
            Lines{"my-file | exact.example | exact.example"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "www.exact.example"), kNone);
  // "type" as an array (older MISP lists): its first element. Empty entries are skipped.
  ASSERT_TRUE(
      lists.Add("\xEF\xBB\xBF  {\"type\": [\"cidr\"], \"list\": [\"\", \"10.0.0.0/8\"]}", "typed")
          .ok());
  EXPECT_EQ(CheckValue(lists, "ipv4-addr", "10.2.3.4"), Lines{"typed | 10.2.3.4 | 10.0.0.0/8"});
  EXPECT_EQ(lists.entry_count(), 2u);
}

// ---- Plain text ----

TEST(WarningListPlainTextTest, ClassifiesEachLine) {
  const WarningLists lists = Load({"corp-infrastructure.txt"});
  EXPECT_EQ(lists.list_count(), 1u);
  EXPECT_EQ(lists.entry_count(), 5u);
  const std::string name = "corp-infrastructure";
  EXPECT_EQ(CheckValue(lists, "ipv4-addr", "203.0.113.77"),
            Lines{name + " | 203.0.113.77 | 203.0.113.0/24"});
  EXPECT_EQ(CheckValue(lists, "ipv4-addr", "198.51.100.25"),
            Lines{name + " | 198.51.100.25 | 198.51.100.25"});
  EXPECT_EQ(CheckValue(lists, "ipv6-addr", "2001:db8:100:5::1"),
            Lines{name + " | 2001:db8:100:5::1 | 2001:db8:100::/48"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "a.vpn.example.net"),
            Lines{name + " | a.vpn.example.net | vpn.example.net"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "corp.example.org"),
            Lines{name + " | corp.example.org | corp.example.org"});
  EXPECT_EQ(CheckValue(lists, "ipv4-addr", "198.51.100.26"), kNone);
}

TEST(WarningListPlainTextTest, LineEndingsCommentsAndBom) {
  WarningLists lists;
  ASSERT_TRUE(
      lists.Add("\xEF\xBB\xBF# header\r\n\r\n  192.0.2.1  \r\nhost.example # note\r\n", "t").ok());
  EXPECT_EQ(lists.entry_count(), 2u);
  EXPECT_EQ(CheckValue(lists, "ipv4-addr", "192.0.2.1"), Lines{"t | 192.0.2.1 | 192.0.2.1"});
  EXPECT_EQ(CheckValue(lists, "domain-name", "host.example"),
            Lines{"t | host.example | host.example"});
  // An empty text is an empty list; duplicates count once.
  ASSERT_TRUE(lists.Add("", "empty").ok());
  ASSERT_TRUE(lists.Add("a.example\nA.example\n10.0.0.1\n10.0.0.1/32\n", "dups").ok());
  EXPECT_EQ(lists.list_count(), 3u);
  EXPECT_EQ(lists.entry_count(), 4u);
}

// ---- Patterns ----

TEST(WarningListPatternTest, InListsCheckEachMember) {
  const WarningLists lists = WarningLists::BuiltIn();
  EXPECT_EQ(CheckPattern(lists,
                         "[ipv4-addr:value IN ('198.51.100.1', '10.0.0.1', '203.0.113.9', "
                         "'192.168.1.1')]"),
            (Lines{"reserved-ranges | 10.0.0.1 | 10.0.0.0/8",
                   "reserved-ranges | 192.168.1.1 | 192.168.0.0/16"}));
  EXPECT_EQ(CheckPattern(lists, "[domain-name:value IN ('evil.example', 'x.localhost')]"),
            Lines{"reserved-ranges | x.localhost | localhost"});
  EXPECT_EQ(CheckPattern(lists, "[ipv4-addr:value IN ()]"), kNone);
}

TEST(WarningListPatternTest, IsSubsetOverlapsEitherWay) {
  const WarningLists lists = WarningLists::BuiltIn();
  // The block is inside an entry.
  EXPECT_EQ(CheckPattern(lists, "[ipv4-addr:value ISSUBSET '10.20.0.0/16']"),
            Lines{"reserved-ranges | 10.20.0.0/16 | 10.0.0.0/8"});
  // The block contains entries: 8.0.0.0/6 is 8.0.0.0 - 11.255.255.255.
  EXPECT_EQ(CheckPattern(lists, "[ipv4-addr:value ISSUBSET '8.0.0.0/6']"),
            Lines{"reserved-ranges | 8.0.0.0/6 | 10.0.0.0/8"});
  EXPECT_EQ(CheckPattern(lists, "[ipv4-addr:value ISSUBSET '0.0.0.0/0']").size(), 8u);
  EXPECT_EQ(CheckPattern(lists, "[ipv6-addr:value ISSUBSET 'fe80::/64']"),
            Lines{"reserved-ranges | fe80::/64 | fe80::/10"});
  EXPECT_EQ(CheckPattern(lists, "[ipv4-addr:value ISSUBSET '198.51.100.0/24']"), kNone);
  // ISSUPERSET names no value.
  EXPECT_EQ(CheckPattern(lists, "[ipv4-addr:value ISSUPERSET '10.0.0.1/32']"), kNone);
}

TEST(WarningListPatternTest, ReferencedObjectValues) {
  const WarningLists lists = WarningLists::BuiltIn();
  EXPECT_EQ(CheckPattern(lists,
                         "[network-traffic:dst_ref.value = '10.0.0.5' AND "
                         "network-traffic:dst_port = 443]"),
            Lines{"reserved-ranges | 10.0.0.5 | 10.0.0.0/8"});
  EXPECT_EQ(CheckPattern(lists, "[network-traffic:src_ref.value ISSUBSET '192.168.0.0/24']"),
            Lines{"reserved-ranges | 192.168.0.0/24 | 192.168.0.0/16"});
  EXPECT_EQ(CheckPattern(lists, "[network-traffic:dst_ref.value = 'nas.local']"),
            Lines{"reserved-ranges | nas.local | local"});
  EXPECT_EQ(CheckPattern(lists, "[domain-name:resolves_to_refs[*].value = '127.0.0.1']"),
            Lines{"reserved-ranges | 127.0.0.1 | 127.0.0.0/8"});
  EXPECT_EQ(CheckPattern(lists, "[email-message:to_refs[0].value = 'root@localhost']"),
            Lines{"reserved-ranges | root@localhost | localhost"});
  EXPECT_EQ(CheckPattern(lists, "[email-message:from_ref.value = 'x@[10.1.1.1]']"),
            Lines{"reserved-ranges | x@[10.1.1.1] | 10.0.0.0/8"});
  EXPECT_EQ(CheckPattern(lists, "[x-proxy:target_ref.value = 'http://user@localhost/']"),
            Lines{"reserved-ranges | http://user@localhost/ | localhost"});
  // Not a value of a referenced object, or not a "value" property.
  EXPECT_EQ(CheckPattern(lists, "[network-traffic:dst_port = '10.0.0.1']"), kNone);
  EXPECT_EQ(CheckPattern(lists, "[network-traffic:dst_ref.type = 'localhost']"), kNone);
  EXPECT_EQ(CheckPattern(lists, "[file:name = '10.0.0.1']"), kNone);
  EXPECT_EQ(CheckPattern(lists, "[x-custom:value = '10.0.0.1']"), kNone);
}

TEST(WarningListPatternTest, NegatedComparisonsDoNotHit) {
  const WarningLists lists = WarningLists::BuiltIn();
  // NOT and != match every value except the one named: no false positive to suppress.
  EXPECT_EQ(CheckPattern(lists, "[ipv4-addr:value != '10.0.0.1']"), kNone);
  EXPECT_EQ(CheckPattern(lists, "[ipv4-addr:value NOT = '10.0.0.1']"), kNone);
  EXPECT_EQ(CheckPattern(lists, "[ipv4-addr:value NOT IN ('10.0.0.1', '127.0.0.1')]"), kNone);
  EXPECT_EQ(CheckPattern(lists, "[ipv4-addr:value NOT ISSUBSET '10.0.0.0/8']"), kNone);
  EXPECT_EQ(CheckPattern(lists, "[domain-name:value NOT = 'localhost']"), kNone);
}

TEST(WarningListPatternTest, LikeAndMatchesDoNotHit) {
  const WarningLists lists = WarningLists::BuiltIn();
  // LIKE and MATCHES operands are patterns, not values: '%.localhost' is no host name a list
  // could name, and deciding whether a pattern's language meets a list would take set
  // intersection. Such indicators are matched as written.
  EXPECT_EQ(CheckPattern(lists, "[domain-name:value LIKE '%.localhost']"), kNone);
  EXPECT_EQ(CheckPattern(lists, "[domain-name:value LIKE 'localhost']"), kNone);
  EXPECT_EQ(CheckPattern(lists, "[domain-name:value MATCHES '^localhost$']"), kNone);
  EXPECT_EQ(CheckPattern(lists, "[ipv4-addr:value < '10.0.0.1']"), kNone);
  EXPECT_EQ(CheckPattern(lists, "[ipv4-addr:value = 10]"), kNone);
}

TEST(WarningListPatternTest, WalksEveryExpressionInSourceOrder) {
  const WarningLists lists = WarningLists::BuiltIn();
  EXPECT_EQ(
      CheckPattern(lists,
                   "([ipv4-addr:value = '198.51.100.1'] AND [domain-name:value = 'db.localhost']) "
                   "FOLLOWEDBY ([url:value = 'http://192.168.0.1/admin'] OR "
                   "[ipv6-addr:value = '::1']) WITHIN 300 SECONDS"),
      (Lines{"reserved-ranges | db.localhost | localhost",
             "reserved-ranges | http://192.168.0.1/admin | 192.168.0.0/16",
             "reserved-ranges | ::1 | ::1"}));
  EXPECT_EQ(CheckPattern(lists,
                         "[ipv4-addr:value = '203.0.113.1' OR (ipv4-addr:value = '10.9.9.9' AND "
                         "(ipv4-addr:value = '198.51.100.2' OR ipv4-addr:value = '172.16.0.1'))]"),
            (Lines{"reserved-ranges | 10.9.9.9 | 10.0.0.0/8",
                   "reserved-ranges | 172.16.0.1 | 172.16.0.0/12"}));
  EXPECT_EQ(CheckPattern(lists,
                         "[domain-name:value = 'evil.example'] REPEATS 3 TIMES FOLLOWEDBY "
                         "[ipv4-addr:value = '169.254.169.254'] START t'2024-01-01T00:00:00Z' "
                         "STOP t'2024-02-01T00:00:00Z'"),
            Lines{"reserved-ranges | 169.254.169.254 | 169.254.0.0/16"});
}

TEST(WarningListPatternTest, HitsAreBoundedAndDeduplicated) {
  const WarningLists lists = WarningLists::BuiltIn();
  std::string in = "[ipv4-addr:value IN (";
  for (int i = 0; i < 4000; ++i)
    in +=
        (i ? ", '10.0." : "'10.0.") + std::to_string(i % 256) + "." + std::to_string(i / 256) + "'";
  in += ")]";
  const std::vector<std::string> hits = CheckPattern(lists, in);
  ASSERT_EQ(hits.size(), WarningLists::kMaxHits);
  EXPECT_EQ(hits[0], "reserved-ranges | 10.0.0.0 | 10.0.0.0/8");
  EXPECT_EQ(hits[7], "reserved-ranges | 10.0.7.0 | 10.0.0.0/8");
  EXPECT_EQ(
      CheckPattern(lists, "[ipv4-addr:value = '10.0.0.1'] AND [ipv4-addr:value = '10.0.0.1']"),
      Lines{"reserved-ranges | 10.0.0.1 | 10.0.0.0/8"});
}

TEST(WarningListPatternTest, SeveralListsOneValue) {
  WarningLists lists = WarningLists::BuiltIn();
  ASSERT_TRUE(lists.Add("10.1.0.0/16\n", "lab").ok());
  ASSERT_TRUE(lists.Add("10.1.0.0/16\n10.1.2.0/24\n", "lab-2").ok());
  // Innermost block first; the same block in two lists, the list loaded last first.
  EXPECT_EQ(CheckValue(lists, "ipv4-addr", "10.1.2.3"),
            (Lines{"lab-2 | 10.1.2.3 | 10.1.2.0/24", "lab-2 | 10.1.2.3 | 10.1.0.0/16",
                   "lab | 10.1.2.3 | 10.1.0.0/16", "reserved-ranges | 10.1.2.3 | 10.0.0.0/8"}));
  ASSERT_TRUE(lists.Add("local\n", "names").ok());
  EXPECT_EQ(CheckValue(lists, "domain-name", "a.local"),
            (Lines{"reserved-ranges | a.local | local", "names | a.local | local"}));
}

TEST(WarningListPatternTest, UrlHosts) {
  WarningLists lists = WarningLists::BuiltIn();
  const struct {
    const char* url;
    const char* entry;  // nullptr: no hit
  } cases[] = {
      {"http://localhost:8080/x", "localhost"},
      {"https://[::1]:8443/", "::1"},
      {"ftp://user:secret@10.1.1.1/file", "10.0.0.0/8"},
      {"http://a@b@printer.local/", "local"},
      {"HTTP://LOCALHOST./", "localhost"},
      {"//localhost/path", "localhost"},
      {"localhost/path", "localhost"},
      {"http://intranet.localdomain?q=1", "localdomain"},
      {"http://intranet.localdomain#frag", "localdomain"},
      {"http://evil.example/?next=http://localhost/", nullptr},
      {"http://evil.example/localhost", nullptr},
      {"http://[::1", nullptr},
      {"ht tp://localhost/", nullptr},
      {"not a url", nullptr},
      {"", nullptr},
  };
  for (const auto& c : cases) {
    const Lines expected =
        c.entry ? Lines{std::string("reserved-ranges | ") + c.url + " | " + c.entry} : kNone;
    EXPECT_EQ(CheckValue(lists, "url", c.url), expected) << c.url;
    EXPECT_EQ(CheckPattern(lists, std::string("[url:value = '") + c.url + "']"), expected) << c.url;
  }
}

TEST(WarningListPatternTest, EmailDomains) {
  WarningLists lists = Load({"top-sites.json"});
  ASSERT_TRUE(lists.Add("localhost\n127.0.0.0/8\n::1\n", "reserved").ok());
  EXPECT_EQ(CheckValue(lists, "email-addr", "admin@localhost"),
            Lines{"reserved | admin@localhost | localhost"});
  EXPECT_EQ(CheckValue(lists, "email-addr", "user@[127.0.0.1]"),
            Lines{"reserved | user@[127.0.0.1] | 127.0.0.0/8"});
  EXPECT_EQ(CheckValue(lists, "email-addr", "user@[IPv6:::1]"),
            Lines{"reserved | user@[IPv6:::1] | ::1"});
  EXPECT_EQ(CheckValue(lists, "email-addr", "someone@mail.Google.com"),
            Lines{"Top 10K websites from Tranco | someone@mail.Google.com | google.com"});
  EXPECT_EQ(CheckPattern(lists, "[email-addr:value = 'a\"b@youtube.com']"),
            Lines{"Top 10K websites from Tranco | a\"b@youtube.com | youtube.com"});
  EXPECT_EQ(CheckValue(lists, "email-addr", "google.com"), kNone);  // no '@': no domain
  EXPECT_EQ(CheckValue(lists, "email-addr", "google.com@evil.example"), kNone);
}

// ---- Refused lists ----

// Add() fails with `code` and a message containing `part`, and leaves `lists` as it was.
void ExpectRefused(WarningLists& lists, std::string_view text, std::string_view name,
                   StatusCode code, std::string_view part) {
  const size_t list_count = lists.list_count();
  const size_t entry_count = lists.entry_count();
  const Status s = lists.Add(text, name);
  EXPECT_EQ(s.code(), code) << s.ToString();
  EXPECT_NE(s.message().find(part), std::string::npos) << s.ToString() << "\nwanted: " << part;
  EXPECT_EQ(lists.list_count(), list_count);
  EXPECT_EQ(lists.entry_count(), entry_count);
}

TEST(WarningListErrorTest, BadJsonSaysWhere) {
  WarningLists lists;
  ExpectRefused(lists, Fixture("bad-syntax.json"), "bad-syntax", StatusCode::kInvalidArgument,
                "warning list \"bad-syntax\": byte 46 (line 4, column 3): expected ',' or '}'");
  ExpectRefused(lists, "{\"list\": [\"a.example\"", "truncated", StatusCode::kInvalidArgument,
                "warning list \"truncated\": byte ");
  ExpectRefused(lists, "{\"list\": 5}", "x", StatusCode::kInvalidArgument,
                "\"list\": expected an array of strings, found a number");
  ExpectRefused(lists, "{\"name\": \"n\"}", "x", StatusCode::kInvalidArgument,
                "warning list \"n\": \"list\": missing");
  ExpectRefused(lists, "{\"name\": 7, \"list\": []}", "x", StatusCode::kInvalidArgument,
                "\"name\": expected a string, found a number");
  ExpectRefused(lists, "{\"list\": [], \"matching_attributes\": \"url\"}", "x",
                StatusCode::kInvalidArgument, "\"matching_attributes\": expected an array");
  ExpectRefused(lists, "{\"list\": [], \"matching_attributes\": [\"url\", 3]}", "x",
                StatusCode::kInvalidArgument, "matching_attributes[1]: expected a string");
  ExpectRefused(lists, "{\"list\": [], \"type\": []}", "x", StatusCode::kInvalidArgument,
                "\"type\": an empty array");
  ExpectRefused(lists, "{\"list\": [], \"type\": true}", "x", StatusCode::kInvalidArgument,
                "\"type\": expected a string, found a boolean");
  std::string deep = "{\"list\": " + std::string(200, '[') + std::string(200, ']') + "}";
  ExpectRefused(lists, deep, "deep", StatusCode::kResourceExhausted, "deeper than");
}

TEST(WarningListErrorTest, UnknownTypeIsRefused) {
  WarningLists lists;
  ExpectRefused(lists, Fixture("unknown-type.json"), "unknown-type", StatusCode::kInvalidArgument,
                "warning list \"Glob list\": \"type\": unknown warning list type \"glob\" "
                "(expected cidr, hostname, string, substring or regex)");
}

TEST(WarningListErrorTest, NonStringEntryRefusesTheWholeList) {
  WarningLists lists;
  ExpectRefused(lists, Fixture("non-string-entry.json"), "non-string-entry",
                StatusCode::kInvalidArgument,
                "warning list \"Numbers\": list[1]: expected a string, found a number");
  EXPECT_EQ(CheckValue(lists, "ipv4-addr", "8.8.8.8"), kNone);  // list[0] was not kept
}

TEST(WarningListErrorTest, InvalidCidrLineRefusesTheWholeList) {
  WarningLists lists;
  ExpectRefused(lists, Fixture("bad-cidr.txt"), "bad-cidr", StatusCode::kInvalidArgument,
                "warning list \"bad-cidr\": line 4: \"10.30.0.0/33\" is not an IP address, a "
                "CIDR block or a host name");
  EXPECT_EQ(CheckValue(lists, "ipv4-addr", "10.20.1.1"), kNone);
  EXPECT_EQ(CheckValue(lists, "domain-name", "intranet.example.com"), kNone);
  // The list can be loaded once fixed.
  ASSERT_TRUE(lists.Add("10.20.0.0/16\n", "bad-cidr").ok());
}

TEST(WarningListErrorTest, InvalidEntriesPerType) {
  const struct {
    const char* type;
    const char* entry;
    const char* message;
  } cases[] = {
      {"cidr", "10.0.0.0/33", "list[1]: \"10.0.0.0/33\" is not an IP address or CIDR block"},
      {"cidr", "1.2.3", "is not an IP address or CIDR block"},
      {"cidr", "010.0.0.1", "is not an IP address or CIDR block"},
      {"cidr", "fe80::1%eth0", "is not an IP address or CIDR block"},
      {"cidr", "example.com", "is not an IP address or CIDR block"},
      {"hostname", "exa mple.com", "list[1]: \"exa mple.com\" is not a host name"},
      {"hostname", "a..b", "is not a host name"},
      {"hostname", "http://x.example/", "is not a host name"},
      {"hostname", "10.0.0.0/8", "is not a host name"},
      {"hostname", "999.1.1.1", "is not a host name"},
      {"hostname", "*", "is not a host name"},
      {"regex", "/(?=x)y/", "does not compile with RE2"},
      {"regex", "(unclosed", "does not compile with RE2"},
      {"regex", "/a/x", "PCRE flag 'x' is not supported by RE2"},
      {"regex", "//", "matches the empty string, so it would hit every value"},
      {"regex", "/x*/i", "matches the empty string"},
      {"regex", "#a\\\\1#U", "PCRE flag 'U' is not supported by RE2"},
  };
  for (const auto& c : cases) {
    WarningLists lists;
    const std::string text = std::string("{\"name\": \"n\", \"type\": \"") + c.type +
                             "\", \"list\": [\"ok.example\", \"" +
                             [&] {
                               std::string escaped;
                               for (const char* p = c.entry; *p; ++p) {
                                 if (*p == '"' || *p == '\\') escaped += '\\';
                                 escaped += *p;
                               }
                               return escaped;
                             }() +
                             "\"]}";
    // cidr lists refuse "ok.example" first; give them a valid first entry instead.
    std::string fixed = text;
    if (std::string_view(c.type) == "cidr") {
      fixed.replace(fixed.find("ok.example"), 10, "192.0.2.0/24");
    }
    ExpectRefused(lists, fixed, "n", StatusCode::kInvalidArgument, c.message);
  }
  WarningLists lists;
  ExpectRefused(lists, "good.example\n\xFF\xFE.example\n", "utf8", StatusCode::kInvalidArgument,
                "line 2: \"\\xff\\xfe.example\"");
  ExpectRefused(lists, "good.example\nbad\x01name\n", "ctl", StatusCode::kInvalidArgument,
                "line 2: \"bad\\x01name\" is not");
  ExpectRefused(lists, "[\"10.0.0.0/8\"]\n", "array", StatusCode::kInvalidArgument, "line 1: ");
}

TEST(WarningListErrorTest, NamesMustBeGivenAndUnique) {
  WarningLists lists = WarningLists::BuiltIn();
  ExpectRefused(lists, "10.0.0.0/8\n", "", StatusCode::kInvalidArgument, "needs a name");
  ExpectRefused(lists, "{\"list\": []}", "", StatusCode::kInvalidArgument, "has no \"name\"");
  ExpectRefused(lists, "1.2.3.4\n", "reserved-ranges", StatusCode::kAlreadyExists,
                "warning list \"reserved-ranges\": a list of that name is loaded");
  ASSERT_TRUE(lists.Add(Fixture("google-dns-cidr.json"), "a").ok());
  ExpectRefused(lists, Fixture("google-dns-cidr.json"), "b", StatusCode::kAlreadyExists,
                "List of known Google DNS resolvers");
}

TEST(WarningListErrorTest, Limits) {
  const WarningListLimits defaults;
  EXPECT_EQ(defaults.max_entries_per_list, 2'000'000u);
  EXPECT_EQ(defaults.max_entry_bytes, 1024u);
  EXPECT_EQ(defaults.max_regex_entries, 10'000u);
  EXPECT_EQ(defaults.max_lists, 1'000u);

  WarningLists lists(WarningListLimits{.max_entries_per_list = 3,
                                       .max_entry_bytes = 20,
                                       .max_regex_entries = 4,
                                       .max_lists = 3,
                                       .max_list_bytes = 200});
  ExpectRefused(lists, "a.example\nb.example\nc.example\nd.example\n", "many",
                StatusCode::kResourceExhausted, "line 4: more than 3 entries");
  ExpectRefused(lists, R"({"list": ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]})", "many",
                StatusCode::kResourceExhausted, "list[3]: more than 3 entries");
  ExpectRefused(lists, "short.example\n" + std::string(21, 'a') + ".example\n", "long",
                StatusCode::kResourceExhausted,
                "line 2: an entry of 29 bytes is longer than the limit of 20");
  ExpectRefused(lists, std::string(201, '#'), "big", StatusCode::kResourceExhausted,
                "201 bytes is larger than the limit of 200");
  ASSERT_TRUE(lists.Add(R"({"type": "substring", "list": ["a", "b", "c"]})", "s1").ok());
  ExpectRefused(lists, R"({"type": "regex", "list": ["x", "y"]})", "s2",
                StatusCode::kResourceExhausted, "more than 4 over all lists");
  ASSERT_TRUE(lists.Add("x.example\n", "l2").ok());
  ASSERT_TRUE(lists.Add("y.example\n", "l3").ok());
  ExpectRefused(lists, "z.example\n", "l4", StatusCode::kResourceExhausted,
                "3 lists are loaded, the limit");
}

// ---- Hostile input ----

TEST(WarningListHostileTest, RandomInputNeverCrashes) {
  std::mt19937 rng(20240601);
  const std::string alphabet =
      std::string("{}[]\":,0123456789abcdef./:@#*%\\ \t\r\n-_xyzABC") + '\0' + "\xff\xc3\xa9";
  const char* fragments[] = {"{\"list\": [",
                             "\"type\": \"cidr\"",
                             "\"type\": \"regex\"",
                             "\"10.0.0.0/8\"",
                             "\"/a(b/i\"",
                             "\"name\": ",
                             "::/0",
                             "]}",
                             "\"matching_attributes\": ["};
  WarningLists lists = WarningLists::BuiltIn();
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int n = static_cast<int>(rng() % 120);
    for (int i = 0; i < n; ++i) {
      if (rng() % 6 == 0) {
        text += fragments[rng() % std::size(fragments)];
      } else {
        text += alphabet[rng() % alphabet.size()];
      }
    }
    if (round % 3 == 0) text.insert(0, "{");
    const size_t before = lists.list_count();
    const Status s = lists.Add(text, "r" + std::to_string(round));
    EXPECT_EQ(lists.list_count(), before + (s.ok() ? 1 : 0));
    for (const char* type : {"ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr"}) {
      EXPECT_LE(lists.CheckValue(type, text).size(), WarningLists::kMaxHits);
    }
    if (lists.list_count() > 900) break;
  }
}

TEST(WarningListHostileTest, LongAndOddValuesStayCheap) {
  WarningLists lists = WarningLists::BuiltIn();
  ASSERT_TRUE(lists.Add(R"({"type": "substring", "list": ["zz"]})", "sub").ok());
  std::string labels;
  for (int i = 0; i < 30000; ++i) labels += "a.";
  labels += "localhost";
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i) {
    // Too long for a host name: not probed label by label (that would be quadratic).
    EXPECT_EQ(CheckValue(lists, "domain-name", labels), kNone);
    EXPECT_EQ(
        CheckValue(lists, "url", "http://" + std::string(60000, '@') + "localhost/"),
        Lines{"reserved-ranges | http://" + std::string(60000, '@') + "localhost/ | localhost"});
    EXPECT_EQ(CheckValue(lists, "email-addr", std::string(60000, '[')), kNone);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 10.0);
  // A hand-built pattern with bad indexes and a cycle.
  pattern::Pattern p;
  p.nodes.resize(2);
  p.nodes[0].kind = pattern::NodeKind::kObsAnd;
  p.nodes[0].children = {1, 0, 7};
  p.nodes[1].kind = pattern::NodeKind::kComparison;
  p.nodes[1].path = 3;
  p.root = 0;
  EXPECT_TRUE(lists.Check(p).empty());
  p.root = 9;
  EXPECT_TRUE(lists.Check(p).empty());
  EXPECT_TRUE(lists.Check(pattern::Pattern{}).empty());
}

// ---- The CIDR index against a slow, obviously correct reference ----

std::string FormatV4(uint32_t a, int prefix) {
  std::string s = std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
                  std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
  if (prefix < 32) s += "/" + std::to_string(prefix);
  return s;
}

TEST(WarningListDifferentialTest, CidrIndexAgreesWithBruteForce) {
  std::mt19937 rng(7);
  struct Block {
    std::string list;
    uint32_t lo, hi;
    int prefix;
  };
  auto random_block = [&](int min_prefix) {
    // Addresses in 10.0.0.0/16 so that blocks nest and overlap often.
    const int prefix = min_prefix + static_cast<int>(rng() % (33 - min_prefix));
    const uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
    const uint32_t a = (0x0A000000u | (rng() & 0xFFFF)) & mask;
    return std::make_pair(a, prefix);
  };
  std::vector<Block> blocks;
  WarningLists lists;
  for (int l = 0; l < 4; ++l) {
    const std::string name = "l" + std::to_string(l);
    std::string text;
    for (int i = 0; i < 300; ++i) {
      auto [a, prefix] = random_block(16);
      const uint32_t hi = prefix == 32 ? a : a | (~uint32_t{0} >> prefix);
      blocks.push_back({name, a, hi, prefix});
      text += FormatV4(a, prefix) + "\n";
    }
    ASSERT_TRUE(lists.Add(text, name).ok());
  }
  for (int q = 0; q < 5000; ++q) {
    auto [a, prefix] = random_block(q % 2 ? 14 : 32);
    const uint32_t hi = prefix == 32 ? a : a | (~uint32_t{0} >> prefix);
    const std::string value = FormatV4(a, prefix);
    std::set<std::string> expected;
    for (const Block& b : blocks) {
      if (b.lo <= hi && a <= b.hi)
        expected.insert(b.list + " | " + value + " | " + FormatV4(b.lo, b.prefix));
    }
    const std::vector<std::string> got = CheckValue(lists, "ipv4-addr", value);
    const std::set<std::string> got_set(got.begin(), got.end());
    ASSERT_EQ(got_set.size(), got.size()) << value << ": a hit reported twice";
    if (expected.size() <= WarningLists::kMaxHits) {
      ASSERT_EQ(got_set, expected) << value;
    } else {
      ASSERT_EQ(got.size(), WarningLists::kMaxHits) << value;
      for (const std::string& h : got) ASSERT_TRUE(expected.count(h)) << value << ": " << h;
    }
  }
}

// ---- Scale ----

TEST(WarningListScaleTest, LargeListsAndManyChecks) {
  std::mt19937 rng(11);
  std::string hosts;
  std::string cidrs;
  std::string substrings = "{\"type\": \"substring\", \"list\": [";
  for (int i = 0; i < 300000; ++i) hosts += "site" + std::to_string(i) + ".example\n";
  for (int i = 0; i < 100000; ++i) {
    cidrs += std::to_string(1 + rng() % 222) + "." + std::to_string(rng() % 256) + "." +
             std::to_string(rng() % 256) + ".0/24\n";
  }
  for (int i = 0; i < 3000; ++i)
    substrings += (i ? ",\"frag" : "\"frag") + std::to_string(i) + "-\"";
  substrings += "]}";
  const auto t0 = std::chrono::steady_clock::now();
  WarningLists lists = WarningLists::BuiltIn();
  ASSERT_TRUE(lists.Add(hosts, "hosts").ok());
  ASSERT_TRUE(lists.Add(cidrs, "cidrs").ok());
  ASSERT_TRUE(lists.Add(substrings, "substrings").ok());
  const auto t1 = std::chrono::steady_clock::now();
  size_t hits = 0;
  for (int i = 0; i < 100000; ++i) {
    hits += lists.CheckValue("domain-name", "www.site" + std::to_string(i * 7) + ".example").size();
    hits += lists.CheckValue("ipv4-addr", std::to_string(rng() % 256) + ".1.2.3").size();
    hits += lists.CheckValue("url", "http://x" + std::to_string(i) + ".example/frag12-a").size();
  }
  const auto t2 = std::chrono::steady_clock::now();
  std::cout << "load " << std::chrono::duration<double>(t1 - t0).count() << " s, 300,000 checks "
            << std::chrono::duration<double>(t2 - t1).count() << " s, " << hits << " hits\n";
  EXPECT_GT(hits, 100000u);
  EXPECT_LT(std::chrono::duration<double>(t2 - t1).count(), 30.0);
}

}  // namespace
}  // namespace concord::detect
