#pragma once

// Shared adversaries: which intrusion sets, campaigns and malware were sighted by several of the
// organisations whose sightings this node holds (its own and its partners'), who saw them first,
// and how long after the indicator was published. Read from the store; nothing is written.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "concord/base/result.h"
#include "concord/base/timestamp.h"
#include "concord/stix/tlp.h"
#include "concord/store/store.h"

namespace concord::correlate {

// One sighter's view of one threat: what its sightings of the threat's indicators add up to.
struct SighterView {
  std::string identity_id;  // a where_sighted_refs entry ("identity--...")
  std::string name;         // the identity's name when the store holds it, "" otherwise
  // The earliest first_seen and the latest last_seen over all its sightings of the threat's
  // indicators.
  Timestamp first_seen;
  Timestamp last_seen;
  uint64_t sightings = 0;  // sighting objects counted (latest versions)
  uint64_t count = 0;      // the sum of their `count` (1 when absent)
  // The indicator of its earliest sighting (the smallest id among equally early ones), and that
  // indicator's `created`.
  std::string first_indicator;
  Timestamp published;
  // first_seen - published, in whole seconds (truncated toward zero). Negative when the sighter
  // saw the activity before the indicator was published: sightings are often reported
  // retrospectively, once an indicator makes old telemetry meaningful.
  int64_t time_to_first_sighting_seconds = 0;
};

struct SharedAdversary {
  std::string id;
  std::string type;  // "intrusion-set", "campaign" or "malware"
  std::string name;  // "" when the object has none
  // The most restrictive TLP among the threat object, its sighted indicators and the sightings
  // counted: what this summary should be handled as (kNone when none of them is TLP-marked).
  stix::Tlp tlp = stix::Tlp::kNone;
  std::vector<std::string> indicators;  // its indicators that were sighted, sorted
  std::vector<SighterView> sighters;    // at least min_sighters; by first_seen, then identity_id
};

struct AdversaryOptions {
  // The fewest distinct sighters a threat needs to be listed. Must be at least 1.
  size_t min_sighters = 2;
  // Limits on what one call keeps in memory; going over is ResourceExhausted, naming the limit.
  // max_relationships: "indicates", "uses" and "attributed-to" relationships kept, plus one for
  // each indicator a threat inherits (an implied "indicates").
  size_t max_relationships = 10'000'000;
  // max_indicators: distinct indicators that indicate a held threat.
  size_t max_indicators = 1'000'000;
  // max_sightings: sightings of those indicators read, each where_sighted_refs entry counting
  // as one.
  size_t max_sightings = 10'000'000;
};

// Lists the intrusion sets, campaigns and malware whose indicators were sighted by at least
// options.min_sighters distinct identities (the where_sighted_refs of sighting objects).
//
// An indicator belongs to a threat through a relationship "indicates" (indicator -> intrusion-set,
// campaign or malware). A threat also inherits the indicators (directly indicating ones only:
// one hop) of the threats beneath it:
//  - an intrusion set or campaign that "uses" a malware inherits the malware's indicators;
//  - an intrusion set that a campaign is "attributed-to" inherits the campaign's indicators.
// Not the other way round: seeing an intrusion set's infrastructure is no evidence of one
// particular campaign or malware of it.
//
// Only latest, non-revoked versions of every object count. What cannot be used is skipped, never
// an error: sightings without an identity in where_sighted_refs, sightings of anything but a held
// indicator of a held threat, malformed or inverted first_seen/last_seen, a count that is not an
// integer in 1..999,999,999 (a count of 0 reports the indicator as not seen), relationships whose
// ends are missing, revoked or of other types, and indicators without a valid `created`. When a
// sighting has no first_seen or last_seen, the other is used, and `created` when it has neither.
// A sighting with several identities counts for each.
//
// Ordered by number of sighters (most first), then name, then id. Reads the store in several
// Scan passes (relationships, threats, indicators, sightings, identities); the store must not be
// written meanwhile for a consistent answer. Errors: InvalidArgument for min_sighters 0,
// ResourceExhausted for a limit, and whatever the store returns.
Result<std::vector<SharedAdversary>> FindSharedAdversaries(store::Store& store,
                                                           const AdversaryOptions& options = {});

// The machine form, one JSON object:
//   {"adversaries":[{"id":..,"type":..,"name":..,"tlp":"amber","indicators":[..],
//     "sighters":[{"identity":..,"name":..,"first_seen":..,"last_seen":..,"sightings":..,
//                  "count":..,"first_indicator":..,"published":..,
//                  "time_to_first_sighting_seconds":..}]}]}
// Timestamps are RFC 3339 UTC with 3, 6 or 9 fraction digits (as many as needed); "tlp" is a
// stix::TlpName.
std::string AdversariesJson(const std::vector<SharedAdversary>& adversaries);

// The human form: per adversary a heading line (type, name, id, TLP), the sighted indicators (the
// first five, then how many more), and a table with one row per sighter (name, or id when
// unnamed; first and last seen; sightings; count; time from publication to first sighting, e.g.
// "+1d 2h" or "-1h 30m"; first indicator). Control characters in names are shown as '?', and
// long names are cut.
std::string AdversariesText(const std::vector<SharedAdversary>& adversaries);

}  // namespace concord::correlate
