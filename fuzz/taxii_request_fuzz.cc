// libFuzzer target for TAXII request handling past the transport: the credentials check
// (Authorization header) and the server's routing, filters, POST envelopes and DELETE, on a real
// SQLite store (a temporary file) with collections, grants and a few objects. The input is split
// at newlines into method, target, Accept, Content-Type, Authorization, and the rest is the body.
// Besides "no crash, no leak, no hang", it checks the contract: every response body is JSON (or
// empty for a DELETE's 200), every error is a TAXII error whose http_status is the response's,
// and nothing answers 500.
//
// Build and run: CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCONCORD_FUZZ=ON
//   -DCONCORD_BUILD_BENCH=OFF && ninja -C build-fuzz taxii_request_fuzz

#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "concord/base/clock.h"
#include "concord/json/document.h"
#include "concord/policy/agreement.h"
#include "concord/stix/validator.h"
#include "concord/store/sqlite/sqlite_store.h"
#include "concord/taxii/auth.h"
#include "concord/taxii/server.h"

namespace {

using namespace concord;

struct World {
  ManualClock clock{Timestamp::FromMicros(1'750'000'000'000'000)};
  std::unique_ptr<store::SqliteStore> store;
  policy::AgreementsHolder agreements;
  std::unique_ptr<taxii::Server> server;
  std::unique_ptr<taxii::Authenticator> auth;
  json::Parser parser;

  World() {
    std::string dir = (std::filesystem::temp_directory_path() / "taxii_fuzz_XXXXXX").string();
    if (mkdtemp(dir.data()) == nullptr) std::abort();
    auto s = store::SqliteStore::Open(dir + "/store.db", &clock);
    if (!s.ok()) std::abort();
    store = std::move(*s);
    store::Partner p;
    p.name = "p";
    if (!store->CreatePartner(p).ok()) std::abort();
    std::string c1;
    for (const char* alias : {"c1", "c2"}) {
      store::Collection c;
      c.alias = alias;
      c.title = alias;
      auto created = store->CreateCollection(c);
      if (!created.ok()) std::abort();
      store::Grant g;
      g.partner = "p";
      g.collection_id = created->id;
      g.rights.read = true;
      g.rights.write = std::string_view(alias) == "c1";
      if (!store->SetGrant(g).ok()) std::abort();
      if (c1.empty()) c1 = created->id;
    }
    stix::Validator validator;
    auto tx = store->BeginWrite({"file", "seed"}, {c1});
    const char* seed =
        R"({"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2020-01-01T00:00:00Z"})";
    if (!tx.ok()) std::abort();
    stix::Validation v = validator.Validate(seed);
    if (!v.ok() || !(*tx)->Put(*v.object).ok() || !(*tx)->Commit().ok()) std::abort();
    policy::Agreements a;
    a.node.unmarked = stix::Tlp::kGreen;
    policy::PartnerAgreement agreement;
    agreement.name = "p";
    agreement.max_tlp = stix::Tlp::kAmber;
    agreement.types = {"*"};
    a.partners.push_back(agreement);
    agreements.Set(std::make_shared<const policy::Agreements>(std::move(a)));
    taxii::ServerConfig config;
    config.agreements = &agreements;
    config.public_url = "https://fuzz.example";
    config.max_content_length = 64 * 1024;
    server = std::make_unique<taxii::Server>(config, store.get(), &clock);
    auth = std::make_unique<taxii::Authenticator>(&clock);
  }
};

// The next newline-terminated field of `in` (the rest when there is no newline).
std::string_view Field(std::string_view* in) {
  const size_t nl = in->find('\n');
  const std::string_view f = in->substr(0, nl);
  in->remove_prefix(nl == std::string_view::npos ? in->size() : nl + 1);
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = new World();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  taxii::Request r;
  r.method = std::string(Field(&in));
  r.target = std::string(Field(&in));
  r.accept = std::string(Field(&in));
  r.content_type = std::string(Field(&in));
  const std::string_view authorization = Field(&in);
  r.body = std::string(in);

  const taxii::AuthResult who =
      world->auth->Authenticate(world->store.get(), authorization, "", "192.0.2.7");
  if (who.partner) std::abort();  // no fuzzed header can hold a real token
  r.partner = authorization.empty() ? std::optional<std::string>() : std::string("p");
  world->clock.AdvanceMicros(1000);

  const taxii::Response response = world->server->Handle(r);
  if (response.status == 500 || response.status < 200 || response.status > 599) std::abort();
  if (response.body.empty()) {
    if (!(r.method == "DELETE" && response.status == 200)) std::abort();
    return 0;
  }
  auto parsed = world->parser.Parse(response.body);
  if (!parsed.ok()) std::abort();
  if (response.status >= 400) {
    std::string_view http_status;
    if ((*parsed)["http_status"].get_string().get(http_status) != simdjson::SUCCESS ||
        http_status != std::to_string(response.status)) {
      std::abort();
    }
  }
  return 0;
}
