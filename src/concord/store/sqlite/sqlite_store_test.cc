#include "concord/store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "concord/base/clock.h"
#include "concord/base/hash.h"
#include "concord/base/uuid.h"

namespace concord::store {
namespace {

constexpr int64_t kStartMicros = 1'700'000'000'000'000;  // 2023-11-14

const char kTlpGreen[] = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
const char kTlpRed[] = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
const char kCustomMarking[] = "marking-definition--11111111-2222-4333-8444-555555555555";

// "indicator--00000000-0000-4000-8000-000000000042" for Id("indicator", 42).
std::string Id(const std::string& type, int n) {
  char tail[16];
  std::snprintf(tail, sizeof(tail), "%012d", n);
  return type + "--00000000-0000-4000-8000-" + tail;
}

// The version key of 2016-05-12 at `second` seconds past midnight.
std::string V(int second) {
  char key[40];
  std::snprintf(key, sizeof(key), "2016-05-12T%02d:%02d:%02d.000000000", second / 3600,
                second / 60 % 60, second % 60);
  return key;
}

// A stix::Object as the validator would hand it over, built by hand.
stix::Object Make(const std::string& id, const std::string& version, const std::string& name = "a",
                  bool revoked = false) {
  stix::Object o;
  o.id = id;
  o.type = id.substr(0, id.find("--"));
  o.kind = version.empty() ? stix::ObjectKind::kSco : stix::ObjectKind::kSdo;
  o.spec_version = "2.1";
  o.version = version;
  o.revoked = revoked;
  o.json = "{\"type\":\"" + o.type + "\",\"spec_version\":\"2.1\",\"id\":\"" + id + "\"";
  if (!version.empty()) o.json += ",\"modified\":\"" + version + "Z\"";
  if (revoked) o.json += ",\"revoked\":true";
  o.json += ",\"name\":\"" + name + "\"}";
  o.content_digest = Sha256(o.json);
  return o;
}

std::vector<std::string> Versions(const Page& page) {
  std::vector<std::string> out;
  for (const StoredObject& o : page.objects) out.push_back(o.version);
  return out;
}

std::vector<std::string> Ids(const Page& page) {
  std::vector<std::string> out;
  for (const StoredObject& o : page.objects) out.push_back(o.id);
  return out;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "concord_store_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/store.db";
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<SqliteStore> OpenStore(Clock* clock = nullptr, SqliteOptions options = {}) {
    auto store = SqliteStore::Open(path_, clock != nullptr ? clock : &clock_, options);
    if (!store.ok()) {
      ADD_FAILURE() << store.status().ToString();
      return nullptr;
    }
    return std::move(store).value();
  }

  // Opens store_ (once).
  SqliteStore& S() {
    if (store_ == nullptr) store_ = OpenStore();
    return *store_;
  }

  // Puts `objects` in one committed transaction; returns the outcomes.
  std::vector<PutOutcome> PutAll(const std::vector<stix::Object>& objects,
                                 Provenance source = {"file", "test.json"},
                                 std::vector<std::string> collections = {}) {
    std::vector<PutOutcome> outcomes;
    auto txn = S().BeginWrite(source, collections);
    if (!txn.ok()) {
      ADD_FAILURE() << txn.status().ToString();
      return outcomes;
    }
    for (const stix::Object& o : objects) {
      auto outcome = (*txn)->Put(o);
      if (!outcome.ok()) {
        ADD_FAILURE() << o.id << ": " << outcome.status().ToString();
        continue;
      }
      outcomes.push_back(*outcome);
    }
    Status status = (*txn)->Commit();
    EXPECT_TRUE(status.ok()) << status.ToString();
    return outcomes;
  }

  Page FindOk(const Query& query, size_t limit = 1000, std::string_view cursor = "") {
    auto page = S().Find(query, limit, cursor);
    if (!page.ok()) {
      ADD_FAILURE() << page.status().ToString();
      return Page();
    }
    return std::move(page).value();
  }

  Query ById(const std::string& id, std::vector<VersionFilter> versions = {}) {
    Query q;
    q.ids = {id};
    q.versions = std::move(versions);
    return q;
  }

  ManualClock clock_{Timestamp::FromMicros(kStartMicros)};
  std::string dir_;
  std::string path_;
  std::unique_ptr<SqliteStore> store_;
};

VersionFilter First() { return {VersionFilter::Kind::kFirst, ""}; }
VersionFilter Last() { return {VersionFilter::Kind::kLast, ""}; }
VersionFilter At(std::string key) { return {VersionFilter::Kind::kAt, std::move(key)}; }

TEST_F(SqliteStoreTest, AddDuplicateConflict) {
  const std::string id = Id("indicator", 1);
  auto txn = S().BeginWrite({"file", "a.json"});
  ASSERT_TRUE(txn.ok()) << txn.status().ToString();
  auto added = (*txn)->Put(Make(id, V(1)));
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, PutOutcome::kAdded);
  auto duplicate = (*txn)->Put(Make(id, V(1)));
  ASSERT_TRUE(duplicate.ok()) << duplicate.status().ToString();
  EXPECT_EQ(*duplicate, PutOutcome::kDuplicate);
  auto conflict = (*txn)->Put(Make(id, V(1), "changed"));
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.status().code(), StatusCode::kConflict);
  EXPECT_NE(conflict.status().message().find(id), std::string::npos);
  EXPECT_NE(conflict.status().message().find("2016-05-12T00:00:01.000Z"), std::string::npos)
      << conflict.status().message();
  EXPECT_NE(conflict.status().message().find("modified"), std::string::npos);
  ASSERT_TRUE((*txn)->Commit().ok());

  Page page = FindOk(Query());
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].id, id);
  EXPECT_EQ(page.objects[0].type, "indicator");
  EXPECT_EQ(page.objects[0].version, V(1));
  EXPECT_EQ(page.objects[0].json, Make(id, V(1)).json);
  EXPECT_EQ(page.objects[0].date_added_us, kStartMicros);
  EXPECT_FALSE(page.more);

  // A duplicate in a later transaction is still a duplicate.
  EXPECT_EQ(PutAll({Make(id, V(1))}), std::vector<PutOutcome>{PutOutcome::kDuplicate});
}

TEST_F(SqliteStoreTest, UnversionedObjects) {
  const std::string id = Id("ipv4-addr", 7);
  EXPECT_EQ(PutAll({Make(id, ""), Make(id, "")}),
            (std::vector<PutOutcome>{PutOutcome::kAdded, PutOutcome::kDuplicate}));
  auto txn = S().BeginWrite({"file", "b.json"});
  ASSERT_TRUE(txn.ok());
  auto conflict = (*txn)->Put(Make(id, "", "other"));
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.status().code(), StatusCode::kConflict);
  EXPECT_NE(conflict.status().message().find("unversioned"), std::string::npos);
  Page page = FindOk(ById(id, {Last()}));
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].version, "");
}

TEST_F(SqliteStoreTest, VersionsFirstLastAllAt) {
  const std::string x = Id("malware", 1);
  const std::string y = Id("malware", 2);
  // Versions arrive out of order: date_added order is v2, v1, v3.
  PutAll({Make(x, V(2)), Make(x, V(1)), Make(y, V(5)), Make(x, V(3))});

  EXPECT_EQ(Versions(FindOk(ById(x))), (std::vector<std::string>{V(2), V(1), V(3)}));
  EXPECT_EQ(Versions(FindOk(ById(x, {First()}))), std::vector<std::string>{V(1)});
  EXPECT_EQ(Versions(FindOk(ById(x, {Last()}))), std::vector<std::string>{V(3)});
  EXPECT_EQ(Versions(FindOk(ById(x, {At(V(2))}))), std::vector<std::string>{V(2)});
  EXPECT_TRUE(FindOk(ById(x, {At(V(4))})).objects.empty());
  // A union, in date_added order.
  EXPECT_EQ(Versions(FindOk(ById(x, {Last(), First()}))), (std::vector<std::string>{V(1), V(3)}));
  EXPECT_EQ(Versions(FindOk(ById(x, {At(V(2)), At(V(3))}))),
            (std::vector<std::string>{V(2), V(3)}));
  EXPECT_EQ(Versions(FindOk(ById(x, {First(), VersionFilter{}}))).size(), 3u);

  Query last;
  last.versions = {Last()};
  EXPECT_EQ(Ids(FindOk(last)), (std::vector<std::string>{y, x}));

  // First and last are over every stored version, not only those the other filters keep: once
  // v1 is excluded by added_after, x has no first version to return.
  Page all = FindOk(ById(x));
  Query after_first = ById(x, {First()});
  after_first.added_after = Timestamp::FromMicros(all.objects[1].date_added_us);
  EXPECT_TRUE(FindOk(after_first).objects.empty());
  after_first.versions = {Last()};
  EXPECT_EQ(Versions(FindOk(after_first)), std::vector<std::string>{V(3)});

  Query both;
  both.ids = {x, y};
  both.versions = {First()};
  EXPECT_EQ(Versions(FindOk(both)), (std::vector<std::string>{V(1), V(5)}));
}

TEST_F(SqliteStoreTest, DateAddedStrictlyIncreasing) {
  std::vector<stix::Object> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(Make(Id("indicator", i), V(1)));
  PutAll(batch);                                                // the clock stands still
  clock_.Set(Timestamp::FromMicros(kStartMicros - 1'000'000));  // and goes backwards
  PutAll({Make(Id("indicator", 10), V(1))});
  clock_.Set(Timestamp::FromMicros(kStartMicros + 1'000'000));  // and jumps ahead
  PutAll({Make(Id("indicator", 11), V(1))});

  Page page = FindOk(Query());
  ASSERT_EQ(page.objects.size(), 7u);
  EXPECT_EQ(page.objects[0].date_added_us, kStartMicros);
  for (size_t i = 1; i < 6; ++i) {
    EXPECT_EQ(page.objects[i].date_added_us, kStartMicros + static_cast<int64_t>(i));
  }
  EXPECT_EQ(page.objects[6].date_added_us, kStartMicros + 1'000'000);

  // Across a reopen, with a clock far behind.
  store_.reset();
  ManualClock behind(Timestamp::FromMicros(0));
  store_ = OpenStore(&behind);
  ASSERT_NE(store_, nullptr);
  PutAll({Make(Id("indicator", 12), V(1))});
  page = FindOk(Query());
  ASSERT_EQ(page.objects.size(), 8u);
  EXPECT_EQ(page.objects[7].date_added_us, kStartMicros + 1'000'001);
}

TEST_F(SqliteStoreTest, TwoConnectionsKeepDateAddedIncreasing) {
  ManualClock behind(Timestamp::FromMicros(kStartMicros - 5'000'000));
  std::unique_ptr<SqliteStore> other = OpenStore(&behind, SqliteOptions{1024, 100});
  ASSERT_NE(other, nullptr);
  PutAll({Make(Id("indicator", 1), V(1))});
  {
    auto txn = other->BeginWrite({"file", "other.json"});
    ASSERT_TRUE(txn.ok()) << txn.status().ToString();
    ASSERT_TRUE((*txn)->Put(Make(Id("indicator", 2), V(1))).ok());

    // The first store cannot write while the other holds the write lock.
    ManualClock clock(Timestamp::FromMicros(kStartMicros));
    std::unique_ptr<SqliteStore> third = OpenStore(&clock, SqliteOptions{1024, 50});
    ASSERT_NE(third, nullptr);
    auto blocked = third->BeginWrite({"file", "third.json"});
    ASSERT_FALSE(blocked.ok());
    EXPECT_EQ(blocked.status().code(), StatusCode::kUnavailable);
    EXPECT_NE(blocked.status().message().find(path_), std::string::npos);

    ASSERT_TRUE((*txn)->Commit().ok());
  }
  Page page = FindOk(Query());
  ASSERT_EQ(page.objects.size(), 2u);
  EXPECT_EQ(page.objects[1].id, Id("indicator", 2));
  EXPECT_EQ(page.objects[1].date_added_us, page.objects[0].date_added_us + 1);
}

TEST_F(SqliteStoreTest, RollbackOnDestructionLeavesNoTrace) {
  ASSERT_TRUE(S().CreateCollection({"", "c", "C", ""}).ok());
  Collection c = *S().FindCollection("c");
  {
    auto txn = S().BeginWrite({"file", "lost.json"}, {c.id});
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->Put(Make(Id("indicator", 1), V(1))).ok());
    // A second transaction cannot start while this one is open.
    auto second = S().BeginWrite({"file", "x"});
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  }
  EXPECT_TRUE(FindOk(Query()).objects.empty());
  auto stats = S().GetStats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->versions, 0u);
  EXPECT_TRUE(stats->by_source.empty());
  EXPECT_FALSE(stats->last_added.has_value());

  // The store is usable afterwards.
  EXPECT_EQ(PutAll({Make(Id("indicator", 1), V(1))}), std::vector<PutOutcome>{PutOutcome::kAdded});
}

TEST_F(SqliteStoreTest, PutErrorDoesNotSpoilTheTransaction) {
  const std::string a = Id("indicator", 1);
  PutAll({Make(a, V(1), "original")});
  auto txn = S().BeginWrite({"file", "b.json"});
  ASSERT_TRUE(txn.ok());
  stix::Object marked = Make(a, V(1), "changed");
  marked.object_marking_refs = {kTlpRed};
  EXPECT_EQ((*txn)->Put(marked).status().code(), StatusCode::kConflict);
  auto b = (*txn)->Put(Make(Id("indicator", 2), V(1)));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_TRUE((*txn)->Commit().ok());
  // Commit ends the transaction.
  EXPECT_FALSE((*txn)->Put(Make(Id("indicator", 3), V(1))).ok());
  EXPECT_FALSE((*txn)->Commit().ok());

  Page page = FindOk(Query());
  ASSERT_EQ(page.objects.size(), 2u);
  EXPECT_EQ(page.objects[0].json, Make(a, V(1), "original").json);
  Query red;
  red.marking = kTlpRed;
  EXPECT_TRUE(FindOk(red).objects.empty());
  auto stats = S().GetStats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->by_source["file:b.json"], 1u);
}

TEST_F(SqliteStoreTest, PagingVisitsEveryObjectOnceWhileWritesContinue) {
  std::vector<stix::Object> batch;
  for (int i = 0; i < 2500; ++i) batch.push_back(Make(Id("indicator", i), V(1)));
  PutAll(batch);

  std::multiset<std::string> seen;
  std::string cursor;
  int64_t last_added = std::numeric_limits<int64_t>::min();
  int pages = 0;
  int extra = 0;
  for (;;) {
    auto page = S().Find(Query(), 100, cursor);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ++pages;
    for (const StoredObject& o : page->objects) {
      EXPECT_GT(o.date_added_us, last_added);
      last_added = o.date_added_us;
      seen.insert(o.id);
    }
    ASSERT_FALSE(page->next_cursor.empty());
    cursor = page->next_cursor;
    if (!page->more) break;
    // New objects arrive between pages; they belong at the end.
    if (extra < 10) PutAll({Make(Id("report", extra++), V(1))});
  }
  EXPECT_EQ(seen.size(), 2510u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 2510u);
  EXPECT_EQ(pages, 26);

  // Polling from the last cursor finds nothing, then what is added next.
  Page none = FindOk(Query(), 100, cursor);
  EXPECT_TRUE(none.objects.empty());
  EXPECT_EQ(none.next_cursor, cursor);
  PutAll({Make(Id("report", 99), V(1))});
  Page next = FindOk(Query(), 100, none.next_cursor);
  EXPECT_EQ(Ids(next), std::vector<std::string>{Id("report", 99)});
}

TEST_F(SqliteStoreTest, AddedAfter) {
  PutAll({Make(Id("indicator", 1), V(1))});
  clock_.AdvanceMicros(1000);
  PutAll({Make(Id("indicator", 2), V(1))});
  clock_.AdvanceMicros(1000);
  PutAll({Make(Id("indicator", 3), V(1))});

  Query q;
  q.added_after = Timestamp::FromMicros(kStartMicros + 1000);  // strictly after
  EXPECT_EQ(Ids(FindOk(q)), std::vector<std::string>{Id("indicator", 3)});
  q.added_after = Timestamp{kStartMicros / 1'000'000, 500};  // 0.5 µs after the first
  EXPECT_EQ(FindOk(q).objects.size(), 2u);
  q.added_after = Timestamp::FromMicros(kStartMicros - 1);
  EXPECT_EQ(FindOk(q).objects.size(), 3u);
  // With a cursor, the later of the two bounds applies.
  Page first = FindOk(Query(), 1);
  q.added_after = Timestamp::FromMicros(0);
  EXPECT_EQ(FindOk(q, 10, first.next_cursor).objects.size(), 2u);
}

TEST_F(SqliteStoreTest, TypeMarkingAndCollectionFilters) {
  auto hot = S().CreateCollection({"", "hot", "Hot", "things on fire"});
  ASSERT_TRUE(hot.ok()) << hot.status().ToString();
  auto cold = S().CreateCollection({"", "cold", "Cold", ""});
  ASSERT_TRUE(cold.ok());

  stix::Object green = Make(Id("indicator", 1), V(1));
  green.object_marking_refs = {kTlpGreen};
  green.tlp = stix::Tlp::kGreen;
  stix::Object granular = Make(Id("malware", 2), V(1));
  granular.granular_marking_refs = {kTlpRed, kCustomMarking};
  granular.tlp_including_granular = stix::Tlp::kRed;
  stix::Object both = Make(Id("report", 3), V(1));
  both.object_marking_refs = {kCustomMarking, kCustomMarking};  // listed twice
  both.granular_marking_refs = {kCustomMarking};
  PutAll({green, granular}, {"file", "a.json"}, {hot->id});
  PutAll({both, Make(Id("indicator", 4), V(1))}, {"file", "b.json"}, {cold->id});

  Query types;
  types.types = {"indicator"};
  EXPECT_EQ(Ids(FindOk(types)), (std::vector<std::string>{Id("indicator", 1), Id("indicator", 4)}));
  types.types = {"report", "malware"};
  EXPECT_EQ(Ids(FindOk(types)), (std::vector<std::string>{Id("malware", 2), Id("report", 3)}));

  Query marking;
  marking.marking = kCustomMarking;
  EXPECT_EQ(Ids(FindOk(marking)), (std::vector<std::string>{Id("malware", 2), Id("report", 3)}));
  marking.marking = kTlpGreen;
  Page green_page = FindOk(marking);
  ASSERT_EQ(Ids(green_page), std::vector<std::string>{Id("indicator", 1)});
  EXPECT_EQ(green_page.objects[0].tlp, stix::Tlp::kGreen);

  Query in_hot;
  in_hot.collection = hot->id;
  EXPECT_EQ(Ids(FindOk(in_hot)), (std::vector<std::string>{Id("indicator", 1), Id("malware", 2)}));
  in_hot.marking = kTlpRed;
  EXPECT_EQ(Ids(FindOk(in_hot)), std::vector<std::string>{Id("malware", 2)});
  in_hot.marking.clear();
  in_hot.types = {"indicator"};
  EXPECT_EQ(Ids(FindOk(in_hot)), std::vector<std::string>{Id("indicator", 1)});

  // A duplicate delivered for another collection joins it.
  EXPECT_EQ(PutAll({green}, {"file", "c.json"}, {cold->id}),
            std::vector<PutOutcome>{PutOutcome::kDuplicate});
  Query in_cold;
  in_cold.collection = cold->id;
  EXPECT_EQ(Ids(FindOk(in_cold)),
            (std::vector<std::string>{Id("indicator", 1), Id("report", 3), Id("indicator", 4)}));

  Query missing;
  missing.collection = "00000000-0000-4000-8000-000000000000";
  auto not_found = S().Find(missing, 10);
  ASSERT_FALSE(not_found.ok());
  EXPECT_EQ(not_found.status().code(), StatusCode::kNotFound);

  Query nothing;
  nothing.ids = {Id("indicator", 99)};
  EXPECT_TRUE(FindOk(nothing).objects.empty());
}

TEST_F(SqliteStoreTest, IncludeRevoked) {
  const std::string x = Id("campaign", 1);
  const std::string y = Id("campaign", 2);
  PutAll({Make(x, V(1)), Make(y, V(1)), Make(x, V(2), "a", /*revoked=*/true)});
  Query q;
  EXPECT_EQ(FindOk(q).objects.size(), 3u);
  q.include_revoked = false;
  EXPECT_EQ(Ids(FindOk(q)), std::vector<std::string>{y});
  q.versions = {First()};
  EXPECT_EQ(Ids(FindOk(q)), std::vector<std::string>{y});

  int scanned = 0;
  ASSERT_TRUE(S().Scan(q,
                       [&](const StoredObject&) {
                         ++scanned;
                         return Status::Ok();
                       })
                  .ok());
  EXPECT_EQ(scanned, 1);
}

TEST_F(SqliteStoreTest, RevokedObjectsGetNoNewVersions) {
  const std::string x = Id("campaign", 1);
  PutAll({Make(x, V(2), "a", /*revoked=*/true)});
  auto txn = S().BeginWrite({"file", "later.json"});
  ASSERT_TRUE(txn.ok());
  auto refused = (*txn)->Put(Make(x, V(3)));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find(x), std::string::npos);
  EXPECT_NE(refused.status().message().find("revoked at version 2016-05-12T00:00:02.000Z"),
            std::string::npos)
      << refused.status().message();
  // Also a later version that is itself revoked.
  EXPECT_FALSE((*txn)->Put(Make(x, V(4), "a", true)).ok());
  // An earlier version may still arrive, and the revoked one again.
  auto earlier = (*txn)->Put(Make(x, V(1)));
  ASSERT_TRUE(earlier.ok()) << earlier.status().ToString();
  EXPECT_EQ(*earlier, PutOutcome::kAdded);
  auto again = (*txn)->Put(Make(x, V(2), "a", true));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, PutOutcome::kDuplicate);
  ASSERT_TRUE((*txn)->Commit().ok());
  EXPECT_EQ(Versions(FindOk(ById(x))), (std::vector<std::string>{V(2), V(1)}));
}

TEST_F(SqliteStoreTest, ProvenanceFromTwoSources) {
  const std::string a = Id("indicator", 1);
  PutAll({Make(a, V(1))}, {"file", "/feeds/one.json"});
  PutAll({Make(a, V(1)), Make(Id("indicator", 2), V(1))}, {"partner", "identity--abc"});
  auto stats = S().GetStats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->by_source, (std::map<std::string, uint64_t>{{"file:/feeds/one.json", 1},
                                                               {"partner:identity--abc", 2}}));
  EXPECT_EQ(stats->versions, 2u);
}

TEST_F(SqliteStoreTest, Stats) {
  auto empty = S().GetStats();
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->schema_version, SqliteStore::CurrentSchemaVersion());
  EXPECT_EQ(empty->objects, 0u);
  EXPECT_FALSE(empty->first_added.has_value());

  ASSERT_TRUE(S().CreateCollection({"", "one", "One", ""}).ok());
  stix::Object red = Make(Id("indicator", 1), V(2));
  red.tlp = stix::Tlp::kRed;
  stix::Object old_green = Make(Id("indicator", 1), V(1));
  old_green.tlp = stix::Tlp::kGreen;
  stix::Object amber = Make(Id("malware", 2), V(1));
  amber.tlp = stix::Tlp::kAmberStrict;
  PutAll({red, old_green, amber, Make(Id("malware", 3), V(1), "x", true), Make(Id("file", 4), "")});
  clock_.AdvanceMicros(5);

  auto stats = S().GetStats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->objects, 4u);
  EXPECT_EQ(stats->versions, 5u);
  EXPECT_EQ(stats->revoked, 1u);
  EXPECT_EQ(stats->by_type,
            (std::map<std::string, uint64_t>{{"file", 1}, {"indicator", 1}, {"malware", 2}}));
  EXPECT_EQ(stats->by_tlp,
            (std::map<std::string, uint64_t>{{"amber+strict", 1}, {"none", 2}, {"red", 1}}));
  EXPECT_EQ(stats->by_source, (std::map<std::string, uint64_t>{{"file:test.json", 5}}));
  EXPECT_EQ(stats->collections, 1u);
  ASSERT_TRUE(stats->first_added.has_value());
  EXPECT_EQ(stats->first_added->ToMicros(), kStartMicros);
  EXPECT_EQ(stats->last_added->ToMicros(), kStartMicros + 4);
  EXPECT_GT(stats->bytes_on_disk, 0u);
}

TEST_F(SqliteStoreTest, MalformedCursorAndLimit) {
  PutAll({Make(Id("indicator", 1), V(1))});
  for (const char* cursor : {"x", "c1.", "c1.abc", "c1.12x", "c1.007", "c1.+7", "c2.5", " c1.5",
                             "c1.99999999999999999999"}) {
    auto page = S().Find(Query(), 10, cursor);
    ASSERT_FALSE(page.ok()) << cursor;
    EXPECT_EQ(page.status().code(), StatusCode::kInvalidArgument) << cursor;
  }
  // A hostile cursor is not echoed as it came: no control bytes or quotes reach the message.
  auto hostile = S().Find(Query(), 10, "c1.\n\x1b[31m\"x");
  ASSERT_FALSE(hostile.ok());
  EXPECT_NE(hostile.status().message().find(R"("c1.\x0a\x1b[31m\"x")"), std::string::npos)
      << hostile.status().message();
  EXPECT_EQ(S().Find(Query(), 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(S().Find(Query(), 10001).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(S().Find(Query(), 10000).ok());
  Page page = FindOk(Query(), 1);
  EXPECT_EQ(page.next_cursor, "c1." + std::to_string(kStartMicros));
}

TEST_F(SqliteStoreTest, ReopenAndReadBack) {
  auto c = S().CreateCollection({"", "intel", "Intel", "shared intel"});
  ASSERT_TRUE(c.ok());
  stix::Object o = Make(Id("indicator", 1), V(1), "persisted");
  o.tlp = stix::Tlp::kAmber;
  PutAll({o}, {"stdin", ""}, {c->id});
  store_.reset();
  EXPECT_TRUE(std::filesystem::exists(path_));

  Query q;
  q.collection = c->id;
  Page page = FindOk(q);
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].json, o.json);
  EXPECT_EQ(page.objects[0].tlp, stix::Tlp::kAmber);
  EXPECT_EQ(page.objects[0].date_added_us, kStartMicros);
  auto found = S().FindCollection("intel");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, c->id);
  EXPECT_EQ(found->description, "shared intel");
  auto stats = S().GetStats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->by_source, (std::map<std::string, uint64_t>{{"stdin:", 1}}));
}

TEST_F(SqliteStoreTest, Collections) {
  auto a = S().CreateCollection({"", "ransomware", "Ransomware", "crews and tools"});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto uuid = ParseUuid(a->id);
  ASSERT_TRUE(uuid.ok()) << a->id;
  EXPECT_EQ(uuid->version(), 4);
  const std::string fixed = "6ba7b810-9dad-41d1-80b4-00c04fd430c8";
  auto b = S().CreateCollection({fixed, "", "No alias", ""});
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->id, fixed);

  EXPECT_EQ(S().CreateCollection({"", "ransomware", "again", ""}).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(S().CreateCollection({fixed, "other", "again", ""}).status().code(),
            StatusCode::kAlreadyExists);
  // An alias may not be another collection's id, nor an id another's alias.
  EXPECT_EQ(S().CreateCollection({"", fixed, "again", ""}).status().code(),
            StatusCode::kAlreadyExists);
  ASSERT_TRUE(S().CreateCollection({"", "6ba7b810-9dad-41d1-80b4-00c04fd43000", "", ""}).ok());
  auto taken = S().CreateCollection({"6ba7b810-9dad-41d1-80b4-00c04fd43000", "y", "", ""});
  EXPECT_EQ(taken.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(S().CreateCollection({"not-a-uuid", "x", "", ""}).status().code(),
            StatusCode::kInvalidArgument);

  auto by_alias = S().FindCollection("ransomware");
  ASSERT_TRUE(by_alias.ok());
  EXPECT_EQ(by_alias->id, a->id);
  EXPECT_EQ(by_alias->title, "Ransomware");
  auto by_id = S().FindCollection(fixed);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->alias, "");
  EXPECT_EQ(S().FindCollection("nope").status().code(), StatusCode::kNotFound);

  auto list = S().ListCollections();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].alias, "ransomware");
  EXPECT_EQ((*list)[1].id, fixed);

  const std::string missing = "00000000-0000-4000-8000-00000000dead";
  auto txn = S().BeginWrite({"file", "x"}, {a->id, missing});
  ASSERT_FALSE(txn.ok());
  EXPECT_EQ(txn.status().code(), StatusCode::kNotFound);
  EXPECT_NE(txn.status().message().find(missing), std::string::npos);
  // The refused BeginWrite left nothing open.
  EXPECT_TRUE(S().BeginWrite({"file", "x"}, {a->id}).ok());
}

TEST_F(SqliteStoreTest, StoreClosedBeforeTransaction) {
  auto txn = S().BeginWrite({"file", "x"});
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE((*txn)->Put(Make(Id("indicator", 1), V(1))).ok());
  store_.reset();  // rolls the transaction back
  EXPECT_EQ((*txn)->Put(Make(Id("indicator", 2), V(1))).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ((*txn)->Commit().code(), StatusCode::kFailedPrecondition);
  txn->reset();
  EXPECT_TRUE(FindOk(Query()).objects.empty());
}

TEST_F(SqliteStoreTest, ScanStreamsInOrderAndStops) {
  std::vector<stix::Object> batch;
  for (int i = 0; i < 50; ++i) batch.push_back(Make(Id("indicator", i), V(1)));
  PutAll(batch);
  std::vector<std::string> ids;
  ASSERT_TRUE(S().Scan(Query(),
                       [&](const StoredObject& o) {
                         ids.push_back(o.id);
                         // The store may be read from inside the callback.
                         EXPECT_TRUE(S().Find(ById(o.id), 1).ok());
                         return Status::Ok();
                       })
                  .ok());
  ASSERT_EQ(ids.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(ids[i], Id("indicator", i));

  int calls = 0;
  Status stopped = S().Scan(Query(), [&](const StoredObject&) {
    return ++calls == 3 ? Status(StatusCode::kInternal, "enough") : Status::Ok();
  });
  EXPECT_EQ(stopped.message(), "enough");
  EXPECT_EQ(calls, 3);
}

TEST_F(SqliteStoreTest, NewerSchemaIsRefused) {
  ASSERT_NE(OpenStore(), nullptr);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  std::string sql =
      "PRAGMA user_version = " + std::to_string(SqliteStore::CurrentSchemaVersion() + 1);
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);

  auto store = SqliteStore::Open(path_, &clock_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("newer Concord"), std::string::npos);
  EXPECT_NE(store.status().message().find(path_), std::string::npos);
}

TEST_F(SqliteStoreTest, NotADatabase) {
  {
    std::ofstream out(path_);
    for (int i = 0; i < 100; ++i) out << "{\"type\":\"bundle\",\"objects\":[]}\n";
  }
  auto store = SqliteStore::Open(path_, &clock_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption) << store.status().ToString();
  EXPECT_NE(store.status().message().find(path_), std::string::npos);

  // Another application's SQLite database.
  const std::string foreign = dir_ + "/foreign.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(foreign.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto other = SqliteStore::Open(foreign, &clock_);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(other.status().message().find("not a Concord store"), std::string::npos);

  auto nowhere = SqliteStore::Open(dir_ + "/missing/dir/store.db", &clock_);
  ASSERT_FALSE(nowhere.ok());
  EXPECT_EQ(nowhere.status().code(), StatusCode::kIoError) << nowhere.status().ToString();
  EXPECT_NE(nowhere.status().message().find("missing/dir/store.db"), std::string::npos);
}

TEST_F(SqliteStoreTest, SchemaFileFormat) {
  ASSERT_NE(OpenStore(), nullptr);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  auto pragma = [&](const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), SQLITE_OK);
    EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    std::string value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return value;
  };
  EXPECT_EQ(pragma("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(pragma("PRAGMA user_version"), std::to_string(SqliteStore::CurrentSchemaVersion()));
  EXPECT_EQ(pragma("PRAGMA application_id"), std::to_string(0x436f6e63));
  sqlite3_close(db);
}

// ---------------------------------------------------------------------------------------------
// Schema version 2: API roots, partners, credentials, grants, statuses, removal.

const char kCertA[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const char kCertB[] = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
const char kStatus1[] = "6ba7b810-9dad-41d1-80b4-00c04fd430c8";
const char kStatus2[] = "6ba7b811-9dad-41d1-80b4-00c04fd430c8";
const char kStatus3[] = "6ba7b812-9dad-41d1-80b4-00c04fd430c8";

ApiRoot Root(std::string name, std::string title = "T", std::string description = "") {
  ApiRoot root;
  root.name = std::move(name);
  root.title = std::move(title);
  root.description = std::move(description);
  return root;
}

Collection Coll(std::string alias, std::string api_root = std::string(kDefaultApiRoot)) {
  Collection c;
  c.alias = alias;
  c.title = alias;
  c.api_root = std::move(api_root);
  return c;
}

Partner MakePartner(std::string name, std::string cert = "", std::string identity = "") {
  Partner p;
  p.name = std::move(name);
  p.cert_sha256 = std::move(cert);
  p.identity_id = std::move(identity);
  return p;
}

Credential MakeCredential(std::string token_id, std::string partner, int64_t created_us = 1) {
  Credential c;
  c.token_id = std::move(token_id);
  c.partner = std::move(partner);
  c.hash = "$argon2id$v=19$m=65536,t=2,p=1$" + c.token_id;
  c.created_us = created_us;
  return c;
}

Grant MakeGrant(std::string partner, std::string collection_id, bool read, bool write) {
  Grant g;
  g.partner = std::move(partner);
  g.collection_id = std::move(collection_id);
  g.rights.read = read;
  g.rights.write = write;
  return g;
}

PostStatus MakeStatus(std::string id, std::string partner, int64_t request_us, std::string json) {
  PostStatus s;
  s.id = std::move(id);
  s.partner = std::move(partner);
  s.request_us = request_us;
  s.json = std::move(json);
  return s;
}

std::vector<std::string> Names(const std::vector<ApiRoot>& roots) {
  std::vector<std::string> out;
  for (const ApiRoot& r : roots) out.push_back(r.name);
  return out;
}

std::vector<std::string> Names(const std::vector<Partner>& partners) {
  std::vector<std::string> out;
  for (const Partner& p : partners) out.push_back(p.name);
  return out;
}

std::vector<std::string> Tokens(const std::vector<Credential>& credentials) {
  std::vector<std::string> out;
  for (const Credential& c : credentials) out.push_back(c.token_id);
  return out;
}

// "rw", "r-", "-w" or "--"; the status for an error.
std::string RW(const Rights& rights) {
  return std::string(rights.read ? "r" : "-") + (rights.write ? "w" : "-");
}
std::string RW(const Result<Rights>& rights) {
  return rights.ok() ? RW(*rights) : rights.status().ToString();
}

TEST_F(SqliteStoreTest, DefaultApiRootExists) {
  auto root = S().FindApiRoot(kDefaultApiRoot);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(root->name, "api");
  EXPECT_EQ(root->title, "Concord sharing");
  EXPECT_EQ(root->description, "");
  auto list = S().ListApiRoots();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(Names(*list), std::vector<std::string>{"api"});
}

TEST_F(SqliteStoreTest, ApiRoots) {
  auto intel = S().CreateApiRoot(Root("intel-2.v1_x", "Intel", "shared intelligence"));
  ASSERT_TRUE(intel.ok()) << intel.status().ToString();
  EXPECT_EQ(intel->name, "intel-2.v1_x");
  ASSERT_TRUE(S().CreateApiRoot(Root(std::string(64, 'z'))).ok());
  ASSERT_TRUE(S().CreateApiRoot(Root("A")).ok());
  ASSERT_TRUE(S().CreateApiRoot(Root("...")).ok());  // odd, but a plain segment

  auto found = S().FindApiRoot("intel-2.v1_x");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->title, "Intel");
  EXPECT_EQ(found->description, "shared intelligence");
  // Names are case-sensitive, as URL paths are.
  EXPECT_EQ(S().FindApiRoot("a").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(S().FindApiRoot("INTEL-2.V1_X").status().code(), StatusCode::kNotFound);
  auto missing = S().FindApiRoot("no\nsuch");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find(R"("no\x0asuch")"), std::string::npos)
      << missing.status().message();

  // Creation order, the default root first.
  auto list = S().ListApiRoots();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(Names(*list),
            (std::vector<std::string>{"api", "intel-2.v1_x", std::string(64, 'z'), "A", "..."}));

  auto taken = S().CreateApiRoot(Root("intel-2.v1_x", "again"));
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(taken.status().message().find("intel-2.v1_x"), std::string::npos);
  EXPECT_EQ(S().CreateApiRoot(Root("api")).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(S().FindApiRoot("intel-2.v1_x")->title, "Intel");  // unchanged

  for (const std::string& bad :
       {std::string(""), std::string(65, 'a'), std::string("a/b"), std::string("a b"),
        std::string("caf\xc3\xa9"), std::string("taxii2"), std::string("TAXII2"),
        std::string("Taxii2"), std::string("."), std::string(".."), std::string("a\0b", 3),
        std::string("%2e")}) {
    auto refused = S().CreateApiRoot(Root(bad));
    ASSERT_FALSE(refused.ok()) << bad;
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument) << bad;
  }
  auto hostile = S().CreateApiRoot(Root("x\x1b[31m\"y"));
  ASSERT_FALSE(hostile.ok());
  EXPECT_NE(hostile.status().message().find(R"("x\x1b[31m\"y")"), std::string::npos)
      << hostile.status().message();
  EXPECT_NE(S().CreateApiRoot(Root("taxii2")).status().message().find("reserved"),
            std::string::npos);
  EXPECT_NE(S().CreateApiRoot(Root(std::string(65, 'a'))).status().message().find("65"),
            std::string::npos);
  EXPECT_EQ(S().ListApiRoots()->size(), 5u);
}

TEST_F(SqliteStoreTest, CollectionsBelongToApiRoots) {
  ASSERT_TRUE(S().CreateApiRoot(Root("intel")).ok());
  auto plain = S().CreateCollection(Coll("plain"));
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->api_root, "api");
  auto in_intel = S().CreateCollection(Coll("secret", "intel"));
  ASSERT_TRUE(in_intel.ok()) << in_intel.status().ToString();
  EXPECT_EQ(in_intel->api_root, "intel");

  auto orphan = S().CreateCollection(Coll("orphan", "nowhere"));
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.status().code(), StatusCode::kNotFound);
  EXPECT_NE(orphan.status().message().find("\"nowhere\""), std::string::npos);
  EXPECT_EQ(S().CreateCollection(Coll("empty", "")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(S().CreateCollection(Coll("upper", "INTEL")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(S().FindCollection("orphan").status().code(), StatusCode::kNotFound);

  EXPECT_EQ(S().FindCollection("secret")->api_root, "intel");
  EXPECT_EQ(S().FindCollection(in_intel->id)->api_root, "intel");
  EXPECT_EQ(S().FindCollection("plain")->api_root, "api");
  auto list = S().ListCollections();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].api_root, "api");
  EXPECT_EQ((*list)[1].api_root, "intel");

  store_.reset();
  EXPECT_EQ(S().FindCollection("secret")->api_root, "intel");
  EXPECT_EQ(S().FindApiRoot("intel")->name, "intel");
}

TEST_F(SqliteStoreTest, UpdatePartner) {
  ASSERT_TRUE(S().CreatePartner(MakePartner("uk", kCertA, "identity--old")).ok());
  ASSERT_TRUE(S().CreatePartner(MakePartner("us", kCertB)).ok());
  ASSERT_TRUE(S().UpdatePartner(MakePartner("uk", "", "identity--new")).ok());
  EXPECT_EQ(S().FindPartner("uk")->identity_id, "identity--new");
  EXPECT_EQ(S().FindPartner("uk")->cert_sha256, "");
  // The certificate it gave up is free; another partner's is not.
  ASSERT_TRUE(S().UpdatePartner(MakePartner("us", kCertA, "identity--us")).ok());
  EXPECT_EQ(S().FindPartnerByCert(kCertA)->name, "us");
  Status taken = S().UpdatePartner(MakePartner("uk", kCertA, "identity--new"));
  EXPECT_EQ(taken.code(), StatusCode::kAlreadyExists) << taken.ToString();
  EXPECT_NE(taken.message().find("us"), std::string::npos);
  EXPECT_EQ(S().FindPartner("uk")->cert_sha256, "");
  EXPECT_EQ(S().UpdatePartner(MakePartner("fr")).code(), StatusCode::kNotFound);
  EXPECT_EQ(S().UpdatePartner(MakePartner("uk", "XYZ")).code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, SourcesOf) {
  const std::string a = Id("indicator", 1);
  const std::string b = Id("malware", 2);
  PutAll({Make(a, V(1))}, {"partner", "us"});
  PutAll({Make(a, V(2)), Make(b, V(1))}, {"file", "local.json"});
  PutAll({Make(a, V(1))}, {"partner", "fr"});  // a duplicate still records who sent it
  auto sources = S().SourcesOf({a, b, Id("tool", 3), a});
  ASSERT_TRUE(sources.ok()) << sources.status().ToString();
  ASSERT_EQ(sources->size(), 2u);
  const std::vector<Provenance>& of_a = sources->at(a);
  ASSERT_EQ(of_a.size(), 3u);
  EXPECT_EQ(of_a[0].kind, "file");
  EXPECT_EQ(of_a[1].kind + ":" + of_a[1].name, "partner:fr");
  EXPECT_EQ(of_a[2].kind + ":" + of_a[2].name, "partner:us");
  ASSERT_EQ(sources->at(b).size(), 1u);
  EXPECT_EQ(sources->at(b)[0].name, "local.json");
  EXPECT_TRUE(S().SourcesOf({})->empty());
}

TEST_F(SqliteStoreTest, SourcesOfForgetsSourcesOfARolledBackTransaction) {
  const std::string a = Id("indicator", 1);
  {
    auto txn = S().BeginWrite({"partner", "rolled-back"});
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE((*txn)->Put(Make(a, V(1))).ok());
    auto inside = S().SourcesOf({a});  // sees (and may remember) the uncommitted source
    ASSERT_TRUE(inside.ok());
    EXPECT_EQ(inside->at(a)[0].name, "rolled-back");
  }  // rolled back: the source's id is free again
  PutAll({Make(a, V(1))}, {"partner", "committed"});
  auto after = S().SourcesOf({a});
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->at(a).size(), 1u);
  EXPECT_EQ(after->at(a)[0].name, "committed");
}

TEST_F(SqliteStoreTest, SyncStates) {
  EXPECT_EQ(S().GetSyncState("us", "pull", "c1").status().code(), StatusCode::kNotFound);
  SyncState pull;
  pull.partner = "us";
  pull.direction = "pull";
  pull.collection = "c1";
  pull.cursor = "2026-11-22T10:00:00.000001Z";
  pull.last_attempt_us = 20;
  pull.last_success_us = 10;
  pull.last_error = "unavailable: connection refused";
  pull.consecutive_failures = 2;
  pull.objects = 1234;
  pull.rejected = 5;
  ASSERT_TRUE(S().PutSyncState(pull).ok());
  SyncState push = pull;
  push.direction = "push";
  push.cursor = "42";
  push.last_error = "";
  ASSERT_TRUE(S().PutSyncState(push).ok());
  pull.objects = 2000;  // replaced, not added
  ASSERT_TRUE(S().PutSyncState(pull).ok());

  store_.reset();  // kept across restarts
  auto got = S().GetSyncState("us", "pull", "c1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->cursor, pull.cursor);
  EXPECT_EQ(got->last_attempt_us, 20);
  EXPECT_EQ(got->last_success_us, 10);
  EXPECT_EQ(got->last_error, pull.last_error);
  EXPECT_EQ(got->consecutive_failures, 2u);
  EXPECT_EQ(got->objects, 2000u);
  EXPECT_EQ(got->rejected, 5u);
  auto all = S().ListSyncStates();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].direction, "pull");
  EXPECT_EQ((*all)[1].direction, "push");
  EXPECT_EQ((*all)[1].cursor, "42");
  SyncState nameless;
  EXPECT_EQ(S().PutSyncState(nameless).code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, Partners) {
  auto uk = S().CreatePartner(MakePartner("uk-node", kCertA, "identity--abc"));
  ASSERT_TRUE(uk.ok()) << uk.status().ToString();
  EXPECT_EQ(uk->name, "uk-node");
  // Several partners without a certificate or identity.
  ASSERT_TRUE(S().CreatePartner(MakePartner("b.partner")).ok());
  ASSERT_TRUE(S().CreatePartner(MakePartner("A_partner")).ok());
  ASSERT_TRUE(S().CreatePartner(MakePartner(std::string(64, 'p'), kCertB)).ok());

  auto found = S().FindPartner("uk-node");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->identity_id, "identity--abc");
  EXPECT_EQ(found->cert_sha256, kCertA);
  auto bare = S().FindPartner("b.partner");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->cert_sha256, "");
  EXPECT_EQ(bare->identity_id, "");
  auto by_cert = S().FindPartnerByCert(kCertA);
  ASSERT_TRUE(by_cert.ok());
  EXPECT_EQ(by_cert->name, "uk-node");
  EXPECT_EQ(S().FindPartnerByCert(kCertB)->name, std::string(64, 'p'));

  EXPECT_EQ(S().FindPartner("UK-node").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(S().FindPartner("").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(S().FindPartnerByCert("").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(S().FindPartnerByCert(std::string(64, '0')).status().code(), StatusCode::kNotFound);
  std::string upper_a = kCertA;
  for (char& c : upper_a) c = static_cast<char>(std::toupper(c));
  EXPECT_EQ(S().FindPartnerByCert(upper_a).status().code(), StatusCode::kNotFound);

  auto list = S().ListPartners();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(Names(*list),
            (std::vector<std::string>{"A_partner", "b.partner", std::string(64, 'p'), "uk-node"}));

  auto same_name = S().CreatePartner(MakePartner("uk-node", kCertB));
  ASSERT_FALSE(same_name.ok());
  EXPECT_EQ(same_name.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(same_name.status().message().find("named uk-node"), std::string::npos)
      << same_name.status().message();
  auto same_cert = S().CreatePartner(MakePartner("fr-node", kCertA));
  ASSERT_FALSE(same_cert.ok());
  EXPECT_EQ(same_cert.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(same_cert.status().message().find("partner uk-node"), std::string::npos)
      << same_cert.status().message();
  EXPECT_EQ(S().FindPartner("fr-node").status().code(), StatusCode::kNotFound);

  for (const Partner& bad :
       {MakePartner(""), MakePartner(std::string(65, 'a')), MakePartner("a b"), MakePartner("a/b"),
        MakePartner("n\xc3\xa9"), MakePartner("ok", "ABCDEF" + std::string(58, '0')),
        MakePartner("ok", std::string(63, '0')), MakePartner("ok", std::string(65, '0')),
        MakePartner("ok", std::string(63, '0') + "g"),
        MakePartner("ok", "01:23" + std::string(59, '0')), MakePartner("ok", "", "indicator--x"),
        MakePartner("ok", "", "Identity--x"), MakePartner("ok", "", "identity-x")}) {
    auto refused = S().CreatePartner(bad);
    ASSERT_FALSE(refused.ok()) << bad.name << " " << bad.cert_sha256 << " " << bad.identity_id;
    EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument)
        << bad.name << " " << bad.cert_sha256 << " " << bad.identity_id;
  }
  auto hostile = S().CreatePartner(MakePartner("ok", "", "identity\n\"--"));
  ASSERT_FALSE(hostile.ok());
  EXPECT_NE(hostile.status().message().find(R"("identity\x0a\"--")"), std::string::npos)
      << hostile.status().message();
  auto bad_cert = S().CreatePartner(MakePartner("ok", std::string(63, '0') + "G"));
  ASSERT_FALSE(bad_cert.ok());
  EXPECT_NE(bad_cert.status().message().find("64 lowercase hex"), std::string::npos);
  EXPECT_EQ(S().FindPartner("ok").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(S().ListPartners()->size(), 4u);
}

TEST_F(SqliteStoreTest, Credentials) {
  ASSERT_TRUE(S().CreatePartner(MakePartner("uk")).ok());
  ASSERT_TRUE(S().CreatePartner(MakePartner("fr")).ok());
  ASSERT_TRUE(S().AddCredential(MakeCredential("tok-b", "uk", 20)).ok());
  ASSERT_TRUE(S().AddCredential(MakeCredential("tok-a", "uk", 10)).ok());
  ASSERT_TRUE(S().AddCredential(MakeCredential("tok-c", "uk", 20)).ok());
  Credential already_revoked = MakeCredential("tok-fr", "fr", 5);
  already_revoked.revoked = true;
  ASSERT_TRUE(S().AddCredential(already_revoked).ok());

  auto found = S().FindCredential("tok-b");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->token_id, "tok-b");
  EXPECT_EQ(found->partner, "uk");
  EXPECT_EQ(found->hash, "$argon2id$v=19$m=65536,t=2,p=1$tok-b");
  EXPECT_EQ(found->created_us, 20);
  EXPECT_FALSE(found->revoked);
  EXPECT_TRUE(S().FindCredential("tok-fr")->revoked);
  auto missing = S().FindCredential("tok-\x01");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find(R"("tok-\x01")"), std::string::npos);

  // By creation time, then token id.
  EXPECT_EQ(Tokens(*S().ListCredentials("uk")),
            (std::vector<std::string>{"tok-a", "tok-b", "tok-c"}));
  EXPECT_EQ(Tokens(*S().ListCredentials("fr")), std::vector<std::string>{"tok-fr"});
  EXPECT_TRUE(S().ListCredentials("nobody")->empty());

  Status unknown = S().AddCredential(MakeCredential("tok-x", "nobody"));
  EXPECT_EQ(unknown.code(), StatusCode::kNotFound);
  EXPECT_NE(unknown.message().find("\"nobody\""), std::string::npos) << unknown.message();
  Status taken = S().AddCredential(MakeCredential("tok-a", "fr"));
  EXPECT_EQ(taken.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(S().FindCredential("tok-a")->partner, "uk");  // unchanged
  EXPECT_EQ(S().AddCredential(MakeCredential("", "uk")).code(), StatusCode::kInvalidArgument);
  Credential no_hash = MakeCredential("tok-z", "uk");
  no_hash.hash.clear();
  EXPECT_EQ(S().AddCredential(no_hash).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(S().FindCredential("tok-z").status().code(), StatusCode::kNotFound);

  // Revoked credentials are still found, marked.
  ASSERT_TRUE(S().RevokeCredential("tok-b").ok());
  auto revoked = S().FindCredential("tok-b");
  ASSERT_TRUE(revoked.ok());
  EXPECT_TRUE(revoked->revoked);
  EXPECT_TRUE(S().RevokeCredential("tok-b").ok());  // again: no error
  EXPECT_EQ(S().RevokeCredential("tok-none").code(), StatusCode::kNotFound);
  EXPECT_FALSE(S().FindCredential("tok-a")->revoked);

  // Only those not revoked before are counted.
  auto count = S().RevokeCredentials("uk");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 2u);
  auto after = S().ListCredentials("uk");
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 3u);
  for (const Credential& c : *after) EXPECT_TRUE(c.revoked) << c.token_id;
  EXPECT_EQ(*S().RevokeCredentials("uk"), 0u);
  EXPECT_EQ(*S().RevokeCredentials("fr"), 0u);
  EXPECT_EQ(*S().RevokeCredentials("nobody"), 0u);
}

TEST_F(SqliteStoreTest, Grants) {
  ASSERT_TRUE(S().CreatePartner(MakePartner("uk")).ok());
  ASSERT_TRUE(S().CreatePartner(MakePartner("fr")).ok());
  auto a = S().CreateCollection(Coll("a"));
  auto b = S().CreateCollection(Coll("b"));
  ASSERT_TRUE(a.ok() && b.ok());
  const std::string none = "--", read = "r-", write = "-w", both = "rw";

  EXPECT_EQ(RW(S().RightsOf("uk", a->id)), none);
  ASSERT_TRUE(S().SetGrant(MakeGrant("uk", a->id, true, false)).ok());
  ASSERT_TRUE(S().SetGrant(MakeGrant("uk", b->id, true, true)).ok());
  ASSERT_TRUE(S().SetGrant(MakeGrant("fr", a->id, false, true)).ok());
  EXPECT_EQ(RW(S().RightsOf("uk", a->id)), read);
  EXPECT_EQ(RW(S().RightsOf("uk", b->id)), both);
  EXPECT_EQ(RW(S().RightsOf("fr", a->id)), write);
  EXPECT_EQ(RW(S().RightsOf("fr", b->id)), none);
  // Unknown partners and collections have no rights; aliases are not collection ids.
  EXPECT_EQ(RW(S().RightsOf("nobody", a->id)), none);
  EXPECT_EQ(RW(S().RightsOf("uk", "00000000-0000-4000-8000-000000000000")), none);
  EXPECT_EQ(RW(S().RightsOf("uk", "a")), none);
  EXPECT_EQ(RW(S().RightsOf("", "")), none);

  // Replacing.
  ASSERT_TRUE(S().SetGrant(MakeGrant("uk", a->id, false, true)).ok());
  EXPECT_EQ(RW(S().RightsOf("uk", a->id)), write);

  auto grants = S().ListGrants();
  ASSERT_TRUE(grants.ok());
  ASSERT_EQ(grants->size(), 3u);
  EXPECT_EQ((*grants)[0].partner, "fr");
  EXPECT_EQ((*grants)[0].collection_id, a->id);
  EXPECT_EQ(RW((*grants)[0].rights), write);
  EXPECT_EQ((*grants)[1].partner, "uk");
  EXPECT_EQ((*grants)[1].collection_id, a->id);
  EXPECT_EQ(RW((*grants)[1].rights), write);
  EXPECT_EQ((*grants)[2].collection_id, b->id);
  EXPECT_EQ(RW((*grants)[2].rights), both);

  // Neither read nor write removes the grant; removing a missing grant is fine.
  ASSERT_TRUE(S().SetGrant(MakeGrant("uk", a->id, false, false)).ok());
  EXPECT_EQ(RW(S().RightsOf("uk", a->id)), none);
  EXPECT_EQ(S().ListGrants()->size(), 2u);
  ASSERT_TRUE(S().SetGrant(MakeGrant("uk", a->id, false, false)).ok());
  EXPECT_EQ(S().ListGrants()->size(), 2u);

  Status no_partner = S().SetGrant(MakeGrant("nobody", a->id, true, false));
  EXPECT_EQ(no_partner.code(), StatusCode::kNotFound);
  EXPECT_NE(no_partner.message().find("\"nobody\""), std::string::npos) << no_partner.message();
  Status no_collection =
      S().SetGrant(MakeGrant("uk", "00000000-0000-4000-8000-00000000dead", true, false));
  EXPECT_EQ(no_collection.code(), StatusCode::kNotFound);
  EXPECT_NE(no_collection.message().find("00000000-0000-4000-8000-00000000dead"),
            std::string::npos);
  EXPECT_EQ(S().SetGrant(MakeGrant("uk", "a", true, false)).code(), StatusCode::kNotFound);
  EXPECT_EQ(S().SetGrant(MakeGrant("nobody", a->id, false, false)).code(), StatusCode::kNotFound);
  EXPECT_EQ(S().ListGrants()->size(), 2u);
}

TEST_F(SqliteStoreTest, Statuses) {
  ASSERT_TRUE(S().PutStatus(MakeStatus(kStatus1, "uk", 100, R"({"status":"pending"})")).ok());
  ASSERT_TRUE(S().PutStatus(MakeStatus(kStatus2, "fr", 200, R"({"id":2})")).ok());
  ASSERT_TRUE(S().PutStatus(MakeStatus(kStatus3, "uk", 300, R"({"id":3})")).ok());

  auto got = S().GetStatus(kStatus1);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->id, kStatus1);
  EXPECT_EQ(got->partner, "uk");
  EXPECT_EQ(got->request_us, 100);
  EXPECT_EQ(got->json, R"({"status":"pending"})");

  // Replaced when complete.
  ASSERT_TRUE(S().PutStatus(MakeStatus(kStatus1, "uk", 100, R"({"status":"complete"})")).ok());
  EXPECT_EQ(S().GetStatus(kStatus1)->json, R"({"status":"complete"})");

  auto missing = S().GetStatus("00000000-0000-4000-8000-000000000000");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(S().GetStatus("../etc").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(S().PutStatus(MakeStatus("", "uk", 1, "{}")).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(S().PutStatus(MakeStatus("not-a-uuid", "uk", 1, "{}")).code(),
            StatusCode::kInvalidArgument);

  // Strictly before.
  auto deleted = S().DeleteStatusesBefore(200);
  ASSERT_TRUE(deleted.ok());
  EXPECT_EQ(*deleted, 1u);
  EXPECT_EQ(S().GetStatus(kStatus1).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(S().GetStatus(kStatus2).ok());
  EXPECT_EQ(*S().DeleteStatusesBefore(200), 0u);
  EXPECT_EQ(*S().DeleteStatusesBefore(301), 2u);
  EXPECT_EQ(S().GetStatus(kStatus3).status().code(), StatusCode::kNotFound);
}

// x has versions 1, 2, 3, all in collections a and b; y has version 1 in a.
class RemoveFromCollectionTest : public SqliteStoreTest {
 protected:
  void SetUp() override {
    SqliteStoreTest::SetUp();
    a_ = S().CreateCollection(Coll("a"))->id;
    b_ = S().CreateCollection(Coll("b"))->id;
    // date_added order: v2, v1, v3.
    PutAll({Make(x_, V(2)), Make(x_, V(1)), Make(y_, V(1)), Make(x_, V(3))}, {"file", "f"},
           {a_, b_});
  }

  std::vector<std::string> In(const std::string& collection, const std::string& id) {
    Query q = ById(id);
    q.collection = collection;
    return Versions(FindOk(q));
  }

  uint64_t Remove(const std::vector<VersionFilter>& versions, const std::string& id = "") {
    auto removed = S().RemoveFromCollection(a_, id.empty() ? x_ : id, versions);
    if (!removed.ok()) {
      ADD_FAILURE() << removed.status().ToString();
      return 0;
    }
    return *removed;
  }

  const std::string x_ = Id("malware", 1);
  const std::string y_ = Id("malware", 2);
  std::string a_, b_;
};

TEST_F(RemoveFromCollectionTest, First) {
  EXPECT_EQ(Remove({First()}), 1u);
  EXPECT_EQ(In(a_, x_), (std::vector<std::string>{V(2), V(3)}));
  // Hidden from Find with the collection only.
  EXPECT_EQ(In(b_, x_), (std::vector<std::string>{V(2), V(1), V(3)}));
  EXPECT_EQ(Versions(FindOk(ById(x_))), (std::vector<std::string>{V(2), V(1), V(3)}));
  EXPECT_EQ(In(a_, y_), std::vector<std::string>{V(1)});
  // First is the id's first stored version, as in Find: it is no longer in a.
  EXPECT_EQ(Remove({First()}), 0u);
  EXPECT_EQ(In(a_, x_).size(), 2u);
}

TEST_F(RemoveFromCollectionTest, Last) {
  EXPECT_EQ(Remove({Last()}), 1u);
  EXPECT_EQ(In(a_, x_), (std::vector<std::string>{V(2), V(1)}));
  EXPECT_EQ(Versions(FindOk(ById(x_))).size(), 3u);
  // As Find with the collection reads "last": the id's last version, now outside a.
  Query last = ById(x_, {Last()});
  last.collection = a_;
  EXPECT_TRUE(FindOk(last).objects.empty());
  EXPECT_EQ(Remove({Last()}), 0u);
}

TEST_F(RemoveFromCollectionTest, AtAndAll) {
  EXPECT_EQ(Remove({At(V(2))}), 1u);
  EXPECT_EQ(In(a_, x_), (std::vector<std::string>{V(1), V(3)}));
  EXPECT_EQ(Remove({At(V(2))}), 0u);
  EXPECT_EQ(Remove({At(V(9))}), 0u);
  EXPECT_EQ(Remove({}), 2u);
  EXPECT_TRUE(In(a_, x_).empty());
  EXPECT_EQ(Remove({}), 0u);
  EXPECT_EQ(In(a_, y_), std::vector<std::string>{V(1)});
  EXPECT_EQ(Remove({VersionFilter{}}, y_), 1u);  // kAll
  EXPECT_TRUE(In(a_, y_).empty());
  EXPECT_TRUE(FindOk([&] {
                Query q;
                q.collection = a_;
                return q;
              }())
                  .objects.empty());
  // Everything is still stored, and still in b.
  EXPECT_EQ(FindOk(Query()).objects.size(), 4u);
  EXPECT_EQ(In(b_, x_).size(), 3u);
  auto stats = S().GetStats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->versions, 4u);
}

TEST_F(RemoveFromCollectionTest, Unions) {
  EXPECT_EQ(Remove({First(), Last()}), 2u);
  EXPECT_EQ(In(a_, x_), std::vector<std::string>{V(2)});
  EXPECT_EQ(Remove({At(V(2)), At(V(1)), First()}), 1u);
  EXPECT_TRUE(In(a_, x_).empty());
}

TEST_F(RemoveFromCollectionTest, UnionWithAllIsAll) {
  EXPECT_EQ(Remove({First(), VersionFilter{}}), 3u);
  EXPECT_TRUE(In(a_, x_).empty());
}

TEST_F(RemoveFromCollectionTest, RemovesWhatFindReturns) {
  const std::vector<std::vector<VersionFilter>> cases = {
      {}, {First()}, {Last()}, {At(V(1))}, {At(V(3)), First()}, {Last(), At(V(2))}};
  for (const auto& versions : cases) {
    // Start each case from full membership again.
    PutAll({Make(x_, V(1)), Make(x_, V(2)), Make(x_, V(3))}, {"file", "again"}, {a_});
    Query q = ById(x_, versions);
    q.collection = a_;
    std::vector<std::string> expected_left;
    std::vector<std::string> found = Versions(FindOk(q));
    for (const std::string& v : In(a_, x_)) {
      if (std::find(found.begin(), found.end(), v) == found.end()) expected_left.push_back(v);
    }
    EXPECT_EQ(Remove(versions), found.size());
    EXPECT_EQ(In(a_, x_), expected_left);
  }
}

TEST_F(RemoveFromCollectionTest, PutAgainRestoresMembership) {
  EXPECT_EQ(Remove({}), 3u);
  ASSERT_TRUE(In(a_, x_).empty());
  // A duplicate delivered to a joins it again; the version keeps its date_added.
  Page before = FindOk(ById(x_, {At(V(1))}));
  EXPECT_EQ(PutAll({Make(x_, V(1))}, {"file", "again"}, {a_}),
            std::vector<PutOutcome>{PutOutcome::kDuplicate});
  EXPECT_EQ(In(a_, x_), std::vector<std::string>{V(1)});
  Page after = FindOk(ById(x_, {At(V(1))}));
  ASSERT_EQ(after.objects.size(), 1u);
  EXPECT_EQ(after.objects[0].date_added_us, before.objects[0].date_added_us);
  // A duplicate delivered to no collection does not.
  EXPECT_EQ(PutAll({Make(x_, V(2))}, {"file", "again"}),
            std::vector<PutOutcome>{PutOutcome::kDuplicate});
  EXPECT_EQ(In(a_, x_), std::vector<std::string>{V(1)});
}

TEST_F(RemoveFromCollectionTest, Errors) {
  auto unknown = S().RemoveFromCollection("00000000-0000-4000-8000-00000000dead", x_, {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("00000000-0000-4000-8000-00000000dead"),
            std::string::npos);
  // By id only, not by alias.
  EXPECT_EQ(S().RemoveFromCollection("a", x_, {}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*S().RemoveFromCollection(a_, Id("malware", 99), {}), 0u);
  EXPECT_EQ(*S().RemoveFromCollection(a_, "", {}), 0u);
  EXPECT_EQ(In(a_, x_).size(), 3u);
}

TEST_F(SqliteStoreTest, WritesRefusedWhileWriteTransactionIsOpen) {
  ASSERT_TRUE(S().CreatePartner(MakePartner("uk")).ok());
  ASSERT_TRUE(S().AddCredential(MakeCredential("tok", "uk")).ok());
  auto c = S().CreateCollection(Coll("c"));
  ASSERT_TRUE(c.ok());
  PutAll({Make(Id("indicator", 1), V(1))}, {"file", "f"}, {c->id});
  auto txn = S().BeginWrite({"file", "x"});
  ASSERT_TRUE(txn.ok());
  const StatusCode refused = StatusCode::kFailedPrecondition;
  EXPECT_EQ(S().RemoveFromCollection(c->id, Id("indicator", 1), {}).status().code(), refused);
  EXPECT_EQ(S().CreateApiRoot(Root("r")).status().code(), refused);
  EXPECT_EQ(S().CreatePartner(MakePartner("fr")).status().code(), refused);
  EXPECT_EQ(S().AddCredential(MakeCredential("tok2", "uk")).code(), refused);
  EXPECT_EQ(S().RevokeCredential("tok").code(), refused);
  EXPECT_EQ(S().RevokeCredentials("uk").status().code(), refused);
  EXPECT_EQ(S().SetGrant(MakeGrant("uk", c->id, true, false)).code(), refused);
  EXPECT_EQ(S().PutStatus(MakeStatus(kStatus1, "uk", 1, "{}")).code(), refused);
  EXPECT_EQ(S().DeleteStatusesBefore(1).status().code(), refused);
  // Reads work.
  EXPECT_TRUE(S().FindCredential("tok").ok());
  EXPECT_TRUE(S().RightsOf("uk", c->id).ok());
  EXPECT_TRUE(S().ListApiRoots().ok());
  txn->reset();
  EXPECT_TRUE(S().SetGrant(MakeGrant("uk", c->id, true, false)).ok());
  EXPECT_EQ(*S().RemoveFromCollection(c->id, Id("indicator", 1), {}), 1u);
}

TEST_F(SqliteStoreTest, NewTablesSurviveReopen) {
  ASSERT_TRUE(S().CreateApiRoot(Root("intel", "Intel", "d")).ok());
  auto c = S().CreateCollection(Coll("c", "intel"));
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(S().CreatePartner(MakePartner("uk", kCertA, "identity--1")).ok());
  ASSERT_TRUE(S().AddCredential(MakeCredential("tok", "uk", 42)).ok());
  ASSERT_TRUE(S().SetGrant(MakeGrant("uk", c->id, true, true)).ok());
  ASSERT_TRUE(S().PutStatus(MakeStatus(kStatus1, "uk", 7, "{}")).ok());
  PutAll({Make(Id("indicator", 1), V(1)), Make(Id("indicator", 2), V(1))}, {"file", "f"}, {c->id});
  ASSERT_EQ(*S().RemoveFromCollection(c->id, Id("indicator", 1), {}), 1u);
  store_.reset();

  EXPECT_EQ(S().FindApiRoot("intel")->description, "d");
  EXPECT_EQ(S().FindCollection("c")->api_root, "intel");
  EXPECT_EQ(S().FindPartnerByCert(kCertA)->identity_id, "identity--1");
  EXPECT_EQ(S().FindCredential("tok")->created_us, 42);
  EXPECT_EQ(RW(S().RightsOf("uk", c->id)), "rw");
  EXPECT_EQ(S().GetStatus(kStatus1)->request_us, 7);
  Query q;
  q.collection = c->id;
  EXPECT_EQ(Ids(FindOk(q)), std::vector<std::string>{Id("indicator", 2)});
  EXPECT_EQ(FindOk(Query()).objects.size(), 2u);
}

// The schema of version 1, exactly as that release wrote it.
const char kSchemaV1[] = R"sql(
CREATE TABLE objects(
  date_added   INTEGER PRIMARY KEY,
  id           TEXT NOT NULL,
  type         TEXT NOT NULL,
  version      TEXT NOT NULL,
  revoked      INTEGER NOT NULL,
  tlp          INTEGER NOT NULL,
  spec_version TEXT NOT NULL,
  digest       BLOB NOT NULL,
  json         TEXT NOT NULL,
  UNIQUE(id, version)
);
CREATE INDEX objects_by_type ON objects(type);
CREATE TABLE object_markings(
  marking_ref TEXT NOT NULL,
  date_added  INTEGER NOT NULL REFERENCES objects(date_added),
  scope       INTEGER NOT NULL,
  PRIMARY KEY(marking_ref, date_added)
) WITHOUT ROWID;
CREATE TABLE sources(
  id   INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  UNIQUE(kind, name)
);
CREATE TABLE object_sources(
  date_added INTEGER NOT NULL REFERENCES objects(date_added),
  source_id  INTEGER NOT NULL REFERENCES sources(id),
  PRIMARY KEY(date_added, source_id)
) WITHOUT ROWID;
CREATE TABLE collections(
  num         INTEGER PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  alias       TEXT UNIQUE,
  title       TEXT NOT NULL,
  description TEXT NOT NULL,
  created     INTEGER NOT NULL
);
CREATE TABLE collection_objects(
  collection_num INTEGER NOT NULL REFERENCES collections(num),
  date_added     INTEGER NOT NULL REFERENCES objects(date_added),
  PRIMARY KEY(collection_num, date_added)
) WITHOUT ROWID;
PRAGMA user_version = 1;
PRAGMA application_id = 1131376227;
)sql";

TEST_F(SqliteStoreTest, MigratesVersion1File) {
  const std::string old_id = "6ba7b810-9dad-41d1-80b4-00c04fd430c8";
  const stix::Object o = Make(Id("indicator", 1), V(1));
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, kSchemaV1, nullptr, nullptr, nullptr), SQLITE_OK);
    std::string insert = "INSERT INTO objects VALUES(" + std::to_string(kStartMicros) + ", '" +
                         o.id + "', 'indicator', '" + V(1) + "', 0, 0, '2.1', x'" +
                         std::string(64, '0') + "', '" + o.json +
                         "');"
                         "INSERT INTO sources VALUES(1, 'file', 'old.json');"
                         "INSERT INTO object_sources VALUES(" +
                         std::to_string(kStartMicros) +
                         ", 1);"
                         "INSERT INTO collections VALUES(7, '" +
                         old_id +
                         "', 'old', 'Old', 'from v1', 1);"
                         "INSERT INTO collection_objects VALUES(7, " +
                         std::to_string(kStartMicros) + ");";
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(db, insert.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
    sqlite3_close(db);
  }

  auto stats = S().GetStats();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->schema_version, 3);
  EXPECT_EQ(stats->schema_version, SqliteStore::CurrentSchemaVersion());
  EXPECT_EQ(stats->versions, 1u);
  auto old = S().FindCollection("old");
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(old->id, old_id);
  EXPECT_EQ(old->description, "from v1");
  EXPECT_EQ(old->api_root, "api");
  Query q;
  q.collection = old_id;
  Page page = FindOk(q);
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].json, o.json);
  auto roots = S().ListApiRoots();
  ASSERT_TRUE(roots.ok());
  ASSERT_EQ(roots->size(), 1u);
  EXPECT_EQ((*roots)[0].name, "api");
  EXPECT_EQ((*roots)[0].title, "Concord sharing");

  // The new tables work with the old rows.
  ASSERT_TRUE(S().CreatePartner(MakePartner("uk")).ok());
  ASSERT_TRUE(S().SetGrant(MakeGrant("uk", old_id, true, false)).ok());
  EXPECT_EQ(RW(S().RightsOf("uk", old_id)), "r-");
  EXPECT_EQ(*S().RemoveFromCollection(old_id, o.id, {Last()}), 1u);
  EXPECT_TRUE(FindOk(q).objects.empty());
  auto fresh = S().CreateCollection(Coll("fresh"));
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();

  // Opened again: already current, nothing to do.
  store_.reset();
  EXPECT_EQ(S().GetStats()->schema_version, 3);
  EXPECT_TRUE(S().ListSyncStates()->empty());
  EXPECT_EQ(S().ListApiRoots()->size(), 1u);
  EXPECT_EQ(S().ListCollections()->size(), 2u);
  EXPECT_EQ(RW(S().RightsOf("uk", old_id)), "r-");
}

TEST_F(SqliteStoreTest, TwoStoresOnOneFile) {
  ManualClock other_clock(Timestamp::FromMicros(kStartMicros));
  std::unique_ptr<SqliteStore> other = OpenStore(&other_clock);
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(S().CreatePartner(MakePartner("uk")).ok());
  auto c = S().CreateCollection(Coll("c"));
  ASSERT_TRUE(c.ok());

  // One writes, the other reads at once, both ways.
  ASSERT_TRUE(S().SetGrant(MakeGrant("uk", c->id, true, false)).ok());
  EXPECT_EQ(RW(other->RightsOf("uk", c->id)), "r-");
  ASSERT_TRUE(other->PutStatus(MakeStatus(kStatus1, "uk", 5, "{}")).ok());
  EXPECT_EQ(S().GetStatus(kStatus1)->partner, "uk");
  ASSERT_TRUE(other->AddCredential(MakeCredential("tok", "uk")).ok());
  EXPECT_TRUE(S().FindCredential("tok").ok());
  ASSERT_TRUE(S().RevokeCredential("tok").ok());
  EXPECT_TRUE(other->FindCredential("tok")->revoked);
  ASSERT_TRUE(S().SetGrant(MakeGrant("uk", c->id, false, false)).ok());
  EXPECT_EQ(RW(other->RightsOf("uk", c->id)), "--");
  EXPECT_EQ(other->FindCollection("c")->api_root, "api");

  // Server threads, each with its own store, writing and reading at the same time.
  constexpr int kThreads = 4;
  constexpr int kRounds = 50;
  std::vector<std::unique_ptr<ManualClock>> clocks;
  std::vector<std::unique_ptr<SqliteStore>> stores;
  for (int t = 0; t < kThreads; ++t) {
    clocks.push_back(std::make_unique<ManualClock>(Timestamp::FromMicros(kStartMicros)));
    stores.push_back(OpenStore(clocks.back().get()));
    ASSERT_NE(stores.back(), nullptr);
  }
  std::vector<std::string> failures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      SqliteStore& store = *stores[t];
      auto fail = [&](const std::string& what, const Status& status) {
        if (failures[t].empty()) failures[t] = what + ": " + status.ToString();
      };
      for (int i = 0; i < kRounds; ++i) {
        char id[40];
        std::snprintf(id, sizeof(id), "00000000-0000-4000-8000-%04d%08d", t, i);
        Status put = store.PutStatus(MakeStatus(id, "uk", i, "{}"));
        if (!put.ok()) fail("PutStatus", put);
        Status grant = store.SetGrant(MakeGrant("uk", c->id, i % 2 == 0, t % 2 == 0));
        if (!grant.ok()) fail("SetGrant", grant);
        auto rights = store.RightsOf("uk", c->id);
        if (!rights.ok()) fail("RightsOf", rights.status());
        auto status = store.GetStatus(id);
        if (!status.ok()) fail("GetStatus", status.status());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], "") << "thread " << t;
  // Every thread's statuses, and kStatus1.
  EXPECT_EQ(*S().DeleteStatusesBefore(kRounds), static_cast<uint64_t>(kThreads * kRounds + 1));
}

}  // namespace
}  // namespace concord::store
