#pragma once

// The node's agreements file, as the commands find it: --agreements if given, else
// <data dir>/agreements.toml (docs/agreements.md).

#include <string>

#include "concord/base/result.h"
#include "concord/cli/data_dir.h"
#include "concord/policy/agreement.h"

namespace concord::cli {

std::string AgreementsPath(const DataDir& dir, const std::string& flag);

// Loads and checks the agreements at AgreementsPath. NotFound (saying where it looked and
// pointing at docs/agreements.md) when there is no file; InvalidArgument with line and reason
// for a bad one.
Result<policy::Agreements> LoadNodeAgreements(const DataDir& dir, const std::string& flag);

}  // namespace concord::cli
