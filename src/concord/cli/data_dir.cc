#include "concord/cli/data_dir.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "concord/store/sqlite/sqlite_store.h"

namespace concord::cli {

DataDir DataDir::Resolve(const std::string& flag_value) {
  if (!flag_value.empty()) return DataDir{flag_value};
  if (const char* env = std::getenv("CONCORD_HOME"); env != nullptr && *env != '\0') {
    return DataDir{env};
  }
  return DataDir{"./concord-data"};
}

Result<std::unique_ptr<store::Store>> DataDir::OpenStore(Clock* clock, bool create) const {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    if (!create) {
      return NotFound("no Concord data directory at " + path +
                      " (import something first, or point --data-dir / CONCORD_HOME at one)");
    }
    if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
      return IoError("cannot create the data directory " + path + ": " + std::strerror(errno));
    }
  } else if (!S_ISDIR(st.st_mode)) {
    return InvalidArgument("the data directory " + path + " is not a directory");
  }
  if (!create && stat(StorePath().c_str(), &st) != 0) {
    return NotFound("no store in " + path + " (import something first)");
  }
  CONCORD_ASSIGN_OR_RETURN(auto store, store::SqliteStore::Open(StorePath(), clock));
  return std::unique_ptr<store::Store>(std::move(store));
}

}  // namespace concord::cli
