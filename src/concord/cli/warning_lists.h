#pragma once

#include <string>
#include <vector>

#include "concord/base/result.h"
#include "concord/cli/data_dir.h"
#include "concord/detect/warning_list.h"

namespace concord::cli {

// The warning lists import and scan apply: the built-in reserved ranges, every list kept in
// <data dir>/warninglists (by `concord warninglist add`), and the files in `extra`. A list that
// does not load is an error naming the file.
Result<detect::WarningLists> LoadWarningLists(const DataDir& dir,
                                              const std::vector<std::string>& extra = {});

}  // namespace concord::cli
