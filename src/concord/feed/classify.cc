#include "concord/feed/classify.h"

#include <arpa/inet.h>

#include <cstring>

namespace concord::feed {
namespace {

constexpr size_t kMaxDomainLength = 253;
constexpr size_t kMaxLabelLength = 63;
constexpr size_t kMaxLocalPartLength = 64;
// Longer than any textual IPv6 address ("ffff:...:255.255.255.255" is 45 bytes).
constexpr size_t kMaxAddressLength = 64;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// inet_pton needs a NUL-terminated string; copies `value` into a bounded buffer first.
bool PtonOk(int family, std::string_view value) {
  if (value.empty() || value.size() >= kMaxAddressLength) return false;
  char text[kMaxAddressLength];
  std::memcpy(text, value.data(), value.size());
  text[value.size()] = '\0';
  unsigned char addr[16];
  return inet_pton(family, text, addr) == 1;
}

// `prefix` is 1-3 decimal digits no greater than `max`.
bool IsPrefix(std::string_view prefix, int max) {
  if (prefix.empty() || prefix.size() > 3) return false;
  int n = 0;
  for (char c : prefix) {
    if (!IsDigit(c)) return false;
    n = n * 10 + (c - '0');
  }
  return n <= max;
}

bool IsCidr(std::string_view value, bool v6) {
  const size_t slash = value.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view addr = value.substr(0, slash);
  std::string_view prefix = value.substr(slash + 1);
  return v6 ? IsIpv6(addr) && IsPrefix(prefix, 128) : IsIpv4(addr) && IsPrefix(prefix, 32);
}

bool IsLabel(std::string_view label) {
  if (label.empty() || label.size() > kMaxLabelLength) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '-' && c != '_') return false;
  }
  return true;
}

// Dot-separated labels; `min_labels` of them at least; the last not all digits.
bool IsHostName(std::string_view value, int min_labels) {
  if (value.empty() || value.size() > kMaxDomainLength) return false;
  int labels = 0;
  std::string_view last;
  size_t start = 0;
  for (;;) {  // bounded: each round consumes one label of `value`
    const size_t dot = value.find('.', start);
    last =
        value.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!IsLabel(last)) return false;
    ++labels;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  bool all_digits = true;
  for (char c : last) all_digits = all_digits && IsDigit(c);
  return labels >= min_labels && !all_digits;
}

bool IsUrlHost(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[') {
    return host.size() > 2 && host.back() == ']' && IsIpv6(host.substr(1, host.size() - 2));
  }
  return IsIpv4(host) || IsHostName(host, 1);
}

}  // namespace

std::string_view ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kIpv4:
      return "ipv4";
    case ValueKind::kIpv6:
      return "ipv6";
    case ValueKind::kIpv4Cidr:
      return "ipv4-cidr";
    case ValueKind::kIpv6Cidr:
      return "ipv6-cidr";
    case ValueKind::kDomain:
      return "domain";
    case ValueKind::kDomainTree:
      return "domain-tree";
    case ValueKind::kUrl:
      return "url";
    case ValueKind::kEmail:
      return "email";
    case ValueKind::kMd5:
      return "md5";
    case ValueKind::kSha1:
      return "sha1";
    case ValueKind::kSha256:
      return "sha256";
    case ValueKind::kSha512:
      return "sha512";
    case ValueKind::kCertSha1:
      return "cert-sha1";
    case ValueKind::kFileName:
      return "file-name";
    case ValueKind::kUserName:
      return "user-name";
    case ValueKind::kSoftware:
      return "software";
  }
  return "unknown";
}

bool IsIpv4(std::string_view value) { return PtonOk(AF_INET, value); }
bool IsIpv6(std::string_view value) { return PtonOk(AF_INET6, value); }
bool IsIpv4Cidr(std::string_view value) { return IsCidr(value, /*v6=*/false); }
bool IsIpv6Cidr(std::string_view value) { return IsCidr(value, /*v6=*/true); }
bool IsDomain(std::string_view value) { return IsHostName(value, 2); }

bool IsUrl(std::string_view value) {
  for (char c : value) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  const size_t sep = value.find("://");
  if (sep == std::string_view::npos || sep == 0 || !IsAlpha(value[0])) return false;
  for (char c : value.substr(0, sep)) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '+' && c != '-' && c != '.') return false;
  }
  std::string_view authority = value.substr(sep + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority = authority.substr(at + 1);
  // A port follows the last ':' outside brackets.
  const size_t colon = authority.rfind(':');
  const size_t bracket = authority.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    std::string_view port = authority.substr(colon + 1);
    if (port.size() > 5) return false;
    for (char c : port) {
      if (!IsDigit(c)) return false;
    }
    authority = authority.substr(0, colon);
  }
  return IsUrlHost(authority);
}

bool IsEmail(std::string_view value) {
  const size_t at = value.find('@');
  if (at == std::string_view::npos || at == 0 || at > kMaxLocalPartLength) return false;
  std::string_view local = value.substr(0, at);
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return false;
  }
  static constexpr std::string_view kAtomSpecials = ".!#$%&'*+/=?^_`{|}~-";
  for (char c : local) {
    if (!IsAlpha(c) && !IsDigit(c) && kAtomSpecials.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return IsDomain(value.substr(at + 1));
}

std::optional<ValueKind> HashKind(std::string_view value) {
  for (char c : value) {
    if (!IsHex(c)) return std::nullopt;
  }
  switch (value.size()) {
    case 32:
      return ValueKind::kMd5;
    case 40:
      return ValueKind::kSha1;
    case 64:
      return ValueKind::kSha256;
    case 128:
      return ValueKind::kSha512;
    default:
      return std::nullopt;
  }
}

std::optional<ValueKind> Classify(std::string_view value) {
  if (IsIpv4(value)) return ValueKind::kIpv4;
  if (IsIpv6(value)) return ValueKind::kIpv6;
  if (IsIpv4Cidr(value)) return ValueKind::kIpv4Cidr;
  if (IsIpv6Cidr(value)) return ValueKind::kIpv6Cidr;
  if (auto hash = HashKind(value)) return hash;
  if (IsEmail(value)) return ValueKind::kEmail;
  if (IsUrl(value)) return ValueKind::kUrl;
  if (IsDomain(value)) return ValueKind::kDomain;
  if (value.starts_with("*.") && IsDomain(value.substr(2))) return ValueKind::kDomainTree;
  if (value.starts_with(".") && IsDomain(value.substr(1))) return ValueKind::kDomainTree;
  return std::nullopt;
}

void AppendPatternEscaped(std::string_view value, std::string* out) {
  for (char c : value) {
    if (c == '\\' || c == '\'') out->push_back('\\');
    out->push_back(c);
  }
}

// An IPv6 address or block in RFC 5952 form ("0:0:0:0:0:0:0:1" -> "::1", upper case lowered),
// as telemetry adapters write observed addresses, so that equality finds it. Unchanged when it
// does not read as one.
std::string CanonicalIpv6(std::string_view value) {
  const size_t slash = value.find('/');
  const std::string address(value.substr(0, slash));
  unsigned char bytes[16];
  char text[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET6, address.c_str(), bytes) != 1 ||
      inet_ntop(AF_INET6, bytes, text, sizeof text) == nullptr) {
    return std::string(value);
  }
  return std::string(text) +
         std::string(slash == std::string_view::npos ? "" : value.substr(slash));
}

std::string StixPattern(ValueKind kind, std::string_view value) {
  if (kind == ValueKind::kIpv6 || kind == ValueKind::kIpv6Cidr) {
    const std::string canonical = CanonicalIpv6(value);
    return std::string("[ipv6-addr:value ") + (kind == ValueKind::kIpv6 ? "=" : "ISSUBSET") + " '" +
           canonical + "']";
  }
  if (kind == ValueKind::kDomainTree) {
    // The domain itself and, through LIKE (which the engine indexes as a suffix), every
    // subdomain.
    value.remove_prefix(value.starts_with("*.") ? 2 : 1);
    std::string pattern = "[domain-name:value = '";
    AppendPatternEscaped(value, &pattern);
    pattern += "' OR domain-name:value LIKE '%.";
    AppendPatternEscaped(value, &pattern);
    pattern += "']";
    return pattern;
  }
  std::string_view path;
  std::string_view op = "=";
  switch (kind) {
    case ValueKind::kIpv4:
      path = "ipv4-addr:value";
      break;
    case ValueKind::kIpv6:
      path = "ipv6-addr:value";
      break;
    case ValueKind::kIpv4Cidr:
      path = "ipv4-addr:value";
      op = "ISSUBSET";
      break;
    case ValueKind::kIpv6Cidr:
      path = "ipv6-addr:value";
      op = "ISSUBSET";
      break;
    case ValueKind::kDomain:
    case ValueKind::kDomainTree:
      path = "domain-name:value";
      break;
    case ValueKind::kUrl:
      path = "url:value";
      break;
    case ValueKind::kEmail:
      path = "email-addr:value";
      break;
    case ValueKind::kMd5:
      path = "file:hashes.'MD5'";
      break;
    case ValueKind::kSha1:
      path = "file:hashes.'SHA-1'";
      break;
    case ValueKind::kSha256:
      path = "file:hashes.'SHA-256'";
      break;
    case ValueKind::kSha512:
      path = "file:hashes.'SHA-512'";
      break;
    case ValueKind::kCertSha1:
      path = "x509-certificate:hashes.'SHA-1'";
      break;
    case ValueKind::kFileName:
      path = "file:name";
      break;
    case ValueKind::kUserName:
      path = "user-account:account_login";
      break;
    case ValueKind::kSoftware:
      path = "software:name";
      break;
  }
  std::string pattern = "[";
  pattern += path;
  pattern += ' ';
  pattern += op;
  pattern += " '";
  AppendPatternEscaped(value, &pattern);
  pattern += "']";
  return pattern;
}

}  // namespace concord::feed
