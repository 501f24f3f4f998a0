#include "concord/stix/value_rules.h"

#include <gtest/gtest.h>

#include "concord/stix/type_table.h"

namespace concord::stix::internal {
namespace {

TEST(ValueRulesTest, TypeNames) {
  for (std::string_view ok : {"indicator", "x-acme-widget", "abc", "x509-certificate", "a1b"}) {
    EXPECT_TRUE(CheckTypeName(ok).ok()) << ok;
  }
  struct Bad {
    std::string_view name;
    std::string_view why;
  };
  const Bad bad[] = {
      {"ab", "3 to 250"},
      {std::string_view(
           "x-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
           "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
       "3 to 250"},
      {"X-Acme", "'X'"},
      {"x_acme", "'_'"},
      {"1-abc", "begin with a letter"},
      {"-abc", "begin with a letter"},
      {"abc-", "end with '-'"},
      {"x--abc", "\"--\""},
      {"x acme", "a space"},
  };
  for (const Bad& b : bad) {
    Status s = CheckTypeName(b.name);
    ASSERT_FALSE(s.ok()) << b.name;
    EXPECT_NE(s.message().find(b.why), std::string::npos) << b.name << ": " << s.message();
  }
}

TEST(ValueRulesTest, PropertyNames) {
  for (std::string_view ok : {"x_acme_score", "abc", "name2", "x_a"}) {
    EXPECT_TRUE(CheckPropertyName(ok).ok()) << ok;
  }
  for (std::string_view bad : {"ab", "X_acme", "x-acme", "_xyz", "9abc", "x acme", "héllo"}) {
    EXPECT_FALSE(CheckPropertyName(bad).ok()) << bad;
  }
}

TEST(ValueRulesTest, Identifiers) {
  std::string_view type;
  ASSERT_TRUE(CheckIdentifier("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", &type).ok());
  EXPECT_EQ(type, "indicator");
  ASSERT_TRUE(CheckIdentifier("x-acme-thing--8e2e2d2b-17d4-5cbf-938f-98ee46b3cd3f", &type).ok());
  EXPECT_EQ(type, "x-acme-thing");
  // UUIDv5 and other versions are fine as long as the variant is RFC 4122.
  EXPECT_TRUE(CheckIdentifier("ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4", nullptr).ok());

  struct Bad {
    std::string_view id;
    std::string_view why;
  };
  const Bad bad[] = {
      {"indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "no \"--\""},
      {"indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F", "lowercase hexadecimal"},
      {"indicator--8e2e2d2b-17d4-4cbf-c38f-98ee46b3cd3f", "RFC 4122"},
      {"indicator--8e2e2d2b-17d4-4cbf-738f-98ee46b3cd3f", "RFC 4122"},
      {"indicator--8e2e2d2b17d44cbf938f98ee46b3cd3f", "36 characters"},
      {"Indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "type part"},
      {"--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "type part"},
      {"indicator--", "UUID part"},
  };
  for (const Bad& b : bad) {
    Status s = CheckIdentifier(b.id, &type);
    ASSERT_FALSE(s.ok()) << b.id;
    EXPECT_NE(s.message().find(b.why), std::string::npos) << b.id << ": " << s.message();
  }
}

TEST(ValueRulesTest, DictionaryAndHashKeys) {
  EXPECT_TRUE(CheckDictionaryKey("Content-Type").ok());
  EXPECT_TRUE(CheckDictionaryKey("x").ok());
  EXPECT_FALSE(CheckDictionaryKey("").ok());
  EXPECT_FALSE(CheckDictionaryKey("a b").ok());
  EXPECT_FALSE(CheckDictionaryKey("a.b").ok());
  EXPECT_TRUE(CheckHashKey("SHA-256").ok());
  EXPECT_TRUE(CheckHashKey("x_foo_hash").ok());
  EXPECT_FALSE(CheckHashKey("md").ok());
}

TEST(ValueRulesTest, HashValues) {
  EXPECT_TRUE(CheckHashValue("MD5", "3773a88f65a5e780c8dff9cdc3a056f3").ok());
  EXPECT_TRUE(CheckHashValue("MD5", "3773A88F65A5E780C8DFF9CDC3A056F3").ok());
  EXPECT_TRUE(CheckHashValue("SHA-1", "6e71b3cac15d32fe2d36c270887df9479c25c640").ok());
  EXPECT_TRUE(
      CheckHashValue("SHA-256", "ceafbfd424be2ca4a5f0402cae090dda2fb0526cf521b60b60077c0f622b285a")
          .ok());
  EXPECT_TRUE(CheckHashValue("SSDEEP", "96:abc:def").ok());
  EXPECT_FALSE(CheckHashValue("SSDEEP", "").ok());
  Status s = CheckHashValue("MD5", "3773a88f65a5e780c8dff9cdc3a056f");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("32 hexadecimal digits, this one has 31"), std::string::npos);
  s = CheckHashValue("SHA-1", "6e71b3cac15d32fe2d36c270887df9479c25c64g");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'g'"), std::string::npos);
}

TEST(ValueRulesTest, LanguageTags) {
  for (std::string_view ok :
       {"en", "de-CH", "zh-Hant-TW", "sr-Latn-RS", "es-419", "fil", "x-klingon", "i-default"}) {
    EXPECT_TRUE(IsLanguageTag(ok)) << ok;
  }
  for (std::string_view bad : {"", "e", "english", "englishlanguage", "en_US", "en-", "-en", "1en",
                               "x", "en-toolongsubtag"}) {
    EXPECT_FALSE(IsLanguageTag(bad)) << bad;
  }
}

TEST(ValueRulesTest, HexAndBase64) {
  EXPECT_TRUE(IsHex("00ff"));
  EXPECT_TRUE(IsHex("504B0304"));
  EXPECT_TRUE(IsHex(""));
  EXPECT_FALSE(IsHex("abc"));
  EXPECT_FALSE(IsHex("zz"));
  EXPECT_TRUE(IsBase64("TWFu"));
  EXPECT_TRUE(IsBase64("TWE="));
  EXPECT_TRUE(IsBase64("TQ=="));
  EXPECT_TRUE(IsBase64(""));
  EXPECT_FALSE(IsBase64("TQ="));
  EXPECT_FALSE(IsBase64("T==="));
  EXPECT_FALSE(IsBase64("TW=u"));
  EXPECT_FALSE(IsBase64("TW u"));
}

TEST(ValueRulesTest, Addresses) {
  EXPECT_TRUE(IsMacAddress("00:00:ab:cd:ef:01"));
  EXPECT_FALSE(IsMacAddress("00:00:AB:CD:EF:01"));
  EXPECT_FALSE(IsMacAddress("00-00-ab-cd-ef-01"));
  EXPECT_FALSE(IsMacAddress("0:0:ab:cd:ef:01"));
  EXPECT_TRUE(IsIpv4Cidr("198.51.100.3"));
  EXPECT_TRUE(IsIpv4Cidr("10.2.4.5/24"));
  EXPECT_TRUE(IsIpv4Cidr("0.0.0.0/0"));
  EXPECT_FALSE(IsIpv4Cidr("10.2.4.5/33"));
  EXPECT_FALSE(IsIpv4Cidr("10.2.4/24"));
  EXPECT_FALSE(IsIpv4Cidr("256.1.1.1"));
  EXPECT_FALSE(IsIpv4Cidr("10.2.4.5/"));
  EXPECT_FALSE(IsIpv4Cidr("2001:db8::1"));
  EXPECT_TRUE(IsIpv6Cidr("2001:db8::1"));
  EXPECT_TRUE(IsIpv6Cidr("2001:0db8::/96"));
  EXPECT_FALSE(IsIpv6Cidr("2001:db8::1/129"));
  EXPECT_FALSE(IsIpv6Cidr("198.51.100.3"));
}

TEST(ValueRulesTest, QuoteCutsLongValuesAtCharacterBoundaries) {
  EXPECT_EQ(Quote("abc"), "\"abc\"");
  EXPECT_EQ(Quote("a\nb\x01"), "\"a\\nb\\u0001\"");
  // A lead byte cannot swallow the control bytes after it; stray bytes are escaped.
  EXPECT_EQ(Quote("\xf0\n\n\x1b[31m"), "\"\\xf0\\n\\n\\u001b[31m\"");
  EXPECT_EQ(Quote("\x80"
                  "a\xc3"),
            "\"\\x80a\\xc3\"");
  EXPECT_EQ(Quote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
  const std::string long_value(100, 'x');
  const std::string q = Quote(long_value);
  EXPECT_EQ(q, "\"" + std::string(60, 'x') + "...\"");
  std::string accented;
  for (int i = 0; i < 70; ++i) accented += "\xc3\xa9";  // é
  const std::string qa = Quote(accented);
  EXPECT_EQ(qa.size(), 1 + 60 * 2 + 3 + 1);
}

TEST(TypeTableTest, IdContributingPropertiesAreSorted) {
  for (std::string_view type : {"artifact", "email-message", "file", "network-traffic", "software",
                                "user-account", "windows-registry-key", "x509-certificate"}) {
    const TypeInfo* info = FindType(type);
    ASSERT_NE(info, nullptr) << type;
    EXPECT_TRUE(std::is_sorted(info->id_contributing.begin(), info->id_contributing.end())) << type;
  }
  EXPECT_TRUE(FindType("process")->id_contributing.empty());
  EXPECT_EQ(FindType("bundle"), nullptr);
  EXPECT_EQ(FindType("x-custom"), nullptr);
}

TEST(TypeTableTest, KindsAndCommonProperties) {
  EXPECT_EQ(FindType("indicator")->kind, ObjectKind::kSdo);
  EXPECT_EQ(FindType("sighting")->kind, ObjectKind::kSro);
  EXPECT_EQ(FindType("url")->kind, ObjectKind::kSco);
  EXPECT_EQ(FindType("marking-definition")->kind, ObjectKind::kMarkingDefinition);
  EXPECT_NE(FindProp(FindType("indicator"), ObjectKind::kSdo, "created"), nullptr);
  EXPECT_EQ(FindProp(FindType("url"), ObjectKind::kSco, "created"), nullptr);
  EXPECT_TRUE(IsNotApplicable(ObjectKind::kSco, "created"));
  EXPECT_TRUE(IsNotApplicable(ObjectKind::kMarkingDefinition, "modified"));
  EXPECT_FALSE(IsNotApplicable(ObjectKind::kSdo, "modified"));
}

}  // namespace
}  // namespace concord::stix::internal
