#include "concord/federation/federation.h"

#include <algorithm>
#include <random>
#include <utility>

#include "concord/base/ascii.h"
#include "concord/federation/sightings_back.h"
#include "concord/taxii/client.h"

namespace concord::federation {
namespace {

Result<std::unique_ptr<taxii::Client>> Connect(const policy::PartnerAgreement& partner,
                                               const FederationOptions& options) {
  taxii::ClientOptions c;
  c.http.ca_file = partner.ca_file;
  c.http.client_cert_file = partner.client_cert_file;
  c.http.client_key_file = partner.client_key_file;
  c.http.request_timeout = options.request_timeout;
  c.http.connect_timeout =
      std::min<std::chrono::milliseconds>(options.request_timeout, std::chrono::seconds(10));
  c.http.user_agent = "concord-federation";
  c.max_retries = options.client_retries;
  c.first_backoff = std::chrono::milliseconds(200);
  c.max_backoff = std::chrono::milliseconds(2'000);
  if (!partner.token_file.empty()) {
    CONCORD_ASSIGN_OR_RETURN(c.token, taxii::ReadTokenFile(partner.token_file));
    if (c.token.empty()) {
      return InvalidArgument("the token file " + partner.token_file + " holds no token");
    }
  }
  return taxii::Client::Create(partner.url, std::move(c));
}

}  // namespace

Status SyncPartner(store::Store& store, const policy::Agreements& agreements,
                   const policy::PartnerAgreement& partner, const FederationOptions& options) {
  Result<std::unique_ptr<taxii::Client>> client = Connect(partner, options);
  if (!client.ok()) {
    // Recorded against every exchange with this partner, so `sync status` shows it.
    Status failed = client.status().WithPrefix("connecting to " + partner.name);
    auto record = [&](const char* direction, const std::string& collection) {
      store::SyncState state;
      if (auto got = store.GetSyncState(partner.name, direction, collection); got.ok()) {
        state = std::move(*got);
      }
      state.partner = partner.name;
      state.direction = direction;
      state.collection = collection;
      state.last_attempt_us = options.clock->Now().ToMicros();
      state.last_error = failed.message();
      ++state.consecutive_failures;
      (void)store.PutSyncState(state);
    };
    for (const policy::PullSource& source : partner.pull) record("pull", source.collection);
    if (partner.sightings.send) record("push", partner.sightings.collection);
    return failed;
  }
  Status first;
  for (const policy::PullSource& source : partner.pull) {
    Result<PullOutcome> pulled = PullCollection(**client, store, agreements, partner, source,
                                                *options.clock, options.limits, options.log);
    if (!pulled.ok()) {
      if (options.log) options.log(pulled.status().message());
      if (first.ok()) first = pulled.status();
    }
  }
  if (partner.sightings.send && !partner.sightings.collection.empty()) {
    Result<PushOutcome> pushed = PushSightings(**client, store, agreements, partner, *options.clock,
                                               options.max_sightings_per_round, options.log);
    if (!pushed.ok()) {
      if (options.log) options.log(pushed.status().message());
      if (first.ok()) first = pushed.status();
    }
  }
  return first;
}

struct Federation::Worker {
  const policy::PartnerAgreement* partner = nullptr;  // in agreements_ of its start
  std::shared_ptr<const policy::Agreements> agreements;
  std::thread thread;
};

Federation::Federation(FederationOptions options) : options_(std::move(options)) {}

Federation::~Federation() { Stop(); }

void Federation::Start(std::shared_ptr<const policy::Agreements> agreements) {
  Stop();
  std::lock_guard<std::mutex> lock(mutex_);
  stopping_ = false;
  agreements_ = std::move(agreements);
  for (const policy::PartnerAgreement& p : agreements_->partners) {
    if (p.url.empty() || (p.pull.empty() && !p.sightings.send)) continue;
    auto worker = std::make_unique<Worker>();
    worker->partner = &p;
    worker->agreements = agreements_;
    Worker* raw = worker.get();
    worker->thread = std::thread([this, raw] { Run(raw); });
    workers_.push_back(std::move(worker));
  }
}

void Federation::Stop() {
  std::vector<std::unique_ptr<Worker>> stopping;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    stopping.swap(workers_);
  }
  wake_.notify_all();
  for (auto& w : stopping) w->thread.join();
}

size_t Federation::workers() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return workers_.size();
}

void Federation::Run(Worker* worker) {
  const policy::PartnerAgreement& partner = *worker->partner;
  const policy::Agreements& agreements = *worker->agreements;
  std::mt19937_64 random(std::random_device{}());
  std::unique_ptr<store::Store> store;
  int failures = 0;
  for (;;) {
    Status round;
    if (store == nullptr) {
      Result<std::unique_ptr<store::Store>> opened = options_.open_store();
      if (opened.ok()) {
        store = std::move(*opened);
      } else {
        round = opened.status();
      }
    }
    if (store != nullptr) round = SyncPartner(*store, agreements, partner, options_);
    std::chrono::milliseconds wait =
        std::chrono::duration_cast<std::chrono::milliseconds>(agreements.node.sync_interval);
    if (round.ok()) {
      failures = 0;
    } else {
      ++failures;
      auto backoff = options_.min_backoff * (int64_t{1} << std::min(failures - 1, 20));
      backoff = std::min({backoff, options_.max_backoff, wait});
      // +-20% jitter, so that partners recovering together do not retry in step.
      std::uniform_real_distribution<double> jitter(0.8, 1.2);
      wait = std::chrono::milliseconds(static_cast<int64_t>(backoff.count() * jitter(random)));
      if (options_.log) {
        options_.log("federation with " + partner.name + ": round failed (" +
                     std::to_string(failures) + " in a row); retrying in " +
                     std::to_string(wait.count()) + " ms");
      }
    }
    std::unique_lock<std::mutex> lock(mutex_);
    if (wake_.wait_for(lock, wait, [this] { return stopping_; })) return;
  }
}

}  // namespace concord::federation
