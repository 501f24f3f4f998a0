#pragma once

#include <memory>
#include <string>

#include "concord/base/clock.h"
#include "concord/base/result.h"
#include "concord/store/store.h"

namespace concord::cli {

// Where a node keeps its state. The directory holds `concord.db` (the SQLite store) and, in
// later versions, configuration and keys.
struct DataDir {
  std::string path;

  // --data-dir if given, else $CONCORD_HOME, else ./concord-data.
  static DataDir Resolve(const std::string& flag_value);

  std::string StorePath() const { return path + "/concord.db"; }

  // Opens the store. With `create`, makes the directory (mode 0700) and the database when they
  // do not exist; without it, a missing store is NotFound with a hint to import first.
  Result<std::unique_ptr<store::Store>> OpenStore(Clock* clock, bool create) const;
};

}  // namespace concord::cli
