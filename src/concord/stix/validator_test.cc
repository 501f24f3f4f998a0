#include "concord/stix/validator.h"

#include <gtest/gtest.h>

#include <string>

#include "concord/base/hash.h"

namespace concord::stix {
namespace {

using Severity = Diagnostic::Severity;

constexpr std::string_view kIndicator = R"({
  "type": "indicator",
  "spec_version": "2.1",
  "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "created_by_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
  "created": "2016-04-06T20:03:48.000Z",
  "modified": "2016-04-06T20:03:48.123456Z",
  "indicator_types": ["malicious-activity"],
  "name": "Poison Ivy Malware",
  "pattern": "[ file:hashes.'SHA-256' = '4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877' ]",
  "pattern_type": "stix",
  "valid_from": "2016-01-01T00:00:00Z",
  "confidence": 85
})";

std::string Dump(const Validation& v) {
  std::string out;
  for (const Diagnostic& d : v.diagnostics) {
    out += d.severity == Severity::kError ? "error " : "warning ";
    out += d.path;
    out += ": ";
    out += d.message;
    out += '\n';
  }
  return out;
}

// Replaces the first occurrence of `from` in `text` (which must contain it).
std::string Replace(std::string_view text, std::string_view from, std::string_view to) {
  std::string s(text);
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

// The errors of `v` as "path: message" lines.
std::vector<std::string> Errors(const Validation& v) {
  std::vector<std::string> out;
  for (const Diagnostic& d : v.diagnostics) {
    if (d.severity == Severity::kError) out.push_back(d.path + ": " + d.message);
  }
  return out;
}

// True when `v` has an error at `path` whose message contains `fragment`.
::testing::AssertionResult HasError(const Validation& v, std::string_view path,
                                    std::string_view fragment) {
  for (const Diagnostic& d : v.diagnostics) {
    if (d.severity == Severity::kError && d.path == path &&
        d.message.find(fragment) != std::string::npos) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure()
         << "no error at \"" << path << "\" containing \"" << fragment << "\" in:\n"
         << Dump(v);
}

TEST(ValidatorTest, ValidIndicatorBecomesAnObject) {
  Validator validator;
  Validation v = validator.Validate(kIndicator);
  ASSERT_TRUE(v.ok()) << Dump(v);
  EXPECT_TRUE(v.diagnostics.empty()) << Dump(v);
  EXPECT_FALSE(v.upgraded_from_20);
  EXPECT_EQ(v.type, "indicator");
  EXPECT_EQ(v.id, "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  const Object& o = *v.object;
  EXPECT_EQ(o.type, "indicator");
  EXPECT_EQ(o.id, "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f");
  EXPECT_EQ(o.kind, ObjectKind::kSdo);
  EXPECT_EQ(o.spec_version, "2.1");
  EXPECT_EQ(o.version, "2016-04-06T20:03:48.123456000");
  EXPECT_FALSE(o.revoked);
  EXPECT_EQ(o.tlp, Tlp::kNone);
  EXPECT_EQ(o.tlp_including_granular, Tlp::kNone);
  EXPECT_EQ(o.json.find_first_of("\n"), std::string::npos);
  EXPECT_EQ(o.json.substr(0, 44), R"({"type":"indicator","spec_version":"2.1","id)");
  // Spaces inside strings are kept.
  EXPECT_NE(o.json.find("[ file:hashes.'SHA-256' = "), std::string::npos);
}

TEST(ValidatorTest, DigestIgnoresSpacingAndMemberOrderButJsonKeepsThem) {
  Validator validator;
  Validation a = validator.Validate(
      R"({"type":"identity","spec_version":"2.1","id":"identity--023d105b-752e-4e3c-941c-7d3f3cb15e9e","created":"2016-04-06T20:03:00.000Z","modified":"2016-04-06T20:03:00.000Z","name":"John Smith","x_acme_score":1.50})");
  Validation b = validator.Validate(R"(
    { "name" : "John Smith", "x_acme_score" : 1.5,
      "modified": "2016-04-06T20:03:00.000Z", "created": "2016-04-06T20:03:00.000Z",
      "id": "identity--023d105b-752e-4e3c-941c-7d3f3cb15e9e", "spec_version": "2.1",
      "type": "identity" }
  )");
  ASSERT_TRUE(a.ok()) << Dump(a);
  ASSERT_TRUE(b.ok()) << Dump(b);
  EXPECT_EQ(a.object->content_digest, b.object->content_digest);
  EXPECT_NE(a.object->json, b.object->json);
  EXPECT_NE(a.object->json.find("\"x_acme_score\":1.50"), std::string::npos);  // spelling kept
  EXPECT_EQ(b.object->json.substr(0, 20), R"({"name":"John Smith")");
  Validation c = validator.Validate(Replace(b.object->json, "John", "Jane"));
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a.object->content_digest, c.object->content_digest);
}

TEST(ValidatorTest, MalformedJsonGivesTheBytePosition) {
  Validator validator;
  Validation v = validator.Validate(R"({"type": "indicator", "id" "x"})");
  EXPECT_FALSE(v.ok());
  ASSERT_EQ(v.diagnostics.size(), 1u);
  EXPECT_EQ(v.diagnostics[0].severity, Severity::kError);
  EXPECT_EQ(v.diagnostics[0].path, "");
  EXPECT_NE(v.diagnostics[0].message.find("not valid JSON: byte 27"), std::string::npos)
      << v.diagnostics[0].message;
  EXPECT_NE(v.diagnostics[0].message.find("':'"), std::string::npos) << v.diagnostics[0].message;
}

TEST(ValidatorTest, LimitsAreErrorsNotCrashes) {
  ValidatorOptions options;
  options.limits.max_depth = 4;
  options.limits.max_value_bytes = 200;
  Validator validator(options);
  Validation deep = validator.Validate(R"({"type":"x-a","x_a":[[[[[1]]]]]})");
  EXPECT_TRUE(HasError(deep, "", "beyond the JSON limits"));
  Validation big =
      validator.Validate("{\"type\":\"x-abc\",\"x_y\":\"" + std::string(300, 'a') + "\"}");
  EXPECT_TRUE(HasError(big, "", "beyond the JSON limits"));
}

TEST(ValidatorTest, NotAnObject) {
  Validator validator;
  for (std::string_view text : {"[]", "42", "\"indicator\"", "null"}) {
    Validation v = validator.Validate(text);
    EXPECT_TRUE(HasError(v, "", "must be a JSON object")) << text;
  }
}

TEST(ValidatorTest, TypeProblems) {
  Validator validator;
  EXPECT_TRUE(HasError(validator.Validate(R"({"id":"x"})"), "type", "required property"));
  EXPECT_TRUE(HasError(validator.Validate(R"({"type":7})"), "type", "must be a string"));
  Validation bundle = validator.Validate(
      R"({"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[]})");
  EXPECT_TRUE(HasError(bundle, "", "this is a bundle"));
  EXPECT_EQ(bundle.type, "bundle");
  Validation custom = validator.Validate(
      R"({"type":"X_Widget","id":"X_Widget--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"})");
  EXPECT_TRUE(HasError(custom, "type", "valid custom type name"));
}

TEST(ValidatorTest, IdProblems) {
  Validator validator;
  const std::string_view good = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
  EXPECT_TRUE(HasError(validator.Validate(Replace(kIndicator, good,
                                                  "malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")),
                       "id", "must begin with the object's type, \"indicator--\""));
  EXPECT_TRUE(HasError(validator.Validate(Replace(
                           kIndicator, good, "indicator--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F")),
                       "id", "lowercase hexadecimal"));
  EXPECT_TRUE(HasError(validator.Validate(Replace(
                           kIndicator, good, "indicator--8e2e2d2b-17d4-4cbf-c38f-98ee46b3cd3f")),
                       "id", "RFC 4122"));
  EXPECT_TRUE(
      HasError(validator.Validate(Replace(
                   kIndicator, "\"id\": \"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\",", "")),
               "id", "required property is missing"));
}

TEST(ValidatorTest, Timestamps) {
  Validator validator;
  EXPECT_TRUE(HasError(validator.Validate(Replace(kIndicator, "2016-04-06T20:03:48.000Z",
                                                  "2016-04-06T20:03:48.000")),
                       "created", "missing the 'Z'"));
  EXPECT_TRUE(HasError(validator.Validate(Replace(kIndicator, "2016-04-06T20:03:48.000Z",
                                                  "2016-04-06T20:03:48.000+00:00")),
                       "created", "numeric offset"));
  EXPECT_TRUE(HasError(validator.Validate(Replace(kIndicator, "2016-04-06T20:03:48.000Z",
                                                  "2016-13-06T20:03:48.000Z")),
                       "created", "month 13"));
  EXPECT_TRUE(HasError(
      validator.Validate(Replace(kIndicator, "2016-04-06T20:03:48.000Z", "2016-04-06T20:03:48Z")),
      "created", "at least millisecond precision"));
  EXPECT_TRUE(HasError(validator.Validate(Replace(kIndicator, "2016-04-06T20:03:48.000Z",
                                                  "2016-04-07T20:03:48.000Z")),
                       "modified", "must be the same as or later than created"));
  // Other timestamps need no fraction.
  EXPECT_TRUE(validator.Validate(kIndicator).ok());
  EXPECT_TRUE(HasError(validator.Validate(Replace(kIndicator, "\"confidence\": 85",
                                                  "\"valid_until\": \"2015-01-01T00:00:00Z\"")),
                       "valid_until", "must be later than valid_from"));
}

TEST(ValidatorTest, CommonPropertyValues) {
  Validator validator;
  EXPECT_TRUE(HasError(validator.Validate(Replace(kIndicator, "85", "101")), "confidence",
                       "from 0 to 100, not 101"));
  EXPECT_TRUE(HasError(validator.Validate(Replace(kIndicator, "85", "50.5")), "confidence",
                       "must be an integer"));
  EXPECT_TRUE(validator.Validate(Replace(kIndicator, "85", "50.0")).ok());
  EXPECT_TRUE(HasError(
      validator.Validate(Replace(kIndicator, "\"confidence\": 85", "\"labels\": [\"a\", 2]")),
      "labels[1]", "must be a string, not the number 2"));
  EXPECT_TRUE(
      HasError(validator.Validate(Replace(kIndicator, "\"confidence\": 85", "\"labels\": []")),
               "labels", "must not be an empty list"));
  EXPECT_TRUE(HasError(
      validator.Validate(Replace(kIndicator, "\"confidence\": 85", "\"revoked\": \"yes\"")),
      "revoked", "must be true or false"));
  EXPECT_TRUE(HasError(validator.Validate(Replace(kIndicator, "\"confidence\": 85",
                                                  "\"lang\": \"english language\"")),
                       "lang", "RFC 5646"));
  EXPECT_TRUE(HasError(
      validator.Validate(Replace(kIndicator, "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
                                 "malware--f431f809-377b-45e0-aa1c-6a4751cae5ff")),
      "created_by_ref", "must refer to an identity, but \"malware--"));
  EXPECT_TRUE(HasError(
      validator.Validate(Replace(kIndicator, "\"confidence\": 85", "\"description\": null")),
      "description", "must not be null"));
  Validation revoked =
      validator.Validate(Replace(kIndicator, "\"confidence\": 85", "\"revoked\": true"));
  ASSERT_TRUE(revoked.ok());
  EXPECT_TRUE(revoked.object->revoked);
}

TEST(ValidatorTest, ExternalReferencePaths) {
  Validator validator;
  Validation v = validator.Validate(Replace(kIndicator, "\"confidence\": 85", R"(
    "external_references": [
      {"source_name": "capec", "external_id": "CAPEC-163"},
      {"source_name": "veris", "url": "https://example.com/x", "hashes": {"SHA-256": "abc"}},
      {"description": "no source"},
      {"source_name": "lonely"}
    ])"));
  EXPECT_TRUE(HasError(v, "external_references[1].hashes.SHA-256", "64 hexadecimal digits"));
  EXPECT_TRUE(HasError(v, "external_references[2].source_name", "required property is missing"));
  EXPECT_TRUE(HasError(v, "external_references[3]", "description, url or external_id"));
  EXPECT_EQ(Errors(v).size(), 3u) << Dump(v);
}

TEST(ValidatorTest, CustomPropertiesAreKeptAndNamesChecked) {
  Validator validator;
  Validation ok = validator.Validate(Replace(kIndicator, "\"confidence\": 85", R"(
    "x_acme_score": {"nested": [1, 2, {"deep": null}]},
    "x_acme_analyst_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
    "x_acme_related_refs": ["malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b"],
    "x_acme_flags_hex": "00ff",
    "x_acme_blob_bin": "TWFu")"));
  ASSERT_TRUE(ok.ok()) << Dump(ok);
  EXPECT_NE(ok.object->json.find(R"("x_acme_score":{"nested":[1,2,{"deep":null}]})"),
            std::string::npos);

  Validation bad = validator.Validate(Replace(kIndicator, "\"confidence\": 85", R"(
    "X-Acme": 1, "xy": 2, "_xyz": 3,
    "x_acme_other_ref": "not-an-id",
    "x_acme_more_refs": [],
    "x_acme_flags_hex": "0f0",
    "x_acme_blob_bin": "TWF",
    "x_acme_empty": [],
    "severity": "high")"));
  EXPECT_TRUE(
      HasError(bad, "X-Acme", "a property name may contain only a-z, 0-9 and '_', not 'X'"));
  EXPECT_TRUE(HasError(bad, "xy", "3 to 250 characters"));
  EXPECT_TRUE(HasError(bad, "_xyz", "must begin with a letter"));
  EXPECT_TRUE(HasError(bad, "x_acme_other_ref", "not a STIX identifier"));
  EXPECT_TRUE(HasError(bad, "x_acme_more_refs", "must not be an empty list"));
  EXPECT_TRUE(HasError(bad, "x_acme_flags_hex", "hexadecimal"));
  EXPECT_TRUE(HasError(bad, "x_acme_blob_bin", "base64"));
  EXPECT_TRUE(HasError(bad, "x_acme_empty", "must not be an empty list"));
  EXPECT_TRUE(HasError(bad, "severity", "reserved"));
}

TEST(ValidatorTest, DuplicateMembersAreErrors) {
  Validator validator;
  Validation v = validator.Validate(
      Replace(kIndicator, "\"confidence\": 85", "\"name\": \"again\", \"name\": \"and again\""));
  EXPECT_TRUE(HasError(v, "name", "appears more than once"));
  EXPECT_EQ(Errors(v).size(), 1u) << Dump(v);
}

TEST(ValidatorTest, GranularMarkings) {
  Validator validator;
  constexpr std::string_view kRed = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1";
  Validation ok = validator.Validate(Replace(kIndicator, "\"confidence\": 85", R"(
    "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"],
    "granular_markings": [
      {"selectors": ["name", "indicator_types.[0]"],
       "marking_ref": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"},
      {"selectors": ["pattern"], "marking_ref": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"},
      {"selectors": ["name"], "lang": "de"},
      {"selectors": ["object_marking_refs.[0]"],
       "marking_ref": "marking-definition--d81f86b9-975b-4c0b-875e-810c5ad45a4f"}
    ])"));
  ASSERT_TRUE(ok.ok()) << Dump(ok);
  EXPECT_EQ(ok.object->object_marking_refs,
            std::vector<std::string>{"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"});
  EXPECT_EQ(ok.object->granular_marking_refs,
            (std::vector<std::string>{std::string(kRed),
                                      "marking-definition--d81f86b9-975b-4c0b-875e-810c5ad45a4f"}));
  EXPECT_EQ(ok.object->tlp, Tlp::kGreen);
  EXPECT_EQ(ok.object->tlp_including_granular, Tlp::kRed);

  Validation bad = validator.Validate(Replace(kIndicator, "\"confidence\": 85", R"(
    "granular_markings": [
      {"selectors": ["name", "indicator_types.[5]", "description", "name.[0]", "name..x", "indicator_types.[x]"],
       "marking_ref": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"},
      {"selectors": ["name"], "lang": "de",
       "marking_ref": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"},
      {"selectors": ["name"]},
      {"selectors": [], "marking_ref": "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff"},
      {"marking_ref": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"}
    ])"));
  EXPECT_TRUE(HasError(bad, "granular_markings[0].selectors[1]",
                       "index 5 is out of range, indicator_types has 1 item(s)"));
  EXPECT_TRUE(
      HasError(bad, "granular_markings[0].selectors[2]", "has no property \"description\""));
  EXPECT_TRUE(HasError(bad, "granular_markings[0].selectors[3]", "is the string"));
  EXPECT_TRUE(HasError(bad, "granular_markings[0].selectors[4]", "empty component"));
  EXPECT_TRUE(HasError(bad, "granular_markings[0].selectors[5]", "not a list index"));
  EXPECT_TRUE(HasError(bad, "granular_markings[1]", "has both marking_ref and lang"));
  EXPECT_TRUE(HasError(bad, "granular_markings[2]", "has neither marking_ref nor lang"));
  EXPECT_TRUE(HasError(bad, "granular_markings[3].selectors", "must not be an empty list"));
  EXPECT_TRUE(
      HasError(bad, "granular_markings[3].marking_ref", "must refer to a marking-definition"));
  EXPECT_TRUE(HasError(bad, "granular_markings[4].selectors", "required property is missing"));
}

TEST(ValidatorTest, TlpOfObjectMarkings) {
  Validator validator;
  Validation v = validator.Validate(Replace(kIndicator, "\"confidence\": 85", R"(
    "object_marking_refs": ["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
                            "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
                            "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"])"));
  ASSERT_TRUE(v.ok()) << Dump(v);
  EXPECT_EQ(v.object->tlp, Tlp::kAmberStrict);
  EXPECT_EQ(v.object->tlp_including_granular, Tlp::kAmberStrict);
  EXPECT_EQ(v.object->object_marking_refs.size(), 3u);
}

TEST(ValidatorTest, Stix20IsUpgraded) {
  Validator validator;
  constexpr std::string_view k20 = R"({
    "type": "indicator",
    "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    "created": "2016-04-06T20:03:48Z",
    "modified": "2016-04-06T20:03:48.000Z",
    "labels": ["malicious-activity"],
    "pattern": "[file:name = 'x.exe']",
    "valid_from": "2016-01-01T00:00:00Z"
  })";
  Validation v = validator.Validate(k20);
  ASSERT_TRUE(v.ok()) << Dump(v);
  EXPECT_TRUE(v.upgraded_from_20);
  EXPECT_EQ(Errors(v).size(), 0u);
  ASSERT_EQ(v.diagnostics.size(), 2u) << Dump(v);
  EXPECT_EQ(v.diagnostics[0].severity, Severity::kWarning);
  EXPECT_EQ(v.diagnostics[0].path, "");
  EXPECT_NE(
      v.diagnostics[0].message.find("added spec_version \"2.1\", added pattern_type \"stix\""),
      std::string::npos)
      << Dump(v);
  EXPECT_EQ(v.diagnostics[1].path, "created");  // no milliseconds: a warning when upgraded
  EXPECT_EQ(v.object->spec_version, "2.1");
  EXPECT_EQ(v.object->json.substr(0, 62),
            R"({"spec_version":"2.1","pattern_type":"stix","type":"indicator")");
  EXPECT_EQ(v.object->version, "2016-04-06T20:03:48.000000000");

  // The upgrade pads created/modified to milliseconds (same instant, same version), so the
  // stored object is valid STIX 2.1 when read again: our own exports re-import cleanly.
  EXPECT_NE(v.object->json.find(R"("created":"2016-04-06T20:03:48.000Z")"), std::string::npos)
      << v.object->json;
  Validation reread = validator.Validate(v.object->json);
  ASSERT_TRUE(reread.ok()) << Dump(reread);
  EXPECT_FALSE(reread.upgraded_from_20);
  EXPECT_EQ(reread.object->content_digest, v.object->content_digest);

  // The digest is that of the upgraded object.
  Validation with_millis = validator.Validate(Replace(k20, "48Z", "48.000Z"));
  ASSERT_TRUE(with_millis.ok()) << Dump(with_millis);
  Validation again = validator.Validate(with_millis.object->json);
  ASSERT_TRUE(again.ok()) << Dump(again);
  EXPECT_FALSE(again.upgraded_from_20);
  EXPECT_EQ(again.object->content_digest, with_millis.object->content_digest);
  EXPECT_EQ(again.object->json, with_millis.object->json);

  ValidatorOptions strict;
  strict.accept_stix20 = false;
  Validator strict_validator(strict);
  EXPECT_TRUE(HasError(strict_validator.Validate(k20), "", "STIX 2.0 objects are not accepted"));
}

TEST(ValidatorTest, Stix20SpecVersionIsReplaced) {
  Validator validator;
  Validation v = validator.Validate(R"({"type":"malware","spec_version":"2.0",
    "id":"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b","created":"2016-04-06T20:07:09.000Z",
    "modified":"2016-04-06T20:07:09.000Z","name":"Poison Ivy","labels":["remote-access-trojan"],
    "x_acme":{"spec_version":"2.0"}})");
  ASSERT_TRUE(v.ok()) << Dump(v);
  EXPECT_TRUE(v.upgraded_from_20);
  EXPECT_EQ(
      v.object->json,
      R"({"spec_version":"2.1","is_family":true,"type":"malware",)"
      R"("id":"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b","created":"2016-04-06T20:07:09.000Z",)"
      R"("modified":"2016-04-06T20:07:09.000Z","name":"Poison Ivy","labels":["remote-access-trojan"],)"
      R"("x_acme":{"spec_version":"2.0"}})");
  // An escaped spelling of the member name is found too.
  Validation escaped = validator.Validate(R"({"spec\u005fversion":"2.0","type":"campaign",
    "id":"campaign--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:00.000Z",
    "modified":"2016-04-06T20:03:00.000Z","name":"Green Group"})");
  ASSERT_TRUE(escaped.ok()) << Dump(escaped);
  EXPECT_TRUE(escaped.object->json.starts_with(R"({"spec_version":"2.1","type":"campaign","id")"))
      << escaped.object->json;
}

TEST(ValidatorTest, SpecVersionRules) {
  Validator validator;
  EXPECT_TRUE(HasError(validator.Validate(Replace(kIndicator, "\"2.1\"", "\"2.2\"")),
                       "spec_version", "not a STIX version"));
  EXPECT_TRUE(HasError(validator.Validate(R"({"type":"grouping",
    "id":"grouping--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3","created":"2015-12-21T19:59:11.000Z",
    "modified":"2015-12-21T19:59:11.000Z","context":"suspicious-activity",
    "object_refs":["indicator--26ffb872-1dd9-446e-b6f5-d58527e5b5d2"]})"),
                       "spec_version", "required property is missing"));
  // An SCO without spec_version is 2.1.
  Validation sco = validator.Validate(
      R"({"type":"ipv4-addr","id":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","value":"198.51.100.3"})");
  ASSERT_TRUE(sco.ok()) << Dump(sco);
  EXPECT_FALSE(sco.upgraded_from_20);
  EXPECT_TRUE(sco.diagnostics.empty());
  EXPECT_EQ(sco.object->kind, ObjectKind::kSco);
  EXPECT_EQ(sco.object->version, "");
  EXPECT_TRUE(HasError(
      validator.Validate(
          R"({"type":"ipv4-addr","spec_version":"2.0","id":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","value":"198.51.100.3"})"),
      "spec_version", "cannot stand alone"));
}

TEST(ValidatorTest, CustomObjects) {
  Validator validator;
  Validation sdo = validator.Validate(R"({"type":"x-acme-campaign-note","spec_version":"2.1",
    "id":"x-acme-campaign-note--a5461d2e-7ba9-43ef-9b3e-11471d1ad8da",
    "created":"2014-02-20T09:16:08.989000Z","modified":"2014-02-20T09:16:08.989000Z",
    "some_field":"value"})");
  ASSERT_TRUE(sdo.ok()) << Dump(sdo);
  EXPECT_EQ(sdo.object->kind, ObjectKind::kSdo);
  EXPECT_EQ(sdo.object->version, "2014-02-20T09:16:08.989000000");
  Validation sco = validator.Validate(R"({"type":"x-acme-sensor","spec_version":"2.1",
    "id":"x-acme-sensor--f9dbe89c-0030-4a9d-8b78-0dcd0a0de874","name":"s1"})");
  ASSERT_TRUE(sco.ok()) << Dump(sco);
  EXPECT_EQ(sco.object->kind, ObjectKind::kSco);
  EXPECT_TRUE(HasError(validator.Validate(R"({"type":"x-acme-thing","spec_version":"2.1",
    "id":"x-acme-thing--f9dbe89c-0030-4a9d-8b78-0dcd0a0de874","created":"2014-02-20T09:16:08.989Z"})"),
                       "modified", "required property is missing"));
}

TEST(ValidatorTest, Extensions) {
  Validator validator;
  constexpr std::string_view kExt = "extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e";
  Validation ok = validator.Validate(Replace(kIndicator, "\"confidence\": 85",
                                             "\"extensions\": {\"" + std::string(kExt) +
                                                 "\": {\"extension_type\": \"property-extension\", "
                                                 "\"rank\": 5}}"));
  ASSERT_TRUE(ok.ok()) << Dump(ok);
  Validation bad = validator.Validate(Replace(
      kIndicator, "\"confidence\": 85",
      "\"extensions\": {\"" + std::string(kExt) +
          "\": {\"extension_type\": \"new-thing\"}, "
          "\"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6f\": {\"rank\": 1}, "
          "\"extension-definition--D83fce45\": {}, \"x-acme-ext\": 5, "
          "\"extension-definition--71736db5-10db-43d3-b0e3-65cf81601fe1\": {\"extension_type\": "
          "\"new-sdo\"}}"));
  EXPECT_TRUE(HasError(bad, "extensions." + std::string(kExt) + ".extension_type",
                       "must be one of \"new-sdo\""));
  EXPECT_TRUE(HasError(bad,
                       "extensions.extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6f."
                       "extension_type",
                       "required property is missing"));
  EXPECT_TRUE(HasError(bad, "extensions.extension-definition--D83fce45",
                       "not a valid extension-definition id"));
  EXPECT_TRUE(HasError(bad, "extensions.x-acme-ext", "must be an object"));
  EXPECT_TRUE(HasError(bad,
                       "extensions.extension-definition--71736db5-10db-43d3-b0e3-65cf81601fe1."
                       "extension_type",
                       "predefined by STIX 2.1"));
}

TEST(ValidatorTest, MarkingDefinitions) {
  Validator validator;
  Validation tlp1 = validator.Validate(R"({"type":"marking-definition","spec_version":"2.1",
    "id":"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da","created":"2017-01-20T00:00:00.000Z",
    "definition_type":"tlp","name":"TLP:GREEN","definition":{"tlp":"green"}})");
  ASSERT_TRUE(tlp1.ok()) << Dump(tlp1);
  EXPECT_EQ(tlp1.object->version, "2017-01-20T00:00:00.000000000");
  EXPECT_EQ(tlp1.object->kind, ObjectKind::kMarkingDefinition);
  // TLP 1.0 in its STIX 2.0 form: no spec_version, upgraded.
  Validation tlp20 = validator.Validate(R"({"type":"marking-definition",
    "id":"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9","created":"2017-01-20T00:00:00.000Z",
    "definition_type":"tlp","definition":{"tlp":"white"}})");
  ASSERT_TRUE(tlp20.ok()) << Dump(tlp20);
  EXPECT_TRUE(tlp20.upgraded_from_20);

  EXPECT_TRUE(HasError(validator.Validate(R"({"type":"marking-definition","spec_version":"2.1",
    "id":"marking-definition--0b2c9f4e-3a9c-4f4f-9d5e-1b1a3e0c8b11","created":"2017-01-20T00:00:00.000Z",
    "definition_type":"tlp","definition":{"tlp":"green"}})"),
                       "id", "only the four TLP marking-definitions"));
  EXPECT_TRUE(HasError(validator.Validate(R"({"type":"marking-definition","spec_version":"2.1",
    "id":"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da","created":"2017-01-20T00:00:00.000Z",
    "definition_type":"tlp","definition":{"tlp":"red"}})"),
                       "definition.tlp", "is TLP:green, but this copy says \"red\""));
  // A TLP 2.0 marking whose id is the published RED one but which says clear is a forgery.
  EXPECT_TRUE(HasError(validator.Validate(R"({"type":"marking-definition","spec_version":"2.1",
    "id":"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1","created":"2022-10-01T00:00:00.000Z",
    "name":"TLP:RED","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
    {"extension_type":"property-extension","tlp_2_0":"clear"}}})"),
                       "extensions.extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d."
                       "tlp_2_0",
                       "published TLP:red marking"));
  Validation lookalike = validator.Validate(R"({"type":"marking-definition","spec_version":"2.1",
    "id":"marking-definition--0b2c9f4e-3a9c-4f4f-9d5e-1b1a3e0c8b11","created":"2022-10-01T00:00:00.000Z",
    "extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
    {"extension_type":"property-extension","tlp_2_0":"red"}}})");
  ASSERT_TRUE(lookalike.ok()) << Dump(lookalike);
  ASSERT_EQ(lookalike.diagnostics.size(), 1u);
  EXPECT_NE(lookalike.diagnostics[0].message.find("not treated as TLP-marked"), std::string::npos);
  EXPECT_TRUE(HasError(validator.Validate(R"({"type":"marking-definition","spec_version":"2.1",
    "id":"marking-definition--0b2c9f4e-3a9c-4f4f-9d5e-1b1a3e0c8b11","created":"2017-01-20T00:00:00.000Z",
    "definition_type":"statement","definition":{"statement":"Copyright 2019"},
    "object_marking_refs":["marking-definition--0b2c9f4e-3a9c-4f4f-9d5e-1b1a3e0c8b11"]})"),
                       "object_marking_refs", "must not mark itself"));
  EXPECT_TRUE(HasError(validator.Validate(R"({"type":"marking-definition","spec_version":"2.1",
    "id":"marking-definition--0b2c9f4e-3a9c-4f4f-9d5e-1b1a3e0c8b11","created":"2017-01-20T00:00:00.000Z"})"),
                       "definition_type", "required property is missing"));
  Validation modified = validator.Validate(R"({"type":"marking-definition","spec_version":"2.1",
    "id":"marking-definition--0b2c9f4e-3a9c-4f4f-9d5e-1b1a3e0c8b11","created":"2017-01-20T00:00:00.000Z",
    "modified":"2018-01-20T00:00:00.000Z","definition_type":"statement","definition":{"statement":"x"}})");
  ASSERT_TRUE(modified.ok()) << Dump(modified);
  ASSERT_EQ(modified.diagnostics.size(), 1u);
  EXPECT_EQ(modified.diagnostics[0].path, "modified");
  EXPECT_EQ(modified.object->version, "2017-01-20T00:00:00.000000000");  // created, not modified
}

TEST(ValidatorTest, RequiredPropertiesPerType) {
  Validator validator;
  struct Case {
    std::string_view json;
    std::string_view path;
    std::string_view fragment;
  };
  const Case cases[] = {
      {R"({"type":"sighting","spec_version":"2.1","id":"sighting--ee20065d-2555-424f-ad9e-0f8428623c75",
          "created":"2016-04-06T20:08:31.000Z","modified":"2016-04-06T20:08:31.000Z","count":1000000000,
          "sighting_of_ref":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"})",
       "count", "from 0 to 999999999"},
      {R"({"type":"sighting","spec_version":"2.1","id":"sighting--ee20065d-2555-424f-ad9e-0f8428623c75",
          "created":"2016-04-06T20:08:31.000Z","modified":"2016-04-06T20:08:31.000Z",
          "sighting_of_ref":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"})",
       "sighting_of_ref", "must refer to an SDO"},
      {R"({"type":"relationship","spec_version":"2.1","id":"relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad",
          "created":"2016-04-06T20:06:37.000Z","modified":"2016-04-06T20:06:37.000Z","relationship_type":"indicates",
          "source_ref":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"})",
       "target_ref", "required property is missing"},
      {R"({"type":"observed-data","spec_version":"2.1","id":"observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf",
          "created":"2016-04-06T19:58:16.000Z","modified":"2016-04-06T19:58:16.000Z",
          "first_observed":"2015-12-21T19:00:00Z","last_observed":"2015-12-21T19:00:00Z","number_observed":0,
          "object_refs":["ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"]})",
       "number_observed", "from 1 to 999999999"},
      {R"({"type":"location","spec_version":"2.1","id":"location--a6e9345f-5a15-4c29-8bb3-7dcc5d168d64",
          "created":"2016-04-06T20:03:00.000Z","modified":"2016-04-06T20:03:00.000Z","latitude":48.8566})",
       "longitude", "because latitude is present"},
      {R"({"type":"opinion","spec_version":"2.1","id":"opinion--b01efc25-77b4-4003-b18b-f6e24b5cd9f7",
          "created":"2016-05-12T08:17:27.000Z","modified":"2016-05-12T08:17:27.000Z",
          "object_refs":["relationship--16d2358f-3b0d-4c88-b047-0da2f7ed4471"],"opinion":"mostly-agree"})",
       "opinion", "must be one of \"strongly-disagree\""},
      {R"({"type":"malware-analysis","spec_version":"2.1","id":"malware-analysis--d25167b7-fed0-4068-9ccd-a73dd2c5b07c",
          "created":"2020-01-16T18:52:24.277Z","modified":"2020-01-16T18:52:24.277Z","product":"microsoft"})",
       "", "result or analysis_sco_refs"},
      {R"({"type":"file","id":"file--949eb97a-da1e-5292-8959-03c4249dc9f3","size":25536})", "",
       "hashes or name"},
      {R"({"type":"network-traffic","id":"network-traffic--6e0cb830-0305-57d4-8536-7be874d42005","protocols":["tcp"]})",
       "", "src_ref or dst_ref"},
      {R"({"type":"artifact","id":"artifact--6f437177-6e48-5cf8-9d9e-872a2bddd641","url":"https://example.com/a"})",
       "hashes", "required when url is present"},
      {R"({"type":"process","id":"process--f52a906a-0dfc-40bd-92f1-e7778ead38a9"})", "",
       "at least one property of its own"},
      {R"({"type":"email-message","id":"email-message--92fa1bfd-2c62-5a30-8b7c-5b91ea73cf29",
          "is_multipart":true,"body":"hello"})",
       "body", "must not be present when is_multipart is true"},
      {R"({"type":"extension-definition","spec_version":"2.1","id":"extension-definition--9c59fd79-4215-4ba2-920d-3e4f320e1e62",
          "created":"2014-02-20T09:16:08.989Z","modified":"2014-02-20T09:16:08.989Z","name":"x","schema":"s",
          "version":"1.0","extension_types":["new-sdo"]})",
       "created_by_ref", "required property is missing"},
      {R"({"type":"language-content","spec_version":"2.1","id":"language-content--b86bd89f-98bb-4fa9-8cb2-9ad421da981d",
          "created":"2017-02-08T21:31:22.007Z","modified":"2017-02-08T21:31:22.007Z",
          "object_ref":"campaign--12a111f0-b824-4baf-a224-83b80237a094","contents":{"de":{}}})",
       "contents.de", "must not be an empty object"},
  };
  for (const Case& c : cases) EXPECT_TRUE(HasError(validator.Validate(c.json), c.path, c.fragment));
}

TEST(ValidatorTest, LongValuesAreQuotedShort) {
  Validator validator;
  const std::string long_name = "Indicator" + std::string(200, 'x');
  Validation v =
      validator.Validate(Replace(kIndicator, "\"pattern_type\": \"stix\"", "\"pattern_type\": 42"));
  EXPECT_TRUE(HasError(v, "pattern_type", "must be a string, not the number 42"));
  Validation w = validator.Validate(Replace(kIndicator, "2016-01-01T00:00:00Z", long_name));
  ASSERT_FALSE(w.ok());
  for (const Diagnostic& d : w.diagnostics) EXPECT_LT(d.message.size(), 300u) << d.message;
}

TEST(ValidatorTest, DiagnosticsFollowPropertyOrder) {
  Validator validator;
  Validation v = validator.Validate(R"({"type":"indicator","spec_version":"2.1",
    "id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48Z",
    "modified":"2016-04-06T20:03:48.000Z","confidence":101,"pattern":"[x:y = 1]",
    "pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z","labels":[]})");
  const std::vector<std::string> errors = Errors(v);
  ASSERT_EQ(errors.size(), 3u) << Dump(v);
  EXPECT_EQ(errors[0].substr(0, 8), "created:");
  EXPECT_EQ(errors[1].substr(0, 11), "confidence:");
  EXPECT_EQ(errors[2].substr(0, 7), "labels:");
}

TEST(VersionKeyTest, NormalisesFractions) {
  EXPECT_EQ(*VersionKey("2016-05-12T08:17:27Z"), "2016-05-12T08:17:27.000000000");
  EXPECT_EQ(*VersionKey("2016-05-12T08:17:27.1Z"), "2016-05-12T08:17:27.100000000");
  EXPECT_EQ(*VersionKey("2016-05-12T08:17:27.100Z"), "2016-05-12T08:17:27.100000000");
  EXPECT_EQ(*VersionKey("2016-05-12t08:17:27.123456789z"), "2016-05-12T08:17:27.123456789");
  EXPECT_EQ(*VersionKey("2016-05-12T08:17:27.1234567891Z"), "2016-05-12T08:17:27.1234567891");
  EXPECT_EQ(*VersionKey("2016-05-12T08:17:27.1234567890Z"), "2016-05-12T08:17:27.123456789");
  // Byte order is time order.
  EXPECT_LT(*VersionKey("2016-05-12T08:17:27.99Z"), *VersionKey("2016-05-12T08:17:28Z"));
  EXPECT_LT(*VersionKey("2016-05-12T08:17:27.123456789Z"),
            *VersionKey("2016-05-12T08:17:27.1234567891Z"));
  EXPECT_FALSE(VersionKey("2016-05-12T08:17:27+01:00").ok());
  EXPECT_FALSE(VersionKey("yesterday").ok());
}

}  // namespace
}  // namespace concord::stix
