#pragma once

// A TAXII 2.1 client: discovery, API roots, collections, paging through objects, and adding
// objects, against any TAXII 2.1 server (Concord's, medallion, a partner's own).
//
// Every request asks for kTaxiiMediaType and sends the configured credentials (a bearer token,
// or HTTP Basic when a user is set). 429 and 5xx answers and network failures are retried with
// exponential backoff (honouring Retry-After up to max_backoff), at most max_retries times; other
// errors come back at once as a Status whose message carries the server's TAXII error
// (http_status, title, description). Responses are read within net::ClientOptions' limits and
// their JSON within json::Limits: a hostile server can make a call fail, not grow memory or hang.
// Not thread-safe.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "concord/base/result.h"
#include "concord/net/https_client.h"

namespace concord::taxii {

struct ClientOptions {
  net::ClientOptions http;
  std::string token;  // "" for none (discovery only)
  std::string user;   // when set: HTTP Basic user:token instead of Bearer
  int max_retries = 5;
  std::chrono::milliseconds first_backoff{500};
  std::chrono::milliseconds max_backoff{30'000};
  // Called before each retry (for progress messages); may be empty.
  std::function<void(std::string_view what, int attempt, std::chrono::milliseconds wait)> on_retry;
};

// The token kept in the file at `path` (as `concord token issue` printed it): its first line
// without surrounding whitespace; "" for an empty file. IoError when it cannot be read;
// InvalidArgument when it is over kMaxTokenFileBytes (a token is under 100).
inline constexpr size_t kMaxTokenFileBytes = 4096;
Result<std::string> ReadTokenFile(const std::string& path);

struct DiscoveryInfo {
  std::string title;
  std::string default_api_root;  // URL, "" when none
  std::vector<std::string> api_roots;
};

struct ApiRootInfo {
  std::string url;
  std::string title;
  uint64_t max_content_length = 0;
};

struct CollectionInfo {
  std::string id;
  std::string title;
  std::string alias;
  bool can_read = false;
  bool can_write = false;
};

// One page of objects as the server sent it.
struct ObjectPage {
  std::vector<std::string> objects;  // each object's JSON text, as received
  bool more = false;
  std::string next;  // "" when the server gave none
  // X-TAXII-Date-Added-First/-Last, "" when absent.
  std::string date_added_first;
  std::string date_added_last;
};

struct PageRequest {
  std::string added_after;  // RFC 3339, "" for none
  std::string next;         // "" for the first page
  size_t limit = 1000;
  std::vector<std::string> types;  // match[type]
};

// The outcome of adding objects: one TAXII status per POST.
struct PushResult {
  uint64_t posts = 0;
  uint64_t successes = 0;
  uint64_t failures = 0;
  uint64_t pendings = 0;
  std::vector<std::string> status_ids;
  std::vector<std::string> failure_messages;  // "id: message", the first 100
};

class Client {
 public:
  // `url` is the server's origin or any URL on it (discovery is at /taxii2/).
  static Result<std::unique_ptr<Client>> Create(std::string_view url, ClientOptions options);
  ~Client();

  Result<DiscoveryInfo> Discover();
  // `api_root` is an API root URL (absolute, or a path on this server).
  Result<ApiRootInfo> GetApiRoot(std::string_view api_root);
  Result<std::vector<CollectionInfo>> Collections(std::string_view api_root);

  // One page of GET {api_root}collections/{collection}/objects/.
  Result<ObjectPage> GetObjects(std::string_view api_root, std::string_view collection,
                                const PageRequest& request);

  // Adds `objects` (JSON texts of STIX objects) to the collection, in as many POSTs as
  // `max_content_length` (from the API root) requires. A single object too large for one POST
  // is counted as a failure without being sent. A 413 from the server is an error naming the
  // limit it gave.
  Result<PushResult> Push(std::string_view api_root, std::string_view collection,
                          const std::vector<std::string>& objects);

 private:
  class Impl;
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace concord::taxii
