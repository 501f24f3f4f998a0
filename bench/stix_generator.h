#pragma once

#include <cstdint>
#include <string>

#include "concord/base/result.h"

namespace concord::bench {

// Writes a STIX 2.1 bundle of `objects` objects in a realistic mix for a sharing community:
// ~35% indicators (IP, CIDR, domain, URL, hash and compound patterns, TLP-marked, a few with a
// second version), ~20% cyber-observables with deterministic ids, ~28% relationships, ~10%
// sightings, ~5% observed-data, the rest identities, malware, intrusion sets and campaigns.
// One object per line. The same seed gives the same file. Returns the number of objects
// written (a few more than asked when the last indicator got a second version).
Result<uint64_t> WriteGeneratedBundle(const std::string& path, uint64_t objects, uint64_t seed);

}  // namespace concord::bench
