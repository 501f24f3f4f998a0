#include "concord/taxii/server.h"

#include <algorithm>

#include "concord/base/ascii.h"
#include "concord/base/input_stream.h"
#include "concord/base/uuid.h"
#include "concord/json/splitter.h"
#include "concord/stix/tlp.h"
#include "concord/taxii/intake.h"
#include "concord/taxii/release.h"
#include "concord/taxii/resources.h"

namespace concord::taxii {
namespace {

constexpr size_t kMaxPathBytes = 2048;
// Versions of one object read at once to decide existence or deletion.
constexpr size_t kMaxVersionsLooked = 10000;
constexpr char kNotEnvelope[] =
    "the body must be one TAXII envelope: a JSON object with an \"objects\" array";

Response Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Fail(int status, std::string description, std::string error_code = "") {
  return ErrorResponse(status, std::move(description), std::move(error_code));
}

// A store failure: 503 (with Retry-After) when the store is busy, 500 otherwise. The message
// does not echo the store's (it names files on this node).
Response StoreFailure(const Status& status) {
  if (status.code() == StatusCode::kUnavailable) {
    Response r = Fail(503, "the store is busy; retry shortly");
    r.headers.emplace_back("Retry-After", "1");
    return r;
  }
  return Fail(500, "the store could not answer; nothing was changed");
}

// Every stored object is STIX 2.1 (2.0 input is upgraded on import): asking only for other
// spec versions finds nothing.
bool WantsSpec21(const std::vector<std::string>& spec_versions) {
  return spec_versions.empty() ||
         std::find(spec_versions.begin(), spec_versions.end(), "2.1") != spec_versions.end();
}

// The first error among a validation's diagnostics, with its path.
std::string FirstError(const stix::Diagnostics& diagnostics) {
  for (const stix::Diagnostic& d : diagnostics) {
    if (d.severity != stix::Diagnostic::Severity::kError) continue;
    return d.path.empty() ? d.message : d.path + ": " + d.message;
  }
  return "invalid";
}

// A version as TAXII writes it for an object being added: its modified/created time, or (SCOs)
// the request's time, which is when it is added.
std::string ObjectVersionText(const stix::Object& object, Timestamp now) {
  store::StoredObject stored;
  stored.version = object.version;
  stored.date_added_us = now.ToMicros();
  return VersionText(stored);
}

Response MethodNotAllowed(std::string_view allow) {
  Response r = Fail(405, "this endpoint takes " + std::string(allow));
  r.headers.emplace_back("Allow", std::string(allow));
  return r;
}

// The path's segments between slashes ("/a/b/" -> {"a", "b"}); empty segments ("a//b") make
// the path not found.
bool Segments(std::string_view path, std::vector<std::string_view>* out) {
  out->clear();
  while (!path.empty()) {
    const size_t slash = path.find('/');
    const std::string_view s = path.substr(0, slash);
    if (s.empty()) return false;
    out->push_back(s);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return true;
}

}  // namespace

Response ErrorResponse(int status, std::string description, std::string error_code) {
  Error e;
  e.http_status = status;
  e.description = std::move(description);
  e.error_code = std::move(error_code);
  return Json(status, ErrorJson(e));
}

Response Unauthorized(std::string_view realm, std::string description) {
  Response r = ErrorResponse(401, std::move(description));
  const std::string quoted = "realm=\"" + std::string(realm) + "\"";
  r.headers.emplace_back("WWW-Authenticate", "Bearer " + quoted + ", Basic " + quoted);
  return r;
}

std::string Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

Server::Server(ServerConfig config, store::Store* store, Clock* clock)
    : config_(std::move(config)), store_(store), clock_(clock) {}

std::shared_ptr<const policy::Agreements> Server::Agreements() const {
  static const auto* const kNone =
      new std::shared_ptr<const policy::Agreements>(std::make_shared<const policy::Agreements>());
  return config_.agreements != nullptr ? config_.agreements->Get() : *kNone;
}

Response Server::Handle(const Request& r) {
  const size_t question = r.target.find('?');
  const std::string_view target(r.target);
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  if (ReadAccept(r.accept) != Acceptance::kTaxii21) {
    return Fail(406, "the Accept header must admit " + std::string(kTaxiiMediaType));
  }
  std::vector<std::string_view> s;
  if (path.size() > kMaxPathBytes || path.empty() || path.front() != '/' ||
      !Segments(path.substr(1), &s)) {
    return Fail(404, "no such resource");
  }
  if (s.size() == 1 && s[0] == "taxii2") {
    if (r.method != "GET") return MethodNotAllowed("GET");
    return Discovery(config_.public_url.empty() ? r.origin : config_.public_url);
  }
  if (!r.partner) {
    return Unauthorized(config_.realm, "credentials are required: a bearer token or HTTP Basic");
  }
  if (s.empty()) return Fail(404, "no such resource");
  Result<store::ApiRoot> root = store_->FindApiRoot(s[0]);
  if (!root.ok()) {
    if (root.status().code() == StatusCode::kNotFound) {
      return Fail(404, "no API root " + QuoteForMessage(s[0]));
    }
    return StoreFailure(root.status());
  }
  if (s.size() == 1) {
    if (r.method != "GET") return MethodNotAllowed("GET");
    return ApiRoot(*root);
  }
  if (s[1] == "status" && s.size() == 3) {
    if (r.method != "GET") return MethodNotAllowed("GET");
    return ReadStatus(r, s[2]);
  }
  if (s[1] != "collections") return Fail(404, "no such resource");
  if (s.size() == 2) {
    if (r.method != "GET") return MethodNotAllowed("GET");
    return Collections(r, *root);
  }
  // A collection of this API root, by id or alias, that this partner may see at all.
  Result<store::Collection> found = store_->FindCollection(s[2]);
  if (!found.ok() && found.status().code() != StatusCode::kNotFound) {
    return StoreFailure(found.status());
  }
  store::Rights rights;
  if (found.ok() && found->api_root == root->name) {
    Result<store::Rights> granted = store_->RightsOf(*r.partner, found->id);
    if (!granted.ok()) return StoreFailure(granted.status());
    rights = *granted;
  }
  if (!(rights.read || rights.write)) {
    return Fail(404, "no collection " + QuoteForMessage(s[2]));
  }
  const store::Collection& c = *found;
  const auto need = [&](bool right, const char* what) {
    return right ? std::optional<Response>()
                 : Fail(403, std::string("this partner may not ") + what + " collection " +
                                 QuoteForMessage(c.id));
  };
  if (s.size() == 3) {
    if (r.method != "GET") return MethodNotAllowed("GET");
    return CollectionResource(c, rights);
  }
  const bool objects = s[3] == "objects";
  if ((objects || s[3] == "manifest") && s.size() == 4) {
    if (objects && r.method == "POST") {
      if (auto denied = need(rights.write, "write to")) return *denied;
      return AddObjects(r, c);
    }
    if (r.method != "GET") return MethodNotAllowed(objects ? "GET, POST" : "GET");
    if (auto denied = need(rights.read, "read")) return *denied;
    return Objects(c, *r.partner, query, objects ? Endpoint::kObjects : Endpoint::kManifest, "");
  }
  if (objects && s.size() == 5) {
    if (r.method == "DELETE") {
      if (auto denied = need(rights.write, "delete from")) return *denied;
      return DeleteObject(c, *r.partner, query, std::string(s[4]));
    }
    if (r.method != "GET") return MethodNotAllowed("GET, DELETE");
    if (auto denied = need(rights.read, "read")) return *denied;
    return Objects(c, *r.partner, query, Endpoint::kObject, std::string(s[4]));
  }
  if (objects && s.size() == 6 && s[5] == "versions") {
    if (r.method != "GET") return MethodNotAllowed("GET");
    if (auto denied = need(rights.read, "read")) return *denied;
    return Objects(c, *r.partner, query, Endpoint::kVersions, std::string(s[4]));
  }
  return Fail(404, "no such resource");
}

Response Server::Discovery(const std::string& base_url) {
  taxii::Discovery d;
  d.title = config_.title;
  d.description = config_.description;
  d.contact = config_.contact;
  Result<std::vector<store::ApiRoot>> roots = store_->ListApiRoots();
  if (!roots.ok()) return StoreFailure(roots.status());
  for (const store::ApiRoot& root : *roots) {
    std::string url = base_url + "/" + root.name + "/";
    if (root.name == store::kDefaultApiRoot) d.default_api_root = url;
    d.api_roots.push_back(std::move(url));
  }
  return Json(200, DiscoveryJson(d));
}

Response Server::ApiRoot(const store::ApiRoot& root) {
  ApiRootInfo info;
  info.title = root.title;
  info.description = root.description;
  info.max_content_length = config_.max_content_length;
  return Json(200, ApiRootJson(info));
}

Response Server::ReadStatus(const Request& r, std::string_view id) {
  Result<store::PostStatus> status = store_->GetStatus(id);
  if (!status.ok() && status.status().code() != StatusCode::kNotFound) {
    return StoreFailure(status.status());
  }
  // Another partner's status does not exist for this one.
  if (!status.ok() || status->partner != *r.partner) {
    return Fail(404, "no status resource " + QuoteForMessage(id));
  }
  return Json(200, std::move(status->json));
}

Response Server::Collections(const Request& r, const store::ApiRoot& root) {
  Result<std::vector<store::Collection>> all = store_->ListCollections();
  if (!all.ok()) return StoreFailure(all.status());
  std::vector<CollectionView> views;
  for (store::Collection& c : *all) {
    if (c.api_root != root.name) continue;
    Result<store::Rights> rights = store_->RightsOf(*r.partner, c.id);
    if (!rights.ok()) return StoreFailure(rights.status());
    if (!rights->read && !rights->write) continue;
    views.push_back(CollectionView{std::move(c), rights->read, rights->write});
  }
  return Json(200, CollectionsJson(views));
}

Response Server::CollectionResource(const store::Collection& c, store::Rights rights) {
  return Json(200, CollectionJson(CollectionView{c, rights.read, rights.write}));
}

Response Server::Objects(const store::Collection& c, const std::string& partner,
                         std::string_view query, Endpoint endpoint, const std::string& object_id) {
  Result<ObjectQuery> parsed = ParseObjectQuery(query, endpoint, config_.query_limits);
  if (!parsed.ok()) return Fail(400, parsed.status().message(), "invalid-query");
  const ObjectQuery& p = *parsed;

  store::Query q;
  q.collection = c.id;
  q.ids = object_id.empty() ? p.ids : std::vector<std::string>{object_id};
  q.types = p.types;
  q.added_after = p.added_after;
  q.versions = p.versions;
  if (q.versions.empty()) {
    store::VersionFilter v;
    v.kind = endpoint == Endpoint::kVersions ? store::VersionFilter::Kind::kAll
                                             : store::VersionFilter::Kind::kLast;
    q.versions.push_back(v);
  }
  store::Page page;
  if (WantsSpec21(p.spec_versions)) {
    Result<store::Page> found = store_->Find(q, p.limit, p.next);
    if (!found.ok()) {
      if (found.status().code() == StatusCode::kInvalidArgument) {
        return Fail(400, "next: " + found.status().message(), "invalid-query");
      }
      return StoreFailure(found.status());
    }
    page = std::move(*found);
  }
  const std::shared_ptr<const policy::Agreements> agreements = Agreements();
  ReleaseFilter release(store_, agreements.get(), partner);
  if (Status s = release.Apply(&page.objects); !s.ok()) return StoreFailure(s);

  if (page.objects.empty() && !object_id.empty() && p.next.empty()) {
    // Nothing to show: is there such an object (that may be released to it) at all?
    Result<bool> exists = Shareable(c, partner, object_id);
    if (!exists.ok()) return StoreFailure(exists.status());
    if (!*exists) {
      return Fail(404, "no object " + QuoteForMessage(object_id) + " in this collection");
    }
  }

  const std::string next = page.more ? page.next_cursor : "";
  Response out;
  out.status = 200;
  if (!page.objects.empty()) {
    out.headers.emplace_back("X-TAXII-Date-Added-First",
                             DateAddedText(page.objects.front().date_added_us));
    out.headers.emplace_back("X-TAXII-Date-Added-Last",
                             DateAddedText(page.objects.back().date_added_us));
  }
  switch (endpoint) {
    case Endpoint::kManifest:
      out.body = ManifestJson(page, next);
      break;
    case Endpoint::kVersions:
      out.body = VersionsJson(page, next);
      break;
    default:
      out.body = EnvelopeJson(page, next);
      break;
  }
  return out;
}

Result<bool> Server::Shareable(const store::Collection& c, const std::string& partner,
                               const std::string& object_id) {
  store::Query any;
  any.collection = c.id;
  any.ids = {object_id};
  CONCORD_ASSIGN_OR_RETURN(store::Page versions, store_->Find(any, kMaxVersionsLooked));
  const std::shared_ptr<const policy::Agreements> agreements = Agreements();
  ReleaseFilter release(store_, agreements.get(), partner);
  CONCORD_RETURN_IF_ERROR(release.Apply(&versions.objects));
  return !versions.objects.empty();
}

Response Server::AddObjects(const Request& r, const store::Collection& c) {
  if (!IsTaxiiContentType(r.content_type)) {
    return Fail(415, "the Content-Type must be " + std::string(kTaxiiMediaType));
  }
  if (r.body.size() > config_.max_content_length) {
    return Fail(413, "the body is " + std::to_string(r.body.size()) +
                         " bytes; this API root takes at most " +
                         std::to_string(config_.max_content_length));
  }
  const Timestamp now = clock_->Now();
  StatusResource status;
  status.id = NewUuidV4().ToString();
  status.request_timestamp = now;

  const std::shared_ptr<const policy::Agreements> agreements = Agreements();
  IntakeGuard intake(store_, agreements.get(), *r.partner);
  Result<std::unique_ptr<store::WriteTransaction>> begun =
      store_->BeginWrite(store::Provenance{"partner", *r.partner}, {c.id});
  if (!begun.ok()) return StoreFailure(begun.status());
  store::WriteTransaction& tx = **begun;

  json::Limits limits;
  limits.max_value_bytes = std::max<size_t>(config_.max_content_length, 1);
  std::unique_ptr<InputStream> input = InputStream::FromString(r.body, "the request body");
  json::Splitter splitter(input.get(), "objects", limits);
  bool envelope = false;
  for (;;) {
    Result<std::optional<json::Piece>> next = splitter.Next();
    if (!next.ok()) return Fail(400, "the body is not JSON: " + next.status().message());
    if (!next->has_value()) break;
    const json::Piece& piece = **next;
    if (envelope || piece.kind == json::Piece::Kind::kValue ||
        (piece.kind == json::Piece::Kind::kElement && !piece.path.starts_with("objects["))) {
      return Fail(400, kNotEnvelope, "invalid-envelope");
    }
    if (piece.kind == json::Piece::Kind::kEnvelope) {
      envelope = true;
      continue;
    }
    StatusDetail detail;
    if (!piece.error.ok()) {
      detail.message = piece.path + ": " + piece.error.message();
      status.failures.push_back(std::move(detail));
      continue;
    }
    stix::Validation v = validator_.Validate(piece.text);
    detail.id = v.id;
    if (!v.ok()) {
      detail.message = piece.path + ": " + FirstError(v.diagnostics);
      status.failures.push_back(std::move(detail));
      continue;
    }
    detail.version = ObjectVersionText(*v.object, now);
    if (Status allowed = intake.Check(*v.object); !allowed.ok()) {
      if (allowed.code() == StatusCode::kAlreadyExists) {
        status.successes.push_back(std::move(detail));  // held already: nothing to add
        continue;
      }
      if (allowed.code() != StatusCode::kPermissionDenied &&
          allowed.code() != StatusCode::kFailedPrecondition) {
        return StoreFailure(allowed);  // the transaction rolls back: nothing stored
      }
      if (config_.on_refused) config_.on_refused(*r.partner, v.id, allowed.message());
      detail.message = piece.path + ": " + allowed.message();
      status.failures.push_back(std::move(detail));
      continue;
    }
    Result<store::PutOutcome> put = tx.Put(*v.object);
    if (!put.ok()) {
      if (put.status().code() != StatusCode::kConflict &&
          put.status().code() != StatusCode::kFailedPrecondition) {
        return StoreFailure(put.status());  // the transaction rolls back: nothing stored
      }
      detail.message = piece.path + ": " + put.status().message();
      status.failures.push_back(std::move(detail));
      continue;
    }
    status.successes.push_back(std::move(detail));
  }
  if (!envelope) {
    return Fail(400, kNotEnvelope, "invalid-envelope");
  }
  if (Status committed = tx.Commit(); !committed.ok()) return StoreFailure(committed);

  store::PostStatus record;
  record.id = status.id;
  record.partner = *r.partner;
  record.request_us = now.ToMicros();
  record.json = StatusJson(status);
  const int64_t retention_us =
      std::chrono::duration_cast<std::chrono::microseconds>(config_.status_retention).count();
  // The objects are committed; a status that cannot be kept is reported, not fatal.
  (void)store_->DeleteStatusesBefore(record.request_us - retention_us);
  if (Status kept = store_->PutStatus(record); !kept.ok()) return StoreFailure(kept);
  return Json(202, std::move(record.json));
}

Response Server::DeleteObject(const store::Collection& c, const std::string& partner,
                              std::string_view query, const std::string& object_id) {
  Result<ObjectQuery> parsed = ParseObjectQuery(query, Endpoint::kDelete, config_.query_limits);
  if (!parsed.ok()) return Fail(400, parsed.status().message(), "invalid-query");
  const Response missing =
      Fail(404, "no object " + QuoteForMessage(object_id) + " in this collection");
  if (!WantsSpec21(parsed->spec_versions)) return missing;
  // The versions selected, minus those withheld from this partner, which it neither sees nor
  // removes.
  store::Query q;
  q.collection = c.id;
  q.ids = {object_id};
  q.versions = parsed->versions;
  Result<store::Page> selected = store_->Find(q, kMaxVersionsLooked);
  if (!selected.ok()) return StoreFailure(selected.status());
  const std::shared_ptr<const policy::Agreements> agreements = Agreements();
  ReleaseFilter release(store_, agreements.get(), partner);
  if (Status s = release.Apply(&selected->objects); !s.ok()) return StoreFailure(s);
  std::vector<store::VersionFilter> versions;
  for (const store::StoredObject& o : selected->objects) {
    store::VersionFilter v;
    v.kind = store::VersionFilter::Kind::kAt;
    v.at = o.version;
    versions.push_back(std::move(v));
  }
  if (versions.empty()) return missing;
  Result<uint64_t> removed = store_->RemoveFromCollection(c.id, object_id, versions);
  if (!removed.ok()) return StoreFailure(removed.status());
  if (*removed == 0) return missing;
  return Json(200, "");
}

}  // namespace concord::taxii
