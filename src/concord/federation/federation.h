#pragma once

// Federation: the scheduled exchange with every partner whose agreement names its TAXII server
// (PartnerAgreement::url). Each round with a partner pulls each of its `pull` collections
// (pull.h) and then, when agreed, sends back sightings of its indicators (sightings_back.h).
//
// One worker thread per partner, each with its own store connection and TAXII client, so that
// a partner who is down or slow never holds up the others. After a successful round a worker
// waits NodeSettings::sync_interval; after a failure it retries with exponential backoff (from
// min_backoff, doubling, up to max_backoff or the interval, whichever is less, with jitter).
// Progress lives in the store (SyncState), so a restarted node resumes where it was.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "concord/base/clock.h"
#include "concord/base/result.h"
#include "concord/federation/pull.h"
#include "concord/policy/agreement.h"
#include "concord/store/store.h"

namespace concord::federation {

struct FederationOptions {
  // Opens a store connection for one worker (called on the worker's thread).
  std::function<Result<std::unique_ptr<store::Store>>()> open_store;
  Clock* clock = nullptr;  // must outlive the Federation
  Log log;
  PullLimits limits;
  uint64_t max_sightings_per_round = 10'000;
  std::chrono::milliseconds min_backoff{1'000};
  std::chrono::milliseconds max_backoff{300'000};
  // Per TAXII request: the client's own quick retries before the round counts as failed.
  int client_retries = 1;
  std::chrono::milliseconds request_timeout{30'000};
};

// One round with `partner`: every pull, then sightings back. Records progress and errors in
// the store; returns the first failure (the other steps of the round still run).
Status SyncPartner(store::Store& store, const policy::Agreements& agreements,
                   const policy::PartnerAgreement& partner, const FederationOptions& options);

class Federation {
 public:
  explicit Federation(FederationOptions options);
  ~Federation();  // Stop()
  Federation(const Federation&) = delete;
  Federation& operator=(const Federation&) = delete;

  // Starts one worker per partner with a url under `agreements`, after stopping the workers of
  // the previous agreements (a reload). Rounds start at once.
  void Start(std::shared_ptr<const policy::Agreements> agreements);

  // Stops every worker: a round in progress finishes its current request (bounded by the
  // request timeout) and stops. Idempotent.
  void Stop();

  // How many workers are running.
  size_t workers() const;

 private:
  struct Worker;
  void Run(Worker* worker);

  FederationOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::shared_ptr<const policy::Agreements> agreements_;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace concord::federation
