#include "concord/stix/tlp.h"

#include <gtest/gtest.h>

#include "concord/stix/validator.h"

namespace concord::stix {
namespace {

constexpr Tlp kAllLevels[] = {Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed};

TEST(TlpTest, NamesRoundTrip) {
  for (Tlp t : {Tlp::kNone, Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed}) {
    std::optional<Tlp> back = TlpFromName(TlpName(t));
    ASSERT_TRUE(back.has_value()) << TlpName(t);
    EXPECT_EQ(*back, t);
  }
  EXPECT_EQ(TlpName(Tlp::kAmberStrict), "amber+strict");
}

TEST(TlpTest, FromNameAcceptsUpperCaseAndWhite) {
  EXPECT_EQ(TlpFromName("RED"), Tlp::kRed);
  EXPECT_EQ(TlpFromName("Amber+Strict"), Tlp::kAmberStrict);
  EXPECT_EQ(TlpFromName("white"), Tlp::kClear);
  EXPECT_EQ(TlpFromName("WHITE"), Tlp::kClear);
  EXPECT_FALSE(TlpFromName("purple").has_value());
  EXPECT_FALSE(TlpFromName("").has_value());
  EXPECT_FALSE(TlpFromName("amber strict").has_value());
}

TEST(TlpTest, Tlp2FixedIds) {
  // The ids published with the STIX TLP 2.0 extension (oasis-open/cti-stix-common-objects).
  EXPECT_EQ(TlpMarkingId(Tlp::kClear), "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487");
  EXPECT_EQ(TlpMarkingId(Tlp::kGreen), "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb");
  EXPECT_EQ(TlpMarkingId(Tlp::kAmber), "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421");
  EXPECT_EQ(TlpMarkingId(Tlp::kAmberStrict),
            "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003");
  EXPECT_EQ(TlpMarkingId(Tlp::kRed), "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1");
  for (Tlp t : kAllLevels) EXPECT_EQ(TlpFromMarkingId(TlpMarkingId(t)), t);
}

TEST(TlpTest, Tlp1FixedIdsOfStix21) {
  EXPECT_EQ(TlpFromMarkingId("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"),
            Tlp::kClear);  // TLP:WHITE
  EXPECT_EQ(TlpFromMarkingId("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"),
            Tlp::kGreen);
  EXPECT_EQ(TlpFromMarkingId("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"),
            Tlp::kAmber);
  EXPECT_EQ(TlpFromMarkingId("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"),
            Tlp::kRed);
}

TEST(TlpTest, OtherIdsAreNotTlp) {
  EXPECT_FALSE(TlpFromMarkingId("marking-definition--d81f86b9-975b-4c0b-875e-810c5ad45a4f"));
  EXPECT_FALSE(TlpFromMarkingId(""));
  // Case matters: identifiers are lowercase.
  EXPECT_FALSE(TlpFromMarkingId("marking-definition--E828B379-4E03-4974-9AC4-E53A884C97C1"));
  EXPECT_FALSE(TlpFromMarkingId("marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1 "));
}

TEST(TlpTest, MostRestrictive) {
  EXPECT_EQ(MostRestrictive(Tlp::kNone, Tlp::kClear), Tlp::kClear);
  EXPECT_EQ(MostRestrictive(Tlp::kRed, Tlp::kGreen), Tlp::kRed);
  EXPECT_EQ(MostRestrictive(Tlp::kAmber, Tlp::kAmberStrict), Tlp::kAmberStrict);
}

TEST(TlpTest, PublishedMarkingDefinitionsValidate) {
  Validator validator;
  for (Tlp t : kAllLevels) {
    const std::string_view json = TlpMarkingDefinitionJson(t);
    EXPECT_NE(json.find(TlpMarkingId(t)), std::string_view::npos);
    EXPECT_NE(json.find("\"tlp_2_0\":\"" + std::string(TlpName(t)) + "\""), std::string_view::npos);
    EXPECT_NE(json.find("\"created\":\"2022-10-01T00:00:00.000Z\""), std::string_view::npos);
    Validation v = validator.Validate(json);
    ASSERT_TRUE(v.ok()) << json;
    EXPECT_TRUE(v.diagnostics.empty()) << v.diagnostics[0].path << ": " << v.diagnostics[0].message;
    EXPECT_EQ(v.object->kind, ObjectKind::kMarkingDefinition);
    EXPECT_EQ(v.object->id, TlpMarkingId(t));
    // Already compact: stored as published.
    EXPECT_EQ(v.object->json, json);
  }
}

}  // namespace
}  // namespace concord::stix
