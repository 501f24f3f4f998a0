#include "concord/taxii/server.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <set>
#include <string>

#include "concord/base/clock.h"
#include "concord/json/document.h"
#include "concord/policy/agreement.h"
#include "concord/stix/validator.h"
#include "concord/store/sqlite/sqlite_store.h"

namespace concord::taxii {
namespace {

constexpr char kTlpRed[] = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
constexpr char kTlpGreen[] = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";

std::string IndicatorJson(int n, int modified_second, const char* marking = kTlpGreen) {
  char id[64], modified[40];
  std::snprintf(id, sizeof(id), "indicator--00000000-0000-4000-8000-%012d", n);
  std::snprintf(modified, sizeof(modified), "2020-01-01T00:00:%02d.000Z", modified_second);
  return std::string(R"({"type":"indicator","spec_version":"2.1","id":")") + id +
         R"(","created":"2020-01-01T00:00:00.000Z","modified":")" + modified + R"(","name":"n)" +
         std::to_string(n) +
         R"(","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix",)"
         R"("valid_from":"2020-01-01T00:00:00Z","object_marking_refs":[")" +
         marking + R"("]})";
}

std::string IndicatorId(int n) {
  char id[64];
  std::snprintf(id, sizeof(id), "indicator--00000000-0000-4000-8000-%012d", n);
  return id;
}

// Agreements that let `partners` receive anything but TLP:RED (unmarked objects count as CLEAR,
// and what one sends may be passed on), so that these tests see TAXII's own rules; the release
// rules themselves are policy's tests, and ReleaseAppliesToEveryPath below checks they are used.
policy::Agreements Permissive(const std::vector<std::string>& partners) {
  policy::Agreements a;
  a.node.name = "uk-node";
  a.node.unmarked = stix::Tlp::kClear;
  for (const std::string& name : partners) {
    policy::PartnerAgreement p;
    p.name = name;
    p.max_tlp = stix::Tlp::kAmberStrict;
    p.types = {"*"};
    p.pass_on = true;
    a.partners.push_back(p);
  }
  return a;
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "concord_taxii_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto s = store::SqliteStore::Open(dir_ + "/store.db", &clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    store::Collection shared;
    shared.alias = "shared";
    shared.title = "Shared with partners";
    shared_ = *store_->CreateCollection(shared);
    store::Collection internal;
    internal.alias = "internal";
    internal.title = "Ours only";
    internal_ = *store_->CreateCollection(internal);
    store::Collection inbox;
    inbox.alias = "inbox";
    inbox.title = "Partners write here";
    inbox_ = *store_->CreateCollection(inbox);
    for (const char* name : {"us-node", "de-node"}) {
      store::Partner partner;
      partner.name = name;
      ASSERT_TRUE(store_->CreatePartner(partner).ok());
    }
    Grant("us-node", shared_.id, true, false);
    Grant("us-node", inbox_.id, false, true);
    config_.public_url = "https://uk-node.example:8443";
    agreements_.Set(std::make_shared<const policy::Agreements>(Permissive({"us-node", "de-node"})));
    config_.agreements = &agreements_;
    server_ = std::make_unique<Server>(config_, store_.get(), &clock_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Stores `objects` (JSON texts) into `collection`, one transaction, date_added 1 ms apart.
  void Put(const std::vector<std::string>& objects, const std::string& collection) {
    stix::Validator validator;
    auto tx = store_->BeginWrite({"file", "test"}, {collection});
    ASSERT_TRUE(tx.ok());
    for (const std::string& text : objects) {
      stix::Validation v = validator.Validate(text);
      ASSERT_TRUE(v.ok()) << text;
      ASSERT_TRUE((*tx)->Put(*v.object).ok());
      clock_.AdvanceMicros(1000);
    }
    ASSERT_TRUE((*tx)->Commit().ok());
  }

  void Grant(const std::string& partner, const std::string& collection, bool read, bool write) {
    store::Grant g;
    g.partner = partner;
    g.collection_id = collection;
    g.rights.read = read;
    g.rights.write = write;
    ASSERT_TRUE(store_->SetGrant(g).ok());
  }

  Response Send(const std::string& method, const std::string& target, std::string body,
                std::optional<std::string> partner = "us-node",
                std::string content_type = "application/taxii+json;version=2.1") {
    Request r;
    r.method = method;
    r.target = target;
    r.accept = "application/taxii+json;version=2.1";
    r.content_type = std::move(content_type);
    r.body = std::move(body);
    r.partner = std::move(partner);
    return server_->Handle(r);
  }

  // The value of the string member `key` in `body` (the first one), "" when absent.
  static std::string Member(const std::string& body, const std::string& key) {
    const size_t at = body.find("\"" + key + "\":\"");
    if (at == std::string::npos) return "";
    const size_t start = at + key.size() + 4;
    return body.substr(start, body.find('"', start) - start);
  }

  Response Get(const std::string& target, std::optional<std::string> partner = "us-node",
               std::string accept = "application/taxii+json;version=2.1") {
    Request r;
    r.method = "GET";
    r.target = target;
    r.accept = std::move(accept);
    r.partner = std::move(partner);
    return server_->Handle(r);
  }

  std::string ObjectsUrl(const store::Collection& c) {
    return "/api/collections/" + c.id + "/objects/";
  }

  ManualClock clock_{Timestamp::FromMicros(1'700'000'000'000'000)};
  std::string dir_;
  std::unique_ptr<store::SqliteStore> store_;
  store::Collection shared_, internal_, inbox_;
  policy::AgreementsHolder agreements_;
  ServerConfig config_;
  std::unique_ptr<Server> server_;
  json::Parser parser_;
};

// The error message of a response, checked for shape: a TAXII error whose http_status is the
// response's status, as a string.
void ExpectError(const Response& r, int status, std::string_view mentions = "") {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_NE(r.body.find("\"http_status\":\"" + std::to_string(status) + "\""), std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("\"title\":"), std::string::npos) << r.body;
  if (!mentions.empty()) {
    EXPECT_NE(r.body.find(mentions), std::string::npos) << r.body;
  }
}

TEST_F(ServerTest, DiscoveryNeedsNoCredentials) {
  const Response r = Get("/taxii2/", std::nullopt);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"title":"Concord","default":"https://uk-node.example:8443/api/",)"
                    R"("api_roots":["https://uk-node.example:8443/api/"]})");
}

TEST_F(ServerTest, EverythingElseNeedsCredentials) {
  for (const std::string& target :
       {std::string("/api/"), std::string("/api/collections/"), ObjectsUrl(shared_)}) {
    const Response r = Get(target, std::nullopt);
    ExpectError(r, 401);
    EXPECT_EQ(r.header("WWW-Authenticate"), R"(Bearer realm="concord", Basic realm="concord")");
  }
}

TEST_F(ServerTest, AcceptIsChecked) {
  ExpectError(Get("/api/", "us-node", "text/html"), 406, "application/taxii+json");
  ExpectError(Get("/taxii2/", std::nullopt, "application/taxii+json;version=2.0"), 406);
  EXPECT_EQ(Get("/api/", "us-node", "application/taxii+json").status, 200);
  EXPECT_EQ(Get("/api/", "us-node", "").status, 200);
}

TEST_F(ServerTest, ApiRootAdvertisesItsLimit) {
  const Response r = Get("/api/");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"("versions":["application/taxii+json;version=2.1"])"), std::string::npos);
  EXPECT_NE(r.body.find(R"("max_content_length":10485760)"), std::string::npos);
}

TEST_F(ServerTest, APartnerSeesOnlyItsCollections) {
  const Response r = Get("/api/collections/");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(shared_.id), std::string::npos);
  EXPECT_NE(r.body.find(inbox_.id), std::string::npos);
  EXPECT_EQ(r.body.find(internal_.id), std::string::npos) << r.body;
  // The internal collection does not exist for this partner, by id or alias.
  ExpectError(Get("/api/collections/" + internal_.id + "/"), 404);
  ExpectError(Get("/api/collections/internal/"), 404);
  ExpectError(Get(ObjectsUrl(internal_)), 404);
  // Another partner sees nothing.
  EXPECT_EQ(Get("/api/collections/", "de-node").body, "{}");
  // The shared one, by id and by alias.
  const Response one = Get("/api/collections/" + shared_.id + "/");
  EXPECT_EQ(one.status, 200);
  EXPECT_NE(one.body.find(R"("can_read":true,"can_write":false)"), std::string::npos);
  EXPECT_EQ(Get("/api/collections/shared/").body, one.body);
  // Write-only: visible, not readable.
  ExpectError(Get(ObjectsUrl(inbox_)), 403);
}

TEST_F(ServerTest, ObjectsWithFiltersAndHeaders) {
  Put({IndicatorJson(1, 1), IndicatorJson(2, 1), IndicatorJson(1, 2)}, shared_.id);
  Put({IndicatorJson(3, 1)}, internal_.id);
  const Response r = Get(ObjectsUrl(shared_));
  EXPECT_EQ(r.status, 200) << r.body;
  // The latest version of each object by default; nothing of the internal collection.
  EXPECT_NE(r.body.find(IndicatorId(2)), std::string::npos);
  EXPECT_NE(r.body.find(R"("modified":"2020-01-01T00:00:02.000Z")"), std::string::npos);
  EXPECT_EQ(r.body.find(R"("modified":"2020-01-01T00:00:01.000Z","name":"n1")"), std::string::npos);
  EXPECT_EQ(r.body.find(IndicatorId(3)), std::string::npos);
  EXPECT_EQ(r.body.rfind(R"({"more":false,"objects":[)", 0), 0u) << r.body;
  EXPECT_EQ(r.header("X-TAXII-Date-Added-First"), "2023-11-14T22:13:20.001000Z");
  EXPECT_EQ(r.header("X-TAXII-Date-Added-Last"), "2023-11-14T22:13:20.002000Z");

  const Response all = Get(ObjectsUrl(shared_) + "?match%5Bversion%5D=all");
  EXPECT_EQ(all.status, 200) << all.body;
  EXPECT_NE(all.body.find(R"("modified":"2020-01-01T00:00:01.000Z","name":"n1")"),
            std::string::npos);

  const Response typed = Get(ObjectsUrl(shared_) + "?match[type]=malware");
  EXPECT_EQ(typed.body, R"({"more":false})");
  EXPECT_EQ(typed.header("X-TAXII-Date-Added-First"), "");
  EXPECT_EQ(Get(ObjectsUrl(shared_) + "?match[spec_version]=2.0").body, R"({"more":false})");

  ExpectError(Get(ObjectsUrl(shared_) + "?match[version]=lates"), 400, "match[version]");
  ExpectError(Get(ObjectsUrl(shared_) + "?limit=0"), 400, "limit");
  ExpectError(Get(ObjectsUrl(shared_) + "?next=garbage"), 400, "next");
}

TEST_F(ServerTest, PagingWithNextOrAddedAfterNeverSkipsOrRepeats) {
  std::vector<std::string> objects;
  for (int i = 1; i <= 25; ++i) objects.push_back(IndicatorJson(i, 1));
  Put(objects, shared_.id);
  // By next.
  std::set<std::string> seen;
  std::string next;
  for (int pages = 0; pages < 10; ++pages) {
    const Response r =
        Get(ObjectsUrl(shared_) + "?limit=10" + (next.empty() ? "" : "&next=" + next));
    ASSERT_EQ(r.status, 200) << r.body;
    for (int i = 1; i <= 25; ++i) {
      if (r.body.find(IndicatorId(i)) != std::string::npos) {
        EXPECT_TRUE(seen.insert(IndicatorId(i)).second) << "repeated " << i;
      }
    }
    ASSERT_TRUE(parser_.Parse(r.body).ok()) << r.body;
    if (r.body.find(R"("more":true)") == std::string::npos) break;
    const size_t at = r.body.find(R"("next":")");
    ASSERT_NE(at, std::string::npos);
    next = r.body.substr(at + 8, r.body.find('"', at + 8) - at - 8);
  }
  EXPECT_EQ(seen.size(), 25u);
  // By added_after = the last page's X-TAXII-Date-Added-Last.
  seen.clear();
  std::string after;
  for (int pages = 0; pages < 10; ++pages) {
    const Response r =
        Get(ObjectsUrl(shared_) + "?limit=7" + (after.empty() ? "" : "&added_after=" + after));
    ASSERT_EQ(r.status, 200) << r.body;
    for (int i = 1; i <= 25; ++i) {
      if (r.body.find(IndicatorId(i)) != std::string::npos) {
        EXPECT_TRUE(seen.insert(IndicatorId(i)).second) << "repeated " << i;
      }
    }
    if (r.body.find(R"("more":true)") == std::string::npos) break;
    after = r.header("X-TAXII-Date-Added-Last");
    ASSERT_FALSE(after.empty());
  }
  EXPECT_EQ(seen.size(), 25u);
}

TEST_F(ServerTest, TlpRedNeverLeaves) {
  Put({IndicatorJson(1, 1, kTlpRed), IndicatorJson(2, 1)}, shared_.id);
  const Response r = Get(ObjectsUrl(shared_));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body.find(IndicatorId(1)), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(IndicatorId(2)), std::string::npos);
  ExpectError(Get(ObjectsUrl(shared_) + IndicatorId(1) + "/"), 404);
  // The object does not exist for partners: it may not leave this node.
  ExpectError(Get(ObjectsUrl(shared_) + IndicatorId(1) + "/versions/"), 404);
  const Response manifest = Get("/api/collections/" + shared_.id + "/manifest/");
  EXPECT_EQ(manifest.body.find(IndicatorId(1)), std::string::npos);
}

TEST_F(ServerTest, OneObjectItsVersionsAndTheManifest) {
  Put({IndicatorJson(1, 1), IndicatorJson(1, 2), IndicatorJson(1, 3)}, shared_.id);
  const Response one = Get(ObjectsUrl(shared_) + IndicatorId(1) + "/");
  EXPECT_EQ(one.status, 200) << one.body;
  EXPECT_NE(one.body.find(R"("modified":"2020-01-01T00:00:03.000Z")"), std::string::npos);
  EXPECT_EQ(one.body.find(R"("modified":"2020-01-01T00:00:01.000Z")"), std::string::npos);
  const Response first = Get(ObjectsUrl(shared_) + IndicatorId(1) + "/?match[version]=first");
  EXPECT_NE(first.body.find(R"("modified":"2020-01-01T00:00:01.000Z")"), std::string::npos);
  const Response versions = Get(ObjectsUrl(shared_) + IndicatorId(1) + "/versions/");
  EXPECT_EQ(versions.body,
            R"({"more":false,"versions":["2020-01-01T00:00:01.000Z","2020-01-01T00:00:02.000Z",)"
            R"("2020-01-01T00:00:03.000Z"]})");
  ExpectError(Get(ObjectsUrl(shared_) + IndicatorId(9) + "/"), 404, IndicatorId(9));
  // versions takes no match[version]; manifest lists the latest version by default.
  ExpectError(Get(ObjectsUrl(shared_) + IndicatorId(1) + "/versions/?match[version]=all"), 400);
  const Response manifest = Get("/api/collections/" + shared_.id + "/manifest/");
  EXPECT_NE(manifest.body.find(R"("version":"2020-01-01T00:00:03.000Z")"), std::string::npos);
  EXPECT_EQ(manifest.body.find(R"("version":"2020-01-01T00:00:01.000Z")"), std::string::npos);
}

TEST_F(ServerTest, UnknownPathsAndMethods) {
  ExpectError(Get("/nothing/"), 404);
  ExpectError(Get("/api/collections//objects/"), 404);
  ExpectError(Get("/api/collections/" + shared_.id + "/objects/x/y/z/"), 404);
  ExpectError(Get("/api/status/2d086da7-4bdc-4f91-900e-d77486753710/"), 404);
  ExpectError(Get("/API/"), 404, "API");
  ExpectError(Get("/taxii2/x/"), 404);
  Request put;
  put.method = "PUT";
  put.target = "/api/collections/";
  put.partner = "us-node";
  const Response r = server_->Handle(put);
  ExpectError(r, 405);
  EXPECT_EQ(r.header("Allow"), "GET");
}

TEST_F(ServerTest, PostStoresEachObjectAndReportsAStatus) {
  Put({IndicatorJson(5, 1)}, inbox_.id);
  const std::string body = "{\"objects\":[" + IndicatorJson(1, 1) + "," + IndicatorJson(2, 1) +
                           "," + IndicatorJson(5, 1) +  // already stored: a success
                           R"(,{"type":"indicator","id":"indicator--bad"},42)" + "]}";
  const Response r = Send("POST", ObjectsUrl(inbox_), body);
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_NE(r.body.find(R"("status":"complete")"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("total_count":5,"success_count":3)"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"("failure_count":2)"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("objects[3]"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("objects[4]"), std::string::npos) << r.body;
  // The status can be read back by its poster only.
  const std::string id = Member(r.body, "id");
  ASSERT_FALSE(id.empty());
  const Response again = Get("/api/status/" + id + "/");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, r.body);
  ExpectError(Get("/api/status/" + id + "/", "de-node"), 404);
  // The objects are in the collection, each with its own date_added, from the partner.
  Grant("de-node", inbox_.id, true, false);
  const Response read = Get(ObjectsUrl(inbox_) + "?limit=1", "de-node");
  EXPECT_NE(read.body.find(IndicatorId(5)), std::string::npos) << read.body;
  const Response rest =
      Get(ObjectsUrl(inbox_) + "?added_after=" + read.header("X-TAXII-Date-Added-Last"), "de-node");
  EXPECT_NE(rest.body.find(IndicatorId(1)), std::string::npos) << rest.body;
  EXPECT_NE(rest.body.find(IndicatorId(2)), std::string::npos) << rest.body;
  EXPECT_NE(rest.header("X-TAXII-Date-Added-First"), rest.header("X-TAXII-Date-Added-Last"));
  Result<store::Stats> stats = store_->GetStats();
  ASSERT_TRUE(stats.ok());
  // Versions per source: the two new ones. The one it sent again was held already from
  // elsewhere: a success, but it does not become "received from" the partner (that would
  // change what the release policy lets this node pass on).
  EXPECT_EQ(stats->by_source["partner:us-node"], 2u);
}

TEST_F(ServerTest, PostIsCheckedBeforeAnythingIsStored) {
  const std::string good = "{\"objects\":[" + IndicatorJson(1, 1) + "]}";
  ExpectError(Send("POST", ObjectsUrl(shared_), good), 403);  // read-only
  ExpectError(Send("POST", ObjectsUrl(internal_), good), 404);
  ExpectError(Send("POST", ObjectsUrl(inbox_), good, std::nullopt), 401);
  ExpectError(Send("POST", ObjectsUrl(inbox_), good, "us-node", "application/json"), 415);
  ExpectError(Send("POST", ObjectsUrl(inbox_), good, "us-node", ""), 415);
  for (const std::string& bad :
       {std::string("[") + IndicatorJson(1, 1) + "]", std::string("{\"objects\":{}}"),
        std::string("{\"more\":false}"), "{\"objects\":[" + IndicatorJson(1, 1),
        std::string("not json"), good + good}) {
    ExpectError(Send("POST", ObjectsUrl(inbox_), bad), 400);
  }
  config_.max_content_length = 100;
  Server small(config_, store_.get(), &clock_);
  Request r;
  r.method = "POST";
  r.target = ObjectsUrl(inbox_);
  r.content_type = "application/taxii+json";
  r.body = good;
  r.partner = "us-node";
  ExpectError(small.Handle(r), 413, "100");
  // None of it was stored.
  Result<store::Stats> stats = store_->GetStats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->versions, 0u);
  // An empty envelope is a complete status with nothing in it.
  const Response empty = Send("POST", ObjectsUrl(inbox_), R"({"objects":[]})");
  EXPECT_EQ(empty.status, 202) << empty.body;
  EXPECT_NE(empty.body.find(R"("total_count":0)"), std::string::npos) << empty.body;
}

TEST_F(ServerTest, DeleteRemovesFromTheCollectionOnly) {
  Grant("us-node", shared_.id, true, true);
  Put({IndicatorJson(1, 1), IndicatorJson(1, 2), IndicatorJson(2, 1)}, shared_.id);
  Put({IndicatorJson(1, 1)}, internal_.id);
  const std::string one = ObjectsUrl(shared_) + IndicatorId(1) + "/";
  ExpectError(Send("DELETE", one + "?match[version]=bad", ""), 400, "match[version]");
  ExpectError(Send("DELETE", one + "?limit=1", ""), 400, "limit");
  const Response first = Send("DELETE", one + "?match[version]=first", "");
  EXPECT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(Get(one + "versions/").body,
            R"({"more":false,"versions":["2020-01-01T00:00:02.000Z"]})");
  EXPECT_EQ(Send("DELETE", one, "").status, 200);
  ExpectError(Get(one), 404);
  ExpectError(Send("DELETE", one, ""), 404);
  EXPECT_NE(Get(ObjectsUrl(shared_)).body.find(IndicatorId(2)), std::string::npos);
  // Still stored, still in the other collection.
  store::Query q;
  q.collection = internal_.id;
  q.ids = {IndicatorId(1)};
  Result<store::Page> kept = store_->Find(q, 10);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->objects.size(), 1u);
  // Read-only partners may not delete.
  Grant("de-node", shared_.id, true, false);
  ExpectError(Send("DELETE", ObjectsUrl(shared_) + IndicatorId(2) + "/", "", "de-node"), 403);
  ExpectError(Send("PUT", one, ""), 405);
}

TEST_F(ServerTest, DeleteNeverTouchesOrRevealsTlpRed) {
  Grant("us-node", shared_.id, true, true);
  Put({IndicatorJson(1, 1, kTlpRed)}, shared_.id);
  ExpectError(Send("DELETE", ObjectsUrl(shared_) + IndicatorId(1) + "/", ""), 404);
  store::Query q;
  q.collection = shared_.id;
  Result<store::Page> kept = store_->Find(q, 10);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->objects.size(), 1u);
}

TEST_F(ServerTest, ReleaseAppliesToEveryPath) {
  constexpr char kAmber[] = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
  Put({IndicatorJson(1, 1), IndicatorJson(2, 1, kAmber)}, shared_.id);
  // us-node may receive at most GREEN, and only indicators.
  policy::Agreements strict = Permissive({"us-node", "de-node"});
  strict.partners[0].max_tlp = stix::Tlp::kGreen;
  strict.partners[0].types = {"indicator"};
  agreements_.Set(std::make_shared<const policy::Agreements>(strict));

  const Response objects = Get(ObjectsUrl(shared_));
  ASSERT_EQ(objects.status, 200) << objects.body;
  EXPECT_NE(objects.body.find(IndicatorId(1)), std::string::npos);
  EXPECT_EQ(objects.body.find(IndicatorId(2)), std::string::npos) << objects.body;
  const Response manifest = Get("/api/collections/" + shared_.id + "/manifest/");
  EXPECT_NE(manifest.body.find(IndicatorId(1)), std::string::npos);
  EXPECT_EQ(manifest.body.find(IndicatorId(2)), std::string::npos) << manifest.body;
  const std::string one = ObjectsUrl(shared_) + IndicatorId(2) + "/";
  ExpectError(Get(one), 404);
  ExpectError(Get(one + "versions/"), 404);
  EXPECT_EQ(Get(ObjectsUrl(shared_) + IndicatorId(1) + "/").status, 200);

  // A partner without an agreement gets nothing, even with a grant.
  strict.partners.erase(strict.partners.begin());
  agreements_.Set(std::make_shared<const policy::Agreements>(strict));
  const Response none = Get(ObjectsUrl(shared_));
  EXPECT_EQ(none.status, 200);
  EXPECT_EQ(none.body.find(IndicatorId(1)), std::string::npos) << none.body;
  ExpectError(Get(ObjectsUrl(shared_) + IndicatorId(1) + "/"), 404);
  // ... and may store nothing.
  const Response post =
      Send("POST", ObjectsUrl(inbox_), "{\"objects\":[" + IndicatorJson(7, 1) + "]}");
  ASSERT_EQ(post.status, 202);
  EXPECT_NE(post.body.find("no agreement"), std::string::npos) << post.body;
}

TEST_F(ServerTest, PostRefusesWhatThePartnerMayNotSend) {
  policy::Agreements a = Permissive({"us-node", "de-node"});
  a.node.identity_id = "identity--0b1c2d3e-4f50-4617-a829-3a4b5c6d7e8f";
  a.partners[0].identity_id = "identity--6a1a2f0e-3d4b-4c5e-9f60-718293a4b5c6";
  a.partners[1].identity_id = "identity--9e8d7c6b-5a49-4837-a625-14f3e2d1c0b9";
  agreements_.Set(std::make_shared<const policy::Agreements>(a));
  std::vector<std::string> refused_log;
  config_.on_refused = [&](std::string_view partner, std::string_view id, std::string_view why) {
    refused_log.push_back(std::string(partner) + " " + std::string(id) + " " + std::string(why));
  };
  server_ = std::make_unique<Server>(config_, store_.get(), &clock_);
  std::string forged = IndicatorJson(8, 1);
  forged.insert(1, R"("created_by_ref":"identity--9e8d7c6b-5a49-4837-a625-14f3e2d1c0b9",)");
  std::string own = IndicatorJson(9, 1);
  own.insert(1, R"("created_by_ref":"identity--6a1a2f0e-3d4b-4c5e-9f60-718293a4b5c6",)");
  const Response r = Send("POST", ObjectsUrl(inbox_), "{\"objects\":[" + forged + "," + own + "]}");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_NE(r.body.find(R"("success_count":1)"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("may only send objects it created"), std::string::npos) << r.body;
  ASSERT_EQ(refused_log.size(), 1u);
  EXPECT_NE(refused_log[0].find("us-node " + IndicatorId(8)), std::string::npos) << refused_log[0];
  store::Query q;
  q.ids = {IndicatorId(8), IndicatorId(9)};
  auto page = store_->Find(q, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].id, IndicatorId(9));
}

TEST_F(ServerTest, StatusesAreKeptForTheRetentionThenPurged) {
  const Response r =
      Send("POST", ObjectsUrl(inbox_), "{\"objects\":[" + IndicatorJson(1, 1) + "]}");
  ASSERT_EQ(r.status, 202);
  const std::string id = Member(r.body, "id");
  clock_.AdvanceMicros(int64_t{24} * 3600 * 1'000'000);
  EXPECT_EQ(Get("/api/status/" + id + "/").status, 200);
  clock_.AdvanceMicros(int64_t{7} * 24 * 3600 * 1'000'000);
  ASSERT_EQ(Send("POST", ObjectsUrl(inbox_), R"({"objects":[]})").status, 202);
  ExpectError(Get("/api/status/" + id + "/"), 404);
}

TEST_F(ServerTest, ApiRootsEachServeTheirOwnCollections) {
  store::ApiRoot trusted;
  trusted.name = "five-eyes";
  trusted.title = "Closer partners";
  ASSERT_TRUE(store_->CreateApiRoot(trusted).ok());
  store::Collection c;
  c.alias = "fe-shared";
  c.title = "FE";
  c.api_root = "five-eyes";
  c = *store_->CreateCollection(c);
  Grant("us-node", c.id, true, false);
  const Response d = Get("/taxii2/", std::nullopt);
  EXPECT_NE(d.body.find("https://uk-node.example:8443/five-eyes/"), std::string::npos) << d.body;
  EXPECT_NE(d.body.find(R"("default":"https://uk-node.example:8443/api/")"), std::string::npos);
  const Response root = Get("/five-eyes/");
  EXPECT_EQ(root.status, 200);
  EXPECT_NE(root.body.find("Closer partners"), std::string::npos);
  const Response list = Get("/five-eyes/collections/");
  EXPECT_NE(list.body.find(c.id), std::string::npos);
  EXPECT_EQ(list.body.find(shared_.id), std::string::npos) << list.body;
  EXPECT_EQ(Get("/api/collections/").body.find(c.id), std::string::npos);
  // A collection is reached only under its own root.
  ExpectError(Get("/api/collections/" + c.id + "/"), 404);
  ExpectError(Get("/five-eyes/collections/" + shared_.id + "/"), 404);
  EXPECT_EQ(Get("/five-eyes/collections/fe-shared/objects/").status, 200);
}

}  // namespace
}  // namespace concord::taxii
