#pragma once

#include <string>

#include "concord/json/document.h"

namespace concord::json {

// Appends `value` to `out` in the JSON Canonicalization Scheme (RFC 8785): no whitespace, object
// members sorted by the UTF-16 code units of their names, strings with minimal escaping, numbers
// in the ECMAScript shortest round-trip form. STIX uses this for deterministic SCO ids and Concord
// for content digests. Depth is bounded by the Parser that produced `value`.
void AppendCanonical(const Element& value, std::string* out);

}  // namespace concord::json
