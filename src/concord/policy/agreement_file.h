#pragma once

// Reads the agreements file (TOML; the format is docs/agreements.md) into Agreements. The file
// is hostile until checked like any input: every key is known, every value checked, every
// limit explicit, and the first problem is reported with its line and the reason.

#include <string>
#include <string_view>

#include "concord/base/result.h"
#include "concord/policy/agreement.h"

namespace concord::policy {

// The largest agreements file read (bytes) and the most partners it may name.
inline constexpr size_t kMaxAgreementsFileBytes = size_t{1} << 20;
inline constexpr size_t kMaxPartners = 1000;

// Parses agreements from `text`; `source_name` (a path) starts error messages. Relative paths
// in the file (token_file, ca_file, client_cert_file, client_key_file) are resolved against
// `base_dir` when it is not empty. InvalidArgument for any problem, as
// "<source_name>:<line>: <reason>" (e.g. "agreements.toml:14: partner \"us\": max_tlp must be
// one of clear, green, amber, amber+strict (TLP:RED never leaves this node), not \"red\"").
Result<Agreements> ParseAgreements(std::string_view text, std::string_view source_name,
                                   std::string_view base_dir = "");

// Reads and parses the file at `path` (relative paths in it resolve against its directory).
// NotFound when there is no such file; ResourceExhausted when it is over
// kMaxAgreementsFileBytes; otherwise as ParseAgreements.
Result<Agreements> LoadAgreements(const std::string& path);

}  // namespace concord::policy
