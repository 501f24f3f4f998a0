#include "concord/base/uuid.h"

#include <sys/random.h>

#include <cstring>

#include "concord/base/hash.h"

namespace concord {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string Uuid::ToString() const {
  std::string hex = HexEncode(bytes.data(), bytes.size());
  std::string out;
  out.reserve(36);
  out.append(hex, 0, 8).append("-").append(hex, 8, 4).append("-").append(hex, 12, 4);
  out.append("-").append(hex, 16, 4).append("-").append(hex, 20, 12);
  return out;
}

Result<Uuid> ParseUuid(std::string_view text) {
  if (text.size() != 36) {
    return InvalidArgument(
        "a UUID has 36 characters (8-4-4-4-12 hexadecimal digits), this one has " +
        std::to_string(text.size()));
  }
  Uuid u;
  size_t b = 0;
  for (size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') {
        return InvalidArgument("expected '-' at character " + std::to_string(i) + " of the UUID");
      }
      ++i;
      continue;
    }
    const int hi = HexValue(text[i]);
    const int lo = HexValue(text[i + 1]);
    if (hi < 0 || lo < 0) {
      const size_t at = hi < 0 ? i : i + 1;
      return InvalidArgument("character " + std::to_string(at) +
                             " of the UUID is not a lowercase hexadecimal digit");
    }
    u.bytes[b++] = static_cast<uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return u;
}

Uuid NewUuidV4() {
  Uuid u;
  size_t got = 0;
  while (got < u.bytes.size()) {
    ssize_t n = getrandom(u.bytes.data() + got, u.bytes.size() - got, 0);
    if (n > 0) got += static_cast<size_t>(n);
  }
  u.bytes[6] = static_cast<uint8_t>((u.bytes[6] & 0x0f) | 0x40);
  u.bytes[8] = static_cast<uint8_t>((u.bytes[8] & 0x3f) | 0x80);
  return u;
}

Uuid UuidV5(const Uuid& ns, std::string_view name) {
  std::string input(reinterpret_cast<const char*>(ns.bytes.data()), ns.bytes.size());
  input.append(name);
  const Sha1Digest digest = Sha1(input);
  Uuid u;
  std::memcpy(u.bytes.data(), digest.data(), 16);
  u.bytes[6] = static_cast<uint8_t>((u.bytes[6] & 0x0f) | 0x50);
  u.bytes[8] = static_cast<uint8_t>((u.bytes[8] & 0x3f) | 0x80);
  return u;
}

}  // namespace concord
