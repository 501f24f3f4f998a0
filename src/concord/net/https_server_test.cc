#include "concord/net/https_server.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "concord/net/https_client.h"
#include "concord/net/message.h"
#include "concord/net/net_test_util.h"

namespace concord::net {
namespace {

using namespace testing_util;  // NOLINT: test helpers
using std::chrono::milliseconds;

HttpResponse Reply(std::string body, int status = 200, uint32_t delay_ms = 0) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.delay_ms = delay_ms;
  return r;
}

Handler Echo() {
  return [](const HttpRequest& request) {
    HttpResponse r;
    r.headers.emplace_back("Content-Type", "text/plain");
    r.body = request.method + " " + request.target + " " + request.body;
    return r;
  };
}

std::unique_ptr<HttpsServer> StartServer(ServerOptions options, Handler handler) {
  Result<std::unique_ptr<HttpsServer>> server =
      HttpsServer::Start(std::move(options), std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return server.ok() ? std::move(*server) : nullptr;
}

std::unique_ptr<RawTlsClient> RawConnect(const HttpsServer& server,
                                         RawTlsClient::Options options = {}) {
  std::string error;
  auto raw = RawTlsClient::Connect(server.port(), options, &error);
  EXPECT_NE(raw, nullptr) << error;
  return raw;
}

TEST(HttpsServerTest, GetRoundTripKeepsTheConnectionAlive) {
  auto server = StartServer(TestServerOptions(), Echo());
  ASSERT_NE(server, nullptr);
  auto client = MakeClient(*server);
  ASSERT_NE(client, nullptr);
  for (int i = 0; i < 2; ++i) {
    Result<HttpResponse> r = client->Send("GET", "/hello?x=" + std::to_string(i), {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "GET /hello?x=" + std::to_string(i) + " ");
    EXPECT_EQ(HeaderValue(r->headers, "content-type"), "text/plain");
    EXPECT_FALSE(HeaderValue(r->headers, "Date").empty());
    EXPECT_EQ(HeaderValue(r->headers, "Content-Length"), std::to_string(r->body.size()));
    EXPECT_EQ(HeaderValue(r->headers, "Connection"), "");
  }
  EXPECT_EQ(server->connections_accepted(), 1u);
  EXPECT_EQ(server->open_connections(), 1u);
  client.reset();
  EXPECT_TRUE(WaitFor([&] { return server->open_connections() == 0; }));
}

TEST(HttpsServerTest, PostBodyHeadersPeerAndAccessLog) {
  std::mutex mu;
  HttpRequest seen;
  std::vector<AccessRecord> log;
  ServerOptions options = TestServerOptions();
  options.access_log = [&](const AccessRecord& record) {
    std::lock_guard<std::mutex> lock(mu);
    log.push_back(record);
  };
  auto server = StartServer(options, [&](const HttpRequest& request) {
    {
      std::lock_guard<std::mutex> lock(mu);
      seen = request;
    }
    HttpResponse r;
    r.status = 201;
    r.body = "created";
    r.principal = "partner-a";
    return r;
  });
  ASSERT_NE(server, nullptr);
  auto client = MakeClient(*server);
  ASSERT_NE(client, nullptr);
  Result<HttpResponse> r = client->Send(
      "POST", "/items?q=1", {{"X-Test", "yes"}, {"Content-Type", "text/plain"}}, "the body");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "created");

  // The record is written once the response is sent, which may be after the client has it.
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu);
    return !log.empty();
  }));
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/items?q=1");
  EXPECT_EQ(seen.body, "the body");
  EXPECT_EQ(HeaderValue(seen.headers, "x-test"), "yes");
  EXPECT_EQ(HeaderValue(seen.headers, "Host"), "127.0.0.1:" + std::to_string(server->port()));
  EXPECT_EQ(HeaderValue(seen.headers, "Content-Length"), "8");
  EXPECT_EQ(HeaderValue(seen.headers, "User-Agent"), "concord");
  EXPECT_EQ(seen.peer_address, "127.0.0.1");
  EXPECT_EQ(seen.client_cert_sha256, "");
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].peer_address, "127.0.0.1");
  EXPECT_EQ(log[0].principal, "partner-a");
  EXPECT_EQ(log[0].method, "POST");
  EXPECT_EQ(log[0].target, "/items?q=1");
  EXPECT_EQ(log[0].status, 201);
  EXPECT_EQ(log[0].request_bytes, 8u);
  EXPECT_EQ(log[0].response_bytes, 7u);
}

TEST(HttpsServerTest, HeadGetsTheLengthWithoutTheBody) {
  auto server = StartServer(TestServerOptions(), Echo());
  ASSERT_NE(server, nullptr);
  auto client = MakeClient(*server);
  ASSERT_NE(client, nullptr);
  Result<HttpResponse> r = client->Send("HEAD", "/x", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "");
  EXPECT_EQ(HeaderValue(r->headers, "Content-Length"), "8");  // "HEAD /x "
  // The connection is still in step.
  r = client->Send("GET", "/y", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "GET /y ");
  EXPECT_EQ(server->connections_accepted(), 1u);
}

TEST(HttpsServerTest, ContentLengthOverTheLimitGets413AndTheClientReadsIt) {
  std::atomic<int> calls{0};
  std::vector<AccessRecord> log;
  std::mutex mu;
  ServerOptions options = TestServerOptions();
  options.limits.max_body_bytes = 1024;
  options.error_responder = [](int status, std::string_view message) {
    HttpResponse r;
    r.status = status;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = "{\"status\":" + std::to_string(status) + "}";
    return r;
  };
  options.access_log = [&](const AccessRecord& record) {
    std::lock_guard<std::mutex> lock(mu);
    log.push_back(record);
  };
  auto server = StartServer(options, [&](const HttpRequest& request) {
    ++calls;
    return Reply("ok");
  });
  ASSERT_NE(server, nullptr);
  auto client = MakeClient(*server);
  ASSERT_NE(client, nullptr);

  const std::string big(1 << 20, 'x');
  Result<HttpResponse> r = client->Send("POST", "/upload", {}, big);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->body, "{\"status\":413}");
  EXPECT_EQ(HeaderValue(r->headers, "Content-Type"), "application/json");
  EXPECT_EQ(HeaderValue(r->headers, "Connection"), "close");
  EXPECT_EQ(calls.load(), 0);

  // A body within the limit still goes through (on a new connection).
  r = client->Send("POST", "/upload", {}, std::string(1024, 'y'));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(calls.load(), 1);
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu);
    return log.size() == 2;
  }));
  std::lock_guard<std::mutex> lock(mu);
  const AccessRecord& refused = log[0].status == 413 ? log[0] : log[1];
  EXPECT_EQ(refused.status, 413);
  EXPECT_EQ(refused.method, "POST");
  EXPECT_EQ(refused.target, "/upload");
  EXPECT_EQ(refused.request_bytes, 0u);
}

TEST(HttpsServerTest, ChunkedBodyGrowingPastTheLimitGets413) {
  ServerOptions options = TestServerOptions();
  options.limits.max_body_bytes = 1024;
  std::atomic<int> calls{0};
  auto server = StartServer(options, [&](const HttpRequest&) {
    ++calls;
    return HttpResponse{};
  });
  ASSERT_NE(server, nullptr);
  auto raw = RawConnect(*server);
  ASSERT_NE(raw, nullptr);
  std::string request = "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" +
                        std::string(0x800, 'z') + "\r\n0\r\n\r\n";
  ASSERT_TRUE(raw->Write(request));
  RawResponse r = raw->ReadResponse();
  EXPECT_EQ(r.status, 413);
  EXPECT_TRUE(raw->WaitClosed(milliseconds(5000)));
  EXPECT_EQ(calls.load(), 0);
}

TEST(HttpsServerTest, HugeHeaderGets431) {
  ServerOptions options = TestServerOptions();
  options.limits.max_header_bytes = 4096;
  auto server = StartServer(options, Echo());
  ASSERT_NE(server, nullptr);
  auto client = MakeClient(*server);
  ASSERT_NE(client, nullptr);
  Result<HttpResponse> r = client->Send("GET", "/", {{"X-Big", std::string(32 * 1024, 'h')}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 431);
  EXPECT_NE(r->body.find("4096"), std::string::npos) << r->body;
  // The server is fine afterwards.
  r = client->Send("GET", "/after", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
}

TEST(HttpsServerTest, GarbageGets400AndClose) {
  std::atomic<int> calls{0};
  auto server = StartServer(TestServerOptions(), [&](const HttpRequest&) {
    ++calls;
    return HttpResponse{};
  });
  ASSERT_NE(server, nullptr);
  auto raw = RawConnect(*server);
  ASSERT_NE(raw, nullptr);
  ASSERT_TRUE(raw->Write(std::string("\x01\x02\x03 this is not HTTP\r\n\r\n")));
  RawResponse r = raw->ReadResponse();
  EXPECT_EQ(r.status, 400) << r.head;
  EXPECT_NE(r.head.find("Connection: close"), std::string::npos) << r.head;
  EXPECT_NE(r.body.find("malformed"), std::string::npos) << r.body;
  EXPECT_TRUE(raw->WaitClosed(milliseconds(5000)));
  EXPECT_EQ(calls.load(), 0);
}

TEST(HttpsServerTest, PipelinedRequestsAreAnsweredInOrder) {
  auto server = StartServer(TestServerOptions(), Echo());
  ASSERT_NE(server, nullptr);
  auto raw = RawConnect(*server);
  ASSERT_NE(raw, nullptr);
  ASSERT_TRUE(
      raw->Write("GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n"));
  RawResponse first = raw->ReadResponse();
  RawResponse second = raw->ReadResponse();
  EXPECT_EQ(first.body, "GET /one ");
  EXPECT_EQ(second.body, "GET /two ");
  EXPECT_EQ(server->connections_accepted(), 1u);
}

TEST(HttpsServerTest, TruncatedBodyIsDroppedAndTheServerStaysHealthy) {
  std::atomic<int> calls{0};
  auto server = StartServer(TestServerOptions(), [&](const HttpRequest& request) {
    ++calls;
    return Reply(request.body);
  });
  ASSERT_NE(server, nullptr);
  {
    auto raw = RawConnect(*server);
    ASSERT_NE(raw, nullptr);
    ASSERT_TRUE(raw->Write("POST /t HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789"));
    std::this_thread::sleep_for(milliseconds(100));
    raw->CloseAbruptly();
  }
  EXPECT_TRUE(WaitFor([&] { return server->open_connections() == 0; }));
  EXPECT_EQ(calls.load(), 0);
  auto client = MakeClient(*server);
  ASSERT_NE(client, nullptr);
  Result<HttpResponse> r = client->Send("POST", "/t", {}, "whole");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "whole");
  EXPECT_EQ(calls.load(), 1);
}

TEST(HttpsServerTest, SlowlorisIsCutOffAtTheRequestTimeoutWhileOthersAreServed) {
  ServerOptions options = TestServerOptions();
  options.limits.request_timeout = milliseconds(500);
  options.limits.idle_timeout = milliseconds(5000);
  auto server = StartServer(options, Echo());
  ASSERT_NE(server, nullptr);
  auto raw = RawConnect(*server);
  ASSERT_NE(raw, nullptr);

  std::atomic<bool> closed{false};
  std::atomic<int64_t> closed_after_ms{-1};
  std::thread slow([&] {
    const std::string request =
        "GET /slow HTTP/1.1\r\nHost: x\r\nX-Padding: " + std::string(200, 'p') + "\r\n\r\n";
    const auto start = Clock::now();
    for (char c : request) {
      if (!raw->Write(std::string_view(&c, 1), milliseconds(1000)) || raw->PeerClosed()) break;
      std::this_thread::sleep_for(milliseconds(100));
      if (raw->PeerClosed()) break;
      if (MillisSince(start) > 8000) return;
    }
    closed_after_ms = MillisSince(start);
    closed = true;
  });

  // Meanwhile other clients are served.
  auto client = MakeClient(*server);
  ASSERT_NE(client, nullptr);
  for (int i = 0; i < 3; ++i) {
    Result<HttpResponse> r = client->Send("GET", "/fast", {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200);
    std::this_thread::sleep_for(milliseconds(50));
  }
  slow.join();
  ASSERT_TRUE(closed.load()) << "the slow connection was never closed";
  EXPECT_GE(closed_after_ms.load(), 400);
  EXPECT_LT(closed_after_ms.load(), 3500);
}

TEST(HttpsServerTest, IdleTimeoutClosesASilentConnection) {
  ServerOptions options = TestServerOptions();
  options.limits.idle_timeout = milliseconds(300);
  auto server = StartServer(options, Echo());
  ASSERT_NE(server, nullptr);
  const auto start = Clock::now();
  auto raw = RawConnect(*server);
  ASSERT_NE(raw, nullptr);
  EXPECT_TRUE(raw->WaitClosed(milliseconds(5000)));
  EXPECT_GE(MillisSince(start), 250);
  EXPECT_TRUE(WaitFor([&] { return server->open_connections() == 0; }));
}

TEST(HttpsServerTest, HandshakeTimeoutClosesAConnectionThatNeverSpeaksTls) {
  ServerOptions options = TestServerOptions();
  options.limits.handshake_timeout = milliseconds(300);
  auto server = StartServer(options, Echo());
  ASSERT_NE(server, nullptr);
  std::string error;
  auto raw = RawTlsClient::Connect(server->port(), {.tls = false}, &error);
  ASSERT_NE(raw, nullptr) << error;
  EXPECT_TRUE(WaitFor([&] { return server->open_connections() == 1; }));
  EXPECT_TRUE(raw->WaitClosed(milliseconds(5000)));
  EXPECT_TRUE(WaitFor([&] { return server->open_connections() == 0; }));
}

TEST(HttpsServerTest, ConnectionsBeyondMaxConnectionsAreClosed) {
  ServerOptions options = TestServerOptions();
  options.limits.max_connections = 4;
  auto server = StartServer(options, Echo());
  ASSERT_NE(server, nullptr);
  std::vector<std::unique_ptr<HttpsClient>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(MakeClient(*server));
    ASSERT_NE(clients.back(), nullptr);
    Result<HttpResponse> r = clients.back()->Send("GET", "/", {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  EXPECT_EQ(server->open_connections(), 4u);

  ClientOptions fifth_options = TestClientOptions();
  fifth_options.connect_timeout = milliseconds(3000);
  auto fifth = MakeClient(*server, fifth_options);
  ASSERT_NE(fifth, nullptr);
  Result<HttpResponse> refused = fifth->Send("GET", "/", {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable) << refused.status().ToString();

  for (auto& client : clients) {
    Result<HttpResponse> r = client->Send("GET", "/again", {});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 200);
  }
  EXPECT_EQ(server->connections_accepted(), 4u);

  // A place frees up when a client leaves.
  clients.pop_back();
  ASSERT_TRUE(WaitFor([&] { return server->open_connections() == 3; }));
  Result<HttpResponse> r = fifth->Send("GET", "/", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
}

TEST(HttpsServerTest, ManyConcurrentConnectionsAreHeldWithoutTrouble) {
  // Each connection costs a descriptor on both sides.
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  const size_t n = std::min<size_t>(1000, (limit.rlim_cur - 64) / 2);
  ASSERT_GE(n, 100u) << "too few file descriptors";

  ServerOptions options = TestServerOptions();
  auto server = StartServer(options, Echo());
  ASSERT_NE(server, nullptr);
  std::vector<std::unique_ptr<RawTlsClient>> idle;
  // Mostly connections still in the TLS handshake, plus some finished handshakes.
  for (size_t i = 0; i < n; ++i) {
    std::string error;
    auto raw = RawTlsClient::Connect(server->port(), {.tls = i % 20 == 0}, &error);
    ASSERT_NE(raw, nullptr) << error;
    idle.push_back(std::move(raw));
  }
  ASSERT_TRUE(WaitFor([&] { return server->open_connections() == n; }, milliseconds(8000)))
      << server->open_connections();
  auto client = MakeClient(*server);
  ASSERT_NE(client, nullptr);
  Result<HttpResponse> r = client->Send("GET", "/", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  idle.clear();
  EXPECT_TRUE(WaitFor([&] { return server->open_connections() == 1; }, milliseconds(8000)));
}

TEST(HttpsServerTest, ClientCertificateFingerprintReachesTheHandler) {
  ServerOptions options = TestServerOptions();
  options.tls.client_ca_file = Certs().ca_file;
  auto server = StartServer(
      options, [](const HttpRequest& request) { return Reply(request.client_cert_sha256); });
  ASSERT_NE(server, nullptr);

  ClientOptions with_cert = TestClientOptions();
  with_cert.client_cert_file = Certs().client_cert_file;
  with_cert.client_key_file = Certs().client_key_file;
  auto client = MakeClient(*server, with_cert);
  ASSERT_NE(client, nullptr);
  Result<HttpResponse> r = client->Send("GET", "/", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, Certs().client_cert_sha256);
  EXPECT_EQ(r->body.size(), 64u);

  auto anonymous = MakeClient(*server);
  ASSERT_NE(anonymous, nullptr);
  r = anonymous->Send("GET", "/", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "");
}

TEST(HttpsServerTest, Tls11ClientIsRefused) {
  auto server = StartServer(TestServerOptions(), Echo());
  ASSERT_NE(server, nullptr);
  std::string error;
  auto old = RawTlsClient::Connect(server->port(), {.max_version = TLS1_1_VERSION}, &error);
  EXPECT_EQ(old, nullptr) << "negotiated " << old->negotiated_version();
  // The same client allowed TLS 1.2 gets in: the refusal is about the version.
  auto current = RawTlsClient::Connect(server->port(), {.max_version = TLS1_2_VERSION}, &error);
  ASSERT_NE(current, nullptr) << error;
  EXPECT_EQ(current->negotiated_version(), "TLSv1.2");
  // And by default TLS 1.3 is chosen.
  auto modern = RawConnect(*server);
  ASSERT_NE(modern, nullptr);
  EXPECT_EQ(modern->negotiated_version(), "TLSv1.3");
}

TEST(HttpsServerTest, DelayMsIsHonoured) {
  auto server =
      StartServer(TestServerOptions(), [](const HttpRequest&) { return Reply("no", 401, 300); });
  ASSERT_NE(server, nullptr);
  auto client = MakeClient(*server);
  ASSERT_NE(client, nullptr);
  const auto start = Clock::now();
  Result<HttpResponse> r = client->Send("GET", "/", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 401);
  EXPECT_GE(MillisSince(start), 290);
}

TEST(HttpsServerTest, HandlerExceptionGives500) {
  auto server = StartServer(TestServerOptions(), [](const HttpRequest&) -> HttpResponse {
    throw std::runtime_error("boom");
  });
  ASSERT_NE(server, nullptr);
  auto client = MakeClient(*server);
  ASSERT_NE(client, nullptr);
  Result<HttpResponse> r = client->Send("GET", "/", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 500);
}

TEST(HttpsServerTest, GracefulShutdownFinishesTheRequestInFlight) {
  std::atomic<bool> entered{false};
  auto server = StartServer(TestServerOptions(), [&](const HttpRequest& request) {
    if (request.target == "/slow") {
      entered = true;
      std::this_thread::sleep_for(milliseconds(300));
    }
    return Reply("done " + request.target);
  });
  ASSERT_NE(server, nullptr);

  // An idle keep-alive connection, to be closed by the shutdown.
  auto idle = MakeClient(*server);
  ASSERT_NE(idle, nullptr);
  ASSERT_TRUE(idle->Send("GET", "/idle", {}).ok());

  Result<HttpResponse> slow_result = Unavailable("not run");
  std::thread slow([&] {
    auto client = MakeClient(*server);
    if (client) slow_result = client->Send("GET", "/slow", {});
  });
  ASSERT_TRUE(WaitFor([&] { return entered.load(); }));
  const auto start = Clock::now();
  server->Shutdown(milliseconds(5000));
  const int64_t took = MillisSince(start);
  slow.join();
  ASSERT_TRUE(slow_result.ok()) << slow_result.status().ToString();
  EXPECT_EQ(slow_result->status, 200);
  EXPECT_EQ(slow_result->body, "done /slow");
  EXPECT_EQ(HeaderValue(slow_result->headers, "Connection"), "close");
  EXPECT_LT(took, 4000);
  EXPECT_EQ(server->open_connections(), 0u);
  server->Wait();                     // returns at once
  server->Shutdown(milliseconds(0));  // idempotent

  Result<HttpResponse> after = idle->Send("GET", "/idle", {});
  EXPECT_FALSE(after.ok());
}

TEST(HttpsServerTest, ShutdownFromAHandlerAndWait) {
  std::unique_ptr<HttpsServer> server;
  HttpsServer* raw_server = nullptr;
  server = StartServer(TestServerOptions(), [&](const HttpRequest&) {
    raw_server->Shutdown(milliseconds(2000));
    return Reply("bye");
  });
  ASSERT_NE(server, nullptr);
  raw_server = server.get();
  auto client = MakeClient(*server);
  ASSERT_NE(client, nullptr);
  Result<HttpResponse> r = client->Send("GET", "/", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "bye");
  EXPECT_EQ(HeaderValue(r->headers, "Connection"), "close");
  server->Wait();
  EXPECT_EQ(server->open_connections(), 0u);
}

TEST(HttpsServerTest, DestructorWithOpenConnectionsIsSafe) {
  auto server = StartServer(TestServerOptions(), Echo());
  ASSERT_NE(server, nullptr);
  auto client = MakeClient(*server);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->Send("GET", "/", {}).ok());
  auto raw = RawConnect(*server);
  ASSERT_NE(raw, nullptr);
  ASSERT_TRUE(raw->Write("GET / HT"));  // half a request
  server.reset();
  EXPECT_TRUE(raw->WaitClosed(milliseconds(5000)));
}

TEST(HttpsServerTest, OnThreadStartRunsOncePerThread) {
  std::mutex mu;
  std::vector<int> started;
  ServerOptions options = TestServerOptions();
  options.threads = 3;
  options.on_thread_start = [&](int index) {
    std::lock_guard<std::mutex> lock(mu);
    started.push_back(index);
  };
  auto server = StartServer(options, Echo());
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard<std::mutex> lock(mu);
    return started.size() == 3;
  }));
  std::lock_guard<std::mutex> lock(mu);
  std::sort(started.begin(), started.end());
  EXPECT_EQ(started, (std::vector<int>{0, 1, 2}));
}

TEST(HttpsServerTest, PlainHttpOnlyOnLoopback) {
  ServerOptions options;
  options.plain_http = true;
  options.address = "0.0.0.0";
  Result<std::unique_ptr<HttpsServer>> refused = HttpsServer::Start(options, Echo());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("loopback"), std::string::npos);

  options.address = "127.0.0.1";
  auto server = StartServer(options, Echo());
  ASSERT_NE(server, nullptr);
  Result<std::unique_ptr<HttpsClient>> client =
      HttpsClient::Create("http://127.0.0.1:" + std::to_string(server->port()), {});
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  Result<HttpResponse> r = (*client)->Send("PUT", "/plain", {}, "text");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "PUT /plain text");
}

TEST(HttpsServerTest, ListensOnIpv6Loopback) {
  ServerOptions options = TestServerOptions();
  options.address = "::1";
  Result<std::unique_ptr<HttpsServer>> server =
      HttpsServer::Start(options, [](const HttpRequest& r) { return Reply(r.peer_address); });
  if (!server.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << server.status().ToString();
  auto client = MakeClient(**server, TestClientOptions(), "[::1]");
  ASSERT_NE(client, nullptr);
  Result<HttpResponse> r = client->Send("GET", "/", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "::1");
}

TEST(HttpsServerTest, CertificateProblemsNameTheFile) {
  ServerOptions options = TestServerOptions();
  options.tls.cert_file = Certs().server_cert_file + ".missing";
  Result<std::unique_ptr<HttpsServer>> r = HttpsServer::Start(options, Echo());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIoError);
  EXPECT_NE(r.status().message().find("server.pem.missing"), std::string::npos)
      << r.status().ToString();

  options = TestServerOptions();
  options.tls.cert_file = Certs().server_key_file;  // a key is not a certificate
  r = HttpsServer::Start(options, Echo());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("server.key"), std::string::npos) << r.status().ToString();

  options = TestServerOptions();
  options.tls.key_file = Certs().client_key_file;  // not the certificate's key
  r = HttpsServer::Start(options, Echo());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("does not belong"), std::string::npos)
      << r.status().ToString();

  options = TestServerOptions();
  options.address = "not-an-address";
  r = HttpsServer::Start(options, Echo());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(HttpsServerTest, PortInUseIsUnavailable) {
  auto first = StartServer(TestServerOptions(), Echo());
  ASSERT_NE(first, nullptr);
  ServerOptions options = TestServerOptions();
  options.port = first->port();
  Result<std::unique_ptr<HttpsServer>> second = HttpsServer::Start(options, Echo());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable) << second.status().ToString();
}

}  // namespace
}  // namespace concord::net
