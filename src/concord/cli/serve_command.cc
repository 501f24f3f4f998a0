// `concord serve`: the TAXII 2.1 server over HTTPS, on the node's store, under the node's
// agreements (reloaded when the file changes or on SIGHUP), with federation: scheduled pulls
// from partners and sightings back to them.

#include <signal.h>

#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include "concord/base/ascii.h"
#include "concord/cli/agreements.h"
#include "concord/cli/commands.h"
#include "concord/federation/apply.h"
#include "concord/federation/federation.h"
#include "concord/net/https_server.h"
#include "concord/taxii/http_service.h"

namespace concord::cli {
namespace {

constexpr std::chrono::seconds kShutdownGrace{10};

// "127.0.0.1:8443", "[::1]:8443" -> address and port.
Status SplitListen(const std::string& listen, std::string* address, uint16_t* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return InvalidArgument("--listen " + QuoteForMessage(listen) +
                           ": expected address:port, e.g. 127.0.0.1:8443 or [::1]:8443");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string_view digits = std::string_view(listen).substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || value > 65535) {
    return InvalidArgument("--listen " + QuoteForMessage(listen) + ": the port is not 0-65535");
  }
  *address = host;
  *port = static_cast<uint16_t>(value);
  return Status::Ok();
}

// The agreements file's identity (modification time and size), to notice a change.
std::string FileStamp(const std::string& path) {
  std::error_code ec;
  auto time = std::filesystem::last_write_time(path, ec);
  if (ec) return "";
  auto size = std::filesystem::file_size(path, ec);
  return std::to_string(time.time_since_epoch().count()) + "/" + std::to_string(ec ? 0 : size);
}

// The node's log: one line on standard error, with the time; thread-safe.
class NodeLog {
 public:
  explicit NodeLog(Clock* clock) : clock_(clock) {}
  void operator()(std::string_view line) {
    const std::string when = FormatTimestamp(clock_->Now(), 3);
    std::lock_guard<std::mutex> lock(mutex_);
    std::fprintf(stderr, "%s %.*s\n", when.c_str(), static_cast<int>(line.size()), line.data());
  }
  std::mutex& mutex() { return mutex_; }

 private:
  Clock* clock_;
  std::mutex mutex_;
};

}  // namespace

int RunServe(const DataDir& dir, const ServeOptions& options, const OutputOptions& out,
             Clock* clock) {
  std::string address;
  uint16_t port = 0;
  if (Status s = SplitListen(options.listen, &address, &port); !s.ok()) {
    std::fprintf(stderr, "concord serve: %s\n", s.message().c_str());
    return 2;
  }
  NodeLog log(clock);
  // Create or migrate the store once, before any thread opens its own connection.
  auto admin_store = dir.OpenStore(clock, /*create=*/true);
  if (!admin_store.ok()) {
    std::fprintf(stderr, "concord serve: %s\n", admin_store.status().message().c_str());
    return 2;
  }

  // The agreements: a bad file stops the start (there is nothing in force yet to keep); a
  // missing one means nothing is shared until one is written.
  const std::string agreements_path = AgreementsPath(dir, options.agreements_file);
  policy::AgreementsHolder agreements;
  auto apply = [&](policy::Agreements loaded) -> Status {
    Result<federation::Changes> changes = federation::ApplyAgreements(**admin_store, loaded);
    if (!changes.ok()) return changes.status();
    for (const std::string& change : *changes) log("agreements: " + change);
    agreements.Set(std::make_shared<const policy::Agreements>(std::move(loaded)));
    return Status::Ok();
  };
  std::string stamp = FileStamp(agreements_path);
  {
    Result<policy::Agreements> loaded = LoadNodeAgreements(dir, options.agreements_file);
    if (!loaded.ok() && loaded.status().code() != StatusCode::kNotFound) {
      std::fprintf(stderr, "concord serve: %s\n", loaded.status().message().c_str());
      return 2;
    }
    if (!loaded.ok()) {
      log("concord serve: " + loaded.status().message());
    } else {
      const size_t partners = loaded->partners.size();
      if (Status s = apply(std::move(*loaded)); !s.ok()) {
        std::fprintf(stderr, "concord serve: applying %s: %s\n", agreements_path.c_str(),
                     s.message().c_str());
        return 2;
      }
      log("concord serve: agreements with " + std::to_string(partners) + " partner(s) from " +
          agreements_path);
    }
  }

  net::ServerOptions server_options;
  server_options.address = address;
  server_options.port = port;
  server_options.plain_http = options.plain_http;
  server_options.threads = options.threads;
  if (!options.plain_http) {
    server_options.tls.cert_file =
        options.cert_file.empty() ? dir.path + "/tls/server.pem" : options.cert_file;
    server_options.tls.key_file =
        options.key_file.empty() ? dir.path + "/tls/server.key" : options.key_file;
    server_options.tls.client_ca_file = options.client_ca_file;
    if (!std::filesystem::exists(server_options.tls.cert_file)) {
      std::fprintf(stderr,
                   "concord serve: no certificate at %s; give --cert and --key, or make a "
                   "self-signed pair for trying it out (docs/taxii.md, \"Certificates\")\n",
                   server_options.tls.cert_file.c_str());
      return 2;
    }
  }
  server_options.limits.max_body_bytes = options.max_content_length;
  server_options.limits.max_connections = options.max_connections;

  taxii::ServerConfig config;
  config.max_content_length = options.max_content_length;
  // Without --public-url, discovery names API roots under the origin the client asked for.
  config.public_url = options.public_url;
  while (config.public_url.ends_with("/")) config.public_url.pop_back();
  config.plain_http = options.plain_http;
  config.agreements = &agreements;
  config.on_refused = [&log](std::string_view partner, std::string_view id,
                             std::string_view reason) {
    log("refused from " + std::string(partner) + ": " + std::string(reason));
  };
  taxii::HttpService service(
      config, [&dir, clock]() { return dir.OpenStore(clock, /*create=*/false); }, clock);
  server_options.on_thread_start = [&service](int i) { service.OnThreadStart(i); };
  server_options.error_responder = &taxii::HttpService::TransportError;
  if (!options.quiet) {
    server_options.access_log = [&log, clock](const net::AccessRecord& a) {
      const std::string when = FormatTimestamp(clock->Now(), 3);
      std::lock_guard<std::mutex> lock(log.mutex());
      std::fprintf(stderr, "%s %s %s %s %s %d %llu %llu %.1fms\n", when.c_str(),
                   a.peer_address.c_str(), a.principal.empty() ? "-" : a.principal.c_str(),
                   a.method.c_str(), QuoteForMessage(a.target, 4096).c_str(), a.status,
                   static_cast<unsigned long long>(a.request_bytes),
                   static_cast<unsigned long long>(a.response_bytes), a.duration.count() / 1000.0);
    };
  }

  // SIGINT and SIGTERM are taken by this thread alone (sigwait below): block them before the
  // server's threads start, so that they inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const bool plain = options.plain_http;
  const std::string public_url_default =
      std::string(plain ? "http" : "https") + "://" +
      (address.find(':') != std::string::npos ? "[" + address + "]" : address);
  Result<std::unique_ptr<net::HttpsServer>> server = net::HttpsServer::Start(
      server_options, [&service](const net::HttpRequest& r) { return service.Handle(r); });
  if (!server.ok()) {
    std::fprintf(stderr, "concord serve: %s\n", server.status().message().c_str());
    return 2;
  }
  if (Status opened = service.first_error(); !opened.ok()) {
    std::fprintf(stderr, "concord serve: %s\n", opened.message().c_str());
    (*server)->Shutdown(std::chrono::milliseconds(0));
    (*server)->Wait();
    return 2;
  }
  const std::string url = public_url_default + ":" + std::to_string((*server)->port());
  std::fprintf(stderr, "concord serve: TAXII 2.1 on %s (discovery at %s/taxii2/)\n", url.c_str(),
               url.c_str());
  if (out.json) std::printf("{\"url\":\"%s\"}\n", url.c_str());
  std::fflush(stdout);

  // Federation: a worker per partner whose agreement names its server.
  federation::FederationOptions fed;
  fed.open_store = [&dir, clock]() { return dir.OpenStore(clock, /*create=*/false); };
  fed.clock = clock;
  fed.log = [&log](std::string_view line) { log(line); };
  federation::Federation federation(fed);
  federation.Start(agreements.Get());

  // Reloads: a changed file (looked at every few seconds) or SIGHUP. A bad file is reported
  // with its line and reason, and the agreements in force stay in force.
  auto reload = [&](const char* why) {
    Result<policy::Agreements> loaded = LoadNodeAgreements(dir, options.agreements_file);
    if (!loaded.ok()) {
      log("agreements not reloaded (" + std::string(why) + "): " + loaded.status().message() +
          "; the agreements in force stay in force");
      return;
    }
    if (Status s = apply(std::move(*loaded)); !s.ok()) {
      log("agreements not reloaded (" + std::string(why) + "): " + s.message());
      return;
    }
    log("agreements reloaded (" + std::string(why) + ") from " + agreements_path);
    federation.Start(agreements.Get());
  };
  std::mutex watch_mutex;
  std::condition_variable watch_wake;
  bool watch_stop = false;
  std::thread watcher([&] {
    std::unique_lock<std::mutex> lock(watch_mutex);
    while (!watch_wake.wait_for(lock, options.reload_interval, [&] { return watch_stop; })) {
      const std::string now = FileStamp(agreements_path);
      if (now == stamp || now.empty()) continue;
      stamp = now;
      reload("the file changed");
    }
  });

  int signal_number = 0;
  for (;;) {
    sigwait(&signals, &signal_number);
    if (signal_number != SIGHUP) break;
    std::lock_guard<std::mutex> lock(watch_mutex);
    stamp = FileStamp(agreements_path);
    reload("SIGHUP");
  }
  std::fprintf(stderr, "concord serve: %s: finishing requests in flight\n",
               signal_number == SIGINT ? "interrupted" : "terminated");
  {
    std::lock_guard<std::mutex> lock(watch_mutex);
    watch_stop = true;
  }
  watch_wake.notify_all();
  watcher.join();
  federation.Stop();
  (*server)->Shutdown(kShutdownGrace);
  (*server)->Wait();
  std::fprintf(stderr, "concord serve: stopped\n");
  return 0;
}

}  // namespace concord::cli
