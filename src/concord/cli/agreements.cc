#include "concord/cli/agreements.h"

#include "concord/policy/agreement_file.h"

namespace concord::cli {

std::string AgreementsPath(const DataDir& dir, const std::string& flag) {
  return flag.empty() ? dir.path + "/agreements.toml" : flag;
}

Result<policy::Agreements> LoadNodeAgreements(const DataDir& dir, const std::string& flag) {
  const std::string path = AgreementsPath(dir, flag);
  Result<policy::Agreements> loaded = policy::LoadAgreements(path);
  if (!loaded.ok() && loaded.status().code() == StatusCode::kNotFound) {
    return NotFound("no agreements file at " + path +
                    ": nothing is shared with partners until one says what may be (see "
                    "docs/agreements.md; --agreements names another file)");
  }
  return loaded;
}

}  // namespace concord::cli
