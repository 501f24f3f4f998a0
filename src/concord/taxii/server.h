#pragma once

// The TAXII 2.1 server's request handling, independent of the transport: one Request (already
// read and bounded by the HTTP layer, the caller authenticated or not) in, one Response out.
// The HTTPS transport (Boost.Beast) only moves bytes and identities; every TAXII rule lives here,
// so the same rules hold over any transport and are tested without one.
//
// Endpoints (TAXII 2.1 sections 4 and 5), under `ServerConfig::api_root_path`:
//   GET  /taxii2/                                          discovery (no authentication)
//   GET  {root}                                            API root information
//   GET  {root}collections/                                collections the partner may see
//   GET  {root}collections/{id}/                           one collection
//   GET  {root}collections/{id}/objects/                   envelope (filters, paging)
//   GET  {root}collections/{id}/objects/{object-id}/       one object's versions (default last)
//   GET  {root}collections/{id}/objects/{object-id}/versions/
//   GET  {root}collections/{id}/manifest/
// Every response, errors included, is JSON of media type kTaxiiMediaType; errors are TAXII error
// messages whose http_status is the response's. 401 (with WWW-Authenticate) without a partner;
// 404 for a collection the partner may neither read nor write; 403 for reading where it may only
// write; 406 for an Accept that excludes TAXII 2.1; 400 for a malformed filter; 405 (with Allow)
// for a method an endpoint does not take.
//
// TLP:RED objects are never served: a page may hold fewer objects than the limit (TAXII allows
// it); paging stays exact because the cursor is the store's, past every object looked at.
//
// Not thread-safe: the store is used from one thread at a time (one Server per thread, or a
// lock around Handle).

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "concord/store/store.h"
#include "concord/taxii/access.h"
#include "concord/taxii/query.h"

namespace concord::taxii {

struct Request {
  std::string method;        // "GET", "POST", ...
  std::string target;        // the request target as received: path, then "?query" if any
  std::string accept;        // the Accept header, "" when absent
  std::string content_type;  // the Content-Type header, "" when absent
  std::string body;
  // The authenticated partner (its identity id), or nullopt when the request carried no valid
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

struct ServerConfig {
  // The absolute URL this server is reached at, without a trailing slash
  // ("https://uk-node.example:8443"): discovery lists API roots under it.
  std::string public_url;
  std::string title = "Concord";
  std::string description;
  std::string contact;
  // The one API root's path: starts and ends with '/', not "/taxii2/".
  std::string api_root_path = "/api/";
  std::string api_root_title = "Concord sharing";
  uint64_t max_content_length = uint64_t{10} << 20;
  QueryLimits query_limits;
  // The realm named in WWW-Authenticate.
  std::string realm = "concord";
};

class Server {
 public:
  // `store` and `grants` must outlive the server.
  Server(ServerConfig config, store::Store* store, const Grants* grants);

  Response Handle(const Request& request);

 private:
  Response Discovery(const Request& r);
  Response ApiRoot(const Request& r);
  Response Collections(const Request& r);
  Response CollectionResource(const Request& r, const store::Collection& c);
  Response Objects(const Request& r, const store::Collection& c, std::string_view query,
                   Endpoint endpoint, const std::string& object_id);

  ServerConfig config_;
  store::Store* store_;
  const Grants* grants_;
};

}  // namespace concord::taxii
