#include "concord/taxii/server.h"

#include <algorithm>

#include "concord/base/ascii.h"
#include "concord/stix/tlp.h"
#include "concord/taxii/resources.h"

namespace concord::taxii {
namespace {

constexpr size_t kMaxPathBytes = 2048;

Response Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Fail(int status, std::string description, std::string error_code = "") {
  Error e;
  e.http_status = status;
  e.description = std::move(description);
  e.error_code = std::move(error_code);
  return Json(status, ErrorJson(e));
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

std::string Response::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

Server::Server(ServerConfig config, store::Store* store, const Grants* grants)
    : config_(std::move(config)), store_(store), grants_(grants) {}

Response Server::Handle(const Request& r) {
  const size_t question = r.target.find('?');
  const std::string_view target(r.target);
  const std::string_view path = target.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  if (ReadAccept(r.accept) != Acceptance::kTaxii21) {
    return Fail(406, "the Accept header must admit " + std::string(kTaxiiMediaType));
  }
  if (path.size() > kMaxPathBytes || path.empty() || path.front() != '/') {
    return Fail(404, "no such resource");
  }
  if (path == "/taxii2/" || path == "/taxii2") {
    if (r.method != "GET") return MethodNotAllowed("GET");
    return Discovery(r);
  }
  const std::string_view root(config_.api_root_path);
  const std::string_view root_bare = root.substr(0, root.size() - 1);  // without the last '/'
  if (path != root_bare && !path.starts_with(root)) return Fail(404, "no such resource");
  if (!r.partner) {
    Response denied = Fail(401, "credentials are required: a bearer token or HTTP Basic");
    denied.headers.emplace_back(
        "WWW-Authenticate",
        "Bearer realm=\"" + config_.realm + "\", Basic realm=\"" + config_.realm + "\"");
    return denied;
  }
  std::vector<std::string_view> s;
  if (path.size() > root.size() && !Segments(path.substr(root.size()), &s)) {
    return Fail(404, "no such resource");
  }
  if (s.empty()) {
    if (r.method != "GET") return MethodNotAllowed("GET");
    return ApiRoot(r);
  }
  if (s[0] == "status" && s.size() == 2) {
    return Fail(404, "no status resource " + QuoteForMessage(s[1]));
  }
  if (s[0] != "collections") return Fail(404, "no such resource");
  if (s.size() == 1) {
    if (r.method != "GET") return MethodNotAllowed("GET");
    return Collections(r);
  }
  // A collection, by id or alias, that this partner may see at all.
  Result<store::Collection> found = store_->FindCollection(s[1]);
  const Rights rights = found.ok() ? grants_->Of(*r.partner, found->id) : Rights{};
  if (!found.ok() || !(rights.read || rights.write)) {
    return Fail(404, "no collection " + QuoteForMessage(s[1]));
  }
  const store::Collection& c = *found;
  if (s.size() == 2) {
    if (r.method != "GET") return MethodNotAllowed("GET");
    return CollectionResource(r, c);
  }
  if (s[2] == "objects" && s.size() == 3) {
    if (r.method != "GET") return MethodNotAllowed("GET");
    return Objects(r, c, query, Endpoint::kObjects, "");
  }
  if (s[2] == "manifest" && s.size() == 3) {
    if (r.method != "GET") return MethodNotAllowed("GET");
    return Objects(r, c, query, Endpoint::kManifest, "");
  }
  if (s[2] == "objects" && s.size() == 4) {
    if (r.method != "GET") return MethodNotAllowed("GET");
    return Objects(r, c, query, Endpoint::kObject, std::string(s[3]));
  }
  if (s[2] == "objects" && s.size() == 5 && s[4] == "versions") {
    if (r.method != "GET") return MethodNotAllowed("GET");
    return Objects(r, c, query, Endpoint::kVersions, std::string(s[3]));
  }
  return Fail(404, "no such resource");
}

Response Server::Discovery(const Request&) {
  taxii::Discovery d;
  d.title = config_.title;
  d.description = config_.description;
  d.contact = config_.contact;
  d.default_api_root = config_.public_url + config_.api_root_path;
  d.api_roots = {d.default_api_root};
  return Json(200, DiscoveryJson(d));
}

Response Server::ApiRoot(const Request&) {
  ApiRootInfo info;
  info.title = config_.api_root_title;
  info.max_content_length = config_.max_content_length;
  return Json(200, ApiRootJson(info));
}

Response Server::Collections(const Request& r) {
  Result<std::vector<store::Collection>> all = store_->ListCollections();
  if (!all.ok()) return Fail(500, "the store could not list collections");
  std::vector<CollectionView> views;
  for (store::Collection& c : *all) {
    const Rights rights = grants_->Of(*r.partner, c.id);
    if (!rights.read && !rights.write) continue;
    views.push_back(CollectionView{std::move(c), rights.read, rights.write});
  }
  return Json(200, CollectionsJson(views));
}

Response Server::CollectionResource(const Request& r, const store::Collection& c) {
  const Rights rights = grants_->Of(*r.partner, c.id);
  return Json(200, CollectionJson(CollectionView{c, rights.read, rights.write}));
}

Response Server::Objects(const Request& r, const store::Collection& c, std::string_view query,
                         Endpoint endpoint, const std::string& object_id) {
  if (!grants_->Of(*r.partner, c.id).read) {
    return Fail(403, "this partner may not read collection " + QuoteForMessage(c.id));
  }
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
  // Every stored object is STIX 2.1 (2.0 input is upgraded on import): asking only for other
  // spec versions finds nothing.
  const bool wants_21 =
      p.spec_versions.empty() ||
      std::find(p.spec_versions.begin(), p.spec_versions.end(), "2.1") != p.spec_versions.end();
  if (wants_21) {
    Result<store::Page> found = store_->Find(q, p.limit, p.next);
    if (!found.ok()) {
      if (found.status().code() == StatusCode::kInvalidArgument) {
        return Fail(400, "next: " + found.status().message(), "invalid-query");
      }
      return Fail(500, "the store could not answer the query");
    }
    page = std::move(*found);
  }
  std::erase_if(page.objects,
                [](const store::StoredObject& o) { return o.tlp == stix::Tlp::kRed; });

  if (page.objects.empty() && !object_id.empty() && p.next.empty()) {
    // Nothing to show: is there such an object (that may leave this node) at all?
    store::Query any;
    any.collection = c.id;
    any.ids = {object_id};
    Result<store::Page> exists = store_->Find(any, 100);
    const bool found = exists.ok() && std::any_of(exists->objects.begin(), exists->objects.end(),
                                                  [](const store::StoredObject& o) {
                                                    return o.tlp != stix::Tlp::kRed;
                                                  });
    if (!found) return Fail(404, "no object " + QuoteForMessage(object_id) + " in this collection");
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

}  // namespace concord::taxii
