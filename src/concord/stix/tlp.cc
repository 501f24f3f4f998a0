#include "concord/stix/tlp.h"

#include <cassert>

#include "concord/base/ascii.h"

namespace concord::stix {
namespace {

// The five TLP 2.0 marking definitions published by OASIS with the STIX TLP 2.0 extension
// (extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d), as in
// oasis-open/cti-stix-common-objects, extension-definition-specifications/tlp-2.0/examples and
// objects/marking-definition. They carry no created_by_ref. Written compactly, member order as
// published.
struct Tlp2Marking {
  Tlp tlp;
  std::string_view id;
  std::string_view json;
};

constexpr Tlp2Marking kTlp2[] = {
    {Tlp::kClear, "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
     R"json({"type":"marking-definition","spec_version":"2.1","id":"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487","created":"2022-10-01T00:00:00.000Z","name":"TLP:CLEAR","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"clear"}}})json"},
    {Tlp::kGreen, "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
     R"json({"type":"marking-definition","spec_version":"2.1","id":"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb","created":"2022-10-01T00:00:00.000Z","name":"TLP:GREEN","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"green"}}})json"},
    {Tlp::kAmber, "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
     R"json({"type":"marking-definition","spec_version":"2.1","id":"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421","created":"2022-10-01T00:00:00.000Z","name":"TLP:AMBER","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"amber"}}})json"},
    {Tlp::kAmberStrict, "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
     R"json({"type":"marking-definition","spec_version":"2.1","id":"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003","created":"2022-10-01T00:00:00.000Z","name":"TLP:AMBER+STRICT","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"amber+strict"}}})json"},
    {Tlp::kRed, "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
     R"json({"type":"marking-definition","spec_version":"2.1","id":"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1","created":"2022-10-01T00:00:00.000Z","name":"TLP:RED","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"red"}}})json"},
};

// The four TLP 1.0 marking definitions predefined by STIX 2.1 section 7.2.1.4.
struct Tlp1Marking {
  Tlp tlp;
  std::string_view id;
};

constexpr Tlp1Marking kTlp1[] = {
    {Tlp::kClear, "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"},  // TLP:WHITE
    {Tlp::kGreen, "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"},
    {Tlp::kAmber, "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"},
    {Tlp::kRed, "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"},
};

const Tlp2Marking* FindTlp2(Tlp tlp) {
  for (const auto& m : kTlp2) {
    if (m.tlp == tlp) return &m;
  }
  return nullptr;
}

}  // namespace

std::string_view TlpName(Tlp tlp) {
  switch (tlp) {
    case Tlp::kNone:
      return "none";
    case Tlp::kClear:
      return "clear";
    case Tlp::kGreen:
      return "green";
    case Tlp::kAmber:
      return "amber";
    case Tlp::kAmberStrict:
      return "amber+strict";
    case Tlp::kRed:
      return "red";
  }
  return "none";
}

std::optional<Tlp> TlpFromName(std::string_view name) {
  static constexpr Tlp kAll[] = {Tlp::kNone,  Tlp::kClear,       Tlp::kGreen,
                                 Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed};
  for (Tlp t : kAll) {
    if (EqualsIgnoreAsciiCase(name, TlpName(t))) return t;
  }
  if (EqualsIgnoreAsciiCase(name, "white")) return Tlp::kClear;
  return std::nullopt;
}

std::optional<Tlp> TlpFromMarkingId(std::string_view marking_definition_id) {
  for (const auto& m : kTlp2) {
    if (m.id == marking_definition_id) return m.tlp;
  }
  for (const auto& m : kTlp1) {
    if (m.id == marking_definition_id) return m.tlp;
  }
  return std::nullopt;
}

std::string_view TlpMarkingId(Tlp tlp) {
  const Tlp2Marking* m = FindTlp2(tlp);
  assert(m != nullptr);
  return m == nullptr ? std::string_view() : m->id;
}

std::string_view TlpMarkingDefinitionJson(Tlp tlp) {
  const Tlp2Marking* m = FindTlp2(tlp);
  assert(m != nullptr);
  return m == nullptr ? std::string_view() : m->json;
}

}  // namespace concord::stix
