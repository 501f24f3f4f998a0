#include "concord/net/https_server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "concord/base/ascii.h"
#include "concord/net/certificate.h"

namespace concord::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

// The most a connection reads at once while waiting for a request and while draining.
constexpr size_t kReadChunk = 4096;
// Room in the read buffer beyond the header limit: a header block may arrive together with the
// start of a body (or a pipelined request) in one read.
constexpr size_t kBufferSlack = 16 * 1024;
// An idle connection's buffer is released when it has grown beyond this.
constexpr size_t kIdleBufferBytes = 8 * 1024;
// After a graceful shutdown's grace, how long closed connections get to wind down.
constexpr auto kForceCloseWait = std::chrono::milliseconds(500);
// Pause before accepting again after accept() failed (out of descriptors, say).
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(50);

// TLS 1.2 suites: forward secrecy and AEAD only. TLS 1.3 uses OpenSSL's (all modern) defaults.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

std::string_view View(beast::string_view s) { return std::string_view(s.data(), s.size()); }

// An IMF-fixdate (RFC 9110 section 5.6.7), built without the C locale.
std::string HttpDate(std::chrono::system_clock::time_point when) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7],
                tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

// A header name or value that could not be written as is (it would split the header block).
bool HasLineBreakOrNul(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

bool ContainsToken(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const size_t comma = list.find(',');
    if (EqualsIgnoreAsciiCase(TrimBlanks(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// The peer address as text; IPv4-mapped IPv6 addresses (a dual-stack listener) as IPv4.
std::string AddressText(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

// SHA-256 of the DER encoding of the peer's certificate when it verified; "" otherwise.
std::string VerifiedPeerFingerprint(SSL* ssl) {
  if (SSL_get_verify_result(ssl) != X509_V_OK) return "";
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return "";
  std::string out = CertificateSha256(cert);
  X509_free(cert);
  return out;
}

bool IsParseError(const beast::error_code& ec) {
  static const std::error_category& http_category =
      beast::error_code(http::error::bad_method).category();
  if (ec.category() != http_category) return false;
  return ec != http::error::end_of_stream && ec != http::error::partial_message &&
         ec != http::error::need_more && ec != http::error::need_buffer;
}

// Whether loading a private key failed because it is not the certificate's key.
bool IsKeyMismatch(const beast::error_code& ec) {
  return ec.category() == asio::error::get_ssl_category() &&
         ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH;
}

// A readable file, or IoError naming it and its role.
Status CheckReadable(const std::string& path, std::string_view role) {
  if (path.empty()) return InvalidArgument("no " + std::string(role) + " file given");
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return IoError("cannot read the " + std::string(role) + " file " + QuoteForMessage(path, 200) +
                   ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Result<std::unique_ptr<ssl::context>> MakeServerTlsContext(const TlsOptions& tls) {
  CONCORD_RETURN_IF_ERROR(CheckReadable(tls.cert_file, "certificate"));
  CONCORD_RETURN_IF_ERROR(CheckReadable(tls.key_file, "private key"));
  if (!tls.client_ca_file.empty()) {
    CONCORD_RETURN_IF_ERROR(CheckReadable(tls.client_ca_file, "client CA"));
  }
  std::unique_ptr<ssl::context> ctx;
  try {
    ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  } catch (const std::exception& e) {
    return Internal(std::string("cannot create a TLS context: ") + e.what());
  }
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                  SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_SINGLE_ECDH_USE);
  // Idle connections give their read and write buffers back (thousands may be open).
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) {
    return Internal("OpenSSL accepts none of the TLS 1.2 cipher suites");
  }
  static constexpr unsigned char kSessionContext[] = "concord-https";
  SSL_CTX_set_session_id_context(native, kSessionContext, sizeof(kSessionContext) - 1);

  beast::error_code ec;
  ctx->use_certificate_chain_file(tls.cert_file, ec);
  if (ec) {
    return InvalidArgument("the certificate file " + QuoteForMessage(tls.cert_file, 200) +
                           " holds no usable PEM certificate chain: " + ec.message());
  }
  ctx->use_private_key_file(tls.key_file, ssl::context::pem, ec);
  if (ec && IsKeyMismatch(ec)) {
    return InvalidArgument("the private key in " + QuoteForMessage(tls.key_file, 200) +
                           " does not belong to the certificate in " +
                           QuoteForMessage(tls.cert_file, 200));
  }
  if (ec) {
    return InvalidArgument("the private key file " + QuoteForMessage(tls.key_file, 200) +
                           " holds no usable PEM private key: " + ec.message());
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    return InvalidArgument("the private key in " + QuoteForMessage(tls.key_file, 200) +
                           " does not belong to the certificate in " +
                           QuoteForMessage(tls.cert_file, 200));
  }
  if (!tls.client_ca_file.empty()) {
    ctx->load_verify_file(tls.client_ca_file, ec);
    if (ec) {
      return InvalidArgument("the client CA file " + QuoteForMessage(tls.client_ca_file, 200) +
                             " holds no usable PEM certificate: " + ec.message());
    }
    // Tell clients which CA is wanted, so that they pick the right certificate.
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(tls.client_ca_file.c_str())) {
      SSL_CTX_set_client_CA_list(native, names);
    }
    // Ask for a certificate; a client without one still gets in (and is anonymous).
    ctx->set_verify_mode(ssl::verify_peer, ec);
  }
  ERR_clear_error();
  return ctx;
}

class SessionBase;

// What the connections share: configuration, the handler, the TLS context, the registry of open
// connections (for Shutdown) and their count.
struct ServerCore {
  ServerOptions options;
  Handler handler;
  std::unique_ptr<ssl::context> tls;  // null for plain HTTP
  bool verify_clients = false;

  std::atomic<bool> closing{false};
  std::atomic<uint64_t> accepted{0};

  mutable std::mutex mu;
  std::condition_variable cv;  // signalled when a connection ends and when the server stops
  // Guarded by mu:
  std::unordered_map<uint64_t, std::weak_ptr<SessionBase>> sessions;
  size_t open = 0;
  uint64_t next_id = 0;
  bool stopped = false;

  size_t OpenCount() const {
    std::lock_guard<std::mutex> lock(mu);
    return open;
  }

  uint64_t Register(std::weak_ptr<SessionBase> session) {
    std::lock_guard<std::mutex> lock(mu);
    const uint64_t id = ++next_id;
    sessions.emplace(id, std::move(session));
    ++open;
    return id;
  }

  void Unregister(uint64_t id) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (sessions.erase(id) == 0) return;
      --open;
    }
    cv.notify_all();
  }

  std::vector<std::shared_ptr<SessionBase>> Snapshot() {
    std::vector<std::shared_ptr<SessionBase>> out;
    std::lock_guard<std::mutex> lock(mu);
    out.reserve(sessions.size());
    for (auto& [id, weak] : sessions) {
      if (auto s = weak.lock()) out.push_back(std::move(s));
    }
    return out;
  }

  HttpResponse ErrorResponse(int status, std::string_view message) const {
    if (options.error_responder) {
      try {
        return options.error_responder(status, message);
      } catch (...) {
        // Fall through to the plain form.
      }
    }
    HttpResponse r;
    r.status = status;
    r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
    r.body = std::string(message) + "\n";
    return r;
  }

  void Log(const AccessRecord& record) const {
    if (!options.access_log) return;
    try {
      options.access_log(record);
    } catch (...) {
      // A failing log sink must not take the connection down.
    }
  }
};

class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  virtual void Start() = 0;
  // Shutdown has begun: close now if between requests (or still in the handshake).
  virtual void NotifyShutdown() = 0;
  // Close now, whatever the connection is doing.
  virtual void ForceClose() = 0;
};

// One connection: a loop of read request, handle, write response, on a strand. `Stream` is
// beast::tcp_stream (plain HTTP) or beast::ssl_stream<beast::tcp_stream>.
template <class Stream>
class Session final : public SessionBase {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  Session(ServerCore& core, tcp::socket&& socket, std::string peer)
      : core_(core),
        limits_(core.options.limits),
        stream_(MakeStream(std::move(socket), core)),
        peer_(std::move(peer)),
        buffer_(limits_.max_header_bytes + kBufferSlack),
        delay_timer_(stream_.get_executor()) {}

  ~Session() override {
    if (id_ != 0) core_.Unregister(id_);
  }

  void set_id(uint64_t id) { id_ = id; }

  void Start() override {
    asio::dispatch(stream_.get_executor(), [self = Self()] { self->OnStart(); });
  }

  void NotifyShutdown() override {
    asio::post(stream_.get_executor(), [self = Self()] {
      if (self->state_ == State::kHandshake || self->state_ == State::kIdle) self->Abort();
    });
  }

  void ForceClose() override {
    asio::post(stream_.get_executor(), [self = Self()] { self->Abort(); });
  }

 private:
  enum class State {
    kHandshake,
    kIdle,
    kReading,
    kHandling,
    kDelaying,
    kWriting,
    kDraining,
    kClosed
  };

  static Stream MakeStream(tcp::socket&& socket, ServerCore& core) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *core.tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  std::shared_ptr<Session> Self() {
    return std::static_pointer_cast<Session>(this->shared_from_this());
  }
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  void OnStart() {
    if (core_.closing.load()) return Abort();
    if constexpr (kTls) {
      state_ = State::kHandshake;
      Tcp().expires_after(limits_.handshake_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = Self()](beast::error_code ec) { self->OnHandshake(ec); });
    } else {
      WaitForRequest();
    }
  }

  void OnHandshake(beast::error_code ec) {
    if (state_ == State::kClosed) return;
    if (ec) return Abort();  // nothing to tell a peer that cannot speak TLS with us
    if constexpr (kTls) {
      if (core_.verify_clients) {
        client_cert_sha256_ = VerifiedPeerFingerprint(stream_.native_handle());
      }
    }
    WaitForRequest();
  }

  // Between requests: waits up to idle_timeout for the first byte of the next one.
  void WaitForRequest() {
    if (core_.closing.load()) return Abort();
    state_ = State::kIdle;
    if (buffer_.size() > 0) return OnFirstByte();  // pipelined
    if (buffer_.capacity() > kIdleBufferBytes) buffer_.shrink_to_fit();
    Tcp().expires_after(limits_.idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(kReadChunk),
        [self = Self()](beast::error_code ec, size_t n) { self->OnIdleRead(ec, n); });
  }

  void OnIdleRead(beast::error_code ec, size_t n) {
    if (state_ == State::kClosed) return;
    buffer_.commit(n);
    if (buffer_.size() == 0) {
      if (ec) return Abort();  // closed, reset, idle timeout, or shut down
      return WaitForRequest();
    }
    OnFirstByte();
  }

  // The request has begun: all of it (header and body) must arrive by request_timeout.
  void OnFirstByte() {
    state_ = State::kReading;
    started_ = SteadyClock::now();
    method_.clear();
    target_.clear();
    version_ = 11;
    request_bytes_ = 0;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<size_t>(limits_.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    // Content-Length is checked by hand in OnHeader (to answer 413 before any body is read).
    // Not boost::none: Beast 1.74 compares a Content-Length against a disengaged limit as if
    // the limit were below everything.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    Tcp().expires_at(started_ + limits_.request_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = Self()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (state_ == State::kClosed) return;
    if (ec) return OnReadError(ec);
    const auto& message = parser_->get();
    method_ = std::string(View(message.method_string()));
    target_ = std::string(View(message.target()));
    version_ = message.version();
    const auto length = parser_->content_length();
    if (length && *length > limits_.max_body_bytes) {
      return SendError(413, "the request body (" + std::to_string(*length) +
                                " bytes) is larger than the limit of " +
                                std::to_string(limits_.max_body_bytes) + " bytes");
    }
    parser_->body_limit(static_cast<std::uint64_t>(limits_.max_body_bytes));  // for chunked
    if (!parser_->is_done() && ContainsToken(View(message[http::field::expect]), "100-continue")) {
      continue_.emplace(http::status::continue_, version_);
      http::async_write(stream_, *continue_, [self = Self()](beast::error_code ec, size_t) {
        if (self->state_ == State::kClosed) return;
        self->continue_.reset();
        if (ec) return self->Abort();
        self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return Dispatch();
    http::async_read(stream_, buffer_, *parser_,
                     [self = Self()](beast::error_code ec, size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    if (state_ == State::kClosed) return;
    if (ec) return OnReadError(ec);
    Dispatch();
  }

  void OnReadError(beast::error_code ec) {
    if (method_.empty() && parser_) {  // for the access log, as far as the header was parsed
      method_ = std::string(View(parser_->get().method_string()));
      target_ = std::string(View(parser_->get().target()));
    }
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      return SendError(431, "the request header is larger than the limit of " +
                                std::to_string(limits_.max_header_bytes) + " bytes");
    }
    if (ec == http::error::body_limit) {
      return SendError(413, "the request body is larger than the limit of " +
                                std::to_string(limits_.max_body_bytes) + " bytes");
    }
    if (IsParseError(ec)) return SendError(400, "malformed HTTP request: " + ec.message());
    // Timed out, truncated (the peer closed mid-request), reset: nobody to answer.
    Abort();
  }

  // A whole request: hand it to the handler and answer.
  void Dispatch() {
    state_ = State::kHandling;
    auto& message = parser_->get();
    HttpRequest request;
    request.method = method_;
    request.target = target_;
    request.headers.reserve(static_cast<size_t>(std::distance(message.begin(), message.end())));
    for (const auto& field : message) {
      request.headers.emplace_back(std::string(View(field.name_string())),
                                   std::string(View(field.value())));
    }
    request.body = std::move(message.body());
    request.peer_address = peer_;
    request.client_cert_sha256 = client_cert_sha256_;
    request_bytes_ = request.body.size();
    const bool keep_alive = message.keep_alive();
    parser_.reset();

    HttpResponse response;
    try {
      response = core_.handler(request);
    } catch (...) {
      response = core_.ErrorResponse(500, "the request handler failed");
    }
    Respond(std::move(response), keep_alive);
  }

  // Answers with a transport error and closes.
  void SendError(int status, const std::string& message) {
    parser_.reset();
    Respond(core_.ErrorResponse(status, message), /*keep_alive=*/false);
  }

  void Respond(HttpResponse response, bool keep_alive) {
    principal_ = std::move(response.principal);
    const uint32_t delay_ms = response.delay_ms;
    BuildResponse(std::move(response), keep_alive);
    if (delay_ms == 0) return Write();
    state_ = State::kDelaying;
    delay_timer_.expires_after(std::chrono::milliseconds(delay_ms));
    delay_timer_.async_wait([self = Self()](beast::error_code) {
      if (self->state_ == State::kClosed) return;
      self->Write();
    });
  }

  void BuildResponse(HttpResponse r, bool keep_alive) {
    response_.emplace();
    auto& res = *response_;
    const int status = (r.status >= 100 && r.status <= 599) ? r.status : 500;
    res.result(static_cast<unsigned>(status));
    res.version(version_ == 10 ? 10 : 11);
    bool has_date = false;
    std::string_view handler_length;
    for (const auto& [name, value] : r.headers) {
      if (name.empty() || HasLineBreakOrNul(name) || HasLineBreakOrNul(value)) continue;
      if (EqualsIgnoreAsciiCase(name, "Content-Length")) {
        handler_length = value;
        continue;
      }
      if (EqualsIgnoreAsciiCase(name, "Transfer-Encoding")) continue;  // never chunked here
      if (EqualsIgnoreAsciiCase(name, "Connection")) {
        if (ContainsToken(value, "close")) keep_alive = false;
        continue;
      }
      if (EqualsIgnoreAsciiCase(name, "Date")) has_date = true;
      res.insert(beast::string_view(name.data(), name.size()),
                 beast::string_view(value.data(), value.size()));
    }
    if (!has_date) res.set(http::field::date, HttpDate(std::chrono::system_clock::now()));
    const bool bodiless = status < 200 || status == 204 || status == 304;
    if (bodiless) {
      response_bytes_ = 0;
    } else if (method_ == "HEAD") {
      // The length of the body a GET would get, which is not sent.
      const std::string length =
          handler_length.empty() ? std::to_string(r.body.size()) : std::string(handler_length);
      res.set(http::field::content_length, length);
      response_bytes_ = 0;
    } else {
      response_bytes_ = r.body.size();
      res.body() = std::move(r.body);
      res.content_length(res.body().size());
    }
    res.keep_alive(keep_alive);
  }

  void Write() {
    state_ = State::kWriting;
    // Shutdown may have begun while the handler ran or the response was delayed.
    if (core_.closing.load() && response_->keep_alive()) response_->keep_alive(false);
    // A client that does not read its response cannot hold the connection either.
    Tcp().expires_after(limits_.request_timeout);
    http::async_write(stream_, *response_,
                      [self = Self()](beast::error_code ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(beast::error_code ec) {
    const bool keep_alive = response_->keep_alive();
    AccessRecord record;
    record.peer_address = peer_;
    record.principal = std::move(principal_);
    record.method = std::move(method_);
    record.target = std::move(target_);
    record.status = static_cast<int>(response_->result_int());
    record.request_bytes = request_bytes_;
    record.response_bytes = response_bytes_;
    record.duration =
        std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - started_);
    response_.reset();
    principal_.clear();
    method_.clear();
    target_.clear();
    core_.Log(record);
    if (state_ == State::kClosed) return;
    if (ec) return Abort();
    if (!keep_alive) return Drain();
    WaitForRequest();
  }

  // After the last response: signals the end of the stream to the peer (TCP FIN), then reads
  // and discards what it still sends (the rest of an oversized body, say) until it closes or
  // drain_timeout passes, so that closing does not reset the connection under the response.
  void Drain() {
    state_ = State::kDraining;
    beast::error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    buffer_.clear();
    Tcp().expires_after(limits_.drain_timeout);
    DrainSome();
  }

  void DrainSome() {
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            [self = Self()](beast::error_code ec, size_t) {
                              if (self->state_ == State::kClosed) return;
                              if (ec) return self->Abort();
                              self->DrainSome();  // nothing committed: the bytes are dropped
                            });
  }

  void Abort() {
    state_ = State::kClosed;
    delay_timer_.cancel();
    Tcp().close();
  }

  ServerCore& core_;
  const ServerLimits limits_;
  Stream stream_;
  const std::string peer_;
  std::string client_cert_sha256_;
  beast::flat_buffer buffer_;
  asio::steady_timer delay_timer_;
  uint64_t id_ = 0;
  State state_ = State::kIdle;

  // The request being read or answered.
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  std::optional<http::response<http::string_body>> response_;
  SteadyClock::time_point started_;
  std::string method_;
  std::string target_;
  unsigned version_ = 11;
  std::string principal_;
  uint64_t request_bytes_ = 0;
  uint64_t response_bytes_ = 0;
};

// The I/O thread's server, to recognise calls from handlers.
thread_local const void* current_server = nullptr;

}  // namespace

class HttpsServer::Impl {
 public:
  Impl(ServerOptions options, Handler handler) {
    core_.options = std::move(options);
    core_.handler = std::move(handler);
  }

  ~Impl() {
    Shutdown(std::chrono::milliseconds(0));
    {
      std::lock_guard<std::mutex> lock(reaper_mu_);
      if (reaper_.joinable()) reaper_.join();
    }
    // Pending handlers (and the connections they hold) go with the io_context, while the rest
    // of this object is still whole.
    accept_retry_.reset();
    acceptor_.reset();
    ioc_.reset();
  }

  Status Init() {
    const ServerOptions& o = core_.options;
    if (!core_.handler) return InvalidArgument("the HTTPS server needs a request handler");
    if (o.threads < 1) return InvalidArgument("the HTTPS server needs at least one thread");
    if (o.limits.max_connections < 1) return InvalidArgument("max_connections must be at least 1");
    if (o.limits.max_header_bytes < 256) {
      return InvalidArgument("max_header_bytes must be at least 256");
    }
    beast::error_code ec;
    const asio::ip::address address = asio::ip::make_address(o.address, ec);
    if (ec) {
      return InvalidArgument("the listening address " + QuoteForMessage(o.address) +
                             " is not an IPv4 or IPv6 address");
    }
    if (o.plain_http) {
      if (!address.is_loopback()) {
        return InvalidArgument(
            "plain HTTP (without TLS) is only allowed on a loopback address, not " + o.address);
      }
    } else {
      CONCORD_ASSIGN_OR_RETURN(core_.tls, MakeServerTlsContext(o.tls));
      core_.verify_clients = !o.tls.client_ca_file.empty();
    }

    try {
      ioc_ = std::make_unique<asio::io_context>(o.threads);
      acceptor_ = std::make_unique<tcp::acceptor>(asio::make_strand(*ioc_));
      accept_retry_ = std::make_unique<asio::steady_timer>(acceptor_->get_executor());
    } catch (const std::exception& e) {
      return Internal(std::string("cannot set up the HTTPS server: ") + e.what());
    }
    const tcp::endpoint endpoint(address, o.port);
    const std::string where =
        (address.is_v6() ? "[" + o.address + "]" : o.address) + ":" + std::to_string(o.port);
    acceptor_->open(endpoint.protocol(), ec);
    if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_->bind(endpoint, ec);
    if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Unavailable("cannot listen on " + where + ": " + ec.message());
    port_ = acceptor_->local_endpoint(ec).port();
    if (ec) return Unavailable("cannot listen on " + where + ": " + ec.message());

    work_.emplace(ioc_->get_executor());
    DoAccept();
    try {
      threads_.reserve(static_cast<size_t>(o.threads));
      for (int i = 0; i < o.threads; ++i) {
        threads_.emplace_back([this, i] { RunThread(i); });
      }
    } catch (const std::exception& e) {
      Shutdown(std::chrono::milliseconds(0));
      return Internal(std::string("cannot start the HTTPS server's threads: ") + e.what());
    }
    return Status::Ok();
  }

  uint16_t port() const { return port_; }
  size_t open_connections() const { return core_.OpenCount(); }
  uint64_t connections_accepted() const { return core_.accepted.load(); }

  void Shutdown(std::chrono::milliseconds grace) {
    const auto deadline = SteadyClock::now() + std::max(grace, std::chrono::milliseconds(0));
    BeginShutdown();
    if (current_server == this) {
      // A handler cannot wait for its own thread: another thread finishes the job.
      std::lock_guard<std::mutex> lock(reaper_mu_);
      if (!reaper_.joinable()) {
        try {
          reaper_ = std::thread([this, deadline] { FinishShutdown(deadline); });
        } catch (...) {
          // Without a thread the server stops when it is destroyed.
        }
      }
      return;
    }
    FinishShutdown(deadline);
  }

  void Wait() {
    std::unique_lock<std::mutex> lock(core_.mu);
    core_.cv.wait(lock, [this] { return core_.stopped; });
  }

 private:
  void RunThread(int index) {
    current_server = this;
    if (core_.options.on_thread_start) {
      try {
        core_.options.on_thread_start(index);
      } catch (...) {
        // The hook must not throw; the thread serves anyway.
      }
    }
    for (;;) {
      try {
        ioc_->run();
        break;
      } catch (...) {
        // A completion handler threw (out of memory, say): that connection is gone; go on.
      }
    }
    current_server = nullptr;
  }

  void DoAccept() {
    acceptor_->async_accept(
        asio::make_strand(*ioc_),
        [this](beast::error_code ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
  }

  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (core_.closing.load() || !acceptor_->is_open()) return;
    if (ec) {
      // Out of descriptors or the like: try again shortly rather than spin.
      accept_retry_->expires_after(kAcceptRetryDelay);
      accept_retry_->async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && !core_.closing.load()) DoAccept();
      });
      return;
    }
    Admit(std::move(socket));
    DoAccept();
  }

  void Admit(tcp::socket socket) {
    beast::error_code ec;
    if (core_.OpenCount() >= core_.options.limits.max_connections) {
      socket.close(ec);  // over the limit: refused without a word
      return;
    }
    const tcp::endpoint remote = socket.remote_endpoint(ec);
    if (ec) {
      socket.close(ec);
      return;
    }
    socket.set_option(tcp::no_delay(true), ec);
    try {
      std::shared_ptr<SessionBase> session;
      uint64_t id = 0;
      if (core_.tls) {
        auto s = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
            core_, std::move(socket), AddressText(remote.address()));
        id = core_.Register(s);
        s->set_id(id);
        session = std::move(s);
      } else {
        auto s = std::make_shared<Session<beast::tcp_stream>>(core_, std::move(socket),
                                                              AddressText(remote.address()));
        id = core_.Register(s);
        s->set_id(id);
        session = std::move(s);
      }
      core_.accepted.fetch_add(1);
      session->Start();
    } catch (...) {
      // Out of memory: the socket (moved or not) is closed with whatever owned it.
    }
  }

  void BeginShutdown() {
    if (core_.closing.exchange(true)) return;
    if (acceptor_) {
      asio::post(acceptor_->get_executor(), [this] {
        beast::error_code ec;
        acceptor_->close(ec);
        accept_retry_->cancel();
      });
    }
    for (auto& session : core_.Snapshot()) session->NotifyShutdown();
  }

  void FinishShutdown(SteadyClock::time_point deadline) {
    std::lock_guard<std::mutex> finishing(finish_mu_);
    {
      std::unique_lock<std::mutex> lock(core_.mu);
      if (core_.stopped) return;
      core_.cv.wait_until(lock, deadline, [this] { return core_.open == 0; });
    }
    if (core_.OpenCount() > 0) {
      for (auto& session : core_.Snapshot()) session->ForceClose();
      std::unique_lock<std::mutex> lock(core_.mu);
      core_.cv.wait_for(lock, kForceCloseWait, [this] { return core_.open == 0; });
    }
    work_.reset();
    if (ioc_) ioc_->stop();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    {
      std::lock_guard<std::mutex> lock(core_.mu);
      core_.stopped = true;
    }
    core_.cv.notify_all();
  }

  ServerCore core_;
  uint16_t port_ = 0;
  std::mutex finish_mu_;  // one FinishShutdown at a time
  std::mutex reaper_mu_;
  std::thread reaper_;  // finishes a shutdown begun by a handler
  std::unique_ptr<asio::io_context> ioc_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::unique_ptr<asio::steady_timer> accept_retry_;
  std::vector<std::thread> threads_;
};

Result<std::unique_ptr<HttpsServer>> HttpsServer::Start(ServerOptions options, Handler handler) {
  std::unique_ptr<Impl> impl;
  try {
    impl = std::make_unique<Impl>(std::move(options), std::move(handler));
  } catch (const std::exception& e) {
    return Internal(std::string("cannot create the HTTPS server: ") + e.what());
  }
  CONCORD_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<HttpsServer>(new HttpsServer(std::move(impl)));
}

HttpsServer::HttpsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpsServer::~HttpsServer() = default;

uint16_t HttpsServer::port() const { return impl_->port(); }
size_t HttpsServer::open_connections() const { return impl_->open_connections(); }
uint64_t HttpsServer::connections_accepted() const { return impl_->connections_accepted(); }
void HttpsServer::Shutdown(std::chrono::milliseconds grace) { impl_->Shutdown(grace); }
void HttpsServer::Wait() { impl_->Wait(); }

}  // namespace concord::net
