// `concord taxii discover|collections|pull|push`: the TAXII 2.1 client.

#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "concord/base/ascii.h"
#include "concord/base/hash.h"
#include "concord/cli/agreements.h"
#include "concord/cli/commands.h"
#include "concord/json/document.h"
#include "concord/json/writer.h"
#include "concord/stix/validator.h"
#include "concord/taxii/client.h"
#include "concord/taxii/release.h"

namespace concord::cli {
namespace {

// Objects sent per batch when pushing (each batch may take several POSTs).
constexpr size_t kPushBatch = 1000;

int Fail(const char* name, const Status& status, int code = 1) {
  std::fprintf(stderr, "concord taxii %s: %s\n", name, status.message().c_str());
  return code;
}

// The token from --token-file or $CONCORD_TAXII_TOKEN (never from the command line, where other
// users of the machine could read it), "" for none.
Result<std::string> ReadToken(const TaxiiOptions& options) {
  if (!options.token_file.empty()) return taxii::ReadTokenFile(options.token_file);
  std::string token;
  if (const char* env = std::getenv("CONCORD_TAXII_TOKEN")) token = env;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' ')) {
    token.pop_back();
  }
  return token;
}

Result<std::unique_ptr<taxii::Client>> MakeClient(const TaxiiOptions& options, const char* name) {
  taxii::ClientOptions c;
  CONCORD_ASSIGN_OR_RETURN(c.token, ReadToken(options));
  c.user = options.user;
  c.http.ca_file = options.ca_file;
  c.http.client_cert_file = options.client_cert_file;
  c.http.client_key_file = options.client_key_file;
  c.on_retry = [name](std::string_view what, int attempt, std::chrono::milliseconds wait) {
    std::fprintf(stderr, "concord taxii %s: %.*s; retry %d in %.1f s\n", name,
                 static_cast<int>(what.size()), what.data(), attempt, wait.count() / 1000.0);
  };
  return taxii::Client::Create(options.url, std::move(c));
}

// The API root to use: --api-root, else discovery's default.
Result<std::string> ApiRootOf(taxii::Client& client, const TaxiiOptions& options) {
  if (!options.api_root.empty()) return options.api_root;
  CONCORD_ASSIGN_OR_RETURN(taxii::DiscoveryInfo d, client.Discover());
  if (!d.default_api_root.empty()) return d.default_api_root;
  if (d.api_roots.size() == 1) return d.api_roots[0];
  return FailedPrecondition("the server names no default API root; choose one with --api-root");
}

// Where a pull of (server, API root, collection) stopped: a small JSON file in the data
// directory, replaced atomically after each page is committed.
class PullState {
 public:
  PullState(const DataDir& dir, const std::string& key)
      : path_(dir.path + "/taxii/pull-" + HexEncode(Sha256(key)).substr(0, 24) + ".json") {}

  std::string Load() const {
    std::ifstream in(path_);
    if (!in) return "";
    std::stringstream text;
    text << in.rdbuf();
    json::Parser parser;
    auto parsed = parser.Parse(text.str());
    std::string_view after;
    if (!parsed.ok() || (*parsed)["added_after"].get_string().get(after) != simdjson::SUCCESS) {
      return "";
    }
    return std::string(after);
  }

  Status Save(const std::string& key, const std::string& added_after) const {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
    std::string text;
    json::Writer w(&text);
    w.BeginObject();
    w.Key("pull");
    w.String(key);
    w.Key("added_after");
    w.String(added_after);
    w.EndObject();
    const std::string temp = path_ + ".tmp";
    {
      std::ofstream out(temp, std::ios::trunc);
      out << text << "\n";
      if (!out.flush()) return IoError("cannot write " + temp);
    }
    std::filesystem::rename(temp, path_, ec);
    if (ec) return IoError("cannot rename " + temp + ": " + ec.message());
    return Status::Ok();
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

int RunTaxiiDiscover(const DataDir&, const TaxiiOptions& options, const OutputOptions& out,
                     Clock*) {
  const char* name = "discover";
  auto client = MakeClient(options, name);
  if (!client.ok()) return Fail(name, client.status(), 2);
  Result<taxii::DiscoveryInfo> d = (*client)->Discover();
  if (!d.ok()) return Fail(name, d.status());
  if (out.json) {
    std::string text;
    json::Writer w(&text);
    w.BeginObject();
    w.Key("title");
    w.String(d->title);
    w.Key("default");
    w.String(d->default_api_root);
    w.Key("api_roots");
    w.BeginArray();
    for (const std::string& r : d->api_roots) w.String(r);
    w.EndArray();
    w.EndObject();
    std::printf("%s\n", text.c_str());
  } else {
    std::printf("%s\n", d->title.c_str());
    for (const std::string& r : d->api_roots) {
      std::printf("  %s%s\n", r.c_str(), r == d->default_api_root ? "  (default)" : "");
    }
  }
  return 0;
}

int RunTaxiiCollections(const DataDir&, const TaxiiOptions& options, const OutputOptions& out,
                        Clock*) {
  const char* name = "collections";
  auto client = MakeClient(options, name);
  if (!client.ok()) return Fail(name, client.status(), 2);
  Result<std::string> root = ApiRootOf(**client, options);
  if (!root.ok()) return Fail(name, root.status());
  auto list = (*client)->Collections(*root);
  if (!list.ok()) return Fail(name, list.status());
  if (out.json) {
    std::string text;
    json::Writer w(&text);
    w.BeginArray();
    for (const taxii::CollectionInfo& c : *list) {
      w.BeginObject();
      w.Key("id");
      w.String(c.id);
      w.Key("title");
      w.String(c.title);
      w.Key("alias");
      w.String(c.alias);
      w.Key("can_read");
      w.Bool(c.can_read);
      w.Key("can_write");
      w.Bool(c.can_write);
      w.EndObject();
    }
    w.EndArray();
    std::printf("%s\n", text.c_str());
  } else {
    for (const taxii::CollectionInfo& c : *list) {
      std::printf("%s  %-16s %s%s  %s\n", c.id.c_str(), c.alias.c_str(), c.can_read ? "r" : "-",
                  c.can_write ? "w" : "-", c.title.c_str());
    }
  }
  return 0;
}

int RunTaxiiPull(const DataDir& dir, const TaxiiOptions& options, const OutputOptions& out,
                 Clock* clock) {
  const char* name = "pull";
  const auto started = std::chrono::steady_clock::now();
  auto client = MakeClient(options, name);
  if (!client.ok()) return Fail(name, client.status(), 2);
  Result<std::string> root = ApiRootOf(**client, options);
  if (!root.ok()) return Fail(name, root.status());
  auto store = dir.OpenStore(clock, /*create=*/true);
  if (!store.ok()) return Fail(name, store.status(), 2);

  std::vector<std::string> into;
  if (!options.into.empty()) {
    auto c = (*store)->FindCollection(options.into);
    if (!c.ok() && c.status().code() == StatusCode::kNotFound) {
      store::Collection created;
      created.alias = options.into;
      created.title = options.into;
      c = (*store)->CreateCollection(created);
    }
    if (!c.ok()) return Fail(name, c.status());
    into.push_back(c->id);
  }
  std::string partner = options.partner;
  if (partner.empty()) {
    auto url = net::Url::Parse(options.url);
    partner = url.ok() ? url->host : options.url;
  }

  const std::string key = options.url + " " + *root + " " + options.collection;
  const PullState state(dir, key);
  taxii::PageRequest request;
  request.limit = options.limit;
  request.types = options.types;
  request.added_after = options.added_after;
  if (request.added_after.empty() && !options.restart) request.added_after = state.Load();
  if (!request.added_after.empty()) {
    std::fprintf(stderr, "concord taxii pull: continuing after %s\n", request.added_after.c_str());
  }

  stix::Validator validator;
  uint64_t pages = 0, received = 0, added = 0, duplicates = 0, invalid = 0, conflicts = 0;
  for (;;) {
    Result<taxii::ObjectPage> page = (*client)->GetObjects(*root, options.collection, request);
    if (!page.ok()) {
      std::fprintf(stderr, "concord taxii pull: stopped after %llu page(s): %s\n",
                   static_cast<unsigned long long>(pages), page.status().message().c_str());
      std::fprintf(stderr, "concord taxii pull: run it again to continue where it stopped\n");
      return 1;
    }
    ++pages;
    auto tx = (*store)->BeginWrite(store::Provenance{"partner", partner}, into);
    if (!tx.ok()) return Fail(name, tx.status(), 2);
    for (size_t i = 0; i < page->objects.size(); ++i) {
      ++received;
      stix::Validation v = validator.Validate(page->objects[i]);
      if (!v.ok()) {
        ++invalid;
        if (invalid <= 10 || out.verbose) {
          std::string why = "invalid";
          for (const auto& d : v.diagnostics) {
            if (d.severity == stix::Diagnostic::Severity::kError) {
              why = (d.path.empty() ? "" : d.path + ": ") + d.message;
              break;
            }
          }
          std::fprintf(stderr, "concord taxii pull: page %llu objects[%zu] %s: %s\n",
                       static_cast<unsigned long long>(pages), i,
                       v.id.empty() ? "(no id)" : QuoteForMessage(v.id).c_str(), why.c_str());
        }
        continue;
      }
      Result<store::PutOutcome> put = (*tx)->Put(*v.object);
      if (!put.ok()) {
        ++conflicts;
        if (conflicts <= 10 || out.verbose) {
          std::fprintf(stderr, "concord taxii pull: %s: %s\n", v.object->id.c_str(),
                       put.status().message().c_str());
        }
        continue;
      }
      (*put == store::PutOutcome::kAdded ? added : duplicates)++;
    }
    if (Status s = (*tx)->Commit(); !s.ok()) return Fail(name, s, 2);
    // Committed: a later run starts after this page.
    if (!page->date_added_last.empty()) {
      if (Status s = state.Save(key, page->date_added_last); !s.ok()) return Fail(name, s, 2);
    }
    if (!page->more) break;
    if (!page->next.empty()) {
      request.next = page->next;
    } else if (!page->date_added_last.empty() && page->date_added_last != request.added_after) {
      request.next.clear();
      request.added_after = page->date_added_last;
    } else {
      return Fail(name, FailedPrecondition("the server says there is more but gives neither next "
                                           "nor a later X-TAXII-Date-Added-Last; stopping"));
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (out.json) {
    std::printf(
        "{\"pages\":%llu,\"received\":%llu,\"added\":%llu,\"duplicates\":%llu,\"invalid\":%llu,"
        "\"conflicts\":%llu,\"seconds\":%.3f}\n",
        static_cast<unsigned long long>(pages), static_cast<unsigned long long>(received),
        static_cast<unsigned long long>(added), static_cast<unsigned long long>(duplicates),
        static_cast<unsigned long long>(invalid), static_cast<unsigned long long>(conflicts),
        seconds);
  } else {
    std::printf(
        "pulled %llu object(s) in %llu page(s) in %.1f s: %llu added, %llu already "
        "stored, %llu invalid, %llu conflicting\n",
        static_cast<unsigned long long>(received), static_cast<unsigned long long>(pages), seconds,
        static_cast<unsigned long long>(added), static_cast<unsigned long long>(duplicates),
        static_cast<unsigned long long>(invalid), static_cast<unsigned long long>(conflicts));
  }
  return invalid + conflicts > 0 ? 1 : 0;
}

int RunTaxiiPush(const DataDir& dir, const TaxiiOptions& options, const OutputOptions& out,
                 Clock* clock) {
  const char* name = "push";
  auto client = MakeClient(options, name);
  if (!client.ok()) return Fail(name, client.status(), 2);
  Result<std::string> root = ApiRootOf(**client, options);
  if (!root.ok()) return Fail(name, root.status());
  auto store = dir.OpenStore(clock, /*create=*/false);
  if (!store.ok()) return Fail(name, store.status(), 2);
  store::Query q;
  q.types = options.types;
  store::VersionFilter last;
  last.kind = store::VersionFilter::Kind::kLast;
  q.versions = {last};
  if (!options.from.empty()) {
    auto c = (*store)->FindCollection(options.from);
    if (!c.ok()) return Fail(name, c.status());
    q.collection = c->id;
  }
  if (!options.added_after.empty()) {
    auto t = ParseTimestamp(options.added_after);
    if (!t.ok()) return Fail(name, InvalidArgument("--added-after: not an RFC 3339 time"), 2);
    q.added_after = t->instant;
  }
  if (options.for_partner.empty()) {
    return Fail(name,
                InvalidArgument("--for: name the partner whose agreement decides what may be "
                                "sent (docs/agreements.md)"),
                2);
  }
  Result<policy::Agreements> agreements = LoadNodeAgreements(dir, options.agreements_file);
  if (!agreements.ok()) return Fail(name, agreements.status(), 2);
  if (agreements->Find(options.for_partner) == nullptr) {
    return Fail(name,
                InvalidArgument("--for " + QuoteForMessage(options.for_partner) +
                                ": there is no agreement with that partner"),
                2);
  }
  taxii::ReleaseFilter release(store->get(), &*agreements, options.for_partner);
  taxii::PushResult total;
  uint64_t held_back = 0;
  uint64_t held_back_red = 0;
  Status scanned;
  std::string cursor;
  do {
    Result<store::Page> page = (*store)->Find(q, kPushBatch, cursor);
    if (!page.ok()) {
      scanned = page.status();
      break;
    }
    cursor = page->more ? page->next_cursor : "";
    for (const store::StoredObject& o : page->objects) held_back_red += o.tlp == stix::Tlp::kRed;
    if (scanned = release.Apply(&page->objects); !scanned.ok()) break;
    held_back += release.withheld().size();
    if (out.verbose) {
      for (const taxii::Withheld& w : release.withheld()) {
        std::fprintf(stderr, "concord taxii push: withheld %s: %s\n", w.id.c_str(),
                     w.reason.c_str());
      }
    }
    std::vector<std::string> batch;
    for (store::StoredObject& o : page->objects) batch.push_back(std::move(o.json));
    if (batch.empty()) continue;
    Result<taxii::PushResult> r = (*client)->Push(*root, options.collection, batch);
    if (!r.ok()) {
      scanned = r.status();
      break;
    }
    total.posts += r->posts;
    total.successes += r->successes;
    total.failures += r->failures;
    total.pendings += r->pendings;
    for (std::string& m : r->failure_messages) {
      if (total.failure_messages.size() < 100) total.failure_messages.push_back(std::move(m));
    }
  } while (!cursor.empty());
  for (const std::string& m : total.failure_messages) {
    std::fprintf(stderr, "concord taxii push: refused: %s\n", m.c_str());
  }
  if (!scanned.ok()) return Fail(name, scanned);
  if (out.json) {
    std::printf(
        "{\"posts\":%llu,\"successes\":%llu,\"failures\":%llu,\"pendings\":%llu,"
        "\"withheld\":%llu,\"held_back_tlp_red\":%llu}\n",
        static_cast<unsigned long long>(total.posts),
        static_cast<unsigned long long>(total.successes),
        static_cast<unsigned long long>(total.failures),
        static_cast<unsigned long long>(total.pendings), static_cast<unsigned long long>(held_back),
        static_cast<unsigned long long>(held_back_red));
  } else {
    std::printf(
        "pushed in %llu request(s): %llu accepted, %llu refused, %llu pending; %llu "
        "object(s) withheld by the agreement with %s (%llu of them TLP:RED)\n",
        static_cast<unsigned long long>(total.posts),
        static_cast<unsigned long long>(total.successes),
        static_cast<unsigned long long>(total.failures),
        static_cast<unsigned long long>(total.pendings), static_cast<unsigned long long>(held_back),
        options.for_partner.c_str(), static_cast<unsigned long long>(held_back_red));
  }
  return total.failures > 0 ? 1 : 0;
}

}  // namespace concord::cli
