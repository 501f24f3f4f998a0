#pragma once

// IPv4 and IPv6 addresses and CIDR blocks for ISSUBSET and ISSUPERSET (STIX 2.1 section 9,
// comparison operators). Also used by detect (warning lists, explanations).

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace concord::pattern {

// An address with a prefix length: a CIDR block. A bare address is a block of one address
// (/32 for IPv4, /128 for IPv6). Bits after the prefix are kept as written and ignored by
// NetworkContains (so 192.168.0.1/24 is the block 192.168.0.0/24).
struct IpNetwork {
  int family = 4;                   // 4 or 6
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4
  int prefix_length = 32;           // 0..32 or 0..128
};

// Parses "a.b.c.d[/n]" or an RFC 4291 IPv6 text form "x:x:...[/n]" ("::" compression and a
// trailing dotted IPv4 part allowed). IPv4 parts are decimal 0-255 without leading zeros (so no
// octal ambiguity); IPv6 groups are 1-4 hex digits; zone indexes ("%eth0") are not accepted.
// Returns std::nullopt for anything else.
std::optional<IpNetwork> ParseIpNetwork(std::string_view text);

// True when every address of `inner` is in `outer`: the same family, outer's prefix no longer
// than inner's, and the first outer.prefix_length bits equal. An IPv4 block and an IPv6 block
// (IPv4-mapped or not) never contain each other.
bool NetworkContains(const IpNetwork& outer, const IpNetwork& inner);

}  // namespace concord::pattern
