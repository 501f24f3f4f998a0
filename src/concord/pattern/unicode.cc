#include "concord/pattern/unicode.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

namespace concord::pattern {
namespace {

// ICU's NFC normaliser: a process-wide immutable singleton owned by ICU, safe to share between
// threads. Null only if ICU's data could not be loaded, which a Debian install never lacks.
const icu::Normalizer2* Nfc() {
  static const icu::Normalizer2* const nfc = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
    return U_SUCCESS(status) ? n : nullptr;
  }();
  return nfc;
}

// UAX #15 section 13, the Stream-Safe Text Format: after 30 consecutive non-starters a U+034F
// COMBINING GRAPHEME JOINER is inserted. Real text never has such runs; hostile text would make
// canonical reordering (insertion sort in ICU) quadratic without it.
constexpr int kMaxNonStarters = 30;
constexpr UChar32 kCombiningGraphemeJoiner = 0x034F;

icu::UnicodeString StreamSafe(const icu::Normalizer2& nfc, const icu::UnicodeString& in) {
  icu::UnicodeString out;
  int run = 0;
  for (int32_t i = 0; i < in.length();) {
    const UChar32 c = in.char32At(i);
    if (nfc.getCombiningClass(c) == 0) {
      run = 0;
    } else if (++run > kMaxNonStarters) {
      out.append(kCombiningGraphemeJoiner);
      run = 1;
    }
    out.append(c);
    i += U16_LENGTH(c);
  }
  return out;
}

}  // namespace

bool IsValidUtf8(std::string_view text, size_t* bad_offset) {
  unsigned char high = 0;
  for (char c : text) high |= static_cast<unsigned char>(c);
  if (high < 0x80) return true;
  return DecodeUtf8(text, bad_offset).has_value();
}

std::optional<std::u32string> DecodeUtf8(std::string_view text, size_t* bad_offset) {
  std::u32string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t length;
    char32_t cp;
    char32_t min;
    if (c < 0x80) {
      out.push_back(c);
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      length = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4, cp = c & 0x07, min = 0x10000;
    } else {
      if (bad_offset) *bad_offset = i;
      return std::nullopt;
    }
    if (i + length > text.size()) {
      if (bad_offset) *bad_offset = i;
      return std::nullopt;
    }
    for (size_t k = 1; k < length; ++k) {
      const unsigned char cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) {
        if (bad_offset) *bad_offset = i;
        return std::nullopt;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      if (bad_offset) *bad_offset = i;
      return std::nullopt;
    }
    out.push_back(cp);
    i += length;
  }
  return out;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string EncodeUtf8(std::u32string_view code_points) {
  std::string out;
  out.reserve(code_points.size());
  for (char32_t cp : code_points) AppendUtf8(cp, &out);
  return out;
}

size_t CodePointIndex(std::string_view text, size_t byte_offset) {
  size_t n = 0;
  const size_t end = std::min(byte_offset, text.size());
  for (size_t i = 0; i < end; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++n;
  }
  return n + (byte_offset > text.size() ? byte_offset - text.size() : 0);
}

std::string NormalizeNfcUtf8(std::string_view text) {
  bool ascii = true;  // ASCII is always in NFC: the common case costs one pass
  for (unsigned char c : text) ascii &= c < 0x80;
  if (ascii) return std::string(text);
  const icu::Normalizer2* nfc = Nfc();
  if (nfc == nullptr) return std::string(text);
  // Invalid UTF-8 becomes U+FFFD on the way in (documented in the header). Both of ICU's calls
  // below are quadratic in a run of non-starters, so the run is cut first.
  const icu::UnicodeString in =
      StreamSafe(*nfc, icu::UnicodeString::fromUTF8(
                           icu::StringPiece(text.data(), static_cast<int32_t>(text.size()))));
  UErrorCode status = U_ZERO_ERROR;
  std::string out;
  if (nfc->isNormalized(in, status) && U_SUCCESS(status)) {
    in.toUTF8String(out);
    return out;
  }
  status = U_ZERO_ERROR;
  const icu::UnicodeString normalized = nfc->normalize(in, status);
  (U_SUCCESS(status) ? normalized : in).toUTF8String(out);
  return out;
}

std::u32string NormalizeNfc(std::u32string_view code_points) {
  return DecodeUtf8(NormalizeNfcUtf8(EncodeUtf8(code_points))).value_or(std::u32string());
}

}  // namespace concord::pattern
