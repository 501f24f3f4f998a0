#pragma once

// Sightings: what a scan tells the world. Matches are counted per indicator (count,
// first_seen, last_seen) and written as STIX 2.1 sighting objects (section 5.2) whose
// where_sighted_refs is this node's identity, so they can go back to whoever published the
// indicator.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "concord/base/timestamp.h"
#include "concord/detect/indicator_set.h"
#include "concord/stix/tlp.h"

namespace concord::detect {

// The identity object (STIX 2.1 section 4.5) that names this node in sightings: an
// organization named `name`, id UUIDv5(identity namespace, name) so that the same node name
// always gives the same id.
// The identity is marked TLP:CLEAR: who reports a sighting is not itself a secret (the
// sightings are marked on their own). `identity_id` overrides the id (the one the node's
// agreements name); "" for NodeIdentityId(name).
std::string NodeIdentityId(std::string_view name);
std::string NodeIdentityJson(std::string_view name, Timestamp created,
                             std::string_view identity_id = "");

struct SightingOptions {
  std::string identity_id;  // where_sighted_refs and created_by_ref
  Timestamp now;            // created and modified
  // Sightings say what this node saw: they are marked with the indicator's TLP, and never less
  // restrictive than this.
  stix::Tlp min_tlp = stix::Tlp::kAmber;
  std::string description;  // e.g. "concord scan of conn.log"; omitted when empty
};

// Not thread-safe (the scanner records from its one ordered consumer).
class SightingCounter {
 public:
  // One match of indicator `index` by an event observed within [first, last].
  void Record(uint32_t index, Timestamp first, Timestamp last);

  // Indicators seen so far.
  size_t size() const { return by_indicator_.size(); }
  uint64_t count(uint32_t index) const;

  // One sighting per indicator seen, as JSON text, in indicator order. count is capped at
  // 999,999,999 as the specification requires.
  std::vector<std::string> ToStix(const IndicatorSet& indicators,
                                  const SightingOptions& options) const;

 private:
  struct Seen {
    uint64_t count = 0;
    Timestamp first_seen;
    Timestamp last_seen;
  };
  std::unordered_map<uint32_t, Seen> by_indicator_;
};

}  // namespace concord::detect
