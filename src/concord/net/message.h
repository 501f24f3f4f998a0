#pragma once

// HTTP messages as the rest of Concord sees them: plain values, no Boost types. The transport
// (https_server.h, https_client.h) reads and writes them; the TAXII layer only looks at these.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace concord::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The value of the first header named `name` (compared case-insensitively), "" when absent.
std::string_view HeaderValue(const Headers& headers, std::string_view name);

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as received: path, then "?query" if any
  Headers headers;     // as received, in order
  std::string body;
  // Set by the server: the peer's address ("127.0.0.1", "::1") and, when the client presented a
  // certificate that verified against the configured client CA, the SHA-256 of its DER encoding
  // in 64 lowercase hex digits ("" otherwise).
  std::string peer_address;
  std::string client_cert_sha256;
};

struct HttpResponse {
  int status = 200;
  Headers headers;  // Content-Type among them when there is a body
  std::string body;
  // Server side only: who the handler decided the caller was (a partner name), for the access
  // log; "" for anonymous.
  std::string principal;
  // Server side only: wait this long before sending (slows down repeated failed logins) without
  // holding a thread.
  uint32_t delay_ms = 0;
};

}  // namespace concord::net
