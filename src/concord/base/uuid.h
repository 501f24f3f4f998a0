#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "concord/base/result.h"

namespace concord {

// A 128-bit RFC 4122 UUID.
struct Uuid {
  std::array<uint8_t, 16> bytes{};

  // The canonical lowercase 8-4-4-4-12 form.
  std::string ToString() const;
  // The version nibble (4 for random, 5 for name-based SHA-1).
  int version() const { return bytes[6] >> 4; }
  // True when the variant bits are 10xx, the RFC 4122 variant.
  bool IsRfc4122Variant() const { return (bytes[8] & 0xc0) == 0x80; }

  friend bool operator==(const Uuid&, const Uuid&) = default;
};

// Parses the 8-4-4-4-12 hexadecimal form. Lowercase only: STIX identifiers are written lowercase
// and an uppercase one would name a different object. Errors give the offending position.
Result<Uuid> ParseUuid(std::string_view text);

// A random (version 4) UUID from the operating system's CSPRNG. Thread-safe.
Uuid NewUuidV4();

// A name-based (version 5, SHA-1) UUID of `name` in `ns`, as RFC 4122 section 4.3 defines.
Uuid UuidV5(const Uuid& ns, std::string_view name);

}  // namespace concord
