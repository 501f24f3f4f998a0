#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "concord/base/result.h"

namespace concord::stix {

// The deterministic identifier of a STIX 2.1 cyber-observable (section 2.9): "<type>--" followed
// by a UUIDv5 in the STIX namespace 00abedb4-aa42-466c-9c01-fed23315a9b7 of the RFC 8785
// canonical JSON of the object's id-contributing properties (for `hashes`, one hash chosen in the
// order MD5, SHA-1, SHA-256, SHA-512, else the first). `sco_json` is the SCO's JSON; its "id", if
// any, is ignored. Returns std::nullopt for types without id-contributing properties (process,
// custom types) or when none of them is present: such objects get a random UUIDv4 instead.
// InvalidArgument when `sco_json` is not a JSON object with a string "type".
Result<std::optional<std::string>> DeterministicScoId(std::string_view sco_json);

}  // namespace concord::stix
