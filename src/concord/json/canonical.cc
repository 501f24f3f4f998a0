#include "concord/json/canonical.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

#include "concord/json/writer.h"

namespace concord::json {
namespace {

// Decodes the code point at s[*i] (valid UTF-8, as simdjson guarantees) and advances *i. A byte
// that does not start a valid sequence is taken as one code point of its own value, so malformed
// input still sorts deterministically and is never read past its end.
uint32_t NextCodePoint(std::string_view s, size_t* i) {
  const unsigned char c = static_cast<unsigned char>(s[*i]);
  int extra = 0;
  uint32_t cp = c;
  if (c >= 0xF0 && c <= 0xF4) {
    extra = 3;
    cp = c & 0x07;
  } else if (c >= 0xE0 && c <= 0xEF) {
    extra = 2;
    cp = c & 0x0F;
  } else if (c >= 0xC2 && c <= 0xDF) {
    extra = 1;
    cp = c & 0x1F;
  }
  if (*i + extra >= s.size()) {
    ++*i;
    return c;
  }
  for (int k = 1; k <= extra; ++k) {
    const unsigned char b = static_cast<unsigned char>(s[*i + k]);
    if ((b & 0xC0) != 0x80) {
      ++*i;
      return c;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  *i += 1 + extra;
  return cp;
}

// Maps a code point to a number that orders like its first UTF-16 code unit, breaking ties the
// way the following unit would: BMP characters below the surrogate range, then supplementary
// characters (high surrogates 0xD800..0xDBFF), then BMP characters U+E000..U+FFFF.
uint32_t Utf16Order(uint32_t cp) {
  if (cp < 0xD800) return cp;
  if (cp >= 0x10000) return cp - 0x10000 + 0xD800;  // 0xD800 .. 0x10D7FF
  return cp + 0x100000;                             // 0x10D800 .. 0x10FFFF
}

// True when `a` sorts before `b` by UTF-16 code units.
bool Utf16Less(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const unsigned char ca = static_cast<unsigned char>(a[i]);
    const unsigned char cb = static_cast<unsigned char>(b[j]);
    if (ca < 0x80 && cb < 0x80) {  // ASCII fast path
      if (ca != cb) return ca < cb;
      ++i;
      ++j;
      continue;
    }
    const uint32_t oa = Utf16Order(NextCodePoint(a, &i));
    const uint32_t ob = Utf16Order(NextCodePoint(b, &j));
    if (oa != ob) return oa < ob;
  }
  return i == a.size() && j < b.size();
}

// Appends `value` as ECMAScript's Number.prototype.toString does (RFC 8785 section 3.2.2.3).
void AppendNumber(double value, std::string* out) {
  if (!std::isfinite(value)) {  // JCS has no form for these; simdjson never produces them
    out->append("null");
    return;
  }
  if (value == 0) {  // also -0
    out->push_back('0');
    return;
  }
  if (value < 0) {
    out->push_back('-');
    value = -value;
  }
  // The shortest digits that round-trip, as d.ddde±x.
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<size_t>(r.ptr - buf));
  const size_t e_pos = sci.find('e');
  char digits[24];
  int k = 0;
  for (size_t i = 0; i < e_pos; ++i) {
    if (sci[i] != '.') digits[k++] = sci[i];
  }
  int exponent = 0;
  const char* exp_first = sci.data() + e_pos + 1;
  if (*exp_first == '+') ++exp_first;
  std::from_chars(exp_first, sci.data() + sci.size(), exponent);
  // value = 0.d1d2...dk x 10^n
  const int n = exponent + 1;
  if (k <= n && n <= 21) {
    out->append(digits, static_cast<size_t>(k));
    out->append(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out->append(digits, static_cast<size_t>(n));
    out->push_back('.');
    out->append(digits + n, static_cast<size_t>(k - n));
  } else if (-6 < n && n <= 0) {
    out->append("0.");
    out->append(static_cast<size_t>(-n), '0');
    out->append(digits, static_cast<size_t>(k));
  } else {
    out->push_back(digits[0]);
    if (k > 1) {
      out->push_back('.');
      out->append(digits + 1, static_cast<size_t>(k - 1));
    }
    out->push_back('e');
    out->push_back(n - 1 >= 0 ? '+' : '-');
    out->append(std::to_string(std::abs(n - 1)));
  }
}

}  // namespace

void AppendCanonical(const Element& value, std::string* out) {
  switch (value.type()) {
    case ElementType::OBJECT: {
      ObjectView object;
      if (value.get_object().get(object) != simdjson::SUCCESS) break;
      std::vector<std::pair<std::string_view, Element>> members;
      members.reserve(object.size());
      for (const simdjson::dom::key_value_pair member : object) {
        members.emplace_back(member.key, member.value);
      }
      std::stable_sort(members.begin(), members.end(),
                       [](const auto& a, const auto& b) { return Utf16Less(a.first, b.first); });
      out->push_back('{');
      bool first = true;
      for (const auto& [key, member_value] : members) {
        if (!first) out->push_back(',');
        first = false;
        AppendQuoted(key, out);
        out->push_back(':');
        AppendCanonical(member_value, out);
      }
      out->push_back('}');
      return;
    }
    case ElementType::ARRAY: {
      ArrayView array;
      if (value.get_array().get(array) != simdjson::SUCCESS) break;
      out->push_back('[');
      bool first = true;
      for (const Element element : array) {
        if (!first) out->push_back(',');
        first = false;
        AppendCanonical(element, out);
      }
      out->push_back(']');
      return;
    }
    case ElementType::STRING: {
      std::string_view s;
      if (value.get_string().get(s) != simdjson::SUCCESS) break;
      AppendQuoted(s, out);
      return;
    }
    case ElementType::INT64: {
      int64_t v = 0;
      if (value.get_int64().get(v) != simdjson::SUCCESS) break;
      AppendNumber(static_cast<double>(v), out);
      return;
    }
    case ElementType::UINT64: {
      uint64_t v = 0;
      if (value.get_uint64().get(v) != simdjson::SUCCESS) break;
      AppendNumber(static_cast<double>(v), out);
      return;
    }
    case ElementType::DOUBLE: {
      double v = 0;
      if (value.get_double().get(v) != simdjson::SUCCESS) break;
      AppendNumber(v, out);
      return;
    }
    case ElementType::BOOL: {
      bool v = false;
      if (value.get_bool().get(v) != simdjson::SUCCESS) break;
      out->append(v ? "true" : "false");
      return;
    }
    case ElementType::NULL_VALUE:
      out->append("null");
      return;
  }
  out->append("null");  // unreachable for an element from a successful parse
}

}  // namespace concord::json
