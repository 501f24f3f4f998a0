#include "concord/pattern/ip.h"

#include <string>

#include "concord/base/ipv4.h"

namespace concord::pattern {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A decimal number of 1 to `max_digits` digits without leading zeros, at most `max`.
std::optional<int> Decimal(std::string_view s, size_t max_digits, int max) {
  if (s.empty() || s.size() > max_digits) return std::nullopt;
  if (s.size() > 1 && s[0] == '0') return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v > max) return std::nullopt;
  return v;
}

// Splits `s` on ':' into 16-bit groups appended to out[*count] (at most 8 in all); the last
// piece may be a dotted IPv4 address when `allow_ipv4_tail` (it then counts as two groups). An
// empty `s` has no groups.
bool Groups(std::string_view s, bool allow_ipv4_tail, uint16_t* out, int* count) {
  if (s.empty()) return true;
  for (;;) {
    const size_t colon = s.find(':');
    const std::string_view piece = colon == std::string_view::npos ? s : s.substr(0, colon);
    const bool last = colon == std::string_view::npos;
    if (last && allow_ipv4_tail && piece.find('.') != std::string_view::npos) {
      uint8_t v4[4];
      if (*count > 6 || !ParseIpv4(piece, v4)) return false;
      out[(*count)++] = static_cast<uint16_t>(v4[0] << 8 | v4[1]);
      out[(*count)++] = static_cast<uint16_t>(v4[2] << 8 | v4[3]);
      return true;
    }
    if (piece.empty() || piece.size() > 4 || *count == 8) return false;
    uint16_t v = 0;
    for (char c : piece) {
      const int h = HexValue(c);
      if (h < 0) return false;
      v = static_cast<uint16_t>(v << 4 | h);
    }
    out[(*count)++] = v;
    if (last) return true;
    s.remove_prefix(colon + 1);
  }
}

bool ParseIpv6(std::string_view s, uint8_t* out) {
  uint16_t head[8], tail[8];
  int heads = 0, tails = 0;
  const size_t gap = s.find("::");
  if (gap == std::string_view::npos) {
    if (!Groups(s, true, head, &heads) || heads != 8) return false;
  } else {
    if (s.find("::", gap + 1) != std::string_view::npos) return false;
    if (!Groups(s.substr(0, gap), false, head, &heads)) return false;
    if (!Groups(s.substr(gap + 2), true, tail, &tails)) return false;
    if (heads + tails > 7) return false;
  }
  uint16_t all[8] = {};
  for (int i = 0; i < heads; ++i) all[i] = head[i];
  for (int i = 0; i < tails; ++i) all[8 - tails + i] = tail[i];
  for (int i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<uint8_t>(all[i] >> 8);
    out[2 * i + 1] = static_cast<uint8_t>(all[i] & 0xFF);
  }
  return true;
}

}  // namespace

std::optional<IpNetwork> ParseIpNetwork(std::string_view text) {
  IpNetwork net;
  // A plain dotted-decimal address, in one pass: every address an event holds is probed.
  if (text.size() <= 15 && ParseIpv4(text, net.bytes.data())) return net;  // family 4, /32
  std::string_view address = text;
  std::optional<int> prefix;
  const size_t slash = text.find('/');
  if (slash != std::string_view::npos) {
    address = text.substr(0, slash);
    prefix = Decimal(text.substr(slash + 1), 3, 128);
    if (!prefix) return std::nullopt;
  }
  if (address.find(':') != std::string_view::npos) {
    net.family = 6;
    if (!ParseIpv6(address, net.bytes.data())) return std::nullopt;
    net.prefix_length = prefix.value_or(128);
  } else {
    net.family = 4;
    if (!ParseIpv4(address, net.bytes.data())) return std::nullopt;
    if (prefix && *prefix > 32) return std::nullopt;
    net.prefix_length = prefix.value_or(32);
  }
  return net;
}

bool NetworkContains(const IpNetwork& outer, const IpNetwork& inner) {
  if (outer.family != inner.family) return false;
  if (outer.prefix_length > inner.prefix_length) return false;
  int bits = outer.prefix_length;
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xFF : static_cast<uint8_t>(0xFF << (8 - bits));
    if ((outer.bytes[i] & mask) != (inner.bytes[i] & mask)) return false;
  }
  return true;
}

}  // namespace concord::pattern
