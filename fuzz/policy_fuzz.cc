// libFuzzer target for the policy module: the agreements file (TOML from a hostile editor or a
// broken deployment) and the release decision on hostile objects. "No crash, no leak, no hang",
// and: an agreements error always names the file and a line; a decision never releases an
// object-level TLP:RED object; a redaction is JSON.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "concord/json/document.h"
#include "concord/policy/agreement_file.h"
#include "concord/policy/release.h"

namespace {

using namespace concord;

const policy::Agreements& FixedAgreements() {
  static const policy::Agreements* const kAgreements = [] {
    auto* a = new policy::Agreements;
    a->node.name = "uk";
    a->node.identity_id = "identity--0b1c2d3e-4f50-4617-a829-3a4b5c6d7e8f";
    a->node.unmarked = stix::Tlp::kGreen;
    a->node.granular = policy::GranularHandling::kRedact;
    policy::PartnerAgreement us;
    us.name = "us";
    us.identity_id = "identity--6a1a2f0e-3d4b-4c5e-9f60-718293a4b5c6";
    us.max_tlp = stix::Tlp::kAmberStrict;
    us.types = {"*"};
    us.pass_on = true;
    a->partners.push_back(us);
    return a;
  }();
  return *kAgreements;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    Result<policy::Agreements> parsed = policy::ParseAgreements(text, "agreements.toml");
    if (!parsed.ok() && parsed.status().message().rfind("agreements.toml:", 0) != 0) std::abort();
    return 0;
  }
  Result<policy::Subject> subject = policy::DescribeObject(text, {data[0] % 4 == 1 ? "us" : "fr"});
  if (!subject.ok()) return 0;
  const policy::Subject copy = *subject;
  const policy::SubjectLookup lookup = [&copy](std::string_view) { return &copy; };
  const policy::Decision d = policy::Decide(*subject, "us", FixedAgreements(), lookup);
  if (subject->tlp == stix::Tlp::kRed && d.released()) std::abort();
  if (d.verdict == policy::Verdict::kRedact) {
    Result<std::string> redacted = policy::Redact(text, d.redact);
    if (redacted.ok()) {
      json::Parser parser;
      if (!parser.Parse(*redacted).ok()) std::abort();
    }
  }
  return 0;
}
