#pragma once

// Helpers shared by net_test's files (not a library): the test PKI, server and client options,
// waiting for a condition, and RawTlsClient, a blocking OpenSSL client that can misbehave
// (garbage, truncation, one byte at a time, old protocol versions).

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "concord/net/https_client.h"
#include "concord/net/https_server.h"
#include "concord/net/test_certs.h"

namespace concord::net::testing_util {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// The test PKI, made once per process in a fresh temporary directory (removed at exit).
inline const TestCerts& Certs() {
  struct Holder {
    std::string dir;
    TestCerts certs;
    Holder() {
      std::signal(SIGPIPE, SIG_IGN);  // RawTlsClient writes to sockets the server has closed
      dir = ::testing::TempDir() + "concord_net_test_" + std::to_string(::getpid());
      Result<TestCerts> made = MakeTestCerts(dir);
      if (!made.ok()) {
        std::fprintf(stderr, "MakeTestCerts: %s\n", made.status().ToString().c_str());
        std::abort();
      }
      certs = *made;
    }
    ~Holder() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  };
  static Holder holder;
  return holder.certs;
}

inline ServerOptions TestServerOptions() {
  ServerOptions o;
  o.address = "127.0.0.1";
  o.port = 0;
  o.tls.cert_file = Certs().server_cert_file;
  o.tls.key_file = Certs().server_key_file;
  o.threads = 2;
  return o;
}

inline ClientOptions TestClientOptions() {
  ClientOptions o;
  o.ca_file = Certs().ca_file;
  o.connect_timeout = milliseconds(5000);
  o.request_timeout = milliseconds(5000);
  return o;
}

inline std::string OriginOf(const HttpsServer& server, std::string_view host = "127.0.0.1") {
  return "https://" + std::string(host) + ":" + std::to_string(server.port());
}

inline std::unique_ptr<HttpsClient> MakeClient(const HttpsServer& server,
                                               ClientOptions options = TestClientOptions(),
                                               std::string_view host = "127.0.0.1") {
  Result<std::unique_ptr<HttpsClient>> client =
      HttpsClient::Create(OriginOf(server, host), std::move(options));
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? std::move(*client) : nullptr;
}

// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
inline bool WaitFor(const std::function<bool()>& condition,
                    milliseconds timeout = milliseconds(5000)) {
  const auto deadline = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

inline int64_t MillisSince(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

// A response as RawTlsClient read it.
struct RawResponse {
  int status = 0;
  std::string head;  // status line and header fields
  std::string body;
  bool complete = false;  // the whole body per Content-Length arrived
};

// A blocking TLS client over a plain socket, for what HttpsClient will not do. Every call is
// bounded by the timeouts given.
class RawTlsClient {
 public:
  struct Options {
    int max_version = 0;  // 0: OpenSSL's maximum; TLS1_1_VERSION for the refusal test
    bool tls = true;      // false: plain TCP (no handshake)
  };

  ~RawTlsClient() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (ctx_ != nullptr) SSL_CTX_free(ctx_);
    if (fd_ >= 0) ::close(fd_);
  }

  // Connects to 127.0.0.1:`port` and, unless plain, completes a TLS handshake (the server's
  // certificate is not checked). Null with `*error` set on failure.
  static std::unique_ptr<RawTlsClient> Connect(uint16_t port, Options options, std::string* error,
                                               milliseconds timeout = milliseconds(5000)) {
    std::unique_ptr<RawTlsClient> c(new RawTlsClient());
    c->fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd_ < 0) return Fail(error, "socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(c->fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      return Fail(error, "connect");
    }
    int one = 1;
    ::setsockopt(c->fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->SetTimeouts(milliseconds(50));
    if (!options.tls) return c;

    c->ctx_ = SSL_CTX_new(TLS_client_method());
    if (c->ctx_ == nullptr) return Fail(error, "SSL_CTX_new");
    SSL_CTX_set_verify(c->ctx_, SSL_VERIFY_NONE, nullptr);
    if (options.max_version != 0) {
      // Old protocol versions need the lowest security level to be offered at all.
      SSL_CTX_set_security_level(c->ctx_, 0);
      SSL_CTX_set_cipher_list(c->ctx_, "DEFAULT:@SECLEVEL=0");
      SSL_CTX_set_min_proto_version(c->ctx_, TLS1_VERSION);
      SSL_CTX_set_max_proto_version(c->ctx_, options.max_version);
    }
    c->ssl_ = SSL_new(c->ctx_);
    if (c->ssl_ == nullptr) return Fail(error, "SSL_new");
    SSL_set_fd(c->ssl_, c->fd_);
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      ERR_clear_error();
      const int r = SSL_connect(c->ssl_);
      if (r == 1) break;
      const int e = SSL_get_error(c->ssl_, r);
      if ((e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) && Clock::now() < deadline) {
        continue;
      }
      char buf[256] = "handshake failed";
      if (unsigned long code = ERR_peek_error()) ERR_error_string_n(code, buf, sizeof(buf));
      ERR_clear_error();
      if (error != nullptr) *error = buf;
      return nullptr;
    }
    return c;
  }

  std::string negotiated_version() const { return ssl_ ? SSL_get_version(ssl_) : "none"; }

  // Writes all of `data`; false when the connection failed.
  bool Write(std::string_view data, milliseconds timeout = milliseconds(5000)) {
    const auto deadline = Clock::now() + timeout;
    while (!data.empty()) {
      int n;
      if (ssl_ != nullptr) {
        ERR_clear_error();
        n = SSL_write(ssl_, data.data(), static_cast<int>(data.size()));
        if (n <= 0) {
          const int e = SSL_get_error(ssl_, n);
          if ((e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) && Clock::now() < deadline) {
            continue;
          }
          ERR_clear_error();
          return false;
        }
      } else {
        n = static_cast<int>(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL));
        if (n < 0) {
          if ((errno == EAGAIN || errno == EINTR) && Clock::now() < deadline) continue;
          return false;
        }
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads some bytes into `*out`. 1: got bytes; 0: the peer closed (or the connection failed);
  // -1: nothing within `timeout`.
  int ReadSome(std::string* out, milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    char buf[16384];
    for (;;) {
      int n;
      if (ssl_ != nullptr) {
        ERR_clear_error();
        n = SSL_read(ssl_, buf, sizeof(buf));
        if (n <= 0) {
          const int e = SSL_get_error(ssl_, n);
          ERR_clear_error();
          if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) return 0;
          if (Clock::now() >= deadline) return -1;
          continue;
        }
      } else {
        n = static_cast<int>(::recv(fd_, buf, sizeof(buf), 0));
        if (n == 0) return 0;
        if (n < 0) {
          if (errno != EAGAIN && errno != EINTR) return 0;
          if (Clock::now() >= deadline) return -1;
          continue;
        }
      }
      out->append(buf, static_cast<size_t>(n));
      return 1;
    }
  }

  // Reads one response (header, then a body of Content-Length bytes).
  RawResponse ReadResponse(milliseconds timeout = milliseconds(5000)) {
    RawResponse r;
    const auto deadline = Clock::now() + timeout;
    size_t header_end = std::string::npos;
    size_t length = 0;
    for (;;) {
      if (header_end == std::string::npos) {
        header_end = pending_.find("\r\n\r\n");
        if (header_end != std::string::npos) {
          r.head = pending_.substr(0, header_end);
          pending_.erase(0, header_end + 4);
          if (r.head.size() > 12) r.status = std::atoi(r.head.c_str() + 9);
          length = ContentLength(r.head);
        }
      }
      if (header_end != std::string::npos && pending_.size() >= length) {
        r.body = pending_.substr(0, length);
        pending_.erase(0, length);
        r.complete = true;
        return r;
      }
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
      if (left.count() <= 0 || ReadSome(&pending_, left) != 1) return r;
    }
  }

  // Reads and drops whatever comes until the peer closes; false when still open at `timeout`.
  bool WaitClosed(milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    std::string sink;
    for (;;) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return false;
      const int r = ReadSome(&sink, left);
      if (r == 0) return true;
      if (r < 0) return false;
      sink.clear();
    }
  }

  // Without blocking: has the peer closed (FIN or reset) the TCP connection?
  bool PeerClosed() {
    char c;
    const ssize_t n = ::recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0) return true;
    if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
    return false;
  }

  // Closes the TCP connection at once (no TLS close_notify).
  void CloseAbruptly() {
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
  }

 private:
  RawTlsClient() = default;

  static std::unique_ptr<RawTlsClient> Fail(std::string* error, const char* what) {
    if (error != nullptr) *error = std::string(what) + ": " + std::strerror(errno);
    return nullptr;
  }

  void SetTimeouts(milliseconds t) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(t.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((t.count() % 1000) * 1000);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  }

  static size_t ContentLength(const std::string& head) {
    for (size_t pos = head.find("\r\n"); pos != std::string::npos;
         pos = head.find("\r\n", pos + 2)) {
      const std::string_view line = std::string_view(head).substr(pos + 2);
      if (line.size() > 15 && strncasecmp(line.data(), "content-length:", 15) == 0) {
        return static_cast<size_t>(std::strtoull(line.data() + 15, nullptr, 10));
      }
    }
    return 0;
  }

  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string pending_;
};

}  // namespace concord::net::testing_util
