#include "concord/base/ipv4.h"

namespace concord {

bool ParseIpv4(std::string_view text, uint8_t* out) {
  const char* p = text.data();
  const char* const end = p + text.size();
  auto digit = [&](unsigned* d) {
    if (p == end) return false;
    *d = static_cast<unsigned>(static_cast<unsigned char>(*p)) - '0';
    return *d <= 9;
  };
  uint32_t address = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (p == end || *p != '.') return false;
      ++p;
    }
    unsigned v, d;
    if (!digit(&v)) return false;
    ++p;
    if (digit(&d)) {
      if (v == 0) return false;  // a leading zero
      v = v * 10 + d;
      ++p;
      if (digit(&d)) {
        v = v * 10 + d;
        ++p;
        if (v > 255) return false;
      }
    }
    address = address << 8 | v;
  }
  if (p != end) return false;  // a fourth digit, or anything after the fourth part
  out[0] = static_cast<uint8_t>(address >> 24);
  out[1] = static_cast<uint8_t>(address >> 16);
  out[2] = static_cast<uint8_t>(address >> 8);
  out[3] = static_cast<uint8_t>(address);
  return true;
}

}  // namespace concord
