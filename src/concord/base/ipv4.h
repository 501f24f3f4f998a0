#pragma once

// Dotted-decimal IPv4 text, read the one way Concord reads it everywhere (observations and
// patterns alike): what inet_pton(AF_INET) accepts, without its copy and strlen, since every
// event holds addresses.

#include <cstdint>
#include <string_view>

namespace concord {

// Reads "a.b.c.d" (four decimal parts of 0-255 without leading zeros, nothing before or after)
// into out[0..3] in network order. False, with `out` untouched, for anything else.
bool ParseIpv4(std::string_view text, uint8_t* out);

}  // namespace concord
