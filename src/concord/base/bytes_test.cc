#include "concord/base/bytes.h"

#include <gtest/gtest.h>

#include <string>

namespace concord {
namespace {

// Every length the comparison treats differently (byte by byte below 8, by words with the last
// one overlapping from 8 on), with the one differing byte at every position, at unaligned starts.
TEST(SameBytesTest, IsEqualityAtEveryLengthAndPosition) {
  std::string buffer_a(64, 'x'), buffer_b(64, 'x');
  for (size_t offset = 0; offset < 3; ++offset) {
    for (size_t n = 0; n <= 40; ++n) {
      for (size_t i = 0; i < n; ++i) buffer_a[offset + i] = buffer_b[offset + 1 + i] = 'a' + i % 26;
      const std::string_view a(buffer_a.data() + offset, n);
      const std::string_view b(buffer_b.data() + offset + 1, n);
      EXPECT_TRUE(SameBytes(a, b)) << n;
      for (size_t at = 0; at < n; ++at) {
        buffer_b[offset + 1 + at] ^= 0x20;
        EXPECT_FALSE(SameBytes(a, b)) << n << " " << at;
        buffer_b[offset + 1 + at] ^= 0x20;
      }
      // A prefix or an extension is not the same.
      if (n > 0) {
        EXPECT_FALSE(SameBytes(a, b.substr(0, n - 1))) << n;
      }
      EXPECT_FALSE(SameBytes(a, std::string_view(b.data(), n + 1))) << n;
    }
  }
}

}  // namespace
}  // namespace concord
