#pragma once

// Internal to the stix module. Checks on single string values that STIX 2.1 constrains: names,
// identifiers, language tags, hex, base64, hash values, addresses. No JSON here: the validator
// calls these on strings it has already extracted. Each returns OK or an InvalidArgument whose
// message completes the sentence "... is not valid: <message>" and quotes nothing itself.

#include <string>
#include <string_view>

#include "concord/base/status.h"

namespace concord::stix::internal {

// A type name (STIX 2.1 sections 3.1 and 11.2): 3 to 250 characters of a-z, 0-9 and '-',
// beginning with a letter, not ending with '-', without "--" (which separates type and UUID in
// identifiers).
Status CheckTypeName(std::string_view name);

// A property name (sections 3.1 and 11.1): 3 to 250 characters of a-z, 0-9 and '_', beginning
// with a letter.
Status CheckPropertyName(std::string_view name);

// An identifier "<type>--<UUID>" (section 2.9): a valid type name, "--", and a lowercase RFC 4122
// UUID whose variant bits are 10xx. On success sets *type (when not null) to the type part.
Status CheckIdentifier(std::string_view id, std::string_view* type);

// A dictionary key (section 2.3): 1 to 250 characters of a-z, A-Z, 0-9, '-' and '_'.
Status CheckDictionaryKey(std::string_view key);

// A hashes key (section 2.7): a dictionary key of at least 3 characters.
Status CheckHashKey(std::string_view key);

// The value of a hash whose algorithm is `algorithm` (one of hash-algorithm-ov): hexadecimal of
// the algorithm's length for MD5, SHA-1, SHA-256, SHA-512, SHA3-256 and SHA3-512; any non-empty
// string for SSDEEP and TLSH.
Status CheckHashValue(std::string_view algorithm, std::string_view value);

// An RFC 5646 language tag, checked for its shape: a 2-3 letter primary subtag (or "x-"/"i-"),
// then subtags of 1-8 letters or digits separated by '-'. The registry itself is not consulted.
bool IsLanguageTag(std::string_view tag);

// An even number of hexadecimal digits (section 2.8).
bool IsHex(std::string_view s);

// Base64 as RFC 4648 section 4 defines it, with padding (section 2.1).
bool IsBase64(std::string_view s);

// A MAC-48 address written as six colon-separated lowercase two-digit octets (section 6.10).
bool IsMacAddress(std::string_view s);

// An IPv4 (IPv6) address with an optional CIDR prefix length /0-32 (/0-128) (sections 6.8, 6.9).
bool IsIpv4Cidr(std::string_view s);
bool IsIpv6Cidr(std::string_view s);

// `s` for a message: in double quotes, cut to about 60 characters (at a UTF-8 boundary, with
// "..." when cut), control characters shown as \n, \t or \u00XX.
std::string Quote(std::string_view s);

}  // namespace concord::stix::internal
