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
//
// Several SqliteStore objects, in this process or others, may be open on the same file at once
// (one per server thread, say); each is used from one thread at a time. A writer waits up to
// busy_timeout_ms for another's write to finish. While a WriteTransaction of this store is open,
// the methods that write outside it (CreateCollection, RemoveFromCollection, CreateApiRoot,
// CreatePartner, AddCredential, RevokeCredential(s), SetGrant, PutStatus, DeleteStatusesBefore)
// return FailedPrecondition; reads see the transaction's uncommitted rows.
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
  Result<uint64_t> RemoveFromCollection(std::string_view collection_id, std::string_view object_id,
                                        const std::vector<VersionFilter>& versions) override;
  Result<ApiRoot> CreateApiRoot(ApiRoot root) override;
  Result<ApiRoot> FindApiRoot(std::string_view name) override;
  Result<std::vector<ApiRoot>> ListApiRoots() override;
  Result<Partner> CreatePartner(Partner partner) override;
  Result<Partner> FindPartner(std::string_view name) override;
  Result<Partner> FindPartnerByCert(std::string_view cert_sha256) override;
  Result<std::vector<Partner>> ListPartners() override;
  Status AddCredential(const Credential& credential) override;
  Result<Credential> FindCredential(std::string_view token_id) override;
  Result<std::vector<Credential>> ListCredentials(std::string_view partner) override;
  Status RevokeCredential(std::string_view token_id) override;
  Result<uint64_t> RevokeCredentials(std::string_view partner) override;
  Status SetGrant(const Grant& grant) override;
  Result<Rights> RightsOf(std::string_view partner, std::string_view collection_id) override;
  Result<std::vector<Grant>> ListGrants() override;
  Status PutStatus(const PostStatus& status) override;
  Result<PostStatus> GetStatus(std::string_view id) override;
  Result<uint64_t> DeleteStatusesBefore(int64_t request_us) override;
  Status UpdatePartner(const Partner& partner) override;
  Result<std::map<std::string, std::vector<Provenance>>> SourcesOf(
      const std::vector<std::string>& ids) override;
  Status PutSyncState(const SyncState& state) override;
  Result<SyncState> GetSyncState(std::string_view partner, std::string_view direction,
                                 std::string_view collection) override;
  Result<std::vector<SyncState>> ListSyncStates() override;
  Result<Stats> GetStats() override;

  // The schema version this build writes.
  static int CurrentSchemaVersion();

 private:
  class Impl;
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace concord::store
