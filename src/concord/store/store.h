#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "concord/base/result.h"
#include "concord/base/timestamp.h"
#include "concord/stix/object.h"

namespace concord::store {

// Where objects came from: a file, standard input, or (later) a partner. Every stored version
// remembers each source that delivered it.
struct Provenance {
  std::string kind;  // "file", "stdin", "partner", "local"
  std::string name;  // the path, the partner's identity id, ...
};

// A named set of objects, as TAXII collections are.
struct Collection {
  std::string id;     // a UUID (TAXII collection id); generated when created empty
  std::string alias;  // a short unique name users type, e.g. "ransomware"
  std::string title;
  std::string description;
};

// What Put did with an object.
enum class PutOutcome {
  kAdded,      // a new version was stored
  kDuplicate,  // this version was already stored with the same content: nothing changed but
               // provenance and collection membership
};

// A write transaction: everything Put in it is committed together by Commit(), or not at all.
// Destroying an uncommitted transaction rolls it back. Not thread-safe; one open write
// transaction per Store at a time.
class WriteTransaction {
 public:
  virtual ~WriteTransaction() = default;

  // Stores one validated object version. Errors, each leaving the transaction usable:
  //  - Conflict: the same id and version is stored with different content;
  //  - FailedPrecondition: the object is revoked, and this would add a later version.
  // Each added version gets a date_added strictly greater than every one before it.
  virtual Result<PutOutcome> Put(const stix::Object& object) = 0;

  // Makes every Put durable. After an error nothing of this transaction is stored.
  virtual Status Commit() = 0;
};

// Which versions of an object a query returns.
struct VersionFilter {
  enum class Kind { kAll, kFirst, kLast, kAt };
  Kind kind = Kind::kAll;
  std::string at;  // for kAt: a VersionKey (see stix::VersionKey)
};

// A query over stored versions. Empty fields do not filter. Results are in date_added order.
struct Query {
  std::vector<std::string> ids;
  std::vector<std::string> types;
  std::optional<Timestamp> added_after;  // strictly after
  std::string collection;                // a collection id
  std::string marking;                   // a marking-definition id, object-level or granular
  // Several filters select the union (TAXII's match[version]=first,last). Empty means kAll.
  std::vector<VersionFilter> versions;
  // When false, objects whose latest version is revoked are left out altogether.
  bool include_revoked = true;
};

// One stored version of an object.
struct StoredObject {
  std::string id;
  std::string type;
  std::string version;        // the version key
  int64_t date_added_us = 0;  // microseconds since the epoch, unique within the store
  bool revoked = false;
  stix::Tlp tlp = stix::Tlp::kNone;
  std::string json;  // exactly as stix::Object::json was when stored
};

// A page of results and how to get the next one.
struct Page {
  std::vector<StoredObject> objects;
  bool more = false;
  // Opaque; pass back to Find to continue after the last object of this page. Stable under
  // concurrent writes and restarts (it names a date_added, not a row position).
  std::string next_cursor;
};

struct Stats {
  int schema_version = 0;
  uint64_t objects = 0;                       // distinct ids
  uint64_t versions = 0;                      // stored versions
  uint64_t revoked = 0;                       // ids whose latest version is revoked
  std::map<std::string, uint64_t> by_type;    // distinct ids per type
  std::map<std::string, uint64_t> by_tlp;     // latest versions per effective TLP name
  std::map<std::string, uint64_t> by_source;  // versions per "kind:name"
  uint64_t collections = 0;
  std::optional<Timestamp> first_added;
  std::optional<Timestamp> last_added;
  uint64_t bytes_on_disk = 0;
};

// The store of STIX objects: every version of every object, with provenance and collections.
// Implementations: SqliteStore (store/sqlite), the embedded default.
// Thread safety: a Store may be used from one thread at a time.
class Store {
 public:
  virtual ~Store() = default;

  // Starts a write transaction; objects Put in it are recorded as coming from `source` and added
  // to the collections `collection_ids` (which must exist: NotFound otherwise).
  virtual Result<std::unique_ptr<WriteTransaction>> BeginWrite(
      const Provenance& source, const std::vector<std::string>& collection_ids = {}) = 0;

  // Up to `limit` (1..10,000) versions matching `query`, after `cursor` ("" for the first page).
  // InvalidArgument for a malformed cursor or limit.
  virtual Result<Page> Find(const Query& query, size_t limit, std::string_view cursor = "") = 0;

  // Calls `fn` for every version matching `query`, in date_added order, reading in bounded
  // memory. Stops at, and returns, the first non-OK status `fn` returns.
  virtual Status Scan(const Query& query, const std::function<Status(const StoredObject&)>& fn) = 0;

  // Collections. CreateCollection fills in `id` when empty; AlreadyExists for a taken id or
  // alias. FindCollection accepts an id or an alias; NotFound otherwise.
  virtual Result<Collection> CreateCollection(Collection collection) = 0;
  virtual Result<Collection> FindCollection(std::string_view id_or_alias) = 0;
  virtual Result<std::vector<Collection>> ListCollections() = 0;

  virtual Result<Stats> GetStats() = 0;
};

}  // namespace concord::store
