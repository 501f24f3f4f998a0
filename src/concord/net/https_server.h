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
//  - malformed HTTP: 400 and close. Truncated requests (peer closes mid-body) are dropped, and
//    so are requests cut off by a timeout: nobody is answered, the connection is closed;
//  - writing a response must finish within request_timeout too (a client that does not read
//    cannot hold the connection).
// After a response that closes the connection, the server half-closes (TCP FIN) and reads and
// discards what the client still sends for at most drain_timeout before closing the socket, so
// that the client can read the response instead of losing it to a TCP reset.
// Keep-alive as HTTP/1.1 says (pipelined requests are answered in order). Shutdown() stops
// accepting, lets requests being read or handled finish (their responses are sent with
// "Connection: close"), closes idle connections, and returns when all are done or `grace` has
// passed.
//
// Every response gets a Date header (unless the handler set one) and a Content-Length computed
// from its body (1xx, 204 and 304 excepted; for HEAD the handler's Content-Length is kept, the
// body's size otherwise, and no body is sent). The handler's Transfer-Encoding and Connection
// headers are replaced, but "Connection: close" from the handler closes the connection after
// the response. Header fields holding CR, LF or NUL are dropped; a status outside 100-599 is
// sent as 500. One access log record per response written goes to the configured sink.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "concord/base/result.h"
#include "concord/net/message.h"

namespace concord::net {

struct TlsOptions {
  std::string cert_file;  // PEM certificate chain
  std::string key_file;   // PEM private key
  // When set, clients are asked for a certificate verified against this PEM CA file (a client
  // without one may still connect; HttpRequest::client_cert_sha256 is then ""). A client that
  // presents a certificate which does not verify fails the TLS handshake.
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
  uint64_t request_bytes = 0;             // body
  uint64_t response_bytes = 0;            // body
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
  // Formats the responses the transport writes by itself: 400 (malformed request), 413 (body
  // too large), 431 (header too large), 500 (the handler threw). `message` is a short English
  // sentence saying what was wrong. May be empty: a text/plain body holding the message. Called
  // from I/O threads; must not throw. Date, Content-Length and "Connection: close" are set on
  // whatever it returns; its delay_ms is honoured and its principal logged.
  std::function<HttpResponse(int status, std::string_view message)> error_responder;
};

// Called on an I/O thread for each complete request. Must not throw; should not block long.
using Handler = std::function<HttpResponse(const HttpRequest&)>;

class HttpsServer {
 public:
  // Binds, loads the certificate and key (InvalidArgument/IoError naming the file and what is
  // wrong), and starts serving on `options.threads` threads.
  static Result<std::unique_ptr<HttpsServer>> Start(ServerOptions options, Handler handler);
  ~HttpsServer();  // Shutdown(0) if still running. Not from a handler.

  uint16_t port() const;  // the bound port
  // Connections open now (TLS handshake included) and accepted since Start (refused ones, over
  // max_connections, are not counted by either).
  size_t open_connections() const;
  uint64_t connections_accepted() const;

  // See above. Safe to call from any thread, including a signal-watching one; idempotent. When
  // `grace` passes first, the remaining connections are closed (a handler still running is
  // waited for). Called from a handler (an I/O thread), it starts the shutdown and returns at
  // once; Wait() then returns when it is done.
  void Shutdown(std::chrono::milliseconds grace);
  // Blocks until the server has shut down.
  void Wait();

 private:
  class Impl;
  explicit HttpsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace concord::net
