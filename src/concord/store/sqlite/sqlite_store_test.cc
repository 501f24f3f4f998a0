#include "concord/store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
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

}  // namespace
}  // namespace concord::store
