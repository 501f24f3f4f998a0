#include "concord/stix/reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace concord::stix {
namespace {

using Severity = Diagnostic::Severity;

constexpr std::string_view kIdentity =
    R"({"type":"identity","spec_version":"2.1","id":"identity--023d105b-752e-4e3c-941c-7d3f3cb15e9e",)"
    R"("created":"2016-04-06T20:03:00.000Z","modified":"2016-04-06T20:03:00.000Z","name":"John Smith"})";
constexpr std::string_view kIpv4 =
    R"({"type":"ipv4-addr","id":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","value":"198.51.100.3"})";
constexpr std::string_view kBundleId = "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d";

std::string Bundle(std::vector<std::string_view> objects, std::string_view extra = "") {
  std::string out = "{\"type\":\"bundle\",\"id\":\"" + std::string(kBundleId) + "\"";
  out += extra;
  out += ",\"objects\":[";
  for (size_t i = 0; i < objects.size(); ++i) {
    if (i > 0) out += ",\n";
    out += objects[i];
  }
  out += "]}";
  return out;
}

struct Read {
  std::vector<ReadItem> items;
  Status status;  // a fatal error, if reading stopped on one
};

Read ReadAll(std::string data, ValidatorOptions options = {}) {
  std::unique_ptr<InputStream> input = InputStream::FromString(std::move(data), "test.json");
  Reader reader(input.get(), options);
  Read out;
  for (;;) {
    Result<std::optional<ReadItem>> item = reader.Next();
    if (!item.ok()) {
      out.status = item.status();
      break;
    }
    if (!item->has_value()) break;
    out.items.push_back(std::move(**item));
  }
  return out;
}

std::string Dump(const ReadItem& item) {
  std::string out = item.Where("test.json") + (item.is_envelope ? " (envelope)" : "") + "\n";
  for (const Diagnostic& d : item.validation.diagnostics) {
    out += d.severity == Severity::kError ? "  error " : "  warning ";
    out += d.path + ": " + d.message + "\n";
  }
  return out;
}

bool HasError(const ReadItem& item, std::string_view fragment) {
  for (const Diagnostic& d : item.validation.diagnostics) {
    if (d.severity == Severity::kError && d.message.find(fragment) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST(ReaderTest, Bundle) {
  Read r = ReadAll(Bundle({kIdentity, kIpv4}));
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.items.size(), 3u);
  EXPECT_EQ(r.items[0].path, "objects[0]");
  EXPECT_EQ(r.items[0].line, 1u);
  EXPECT_TRUE(r.items[0].validation.ok()) << Dump(r.items[0]);
  EXPECT_EQ(r.items[1].path, "objects[1]");
  EXPECT_EQ(r.items[1].line, 2u);
  EXPECT_TRUE(r.items[1].validation.ok()) << Dump(r.items[1]);
  EXPECT_EQ(r.items[1].validation.object->type, "ipv4-addr");
  const ReadItem& envelope = r.items[2];
  EXPECT_TRUE(envelope.is_envelope);
  EXPECT_FALSE(envelope.validation.ok());
  EXPECT_TRUE(envelope.validation.diagnostics.empty()) << Dump(envelope);
  EXPECT_EQ(envelope.validation.type, "bundle");
  EXPECT_EQ(envelope.validation.id, kBundleId);
  EXPECT_EQ(envelope.path, "");
  EXPECT_EQ(r.items[1].Where("feed.json"), "feed.json:2 objects[1]");
  EXPECT_EQ(envelope.Where("feed.json"), "feed.json:1");
}

TEST(ReaderTest, Stix20BundleWithSpecVersionAfterObjects) {
  const std::string ta =
      R"({"type":"threat-actor","id":"threat-actor--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
      R"("created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z",)"
      R"("labels":["crime-syndicate"],"name":"Evil Org"})";
  std::string bundle = "{\"id\":\"" + std::string(kBundleId) + "\",\"objects\":[" + ta +
                       "],\"spec_version\":\"2.0\",\"type\":\"bundle\"}";
  Read r = ReadAll(bundle);
  ASSERT_EQ(r.items.size(), 2u);
  EXPECT_TRUE(r.items[0].validation.ok()) << Dump(r.items[0]);
  EXPECT_TRUE(r.items[0].validation.upgraded_from_20);
  ASSERT_TRUE(r.items[1].is_envelope);
  ASSERT_EQ(r.items[1].validation.diagnostics.size(), 1u) << Dump(r.items[1]);
  EXPECT_EQ(r.items[1].validation.diagnostics[0].severity, Severity::kWarning);
  EXPECT_EQ(r.items[1].validation.diagnostics[0].path, "spec_version");
}

TEST(ReaderTest, EnvelopeChecks) {
  Read with_21 = ReadAll(Bundle({kIpv4}, ",\"spec_version\":\"2.1\""));
  ASSERT_EQ(with_21.items.size(), 2u);
  EXPECT_NE(with_21.items[1].validation.diagnostics.at(0).message.find("have no spec_version"),
            std::string::npos);

  std::string bad_id = Bundle({kIpv4});
  bad_id.replace(bad_id.find(kBundleId), kBundleId.size(),
                 "report--5d0092c5-5f74-4287-9642-33f4c354e56d");
  Read r = ReadAll(bad_id);
  ASSERT_EQ(r.items.size(), 2u);
  EXPECT_TRUE(HasError(r.items[1], "must begin with \"bundle--\"")) << Dump(r.items[1]);

  Read not_bundle =
      ReadAll(std::string("{\"type\":\"x-collection\",\"objects\":[") + std::string(kIpv4) + "]}");
  ASSERT_EQ(not_bundle.items.size(), 2u);
  EXPECT_TRUE(not_bundle.items[0].validation.ok());
  EXPECT_TRUE(not_bundle.items[1].is_envelope);
  EXPECT_TRUE(HasError(not_bundle.items[1], "must be a STIX bundle")) << Dump(not_bundle.items[1]);

  Read no_objects = ReadAll("{\"type\":\"bundle\",\"id\":\"" + std::string(kBundleId) + "\"}");
  ASSERT_EQ(no_objects.items.size(), 1u);
  EXPECT_TRUE(no_objects.items[0].is_envelope);
  EXPECT_TRUE(no_objects.items[0].validation.diagnostics.empty()) << Dump(no_objects.items[0]);
}

TEST(ReaderTest, JsonLinesOfObjects) {
  Read r = ReadAll(std::string(kIdentity) + "\n" + std::string(kIpv4) + "\n\n" +
                   std::string(kIdentity) + "\n");
  ASSERT_TRUE(r.status.ok());
  ASSERT_EQ(r.items.size(), 3u);
  for (const ReadItem& item : r.items) {
    EXPECT_TRUE(item.validation.ok()) << Dump(item);
    EXPECT_EQ(item.path, "");
    EXPECT_FALSE(item.is_envelope);
  }
  EXPECT_EQ(r.items[1].line, 2u);
  EXPECT_EQ(r.items[2].line, 4u);
  EXPECT_EQ(r.items[1].offset, kIdentity.size() + 1);
  EXPECT_EQ(r.items[2].Where("x.jsonl"), "x.jsonl:4");
}

TEST(ReaderTest, JsonLinesOfBundles) {
  Read r = ReadAll(Bundle({kIdentity}) + "\n" + Bundle({kIpv4, kIdentity}) + "\n");
  ASSERT_EQ(r.items.size(), 5u);
  EXPECT_TRUE(r.items[1].is_envelope);
  EXPECT_TRUE(r.items[4].is_envelope);
  EXPECT_EQ(r.items[3].path, "objects[1]");
  EXPECT_EQ(r.items[3].line, 3u);
}

TEST(ReaderTest, ArrayOfObjectsAndBundles) {
  std::string data = "[\n" + std::string(kIdentity) + ",\n" + Bundle({kIpv4, kIdentity}) + ",\n" +
                     std::string(kIpv4) + "\n]";
  Read r = ReadAll(data);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.items.size(), 5u);
  EXPECT_EQ(r.items[0].path, "[0]");
  EXPECT_EQ(r.items[0].line, 2u);
  EXPECT_EQ(r.items[1].path, "[1].objects[0]");
  EXPECT_EQ(r.items[1].line, 3u);
  EXPECT_EQ(r.items[1].validation.object->type, "ipv4-addr");
  EXPECT_EQ(r.items[2].path, "[1].objects[1]");
  EXPECT_EQ(r.items[2].line, 4u);
  EXPECT_EQ(r.items[2].offset, data.find(kIdentity, data.find("objects")));
  EXPECT_TRUE(r.items[3].is_envelope);
  EXPECT_EQ(r.items[3].path, "[1]");
  EXPECT_EQ(r.items[3].validation.id, kBundleId);
  EXPECT_EQ(r.items[4].path, "[2]");
  for (const ReadItem& item : r.items) {
    if (!item.is_envelope) {
      EXPECT_TRUE(item.validation.ok()) << Dump(item);
    }
  }
}

TEST(ReaderTest, BundleInsideABundleIsNotExpanded) {
  const std::string inner = Bundle({kIpv4});
  Read r = ReadAll(Bundle({kIdentity, inner}));
  ASSERT_EQ(r.items.size(), 3u);
  EXPECT_TRUE(r.items[0].validation.ok());
  EXPECT_EQ(r.items[1].path, "objects[1]");
  EXPECT_TRUE(HasError(r.items[1], "this is a bundle")) << Dump(r.items[1]);
  EXPECT_TRUE(r.items[2].is_envelope);

  // In a top-level array a bundle is expanded, but only one level deep.
  Read nested = ReadAll("[" + Bundle({kIdentity, inner}) + "]");
  ASSERT_EQ(nested.items.size(), 3u);
  EXPECT_EQ(nested.items[1].path, "[0].objects[1]");
  EXPECT_TRUE(HasError(nested.items[1], "this is a bundle")) << Dump(nested.items[1]);
}

TEST(ReaderTest, BadElementsAreItemsNotFatal) {
  Read r = ReadAll(Bundle({kIdentity, "42", R"({"type": "identity", "id": tru})", kIpv4}));
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.items.size(), 5u);
  EXPECT_TRUE(HasError(r.items[1], "must be a JSON object")) << Dump(r.items[1]);
  EXPECT_TRUE(HasError(r.items[2], "not valid JSON: byte 30")) << Dump(r.items[2]);
  EXPECT_TRUE(r.items[3].validation.ok());
}

TEST(ReaderTest, OversizeAndTooDeepElementsAreSkipped) {
  ValidatorOptions options;
  options.limits.max_value_bytes = 400;
  options.limits.max_depth = 5;
  const std::string big = R"({"type":"x-abc","x_big":")" + std::string(500, 'a') + "\"}";
  const std::string deep = R"({"type":"x-abc","x_deep":[[[[[[[1]]]]]]]})";
  Read r = ReadAll(Bundle({kIpv4, big, deep, kIpv4}), options);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  ASSERT_EQ(r.items.size(), 5u);
  EXPECT_TRUE(r.items[0].validation.ok());
  EXPECT_EQ(r.items[1].path, "objects[1]");
  EXPECT_TRUE(HasError(r.items[1], "skipped")) << Dump(r.items[1]);
  EXPECT_TRUE(HasError(r.items[1], "400")) << Dump(r.items[1]);
  EXPECT_EQ(r.items[2].path, "objects[2]");
  EXPECT_TRUE(HasError(r.items[2], "skipped")) << Dump(r.items[2]);
  EXPECT_TRUE(r.items[3].validation.ok());
}

TEST(ReaderTest, TruncatedInputIsFatal) {
  std::string data = Bundle({kIdentity, kIpv4});
  data.resize(data.size() - 40);
  Read r = ReadAll(data);
  EXPECT_FALSE(r.status.ok());
  EXPECT_GE(r.items.size(), 1u);
}

TEST(ReaderTest, EmptyInput) {
  Read r = ReadAll("");
  EXPECT_TRUE(r.status.ok());
  EXPECT_TRUE(r.items.empty());
  Read spaces = ReadAll(" \n\t\n");
  EXPECT_TRUE(spaces.status.ok());
  EXPECT_TRUE(spaces.items.empty());
}

TEST(ReaderTest, OffsetAdvances) {
  const std::string data = Bundle({kIdentity, kIpv4});
  std::unique_ptr<InputStream> input = InputStream::FromString(data, "x");
  Reader reader(input.get());
  EXPECT_EQ(reader.offset(), 0u);
  while (true) {
    Result<std::optional<ReadItem>> item = reader.Next();
    ASSERT_TRUE(item.ok());
    if (!item->has_value()) break;
  }
  EXPECT_EQ(reader.offset(), data.size());
}

}  // namespace
}  // namespace concord::stix
