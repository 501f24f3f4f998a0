#include "concord/net/https_client.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <optional>
#include <utility>
#include <vector>

#include "concord/base/ascii.h"

namespace concord::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

// A response's header block may be this large.
constexpr uint32_t kMaxResponseHeaderBytes = 64 * 1024;
// Informational (1xx) responses skipped before the real one, at most.
constexpr int kMaxInformationalResponses = 8;

std::string_view View(beast::string_view s) { return std::string_view(s.data(), s.size()); }
beast::string_view BeastView(std::string_view s) { return beast::string_view(s.data(), s.size()); }

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

// No byte of `s` is a control character, a space (when `allow_space` is false) or non-ASCII.
bool IsPrintableAscii(std::string_view s, bool allow_space) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f) {
      if (!(allow_space && c == '\t')) return false;
    }
    if (c == ' ' && !allow_space) return false;
  }
  return true;
}

bool IsLoopbackHost(const std::string& host) {
  if (EqualsIgnoreAsciiCase(host, "localhost")) return true;
  beast::error_code ec;
  const asio::ip::address address = asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

std::string BracketedHost(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

uint16_t DefaultPort(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Url

Result<Url> Url::Parse(std::string_view text) {
  const std::string quoted = QuoteForMessage(text, 200);
  if (text.empty()) return InvalidArgument("empty URL");
  if (!IsPrintableAscii(text, /*allow_space=*/false)) {
    return InvalidArgument("the URL " + quoted +
                           " contains a space, a control character or a non-ASCII byte "
                           "(percent-encode them)");
  }
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) {
    return InvalidArgument("the URL " + quoted + " is not absolute (expected https://host/...)");
  }
  Url url;
  for (char c : text.substr(0, scheme_end)) url.scheme += AsciiLower(c);
  if (url.scheme != "https" && url.scheme != "http") {
    return InvalidArgument("the URL " + quoted + " has the scheme " + QuoteForMessage(url.scheme) +
                           "; only https and http are supported");
  }
  std::string_view rest = text.substr(scheme_end + 3);
  if (rest.find('#') != std::string_view::npos) {
    return InvalidArgument("the URL " + quoted + " contains a fragment (#...), which is not sent");
  }
  const size_t authority_end = rest.find_first_of("/?");
  const std::string_view authority = rest.substr(0, authority_end);
  const std::string_view tail =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgument("the URL " + quoted +
                           " contains user information (user@host); put credentials elsewhere");
  }
  if (authority.empty()) return InvalidArgument("the URL " + quoted + " has no host");

  std::string_view host;
  std::string_view port_text;
  bool has_port = false;
  if (authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return InvalidArgument("the URL " + quoted + " has an IPv6 address without its closing ']'");
    }
    host = authority.substr(1, close - 1);
    beast::error_code ec;
    asio::ip::make_address_v6(std::string(host), ec);
    if (ec || host.find('%') != std::string_view::npos) {
      return InvalidArgument("the URL " + quoted + " has an invalid IPv6 address " +
                             QuoteForMessage(host));
    }
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return InvalidArgument("the URL " + quoted + " has unexpected text after the IPv6 address");
      }
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    const size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
    }
    if (host.empty()) return InvalidArgument("the URL " + quoted + " has no host");
    for (char c : host) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_';
      if (!ok) {
        return InvalidArgument("the URL " + quoted + " has an invalid character " +
                               QuoteForMessage(std::string_view(&c, 1)) + " in its host");
      }
    }
  }
  for (char c : host) url.host += AsciiLower(c);

  if (has_port) {
    unsigned value = 0;
    const char* end = port_text.data() + port_text.size();
    const auto [ptr, ec] = std::from_chars(port_text.data(), end, value);
    const bool digits_only = !port_text.empty() && port_text.size() <= 5 &&
                             port_text.find_first_not_of("0123456789") == std::string_view::npos;
    if (!digits_only || ec != std::errc() || ptr != end || value < 1 || value > 65535) {
      return InvalidArgument("the URL " + quoted + " has the port " + QuoteForMessage(port_text) +
                             "; a port is a number from 1 to 65535");
    }
    url.port = static_cast<uint16_t>(value);
  } else {
    url.port = DefaultPort(url.scheme);
  }

  if (tail.empty()) {
    url.target = "/";
  } else if (tail.front() == '?') {
    url.target = "/" + std::string(tail);
  } else {
    url.target = std::string(tail);
  }
  return url;
}

std::string Url::Origin() const {
  return scheme + "://" + BracketedHost(host) + ":" + std::to_string(port);
}

// ---------------------------------------------------------------------------------------------
// HttpsClient

class HttpsClient::Impl {
 public:
  Impl(Url origin, ClientOptions options)
      : origin_(std::move(origin)),
        origin_text_(origin_.Origin()),
        options_(std::move(options)),
        tls_(origin_.scheme == "https") {
    host_header_ = BracketedHost(origin_.host);
    if (origin_.port != DefaultPort(origin_.scheme)) {
      host_header_ += ":" + std::to_string(origin_.port);
    }
  }

  ~Impl() { Disconnect(); }

  Status Init() {
    if (!tls_) return Status::Ok();
    try {
      ctx_ = std::make_unique<ssl::context>(ssl::context::tls_client);
    } catch (const std::exception& e) {
      return Internal(std::string("cannot create a TLS context: ") + e.what());
    }
    SSL_CTX* native = ctx_->native_handle();
    SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
    SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    beast::error_code ec;
    ctx_->set_verify_mode(ssl::verify_peer, ec);
    if (options_.ca_file.empty()) {
      ctx_->set_default_verify_paths(ec);
      if (ec) return InvalidArgument("cannot load the system's CA certificates: " + ec.message());
    } else {
      CONCORD_RETURN_IF_ERROR(CheckReadable(options_.ca_file, "CA"));
      ctx_->load_verify_file(options_.ca_file, ec);
      if (ec) {
        return InvalidArgument("the CA file " + QuoteForMessage(options_.ca_file, 200) +
                               " holds no usable PEM certificate: " + ec.message());
      }
    }
    const bool has_cert = !options_.client_cert_file.empty();
    const bool has_key = !options_.client_key_file.empty();
    if (has_cert != has_key) {
      return InvalidArgument(
          "a client certificate needs both client_cert_file and client_key_file");
    }
    if (has_cert) {
      CONCORD_RETURN_IF_ERROR(CheckReadable(options_.client_cert_file, "client certificate"));
      CONCORD_RETURN_IF_ERROR(CheckReadable(options_.client_key_file, "client key"));
      ctx_->use_certificate_chain_file(options_.client_cert_file, ec);
      if (ec) {
        return InvalidArgument("the client certificate file " +
                               QuoteForMessage(options_.client_cert_file, 200) +
                               " holds no usable PEM certificate chain: " + ec.message());
      }
      ctx_->use_private_key_file(options_.client_key_file, ssl::context::pem, ec);
      if (ec && ec.category() == asio::error::get_ssl_category() &&
          ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH) {
        return InvalidArgument("the key in " + QuoteForMessage(options_.client_key_file, 200) +
                               " does not belong to the certificate in " +
                               QuoteForMessage(options_.client_cert_file, 200));
      }
      if (ec) {
        return InvalidArgument("the client key file " +
                               QuoteForMessage(options_.client_key_file, 200) +
                               " holds no usable PEM private key: " + ec.message());
      }
      if (SSL_CTX_check_private_key(native) != 1) {
        ERR_clear_error();
        return InvalidArgument("the key in " + QuoteForMessage(options_.client_key_file, 200) +
                               " does not belong to the certificate in " +
                               QuoteForMessage(options_.client_cert_file, 200));
      }
    }
    ERR_clear_error();
    return Status::Ok();
  }

  Result<HttpResponse> Send(std::string_view method, std::string_view target,
                            const Headers& headers, std::string_view body) {
    try {
      CONCORD_ASSIGN_OR_RETURN(Request request, BuildRequest(method, target, headers, body));
      for (int attempt = 0; attempt < 2; ++attempt) {
        const bool reused = connected_;
        if (!connected_) CONCORD_RETURN_IF_ERROR(Connect());
        bool retry = false;
        Result<HttpResponse> r = tls_ ? Exchange(*tls_stream_, request, reused, &retry)
                                      : Exchange(*plain_stream_, request, reused, &retry);
        if (!retry) return r;
      }
      return Unavailable("the connection to " + origin_text_ + " failed twice");
    } catch (const std::exception& e) {
      Disconnect();
      return Internal("sending a request to " + origin_text_ + ": " + e.what());
    }
  }

 private:
  using Request = http::request<http::string_body>;

  static Status CheckReadable(const std::string& path, std::string_view role) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return InvalidArgument("cannot read the " + std::string(role) + " file " +
                             QuoteForMessage(path, 200) + ": " + std::strerror(errno));
    }
    return Status::Ok();
  }

  Result<Request> BuildRequest(std::string_view method, std::string_view target,
                               const Headers& headers, std::string_view body) const {
    if (!IsToken(method)) {
      return InvalidArgument("the HTTP method " + QuoteForMessage(method) + " is not a token");
    }
    if (target.empty() || !IsPrintableAscii(target, /*allow_space=*/false) ||
        (target.front() != '/' && target != "*")) {
      return InvalidArgument("the request target " + QuoteForMessage(target) +
                             " must start with '/' and hold no spaces or control characters");
    }
    Request req;
    req.method_string(BeastView(method));
    req.target(BeastView(target));
    req.version(11);
    req.set(http::field::host, host_header_);
    bool has_user_agent = false;
    for (const auto& [name, value] : headers) {
      if (!IsToken(name)) {
        return InvalidArgument("the header name " + QuoteForMessage(name) + " is not a token");
      }
      if (!IsPrintableAscii(value, /*allow_space=*/true)) {
        return InvalidArgument("the value of the header " + name +
                               " contains a line break or a control character");
      }
      if (EqualsIgnoreAsciiCase(name, "Host") || EqualsIgnoreAsciiCase(name, "Content-Length") ||
          EqualsIgnoreAsciiCase(name, "Transfer-Encoding")) {
        continue;  // ours
      }
      if (EqualsIgnoreAsciiCase(name, "User-Agent")) has_user_agent = true;
      req.insert(BeastView(name), BeastView(value));
    }
    if (!has_user_agent && !options_.user_agent.empty()) {
      req.set(http::field::user_agent, options_.user_agent);
    }
    req.body().assign(body.data(), body.size());
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      req.content_length(body.size());
    }
    return req;
  }

  // Runs the queued asynchronous operations to completion (each one has a deadline).
  void RunIo() {
    ioc_.restart();
    ioc_.run();
  }

  beast::tcp_stream& Lowest() {
    return tls_ ? beast::get_lowest_layer(*tls_stream_) : *plain_stream_;
  }

  Status TimedOut(std::string_view what, std::chrono::milliseconds limit) const {
    return Unavailable(std::string(what) + " " + origin_text_ + " timed out after " +
                       std::to_string(limit.count()) + " ms");
  }

  Result<std::vector<tcp::endpoint>> Resolve(SteadyClock::time_point deadline) {
    struct State {
      bool done = false;
      beast::error_code ec;
      std::vector<tcp::endpoint> endpoints;
    };
    auto state = std::make_shared<State>();
    resolver_.async_resolve(origin_.host, std::to_string(origin_.port),
                            [state](beast::error_code ec, tcp::resolver::results_type results) {
                              state->done = true;
                              state->ec = ec;
                              for (const auto& entry : results) {
                                state->endpoints.push_back(entry.endpoint());
                              }
                            });
    ioc_.restart();
    while (!state->done && ioc_.run_one_until(deadline) > 0) {
    }
    if (!state->done) {
      resolver_.cancel();  // its handler runs later, harmlessly (it owns its state)
      return TimedOut("resolving the host of", options_.connect_timeout);
    }
    if (state->ec || state->endpoints.empty()) {
      return Unavailable("cannot resolve the host of " + origin_text_ + ": " +
                         (state->ec ? state->ec.message() : std::string("no address")));
    }
    return std::move(state->endpoints);
  }

  Status Connect() {
    Disconnect();
    const auto deadline = SteadyClock::now() + options_.connect_timeout;
    std::vector<tcp::endpoint> endpoints;
    beast::error_code ec;
    const asio::ip::address literal = asio::ip::make_address(origin_.host, ec);
    const bool is_ip = !ec;
    if (is_ip) {
      endpoints.emplace_back(literal, origin_.port);
    } else {
      CONCORD_ASSIGN_OR_RETURN(endpoints, Resolve(deadline));
    }

    if (tls_) {
      tls_stream_.emplace(ioc_, *ctx_);
      SSL* ssl = tls_stream_->native_handle();
      X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
      X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      const int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, origin_.host.c_str())
                           : X509_VERIFY_PARAM_set1_host(param, origin_.host.c_str(), 0);
      // Server Name Indication carries names only (RFC 6066), never addresses.
      const bool sni_ok = is_ip || SSL_set_tlsext_host_name(ssl, origin_.host.c_str()) == 1;
      if (ok != 1 || !sni_ok) {
        ERR_clear_error();
        Disconnect();
        return Internal("cannot set up host name verification for " + origin_text_);
      }
    } else {
      plain_stream_.emplace(ioc_);
    }

    beast::tcp_stream& lowest = Lowest();
    lowest.expires_at(deadline);
    lowest.async_connect(endpoints, [&ec](beast::error_code e, const tcp::endpoint&) { ec = e; });
    RunIo();
    if (ec) {
      Disconnect();
      if (ec == beast::error::timeout) return TimedOut("connecting to", options_.connect_timeout);
      return Unavailable("cannot connect to " + origin_text_ + ": " + ec.message());
    }
    beast::error_code ignored;
    lowest.socket().set_option(tcp::no_delay(true), ignored);

    if (tls_) {
      tls_stream_->async_handshake(ssl::stream_base::client,
                                   [&ec](beast::error_code e) { ec = e; });
      RunIo();
      if (ec) {
        Status failure = HandshakeFailure(ec);
        Disconnect();
        return failure;
      }
    }
    lowest.expires_never();
    connected_ = true;
    return Status::Ok();
  }

  // Why the TLS handshake failed, in words a person can act on.
  Status HandshakeFailure(const beast::error_code& ec) {
    const std::string prefix = "TLS handshake with " + origin_text_ + " failed: ";
    if (ec == beast::error::timeout) {
      return TimedOut("the TLS handshake with", options_.connect_timeout);
    }
    const long verify = SSL_get_verify_result(tls_stream_->native_handle());
    ERR_clear_error();
    if (verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH) {
      return FailedPrecondition(prefix + "the server certificate does not match the host name " +
                                QuoteForMessage(origin_.host));
    }
    if (verify != X509_V_OK) {
      return FailedPrecondition(prefix + "the server certificate is not trusted (" +
                                X509_verify_cert_error_string(verify) + ")");
    }
    return Unavailable(prefix + ec.message());
  }

  // Writes `request` and reads the response on the open connection. Sets `*retry` when the
  // connection was a reused one that turned out closed before any of the response came.
  template <class Stream>
  Result<HttpResponse> Exchange(Stream& stream, Request& request, bool reused, bool* retry) {
    beast::tcp_stream& lowest = beast::get_lowest_layer(stream);
    lowest.expires_after(options_.request_timeout);
    beast::error_code write_ec;
    http::async_write(stream, request, [&write_ec](beast::error_code e, size_t) { write_ec = e; });
    RunIo();
    if (write_ec == beast::error::timeout) {
      Disconnect();
      return TimedOut("the request to", options_.request_timeout);
    }
    // Read even when the write failed: the server may have answered before reading the whole
    // body (a 413) and closed.
    std::optional<http::response_parser<http::string_body>> parser;
    beast::error_code read_ec;
    for (int i = 0; i <= kMaxInformationalResponses; ++i) {
      parser.emplace();
      parser->header_limit(kMaxResponseHeaderBytes);
      parser->body_limit(static_cast<std::uint64_t>(options_.max_response_bytes));
      if (request.method() == http::verb::head) parser->skip(true);
      // The header first, on its own: Beast 1.74 checks Content-Length against body_limit only
      // when the header is parsed apart from the body (an eager read skips the check).
      http::async_read_header(stream, buffer_, *parser,
                              [&read_ec](beast::error_code e, size_t) { read_ec = e; });
      RunIo();
      if (!read_ec && !parser->is_done()) {
        http::async_read(stream, buffer_, *parser,
                         [&read_ec](beast::error_code e, size_t) { read_ec = e; });
        RunIo();
      }
      if (read_ec) break;
      const unsigned status = parser->get().result_int();
      if (status >= 200 || status == 101) break;  // 1xx: informational, the answer follows
    }
    if (!read_ec) {
      auto& message = parser->get();
      HttpResponse response;
      response.status = static_cast<int>(message.result_int());
      for (const auto& field : message) {
        response.headers.emplace_back(std::string(View(field.name_string())),
                                      std::string(View(field.value())));
      }
      response.body = std::move(message.body());
      if (write_ec || !message.keep_alive()) {
        Disconnect();
      } else {
        lowest.expires_never();
      }
      return response;
    }
    const bool got_some = parser->got_some();
    Disconnect();
    if (read_ec == http::error::body_limit) {
      return ResourceExhausted("the response from " + origin_text_ + " is larger than " +
                               std::to_string(options_.max_response_bytes) + " bytes");
    }
    if (read_ec == http::error::header_limit || read_ec == http::error::buffer_overflow) {
      return ResourceExhausted("the response header from " + origin_text_ + " is larger than " +
                               std::to_string(kMaxResponseHeaderBytes) + " bytes");
    }
    if (read_ec == beast::error::timeout) {
      return TimedOut("the request to", options_.request_timeout);
    }
    if (reused && !got_some) {
      *retry = true;
      return Unavailable("the kept-alive connection to " + origin_text_ + " was closed");
    }
    if (write_ec) {
      return Unavailable("sending the request to " + origin_text_ +
                         " failed: " + write_ec.message());
    }
    return Unavailable("the connection to " + origin_text_ + " closed before a whole response (" +
                       read_ec.message() + ")");
  }

  void Disconnect() {
    beast::error_code ignored;
    if (tls_stream_) beast::get_lowest_layer(*tls_stream_).socket().close(ignored);
    if (plain_stream_) plain_stream_->socket().close(ignored);
    tls_stream_.reset();
    plain_stream_.reset();
    buffer_.clear();
    connected_ = false;
  }

  const Url origin_;
  const std::string origin_text_;
  const ClientOptions options_;
  const bool tls_;
  std::string host_header_;
  asio::io_context ioc_{1};
  tcp::resolver resolver_{ioc_};
  std::unique_ptr<ssl::context> ctx_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_stream_;
  std::optional<beast::tcp_stream> plain_stream_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
};

Result<std::unique_ptr<HttpsClient>> HttpsClient::Create(std::string_view origin,
                                                         ClientOptions options) {
  CONCORD_ASSIGN_OR_RETURN(Url url, Url::Parse(origin));
  if (url.scheme == "http" && !IsLoopbackHost(url.host)) {
    return InvalidArgument("plain http is only allowed to a loopback host, not to " + url.Origin() +
                           "; use https");
  }
  std::unique_ptr<Impl> impl;
  try {
    impl = std::make_unique<Impl>(std::move(url), std::move(options));
  } catch (const std::exception& e) {
    return Internal(std::string("cannot create the HTTPS client: ") + e.what());
  }
  CONCORD_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<HttpsClient>(new HttpsClient(std::move(impl)));
}

HttpsClient::HttpsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpsClient::~HttpsClient() = default;

Result<HttpResponse> HttpsClient::Send(std::string_view method, std::string_view target,
                                       const Headers& headers, std::string_view body) {
  return impl_->Send(method, target, headers, body);
}

}  // namespace concord::net
