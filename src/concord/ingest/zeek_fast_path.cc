// The probe fast paths for the commonest events of all: conn, dns, http, ssl and files events in
// JSON as Zeek writes them (numbers as numbers, IPv4 ends, "_path" first or the log type in the
// file's name), and as json-streaming-logs write them ("@stream" first, underscored names, MAC
// addresses in unnamed fields), when the scanner maps them in probe mode
// (ObservationBuilder::probe() set), which 98% of events never leave. The general mapping pays for
// its generality on every such event: the Record (underscored and nested names, TSV, text for
// numbers) and the builder's bookkeeping of members, keys and objects that probe mode reports and
// then forgets. Here the fields are read straight into locals and what the builder would report
// goes straight to the sink: the same SimpleObject, Member, Scalar and Reference calls, in the same
// order, numbered, deduplicated and filtered (the builder's PropertyFilter) as the builder does it.
// The corpus test (ProbeModeReportsWhatBuildingWrites) and ZeekFastPathTest hold the two paths
// together.
//
// Anything else returns false before reporting anything, and the general mapping takes the
// event: another log type, "@stream" or "_path" other than first, a nested object, a repeated
// name, a field known to another log type, a known field of another JSON type than Zeek writes
// (null and text included), an unset or non-IPv4 address, ICMP, an unnamed text field that might
// hold an IP address (the general mapping scans those) or more than FastEnds::kMaxMacs MAC
// addresses; for conn, a list; for dns, a query or answer not proved to be added as it is (see
// FastName), more than kMaxFastListItems answers or items of an unnamed list; for http, ssl and
// files, see FastHttpFields, FastSslFields and FastFilesFields.

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "concord/base/ascii.h"
#include "concord/base/ipv4.h"
#include "concord/base/timestamp.h"
#include "concord/ingest/fast_probe.h"
#include "concord/ingest/log_time.h"
#include "concord/ingest/zeek_shared.h"
#include "concord/observe/builder_sink.h"
#include "concord/observe/property_filter.h"

namespace concord::ingest::zeek {
namespace {

using observe::BuilderSink;
using observe::ObservationBuilder;

// The most answers (and items of one unnamed list, as "TTLs") a dns event may have for the fast
// path: well under the builder's Limits, which it therefore never reaches.
constexpr size_t kMaxFastListItems = 16;
// The longest qtype_name and rcode_name taken (written as they are: bounded for Limits too).
constexpr size_t kMaxFastText = 256;

// The per-byte loops of the fast paths look bytes up in tables (kNameBytes, kScanBytes), and
// branch only on what is rare in the strings they take (a branch on which kind of byte each is
// mispredicts: a Zeek uid is 18 random hex digits). Not as comparisons OR-ed together, which GCC
// makes a range test and a branch per byte; not as an OR over the whole string either, which GCC
// vectorises with a vector read back whole right after it was stored in halves (a stall on
// store forwarding): the early exit keeps the loop scalar.

// What AddDomainName does with `s`, when the fast path can tell without doing it.
enum class FastName : uint8_t {
  kUnknown,  // not told: the general mapping decides
  kName,     // a domain-name of `s` exactly, with a '.'
  kDotless,  // a domain-name of `s` exactly, without a '.'
};

// The bytes of the names ClassifyName tells: kNameByte for each of [a-z0-9._-], with kLetter
// for a-z and kDot for '.'.
constexpr uint8_t kNameByte = 1, kLetter = 2, kDot = 4;
constexpr std::array<uint8_t, 256> kNameBytes = [] {
  std::array<uint8_t, 256> bytes{};
  for (int c = 'a'; c <= 'z'; ++c) bytes[c] = kNameByte | kLetter;
  for (int c = '0'; c <= '9'; ++c) bytes[c] = kNameByte;
  bytes['-'] = bytes['_'] = kNameByte;
  bytes['.'] = kNameByte | kDot;
  return bytes;
}();

// Names of [a-z0-9._-] with a letter, without a trailing dot, of 1 to 253 bytes: AddDomainName
// adds them as they are (nothing to lower-case or strip, no character it rejects, never an
// address: a dotted quad has no letter, an IPv6 address has a ':'). Anything else is kUnknown.
FastName ClassifyName(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.back() == '.') return FastName::kUnknown;
  uint8_t seen = 0;
  for (char c : s) {
    const uint8_t byte = kNameBytes[static_cast<unsigned char>(c)];
    if (byte == 0) return FastName::kUnknown;
    seen |= byte;
  }
  if ((seen & kLetter) == 0) return FastName::kUnknown;
  return (seen & kDot) != 0 ? FastName::kName : FastName::kDotless;
}

// The members of an event after the ones FastProbe has read.
struct FastMembers {
  simdjson::dom::object::iterator first, last;
  simdjson::dom::object::iterator begin() const { return first; }
  simdjson::dom::object::iterator end() const { return last; }
};

// What every fast path reads of a connection: the event's time and the id.* fields, as
// ReadEndpoints reads them, and "proto".
struct FastEnds {
  // The time, as its parts: a Timestamp here, stored as its 8- and 4-byte members and read back
  // as two 8-byte halves (as it is passed) or whole, stalls on store forwarding.
  int64_t seconds = 0;
  int64_t nanos = 0;
  Timestamp time() const { return Timestamp{seconds, static_cast<int32_t>(nanos)}; }
  std::string_view orig_h, resp_h, proto;
  uint8_t orig4[4], resp4[4];
  int64_t orig_p = kAbsent, resp_p = kAbsent;
  // The MAC addresses of the unnamed fields (orig_l2_addr, resp_l2_addr), as AddMacAddress
  // writes them (lower case, ':'): the first mac_count are set.
  static constexpr size_t kMaxMacs = 4;
  char macs[kMaxMacs][17];
  size_t mac_count = 0;
};

// The kinds of bytes Record::ScanString's quick look tells apart, as a table.
enum ScanByte : uint8_t { kScanOther, kScanHex, kScanDotOrColon, kScanSeparator, kScanZone };
constexpr std::array<uint8_t, 256> kScanBytes = [] {
  std::array<uint8_t, 256> bytes{};
  for (int c = '0'; c <= '9'; ++c) bytes[c] = kScanHex;
  for (int c = 'a'; c <= 'f'; ++c) bytes[c] = bytes[c - 'a' + 'A'] = kScanHex;
  bytes['.'] = bytes[':'] = kScanDotOrColon;
  bytes[','] = bytes[' '] = kScanSeparator;
  bytes['%'] = kScanZone;
  return bytes;
}();

// What Record::ScanString adds for `s`, when the fast path can tell: nothing, or a MAC address
// (kept in f->macs as AddMacAddress writes it). False when it might add an IP address, or for
// more MACs than FastEnds keeps: the general mapping decides.
bool FastScanText(std::string_view s, FastEnds* f) {
  if (s.size() < 2 || s.size() > 1024) return true;
  if (s.size() == 17 && (s[2] == ':' || s[2] == '-') && s[5] == s[2]) {
    char mac[17];
    bool valid = true;
    for (size_t i = 0; i < 17; ++i) {
      const char c = AsciiLower(s[i]);
      if (i % 3 == 2) {
        valid &= c == ':' || c == '-';
        mac[i] = ':';
      } else {
        valid &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        mac[i] = c;
      }
    }
    if (valid) {
      if (f->mac_count == FastEnds::kMaxMacs) return false;
      std::memcpy(f->macs[f->mac_count++], mac, 17);
      return true;
    }
    // Not a MAC address: ScanString goes on to its quick look.
  }
  bool dot_or_colon = false;
  for (char c : s) {
    const uint8_t kind = kScanBytes[static_cast<unsigned char>(c)];
    if (kind == kScanOther) return true;  // not an address: nothing added
    if (kind == kScanZone) break;
    dot_or_colon |= kind == kScanDotOrColon;
  }
  return !dot_or_colon;  // a '.' or ':': it may add an address
}

// What Record::ScanJson adds for a field no mapping reads by name, when the fast path can tell
// (FastScanText for text, alone or as an item of a list of at most kMaxFastListItems); false
// otherwise.
bool FastScanned(json::Element value, FastEnds* f) {
  std::string_view text;
  json::ArrayView array;
  switch (value.type()) {
    case json::ElementType::STRING:
      return value.get_string().get(text) == simdjson::SUCCESS && FastScanText(text, f);
    case json::ElementType::ARRAY:
      break;
    case json::ElementType::OBJECT:  // {"id": {...}}: read as dotted names there
      return false;
    default:
      return true;  // numbers, booleans, null: no address
  }
  if (value.get_array().get(array) != simdjson::SUCCESS) return false;
  size_t n = 0;
  for (json::Element item : array) {
    if (++n > kMaxFastListItems) return false;
    // Only text items are scanned ("TTLs": [300.0] holds none).
    if (item.type() == json::ElementType::STRING &&
        (item.get_string().get(text) != simdjson::SUCCESS || !FastScanText(text, f))) {
      return false;
    }
  }
  return true;
}

// Reports the MAC addresses FastScanned kept, as AddValueObject adds them (each once).
void ProbeScanned(const FastEnds& f, BuilderSink* sink) {
  for (size_t i = 0; i < f.mac_count; ++i) {
    const std::string_view mac(f.macs[i], 17);
    bool known = false;
    for (size_t j = 0; j < i && !known; ++j) known = std::string_view(f.macs[j], 17) == mac;
    if (!known) sink->SimpleObject("mac-addr", mac, nullptr);
  }
}

// Reads a field of FastEnds; false when `value` is not what Zeek writes for it. REQUIRES:
// `field` is kTs, an id.* field or kProto.
bool FastEndsField(Field field, json::Element value, double* ts, FastEnds* f) {
  switch (field) {
    case Field::kTs:
      return value.get_double().get(*ts) == simdjson::SUCCESS;
    case Field::kOrigH:
      return value.get_string().get(f->orig_h) == simdjson::SUCCESS;
    case Field::kRespH:
      return value.get_string().get(f->resp_h) == simdjson::SUCCESS;
    case Field::kOrigP:
      return FastInteger(value, 65535, &f->orig_p);
    case Field::kRespP:
      return FastInteger(value, 65535, &f->resp_p);
    case Field::kProto:
      return value.get_string().get(f->proto) == simdjson::SUCCESS;
    default:
      return false;
  }
}

// The checks of FastEnds once read: a time, IPv4 ends (an unset end is fine), not ICMP (whose
// type and code are logged as ports).
bool FastEndsDone(uint64_t seen, double ts, FastEnds* f) {
  if ((seen & uint64_t{1} << static_cast<unsigned>(Field::kTs)) == 0) return false;
  Result<Timestamp> time = TimeFromEpochSeconds(ts);
  if (!time.ok()) return false;
  f->seconds = time->seconds;
  f->nanos = time->nanos;
  return (Absent(f->orig_h) || ParseIpv4(f->orig_h, f->orig4)) &&
         (Absent(f->resp_h) || ParseIpv4(f->resp_h, f->resp4)) && !IsIcmp(f->proto);
}

// A conn event's fields as FastConnFields reads them.
struct ConnFields : FastEnds {
  std::string_view service;
  double duration = std::numeric_limits<double>::quiet_NaN();
  std::array<int64_t, 4> counts;  // as Flow::counts
};

// Reads a conn event of the shape above into `f`; false for anything else. `members`: the
// event's after `first` ("_path" or "@stream") when FastProbe has read it, else (`first` is
// kOther) all of them.
bool FastConnFields(FastMembers members, Field first, ConnFields* f) {
  std::string_view path;
  double ts = 0;
  f->counts.fill(kAbsent);
  // Bit f: Field f read (every field read here is below 64).
  uint64_t seen = first != Field::kOther ? uint64_t{1} << static_cast<unsigned>(first) : 0;
  static_assert(static_cast<unsigned>(Field::kRespPkts) < 64);
  for (auto [key, value] : members) {
    const Field field = Classify(key);
    switch (field) {
      case Field::kOther:
        if (!FastScanned(value, f)) return false;
        continue;
      case Field::kPath:
        if (value.get_string().get(path) != simdjson::SUCCESS ||
            LogTypeOf(path) != LogType::kConn) {
          return false;
        }
        break;
      case Field::kTs:
      case Field::kOrigH:
      case Field::kRespH:
      case Field::kOrigP:
      case Field::kRespP:
      case Field::kProto:
        if (!FastEndsField(field, value, &ts, f)) return false;
        break;
      case Field::kService:
        if (value.get_string().get(f->service) != simdjson::SUCCESS) return false;
        break;
      case Field::kDuration:
        if (value.get_double().get(f->duration) != simdjson::SUCCESS) return false;
        break;
      case Field::kOrigBytes:
      case Field::kRespBytes:
      case Field::kOrigPkts:
      case Field::kRespPkts: {
        const size_t i = field == Field::kOrigBytes   ? 0
                         : field == Field::kRespBytes ? 1
                         : field == Field::kOrigPkts  ? 2
                                                      : 3;
        if (!FastInteger(value, std::numeric_limits<int64_t>::max(), &f->counts[i])) {
          return false;
        }
        break;
      }
      default:
        // Another log type's field ("query" in a conn event) or "@stream": the general mapping
        // decides what it means.
        return false;
    }
    const uint64_t bit = uint64_t{1} << static_cast<unsigned>(field);
    if ((seen & bit) != 0) return false;  // a repeated name: the first wins there
    seen |= bit;
  }
  return FastEndsDone(seen, ts, f);
}

// One answer of a dns event: an IPv4 address (`ipv4` its bytes) or a name of kName.
// Trivially constructible, so that an array of them costs nothing until filled.
struct FastAnswer {
  const char* data;
  uint32_t size;
  bool is_ipv4;
  uint8_t ipv4[4];
  std::string_view text() const { return std::string_view(data, size); }
};

// A dns event's fields as FastDnsFields reads them.
struct DnsFields : FastEnds {
  std::string_view query, qtype_name, rcode_name;
  size_t answer_count = 0;
  FastAnswer answers[kMaxFastListItems];  // the first answer_count; the rest left unset
};

// Reads one answer as MapDns adds it: an IPv4 address, a name (of kName), or nothing (a name
// of kDotless, which AddAddress rejects and MapDns does not add for want of a '.'); false for
// anything else (IPv6, record text, a name to normalise, ...).
bool FastDnsAnswer(json::Element item, DnsFields* f) {
  std::string_view s;
  if (item.get_string().get(s) != simdjson::SUCCESS) return false;
  FastAnswer& a = f->answers[f->answer_count];
  a.is_ipv4 = ParseIpv4(s, a.ipv4);
  if (!a.is_ipv4) {
    const FastName name = ClassifyName(s);
    if (name == FastName::kUnknown) return false;
    if (name == FastName::kDotless) return true;
  }
  a.data = s.data();
  a.size = static_cast<uint32_t>(s.size());
  ++f->answer_count;
  return true;
}

// Reads "answers" (a list, or one string as Record::ForEach reads it) into `f`.
bool FastDnsAnswers(json::Element value, DnsFields* f) {
  if (value.type() == json::ElementType::STRING) return FastDnsAnswer(value, f);
  json::ArrayView array;
  if (value.get_array().get(array) != simdjson::SUCCESS) return false;
  size_t n = 0;
  for (json::Element item : array) {
    if (++n > kMaxFastListItems || !FastDnsAnswer(item, f)) return false;
  }
  return true;
}

// Reads a dns event of the shape above into `f`; false for anything else. `members` and
// `first` as for FastConnFields.
bool FastDnsFields(FastMembers members, Field first, DnsFields* f) {
  std::string_view path;
  double ts = 0;
  uint64_t seen = first != Field::kOther ? uint64_t{1} << static_cast<unsigned>(first) : 0;
  static_assert(static_cast<unsigned>(Field::kAnswers) < 64);
  for (auto [key, value] : members) {
    const Field field = Classify(key);
    switch (field) {
      case Field::kOther:
        if (!FastScanned(value, f)) return false;
        continue;
      case Field::kPath:
        if (value.get_string().get(path) != simdjson::SUCCESS || LogTypeOf(path) != LogType::kDns) {
          return false;
        }
        break;
      case Field::kTs:
      case Field::kOrigH:
      case Field::kRespH:
      case Field::kOrigP:
      case Field::kRespP:
      case Field::kProto:
        if (!FastEndsField(field, value, &ts, f)) return false;
        break;
      case Field::kQuery:
        // Unset, or a name AddDomainName adds as it is.
        if (value.get_string().get(f->query) != simdjson::SUCCESS ||
            (!Absent(f->query) && ClassifyName(f->query) == FastName::kUnknown)) {
          return false;
        }
        break;
      case Field::kQtypeName:
        if (value.get_string().get(f->qtype_name) != simdjson::SUCCESS ||
            f->qtype_name.size() > kMaxFastText) {
          return false;
        }
        break;
      case Field::kRcodeName:
        if (value.get_string().get(f->rcode_name) != simdjson::SUCCESS ||
            f->rcode_name.size() > kMaxFastText) {
          return false;
        }
        break;
      case Field::kAnswers:
        // Repeated: refused before reading, which would add to f->answers past its size.
        if ((seen & uint64_t{1} << static_cast<unsigned>(Field::kAnswers)) != 0 ||
            !FastDnsAnswers(value, f)) {
          return false;
        }
        break;
      default:
        // Another log type's field or "@stream": the general mapping decides what it means.
        return false;
    }
    const uint64_t bit = uint64_t{1} << static_cast<unsigned>(field);
    if ((seen & bit) != 0) return false;  // a repeated name: the first wins there
    seen |= bit;
  }
  return FastEndsDone(seen, ts, f);
}

// The keys ProbeEnds gave a connection's ends ("" for an unset end). Packed in one integer: a
// pair of views copied whole right after they were stored in halves stalls on store forwarding.
class FastKeys {
 public:
  // `src` and `dst`: 0 for an unset end, else 1 + the object's number (0 or 1).
  FastKeys(unsigned src, unsigned dst) : bits_(src | dst << 2) {}
  std::string_view src() const { return kText[bits_ & 3]; }
  std::string_view dst() const { return kText[bits_ >> 2]; }

 private:
  static constexpr std::string_view kText[] = {"", "0", "1"};
  unsigned bits_;
};

// Reports the ends as ReadEndpoints adds them: objects 0 and 1 (one object when both ends are
// one address).
FastKeys ProbeEnds(const FastEnds& f, BuilderSink* sink) {
  unsigned src = 0, dst = 0;
  if (!Absent(f.orig_h)) {
    sink->SimpleObject("ipv4-addr", f.orig_h, f.orig4);
    src = 1;
  }
  if (!Absent(f.resp_h)) {
    if (src != 0 && f.resp_h == f.orig_h) {
      dst = 1;
    } else {
      sink->SimpleObject("ipv4-addr", f.resp_h, f.resp4);
      dst = src + 1;
    }
  }
  return FastKeys(src, dst);
}

// Reports what WriteFlow reports for a connection of `f` (ends reported as `keys`) whose
// services are `services`: `more(w)` writes the members after "start" (conn's), and
// `extension(c)` the protocol's extension when "extensions" (`c`) is reported.
template <typename More, typename Extension>
void ProbeFlow(const FastEnds& f, FastKeys keys, std::string_view services, BuilderSink* sink,
               const observe::PropertyFilter* filter, std::string& scratch, More&& more,
               Extension&& extension) {
  using Cursor = BuilderSink::Cursor;
  using Value = BuilderSink::Value;
  constexpr Cursor kNone = BuilderSink::kNone;
  if (keys.src().empty() && keys.dst().empty() && f.orig_p < 0 && f.resp_p < 0) return;  // no flow
  FastComposite w(sink, "network-traffic", filter);
  if (!w.wanted()) return;
  if (!keys.src().empty()) w.Reference("src_ref", keys.src(), "ipv4-addr", f.orig_h, f.orig4);
  if (!keys.dst().empty()) w.Reference("dst_ref", keys.dst(), "ipv4-addr", f.resp_h, f.resp4);
  if (f.orig_p >= 0) w.Int("src_port", f.orig_p);
  if (f.resp_p >= 0) w.Int("dst_port", f.resp_p);
  if (w.Wants("protocols")) {
    Flow flow;
    flow.transport = f.proto;
    flow.services = services;
    bool first = true;  // the member is reported before its first name, when it has one
    Cursor m = kNone;
    LowerProtocols(flow, scratch, [&](std::string_view name) {
      if (first) {
        first = false;
        m = w.Member("protocols");
      }
      if (m != kNone) sink->Scalar(m, Value{observe::ValueKind::kString, name, 0, nullptr}, true);
    });
  }
  w.Time("start", f.time());
  more(w);
  // Opened as the builder opens it (reported even when it ends up empty).
  if (const Cursor e = w.Member("extensions"); e != kNone) extension(e);
}

// Reports to `sink` what MapConn reports through a probe-mode builder with `filter` (or none).
void ProbeConn(const ConnFields& f, BuilderSink* sink, const observe::PropertyFilter* filter,
               std::string& scratch) {
  const FastKeys keys = ProbeEnds(f, sink);
  ProbeScanned(f, sink);  // ScanForAddresses, after the ends
  ProbeFlow(
      f, keys, f.service, sink, filter, scratch,
      [&f](FastComposite& w) {
        if (f.duration >= 0 && f.duration <= 1e9) w.Time("end", AddSeconds(f.time(), f.duration));
        static constexpr std::string_view kCountKeys[] = {"src_byte_count", "dst_byte_count",
                                                          "src_packets", "dst_packets"};
        for (size_t i = 0; i < f.counts.size(); ++i) {
          if (f.counts[i] >= 0) w.Int(kCountKeys[i], f.counts[i]);
        }
      },
      [](BuilderSink::Cursor) {});  // left empty
}

// Reports to `sink` what MapDns reports through a probe-mode builder with `filter` (or none).
void ProbeDns(const DnsFields& f, BuilderSink* sink, const observe::PropertyFilter* filter,
              std::string& scratch) {
  using Cursor = BuilderSink::Cursor;
  using Value = BuilderSink::Value;
  constexpr Cursor kNone = BuilderSink::kNone;
  const FastKeys keys = ProbeEnds(f, sink);
  // The query, then the answers, each (type, value) once as AddValueObject finds it again: an
  // address among the ends and the addresses before it, a name among the query and the names
  // before it.
  const bool has_query = !Absent(f.query);
  if (has_query) sink->SimpleObject("domain-name", f.query, nullptr);
  for (size_t i = 0; i < f.answer_count; ++i) {
    const FastAnswer& a = f.answers[i];
    const std::string_view text = a.text();
    bool known = a.is_ipv4 ? (!keys.src().empty() && text == f.orig_h) ||
                                 (!keys.dst().empty() && text == f.resp_h)
                           : has_query && text == f.query;
    for (size_t j = 0; j < i && !known; ++j) {
      known = f.answers[j].is_ipv4 == a.is_ipv4 && f.answers[j].text() == text;
    }
    if (known) continue;
    sink->SimpleObject(a.is_ipv4 ? "ipv4-addr" : "domain-name", text, a.is_ipv4 ? a.ipv4 : nullptr);
  }
  ProbeScanned(f, sink);  // ScanForAddresses, after the answers
  ProbeFlow(
      f, keys, "dns", sink, filter, scratch, [](FastComposite&) {},
      [&](Cursor extensions) {
        // x-dns-ext is nested: the filter does not apply; unset values are not written.
        const Cursor x = sink->Member(extensions, "x-dns-ext");
        if (x == kNone) return;
        const std::pair<std::string_view, std::string_view> members[] = {
            {"query", f.query}, {"qtype_name", f.qtype_name}, {"rcode_name", f.rcode_name}};
        for (const auto& [key, value] : members) {
          if (Absent(value)) continue;
          if (const Cursor m = sink->Member(x, key); m != kNone) {
            sink->Scalar(m, Value{observe::ValueKind::kString, value, 0, nullptr}, false);
          }
        }
      });
}

// ---- http: the host, the URL, the files of the bodies, the http-request-ext extension.
//
// Taken as Zeek writes it: host unset, a name of ClassifyName (AddHost adds it as it is) or an
// IPv4 address; uri, method, version, user_agent and referrer as text of at most
// kMaxFastFieldText bytes; the fuids, file names and MIME types as lists (of any lengths, at most
// kMaxFastTextItems items each) of such text. Anything else, "proto" and "proxied" included,
// goes to the general mapping.

constexpr size_t kMaxFastFieldText = 4096;
constexpr size_t kMaxFastTextItems = 8;

// One of the lists of an http event (fuids, file names or MIME types), as read: the first
// `count` items. Trivially constructible but for `count`: not cleared on every event.
struct FastTextList {
  size_t count = 0;
  const char* data[kMaxFastTextItems];
  size_t size[kMaxFastTextItems];
  std::string_view at(size_t i) const {
    return i < count ? std::string_view(data[i], size[i]) : std::string_view();
  }
};

// An http event's fields as FastHttpFields reads them.
struct HttpFields : FastEnds {
  std::string_view host, uri, method, version, user_agent, referrer;
  bool host_is_ipv4 = false;
  uint8_t host4[4];
  // orig_fuids, orig_filenames, orig_mime_types, resp_fuids, resp_filenames, resp_mime_types.
  FastTextList lists[6];
};

// Reads a list of text as Record::ForEach reads it for AddHttpFiles: a JSON array of strings
// (a lone string, which ForEach also takes, is left to the general mapping).
bool FastTextItems(json::Element value, FastTextList* list) {
  json::ArrayView array;
  if (value.get_array().get(array) != simdjson::SUCCESS) return false;
  for (json::Element item : array) {
    std::string_view s;
    if (list->count == kMaxFastTextItems || item.get_string().get(s) != simdjson::SUCCESS ||
        s.size() > kMaxFastFieldText) {
      return false;
    }
    list->data[list->count] = s.data();
    list->size[list->count] = s.size();
    ++list->count;
  }
  return true;
}

// A text field of at most kMaxFastFieldText bytes.
bool FastText(json::Element value, std::string_view* out) {
  return value.get_string().get(*out) == simdjson::SUCCESS && out->size() <= kMaxFastFieldText;
}

// Reads an http event of the shape above into `f`; false for anything else. `members` and
// `first` as for FastConnFields.
bool FastHttpFields(FastMembers members, Field first, HttpFields* f) {
  std::string_view path;
  double ts = 0;
  uint64_t seen = first != Field::kOther ? uint64_t{1} << static_cast<unsigned>(first) : 0;
  static_assert(static_cast<unsigned>(Field::kRespMimeTypes) < 64);
  for (auto [key, value] : members) {
    const Field field = Classify(key);
    if (field == Field::kOther) {
      if (!FastScanned(value, f)) return false;
      continue;
    }
    // A repeated name (the first wins there): refused before reading, which would add to a
    // list twice.
    if (static_cast<unsigned>(field) >= 64) return false;  // not an http field
    const uint64_t bit = uint64_t{1} << static_cast<unsigned>(field);
    if ((seen & bit) != 0) return false;
    seen |= bit;
    switch (field) {
      case Field::kPath:
        if (value.get_string().get(path) != simdjson::SUCCESS ||
            LogTypeOf(path) != LogType::kHttp) {
          return false;
        }
        break;
      case Field::kTs:
      case Field::kOrigH:
      case Field::kRespH:
      case Field::kOrigP:
      case Field::kRespP:
        if (!FastEndsField(field, value, &ts, f)) return false;
        break;
      case Field::kHost:
        // Unset, a name AddHost adds as it is, or an IPv4 address.
        if (value.get_string().get(f->host) != simdjson::SUCCESS) return false;
        if (!Absent(f->host) && ClassifyName(f->host) == FastName::kUnknown) {
          if (!ParseIpv4(f->host, f->host4)) return false;
          f->host_is_ipv4 = true;
        }
        break;
      case Field::kUri:
        if (!FastText(value, &f->uri)) return false;
        break;
      case Field::kMethod:
        if (!FastText(value, &f->method)) return false;
        break;
      case Field::kVersion:
        if (!FastText(value, &f->version)) return false;
        break;
      case Field::kUserAgent:
        if (!FastText(value, &f->user_agent)) return false;
        break;
      case Field::kReferrer:
        if (!FastText(value, &f->referrer)) return false;
        break;
      case Field::kOrigFuids:
      case Field::kOrigFilenames:
      case Field::kOrigMimeTypes:
      case Field::kRespFuids:
      case Field::kRespFilenames:
      case Field::kRespMimeTypes: {
        static_assert(
            static_cast<int>(Field::kRespMimeTypes) - static_cast<int>(Field::kOrigFuids) == 5);
        const size_t i =
            static_cast<size_t>(static_cast<int>(field) - static_cast<int>(Field::kOrigFuids));
        if (!FastTextItems(value, &f->lists[i])) return false;
        break;
      }
      default:
        // Another log type's field, "proto", "proxied" or "@stream": the general mapping
        // decides what it means.
        return false;
    }
  }
  if (!FastEndsDone(seen, ts, f)) return false;
  f->proto = "tcp";  // as MapHttp has it
  return true;
}

// The URL MapHttp composes, into `url` ("" for none).
void FastHttpUrl(const HttpFields& f, std::string& url) {
  url.clear();
  const size_t scheme = f.uri.find("://");
  if (scheme != std::string_view::npos && scheme < 10) {
    url.assign(f.uri);
  } else if (!f.uri.empty() && f.uri.front() == '/') {
    if (!Absent(f.host)) {
      url = "http://";
      url.append(f.host);
    } else if (!Absent(f.resp_h)) {  // IPv4: no brackets
      url = "http://";
      url.append(f.resp_h);
      if (f.resp_p >= 0 && f.resp_p != 80) {
        char port[8];
        const auto [end, ec] = std::to_chars(port, port + sizeof port, f.resp_p);
        url.push_back(':');
        url.append(port, end);
      }
    }
    if (!url.empty()) url.append(f.uri);
  }
}

// Reports the file objects AddHttpFiles adds for one direction (lists `fuids`, `names`, `types`).
void ProbeHttpFiles(const FastTextList& fuids, const FastTextList& names, const FastTextList& types,
                    BuilderSink* sink, const observe::PropertyFilter* filter) {
  const size_t n = std::max(fuids.count, std::max(names.count, types.count));
  for (size_t i = 0; i < n; ++i) {
    const std::string_view fuid = fuids.at(i), name = names.at(i), type = types.at(i);
    if (Absent(fuid) && Absent(name) && Absent(type)) continue;
    FastComposite file(sink, "file", filter);
    if (!file.wanted()) continue;
    if (!Absent(name)) file.String("name", name);
    if (!Absent(type)) file.String("mime_type", type);
    if (!Absent(fuid)) file.String("x_zeek_fuid", fuid);
  }
}

// Reports to `sink` what MapHttp reports through a probe-mode builder with `filter` (or none).
void ProbeHttp(const HttpFields& f, BuilderSink* sink, const observe::PropertyFilter* filter,
               std::string& scratch, std::string& url) {
  using Cursor = BuilderSink::Cursor;
  constexpr Cursor kNone = BuilderSink::kNone;
  const FastKeys keys = ProbeEnds(f, sink);
  if (!Absent(f.host)) {
    if (!f.host_is_ipv4) {
      sink->SimpleObject("domain-name", f.host, nullptr);
    } else if (!((!keys.src().empty() && f.host == f.orig_h) ||
                 (!keys.dst().empty() && f.host == f.resp_h))) {
      sink->SimpleObject("ipv4-addr", f.host, f.host4);
    }
  }
  FastHttpUrl(f, url);
  if (!Absent(url)) sink->SimpleObject("url", url, nullptr);
  ProbeHttpFiles(f.lists[0], f.lists[1], f.lists[2], sink, filter);
  ProbeHttpFiles(f.lists[3], f.lists[4], f.lists[5], sink, filter);
  ProbeScanned(f, sink);  // ScanForAddresses, after the files
  ProbeFlow(
      f, keys, "http", sink, filter, scratch, [](FastComposite&) {},
      [&](Cursor extensions) {
        // Nested: the filter does not apply; unset values are not written.
        const Cursor x = sink->Member(extensions, "http-request-ext");
        if (x == kNone) return;
        FastNestedString(sink, x, "request_method", f.method);
        FastNestedString(sink, x, "request_value", f.uri);
        if (!Absent(f.version) && f.version.size() <= 16) {
          char text[24] = "HTTP/";
          std::memcpy(text + 5, f.version.data(), f.version.size());
          FastNestedString(sink, x, "request_version",
                           std::string_view(text, 5 + f.version.size()));
        }
        const Cursor h = sink->Member(x, "request_header");
        if (h == kNone) return;
        FastNestedString(sink, h, "Host", f.host);
        FastNestedString(sink, h, "User-Agent", f.user_agent);
        FastNestedString(sink, h, "Referer", f.referrer);
      });
}

// ---- ssl: the server name, the certificate's CN, the chain's x509-certificates, x-tls-ext.
//
// Taken as Zeek writes it: server_name unset, a name of ClassifyName or an IPv4 address;
// version, cipher, ja3, ja3s, ja4, ja4s, subject, issuer and resp_certificate_sha1 as text of
// at most kMaxFastFieldText bytes; cert_chain_fps and cert_chain_fuids as lists of at most
// kMaxFastTextItems strings (both read, whichever MapSsl uses: it type-checks the second only
// when the first gives no fingerprint); a subject whose CN names a host only when the CN has a
// letter and no trailing dot (AddDomainName then adds it lower-cased). Anything else, "proto"
// included, goes to the general mapping.

// An ssl event's fields as FastSslFields reads them.
struct SslFields : FastEnds {
  std::string_view server_name, version, cipher, ja3, ja3s, ja4, ja4s, subject, issuer, sha1;
  bool server_is_ipv4 = false;
  uint8_t server4[4];
  size_t cn_size = 0;  // the subject's CN as AddDomainName adds it: the first cn_size of cn
  char cn[253];
  FastTextList fps, fuids;
};

// Reads an ssl event of the shape above into `f`; false for anything else. `members` and
// `first` as for FastConnFields.
bool FastSslFields(FastMembers members, Field first, SslFields* f) {
  std::string_view path;
  double ts = 0;
  uint64_t seen = first != Field::kOther ? uint64_t{1} << static_cast<unsigned>(first) : 0;
  static_assert(static_cast<unsigned>(Field::kRespCertificateSha1) < 64);
  for (auto [key, value] : members) {
    const Field field = Classify(key);
    if (field == Field::kOther) {
      if (!FastScanned(value, f)) return false;
      continue;
    }
    if (static_cast<unsigned>(field) >= 64) return false;  // not an ssl field
    const uint64_t bit = uint64_t{1} << static_cast<unsigned>(field);
    if ((seen & bit) != 0) return false;  // repeated: refused before reading a list twice
    seen |= bit;
    switch (field) {
      case Field::kPath:
        if (value.get_string().get(path) != simdjson::SUCCESS || LogTypeOf(path) != LogType::kSsl) {
          return false;
        }
        break;
      case Field::kTs:
      case Field::kOrigH:
      case Field::kRespH:
      case Field::kOrigP:
      case Field::kRespP:
        if (!FastEndsField(field, value, &ts, f)) return false;
        break;
      case Field::kServerName:
        if (value.get_string().get(f->server_name) != simdjson::SUCCESS) return false;
        if (!Absent(f->server_name) && ClassifyName(f->server_name) == FastName::kUnknown) {
          if (!ParseIpv4(f->server_name, f->server4)) return false;
          f->server_is_ipv4 = true;
        }
        break;
      case Field::kVersion:
        if (!FastText(value, &f->version)) return false;
        break;
      case Field::kCipher:
        if (!FastText(value, &f->cipher)) return false;
        break;
      case Field::kJa3:
        if (!FastText(value, &f->ja3)) return false;
        break;
      case Field::kJa3s:
        if (!FastText(value, &f->ja3s)) return false;
        break;
      case Field::kJa4:
        if (!FastText(value, &f->ja4)) return false;
        break;
      case Field::kJa4s:
        if (!FastText(value, &f->ja4s)) return false;
        break;
      case Field::kSubject:
        if (!FastText(value, &f->subject)) return false;
        break;
      case Field::kIssuer:
        if (!FastText(value, &f->issuer)) return false;
        break;
      case Field::kRespCertificateSha1:
        if (!FastText(value, &f->sha1)) return false;
        break;
      case Field::kCertChainFps:
        if (!FastTextItems(value, &f->fps)) return false;
        break;
      case Field::kCertChainFuids:
        if (!FastTextItems(value, &f->fuids)) return false;
        break;
      default:
        // Another log type's field, "proto" or "@stream": the general mapping decides.
        return false;
    }
  }
  if (!FastEndsDone(seen, ts, f)) return false;
  const std::string_view cn = CommonName(f->subject);
  if (IsHostName(cn)) {
    // [A-Za-z0-9._*-] with a '.': lower-cased as AddDomainName writes it, unless it may be an
    // address (no letter) or loses a trailing dot.
    if (cn.back() == '.') return false;
    bool letter = false;
    for (size_t i = 0; i < cn.size(); ++i) {
      const char c = AsciiLower(cn[i]);
      letter |= c >= 'a' && c <= 'z';
      f->cn[i] = c;
    }
    if (!letter) return false;
    f->cn_size = cn.size();
  }
  f->proto = f->version.starts_with("DTLS") ? "udp" : "tcp";  // as MapSsl has it
  return true;
}

// Reports `fp` under its hash name, as WriteFingerprint writes it, in the object `hashes`.
// REQUIRES: IsFingerprint(fp).
void ProbeFingerprint(BuilderSink* sink, BuilderSink::Cursor hashes, std::string_view fp) {
  char lower[128];
  LowerHexInto(fp, fp.size(), lower);
  FastNestedString(sink, hashes, HashNameOfLength(fp.size()), std::string_view(lower, fp.size()));
}

// Reports to `sink` what MapSsl reports through a probe-mode builder with `filter` (or none).
void ProbeSsl(const SslFields& f, BuilderSink* sink, const observe::PropertyFilter* filter,
              std::string& scratch) {
  using Cursor = BuilderSink::Cursor;
  constexpr Cursor kNone = BuilderSink::kNone;
  const FastKeys keys = ProbeEnds(f, sink);
  const bool has_name = !Absent(f.server_name);
  if (has_name) {
    if (!f.server_is_ipv4) {
      sink->SimpleObject("domain-name", f.server_name, nullptr);
    } else if (!((!keys.src().empty() && f.server_name == f.orig_h) ||
                 (!keys.dst().empty() && f.server_name == f.resp_h))) {
      sink->SimpleObject("ipv4-addr", f.server_name, f.server4);
    }
  }
  const std::string_view cn(f.cn, f.cn_size);
  if (!cn.empty() && !(has_name && !f.server_is_ipv4 && cn == f.server_name)) {
    sink->SimpleObject("domain-name", cn, nullptr);
  }
  // The chain: the fingerprints of cert_chain_fps, else of cert_chain_fuids (never more than
  // kMaxCertChain: the lists are shorter).
  static_assert(kMaxFastTextItems <= kMaxCertChain);
  std::string_view chain[kMaxFastTextItems];
  size_t n = 0;
  for (const FastTextList* l : {&f.fps, &f.fuids}) {
    for (size_t i = 0; i < l->count; ++i) {
      const std::string_view fp = l->at(i);
      if (IsFingerprint(fp)) chain[n++] = fp;
    }
    if (n > 0) break;
  }
  char sha1_lower[40];
  const bool has_sha1 = !LowerHexInto(f.sha1, 40, sha1_lower).empty();
  if (!Absent(f.subject) || !Absent(f.issuer) || has_sha1 || n > 0) {
    FastComposite x(sink, "x509-certificate", filter);
    if (x.wanted()) {
      if (const Cursor h = x.Member("hashes"); h != kNone) {
        if (n > 0) ProbeFingerprint(sink, h, chain[0]);
        if (has_sha1 && (n == 0 || chain[0].size() != 40)) {
          FastNestedString(sink, h, "SHA-1", std::string_view(sha1_lower, 40));
        }
      }
      if (!Absent(f.issuer)) x.String("issuer", f.issuer);
      if (!Absent(f.subject)) x.String("subject", f.subject);
    }
  }
  for (size_t i = 1; i < n; ++i) {
    FastComposite x(sink, "x509-certificate", filter);
    if (!x.wanted()) continue;
    if (const Cursor h = x.Member("hashes"); h != kNone) ProbeFingerprint(sink, h, chain[i]);
  }
  ProbeScanned(f, sink);  // ScanForAddresses, after the certificates
  ProbeFlow(
      f, keys, "tls", sink, filter, scratch, [](FastComposite&) {},
      [&](Cursor extensions) {
        // Nested: the filter does not apply; unset values are not written.
        const Cursor x = sink->Member(extensions, "x-tls-ext");
        if (x == kNone) return;
        FastNestedString(sink, x, "server_name", f.server_name);
        FastNestedString(sink, x, "version", f.version);
        FastNestedString(sink, x, "cipher", f.cipher);
        for (const auto& [key, value] :
             {std::pair<std::string_view, std::string_view>{"ja3", f.ja3}, {"ja3s", f.ja3s}}) {
          char lower[32];
          const std::string_view hash = LowerHexInto(value, 32, lower);
          FastNestedString(sink, x, key, hash.empty() ? value : hash);  // as WriteHash32Lower
        }
        FastNestedString(sink, x, "ja4", f.ja4);
        FastNestedString(sink, x, "ja4s", f.ja4s);
      });
}

// ---- files: the tx and rx hosts, the directory and the file (name, size, MIME type, hashes,
// fuid), the flow by the source's protocol.
//
// Taken as Zeek writes it: tx_hosts and rx_hosts as lists of at most kMaxFastTextItems IPv4
// addresses (or unset items); fuid, source, filename, mime_type and the hashes as text of at
// most kMaxFastFieldText bytes; total_bytes and seen_bytes as JSON integers (both read, though
// MapFiles reads seen_bytes only without total_bytes); duration (conn's field, which MapFiles
// does not read) as a number. Anything else, "proto" included, goes to the general mapping.

// A list of IPv4 addresses, as read: the first `count` (unset items left out).
struct FastAddressList {
  size_t count = 0;
  const char* data[kMaxFastTextItems];
  size_t size[kMaxFastTextItems];
  uint8_t ipv4[kMaxFastTextItems][4];
  std::string_view at(size_t i) const { return std::string_view(data[i], size[i]); }
};

// A files event's fields as FastFilesFields reads them.
struct FilesFields : FastEnds {
  std::string_view fuid, source, filename, mime_type;
  std::string_view hashes[4];  // md5, sha1, sha256, sha512 (unset ones empty)
  int64_t total_bytes = kAbsent, seen_bytes = kAbsent;
  FastAddressList hosts[2];  // tx_hosts, rx_hosts
};

// Reads a list of addresses as Record::Addresses reads it: a JSON array of IPv4 addresses or
// unset items.
bool FastAddressItems(json::Element value, FastAddressList* list) {
  json::ArrayView array;
  if (value.get_array().get(array) != simdjson::SUCCESS) return false;
  size_t n = 0;
  for (json::Element item : array) {
    std::string_view s;
    if (++n > kMaxFastTextItems || item.get_string().get(s) != simdjson::SUCCESS) return false;
    if (Absent(s)) continue;
    if (!ParseIpv4(s, list->ipv4[list->count])) return false;
    list->data[list->count] = s.data();
    list->size[list->count] = s.size();
    ++list->count;
  }
  return true;
}

// Reads a files event of the shape above into `f`; false for anything else. `members` and
// `first` as for FastConnFields.
bool FastFilesFields(FastMembers members, Field first, FilesFields* f) {
  std::string_view path;
  double ts = 0;
  // Bit f of word f / 64: Field f read.
  uint64_t seen[2] = {first != Field::kOther ? uint64_t{1} << static_cast<unsigned>(first) : 0, 0};
  static_assert(static_cast<unsigned>(Field::kCount) <= 128);
  for (auto [key, value] : members) {
    const Field field = Classify(key);
    if (field == Field::kOther) {
      if (!FastScanned(value, f)) return false;
      continue;
    }
    const unsigned index = static_cast<unsigned>(field);
    const uint64_t bit = uint64_t{1} << (index % 64);
    if ((seen[index / 64] & bit) != 0) return false;  // repeated: refused before reading twice
    seen[index / 64] |= bit;
    switch (field) {
      case Field::kPath:
        if (value.get_string().get(path) != simdjson::SUCCESS ||
            LogTypeOf(path) != LogType::kFiles) {
          return false;
        }
        break;
      case Field::kTs:
      case Field::kOrigH:
      case Field::kRespH:
      case Field::kOrigP:
      case Field::kRespP:
        if (!FastEndsField(field, value, &ts, f)) return false;
        break;
      case Field::kTxHosts:
        if (!FastAddressItems(value, &f->hosts[0])) return false;
        break;
      case Field::kRxHosts:
        if (!FastAddressItems(value, &f->hosts[1])) return false;
        break;
      case Field::kFuid:
        if (!FastText(value, &f->fuid)) return false;
        break;
      case Field::kSource:
        if (!FastText(value, &f->source)) return false;
        break;
      case Field::kFilename:
        if (!FastText(value, &f->filename)) return false;
        break;
      case Field::kMimeType:
        if (!FastText(value, &f->mime_type)) return false;
        break;
      case Field::kMd5:
        if (!FastText(value, &f->hashes[0])) return false;
        break;
      case Field::kSha1:
        if (!FastText(value, &f->hashes[1])) return false;
        break;
      case Field::kSha256:
        if (!FastText(value, &f->hashes[2])) return false;
        break;
      case Field::kSha512:
        if (!FastText(value, &f->hashes[3])) return false;
        break;
      case Field::kTotalBytes:
        if (!FastInteger(value, std::numeric_limits<int64_t>::max(), &f->total_bytes)) {
          return false;
        }
        break;
      case Field::kSeenBytes:
        if (!FastInteger(value, std::numeric_limits<int64_t>::max(), &f->seen_bytes)) {
          return false;
        }
        break;
      case Field::kDuration: {
        double d = 0;
        if (value.get_double().get(d) != simdjson::SUCCESS) return false;
        break;
      }
      default:
        // Another log type's field, "proto" or "@stream": the general mapping decides.
        return false;
    }
  }
  if (!FastEndsDone(seen[0], ts, f)) return false;
  f->proto = {};
  for (const FileSource& s : kFileSources) {
    if (s.source == f->source) f->proto = s.transport;
  }
  return true;
}

// Reports to `sink` what MapFiles reports through a probe-mode builder with `filter` (or none).
void ProbeFiles(const FilesFields& f, BuilderSink* sink, const observe::PropertyFilter* filter,
                std::string& scratch) {
  using Cursor = BuilderSink::Cursor;
  constexpr Cursor kNone = BuilderSink::kNone;
  const FastKeys keys = ProbeEnds(f, sink);
  // The objects so far: the ends, then each host not seen before (as AddValueObject finds it).
  size_t objects = keys.dst() == "1" ? 2 : !keys.src().empty() || !keys.dst().empty() ? 1 : 0;
  for (size_t l = 0; l < 2; ++l) {
    for (size_t i = 0; i < f.hosts[l].count; ++i) {
      const std::string_view host = f.hosts[l].at(i);
      bool known =
          (!keys.src().empty() && host == f.orig_h) || (!keys.dst().empty() && host == f.resp_h);
      for (size_t m = 0; m <= l && !known; ++m) {
        for (size_t j = 0; j < (m < l ? f.hosts[m].count : i) && !known; ++j) {
          known = f.hosts[m].at(j) == host;
        }
      }
      if (known) continue;
      sink->SimpleObject("ipv4-addr", host, f.hosts[l].ipv4[i]);
      ++objects;
    }
  }
  // The name and the directory (a composite object: its number is the next, when it has its
  // path, which the filter may drop).
  std::string_view name = f.filename;
  bool has_directory = false;
  const size_t slash = f.filename.find_last_of("/\\");
  if (slash != std::string_view::npos && slash + 1 < f.filename.size()) {
    name = f.filename.substr(slash + 1);
    if (slash > 0) {
      FastComposite directory(sink, "directory", filter);
      directory.String("path", f.filename.substr(0, slash));
      has_directory = filter == nullptr || filter->Rule("directory").Wants("path");
    }
  }
  const int64_t size = f.total_bytes >= 0 ? f.total_bytes : f.seen_bytes;
  {
    FastComposite file(sink, "file", filter);
    if (file.wanted()) {
      if (!Absent(name)) file.String("name", name);
      if (size >= 0) file.Int("size", size);
      if (!Absent(f.mime_type)) file.String("mime_type", f.mime_type);
      if (const Cursor h = file.Member("hashes"); h != kNone) {
        static constexpr std::string_view kNames[] = {"MD5", "SHA-1", "SHA-256", "SHA-512"};
        static constexpr size_t kLengths[] = {32, 40, 64, 128};
        char lower[128];
        for (size_t i = 0; i < 4; ++i) {
          const std::string_view hash = LowerHexInto(f.hashes[i], kLengths[i], lower);
          if (!hash.empty()) FastNestedString(sink, h, kNames[i], hash);
        }
      }
      if (has_directory) {
        if (const Cursor m = file.Member("parent_directory_ref"); m != kNone) {
          char key[8];
          const auto [end, ec] = std::to_chars(key, key + sizeof key, objects);
          sink->Reference(m, std::string_view(key, end - key),
                          BuilderSink::Target{"directory", {}, false, nullptr}, false);
        }
      }
      if (!Absent(f.fuid)) file.String("x_zeek_fuid", f.fuid);
    }
  }
  ProbeScanned(f, sink);  // ScanForAddresses, after the file
  std::string_view services;
  for (const FileSource& s : kFileSources) {
    if (s.source == f.source) services = s.protocol;
  }
  ProbeFlow(
      f, keys, services, sink, filter, scratch, [](FastComposite&) {}, [](Cursor) {});
}

}  // namespace

// The fast paths: true when one took the event (in probe mode only).
[[gnu::flatten, gnu::noinline]] bool FastProbe(json::ObjectView event, const LogContext& context,
                                               ObservationBuilder* b) {
  if (!FastPathAllowed(*b)) return false;  // building, or limits a fast path might reach
  BuilderSink* sink = b->probe();
  // The log type first, so that other events go to the general mapping at once: by "_path"
  // when it comes first (as Zeek writes it), else by the file's name (a later "_path" must
  // agree).
  FastMembers members{event.begin(), event.end()};
  Field first = Field::kOther;  // "_path" or "@stream" when read here
  LogType type;
  if (members.first != members.last &&
      (members.first.key() == "_path" || members.first.key() == "@stream")) {
    // json-streaming-logs write "@stream" where Zeek writes "_path"; a later "_path" must agree
    // (LogPath prefers it).
    std::string_view path;
    if (members.first.value().get_string().get(path) != simdjson::SUCCESS || Absent(path)) {
      return false;
    }
    type = LogTypeOf(path);
    first = members.first.key() == "_path" ? Field::kPath : Field::kStream;
    ++members.first;
  } else {
    type = LogTypeOf(context.zeek_path);
  }
  static thread_local std::string scratch;
  switch (type) {
    case LogType::kConn: {
      ConnFields f;
      if (!FastConnFields(members, first, &f)) return false;
      b->Reset(f.time());
      ProbeConn(f, sink, b->filter(), scratch);
      return true;
    }
    case LogType::kDns: {
      DnsFields f;
      if (!FastDnsFields(members, first, &f)) return false;
      b->Reset(f.time());
      ProbeDns(f, sink, b->filter(), scratch);
      return true;
    }
    case LogType::kHttp: {
      HttpFields f;
      if (!FastHttpFields(members, first, &f)) return false;
      b->Reset(f.time());
      static thread_local std::string url;
      ProbeHttp(f, sink, b->filter(), scratch, url);
      return true;
    }
    case LogType::kSsl: {
      SslFields f;
      if (!FastSslFields(members, first, &f)) return false;
      b->Reset(f.time());
      ProbeSsl(f, sink, b->filter(), scratch);
      return true;
    }
    case LogType::kFiles: {
      FilesFields f;
      if (!FastFilesFields(members, first, &f)) return false;
      b->Reset(f.time());
      ProbeFiles(f, sink, b->filter(), scratch);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace concord::ingest::zeek
