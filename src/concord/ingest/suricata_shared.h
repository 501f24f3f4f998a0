#pragma once

// What the Suricata EVE adapter's general mapping (suricata.cc) and its probe fast path
// (suricata_fast_path.cc) both use: the bounds on members and items, the comparison of member
// names, the text helpers and their scratch text, and the entry point of the fast path. Internal
// to ingest; inline, so that the fast path, compiled with [[gnu::flatten]], inlines them.

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "concord/base/ascii.h"
#include "concord/json/document.h"
#include "concord/observe/builder.h"

namespace concord::ingest::suricata {

using Ref = observe::ObservationBuilder::Ref;

// Elements read from one JSON list (answers, SANs, recipients, ...) and members read from one
// JSON object. The builder's own limit (512 objects per event) usually stops far sooner.
constexpr size_t kMaxItems = 1024;
constexpr size_t kMaxMembers = 4096;

// `key` == `literal`, compared with a length known at compile time (inlined, no memcmp call).
template <size_t N>
bool Is(std::string_view key, const char (&literal)[N]) {
  return key.size() == N - 1 && std::memcmp(key.data(), literal, N - 1) == 0;
}

// ---- Text helpers (no allocation: results live in the caller's buffer).

// `text` in ASCII lower case, in `buffer`; "" when it does not fit.
template <size_t N>
std::string_view LowerInto(std::string_view text, char (&buffer)[N]) {
  if (text.size() > N) return {};
  for (size_t i = 0; i < text.size(); ++i) buffer[i] = AsciiLower(text[i]);
  return std::string_view(buffer, text.size());
}

// A name as certificates and SNI carry host names: letters, digits, '-', '_' and '.', with a
// dot, not starting or ending with one. Wildcards ("*.example.com") are not host names.
inline bool LooksLikeHostName(std::string_view s) {
  if (s.size() < 3 || s.size() > 253 || s.front() == '.' || s.back() == '.') return false;
  bool dot = false;
  for (char c : s) {
    if (c == '.') {
      dot = true;
    } else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_')) {
      return false;
    }
  }
  return dot;
}

// "type/subtype" (parameters after ';' dropped) when `magic` is a MIME type, else "". libmagic
// descriptions ("PE32 executable (GUI) Intel 80386") have spaces and are not.
inline std::string_view MimeType(std::string_view magic) {
  const size_t semicolon = magic.find(';');
  if (semicolon != std::string_view::npos) magic = magic.substr(0, semicolon);
  while (!magic.empty() && magic.back() == ' ') magic.remove_suffix(1);
  const size_t slash = magic.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash + 1 == magic.size() ||
      magic.size() > 255) {
    return {};
  }
  for (size_t i = 0; i < magic.size(); ++i) {
    const char c = magic[i];
    const bool token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '+' || c == '.' || c == '_' || c == '!' || c == '#' ||
                       c == '$' || c == '&' || c == '^';
    if (!token && !(c == '/' && i == slash)) return {};
  }
  return magic;
}

// The value of the last "CN=" component of a distinguished name as Suricata writes it
// ("C=US, O=Example, CN=www.example.com"); "" when there is none.
inline std::string_view CommonName(std::string_view dn) {
  std::string_view cn;
  size_t from = 0;
  while (from < dn.size()) {
    size_t end = dn.find(", ", from);
    if (end == std::string_view::npos) end = dn.size();
    const std::string_view part = dn.substr(from, end - from);
    if (part.size() > 3 && (part[0] == 'C' || part[0] == 'c') &&
        (part[1] == 'N' || part[1] == 'n') && part[2] == '=') {
      cn = part.substr(3);
    }
    from = end + 2;
  }
  return cn;
}

// A file name without its directories ("/dl/setup.exe" -> "setup.exe"; SMB "a\b.txt" ->
// "b.txt"). Suricata names HTTP files by the request path.
inline std::string_view BaseName(std::string_view path) {
  const size_t slash = path.find_last_of("/\\");
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Scratch text reused from event to event (no allocation once warm).
struct Scratch {
  std::string url;
  std::string host;
  std::string san;
  std::vector<Ref> to, cc, bcc, rcpt;
};
inline Scratch& GetScratch() {
  thread_local Scratch scratch;
  return scratch;
}

// True for "scheme://...": a scheme (a letter, then letters, digits, '+', '-', '.') before "://".
inline bool IsAbsoluteUrl(std::string_view url) {
  const size_t colon = url.find("://");
  if (colon == 0 || colon == std::string_view::npos || colon > 32) return false;
  for (size_t i = 0; i < colon; ++i) {
    const char c = url[i];
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!letter && (i == 0 || !((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))) {
      return false;
    }
  }
  return true;
}

// The probe fast path (suricata_fast_path.cc), for MapSuricataEve: true when it took the event
// (in probe mode only), having reported to b->probe() what the general mapping would; false,
// having reported nothing, when the general mapping is to map it.
bool FastProbe(json::ObjectView event, observe::ObservationBuilder* b);

}  // namespace concord::ingest::suricata
