#pragma once

// An HTTP/1.1 client over TLS (Boost.Beast with OpenSSL) for one origin, keeping one connection
// alive between requests and reconnecting when the server closed it. Synchronous: each Send
// blocks until the response is read or a timeout passes. Not thread-safe; one per thread.
//
// The server's certificate is verified against `ca_file` (or the system store when empty) and
// the host name checked; there is no switch to turn verification off for https. Plain http is
// accepted only for loopback hosts (tests, a local plain server).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "concord/base/result.h"
#include "concord/net/message.h"

namespace concord::net {

// An absolute http(s) URL split into parts. Parse: InvalidArgument naming what is wrong.
struct Url {
  std::string scheme;  // "https" or "http"
  std::string host;    // name or address (IPv6 without brackets)
  uint16_t port = 0;   // explicit or the scheme's default
  std::string target;  // path and query, "/" at least
  static Result<Url> Parse(std::string_view text);
  // "scheme://host:port" (IPv6 hosts in brackets).
  std::string Origin() const;
};

struct ClientOptions {
  std::string ca_file;           // PEM CA bundle; "" for the system's default paths
  std::string client_cert_file;  // optional client certificate (PEM) ...
  std::string client_key_file;   // ... and its key
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds request_timeout{60'000};  // whole request: write and read
  size_t max_response_bytes = size_t{64} << 20;       // larger: ResourceExhausted
  std::string user_agent = "concord";
};

class HttpsClient {
 public:
  // `origin` is "https://host[:port]" (a path, if any, is ignored). InvalidArgument for a
  // malformed origin, a plain http origin on a non-loopback host, or an unreadable CA file.
  static Result<std::unique_ptr<HttpsClient>> Create(std::string_view origin,
                                                     ClientOptions options);
  ~HttpsClient();

  // Sends one request (Host, User-Agent and Content-Length are added) and reads the response,
  // whatever its status. Errors: FailedPrecondition when the server's certificate is not trusted
  // or does not match the host name (the message says which; retrying will not help);
  // Unavailable for connection failures, other TLS failures, a connection closed before a whole
  // response, and timeouts (also Unavailable; the message says "timed out": Status has no
  // separate deadline code); ResourceExhausted for an oversized response; InvalidArgument for a
  // method, target or header that cannot be written (a space or a line break in it).
  // A request on a reused connection that the server had closed meanwhile is sent again once
  // on a new connection.
  // When the server answers before reading the whole body (a 413), that answer is returned.
  Result<HttpResponse> Send(std::string_view method, std::string_view target,
                            const Headers& headers, std::string_view body = "");

 private:
  class Impl;
  explicit HttpsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace concord::net
