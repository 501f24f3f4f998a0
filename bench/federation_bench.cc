// Timed harness for federation: one node ("uk") pulls a partner's ("us") TAXII collection with
// federation::PullCollection, over real HTTPS on loopback, into its own SQLite store.
//
//   1. The publisher's store gets N generated objects (bench/stix_generator.h) in one collection,
//      "ransomware", imported through the store API as its own (provenance local), with the
//      agreements that let partner "uk" read it up to TLP:AMBER+STRICT, all types, unmarked
//      objects treated as GREEN. What the release policy will let uk have is counted in-process
//      first (taxii::ReleaseFilter over the collection), so the pull can be checked against it.
//   2. The publisher serves it (taxii::HttpService + net::HttpsServer, 2 I/O threads) from a
//      child process, so that the subscriber's memory and CPU are its own: the subscriber's RSS
//      is this process's VmRSS, the publisher's that of the child.
//   3. The subscriber pulls in rounds until complete: objects received vs stored, duplicates and
//      rejected, pages, wall time, objects/s, CPU of each side, RSS growth.
//   4. An incremental pull with nothing new; then one after 1,000 new objects are published.
//
// The generator names 20 organisations as creators (created_by_ref). A partner may only send
// what it created (policy::CheckReceived), so by default the publisher's objects are made its
// own: created_by_ref is rewritten to the publisher's identity. --foreign-creators keeps the
// generator's creators, to see the cost of refusing most of what is offered.
//
// Usage: federation_bench [--objects N] [--page-size N] [--foreign-creators]

#include <malloc.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "concord/base/clock.h"
#include "concord/federation/apply.h"
#include "concord/federation/pull.h"
#include "concord/net/https_server.h"
#include "concord/net/test_certs.h"
#include "concord/policy/agreement.h"
#include "concord/stix/validator.h"
#include "concord/store/sqlite/sqlite_store.h"
#include "concord/taxii/auth.h"
#include "concord/taxii/client.h"
#include "concord/taxii/http_service.h"
#include "concord/taxii/release.h"
#include "stix_generator.h"

namespace {

using Steady = std::chrono::steady_clock;

constexpr char kUkId[] = "identity--0b1c2d3e-4f50-4617-a829-3a4b5c6d7e8f";
constexpr char kUsId[] = "identity--6a1a2f0e-3d4b-4c5e-9f60-718293a4b5c6";
constexpr char kCollection[] = "ransomware";
constexpr char kInto[] = "from-us";

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "federation_bench: %s\n", what.c_str());
  std::exit(2);
}

double Seconds(Steady::time_point since) {
  return std::chrono::duration<double>(Steady::now() - since).count();
}

// VmRSS or VmHWM of a process, in KiB.
long ProcKib(pid_t pid, const char* field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) == 0) return std::atol(line.c_str() + std::strlen(field) + 1);
  }
  return -1;
}

// Resets the peak RSS (VmHWM) of a process to its current RSS.
void ResetPeak(pid_t pid) { std::ofstream("/proc/" + std::to_string(pid) + "/clear_refs") << "5"; }

// User + system CPU time of a process so far, in seconds (from /proc/<pid>/stat).
double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = text.rfind(')');
  if (paren == std::string::npos) return -1;
  // After ") ": state is field 3; utime and stime are fields 14 and 15.
  const char* p = text.c_str() + paren + 2;
  unsigned long long utime = 0, stime = 0;
  for (int field = 3; field < 14 && p != nullptr; ++field) {
    p = std::strchr(p, ' ');
    if (p != nullptr) ++p;
  }
  if (p == nullptr || std::sscanf(p, "%llu %llu", &utime, &stime) != 2) return -1;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Generates `n` objects with `seed` and stores them in `store` as its own, into `collection_id`,
// committing every 5,000. Returns how many versions were added.
uint64_t Publish(concord::store::Store& store, const std::string& collection_id,
                 const std::string& path, uint64_t n, uint64_t seed, bool foreign_creators) {
  auto written = concord::bench::WriteGeneratedBundle(path, n, seed);
  if (!written.ok()) Die(written.status().ToString());
  std::ifstream in(path);
  concord::stix::Validator validator;
  const concord::store::Provenance source{"local", "us"};
  std::unique_ptr<concord::store::WriteTransaction> tx;
  uint64_t in_tx = 0, added = 0;
  std::string line;
  constexpr std::string_view kCreator = "\"created_by_ref\":\"";
  const size_t id_length = std::strlen(kUsId);
  while (std::getline(in, line)) {
    // One object per line between the bundle's first and last lines.
    if (line.rfind("{\"type\":\"", 0) != 0 || line.rfind("{\"type\":\"bundle\"", 0) == 0) continue;
    if (line.back() == ',') line.pop_back();
    if (!foreign_creators) {
      const size_t at = line.find(kCreator);
      if (at != std::string::npos) line.replace(at + kCreator.size(), id_length, kUsId);
    }
    concord::stix::Validation v = validator.Validate(line);
    if (!v.ok()) Die("a generated object is invalid: " + line);
    if (!tx) {
      auto begun = store.BeginWrite(source, {collection_id});
      if (!begun.ok()) Die(begun.status().ToString());
      tx = std::move(*begun);
    }
    auto put = tx->Put(*v.object);
    if (!put.ok()) Die(put.status().ToString());
    added += *put == concord::store::PutOutcome::kAdded ? 1 : 0;
    if (++in_tx == 5000) {
      if (auto s = tx->Commit(); !s.ok()) Die(s.ToString());
      tx.reset();
      in_tx = 0;
    }
  }
  if (tx) {
    if (auto s = tx->Commit(); !s.ok()) Die(s.ToString());
  }
  std::filesystem::remove(path);
  return added;
}

// The serving side, in a child process: serves until `stop_fd` is closed by the parent (or the
// parent dies), having written its port to `port_fd`. Never returns.
[[noreturn]] void Serve(const std::string& store_path, const concord::net::TestCerts& certs,
                        const concord::policy::Agreements& agreements, int port_fd, int stop_fd) {
  concord::SystemClock clock;
  concord::policy::AgreementsHolder holder(agreements);
  concord::taxii::ServerConfig config;
  config.agreements = &holder;
  concord::taxii::HttpService service(
      config,
      [&]() -> concord::Result<std::unique_ptr<concord::store::Store>> {
        auto s = concord::store::SqliteStore::Open(store_path, &clock);
        if (!s.ok()) return s.status();
        return std::unique_ptr<concord::store::Store>(std::move(*s));
      },
      &clock);
  concord::net::ServerOptions o;
  o.address = "127.0.0.1";
  o.tls.cert_file = certs.server_cert_file;
  o.tls.key_file = certs.server_key_file;
  o.threads = 2;
  o.on_thread_start = [&service](int i) { service.OnThreadStart(i); };
  o.error_responder = &concord::taxii::HttpService::TransportError;
  auto server = concord::net::HttpsServer::Start(
      o, [&service](const concord::net::HttpRequest& r) { return service.Handle(r); });
  uint16_t port = 0;
  if (server.ok()) {
    port = (*server)->port();
  } else {
    std::fprintf(stderr, "federation_bench: publisher: %s\n", server.status().ToString().c_str());
  }
  if (write(port_fd, &port, sizeof(port)) != static_cast<ssize_t>(sizeof(port)) || port == 0) {
    _exit(1);
  }
  char c;
  while (read(stop_fd, &c, 1) > 0) {
  }
  (*server)->Shutdown(std::chrono::milliseconds(1000));
  (*server)->Wait();
  _exit(service.first_error().ok() ? 0 : 3);
}

struct Totals {
  concord::federation::PullOutcome outcome;
  uint64_t rounds = 0;
  double seconds = 0;
};

// Pulls in rounds until the partner's last page has been stored.
Totals PullAll(concord::taxii::Client& client, concord::store::Store& store,
               const concord::policy::Agreements& agreements, concord::Clock& clock,
               const concord::federation::PullLimits& limits, const concord::federation::Log& log) {
  const concord::policy::PartnerAgreement& partner = agreements.partners[0];
  Totals t;
  const auto start = Steady::now();
  for (;;) {
    auto r = concord::federation::PullCollection(client, store, agreements, partner,
                                                 partner.pull[0], clock, limits, log);
    if (!r.ok()) Die(r.status().ToString());
    ++t.rounds;
    t.outcome.pages += r->pages;
    t.outcome.stored += r->stored;
    t.outcome.duplicates += r->duplicates;
    t.outcome.rejected += r->rejected;
    if (r->complete) break;
  }
  t.outcome.complete = true;
  t.seconds = Seconds(start);
  return t;
}

void PrintPull(const Totals& t) {
  const uint64_t received = t.outcome.stored + t.outcome.duplicates + t.outcome.rejected;
  std::printf(
      "received %llu: stored %llu, duplicates %llu, rejected %llu; %llu pages in %llu "
      "round(s)\n",
      static_cast<unsigned long long>(received), static_cast<unsigned long long>(t.outcome.stored),
      static_cast<unsigned long long>(t.outcome.duplicates),
      static_cast<unsigned long long>(t.outcome.rejected),
      static_cast<unsigned long long>(t.outcome.pages), static_cast<unsigned long long>(t.rounds));
  if (t.seconds < 1) {
    std::printf("wall %.1f ms, ", 1000.0 * t.seconds);
  } else {
    std::printf("wall %.2f s, ", t.seconds);
  }
  std::printf("%.0f objects/s, %.1f ms/page\n", t.seconds > 0 ? received / t.seconds : 0.0,
              t.outcome.pages > 0 ? 1000.0 * t.seconds / t.outcome.pages : 0.0);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures appear as they are measured
  uint64_t objects = 200000;
  size_t page_size = 1000;
  bool foreign_creators = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--objects") {
      objects = std::strtoull(next().c_str(), nullptr, 10);
    } else if (a == "--page-size") {
      page_size = std::strtoull(next().c_str(), nullptr, 10);
    } else if (a == "--foreign-creators") {
      foreign_creators = true;
    } else {
      std::fprintf(stderr,
                   "usage: federation_bench [--objects N] [--page-size N] [--foreign-creators]\n");
      return 2;
    }
  }
  if (objects == 0 || page_size == 0) Die("--objects and --page-size must be positive");

  std::string tmpl =
      (std::filesystem::temp_directory_path() / "concord_federation_bench_XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) Die("cannot create a temporary directory");
  const std::string dir = tmpl;
  std::filesystem::create_directories(dir + "/us");
  std::filesystem::create_directories(dir + "/uk");
  const std::string us_store = dir + "/us/store.db";
  const std::string uk_store = dir + "/uk/store.db";
  auto certs = concord::net::MakeTestCerts(dir + "/pki");
  if (!certs.ok()) Die(certs.status().ToString());
  concord::SystemClock clock;

  // The publisher's agreements: uk may read "ransomware", up to AMBER+STRICT, every type.
  concord::policy::Agreements us_agreements;
  us_agreements.node.name = "us";
  us_agreements.node.identity_id = kUsId;
  us_agreements.node.unmarked = concord::stix::Tlp::kGreen;
  {
    concord::policy::PartnerAgreement uk;
    uk.name = "uk";
    uk.identity_id = kUkId;
    uk.max_tlp = concord::stix::Tlp::kAmberStrict;
    uk.types = {"*"};
    uk.read = {kCollection};
    us_agreements.partners.push_back(uk);
  }
  // The subscriber's: it pulls "ransomware" from us into "from-us" (url set once it serves).
  concord::policy::Agreements uk_agreements;
  uk_agreements.node.name = "uk";
  uk_agreements.node.identity_id = kUkId;
  {
    concord::policy::PartnerAgreement us;
    us.name = "us";
    us.identity_id = kUsId;
    us.max_tlp = concord::stix::Tlp::kAmber;
    us.types = {"*"};
    us.ca_file = certs->ca_file;
    us.pull = {concord::policy::PullSource{kCollection, kInto}};
    uk_agreements.partners.push_back(us);
  }

  // 1. The publisher's store.
  std::string token;
  std::string collection_id;
  uint64_t offered = 0;
  {
    auto opened = concord::store::SqliteStore::Open(us_store, &clock);
    if (!opened.ok()) Die(opened.status().ToString());
    concord::store::SqliteStore& us = **opened;
    if (auto applied = concord::federation::ApplyAgreements(us, us_agreements); !applied.ok()) {
      Die(applied.status().ToString());
    }
    auto issued = concord::taxii::IssueToken("uk", clock.Now().ToMicros());
    if (!issued.ok()) Die(issued.status().ToString());
    if (auto s = us.AddCredential(issued->credential); !s.ok()) Die(s.ToString());
    token = issued->token;
    auto collection = us.FindCollection(kCollection);
    if (!collection.ok()) Die(collection.status().ToString());
    collection_id = collection->id;

    std::printf("publisher: generating and importing %llu objects (%s)...\n",
                static_cast<unsigned long long>(objects),
                foreign_creators ? "creators as generated" : "created_by_ref: the publisher");
    auto start = Steady::now();
    const uint64_t added =
        Publish(us, collection_id, dir + "/objects.json", objects, 42, foreign_creators);
    std::printf("publisher: %llu versions stored in %.1f s (generate + validate + store)\n",
                static_cast<unsigned long long>(added), Seconds(start));

    // What the release policy lets uk have: the latest versions in the collection, filtered.
    start = Steady::now();
    concord::store::Query q;
    q.collection = collection_id;
    q.versions.push_back(
        concord::store::VersionFilter{concord::store::VersionFilter::Kind::kLast, ""});
    concord::taxii::ReleaseFilter filter(&us, &us_agreements, "uk");
    uint64_t latest = 0, red = 0, reveals = 0, other = 0;
    std::map<std::string, uint64_t> other_reasons;
    std::string cursor;
    for (;;) {
      auto page = us.Find(q, 1000, cursor);
      if (!page.ok()) Die(page.status().ToString());
      latest += page->objects.size();
      if (auto s = filter.Apply(&page->objects); !s.ok()) Die(s.ToString());
      offered += page->objects.size();
      for (const concord::taxii::Withheld& w : filter.withheld()) {
        if (w.reason.rfind("TLP:RED", 0) == 0) {
          ++red;
        } else if (w.reason.rfind("reveals ", 0) == 0) {
          ++reveals;
        } else {
          ++other;
          ++other_reasons[w.reason.substr(0, 60)];
        }
      }
      if (!page->more) break;
      cursor = page->next_cursor;
    }
    std::printf(
        "publisher: %llu latest versions in %s; the policy offers uk %llu, withholds "
        "%llu (TLP:RED %llu, revealing a withheld object %llu, other %llu) [in-process "
        "filter: %.1f s]\n",
        static_cast<unsigned long long>(latest), kCollection,
        static_cast<unsigned long long>(offered), static_cast<unsigned long long>(latest - offered),
        static_cast<unsigned long long>(red), static_cast<unsigned long long>(reveals),
        static_cast<unsigned long long>(other), Seconds(start));
    for (const auto& [reason, n] : other_reasons) {
      std::printf("  withheld %llu: %s...\n", static_cast<unsigned long long>(n), reason.c_str());
    }
  }
  malloc_trim(0);  // what the import used goes back before the subscriber's baseline

  // 2. The publisher serves, from a child process (no thread has been started in this one yet).
  int port_pipe[2], stop_pipe[2];
  if (pipe(port_pipe) != 0 || pipe(stop_pipe) != 0) Die("pipe failed");
  std::fflush(nullptr);
  const pid_t publisher = fork();
  if (publisher < 0) Die("fork failed");
  if (publisher == 0) {
    close(port_pipe[0]);
    close(stop_pipe[1]);
    Serve(us_store, *certs, us_agreements, port_pipe[1], stop_pipe[0]);
  }
  close(port_pipe[1]);
  close(stop_pipe[0]);
  uint16_t port = 0;
  if (read(port_pipe[0], &port, sizeof(port)) != static_cast<ssize_t>(sizeof(port)) || port == 0) {
    Die("the publisher did not start");
  }
  close(port_pipe[0]);
  const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/api/";
  uk_agreements.partners[0].url = url;
  std::printf("publisher: serving %s (pid %d, 2 threads), RSS %ld KiB\n", url.c_str(), publisher,
              ProcKib(publisher, "VmRSS"));

  // 3. The subscriber.
  {
    auto opened = concord::store::SqliteStore::Open(uk_store, &clock);
    if (!opened.ok()) Die(opened.status().ToString());
    std::unique_ptr<concord::store::SqliteStore> uk = std::move(*opened);
    if (auto applied = concord::federation::ApplyAgreements(*uk, uk_agreements); !applied.ok()) {
      Die(applied.status().ToString());
    }
    concord::taxii::ClientOptions copts;
    copts.token = token;
    copts.http.ca_file = certs->ca_file;
    auto client = concord::taxii::Client::Create(url, copts);
    if (!client.ok()) Die(client.status().ToString());
    concord::federation::PullLimits limits;
    limits.page_size = page_size;
    limits.max_pages = 1'000'000;
    uint64_t refused_logged = 0;
    const concord::federation::Log log = [&](std::string_view line) {
      if (line.find(": refused ") != std::string_view::npos && refused_logged++ < 3) {
        std::printf("  log: %.*s\n", static_cast<int>(std::min<size_t>(line.size(), 200)),
                    line.data());
      }
    };

    std::printf("\n[1] subscriber: first pull of %s, page size %zu\n", kCollection, page_size);
    ResetPeak(getpid());
    ResetPeak(publisher);
    const long rss_before = ProcKib(getpid(), "VmRSS");
    double cpu_self = CpuSeconds(getpid()), cpu_pub = CpuSeconds(publisher);
    Totals first = PullAll(**client, *uk, uk_agreements, clock, limits, log);
    const long rss_after = ProcKib(getpid(), "VmRSS");
    std::printf("offered %llu (policy count at the publisher)\n",
                static_cast<unsigned long long>(offered));
    PrintPull(first);
    std::printf("CPU: subscriber %.1f s, publisher %.1f s\n", CpuSeconds(getpid()) - cpu_self,
                CpuSeconds(publisher) - cpu_pub);
    std::printf(
        "subscriber RSS %ld -> %ld KiB (+%ld KiB), peak %ld KiB; publisher RSS %ld KiB "
        "(peak %ld KiB)\n",
        rss_before, rss_after, rss_after - rss_before, ProcKib(getpid(), "VmHWM"),
        ProcKib(publisher, "VmRSS"), ProcKib(publisher, "VmHWM"));
    auto stats = uk->GetStats();
    if (!stats.ok()) Die(stats.status().ToString());
    std::string by_tlp;
    for (const auto& [tlp, n] : stats->by_tlp) by_tlp += " " + tlp + " " + std::to_string(n);
    std::printf("subscriber store: %llu versions; by TLP:%s\n",
                static_cast<unsigned long long>(stats->versions), by_tlp.c_str());

    // 4. Incremental pulls.
    std::printf("\n[2] subscriber: incremental pull, nothing new\n");
    cpu_self = CpuSeconds(getpid());
    cpu_pub = CpuSeconds(publisher);
    PrintPull(PullAll(**client, *uk, uk_agreements, clock, limits, log));
    std::printf("CPU: subscriber %.3f s, publisher %.3f s\n", CpuSeconds(getpid()) - cpu_self,
                CpuSeconds(publisher) - cpu_pub);

    std::printf("\n[3] subscriber: incremental pull after 1,000 new objects are published\n");
    {
      auto us = concord::store::SqliteStore::Open(us_store, &clock);
      if (!us.ok()) Die(us.status().ToString());
      const uint64_t added =
          Publish(**us, collection_id, dir + "/new.json", 1000, 4242, foreign_creators);
      std::printf("publisher: %llu new versions stored\n", static_cast<unsigned long long>(added));
    }
    cpu_self = CpuSeconds(getpid());
    cpu_pub = CpuSeconds(publisher);
    PrintPull(PullAll(**client, *uk, uk_agreements, clock, limits, log));
    std::printf("CPU: subscriber %.3f s, publisher %.3f s\n", CpuSeconds(getpid()) - cpu_self,
                CpuSeconds(publisher) - cpu_pub);
    auto state = uk->GetSyncState("us", "pull", kCollection);
    if (state.ok()) {
      std::printf("sync state: objects %llu, rejected %llu, cursor %s\n",
                  static_cast<unsigned long long>(state->objects),
                  static_cast<unsigned long long>(state->rejected), state->cursor.c_str());
    }
  }

  close(stop_pipe[1]);  // the publisher stops
  int status = 0;
  waitpid(publisher, &status, 0);
  std::printf("\npublisher exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  std::filesystem::remove_all(dir);
  return 0;
}
