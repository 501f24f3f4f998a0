#pragma once

// Word loads and byte comparisons for the short keys and names handled on every value of every
// event (object types, member keys, property names, field names, hashed index keys): inline,
// without a call into the C library, which costs more than the work itself for a few bytes.

#include <cstdint>
#include <cstring>
#include <string_view>

namespace concord {

// The 8 or 4 bytes at `p` as one word (any alignment, the machine's byte order).
inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint32_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Whether a[0, n) == b[0, n): by 8-byte words (the last one overlapping the one before when n
// is not a multiple of 8), byte by byte below 8.
inline bool SameBytes(const char* a, const char* b, size_t n) {
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      if (Load64(a + i) != Load64(b + i)) return false;
    }
    return Load64(a + n - 8) == Load64(b + n - 8);
  }
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Whether `a` and `b` hold the same bytes (as a == b).
inline bool SameBytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() && SameBytes(a.data(), b.data(), a.size());
}

}  // namespace concord
