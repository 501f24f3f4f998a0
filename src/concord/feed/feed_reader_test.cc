#include "concord/feed/feed_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "concord/stix/tlp.h"
#include "concord/stix/validator.h"

namespace concord::feed {
namespace {

std::string Fixture(const std::string& name) {
  return std::string(CONCORD_SOURCE_DIR) + "/testdata/feeds/" + name;
}

FeedOptions Options(FeedFormat format, std::string source = "test-feed") {
  FeedOptions o;
  o.format = format;
  o.source_name = std::move(source);
  o.feed_time = Timestamp{1767225600, 123456789};  // 2026-01-01T00:00:00.123456789Z
  return o;
}

std::vector<FeedItem> ReadAll(InputStream* input, const FeedOptions& options) {
  FeedReader reader(input, options);
  std::vector<FeedItem> items;
  for (int guard = 0; guard < 100000; ++guard) {
    auto next = reader.Next();
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    if (!next.ok() || !next->has_value()) break;
    items.push_back(std::move(**next));
  }
  return items;
}

std::vector<FeedItem> ReadFile(const std::string& name, const FeedOptions& options) {
  auto input = InputStream::Open(Fixture(name));
  EXPECT_TRUE(input.ok()) << input.status().ToString();
  if (!input.ok()) return {};
  return ReadAll(input->get(), options);
}

std::vector<FeedItem> ReadText(std::string text, const FeedOptions& options) {
  auto input = InputStream::FromString(std::move(text));
  return ReadAll(input.get(), options);
}

std::vector<FeedItem> OfKind(const std::vector<FeedItem>& items, FeedItem::Kind kind) {
  std::vector<FeedItem> out;
  for (const auto& i : items) {
    if (i.kind == kind) out.push_back(i);
  }
  return out;
}

// The value of a top-level string member, read naively from compact JSON written by Writer.
std::string Member(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":\"";
  size_t start = json.find(needle);
  if (start == std::string::npos) return "";
  start += needle.size();
  size_t end = start;
  while (end < json.size() && json[end] != '"') end += json[end] == '\\' ? 2 : 1;
  return json.substr(start, end - start);
}

void ExpectAllValid(const std::vector<FeedItem>& items) {
  stix::Validator validator;
  for (const auto& item : items) {
    if (item.kind != FeedItem::Kind::kIndicator) continue;
    stix::Validation v = validator.Validate(item.text);
    EXPECT_TRUE(v.ok()) << "line " << item.line << ": " << item.text << "\n"
                        << (v.diagnostics.empty() ? "" : v.diagnostics[0].message);
    for (const auto& d : v.diagnostics) {
      EXPECT_NE(d.severity, stix::Diagnostic::Severity::kWarning) << d.path << ": " << d.message;
    }
  }
}

TEST(FeedReaderTest, ZeekIntelEveryType) {
  auto items = ReadFile("intel-sample.intel", Options(FeedFormat::kZeekIntel));
  auto indicators = OfKind(items, FeedItem::Kind::kIndicator);
  auto problems = OfKind(items, FeedItem::Kind::kProblem);
  auto warnings = OfKind(items, FeedItem::Kind::kWarning);
  ASSERT_EQ(indicators.size(), 16u);
  std::vector<std::string> patterns;
  for (const auto& i : indicators) patterns.push_back(Member(i.text, "pattern"));
  const std::vector<std::string> expected = {
      "[ipv4-addr:value = '198.51.100.7']",
      "[ipv6-addr:value = '2001:db8::7']",
      "[ipv4-addr:value ISSUBSET '203.0.113.0/24']",
      "[ipv6-addr:value ISSUBSET '2001:db8:aa::/48']",
      "[domain-name:value = 'evil.example.com']",
      "[url:value = 'http://evil.example.com/login.php']",
      R"([url:value = 'http://bad.example.net/o\\'brien\\\\x'])",  // JSON-escaped
      "[email-addr:value = 'mallory@evil.example.com']",
      "[file:hashes.'MD5' = '44d88612fea8a8f36de82e1278abb02f']",
      "[file:hashes.'SHA-1' = '3395856ce81f2b7382dee72602f798b642f14140']",
      "[file:hashes.'SHA-256' = "
      "'275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f']",
      "[file:hashes.'SHA-512' = "
      "'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d28"
      "77eec2f63b931bd47417a81a538327af927da3e']",
      "[x509-certificate:hashes.'SHA-1' = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3']",
      "[file:name = 'invoice.pdf.exe']",
      "[user-account:account_login = 'svc_backup']",
      "[software:name = 'EvilRAT 2.0']",
  };
  EXPECT_EQ(patterns, expected);
  EXPECT_EQ(indicators[0].line, 3u);
  EXPECT_EQ(indicators[15].line, 18u);

  // meta.desc, meta.source and meta.url are carried over.
  EXPECT_EQ(Member(indicators[0].text, "description"), "C2 server");
  EXPECT_NE(indicators[0].text.find(R"("external_references":[{"source_name":"example-cert",)"
                                    R"("url":"https://intel.example/198.51.100.7"}])"),
            std::string::npos)
      << indicators[0].text;
  EXPECT_EQ(indicators[1].text.find("external_references"), std::string::npos);
  EXPECT_EQ(indicators[1].text.find("description"), std::string::npos);

  ASSERT_EQ(warnings.size(), 1u);  // once per file, at the first scheme-less URL
  EXPECT_EQ(warnings[0].line, 8u);
  EXPECT_NE(warnings[0].text.find("http://"), std::string::npos);

  ASSERT_EQ(problems.size(), 6u);
  const uint64_t lines[] = {20, 21, 22, 23, 24, 26};
  for (size_t i = 0; i < problems.size(); ++i) EXPECT_EQ(problems[i].line, lines[i]);
  EXPECT_NE(problems[0].text.find("Intel::ADDR value 'not-an-address' is not an IPv4 or IPv6"),
            std::string::npos)
      << problems[0].text;
  EXPECT_NE(problems[1].text.find("Intel::JA3"), std::string::npos) << problems[1].text;
  EXPECT_NE(problems[3].text.find("4 tab-separated fields, #fields names 6"), std::string::npos)
      << problems[3].text;
  EXPECT_NE(problems[4].text.find("unset"), std::string::npos);
  ExpectAllValid(items);
}

TEST(FeedReaderTest, IndicatorShape) {
  FeedOptions o = Options(FeedFormat::kList, "abuse");
  o.created_by_ref = "identity--b3bca3c2-1f3d-4b54-b44f-dac42c3a8f01";
  o.marking_ref = std::string(stix::TlpMarkingId(stix::Tlp::kAmber));
  auto items = ReadText("198.51.100.7\n", o);
  ASSERT_EQ(items.size(), 1u);
  const std::string& j = items[0].text;
  EXPECT_EQ(Member(j, "type"), "indicator");
  EXPECT_EQ(Member(j, "spec_version"), "2.1");
  EXPECT_EQ(Member(j, "created"), "2026-01-01T00:00:00.123Z");
  EXPECT_EQ(Member(j, "modified"), "2026-01-01T00:00:00.123Z");
  EXPECT_EQ(Member(j, "valid_from"), "2026-01-01T00:00:00.123Z");
  EXPECT_EQ(Member(j, "name"), "abuse: 198.51.100.7");
  EXPECT_EQ(Member(j, "pattern_type"), "stix");
  EXPECT_EQ(Member(j, "pattern_version"), "2.1");
  EXPECT_EQ(Member(j, "created_by_ref"), o.created_by_ref);
  EXPECT_NE(j.find(R"("indicator_types":["malicious-activity"])"), std::string::npos);
  EXPECT_NE(j.find(R"("labels":["feed:abuse"])"), std::string::npos);
  EXPECT_NE(j.find(R"("object_marking_refs":["marking-definition--55d920b0)"), std::string::npos);
  // The id is UUIDv5(FeedNamespace, source + "\n" + pattern).
  EXPECT_EQ(Member(j, "id"),
            "indicator--" +
                UuidV5(FeedNamespace(), "abuse\n[ipv4-addr:value = '198.51.100.7']").ToString());
  stix::Validator validator;
  stix::Validation v = validator.Validate(j);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.object->tlp, stix::Tlp::kAmber);
}

TEST(FeedReaderTest, NamespaceNeverChanges) {
  EXPECT_EQ(FeedNamespace().ToString(), "737a80b4-0ffa-41f4-99e0-346b22c8c63e");
}

TEST(FeedReaderTest, DeterministicIds) {
  auto ids = [](const std::string& source) {
    std::vector<std::string> out;
    for (const auto& i : ReadFile("intel-sample.intel", Options(FeedFormat::kZeekIntel, source))) {
      if (i.kind == FeedItem::Kind::kIndicator) out.push_back(Member(i.text, "id"));
    }
    return out;
  };
  const auto first = ids("feed-a");
  EXPECT_EQ(first, ids("feed-a"));
  const auto other = ids("feed-b");
  ASSERT_EQ(first.size(), other.size());
  for (size_t i = 0; i < first.size(); ++i) EXPECT_NE(first[i], other[i]);
  // Distinct values, distinct ids.
  std::vector<std::string> sorted = first;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::unique(sorted.begin(), sorted.end()), sorted.end());
}

TEST(FeedReaderTest, CsvQuotesHeaderAndColumn) {
  FeedOptions o = Options(FeedFormat::kCsv);
  o.csv_column = 2;
  auto items = ReadFile("indicators.csv", o);
  auto indicators = OfKind(items, FeedItem::Kind::kIndicator);
  auto problems = OfKind(items, FeedItem::Kind::kProblem);
  ASSERT_EQ(indicators.size(), 4u);
  EXPECT_EQ(indicators[0].line, 3u);
  EXPECT_EQ(Member(indicators[0].text, "pattern"), "[ipv4-addr:value = '198.51.100.20']");
  EXPECT_EQ(Member(indicators[1].text, "pattern"), "[domain-name:value = 'evil-csv.example.org']");
  EXPECT_EQ(indicators[2].line, 5u);  // a record spanning lines 5-6
  EXPECT_EQ(Member(indicators[2].text, "pattern"),
            "[url:value = 'http://evil-csv.example.org/a,b']");
  EXPECT_EQ(indicators[3].line, 9u);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].line, 7u);
  EXPECT_NE(problems[0].text.find("'not a value' is not"), std::string::npos);
  EXPECT_EQ(problems[1].line, 8u);
  EXPECT_NE(problems[1].text.find("1 fields, the value is expected in column 2"),
            std::string::npos);
  ExpectAllValid(items);
}

TEST(FeedReaderTest, CsvBrokenQuotes) {
  auto items = ReadText("a.example.com\n\"x\"y,z\n\"open\n", Options(FeedFormat::kCsv));
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].kind, FeedItem::Kind::kIndicator);
  EXPECT_EQ(items[1].kind, FeedItem::Kind::kProblem);
  EXPECT_EQ(items[1].line, 2u);
  EXPECT_NE(items[1].text.find("after the closing quote"), std::string::npos);
  EXPECT_EQ(items[2].kind, FeedItem::Kind::kProblem);
  EXPECT_EQ(items[2].line, 3u);
  EXPECT_NE(items[2].text.find("not closed"), std::string::npos);
}

TEST(FeedReaderTest, CsvHeaderOnlyOnFirstRow) {
  auto items = ReadText("value\nbad value\n", Options(FeedFormat::kCsv));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, FeedItem::Kind::kProblem);
  EXPECT_EQ(items[0].line, 2u);
}

TEST(FeedReaderTest, List) {
  auto items = ReadFile("list.txt", Options(FeedFormat::kList));
  auto indicators = OfKind(items, FeedItem::Kind::kIndicator);
  auto problems = OfKind(items, FeedItem::Kind::kProblem);
  ASSERT_EQ(indicators.size(), 7u);
  EXPECT_EQ(Member(indicators[1].text, "pattern"), "[ipv6-addr:value = '2001:db8::30']");
  EXPECT_EQ(indicators[1].line, 3u);
  EXPECT_EQ(Member(indicators[2].text, "pattern"), "[ipv4-addr:value ISSUBSET '192.0.2.0/24']");
  EXPECT_EQ(Member(indicators[5].text, "pattern"),
            "[file:hashes.'SHA-1' = '7c211433f02071597741e6ff5a8ea34789abbf43']");
  EXPECT_EQ(Member(indicators[6].text, "pattern"),
            "[email-addr:value = 'someone@list.example.com']");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].line, 9u);
  ExpectAllValid(items);
}

TEST(FeedReaderTest, LongLineIsAProblemAndReadingGoesOn) {
  std::string text = std::string(kMaxFeedLineBytes + 10, 'a') + "\r\nb.example.com\r\n";
  auto items = ReadText(text, Options(FeedFormat::kList));
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].kind, FeedItem::Kind::kProblem);
  EXPECT_NE(items[0].text.find("longer than 65536"), std::string::npos);
  EXPECT_EQ(items[1].kind, FeedItem::Kind::kIndicator);
  EXPECT_EQ(items[1].line, 2u);
}

TEST(FeedReaderTest, BadUtf8AndControlCharacters) {
  auto items = ReadText(
      "#fields\tindicator\tindicator_type\n"
      "bad\xff\tIntel::FILE_NAME\n"
      "a\x01"
      "b\tIntel::USER_NAME\n"
      "\xc3\xa9t\xc3\xa9.exe\tIntel::FILE_NAME\n",
      Options(FeedFormat::kZeekIntel));
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].kind, FeedItem::Kind::kProblem);
  EXPECT_EQ(items[1].kind, FeedItem::Kind::kProblem);
  EXPECT_EQ(items[2].kind, FeedItem::Kind::kIndicator);
  ExpectAllValid(items);
}

TEST(FeedReaderTest, ZeekDataBeforeHeader) {
  auto items = ReadText("1.2.3.4\tIntel::ADDR\n", Options(FeedFormat::kZeekIntel));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, FeedItem::Kind::kProblem);
  EXPECT_NE(items[0].text.find("#fields"), std::string::npos);
}

TEST(DetectFeedFormatTest, ZeekIntelOnlyWithIndicatorField) {
  EXPECT_EQ(DetectFeedFormat("#fields\tindicator\tindicator_type\n1.2.3.4\tIntel::ADDR\n"),
            FeedFormat::kZeekIntel);
  EXPECT_EQ(DetectFeedFormat("\n  \r\n#fields\tindicator_type\tindicator"), FeedFormat::kZeekIntel);
  EXPECT_FALSE(DetectFeedFormat("#fields\tts\tuid\n").has_value());
  EXPECT_EQ(DetectFeedFormat("#separator \\x09\n#fields\tindicator\n"), FeedFormat::kZeekIntel);
  EXPECT_FALSE(DetectFeedFormat("# a list\n1.2.3.4\n#fields\tindicator\n").has_value());
  EXPECT_FALSE(DetectFeedFormat("{\"type\":\"bundle\"}").has_value());
  EXPECT_FALSE(DetectFeedFormat("").has_value());
}

}  // namespace
}  // namespace concord::feed
