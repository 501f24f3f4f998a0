#pragma once

// An HTTP/1.1 server over TLS (Boost.Beast on Asio with OpenSSL) that hands each complete,
// bounded request to one handler and writes its response. It knows nothing of TAXII.
//
// Limits are explicit and enforced before anything is buffered beyond them:
//  - header block larger than max_header_bytes: 431, connection closed;
//  - Content-Length above max_body_bytes: 413 at once, then the rest of the body is read and
//    discarded for at most drain_timeout (so a client still writing can read the 413), then
//    the connection is closed; a chunked body that grows past the limit: 413 likewise;
//  - a request must arrive whole (headers and body) within request_timeout from its first byte,
//    and the first byte within idle_timeout of the connection opening or of the previous
//    response: slow clients (slowloris) are cut off, never holding a thread (all I/O is
//    asynchronous);
//  - TLS handshake within handshake_timeout;
//  - at most max_connections open at once: further connections are accepted and closed at once;
//  - malformed HTTP: 400 and close. Truncated requests (peer closes mid-body) are dropped.
// Keep-alive as HTTP/1.1 says. Shutdown() stops accepting, lets requests being handled finish
// (their responses are sent with "Connection: close"), closes idle connections, and returns
// when all are done or `grace` has passed.
//
// Every response gets a Date header and, unless the handler set them, Content-Length. One access
// log line per request goes to the configured sink.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "concord/base/result.h"
#include "concord/net/message.h"

namespace concord::net {

struct TlsOptions {
  std::string cert_file;  // PEM certificate chain
  std::string key_file;   // PEM private key
  // When set, clients are asked for a certificate verified against this PEM CA file (a client
  // without one may still connect; HttpRequest::client_cert_sha256 is then "").
  std::string client_ca_file;
};

struct ServerLimits {
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = size_t{10} << 20;
  size_t max_connections = 4096;
  std::chrono::milliseconds handshake_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds drain_timeout{2'000};
};

// One finished request, for the access log.
struct AccessRecord {
  std::string peer_address;
  std::string principal;  // HttpResponse::principal
  std::string method;
  std::string target;
  int status = 0;
  uint64_t request_bytes = 0;   // body
  uint64_t response_bytes = 0;  // body
  std::chrono::microseconds duration{0};  // first byte of the request to response written
};

struct ServerOptions {
  std::string address = "127.0.0.1";  // an IPv4 or IPv6 literal
  uint16_t port = 0;                  // 0: any free port (see HttpsServer::port())
  // TLS (1.2 minimum, 1.3 preferred; modern ciphers only). Required unless `plain_http`.
  TlsOptions tls;
  // Plain HTTP without TLS: only when explicitly asked for, and only on a loopback address
  // (InvalidArgument otherwise).
  bool plain_http = false;
  int threads = 2;  // I/O threads; handlers run on them
  ServerLimits limits;
  // Called on each I/O thread once, before it serves anything (per-thread state, e.g. a store
  // connection). May be empty.
  std::function<void(int thread_index)> on_thread_start;
  // Access log sink; may be empty. Called from I/O threads.
  std::function<void(const AccessRecord&)> access_log;
};

// Called on an I/O thread for each complete request. Must not throw; should not block long.
using Handler = std::function<HttpResponse(const HttpRequest&)>;

class HttpsServer {
 public:
  // Binds, loads the certificate and key (InvalidArgument/IoError naming the file and what is
  // wrong), and starts serving on `options.threads` threads.
  static Result<std::unique_ptr<HttpsServer>> Start(ServerOptions options, Handler handler);
  ~HttpsServer();  // Shutdown(0) if still running

  uint16_t port() const;  // the bound port
  size_t open_connections() const;

  // See above. Safe to call from any thread, including a signal-watching one; idempotent.
  void Shutdown(std::chrono::milliseconds grace);
  // Blocks until the server has shut down.
  void Wait();

 private:
  class Impl;
  explicit HttpsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace concord::net
