#include "concord/net/https_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "concord/net/https_server.h"
#include "concord/net/net_test_util.h"

namespace concord::net {
namespace {

using namespace testing_util;  // NOLINT: test helpers
using std::chrono::milliseconds;

Result<Url> P(std::string_view text) { return Url::Parse(text); }

TEST(UrlTest, ParsesWhatItShould) {
  Result<Url> u = P("https://example.com");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "example.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->target, "/");
  EXPECT_EQ(u->Origin(), "https://example.com:443");

  u = P("HTTPS://Example.COM:8443/taxii2/collections/?limit=10&added_after=x");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "example.com");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->target, "/taxii2/collections/?limit=10&added_after=x");

  u = P("http://[::1]:8080/x");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->scheme, "http");
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->target, "/x");
  EXPECT_EQ(u->Origin(), "http://[::1]:8080");

  u = P("https://[2001:db8::1]");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->host, "2001:db8::1");
  EXPECT_EQ(u->port, 443);

  u = P("http://127.0.0.1?q=1");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->target, "/?q=1");

  u = P("https://h:65535/%20encoded");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->port, 65535);
  EXPECT_EQ(u->target, "/%20encoded");
}

TEST(UrlTest, RejectsWhatItShouldAndSaysWhy) {
  struct Case {
    const char* url;
    const char* says;
  };
  const Case cases[] = {
      {"", "empty"},
      {"example.com/x", "not absolute"},
      {"ftp://example.com/", "scheme"},
      {"https://user:pw@example.com/", "user information"},
      {"https://example.com/a#frag", "fragment"},
      {"https://example.com/a b", "space"},
      {"https://example.com/\x01", "control"},
      {"https://example.com/\xc3\xa9", "non-ASCII"},
      {"https://example.com:0/", "port"},
      {"https://example.com:65536/", "port"},
      {"https://example.com:http/", "port"},
      {"https://example.com:/", "port"},
      {"https://example.com:-1/", "port"},
      {"https://[::1/", "closing"},
      {"https://[zz::1]/", "IPv6"},
      {"https://[::1]x/", "after the IPv6"},
      {"https:///path", "no host"},
      {"https://ex^ample.com/", "invalid character"},
      {"https://::1/", "no host"},
  };
  for (const Case& c : cases) {
    Result<Url> u = P(c.url);
    ASSERT_FALSE(u.ok()) << c.url;
    EXPECT_EQ(u.status().code(), StatusCode::kInvalidArgument) << c.url;
    EXPECT_NE(u.status().message().find(c.says), std::string::npos)
        << c.url << " -> " << u.status().message();
  }
}

TEST(HttpsClientTest, PlainHttpOnlyToLoopbackHosts) {
  Result<std::unique_ptr<HttpsClient>> c = HttpsClient::Create("http://example.com", {});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("loopback"), std::string::npos);
  EXPECT_TRUE(HttpsClient::Create("http://localhost:8080", {}).ok());
  EXPECT_TRUE(HttpsClient::Create("http://127.0.0.5:8080", {}).ok());
  EXPECT_TRUE(HttpsClient::Create("http://[::1]:8080", {}).ok());
  EXPECT_FALSE(HttpsClient::Create("http://10.0.0.1", {}).ok());
}

TEST(HttpsClientTest, UnreadableFilesAreInvalidArguments) {
  ClientOptions options = TestClientOptions();
  options.ca_file = "/nonexistent/ca.pem";
  Result<std::unique_ptr<HttpsClient>> c = HttpsClient::Create("https://127.0.0.1:1", options);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("/nonexistent/ca.pem"), std::string::npos);

  options = TestClientOptions();
  options.client_cert_file = Certs().client_cert_file;  // without its key
  c = HttpsClient::Create("https://127.0.0.1:1", options);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
}

TEST(HttpsClientTest, BadRequestPartsAreRefusedBeforeSending) {
  Result<std::unique_ptr<HttpsClient>> c =
      HttpsClient::Create("https://127.0.0.1:1", TestClientOptions());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)->Send("GE T", "/", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*c)->Send("GET", "no-slash", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*c)->Send("GET", "/a b", {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*c)->Send("GET", "/", {{"X-Evil", "a\r\nInjected: yes"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ((*c)->Send("GET", "/", {{"Bad Name", "v"}}).status().code(),
            StatusCode::kInvalidArgument);
}

std::unique_ptr<HttpsServer> StartEcho(ServerOptions options = TestServerOptions()) {
  Result<std::unique_ptr<HttpsServer>> server =
      HttpsServer::Start(std::move(options), [](const HttpRequest& request) {
        HttpResponse r;
        r.body = request.method + " " + request.target;
        if (request.target == "/close") r.headers.emplace_back("Connection", "close");
        if (request.target == "/big") r.body = std::string(5000, 'b');
        if (request.target == "/sleep") std::this_thread::sleep_for(milliseconds(1500));
        return r;
      });
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return server.ok() ? std::move(*server) : nullptr;
}

TEST(HttpsClientTest, UntrustedServerCertificate) {
  auto server = StartEcho();
  ASSERT_NE(server, nullptr);
  ClientOptions options = TestClientOptions();
  options.ca_file = Certs().other_ca_file;
  auto client = MakeClient(*server, options);
  ASSERT_NE(client, nullptr);
  Result<HttpResponse> r = client->Send("GET", "/", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("certificate is not trusted"), std::string::npos)
      << r.status().message();
}

TEST(HttpsClientTest, HostNameMismatch) {
  ServerOptions server_options = TestServerOptions();
  server_options.tls.cert_file = Certs().wrong_name_cert_file;
  server_options.tls.key_file = Certs().wrong_name_key_file;
  auto server = StartEcho(server_options);
  ASSERT_NE(server, nullptr);
  for (const char* host : {"127.0.0.1", "localhost"}) {
    auto client = MakeClient(*server, TestClientOptions(), host);
    ASSERT_NE(client, nullptr);
    Result<HttpResponse> r = client->Send("GET", "/", {});
    ASSERT_FALSE(r.ok()) << host;
    EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(r.status().message().find("does not match the host name"), std::string::npos)
        << r.status().message();
  }
}

TEST(HttpsClientTest, ConnectsByNameToo) {
  auto server = StartEcho();
  ASSERT_NE(server, nullptr);
  auto client = MakeClient(*server, TestClientOptions(), "localhost");
  ASSERT_NE(client, nullptr);
  Result<HttpResponse> r = client->Send("GET", "/named", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "GET /named");
}

TEST(HttpsClientTest, ReconnectsWhenTheServerClosedAnIdleConnection) {
  ServerOptions options = TestServerOptions();
  options.limits.idle_timeout = milliseconds(200);
  auto server = StartEcho(options);
  ASSERT_NE(server, nullptr);
  auto client = MakeClient(*server);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send("GET", "/1", {}).ok());
  ASSERT_TRUE(WaitFor([&] { return server->open_connections() == 0; }));
  Result<HttpResponse> r = client->Send("POST", "/2", {}, "again");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "POST /2");
  EXPECT_EQ(server->connections_accepted(), 2u);
}

TEST(HttpsClientTest, FollowsConnectionClose) {
  auto server = StartEcho();
  ASSERT_NE(server, nullptr);
  auto client = MakeClient(*server);
  ASSERT_NE(client, nullptr);
  Result<HttpResponse> r = client->Send("GET", "/close", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(HeaderValue(r->headers, "Connection"), "close");
  r = client->Send("GET", "/next", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "GET /next");
  EXPECT_EQ(server->connections_accepted(), 2u);
}

TEST(HttpsClientTest, OversizedResponseIsResourceExhausted) {
  auto server = StartEcho();
  ASSERT_NE(server, nullptr);
  ClientOptions options = TestClientOptions();
  options.max_response_bytes = 1000;
  auto client = MakeClient(*server, options);
  ASSERT_NE(client, nullptr);
  Result<HttpResponse> r = client->Send("GET", "/big", {});
  ASSERT_FALSE(r.ok()) << r->status << " " << r->body.size();
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << r.status().ToString();
  // The client recovers.
  r = client->Send("GET", "/small", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
}

TEST(HttpsClientTest, ReadsAnEarlyAnswerWhenTheServerStopsReadingTheBody) {
  // The server answers 413 and stops draining long before the body is sent: the client's write
  // fails, and the answer is read nevertheless.
  ServerOptions options = TestServerOptions();
  options.limits.max_body_bytes = 1024;
  options.limits.drain_timeout = milliseconds(20);
  auto server = StartEcho(options);
  ASSERT_NE(server, nullptr);
  auto client = MakeClient(*server);
  ASSERT_NE(client, nullptr);
  Result<HttpResponse> r = client->Send("POST", "/upload", {}, std::string(64 << 20, 'u'));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
  r = client->Send("GET", "/after", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
}

TEST(HttpsClientTest, RequestTimeout) {
  auto server = StartEcho();
  ASSERT_NE(server, nullptr);
  ClientOptions options = TestClientOptions();
  options.request_timeout = milliseconds(300);
  auto client = MakeClient(*server, options);
  ASSERT_NE(client, nullptr);
  const auto start = Clock::now();
  Result<HttpResponse> r = client->Send("GET", "/sleep", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("timed out"), std::string::npos) << r.status().message();
  EXPECT_LT(MillisSince(start), 1400);
}

// A socket that listens but never accepts: TCP connects, TLS never answers.
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(fd_, 8);
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

TEST(HttpsClientTest, ConnectTimeoutCoversTheHandshake) {
  SilentListener silent;
  ClientOptions options = TestClientOptions();
  options.connect_timeout = milliseconds(300);
  Result<std::unique_ptr<HttpsClient>> client =
      HttpsClient::Create("https://127.0.0.1:" + std::to_string(silent.port()), options);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  const auto start = Clock::now();
  Result<HttpResponse> r = (*client)->Send("GET", "/", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("timed out"), std::string::npos) << r.status().message();
  EXPECT_LT(MillisSince(start), 3000);
}

TEST(HttpsClientTest, ConnectionRefusedIsUnavailable) {
  uint16_t port;
  {
    SilentListener taken;  // a port that was free a moment ago, closed again
    port = taken.port();
  }
  Result<std::unique_ptr<HttpsClient>> client =
      HttpsClient::Create("https://127.0.0.1:" + std::to_string(port), TestClientOptions());
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  Result<HttpResponse> r = (*client)->Send("GET", "/", {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("cannot connect"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace concord::net
