#pragma once

// Warning lists: well-known values (public DNS resolvers, popular sites, cloud ranges, reserved
// and private addresses) that make an indicator a likely false positive. An indicator whose
// pattern compares against such a value is flagged at import and left out of matching unless
// the user forces it. See docs/warninglists.md for the formats and what counts as a hit.
//
// Two input formats:
//   - MISP warning lists (github.com/MISP/misp-warninglists), a list.json as is: {"name",
//     "description", "version", "type": "cidr" | "string" | "hostname" | "substring" | "regex",
//     "matching_attributes": [...], "list": [...]};
//   - plain text: one value per line, '#' starts a comment, blank lines skipped; an IP address
//     or CIDR block becomes a cidr entry, anything else must be a host name (a hostname entry).
//
// Stages: Add() parses and validates one whole list, then merges it into shared indexes (CIDR
// blocks sorted by start with their nesting, hash maps for strings and host names, RE2::Set
// chunks for substrings and regular expressions); Check() walks a parsed pattern without
// recursion and probes those indexes for each compared value.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "concord/base/status.h"
#include "concord/pattern/ast.h"

namespace concord::detect {

namespace internal {
struct WarningIndex;  // the lists' indexes; defined in warning_list.cc
}  // namespace internal

// Limits on the lists read from outside. Add() enforces them; going over one is a
// ResourceExhausted error naming the limit, and the list is not loaded.
struct WarningListLimits {
  // The most entries in one list. Site-popularity lists run to 500,000 entries (MISP's
  // cloudflare-top500k) or a million.
  size_t max_entries_per_list = 2'000'000;
  // The longest entry, in bytes. Host names stop at 253; this leaves room for URLs and regexes.
  size_t max_entry_bytes = 1024;
  // The most substring and regex entries over all lists together: both are compiled into the
  // same RE2 sets, whose build time and memory grow with their number.
  size_t max_regex_entries = 10'000;
  // The most lists held at once.
  size_t max_lists = 1'000;
  // The largest text Add() accepts, in bytes. A MISP list.json of a million host names is about
  // 25 MiB.
  size_t max_list_bytes = 256u << 20;
};

// One hit: an indicator value that a list entry covers.
struct WarningHit {
  std::string list;   // the list's name
  std::string value;  // the indicator's value as written in the pattern (the whole URL, ...)
  // The entry it hit: a CIDR block or address in canonical form ("10.0.0.0/8", "8.8.8.8"), a
  // string or host name entry as stored (host names lowercase, without a trailing dot), a
  // substring or regex entry as written in the list.
  std::string entry;

  bool operator==(const WarningHit&) const = default;
};

// A set of warning lists and the indexes to check values against them.
//
// Thread safety: const methods may be called from several threads at once; Add() needs
// exclusive access. Move-only; a moved-from WarningLists may only be destroyed or assigned to.
class WarningLists {
 public:
  // At most this many hits are returned for one pattern or value: enough to say why, bounded on
  // patterns with long IN lists.
  static constexpr size_t kMaxHits = 8;
  // The name of the built-in list of reserved and private ranges.
  static constexpr std::string_view kBuiltInName = "reserved-ranges";

  // An empty set: no list, nothing hits.
  explicit WarningLists(WarningListLimits limits = {});
  ~WarningLists();
  WarningLists(WarningLists&&) noexcept;
  WarningLists& operator=(WarningLists&&) noexcept;
  WarningLists(const WarningLists&) = delete;
  WarningLists& operator=(const WarningLists&) = delete;

  // A set holding one list, "reserved-ranges": addresses that are never a remote party on the
  // Internet, so an indicator naming one is a mistake or a placeholder.
  //   IPv4  0.0.0.0/8, 10.0.0.0/8, 100.64.0.0/10 (carrier-grade NAT), 127.0.0.0/8,
  //         169.254.0.0/16 (link-local), 172.16.0.0/12, 192.0.0.0/24 (IETF protocol
  //         assignments), 192.168.0.0/16, 198.18.0.0/15 (benchmarking), 224.0.0.0/4
  //         (multicast), 240.0.0.0/4 (reserved, with 255.255.255.255);
  //   IPv6  ::/128, ::1/128, fc00::/7 (unique local), fe80::/10 (link-local), ff00::/8
  //         (multicast);
  //   host names localhost, localdomain, local, invalid, each with its subdomains.
  // REQUIRES: `limits` allow one list of 20 entries.
  // Deliberately NOT included: the documentation ranges 192.0.2.0/24, 198.51.100.0/24,
  // 203.0.113.0/24 and 2001:db8::/32 and the .example and .test names. They never occur in real
  // traffic, so they cause no false positives, and examples, tests and exercises use them as
  // stand-ins for hostile infrastructure: flagging them would hide exactly those indicators.
  static WarningLists BuiltIn(WarningListLimits limits = {});

  // Adds one list from `text`: MISP JSON when its first character other than whitespace (or a
  // UTF-8 byte order mark) is '{', plain text otherwise.
  //   - MISP JSON: "list" is required (an array of strings, or an object whose keys are the
  //     entries and whose values are comments, as MISP exports lists with comments); "type"
  //     defaults to "string" as in MISP; "name" names the list in hits, `name` when absent;
  //     "matching_attributes" restricts the list to the values of those MISP attribute types
  //     (absent, empty or "ALL": every value); other members are ignored. Empty entries are
  //     skipped, as MISP does.
  //   - Plain text: always named `name` (for example the file's base name).
  // Errors, after which nothing of the list is loaded (no half-loaded lists):
  //   - InvalidArgument with a location for malformed input: JSON syntax errors with the byte
  //     offset ("byte 17: ..."), the member at fault ("\"type\": ...", "list[12]: ..."), or in
  //     plain text the line ("line 4: ..."); an entry that is not valid for the list's type (an
  //     invalid CIDR block, host name or regular expression) refuses the whole list;
  //   - InvalidArgument when the list would have no name (`name` empty and no "name");
  //   - AlreadyExists when a list of that name is already loaded;
  //   - ResourceExhausted past a WarningListLimits limit.
  // Messages start with the list's name: "warning list \"x\": line 4: ...".
  Status Add(std::string_view text, std::string_view name);

  // Every hit of `pattern` (from pattern::ParsePattern), at most kMaxHits, each (list, value,
  // entry) once, in a stable order: comparisons and IN members in source order; for one value,
  // cidr entries (the innermost block first, then the blocks inside a CIDR value in address
  // order), string and hostname entries (the name before its parent domains), then substring
  // and regex entries in load order. Only comparisons that say "this value is bad" are checked:
  // =, IN (each member) and ISSUBSET (a CIDR block), not negated with NOT. A != or NOT
  // comparison matches everything but the value, so a listed value there is no false positive;
  // LIKE and MATCHES take a pattern, not a value: their text is no value any list could name,
  // and telling whether the pattern's language meets a list would need set intersection. Every
  // observation expression and comparison is walked (AND, OR, FOLLOWEDBY, qualifiers).
  //
  // Which comparisons, by path, and how their values are checked:
  //   ipv4-addr:value, ipv6-addr:value       an address (or CIDR block);
  //   domain-name:value                      a host name;
  //   url:value                              the whole URL, and its host as a host name or
  //                                          address;
  //   email-addr:value                       the whole address, and its domain as a host name;
  //   any path ending in "<x>_ref.value" or "<x>_refs[*].value" (network-traffic:dst_ref.value,
  //   email-message:to_refs[*].value, ...)  by content: an address, an e-mail address, a URL
  //                                          or a host name.
  // What hits, per entry type:
  //   cidr       an address inside the block, or a CIDR block overlapping it (either contains
  //              the other); an IPv4-mapped IPv6 value (::ffff:10.0.0.1) also as IPv4;
  //   string     an equal value; addresses compared as addresses (2001:db8:0::1 equals
  //              2001:db8::1), host names without ASCII case and a trailing dot;
  //   hostname   the host name itself and every subdomain (an address entry: that address);
  //   substring  a value containing the entry, without regard to ASCII case;
  //   regex      a value the RE2 regular expression matches anywhere.
  // A list with matching_attributes is only asked about values of those attribute types (see
  // docs/warninglists.md for the mapping). Never fails; a pattern with no such comparison has
  // no hits.
  std::vector<WarningHit> Check(const pattern::Pattern& pattern) const;

  // The same for one value of a STIX cyber-observable type: "ipv4-addr", "ipv6-addr",
  // "domain-name", "url" or "email-addr" (any other type: no hits). For callers that have a
  // value, not a pattern (an observation, a feed entry). At most kMaxHits.
  std::vector<WarningHit> CheckValue(std::string_view object_type, std::string_view value) const;

  // The number of lists loaded.
  size_t list_count() const;
  // The number of distinct entries over all lists (an entry repeated within one list counts
  // once; the same entry in two lists counts twice).
  size_t entry_count() const;

 private:
  std::unique_ptr<internal::WarningIndex> index_;
};

}  // namespace concord::detect
