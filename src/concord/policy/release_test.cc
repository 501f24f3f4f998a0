#include "concord/policy/release.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "concord/stix/tlp.h"
#include "concord/stix/validator.h"

namespace concord::policy {
namespace {

using stix::Tlp;

// Whether `text` contains `part`, saying what it is when not.
::testing::AssertionResult Contains(std::string_view text, std::string_view part) {
  if (text.find(part) != std::string_view::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "\"" << text << "\" does not contain \"" << part << "\"";
}

// The fixed TLP 2.0 marking-definition ids (as in stix/tlp.cc).
constexpr char kClearId[] = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487";
constexpr char kGreenId[] = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
constexpr char kAmberId[] = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
constexpr char kAmberStrictId[] = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003";
constexpr char kRedId[] = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
// TLP 1.0 RED of STIX 2.1 section 7.2.1.4.
constexpr char kRed1Id[] = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";
// A statement marking: not TLP.
constexpr char kStatementId[] = "marking-definition--d81f86b9-975b-4c0b-875e-810c5ad45a4f";

constexpr char kOwnIdentity[] = "identity--0d5e4b4c-1111-4a4a-8a8a-000000000000";
constexpr char kUsIdentity[] = "identity--0d5e4b4c-2222-4a4a-8a8a-000000000000";
constexpr char kUkIdentity[] = "identity--0d5e4b4c-3333-4a4a-8a8a-000000000000";
constexpr char kDeIdentity[] = "identity--0d5e4b4c-4444-4a4a-8a8a-000000000000";
constexpr char kFrIdentity[] = "identity--0d5e4b4c-5555-4a4a-8a8a-000000000000";

constexpr char kIndicatorId[] = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
constexpr char kMalwareId[] = "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b";
constexpr char kRelationshipId[] = "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad";

PartnerAgreement Partner(std::string name, std::string identity, Tlp max_tlp,
                         std::vector<std::string> types, bool pass_on) {
  PartnerAgreement p;
  p.name = std::move(name);
  p.identity_id = std::move(identity);
  p.max_tlp = max_tlp;
  p.types = std::move(types);
  p.pass_on = pass_on;
  return p;
}

// us: at most GREEN, every type, no passing on.
// uk: at most AMBER, indicators, malware, relationships and sightings, no passing on.
// de: at most AMBER+STRICT, every type, passing on allowed.
// fr: at most AMBER, every type, passing on allowed.
Agreements TestAgreements() {
  Agreements a;
  a.node.name = "here";
  a.node.identity_id = kOwnIdentity;
  a.partners.push_back(Partner("us", kUsIdentity, Tlp::kGreen, {"*"}, false));
  a.partners.push_back(Partner("uk", kUkIdentity, Tlp::kAmber,
                               {"indicator", "malware", "relationship", "sighting"}, false));
  a.partners.push_back(Partner("de", kDeIdentity, Tlp::kAmberStrict, {"*"}, true));
  a.partners.push_back(Partner("fr", kFrIdentity, Tlp::kAmber, {"*"}, true));
  return a;
}

Subject Object(std::string type, std::string id, Tlp tlp) {
  Subject s;
  s.type = std::move(type);
  s.id = std::move(id);
  s.tlp = tlp;
  return s;
}

Subject Indicator(Tlp tlp) { return Object("indicator", kIndicatorId, tlp); }

GranularMarking Granular(Tlp tlp, std::vector<std::string> selectors) {
  GranularMarking g;
  g.tlp = tlp;
  g.marking_ref = tlp == Tlp::kNone ? kStatementId : std::string(stix::TlpMarkingId(tlp));
  g.selectors = std::move(selectors);
  return g;
}

// Decides without references.
Decision DecideAlone(const Subject& s, std::string_view recipient, const Agreements& a) {
  return Decide(s, recipient, a, SubjectLookup());
}

// A lookup over `held`, by id.
SubjectLookup LookupIn(const std::map<std::string, Subject>& held) {
  return [&held](std::string_view id) -> const Subject* {
    auto it = held.find(std::string(id));
    return it == held.end() ? nullptr : &it->second;
  };
}

TEST(VerdictNameTest, Names) {
  EXPECT_EQ(VerdictName(Verdict::kRelease), "release");
  EXPECT_EQ(VerdictName(Verdict::kRedact), "redact");
  EXPECT_EQ(VerdictName(Verdict::kWithhold), "withhold");
}

TEST(DecisionTest, ReleasedMeansNotWithheld) {
  Decision d;
  EXPECT_FALSE(d.released());  // the default is to withhold
  d.verdict = Verdict::kRedact;
  EXPECT_TRUE(d.released());
  d.verdict = Verdict::kRelease;
  EXPECT_TRUE(d.released());
}

TEST(DecideTest, ReleasesWithinTheAgreement) {
  const Agreements a = TestAgreements();
  const Decision d = DecideAlone(Indicator(Tlp::kGreen), "us", a);
  EXPECT_EQ(d.verdict, Verdict::kRelease) << d.reason;
  EXPECT_TRUE(Contains(d.reason, "TLP:GREEN"));
  EXPECT_TRUE(Contains(d.reason, "us"));
  EXPECT_TRUE(d.redact.empty());
}

// Rule 1.
TEST(DecideTest, Rule1RedNeverLeaves) {
  const Agreements a = TestAgreements();
  for (const char* recipient : {"us", "uk", "de", "fr", "nobody", ""}) {
    const Decision d = DecideAlone(Indicator(Tlp::kRed), recipient, a);
    EXPECT_EQ(d.verdict, Verdict::kWithhold) << recipient;
    EXPECT_EQ(d.reason, "TLP:RED never leaves this node");
  }
  // Not even back to the partner that sent it or created it.
  Subject s = Indicator(Tlp::kRed);
  s.received_from = {"uk"};
  s.created_by_ref = kUkIdentity;
  const Decision d = DecideAlone(s, "uk", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "TLP:RED never leaves this node"));
}

// Rule 2.
TEST(DecideTest, Rule2NeedsAnAgreement) {
  const Agreements a = TestAgreements();
  Decision d = DecideAlone(Indicator(Tlp::kClear), "nl", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_EQ(d.reason, "no agreement with partner \"nl\"");

  d = DecideAlone(Indicator(Tlp::kClear), "", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "no agreement with partner"));

  // Names are compared exactly.
  d = DecideAlone(Indicator(Tlp::kClear), "US", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "\"US\""));

  // A hostile name cannot end the quote or start a new line.
  d = DecideAlone(Indicator(Tlp::kClear), "x\"\nTLP:CLEAR", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_EQ(d.reason.find('\n'), std::string::npos);

  // No agreements at all.
  d = DecideAlone(Indicator(Tlp::kClear), "us", Agreements());
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "no agreement with partner \"us\""));
}

// Rule 3.
TEST(DecideTest, Rule3ReturnsToTheSenderDespiteRules4To8) {
  const Agreements a = TestAgreements();
  // uk may not receive reports and at most AMBER, does not allow passing on; but it sent this.
  Subject s = Object("report", "report--1", Tlp::kAmberStrict);
  s.received_from = {"de", "uk"};
  Decision d = DecideAlone(s, "uk", a);
  EXPECT_EQ(d.verdict, Verdict::kRelease) << d.reason;
  EXPECT_TRUE(Contains(d.reason, "returns to uk"));
  EXPECT_TRUE(Contains(d.reason, "sent it"));

  // The same object to fr is withheld (rule 6: AMBER+STRICT is not passed on).
  d = DecideAlone(s, "fr", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
}

TEST(DecideTest, Rule3ReturnsToTheCreator) {
  Agreements a = TestAgreements();
  Subject s = Object("report", "report--1", Tlp::kNone);  // unmarked, and unmarked is kNone
  s.created_by_ref = kUkIdentity;
  Decision d = DecideAlone(s, "uk", a);
  EXPECT_EQ(d.verdict, Verdict::kRelease) << d.reason;
  EXPECT_TRUE(Contains(d.reason, "returns to uk"));
  EXPECT_TRUE(Contains(d.reason, "created it"));

  // Someone else's identity does not count, nor does an empty one.
  d = DecideAlone(s, "us", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  a.partners[0].identity_id = "";  // us
  s.created_by_ref = "";
  d = DecideAlone(s, "us", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
}

TEST(DecideTest, Rule3StillAppliesRule9) {
  Agreements a = TestAgreements();
  Subject s = Object("report", "report--1", Tlp::kAmber);
  s.received_from = {"uk"};
  // AMBER is more than uk's agreement would allow for reports (none at all), but it sent it:
  // only RED parts stay here.
  s.granular = {Granular(Tlp::kAmberStrict, {"description"}), Granular(Tlp::kRed, {"labels.[0]"})};
  a.node.granular = GranularHandling::kRedact;
  Decision d = DecideAlone(s, "uk", a);
  EXPECT_EQ(d.verdict, Verdict::kRedact) << d.reason;
  EXPECT_EQ(d.redact, std::vector<std::string>{"labels"});
  EXPECT_TRUE(Contains(d.reason, "returns to uk"));

  a.node.granular = GranularHandling::kWithhold;
  d = DecideAlone(s, "uk", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "TLP:RED"));
  EXPECT_TRUE(Contains(d.reason, "labels"));
}

// Rule 4.
TEST(DecideTest, Rule4TypeMustBeInTheAgreement) {
  const Agreements a = TestAgreements();
  Decision d = DecideAlone(Object("malware", kMalwareId, Tlp::kGreen), "uk", a);
  EXPECT_EQ(d.verdict, Verdict::kRelease) << d.reason;

  d = DecideAlone(Object("report", "report--1", Tlp::kGreen), "uk", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "uk may not receive report objects"));

  // An agreement with no types lets nothing through; "*" lets everything.
  Agreements none = TestAgreements();
  none.partners[1].types.clear();
  d = DecideAlone(Indicator(Tlp::kClear), "uk", none);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "indicator"));
  d = DecideAlone(Object("x-custom-thing", "x-custom-thing--1", Tlp::kClear), "us", a);
  EXPECT_EQ(d.verdict, Verdict::kRelease) << d.reason;
}

// Rule 5.
TEST(DecideTest, Rule5UnmarkedObjects) {
  Agreements a = TestAgreements();
  Decision d = DecideAlone(Indicator(Tlp::kNone), "de", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "no TLP marking"));
  EXPECT_TRUE(Contains(d.reason, "not released"));

  a.node.unmarked = Tlp::kGreen;
  d = DecideAlone(Indicator(Tlp::kNone), "us", a);
  EXPECT_EQ(d.verdict, Verdict::kRelease) << d.reason;
  EXPECT_TRUE(Contains(d.reason, "unmarked"));

  a.node.unmarked = Tlp::kAmber;
  d = DecideAlone(Indicator(Tlp::kNone), "us", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_EQ(d.reason,
            "us may receive at most TLP:GREEN; this object is unmarked, treated as "
            "TLP:AMBER");
  d = DecideAlone(Indicator(Tlp::kNone), "fr", a);
  EXPECT_EQ(d.verdict, Verdict::kRelease) << d.reason;

  // Unmarked treated as RED: never released (to anyone but its source).
  a.node.unmarked = Tlp::kRed;
  d = DecideAlone(Indicator(Tlp::kNone), "de", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "TLP:RED"));
}

// Rule 6.
TEST(DecideTest, Rule6PassingOn) {
  const Agreements a = TestAgreements();
  Subject s = Indicator(Tlp::kGreen);
  s.received_from = {"uk"};
  Decision d = DecideAlone(s, "us", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_EQ(d.reason, "received from uk, whose agreement does not allow passing on");

  s.received_from = {"de"};
  d = DecideAlone(s, "us", a);
  EXPECT_EQ(d.verdict, Verdict::kRelease) << d.reason;

  // Every origin must allow it.
  s.received_from = {"de", "uk"};
  d = DecideAlone(s, "fr", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "received from uk, whose agreement does not allow passing on"));

  // An origin without an agreement allows nothing.
  s.received_from = {"de", "gone"};
  d = DecideAlone(s, "fr", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "received from gone"));
  EXPECT_TRUE(Contains(d.reason, "no agreement"));

  // AMBER is for the recipient organisation only, even when it may pass on and fr may see AMBER.
  s.tlp = Tlp::kAmber;
  s.received_from = {"de"};
  d = DecideAlone(s, "fr", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "received from de"));
  EXPECT_TRUE(Contains(d.reason, "TLP:GREEN"));
  EXPECT_TRUE(Contains(d.reason, "this object is TLP:AMBER"));

  s.tlp = Tlp::kClear;
  d = DecideAlone(s, "fr", a);
  EXPECT_EQ(d.verdict, Verdict::kRelease) << d.reason;
}

// Rule 7.
TEST(DecideTest, Rule7AmberStrictOnlyFromItsOwner) {
  const Agreements a = TestAgreements();
  Decision d = DecideAlone(Indicator(Tlp::kAmberStrict), "de", a);
  EXPECT_EQ(d.verdict, Verdict::kRelease) << d.reason;
  EXPECT_TRUE(Contains(d.reason, "TLP:AMBER+STRICT"));

  d = DecideAlone(Indicator(Tlp::kAmberStrict), "fr", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "fr may receive at most TLP:AMBER"));
  EXPECT_TRUE(Contains(d.reason, "TLP:AMBER+STRICT"));

  // Someone else's AMBER+STRICT object is not ours to give, even to a recipient allowed it.
  Subject s = Indicator(Tlp::kAmberStrict);
  s.received_from = {"fr"};
  d = DecideAlone(s, "de", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "received from fr"));
  EXPECT_TRUE(Contains(d.reason, "TLP:AMBER+STRICT"));

  // Nor is one another organisation created that came in by other means (a file import).
  Subject imported = Indicator(Tlp::kAmberStrict);
  imported.created_by_ref = "identity--0d5e4b4c-9999-4a4a-8a8a-000000000000";
  d = DecideAlone(imported, "de", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "created by identity--0d5e4b4c-9999")) << d.reason;
}

// Rule 8.
TEST(DecideTest, Rule8MaxTlp) {
  const Agreements a = TestAgreements();
  Decision d = DecideAlone(Indicator(Tlp::kAmber), "us", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_EQ(d.reason, "us may receive at most TLP:GREEN; this object is TLP:AMBER");

  d = DecideAlone(Indicator(Tlp::kAmber), "uk", a);
  EXPECT_EQ(d.verdict, Verdict::kRelease) << d.reason;
  d = DecideAlone(Indicator(Tlp::kClear), "us", a);
  EXPECT_EQ(d.verdict, Verdict::kRelease) << d.reason;

  Agreements clear_only = TestAgreements();
  clear_only.partners[0].max_tlp = Tlp::kClear;
  d = DecideAlone(Indicator(Tlp::kGreen), "us", clear_only);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_EQ(d.reason, "us may receive at most TLP:CLEAR; this object is TLP:GREEN");

  // An agreement that (wrongly) says RED still never gets RED, nor unlimited AMBER+STRICT reuse.
  Agreements red = TestAgreements();
  red.partners[2].max_tlp = Tlp::kRed;
  d = DecideAlone(Indicator(Tlp::kRed), "de", red);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  d = DecideAlone(Indicator(Tlp::kAmberStrict), "de", red);
  EXPECT_EQ(d.verdict, Verdict::kRelease) << d.reason;
}

// Rule 9.
TEST(DecideTest, Rule9GranularWithheldByDefault) {
  const Agreements a = TestAgreements();  // GranularHandling::kWithhold
  Subject s = Indicator(Tlp::kGreen);
  s.granular = {Granular(Tlp::kAmber, {"description"})};
  const Decision d = DecideAlone(s, "us", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "granular TLP:AMBER marking"));
  EXPECT_TRUE(Contains(d.reason, kAmberId));
  EXPECT_TRUE(Contains(d.reason, "description"));
  EXPECT_TRUE(Contains(d.reason, "at most TLP:GREEN"));
  EXPECT_TRUE(Contains(d.reason, "withholding"));

  // uk may see AMBER: the same object goes.
  EXPECT_EQ(DecideAlone(s, "uk", a).verdict, Verdict::kRelease);
}

TEST(DecideTest, Rule9GranularRedacted) {
  Agreements a = TestAgreements();
  a.node.granular = GranularHandling::kRedact;
  Subject s = Indicator(Tlp::kGreen);
  s.granular = {Granular(Tlp::kAmber, {"labels.[1]", "description"}),
                Granular(Tlp::kRed, {"external_references.[0].url", "description"}),
                Granular(Tlp::kClear, {"name"}), Granular(Tlp::kNone, {"pattern"})};
  Decision d = DecideAlone(s, "us", a);
  EXPECT_EQ(d.verdict, Verdict::kRedact) << d.reason;
  EXPECT_EQ(d.redact, (std::vector<std::string>{"description", "external_references", "labels"}));
  EXPECT_TRUE(Contains(d.reason, "description, external_references and labels"));
  EXPECT_TRUE(d.released());

  // uk may see AMBER: only the RED part goes.
  d = DecideAlone(s, "uk", a);
  EXPECT_EQ(d.verdict, Verdict::kRedact) << d.reason;
  EXPECT_EQ(d.redact, (std::vector<std::string>{"description", "external_references"}));
}

TEST(DecideTest, Rule9RequiredPropertiesAreNotRedacted) {
  Agreements a = TestAgreements();
  a.node.granular = GranularHandling::kRedact;
  struct Case {
    const char* type;
    const char* selector;
  };
  for (const Case& c :
       {Case{"indicator", "pattern"}, Case{"indicator", "valid_from"}, Case{"indicator", "id"},
        Case{"indicator", "modified"}, Case{"indicator", "object_marking_refs"},
        Case{"indicator", "granular_markings.[0]"}, Case{"indicator", "created_by_ref"},
        Case{"malware", "name"}, Case{"malware", "is_family"}, Case{"relationship", "target_ref"},
        Case{"sighting", "sighting_of_ref"}, Case{"report", "object_refs.[2]"},
        Case{"note", "content"}, Case{"observed-data", "number_observed"},
        Case{"x-custom", "spec_version"}}) {
    Subject s = Object(c.type, std::string(c.type) + "--1", Tlp::kGreen);
    s.granular = {Granular(Tlp::kAmber, {"description", c.selector})};
    const Decision d = DecideAlone(s, "us", a);
    EXPECT_EQ(d.verdict, Verdict::kWithhold) << c.type << " " << c.selector;
    std::string property(c.selector);
    property = property.substr(0, property.find('.'));
    const std::string article = c.type[0] == 'i' || c.type[0] == 'o' ? "an " : "a ";
    EXPECT_TRUE(
        Contains(d.reason, property + ", which " + article + c.type + " cannot do without"));
  }
  // Optional ones are redacted.
  for (const Case& c : {Case{"indicator", "name"}, Case{"malware", "description"},
                        Case{"relationship", "description"}, Case{"x-custom", "name"}}) {
    Subject s = Object(c.type, std::string(c.type) + "--1", Tlp::kGreen);
    s.granular = {Granular(Tlp::kAmber, {c.selector})};
    const Decision d = DecideAlone(s, "us", a);
    EXPECT_EQ(d.verdict, Verdict::kRedact) << c.type << " " << c.selector << ": " << d.reason;
  }
}

TEST(DecideTest, Rule9GranularLevelFollowsTheObjectRules) {
  Agreements a = TestAgreements();
  a.node.granular = GranularHandling::kRedact;

  // Non-TLP granular markings say nothing about who may see: ignored (not "unmarked").
  Subject s = Indicator(Tlp::kGreen);
  s.granular = {Granular(Tlp::kNone, {"description"})};
  EXPECT_EQ(DecideAlone(s, "us", a).verdict, Verdict::kRelease);

  // RED parts never leave, whoever the recipient.
  s.granular = {Granular(Tlp::kRed, {"description"})};
  Decision d = DecideAlone(s, "de", a);
  EXPECT_EQ(d.verdict, Verdict::kRedact) << d.reason;
  EXPECT_EQ(d.redact, std::vector<std::string>{"description"});

  // AMBER+STRICT parts of our own object go to de, not to fr.
  s.granular = {Granular(Tlp::kAmberStrict, {"description"})};
  EXPECT_EQ(DecideAlone(s, "de", a).verdict, Verdict::kRelease);
  d = DecideAlone(s, "fr", a);
  EXPECT_EQ(d.verdict, Verdict::kRedact) << d.reason;

  // Passed on: parts above GREEN are removed even for a recipient that may see AMBER.
  s.received_from = {"de"};
  s.granular = {Granular(Tlp::kAmber, {"description"}), Granular(Tlp::kGreen, {"name"})};
  d = DecideAlone(s, "fr", a);
  EXPECT_EQ(d.verdict, Verdict::kRedact) << d.reason;
  EXPECT_EQ(d.redact, std::vector<std::string>{"description"});
}

TEST(DecideTest, Rule9SelectorsThatCannotBeRemovedWithhold) {
  Agreements a = TestAgreements();
  a.node.granular = GranularHandling::kRedact;
  Subject s = Indicator(Tlp::kGreen);
  s.granular = {Granular(Tlp::kAmber, {})};
  Decision d = DecideAlone(s, "us", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "selects no property"));

  s.granular = {Granular(Tlp::kAmber, {".[0]"})};
  d = DecideAlone(s, "us", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "names no property"));
}

// Rule 10.
TEST(DecideTest, Rule10RelationshipRevealingAWithheldObject) {
  const Agreements a = TestAgreements();
  std::map<std::string, Subject> held;
  held[kIndicatorId] = Indicator(Tlp::kAmber);
  held[kMalwareId] = Object("malware", kMalwareId, Tlp::kGreen);
  Subject rel = Object("relationship", kRelationshipId, Tlp::kGreen);
  rel.reveals = {kMalwareId, kIndicatorId};

  Decision d = Decide(rel, "us", a, LookupIn(held));
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_EQ(d.reason, std::string("reveals ") + kIndicatorId +
                          " which is withheld: us may receive at most TLP:GREEN; this object is "
                          "TLP:AMBER");

  // uk may see both.
  d = Decide(rel, "uk", a, LookupIn(held));
  EXPECT_EQ(d.verdict, Verdict::kRelease) << d.reason;

  // A RED referenced object keeps it from everyone.
  held[kIndicatorId].tlp = Tlp::kRed;
  d = Decide(rel, "de", a, LookupIn(held));
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, kIndicatorId));
  EXPECT_TRUE(Contains(d.reason, "TLP:RED never leaves this node"));
}

TEST(DecideTest, Rule10AppliesOnReturnToo) {
  const Agreements a = TestAgreements();
  std::map<std::string, Subject> held;
  held[kIndicatorId] = Indicator(Tlp::kRed);
  Subject sighting = Object("sighting", "sighting--1", Tlp::kGreen);
  sighting.received_from = {"uk"};
  sighting.reveals = {kIndicatorId};
  const Decision d = Decide(sighting, "uk", a, LookupIn(held));
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "reveals " + std::string(kIndicatorId)));
}

TEST(DecideTest, Rule10ReferencedObjectsByRules1To9Only) {
  Agreements a = TestAgreements();
  std::map<std::string, Subject> held;
  // The referenced relationship reveals a RED object; that is not followed.
  held[kIndicatorId] = Indicator(Tlp::kRed);
  Subject inner = Object("relationship", "relationship--inner", Tlp::kGreen);
  inner.reveals = {kIndicatorId};
  held[inner.id] = inner;
  Subject report = Object("report", "report--1", Tlp::kGreen);
  report.reveals = {inner.id};
  Decision d = Decide(report, "us", a, LookupIn(held));
  EXPECT_EQ(d.verdict, Verdict::kRelease) << d.reason;

  // A referenced object that would be redacted is released, so it does not hold the SRO back.
  a.node.granular = GranularHandling::kRedact;
  held[kMalwareId] = Object("malware", kMalwareId, Tlp::kGreen);
  held[kMalwareId].granular = {Granular(Tlp::kAmber, {"description"})};
  Subject rel = Object("relationship", kRelationshipId, Tlp::kGreen);
  rel.reveals = {kMalwareId};
  d = Decide(rel, "us", a, LookupIn(held));
  EXPECT_EQ(d.verdict, Verdict::kRelease) << d.reason;

  // The referenced object can be returning to its source.
  held[kIndicatorId] = Indicator(Tlp::kAmber);
  held[kIndicatorId].received_from = {"us"};
  rel.reveals = {kIndicatorId};
  d = Decide(rel, "us", a, LookupIn(held));
  EXPECT_EQ(d.verdict, Verdict::kRelease) << d.reason;
}

TEST(DecideTest, Rule10UnknownSelfAndNoLookup) {
  const Agreements a = TestAgreements();
  Subject rel = Object("relationship", kRelationshipId, Tlp::kGreen);
  rel.reveals = {"indicator--not-held", kRelationshipId, ""};

  // Not held here: nothing to reveal.
  std::map<std::string, Subject> held;
  EXPECT_EQ(Decide(rel, "us", a, LookupIn(held)).verdict, Verdict::kRelease);
  // An empty lookup holds nothing.
  EXPECT_EQ(Decide(rel, "us", a, SubjectLookup()).verdict, Verdict::kRelease);
  EXPECT_EQ(
      Decide(rel, "us", a, [](std::string_view) -> const Subject* { return nullptr; }).verdict,
      Verdict::kRelease);

  // A subject is not looked up for itself.
  int self_lookups = 0;
  const Subject withheld_copy = Object("relationship", kRelationshipId, Tlp::kRed);
  const SubjectLookup counting = [&](std::string_view id) -> const Subject* {
    if (id == kRelationshipId) {
      ++self_lookups;
      return &withheld_copy;
    }
    return nullptr;
  };
  EXPECT_EQ(Decide(rel, "us", a, counting).verdict, Verdict::kRelease);
  EXPECT_EQ(self_lookups, 0);

  // A lookup that returns the subject itself for another id is not followed either.
  rel.reveals = {"indicator--alias"};
  const SubjectLookup itself = [&rel](std::string_view) -> const Subject* { return &rel; };
  EXPECT_EQ(Decide(rel, "us", a, itself).verdict, Verdict::kRelease);
}

TEST(DecideTest, FirstRuleGivesTheReason) {
  Agreements a = TestAgreements();
  // Breaks rules 4, 6 and 8 for uk: rule 4 speaks.
  Subject s = Object("report", "report--1", Tlp::kAmberStrict);
  s.received_from = {"us"};
  Decision d = DecideAlone(s, "uk", a);
  EXPECT_EQ(d.verdict, Verdict::kWithhold);
  EXPECT_TRUE(Contains(d.reason, "report objects"));

  // Breaks rules 6 and 8 for us: rule 6 speaks.
  s.type = "indicator";
  s.received_from = {"uk"};
  d = DecideAlone(s, "us", a);
  EXPECT_TRUE(Contains(d.reason, "passing on"));
}

TEST(DecideTest, NeverCrashesOnOddInput) {
  Agreements a = TestAgreements();
  a.partners.push_back(PartnerAgreement());  // no name, no identity, no types
  Subject empty;
  for (const char* recipient : {"", "us", "nobody"}) {
    EXPECT_FALSE(Decide(empty, recipient, a, SubjectLookup()).released()) << recipient;
  }
  empty.reveals = {"", "x"};
  empty.granular = {GranularMarking(), Granular(Tlp::kRed, {""})};
  empty.received_from = {""};
  for (const char* recipient : {"", "us", "de"}) {
    const Decision d = Decide(empty, recipient, a, SubjectLookup());
    EXPECT_FALSE(d.released());
    EXPECT_FALSE(d.reason.empty());
  }
}

// ------------------------------------------------------------------------------------------------
// DescribeObject

constexpr char kIndicatorJson[] = R"json({
  "type": "indicator",
  "spec_version": "2.1",
  "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "created_by_ref": "identity--0d5e4b4c-3333-4a4a-8a8a-000000000000",
  "created": "2023-03-14T09:26:53.589Z",
  "modified": "2023-05-02T17:44:10.123Z",
  "name": "C2 server",
  "description": "Seen in \u00e9t\u00e9 2023",
  "labels": ["c2", "apt-x"],
  "pattern": "[ipv4-addr:value = '198.51.100.7']",
  "pattern_type": "stix",
  "valid_from": "2023-03-14T09:26:53Z",
  "confidence": 85,
  "object_marking_refs": [
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "marking-definition--d81f86b9-975b-4c0b-875e-810c5ad45a4f"
  ],
  "granular_markings": [
    {"marking_ref": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
     "selectors": ["description", "labels.[1]"]},
    {"lang": "fr", "selectors": ["name"]},
    {"marking_ref": "marking-definition--d81f86b9-975b-4c0b-875e-810c5ad45a4f",
     "selectors": ["name"]},
    {"marking_ref": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
     "selectors": ["confidence"]}
  ]
})json";

TEST(DescribeObjectTest, Indicator) {
  Result<Subject> s = DescribeObject(kIndicatorJson, {"uk"});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->id, kIndicatorId);
  EXPECT_EQ(s->type, "indicator");
  EXPECT_EQ(s->tlp, Tlp::kAmber);  // the most restrictive of GREEN, AMBER and a statement
  EXPECT_EQ(s->created_by_ref, kUkIdentity);
  EXPECT_EQ(s->received_from, std::vector<std::string>{"uk"});
  EXPECT_TRUE(s->reveals.empty());
  ASSERT_EQ(s->granular.size(), 3u);  // the "lang" marking is not a marking_ref
  EXPECT_EQ(s->granular[0].marking_ref, kRedId);
  EXPECT_EQ(s->granular[0].tlp, Tlp::kRed);
  EXPECT_EQ(s->granular[0].selectors, (std::vector<std::string>{"description", "labels.[1]"}));
  EXPECT_EQ(s->granular[1].marking_ref, kStatementId);
  EXPECT_EQ(s->granular[1].tlp, Tlp::kNone);
  EXPECT_EQ(s->granular[1].selectors, std::vector<std::string>{"name"});
  EXPECT_EQ(s->granular[2].tlp, Tlp::kAmberStrict);
}

TEST(DescribeObjectTest, EachTlpId) {
  const struct {
    const char* id;
    Tlp tlp;
  } cases[] = {{kClearId, Tlp::kClear},   {kGreenId, Tlp::kGreen},
               {kAmberId, Tlp::kAmber},   {kAmberStrictId, Tlp::kAmberStrict},
               {kRedId, Tlp::kRed},       {kRed1Id, Tlp::kRed},
               {kStatementId, Tlp::kNone}};
  for (const auto& c : cases) {
    const std::string json =
        std::string(R"({"type":"malware","id":"malware--1","object_marking_refs":[")") + c.id +
        R"("]})";
    Result<Subject> s = DescribeObject(json, {});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(s->tlp, c.tlp) << c.id;
  }
  // RED and CLEAR together: RED.
  Result<Subject> s =
      DescribeObject(std::string(R"({"type":"x","id":"x--1","object_marking_refs":[")") + kClearId +
                         "\",\"" + kRedId + "\"]}",
                     {});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->tlp, Tlp::kRed);
}

TEST(DescribeObjectTest, UnmarkedAndOwn) {
  Result<Subject> s = DescribeObject(R"({"type":"identity","id":"identity--1","name":"x"})", {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->tlp, Tlp::kNone);
  EXPECT_TRUE(s->granular.empty());
  EXPECT_TRUE(s->created_by_ref.empty());
  EXPECT_TRUE(s->received_from.empty());
  EXPECT_TRUE(s->reveals.empty());
}

TEST(DescribeObjectTest, RelationshipRevealsItsEnds) {
  Result<Subject> s = DescribeObject(
      R"({"type":"relationship","spec_version":"2.1",
          "id":"relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad",
          "created":"2023-03-14T09:26:53.589Z","modified":"2023-03-14T09:26:53.589Z",
          "relationship_type":"indicates",
          "source_ref":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
          "target_ref":"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b",
          "object_marking_refs":["marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"]})",
      {"de", "fr"});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->type, "relationship");
  EXPECT_EQ(s->tlp, Tlp::kClear);
  EXPECT_EQ(s->reveals, (std::vector<std::string>{kIndicatorId, kMalwareId}));
  EXPECT_EQ(s->received_from, (std::vector<std::string>{"de", "fr"}));
}

TEST(DescribeObjectTest, SightingRevealsWhatWasSeenWhereAndTheEvidence) {
  Result<Subject> s = DescribeObject(
      R"({"type":"sighting","spec_version":"2.1","id":"sighting--1",
          "created":"2023-03-14T09:26:53.589Z","modified":"2023-03-14T09:26:53.589Z",
          "sighting_of_ref":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
          "observed_data_refs":["observed-data--1","observed-data--2"],
          "where_sighted_refs":["identity--0d5e4b4c-1111-4a4a-8a8a-000000000000"],
          "count":3})",
      {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->reveals, (std::vector<std::string>{kIndicatorId, "observed-data--1",
                                                  "observed-data--2", kOwnIdentity}));
}

TEST(DescribeObjectTest, ContainersRevealTheirObjectRefs) {
  for (const char* type : {"report", "note", "opinion", "grouping", "observed-data"}) {
    const std::string json = std::string(R"({"type":")") + type + R"(","id":")" + type +
                             R"(--1","object_refs":["indicator--a","malware--b","indicator--a"]})";
    Result<Subject> s = DescribeObject(json, {});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ(s->reveals, (std::vector<std::string>{"indicator--a", "malware--b"})) << type;
  }
  // Other types' references are not listed (a malware's sample_refs is not a relationship).
  Result<Subject> s = DescribeObject(
      R"({"type":"malware","id":"malware--1","object_refs":["a--1"],"source_ref":"b--2"})", {});
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->reveals.empty());
}

TEST(DescribeObjectTest, WrongTypedMembersAreIgnored) {
  Result<Subject> s = DescribeObject(
      R"({"type":"relationship","id":"relationship--1","created_by_ref":7,
          "object_marking_refs":"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
          "granular_markings":[1,"x",null,{"marking_ref":5,"selectors":["a"]},
            {"marking_ref":"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
             "selectors":"description"},
            {"marking_ref":"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
             "selectors":[1,"name",{"a":1}]}],
          "source_ref":["x"],"target_ref":"malware--1"})",
      {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->tlp, Tlp::kNone);
  EXPECT_TRUE(s->created_by_ref.empty());
  ASSERT_EQ(s->granular.size(), 2u);
  EXPECT_EQ(s->granular[0].tlp, Tlp::kRed);
  EXPECT_TRUE(s->granular[0].selectors.empty());
  EXPECT_EQ(s->granular[1].selectors, std::vector<std::string>{"name"});
  EXPECT_EQ(s->reveals, std::vector<std::string>{"malware--1"});

  s = DescribeObject(R"({"type":"x","id":"x--1","granular_markings":{"a":1},
                         "object_marking_refs":[1,null]})",
                     {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->granular.empty());
}

TEST(DescribeObjectTest, NotAnObjectIsInvalidArgument) {
  for (const char* text :
       {"", "   ", "{", R"({"type":"indicator","id":)", "[]", "42", "null", R"("indicator")",
        R"({"type":"indicator"})", R"({"id":"indicator--1"})", R"({"type":"indicator","id":7})",
        R"({"type":["x"],"id":"x--1"})", R"({"type":"","id":"x--1"})", R"({"type":"x","id":""})",
        R"({"type":"x","id":"x--1"} trailing)"}) {
    Result<Subject> s = DescribeObject(text, {});
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_TRUE(Contains(s.status().message(), "STIX object")) << text;
  }
  EXPECT_TRUE(Contains(DescribeObject("[1]", {}).status().message(), "got an array"));
  EXPECT_TRUE(Contains(DescribeObject(R"({"type":"indicator"})", {}).status().message(), "\"id\""));
  EXPECT_TRUE(
      Contains(DescribeObject(R"({"id":"indicator--1"})", {}).status().message(), "\"type\""));
}

TEST(DescribeObjectTest, EveryPrefixOfAnObjectIsHandled) {
  const std::string text = kIndicatorJson;
  for (size_t n = 0; n < text.size(); ++n) {
    Result<Subject> s = DescribeObject(std::string_view(text).substr(0, n), {});
    EXPECT_FALSE(s.ok()) << n;
    Result<std::string> r = Redact(std::string_view(text).substr(0, n), {"description"});
    EXPECT_FALSE(r.ok()) << n;
  }
}

TEST(DescribeObjectTest, DescribedObjectIsDecided) {
  Agreements a = TestAgreements();
  a.node.granular = GranularHandling::kRedact;
  Result<Subject> s = DescribeObject(kIndicatorJson, {"de"});
  ASSERT_TRUE(s.ok());
  // AMBER passed on: withheld from fr; returned to de and its creator uk.
  EXPECT_EQ(DecideAlone(*s, "fr", a).verdict, Verdict::kWithhold);
  const Decision to_uk = DecideAlone(*s, "uk", a);
  EXPECT_EQ(to_uk.verdict, Verdict::kRedact) << to_uk.reason;
  EXPECT_EQ(to_uk.redact, (std::vector<std::string>{"description", "labels"}));
}

// ------------------------------------------------------------------------------------------------
// Redact

constexpr char kMarkedJson[] =
    R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
    R"("created":"2023-03-14T09:26:53.589Z","modified":"2023-05-02T17:44:10.123Z",)"
    R"("name":"C2\u0020server","description":"Seen in \u00e9t\u00e9 \/ 2023",)"
    R"("labels":["c2","apt-x"],"pattern":"[ipv4-addr:value = '198.51.100.7']",)"
    R"("pattern_type":"stix","valid_from":"2023-03-14T09:26:53Z","confidence":85,)"
    R"("x_score":1.50e2,)"
    R"("object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],)"
    R"("granular_markings":[)"
    R"({"marking_ref":"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1","selectors":["description","labels.[1]"]},)"
    R"({"lang":"fr","selectors":["labels.[0]"]},)"
    R"({"marking_ref":"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487","selectors":["name","description"]},)"
    R"({"marking_ref":"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421","selectors":["confidence"]}]})";

TEST(RedactTest, RemovesPropertiesAndKeepsTheRestByteForByte) {
  Result<std::string> r = Redact(kMarkedJson, {"description", "labels"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::string expected =
      R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",)"
      R"("created":"2023-03-14T09:26:53.589Z","modified":"2023-05-02T17:44:10.123Z",)"
      R"("name":"C2\u0020server",)"
      R"("pattern":"[ipv4-addr:value = '198.51.100.7']",)"
      R"("pattern_type":"stix","valid_from":"2023-03-14T09:26:53Z","confidence":85,)"
      R"("x_score":1.50e2,)"
      R"("object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],)"
      R"("granular_markings":[)"
      R"({"marking_ref":"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487","selectors":["name"]},)"
      R"({"marking_ref":"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421","selectors":["confidence"]}]})";
  EXPECT_EQ(*r, expected);

  // What is left is valid STIX: no selector points at a removed property.
  stix::Validator validator;
  EXPECT_TRUE(validator.Validate(kMarkedJson).ok());
  const stix::Validation v = validator.Validate(*r);
  EXPECT_TRUE(v.ok()) << (v.diagnostics.empty() ? "" : v.diagnostics[0].message);
}

TEST(RedactTest, RemovesGranularMarkingsWhenNoneIsLeft) {
  Result<std::string> r = Redact(kMarkedJson, {"confidence", "description", "labels", "name"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->find("granular_markings"), std::string::npos);
  EXPECT_EQ(r->find("\"name\""), std::string::npos);
  EXPECT_NE(r->find(R"("x_score":1.50e2,"object_marking_refs":[)"), std::string::npos);
  EXPECT_EQ(r->back(), '}');
  EXPECT_EQ(r->find(",}"), std::string::npos);
  stix::Validator validator;
  EXPECT_TRUE(validator.Validate(*r).ok()) << *r;
}

TEST(RedactTest, KeepsMarkingsOnOtherProperties) {
  Result<std::string> r = Redact(kMarkedJson, {"confidence"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::string expected = kMarkedJson;
  expected.erase(expected.find(R"("confidence":85,)"),
                 std::string_view(R"("confidence":85,)").size());
  const std::string last =
      R"(,{"marking_ref":"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421","selectors":["confidence"]})";
  expected.erase(expected.find(last), last.size());
  EXPECT_EQ(*r, expected);
}

TEST(RedactTest, MinifiesFirst) {
  Result<std::string> r = Redact(kIndicatorJson, {"description"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->find('\n'), std::string::npos);
  EXPECT_EQ(r->find("description"), std::string::npos);
  EXPECT_NE(r->find(R"("name":"C2 server","labels":["c2","apt-x"],)"), std::string::npos);
  // The RED marking still covers labels.[1]; the others are untouched.
  EXPECT_NE(r->find(R"("selectors":["labels.[1]"]},{"lang":"fr","selectors":["name"]})"),
            std::string::npos);
  Result<Subject> s = DescribeObject(*r, {});
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->granular.size(), 3u);
  EXPECT_EQ(s->granular[0].selectors, std::vector<std::string>{"labels.[1]"});
}

TEST(RedactTest, NothingToRemove) {
  const std::string minified = R"({"type":"x","id":"x--1","a":[1,2.0e1,"\u0041"]})";
  Result<std::string> r = Redact(minified, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, minified);
  r = Redact(minified, {"b", "granular_markings"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, minified);
  r = Redact(" {\"type\" : \"x\",\n \"id\":\"x--1\"}\n", {"b"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, R"({"type":"x","id":"x--1"})");
}

TEST(RedactTest, RemovingGranularMarkingsItself) {
  Result<std::string> r = Redact(kMarkedJson, {"granular_markings", "description"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->find("granular_markings"), std::string::npos);
  EXPECT_EQ(r->find("description"), std::string::npos);
}

TEST(RedactTest, OddGranularEntriesAreKept) {
  const std::string json =
      R"({"type":"x","id":"x--1","a":1,"b":2,"granular_markings":[7,{"marking_ref":"m"},)"
      R"({"marking_ref":"n","selectors":"a"},{"selectors":[]},{"selectors":[3,"a"]},)"
      R"({"marking_ref":"o","selectors":["a","a.[0]"]}]})";
  Result<std::string> r = Redact(json, {"a"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, R"({"type":"x","id":"x--1","b":2,"granular_markings":[7,{"marking_ref":"m"},)"
                R"({"marking_ref":"n","selectors":"a"},{"selectors":[]},{"selectors":[3]}]})");
}

TEST(RedactTest, MemberNamesWithEscapes) {
  const std::string json =
      R"({"type":"x","id":"x--1","de\u0073cription":"secret","granular_\u006darkings":[)"
      R"({"marking_ref":"m","selectors":["description"]},{"marking_ref":"n","selectors":["id"]}]})";
  Result<std::string> r = Redact(json, {"description"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, R"({"type":"x","id":"x--1","granular_\u006darkings":[)"
                R"({"marking_ref":"n","selectors":["id"]}]})");
}

TEST(RedactTest, NotAnObject) {
  for (const char* text : {"", "[1,2]", "{\"a\":", "\"x\""}) {
    Result<std::string> r = Redact(text, {"a"});
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_TRUE(Contains(r.status().message(), "Redact")) << text;
  }
}

TEST(RedactTest, RandomlyDamagedTextNeverCrashes) {
  constexpr uint64_t kSeed = 20240611;
  std::mt19937_64 rng(kSeed);
  const std::string original = kMarkedJson;
  const std::string_view alphabet = "{}[]\",:0a\\ .e-";
  const std::vector<std::string> properties = {"description", "labels", "name", "confidence"};
  int redacted = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = original;
    const int changes = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < changes; ++k) {
      const size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0:
          text[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          text.erase(at, 1 + rng() % 8);
          break;
        default:
          text.insert(at, 1, alphabet[rng() % alphabet.size()]);
      }
    }
    SCOPED_TRACE("seed " + std::to_string(kSeed) + ", case " + std::to_string(i) + ": " + text);
    Result<Subject> before = DescribeObject(text, {});
    Result<std::string> r = Redact(text, properties);
    if (!r.ok()) {
      EXPECT_NE(r.status().code(), StatusCode::kInternal) << r.status().ToString();
      continue;
    }
    ++redacted;
    Result<Subject> after = DescribeObject(*r, {});
    if (before.ok()) {
      ASSERT_TRUE(after.ok()) << after.status().ToString() << "\n" << *r;
      EXPECT_EQ(after->id, before->id);
      EXPECT_EQ(after->tlp, before->tlp);
      for (const GranularMarking& g : after->granular) {
        for (const std::string& selector : g.selectors) {
          const std::string property = selector.substr(0, selector.find('.'));
          EXPECT_EQ(std::count(properties.begin(), properties.end(), property), 0) << selector;
        }
      }
    }
  }
  EXPECT_GT(redacted, 100);
}

TEST(RedactTest, FollowsADecision) {
  Agreements a = TestAgreements();
  a.node.granular = GranularHandling::kRedact;
  Result<Subject> s = DescribeObject(kMarkedJson, {});
  ASSERT_TRUE(s.ok());
  const Decision d = DecideAlone(*s, "us", a);  // RED and AMBER parts go
  ASSERT_EQ(d.verdict, Verdict::kRedact) << d.reason;
  EXPECT_EQ(d.redact, (std::vector<std::string>{"confidence", "description", "labels"}));
  Result<std::string> r = Redact(kMarkedJson, d.redact);
  ASSERT_TRUE(r.ok());
  Result<Subject> after = DescribeObject(*r, {});
  ASSERT_TRUE(after.ok());
  const Decision again = DecideAlone(*after, "us", a);
  EXPECT_EQ(again.verdict, Verdict::kRelease) << again.reason;
  stix::Validator validator;
  EXPECT_TRUE(validator.Validate(*r).ok()) << *r;
}

}  // namespace
}  // namespace concord::policy
