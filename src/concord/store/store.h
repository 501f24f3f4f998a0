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

// The name of the API root every store has (created with the store); collections created without
// one belong to it.
inline constexpr std::string_view kDefaultApiRoot = "api";

// A TAXII API root: a group of collections served under "/{name}/".
struct ApiRoot {
  std::string name;  // one URL path segment: 1-64 of [A-Za-z0-9._-], not "taxii2"
  std::string title;
  std::string description;
};

// A named set of objects, as TAXII collections are.
struct Collection {
  std::string id;     // a UUID (TAXII collection id); generated when created empty
  std::string alias;  // a short unique name users type, e.g. "ransomware"
  std::string title;
  std::string description;
  std::string api_root = std::string(kDefaultApiRoot);  // the ApiRoot::name it belongs to
};

// A partner node or organisation that talks to this node over TAXII.
struct Partner {
  std::string name;         // short, unique, what administrators type: 1-64 of [A-Za-z0-9._-]
  std::string identity_id;  // its STIX identity ("identity--..."), "" when not known
  // SHA-256 of the DER client certificate that authenticates it, 64 lowercase hex digits; ""
  // for none. Unique among partners.
  std::string cert_sha256;
};

// One credential of a partner: the token's public id and the Argon2id hash of its secret (the
// secret itself is never stored). See taxii/auth.h for the token format.
struct Credential {
  std::string token_id;  // unique
  std::string partner;   // Partner::name
  std::string hash;      // crypto_pwhash_str output (Argon2id, "$argon2id$...")
  int64_t created_us = 0;
  bool revoked = false;
};

// What a partner may do with one collection (TAXII can_read / can_write).
struct Rights {
  bool read = false;
  bool write = false;
};

// A right given to a partner on a collection.
struct Grant {
  std::string partner;        // Partner::name
  std::string collection_id;  // Collection::id
  Rights rights;
};

// A TAXII status resource (the outcome of one POST of objects), kept so that the partner who
// posted can ask for it later.
struct PostStatus {
  std::string id;          // a UUID
  std::string partner;     // who posted; nobody else may read it
  int64_t request_us = 0;  // when the POST arrived, microseconds since the epoch
  std::string json;        // the status resource exactly as TAXII writes it
};

// How far federation has got with one of a partner's collections, in one direction. Written by
// the federation module after every attempt; read by `concord sync status`.
struct SyncState {
  std::string partner;     // Partner::name
  std::string direction;   // "pull" (from the partner) or "push" (to it)
  std::string collection;  // the partner's collection
  // Where to resume. pull: the partner's X-TAXII-Date-Added-Last of the last page stored (RFC
  // 3339), "" before the first; push: the local date_added (microseconds, decimal) of the last
  // object sent, "" before the first.
  std::string cursor;
  int64_t last_attempt_us = 0;  // microseconds since the epoch; 0 for never
  int64_t last_success_us = 0;
  std::string last_error;  // what went wrong in the latest attempt; "" when it succeeded
  uint64_t consecutive_failures = 0;
  uint64_t objects = 0;   // objects stored (pull) or sent (push), in total
  uint64_t rejected = 0;  // objects refused (invalid, not allowed), in total
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

  // Removes from the collection `collection_id` the versions of `object_id` that `versions`
  // selects (empty: all; the union of the filters, as in Query). The versions stay in the
  // store (other collections, provenance); a later Put of the same version adds it back.
  // Returns how many versions were removed (0 when none matched).
  virtual Result<uint64_t> RemoveFromCollection(std::string_view collection_id,
                                                std::string_view object_id,
                                                const std::vector<VersionFilter>& versions) = 0;

  // API roots. The default root (kDefaultApiRoot) always exists. CreateApiRoot: AlreadyExists
  // for a taken name, InvalidArgument for a malformed one. FindApiRoot: NotFound.
  virtual Result<ApiRoot> CreateApiRoot(ApiRoot root) = 0;
  virtual Result<ApiRoot> FindApiRoot(std::string_view name) = 0;
  virtual Result<std::vector<ApiRoot>> ListApiRoots() = 0;

  // Partners and their credentials and rights. CreatePartner: AlreadyExists for a taken name or
  // certificate, InvalidArgument for a malformed name or fingerprint. FindPartner and
  // FindPartnerByCert: NotFound. AddCredential: NotFound for an unknown partner, AlreadyExists
  // for a taken token id. FindCredential: NotFound (revoked credentials are found, marked).
  // RevokeCredential: NotFound when there is no such token id. RevokeCredentials revokes every
  // credential of `partner` and returns how many were not revoked before.
  virtual Result<Partner> CreatePartner(Partner partner) = 0;
  virtual Result<Partner> FindPartner(std::string_view name) = 0;
  virtual Result<Partner> FindPartnerByCert(std::string_view cert_sha256) = 0;
  virtual Result<std::vector<Partner>> ListPartners() = 0;
  virtual Status AddCredential(const Credential& credential) = 0;
  virtual Result<Credential> FindCredential(std::string_view token_id) = 0;
  virtual Result<std::vector<Credential>> ListCredentials(std::string_view partner) = 0;
  virtual Status RevokeCredential(std::string_view token_id) = 0;
  virtual Result<uint64_t> RevokeCredentials(std::string_view partner) = 0;

  // Changes the identity and certificate of the existing partner named `partner.name`:
  // NotFound when there is none, AlreadyExists when the certificate is another partner's,
  // InvalidArgument for a malformed fingerprint.
  virtual Status UpdatePartner(const Partner& partner) = 0;

  // Sets (replaces) `grant.partner`'s rights on `grant.collection_id`; rights with neither read
  // nor write remove the grant. NotFound for an unknown partner or collection. RightsOf is
  // {false, false} when nothing was granted (or the partner or collection is unknown).
  virtual Status SetGrant(const Grant& grant) = 0;
  virtual Result<Rights> RightsOf(std::string_view partner, std::string_view collection_id) = 0;
  virtual Result<std::vector<Grant>> ListGrants() = 0;

  // TAXII status resources. PutStatus replaces a status of the same id (a POST's status is
  // written once complete). GetStatus: NotFound. DeleteStatusesBefore removes those whose
  // request_us is before `request_us` and returns how many.
  virtual Status PutStatus(const PostStatus& status) = 0;
  virtual Result<PostStatus> GetStatus(std::string_view id) = 0;
  virtual Result<uint64_t> DeleteStatusesBefore(int64_t request_us) = 0;

  // For each of `ids` that is held, every source that delivered any version of it (distinct,
  // sorted by kind, then name). Ids not held are absent from the map.
  virtual Result<std::map<std::string, std::vector<Provenance>>> SourcesOf(
      const std::vector<std::string>& ids) = 0;

  // Federation progress. PutSyncState replaces the state of the same (partner, direction,
  // collection); GetSyncState: NotFound. ListSyncStates orders by partner, direction, collection.
  virtual Status PutSyncState(const SyncState& state) = 0;
  virtual Result<SyncState> GetSyncState(std::string_view partner, std::string_view direction,
                                         std::string_view collection) = 0;
  virtual Result<std::vector<SyncState>> ListSyncStates() = 0;

  virtual Result<Stats> GetStats() = 0;
};

}  // namespace concord::store
