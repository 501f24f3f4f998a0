#pragma once

#include <string>
#include <vector>

#include "concord/base/hash.h"
#include "concord/stix/tlp.h"

namespace concord::stix {

// The families of STIX objects; each has its own common-property rules.
enum class ObjectKind {
  kSdo,  // domain objects: indicator, malware, intrusion-set, ... (and custom)
  kSro,  // relationship, sighting
  kSco,  // cyber-observables: ipv4-addr, domain-name, file, ...
  kMarkingDefinition,
  kLanguageContent,
  kExtensionDefinition,
};

// A validated STIX 2.1 object, ready to store. The JSON text is authoritative; the other fields
// are facts extracted from it once so that stores and policies need not parse it again.
struct Object {
  std::string type;  // e.g. "indicator"
  std::string id;    // e.g. "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
  ObjectKind kind = ObjectKind::kSdo;
  std::string spec_version;  // always "2.1": 2.0 input is upgraded first
  // The version key: `modified`, else `created` (marking-definitions), else "" (SCOs), written
  // in a normalised form (see VersionKey) so that byte order is time order and equal instants
  // written differently are the same version.
  std::string version;
  bool revoked = false;
  std::vector<std::string> object_marking_refs;    // as written, in order
  std::vector<std::string> granular_marking_refs;  // distinct marking_refs of granular_markings
  // The most restrictive TLP among object_marking_refs (kNone when none is a TLP marking).
  Tlp tlp = Tlp::kNone;
  // The most restrictive TLP among object and granular markings.
  Tlp tlp_including_granular = Tlp::kNone;
  // SHA-256 of the object's RFC 8785 canonical JSON: two texts with the same content (whatever
  // their spacing and member order) have the same digest.
  Sha256Digest content_digest{};
  // The object as stored and exported: the input's text without insignificant whitespace, with
  // member order and number spelling kept, plus the properties added by a 2.0 -> 2.1 upgrade.
  std::string json;
};

}  // namespace concord::stix
