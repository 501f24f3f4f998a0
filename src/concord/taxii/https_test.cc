// Server and client together over real HTTPS on loopback, with the real SQLite store: what a
// partner's tool sees, including what a hostile one sends (raw HTTP over TLS).

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>

#include "concord/base/clock.h"
#include "concord/net/https_server.h"
#include "concord/net/test_certs.h"
#include "concord/policy/agreement.h"
#include "concord/stix/validator.h"
#include "concord/store/sqlite/sqlite_store.h"
#include "concord/taxii/auth.h"
#include "concord/taxii/client.h"
#include "concord/taxii/http_service.h"

namespace concord::taxii {
namespace {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

constexpr size_t kMaxBody = 64 * 1024;
constexpr char kTaxii[] = "application/taxii+json;version=2.1";

std::string IndicatorJson(int n, const std::string& padding = "") {
  char id[64];
  std::snprintf(id, sizeof(id), "indicator--00000000-0000-4000-8000-%012d", n);
  return std::string(R"({"type":"indicator","spec_version":"2.1","id":")") + id +
         R"(","created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z",)"
         R"("name":"n)" +
         std::to_string(n) + padding +
         R"(","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix",)"
         R"("valid_from":"2020-01-01T00:00:00Z"})";
}

// What a raw connection got back: the whole response text, or "" when the server closed
// without answering.
struct RawReply {
  std::string text;
  bool closed_by_server = false;
  std::chrono::milliseconds elapsed{0};

  int status() const { return text.size() > 12 ? std::atoi(text.c_str() + 9) : 0; }
  std::string body() const {
    const size_t at = text.find("\r\n\r\n");
    return at == std::string::npos ? "" : text.substr(at + 4);
  }
};

class HttpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "concord_https_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    auto certs = net::MakeTestCerts(dir_ + "/certs");
    ASSERT_TRUE(certs.ok()) << certs.status().ToString();
    certs_ = *certs;
    auto s = store::SqliteStore::Open(dir_ + "/store.db", &clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    admin_ = std::move(*s);
    shared_ = Collection("shared");
    inbox_ = Collection("inbox");
    internal_ = Collection("internal");
    Partner("us-node", "");
    Partner("cert-partner", certs_.client_cert_sha256);
    Grant("us-node", shared_.id, true, false);
    Grant("us-node", inbox_.id, false, true);
    Grant("cert-partner", shared_.id, true, false);
    token_ = Issue("us-node");
    StartServer();
  }

  void TearDown() override {
    StopServer();
    admin_.reset();
    std::filesystem::remove_all(dir_);
  }

  store::Collection Collection(const std::string& alias) {
    store::Collection c;
    c.alias = alias;
    c.title = alias;
    auto created = admin_->CreateCollection(c);
    EXPECT_TRUE(created.ok());
    return created.ok() ? *created : c;
  }
  void Partner(const std::string& name, const std::string& cert) {
    store::Partner p;
    p.name = name;
    p.cert_sha256 = cert;
    ASSERT_TRUE(admin_->CreatePartner(p).ok());
    // An agreement that releases anything but TLP:RED to it (policy's own tests cover the rest).
    policy::Agreements a = *agreements_.Get();
    a.node.unmarked = stix::Tlp::kClear;
    policy::PartnerAgreement agreement;
    agreement.name = name;
    agreement.max_tlp = stix::Tlp::kAmberStrict;
    agreement.types = {"*"};
    agreement.pass_on = true;
    a.partners.push_back(agreement);
    agreements_.Set(std::make_shared<const policy::Agreements>(std::move(a)));
  }
  void Grant(const std::string& partner, const std::string& collection, bool read, bool write) {
    store::Grant g;
    g.partner = partner;
    g.collection_id = collection;
    g.rights.read = read;
    g.rights.write = write;
    ASSERT_TRUE(admin_->SetGrant(g).ok());
  }
  std::string Issue(const std::string& partner) {
    auto issued = IssueToken(partner, clock_.Now().ToMicros());
    EXPECT_TRUE(issued.ok());
    EXPECT_TRUE(admin_->AddCredential(issued->credential).ok());
    return issued->token;
  }
  void Put(const std::vector<std::string>& objects, const std::string& collection) {
    stix::Validator validator;
    auto tx = admin_->BeginWrite({"file", "test"}, {collection});
    ASSERT_TRUE(tx.ok());
    for (const std::string& text : objects) {
      stix::Validation v = validator.Validate(text);
      ASSERT_TRUE(v.ok()) << text;
      ASSERT_TRUE((*tx)->Put(*v.object).ok());
    }
    ASSERT_TRUE((*tx)->Commit().ok());
  }

  void StartServer(bool broken_store = false) {
    ServerConfig config;
    config.max_content_length = kMaxBody;
    config.agreements = &agreements_;
    const std::string path = dir_ + "/store.db";
    service_ = std::make_unique<HttpService>(
        config,
        [this, path, broken_store]() -> Result<std::unique_ptr<store::Store>> {
          if (broken_store) return Unavailable("the store is down (test)");
          CONCORD_ASSIGN_OR_RETURN(std::unique_ptr<store::SqliteStore> s,
                                   store::SqliteStore::Open(path, &clock_));
          return std::unique_ptr<store::Store>(std::move(s));
        },
        &clock_);
    net::ServerOptions o;
    o.address = "127.0.0.1";
    o.port = port_;  // the same port again after a restart
    o.tls.cert_file = certs_.server_cert_file;
    o.tls.key_file = certs_.server_key_file;
    o.tls.client_ca_file = certs_.ca_file;
    o.threads = 2;
    o.limits.max_body_bytes = kMaxBody;
    o.limits.request_timeout = std::chrono::milliseconds(1500);
    o.limits.idle_timeout = std::chrono::milliseconds(3000);
    o.on_thread_start = [this](int i) { service_->OnThreadStart(i); };
    o.error_responder = &HttpService::TransportError;
    auto server = net::HttpsServer::Start(
        o, [this](const net::HttpRequest& r) { return service_->Handle(r); });
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    port_ = server_->port();
    origin_ = "https://127.0.0.1:" + std::to_string(port_);
  }
  void StopServer() {
    if (server_) {
      server_->Shutdown(std::chrono::milliseconds(2000));
      server_->Wait();
      server_.reset();
    }
    service_.reset();
  }

  std::unique_ptr<Client> NewClient(const std::string& token, const std::string& user = "",
                                    bool with_cert = false) {
    ClientOptions o;
    o.token = token;
    o.user = user;
    o.http.ca_file = certs_.ca_file;
    if (with_cert) {
      o.http.client_cert_file = certs_.client_cert_file;
      o.http.client_key_file = certs_.client_key_file;
    }
    o.first_backoff = std::chrono::milliseconds(10);
    o.max_backoff = std::chrono::milliseconds(50);
    o.max_retries = 2;
    auto c = Client::Create(origin_, o);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(*c) : nullptr;
  }

  // Sends `bytes` over a fresh TLS connection, then reads until the server closes or
  // `read_for` passes; `pace` > 0 sends one byte at a time that far apart.
  RawReply Raw(const std::string& bytes, std::chrono::milliseconds read_for,
               std::chrono::milliseconds pace = std::chrono::milliseconds(0),
               bool close_after_write = false) {
    RawReply reply;
    asio::io_context io;
    ssl::context ctx(ssl::context::tls_client);
    ctx.load_verify_file(certs_.ca_file);
    ctx.set_verify_mode(ssl::verify_peer);
    ssl::stream<tcp::socket> stream(io, ctx);
    boost::system::error_code ec;
    stream.next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    EXPECT_FALSE(ec) << ec.message();
    stream.handshake(ssl::stream_base::client, ec);
    EXPECT_FALSE(ec) << ec.message();
    const auto start = std::chrono::steady_clock::now();
    if (pace.count() > 0) {
      for (char c : bytes) {
        asio::write(stream, asio::buffer(&c, 1), ec);
        if (ec) break;
        std::this_thread::sleep_for(pace);
        if (std::chrono::steady_clock::now() - start > read_for) break;
      }
    } else {
      asio::write(stream, asio::buffer(bytes), ec);
    }
    if (close_after_write) {
      stream.next_layer().shutdown(tcp::socket::shutdown_send, ec);
    }
    // Read with a deadline: a poll loop on a non-blocking socket keeps the test simple.
    stream.next_layer().non_blocking(true);
    char buf[4096];
    while (std::chrono::steady_clock::now() - start < read_for + std::chrono::seconds(1)) {
      const size_t n = stream.read_some(asio::buffer(buf), ec);
      if (ec == asio::error::would_block || ec == ssl::error::stream_truncated) {
        if (ec == ssl::error::stream_truncated) {
          reply.closed_by_server = true;
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      if (ec) {
        reply.closed_by_server = true;
        break;
      }
      reply.text.append(buf, n);
    }
    reply.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    return reply;
  }

  std::string Request(const std::string& method, const std::string& target,
                      const std::string& extra_headers, const std::string& body = "") {
    return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
           extra_headers + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  std::string Auth() { return "Authorization: Bearer " + token_ + "\r\n"; }
  std::string ObjectsPath(const store::Collection& c) {
    return "/api/collections/" + c.id + "/objects/";
  }

  // A TAXII error answer: the media type, and http_status matching.
  void ExpectTaxiiError(const RawReply& r, int status) {
    EXPECT_EQ(r.status(), status) << r.text;
    EXPECT_NE(r.text.find("Content-Type: application/taxii+json;version=2.1"), std::string::npos)
        << r.text;
    EXPECT_NE(r.body().find("\"http_status\":\"" + std::to_string(status) + "\""),
              std::string::npos)
        << r.text;
  }

  ManualClock clock_{Timestamp::FromMicros(1'750'000'000'000'000)};
  std::string dir_;
  net::TestCerts certs_;
  std::unique_ptr<store::SqliteStore> admin_;
  store::Collection shared_, inbox_, internal_;
  std::string token_;
  policy::AgreementsHolder agreements_;
  std::unique_ptr<HttpService> service_;
  std::unique_ptr<net::HttpsServer> server_;
  uint16_t port_ = 0;
  std::string origin_;
};

TEST_F(HttpsTest, DiscoverListPushAndPull) {
  auto client = NewClient(token_);
  ASSERT_TRUE(client);
  auto d = client->Discover();
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->default_api_root, origin_ + "/api/");
  auto root = client->GetApiRoot(d->default_api_root);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(root->max_content_length, kMaxBody);
  auto list = client->Collections(d->default_api_root);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  std::set<std::string> ids;
  for (const CollectionInfo& c : *list) ids.insert(c.id);
  EXPECT_EQ(ids, (std::set<std::string>{shared_.id, inbox_.id}));

  // Push more than one POST's worth: the client splits by max_content_length.
  std::vector<std::string> objects;
  for (int i = 0; i < 300; ++i) objects.push_back(IndicatorJson(i, std::string(200, 'x')));
  objects.push_back("{\"type\":\"indicator\"}");  // refused, reported
  auto pushed = client->Push("/api/", inbox_.id, objects);
  ASSERT_TRUE(pushed.ok()) << pushed.status().ToString();
  EXPECT_GT(pushed->posts, 1u);
  EXPECT_EQ(pushed->successes, 300u);
  EXPECT_EQ(pushed->failures, 1u);
  // The inbox is write-only for us-node.
  auto denied = client->GetObjects("/api/", inbox_.id, PageRequest{});
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied) << denied.status().ToString();
  Grant("us-node", inbox_.id, true, true);

  // Page by next, then by added_after: every object exactly once.
  for (bool by_next : {true, false}) {
    std::set<std::string> seen;
    PageRequest request;
    request.limit = 37;
    for (int pages = 0; pages < 100; ++pages) {
      auto page = client->GetObjects(d->default_api_root, inbox_.id, request);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      for (const std::string& o : page->objects) {
        const size_t at = o.find("indicator--");
        EXPECT_TRUE(seen.insert(o.substr(at, 48)).second) << "repeated";
      }
      if (!page->more) break;
      if (by_next) {
        request.next = page->next;
      } else {
        request.added_after = page->date_added_last;
      }
    }
    EXPECT_EQ(seen.size(), 300u) << (by_next ? "next" : "added_after");
  }
}

TEST_F(HttpsTest, CredentialsBasicBadRevokedAndCertificates) {
  auto basic = NewClient(token_, "us-node");
  EXPECT_TRUE(basic->Collections("/api/").ok());
  auto wrong_user = NewClient(token_, "de-node");
  EXPECT_EQ(wrong_user->Collections("/api/").status().code(), StatusCode::kUnauthenticated);
  std::string bad = token_;
  bad.back() = bad.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(NewClient(bad)->Collections("/api/").status().code(), StatusCode::kUnauthenticated);
  auto none = NewClient("");
  EXPECT_TRUE(none->Discover().ok());  // discovery needs no credentials
  EXPECT_EQ(none->Collections("/api/").status().code(), StatusCode::kUnauthenticated);
  // A client certificate mapped to a partner authenticates it.
  auto cert = NewClient("", "", /*with_cert=*/true);
  auto list = cert->Collections("/api/");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, shared_.id);
  // Revoked: refused at once, even though the token was verified (and cached) before.
  auto client = NewClient(token_);
  ASSERT_TRUE(client->Collections("/api/").ok());
  auto parts = SplitToken(token_);
  ASSERT_TRUE(parts.ok());
  ASSERT_TRUE(admin_->RevokeCredential(parts->token_id).ok());
  EXPECT_EQ(client->Collections("/api/").status().code(), StatusCode::kUnauthenticated);
}

TEST_F(HttpsTest, RawRequestsGetTaxiiErrors) {
  const auto wait = std::chrono::milliseconds(3000);
  // Wrong Accept: 406.
  ExpectTaxiiError(Raw(Request("GET", "/api/", Auth() + "Accept: text/html\r\n"), wait), 406);
  // No credentials: 401 with WWW-Authenticate.
  RawReply anonymous = Raw(Request("GET", "/api/collections/", ""), wait);
  ExpectTaxiiError(anonymous, 401);
  EXPECT_NE(anonymous.text.find("WWW-Authenticate: Bearer realm="), std::string::npos);
  // A bad token: 401.
  ExpectTaxiiError(Raw(Request("GET", "/api/", "Authorization: Bearer cct_nonsense\r\n"), wait),
                   401);
  // A collection the partner may not see: 404; one it may only read, POSTed to: 403.
  ExpectTaxiiError(Raw(Request("GET", ObjectsPath(internal_), Auth()), wait), 404);
  const std::string envelope = "{\"objects\":[" + IndicatorJson(1) + "]}";
  ExpectTaxiiError(Raw(Request("POST", ObjectsPath(shared_),
                               Auth() + "Content-Type: " + kTaxii + "\r\n", envelope),
                       wait),
                   403);
  // Wrong Content-Type: 415. Malformed filter: 400. Broken envelope: 400.
  ExpectTaxiiError(Raw(Request("POST", ObjectsPath(inbox_),
                               Auth() + "Content-Type: application/json\r\n", envelope),
                       wait),
                   415);
  ExpectTaxiiError(
      Raw(Request("GET", ObjectsPath(shared_) + "?match[version]=lates", Auth()), wait), 400);
  ExpectTaxiiError(Raw(Request("POST", ObjectsPath(inbox_),
                               Auth() + "Content-Type: " + kTaxii + "\r\n", "{\"objects\":[{"),
                       wait),
                   400);
  // Oversized: 413, as a TAXII error, before the body is read.
  const std::string big =
      Request("POST", ObjectsPath(inbox_), Auth() + "Content-Type: " + kTaxii + "\r\n",
              std::string(kMaxBody + 1, ' '));
  ExpectTaxiiError(Raw(big, wait), 413);
  // Not HTTP at all: 400.
  EXPECT_EQ(Raw("\x01\x02 garbage\r\n\r\n", wait).status(), 400);
  // The server is still well.
  EXPECT_TRUE(NewClient(token_)->Collections("/api/").ok());
}

TEST_F(HttpsTest, TruncatedAndSlowRequestsAreCutOff) {
  // A body announced longer than sent, then the client stops writing: nothing is stored, the
  // connection ends.
  const std::string head = "POST " + ObjectsPath(inbox_) + " HTTP/1.1\r\nHost: x\r\n" + Auth() +
                           "Content-Type: " + kTaxii +
                           "\r\nContent-Length: 5000\r\n\r\n{\"objects\":[" + IndicatorJson(1);
  RawReply truncated = Raw(head, std::chrono::milliseconds(2500), std::chrono::milliseconds(0),
                           /*close_after_write=*/true);
  EXPECT_TRUE(truncated.closed_by_server);
  EXPECT_NE(truncated.status(), 202);
  auto stats = admin_->GetStats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->versions, 0u);
  // Slowloris: one header byte every 100 ms never completes; the server hangs up after its
  // request timeout (1.5 s here), while others are served meanwhile.
  std::thread slow([&]() {
    RawReply r = Raw(Request("GET", "/api/", Auth()) + std::string(200, 'x'),
                     std::chrono::milliseconds(6000), std::chrono::milliseconds(100));
    EXPECT_TRUE(r.closed_by_server);
    EXPECT_LT(r.elapsed.count(), 5000);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(NewClient(token_)->Collections("/api/").ok());
  slow.join();
}

TEST_F(HttpsTest, NextSurvivesARestartAndStatusesPersist) {
  std::vector<std::string> objects;
  for (int i = 0; i < 20; ++i) objects.push_back(IndicatorJson(i));
  Put(objects, shared_.id);
  auto client = NewClient(token_);
  PageRequest request;
  request.limit = 8;
  auto first = client->GetObjects("/api/", shared_.id, request);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->more);
  Grant("us-node", inbox_.id, true, true);
  auto pushed = client->Push("/api/", inbox_.id, {IndicatorJson(99)});
  ASSERT_TRUE(pushed.ok());
  ASSERT_EQ(pushed->status_ids.size(), 1u);

  StopServer();
  StartServer();
  client = NewClient(token_);
  request.next = first->next;
  std::set<std::string> rest;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = client->GetObjects("/api/", shared_.id, request);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const std::string& o : page->objects) rest.insert(o.substr(o.find("indicator--"), 48));
    if (!page->more) break;
    request.next = page->next;
  }
  EXPECT_EQ(rest.size(), 12u);
  // The status of the POST before the restart is still there.
  net::ClientOptions o;
  o.ca_file = certs_.ca_file;
  auto http = net::HttpsClient::Create(origin_, o);
  ASSERT_TRUE(http.ok());
  auto status = (*http)->Send("GET", "/api/status/" + pushed->status_ids[0] + "/",
                              {{"Authorization", "Bearer " + token_}, {"Accept", kTaxii}});
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->status, 200) << status->body;
  EXPECT_NE(status->body.find("\"success_count\":1"), std::string::npos) << status->body;
}

TEST_F(HttpsTest, ClientRetriesUnavailableThenGivesUp) {
  StopServer();
  StartServer(/*broken_store=*/true);
  auto client = NewClient(token_);
  int retries = 0;
  ClientOptions o;
  o.token = token_;
  o.http.ca_file = certs_.ca_file;
  o.first_backoff = std::chrono::milliseconds(10);
  o.max_backoff = std::chrono::milliseconds(20);
  o.max_retries = 3;
  o.on_retry = [&](std::string_view, int, std::chrono::milliseconds) { ++retries; };
  auto c = Client::Create(origin_, o);
  ASSERT_TRUE(c.ok());
  auto list = (*c)->Collections("/api/");
  EXPECT_EQ(list.status().code(), StatusCode::kUnavailable) << list.status().ToString();
  EXPECT_EQ(retries, 3);
}

TEST_F(HttpsTest, AClientReadsThe413) {
  net::ClientOptions o;
  o.ca_file = certs_.ca_file;
  auto http = net::HttpsClient::Create(origin_, o);
  ASSERT_TRUE(http.ok());
  auto r = (*http)->Send(
      "POST", ObjectsPath(inbox_),
      {{"Authorization", "Bearer " + token_}, {"Accept", kTaxii}, {"Content-Type", kTaxii}},
      std::string(4 * kMaxBody, ' '));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("\"http_status\":\"413\""), std::string::npos) << r->body;
}

}  // namespace
}  // namespace concord::taxii
