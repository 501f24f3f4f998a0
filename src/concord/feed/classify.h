#pragma once

// What kind of indicator value a plain string is, and the STIX pattern that matches it.

#include <optional>
#include <string>
#include <string_view>

namespace concord::feed {

// The kinds of values plain feeds carry. The value itself is always kept as written: nothing is
// lowercased or normalised (a CIDR with host bits set stays as it is).
enum class ValueKind {
  kIpv4,        // 198.51.100.7
  kIpv6,        // 2001:db8::1
  kIpv4Cidr,    // 198.51.100.0/24
  kIpv6Cidr,    // 2001:db8::/32
  kDomain,      // example.com
  kDomainTree,  // *.example.com or .example.com: the domain and every subdomain
  kUrl,         // http://example.com/path (a scheme, "://", a host)
  kEmail,       // someone@example.com
  kMd5,         // 32 hex digits
  kSha1,        // 40 hex digits
  kSha256,      // 64 hex digits
  kSha512,      // 128 hex digits
  kCertSha1,    // the SHA-1 of an X.509 certificate (Zeek Intel::CERT_HASH); never classified
  kFileName,    // Zeek Intel::FILE_NAME; never classified
  kUserName,    // Zeek Intel::USER_NAME; never classified
  kSoftware,    // Zeek Intel::SOFTWARE; never classified
};

// "ipv4", "ipv6", "ipv4-cidr", "ipv6-cidr", "domain", "domain-tree", "url", "email", "md5", "sha1",
// "sha256", "sha512", "cert-sha1", "file-name", "user-name", "software".
std::string_view ValueKindName(ValueKind kind);

// The kind of `value`, tried in this order: IPv4, IPv6, CIDR, hash (hex digits by length: 32, 40,
// 64, 128), e-mail address, URL, domain name. std::nullopt when it is none of them. Surrounding
// whitespace is not trimmed here: " 1.2.3.4" is not an address. kCertSha1 and the name kinds are
// never returned: they come only from a declared Zeek intel type.
std::optional<ValueKind> Classify(std::string_view value);

// The individual checks behind Classify.
bool IsIpv4(std::string_view value);
bool IsIpv6(std::string_view value);
bool IsIpv4Cidr(std::string_view value);  // address "/" prefix 0..32
bool IsIpv6Cidr(std::string_view value);  // address "/" prefix 0..128
// Labels of 1-63 letters, digits, '-' or '_', not beginning or ending with '-'; at least two
// labels; at most 253 characters; the last label not all digits.
bool IsDomain(std::string_view value);
// A scheme (a letter, then letters, digits, '+', '-', '.') followed by "://" and a host (a domain
// name, a single label, an IPv4 address or a bracketed IPv6 address, optionally with user info
// and a port); no whitespace or control characters anywhere.
bool IsUrl(std::string_view value);
// local@domain: a local part of at most 64 RFC 5322 atom characters and dots (no leading,
// trailing or doubled dot), a domain as IsDomain.
bool IsEmail(std::string_view value);
// A hash kind by length when `value` is all hexadecimal digits, else std::nullopt.
std::optional<ValueKind> HashKind(std::string_view value);

// Appends `value` to `out` escaped as the inside of a STIX pattern string literal: a backslash
// and a single quote each get a backslash before them.
void AppendPatternEscaped(std::string_view value, std::string* out);

// The STIX pattern that matches `value` of `kind`, for example
// "[ipv4-addr:value = '198.51.100.7']" or "[ipv4-addr:value ISSUBSET '198.51.100.0/24']".
std::string StixPattern(ValueKind kind, std::string_view value);

}  // namespace concord::feed
