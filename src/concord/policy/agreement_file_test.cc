#include "concord/policy/agreement_file.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>

namespace concord::policy {
namespace {

using stix::Tlp;

constexpr std::string_view kUkIdentity = "identity--b3bbe2a4-7a1d-4f5e-9c3e-1f2a3b4c5d6e";
constexpr std::string_view kUsIdentity = "identity--6b0c6c3e-5d1a-4e8f-8a2b-0c1d2e3f4a5b";
constexpr std::string_view kNlIdentity = "identity--0f4c2d6e-8b1a-4c3d-a2e1-5f6a7b8c9d0e";
constexpr std::string_view kMarking = "marking-definition--d81f86b9-975b-4c0b-875e-810c5ad45a4f";

// Every key of the format, with values other than the defaults where there is a choice.
constexpr std::string_view kFullFile = R"(# Agreements of the UK node
[node]
name = "uk"
identity = "identity--b3bbe2a4-7a1d-4f5e-9c3e-1f2a3b4c5d6e"
unmarked = "green"
granular = "redact"
sync_interval = 300

[[partner]]
name = "us"
identity = "identity--6b0c6c3e-5d1a-4e8f-8a2b-0c1d2e3f4a5b"
cert_sha256 = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89"
max_tlp = "amber+strict"
types = ["indicator", "malware", "sighting", "identity"]
read = ["shared", "ransomware"]
write = ["from-us"]
pass_on = true
accepted_markings = ["marking-definition--d81f86b9-975b-4c0b-875e-810c5ad45a4f"]
url = "https://us-node.example:8444/api/"
token_file = "secrets/us.token"
ca_file = "/etc/concord/us-ca.pem"
client_cert_file = "certs/uk-client.pem"
client_key_file = "certs/uk-client.key"

  [[partner.pull]]
  collection = "ransomware"
  into = "from-us"

  [[partner.pull]]
  collection = "a3f1c6e2-2b7d-4c8e-9f0a-1b2c3d4e5f60"
  into = "from-us-2"

  [partner.sightings]
  send = true
  evidence = "observed-values"
  collection = "sightings"

[[partner]]
name = "nl.cert"
identity = "identity--0f4c2d6e-8b1a-4c3d-a2e1-5f6a7b8c9d0e"
max_tlp = "WHITE"
types = ["*"]
)";

// Lines 1-3: the node. kPartner adds lines 4-8; what a test appends starts on line 9.
constexpr std::string_view kNode = R"([node]
name = "uk"
identity = "identity--b3bbe2a4-7a1d-4f5e-9c3e-1f2a3b4c5d6e"
)";
constexpr std::string_view kPartner = R"([[partner]]
name = "us"
identity = "identity--6b0c6c3e-5d1a-4e8f-8a2b-0c1d2e3f4a5b"
max_tlp = "amber"
types = ["indicator"]
)";

std::string WithPartner(std::string_view extra) {
  return std::string(kNode) + std::string(kPartner) + std::string(extra);
}

// The 1-based line on which the `nth` (from 1) occurrence of `needle` in `text` is.
int LineOf(std::string_view text, std::string_view needle, int nth = 1) {
  size_t at = std::string_view::npos;
  size_t from = 0;
  for (int i = 0; i < nth; ++i) {
    at = text.find(needle, from);
    if (at == std::string_view::npos) return -1;
    from = at + 1;
  }
  int line = 1;
  for (size_t i = 0; i < at; ++i) line += text[i] == '\n';
  return line;
}

Result<Agreements> Parse(std::string_view text, std::string_view base_dir = "") {
  return ParseAgreements(text, "agreements.toml", base_dir);
}

// The parse fails with InvalidArgument "agreements.toml:<line>: ..." whose message contains
// `reason`.
testing::AssertionResult FailsAt(std::string_view text, int line, std::string_view reason) {
  Result<Agreements> r = Parse(text);
  if (r.ok()) return testing::AssertionFailure() << "parsed, expected an error";
  const Status& s = r.status();
  if (s.code() != StatusCode::kInvalidArgument) {
    return testing::AssertionFailure() << "code is not invalid argument: " << s.ToString();
  }
  const std::string prefix = "agreements.toml:" + std::to_string(line) + ": ";
  if (!s.message().starts_with(prefix)) {
    return testing::AssertionFailure() << "expected line " << line << ": " << s.message();
  }
  if (s.message().find(reason) == std::string::npos) {
    return testing::AssertionFailure() << "no \"" << reason << "\" in: " << s.message();
  }
  return testing::AssertionSuccess() << s.message();
}

// ---------------------------------------------------------------------------------------------
// Valid files.

TEST(AgreementFileTest, FullFileRoundTrips) {
  Result<Agreements> r = Parse(kFullFile, "/etc/concord");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const Agreements& a = *r;

  EXPECT_EQ(a.node.name, "uk");
  EXPECT_EQ(a.node.identity_id, kUkIdentity);
  EXPECT_EQ(a.node.unmarked, Tlp::kGreen);
  EXPECT_EQ(a.node.granular, GranularHandling::kRedact);
  EXPECT_EQ(a.node.sync_interval, std::chrono::seconds(300));

  ASSERT_EQ(a.partners.size(), 2u);
  const PartnerAgreement& us = a.partners[0];
  EXPECT_EQ(us.name, "us");
  EXPECT_EQ(us.identity_id, kUsIdentity);
  EXPECT_EQ(us.cert_sha256, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
  EXPECT_EQ(us.max_tlp, Tlp::kAmberStrict);
  EXPECT_EQ(us.types, (std::vector<std::string>{"indicator", "malware", "sighting", "identity"}));
  EXPECT_EQ(us.read, (std::vector<std::string>{"shared", "ransomware"}));
  EXPECT_EQ(us.write, (std::vector<std::string>{"from-us"}));
  EXPECT_TRUE(us.pass_on);
  EXPECT_EQ(us.accepted_markings, (std::vector<std::string>{std::string(kMarking)}));
  EXPECT_EQ(us.url, "https://us-node.example:8444/api/");
  EXPECT_EQ(us.token_file, "/etc/concord/secrets/us.token");
  EXPECT_EQ(us.ca_file, "/etc/concord/us-ca.pem");
  EXPECT_EQ(us.client_cert_file, "/etc/concord/certs/uk-client.pem");
  EXPECT_EQ(us.client_key_file, "/etc/concord/certs/uk-client.key");
  ASSERT_EQ(us.pull.size(), 2u);
  EXPECT_EQ(us.pull[0].collection, "ransomware");
  EXPECT_EQ(us.pull[0].into, "from-us");
  EXPECT_EQ(us.pull[1].collection, "a3f1c6e2-2b7d-4c8e-9f0a-1b2c3d4e5f60");
  EXPECT_EQ(us.pull[1].into, "from-us-2");
  EXPECT_TRUE(us.sightings.send);
  EXPECT_EQ(us.sightings.evidence, Evidence::kObservedValues);
  EXPECT_EQ(us.sightings.collection, "sightings");
  EXPECT_TRUE(us.MayReceiveType("malware"));
  EXPECT_FALSE(us.MayReceiveType("report"));

  // The second partner has every default.
  const PartnerAgreement& nl = a.partners[1];
  EXPECT_EQ(nl.name, "nl.cert");
  EXPECT_EQ(nl.identity_id, kNlIdentity);
  EXPECT_EQ(nl.cert_sha256, "");
  EXPECT_EQ(nl.max_tlp, Tlp::kClear);  // "WHITE": TLP 1.0's name, any case
  EXPECT_EQ(nl.types, (std::vector<std::string>{"*"}));
  EXPECT_TRUE(nl.MayReceiveType("report"));
  EXPECT_TRUE(nl.read.empty());
  EXPECT_TRUE(nl.write.empty());
  EXPECT_FALSE(nl.pass_on);
  EXPECT_TRUE(nl.accepted_markings.empty());
  EXPECT_EQ(nl.url, "");
  EXPECT_EQ(nl.token_file, "");
  EXPECT_EQ(nl.ca_file, "");
  EXPECT_EQ(nl.client_cert_file, "");
  EXPECT_EQ(nl.client_key_file, "");
  EXPECT_TRUE(nl.pull.empty());
  EXPECT_FALSE(nl.sightings.send);
  EXPECT_EQ(nl.sightings.evidence, Evidence::kCounts);
  EXPECT_EQ(nl.sightings.collection, "");

  EXPECT_EQ(a.Find("nl.cert"), &a.partners[1]);
  EXPECT_EQ(a.FindByIdentity(kUsIdentity), &a.partners[0]);
}

TEST(AgreementFileTest, NodeDefaultsAndNoPartners) {
  Result<Agreements> r = Parse(kNode);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->node.name, "uk");
  EXPECT_EQ(r->node.unmarked, Tlp::kNone);
  EXPECT_EQ(r->node.granular, GranularHandling::kWithhold);
  EXPECT_EQ(r->node.sync_interval, std::chrono::seconds(60));
  EXPECT_TRUE(r->partners.empty());
}

TEST(AgreementFileTest, UnmarkedValues) {
  const std::pair<std::string_view, Tlp> cases[] = {
      {"withhold", Tlp::kNone}, {"WITHHOLD", Tlp::kNone},
      {"clear", Tlp::kClear},   {"white", Tlp::kClear},
      {"green", Tlp::kGreen},   {"amber", Tlp::kAmber},
      {"AMBER", Tlp::kAmber},   {"amber+strict", Tlp::kAmberStrict}};
  for (const auto& [value, tlp] : cases) {
    Result<Agreements> r =
        Parse(std::string(kNode) + "unmarked = \"" + std::string(value) + "\"\n");
    ASSERT_TRUE(r.ok()) << value << ": " << r.status().ToString();
    EXPECT_EQ(r->node.unmarked, tlp) << value;
  }
}

TEST(AgreementFileTest, MaxTlpValues) {
  const std::pair<std::string_view, Tlp> cases[] = {{"clear", Tlp::kClear},
                                                    {"white", Tlp::kClear},
                                                    {"green", Tlp::kGreen},
                                                    {"amber", Tlp::kAmber},
                                                    {"amber+strict", Tlp::kAmberStrict},
                                                    {"Amber+Strict", Tlp::kAmberStrict}};
  for (const auto& [value, tlp] : cases) {
    std::string text = WithPartner("");
    text.replace(text.find("\"amber\""), 7, "\"" + std::string(value) + "\"");
    Result<Agreements> r = Parse(text);
    ASSERT_TRUE(r.ok()) << value << ": " << r.status().ToString();
    EXPECT_EQ(r->partners[0].max_tlp, tlp) << value;
  }
}

TEST(AgreementFileTest, EvidenceValues) {
  const std::pair<std::string_view, Evidence> cases[] = {
      {"none", Evidence::kNone},
      {"counts", Evidence::kCounts},
      {"observed-values", Evidence::kObservedValues}};
  for (const auto& [value, evidence] : cases) {
    Result<Agreements> r =
        Parse(WithPartner("[partner.sightings]\nevidence = \"" + std::string(value) + "\"\n"));
    ASSERT_TRUE(r.ok()) << value << ": " << r.status().ToString();
    EXPECT_EQ(r->partners[0].sightings.evidence, evidence);
    EXPECT_EQ(EvidenceName(evidence), value);
  }
}

TEST(AgreementFileTest, SyncIntervalBoundsAreIncluded) {
  for (int seconds : {5, 86400}) {
    Result<Agreements> r =
        Parse(std::string(kNode) + "sync_interval = " + std::to_string(seconds) + "\n");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->node.sync_interval, std::chrono::seconds(seconds));
  }
}

TEST(AgreementFileTest, InlineTablesAreTheSameAsTables) {
  // (TOML keeps an inline table on one line; the list of them may span several.)
  const std::string text =
      "node = { name = \"uk\", identity = \"" + std::string(kUkIdentity) + "\" }\n" +
      "partner = [\n  { name = \"us\", identity = \"" + std::string(kUsIdentity) +
      "\", max_tlp = \"green\", types = [\"*\"], url = \"http://127.0.0.1:8444/api/\", "
      "token_file = \"t\", pull = [ { collection = \"c\", into = \"d\" } ], "
      "sightings = { send = false } },\n]\n";
  Result<Agreements> r = Parse(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->partners.size(), 1u);
  EXPECT_EQ(r->partners[0].max_tlp, Tlp::kGreen);
  ASSERT_EQ(r->partners[0].pull.size(), 1u);
  EXPECT_EQ(r->partners[0].pull[0].into, "d");
}

TEST(AgreementFileTest, AcceptedUrls) {
  for (std::string_view url :
       {"https://us-node.example/api/", "https://us-node.example:8444/taxii/api1/",
        "https://10.1.2.3:443/api/", "https://[2001:db8::1]:8443/api/",
        "http://127.0.0.1:8444/api/", "http://[::1]:8444/api/", "http://localhost:8444/api/",
        "http://LOCALHOST/api/"}) {
    Result<Agreements> r =
        Parse(WithPartner("url = \"" + std::string(url) + "\"\ntoken_file = \"us.token\"\n"));
    ASSERT_TRUE(r.ok()) << url << ": " << r.status().ToString();
    EXPECT_EQ(r->partners[0].url, url);
  }
}

TEST(AgreementFileTest, ClientCertificateAloneAuthenticates) {
  Result<Agreements> r =
      Parse(WithPartner("url = \"https://us.example/api/\"\nclient_cert_file = \"c.pem\"\n"
                        "client_key_file = \"c.key\"\n"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->partners[0].token_file, "");
  EXPECT_EQ(r->partners[0].client_cert_file, "c.pem");  // no base_dir: as written
}

// ---------------------------------------------------------------------------------------------
// Paths.

TEST(AgreementFilePathTest, RelativePathsResolveAgainstBaseDir) {
  const std::string text = WithPartner(
      "token_file = \"secrets/us.token\"\nca_file = \"/abs/ca.pem\"\n"
      "client_cert_file = \"./c.pem\"\nclient_key_file = \"../keys/c.key\"\n");
  Result<Agreements> r = Parse(text, "/etc/concord");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const PartnerAgreement& p = r->partners[0];
  EXPECT_EQ(p.token_file, "/etc/concord/secrets/us.token");
  EXPECT_EQ(p.ca_file, "/abs/ca.pem");
  EXPECT_EQ(p.client_cert_file, "/etc/concord/./c.pem");
  EXPECT_EQ(p.client_key_file, "/etc/concord/../keys/c.key");

  // A trailing '/' on base_dir is not doubled; an empty base_dir leaves paths as written.
  r = Parse(text, "conf/");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->partners[0].token_file, "conf/secrets/us.token");
  r = Parse(text, "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->partners[0].token_file, "secrets/us.token");
  EXPECT_EQ(r->partners[0].ca_file, "/abs/ca.pem");
}

TEST(AgreementFilePathTest, EmptyPathIsAnError) {
  EXPECT_TRUE(
      FailsAt(WithPartner("ca_file = \"\"\n"), 9, "partner \"us\": ca_file must not be empty"));
}

// ---------------------------------------------------------------------------------------------
// The file as a whole.

TEST(AgreementFileErrorTest, NoNodeTable) {
  EXPECT_TRUE(FailsAt("", 1, "no [node] table"));
  EXPECT_TRUE(FailsAt("# only a comment\n\n", 1, "no [node] table"));
  EXPECT_TRUE(FailsAt(std::string("\n\n") + std::string(kPartner), 1, "no [node] table"));
}

TEST(AgreementFileErrorTest, SyntaxErrorGivesLine) {
  EXPECT_TRUE(FailsAt(WithPartner("pass_on = tru\n"), 9, "expected 'true'"));
  EXPECT_TRUE(FailsAt(std::string(kNode) + "name = \"again\"\n", 4, "name"));  // redefined
  EXPECT_TRUE(FailsAt("[node\nname = \"uk\"\n", 1, ""));
  EXPECT_TRUE(FailsAt(std::string(kNode) + "\n\nunmarked = \"green\n", 6, ""));
}

TEST(AgreementFileErrorTest, UnknownKeys) {
  EXPECT_TRUE(FailsAt(std::string(kNode) + "[nodes]\nname = \"x\"\n", 4,
                      "unknown key \"nodes\" (the keys of the top level are node, partner)"));
  EXPECT_TRUE(FailsAt(std::string(kNode) + "sync-interval = 60\n", 4,
                      "node: unknown key \"sync-interval\""));
  EXPECT_TRUE(FailsAt(WithPartner("max-tlp = \"red\"\n"), 9,
                      "partner \"us\": unknown key \"max-tlp\" (the keys of a [[partner]] are"));
  EXPECT_TRUE(
      FailsAt(WithPartner("url = \"https://us.example/api/\"\ntoken_file = \"t\"\n"
                          "[[partner.pull]]\ncollection = \"a\"\ninto = \"b\"\nintoo = 1\n"),
              14, "partner \"us\": unknown key \"pull.intoo\""));
  EXPECT_TRUE(FailsAt(WithPartner("[partner.sightings]\nsend = false\nevidense = \"none\"\n"), 11,
                      "partner \"us\": unknown key \"sightings.evidense\""));
  // A partner whose name is not good yet is named by its position.
  EXPECT_TRUE(FailsAt(std::string(kNode) + "[[partner]]\nnmae = \"us\"\n", 5,
                      "partner #1: unknown key \"nmae\""));
}

TEST(AgreementFileErrorTest, FirstUnknownKeyIsTheEarliest) {
  // Tables are maps ordered by key; the report follows the file.
  EXPECT_TRUE(FailsAt(std::string(kNode) + "zzz = 1\naaa = 2\n", 4, "\"zzz\""));
}

TEST(AgreementFileErrorTest, WrongTablesShapes) {
  EXPECT_TRUE(FailsAt("[[node]]\nname = \"uk\"\n", 1, "node must be a table ([node]), not a list"));
  EXPECT_TRUE(FailsAt("node = 3\n", 1, "node must be a table ([node]), not an integer"));
  EXPECT_TRUE(FailsAt(std::string(kNode) + "[partner]\nname = \"us\"\n", 4,
                      "partner must be a list of tables ([[partner]]), not a table"));
  EXPECT_TRUE(FailsAt("partner = [1]\n" + std::string(kNode), 1,
                      "partner #1: must be a table ([[partner]]), not an integer"));
  EXPECT_TRUE(FailsAt(WithPartner("pull = 3\n"), 9, "pull must be a list of tables"));
  EXPECT_TRUE(FailsAt(WithPartner("url = \"https://us.example/api/\"\ntoken_file = \"t\"\n"
                                  "pull = [\"x\"]\n"),
                      11, "each pull must be a table ([[partner.pull]]), not a string"));
  EXPECT_TRUE(FailsAt(WithPartner("sightings = true\n"), 9,
                      "sightings must be a table ([partner.sightings]), not a boolean"));
}

TEST(AgreementFileErrorTest, WrongValueTypes) {
  EXPECT_TRUE(FailsAt("[node]\nname = 7\n", 2, "node: name must be a string, not an integer"));
  EXPECT_TRUE(FailsAt(std::string(kNode) + "sync_interval = 60.0\n", 4,
                      "sync_interval must be a whole number of seconds, not a floating-point"));
  EXPECT_TRUE(FailsAt(std::string(kNode) + "sync_interval = \"60\"\n", 4,
                      "sync_interval must be a whole number of seconds, not a string"));
  EXPECT_TRUE(FailsAt(std::string(kNode) + "granular = true\n", 4,
                      "granular must be a string, not a boolean"));
  EXPECT_TRUE(FailsAt(WithPartner("pass_on = \"yes\"\n"), 9,
                      "partner \"us\": pass_on must be true or false, not a string"));
  EXPECT_TRUE(FailsAt(WithPartner("read = \"shared\"\n"), 9,
                      "read must be a list of strings, not a string"));
  EXPECT_TRUE(FailsAt(WithPartner("write = [\n  \"a\",\n  2,\n]\n"), 11,
                      "write[1] must be a string, not an integer"));
  EXPECT_TRUE(FailsAt(WithPartner("url = 1979-05-27\n"), 9, "url must be a string, not a date"));
  EXPECT_TRUE(FailsAt(WithPartner("[partner.sightings]\nsend = 1\n"), 10,
                      "sightings.send must be true or false, not an integer"));
}

// ---------------------------------------------------------------------------------------------
// [node].

TEST(AgreementFileNodeTest, RequiredKeysReportTheHeaderLine) {
  EXPECT_TRUE(FailsAt("# x\n[node]\nidentity = \"" + std::string(kUkIdentity) + "\"\n", 2,
                      "node: name is required"));
  EXPECT_TRUE(FailsAt("\n[node]\nname = \"uk\"\n", 2, "node: identity is required"));
}

TEST(AgreementFileNodeTest, Name) {
  EXPECT_TRUE(FailsAt("[node]\nname = \"u k\"\n", 2,
                      "node: name must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-', "
                      "not \"u k\""));
  EXPECT_TRUE(FailsAt("[node]\nname = \"\"\n", 2, "name must be 1-64"));
  EXPECT_TRUE(FailsAt("[node]\nname = \"" + std::string(65, 'a') + "\"\n", 2, "name must be 1-64"));
  std::string longest = std::string(kNode);
  longest.replace(longest.find("\"uk\""), 4, "\"" + std::string(64, 'a') + "\"");
  EXPECT_TRUE(Parse(longest).ok());
}

TEST(AgreementFileNodeTest, Identity) {
  const auto node = [](std::string_view identity) {
    return "[node]\nname = \"uk\"\nidentity = \"" + std::string(identity) + "\"\n";
  };
  EXPECT_TRUE(FailsAt(node("malware--b3bbe2a4-7a1d-4f5e-9c3e-1f2a3b4c5d6e"), 3,
                      "node: identity must be a STIX identity id, \"identity--\" and a lowercase "
                      "RFC 4122 UUID, not \"malware--"));
  EXPECT_TRUE(FailsAt(node("identity--B3BBE2A4-7A1D-4F5E-9C3E-1F2A3B4C5D6E"), 3,
                      "identity must be a STIX identity id"));
  EXPECT_TRUE(FailsAt(node("identity--b3bbe2a4-7a1d-4f5e-1c3e-1f2a3b4c5d6e"), 3,
                      "not an RFC 4122 UUID"));  // variant bits
  EXPECT_TRUE(FailsAt(node("uk"), 3, "identity must be a STIX identity id"));
}

TEST(AgreementFileNodeTest, Unmarked) {
  EXPECT_TRUE(FailsAt(std::string(kNode) + "unmarked = \"red\"\n", 4,
                      "node: unmarked must be one of withhold, clear, green, amber, amber+strict "
                      "(TLP:RED never leaves this node), not \"red\""));
  EXPECT_TRUE(FailsAt(std::string(kNode) + "unmarked = \"none\"\n", 4,
                      "unmarked must be one of withhold, clear, green, amber, amber+strict, not "
                      "\"none\""));
  EXPECT_TRUE(FailsAt(std::string(kNode) + "unmarked = \"purple\"\n", 4, "not \"purple\""));
}

TEST(AgreementFileNodeTest, GranularAndSyncInterval) {
  EXPECT_TRUE(FailsAt(std::string(kNode) + "granular = \"drop\"\n", 4,
                      "node: granular must be withhold or redact, not \"drop\""));
  EXPECT_TRUE(FailsAt(std::string(kNode) + "sync_interval = 4\n", 4,
                      "node: sync_interval must be between 5 and 86400 seconds, not 4"));
  EXPECT_TRUE(FailsAt(std::string(kNode) + "sync_interval = 86401\n", 4, "not 86401"));
  EXPECT_TRUE(FailsAt(std::string(kNode) + "sync_interval = -60\n", 4, "not -60"));
}

// ---------------------------------------------------------------------------------------------
// [[partner]].

TEST(AgreementFilePartnerTest, NameRequiredAndChecked) {
  EXPECT_TRUE(FailsAt(
      std::string(kNode) + "\n[[partner]]\nidentity = \"" + std::string(kUsIdentity) + "\"\n", 5,
      "partner #1: name is required"));
  EXPECT_TRUE(FailsAt(std::string(kNode) + "[[partner]]\nname = \"u/s\"\n", 5,
                      "partner #1: name must be 1-64 characters"));
}

TEST(AgreementFilePartnerTest, DuplicateName) {
  const std::string text = WithPartner("") + "\n[[partner]]\nname = \"us\"\n";
  EXPECT_TRUE(FailsAt(text, LineOf(text, "name = \"us\"", 2),
                      "partner \"us\": the name \"us\" is already used by the partner on line 5"));
}

TEST(AgreementFilePartnerTest, Identity) {
  std::string text = WithPartner("");
  text.replace(text.find(kUsIdentity), kUsIdentity.size(), kUkIdentity);  // the node's own
  EXPECT_TRUE(FailsAt(text, 6, "partner \"us\": identity is this node's own identity"));

  const std::string twice = WithPartner("") + "[[partner]]\nname = \"nl\"\nidentity = \"" +
                            std::string(kUsIdentity) + "\"\n";
  EXPECT_TRUE(FailsAt(twice, 11,
                      "partner \"nl\": identity \"" + std::string(kUsIdentity) +
                          "\" is already the identity of partner \"us\""));

  EXPECT_TRUE(FailsAt(std::string(kNode) + "[[partner]]\nname = \"us\"\n", 4,
                      "partner \"us\": identity is required"));
  EXPECT_TRUE(FailsAt(std::string(kNode) + "[[partner]]\nname = \"us\"\nidentity = \"" +
                          std::string(kMarking) + "\"\n",
                      6, "identity must be a STIX identity id"));
}

TEST(AgreementFilePartnerTest, CertSha256) {
  const std::string hex(64, 'a');
  Result<Agreements> r = Parse(WithPartner("cert_sha256 = \"" + hex + "\"\n"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->partners[0].cert_sha256, hex);

  EXPECT_TRUE(FailsAt(WithPartner("cert_sha256 = \"" + std::string(63, 'a') + "\"\n"), 9,
                      "partner \"us\": cert_sha256 must be a SHA-256 fingerprint, 64 hexadecimal "
                      "digits"));
  EXPECT_TRUE(FailsAt(WithPartner("cert_sha256 = \"" + std::string(64, 'g') + "\"\n"), 9,
                      "cert_sha256 must be a SHA-256 fingerprint"));
  EXPECT_TRUE(FailsAt(WithPartner("cert_sha256 = \"\"\n"), 9, "cert_sha256 must be"));

  // The same fingerprint written differently is still the same certificate.
  std::string colons;
  for (int i = 0; i < 32; ++i) colons += (i ? ":" : "") + std::string("AA");
  const std::string text = WithPartner("cert_sha256 = \"" + hex + "\"\n") +
                           "[[partner]]\nname = \"nl\"\nidentity = \"" + std::string(kNlIdentity) +
                           "\"\nmax_tlp = \"green\"\ntypes = [\"*\"]\ncert_sha256 = \"" + colons +
                           "\"\n";
  EXPECT_TRUE(FailsAt(text, 15,
                      "partner \"nl\": cert_sha256 is already the certificate of partner \"us\""));
}

TEST(AgreementFilePartnerTest, MaxTlp) {
  std::string red = WithPartner("");
  red.replace(red.find("\"amber\""), 7, "\"red\"");
  // The example of agreement_file.h, word for word.
  Result<Agreements> r = Parse(red);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "agreements.toml:7: partner \"us\": max_tlp must be one of clear, green, amber, "
            "amber+strict (TLP:RED never leaves this node), not \"red\"");

  std::string none = WithPartner("");
  none.replace(none.find("\"amber\""), 7, "\"none\"");
  EXPECT_TRUE(FailsAt(none, 7,
                      "max_tlp must be one of clear, green, amber, amber+strict, not "
                      "\"none\""));

  std::string missing = WithPartner("");
  missing.erase(missing.find("max_tlp"), std::string_view("max_tlp = \"amber\"\n").size());
  EXPECT_TRUE(FailsAt(missing, 4, "partner \"us\": max_tlp is required"));
}

TEST(AgreementFilePartnerTest, Types) {
  std::string text = WithPartner("");
  const size_t at = text.find("types = [\"indicator\"]");
  const auto with_types = [&](std::string_view types) {
    std::string t = text;
    t.replace(at, std::string_view("types = [\"indicator\"]").size(),
              "types = " + std::string(types));
    return t;
  };
  EXPECT_TRUE(FailsAt(with_types("[]"), 8,
                      "partner \"us\": types must name at least one type (\"*\" for all)"));
  EXPECT_TRUE(FailsAt(with_types("[\"*\", \"indicator\"]"), 8,
                      "types lists \"*\" (every type) with other types"));
  EXPECT_TRUE(FailsAt(with_types("[\"indicator\", \"Malware\"]"), 8,
                      "types[1] must be a STIX type name or \"*\""));
  EXPECT_TRUE(FailsAt(with_types("[\"ab\"]"), 8, "types[0] must be a STIX type name"));
  EXPECT_TRUE(FailsAt(with_types("[\"" + std::string(251, 'a') + "\"]"), 8,
                      "types[0] must be a STIX type name"));
  EXPECT_TRUE(Parse(with_types("[\"" + std::string(250, 'a') + "\"]")).ok());
  EXPECT_TRUE(FailsAt(with_types("[\"indicator\",\n  \"indicator\"]"), 9,
                      "types lists \"indicator\" twice (also on line 8)"));
  EXPECT_TRUE(FailsAt(with_types("\"*\""), 8, "types must be a list of strings, not a string"));

  std::string missing = text;
  missing.erase(at, std::string_view("types = [\"indicator\"]\n").size());
  EXPECT_TRUE(FailsAt(missing, 4, "partner \"us\": types is required"));
}

TEST(AgreementFilePartnerTest, CollectionsAndMarkings) {
  EXPECT_TRUE(FailsAt(WithPartner("read = [\"shared\", \"my stuff\"]\n"), 9,
                      "partner \"us\": read[1] must be a collection alias or id, 1-64 characters"));
  EXPECT_TRUE(FailsAt(WithPartner("write = [\"\"]\n"), 9, "write[0] must be a collection alias"));
  EXPECT_TRUE(FailsAt(WithPartner("read = [\"a\", \"a\"]\n"), 9, "read lists \"a\" twice"));
  EXPECT_TRUE(FailsAt(WithPartner("accepted_markings = [\"" + std::string(kUsIdentity) + "\"]\n"),
                      9, "accepted_markings[0] must be a marking-definition id"));
  EXPECT_TRUE(FailsAt(WithPartner("accepted_markings = [\"tlp:amber\"]\n"), 9,
                      "accepted_markings[0] must be a marking-definition id"));
}

TEST(AgreementFilePartnerTest, Url) {
  const auto url = [](std::string_view u) {
    return WithPartner("url = \"" + std::string(u) + "\"\ntoken_file = \"t\"\n");
  };
  EXPECT_TRUE(FailsAt(url("http://us.example/api/"), 9,
                      "partner \"us\": url must begin with https:// (http:// is accepted only for "
                      "127.0.0.1, ::1 and localhost)"));
  EXPECT_TRUE(FailsAt(url("http://127.0.0.2/api/"), 9, "http:// is accepted only for"));
  EXPECT_TRUE(FailsAt(url("https://us.example/api"), 9, "url must end with \"/\""));
  EXPECT_TRUE(FailsAt(url("https://us.example"), 9, "url must end with \"/\""));
  EXPECT_TRUE(FailsAt(url("ftp://us.example/api/"), 9, "url must begin with https://"));
  EXPECT_TRUE(FailsAt(url("HTTPS://us.example/api/"), 9, "url must begin with https://"));
  EXPECT_TRUE(FailsAt(url("https://user:pw@us.example/api/"), 9, "user name or password"));
  EXPECT_TRUE(FailsAt(url("https://us.example/api/?x=1/"), 9, "query or a fragment"));
  EXPECT_TRUE(FailsAt(url("https://us.example:0/api/"), 9, "port outside 1-65535"));
  EXPECT_TRUE(FailsAt(url("https://us.example:65536/api/"), 9, "port outside 1-65535"));
  EXPECT_TRUE(FailsAt(url("https://us.example:84a/api/"), 9, "port that is not a number"));
  EXPECT_TRUE(FailsAt(url("https://us.example:/api/"), 9, "empty port"));
  EXPECT_TRUE(FailsAt(url("https:///api/"), 9, "empty host"));
  EXPECT_TRUE(FailsAt(url("https://[::1/api/"), 9, "without its closing ']'"));
  EXPECT_TRUE(FailsAt(url("https://us_node.example/api/"), 9, "host name with characters"));
  EXPECT_TRUE(FailsAt(url("https://us.example/my api/"), 9, "must not contain spaces"));
}

TEST(AgreementFilePartnerTest, Credentials) {
  EXPECT_TRUE(FailsAt(WithPartner("url = \"https://us.example/api/\"\n"), 9,
                      "partner \"us\": url needs token_file or client_cert_file"));
  EXPECT_TRUE(FailsAt(WithPartner("url = \"https://us.example/api/\"\nca_file = \"ca.pem\"\n"), 9,
                      "url needs token_file or client_cert_file"));
  EXPECT_TRUE(FailsAt(WithPartner("client_cert_file = \"c.pem\"\n"), 9,
                      "partner \"us\": client_cert_file needs client_key_file"));
  EXPECT_TRUE(FailsAt(WithPartner("client_key_file = \"c.key\"\n"), 9,
                      "partner \"us\": client_key_file needs client_cert_file"));
}

TEST(AgreementFilePartnerTest, Pull) {
  const std::string with_url = "url = \"https://us.example/api/\"\ntoken_file = \"t\"\n";
  EXPECT_TRUE(FailsAt(WithPartner("[[partner.pull]]\ncollection = \"a\"\ninto = \"b\"\n"), 9,
                      "partner \"us\": pull needs url"));
  EXPECT_TRUE(Parse(WithPartner("pull = []\n")).ok());  // nothing to pull needs no url
  EXPECT_TRUE(FailsAt(WithPartner(with_url + "\n[[partner.pull]]\ncollection = \"a\"\n"), 12,
                      "partner \"us\": pull.into is required"));
  EXPECT_TRUE(FailsAt(WithPartner(with_url + "[[partner.pull]]\ninto = \"b\"\n"), 11,
                      "pull.collection is required"));
  EXPECT_TRUE(FailsAt(WithPartner(with_url + "[[partner.pull]]\ncollection = \"a b\"\ninto = "
                                             "\"b\"\n"),
                      12, "pull.collection must be the partner's collection alias or id"));
  EXPECT_TRUE(FailsAt(WithPartner(with_url + "[[partner.pull]]\ncollection = \"a\"\ninto = "
                                             "\"\"\n"),
                      13, "pull.into must be a local collection alias or id"));
  EXPECT_TRUE(
      FailsAt(WithPartner(with_url + "[[partner.pull]]\ncollection = \"a\"\ninto = \"b\"\n"
                                     "[[partner.pull]]\ncollection = \"a\"\ninto = \"c\"\n"),
              15, "collection \"a\" is pulled twice (also on line 12)"));
}

TEST(AgreementFilePartnerTest, Sightings) {
  const std::string with_url = "url = \"https://us.example/api/\"\ntoken_file = \"t\"\n";
  EXPECT_TRUE(FailsAt(WithPartner("[partner.sightings]\nsend = true\ncollection = \"s\"\n"), 10,
                      "partner \"us\": sightings.send = true needs url"));
  EXPECT_TRUE(FailsAt(WithPartner(with_url + "[partner.sightings]\nsend = true\n"), 11,
                      "partner \"us\": sightings.collection is required when sightings.send is "
                      "true"));
  EXPECT_TRUE(FailsAt(WithPartner("[partner.sightings]\ncollection = \"s\"\n"), 10,
                      "sightings.collection needs url"));
  EXPECT_TRUE(FailsAt(WithPartner("[partner.sightings]\nevidence = \"all\"\n"), 10,
                      "sightings.evidence must be one of none, counts, observed-values, not "
                      "\"all\""));
  EXPECT_TRUE(FailsAt(WithPartner(with_url + "[partner.sightings]\nsend = true\ncollection = "
                                             "\"a/b\"\n"),
                      13, "sightings.collection must be the partner's collection alias or id"));
  Result<Agreements> r = Parse(WithPartner("[partner.sightings]\nsend = false\n"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->partners[0].sightings.send);
  // Sightings sent back pass the release policy: the agreement must let them through.
  const std::string sends = with_url + "[partner.sightings]\nsend = true\ncollection = \"s\"\n";
  EXPECT_TRUE(FailsAt(WithPartner(sends), 11, "needs \"sighting\" in types"));
  std::string with_types = WithPartner(sends);
  with_types.replace(with_types.find("types = [\"indicator\"]"), 21,
                     "types = [\"sighting\", \"identity\"]");
  r = Parse(with_types);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  with_types.replace(with_types.find("max_tlp = \"amber\""), 17, "max_tlp = \"green\"");
  EXPECT_TRUE(FailsAt(with_types, 11, "needs max_tlp amber or more"));
}

// ---------------------------------------------------------------------------------------------
// Limits.

TEST(AgreementFileLimitTest, MostPartners) {
  std::string text(kNode);
  const auto add = [&](size_t i) {
    char uuid[64];
    std::snprintf(uuid, sizeof uuid, "identity--00000000-0000-4000-8000-%012zx", i);
    text += "[[partner]]\nname = \"p" + std::to_string(i) + "\"\nidentity = \"" + uuid +
            "\"\nmax_tlp = \"green\"\ntypes = [\"*\"]\n";
  };
  for (size_t i = 0; i < kMaxPartners; ++i) add(i);
  Result<Agreements> r = Parse(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->partners.size(), kMaxPartners);
  const int line = LineOf(text, "[[partner]]", 1) + 5 * static_cast<int>(kMaxPartners);
  add(kMaxPartners);
  EXPECT_TRUE(FailsAt(text, line, "more than 1000 partners"));
}

TEST(AgreementFileLimitTest, LongestList) {
  const auto list = [](size_t n) {
    std::string s = "read = [";
    for (size_t i = 0; i < n; ++i) s += "\"c" + std::to_string(i) + "\",\n";
    return s + "]\n";
  };
  Result<Agreements> r = Parse(WithPartner(list(kMaxPartners)));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->partners[0].read.size(), 1000u);
  EXPECT_TRUE(FailsAt(WithPartner(list(1001)), 9 + 1000, "read has more than 1000 entries"));
}

TEST(AgreementFileLimitTest, LongestString) {
  const std::string ok(1024 - 8, 'a');
  Result<Agreements> r = Parse(WithPartner("token_file = \"secrets/" + ok + "\"\n"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(FailsAt(WithPartner("token_file = \"secrets/" + ok + "a\"\n"), 9,
                      "partner \"us\": token_file is longer than 1024 bytes: \"secrets/aaaa"));
}

TEST(AgreementFileLimitTest, TextOverTheFileLimit) {
  std::string text = std::string(kNode) + "# " + std::string(kMaxAgreementsFileBytes, 'x') + "\n";
  Result<Agreements> r = Parse(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("more than the limit of 1048576"), std::string::npos)
      << r.status().message();
}

// ---------------------------------------------------------------------------------------------
// Hostile input: errors, never crashes, and user values shown only quoted and cut short.

TEST(AgreementFileHostileTest, EchoedValuesAreQuotedAndCut) {
  const std::string value = "a\"b\\c\x1b[31m" + std::string(200, 'z');
  Result<Agreements> r = Parse("[node]\nname = \"" + std::string("a\\\"b\\\\c\\u001b[31m") +
                               std::string(200, 'z') + "\"\n");
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  EXPECT_TRUE(
      m.starts_with("agreements.toml:2: node: name contains a control character: "
                    "\"a\\\"b\\\\c\\x1b[31mzzz"))
      << m;
  EXPECT_NE(m.find("zzz...\""), std::string::npos) << m;
  EXPECT_LT(m.size(), 200u) << m;
  EXPECT_EQ(m.find('\x1b'), std::string::npos);

  r = Parse(std::string(kNode) + "granular = \"" + std::string(5000, 'q') + "\"\n");
  ASSERT_FALSE(r.ok());
  EXPECT_LT(r.status().message().size(), 200u) << r.status().message();
}

TEST(AgreementFileHostileTest, DeeplyNestedArrays) {
  for (int depth : {100, 300, 100000}) {
    std::string text =
        WithPartner("read = " + std::string(depth, '[') + std::string(depth, ']') + "\n");
    Result<Agreements> r = Parse(text);
    ASSERT_FALSE(r.ok()) << depth;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(r.status().message().starts_with("agreements.toml:9: ")) << r.status().message();
  }
  // Inline tables likewise.
  std::string inl = std::string(kNode) + "x = ";
  for (int i = 0; i < 100000; ++i) inl += "{a=";
  inl += "1" + std::string(100000, '}') + "\n";
  EXPECT_TRUE(FailsAt(inl, 4, ""));
}

TEST(AgreementFileHostileTest, DeeplyDottedKeys) {
  // toml++ would build (and free) these recursively; they are refused before it sees them.
  std::string header = std::string(kNode) + "[partner";
  for (int i = 0; i < 100000; ++i) header += ".a";
  header += "]\n";
  EXPECT_TRUE(FailsAt(header, 4, "more than 8 dots outside strings"));

  std::string dotted = std::string(kNode) + "\n";
  for (int i = 0; i < 100000; ++i) dotted += "a.";
  dotted += "a = 1\n";
  EXPECT_TRUE(FailsAt(dotted, 5, "more than 8 dots outside strings"));

  std::string quoted = std::string(kNode);
  for (int i = 0; i < 100000; ++i) quoted += "\"a\".";
  quoted += "a = 1\n";
  EXPECT_TRUE(FailsAt(quoted, 4, "more than 8 dots outside strings"));

  // Multi-line strings that end in extra quotes do not hide what follows them.
  std::string trick = std::string(kNode) + "x = [\"\"\"\"q\"\"\"\", {";
  for (int i = 0; i < 100000; ++i) trick += "a.";
  trick += "a = 1}]\n";
  EXPECT_TRUE(FailsAt(trick, 4, "more than 8 dots outside strings"));
  std::string literal_trick = std::string(kNode) + "x = ['''''q''''', {";
  for (int i = 0; i < 100000; ++i) literal_trick += "a.";
  literal_trick += "a = 1}]\n";
  EXPECT_TRUE(FailsAt(literal_trick, 4, "more than 8 dots outside strings"));

  // Dots in strings and comments are not counted.
  const std::string dots(100, '.');
  EXPECT_TRUE(FailsAt(std::string(kNode) + "# " + dots + "\ngranular = \"" + dots + "\"\n", 5,
                      "granular must be withhold or redact"));
  EXPECT_TRUE(FailsAt(std::string(kNode) + "granular = '''\n" + dots + "\\\"\"\"'''\n", 4,
                      "granular must be withhold or redact"));
  EXPECT_TRUE(FailsAt(std::string(kNode) + "granular = \"\"\"\n\\\"\"\"" + dots + "\"\"\"\n", 4,
                      "granular must be withhold or redact"));
}

TEST(AgreementFileHostileTest, DeepestTreeWithinTheLimits) {
  // Lists spanning lines with inline tables of eight-dot keys in them, as deep as toml++ lets
  // lists and inline tables nest: the deepest tree that gets past the line check.
  std::string text = "x = [\n";
  for (int i = 0; i < 127; ++i) text += "{a.a.a.a.a.a.a.a.b = [\n";
  for (int i = 0; i < 127; ++i) text += "]}\n";
  text += "]\n" + std::string(kNode);
  Result<Agreements> r = Parse(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
}

TEST(AgreementFileHostileTest, NulBytes) {
  std::string raw = std::string(kNode) + "granular = \"with";
  raw += '\0';
  raw += "hold\"\n";
  EXPECT_TRUE(FailsAt(raw, 4, ""));
  EXPECT_TRUE(FailsAt(std::string(kNode) + "granular = \"with\\u0000hold\"\n", 4,
                      "granular contains a control character: \"with\\x00hold\""));
  std::string key = std::string(kNode);
  key += '\0';
  key += " = 1\n";
  EXPECT_TRUE(FailsAt(key, 4, ""));
}

TEST(AgreementFileHostileTest, InvalidUtf8) {
  EXPECT_TRUE(FailsAt(std::string(kNode) + "granular = \"\xff\xfe\"\n", 4, ""));
  EXPECT_TRUE(FailsAt(std::string(kNode) + "# \xc0\xaf overlong\n", 4, ""));
  EXPECT_TRUE(FailsAt("[node]\nname = \"\xed\xa0\x80\"\n", 2, ""));  // a surrogate
  // Valid UTF-8 that is not allowed in a name is reported escaped.
  EXPECT_TRUE(
      FailsAt("[node]\nname = \"\xc3\xa9t\xc3\xa9\"\n", 2, "not \"\\xc3\\xa9t\\xc3\\xa9\""));
}

TEST(AgreementFileHostileTest, HugeString) {
  const std::string text = std::string(kNode) + "granular = \"" +
                           std::string(kMaxAgreementsFileBytes - 200, 'x') + "\"\n";
  EXPECT_TRUE(FailsAt(text, 4, "granular is longer than 1024 bytes"));
}

TEST(AgreementFileHostileTest, RandomMutationsNeverCrash) {
  std::mt19937 rng(20240501);
  const std::string base(kFullFile);
  const char kBytes[] = "[]{}\"'.=#\n\\,\x00\xff x1-";
  int parsed = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text = base;
    const int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % text.size();
      switch (rng() % 4) {
        case 0:
          text[at] = kBytes[rng() % (sizeof kBytes - 1)];
          break;
        case 1:
          text.erase(at, 1 + rng() % 8);
          break;
        case 2:
          text.insert(at, 1, kBytes[rng() % (sizeof kBytes - 1)]);
          break;
        default:
          text.insert(at, text.substr(rng() % text.size(), rng() % 40));
          break;
      }
      if (text.empty()) text = "x";
    }
    Result<Agreements> r = Parse(text);
    if (r.ok()) {
      ++parsed;
    } else {
      EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().ToString();
      EXPECT_TRUE(r.status().message().starts_with("agreements.toml:")) << r.status().message();
    }
  }
  EXPECT_LT(parsed, 3000);
}

// ---------------------------------------------------------------------------------------------
// LoadAgreements.

class AgreementLoadTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "concord_agreements_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string Write(const std::string& name, std::string_view content) {
    const std::string path = dir_ + "/" + name;
    std::ofstream out(path, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    return path;
  }
  std::string dir_;
};

TEST_F(AgreementLoadTest, ReadsAndResolvesAgainstTheFilesDirectory) {
  const std::string path = Write("agreements.toml", kFullFile);
  Result<Agreements> r = LoadAgreements(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->partners.size(), 2u);
  EXPECT_EQ(r->partners[0].token_file, dir_ + "/secrets/us.token");
  EXPECT_EQ(r->partners[0].client_key_file, dir_ + "/certs/uk-client.key");
  EXPECT_EQ(r->partners[0].ca_file, "/etc/concord/us-ca.pem");
}

TEST_F(AgreementLoadTest, ErrorsNameThePath) {
  const std::string path = Write("bad.toml", WithPartner("pass_on = 1\n"));
  Result<Agreements> r = LoadAgreements(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(r.status().message().starts_with(path + ":9: partner \"us\": pass_on must be"))
      << r.status().message();
}

TEST_F(AgreementLoadTest, MissingFile) {
  Result<Agreements> r = LoadAgreements(dir_ + "/nothing.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound) << r.status().ToString();
  EXPECT_NE(r.status().message().find("nothing.toml"), std::string::npos);
  EXPECT_EQ(LoadAgreements(dir_ + "/nothing/a.toml").status().code(), StatusCode::kNotFound);
}

TEST_F(AgreementLoadTest, FileSizeLimit) {
  std::string text = std::string(kNode) + "#";
  text += std::string(kMaxAgreementsFileBytes - text.size() - 1, 'x') + "\n";
  ASSERT_EQ(text.size(), kMaxAgreementsFileBytes);
  Result<Agreements> r = LoadAgreements(Write("limit.toml", text));
  EXPECT_TRUE(r.ok()) << r.status().ToString();

  r = LoadAgreements(Write("over.toml", text + "\n"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << r.status().ToString();
  EXPECT_NE(r.status().message().find("over.toml"), std::string::npos);
}

TEST_F(AgreementLoadTest, DirectoryIsAnIoError) {
  Result<Agreements> r = LoadAgreements(dir_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError) << r.status().ToString();
}

TEST_F(AgreementLoadTest, FifoIsRefusedWithoutBlocking) {
  const std::string path = dir_ + "/fifo.toml";
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  Result<Agreements> r = LoadAgreements(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError) << r.status().ToString();
}

}  // namespace
}  // namespace concord::policy
