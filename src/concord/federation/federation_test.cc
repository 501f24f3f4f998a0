// Two Concord nodes, UK and US, over real HTTPS on loopback, each with its own SQLite store and
// agreements: US publishes, UK pulls what it may and sends its sightings back. Also a partner's
// outage, a restart mid-sync, the scheduler, and hostile partners.

#include "concord/federation/federation.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "concord/federation/apply.h"
#include "concord/federation/pull.h"
#include "concord/federation/sightings_back.h"
#include "concord/net/https_server.h"
#include "concord/net/test_certs.h"
#include "concord/stix/validator.h"
#include "concord/store/sqlite/sqlite_store.h"
#include "concord/taxii/auth.h"
#include "concord/taxii/http_service.h"
#include "concord/taxii/query.h"

namespace concord::federation {
namespace {

constexpr char kUkId[] = "identity--0b1c2d3e-4f50-4617-a829-3a4b5c6d7e8f";
constexpr char kUsId[] = "identity--6a1a2f0e-3d4b-4c5e-9f60-718293a4b5c6";
constexpr char kFrId[] = "identity--9e8d7c6b-5a49-4837-a625-14f3e2d1c0b9";
constexpr char kClear[] = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
constexpr char kGreen[] = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
constexpr char kAmber[] = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
constexpr char kRed[] = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";

std::string Uuid(int n) {
  char text[40];
  std::snprintf(text, sizeof(text), "00000000-0000-4000-8000-%012d", n);
  return text;
}

std::string Common(const std::string& type, int n, const std::string& creator,
                   const std::string& marking) {
  return R"({"type":")" + type + R"(","spec_version":"2.1","id":")" + type + "--" + Uuid(n) +
         R"(","created":"2026-11-01T00:00:00.000Z","modified":"2026-11-01T00:00:00.000Z",)" +
         (creator.empty() ? "" : R"("created_by_ref":")" + creator + "\",") +
         R"("object_marking_refs":[")" + marking + "\"],";
}

std::string Indicator(int n, const std::string& marking, const std::string& creator = kUsId) {
  return Common("indicator", n, creator, marking) + R"("name":"ind)" + std::to_string(n) +
         R"(","pattern":"[ipv4-addr:value = '198.51.100.)" + std::to_string(n % 250) +
         R"(']","pattern_type":"stix","valid_from":"2026-11-01T00:00:00Z"})";
}

std::string IntrusionSet(int n) {
  return Common("intrusion-set", n, kUsId, kClear) + R"("name":"Crew )" + std::to_string(n) + "\"}";
}

std::string Indicates(int n, int indicator, int set) {
  return Common("relationship", n, kUsId, kClear) +
         R"("relationship_type":"indicates","source_ref":"indicator--)" + Uuid(indicator) +
         R"(","target_ref":"intrusion-set--)" + Uuid(set) + "\"}";
}

std::string Identity(const std::string& id, const std::string& name) {
  return R"({"type":"identity","spec_version":"2.1","id":")" + id +
         R"(","created":"2026-11-01T00:00:00.000Z","modified":"2026-11-01T00:00:00.000Z","name":")" +
         name + R"(","identity_class":"organization","object_marking_refs":[")" + kClear + "\"]}";
}

std::string Sighting(int n, int indicator, const std::string& by) {
  return Common("sighting", n, by, kAmber) + R"("sighting_of_ref":"indicator--)" + Uuid(indicator) +
         R"(","count":7,"first_seen":"2026-11-20T00:00:00Z",)" +
         R"("last_seen":"2026-11-21T00:00:00Z","where_sighted_refs":[")" + by + "\"]}";
}

// A node: its own directory, store, agreements and (when serving) TAXII server.
struct Node {
  std::string name;
  std::string identity;
  std::string dir;
  std::string store_path;
  ManualClock* clock;
  std::unique_ptr<store::SqliteStore> admin;  // this test's own connection
  policy::AgreementsHolder agreements;
  std::unique_ptr<taxii::HttpService> service;
  std::unique_ptr<net::HttpsServer> server;
  uint16_t port = 0;

  std::string url() const { return "https://127.0.0.1:" + std::to_string(port) + "/api/"; }

  Result<std::unique_ptr<store::Store>> Open() {
    CONCORD_ASSIGN_OR_RETURN(std::unique_ptr<store::SqliteStore> s,
                             store::SqliteStore::Open(store_path, clock));
    return std::unique_ptr<store::Store>(std::move(s));
  }
};

class FederationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "concord_fed_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto certs = net::MakeTestCerts(dir_ + "/pki");
    ASSERT_TRUE(certs.ok()) << certs.status().ToString();
    certs_ = *certs;
    InitNode(&uk_, "uk", kUkId);
    InitNode(&us_, "us", kUsId);

    // US: the publisher. UK may read "ransomware" and write sightings.
    ASSERT_TRUE(StartServer(&us_).ok());
    us_agreements_.node.name = "us";
    us_agreements_.node.identity_id = kUsId;
    policy::PartnerAgreement uk;
    uk.name = "uk";
    uk.identity_id = kUkId;
    uk.max_tlp = stix::Tlp::kAmber;
    uk.types = {"*"};
    uk.read = {"ransomware"};
    uk.write = {"sightings"};
    us_agreements_.partners.push_back(uk);
    SetAgreements(&us_, us_agreements_);
    auto token = taxii::IssueToken("uk", 0);
    ASSERT_TRUE(token.ok());
    ASSERT_TRUE(us_.admin->AddCredential(token->credential).ok());
    token_file_ = dir_ + "/uk-at-us.token";
    std::ofstream(token_file_) << token->token << "\n";

    // UK: pulls "ransomware" into "from-us", sends sightings back with counts.
    uk_agreements_.node.name = "uk";
    uk_agreements_.node.identity_id = kUkId;
    uk_agreements_.node.sync_interval = std::chrono::seconds(1);
    policy::PartnerAgreement us;
    us.name = "us";
    us.identity_id = kUsId;
    us.max_tlp = stix::Tlp::kAmber;
    us.types = {"*"};
    us.url = us_.url();
    us.token_file = token_file_;
    us.ca_file = certs_.ca_file;
    us.pull = {policy::PullSource{"ransomware", "from-us"}};
    us.sightings.send = true;
    us.sightings.evidence = policy::Evidence::kCounts;
    us.sightings.collection = "sightings";
    uk_agreements_.partners.push_back(us);
    SetAgreements(&uk_, uk_agreements_);

    options_.clock = &clock_;
    options_.log = [this](std::string_view line) {
      std::lock_guard<std::mutex> lock(log_mutex_);
      log_.emplace_back(line);
    };
    options_.client_retries = 0;
    options_.request_timeout = std::chrono::milliseconds(5000);
  }

  void TearDown() override {
    StopServer(&us_);
    StopServer(&uk_);
    std::filesystem::remove_all(dir_);
  }

  void InitNode(Node* node, const std::string& name, const std::string& identity) {
    node->name = name;
    node->identity = identity;
    node->dir = dir_ + "/" + name;
    std::filesystem::create_directories(node->dir);
    node->store_path = node->dir + "/store.db";
    node->clock = &clock_;
    auto s = store::SqliteStore::Open(node->store_path, &clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    node->admin = std::move(*s);
  }

  void SetAgreements(Node* node, const policy::Agreements& a) {
    node->agreements.Set(std::make_shared<const policy::Agreements>(a));
    auto applied = ApplyAgreements(*node->admin, a);
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  }

  Status StartServer(Node* node) {
    taxii::ServerConfig config;
    config.agreements = &node->agreements;
    node->service = std::make_unique<taxii::HttpService>(
        config, [node]() { return node->Open(); }, &clock_);
    net::ServerOptions o;
    o.address = "127.0.0.1";
    o.port = node->port;  // the same port again after a restart
    o.tls.cert_file = certs_.server_cert_file;
    o.tls.key_file = certs_.server_key_file;
    o.threads = 2;
    Node* n = node;
    o.on_thread_start = [n](int i) { n->service->OnThreadStart(i); };
    o.error_responder = &taxii::HttpService::TransportError;
    CONCORD_ASSIGN_OR_RETURN(
        node->server, net::HttpsServer::Start(
                          o, [n](const net::HttpRequest& r) { return n->service->Handle(r); }));
    node->port = node->server->port();
    return Status::Ok();
  }

  void StopServer(Node* node) {
    if (node->server) {
      node->server->Shutdown(std::chrono::milliseconds(1000));
      node->server->Wait();
      node->server.reset();
    }
    node->service.reset();
  }

  // Stores `objects` in `node` as its own, into collection `alias`.
  void Publish(Node* node, const std::vector<std::string>& objects, const std::string& alias) {
    auto c = node->admin->FindCollection(alias);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    stix::Validator validator;
    auto tx = node->admin->BeginWrite({"local", node->name}, {c->id});
    ASSERT_TRUE(tx.ok());
    for (const std::string& text : objects) {
      stix::Validation v = validator.Validate(text);
      ASSERT_TRUE(v.ok()) << text;
      ASSERT_TRUE((*tx)->Put(*v.object).ok()) << text;
      clock_.AdvanceMicros(1000);
    }
    ASSERT_TRUE((*tx)->Commit().ok());
  }

  // Stores `objects` in `node` as its own, in no collection (a scan's sightings).
  void Record(Node* node, const std::vector<std::string>& objects) {
    stix::Validator validator;
    auto tx = node->admin->BeginWrite({"local", "scan"});
    ASSERT_TRUE(tx.ok());
    for (const std::string& text : objects) {
      stix::Validation v = validator.Validate(text);
      ASSERT_TRUE(v.ok()) << text;
      ASSERT_TRUE((*tx)->Put(*v.object).ok());
    }
    ASSERT_TRUE((*tx)->Commit().ok());
  }

  std::set<std::string> Ids(Node* node, const std::string& type = "") {
    store::Query q;
    if (!type.empty()) q.types = {type};
    std::set<std::string> ids;
    EXPECT_TRUE(node->admin
                    ->Scan(q,
                           [&](const store::StoredObject& o) {
                             ids.insert(o.id);
                             return Status::Ok();
                           })
                    .ok());
    return ids;
  }

  Status SyncUk() {
    return SyncPartner(*uk_.admin, uk_agreements_, uk_agreements_.partners[0], options_);
  }

  bool Logged(const std::string& part) {
    std::lock_guard<std::mutex> lock(log_mutex_);
    for (const std::string& line : log_) {
      if (line.find(part) != std::string::npos) return true;
    }
    return false;
  }

  std::string dir_;
  net::TestCerts certs_;
  ManualClock clock_{Timestamp::FromMicros(1'795'000'000'000'000)};
  Node uk_;
  Node us_;
  policy::Agreements uk_agreements_;
  policy::Agreements us_agreements_;
  std::string token_file_;
  FederationOptions options_;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

// The US campaign: an intrusion set, indicators at CLEAR, GREEN, AMBER and RED, each linked.
std::vector<std::string> Campaign() {
  return {Identity(kUsId, "US node"), IntrusionSet(1),       Indicator(11, kClear),
          Indicator(12, kGreen),      Indicator(13, kAmber), Indicator(14, kRed),
          Indicates(21, 11, 1),       Indicates(22, 12, 1),  Indicates(23, 13, 1),
          Indicates(24, 14, 1)};
}

TEST_F(FederationTest, PullsWhatMayLeaveAndSendsSightingsBack) {
  Publish(&us_, Campaign(), "ransomware");
  Status synced = SyncUk();
  ASSERT_TRUE(synced.ok()) << synced.ToString();

  // Everything but the RED indicator and the relationship that would reveal it.
  const std::set<std::string> at_uk = Ids(&uk_);
  EXPECT_EQ(at_uk.size(), 8u);
  EXPECT_EQ(at_uk.count("indicator--" + Uuid(14)), 0u);
  EXPECT_EQ(at_uk.count("relationship--" + Uuid(24)), 0u);
  EXPECT_EQ(at_uk.count("indicator--" + Uuid(13)), 1u);
  // Stored with their provenance, in the agreed collection.
  auto sources = uk_.admin->SourcesOf({"indicator--" + Uuid(11)});
  ASSERT_TRUE(sources.ok());
  ASSERT_EQ(sources->at("indicator--" + Uuid(11)).size(), 1u);
  EXPECT_EQ(sources->at("indicator--" + Uuid(11))[0].name, "us");
  store::Query in_from_us;
  in_from_us.collection = uk_.admin->FindCollection("from-us")->id;
  EXPECT_EQ(uk_.admin->Find(in_from_us, 100)->objects.size(), 8u);
  auto state = uk_.admin->GetSyncState("us", "pull", "ransomware");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->objects, 8u);
  EXPECT_EQ(state->consecutive_failures, 0u);
  EXPECT_GT(state->last_success_us, 0);
  EXPECT_FALSE(state->cursor.empty());

  // UK sees indicator 11 in its telemetry; its sighting goes back to US with its identity.
  Record(&uk_, {Identity(kUkId, "UK node"), Sighting(31, 11, kUkId)});
  // A sighting of some other indicator (not US's) stays home.
  Record(&uk_, {Indicator(41, kClear, ""), Sighting(32, 41, kUkId)});
  synced = SyncUk();
  ASSERT_TRUE(synced.ok()) << synced.ToString();
  const std::set<std::string> sightings_at_us = Ids(&us_, "sighting");
  EXPECT_EQ(sightings_at_us, std::set<std::string>{"sighting--" + Uuid(31)});
  EXPECT_EQ(Ids(&us_, "identity").count(kUkId), 1u);
  auto from_uk = us_.admin->SourcesOf({"sighting--" + Uuid(31)});
  EXPECT_EQ(from_uk->at("sighting--" + Uuid(31))[0].name, "uk");
  auto push = uk_.admin->GetSyncState("us", "push", "sightings");
  ASSERT_TRUE(push.ok());
  EXPECT_EQ(push->objects, 2u);  // the identity and the sighting

  // Idempotent: another round stores and sends nothing new.
  const uint64_t versions_before = uk_.admin->GetStats()->versions;
  ASSERT_TRUE(SyncUk().ok());
  EXPECT_EQ(uk_.admin->GetStats()->versions, versions_before);
  EXPECT_EQ(uk_.admin->GetSyncState("us", "pull", "ransomware")->objects, 8u);
  EXPECT_EQ(uk_.admin->GetSyncState("us", "push", "sightings")->objects, 2u);
}

TEST_F(FederationTest, EvidenceNoneSendsNoCount) {
  uk_agreements_.partners[0].sightings.evidence = policy::Evidence::kNone;
  Publish(&us_, Campaign(), "ransomware");
  ASSERT_TRUE(SyncUk().ok());
  Record(&uk_, {Identity(kUkId, "UK node"), Sighting(31, 11, kUkId)});
  ASSERT_TRUE(SyncUk().ok());
  store::Query q;
  q.ids = {"sighting--" + Uuid(31)};
  auto page = us_.admin->Find(q, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->objects.size(), 1u);
  EXPECT_EQ(page->objects[0].json.find("\"count\""), std::string::npos) << page->objects[0].json;
}

TEST_F(FederationTest, SightingsAreNotSentWhenTheAgreementSaysNo) {
  uk_agreements_.partners[0].sightings.send = false;
  Publish(&us_, Campaign(), "ransomware");
  Record(&uk_, {Identity(kUkId, "UK node")});
  ASSERT_TRUE(SyncUk().ok());
  Record(&uk_, {Sighting(31, 11, kUkId)});
  ASSERT_TRUE(SyncUk().ok());
  EXPECT_TRUE(Ids(&us_, "sighting").empty());
}

TEST_F(FederationTest, AnOutageIsRecordedAndRecoveredFrom) {
  Publish(&us_, Campaign(), "ransomware");
  StopServer(&us_);
  Status down = SyncUk();
  EXPECT_EQ(down.code(), StatusCode::kUnavailable) << down.ToString();
  auto state = uk_.admin->GetSyncState("us", "pull", "ransomware");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->consecutive_failures, 1u);
  EXPECT_FALSE(state->last_error.empty());
  EXPECT_EQ(state->last_success_us, 0);
  EXPECT_TRUE(Ids(&uk_).empty());

  ASSERT_TRUE(StartServer(&us_).ok());  // back, on the same port
  ASSERT_TRUE(SyncUk().ok());
  state = uk_.admin->GetSyncState("us", "pull", "ransomware");
  EXPECT_EQ(state->consecutive_failures, 0u);
  EXPECT_EQ(state->last_error, "");
  EXPECT_EQ(Ids(&uk_).size(), 8u);
}

TEST_F(FederationTest, ARestartMidSyncResumesAndStoresEachObjectOnce) {
  std::vector<std::string> many;
  for (int i = 0; i < 57; ++i) many.push_back(Indicator(100 + i, kGreen));
  Publish(&us_, many, "ransomware");
  options_.limits.page_size = 10;
  options_.limits.max_pages = 2;  // a round stops after 20: as if the node stopped there
  ASSERT_TRUE(SyncUk().ok());
  EXPECT_EQ(Ids(&uk_).size(), 20u);

  // The node restarts: a new store connection, nothing carried over but the store itself.
  uk_.admin.reset();
  auto reopened = store::SqliteStore::Open(uk_.store_path, &clock_);
  ASSERT_TRUE(reopened.ok());
  uk_.admin = std::move(*reopened);
  for (int round = 0; round < 4; ++round) ASSERT_TRUE(SyncUk().ok());
  EXPECT_EQ(Ids(&uk_).size(), 57u);
  EXPECT_EQ(uk_.admin->GetStats()->versions, 57u);
  EXPECT_EQ(uk_.admin->GetSyncState("us", "pull", "ransomware")->objects, 57u);

  // New objects published later arrive on the next round.
  Publish(&us_, {Indicator(500, kClear)}, "ransomware");
  ASSERT_TRUE(SyncUk().ok());
  EXPECT_EQ(Ids(&uk_).size(), 58u);
}

TEST_F(FederationTest, TheSchedulerRunsEachPartnerAndAnOutageBlocksNobodyElse) {
  Publish(&us_, Campaign(), "ransomware");
  // A second partner whose server is not there.
  policy::PartnerAgreement fr;
  fr.name = "fr";
  fr.identity_id = kFrId;
  fr.max_tlp = stix::Tlp::kGreen;
  fr.types = {"*"};
  fr.url = "https://127.0.0.1:1/api/";
  fr.token_file = token_file_;
  fr.ca_file = certs_.ca_file;
  fr.pull = {policy::PullSource{"intel", "from-fr"}};
  uk_agreements_.partners.insert(uk_agreements_.partners.begin(), fr);
  SetAgreements(&uk_, uk_agreements_);

  options_.open_store = [this]() { return uk_.Open(); };
  options_.min_backoff = std::chrono::milliseconds(50);
  Federation federation(options_);
  federation.Start(std::make_shared<const policy::Agreements>(uk_agreements_));
  EXPECT_EQ(federation.workers(), 2u);
  bool pulled = false;
  for (int i = 0; i < 200 && !pulled; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto state = uk_.admin->GetSyncState("us", "pull", "ransomware");
    pulled = state.ok() && state->objects == 8;
  }
  EXPECT_TRUE(pulled);
  bool failing = false;
  for (int i = 0; i < 200 && !failing; ++i) {
    auto state = uk_.admin->GetSyncState("fr", "pull", "intel");
    failing = state.ok() && state->consecutive_failures >= 2;  // retried with backoff
    if (!failing) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(failing);
  EXPECT_TRUE(Logged("federation with fr: round failed"));
  federation.Stop();
  EXPECT_EQ(federation.workers(), 0u);
}

// A partner's TAXII server that answers every objects request with `answer(n)` (n: how many
// requests so far).
class HostileTest : public FederationTest {
 protected:
  void StartHostile(std::function<net::HttpResponse(int n, const net::HttpRequest&)> answer) {
    net::ServerOptions o;
    o.address = "127.0.0.1";
    o.tls.cert_file = certs_.server_cert_file;
    o.tls.key_file = certs_.server_key_file;
    o.threads = 1;
    auto server = net::HttpsServer::Start(
        o, [this, answer](const net::HttpRequest& r) { return answer(requests_++, r); });
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    hostile_ = std::move(*server);
    uk_agreements_.partners[0].url =
        "https://127.0.0.1:" + std::to_string(hostile_->port()) + "/api/";
    uk_agreements_.partners[0].sightings.send = false;
  }
  void TearDown() override {
    if (hostile_) {
      hostile_->Shutdown(std::chrono::milliseconds(500));
      hostile_->Wait();
    }
    FederationTest::TearDown();
  }

  static net::HttpResponse Envelope(const std::vector<std::string>& objects, bool more,
                                    const std::string& next, const std::string& last) {
    net::HttpResponse r;
    r.headers.emplace_back("Content-Type", std::string(taxii::kTaxiiMediaType));
    if (!last.empty()) r.headers.emplace_back("X-TAXII-Date-Added-Last", last);
    r.body = "{\"more\":" + std::string(more ? "true" : "false");
    if (!next.empty()) r.body += ",\"next\":\"" + next + "\"";
    r.body += ",\"objects\":[";
    for (size_t i = 0; i < objects.size(); ++i) r.body += (i ? "," : "") + objects[i];
    r.body += "]}";
    return r;
  }

  std::atomic<int> requests_{0};
  std::unique_ptr<net::HttpsServer> hostile_;
};

TEST_F(HostileTest, BadObjectsAreRefusedAndLoggedAndTheRestStored) {
  // UK already holds an object of its own that the partner will try to amend.
  Record(&uk_, {Indicator(90, kClear, "")});
  const std::string custom_marking = "marking-definition--1d2e3f40-5162-4738-a94a-5b6c7d8e9fa0";
  StartHostile([&](int, const net::HttpRequest&) {
    std::string amended = Indicator(90, kClear, kUsId);
    amended.replace(amended.find("2026-11-01T00:00:00.000Z\",\"created_by"), 24,
                    "2026-11-02T00:00:00.000Z");
    return Envelope(
        {
            Indicator(1, kClear),                       // fine
            R"({"type":"indicator","id":"nonsense"})",  // malformed
            Indicator(2, kClear, kFrId),                // claims to be France's
            Identity(kUkId, "Not really UK"),           // impersonates this node
            Indicator(3, custom_marking),               // a marking it may not set
            amended,                                    // a new version of UK's own object
            "[1,2,3]",                                  // not an object at all
        },
        false, "", "2026-11-22T00:00:00.000001Z");
  });
  Status synced = SyncUk();
  ASSERT_TRUE(synced.ok()) << synced.ToString();
  const std::set<std::string> ids = Ids(&uk_);
  EXPECT_EQ(ids, (std::set<std::string>{"indicator--" + Uuid(1), "indicator--" + Uuid(90)}));
  EXPECT_EQ(uk_.admin->GetStats()->versions, 2u);  // UK's own object was not amended
  auto state = uk_.admin->GetSyncState("us", "pull", "ransomware");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->objects, 1u);
  EXPECT_EQ(state->rejected, 6u);
  EXPECT_TRUE(Logged("may only send objects it created"));
  EXPECT_TRUE(Logged("this node's own identity"));
  EXPECT_TRUE(Logged("accepted_markings"));
  EXPECT_TRUE(Logged("may not send versions of it"));
}

TEST_F(HostileTest, TheSameNextTwiceEndsThePull) {
  StartHostile([](int n, const net::HttpRequest&) {
    return Envelope({Indicator(200 + n, kClear)}, true, "again", "");
  });
  Status synced = SyncUk();
  EXPECT_EQ(synced.code(), StatusCode::kInvalidArgument) << synced.ToString();
  EXPECT_NE(synced.message().find("same next"), std::string::npos);
  EXPECT_EQ(requests_.load(), 2);
  // What came before the loop was detected is kept (each page is whole), and the failure shows.
  EXPECT_EQ(Ids(&uk_).size(), 2u);
  EXPECT_EQ(uk_.admin->GetSyncState("us", "pull", "ransomware")->consecutive_failures, 1u);
}

TEST_F(HostileTest, PagingForeverIsCutAtTheLimit) {
  StartHostile([](int n, const net::HttpRequest&) {
    return Envelope({Indicator(300 + n, kClear)}, true, "n" + std::to_string(n), "");
  });
  options_.limits.max_pages = 25;
  Status synced = SyncUk();
  EXPECT_TRUE(synced.ok()) << synced.ToString();
  EXPECT_EQ(requests_.load(), 25);
  EXPECT_EQ(Ids(&uk_).size(), 25u);
}

TEST_F(HostileTest, MoreWithoutAWayForwardEndsThePull) {
  StartHostile([](int, const net::HttpRequest&) {
    return Envelope({Indicator(400, kClear)}, true, "", "2026-11-22T00:00:00Z");
  });
  Status synced = SyncUk();
  EXPECT_EQ(synced.code(), StatusCode::kInvalidArgument) << synced.ToString();
  EXPECT_LE(requests_.load(), 2);
}

TEST_F(HostileTest, ANonsenseCursorIsAnError) {
  StartHostile([](int, const net::HttpRequest&) {
    return Envelope({Indicator(401, kClear)}, false, "", "yesterday");
  });
  Status synced = SyncUk();
  EXPECT_EQ(synced.code(), StatusCode::kInvalidArgument) << synced.ToString();
  EXPECT_NE(synced.message().find("not a timestamp"), std::string::npos);
}

TEST_F(FederationTest, ApplyAgreementsIsIdempotentAndTakesRightsAway) {
  auto again = ApplyAgreements(*us_.admin, us_agreements_);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty()) << (*again)[0];
  const std::string ransomware = us_.admin->FindCollection("ransomware")->id;
  EXPECT_TRUE(us_.admin->RightsOf("uk", ransomware)->read);
  policy::Agreements none = us_agreements_;
  none.partners.clear();
  auto removed = ApplyAgreements(*us_.admin, none);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed->size(), 2u);
  EXPECT_FALSE(us_.admin->RightsOf("uk", ransomware)->read);
  EXPECT_TRUE(us_.admin->FindPartner("uk").ok());  // the record stays
}

}  // namespace
}  // namespace concord::federation
