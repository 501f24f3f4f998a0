#pragma once

#include <cstddef>

namespace concord::json {

// Limits on one JSON value read from outside. Every parser and splitter in Concord takes these;
// there is no unlimited mode.
struct Limits {
  // The largest single value (one STIX object, one bundle envelope) kept in memory. Larger values
  // are skipped and reported; they never grow a buffer past this.
  size_t max_value_bytes = 16u << 20;
  // The deepest nesting of arrays and objects within one value. STIX objects are shallow; this
  // leaves room for custom extensions while refusing "[[[[..." bombs.
  size_t max_depth = 64;
};

}  // namespace concord::json
