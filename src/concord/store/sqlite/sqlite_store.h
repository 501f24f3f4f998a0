#pragma once

#include <memory>
#include <string>

#include "concord/base/clock.h"
#include "concord/store/store.h"

namespace concord::store {

struct SqliteOptions {
  // Page cache per connection, in KiB. More speeds up large imports; each open store holds it.
  int cache_kib = 64 * 1024;
  // How long a writer waits for another process's write transaction before giving up
  // (Unavailable), in milliseconds.
  int busy_timeout_ms = 10000;
};

// The embedded store: one SQLite database file in WAL mode. The schema is versioned (PRAGMA
// user_version) and migrated forward on open; a file from a newer Concord is refused. The file
// format is described in docs/store.md.
class SqliteStore final : public Store {
 public:
  // Opens or creates the database at `path`. `clock` supplies date_added and must outlive the
  // store. IoError/Corruption/FailedPrecondition say what is wrong with the file.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path, Clock* clock,
                                                   SqliteOptions options = {});
  ~SqliteStore() override;

  Result<std::unique_ptr<WriteTransaction>> BeginWrite(
      const Provenance& source, const std::vector<std::string>& collection_ids = {}) override;
  Result<Page> Find(const Query& query, size_t limit, std::string_view cursor = "") override;
  Status Scan(const Query& query, const std::function<Status(const StoredObject&)>& fn) override;
  Result<Collection> CreateCollection(Collection collection) override;
  Result<Collection> FindCollection(std::string_view id_or_alias) override;
  Result<std::vector<Collection>> ListCollections() override;
  Result<Stats> GetStats() override;

  // The schema version this build writes.
  static int CurrentSchemaVersion();

 private:
  class Impl;
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace concord::store
