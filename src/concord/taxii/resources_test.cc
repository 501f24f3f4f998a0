#include "concord/taxii/resources.h"

#include <gtest/gtest.h>

namespace concord::taxii {
namespace {

store::StoredObject Stored(std::string id, std::string version, int64_t date_added_us,
                           std::string json = "{}") {
  store::StoredObject o;
  o.id = std::move(id);
  o.version = std::move(version);
  o.date_added_us = date_added_us;
  o.json = std::move(json);
  return o;
}

TEST(ResourcesTest, Discovery) {
  Discovery d;
  d.title = "UK node";
  EXPECT_EQ(DiscoveryJson(d), R"({"title":"UK node"})");
  d.description = "d";
  d.contact = "soc@example.org";
  d.default_api_root = "https://uk.example/api1/";
  d.api_roots = {"https://uk.example/api1/", "https://uk.example/api2/"};
  EXPECT_EQ(DiscoveryJson(d),
            R"({"title":"UK node","description":"d","contact":"soc@example.org",)"
            R"("default":"https://uk.example/api1/","api_roots":["https://uk.example/api1/",)"
            R"("https://uk.example/api2/"]})");
}

TEST(ResourcesTest, ApiRootAdvertisesTaxii21AndTheBodyLimit) {
  ApiRootInfo root;
  root.title = "Sharing";
  root.max_content_length = 10485760;
  EXPECT_EQ(ApiRootJson(root),
            R"({"title":"Sharing","versions":["application/taxii+json;version=2.1"],)"
            R"("max_content_length":10485760})");
}

TEST(ResourcesTest, CollectionsAsOnePartnerSeesThem) {
  CollectionView a;
  a.collection.id = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
  a.collection.alias = "ransomware";
  a.collection.title = "Ransomware crews";
  a.collection.description = "shared with US";
  a.can_read = true;
  CollectionView b;
  b.collection.id = "52892447-4d7e-4f70-b94d-d7f22742ff63";
  b.collection.alias = "sightings";
  b.can_write = true;
  EXPECT_EQ(CollectionJson(a),
            R"({"id":"91a7b528-80eb-42ed-a74d-c6fbd5a26116","title":"Ransomware crews",)"
            R"("description":"shared with US","alias":"ransomware","can_read":true,)"
            R"("can_write":false,"media_types":["application/stix+json;version=2.1"]})");
  // A collection without a title is titled by its alias (title is required).
  EXPECT_NE(CollectionJson(b).find(R"("title":"sightings")"), std::string::npos);
  const std::vector<CollectionView> both = {a, b};
  const std::string all = CollectionsJson(both);
  EXPECT_EQ(all.rfind(R"({"collections":[{"id":"91a7b528)", 0), 0u) << all;
  EXPECT_NE(all.find(R"(},{"id":"52892447)"), std::string::npos);
  EXPECT_EQ(CollectionsJson({}), "{}");
}

TEST(ResourcesTest, VersionsAreTimestampsWithZ) {
  EXPECT_EQ(VersionText(Stored("indicator--x", "2016-04-06T20:03:48.000000000", 0)),
            "2016-04-06T20:03:48.000Z");
  EXPECT_EQ(VersionText(Stored("indicator--x", "2016-04-06T20:03:48.123456000", 0)),
            "2016-04-06T20:03:48.123456Z");
  EXPECT_EQ(VersionText(Stored("indicator--x", "2016-04-06T20:03:48.123456789", 0)),
            "2016-04-06T20:03:48.123456789Z");
  // An SCO has no version of its own: its date_added stands for it.
  EXPECT_EQ(VersionText(Stored("ipv4-addr--x", "", 1600000000123456)),
            "2020-09-13T12:26:40.123456Z");
  EXPECT_EQ(DateAddedText(1600000000000000), "2020-09-13T12:26:40.000000Z");
}

TEST(ResourcesTest, EnvelopeCarriesObjectsAsStored) {
  store::Page page;
  page.more = true;
  page.objects.push_back(Stored("indicator--a", "", 1, R"({"type":"indicator","id":"a"})"));
  page.objects.push_back(Stored("indicator--b", "", 2, R"({"type":"indicator","id":"b"})"));
  EXPECT_EQ(EnvelopeJson(page, "abc"),
            R"({"more":true,"next":"abc","objects":[{"type":"indicator","id":"a"},)"
            R"({"type":"indicator","id":"b"}]})");
  EXPECT_EQ(EnvelopeJson(store::Page{}, ""), R"({"more":false})");
}

TEST(ResourcesTest, ManifestAndVersions) {
  store::Page page;
  page.objects.push_back(
      Stored("indicator--a", "2016-04-06T20:03:48.000000000", 1600000000000001, "{}"));
  page.objects.push_back(Stored("ipv4-addr--b", "", 1600000000000002, "{}"));
  EXPECT_EQ(ManifestJson(page, ""),
            R"({"more":false,"objects":[{"id":"indicator--a","date_added":)"
            R"("2020-09-13T12:26:40.000001Z","version":"2016-04-06T20:03:48.000Z",)"
            R"("media_type":"application/stix+json;version=2.1"},{"id":"ipv4-addr--b",)"
            R"("date_added":"2020-09-13T12:26:40.000002Z","version":)"
            R"("2020-09-13T12:26:40.000002Z","media_type":"application/stix+json;version=2.1"}]})");
  EXPECT_EQ(VersionsJson(page, "n"),
            R"({"more":false,"next":"n","versions":["2016-04-06T20:03:48.000Z",)"
            R"("2020-09-13T12:26:40.000002Z"]})");
  EXPECT_EQ(VersionsJson(store::Page{}, ""), R"({"more":false})");
}

TEST(ResourcesTest, ErrorsCarryTheirStatusAsAString) {
  Error bad;
  bad.http_status = 400;
  bad.description = "match[version]: \"lates\" is not first, last, all or a timestamp";
  bad.error_code = "invalid-filter";
  EXPECT_EQ(ErrorJson(bad),
            R"({"title":"Bad Request","description":"match[version]: \"lates\" is not first, )"
            R"(last, all or a timestamp","error_code":"invalid-filter","http_status":"400"})");
  Error plain;
  plain.http_status = 406;
  EXPECT_EQ(ErrorJson(plain), R"({"title":"Not Acceptable","http_status":"406"})");
  plain.http_status = 599;
  EXPECT_EQ(ErrorJson(plain), R"({"title":"Error","http_status":"599"})");
  EXPECT_EQ(ReasonPhrase(415), "Unsupported Media Type");
  EXPECT_EQ(ReasonPhrase(413), "Payload Too Large");
}

TEST(ResourcesTest, StatusCountsItsLists) {
  StatusResource s;
  s.id = "2d086da7-4bdc-4f91-900e-d77486753710";
  s.request_timestamp = Timestamp::FromMicros(1600000000000000);
  s.successes.push_back({"indicator--a", "2016-04-06T20:03:48.000Z", ""});
  s.failures.push_back({"indicator--b", "2016-04-06T20:03:48.000Z", "bad pattern"});
  EXPECT_EQ(StatusJson(s),
            R"({"id":"2d086da7-4bdc-4f91-900e-d77486753710","status":"complete",)"
            R"("request_timestamp":"2020-09-13T12:26:40.000000Z","total_count":2,)"
            R"("success_count":1,"successes":[{"id":"indicator--a","version":)"
            R"("2016-04-06T20:03:48.000Z"}],"failure_count":1,"failures":[{"id":"indicator--b",)"
            R"("version":"2016-04-06T20:03:48.000Z","message":"bad pattern"}],"pending_count":0})");
  s.pendings.push_back({"indicator--c", "2016-04-06T20:03:48.000Z", ""});
  EXPECT_NE(StatusJson(s).find(R"("status":"pending")"), std::string::npos);
  EXPECT_NE(StatusJson(s).find(R"("total_count":3)"), std::string::npos);
}

}  // namespace
}  // namespace concord::taxii
