#pragma once

// The TAXII 2.1 server's request handling, independent of the transport: one Request (already
// read and bounded by the HTTP layer, the caller authenticated or not) in, one Response out.
// The HTTPS transport (Boost.Beast) only moves bytes and identities; every TAXII rule lives here,
// so the same rules hold over any transport and are tested without one.
//
// Endpoints (TAXII 2.1 sections 4 and 5); {root} is an API root's name (store::ApiRoot):
//   GET    /taxii2/                                     discovery (no authentication)
//   GET    /{root}/                                     API root information
//   GET    /{root}/status/{status-id}/                  a POST's status (only its poster's)
//   GET    /{root}/collections/                         collections the partner may see
//   GET    /{root}/collections/{id}/                    one collection (id or alias)
//   GET    /{root}/collections/{id}/objects/            envelope (filters, paging)
//   POST   /{root}/collections/{id}/objects/            add objects: 202 and a status resource
//   GET    /{root}/collections/{id}/objects/{object-id}/          versions (default last)
//   DELETE /{root}/collections/{id}/objects/{object-id}/          remove from the collection
//   GET    /{root}/collections/{id}/objects/{object-id}/versions/
//   GET    /{root}/collections/{id}/manifest/
// Every response, errors included, is JSON of media type kTaxiiMediaType; errors are TAXII error
// messages whose http_status is the response's. 401 (with WWW-Authenticate) without a partner,
// before anything about API roots is revealed; 404 for a collection the partner may neither
// read nor write; 403 for reading where it may only write and writing (POST, DELETE) where it
// may only read; 406 for an Accept that excludes TAXII 2.1; 415 for a POST whose Content-Type
// is not TAXII 2.1; 413 for a body over max_content_length; 400 for a malformed filter or
// envelope; 405 (with Allow) for a method an endpoint does not take.
//
// POST: the envelope's objects are validated one by one (STIX 2.1, as import does) and stored in
// one transaction, each with its own date_added (so paging by date_added never skips one), from
// provenance {"partner", name}. Invalid objects and conflicts are failures; a version already
// stored is a success. The status is complete when the response is sent and is kept in the
// store for `status_retention` (older ones are purged as new POSTs arrive). A body that is not
// one JSON object with an "objects" array is 400 and nothing is stored.
//
// DELETE removes the selected versions from the collection only (they stay in the store).
//
// Release: every object served (objects, manifest, versions, one object) passes the release
// policy (policy/release.h) for the asking partner under the agreements in force; withheld
// objects are left out, so a page may hold fewer objects than the limit (TAXII allows it);
// paging stays exact because the cursor is the store's, past every object looked at. Withheld
// objects (TLP:RED among them) are not deleted by partners either, and their existence is never
// revealed (404). Intake: every object POSTed passes taxii::IntakeGuard (creator, markings,
// others' objects); a refused object is a failure in the status, and ServerConfig::on_refused
// hears of it.
//
// Not thread-safe: one Server (with its own store connection) per thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "concord/base/clock.h"
#include "concord/policy/agreement.h"
#include "concord/stix/validator.h"
#include "concord/store/store.h"
#include "concord/taxii/query.h"

namespace concord::taxii {

struct Request {
  std::string method;        // "GET", "POST", ...
  std::string target;        // the request target as received: path, then "?query" if any
  std::string accept;        // the Accept header, "" when absent
  std::string content_type;  // the Content-Type header, "" when absent
  std::string body;
  // The origin the client addressed ("https://" + its Host header, checked), used for URLs in
  // discovery when ServerConfig::public_url is empty; "" when unknown.
  std::string origin;
  // The authenticated partner (store::Partner::name), or nullopt when the request carried no valid
  // credentials. The transport authenticates; the server only authorises.
  std::optional<std::string> partner;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // beside Content-Type
  std::string body;                                          // JSON, kTaxiiMediaType

  // The value of header `name` (case-sensitive, as the server writes them), "" when absent.
  std::string header(std::string_view name) const;
};

// A TAXII error response of `status` (http_status matching) that says what was wrong.
Response ErrorResponse(int status, std::string description, std::string error_code = "");
// A 401 whose WWW-Authenticate names the schemes Concord takes (Bearer, Basic) in `realm`.
Response Unauthorized(std::string_view realm, std::string description);

struct ServerConfig {
  // The absolute URL this server is reached at, without a trailing slash
  // ("https://uk-node.example:8443"): discovery lists API roots under it. When empty, under
  // the request's origin (Request::origin), else as paths.
  std::string public_url;
  std::string title = "Concord";
  std::string description;
  std::string contact;
  // The largest request body (POST) accepted; advertised in API root information.
  uint64_t max_content_length = uint64_t{10} << 20;
  QueryLimits query_limits;
  // The realm named in WWW-Authenticate.
  std::string realm = "concord";
  // Whether the transport is plain HTTP (loopback only): origins are then "http://...".
  bool plain_http = false;
  // How long a POST's status can be read back (TAXII asks for at least 24 hours).
  std::chrono::hours status_retention{24 * 7};
  // The agreements in force (must outlive the server); nullptr: none, so nothing is released
  // to partners and nothing they send is stored.
  const policy::AgreementsHolder* agreements = nullptr;
  // Told of each object a partner sent that was refused by IntakeGuard (for the log); may be
  // empty. Called on the request's thread.
  std::function<void(std::string_view partner, std::string_view id, std::string_view reason)>
      on_refused;
};

class Server {
 public:
  // `store` (this thread's connection) and `clock` must outlive the server.
  Server(ServerConfig config, store::Store* store, Clock* clock);

  Response Handle(const Request& request);

 private:
  Response Discovery(const std::string& base_url);
  Response ApiRoot(const store::ApiRoot& root);
  Response ReadStatus(const Request& r, std::string_view id);
  Response Collections(const Request& r, const store::ApiRoot& root);
  Response CollectionResource(const store::Collection& c, store::Rights rights);
  Response Objects(const store::Collection& c, const std::string& partner, std::string_view query,
                   Endpoint endpoint, const std::string& object_id);
  Response AddObjects(const Request& r, const store::Collection& c);
  Response DeleteObject(const store::Collection& c, const std::string& partner,
                        std::string_view query, const std::string& object_id);
  // Whether `c` holds a version of `object_id` that may be released to `partner`.
  Result<bool> Shareable(const store::Collection& c, const std::string& partner,
                         const std::string& object_id);
  // The agreements in force now (empty when there are none).
  std::shared_ptr<const policy::Agreements> Agreements() const;

  ServerConfig config_;
  store::Store* store_;
  Clock* clock_;
  stix::Validator validator_;
};

}  // namespace concord::taxii
