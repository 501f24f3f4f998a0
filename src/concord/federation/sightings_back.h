#pragma once

// Sending this node's sightings of a partner's indicators back to that partner, as its
// agreement says (PartnerAgreement::sightings): to the collection it names, with the evidence it
// allows:
//   none             the sighting without its count (seen here, first_seen, last_seen);
//   counts           the sighting as recorded;
//   observed-values  the sighting and the observed-data objects it references.
// A sighting goes back when this node created it (created_by_ref is the node's identity) and
// the indicator it is of came from that partner (received from it, or created by it). This
// node's identity object goes along so the partner can name who saw it. Everything sent passes
// the release policy for that partner (taxii::ReleaseFilter); withheld objects are logged.
//
// Incremental: the store's SyncState ("push", collection) keeps the date_added of the last
// sighting looked at; each round sends what was added since, at most `max_sightings`.

#include <cstdint>

#include "concord/base/clock.h"
#include "concord/base/result.h"
#include "concord/federation/pull.h"
#include "concord/policy/agreement.h"
#include "concord/store/store.h"
#include "concord/taxii/client.h"

namespace concord::federation {

struct PushOutcome {
  uint64_t looked_at = 0;  // sightings added since the last round
  uint64_t sent = 0;       // objects the partner accepted
  uint64_t withheld = 0;   // kept back by the release policy
  uint64_t failed = 0;     // refused by the partner
  bool complete = false;   // false when max_sightings stopped it
};

// REQUIRES: partner.sightings.send and partner.url are set.
Result<PushOutcome> PushSightings(taxii::Client& client, store::Store& store,
                                  const policy::Agreements& agreements,
                                  const policy::PartnerAgreement& partner, Clock& clock,
                                  uint64_t max_sightings, const Log& log);

}  // namespace concord::federation
