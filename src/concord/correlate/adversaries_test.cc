#include "concord/correlate/adversaries.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "concord/base/clock.h"
#include "concord/base/hash.h"
#include "concord/json/document.h"
#include "concord/stix/validator.h"
#include "concord/store/sqlite/sqlite_store.h"

namespace concord::correlate {
namespace {

constexpr int64_t kStartMicros = 1'700'000'000'000'000;  // 2023-11-14

// "indicator--00000000-0000-4000-8000-000000000042" for Id("indicator", 42).
std::string Id(const std::string& type, int n) {
  char tail[16];
  std::snprintf(tail, sizeof(tail), "%012d", n);
  return type + "--00000000-0000-4000-8000-" + tail;
}

std::string Q(const std::string& s) { return "\"" + s + "\""; }

// The common properties of an SDO or SRO, without the closing brace.
std::string Head(const std::string& id, const std::string& modified = "2024-01-01T00:00:00.000Z",
                 const std::string& created = "2024-01-01T00:00:00.000Z") {
  return "{\"type\":" + Q(id.substr(0, id.find("--"))) +
         ",\"spec_version\":\"2.1\",\"id\":" + Q(id) + ",\"created\":" + Q(created) +
         ",\"modified\":" + Q(modified);
}

std::string Identity(int n, const std::string& name,
                     const std::string& modified = "2024-01-01T00:00:00.000Z") {
  return Head(Id("identity", n), modified, "2023-01-01T00:00:00.000Z") + ",\"name\":" + Q(name) +
         ",\"identity_class\":\"organization\"}";
}

std::string Indicator(int n, const std::string& created = "2024-01-01T00:00:00.000Z") {
  return Head(Id("indicator", n), created, created) +
         ",\"pattern\":\"[ipv4-addr:value = '198.51.100." + std::to_string(n % 250) +
         "']\",\"pattern_type\":\"stix\",\"valid_from\":" + Q(created) + "}";
}

std::string Campaign(int n, const std::string& name) {
  return Head(Id("campaign", n)) + ",\"name\":" + Q(name) + "}";
}

std::string IntrusionSet(int n, const std::string& name) {
  return Head(Id("intrusion-set", n)) + ",\"name\":" + Q(name) + "}";
}

std::string Malware(int n, const std::string& name) {
  return Head(Id("malware", n)) + ",\"name\":" + Q(name) + ",\"is_family\":true}";
}

std::string Relationship(int n, const std::string& type, const std::string& source,
                         const std::string& target,
                         const std::string& modified = "2024-01-01T00:00:00.000Z") {
  return Head(Id("relationship", n), modified) + ",\"relationship_type\":" + Q(type) +
         ",\"source_ref\":" + Q(source) + ",\"target_ref\":" + Q(target) + "}";
}

// A sighting of indicator `indicator` by the identities `where`, with `extra` properties
// (",\"count\":3", ...) appended.
std::string Sighting(int n, int indicator, const std::vector<int>& where, const std::string& first,
                     const std::string& last, const std::string& extra = "",
                     const std::string& modified = "2024-06-01T00:00:00.000Z") {
  std::string refs;
  for (int w : where) refs += (refs.empty() ? "" : ",") + Q(Id("identity", w));
  std::string out = Head(Id("sighting", n), modified, "2024-04-01T00:00:00.000Z") +
                    ",\"sighting_of_ref\":" + Q(Id("indicator", indicator)) +
                    ",\"where_sighted_refs\":[" + refs + "]";
  if (!first.empty()) out += ",\"first_seen\":" + Q(first);
  if (!last.empty()) out += ",\"last_seen\":" + Q(last);
  return out + extra + "}";
}

Timestamp T(const std::string& text) {
  auto t = ParseTimestamp(text);
  EXPECT_TRUE(t.ok()) << text;
  return t.ok() ? t->instant : Timestamp();
}

class AdversariesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "concord_correlate_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto store = store::SqliteStore::Open(dir_ + "/store.db", &clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Validates and stores each object, in one transaction.
  void Put(const std::vector<std::string>& texts) {
    std::vector<stix::Object> objects;
    for (const std::string& text : texts) {
      stix::Validation v = validator_.Validate(text);
      ASSERT_TRUE(v.ok()) << text << "\n"
                          << v.diagnostics.size() << " diagnostics, first: "
                          << (v.diagnostics.empty() ? "" : v.diagnostics[0].message);
      objects.push_back(*v.object);
    }
    PutObjects(objects);
  }

  // Stores `text` as it is, unvalidated: what a damaged or hostile store may hold.
  void PutRaw(const std::string& id, const std::string& version, const std::string& text) {
    stix::Object o;
    o.id = id;
    o.type = id.substr(0, id.find("--"));
    o.kind = o.type == "sighting" || o.type == "relationship" ? stix::ObjectKind::kSro
                                                              : stix::ObjectKind::kSdo;
    o.spec_version = "2.1";
    auto key = stix::VersionKey(version);
    ASSERT_TRUE(key.ok()) << version;
    o.version = *key;
    o.json = text;
    o.content_digest = Sha256(text);
    PutObjects({o});
  }

  void PutObjects(const std::vector<stix::Object>& objects) {
    auto txn = store_->BeginWrite({"file", "test.json"});
    ASSERT_TRUE(txn.ok()) << txn.status().ToString();
    for (const stix::Object& o : objects) {
      auto outcome = (*txn)->Put(o);
      ASSERT_TRUE(outcome.ok()) << o.id << ": " << outcome.status().ToString();
      clock_.AdvanceMicros(1);
    }
    Status status = (*txn)->Commit();
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  std::vector<SharedAdversary> Find(AdversaryOptions options = {}) {
    auto found = FindSharedAdversaries(*store_, options);
    if (!found.ok()) {
      ADD_FAILURE() << found.status().ToString();
      return {};
    }
    return std::move(found).value();
  }

  std::vector<std::string> Names(const std::vector<SharedAdversary>& adversaries) {
    std::vector<std::string> names;
    for (const SharedAdversary& a : adversaries) names.push_back(a.name);
    return names;
  }

  // Identities 1 "Alpha CERT", 2 "Bravo SOC", 3 "Charlie ISAC".
  void PutIdentities() {
    Put({Identity(1, "Alpha CERT"), Identity(2, "Bravo SOC"), Identity(3, "Charlie ISAC")});
  }

  // A campaign "Operation Glass" (campaign 1) indicated by indicators 1, 2 and 3.
  void PutCampaign() {
    Put({Campaign(1, "Operation Glass"), Indicator(1, "2024-01-01T00:00:00.000Z"),
         Indicator(2, "2024-01-10T00:00:00.000Z"), Indicator(3, "2024-01-15T00:00:00.000Z"),
         Relationship(1, "indicates", Id("indicator", 1), Id("campaign", 1)),
         Relationship(2, "indicates", Id("indicator", 2), Id("campaign", 1)),
         Relationship(3, "indicates", Id("indicator", 3), Id("campaign", 1))});
  }

  ManualClock clock_{Timestamp::FromMicros(kStartMicros)};
  stix::Validator validator_;
  std::string dir_;
  std::unique_ptr<store::SqliteStore> store_;
};

TEST_F(AdversariesTest, EmptyStoreFindsNothing) {
  EXPECT_TRUE(Find().empty());
  EXPECT_EQ(AdversariesJson({}), "{\"adversaries\":[]}");
  EXPECT_EQ(AdversariesText({}), "No shared adversaries.\n");
}

TEST_F(AdversariesTest, CampaignSightedByTwoIdentities) {
  PutIdentities();
  PutCampaign();
  Put({// Alpha: two sightings of different indicators; the one of indicator 2 is earlier.
       Sighting(1, 1, {1}, "2024-02-01T00:00:00.000Z", "2024-02-03T00:00:00.000Z", ",\"count\":4"),
       Sighting(2, 2, {1}, "2024-01-20T12:00:00.000Z", "2024-01-21T00:00:00.000Z"),
       // Bravo: one sighting, before Alpha's.
       Sighting(3, 3, {2}, "2024-01-16T00:00:00.000Z", "2024-03-01T00:00:00.000Z",
                ",\"count\":10")});
  std::vector<SharedAdversary> found = Find();
  ASSERT_EQ(found.size(), 1u);
  const SharedAdversary& a = found[0];
  EXPECT_EQ(a.id, Id("campaign", 1));
  EXPECT_EQ(a.type, "campaign");
  EXPECT_EQ(a.name, "Operation Glass");
  EXPECT_EQ(a.tlp, stix::Tlp::kNone);
  EXPECT_EQ(a.indicators,
            (std::vector<std::string>{Id("indicator", 1), Id("indicator", 2), Id("indicator", 3)}));
  ASSERT_EQ(a.sighters.size(), 2u);

  const SighterView& bravo = a.sighters[0];  // first seen first
  EXPECT_EQ(bravo.identity_id, Id("identity", 2));
  EXPECT_EQ(bravo.name, "Bravo SOC");
  EXPECT_EQ(bravo.first_seen, T("2024-01-16T00:00:00Z"));
  EXPECT_EQ(bravo.last_seen, T("2024-03-01T00:00:00Z"));
  EXPECT_EQ(bravo.sightings, 1u);
  EXPECT_EQ(bravo.count, 10u);
  EXPECT_EQ(bravo.first_indicator, Id("indicator", 3));
  EXPECT_EQ(bravo.published, T("2024-01-15T00:00:00Z"));
  EXPECT_EQ(bravo.time_to_first_sighting_seconds, 86400);

  const SighterView& alpha = a.sighters[1];
  EXPECT_EQ(alpha.identity_id, Id("identity", 1));
  EXPECT_EQ(alpha.name, "Alpha CERT");
  EXPECT_EQ(alpha.first_seen, T("2024-01-20T12:00:00Z"));
  EXPECT_EQ(alpha.last_seen, T("2024-02-03T00:00:00Z"));
  EXPECT_EQ(alpha.sightings, 2u);
  EXPECT_EQ(alpha.count, 5u);  // 4 + 1 (absent)
  EXPECT_EQ(alpha.first_indicator, Id("indicator", 2));
  EXPECT_EQ(alpha.published, T("2024-01-10T00:00:00Z"));
  EXPECT_EQ(alpha.time_to_first_sighting_seconds, 10 * 86400 + 12 * 3600);
}

TEST_F(AdversariesTest, SingleSighterIsNotShared) {
  PutIdentities();
  PutCampaign();
  Put({Malware(1, "LoneWolf"), Indicator(10),
       Relationship(10, "indicates", Id("indicator", 10), Id("malware", 1)),
       // The campaign: two sighters. The malware: two sightings, but both by Charlie.
       Sighting(1, 1, {1}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"),
       Sighting(2, 2, {2}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"),
       Sighting(3, 10, {3}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"),
       Sighting(4, 10, {3}, "2024-02-05T00:00:00.000Z", "2024-02-06T00:00:00.000Z")});
  EXPECT_EQ(Names(Find()), std::vector<std::string>{"Operation Glass"});

  AdversaryOptions one;
  one.min_sighters = 1;
  std::vector<SharedAdversary> found = Find(one);
  EXPECT_EQ(Names(found), (std::vector<std::string>{"Operation Glass", "LoneWolf"}));
  ASSERT_EQ(found.size(), 2u);
  ASSERT_EQ(found[1].sighters.size(), 1u);
  EXPECT_EQ(found[1].sighters[0].sightings, 2u);
  EXPECT_EQ(found[1].sighters[0].last_seen, T("2024-02-06T00:00:00Z"));

  AdversaryOptions three;
  three.min_sighters = 3;
  EXPECT_TRUE(Find(three).empty());
}

TEST_F(AdversariesTest, UsesInheritsTheMalwaresIndicators) {
  PutIdentities();
  Put({IntrusionSet(1, "Ember Bear"), Campaign(1, "Operation Glass"), Malware(1, "Shardloader"),
       Indicator(1), Indicator(2),
       Relationship(1, "indicates", Id("indicator", 1), Id("malware", 1)),
       Relationship(2, "indicates", Id("indicator", 2), Id("intrusion-set", 1)),
       Relationship(3, "uses", Id("intrusion-set", 1), Id("malware", 1)),
       Relationship(4, "uses", Id("campaign", 1), Id("malware", 1)),
       Sighting(1, 1, {1}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"),
       Sighting(2, 1, {2}, "2024-02-02T00:00:00.000Z", "2024-02-02T00:00:00.000Z")});
  std::vector<SharedAdversary> found = Find();
  // The malware, and the intrusion set and campaign that use it.
  EXPECT_EQ(Names(found),
            (std::vector<std::string>{"Ember Bear", "Operation Glass", "Shardloader"}));
  for (const SharedAdversary& a : found) {
    EXPECT_EQ(a.indicators, std::vector<std::string>{Id("indicator", 1)}) << a.name;
    EXPECT_EQ(a.sighters.size(), 2u) << a.name;
  }

  // The intrusion set's own indicator, sighted by two more, is not the malware's.
  Put({Sighting(3, 2, {3}, "2024-02-03T00:00:00.000Z", "2024-02-03T00:00:00.000Z"),
       Sighting(4, 2, {2}, "2024-01-03T00:00:00.000Z", "2024-01-03T00:00:00.000Z")});
  found = Find();
  ASSERT_EQ(Names(found),
            (std::vector<std::string>{"Ember Bear", "Operation Glass", "Shardloader"}));
  EXPECT_EQ(found[0].sighters.size(), 3u);
  EXPECT_EQ(found[0].indicators,
            (std::vector<std::string>{Id("indicator", 1), Id("indicator", 2)}));
  // Bravo saw indicator 2 first.
  EXPECT_EQ(found[0].sighters[0].identity_id, Id("identity", 2));
  EXPECT_EQ(found[0].sighters[0].first_indicator, Id("indicator", 2));
  EXPECT_EQ(found[0].sighters[0].sightings, 2u);
  EXPECT_EQ(found[2].indicators, std::vector<std::string>{Id("indicator", 1)});
}

TEST_F(AdversariesTest, AttributedToInheritsTheCampaignsIndicatorsOneHop) {
  PutIdentities();
  Put({IntrusionSet(1, "Ember Bear"), Campaign(1, "Operation Glass"), Malware(1, "Shardloader"),
       Indicator(1), Indicator(2), Indicator(3),
       Relationship(1, "indicates", Id("indicator", 1), Id("campaign", 1)),
       Relationship(2, "indicates", Id("indicator", 2), Id("malware", 1)),
       Relationship(3, "indicates", Id("indicator", 3), Id("intrusion-set", 1)),
       Relationship(4, "attributed-to", Id("campaign", 1), Id("intrusion-set", 1)),
       Relationship(5, "uses", Id("campaign", 1), Id("malware", 1)),
       // The campaign's indicator, by Alpha and Bravo.
       Sighting(1, 1, {1}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"),
       Sighting(2, 1, {2}, "2024-02-02T00:00:00.000Z", "2024-02-02T00:00:00.000Z")});
  EXPECT_EQ(Names(Find()), (std::vector<std::string>{"Ember Bear", "Operation Glass"}));

  // The malware's indicator, by Bravo and Charlie: the campaign (uses) inherits it, the
  // intrusion set does not (two hops away).
  Put({Sighting(3, 2, {2}, "2024-02-03T00:00:00.000Z", "2024-02-03T00:00:00.000Z"),
       Sighting(4, 2, {3}, "2024-02-04T00:00:00.000Z", "2024-02-04T00:00:00.000Z")});
  std::vector<SharedAdversary> found = Find();
  ASSERT_EQ(Names(found),
            (std::vector<std::string>{"Operation Glass", "Ember Bear", "Shardloader"}));
  EXPECT_EQ(found[0].sighters.size(), 3u);
  EXPECT_EQ(found[1].sighters.size(), 2u);
  EXPECT_EQ(found[1].indicators, std::vector<std::string>{Id("indicator", 1)});

  // The intrusion set's own indicator does not make the campaign shared.
  Put({Sighting(5, 3, {1}, "2024-02-05T00:00:00.000Z", "2024-02-05T00:00:00.000Z"),
       Sighting(6, 3, {3}, "2024-02-06T00:00:00.000Z", "2024-02-06T00:00:00.000Z")});
  found = Find();
  ASSERT_EQ(Names(found),
            (std::vector<std::string>{"Ember Bear", "Operation Glass", "Shardloader"}));
  EXPECT_EQ(found[0].sighters.size(), 3u);
  EXPECT_EQ(found[1].indicators,
            (std::vector<std::string>{Id("indicator", 1), Id("indicator", 2)}));
}

TEST_F(AdversariesTest, AnIndicatorBothDirectAndInheritedCountsOnce) {
  PutIdentities();
  Put({IntrusionSet(1, "Ember Bear"), Malware(1, "Shardloader"), Indicator(1),
       Relationship(1, "indicates", Id("indicator", 1), Id("malware", 1)),
       Relationship(2, "indicates", Id("indicator", 1), Id("intrusion-set", 1)),
       Relationship(3, "uses", Id("intrusion-set", 1), Id("malware", 1)),
       // The same relationship again under another id.
       Relationship(4, "uses", Id("intrusion-set", 1), Id("malware", 1)),
       Sighting(1, 1, {1}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z", ",\"count\":3"),
       Sighting(2, 1, {2}, "2024-02-02T00:00:00.000Z", "2024-02-02T00:00:00.000Z")});
  std::vector<SharedAdversary> found = Find();
  ASSERT_EQ(Names(found), (std::vector<std::string>{"Ember Bear", "Shardloader"}));
  for (const SharedAdversary& a : found) {
    EXPECT_EQ(a.indicators.size(), 1u);
    ASSERT_EQ(a.sighters.size(), 2u);
    EXPECT_EQ(a.sighters[0].sightings, 1u);
    EXPECT_EQ(a.sighters[0].count, 3u);
  }
}

TEST_F(AdversariesTest, RevokedObjectsAreIgnored) {
  PutIdentities();
  PutCampaign();
  const std::string sighting =
      Sighting(2, 2, {2}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z");
  Put({Sighting(1, 1, {1}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"), sighting});
  EXPECT_EQ(Find().size(), 1u);

  // Bravo revokes its sighting.
  Put({Sighting(2, 2, {2}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z",
                ",\"revoked\":true", "2024-07-01T00:00:00.000Z")});
  EXPECT_TRUE(Find().empty());

  // Charlie's sighting is of an indicator that is then revoked.
  Put({Sighting(3, 3, {3}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z")});
  EXPECT_EQ(Find().size(), 1u);
  std::string revoked = Indicator(3, "2024-01-15T00:00:00.000Z");
  revoked.replace(revoked.find("\"modified\":\"2024-01-15T00:00:00.000Z\""),
                  std::string("\"modified\":\"2024-01-15T00:00:00.000Z\"").size(),
                  "\"modified\":\"2024-05-01T00:00:00.000Z\",\"revoked\":true");
  Put({revoked});
  EXPECT_TRUE(Find().empty());

  // An indicator whose "indicates" is revoked no longer belongs to the campaign.
  Put({Sighting(4, 1, {2}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z")});
  EXPECT_EQ(Find().size(), 1u);
  std::string relationship = Relationship(1, "indicates", Id("indicator", 1), Id("campaign", 1),
                                          "2024-03-02T00:00:00.000Z");
  relationship.insert(relationship.size() - 1, ",\"revoked\":true");
  Put({relationship});
  EXPECT_TRUE(Find().empty());
}

TEST_F(AdversariesTest, OnlyLatestVersionsCount) {
  PutIdentities();
  PutCampaign();
  Put({Malware(1, "Shardloader"), Indicator(10),
       // First the relationship says indicator 10 indicates the malware...
       Relationship(10, "indicates", Id("indicator", 10), Id("malware", 1),
                    "2024-01-01T00:00:00.000Z"),
       // ... and Alpha's sighting says Bravo saw it, with count 7.
       Sighting(1, 10, {2}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z", ",\"count\":7",
                "2024-06-01T00:00:00.000Z"),
       Sighting(2, 2, {2}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"),
       Identity(2, "Bravo SOC (old name)", "2023-01-01T00:00:00.000Z")});
  Put({// Later versions: the indicator indicates the campaign, and Alpha saw it, twice.
       Relationship(10, "indicates", Id("indicator", 10), Id("campaign", 1),
                    "2024-02-01T00:00:00.000Z"),
       Sighting(1, 10, {1}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z", ",\"count\":2",
                "2024-06-02T00:00:00.000Z"),
       Identity(1, "Alpha CERT (new name)", "2024-05-01T00:00:00.000Z")});
  // Stored out of order: an older version arriving last changes nothing.
  Put({Sighting(1, 10, {3}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z", ",\"count\":9",
                "2024-05-01T00:00:00.000Z")});

  std::vector<SharedAdversary> found = Find();
  ASSERT_EQ(Names(found), std::vector<std::string>{"Operation Glass"});
  EXPECT_EQ(found[0].indicators,
            (std::vector<std::string>{Id("indicator", 2), Id("indicator", 10)}));
  ASSERT_EQ(found[0].sighters.size(), 2u);
  EXPECT_EQ(found[0].sighters[0].identity_id, Id("identity", 1));
  EXPECT_EQ(found[0].sighters[0].name, "Alpha CERT (new name)");
  EXPECT_EQ(found[0].sighters[0].count, 2u);
  EXPECT_EQ(found[0].sighters[1].name, "Bravo SOC");
  EXPECT_EQ(found[0].sighters[1].count, 1u);
}

TEST_F(AdversariesTest, DanglingReferencesAreSkipped) {
  Put({Identity(1, "Alpha CERT"), Campaign(1, "Operation Glass"), Indicator(1), Indicator(2),
       Relationship(1, "indicates", Id("indicator", 1), Id("campaign", 1)),
       // To a campaign and from an indicator the store does not hold.
       Relationship(2, "indicates", Id("indicator", 2), Id("campaign", 99)),
       Relationship(3, "indicates", Id("indicator", 99), Id("campaign", 1)),
       // Inheritance from and to threats the store does not hold.
       Relationship(4, "uses", Id("campaign", 1), Id("malware", 99)),
       Relationship(5, "attributed-to", Id("campaign", 98), Id("intrusion-set", 99)),
       // Relationships of the wrong types or directions.
       Relationship(6, "indicates", Id("campaign", 1), Id("indicator", 2)),
       Relationship(7, "related-to", Id("indicator", 2), Id("campaign", 1)),
       // Sightings of indicators nobody holds, of indicators of no held threat, and by an
       // identity the store does not hold (counted, without a name).
       Sighting(1, 99, {1}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"),
       Sighting(2, 2, {1}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"),
       Sighting(3, 2, {2}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"),
       Sighting(4, 1, {1}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"),
       Sighting(5, 1, {7}, "2024-02-02T00:00:00.000Z", "2024-02-02T00:00:00.000Z")});
  std::vector<SharedAdversary> found = Find();
  ASSERT_EQ(Names(found), std::vector<std::string>{"Operation Glass"});
  EXPECT_EQ(found[0].indicators, std::vector<std::string>{Id("indicator", 1)});
  ASSERT_EQ(found[0].sighters.size(), 2u);
  EXPECT_EQ(found[0].sighters[0].name, "Alpha CERT");
  EXPECT_EQ(found[0].sighters[1].identity_id, Id("identity", 7));
  EXPECT_EQ(found[0].sighters[1].name, "");
}

TEST_F(AdversariesTest, MalformedSightingsAreSkipped) {
  PutIdentities();
  PutCampaign();
  Put({Sighting(1, 1, {1}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z")});
  // Bravo's sightings, each broken in one way, stored without validation.
  const std::string v = "2024-06-01T00:00:00.000Z";
  const std::string ok_times =
      ",\"first_seen\":\"2024-02-01T00:00:00Z\",\"last_seen\":\"2024-02-01T00:00:00Z\"";
  const std::string of = ",\"sighting_of_ref\":" + Q(Id("indicator", 2));
  const std::string bravo = ",\"where_sighted_refs\":[" + Q(Id("identity", 2)) + "]";
  int n = 100;
  auto put = [&](const std::string& body) {
    const std::string id = Id("sighting", ++n);
    PutRaw(id, v, Head(id, v) + body + "}");
  };
  put(of + ok_times);                                                      // no where_sighted_refs
  put(of + ok_times + ",\"where_sighted_refs\":[]");                       // empty
  put(of + ok_times + ",\"where_sighted_refs\":" + Q(Id("identity", 2)));  // not an array
  put(of + ok_times + ",\"where_sighted_refs\":[42,null,{}]");             // not strings
  put(of + ok_times + ",\"where_sighted_refs\":[" + Q(Id("location", 2)) + "]");  // not identity
  put(of + ok_times + ",\"where_sighted_refs\":[\"identity--not-a-uuid\"]");
  put(bravo + ok_times);                                         // no sighting_of_ref
  put(bravo + ok_times + ",\"sighting_of_ref\":42");             // not a string
  put(of + bravo + ",\"first_seen\":\"yesterday\"");             // malformed
  put(of + bravo + ",\"first_seen\":\"2024-02-30T00:00:00Z\"");  // no such day
  put(of + bravo + ",\"last_seen\":1706745600");                 // not a string
  put(of + bravo +
      ",\"first_seen\":\"2024-03-01T00:00:00Z\",\"last_seen\":\"2024-02-01T00:00:00Z\"");
  put(of + bravo + ok_times + ",\"count\":1000000000");            // over the STIX maximum
  put(of + bravo + ok_times + ",\"count\":18446744073709551615");  // huge
  put(of + bravo + ok_times + ",\"count\":1e300");
  put(of + bravo + ok_times + ",\"count\":-1");
  put(of + bravo + ok_times + ",\"count\":0");  // not seen
  put(of + bravo + ok_times + ",\"count\":2.5");
  put(of + bravo + ok_times + ",\"count\":\"5\"");
  PutRaw(Id("sighting", 200), v, "{\"type\":\"sighting\",\"id\":");  // not JSON
  PutRaw(Id("sighting", 201), v, "[1,2,3]");                         // not an object
  EXPECT_TRUE(Find().empty());

  // With one sighter enough, only Alpha's good sighting counts.
  AdversaryOptions one;
  one.min_sighters = 1;
  std::vector<SharedAdversary> found = Find(one);
  ASSERT_EQ(found.size(), 1u);
  ASSERT_EQ(found[0].sighters.size(), 1u);
  EXPECT_EQ(found[0].sighters[0].sightings, 1u);
  EXPECT_EQ(found[0].indicators, std::vector<std::string>{Id("indicator", 1)});

  // A well-formed sighting among broken relationships and threats still counts.
  PutRaw(Id("relationship", 50), v, "{\"relationship_type\":\"indicates\"}");
  PutRaw(Id("campaign", 50), v, "not json at all");
  put(of + bravo + ok_times + ",\"count\":999999999");
  found = Find();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].sighters[1].count, 999999999u);
}

TEST_F(AdversariesTest, MissingTimesFallBack) {
  PutIdentities();
  PutCampaign();
  Put({// Only last_seen; only first_seen; neither (created: 2024-04-01).
       Sighting(1, 1, {1}, "", "2024-02-10T00:00:00.000Z"),
       Sighting(2, 2, {2}, "2024-02-11T00:00:00.000Z", ""), Sighting(3, 3, {3}, "", "")});
  std::vector<SharedAdversary> found = Find();
  ASSERT_EQ(found.size(), 1u);
  ASSERT_EQ(found[0].sighters.size(), 3u);
  EXPECT_EQ(found[0].sighters[0].first_seen, T("2024-02-10T00:00:00Z"));
  EXPECT_EQ(found[0].sighters[0].last_seen, T("2024-02-10T00:00:00Z"));
  EXPECT_EQ(found[0].sighters[1].first_seen, T("2024-02-11T00:00:00Z"));
  EXPECT_EQ(found[0].sighters[1].last_seen, T("2024-02-11T00:00:00Z"));
  EXPECT_EQ(found[0].sighters[2].first_seen, T("2024-04-01T00:00:00Z"));
  EXPECT_EQ(found[0].sighters[2].identity_id, Id("identity", 3));
}

TEST_F(AdversariesTest, SeveralIdentitiesInOneSighting) {
  PutIdentities();
  PutCampaign();
  // One sighting names Alpha twice and Bravo once, plus a location (not a sighter).
  Put({Head(Id("location", 1)) + ",\"country\":\"NZ\"}"});
  std::string sighting = Sighting(1, 1, {1, 2, 1}, "2024-02-01T00:00:00.000Z",
                                  "2024-02-01T00:00:00.000Z", ",\"count\":6");
  sighting.replace(sighting.find("\"where_sighted_refs\":["),
                   std::string("\"where_sighted_refs\":[").size(),
                   "\"where_sighted_refs\":[" + Q(Id("location", 1)) + ",");
  Put({sighting});
  std::vector<SharedAdversary> found = Find();
  ASSERT_EQ(found.size(), 1u);
  ASSERT_EQ(found[0].sighters.size(), 2u);
  for (const SighterView& s : found[0].sighters) {
    EXPECT_EQ(s.sightings, 1u) << s.name;
    EXPECT_EQ(s.count, 6u) << s.name;
  }
}

TEST_F(AdversariesTest, OrderedBySightersThenName) {
  PutIdentities();
  Put({Campaign(1, "Zulu"), Campaign(2, "Alpha"), Malware(3, "Mike"), Indicator(1), Indicator(2),
       Indicator(3), Relationship(1, "indicates", Id("indicator", 1), Id("campaign", 1)),
       Relationship(2, "indicates", Id("indicator", 2), Id("campaign", 2)),
       Relationship(3, "indicates", Id("indicator", 3), Id("malware", 3)),
       // Zulu: three sighters, in reverse order of identity; Alpha and Mike: two.
       Sighting(1, 1, {3}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"),
       Sighting(2, 1, {2}, "2024-02-02T00:00:00.000Z", "2024-02-02T00:00:00.000Z"),
       Sighting(3, 1, {1}, "2024-02-03T00:00:00.000Z", "2024-02-03T00:00:00.000Z"),
       Sighting(4, 2, {1}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"),
       Sighting(5, 2, {2}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"),
       Sighting(6, 3, {1}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"),
       Sighting(7, 3, {2}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z")});
  std::vector<SharedAdversary> found = Find();
  ASSERT_EQ(Names(found), (std::vector<std::string>{"Zulu", "Alpha", "Mike"}));
  ASSERT_EQ(found[0].sighters.size(), 3u);
  EXPECT_EQ(found[0].sighters[0].name, "Charlie ISAC");
  EXPECT_EQ(found[0].sighters[1].name, "Bravo SOC");
  EXPECT_EQ(found[0].sighters[2].name, "Alpha CERT");
  // Equal first_seen: by identity id.
  EXPECT_EQ(found[1].sighters[0].name, "Alpha CERT");
  EXPECT_EQ(found[1].sighters[1].name, "Bravo SOC");
}

TEST_F(AdversariesTest, SightedBeforePublication) {
  PutIdentities();
  PutCampaign();
  // Indicator 3 was created on 2024-01-15; Alpha's telemetry had it half a second and a day
  // earlier.
  Put({Sighting(1, 3, {1}, "2024-01-13T23:59:59.500Z", "2024-01-16T00:00:00.000Z"),
       Sighting(2, 3, {2}, "2024-01-15T00:00:00.250Z", "2024-01-16T00:00:00.000Z")});
  std::vector<SharedAdversary> found = Find();
  ASSERT_EQ(found.size(), 1u);
  ASSERT_EQ(found[0].sighters.size(), 2u);
  EXPECT_EQ(found[0].sighters[0].time_to_first_sighting_seconds, -86400);
  EXPECT_EQ(found[0].sighters[1].time_to_first_sighting_seconds, 0);
}

TEST_F(AdversariesTest, TlpIsTheMostRestrictiveOfWhatContributed) {
  PutIdentities();
  PutCampaign();
  const std::string amber =
      ",\"object_marking_refs\":[" + Q(std::string(stix::TlpMarkingId(stix::Tlp::kAmber))) + "]";
  const std::string green =
      ",\"object_marking_refs\":[" + Q(std::string(stix::TlpMarkingId(stix::Tlp::kGreen))) + "]";
  Put({Sighting(1, 1, {1}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z", green),
       Sighting(2, 2, {2}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z", green)});
  std::vector<SharedAdversary> found = Find();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].tlp, stix::Tlp::kGreen);
  Put({Sighting(3, 3, {2}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z", amber)});
  found = Find();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].tlp, stix::Tlp::kAmber);
  EXPECT_NE(AdversariesText(found).find("TLP:AMBER"), std::string::npos);
}

TEST_F(AdversariesTest, JsonParsesBack) {
  PutIdentities();
  PutCampaign();
  Put({Sighting(1, 1, {1}, "2024-02-01T00:00:00.123456Z", "2024-02-03T00:00:00.000Z",
                ",\"count\":4"),
       Sighting(2, 3, {2}, "2024-01-14T00:00:00.000Z", "2024-01-16T00:00:00.000Z")});
  std::vector<SharedAdversary> found = Find();
  ASSERT_EQ(found.size(), 1u);
  const std::string text = AdversariesJson(found);

  json::Parser parser;
  auto parsed = parser.Parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << text;
  json::ArrayView adversaries;
  ASSERT_EQ((*parsed)["adversaries"].get(adversaries), simdjson::SUCCESS) << text;
  ASSERT_EQ(adversaries.size(), 1u);
  json::Element a;
  ASSERT_EQ(adversaries.at(0).get(a), simdjson::SUCCESS);
  std::string_view s;
  ASSERT_EQ(a["id"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, Id("campaign", 1));
  ASSERT_EQ(a["type"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "campaign");
  ASSERT_EQ(a["name"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "Operation Glass");
  ASSERT_EQ(a["tlp"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "none");
  json::ArrayView indicators;
  ASSERT_EQ(a["indicators"].get(indicators), simdjson::SUCCESS);
  ASSERT_EQ(indicators.size(), 2u);
  ASSERT_EQ(indicators.at(1).get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, Id("indicator", 3));

  json::ArrayView sighters;
  ASSERT_EQ(a["sighters"].get(sighters), simdjson::SUCCESS);
  ASSERT_EQ(sighters.size(), 2u);
  json::Element bravo;
  ASSERT_EQ(sighters.at(0).get(bravo), simdjson::SUCCESS);
  ASSERT_EQ(bravo["identity"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, Id("identity", 2));
  ASSERT_EQ(bravo["name"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "Bravo SOC");
  ASSERT_EQ(bravo["first_seen"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "2024-01-14T00:00:00.000Z");
  ASSERT_EQ(bravo["published"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "2024-01-15T00:00:00.000Z");
  ASSERT_EQ(bravo["first_indicator"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, Id("indicator", 3));
  int64_t seconds = 0;
  ASSERT_EQ(bravo["time_to_first_sighting_seconds"].get(seconds), simdjson::SUCCESS);
  EXPECT_EQ(seconds, -86400);

  json::Element alpha;
  ASSERT_EQ(sighters.at(1).get(alpha), simdjson::SUCCESS);
  ASSERT_EQ(alpha["first_seen"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "2024-02-01T00:00:00.123456Z");
  ASSERT_EQ(alpha["last_seen"].get(s), simdjson::SUCCESS);
  EXPECT_EQ(s, "2024-02-03T00:00:00.000Z");
  uint64_t n = 0;
  ASSERT_EQ(alpha["sightings"].get(n), simdjson::SUCCESS);
  EXPECT_EQ(n, 1u);
  ASSERT_EQ(alpha["count"].get(n), simdjson::SUCCESS);
  EXPECT_EQ(n, 4u);
  ASSERT_EQ(alpha["time_to_first_sighting_seconds"].get(seconds), simdjson::SUCCESS);
  EXPECT_EQ(seconds, 31 * 86400);
}

TEST_F(AdversariesTest, JsonEscapesHostileNames) {
  SharedAdversary a;
  a.id = Id("malware", 1);
  a.type = "malware";
  a.name = "quote\" backslash\\ newline\n";
  SighterView s;
  s.identity_id = Id("identity", 1);
  s.name = "\x1b[31mred";
  a.sighters.push_back(s);
  const std::string text = AdversariesJson({a});
  json::Parser parser;
  auto parsed = parser.Parse(text);
  ASSERT_TRUE(parsed.ok()) << text;
  std::string_view name;
  ASSERT_EQ((*parsed)["adversaries"].at(0)["name"].get(name), simdjson::SUCCESS);
  EXPECT_EQ(name, a.name);

  const std::string human = AdversariesText({a});
  EXPECT_EQ(human.find('\x1b'), std::string::npos) << human;
  EXPECT_NE(human.find("?[31mred"), std::string::npos) << human;
  EXPECT_NE(human.find("quote\" backslash\\ newline?"), std::string::npos) << human;
}

TEST_F(AdversariesTest, TextIsATablePerAdversary) {
  PutIdentities();
  PutCampaign();
  Put({Sighting(1, 1, {1}, "2024-01-02T03:00:00.000Z", "2024-01-03T00:00:00.000Z", ",\"count\":4"),
       Sighting(2, 3, {7}, "2024-01-14T22:30:00.000Z", "2024-01-16T00:00:00.000Z")});
  const std::string text = AdversariesText(Find());
  EXPECT_EQ(text.rfind("campaign \"Operation Glass\"  " + Id("campaign", 1) + "\n", 0), 0u) << text;
  EXPECT_NE(text.find("\n  sighted by 2 identities through 2 indicators:\n    " +
                      Id("indicator", 1) + "\n    " + Id("indicator", 3) + "\n  SIGHTER"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("SIGHTER"), std::string::npos) << text;
  EXPECT_NE(text.find("FIRST SEEN"), std::string::npos) << text;
  // Alpha: 1 day 3 hours after publication. The unnamed identity 7 by its id, 1h 30m early.
  EXPECT_NE(text.find("Alpha CERT"), std::string::npos) << text;
  EXPECT_NE(text.find("+1d 3h"), std::string::npos) << text;
  EXPECT_NE(text.find(Id("identity", 7)), std::string::npos) << text;
  EXPECT_NE(text.find("-1h 30m"), std::string::npos) << text;
  // Columns line up: each sighter's row has its first_seen under the header's FIRST SEEN.
  const size_t header = text.find("  SIGHTER");
  ASSERT_NE(header, std::string::npos);
  std::vector<std::string> lines;
  for (size_t start = header; start < text.size();) {
    const size_t end = text.find('\n', start);
    ASSERT_NE(end, std::string::npos) << "the text ends with a newline";
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  ASSERT_EQ(lines.size(), 3u) << text;
  const size_t column = lines[0].find("FIRST SEEN");
  EXPECT_EQ(lines[1].find("2024-01-02T03:00:00.000Z"), column) << text;
  EXPECT_EQ(lines[2].find("2024-01-14T22:30:00.000Z"), column) << text;
}

TEST_F(AdversariesTest, TextShowsTheFirstIndicatorsOnly) {
  SharedAdversary a;
  a.id = Id("intrusion-set", 1);
  a.type = "intrusion-set";
  for (int i = 1; i <= 8; ++i) a.indicators.push_back(Id("indicator", i));
  SighterView s;
  s.identity_id = Id("identity", 1);
  s.time_to_first_sighting_seconds = 3 * 86400 + 5 * 3600 + 59;
  a.sighters.push_back(s);
  const std::string text = AdversariesText({a});
  EXPECT_EQ(text.rfind("intrusion-set (unnamed)  " + Id("intrusion-set", 1) + "\n", 0), 0u) << text;
  EXPECT_NE(text.find("sighted by 1 identity through 8 indicators:\n"), std::string::npos) << text;
  EXPECT_NE(text.find(Id("indicator", 5)), std::string::npos) << text;
  EXPECT_EQ(text.find(Id("indicator", 6)), std::string::npos) << text;
  EXPECT_NE(text.find("    and 3 more\n"), std::string::npos) << text;
  EXPECT_NE(text.find("+3d 5h"), std::string::npos) << text;
}

TEST_F(AdversariesTest, LimitsAreEnforced) {
  PutIdentities();
  PutCampaign();
  Put({Malware(1, "Shardloader"), Relationship(9, "uses", Id("campaign", 1), Id("malware", 1)),
       Relationship(10, "indicates", Id("indicator", 1), Id("malware", 1)),
       Sighting(1, 1, {1, 2}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z"),
       Sighting(2, 2, {2}, "2024-02-01T00:00:00.000Z", "2024-02-01T00:00:00.000Z")});
  ASSERT_EQ(Find().size(), 2u);

  AdversaryOptions options;
  options.max_relationships = 5;  // 5 read, plus 1 inherited
  auto found = FindSharedAdversaries(*store_, options);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(found.status().message().find("max_relationships"), std::string::npos)
      << found.status().message();
  options.max_relationships = 6;
  EXPECT_TRUE(FindSharedAdversaries(*store_, options).ok());

  options = {};
  options.max_indicators = 2;
  found = FindSharedAdversaries(*store_, options);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(found.status().message().find("max_indicators"), std::string::npos);
  options.max_indicators = 3;
  EXPECT_TRUE(FindSharedAdversaries(*store_, options).ok());

  options = {};
  options.max_sightings = 2;  // three (sighting, identity) pairs
  found = FindSharedAdversaries(*store_, options);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(found.status().message().find("max_sightings"), std::string::npos);
  options.max_sightings = 3;
  EXPECT_TRUE(FindSharedAdversaries(*store_, options).ok());

  options = {};
  options.min_sighters = 0;
  found = FindSharedAdversaries(*store_, options);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace concord::correlate
