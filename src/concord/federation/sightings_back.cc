#include "concord/federation/sightings_back.h"

#include <charconv>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "concord/base/ascii.h"
#include "concord/json/edit.h"
#include "concord/policy/release.h"
#include "concord/taxii/release.h"

namespace concord::federation {
namespace {

constexpr char kPush[] = "push";

int64_t CursorMicros(const std::string& cursor) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), value);
  return ec == std::errc() && end == cursor.data() + cursor.size() ? value : 0;
}

}  // namespace

Result<PushOutcome> PushSightings(taxii::Client& client, store::Store& store,
                                  const policy::Agreements& agreements,
                                  const policy::PartnerAgreement& partner, Clock& clock,
                                  uint64_t max_sightings, const Log& log) {
  const std::string& collection = partner.sightings.collection;
  const std::string where = "sightings to " + partner.name;
  store::SyncState state;
  if (Result<store::SyncState> got = store.GetSyncState(partner.name, kPush, collection);
      got.ok()) {
    state = std::move(*got);
  } else if (got.status().code() != StatusCode::kNotFound) {
    return got.status();
  } else {
    state.partner = partner.name;
    state.direction = kPush;
    state.collection = collection;
  }
  state.last_attempt_us = clock.Now().ToMicros();
  PushOutcome outcome;

  // The sightings added since the last round (every version), oldest first.
  store::Query q;
  q.types = {"sighting"};
  const int64_t after = CursorMicros(state.cursor);
  if (after > 0) q.added_after = Timestamp::FromMicros(after);
  std::vector<store::StoredObject> sightings;
  int64_t last_seen_us = after;
  Status scanned = store.Scan(q, [&](const store::StoredObject& o) {
    if (sightings.size() >= max_sightings) return Status(StatusCode::kResourceExhausted, "enough");
    last_seen_us = o.date_added_us;
    sightings.push_back(o);
    return Status::Ok();
  });
  if (!scanned.ok() && scanned.code() != StatusCode::kResourceExhausted) return scanned;
  outcome.complete = scanned.ok();
  outcome.looked_at = sightings.size();

  // Ours, and of this partner's indicators.
  std::vector<store::StoredObject> chosen;
  std::set<std::string> indicators;
  std::vector<policy::Subject> subjects;
  for (const store::StoredObject& o : sightings) {
    Result<policy::Subject> s = policy::DescribeObject(o.json, {});
    if (!s.ok() || s->created_by_ref != agreements.node.identity_id || s->reveals.empty()) continue;
    indicators.insert(s->reveals.front());  // sighting_of_ref comes first
    subjects.push_back(std::move(*s));
    chosen.push_back(o);
  }
  std::set<std::string> theirs;
  if (!indicators.empty()) {
    std::vector<std::string> ids(indicators.begin(), indicators.end());
    CONCORD_ASSIGN_OR_RETURN(auto sources, store.SourcesOf(ids));
    store::Query iq;
    iq.ids = ids;
    iq.versions.push_back(store::VersionFilter{store::VersionFilter::Kind::kLast, ""});
    CONCORD_RETURN_IF_ERROR(store.Scan(iq, [&](const store::StoredObject& o) {
      bool from_partner = false;
      if (auto it = sources.find(o.id); it != sources.end()) {
        for (const store::Provenance& p : it->second) {
          from_partner = from_partner || (p.kind == "partner" && p.name == partner.name);
        }
      }
      Result<policy::Subject> s = policy::DescribeObject(o.json, {});
      if (from_partner ||
          (s.ok() && !partner.identity_id.empty() && s->created_by_ref == partner.identity_id)) {
        theirs.insert(o.id);
      }
      return Status::Ok();
    }));
  }
  std::vector<store::StoredObject> outgoing;
  std::set<std::string> extra_ids;  // the node's identity, observed-data
  for (size_t i = 0; i < chosen.size(); ++i) {
    if (theirs.count(subjects[i].reveals.front()) == 0) continue;
    outgoing.push_back(std::move(chosen[i]));
    for (size_t r = 1; r < subjects[i].reveals.size(); ++r) {
      const std::string& ref = subjects[i].reveals[r];
      if (ref.starts_with("identity--") ||
          (partner.sightings.evidence == policy::Evidence::kObservedValues &&
           ref.starts_with("observed-data--"))) {
        extra_ids.insert(ref);
      }
    }
  }
  if (!outgoing.empty() && !extra_ids.empty()) {
    store::Query eq;
    eq.ids.assign(extra_ids.begin(), extra_ids.end());
    eq.versions.push_back(store::VersionFilter{store::VersionFilter::Kind::kLast, ""});
    std::vector<store::StoredObject> extra;
    CONCORD_RETURN_IF_ERROR(store.Scan(eq, [&](const store::StoredObject& o) {
      extra.push_back(o);
      return Status::Ok();
    }));
    outgoing.insert(outgoing.begin(), extra.begin(), extra.end());
  }

  if (!outgoing.empty()) {
    taxii::ReleaseFilter release(&store, &agreements, partner.name);
    CONCORD_RETURN_IF_ERROR(release.Apply(&outgoing));
    outcome.withheld = release.withheld().size();
    for (const taxii::Withheld& w : release.withheld()) {
      if (log) log(where + ": withheld " + w.id + ": " + w.reason);
    }
    std::vector<std::string> texts;
    texts.reserve(outgoing.size());
    for (store::StoredObject& o : outgoing) {
      if (o.type == "sighting" && partner.sightings.evidence == policy::Evidence::kNone) {
        json::RemoveTopLevelMember(&o.json, "count");
      }
      texts.push_back(std::move(o.json));
    }
    if (!texts.empty()) {
      Result<taxii::PushResult> pushed = client.Push(partner.url, collection, texts);
      if (!pushed.ok()) {
        state.last_error = pushed.status().message();
        ++state.consecutive_failures;
        (void)store.PutSyncState(state);
        return pushed.status().WithPrefix(where);
      }
      outcome.sent = pushed->successes;
      outcome.failed = pushed->failures;
      for (const std::string& m : pushed->failure_messages) {
        if (log) log(where + ": " + partner.name + " refused " + m);
      }
    }
  }

  state.cursor = std::to_string(last_seen_us);
  state.last_error.clear();
  state.consecutive_failures = 0;
  state.last_success_us = clock.Now().ToMicros();
  state.objects += outcome.sent;
  state.rejected += outcome.withheld + outcome.failed;
  CONCORD_RETURN_IF_ERROR(store.PutSyncState(state));
  if (log && (outcome.sent > 0 || outcome.withheld > 0 || outcome.failed > 0)) {
    log(where + ": " + std::to_string(outcome.sent) + " sent, " + std::to_string(outcome.withheld) +
        " withheld, " + std::to_string(outcome.failed) + " refused by the partner");
  }
  return outcome;
}

}  // namespace concord::federation
