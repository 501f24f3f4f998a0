#include "concord/stix/value_rules.h"

#include <arpa/inet.h>

#include "concord/base/uuid.h"

namespace concord::stix::internal {
namespace {

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return IsLower(c) || IsUpper(c); }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

std::string CharDescription(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u < 0x7f) return std::string("'") + c + "'";
  static constexpr char kHex[] = "0123456789abcdef";
  if (c == ' ') return "a space";
  std::string out = "byte 0x";
  out += kHex[u >> 4];
  out += kHex[u & 15];
  return out;
}

Status LengthBetween(std::string_view s, size_t min, size_t max, std::string_view what) {
  if (s.size() < min || s.size() > max) {
    return InvalidArgument(std::string(what) + " must be " + std::to_string(min) + " to " +
                           std::to_string(max) + " characters long, this one has " +
                           std::to_string(s.size()));
  }
  return Status::Ok();
}

// The expected length in hex digits of a hash algorithm's value, or 0 when free-form.
size_t HashHexLength(std::string_view algorithm) {
  if (algorithm == "MD5") return 32;
  if (algorithm == "SHA-1") return 40;
  if (algorithm == "SHA-256" || algorithm == "SHA3-256") return 64;
  if (algorithm == "SHA-512" || algorithm == "SHA3-512") return 128;
  return 0;
}

bool ParsePrefixLength(std::string_view s, int max) {
  if (s.empty() || s.size() > 3) return false;
  int v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  if (s.size() > 1 && s[0] == '0') return false;
  return v <= max;
}

bool IsAddress(std::string_view s, int family, int max_prefix) {
  const size_t slash = s.find('/');
  std::string_view address = s.substr(0, slash);
  if (slash != std::string_view::npos && !ParsePrefixLength(s.substr(slash + 1), max_prefix)) {
    return false;
  }
  if (address.empty() || address.size() >= 64) return false;
  char buf[64];
  address.copy(buf, address.size());
  buf[address.size()] = '\0';
  unsigned char out[16];
  return inet_pton(family, buf, out) == 1;
}

}  // namespace

Status CheckTypeName(std::string_view name) {
  CONCORD_RETURN_IF_ERROR(LengthBetween(name, 3, 250, "a type name"));
  for (char c : name) {
    if (!IsLower(c) && !IsDigit(c) && c != '-') {
      return InvalidArgument("a type name may contain only a-z, 0-9 and '-', not " +
                             CharDescription(c));
    }
  }
  if (!IsLower(name.front())) return InvalidArgument("a type name must begin with a letter a-z");
  if (name.back() == '-') return InvalidArgument("a type name must not end with '-'");
  if (name.find("--") != std::string_view::npos) {
    return InvalidArgument(
        "a type name must not contain \"--\" (it separates type and UUID in "
        "identifiers)");
  }
  return Status::Ok();
}

Status CheckPropertyName(std::string_view name) {
  CONCORD_RETURN_IF_ERROR(LengthBetween(name, 3, 250, "a property name"));
  for (char c : name) {
    if (!IsLower(c) && !IsDigit(c) && c != '_') {
      return InvalidArgument("a property name may contain only a-z, 0-9 and '_', not " +
                             CharDescription(c));
    }
  }
  if (!IsLower(name.front())) {
    return InvalidArgument("a property name must begin with a letter a-z");
  }
  return Status::Ok();
}

Status CheckIdentifier(std::string_view id, std::string_view* type) {
  const size_t sep = id.find("--");
  if (sep == std::string_view::npos) {
    return InvalidArgument("an identifier is written <type>--<UUID>, and this one has no \"--\"");
  }
  const std::string_view type_part = id.substr(0, sep);
  Status s = CheckTypeName(type_part);
  if (!s.ok()) return InvalidArgument("its type part: " + s.message());
  Result<Uuid> uuid = ParseUuid(id.substr(sep + 2));
  if (!uuid.ok()) return InvalidArgument("its UUID part: " + uuid.status().message());
  if (!uuid->IsRfc4122Variant()) {
    return InvalidArgument(
        "its UUID is not an RFC 4122 UUID: the first digit of the fourth group must be 8, 9, a "
        "or b");
  }
  if (type != nullptr) *type = type_part;
  return Status::Ok();
}

Status CheckDictionaryKey(std::string_view key) {
  CONCORD_RETURN_IF_ERROR(LengthBetween(key, 1, 250, "a dictionary key"));
  for (char c : key) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '-' && c != '_') {
      return InvalidArgument("a dictionary key may contain only a-z, A-Z, 0-9, '-' and '_', not " +
                             CharDescription(c));
    }
  }
  return Status::Ok();
}

Status CheckHashKey(std::string_view key) {
  CONCORD_RETURN_IF_ERROR(LengthBetween(key, 3, 250, "a hash algorithm name"));
  return CheckDictionaryKey(key);
}

Status CheckHashValue(std::string_view algorithm, std::string_view value) {
  const size_t want = HashHexLength(algorithm);
  if (want == 0) {
    if (value.empty()) return InvalidArgument("the hash value is empty");
    return Status::Ok();
  }
  for (char c : value) {
    if (!IsHexDigit(c)) {
      return InvalidArgument(std::string(algorithm) +
                             " hashes are written in hexadecimal digits, not " +
                             CharDescription(c));
    }
  }
  if (value.size() != want) {
    return InvalidArgument(std::string(algorithm) + " hashes have " + std::to_string(want) +
                           " hexadecimal digits, this one has " + std::to_string(value.size()));
  }
  return Status::Ok();
}

bool IsLanguageTag(std::string_view tag) {
  // The primary subtag is a 2-3 letter ISO 639 code, or "x" (private use) or "i" (grandfathered)
  // followed by further subtags; every later subtag is 1-8 letters or digits.
  size_t first = 0;
  bool primary = true;
  for (size_t i = 0; i <= tag.size(); ++i) {
    if (i < tag.size() && tag[i] != '-') {
      if (primary ? !IsAlpha(tag[i]) : !(IsAlpha(tag[i]) || IsDigit(tag[i]))) return false;
      continue;
    }
    const size_t len = i - first;
    if (primary) {
      const bool singleton = len == 1 && (tag[first] == 'x' || tag[first] == 'X' ||
                                          tag[first] == 'i' || tag[first] == 'I');
      if (!(len == 2 || len == 3 || (singleton && i < tag.size()))) return false;
    } else if (len < 1 || len > 8) {
      return false;
    }
    primary = false;
    first = i + 1;
  }
  return true;
}

bool IsHex(std::string_view s) {
  if (s.size() % 2 != 0) return false;
  for (char c : s) {
    if (!IsHexDigit(c)) return false;
  }
  return true;
}

bool IsBase64(std::string_view s) {
  if (s.size() % 4 != 0) return false;
  size_t padding = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding > 0) return false;  // '=' only at the end
    if (!IsAlpha(c) && !IsDigit(c) && c != '+' && c != '/') return false;
  }
  return padding <= 2;
}

bool IsMacAddress(std::string_view s) {
  if (s.size() != 17) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (i % 3 == 2) {
      if (c != ':') return false;
    } else if (!IsDigit(c) && !(c >= 'a' && c <= 'f')) {
      return false;
    }
  }
  return true;
}

bool IsIpv4Cidr(std::string_view s) { return IsAddress(s, AF_INET, 32); }

bool IsIpv6Cidr(std::string_view s) { return IsAddress(s, AF_INET6, 128); }

std::string Quote(std::string_view s) {
  constexpr size_t kMax = 60;
  std::string out = "\"";
  size_t i = 0;
  size_t shown = 0;
  while (i < s.size() && shown < kMax) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      if (c == '\n') {
        out += "\\n";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c == '\r') {
        out += "\\r";
      } else {
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
      }
      ++i;
    } else {
      // Copy one whole UTF-8 sequence.
      size_t len = 1;
      if (c >= 0xf0) {
        len = 4;
      } else if (c >= 0xe0) {
        len = 3;
      } else if (c >= 0xc0) {
        len = 2;
      }
      // Only a complete sequence is copied: a lead byte whose continuation bytes are missing or
      // are not 0x80-0xBF (a newline, an escape) is written as \xNN, as is a stray continuation
      // byte, so that no value can smuggle control bytes into a message after a lead byte.
      bool whole = c < 0x80 || (c >= 0xc2 && c <= 0xf4 && i + len <= s.size());
      for (size_t k = 1; whole && k < len; ++k) {
        const auto next = static_cast<unsigned char>(s[i + k]);
        whole = next >= 0x80 && next <= 0xbf;
      }
      if (whole) {
        out.append(s.substr(i, len));
        i += len;
      } else {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\x";
        out += kHex[c >> 4];
        out += kHex[c & 15];
        ++i;
      }
    }
    ++shown;
  }
  if (i < s.size()) out += "...";
  out += '"';
  return out;
}

}  // namespace concord::stix::internal
