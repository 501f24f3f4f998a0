#include "concord/federation/pull.h"

#include <memory>
#include <utility>

#include "concord/base/ascii.h"
#include "concord/base/timestamp.h"
#include "concord/stix/validator.h"
#include "concord/taxii/intake.h"

namespace concord::federation {
namespace {

constexpr char kPull[] = "pull";

// The stored progress, or a fresh one.
Result<store::SyncState> LoadState(store::Store& store, const std::string& partner,
                                   const std::string& collection) {
  Result<store::SyncState> state = store.GetSyncState(partner, kPull, collection);
  if (state.ok() || state.status().code() != StatusCode::kNotFound) return state;
  store::SyncState fresh;
  fresh.partner = partner;
  fresh.direction = kPull;
  fresh.collection = collection;
  return fresh;
}

}  // namespace

Result<PullOutcome> PullCollection(taxii::Client& client, store::Store& store,
                                   const policy::Agreements& agreements,
                                   const policy::PartnerAgreement& partner,
                                   const policy::PullSource& source, Clock& clock,
                                   const PullLimits& limits, const Log& log) {
  const std::string where =
      "pull of " + QuoteForMessage(source.collection) + " from " + partner.name;
  CONCORD_ASSIGN_OR_RETURN(store::Collection into, store.FindCollection(source.into));
  CONCORD_ASSIGN_OR_RETURN(store::SyncState state,
                           LoadState(store, partner.name, source.collection));
  state.last_attempt_us = clock.Now().ToMicros();
  const uint64_t objects_before = state.objects;
  const uint64_t rejected_before = state.rejected;

  PullOutcome outcome;
  stix::Validator validator;
  taxii::IntakeGuard intake(&store, &agreements, partner.name);
  std::string next;
  std::string previous_next;
  uint64_t received = 0;
  Status failure;
  while (true) {
    if (outcome.pages >= limits.max_pages || received >= limits.max_objects) break;
    taxii::PageRequest request;
    request.limit = limits.page_size;
    request.next = next;
    if (next.empty()) request.added_after = state.cursor;
    Result<taxii::ObjectPage> page = client.GetObjects(partner.url, source.collection, request);
    if (!page.ok()) {
      failure = page.status();
      break;
    }
    ++outcome.pages;
    received += page->objects.size();

    // Store what may be stored, one transaction per page.
    auto tx = store.BeginWrite(store::Provenance{"partner", partner.name}, {into.id});
    if (!tx.ok()) {
      failure = tx.status();
      break;
    }
    for (size_t i = 0; i < page->objects.size(); ++i) {
      stix::Validation v = validator.Validate(page->objects[i]);
      if (!v.ok()) {
        ++outcome.rejected;
        std::string why = "invalid";
        for (const stix::Diagnostic& d : v.diagnostics) {
          if (d.severity != stix::Diagnostic::Severity::kError) continue;
          why = d.path.empty() ? d.message : d.path + ": " + d.message;
          break;
        }
        if (log) {
          log(where + ": refused objects[" + std::to_string(i) + "] " + QuoteForMessage(v.id) +
              ": " + why);
        }
        continue;
      }
      if (Status allowed = intake.Check(*v.object); !allowed.ok()) {
        if (allowed.code() == StatusCode::kAlreadyExists) {
          ++outcome.duplicates;
          continue;
        }
        if (allowed.code() != StatusCode::kPermissionDenied) {
          failure = allowed;
          break;
        }
        ++outcome.rejected;
        if (log) log(where + ": refused " + allowed.message());
        continue;
      }
      Result<store::PutOutcome> put = (*tx)->Put(*v.object);
      if (!put.ok()) {
        if (put.status().code() != StatusCode::kConflict &&
            put.status().code() != StatusCode::kFailedPrecondition) {
          failure = put.status();
          break;
        }
        ++outcome.rejected;
        if (log) log(where + ": refused " + put.status().message());
        continue;
      }
      ++(*put == store::PutOutcome::kAdded ? outcome.stored : outcome.duplicates);
    }
    if (!failure.ok()) break;  // the transaction rolls back: this page is fetched again
    if (Status s = (*tx)->Commit(); !s.ok()) {
      failure = s;
      break;
    }

    // Where to resume. The cursor only moves forward; a partner that pages without moving it
    // forward (or repeats its `next`) is paging forever.
    bool advanced = false;
    if (!page->date_added_last.empty()) {
      Result<ParsedTimestamp> last = ParseTimestamp(page->date_added_last);
      if (!last.ok()) {
        failure =
            InvalidArgument(partner.name + " sent X-TAXII-Date-Added-Last " +
                            QuoteForMessage(page->date_added_last) + ", which is not a timestamp");
        break;
      }
      Result<ParsedTimestamp> cursor = state.cursor.empty()
                                           ? Result<ParsedTimestamp>(InvalidArgument("none"))
                                           : ParseTimestamp(state.cursor);
      if (!cursor.ok() || cursor->instant < last->instant) {
        state.cursor = page->date_added_last;
        advanced = true;
      }
    }
    state.objects = objects_before + outcome.stored;
    state.rejected = rejected_before + outcome.rejected;
    if (Status s = store.PutSyncState(state); !s.ok()) {
      failure = s;
      break;
    }

    if (!page->more) {
      outcome.complete = true;
      break;
    }
    if (!page->next.empty()) {
      if (page->next == previous_next || page->next == next) {
        failure = InvalidArgument(partner.name + " returned the same next " +
                                  QuoteForMessage(page->next) + " again; stopped paging");
        break;
      }
      previous_next = next;
      next = page->next;
    } else {
      if (!advanced) {
        failure = InvalidArgument(partner.name +
                                  " says there is more but neither gives a next nor advances "
                                  "X-TAXII-Date-Added-Last; stopped paging");
        break;
      }
      next.clear();
    }
  }

  if (!failure.ok()) {
    state.last_error = failure.message();
    ++state.consecutive_failures;
  } else {
    state.last_error.clear();
    state.consecutive_failures = 0;
    state.last_success_us = clock.Now().ToMicros();
  }
  state.objects = objects_before + outcome.stored;
  state.rejected = rejected_before + outcome.rejected;
  if (Status s = store.PutSyncState(state); !s.ok() && failure.ok()) failure = s;
  if (!failure.ok()) return failure.WithPrefix(where);
  if (log && (outcome.stored > 0 || outcome.rejected > 0)) {
    log(where + ": " + std::to_string(outcome.stored) + " stored, " +
        std::to_string(outcome.duplicates) + " already held, " + std::to_string(outcome.rejected) +
        " refused, " + std::to_string(outcome.pages) + (outcome.pages == 1 ? " page" : " pages") +
        (outcome.complete ? "" : " (more to come)"));
  }
  return outcome;
}

}  // namespace concord::federation
