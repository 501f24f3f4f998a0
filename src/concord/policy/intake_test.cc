#include "concord/policy/intake.h"

#include <gtest/gtest.h>

#include <string>

#include "concord/stix/validator.h"

namespace concord::policy {
namespace {

constexpr char kUs[] = "identity--6a1a2f0e-3d4b-4c5e-9f60-718293a4b5c6";
constexpr char kUk[] = "identity--0b1c2d3e-4f50-4617-a829-3a4b5c6d7e8f";
constexpr char kFr[] = "identity--9e8d7c6b-5a49-4837-a625-14f3e2d1c0b9";
constexpr char kAmber[] = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
constexpr char kCustom[] = "marking-definition--1d2e3f40-5162-4738-a94a-5b6c7d8e9fa0";

class IntakeTest : public ::testing::Test {
 protected:
  IntakeTest() {
    agreements_.node.name = "uk";
    agreements_.node.identity_id = kUk;
    PartnerAgreement us;
    us.name = "us";
    us.identity_id = kUs;
    agreements_.partners.push_back(us);
    PartnerAgreement fr;
    fr.name = "fr";
    fr.identity_id = kFr;
    agreements_.partners.push_back(fr);
  }

  // CheckReceived of `json` from partner `from`.
  Status Check(const std::string& json, const std::string& from = "us") {
    stix::Validation v = validator_.Validate(json);
    if (!v.ok()) return Status(StatusCode::kInvalidArgument, "test object does not validate");
    Result<Subject> subject = DescribeObject(v.object->json, {from});
    if (!subject.ok()) return subject.status();
    return CheckReceived(*v.object, *subject, *agreements_.Find(from), agreements_);
  }

  static std::string Indicator(const std::string& extra) {
    return R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z")" +
           extra + "}";
  }

  static std::string Identity(const std::string& id) {
    return R"({"type":"identity","spec_version":"2.1","id":")" + id +
           R"(","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z","name":"someone","identity_class":"organization"})";
  }

  Agreements agreements_;
  stix::Validator validator_;
};

TEST_F(IntakeTest, OwnObjectsWithTlpMarkingsAreAccepted) {
  EXPECT_TRUE(Check(Indicator("")).ok());
  EXPECT_TRUE(Check(Indicator(std::string(R"(,"created_by_ref":")") + kUs + "\"")).ok());
  EXPECT_TRUE(Check(Indicator(std::string(R"(,"object_marking_refs":[")") + kAmber + "\"]")).ok());
  EXPECT_TRUE(Check(Identity(kUs)).ok());
  EXPECT_TRUE(Check(Identity("identity--11111111-2222-4333-8444-555555555555")).ok());
}

TEST_F(IntakeTest, ClaimingSomeoneElsesObjectIsRefused) {
  Status s = Check(Indicator(std::string(R"(,"created_by_ref":")") + kFr + "\""));
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied) << s.ToString();
  EXPECT_NE(s.message().find(kFr), std::string::npos);
  EXPECT_NE(s.message().find("may only send objects it created"), std::string::npos);
  s = Check(Indicator(std::string(R"(,"created_by_ref":")") + kUk + "\""));
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
}

TEST_F(IntakeTest, ImpersonatingAnIdentityIsRefused) {
  Status s = Check(Identity(kUk));
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("this node's own identity"), std::string::npos) << s.message();
  s = Check(Identity(kFr));
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("\"fr\""), std::string::npos) << s.message();
}

TEST_F(IntakeTest, MarkingsItMayNotSetAreRefused) {
  const std::string custom =
      Indicator(std::string(R"(,"object_marking_refs":[")") + kCustom + "\"]");
  Status s = Check(custom);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find(kCustom), std::string::npos);
  EXPECT_NE(s.message().find("accepted_markings"), std::string::npos);
  const std::string granular = Indicator(std::string(R"(,"granular_markings":[{"marking_ref":")") +
                                         kCustom + R"(","selectors":["pattern"]}])");
  EXPECT_EQ(Check(granular).code(), StatusCode::kPermissionDenied);
  // Accepted once the agreement says so.
  agreements_.partners[0].accepted_markings.push_back(kCustom);
  EXPECT_TRUE(Check(custom).ok());
  EXPECT_TRUE(Check(granular).ok());
}

}  // namespace
}  // namespace concord::policy
