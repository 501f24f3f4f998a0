#pragma once

#include <string>
#include <vector>

#include "concord/base/result.h"

namespace concord::cli {

// Turns the paths a user named into the files to read, in a stable order: a file as it is, "-"
// for standard input, and a directory as every regular file below it whose name ends in .json,
// .jsonl, .ndjson or .stix, each optionally followed by .gz, sorted by path. A path that does
// not exist is NotFound; a directory with no such file is InvalidArgument.
Result<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& paths);

// The same, taking from directories the files whose names end in one of `extensions` (each
// optionally followed by .gz): ".log", ".json", ... for telemetry.
Result<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& paths,
                                              const std::vector<std::string>& extensions);

}  // namespace concord::cli
