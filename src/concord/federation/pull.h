#pragma once

// Pulling what is new in one of a partner's TAXII collections into this node's store.
//
// Incremental and restartable: the pull resumes after the partner's X-TAXII-Date-Added-Last of
// the last page stored (kept in the store's SyncState after every page, so a restart mid-sync
// loses at most the page in flight, which is fetched again and stored once). Each page is one
// write transaction, with provenance {"partner", name}, into the agreement's local collection.
//
// A hostile partner is contained: every object is validated (STIX 2.1) and checked by
// taxii::IntakeGuard (creator, impersonation, markings, others' objects); refused objects are
// counted and logged with the reason and never stored. Paging is bounded (PullLimits), a `next`
// returned twice or a date_added cursor that does not advance ends the pull with an error, and
// responses are bounded by the client's limits.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "concord/base/clock.h"
#include "concord/base/result.h"
#include "concord/policy/agreement.h"
#include "concord/store/store.h"
#include "concord/taxii/client.h"

namespace concord::federation {

// One line for the node's log (what happened, with whom); may be empty.
using Log = std::function<void(std::string_view line)>;

struct PullLimits {
  size_t page_size = 1000;           // objects asked for per request
  size_t max_pages = 1000;           // per pull; the rest waits for the next round
  uint64_t max_objects = 1'000'000;  // received per pull; likewise
};

struct PullOutcome {
  uint64_t pages = 0;
  uint64_t stored = 0;      // versions added to the store
  uint64_t duplicates = 0;  // versions already held (stored once)
  uint64_t rejected = 0;    // invalid or refused
  bool complete = false;    // false when a limit stopped it before the partner's last page
};

// Pulls `source` from `partner` (its agreement, under `agreements`) with `client` (connected to
// partner.url) into `store`, recording progress in the store's SyncState ("pull",
// source.collection). A failure is returned after recording what was stored before it.
Result<PullOutcome> PullCollection(taxii::Client& client, store::Store& store,
                                   const policy::Agreements& agreements,
                                   const policy::PartnerAgreement& partner,
                                   const policy::PullSource& source, Clock& clock,
                                   const PullLimits& limits, const Log& log);

}  // namespace concord::federation
