#pragma once

// The Unicode the pattern module needs: UTF-8 decoding and encoding, and Normalization Form C
// (Unicode Standard Annex #15), which STIX 2.1 section 9 asks for before LIKE and MATCHES compare
// strings. NFC is ICU's (Debian's libicu); the rest is small enough to keep here.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace concord::pattern {

// Decodes `text` as UTF-8 into code points. Returns std::nullopt when `text` is not valid UTF-8
// (overlong forms, surrogates, code points above U+10FFFF and truncated sequences are invalid);
// `*bad_offset` (when not null) then receives the byte offset of the first invalid sequence.
std::optional<std::u32string> DecodeUtf8(std::string_view text, size_t* bad_offset = nullptr);
// Whether `text` is valid UTF-8 (as DecodeUtf8 decides), without decoding it: ASCII text, the
// usual case, in one pass over its bytes. `bad_offset` as for DecodeUtf8.
bool IsValidUtf8(std::string_view text, size_t* bad_offset = nullptr);

// Appends the UTF-8 encoding of `cp` (REQUIRES: a Unicode scalar value) to `out`.
void AppendUtf8(char32_t cp, std::string* out);

// Encodes code points as UTF-8. REQUIRES: every element is a Unicode scalar value.
std::string EncodeUtf8(std::u32string_view code_points);

// The number of code points in the first `byte_offset` bytes of `text` (a count of the bytes
// that do not continue a UTF-8 sequence). Positions in pattern messages are given this way.
size_t CodePointIndex(std::string_view text, size_t byte_offset);

// Normalization Form C of `code_points`: canonical decomposition, canonical ordering, canonical
// composition. REQUIRES: every element is a Unicode scalar value. Text is first put in the
// Stream-Safe Text Format of UAX #15 (a U+034F after 30 consecutive non-starters), which keeps
// normalisation linear on hostile input and changes no real text.
std::u32string NormalizeNfc(std::u32string_view code_points);

// NFC of valid UTF-8 text. REQUIRES: `text` is valid UTF-8 (invalid sequences are replaced by
// U+FFFD, which no caller relies on).
std::string NormalizeNfcUtf8(std::string_view text);

}  // namespace concord::pattern
