#include "concord/base/ipv4.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

namespace concord {
namespace {

// The one IPv4 reader must accept exactly what inet_pton does, and read the same bytes.
TEST(Ipv4Test, IsWhatInetPtonAccepts) {
  std::mt19937 rng(3);
  int accepted = 0;
  for (int i = 0; i < 200000; ++i) {
    // Three to five parts of zero to four digits (leading zeros, 256-999), mostly joined by
    // dots, sometimes with something else in between or after.
    std::string s;
    const int parts = 3 + static_cast<int>(rng() % 3);
    for (int k = 0; k < parts; ++k) {
      if (k > 0) s += rng() % 20 ? '.' : "x/ "[rng() % 3];
      const int digits = static_cast<int>(rng() % 10 < 8 ? 1 + rng() % 3 : rng() % 5);
      for (int d = 0; d < digits; ++d) s += static_cast<char>('0' + rng() % (d == 0 ? 3 : 10));
    }
    if (rng() % 20 == 0) s += "0. "[rng() % 3];
    unsigned char want[4] = {}, got[4] = {9, 9, 9, 9};
    const bool expected = inet_pton(AF_INET, s.c_str(), want) == 1;
    ASSERT_EQ(ParseIpv4(s, got), expected) << "\"" << s << "\"";
    if (expected) {
      EXPECT_EQ(std::memcmp(got, want, 4), 0) << "\"" << s << "\"";
      ++accepted;
    } else {
      EXPECT_EQ(got[0], 9) << "written on failure: \"" << s << "\"";
    }
  }
  EXPECT_GT(accepted, 10000);
}

}  // namespace
}  // namespace concord
