#pragma once

#include <optional>
#include <string_view>

namespace concord::stix {

// Traffic Light Protocol 2.0 levels, ordered from least to most restrictive. kNone means the
// object carries no TLP marking at all (what may be done with it is then a policy decision).
enum class Tlp : int { kNone = 0, kClear = 1, kGreen = 2, kAmber = 3, kAmberStrict = 4, kRed = 5 };

// "none", "clear", "green", "amber", "amber+strict", "red".
std::string_view TlpName(Tlp tlp);
// The inverse of TlpName; also accepts "white" (TLP 1.0) as clear, and upper case.
std::optional<Tlp> TlpFromName(std::string_view name);

// The TLP level that a marking-definition id stands for: the five fixed TLP 2.0 ids of the
// STIX TLP 2.0 extension, and the four fixed TLP 1.0 ids of STIX 2.1 section 7.2.1.4 (WHITE is
// mapped to CLEAR). Any other id, including a home-made marking that merely says "tlp", is
// std::nullopt: only the fixed ids are trusted.
std::optional<Tlp> TlpFromMarkingId(std::string_view marking_definition_id);

// The fixed TLP 2.0 marking-definition id of `tlp`. REQUIRES: tlp != Tlp::kNone.
std::string_view TlpMarkingId(Tlp tlp);

// The full STIX 2.1 marking-definition object (JSON) published for `tlp` by the TLP 2.0
// extension, so that exports can carry the definitions they reference. REQUIRES: tlp != kNone.
std::string_view TlpMarkingDefinitionJson(Tlp tlp);

// The more restrictive of two levels.
inline Tlp MostRestrictive(Tlp a, Tlp b) {
  return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

}  // namespace concord::stix
