#pragma once

// Byte comparisons for the short names compared on every value of every event (object types,
// member keys, property names, event types): inline, without a call into the C library, which
// costs more than the comparison itself for a name of a few bytes.

#include <cstdint>
#include <cstring>
#include <string_view>

namespace concord {

// Whether `a` and `b` hold the same bytes (as a == b).
inline bool SameBytes(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  auto load8 = [](const char* s) {
    uint64_t v;
    std::memcpy(&v, s, 8);
    return v;
  };
  auto load4 = [](const char* s) {
    uint32_t v;
    std::memcpy(&v, s, 4);
    return v;
  };
  if (n >= 8) {
    if (n > 16) return std::memcmp(p, q, n) == 0;
    // Two loads that overlap when n < 16 cover every byte.
    return ((load8(p) ^ load8(q)) | (load8(p + n - 8) ^ load8(q + n - 8))) == 0;
  }
  if (n >= 4) return ((load4(p) ^ load4(q)) | (load4(p + n - 4) ^ load4(q + n - 4))) == 0;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] != q[i]) return false;
  }
  return true;
}

}  // namespace concord
