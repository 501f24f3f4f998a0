// Timed harness for the TAXII budgets (docs/performance.md):
//   1. GET objects with limit=100 from a collection of 1,000,000 objects, by 64 keep-alive
//      clients at once: requests per second and latency percentiles;
//   2. paging through all of them with the TAXII client (limit 1000): time, and the client's
//      memory, which must stay flat;
//   3. 1,000 connections held open at once: all served, and the server's memory per connection.
// It runs the real `concord` binary (import, partner, token, grant, serve) as an operator would,
// and drives it over HTTPS on loopback. The server's memory is read from /proc/<pid>/status.
//
// Usage: taxii_bench [--objects N] [--dir DIR] [--reuse] [--clients N] [--seconds S]
//                    [--connections N]

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "concord/base/timestamp.h"
#include "concord/net/https_client.h"
#include "concord/net/test_certs.h"
#include "concord/taxii/client.h"
#include "stix_generator.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

// Runs a command to completion; returns its standard output ("" and a message on failure).
std::string Capture(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  if (status != 0) std::fprintf(stderr, "taxii_bench: `%s` exited %d\n", command.c_str(), status);
  return out;
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

// The string value of "key" in a flat JSON text (enough for the CLI's own --json lines).
std::string JsonString(const std::string& text, const std::string& key) {
  const size_t at = text.find("\"" + key + "\":\"");
  if (at == std::string::npos) return "";
  const size_t start = at + key.size() + 4;
  return text.substr(start, text.find('"', start) - start);
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * v.size()));
  std::nth_element(v.begin(), v.begin() + k, v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // figures appear as they are measured
  uint64_t objects = 1000000;
  std::string dir = "/tmp/concord-taxii-bench";
  bool reuse = false;
  int clients = 64;
  int seconds = 10;
  int connections = 1000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--objects")
      objects = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--dir")
      dir = next();
    else if (a == "--reuse")
      reuse = true;
    else if (a == "--clients")
      clients = std::atoi(next().c_str());
    else if (a == "--seconds")
      seconds = std::atoi(next().c_str());
    else if (a == "--connections")
      connections = std::atoi(next().c_str());
    else {
      std::fprintf(stderr,
                   "usage: taxii_bench [--objects N] [--dir DIR] [--reuse] [--clients N] "
                   "[--seconds S] [--connections N]\n");
      return 2;
    }
  }
  // Both ends of every connection are in this machine: raise the descriptor limit.
  rlimit nofile;
  getrlimit(RLIMIT_NOFILE, &nofile);
  nofile.rlim_cur = nofile.rlim_max;
  setrlimit(RLIMIT_NOFILE, &nofile);

  const std::string concord = CONCORD_BINARY;
  const std::string data = dir + "/data";
  const std::string flags = " --data-dir " + data + " --no-progress";
  std::filesystem::create_directories(dir);
  if (!reuse || !std::filesystem::exists(data + "/concord.db")) {
    std::filesystem::remove_all(data);
    const std::string bundle = dir + "/objects.jsonl";
    std::printf("generating %llu objects...\n", static_cast<unsigned long long>(objects));
    auto written = concord::bench::WriteGeneratedBundle(bundle, objects, 42);
    if (!written.ok()) {
      std::fprintf(stderr, "taxii_bench: %s\n", written.status().ToString().c_str());
      return 2;
    }
    const auto t0 = Clock::now();
    Capture(concord + flags + " collection create shared >/dev/null");
    Capture(concord + flags + " import --collection shared " + bundle + " >/dev/null 2>&1");
    std::printf("imported in %.1f s\n", std::chrono::duration<double>(Clock::now() - t0).count());
    Capture(concord + flags + " partner add bench-partner >/dev/null");
    Capture(concord + flags + " grant bench-partner shared --read --write >/dev/null");
    std::filesystem::remove(bundle);
  }
  // The agreement that lets the partner read and write "shared" (serve applies it); every
  // response passes the release policy, as in production.
  {
    std::ofstream agreements(data + "/agreements.toml");
    agreements << "[node]\nname = \"bench-node\"\n"
                  "identity = \"identity--0b1c2d3e-4f50-4617-a829-3a4b5c6d7e8f\"\n"
                  "unmarked = \"green\"\n\n"
                  "[[partner]]\nname = \"bench-partner\"\n"
                  "identity = \"identity--6a1a2f0e-3d4b-4c5e-9f60-718293a4b5c6\"\n"
                  "max_tlp = \"amber\"\ntypes = [\"*\"]\nread = [\"shared\"]\n"
                  "write = [\"shared\"]\n";
  }
  const std::string token_json = Capture(concord + flags + " --json token issue bench-partner");
  const std::string token = JsonString(token_json, "token");
  if (token.empty()) {
    std::fprintf(stderr, "taxii_bench: no token issued\n");
    return 2;
  }
  auto certs = concord::net::MakeTestCerts(dir + "/certs");
  if (!certs.ok()) {
    std::fprintf(stderr, "taxii_bench: %s\n", certs.status().ToString().c_str());
    return 2;
  }

  // The server, in its own process, as `concord serve` runs.
  int out_pipe[2];
  if (pipe(out_pipe) != 0) return 2;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_addopen(&actions, 2, (dir + "/serve.log").c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<std::string> args = {concord,
                                   "--data-dir",
                                   data,
                                   "--json",
                                   "serve",
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--cert",
                                   certs->server_cert_file,
                                   "--key",
                                   certs->server_key_file,
                                   "--quiet",
                                   "--max-connections",
                                   "8192"};
  std::vector<char*> cargs;
  for (auto& s : args) cargs.push_back(s.data());
  cargs.push_back(nullptr);
  pid_t server = 0;
  if (posix_spawn(&server, concord.c_str(), &actions, nullptr, cargs.data(), environ) != 0) {
    std::perror("posix_spawn");
    return 2;
  }
  close(out_pipe[1]);
  std::string line;
  char c;
  while (read(out_pipe[0], &c, 1) == 1 && c != '\n') line.push_back(c);
  const std::string url = JsonString(line, "url");
  if (url.empty()) {
    std::fprintf(stderr, "taxii_bench: the server did not start (see %s/serve.log)\n", dir.c_str());
    return 2;
  }
  std::printf("server %s (pid %d), RSS %ld KiB\n", url.c_str(), server, ProcKib(server, "VmRSS"));

  concord::taxii::ClientOptions copts;
  copts.token = token;
  copts.http.ca_file = certs->ca_file;
  auto admin = concord::taxii::Client::Create(url, copts);
  if (!admin.ok()) {
    std::fprintf(stderr, "taxii_bench: %s\n", admin.status().ToString().c_str());
    return 2;
  }
  auto collections = (*admin)->Collections("/api/");
  if (!collections.ok() || collections->empty()) {
    std::fprintf(stderr, "taxii_bench: no collection\n");
    return 2;
  }
  const std::string collection = (*collections)[0].id;
  const std::string objects_path = "/api/collections/" + collection + "/objects/";

  // 1. Load: `clients` keep-alive connections, each asking for a page of 100 at a random place
  // in the collection (added_after uniform between the first and last date_added).
  {
    const std::string stats = Capture(concord + flags + " --json stats");
    auto first = concord::ParseTimestamp(JsonString(stats, "first_added"));
    auto last = concord::ParseTimestamp(JsonString(stats, "last_added"));
    if (!first.ok() || !last.ok()) {
      std::fprintf(stderr, "taxii_bench: no date_added range from `concord stats`\n");
      return 2;
    }
    const int64_t from_us = first->instant.ToMicros(), to_us = last->instant.ToMicros();
    std::printf("\n[1] GET objects limit=100 at random places, %d keep-alive clients, %d s\n",
                clients, seconds);
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> errors{0}, returned{0};
    std::vector<std::vector<double>> latencies(clients);
    std::vector<std::thread> threads;
    const std::string auth = "Bearer " + token;
    for (int t = 0; t < clients; ++t) {
      threads.emplace_back([&, t]() {
        concord::net::ClientOptions o;
        o.ca_file = certs->ca_file;
        auto client = concord::net::HttpsClient::Create(url, o);
        if (!client.ok()) {
          ++errors;
          return;
        }
        std::mt19937_64 rng(t);
        std::uniform_int_distribution<int64_t> place(from_us, to_us);
        const concord::net::Headers headers = {{"Accept", "application/taxii+json;version=2.1"},
                                               {"Authorization", auth}};
        while (!stop.load(std::memory_order_relaxed)) {
          const std::string target =
              objects_path + "?limit=100&added_after=" +
              concord::FormatTimestamp(concord::Timestamp::FromMicros(place(rng)), 6);
          const auto s = Clock::now();
          auto r = (*client)->Send("GET", target, headers);
          const double ms = std::chrono::duration<double, std::milli>(Clock::now() - s).count();
          if (!r.ok() || r->status != 200) {
            ++errors;
            continue;
          }
          returned += static_cast<uint64_t>(r->body.size());
          latencies[t].push_back(ms);
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    stop = true;
    for (auto& th : threads) th.join();
    std::vector<double> all;
    for (auto& v : latencies) all.insert(all.end(), v.begin(), v.end());
    const double rps = static_cast<double>(all.size()) / seconds;
    std::printf("requests %zu, errors %llu, %.0f requests/s, %.1f KiB per response\n", all.size(),
                static_cast<unsigned long long>(errors.load()), rps,
                all.empty() ? 0.0 : returned.load() / 1024.0 / all.size());
    std::printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", Percentile(all, 0.50),
                Percentile(all, 0.90), Percentile(all, 0.99), Percentile(all, 1.0));
    std::printf("server RSS %ld KiB (peak %ld KiB)\n", ProcKib(server, "VmRSS"),
                ProcKib(server, "VmHWM"));
  }

  // 1b. The same with Debian's wrk (2 threads, 64 connections), when installed: a second,
  // independent client (one URL: the first page).
  if (std::system("command -v wrk >/dev/null 2>&1") == 0) {
    std::printf("\n[1b] wrk -t2 -c%d -d%ds --latency, GET objects limit=100 (first page)\n",
                clients, seconds);
    std::fflush(stdout);
    const std::string out = Capture(
        "wrk -t2 -c" + std::to_string(clients) + " -d" + std::to_string(seconds) +
        "s --latency -H 'Accept: application/taxii+json;version=2.1' -H 'Authorization: Bearer " +
        token + "' '" + url + objects_path + "?limit=100' 2>&1");
    std::printf("%s", out.c_str());
  }

  // 2. Paging through everything with the client.
  {
    std::printf("\n[2] paging through the collection with the client, limit=1000\n");
    const long rss_before = ProcKib(getpid(), "VmRSS");
    long rss_max = rss_before;
    concord::taxii::PageRequest request;
    request.limit = 1000;
    uint64_t seen = 0, pages = 0;
    const auto t0 = Clock::now();
    for (;;) {
      auto page = (*admin)->GetObjects("/api/", collection, request);
      if (!page.ok()) {
        std::fprintf(stderr, "taxii_bench: page %llu: %s\n", static_cast<unsigned long long>(pages),
                     page.status().ToString().c_str());
        break;
      }
      ++pages;
      seen += page->objects.size();
      rss_max = std::max(rss_max, ProcKib(getpid(), "VmRSS"));
      if (!page->more) break;
      request.next = page->next;
    }
    const double s = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("objects %llu in %llu pages, %.1f s, %.0f objects/s\n",
                static_cast<unsigned long long>(seen), static_cast<unsigned long long>(pages), s,
                seen / s);
    std::printf("client RSS before %ld KiB, max while paging %ld KiB (+%ld KiB)\n", rss_before,
                rss_max, rss_max - rss_before);
    std::printf("server RSS %ld KiB (peak %ld KiB)\n", ProcKib(server, "VmRSS"),
                ProcKib(server, "VmHWM"));
  }

  // 3. Many connections held open at once.
  {
    std::printf("\n[3] %d connections held open\n", connections);
    const long server_before = ProcKib(server, "VmRSS");
    std::vector<std::unique_ptr<concord::net::HttpsClient>> held;
    uint64_t errors = 0;
    const concord::net::Headers headers = {{"Accept", "application/taxii+json;version=2.1"},
                                           {"Authorization", "Bearer " + token}};
    const auto t0 = Clock::now();
    for (int i = 0; i < connections; ++i) {
      concord::net::ClientOptions o;
      o.ca_file = certs->ca_file;
      auto client = concord::net::HttpsClient::Create(url, o);
      if (!client.ok()) {
        ++errors;
        continue;
      }
      auto r = (*client)->Send("GET", "/api/collections/", headers);
      if (!r.ok() || r->status != 200) ++errors;
      held.push_back(std::move(*client));
    }
    const double opened = std::chrono::duration<double>(Clock::now() - t0).count();
    const long server_after = ProcKib(server, "VmRSS");
    // All of them still served, on the same connections.
    uint64_t second_errors = 0;
    for (auto& client : held) {
      auto r = client->Send("GET", "/api/", headers);
      if (!r.ok() || r->status != 200) ++second_errors;
    }
    std::printf("opened %zu in %.1f s, errors %llu; a second request on each: errors %llu\n",
                held.size(), opened, static_cast<unsigned long long>(errors),
                static_cast<unsigned long long>(second_errors));
    std::printf("server RSS %ld -> %ld KiB (%.1f KiB per connection)\n", server_before,
                server_after,
                held.empty() ? 0.0 : double(server_after - server_before) / held.size());
    held.clear();
  }

  kill(server, SIGTERM);
  int status = 0;
  waitpid(server, &status, 0);
  std::printf("\nserver exited %d after SIGTERM\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return 0;
}
