#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace concord {

using Sha1Digest = std::array<uint8_t, 20>;
using Sha256Digest = std::array<uint8_t, 32>;

// Cryptographic digests of `data` (OpenSSL's implementations).
Sha1Digest Sha1(std::string_view data);
Sha256Digest Sha256(std::string_view data);

// Lowercase hexadecimal of `n` bytes at `data`.
std::string HexEncode(const uint8_t* data, size_t n);
template <size_t N>
std::string HexEncode(const std::array<uint8_t, N>& digest) {
  return HexEncode(digest.data(), N);
}

}  // namespace concord
