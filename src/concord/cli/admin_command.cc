// Administration of sharing: API roots, partners, tokens and grants. Each command opens the store,
// does one thing, and says what it did; docs/taxii.md walks through them.

#include <cstdio>
#include <memory>

#include "concord/base/ascii.h"
#include "concord/cli/commands.h"
#include "concord/json/writer.h"
#include "concord/net/certificate.h"
#include "concord/taxii/auth.h"

namespace concord::cli {
namespace {

// Opens the store for command `name`; prints why not and returns null when it cannot.
std::unique_ptr<store::Store> Open(const DataDir& dir, Clock* clock, const char* name,
                                   bool create) {
  auto store = dir.OpenStore(clock, create);
  if (!store.ok()) {
    std::fprintf(stderr, "concord %s: %s\n", name, store.status().message().c_str());
    return nullptr;
  }
  return std::move(*store);
}

int Fail(const char* name, const Status& status, int code = 1) {
  std::fprintf(stderr, "concord %s: %s\n", name, status.message().c_str());
  return code;
}

void PrintJson(const std::function<void(json::Writer&)>& write) {
  std::string text;
  json::Writer w(&text);
  write(w);
  std::printf("%s\n", text.c_str());
}

void WritePartner(json::Writer& w, const store::Partner& p) {
  w.BeginObject();
  w.Key("name");
  w.String(p.name);
  w.Key("identity_id");
  w.String(p.identity_id);
  w.Key("cert_sha256");
  w.String(p.cert_sha256);
  w.EndObject();
}

int Issue(store::Store& store, const std::string& partner, const OutputOptions& out, Clock* clock,
          const char* name) {
  if (auto found = store.FindPartner(partner); !found.ok()) return Fail(name, found.status());
  Result<taxii::IssuedToken> issued = taxii::IssueToken(partner, clock->Now().ToMicros());
  if (!issued.ok()) return Fail(name, issued.status(), 2);
  if (Status added = store.AddCredential(issued->credential); !added.ok()) {
    return Fail(name, added);
  }
  if (out.json) {
    PrintJson([&](json::Writer& w) {
      w.BeginObject();
      w.Key("partner");
      w.String(partner);
      w.Key("token_id");
      w.String(issued->credential.token_id);
      w.Key("token");
      w.String(issued->token);
      w.EndObject();
    });
  } else {
    std::fprintf(stderr,
                 "issued token %s for %s; it is shown once, here, and stored only as a hash:\n",
                 issued->credential.token_id.c_str(), partner.c_str());
    std::printf("%s\n", issued->token.c_str());
  }
  return 0;
}

}  // namespace

int RunApiRootCreate(const DataDir& dir, const ApiRootOptions& options, const OutputOptions& out,
                     Clock* clock) {
  const char* name = "api-root create";
  auto store = Open(dir, clock, name, /*create=*/true);
  if (!store) return 2;
  store::ApiRoot root;
  root.name = options.name;
  root.title = options.title.empty() ? options.name : options.title;
  root.description = options.description;
  Result<store::ApiRoot> created = store->CreateApiRoot(root);
  if (!created.ok()) return Fail(name, created.status());
  if (out.json) {
    PrintJson([&](json::Writer& w) {
      w.BeginObject();
      w.Key("name");
      w.String(created->name);
      w.Key("title");
      w.String(created->title);
      w.EndObject();
    });
  } else {
    std::printf("created API root /%s/\n", created->name.c_str());
  }
  return 0;
}

int RunApiRootList(const DataDir& dir, const OutputOptions& out, Clock* clock) {
  const char* name = "api-root list";
  auto store = Open(dir, clock, name, /*create=*/false);
  if (!store) return 2;
  Result<std::vector<store::ApiRoot>> roots = store->ListApiRoots();
  if (!roots.ok()) return Fail(name, roots.status(), 2);
  if (out.json) {
    PrintJson([&](json::Writer& w) {
      w.BeginArray();
      for (const store::ApiRoot& r : *roots) {
        w.BeginObject();
        w.Key("name");
        w.String(r.name);
        w.Key("title");
        w.String(r.title);
        w.Key("description");
        w.String(r.description);
        w.EndObject();
      }
      w.EndArray();
    });
  } else {
    for (const store::ApiRoot& r : *roots) {
      std::printf("/%s/  %s\n", r.name.c_str(), r.title.c_str());
    }
  }
  return 0;
}

int RunPartnerAdd(const DataDir& dir, const PartnerOptions& options, const OutputOptions& out,
                  Clock* clock) {
  const char* name = "partner add";
  store::Partner partner;
  partner.name = options.name;
  partner.identity_id = options.identity_id;
  if (!options.cert_file.empty()) {
    Result<std::string> sha = net::PemCertificateSha256(options.cert_file);
    if (!sha.ok()) return Fail(name, sha.status());
    partner.cert_sha256 = *sha;
  }
  auto store = Open(dir, clock, name, /*create=*/true);
  if (!store) return 2;
  Result<store::Partner> created = store->CreatePartner(partner);
  if (!created.ok()) return Fail(name, created.status());
  if (out.json) {
    PrintJson([&](json::Writer& w) { WritePartner(w, *created); });
  } else {
    std::printf("added partner %s%s\n", created->name.c_str(),
                created->cert_sha256.empty()
                    ? ""
                    : (" (certificate " + created->cert_sha256 + ")").c_str());
  }
  return 0;
}

int RunPartnerList(const DataDir& dir, const OutputOptions& out, Clock* clock) {
  const char* name = "partner list";
  auto store = Open(dir, clock, name, /*create=*/false);
  if (!store) return 2;
  Result<std::vector<store::Partner>> partners = store->ListPartners();
  if (!partners.ok()) return Fail(name, partners.status(), 2);
  if (out.json) {
    PrintJson([&](json::Writer& w) {
      w.BeginArray();
      for (const store::Partner& p : *partners) WritePartner(w, p);
      w.EndArray();
    });
  } else {
    for (const store::Partner& p : *partners) {
      std::printf("%-20s %s%s\n", p.name.c_str(), p.identity_id.c_str(),
                  p.cert_sha256.empty() ? "" : ("  cert " + p.cert_sha256).c_str());
    }
  }
  return 0;
}

int RunTokenIssue(const DataDir& dir, const std::string& partner, const OutputOptions& out,
                  Clock* clock) {
  auto store = Open(dir, clock, "token issue", /*create=*/false);
  if (!store) return 2;
  return Issue(*store, partner, out, clock, "token issue");
}

int RunTokenRotate(const DataDir& dir, const std::string& partner, const OutputOptions& out,
                   Clock* clock) {
  const char* name = "token rotate";
  auto store = Open(dir, clock, name, /*create=*/false);
  if (!store) return 2;
  if (auto found = store->FindPartner(partner); !found.ok()) return Fail(name, found.status());
  Result<uint64_t> revoked = store->RevokeCredentials(partner);
  if (!revoked.ok()) return Fail(name, revoked.status());
  std::fprintf(stderr, "revoked %llu token(s) of %s\n", static_cast<unsigned long long>(*revoked),
               partner.c_str());
  return Issue(*store, partner, out, clock, name);
}

int RunTokenRevoke(const DataDir& dir, const std::string& token_id, const OutputOptions& out,
                   Clock* clock) {
  const char* name = "token revoke";
  auto store = Open(dir, clock, name, /*create=*/false);
  if (!store) return 2;
  if (Status s = store->RevokeCredential(token_id); !s.ok()) return Fail(name, s);
  if (!out.json) std::printf("revoked token %s\n", token_id.c_str());
  return 0;
}

int RunTokenList(const DataDir& dir, const std::string& partner, const OutputOptions& out,
                 Clock* clock) {
  const char* name = "token list";
  auto store = Open(dir, clock, name, /*create=*/false);
  if (!store) return 2;
  Result<std::vector<store::Credential>> list = store->ListCredentials(partner);
  if (!list.ok()) return Fail(name, list.status());
  if (out.json) {
    PrintJson([&](json::Writer& w) {
      w.BeginArray();
      for (const store::Credential& c : *list) {
        w.BeginObject();
        w.Key("token_id");
        w.String(c.token_id);
        w.Key("created");
        w.String(FormatTimestamp(Timestamp::FromMicros(c.created_us), 3));
        w.Key("revoked");
        w.Bool(c.revoked);
        w.EndObject();
      }
      w.EndArray();
    });
  } else {
    for (const store::Credential& c : *list) {
      std::printf("%s  created %s%s\n", c.token_id.c_str(),
                  FormatTimestamp(Timestamp::FromMicros(c.created_us), 0).c_str(),
                  c.revoked ? "  revoked" : "");
    }
  }
  return 0;
}

int RunGrant(const DataDir& dir, const GrantOptions& options, const OutputOptions& out,
             Clock* clock) {
  const char* name = "grant";
  auto store = Open(dir, clock, name, /*create=*/false);
  if (!store) return 2;
  Result<store::Collection> c = store->FindCollection(options.collection);
  if (!c.ok()) return Fail(name, c.status());
  store::Grant g;
  g.partner = options.partner;
  g.collection_id = c->id;
  g.rights.read = options.read;
  g.rights.write = options.write;
  if (Status s = store->SetGrant(g); !s.ok()) return Fail(name, s);
  if (!out.json) {
    const char* what = options.read && options.write ? "read and write"
                       : options.read                ? "read"
                       : options.write               ? "write"
                                                     : "nothing";
    std::printf("%s may now %s %s (%s)\n", options.partner.c_str(), what,
                c->alias.empty() ? c->id.c_str() : c->alias.c_str(), c->id.c_str());
  }
  return 0;
}

int RunGrantList(const DataDir& dir, const OutputOptions& out, Clock* clock) {
  const char* name = "grant list";
  auto store = Open(dir, clock, name, /*create=*/false);
  if (!store) return 2;
  Result<std::vector<store::Grant>> grants = store->ListGrants();
  if (!grants.ok()) return Fail(name, grants.status(), 2);
  if (out.json) {
    PrintJson([&](json::Writer& w) {
      w.BeginArray();
      for (const store::Grant& g : *grants) {
        w.BeginObject();
        w.Key("partner");
        w.String(g.partner);
        w.Key("collection");
        w.String(g.collection_id);
        w.Key("read");
        w.Bool(g.rights.read);
        w.Key("write");
        w.Bool(g.rights.write);
        w.EndObject();
      }
      w.EndArray();
    });
  } else {
    for (const store::Grant& g : *grants) {
      std::printf("%-20s %s  %s%s\n", g.partner.c_str(), g.collection_id.c_str(),
                  g.rights.read ? "read " : "", g.rights.write ? "write" : "");
    }
  }
  return 0;
}

}  // namespace concord::cli
