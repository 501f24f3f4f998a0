#pragma once

// ASCII case and character classes for text read from logs, feeds and markings: locale-free
// (std::tolower depends on the C locale), allocation-free, inline (adapters call them for every
// field of every event).

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace concord {

inline char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

inline bool StartsWithIgnoreAsciiCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreAsciiCase(s.substr(0, prefix.size()), prefix);
}

namespace ascii_internal {
// kHexLower[byte]: the byte as a lower-case hex digit, or 0 when it is not a hex digit. A table,
// because in hashes digits and letters alternate at random and branches on them mispredict.
inline constexpr std::array<char, 256> kHexLower = [] {
  std::array<char, 256> t{};
  for (char c = '0'; c <= '9'; ++c) t[static_cast<unsigned char>(c)] = c;
  for (char c = 'a'; c <= 'f'; ++c) {
    t[static_cast<unsigned char>(c)] = c;
    t[static_cast<unsigned char>(c - 'a' + 'A')] = c;
  }
  return t;
}();
}  // namespace ascii_internal

inline bool IsHexDigit(char c) {
  return ascii_internal::kHexLower[static_cast<unsigned char>(c)] != 0;
}

// `s` without leading and trailing spaces and tabs.
inline std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A hash or fingerprint as STIX writes it: the hex digits of `text` in lower case, written into
// `buffer`, when there are exactly `digits` of them; "" otherwise. With `skip_separators`, colons
// and spaces between the digits are dropped ("AB:cd" -> "abcd", as certificate fingerprints are
// written). REQUIRES: `buffer` holds at least `digits` bytes.
inline std::string_view LowerHexInto(std::string_view text, size_t digits, char* buffer,
                                     bool skip_separators = false) {
  const auto& lower = ascii_internal::kHexLower;
  if (!skip_separators) {
    if (text.size() != digits) return {};
    bool bad = false;  // checked once at the end: no branch per digit
    for (size_t i = 0; i < digits; ++i) {
      const char c = lower[static_cast<unsigned char>(text[i])];
      buffer[i] = c;
      bad |= c == 0;
    }
    return bad ? std::string_view() : std::string_view(buffer, digits);
  }
  size_t n = 0;
  for (char c : text) {
    if (c == ':' || c == ' ') continue;
    const char l = lower[static_cast<unsigned char>(c)];
    if (n == digits || l == 0) return {};
    buffer[n++] = l;
  }
  return n == digits ? std::string_view(buffer, n) : std::string_view();
}

// `s` as a message may show text from outside (a query, a cursor, a path): in double quotes, its
// first `max_bytes` bytes ("..." after them when cut), '"' and '\' escaped, every byte outside
// printable ASCII written \xNN, so that hostile text cannot end the quote, start a log line or
// carry terminal escapes.
inline std::string QuoteForMessage(std::string_view s, size_t max_bytes = 60) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  const size_t n = s.size() < max_bytes ? s.size() : max_bytes;
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (s.size() > n) out += "...";
  out += '"';
  return out;
}

}  // namespace concord
