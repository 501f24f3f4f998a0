#include "concord/feed/classify.h"

#include <gtest/gtest.h>

#include "concord/pattern/parser.h"

namespace concord::feed {
namespace {

TEST(ClassifyTest, Addresses) {
  EXPECT_EQ(Classify("198.51.100.7"), ValueKind::kIpv4);
  EXPECT_EQ(Classify("2001:db8::1"), ValueKind::kIpv6);
  EXPECT_EQ(Classify("::ffff:198.51.100.7"), ValueKind::kIpv6);
  EXPECT_EQ(Classify("198.51.100.0/24"), ValueKind::kIpv4Cidr);
  EXPECT_EQ(Classify("198.51.100.7/24"), ValueKind::kIpv4Cidr);  // host bits kept as written
  EXPECT_EQ(Classify("0.0.0.0/0"), ValueKind::kIpv4Cidr);
  EXPECT_EQ(Classify("2001:db8::/128"), ValueKind::kIpv6Cidr);
  EXPECT_FALSE(Classify("198.51.100.0/33").has_value());
  EXPECT_FALSE(Classify("2001:db8::/129").has_value());
  EXPECT_FALSE(Classify("198.51.100.0/").has_value());
  EXPECT_FALSE(Classify("198.51.100.0/+8").has_value());
  EXPECT_FALSE(Classify("256.1.1.1").has_value());
  EXPECT_FALSE(Classify("1.2.3").has_value());
  EXPECT_FALSE(Classify(" 198.51.100.7").has_value());
  EXPECT_FALSE(Classify(std::string(100, '1')).has_value());
}

TEST(ClassifyTest, Domains) {
  EXPECT_EQ(Classify("example.com"), ValueKind::kDomain);
  EXPECT_EQ(Classify("Mixed-Case.Example.COM"), ValueKind::kDomain);
  EXPECT_EQ(Classify("_dmarc.example.com"), ValueKind::kDomain);
  EXPECT_EQ(Classify("xn--bcher-kva.example"), ValueKind::kDomain);
  EXPECT_FALSE(Classify("localhost").has_value());  // one label
  EXPECT_FALSE(Classify("-bad.example.com").has_value());
  EXPECT_FALSE(Classify("bad-.example.com").has_value());
  EXPECT_FALSE(Classify("a..example.com").has_value());
  EXPECT_FALSE(Classify("example.com.").has_value());
  EXPECT_FALSE(Classify("example.123").has_value());
  EXPECT_FALSE(Classify(std::string(64, 'a') + ".com").has_value());
  EXPECT_EQ(Classify(std::string(63, 'a') + ".com"), ValueKind::kDomain);
  std::string long_name;
  for (int i = 0; i < 64; ++i) long_name += "abc.";
  long_name += "com";  // 259 characters
  EXPECT_FALSE(Classify(long_name).has_value());
  EXPECT_FALSE(Classify("bad domain.com").has_value());
}

TEST(ClassifyTest, UrlsAndEmail) {
  EXPECT_EQ(Classify("http://example.com"), ValueKind::kUrl);
  EXPECT_EQ(Classify("https://user@example.com:8443/a?b=c#d"), ValueKind::kUrl);
  EXPECT_EQ(Classify("http://198.51.100.7/x"), ValueKind::kUrl);
  EXPECT_EQ(Classify("http://[2001:db8::1]:80/x"), ValueKind::kUrl);
  EXPECT_EQ(Classify("http://localhost/x"), ValueKind::kUrl);
  EXPECT_FALSE(Classify("example.com/path").has_value());
  EXPECT_FALSE(Classify("http:///path").has_value());
  EXPECT_FALSE(Classify("http://exa mple.com/").has_value());
  EXPECT_FALSE(Classify("1http://example.com/").has_value());
  EXPECT_FALSE(Classify("http://example.com:123456/").has_value());
  EXPECT_EQ(Classify("someone@example.com"), ValueKind::kEmail);
  EXPECT_EQ(Classify("first.last+tag@example.com"), ValueKind::kEmail);
  EXPECT_FALSE(Classify("@example.com").has_value());
  EXPECT_FALSE(Classify("a..b@example.com").has_value());
  EXPECT_FALSE(Classify("someone@localhost").has_value());
}

TEST(ClassifyTest, HashesByLength) {
  EXPECT_EQ(Classify(std::string(32, 'a')), ValueKind::kMd5);
  EXPECT_EQ(Classify(std::string(40, 'F')), ValueKind::kSha1);
  EXPECT_EQ(Classify(std::string(64, '0')), ValueKind::kSha256);
  EXPECT_EQ(Classify(std::string(128, 'e')), ValueKind::kSha512);
  EXPECT_FALSE(Classify(std::string(33, 'a')).has_value());
  EXPECT_FALSE(Classify(std::string(31, 'a') + "g").has_value());
}

TEST(PatternTest, EachKind) {
  EXPECT_EQ(StixPattern(ValueKind::kIpv4, "198.51.100.7"), "[ipv4-addr:value = '198.51.100.7']");
  EXPECT_EQ(StixPattern(ValueKind::kIpv6, "2001:db8::1"), "[ipv6-addr:value = '2001:db8::1']");
  EXPECT_EQ(StixPattern(ValueKind::kIpv4Cidr, "198.51.100.0/24"),
            "[ipv4-addr:value ISSUBSET '198.51.100.0/24']");
  EXPECT_EQ(StixPattern(ValueKind::kIpv6Cidr, "2001:db8::/32"),
            "[ipv6-addr:value ISSUBSET '2001:db8::/32']");
  EXPECT_EQ(StixPattern(ValueKind::kDomain, "example.com"), "[domain-name:value = 'example.com']");
  EXPECT_EQ(StixPattern(ValueKind::kIpv6, "0:0:0:0:0:0:0:1"), "[ipv6-addr:value = '::1']");
  EXPECT_EQ(StixPattern(ValueKind::kIpv6Cidr, "2001:DB8:0::/32"),
            "[ipv6-addr:value ISSUBSET '2001:db8::/32']");
  EXPECT_EQ(Classify("*.evil.example"), ValueKind::kDomainTree);
  EXPECT_EQ(Classify(".evil.example"), ValueKind::kDomainTree);
  EXPECT_FALSE(Classify("*.example").has_value() &&
               *Classify("*.example") == ValueKind::kDomainTree);  // a TLD alone is no tree
  EXPECT_EQ(StixPattern(ValueKind::kDomainTree, "*.evil.example"),
            "[domain-name:value = 'evil.example' OR domain-name:value LIKE '%.evil.example']");
  EXPECT_EQ(StixPattern(ValueKind::kUrl, "http://x.example/"), "[url:value = 'http://x.example/']");
  EXPECT_EQ(StixPattern(ValueKind::kEmail, "a@b.example"), "[email-addr:value = 'a@b.example']");
  EXPECT_EQ(StixPattern(ValueKind::kMd5, "ab"), "[file:hashes.'MD5' = 'ab']");
  EXPECT_EQ(StixPattern(ValueKind::kSha1, "ab"), "[file:hashes.'SHA-1' = 'ab']");
  EXPECT_EQ(StixPattern(ValueKind::kSha256, "ab"), "[file:hashes.'SHA-256' = 'ab']");
  EXPECT_EQ(StixPattern(ValueKind::kSha512, "ab"), "[file:hashes.'SHA-512' = 'ab']");
  EXPECT_EQ(StixPattern(ValueKind::kCertSha1, "ab"), "[x509-certificate:hashes.'SHA-1' = 'ab']");
  EXPECT_EQ(StixPattern(ValueKind::kFileName, "a.exe"), "[file:name = 'a.exe']");
  EXPECT_EQ(StixPattern(ValueKind::kUserName, "bob"), "[user-account:account_login = 'bob']");
  EXPECT_EQ(StixPattern(ValueKind::kSoftware, "Rat 2"), "[software:name = 'Rat 2']");
}

TEST(PatternTest, EscapesQuoteAndBackslash) {
  const std::string p = StixPattern(ValueKind::kFileName, R"(o'brien\x.exe)");
  EXPECT_EQ(p, R"([file:name = 'o\'brien\\x.exe'])");
  auto parsed = pattern::ParsePattern(p);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
}

TEST(PatternTest, EveryKindParses) {
  const std::pair<ValueKind, std::string_view> cases[] = {
      {ValueKind::kIpv4, "198.51.100.7"},
      {ValueKind::kIpv6, "2001:db8::1"},
      {ValueKind::kIpv4Cidr, "10.0.0.0/8"},
      {ValueKind::kIpv6Cidr, "2001:db8::/32"},
      {ValueKind::kDomain, "example.com"},
      {ValueKind::kUrl, "http://example.com/'"},
      {ValueKind::kEmail, "a@example.com"},
      {ValueKind::kMd5, std::string_view("0123456789abcdef0123456789abcdef")},
      {ValueKind::kCertSha1, "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"},
      {ValueKind::kUserName, "svc\\backup"},
      {ValueKind::kSoftware, "EvilRAT 2.0"},
  };
  for (const auto& [kind, value] : cases) {
    const std::string p = StixPattern(kind, value);
    auto parsed = pattern::ParsePattern(p);
    EXPECT_TRUE(parsed.ok()) << p << ": " << parsed.status().ToString();
  }
}

}  // namespace
}  // namespace concord::feed
