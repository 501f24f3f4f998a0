#include "concord/detect/warning_list.h"

#include <arpa/inet.h>
#include <re2/re2.h>
#include <re2/set.h>
#include <sys/socket.h>

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "concord/base/ascii.h"
#include "concord/json/document.h"
#include "concord/pattern/ip.h"

namespace concord::detect {
namespace {

using U128 = unsigned __int128;
constexpr uint32_t kNone = UINT32_MAX;

// Substring and regex entries per RE2::Set: small enough that one set's DFA stays within its
// memory budget on any value, large enough that a value meets few sets.
constexpr size_t kSetChunk = 512;
// The most CIDR entries looked at inside one CIDR block being checked (ISSUBSET '0.0.0.0/0'
// over a million-entry list must not cost a million steps per indicator).
constexpr size_t kContainedScanBudget = 4096;
// Host names longer than DNS allows are not probed label by label (it would be quadratic).
constexpr size_t kMaxHostBytes = 253;

// The plain-text source of the built-in list; see WarningLists::BuiltIn for why each line is
// here and why the documentation ranges are not.
constexpr std::string_view kBuiltInText =
    R"(# Reserved and private ranges: never a remote party on the Internet.
0.0.0.0/8
10.0.0.0/8
100.64.0.0/10
127.0.0.0/8
169.254.0.0/16
172.16.0.0/12
192.0.0.0/24
192.168.0.0/16
198.18.0.0/15
224.0.0.0/4
240.0.0.0/4
::/128
::1/128
fc00::/7
fe80::/10
ff00::/8
localhost
localdomain
local
invalid
)";

// ---- What kind of value is being checked (for MISP matching_attributes) ----

enum : uint8_t {
  kAddressKind = 1,
  kHostKind = 2,
  kUrlKind = 4,
  kEmailKind = 8,
  kAllKinds = kAddressKind | kHostKind | kUrlKind | kEmailKind,
};

struct AttributeKinds {
  std::string_view type;
  uint8_t kinds;
};

// MISP attribute types and the values of ours they stand for. Types not here (hashes, file
// names, ...) name values this module never checks.
constexpr AttributeKinds kAttributeKinds[] = {
    {"ALL", kAllKinds},
    {"ip-src", kAddressKind},
    {"ip-dst", kAddressKind},
    {"ip-src|port", kAddressKind},
    {"ip-dst|port", kAddressKind},
    {"domain|ip", kAddressKind | kHostKind},
    {"domain", kHostKind},
    {"hostname", kHostKind},
    {"hostname|port", kHostKind},
    {"url", kUrlKind},
    {"uri", kUrlKind},
    {"link", kUrlKind},
    {"email", kEmailKind},
    {"email-src", kEmailKind},
    {"email-dst", kEmailKind},
    {"email-reply-to", kEmailKind},
    {"target-email", kEmailKind},
    {"whois-registrant-email", kEmailKind},
    {"dns-soa-email", kEmailKind},
};

enum class EntryType { kCidr, kString, kHostname, kSubstring, kRegex };

std::optional<EntryType> EntryTypeFromName(std::string_view name) {
  if (name == "cidr") return EntryType::kCidr;
  if (name == "string") return EntryType::kString;
  if (name == "hostname") return EntryType::kHostname;
  if (name == "substring") return EntryType::kSubstring;
  if (name == "regex") return EntryType::kRegex;
  return std::nullopt;
}

// ---- Text helpers ----

bool IsAsciiAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// True when `s` is valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char d = s[i + k];
      if ((d & 0xC0) != 0x80) return false;
      cp = cp << 6 | (d & 0x3F);
    }
    if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (n == 3 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// `s` quoted for a message: at most 80 bytes (cut at a character boundary), control characters,
// quotes and backslashes escaped, and every byte past ASCII too when `s` is not valid UTF-8.
std::string Quote(std::string_view s) {
  constexpr size_t kMax = 80;
  std::string out = "\"";
  size_t end = s.size();
  if (end > kMax) {
    end = kMax;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  }
  const bool utf8 = IsValidUtf8(s.substr(0, end));
  for (size_t i = 0; i < end; ++i) {
    const unsigned char c = s[i];
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && !utf8)) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      if (c == '"' || c == '\\') out += '\\';
      out += static_cast<char>(c);
    }
  }
  if (end < s.size()) out += "...";
  out += '"';
  return out;
}

// A host name as compared: ASCII lowercase, without one trailing dot.
std::string HostForm(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

// A hostname entry as stored: lowercase, without a leading "*." and leading or trailing dots.
// std::nullopt when it is not a host name: one or more labels of ASCII letters, digits, '-',
// '_' or non-ASCII characters (valid UTF-8), the last label not all digits (so "10.0.0.300" is
// refused, not taken for a name).
std::optional<std::string> HostEntry(std::string_view s) {
  if (s.starts_with("*.")) s.remove_prefix(2);
  while (!s.empty() && s.front() == '.') s.remove_prefix(1);
  while (!s.empty() && s.back() == '.') s.remove_suffix(1);
  if (s.empty() || !IsValidUtf8(s)) return std::nullopt;
  std::string out;
  out.reserve(s.size());
  bool label_empty = true;
  bool label_digits = true;
  for (const char ch : s) {
    const unsigned char c = ch;
    if (c == '.') {
      if (label_empty) return std::nullopt;
      label_empty = true;
      label_digits = true;
      out += '.';
      continue;
    }
    if (!(c >= 0x80 || IsAsciiAlnum(c) || c == '-' || c == '_')) return std::nullopt;
    if (!(c >= '0' && c <= '9')) label_digits = false;
    label_empty = false;
    out += AsciiLower(ch);
  }
  if (label_digits) return std::nullopt;
  return out;
}

// ---- Addresses as 128-bit ranges ----

struct Net {
  int family = 4;  // 4 or 6
  U128 lo = 0;     // the first address of the block (host bits cleared)
  U128 hi = 0;     // the last address
  int prefix = 32;
};

int Width(int family) { return family == 4 ? 32 : 128; }

std::optional<Net> ParseNet(std::string_view text) {
  const std::optional<pattern::IpNetwork> n = pattern::ParseIpNetwork(text);
  if (!n) return std::nullopt;
  Net net;
  net.family = n->family;
  net.prefix = n->prefix_length;
  const int width = Width(n->family);
  U128 v = 0;
  for (int i = 0; i < width / 8; ++i) v = v << 8 | n->bytes[i];
  const int host_bits = width - net.prefix;
  const U128 host_mask = host_bits == 0     ? U128{0}
                         : host_bits == 128 ? ~U128{0}
                                            : (U128{1} << host_bits) - 1;
  net.lo = v & ~host_mask;
  net.hi = net.lo | host_mask;
  return net;
}

// "10.0.0.0/8", or "8.8.8.8" for a single address; IPv6 as inet_ntop writes it (RFC 5952).
std::string FormatNet(int family, U128 lo, int prefix) {
  const int width = Width(family);
  unsigned char bytes[16] = {};
  for (int i = width / 8 - 1; i >= 0; --i) {
    bytes[i] = static_cast<unsigned char>(lo & 0xFF);
    lo >>= 8;
  }
  char buf[INET6_ADDRSTRLEN + 8] = {};
  inet_ntop(family == 4 ? AF_INET : AF_INET6, bytes, buf, sizeof buf);
  std::string out = buf;
  if (prefix < width) out += "/" + std::to_string(prefix);
  return out;
}

std::string FormatNet(const Net& net) { return FormatNet(net.family, net.lo, net.prefix); }

// One cidr entry. Per family, entries are sorted by (lo, prefix, list). CIDR blocks are either
// disjoint or nested, so with this order every entry's nearest enclosing entry comes before it
// (`parent`), and the entries containing an address are one chain of parents.
struct CidrEntry {
  U128 lo = 0;
  U128 hi = 0;
  uint32_t list = 0;
  uint32_t parent = kNone;
  uint8_t prefix = 0;
};

bool CidrLess(const CidrEntry& a, const CidrEntry& b) {
  if (a.lo != b.lo) return a.lo < b.lo;
  if (a.prefix != b.prefix) return a.prefix < b.prefix;
  return a.list < b.list;
}

void LinkParents(std::vector<CidrEntry>* entries) {
  std::vector<uint32_t> open;  // the chain of entries enclosing the current position
  for (uint32_t i = 0; i < entries->size(); ++i) {
    CidrEntry& e = (*entries)[i];
    while (!open.empty() && (*entries)[open.back()].hi < e.lo) open.pop_back();
    e.parent = open.empty() ? kNone : open.back();
    open.push_back(i);
  }
}

// ---- String keys shared by several lists ----

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// The lists holding one key, in load order, as a linked run in Index::postings.
struct PostingRun {
  uint32_t head = kNone;
  uint32_t tail = kNone;
};
struct Posting {
  uint32_t list = 0;
  uint32_t next = kNone;
};
using KeyMap = std::unordered_map<std::string, PostingRun, StringHash, std::equal_to<>>;

// ---- Substring and regex entries ----

struct SetPattern {
  std::string entry;  // as written in the list (for hits)
  std::string regex;  // the RE2 expression
  uint32_t list = 0;
};

struct SetChunk {
  std::unique_ptr<re2::RE2::Set> set;
  size_t first = 0;  // index of its first pattern in Index::set_patterns
  size_t count = 0;
};

re2::RE2::Options SetOptions() {
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(64 << 20);
  return options;
}

// MISP keeps regex entries as PHP preg patterns: a delimiter, the expression, the same
// delimiter, flags ("/\.example\.com$/i"). Returns the RE2 expression: the inside with the flags
// as a group prefix, or `entry` itself when it is not so delimited. Of the PCRE flags, i, m and s
// carry over, u and D change nothing under RE2 (UTF-8 is the default; $ ends the text unless
// (?m)); the others (x, U, A, ...) are refused with a message.
Result<std::string> RegexFromEntry(std::string_view entry) {
  constexpr std::string_view kDelimiters = "/#~!@%|+;,";
  if (entry.size() < 2 || kDelimiters.find(entry[0]) == std::string_view::npos) {
    return std::string(entry);
  }
  const size_t close = entry.rfind(entry[0]);
  if (close == 0) return std::string(entry);
  const std::string_view flags = entry.substr(close + 1);
  if (flags.find_first_not_of("imsxuADSUXJn") != std::string_view::npos) {
    return std::string(entry);  // not delimiter + flags: a plain expression that starts with '/'
  }
  std::string prefix;
  for (const char f : flags) {
    if (f == 'i' || f == 'm' || f == 's') {
      if (prefix.find(f) == std::string::npos) prefix += f;
    } else if (f != 'u' && f != 'D') {
      return InvalidArgument(std::string("PCRE flag '") + f + "' is not supported by RE2");
    }
  }
  std::string regex;
  if (!prefix.empty()) regex = "(?" + prefix + ")";
  regex += entry.substr(1, close - 1);
  return regex;
}

// ---- One list, parsed and validated but not yet merged ----

struct StagedList {
  std::string name;
  uint8_t kinds = kAllKinds;
  std::vector<CidrEntry> cidr[2];         // [0] IPv4, [1] IPv6; `list` set when merged
  std::vector<std::string> strings;       // string entries (addresses in canonical form)
  std::vector<std::string> strings_host;  // host forms of string entries that differ
  std::vector<std::string> hostnames;
  std::vector<SetPattern> set_patterns;
  std::unordered_set<std::string> set_seen;  // duplicate substring/regex entries
  size_t entries = 0;                        // entries read (before duplicates are dropped)
};

Status EntryError(std::string_view where, std::string message) {
  return InvalidArgument(std::string(where) + ": " + message);
}

// Adds `entry` of `type` to `staged`. `where` locates it ("list[3]", "line 4") for errors.
Status StageEntry(EntryType type, std::string_view entry, std::string_view where,
                  const WarningListLimits& limits, StagedList* staged) {
  if (entry.size() > limits.max_entry_bytes) {
    return ResourceExhausted(std::string(where) + ": an entry of " + std::to_string(entry.size()) +
                             " bytes is longer than the limit of " +
                             std::to_string(limits.max_entry_bytes));
  }
  if (++staged->entries > limits.max_entries_per_list) {
    return ResourceExhausted(std::string(where) + ": more than " +
                             std::to_string(limits.max_entries_per_list) +
                             " entries, the limit for one list");
  }
  switch (type) {
    case EntryType::kCidr: {
      const std::optional<Net> net = ParseNet(entry);
      if (!net) return EntryError(where, Quote(entry) + " is not an IP address or CIDR block");
      CidrEntry e;
      e.lo = net->lo;
      e.hi = net->hi;
      e.prefix = static_cast<uint8_t>(net->prefix);
      staged->cidr[net->family == 4 ? 0 : 1].push_back(e);
      return Status::Ok();
    }
    case EntryType::kString: {
      if (const std::optional<Net> net = ParseNet(entry)) {
        staged->strings.push_back(FormatNet(*net));
        return Status::Ok();
      }
      staged->strings.emplace_back(entry);
      std::string host = HostForm(entry);
      if (!host.empty() && host != entry) staged->strings_host.push_back(std::move(host));
      return Status::Ok();
    }
    case EntryType::kHostname: {
      if (const std::optional<Net> net = ParseNet(entry)) {
        if (net->prefix == Width(net->family)) {
          staged->hostnames.push_back(FormatNet(*net));
          return Status::Ok();
        }
      }
      std::optional<std::string> host = HostEntry(entry);
      if (!host) return EntryError(where, Quote(entry) + " is not a host name");
      staged->hostnames.push_back(std::move(*host));
      return Status::Ok();
    }
    case EntryType::kSubstring: {
      if (!IsValidUtf8(entry)) return EntryError(where, Quote(entry) + " is not valid UTF-8");
      if (!staged->set_seen.emplace(entry).second) return Status::Ok();
      staged->set_patterns.push_back(
          SetPattern{std::string(entry), "(?i)" + re2::RE2::QuoteMeta(entry), 0});
      return Status::Ok();
    }
    case EntryType::kRegex: {
      if (!IsValidUtf8(entry)) return EntryError(where, Quote(entry) + " is not valid UTF-8");
      if (!staged->set_seen.emplace(entry).second) return Status::Ok();
      Result<std::string> regex = RegexFromEntry(entry);
      if (!regex.ok()) {
        return EntryError(where,
                          "regular expression " + Quote(entry) + ": " + regex.status().message());
      }
      re2::RE2::Options options;
      options.set_log_errors(false);
      const re2::RE2 compiled(*regex, options);
      if (!compiled.ok()) {
        return EntryError(where, "regular expression " + Quote(entry) +
                                     " does not compile with RE2: " + compiled.error());
      }
      if (re2::RE2::PartialMatch("", compiled)) {
        // "//", "/x*/", "/^/": it would hit every value and so suppress every indicator.
        return EntryError(where, "regular expression " + Quote(entry) +
                                     " matches the empty string, so it would hit every value");
      }
      staged->set_patterns.push_back(SetPattern{std::string(entry), std::move(*regex), 0});
      return Status::Ok();
    }
  }
  return Internal("unknown entry type");
}

// Plain text: one value per line; '#' starts a comment; an address or CIDR block is a cidr
// entry, anything else must be a host name.
Status StagePlainText(std::string_view text, const WarningListLimits& limits, StagedList* staged) {
  size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    const size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    line = Trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    const std::string where = "line " + std::to_string(line_number);
    EntryType type = EntryType::kHostname;
    if (line.size() <= limits.max_entry_bytes) {  // longer: StageEntry says so
      if (ParseNet(line)) {
        type = EntryType::kCidr;
      } else if (!HostEntry(line)) {
        return EntryError(where,
                          Quote(line) + " is not an IP address, a CIDR block or a host name");
      }
    }
    CONCORD_RETURN_IF_ERROR(StageEntry(type, line, where, limits, staged));
  }
  return Status::Ok();
}

// The string member `key` of `object`: std::nullopt when absent, an error when not a string.
Result<std::optional<std::string_view>> OptionalString(const json::ObjectView& object,
                                                       std::string_view key) {
  json::Element e;
  if (object.at_key(key).get(e) != simdjson::SUCCESS) return std::optional<std::string_view>();
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS) {
    return InvalidArgument("\"" + std::string(key) + "\": expected a string, found " +
                           std::string(json::TypeName(e.type())));
  }
  return std::optional<std::string_view>(s);
}

// A MISP list.json. `staged->name` is set as soon as the name is known, for messages.
Status StageMisp(std::string_view text, std::string_view caller_name,
                 const WarningListLimits& limits, StagedList* staged) {
  json::Parser parser(json::Limits{.max_value_bytes = limits.max_list_bytes, .max_depth = 64});
  Result<json::Element> root = parser.Parse(text);
  if (!root.ok()) return root.status();
  json::ObjectView object;
  if (root->get_object().get(object) != simdjson::SUCCESS) {
    return InvalidArgument("expected a JSON object (a MISP warning list), found " +
                           std::string(json::TypeName(root->type())));
  }

  CONCORD_ASSIGN_OR_RETURN(std::optional<std::string_view> name, OptionalString(object, "name"));
  staged->name = name && !name->empty() ? std::string(*name) : std::string(caller_name);
  if (staged->name.empty()) {
    return InvalidArgument("the list has no \"name\" and none was given");
  }

  // "type": a string; MISP also accepts an array and takes its first element.
  EntryType type = EntryType::kString;
  json::Element e;
  if (object.at_key("type").get(e) == simdjson::SUCCESS) {
    json::ArrayView array;
    if (e.get_array().get(array) == simdjson::SUCCESS) {
      if (array.begin() == array.end()) return InvalidArgument("\"type\": an empty array");
      e = *array.begin();
    }
    std::string_view s;
    if (e.get_string().get(s) != simdjson::SUCCESS) {
      return InvalidArgument("\"type\": expected a string, found " +
                             std::string(json::TypeName(e.type())));
    }
    const std::optional<EntryType> t = EntryTypeFromName(s);
    if (!t) {
      return InvalidArgument("\"type\": unknown warning list type " + Quote(s) +
                             " (expected cidr, hostname, string, substring or regex)");
    }
    type = *t;
  }

  if (object.at_key("matching_attributes").get(e) == simdjson::SUCCESS) {
    json::ArrayView array;
    if (e.get_array().get(array) != simdjson::SUCCESS) {
      return InvalidArgument("\"matching_attributes\": expected an array of strings, found " +
                             std::string(json::TypeName(e.type())));
    }
    uint8_t kinds = 0;
    bool any = false;
    size_t i = 0;
    for (json::Element item : array) {
      std::string_view s;
      if (item.get_string().get(s) != simdjson::SUCCESS) {
        return InvalidArgument("matching_attributes[" + std::to_string(i) +
                               "]: expected a string, found " +
                               std::string(json::TypeName(item.type())));
      }
      any = true;
      for (const AttributeKinds& a : kAttributeKinds) {
        if (a.type == s) kinds |= a.kinds;
      }
      ++i;
    }
    staged->kinds = any ? kinds : static_cast<uint8_t>(kAllKinds);  // empty: every type, as in MISP
  }

  if (object.at_key("list").get(e) != simdjson::SUCCESS) {
    return InvalidArgument("\"list\": missing (a MISP warning list keeps its entries there)");
  }
  json::ArrayView array;
  json::ObjectView with_comments;
  if (e.get_array().get(array) == simdjson::SUCCESS) {
    size_t i = 0;
    for (json::Element item : array) {
      const std::string where = "list[" + std::to_string(i++) + "]";
      std::string_view s;
      if (item.get_string().get(s) != simdjson::SUCCESS) {
        return EntryError(where,
                          "expected a string, found " + std::string(json::TypeName(item.type())));
      }
      if (s.empty()) continue;  // MISP skips empty entries
      CONCORD_RETURN_IF_ERROR(StageEntry(type, s, where, limits, staged));
    }
  } else if (e.get_object().get(with_comments) == simdjson::SUCCESS) {
    // {"entry": "comment", ...}: the form MISP exports lists with comments in.
    size_t i = 0;
    for (const auto field : with_comments) {
      const std::string where = "list[" + std::to_string(i++) + "]";
      if (field.key.empty()) continue;
      CONCORD_RETURN_IF_ERROR(StageEntry(type, field.key, where, limits, staged));
    }
  } else {
    return InvalidArgument("\"list\": expected an array of strings, found " +
                           std::string(json::TypeName(e.type())));
  }
  return Status::Ok();
}

// ---- Collecting hits ----

}  // namespace

struct internal::WarningIndex {
  struct ListInfo {
    std::string name;
    uint8_t kinds = kAllKinds;  // the kinds of value the list is asked about
    size_t entries = 0;
  };

  WarningListLimits limits;
  std::vector<ListInfo> lists;
  std::vector<CidrEntry> cidr[2];  // [0] IPv4, [1] IPv6
  KeyMap strings;                  // string entries as written (addresses canonical)
  KeyMap strings_host;             // string entries' host forms, where they differ
  KeyMap hostnames;                // hostname entries
  std::vector<Posting> postings;
  std::vector<SetPattern> set_patterns;
  std::vector<SetChunk> set_chunks;
  size_t entry_count = 0;
};

namespace {

using Index = internal::WarningIndex;

// Appends `list` to the lists holding `key`. Returns false when `list` already holds it (lists
// are merged one at a time, so it would be the last one).
bool Post(KeyMap* map, std::string key, uint32_t list, std::vector<Posting>* postings) {
  auto [it, inserted] = map->try_emplace(std::move(key));
  if (!inserted && (*postings)[it->second.tail].list == list) return false;
  const uint32_t p = static_cast<uint32_t>(postings->size());
  postings->push_back(Posting{list, kNone});
  if (inserted) {
    it->second = PostingRun{p, p};
  } else {
    (*postings)[it->second.tail].next = p;
    it->second.tail = p;
  }
  return true;
}

// Compiles the set chunks from pattern `from` on (the chunk holding it and every later one).
Status BuildChunks(const std::vector<SetPattern>& patterns, size_t from,
                   std::vector<SetChunk>* chunks) {
  for (size_t first = from - from % kSetChunk; first < patterns.size(); first += kSetChunk) {
    SetChunk chunk;
    chunk.first = first;
    chunk.count = std::min(kSetChunk, patterns.size() - first);
    chunk.set = std::make_unique<re2::RE2::Set>(SetOptions(), re2::RE2::UNANCHORED);
    for (size_t i = first; i < first + chunk.count; ++i) {
      std::string error;
      if (chunk.set->Add(patterns[i].regex, &error) < 0) {
        return InvalidArgument("regular expression " + Quote(patterns[i].entry) + ": " + error);
      }
    }
    if (!chunk.set->Compile()) {
      return ResourceExhausted(
          "the substring and regex entries do not fit in RE2's memory budget (64 MiB per " +
          std::to_string(kSetChunk) + " entries)");
    }
    chunks->push_back(std::move(chunk));
  }
  return Status::Ok();
}

class Collector {
 public:
  explicit Collector(const Index& index) : index_(index) {}

  bool full() const { return hits_.size() >= WarningLists::kMaxHits; }
  std::vector<WarningHit> Take() { return std::move(hits_); }

  void Add(uint32_t list, uint8_t kinds, std::string_view value, std::string_view entry) {
    if (full()) return;
    const Index::ListInfo& info = index_.lists[list];
    if ((info.kinds & kinds) == 0) return;
    for (const WarningHit& h : hits_) {
      if (h.list == info.name && h.value == value && h.entry == entry) return;
    }
    hits_.push_back(WarningHit{info.name, std::string(value), std::string(entry)});
  }

  void ProbeKey(const KeyMap& map, std::string_view key, std::string_view value, uint8_t kinds) {
    const auto it = map.find(key);
    if (it == map.end()) return;
    for (uint32_t p = it->second.head; p != kNone && !full(); p = index_.postings[p].next) {
      Add(index_.postings[p].list, kinds, value, key);
    }
  }

  // cidr entries overlapping `net`, then string and hostname entries equal to it.
  void Network(const Net& net, std::string_view value, uint8_t kinds) {
    NetworkOf(net, value, kinds);
    // An IPv4-mapped IPv6 address or block (::ffff:10.0.0.1) is also the IPv4 one.
    if (net.family == 6 && net.prefix >= 96 && (net.lo >> 32) == 0xFFFF) {
      Net v4;
      v4.family = 4;
      v4.prefix = net.prefix - 96;
      v4.lo = net.lo & 0xFFFFFFFFu;
      v4.hi = net.hi & 0xFFFFFFFFu;
      NetworkOf(v4, value, kinds);
    }
  }

  void NetworkOf(const Net& net, std::string_view value, uint8_t kinds) {
    const std::vector<CidrEntry>& v = index_.cidr[net.family == 4 ? 0 : 1];
    // Entries containing `net`: the innermost is an ancestor of (or is) the last entry starting
    // at or before it; every ancestor of the innermost contains it too.
    auto it = std::upper_bound(v.begin(), v.end(), net.lo,
                               [](U128 lo, const CidrEntry& e) { return lo < e.lo; });
    if (it != v.begin()) {
      uint32_t i = static_cast<uint32_t>(it - v.begin() - 1);
      while (i != kNone && !(v[i].lo <= net.lo && net.hi <= v[i].hi)) i = v[i].parent;
      for (; i != kNone && !full(); i = v[i].parent) {
        Add(v[i].list, kinds, value, FormatNet(net.family, v[i].lo, v[i].prefix));
      }
    }
    // Entries inside a block being checked: those starting within it.
    if (net.prefix < Width(net.family)) {
      it = std::lower_bound(v.begin(), v.end(), net.lo,
                            [](const CidrEntry& e, U128 lo) { return e.lo < lo; });
      for (size_t budget = kContainedScanBudget;
           it != v.end() && it->lo <= net.hi && budget > 0 && !full(); ++it, --budget) {
        if (it->lo == net.lo && it->prefix <= net.prefix) continue;  // contains it: done above
        Add(it->list, kinds, value, FormatNet(net.family, it->lo, it->prefix));
      }
    }
    const std::string canonical = FormatNet(net);
    ProbeKey(index_.strings, canonical, value, kinds);
    if (net.prefix == Width(net.family)) ProbeKey(index_.hostnames, canonical, value, kinds);
  }

  // Substring and regex entries found in `text`.
  void Set(std::string_view text, std::string_view value, uint8_t kinds) {
    std::vector<int> matched;
    for (const SetChunk& chunk : index_.set_chunks) {
      if (full()) return;
      matched.clear();
      re2::RE2::Set::ErrorInfo error{};
      if (!chunk.set->Match(re2::StringPiece(text.data(), text.size()), &matched, &error) &&
          error.kind != re2::RE2::Set::kNoError) {
        // The set ran out of memory on this text: try each of its expressions on its own.
        matched.clear();
        re2::RE2::Options options;
        options.set_log_errors(false);
        for (size_t i = 0; i < chunk.count; ++i) {
          const re2::RE2 re(index_.set_patterns[chunk.first + i].regex, options);
          if (re.ok() && re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), re)) {
            matched.push_back(static_cast<int>(i));
          }
        }
      }
      std::sort(matched.begin(), matched.end());
      for (const int m : matched) {
        const SetPattern& p = index_.set_patterns[chunk.first + m];
        Add(p.list, kinds, value, p.entry);
      }
    }
  }

  // An address or CIDR block given as text.
  void AddressValue(std::string_view text, std::string_view value, uint8_t kinds) {
    if (const std::optional<Net> net = ParseNet(text)) {
      Network(*net, value, kinds);
    } else {
      ProbeKey(index_.strings, text, value, kinds);
    }
    Set(text, value, kinds);
  }

  // A host name (or an address where a host name may stand, as in URLs).
  void HostValue(std::string_view text, std::string_view value, uint8_t host_kinds,
                 uint8_t address_kinds) {
    const std::string host = HostForm(text);
    if (host.empty()) return;
    if (ParseNet(host)) {
      AddressValue(host, value, address_kinds);
      return;
    }
    if (host.size() <= kMaxHostBytes) {
      // The name itself, then each parent domain: "a.b.c", "b.c", "c".
      for (std::string_view suffix = host; !full();) {
        ProbeKey(index_.hostnames, suffix, value, host_kinds);
        const size_t dot = suffix.find('.');
        if (dot == std::string_view::npos) break;
        suffix.remove_prefix(dot + 1);
      }
    }
    ProbeKey(index_.strings, host, value, host_kinds);
    ProbeKey(index_.strings_host, host, value, host_kinds);
    Set(host, value, host_kinds);
  }

  void UrlValue(std::string_view url) {
    ProbeKey(index_.strings, url, url, kUrlKind);
    Set(url, url, kUrlKind);
    const std::string_view host = UrlHost(url);
    if (!host.empty()) HostValue(host, url, kHostKind | kUrlKind, kAddressKind | kUrlKind);
  }

  void EmailValue(std::string_view email) {
    ProbeKey(index_.strings, email, email, kEmailKind);
    Set(email, email, kEmailKind);
    const size_t at = email.rfind('@');
    if (at == std::string_view::npos) return;
    std::string_view domain = email.substr(at + 1);
    if (domain.size() >= 2 && domain.front() == '[' && domain.back() == ']') {
      // An address literal: user@[192.0.2.1], user@[IPv6:2001:db8::1] (RFC 5321).
      domain = domain.substr(1, domain.size() - 2);
      if (domain.size() > 5 && (domain.substr(0, 5) == "IPv6:" || domain.substr(0, 5) == "ipv6:")) {
        domain.remove_prefix(5);
      }
      AddressValue(domain, email, kAddressKind | kEmailKind);
      return;
    }
    HostValue(domain, email, kHostKind | kEmailKind, kAddressKind | kEmailKind);
  }

 private:
  // The host of a URL: after "scheme://" (or from the start when there is none), up to the first
  // '/', '?', '#' or '\\', without user information and port; an IPv6 literal without its
  // brackets. Empty when there is none.
  static std::string_view UrlHost(std::string_view url) {
    std::string_view rest = url;
    const size_t sep = url.find("://");
    if (sep != std::string_view::npos) {
      for (size_t i = 0; i < sep; ++i) {
        const unsigned char c = url[i];
        if (!(IsAsciiAlnum(c) || c == '+' || c == '-' || c == '.')) return {};
      }
      rest.remove_prefix(sep + 3);
    } else if (rest.starts_with("//")) {
      rest.remove_prefix(2);
    }
    rest = rest.substr(0, rest.find_first_of("/?#\\"));
    const size_t at = rest.rfind('@');
    if (at != std::string_view::npos) rest.remove_prefix(at + 1);
    if (rest.starts_with('[')) {
      const size_t close = rest.find(']');
      return close == std::string_view::npos ? std::string_view() : rest.substr(1, close - 1);
    }
    return rest.substr(0, rest.find(':'));
  }

  const Index& index_;
  std::vector<WarningHit> hits_;
};

// What the values compared on a path are.
enum class PathKind { kNone, kAddress, kHost, kUrl, kEmail, kRef };

PathKind KindOfObjectType(std::string_view type) {
  if (type == "ipv4-addr" || type == "ipv6-addr") return PathKind::kAddress;
  if (type == "domain-name") return PathKind::kHost;
  if (type == "url") return PathKind::kUrl;
  if (type == "email-addr") return PathKind::kEmail;
  return PathKind::kNone;
}

PathKind KindOfPath(const pattern::ObjectPath& path) {
  using Step = pattern::PathStep;
  const std::vector<Step>& s = path.steps;
  if (s.empty() || s.back().kind != Step::Kind::kKey || s.back().key != "value") {
    return PathKind::kNone;
  }
  if (s.size() == 1) return KindOfObjectType(path.object_type);
  // "x_ref.value", "x_refs[*].value", "x_refs[0].value": a referenced object's value.
  const Step& before = s[s.size() - 2];
  if (before.kind == Step::Kind::kKey && before.key.ends_with("_ref")) return PathKind::kRef;
  if (before.kind != Step::Kind::kKey && s.size() >= 3) {
    const Step& list = s[s.size() - 3];
    if (list.kind == Step::Kind::kKey && list.key.ends_with("_refs")) return PathKind::kRef;
  }
  return PathKind::kNone;
}

void CheckOne(PathKind kind, std::string_view value, Collector* collector) {
  switch (kind) {
    case PathKind::kNone:
      return;
    case PathKind::kAddress:
      collector->AddressValue(value, value, kAddressKind);
      return;
    case PathKind::kHost:
      collector->HostValue(value, value, kHostKind, kAddressKind);
      return;
    case PathKind::kUrl:
      collector->UrlValue(value);
      return;
    case PathKind::kEmail:
      collector->EmailValue(value);
      return;
    case PathKind::kRef:
      // A referenced object of any type: go by what the value looks like.
      if (ParseNet(value)) {
        collector->AddressValue(value, value, kAddressKind);
      } else if (value.find("://") != std::string_view::npos) {
        collector->UrlValue(value);  // before '@': a URL may hold user information
      } else if (value.find('@') != std::string_view::npos) {
        collector->EmailValue(value);
      } else {
        collector->HostValue(value, value, kHostKind, kAddressKind);
      }
      return;
  }
}

void CheckComparison(const pattern::Pattern& p, const pattern::Node& node, Collector* collector) {
  using pattern::CompareOp;
  using pattern::LiteralKind;
  // NOT and != match every value but the one named: naming a listed value there suppresses no
  // false positive. LIKE and MATCHES take patterns, not values (see Check in the header); <, >
  // and ISSUPERSET name no value either.
  if (node.negated) return;
  if (node.path >= p.paths.size() || node.literal >= p.literals.size()) return;
  const PathKind kind = KindOfPath(p.paths[node.path]);
  if (kind == PathKind::kNone) return;
  const pattern::Literal& literal = p.literals[node.literal];
  switch (node.op) {
    case CompareOp::kEq:
      if (literal.kind == LiteralKind::kString) CheckOne(kind, literal.bytes, collector);
      return;
    case CompareOp::kIsSubset:
      if (literal.kind == LiteralKind::kString &&
          (kind == PathKind::kAddress || kind == PathKind::kRef)) {
        collector->AddressValue(literal.bytes, literal.bytes, kAddressKind);
      }
      return;
    case CompareOp::kIn:
      if (literal.kind != LiteralKind::kList) return;
      for (const uint32_t element : literal.elements) {
        if (collector->full()) return;
        if (element >= p.literals.size()) continue;
        const pattern::Literal& member = p.literals[element];
        if (member.kind == LiteralKind::kString) CheckOne(kind, member.bytes, collector);
      }
      return;
    default:
      return;
  }
}

}  // namespace

WarningLists::WarningLists(WarningListLimits limits)
    : index_(std::make_unique<internal::WarningIndex>()) {
  index_->limits = limits;
}
WarningLists::~WarningLists() = default;
WarningLists::WarningLists(WarningLists&&) noexcept = default;
WarningLists& WarningLists::operator=(WarningLists&&) noexcept = default;

WarningLists WarningLists::BuiltIn(WarningListLimits limits) {
  WarningLists lists(limits);
  const Status status = lists.Add(kBuiltInText, kBuiltInName);
  assert(status.ok());
  (void)status;
  return lists;
}

Status WarningLists::Add(std::string_view text, std::string_view name) {
  internal::WarningIndex& index = *index_;
  const WarningListLimits& limits = index.limits;
  std::string prefix = "warning list " + Quote(name);
  if (text.size() > limits.max_list_bytes) {
    return ResourceExhausted(prefix + ": " + std::to_string(text.size()) +
                             " bytes is larger than the limit of " +
                             std::to_string(limits.max_list_bytes));
  }
  if (index.lists.size() >= limits.max_lists) {
    return ResourceExhausted(prefix + ": " + std::to_string(index.lists.size()) +
                             " lists are loaded, the limit");
  }

  // Parse and validate the whole list before anything is merged.
  StagedList staged;
  std::string_view body = text;
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  const size_t first = body.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && body[first] == '{') {
    const Status status = StageMisp(body, name, limits, &staged);
    if (!staged.name.empty()) prefix = "warning list " + Quote(staged.name);
    if (!status.ok()) return status.WithPrefix(prefix);
  } else {
    staged.name = std::string(name);
    if (staged.name.empty()) return InvalidArgument("a plain-text warning list needs a name");
    CONCORD_RETURN_IF_ERROR(StagePlainText(body, limits, &staged).WithPrefix(prefix));
  }
  for (const internal::WarningIndex::ListInfo& info : index.lists) {
    if (info.name == staged.name) return AlreadyExists(prefix + ": a list of that name is loaded");
  }
  if (index.set_patterns.size() + staged.set_patterns.size() > limits.max_regex_entries) {
    return ResourceExhausted(prefix + ": " + std::to_string(staged.set_patterns.size()) +
                             " substring and regex entries would make more than " +
                             std::to_string(limits.max_regex_entries) + " over all lists");
  }
  if (index.postings.size() + staged.entries * 2 >= kNone) {
    return ResourceExhausted(prefix + ": more entries than one WarningLists can hold");
  }

  // Compile the substring and regex entries first: the one step that can still fail.
  const uint32_t list = static_cast<uint32_t>(index.lists.size());
  std::vector<SetPattern> patterns;
  std::vector<SetChunk> chunks;
  const size_t old_patterns = index.set_patterns.size();
  if (!staged.set_patterns.empty()) {
    patterns = index.set_patterns;
    for (SetPattern& p : staged.set_patterns) {
      p.list = list;
      patterns.push_back(std::move(p));
    }
    CONCORD_RETURN_IF_ERROR(BuildChunks(patterns, old_patterns, &chunks).WithPrefix(prefix));
  }

  // Merge.
  size_t count = 0;
  for (int f = 0; f < 2; ++f) {
    std::vector<CidrEntry>& add = staged.cidr[f];
    if (add.empty()) continue;
    for (CidrEntry& e : add) e.list = list;
    std::sort(add.begin(), add.end(), CidrLess);
    add.erase(std::unique(add.begin(), add.end(),
                          [](const CidrEntry& a, const CidrEntry& b) {
                            return a.lo == b.lo && a.prefix == b.prefix;
                          }),
              add.end());
    count += add.size();
    std::vector<CidrEntry>& all = index.cidr[f];
    const size_t middle = all.size();
    all.insert(all.end(), add.begin(), add.end());
    std::inplace_merge(all.begin(), all.begin() + middle, all.end(), CidrLess);
    LinkParents(&all);
  }
  for (std::string& key : staged.strings) {
    if (Post(&index.strings, std::move(key), list, &index.postings)) ++count;
  }
  for (std::string& key : staged.strings_host) {
    Post(&index.strings_host, std::move(key), list, &index.postings);
  }
  for (std::string& key : staged.hostnames) {
    if (Post(&index.hostnames, std::move(key), list, &index.postings)) ++count;
  }
  if (!staged.set_patterns.empty()) {
    count += patterns.size() - old_patterns;
    index.set_patterns = std::move(patterns);
    const size_t keep = old_patterns / kSetChunk;  // full chunks before the new patterns
    index.set_chunks.resize(keep);
    for (SetChunk& c : chunks) index.set_chunks.push_back(std::move(c));
  }
  index.lists.push_back(internal::WarningIndex::ListInfo{staged.name, staged.kinds, count});
  index.entry_count += count;
  return Status::Ok();
}

std::vector<WarningHit> WarningLists::Check(const pattern::Pattern& pattern) const {
  Collector collector(*index_);
  if (pattern.root >= pattern.nodes.size()) return {};
  // Depth first, children in source order, with an explicit stack. `visits` bounds the walk
  // even on a hand-built pattern whose indexes form a cycle.
  std::vector<uint32_t> stack = {pattern.root};
  size_t visits = 0;
  while (!stack.empty() && !collector.full() && visits++ < pattern.nodes.size()) {
    const uint32_t n = stack.back();
    stack.pop_back();
    if (n >= pattern.nodes.size()) continue;
    const pattern::Node& node = pattern.nodes[n];
    if (node.kind == pattern::NodeKind::kComparison) {
      CheckComparison(pattern, node, &collector);
      continue;
    }
    for (auto it = node.children.rbegin(); it != node.children.rend(); ++it) stack.push_back(*it);
  }
  return collector.Take();
}

std::vector<WarningHit> WarningLists::CheckValue(std::string_view object_type,
                                                 std::string_view value) const {
  Collector collector(*index_);
  CheckOne(KindOfObjectType(object_type), value, &collector);
  return collector.Take();
}

size_t WarningLists::list_count() const { return index_->lists.size(); }
size_t WarningLists::entry_count() const { return index_->entry_count; }

}  // namespace concord::detect
