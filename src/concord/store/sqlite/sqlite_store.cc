#include "concord/store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <limits>
#include <mutex>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "concord/base/ascii.h"
#include "concord/base/uuid.h"

// The file format (tables, the date_added rule, cursors, migrations) is described in
// docs/store.md; keep the two in step.

namespace concord::store {
namespace {

// PRAGMA application_id of a Concord store: "Conc".
constexpr int32_t kApplicationId = 0x436f6e63;

constexpr size_t kMaxPageLimit = 10000;
// Bound parameters one query may carry (ids, types and version keys together).
constexpr size_t kMaxQueryValues = 10000;
// The WAL is truncated to this size after a checkpoint (a large import can grow it far beyond).
constexpr int64_t kJournalSizeLimit = 64 << 20;
// Find statements kept prepared, keyed by their SQL text (one per query shape).
constexpr size_t kMaxCachedQueries = 64;
constexpr std::string_view kCursorPrefix = "c1.";

// One step of the schema: applied, in a transaction with every other pending step, to a file
// whose user_version is below `version`. Never edit a released step; append a new one.
struct Migration {
  int version;
  const char* sql;
};

const Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE objects(
  date_added   INTEGER PRIMARY KEY,
  id           TEXT NOT NULL,
  type         TEXT NOT NULL,
  version      TEXT NOT NULL,
  revoked      INTEGER NOT NULL,
  tlp          INTEGER NOT NULL,
  spec_version TEXT NOT NULL,
  digest       BLOB NOT NULL,
  json         TEXT NOT NULL,
  UNIQUE(id, version)
);
CREATE INDEX objects_by_type ON objects(type);
CREATE TABLE object_markings(
  marking_ref TEXT NOT NULL,
  date_added  INTEGER NOT NULL REFERENCES objects(date_added),
  scope       INTEGER NOT NULL,
  PRIMARY KEY(marking_ref, date_added)
) WITHOUT ROWID;
CREATE TABLE sources(
  id   INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  UNIQUE(kind, name)
);
CREATE TABLE object_sources(
  date_added INTEGER NOT NULL REFERENCES objects(date_added),
  source_id  INTEGER NOT NULL REFERENCES sources(id),
  PRIMARY KEY(date_added, source_id)
) WITHOUT ROWID;
CREATE TABLE collections(
  num         INTEGER PRIMARY KEY,
  id          TEXT NOT NULL UNIQUE,
  alias       TEXT UNIQUE,
  title       TEXT NOT NULL,
  description TEXT NOT NULL,
  created     INTEGER NOT NULL
);
CREATE TABLE collection_objects(
  collection_num INTEGER NOT NULL REFERENCES collections(num),
  date_added     INTEGER NOT NULL REFERENCES objects(date_added),
  PRIMARY KEY(collection_num, date_added)
) WITHOUT ROWID;
)sql"},
    {2, R"sql(
CREATE TABLE api_roots(
  name        TEXT NOT NULL PRIMARY KEY,
  title       TEXT NOT NULL,
  description TEXT NOT NULL,
  created     INTEGER NOT NULL
);
INSERT INTO api_roots(name, title, description, created)
  VALUES('api', 'Concord sharing', '', CAST(strftime('%s', 'now') AS INTEGER) * 1000000);
ALTER TABLE collections ADD COLUMN api_root TEXT NOT NULL DEFAULT 'api';
CREATE TABLE partners(
  name        TEXT NOT NULL PRIMARY KEY,
  identity_id TEXT NOT NULL,
  cert_sha256 TEXT UNIQUE,
  created     INTEGER NOT NULL
);
CREATE TABLE credentials(
  token_id TEXT NOT NULL PRIMARY KEY,
  partner  TEXT NOT NULL REFERENCES partners(name),
  hash     TEXT NOT NULL,
  created  INTEGER NOT NULL,
  revoked  INTEGER NOT NULL
);
CREATE INDEX credentials_by_partner ON credentials(partner);
CREATE TABLE grants(
  partner        TEXT NOT NULL REFERENCES partners(name),
  collection_num INTEGER NOT NULL REFERENCES collections(num),
  can_read       INTEGER NOT NULL,
  can_write      INTEGER NOT NULL,
  PRIMARY KEY(partner, collection_num)
) WITHOUT ROWID;
CREATE TABLE statuses(
  id         TEXT NOT NULL PRIMARY KEY,
  partner    TEXT NOT NULL,
  request_us INTEGER NOT NULL,
  json       TEXT NOT NULL
);
CREATE INDEX statuses_by_request ON statuses(request_us);
)sql"},
    {3, R"sql(
CREATE TABLE sync_state(
  partner              TEXT NOT NULL,
  direction            TEXT NOT NULL,
  collection           TEXT NOT NULL,
  cursor               TEXT NOT NULL,
  last_attempt         INTEGER NOT NULL,
  last_success         INTEGER NOT NULL,
  last_error           TEXT NOT NULL,
  consecutive_failures INTEGER NOT NULL,
  objects              INTEGER NOT NULL,
  rejected             INTEGER NOT NULL,
  PRIMARY KEY(partner, direction, collection)
) WITHOUT ROWID;
)sql"},
};

constexpr int kCurrentSchemaVersion = 3;

// Names of API roots and partners: 1..kMaxNameBytes of [A-Za-z0-9._-].
constexpr size_t kMaxNameBytes = 64;
// SHA-256 in hex.
constexpr size_t kSha256HexDigits = 64;

// object_markings.scope bits.
constexpr int kScopeObject = 1;    // listed in object_marking_refs
constexpr int kScopeGranular = 2;  // a marking_ref of granular_markings

// Owns a prepared statement.
class Stmt {
 public:
  Stmt() = default;
  explicit Stmt(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Stmt(Stmt&& other) noexcept : stmt_(std::exchange(other.stmt_, nullptr)) {}
  Stmt& operator=(Stmt&& other) noexcept {
    if (this != &other) {
      sqlite3_finalize(stmt_);
      stmt_ = std::exchange(other.stmt_, nullptr);
    }
    return *this;
  }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(stmt_); }

  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a statement when leaving the scope, so that a cached statement never keeps a read
// transaction open after its use.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;
  ~ResetOnExit() { sqlite3_reset(stmt_); }

 private:
  sqlite3_stmt* stmt_;
};

// Closes the connection last, after every statement member is finalized.
struct DbHandle {
  sqlite3* db = nullptr;
  ~DbHandle() { sqlite3_close_v2(db); }
};

// Binds `value` without copying: it must stay alive until the statement is reset.
inline void BindText(sqlite3_stmt* stmt, int index, std::string_view value) {
  sqlite3_bind_text64(stmt, index, value.empty() ? "" : value.data(), value.size(), SQLITE_STATIC,
                      SQLITE_UTF8);
}

// Binds `value`, or NULL when it is empty (optional unique columns such as a collection alias).
inline void BindTextOrNull(sqlite3_stmt* stmt, int index, std::string_view value) {
  if (value.empty()) {
    sqlite3_bind_null(stmt, index);
  } else {
    BindText(stmt, index, value);
  }
}

inline std::string_view ColumnText(sqlite3_stmt* stmt, int index) {
  const char* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, index));
  if (text == nullptr) return {};
  return std::string_view(text, static_cast<size_t>(sqlite3_column_bytes(stmt, index)));
}

// A version key for messages: "2016-05-12T08:17:27.000000000" becomes "2016-05-12T08:17:27.000Z".
std::string DisplayVersion(std::string_view key) {
  size_t dot = key.find('.');
  if (dot == std::string_view::npos) return std::string(key);
  size_t end = key.size();
  while (end > dot + 4 && key[end - 1] == '0') --end;
  return std::string(key.substr(0, end)) + "Z";
}

// "indicator--... version 2016-05-12T08:17:27.000Z", or the bare id of an unversioned object.
std::string Describe(std::string_view id, std::string_view version) {
  std::string text(id);
  if (!version.empty()) text += " version " + DisplayVersion(version);
  return text;
}

std::string EncodeCursor(int64_t date_added) {
  return std::string(kCursorPrefix) + std::to_string(date_added);
}

Result<int64_t> DecodeCursor(std::string_view cursor) {
  auto malformed = [&] {
    return InvalidArgument("malformed cursor " + QuoteForMessage(cursor) +
                           ": pass back the next_cursor of an earlier page, or none to start");
  };
  if (cursor.substr(0, kCursorPrefix.size()) != kCursorPrefix) return malformed();
  std::string_view digits = cursor.substr(kCursorPrefix.size());
  int64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) {
    return malformed();
  }
  // Only the spelling EncodeCursor writes ("c1.007" and "c1.+7" are not cursors).
  if (EncodeCursor(value) != cursor) return malformed();
  return value;
}

// A value for a query parameter.
struct Binding {
  bool is_int = false;
  int64_t int_value = 0;
  std::string_view text;
};

// Appends to `sql` the " AND (...)" term that keeps the versions `filters` selects, as Query and
// RemoveFromCollection define them: nothing for none or kAll, else the union of the filters. The
// term is over an objects row aliased `o`; its parameters are appended to `bindings` (they point
// into `filters`). First and last are taken over every stored version of the id, whatever else
// the statement filters (TAXII's match[version]).
void AppendVersionTerm(const std::vector<VersionFilter>& filters, std::string* sql,
                       std::vector<Binding>* bindings) {
  bool all = filters.empty();
  bool first = false, last = false;
  std::vector<std::string_view> at;
  for (const VersionFilter& filter : filters) {
    switch (filter.kind) {
      case VersionFilter::Kind::kAll:
        all = true;
        break;
      case VersionFilter::Kind::kFirst:
        first = true;
        break;
      case VersionFilter::Kind::kLast:
        last = true;
        break;
      case VersionFilter::Kind::kAt:
        at.push_back(filter.at);
        break;
    }
  }
  if (all) return;
  std::string terms;
  auto add = [&](const char* term) {
    terms += terms.empty() ? "" : " OR ";
    terms += term;
  };
  if (first) add("o.version = (SELECT MIN(v.version) FROM objects v WHERE v.id = o.id)");
  if (last) add("o.version = (SELECT MAX(v.version) FROM objects v WHERE v.id = o.id)");
  for (std::string_view key : at) {
    add("o.version = ?");
    bindings->push_back(Binding{false, 0, key});
  }
  *sql += " AND (" + terms + ")";
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// What is wrong with `name` as an API root or partner name (1 to kMaxNameBytes of
// [A-Za-z0-9._-]), or "" when nothing is.
std::string NameProblem(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name.size() > kMaxNameBytes) {
    return "is " + std::to_string(name.size()) + " bytes long (at most " +
           std::to_string(kMaxNameBytes) + ")";
  }
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsNameChar(name[i])) {
      return "has a character other than a letter, digit, '.', '_' or '-' at byte " +
             std::to_string(i);
    }
  }
  return "";
}

Status CheckApiRootName(std::string_view name) {
  std::string problem = NameProblem(name);
  if (problem.empty() && EqualsIgnoreAsciiCase(name, "taxii2")) {
    problem = "is reserved for the TAXII discovery endpoint /taxii2/";
  }
  // Clients and proxies resolve these segments away, so such a root could not be reached.
  if (problem.empty() && (name == "." || name == "..")) problem = "is a relative path segment";
  if (problem.empty()) return Status::Ok();
  return InvalidArgument("API root name " + QuoteForMessage(name) + " " + problem +
                         "; an API root name is one URL path segment of 1 to " +
                         std::to_string(kMaxNameBytes) + " letters, digits, '.', '_' or '-'");
}

Status CheckPartner(const Partner& partner) {
  if (std::string problem = NameProblem(partner.name); !problem.empty()) {
    return InvalidArgument("partner name " + QuoteForMessage(partner.name) + " " + problem +
                           "; a partner name is 1 to " + std::to_string(kMaxNameBytes) +
                           " letters, digits, '.', '_' or '-'");
  }
  const std::string_view cert = partner.cert_sha256;
  if (!cert.empty()) {
    bool ok = cert.size() == kSha256HexDigits;
    for (char c : cert) ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
    if (!ok) {
      return InvalidArgument(
          "certificate fingerprint " + QuoteForMessage(cert, kSha256HexDigits + 8) +
          " of partner " + partner.name + " is not a SHA-256 in " +
          std::to_string(kSha256HexDigits) + " lowercase hex digits without separators");
    }
  }
  if (!partner.identity_id.empty() &&
      std::string_view(partner.identity_id).substr(0, 10) != "identity--") {
    return InvalidArgument("identity id " + QuoteForMessage(partner.identity_id) + " of partner " +
                           partner.name + " is not a STIX identity id (\"identity--<uuid>\")");
  }
  return Status::Ok();
}

}  // namespace

class SqliteStore::Impl {
 public:
  class Transaction;

  Impl(std::string path, Clock* clock, SqliteOptions options)
      : path_(std::move(path)), clock_(clock), options_(options) {}
  ~Impl();

  Status Init();

  // A Status for the SQLite result code `rc`, naming the file and what was being done.
  Status SqlError(int rc, std::string_view doing) const;
  Result<Stmt> Prepare(std::string_view sql, bool persistent);
  // Runs SQL that returns no rows.
  Status Exec(const char* sql, std::string_view doing);
  Result<int64_t> PragmaInt(const char* sql);
  // Runs a cached one-step statement (BEGIN, COMMIT, ...).
  Status Step(const Stmt& stmt, std::string_view doing);
  void Rollback();

  Result<std::unique_ptr<WriteTransaction>> BeginWrite(const Provenance& source,
                                                       const std::vector<std::string>& collections);
  Result<Page> Find(const Query& query, size_t limit, std::string_view cursor);
  Status Scan(const Query& query, const std::function<Status(const StoredObject&)>& fn);
  Result<Collection> CreateCollection(Collection collection);
  Result<Collection> FindCollection(std::string_view id_or_alias);
  Result<std::vector<Collection>> ListCollections();
  Result<uint64_t> RemoveFromCollection(std::string_view collection_id, std::string_view object_id,
                                        const std::vector<VersionFilter>& versions);
  Result<ApiRoot> CreateApiRoot(ApiRoot root);
  Result<ApiRoot> FindApiRoot(std::string_view name);
  Result<std::vector<ApiRoot>> ListApiRoots();
  Result<Partner> CreatePartner(Partner partner);
  Result<Partner> FindPartner(std::string_view name);
  Result<Partner> FindPartnerByCert(std::string_view cert_sha256);
  Result<std::vector<Partner>> ListPartners();
  Status AddCredential(const Credential& credential);
  Result<Credential> FindCredential(std::string_view token_id);
  Result<std::vector<Credential>> ListCredentials(std::string_view partner);
  Status RevokeCredential(std::string_view token_id);
  Result<uint64_t> RevokeCredentials(std::string_view partner);
  Status SetGrant(const Grant& grant);
  Result<Rights> RightsOf(std::string_view partner, std::string_view collection_id);
  Result<std::vector<Grant>> ListGrants();
  Status PutStatus(const PostStatus& status);
  Result<PostStatus> GetStatus(std::string_view id);
  Result<uint64_t> DeleteStatusesBefore(int64_t request_us);
  Status UpdatePartner(const Partner& partner);
  Result<std::map<std::string, std::vector<Provenance>>> SourcesOf(
      const std::vector<std::string>& ids);
  Status PutSyncState(const SyncState& state);
  Result<SyncState> GetSyncState(std::string_view partner, std::string_view direction,
                                 std::string_view collection);
  Result<std::vector<SyncState>> ListSyncStates();
  Result<Stats> GetStats();

 private:
  friend class Transaction;

  // FailedPrecondition while a write transaction of this store is open: a write outside it would
  // silently join it (and vanish with its rollback).
  Status RefuseDuringWrite(std::string_view what) const;
  // Steps `stmt` (bound, and reset by the caller) for at most one row: true when there is one.
  Result<bool> StepRow(sqlite3_stmt* stmt, std::string_view doing);
  // Steps a bound INSERT/UPDATE/DELETE `stmt` (reset by the caller) to the end; returns how many
  // rows it changed.
  Result<uint64_t> StepWrite(sqlite3_stmt* stmt, std::string_view doing);
  // Reads the sources table into source_names_.
  Status LoadSourceNames();
  // The internal key of the collection with id `id` (not an alias); NotFound.
  Result<int64_t> CollectionNum(std::string_view id);
  // Reads every row of `stmt` (bound, and reset by the caller) with `read`.
  template <typename T>
  Result<std::vector<T>> ReadAll(sqlite3_stmt* stmt, T (*read)(sqlite3_stmt*),
                                 std::string_view doing);

  Status Migrate();
  Status PrepareStatements();
  // SELECT ... for `query` in date_added order, returning rows after `after`; with a LIMIT
  // parameter when `with_limit`. Fills `bindings` in parameter order.
  Status BuildQuery(const Query& query, int64_t after, bool with_limit, std::string* sql,
                    std::vector<Binding>* bindings);
  Status BindAll(sqlite3_stmt* stmt, const std::vector<Binding>& bindings);
  Status ReadRow(sqlite3_stmt* stmt, StoredObject* out) const;
  Result<sqlite3_stmt*> CachedQuery(const std::string& sql);

  const std::string path_;
  Clock* const clock_;
  const SqliteOptions options_;
  DbHandle db_handle_;  // declared before the statements: closed after they are finalized
  sqlite3* db_ = nullptr;
  Transaction* open_txn_ = nullptr;

  Stmt begin_;
  Stmt commit_;
  Stmt rollback_;
  Stmt max_added_;
  Stmt source_insert_;
  Stmt source_select_;
  Stmt collection_num_;
  Stmt lookup_;
  Stmt insert_object_;
  Stmt insert_marking_;
  Stmt insert_source_link_;
  Stmt insert_collection_link_;
  Stmt collection_clash_;
  Stmt collection_insert_;
  Stmt collection_find_;
  Stmt collection_list_;
  Stmt api_root_insert_;
  Stmt api_root_find_;
  Stmt api_root_list_;
  Stmt partner_insert_;
  Stmt partner_find_;
  Stmt partner_by_cert_;
  Stmt partner_list_;
  Stmt credential_insert_;
  Stmt credential_find_;  // hot: every authenticated request
  Stmt credential_list_;
  Stmt credential_revoke_;
  Stmt credentials_revoke_;
  Stmt grant_upsert_;
  Stmt grant_delete_;
  Stmt rights_of_;  // hot: every TAXII request
  Stmt grant_list_;
  Stmt status_put_;
  Stmt status_get_;
  Stmt statuses_delete_before_;
  Stmt partner_update_;
  Stmt sync_put_;
  Stmt sync_get_;
  Stmt sync_list_;
  std::unordered_map<std::string, Stmt> query_cache_;
  // sources.id -> (kind, name): rows are only ever added, so an unknown id means "read again".
  std::unordered_map<int64_t, Provenance> source_names_;
};

class SqliteStore::Impl::Transaction final : public WriteTransaction {
 public:
  Transaction(Impl* impl, int64_t source_id, std::vector<int64_t> collections, int64_t last_added)
      : impl_(impl),
        source_id_(source_id),
        collections_(std::move(collections)),
        last_added_(last_added) {}
  ~Transaction() override;

  Result<PutOutcome> Put(const stix::Object& object) override;
  Status Commit() override;

  // The store is closing: roll back and forget it.
  void Detach();

 private:
  // Records that `date_added` came from this transaction's source and collections.
  Status AddLinks(int64_t date_added);
  // Remembers a storage error: the transaction can no longer commit.
  Status Fail(Status status);
  void End();

  Impl* impl_;
  const int64_t source_id_;
  const std::vector<int64_t> collections_;
  int64_t last_added_;  // the greatest date_added in the file, this transaction's included
  Status failed_;
  bool ended_ = false;
};

// ---------------------------------------------------------------------------------------------
// Opening, errors, migrations.

SqliteStore::Impl::~Impl() {
  if (open_txn_ != nullptr) open_txn_->Detach();
}

Status SqliteStore::Impl::SqlError(int rc, std::string_view doing) const {
  std::string message = path_ + ": " + std::string(doing) + ": ";
  message += db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Unavailable(message + " (another process held the database for longer than " +
                         std::to_string(options_.busy_timeout_ms) + " ms; retry later)");
    case SQLITE_FULL:
      return IoError(message + " (free some disk space and retry)");
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
      return IoError(message);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Corruption(message);
    case SQLITE_NOMEM:
    case SQLITE_TOOBIG:
      return ResourceExhausted(message);
    default:
      return Internal(message);
  }
}

Result<Stmt> SqliteStore::Impl::Prepare(std::string_view sql, bool persistent) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              persistent ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqlError(rc, "preparing \"" + std::string(sql.substr(0, 80)) + "\"");
  }
  return Stmt(stmt);
}

Status SqliteStore::Impl::Exec(const char* sql, std::string_view doing) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqlError(rc, doing);
  return Status::Ok();
}

Result<int64_t> SqliteStore::Impl::PragmaInt(const char* sql) {
  CONCORD_ASSIGN_OR_RETURN(Stmt stmt, Prepare(sql, false));
  int rc = sqlite3_step(stmt.get());
  if (rc != SQLITE_ROW) return SqlError(rc, std::string("reading ") + sql);
  return sqlite3_column_int64(stmt.get(), 0);
}

Status SqliteStore::Impl::Step(const Stmt& stmt, std::string_view doing) {
  ResetOnExit reset(stmt.get());
  int rc = sqlite3_step(stmt.get());
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return SqlError(rc, doing);
  return Status::Ok();
}

void SqliteStore::Impl::Rollback() {
  // Sources added by the rolled-back transaction are gone, and their ids may be given to other
  // sources later: forget what was read of them.
  source_names_.clear();
  // SQLite rolls back by itself after some errors (a full disk, for one).
  if (sqlite3_get_autocommit(db_)) return;
  Status ignored = Step(rollback_, "rolling back");
  (void)ignored;
}

Status SqliteStore::Impl::Init() {
  // SQLite's memory statistics take one process-wide mutex on every allocation: with a
  // connection per server thread that lock is contended on every statement. Concord reads no
  // statistics, so they are off (must precede sqlite3_initialize; later calls are ignored).
  static std::once_flag memstatus_off;
  std::call_once(memstatus_off, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  int rc =
      sqlite3_open_v2(path_.c_str(), &db_handle_.db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  db_ = db_handle_.db;
  if (rc != SQLITE_OK) return SqlError(rc, "opening the database");
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, options_.busy_timeout_ms);
  if (sqlite3_db_readonly(db_, "main") == 1) {
    return IoError(path_ +
                   " can only be opened read-only; the store needs write access to it and "
                   "to its directory");
  }

  // Identify the file before changing anything in it. The first read is where SQLite notices a
  // file that is not a database at all.
  Result<int64_t> app_id = PragmaInt("PRAGMA application_id");
  if (!app_id.ok()) {
    return Status(app_id.status().code(),
                  app_id.status().message() + " (is this a Concord store?)");
  }
  CONCORD_ASSIGN_OR_RETURN(int64_t version, PragmaInt("PRAGMA user_version"));
  if (*app_id != 0 && *app_id != kApplicationId) {
    return FailedPrecondition(path_ +
                              " is a SQLite database of another application, not a Concord store");
  }
  if (*app_id == 0) {
    CONCORD_ASSIGN_OR_RETURN(int64_t tables, PragmaInt("SELECT COUNT(*) FROM sqlite_schema"));
    if (tables != 0 || version != 0) {
      return FailedPrecondition(
          path_ + " is a SQLite database but not a Concord store; choose another file");
    }
  }
  if (version > kCurrentSchemaVersion) {
    return FailedPrecondition(path_ + " was created by a newer Concord (schema version " +
                              std::to_string(version) + "; this build knows up to " +
                              std::to_string(kCurrentSchemaVersion) +
                              "); upgrade Concord to open it");
  }

  std::string cache = "PRAGMA cache_size = -" + std::to_string(std::max(options_.cache_kib, 0));
  CONCORD_RETURN_IF_ERROR(Exec(cache.c_str(), "setting the cache size"));
  {
    CONCORD_ASSIGN_OR_RETURN(Stmt wal, Prepare("PRAGMA journal_mode = WAL", false));
    rc = sqlite3_step(wal.get());
    if (rc != SQLITE_ROW) return SqlError(rc, "switching to WAL mode");
    std::string_view mode = ColumnText(wal.get(), 0);
    // An in-memory database (":memory:") cannot use a WAL; that is fine for tests.
    if (mode != "wal" && mode != "memory") {
      return IoError(path_ + ": cannot use write-ahead logging (journal mode stays \"" +
                     std::string(mode) +
                     "\"); put the store on a local file system that supports shared memory");
    }
  }
  CONCORD_RETURN_IF_ERROR(Exec("PRAGMA synchronous = NORMAL", "setting synchronous mode"));
  std::string limit = "PRAGMA journal_size_limit = " + std::to_string(kJournalSizeLimit);
  CONCORD_RETURN_IF_ERROR(Exec(limit.c_str(), "limiting the WAL size"));
  CONCORD_RETURN_IF_ERROR(Exec("PRAGMA foreign_keys = ON", "enabling foreign keys"));
  // Migrating takes the write lock; a file already at this version is opened without it, so that
  // opening never waits for another process's import.
  if (version < kCurrentSchemaVersion) CONCORD_RETURN_IF_ERROR(Migrate());
  return PrepareStatements();
}

Status SqliteStore::Impl::Migrate() {
  CONCORD_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE", "starting the schema migration"));
  auto fail = [this](Status status) {
    Rollback();
    return status;
  };
  // Read again under the write lock: another process may have migrated the file meanwhile.
  Result<int64_t> version = PragmaInt("PRAGMA user_version");
  if (!version.ok()) return fail(version.status());
  if (*version > kCurrentSchemaVersion) {
    return fail(FailedPrecondition(path_ + " was created by a newer Concord (schema version " +
                                   std::to_string(*version) + "); upgrade Concord to open it"));
  }
  if (*version < kCurrentSchemaVersion) {
    for (const Migration& step : kMigrations) {
      if (step.version <= *version) continue;
      Status status =
          Exec(step.sql, "migrating the schema to version " + std::to_string(step.version));
      if (!status.ok()) return fail(status);
    }
    std::string set_version = "PRAGMA user_version = " + std::to_string(kCurrentSchemaVersion) +
                              "; PRAGMA application_id = " + std::to_string(kApplicationId);
    Status status = Exec(set_version.c_str(), "recording the schema version");
    if (!status.ok()) return fail(status);
  }
  return Exec("COMMIT", "committing the schema migration");
}

Status SqliteStore::Impl::PrepareStatements() {
  struct Entry {
    Stmt* stmt;
    const char* sql;
  };
  const Entry entries[] = {
      {&begin_, "BEGIN IMMEDIATE"},
      {&commit_, "COMMIT"},
      {&rollback_, "ROLLBACK"},
      {&max_added_, "SELECT MAX(date_added) FROM objects"},
      {&source_insert_, "INSERT OR IGNORE INTO sources(kind, name) VALUES(?1, ?2)"},
      {&source_select_, "SELECT id FROM sources WHERE kind = ?1 AND name = ?2"},
      {&collection_num_, "SELECT num FROM collections WHERE id = ?1"},
      {&lookup_,
       "SELECT date_added, version, digest, revoked FROM objects WHERE id = ?1 AND version <= ?2"},
      {&insert_object_,
       "INSERT INTO objects(date_added, id, type, version, revoked, tlp, spec_version, digest, "
       "json) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"},
      {&insert_marking_,
       "INSERT INTO object_markings(marking_ref, date_added, scope) VALUES(?1, ?2, ?3) "
       "ON CONFLICT(marking_ref, date_added) DO UPDATE SET scope = scope | excluded.scope"},
      {&insert_source_link_,
       "INSERT OR IGNORE INTO object_sources(date_added, source_id) VALUES(?1, ?2)"},
      {&insert_collection_link_,
       "INSERT OR IGNORE INTO collection_objects(collection_num, date_added) VALUES(?1, ?2)"},
      {&collection_clash_,
       "SELECT id, alias FROM collections WHERE id IN (?1, ?2) OR alias IN (?1, ?2) LIMIT 1"},
      {&collection_insert_,
       "INSERT INTO collections(id, alias, title, description, created, api_root) "
       "VALUES(?1, ?2, ?3, ?4, ?5, ?6)"},
      {&collection_find_,
       "SELECT id, alias, title, description, api_root FROM collections WHERE id = ?1 OR "
       "alias = ?1 ORDER BY id = ?1 DESC LIMIT 1"},
      {&collection_list_,
       "SELECT id, alias, title, description, api_root FROM collections ORDER BY num"},
      {&api_root_insert_,
       "INSERT INTO api_roots(name, title, description, created) VALUES(?1, ?2, ?3, ?4) "
       "ON CONFLICT DO NOTHING"},
      {&api_root_find_, "SELECT name, title, description FROM api_roots WHERE name = ?1"},
      {&api_root_list_, "SELECT name, title, description FROM api_roots ORDER BY rowid"},
      {&partner_insert_,
       "INSERT INTO partners(name, identity_id, cert_sha256, created) VALUES(?1, ?2, ?3, ?4) "
       "ON CONFLICT DO NOTHING"},
      {&partner_find_, "SELECT name, identity_id, cert_sha256 FROM partners WHERE name = ?1"},
      {&partner_by_cert_,
       "SELECT name, identity_id, cert_sha256 FROM partners WHERE cert_sha256 = ?1"},
      {&partner_list_, "SELECT name, identity_id, cert_sha256 FROM partners ORDER BY name"},
      {&credential_insert_,
       "INSERT INTO credentials(token_id, partner, hash, created, revoked) "
       "VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING"},
      {&credential_find_,
       "SELECT token_id, partner, hash, created, revoked FROM credentials WHERE token_id = ?1"},
      {&credential_list_,
       "SELECT token_id, partner, hash, created, revoked FROM credentials WHERE partner = ?1 "
       "ORDER BY created, token_id"},
      {&credential_revoke_, "UPDATE credentials SET revoked = 1 WHERE token_id = ?1"},
      {&credentials_revoke_,
       "UPDATE credentials SET revoked = 1 WHERE partner = ?1 AND revoked = 0"},
      {&grant_upsert_,
       "INSERT INTO grants(partner, collection_num, can_read, can_write) VALUES(?1, ?2, ?3, ?4) "
       "ON CONFLICT(partner, collection_num) DO UPDATE SET can_read = excluded.can_read, "
       "can_write = excluded.can_write"},
      {&grant_delete_, "DELETE FROM grants WHERE partner = ?1 AND collection_num = ?2"},
      // Two unique-key lookups: collections(id), then grants(partner, collection_num).
      {&rights_of_,
       "SELECT g.can_read, g.can_write FROM collections c JOIN grants g ON g.collection_num = "
       "c.num WHERE c.id = ?2 AND g.partner = ?1"},
      {&grant_list_,
       "SELECT g.partner, c.id, g.can_read, g.can_write FROM grants g JOIN collections c ON "
       "c.num = g.collection_num ORDER BY g.partner, c.num"},
      {&status_put_,
       "INSERT INTO statuses(id, partner, request_us, json) VALUES(?1, ?2, ?3, ?4) "
       "ON CONFLICT(id) DO UPDATE SET partner = excluded.partner, request_us = "
       "excluded.request_us, json = excluded.json"},
      {&status_get_, "SELECT id, partner, request_us, json FROM statuses WHERE id = ?1"},
      {&statuses_delete_before_, "DELETE FROM statuses WHERE request_us < ?1"},
      {&partner_update_,
       "UPDATE OR IGNORE partners SET identity_id = ?2, cert_sha256 = ?3 WHERE name = ?1"},
      {&sync_put_,
       "INSERT INTO sync_state(partner, direction, collection, cursor, last_attempt, "
       "last_success, last_error, consecutive_failures, objects, rejected) VALUES(?1, ?2, ?3, ?4, "
       "?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(partner, direction, collection) DO UPDATE SET "
       "cursor = excluded.cursor, last_attempt = excluded.last_attempt, last_success = "
       "excluded.last_success, last_error = excluded.last_error, consecutive_failures = "
       "excluded.consecutive_failures, objects = excluded.objects, rejected = excluded.rejected"},
      {&sync_get_,
       "SELECT partner, direction, collection, cursor, last_attempt, last_success, last_error, "
       "consecutive_failures, objects, rejected FROM sync_state WHERE partner = ?1 AND "
       "direction = ?2 AND collection = ?3"},
      {&sync_list_,
       "SELECT partner, direction, collection, cursor, last_attempt, last_success, last_error, "
       "consecutive_failures, objects, rejected FROM sync_state ORDER BY partner, direction, "
       "collection"},
  };
  for (const Entry& entry : entries) {
    CONCORD_ASSIGN_OR_RETURN(*entry.stmt, Prepare(entry.sql, true));
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Writing.

Result<std::unique_ptr<WriteTransaction>> SqliteStore::Impl::BeginWrite(
    const Provenance& source, const std::vector<std::string>& collections) {
  if (open_txn_ != nullptr) {
    return FailedPrecondition(path_ +
                              ": a write transaction is already open on this store; commit or "
                              "destroy it before beginning another");
  }
  if (source.kind.empty()) {
    return InvalidArgument(
        "a write transaction needs a provenance kind (\"file\", \"stdin\", ...)");
  }
  CONCORD_RETURN_IF_ERROR(Step(begin_, "starting a write transaction"));
  auto fail = [this](Status status) {
    Rollback();
    return status;
  };

  // The greatest date_added so far, read under the write lock: every process writing to the file
  // continues from it, so date_added grows strictly whoever writes.
  int64_t last_added = std::numeric_limits<int64_t>::min();
  {
    ResetOnExit reset(max_added_.get());
    int rc = sqlite3_step(max_added_.get());
    if (rc != SQLITE_ROW) return fail(SqlError(rc, "reading the last date_added"));
    if (sqlite3_column_type(max_added_.get(), 0) != SQLITE_NULL) {
      last_added = sqlite3_column_int64(max_added_.get(), 0);
    }
  }

  int64_t source_id = 0;
  {
    ResetOnExit reset(source_insert_.get());
    BindText(source_insert_.get(), 1, source.kind);
    BindText(source_insert_.get(), 2, source.name);
    int rc = sqlite3_step(source_insert_.get());
    if (rc != SQLITE_DONE) return fail(SqlError(rc, "recording the source " + source.name));
  }
  {
    ResetOnExit reset(source_select_.get());
    BindText(source_select_.get(), 1, source.kind);
    BindText(source_select_.get(), 2, source.name);
    int rc = sqlite3_step(source_select_.get());
    if (rc != SQLITE_ROW) return fail(SqlError(rc, "looking up the source " + source.name));
    source_id = sqlite3_column_int64(source_select_.get(), 0);
  }

  std::vector<int64_t> nums;
  nums.reserve(collections.size());
  for (const std::string& id : collections) {
    ResetOnExit reset(collection_num_.get());
    BindText(collection_num_.get(), 1, id);
    int rc = sqlite3_step(collection_num_.get());
    if (rc == SQLITE_DONE) {
      return fail(
          NotFound("collection " + id + " does not exist in " + path_ + "; create it first"));
    }
    if (rc != SQLITE_ROW) return fail(SqlError(rc, "looking up collection " + id));
    int64_t num = sqlite3_column_int64(collection_num_.get(), 0);
    if (std::find(nums.begin(), nums.end(), num) == nums.end()) nums.push_back(num);
  }

  auto txn = std::make_unique<Transaction>(this, source_id, std::move(nums), last_added);
  open_txn_ = txn.get();
  return std::unique_ptr<WriteTransaction>(std::move(txn));
}

SqliteStore::Impl::Transaction::~Transaction() {
  if (impl_ != nullptr && !ended_) {
    impl_->Rollback();
    End();
  }
}

void SqliteStore::Impl::Transaction::Detach() {
  if (!ended_) {
    impl_->Rollback();
    End();
  }
  impl_ = nullptr;
}

void SqliteStore::Impl::Transaction::End() {
  ended_ = true;
  impl_->open_txn_ = nullptr;
}

Status SqliteStore::Impl::Transaction::Fail(Status status) {
  if (failed_.ok()) failed_ = status;
  return status;
}

Status SqliteStore::Impl::Transaction::AddLinks(int64_t date_added) {
  {
    sqlite3_stmt* stmt = impl_->insert_source_link_.get();
    ResetOnExit reset(stmt);
    sqlite3_bind_int64(stmt, 1, date_added);
    sqlite3_bind_int64(stmt, 2, source_id_);
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) return impl_->SqlError(rc, "recording provenance");
  }
  for (int64_t num : collections_) {
    sqlite3_stmt* stmt = impl_->insert_collection_link_.get();
    ResetOnExit reset(stmt);
    sqlite3_bind_int64(stmt, 1, num);
    sqlite3_bind_int64(stmt, 2, date_added);
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) return impl_->SqlError(rc, "recording collection membership");
  }
  return Status::Ok();
}

Result<PutOutcome> SqliteStore::Impl::Transaction::Put(const stix::Object& object) {
  if (impl_ == nullptr) {
    return FailedPrecondition("the store was closed before this write transaction ended");
  }
  if (ended_) return FailedPrecondition(impl_->path_ + ": this write transaction has ended");
  if (!failed_.ok()) {
    return Status(failed_.code(), "the write transaction failed earlier and will be rolled back: " +
                                      failed_.message());
  }
  if (object.id.empty() || object.type.empty()) {
    return InvalidArgument("cannot store an object without an id and a type");
  }

  // Everything is checked before anything is written, so a refused object leaves no rows.
  // Stored versions up to this one: this very version, and earlier revoked ones.
  bool exists = false;
  bool same_content = false;
  int64_t existing_added = 0;
  std::string revoked_version;
  bool revoked_before = false;
  {
    sqlite3_stmt* stmt = impl_->lookup_.get();
    ResetOnExit reset(stmt);
    BindText(stmt, 1, object.id);
    BindText(stmt, 2, object.version);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::string_view version = ColumnText(stmt, 1);
      if (version == object.version) {
        exists = true;
        existing_added = sqlite3_column_int64(stmt, 0);
        const void* digest = sqlite3_column_blob(stmt, 2);
        same_content =
            sqlite3_column_bytes(stmt, 2) == static_cast<int>(object.content_digest.size()) &&
            std::memcmp(digest, object.content_digest.data(), object.content_digest.size()) == 0;
      } else if (sqlite3_column_int(stmt, 3) != 0 && !revoked_before) {
        revoked_before = true;
        revoked_version.assign(version);
      }
    }
    if (rc != SQLITE_DONE) return impl_->SqlError(rc, "looking up " + object.id);
  }

  if (exists) {
    if (!same_content) {
      if (object.version.empty()) {
        return Conflict(object.id +
                        " is already stored with different content; an unversioned object "
                        "cannot change");
      }
      return Conflict(Describe(object.id, object.version) +
                      " is already stored with different content; a changed object needs a "
                      "new `modified`");
    }
    CONCORD_RETURN_IF_ERROR(Fail(AddLinks(existing_added)));
    return PutOutcome::kDuplicate;
  }
  if (revoked_before) {
    return FailedPrecondition(object.id + " was revoked at version " +
                              DisplayVersion(revoked_version) +
                              "; revoked objects cannot get new versions (refused version " +
                              DisplayVersion(object.version) + ")");
  }

  if (last_added_ == std::numeric_limits<int64_t>::max()) {
    return ResourceExhausted(impl_->path_ + ": date_added cannot grow any further");
  }
  const int64_t date_added = std::max(impl_->clock_->Now().ToMicros(), last_added_ + 1);

  // From here on a failure is a storage error that may have left rows behind: the transaction
  // is spoiled and Commit rolls it back.
  {
    sqlite3_stmt* stmt = impl_->insert_object_.get();
    ResetOnExit reset(stmt);
    sqlite3_bind_int64(stmt, 1, date_added);
    BindText(stmt, 2, object.id);
    BindText(stmt, 3, object.type);
    BindText(stmt, 4, object.version);
    sqlite3_bind_int(stmt, 5, object.revoked ? 1 : 0);
    sqlite3_bind_int(stmt, 6, static_cast<int>(object.tlp));
    BindText(stmt, 7, object.spec_version);
    sqlite3_bind_blob(stmt, 8, object.content_digest.data(),
                      static_cast<int>(object.content_digest.size()), SQLITE_STATIC);
    BindText(stmt, 9, object.json);
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) {
      return Fail(impl_->SqlError(rc, "storing " + Describe(object.id, object.version)));
    }
  }
  auto add_markings = [&](const std::vector<std::string>& refs, int scope) -> Status {
    sqlite3_stmt* stmt = impl_->insert_marking_.get();
    for (const std::string& ref : refs) {
      ResetOnExit reset(stmt);
      BindText(stmt, 1, ref);
      sqlite3_bind_int64(stmt, 2, date_added);
      sqlite3_bind_int(stmt, 3, scope);
      int rc = sqlite3_step(stmt);
      if (rc != SQLITE_DONE) {
        return impl_->SqlError(rc,
                               "storing the markings of " + Describe(object.id, object.version));
      }
    }
    return Status::Ok();
  };
  CONCORD_RETURN_IF_ERROR(Fail(add_markings(object.object_marking_refs, kScopeObject)));
  CONCORD_RETURN_IF_ERROR(Fail(add_markings(object.granular_marking_refs, kScopeGranular)));
  CONCORD_RETURN_IF_ERROR(Fail(AddLinks(date_added)));
  last_added_ = date_added;
  return PutOutcome::kAdded;
}

Status SqliteStore::Impl::Transaction::Commit() {
  if (impl_ == nullptr) {
    return FailedPrecondition("the store was closed before this write transaction ended");
  }
  if (ended_) return FailedPrecondition(impl_->path_ + ": this write transaction has ended");
  if (!failed_.ok()) {
    impl_->Rollback();
    End();
    return Status(failed_.code(),
                  "nothing of the write transaction was stored: " + failed_.message());
  }
  Status status = impl_->Step(impl_->commit_, "committing");
  if (!status.ok()) {
    impl_->Rollback();
    End();
    return Status(status.code(),
                  "nothing of the write transaction was stored: " + status.message());
  }
  End();
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Reading.

Status SqliteStore::Impl::BuildQuery(const Query& query, int64_t after, bool with_limit,
                                     std::string* sql, std::vector<Binding>* bindings) {
  size_t values = query.ids.size() + query.types.size() + query.versions.size();
  if (values > kMaxQueryValues) {
    return InvalidArgument("a query may name at most " + std::to_string(kMaxQueryValues) +
                           " ids, types and versions together (got " + std::to_string(values) +
                           ")");
  }
  auto bind_int = [&](int64_t v) { bindings->push_back(Binding{true, v, {}}); };
  auto bind_text = [&](std::string_view v) { bindings->push_back(Binding{false, 0, v}); };
  auto in_list = [&](const std::vector<std::string>& list) {
    *sql += " IN (";
    for (size_t i = 0; i < list.size(); ++i) {
      *sql += i == 0 ? "?" : ",?";
      bind_text(list[i]);
    }
    *sql += ")";
  };

  // The rows come in date_added order from whichever table drives the query: a collection's
  // member list, a marking's object list, or the objects table itself. Each is keyed by
  // date_added, so paging is a range seek with no sorting (except for several types or ids).
  *sql = "SELECT o.id, o.type, o.version, o.date_added, o.revoked, o.tlp, o.json FROM ";
  const char* order = "o.date_added";
  bool marking_joined = false;
  if (!query.collection.empty()) {
    CONCORD_ASSIGN_OR_RETURN(int64_t num, CollectionNum(query.collection));
    *sql +=
        "collection_objects c JOIN objects o ON o.date_added = c.date_added WHERE "
        "c.collection_num = ? AND c.date_added > ?";
    bind_int(num);
    bind_int(after);
    order = "c.date_added";
  } else if (!query.marking.empty()) {
    *sql +=
        "object_markings m JOIN objects o ON o.date_added = m.date_added WHERE "
        "m.marking_ref = ? AND m.date_added > ?";
    bind_text(query.marking);
    bind_int(after);
    order = "m.date_added";
    marking_joined = true;
  } else {
    *sql += "objects o WHERE o.date_added > ?";
    bind_int(after);
  }
  if (!query.marking.empty() && !marking_joined) {
    *sql +=
        " AND EXISTS (SELECT 1 FROM object_markings m WHERE m.marking_ref = ? AND "
        "m.date_added = o.date_added)";
    bind_text(query.marking);
  }
  if (!query.ids.empty()) {
    *sql += " AND o.id";
    in_list(query.ids);
  }
  if (!query.types.empty()) {
    *sql += " AND o.type";
    in_list(query.types);
  }

  AppendVersionTerm(query.versions, sql, bindings);
  if (!query.include_revoked) {
    *sql +=
        " AND NOT (SELECT v.revoked FROM objects v WHERE v.id = o.id ORDER BY v.version DESC "
        "LIMIT 1)";
  }
  *sql += " ORDER BY ";
  *sql += order;
  if (with_limit) *sql += " LIMIT ?";
  return Status::Ok();
}

Status SqliteStore::Impl::BindAll(sqlite3_stmt* stmt, const std::vector<Binding>& bindings) {
  for (size_t i = 0; i < bindings.size(); ++i) {
    int index = static_cast<int>(i + 1);
    int rc = bindings[i].is_int
                 ? sqlite3_bind_int64(stmt, index, bindings[i].int_value)
                 : sqlite3_bind_text64(stmt, index,
                                       bindings[i].text.empty() ? "" : bindings[i].text.data(),
                                       bindings[i].text.size(), SQLITE_STATIC, SQLITE_UTF8);
    if (rc != SQLITE_OK) return SqlError(rc, "binding query parameters");
  }
  return Status::Ok();
}

Status SqliteStore::Impl::ReadRow(sqlite3_stmt* stmt, StoredObject* out) const {
  out->id.assign(ColumnText(stmt, 0));
  out->type.assign(ColumnText(stmt, 1));
  out->version.assign(ColumnText(stmt, 2));
  out->date_added_us = sqlite3_column_int64(stmt, 3);
  out->revoked = sqlite3_column_int(stmt, 4) != 0;
  int tlp = sqlite3_column_int(stmt, 5);
  if (tlp < 0 || tlp > static_cast<int>(stix::Tlp::kRed)) {
    return Corruption(path_ + ": " + out->id + " has an unknown TLP level " + std::to_string(tlp));
  }
  out->tlp = static_cast<stix::Tlp>(tlp);
  out->json.assign(ColumnText(stmt, 6));
  return Status::Ok();
}

Result<sqlite3_stmt*> SqliteStore::Impl::CachedQuery(const std::string& sql) {
  auto it = query_cache_.find(sql);
  if (it != query_cache_.end()) return it->second.get();
  if (query_cache_.size() >= kMaxCachedQueries) query_cache_.clear();
  CONCORD_ASSIGN_OR_RETURN(Stmt stmt, Prepare(sql, true));
  sqlite3_stmt* raw = stmt.get();
  query_cache_.emplace(sql, std::move(stmt));
  return raw;
}

Result<Page> SqliteStore::Impl::Find(const Query& query, size_t limit, std::string_view cursor) {
  if (limit == 0 || limit > kMaxPageLimit) {
    return InvalidArgument("page limit " + std::to_string(limit) + " is out of range 1.." +
                           std::to_string(kMaxPageLimit));
  }
  int64_t after = std::numeric_limits<int64_t>::min();
  if (!cursor.empty()) {
    CONCORD_ASSIGN_OR_RETURN(after, DecodeCursor(cursor));
  }
  if (query.added_after.has_value()) after = std::max(after, query.added_after->ToMicros());

  std::string sql;
  std::vector<Binding> bindings;
  CONCORD_RETURN_IF_ERROR(BuildQuery(query, after, /*with_limit=*/true, &sql, &bindings));
  bindings.push_back(Binding{true, static_cast<int64_t>(limit) + 1, {}});
  CONCORD_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, CachedQuery(sql));
  ResetOnExit reset(stmt);
  CONCORD_RETURN_IF_ERROR(BindAll(stmt, bindings));

  Page page;
  page.objects.reserve(std::min<size_t>(limit, 256));
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    if (page.objects.size() == limit) {
      page.more = true;
      break;
    }
    CONCORD_RETURN_IF_ERROR(ReadRow(stmt, &page.objects.emplace_back()));
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqlError(rc, "reading objects");
  page.next_cursor =
      page.objects.empty() ? std::string(cursor) : EncodeCursor(page.objects.back().date_added_us);
  return page;
}

Status SqliteStore::Impl::Scan(const Query& query,
                               const std::function<Status(const StoredObject&)>& fn) {
  int64_t after = std::numeric_limits<int64_t>::min();
  if (query.added_after.has_value()) after = query.added_after->ToMicros();
  std::string sql;
  std::vector<Binding> bindings;
  CONCORD_RETURN_IF_ERROR(BuildQuery(query, after, /*with_limit=*/false, &sql, &bindings));
  // A statement of its own, not a cached one: `fn` may query the store while this one runs.
  CONCORD_ASSIGN_OR_RETURN(Stmt stmt, Prepare(sql, false));
  CONCORD_RETURN_IF_ERROR(BindAll(stmt.get(), bindings));
  StoredObject row;
  int rc;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    CONCORD_RETURN_IF_ERROR(ReadRow(stmt.get(), &row));
    CONCORD_RETURN_IF_ERROR(fn(row));
  }
  if (rc != SQLITE_DONE) return SqlError(rc, "reading objects");
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Collections.

namespace {

Collection ReadCollection(sqlite3_stmt* stmt) {
  Collection c;
  c.id.assign(ColumnText(stmt, 0));
  c.alias.assign(ColumnText(stmt, 1));
  c.title.assign(ColumnText(stmt, 2));
  c.description.assign(ColumnText(stmt, 3));
  c.api_root.assign(ColumnText(stmt, 4));
  return c;
}

}  // namespace

Result<Collection> SqliteStore::Impl::CreateCollection(Collection collection) {
  if (open_txn_ != nullptr) {
    return FailedPrecondition(path_ +
                              ": cannot create a collection while a write transaction is open; "
                              "create it before beginning the transaction");
  }
  if (collection.id.empty()) {
    collection.id = NewUuidV4().ToString();
  } else if (Result<Uuid> uuid = ParseUuid(collection.id); !uuid.ok()) {
    return InvalidArgument("collection id \"" + collection.id +
                           "\" is not a lowercase UUID: " + uuid.status().message());
  }
  // API roots are never deleted, so the root cannot vanish before the insert below.
  if (Result<ApiRoot> root = FindApiRoot(collection.api_root); !root.ok()) {
    return root.status().WithPrefix("cannot create collection " + collection.id);
  }
  CONCORD_RETURN_IF_ERROR(Step(begin_, "creating collection " + collection.id));
  auto fail = [this](Status status) {
    Rollback();
    return status;
  };
  // Ids and aliases share one namespace, so that FindCollection is never ambiguous.
  {
    sqlite3_stmt* stmt = collection_clash_.get();
    ResetOnExit reset(stmt);
    BindText(stmt, 1, collection.id);
    BindTextOrNull(stmt, 2, collection.alias);
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      std::string id(ColumnText(stmt, 0));
      std::string_view alias = ColumnText(stmt, 1);
      if (id == collection.id) {
        return fail(AlreadyExists("a collection with id " + collection.id + " already exists"));
      }
      if (alias == collection.id) {
        return fail(AlreadyExists(collection.id + " is already the alias of collection " + id));
      }
      return fail(AlreadyExists("the alias \"" + collection.alias +
                                "\" is already taken by collection " + id +
                                "; choose another alias"));
    }
    if (rc != SQLITE_DONE) return fail(SqlError(rc, "checking collection " + collection.id));
  }
  {
    sqlite3_stmt* stmt = collection_insert_.get();
    ResetOnExit reset(stmt);
    BindText(stmt, 1, collection.id);
    BindTextOrNull(stmt, 2, collection.alias);
    BindText(stmt, 3, collection.title);
    BindText(stmt, 4, collection.description);
    sqlite3_bind_int64(stmt, 5, clock_->Now().ToMicros());
    BindText(stmt, 6, collection.api_root);
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) return fail(SqlError(rc, "creating collection " + collection.id));
  }
  Status status = Step(commit_, "creating collection " + collection.id);
  if (!status.ok()) return fail(status);
  return collection;
}

Result<Collection> SqliteStore::Impl::FindCollection(std::string_view id_or_alias) {
  sqlite3_stmt* stmt = collection_find_.get();
  ResetOnExit reset(stmt);
  BindText(stmt, 1, id_or_alias);
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) return ReadCollection(stmt);
  if (rc == SQLITE_DONE) {
    return NotFound("no collection with id or alias \"" + std::string(id_or_alias) + "\" in " +
                    path_);
  }
  return SqlError(rc, "looking up collection " + std::string(id_or_alias));
}

Result<std::vector<Collection>> SqliteStore::Impl::ListCollections() {
  sqlite3_stmt* stmt = collection_list_.get();
  ResetOnExit reset(stmt);
  std::vector<Collection> out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) out.push_back(ReadCollection(stmt));
  if (rc != SQLITE_DONE) return SqlError(rc, "listing collections");
  return out;
}

Result<uint64_t> SqliteStore::Impl::RemoveFromCollection(
    std::string_view collection_id, std::string_view object_id,
    const std::vector<VersionFilter>& versions) {
  CONCORD_RETURN_IF_ERROR(RefuseDuringWrite("remove objects from a collection"));
  if (versions.size() > kMaxQueryValues) {
    return InvalidArgument("at most " + std::to_string(kMaxQueryValues) +
                           " version filters may be given (got " + std::to_string(versions.size()) +
                           ")");
  }
  CONCORD_ASSIGN_OR_RETURN(int64_t num, CollectionNum(collection_id));
  // The versions are chosen exactly as Find chooses them for a query with this id and these
  // versions, restricted to the collection's members by the outer condition.
  std::string sql =
      "DELETE FROM collection_objects WHERE collection_num = ? AND date_added IN (SELECT "
      "o.date_added FROM objects o WHERE o.id = ?";
  std::vector<Binding> bindings = {Binding{true, num, {}}, Binding{false, 0, object_id}};
  AppendVersionTerm(versions, &sql, &bindings);
  sql += ")";
  CONCORD_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, CachedQuery(sql));
  ResetOnExit reset(stmt);
  CONCORD_RETURN_IF_ERROR(BindAll(stmt, bindings));
  return StepWrite(stmt, "removing " + QuoteForMessage(object_id) + " from collection " +
                             std::string(collection_id));
}

// ---------------------------------------------------------------------------------------------
// Helpers of the small tables.

Status SqliteStore::Impl::RefuseDuringWrite(std::string_view what) const {
  if (open_txn_ == nullptr) return Status::Ok();
  return FailedPrecondition(path_ + ": cannot " + std::string(what) +
                            " while a write transaction is open on this store; commit or "
                            "destroy the transaction first");
}

Result<bool> SqliteStore::Impl::StepRow(sqlite3_stmt* stmt, std::string_view doing) {
  int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqlError(rc, doing);
}

Result<uint64_t> SqliteStore::Impl::StepWrite(sqlite3_stmt* stmt, std::string_view doing) {
  int rc = sqlite3_step(stmt);
  if (rc != SQLITE_DONE) return SqlError(rc, doing);
  return static_cast<uint64_t>(sqlite3_changes64(db_));
}

Result<int64_t> SqliteStore::Impl::CollectionNum(std::string_view id) {
  sqlite3_stmt* stmt = collection_num_.get();
  ResetOnExit reset(stmt);
  BindText(stmt, 1, id);
  CONCORD_ASSIGN_OR_RETURN(bool found, StepRow(stmt, "looking up collection " + std::string(id)));
  if (!found) {
    return NotFound("collection " + QuoteForMessage(id) + " does not exist in " + path_);
  }
  return sqlite3_column_int64(stmt, 0);
}

template <typename T>
Result<std::vector<T>> SqliteStore::Impl::ReadAll(sqlite3_stmt* stmt, T (*read)(sqlite3_stmt*),
                                                  std::string_view doing) {
  std::vector<T> out;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) out.push_back(read(stmt));
  if (rc != SQLITE_DONE) return SqlError(rc, doing);
  return out;
}

namespace {

ApiRoot ReadApiRoot(sqlite3_stmt* stmt) {
  ApiRoot root;
  root.name.assign(ColumnText(stmt, 0));
  root.title.assign(ColumnText(stmt, 1));
  root.description.assign(ColumnText(stmt, 2));
  return root;
}

Partner ReadPartner(sqlite3_stmt* stmt) {
  Partner partner;
  partner.name.assign(ColumnText(stmt, 0));
  partner.identity_id.assign(ColumnText(stmt, 1));
  partner.cert_sha256.assign(ColumnText(stmt, 2));  // NULL reads as ""
  return partner;
}

Credential ReadCredential(sqlite3_stmt* stmt) {
  Credential credential;
  credential.token_id.assign(ColumnText(stmt, 0));
  credential.partner.assign(ColumnText(stmt, 1));
  credential.hash.assign(ColumnText(stmt, 2));
  credential.created_us = sqlite3_column_int64(stmt, 3);
  credential.revoked = sqlite3_column_int(stmt, 4) != 0;
  return credential;
}

Grant ReadGrant(sqlite3_stmt* stmt) {
  Grant grant;
  grant.partner.assign(ColumnText(stmt, 0));
  grant.collection_id.assign(ColumnText(stmt, 1));
  grant.rights.read = sqlite3_column_int(stmt, 2) != 0;
  grant.rights.write = sqlite3_column_int(stmt, 3) != 0;
  return grant;
}

SyncState ReadSyncState(sqlite3_stmt* stmt) {
  SyncState state;
  state.partner.assign(ColumnText(stmt, 0));
  state.direction.assign(ColumnText(stmt, 1));
  state.collection.assign(ColumnText(stmt, 2));
  state.cursor.assign(ColumnText(stmt, 3));
  state.last_attempt_us = sqlite3_column_int64(stmt, 4);
  state.last_success_us = sqlite3_column_int64(stmt, 5);
  state.last_error.assign(ColumnText(stmt, 6));
  state.consecutive_failures = static_cast<uint64_t>(sqlite3_column_int64(stmt, 7));
  state.objects = static_cast<uint64_t>(sqlite3_column_int64(stmt, 8));
  state.rejected = static_cast<uint64_t>(sqlite3_column_int64(stmt, 9));
  return state;
}

PostStatus ReadStatus(sqlite3_stmt* stmt) {
  PostStatus status;
  status.id.assign(ColumnText(stmt, 0));
  status.partner.assign(ColumnText(stmt, 1));
  status.request_us = sqlite3_column_int64(stmt, 2);
  status.json.assign(ColumnText(stmt, 3));
  return status;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// API roots.

Result<ApiRoot> SqliteStore::Impl::CreateApiRoot(ApiRoot root) {
  CONCORD_RETURN_IF_ERROR(RefuseDuringWrite("create an API root"));
  CONCORD_RETURN_IF_ERROR(CheckApiRootName(root.name));
  sqlite3_stmt* stmt = api_root_insert_.get();
  ResetOnExit reset(stmt);
  BindText(stmt, 1, root.name);
  BindText(stmt, 2, root.title);
  BindText(stmt, 3, root.description);
  sqlite3_bind_int64(stmt, 4, clock_->Now().ToMicros());
  CONCORD_ASSIGN_OR_RETURN(uint64_t added, StepWrite(stmt, "creating API root " + root.name));
  if (added == 0) {
    return AlreadyExists("an API root named \"" + root.name + "\" already exists in " + path_);
  }
  return root;
}

Result<ApiRoot> SqliteStore::Impl::FindApiRoot(std::string_view name) {
  sqlite3_stmt* stmt = api_root_find_.get();
  ResetOnExit reset(stmt);
  BindText(stmt, 1, name);
  CONCORD_ASSIGN_OR_RETURN(bool found, StepRow(stmt, "looking up an API root"));
  if (!found) return NotFound("no API root named " + QuoteForMessage(name) + " in " + path_);
  return ReadApiRoot(stmt);
}

Result<std::vector<ApiRoot>> SqliteStore::Impl::ListApiRoots() {
  sqlite3_stmt* stmt = api_root_list_.get();
  ResetOnExit reset(stmt);
  return ReadAll(stmt, &ReadApiRoot, "listing API roots");
}

// ---------------------------------------------------------------------------------------------
// Partners and credentials.

Result<Partner> SqliteStore::Impl::CreatePartner(Partner partner) {
  CONCORD_RETURN_IF_ERROR(RefuseDuringWrite("create a partner"));
  CONCORD_RETURN_IF_ERROR(CheckPartner(partner));
  {
    sqlite3_stmt* stmt = partner_insert_.get();
    ResetOnExit reset(stmt);
    BindText(stmt, 1, partner.name);
    BindText(stmt, 2, partner.identity_id);
    BindTextOrNull(stmt, 3, partner.cert_sha256);  // NULLs never clash
    sqlite3_bind_int64(stmt, 4, clock_->Now().ToMicros());
    CONCORD_ASSIGN_OR_RETURN(uint64_t added, StepWrite(stmt, "creating partner " + partner.name));
    if (added == 1) return partner;
  }
  // A clash. Partners are never deleted, so the row that clashed is still there.
  if (FindPartner(partner.name).ok()) {
    return AlreadyExists("a partner named " + partner.name + " already exists in " + path_);
  }
  Result<Partner> holder = FindPartnerByCert(partner.cert_sha256);
  if (!holder.ok()) return holder.status();
  return AlreadyExists("the certificate " + partner.cert_sha256 + " is already that of partner " +
                       holder->name + "; a certificate identifies one partner");
}

Result<Partner> SqliteStore::Impl::FindPartner(std::string_view name) {
  sqlite3_stmt* stmt = partner_find_.get();
  ResetOnExit reset(stmt);
  BindText(stmt, 1, name);
  CONCORD_ASSIGN_OR_RETURN(bool found, StepRow(stmt, "looking up a partner"));
  if (!found) return NotFound("no partner named " + QuoteForMessage(name) + " in " + path_);
  return ReadPartner(stmt);
}

Result<Partner> SqliteStore::Impl::FindPartnerByCert(std::string_view cert_sha256) {
  sqlite3_stmt* stmt = partner_by_cert_.get();
  ResetOnExit reset(stmt);
  BindText(stmt, 1, cert_sha256);
  CONCORD_ASSIGN_OR_RETURN(bool found, StepRow(stmt, "looking up a partner by certificate"));
  if (!found) {
    return NotFound("no partner has the certificate " +
                    QuoteForMessage(cert_sha256, kSha256HexDigits + 8) + " in " + path_);
  }
  return ReadPartner(stmt);
}

Result<std::vector<Partner>> SqliteStore::Impl::ListPartners() {
  sqlite3_stmt* stmt = partner_list_.get();
  ResetOnExit reset(stmt);
  return ReadAll(stmt, &ReadPartner, "listing partners");
}

Status SqliteStore::Impl::AddCredential(const Credential& credential) {
  CONCORD_RETURN_IF_ERROR(RefuseDuringWrite("add a credential"));
  if (credential.token_id.empty()) return InvalidArgument("a credential needs a token id");
  if (credential.hash.empty()) {
    return InvalidArgument("credential " + QuoteForMessage(credential.token_id) +
                           " has no secret hash");
  }
  // Partners are never deleted, so the partner cannot vanish before the insert below.
  if (Result<Partner> partner = FindPartner(credential.partner); !partner.ok()) {
    return partner.status().WithPrefix("cannot add credential " +
                                       QuoteForMessage(credential.token_id));
  }
  sqlite3_stmt* stmt = credential_insert_.get();
  ResetOnExit reset(stmt);
  BindText(stmt, 1, credential.token_id);
  BindText(stmt, 2, credential.partner);
  BindText(stmt, 3, credential.hash);
  sqlite3_bind_int64(stmt, 4, credential.created_us);
  sqlite3_bind_int(stmt, 5, credential.revoked ? 1 : 0);
  CONCORD_ASSIGN_OR_RETURN(uint64_t added, StepWrite(stmt, "adding a credential"));
  if (added == 0) {
    return AlreadyExists("a credential with token id " + QuoteForMessage(credential.token_id) +
                         " already exists in " + path_);
  }
  return Status::Ok();
}

Result<Credential> SqliteStore::Impl::FindCredential(std::string_view token_id) {
  sqlite3_stmt* stmt = credential_find_.get();
  ResetOnExit reset(stmt);
  BindText(stmt, 1, token_id);
  CONCORD_ASSIGN_OR_RETURN(bool found, StepRow(stmt, "looking up a credential"));
  if (!found) return NotFound("no credential with token id " + QuoteForMessage(token_id));
  return ReadCredential(stmt);
}

Result<std::vector<Credential>> SqliteStore::Impl::ListCredentials(std::string_view partner) {
  sqlite3_stmt* stmt = credential_list_.get();
  ResetOnExit reset(stmt);
  BindText(stmt, 1, partner);
  return ReadAll(stmt, &ReadCredential, "listing credentials");
}

Status SqliteStore::Impl::RevokeCredential(std::string_view token_id) {
  CONCORD_RETURN_IF_ERROR(RefuseDuringWrite("revoke a credential"));
  sqlite3_stmt* stmt = credential_revoke_.get();
  ResetOnExit reset(stmt);
  BindText(stmt, 1, token_id);
  // An UPDATE counts the rows it matched, so revoking twice is no error.
  CONCORD_ASSIGN_OR_RETURN(uint64_t matched, StepWrite(stmt, "revoking a credential"));
  if (matched == 0) {
    return NotFound("no credential with token id " + QuoteForMessage(token_id) + " in " + path_);
  }
  return Status::Ok();
}

Result<uint64_t> SqliteStore::Impl::RevokeCredentials(std::string_view partner) {
  CONCORD_RETURN_IF_ERROR(RefuseDuringWrite("revoke credentials"));
  sqlite3_stmt* stmt = credentials_revoke_.get();
  ResetOnExit reset(stmt);
  BindText(stmt, 1, partner);
  return StepWrite(stmt, "revoking the credentials of partner " + QuoteForMessage(partner));
}

// ---------------------------------------------------------------------------------------------
// Grants.

Status SqliteStore::Impl::SetGrant(const Grant& grant) {
  CONCORD_RETURN_IF_ERROR(RefuseDuringWrite("change a grant"));
  // Partners and collections are never deleted: both are still there at the write below.
  if (Result<Partner> partner = FindPartner(grant.partner); !partner.ok()) {
    return partner.status().WithPrefix("cannot grant rights");
  }
  Result<int64_t> num = CollectionNum(grant.collection_id);
  if (!num.ok()) return num.status().WithPrefix("cannot grant rights to " + grant.partner);
  const bool remove = !grant.rights.read && !grant.rights.write;
  sqlite3_stmt* stmt = remove ? grant_delete_.get() : grant_upsert_.get();
  ResetOnExit reset(stmt);
  BindText(stmt, 1, grant.partner);
  sqlite3_bind_int64(stmt, 2, *num);
  if (!remove) {
    sqlite3_bind_int(stmt, 3, grant.rights.read ? 1 : 0);
    sqlite3_bind_int(stmt, 4, grant.rights.write ? 1 : 0);
  }
  Result<uint64_t> changed =
      StepWrite(stmt, "setting the rights of " + grant.partner + " on " + grant.collection_id);
  return changed.status();
}

Result<Rights> SqliteStore::Impl::RightsOf(std::string_view partner,
                                           std::string_view collection_id) {
  sqlite3_stmt* stmt = rights_of_.get();
  ResetOnExit reset(stmt);
  BindText(stmt, 1, partner);
  BindText(stmt, 2, collection_id);
  CONCORD_ASSIGN_OR_RETURN(bool found, StepRow(stmt, "reading the rights of a partner"));
  Rights rights;
  if (found) {
    rights.read = sqlite3_column_int(stmt, 0) != 0;
    rights.write = sqlite3_column_int(stmt, 1) != 0;
  }
  return rights;
}

Result<std::vector<Grant>> SqliteStore::Impl::ListGrants() {
  sqlite3_stmt* stmt = grant_list_.get();
  ResetOnExit reset(stmt);
  return ReadAll(stmt, &ReadGrant, "listing grants");
}

// ---------------------------------------------------------------------------------------------
// Status resources.

Status SqliteStore::Impl::PutStatus(const PostStatus& status) {
  CONCORD_RETURN_IF_ERROR(RefuseDuringWrite("store a status resource"));
  if (Result<Uuid> uuid = ParseUuid(status.id); !uuid.ok()) {
    return InvalidArgument("status id " + QuoteForMessage(status.id) +
                           " is not a lowercase UUID: " + uuid.status().message());
  }
  sqlite3_stmt* stmt = status_put_.get();
  ResetOnExit reset(stmt);
  BindText(stmt, 1, status.id);
  BindText(stmt, 2, status.partner);
  sqlite3_bind_int64(stmt, 3, status.request_us);
  BindText(stmt, 4, status.json);
  return StepWrite(stmt, "storing status " + status.id).status();
}

Result<PostStatus> SqliteStore::Impl::GetStatus(std::string_view id) {
  sqlite3_stmt* stmt = status_get_.get();
  ResetOnExit reset(stmt);
  BindText(stmt, 1, id);
  CONCORD_ASSIGN_OR_RETURN(bool found, StepRow(stmt, "looking up a status resource"));
  if (!found) return NotFound("no status resource with id " + QuoteForMessage(id));
  return ReadStatus(stmt);
}

Result<uint64_t> SqliteStore::Impl::DeleteStatusesBefore(int64_t request_us) {
  CONCORD_RETURN_IF_ERROR(RefuseDuringWrite("delete status resources"));
  sqlite3_stmt* stmt = statuses_delete_before_.get();
  ResetOnExit reset(stmt);
  sqlite3_bind_int64(stmt, 1, request_us);
  return StepWrite(stmt, "deleting old status resources");
}

// ---------------------------------------------------------------------------------------------
// Provenance and federation progress.

Status SqliteStore::Impl::UpdatePartner(const Partner& partner) {
  CONCORD_RETURN_IF_ERROR(RefuseDuringWrite("update a partner"));
  CONCORD_RETURN_IF_ERROR(CheckPartner(partner));
  CONCORD_RETURN_IF_ERROR(FindPartner(partner.name).status());
  sqlite3_stmt* stmt = partner_update_.get();
  ResetOnExit reset(stmt);
  BindText(stmt, 1, partner.name);
  BindText(stmt, 2, partner.identity_id);
  BindTextOrNull(stmt, 3, partner.cert_sha256);
  CONCORD_ASSIGN_OR_RETURN(uint64_t changed, StepWrite(stmt, "updating partner " + partner.name));
  if (changed == 1) return Status::Ok();
  // OR IGNORE skipped the row: the certificate is another partner's.
  Result<Partner> holder = FindPartnerByCert(partner.cert_sha256);
  if (!holder.ok()) return holder.status();
  return AlreadyExists("the certificate " + partner.cert_sha256 + " is already that of partner " +
                       holder->name + "; a certificate identifies one partner");
}

Result<std::map<std::string, std::vector<Provenance>>> SqliteStore::Impl::SourcesOf(
    const std::vector<std::string>& ids) {
  // A few statements of fixed sizes (the last id repeated to fill one), each reading many ids
  // in one read transaction: a page of objects costs one or two statements, not one per id.
  // Rows name sources by number; the few sources there are are read once and kept.
  constexpr size_t kSizes[] = {8, 64, 512};
  std::map<std::string, std::vector<Provenance>> out;
  size_t done = 0;
  while (done < ids.size()) {
    const size_t left = ids.size() - done;
    size_t size = kSizes[0];
    for (size_t candidate : kSizes) {
      size = candidate;
      if (candidate >= left) break;
    }
    const size_t take = std::min(left, size);
    std::string sql =
        "SELECT o.id, os.source_id FROM objects o JOIN object_sources os ON os.date_added = "
        "o.date_added WHERE o.id IN (";
    for (size_t i = 0; i < size; ++i) sql += i == 0 ? "?" : ",?";
    sql += ")";
    CONCORD_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, CachedQuery(sql));
    ResetOnExit reset(stmt);
    for (size_t i = 0; i < size; ++i) {
      BindText(stmt, static_cast<int>(i + 1), ids[done + std::min(i, take - 1)]);
    }
    for (;;) {
      CONCORD_ASSIGN_OR_RETURN(bool row, StepRow(stmt, "reading where objects came from"));
      if (!row) break;
      const int64_t source = sqlite3_column_int64(stmt, 1);
      auto known = source_names_.find(source);
      if (known == source_names_.end()) {
        CONCORD_RETURN_IF_ERROR(LoadSourceNames());
        known = source_names_.find(source);
        if (known == source_names_.end()) {
          return Status(StatusCode::kCorruption, path_ + ": object_sources names source " +
                                                     std::to_string(source) +
                                                     ", which is not in sources");
        }
      }
      out[std::string(ColumnText(stmt, 0))].push_back(known->second);
    }
    done += take;
  }
  for (auto& [id, sources] : out) {
    std::sort(sources.begin(), sources.end(), [](const Provenance& a, const Provenance& b) {
      return std::tie(a.kind, a.name) < std::tie(b.kind, b.name);
    });
    sources.erase(std::unique(sources.begin(), sources.end(),
                              [](const Provenance& a, const Provenance& b) {
                                return a.kind == b.kind && a.name == b.name;
                              }),
                  sources.end());
  }
  return out;
}

Status SqliteStore::Impl::LoadSourceNames() {
  CONCORD_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, CachedQuery("SELECT id, kind, name FROM sources"));
  ResetOnExit reset(stmt);
  source_names_.clear();
  for (;;) {
    CONCORD_ASSIGN_OR_RETURN(bool row, StepRow(stmt, "reading the sources"));
    if (!row) break;
    source_names_.emplace(
        sqlite3_column_int64(stmt, 0),
        Provenance{std::string(ColumnText(stmt, 1)), std::string(ColumnText(stmt, 2))});
  }
  return Status::Ok();
}

Status SqliteStore::Impl::PutSyncState(const SyncState& state) {
  CONCORD_RETURN_IF_ERROR(RefuseDuringWrite("record federation progress"));
  if (state.partner.empty() || state.direction.empty() || state.collection.empty()) {
    return InvalidArgument("a sync state needs a partner, a direction and a collection");
  }
  sqlite3_stmt* stmt = sync_put_.get();
  ResetOnExit reset(stmt);
  BindText(stmt, 1, state.partner);
  BindText(stmt, 2, state.direction);
  BindText(stmt, 3, state.collection);
  BindText(stmt, 4, state.cursor);
  sqlite3_bind_int64(stmt, 5, state.last_attempt_us);
  sqlite3_bind_int64(stmt, 6, state.last_success_us);
  BindText(stmt, 7, state.last_error);
  sqlite3_bind_int64(stmt, 8, static_cast<int64_t>(state.consecutive_failures));
  sqlite3_bind_int64(stmt, 9, static_cast<int64_t>(state.objects));
  sqlite3_bind_int64(stmt, 10, static_cast<int64_t>(state.rejected));
  return StepWrite(stmt, "recording federation progress with " + state.partner).status();
}

Result<SyncState> SqliteStore::Impl::GetSyncState(std::string_view partner,
                                                  std::string_view direction,
                                                  std::string_view collection) {
  sqlite3_stmt* stmt = sync_get_.get();
  ResetOnExit reset(stmt);
  BindText(stmt, 1, partner);
  BindText(stmt, 2, direction);
  BindText(stmt, 3, collection);
  CONCORD_ASSIGN_OR_RETURN(bool found, StepRow(stmt, "reading federation progress"));
  if (!found) {
    return NotFound("no " + std::string(direction) + " of " + QuoteForMessage(collection) +
                    " with " + QuoteForMessage(partner) + " has been recorded");
  }
  return ReadSyncState(stmt);
}

Result<std::vector<SyncState>> SqliteStore::Impl::ListSyncStates() {
  sqlite3_stmt* stmt = sync_list_.get();
  ResetOnExit reset(stmt);
  return ReadAll(stmt, &ReadSyncState, "listing federation progress");
}

// ---------------------------------------------------------------------------------------------
// Statistics.

Result<Stats> SqliteStore::Impl::GetStats() {
  // One read transaction, so that the counts agree with each other (unless a write transaction
  // of this store is open: then they include its uncommitted rows).
  bool own_txn = sqlite3_get_autocommit(db_) != 0;
  if (own_txn) CONCORD_RETURN_IF_ERROR(Exec("BEGIN", "reading statistics"));
  // Ended by COMMIT, not ROLLBACK: a rollback would abort a Scan running around this call.
  struct EndRead {
    Impl* impl;
    bool active;
    ~EndRead() {
      if (active) (void)impl->Step(impl->commit_, "ending the statistics read");
    }
  } end_read{this, own_txn};

  Stats stats;
  auto run = [&](const char* sql, const std::function<void(sqlite3_stmt*)>& row) -> Status {
    CONCORD_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, CachedQuery(sql));
    ResetOnExit reset(stmt);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) row(stmt);
    if (rc != SQLITE_DONE) return SqlError(rc, "reading statistics");
    return Status::Ok();
  };
  CONCORD_RETURN_IF_ERROR(run("PRAGMA user_version", [&](sqlite3_stmt* s) {
    stats.schema_version = sqlite3_column_int(s, 0);
  }));
  CONCORD_RETURN_IF_ERROR(
      run("SELECT COUNT(*), MIN(date_added), MAX(date_added) FROM objects", [&](sqlite3_stmt* s) {
        stats.versions = static_cast<uint64_t>(sqlite3_column_int64(s, 0));
        if (sqlite3_column_type(s, 1) != SQLITE_NULL) {
          stats.first_added = Timestamp::FromMicros(sqlite3_column_int64(s, 1));
          stats.last_added = Timestamp::FromMicros(sqlite3_column_int64(s, 2));
        }
      }));
  // The latest version of each id (SQLite takes the bare columns from the MAX row).
  CONCORD_RETURN_IF_ERROR(
      run("SELECT type, tlp, revoked, COUNT(*) FROM (SELECT type, tlp, revoked, MAX(version) FROM "
          "objects GROUP BY id) GROUP BY type, tlp, revoked",
          [&](sqlite3_stmt* s) {
            uint64_t n = static_cast<uint64_t>(sqlite3_column_int64(s, 3));
            int tlp = sqlite3_column_int(s, 1);
            std::string tlp_name = tlp >= 0 && tlp <= static_cast<int>(stix::Tlp::kRed)
                                       ? std::string(stix::TlpName(static_cast<stix::Tlp>(tlp)))
                                       : "unknown (" + std::to_string(tlp) + ")";
            stats.objects += n;
            stats.by_type[std::string(ColumnText(s, 0))] += n;
            stats.by_tlp[tlp_name] += n;
            if (sqlite3_column_int(s, 2) != 0) stats.revoked += n;
          }));
  CONCORD_RETURN_IF_ERROR(
      run("SELECT s.kind, s.name, COUNT(*) FROM object_sources l JOIN sources s ON s.id = "
          "l.source_id GROUP BY s.id",
          [&](sqlite3_stmt* s) {
            std::string key(ColumnText(s, 0));
            key += ':';
            key += ColumnText(s, 1);
            stats.by_source[key] += static_cast<uint64_t>(sqlite3_column_int64(s, 2));
          }));
  CONCORD_RETURN_IF_ERROR(run("SELECT COUNT(*) FROM collections", [&](sqlite3_stmt* s) {
    stats.collections = static_cast<uint64_t>(sqlite3_column_int64(s, 0));
  }));

  for (const char* suffix : {"", "-wal"}) {
    std::error_code ec;
    uintmax_t size = std::filesystem::file_size(path_ + suffix, ec);
    if (!ec) stats.bytes_on_disk += size;
  }
  return stats;
}

// ---------------------------------------------------------------------------------------------
// SqliteStore.

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, Clock* clock,
                                                       SqliteOptions options) {
  if (path.empty()) return InvalidArgument("no store path given");
  if (clock == nullptr) return InvalidArgument("SqliteStore::Open needs a clock");
  auto impl = std::make_unique<Impl>(path, clock, options);
  CONCORD_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(impl)));
}

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStore::~SqliteStore() = default;

int SqliteStore::CurrentSchemaVersion() { return kCurrentSchemaVersion; }

Result<std::unique_ptr<WriteTransaction>> SqliteStore::BeginWrite(
    const Provenance& source, const std::vector<std::string>& collection_ids) {
  return impl_->BeginWrite(source, collection_ids);
}

Result<Page> SqliteStore::Find(const Query& query, size_t limit, std::string_view cursor) {
  return impl_->Find(query, limit, cursor);
}

Status SqliteStore::Scan(const Query& query, const std::function<Status(const StoredObject&)>& fn) {
  return impl_->Scan(query, fn);
}

Result<Collection> SqliteStore::CreateCollection(Collection collection) {
  return impl_->CreateCollection(std::move(collection));
}

Result<Collection> SqliteStore::FindCollection(std::string_view id_or_alias) {
  return impl_->FindCollection(id_or_alias);
}

Result<std::vector<Collection>> SqliteStore::ListCollections() { return impl_->ListCollections(); }

Result<uint64_t> SqliteStore::RemoveFromCollection(std::string_view collection_id,
                                                   std::string_view object_id,
                                                   const std::vector<VersionFilter>& versions) {
  return impl_->RemoveFromCollection(collection_id, object_id, versions);
}

Result<ApiRoot> SqliteStore::CreateApiRoot(ApiRoot root) {
  return impl_->CreateApiRoot(std::move(root));
}

Result<ApiRoot> SqliteStore::FindApiRoot(std::string_view name) { return impl_->FindApiRoot(name); }

Result<std::vector<ApiRoot>> SqliteStore::ListApiRoots() { return impl_->ListApiRoots(); }

Result<Partner> SqliteStore::CreatePartner(Partner partner) {
  return impl_->CreatePartner(std::move(partner));
}

Result<Partner> SqliteStore::FindPartner(std::string_view name) { return impl_->FindPartner(name); }

Result<Partner> SqliteStore::FindPartnerByCert(std::string_view cert_sha256) {
  return impl_->FindPartnerByCert(cert_sha256);
}

Result<std::vector<Partner>> SqliteStore::ListPartners() { return impl_->ListPartners(); }

Status SqliteStore::AddCredential(const Credential& credential) {
  return impl_->AddCredential(credential);
}

Result<Credential> SqliteStore::FindCredential(std::string_view token_id) {
  return impl_->FindCredential(token_id);
}

Result<std::vector<Credential>> SqliteStore::ListCredentials(std::string_view partner) {
  return impl_->ListCredentials(partner);
}

Status SqliteStore::RevokeCredential(std::string_view token_id) {
  return impl_->RevokeCredential(token_id);
}

Result<uint64_t> SqliteStore::RevokeCredentials(std::string_view partner) {
  return impl_->RevokeCredentials(partner);
}

Status SqliteStore::SetGrant(const Grant& grant) { return impl_->SetGrant(grant); }

Result<Rights> SqliteStore::RightsOf(std::string_view partner, std::string_view collection_id) {
  return impl_->RightsOf(partner, collection_id);
}

Result<std::vector<Grant>> SqliteStore::ListGrants() { return impl_->ListGrants(); }

Status SqliteStore::PutStatus(const PostStatus& status) { return impl_->PutStatus(status); }

Result<PostStatus> SqliteStore::GetStatus(std::string_view id) { return impl_->GetStatus(id); }

Result<uint64_t> SqliteStore::DeleteStatusesBefore(int64_t request_us) {
  return impl_->DeleteStatusesBefore(request_us);
}

Status SqliteStore::UpdatePartner(const Partner& partner) { return impl_->UpdatePartner(partner); }

Result<std::map<std::string, std::vector<Provenance>>> SqliteStore::SourcesOf(
    const std::vector<std::string>& ids) {
  return impl_->SourcesOf(ids);
}

Status SqliteStore::PutSyncState(const SyncState& state) { return impl_->PutSyncState(state); }

Result<SyncState> SqliteStore::GetSyncState(std::string_view partner, std::string_view direction,
                                            std::string_view collection) {
  return impl_->GetSyncState(partner, direction, collection);
}

Result<std::vector<SyncState>> SqliteStore::ListSyncStates() { return impl_->ListSyncStates(); }

Result<Stats> SqliteStore::GetStats() { return impl_->GetStats(); }

}  // namespace concord::store
