// `concord serve`: the TAXII 2.1 server over HTTPS, on the node's store.

#include <signal.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <mutex>

#include "concord/base/ascii.h"
#include "concord/cli/commands.h"
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

}  // namespace

int RunServe(const DataDir& dir, const ServeOptions& options, const OutputOptions& out,
             Clock* clock) {
  std::string address;
  uint16_t port = 0;
  if (Status s = SplitListen(options.listen, &address, &port); !s.ok()) {
    std::fprintf(stderr, "concord serve: %s\n", s.message().c_str());
    return 2;
  }
  // Create or migrate the store once, before any thread opens its own connection.
  {
    auto store = dir.OpenStore(clock, /*create=*/true);
    if (!store.ok()) {
      std::fprintf(stderr, "concord serve: %s\n", store.status().message().c_str());
      return 2;
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
  taxii::HttpService service(
      config, [&dir, clock]() { return dir.OpenStore(clock, /*create=*/false); }, clock);
  server_options.on_thread_start = [&service](int i) { service.OnThreadStart(i); };
  server_options.error_responder = &taxii::HttpService::TransportError;
  std::mutex log_mutex;
  if (!options.quiet) {
    server_options.access_log = [&log_mutex, clock](const net::AccessRecord& a) {
      const std::string when = FormatTimestamp(clock->Now(), 3);
      std::lock_guard<std::mutex> lock(log_mutex);
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

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  std::fprintf(stderr, "concord serve: %s: finishing requests in flight\n",
               signal_number == SIGINT ? "interrupted" : "terminated");
  (*server)->Shutdown(kShutdownGrace);
  (*server)->Wait();
  std::fprintf(stderr, "concord serve: stopped\n");
  return 0;
}

}  // namespace concord::cli
