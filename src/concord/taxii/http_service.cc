#include "concord/taxii/http_service.h"

#include <utility>

#include "concord/taxii/query.h"

namespace concord::taxii {
namespace {

net::HttpResponse ToHttp(Response r) {
  net::HttpResponse out;
  out.status = r.status;
  out.headers = std::move(r.headers);
  out.headers.emplace_back("Content-Type", std::string(kTaxiiMediaType));
  out.body = std::move(r.body);
  return out;
}

// "https://" + the Host header when it is a plausible host[:port] (letters, digits, '.', '-',
// ':', and brackets for IPv6), "" otherwise.
std::string OriginOf(std::string_view host, bool tls) {
  if (host.empty() || host.size() > 261) return "";
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return "";
  }
  return std::string(tls ? "https://" : "http://") + std::string(host);
}

}  // namespace

struct HttpService::ThreadState {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<Server> server;
};

thread_local HttpService::ThreadState* HttpService::current_ = nullptr;

HttpService::HttpService(ServerConfig config, StoreOpener open_store, Clock* clock,
                         AuthOptions auth)
    : config_(std::move(config)),
      open_store_(std::move(open_store)),
      clock_(clock),
      auth_(clock, auth) {}

HttpService::~HttpService() = default;

void HttpService::OnThreadStart(int) {
  auto state = std::make_unique<ThreadState>();
  Result<std::unique_ptr<store::Store>> opened = open_store_();
  std::lock_guard<std::mutex> lock(mutex_);
  if (!opened.ok()) {
    if (first_error_.ok()) first_error_ = opened.status();
    current_ = nullptr;
    return;
  }
  state->store = std::move(*opened);
  state->server = std::make_unique<Server>(config_, state->store.get(), clock_);
  current_ = state.get();
  states_.push_back(std::move(state));
}

Status HttpService::first_error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return first_error_;
}

net::HttpResponse HttpService::Handle(const net::HttpRequest& http) {
  ThreadState* state = current_;
  if (state == nullptr) return TransportError(503, "the store is not available");
  Request r;
  r.method = http.method;
  r.target = http.target;
  r.accept = std::string(net::HeaderValue(http.headers, "Accept"));
  r.content_type = std::string(net::HeaderValue(http.headers, "Content-Type"));
  r.body = http.body;
  r.origin = OriginOf(net::HeaderValue(http.headers, "Host"), !config_.plain_http);
  AuthResult who =
      auth_.Authenticate(state->store.get(), net::HeaderValue(http.headers, "Authorization"),
                         http.client_cert_sha256, http.peer_address);
  r.partner = who.partner;
  net::HttpResponse out;
  if (who.server_error) {
    out = TransportError(503, "credentials cannot be checked now; retry shortly");
    out.headers.emplace_back("Retry-After", "1");
    return out;
  }
  if (who.failed) {
    // Wrong credentials are refused outright (not served as anonymous), after the throttle.
    out = ToHttp(Unauthorized(config_.realm, "the credentials were not accepted"));
    out.delay_ms = who.delay_ms;
    return out;
  }
  out = ToHttp(state->server->Handle(r));
  if (who.partner) out.principal = *who.partner;
  return out;
}

net::HttpResponse HttpService::TransportError(int status, std::string_view message) {
  return ToHttp(ErrorResponse(status, std::string(message)));
}

}  // namespace concord::taxii
