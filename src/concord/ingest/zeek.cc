// The Zeek adapter: conn, dns, http, ssl, x509, files, smtp and notice logs mapped in full, any
// other log to its addresses and connection; docs/mappings.md is the table.
//
// JSON (either field style, or "id" as a nested object) and TSV share one mapping per log type:
// each event is first gathered into a Record (one pass over its fields, each name looked up once
// in a fixed table), and the mappings read the Record by field. Values are string_views into the
// parsed line; TSV values are unescaped only when they hold a backslash.

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "concord/base/ascii.h"
#include "concord/base/bytes.h"
#include "concord/base/ipv4.h"
#include "concord/base/timestamp.h"
#include "concord/ingest/adapters.h"
#include "concord/ingest/fast_probe.h"
#include "concord/ingest/log_time.h"
#include "concord/observe/builder_sink.h"

namespace concord::ingest {
namespace {

using observe::BuilderSink;
using observe::ObservationBuilder;
using Ref = ObservationBuilder::Ref;
constexpr Ref kNoRef = ObservationBuilder::kNoRef;

// Bounds on work per event, whatever the input holds.
constexpr size_t kMaxListItems = 1000;    // elements read from one set or vector field
constexpr size_t kMaxOtherFields = 1024;  // fields not in kFieldNames kept for the address scan
constexpr size_t kMaxCertChain = 10;      // certificates taken from ssl's cert_chain_fps
constexpr size_t kMaxScanParts = 64;      // comma-separated parts of one scanned string

// ---------------------------------------------------------------------------------------------
// Field names. A dotted name is also known with '_' for '.', so "id.orig_h", "id_orig_h" and
// {"id":{"orig_h":...}} are one field.

enum class Field : uint8_t {
  kOther,  // not read by name: scanned for addresses
  kTs,
  kPath,    // "_path"
  kStream,  // "@stream" (json-streaming-logs)
  kOrigH,
  kOrigP,
  kRespH,
  kRespP,
  kProto,
  kService,
  kDuration,
  kOrigBytes,
  kRespBytes,
  kOrigPkts,
  kRespPkts,
  kQuery,
  kQtypeName,
  kRcodeName,
  kAnswers,
  kHost,
  kUri,
  kMethod,
  kUserAgent,
  kReferrer,
  kVersion,
  kProxied,
  kOrigFuids,
  kOrigFilenames,
  kOrigMimeTypes,
  kRespFuids,
  kRespFilenames,
  kRespMimeTypes,
  kServerName,
  kCipher,
  kJa3,
  kJa3s,
  kJa4,
  kJa4s,
  kCertChainFps,
  kCertChainFuids,
  kSubject,
  kIssuer,
  kRespCertificateSha1,
  kFingerprint,
  kCertVersion,
  kCertSerial,
  kCertSubject,
  kCertIssuer,
  kCertNotValidBefore,
  kCertNotValidAfter,
  kCertKeyAlg,
  kCertSigAlg,
  kCertExponent,
  kSanDns,
  kSanIp,
  kSanEmail,
  kSanUri,
  kFuid,
  kSource,
  kTxHosts,
  kRxHosts,
  kMd5,
  kSha1,
  kSha256,
  kSha512,
  kFilename,
  kMimeType,
  kTotalBytes,
  kSeenBytes,
  kMailfrom,
  kRcptto,
  kFrom,
  kTo,
  kCc,
  kReplyTo,
  kMsgId,
  kDate,
  kHelo,
  kXOriginatingIp,
  kMailPath,  // smtp "path"
  kSrc,
  kDst,
  kP,
  kNote,
  kMsg,
  kSub,
  kCount,  // not a field: the number of the above
};

struct FieldName {
  std::string_view name;
  Field field;
};

// A name means what the log type's mapping makes of it: "subject" is a certificate's in ssl and
// the message's in smtp; "path" is smtp's relay addresses (smb's "path", a share, is another log).
constexpr FieldName kFieldNames[] = {
    {"ts", Field::kTs},
    {"_path", Field::kPath},
    {"@stream", Field::kStream},
    {"id.orig_h", Field::kOrigH},
    {"id.orig_p", Field::kOrigP},
    {"id.resp_h", Field::kRespH},
    {"id.resp_p", Field::kRespP},
    {"proto", Field::kProto},
    {"service", Field::kService},
    {"duration", Field::kDuration},
    {"orig_bytes", Field::kOrigBytes},
    {"resp_bytes", Field::kRespBytes},
    {"orig_pkts", Field::kOrigPkts},
    {"resp_pkts", Field::kRespPkts},
    {"query", Field::kQuery},
    {"qtype_name", Field::kQtypeName},
    {"rcode_name", Field::kRcodeName},
    {"answers", Field::kAnswers},
    {"host", Field::kHost},
    {"uri", Field::kUri},
    {"method", Field::kMethod},
    {"user_agent", Field::kUserAgent},
    {"referrer", Field::kReferrer},
    {"version", Field::kVersion},
    {"proxied", Field::kProxied},
    {"orig_fuids", Field::kOrigFuids},
    {"orig_filenames", Field::kOrigFilenames},
    {"orig_mime_types", Field::kOrigMimeTypes},
    {"resp_fuids", Field::kRespFuids},
    {"resp_filenames", Field::kRespFilenames},
    {"resp_mime_types", Field::kRespMimeTypes},
    {"server_name", Field::kServerName},
    {"cipher", Field::kCipher},
    {"ja3", Field::kJa3},
    {"ja3s", Field::kJa3s},
    {"ja4", Field::kJa4},
    {"ja4s", Field::kJa4s},
    {"cert_chain_fps", Field::kCertChainFps},
    {"cert_chain_fuids", Field::kCertChainFuids},
    {"subject", Field::kSubject},
    {"issuer", Field::kIssuer},
    {"resp_certificate_sha1", Field::kRespCertificateSha1},
    {"fingerprint", Field::kFingerprint},
    {"certificate.version", Field::kCertVersion},
    {"certificate.serial", Field::kCertSerial},
    {"certificate.subject", Field::kCertSubject},
    {"certificate.issuer", Field::kCertIssuer},
    {"certificate.not_valid_before", Field::kCertNotValidBefore},
    {"certificate.not_valid_after", Field::kCertNotValidAfter},
    {"certificate.key_alg", Field::kCertKeyAlg},
    {"certificate.sig_alg", Field::kCertSigAlg},
    {"certificate.exponent", Field::kCertExponent},
    {"san.dns", Field::kSanDns},
    {"san.ip", Field::kSanIp},
    {"san.email", Field::kSanEmail},
    {"san.uri", Field::kSanUri},
    {"fuid", Field::kFuid},
    {"source", Field::kSource},
    {"tx_hosts", Field::kTxHosts},
    {"rx_hosts", Field::kRxHosts},
    {"md5", Field::kMd5},
    {"sha1", Field::kSha1},
    {"sha256", Field::kSha256},
    {"sha512", Field::kSha512},
    {"filename", Field::kFilename},
    {"mime_type", Field::kMimeType},
    {"total_bytes", Field::kTotalBytes},
    {"seen_bytes", Field::kSeenBytes},
    {"mailfrom", Field::kMailfrom},
    {"rcptto", Field::kRcptto},
    {"from", Field::kFrom},
    {"to", Field::kTo},
    {"cc", Field::kCc},
    {"reply_to", Field::kReplyTo},
    {"msg_id", Field::kMsgId},
    {"date", Field::kDate},
    {"helo", Field::kHelo},
    {"x_originating_ip", Field::kXOriginatingIp},
    {"path", Field::kMailPath},
    {"src", Field::kSrc},
    {"dst", Field::kDst},
    {"p", Field::kP},
    {"note", Field::kNote},
    {"msg", Field::kMsg},
    {"sub", Field::kSub},
};

constexpr size_t kMaxFieldName = 32;  // longer names are not in kFieldNames

// kFieldNames in an open-addressing table built at compile time, each dotted name also under
// its underscored spelling, so that a lookup is one exact comparison. The index is the length
// and three characters, not a hash of every byte.
class FieldTable {
 public:
  constexpr FieldTable() {
    for (const FieldName& f : kFieldNames) {
      Insert(f.name, f.field, false);
      if (f.name.find('.') != std::string_view::npos) Insert(f.name, f.field, true);
    }
  }

  Field Find(std::string_view key) const {
    if (key.empty() || key.size() > kMaxFieldName) return Field::kOther;
    for (size_t i = Index(key);; i = (i + 1) & (kSlots - 1)) {
      const Slot& slot = slots_[i];
      if (slot.length == 0) return Field::kOther;
      if (slot.length == key.size() && SameBytes(slot.name, key.data(), key.size())) {
        return slot.field;
      }
    }
  }

 private:
  struct Slot {
    uint8_t length = 0;  // 0: free
    Field field = Field::kOther;
    char name[kMaxFieldName] = {};
  };
  static constexpr int kSlotBits = 9;
  static constexpr size_t kSlots = size_t{1} << kSlotBits;  // well over twice the names
  static_assert(std::size(kFieldNames) * 4 < kSlots);

  static constexpr size_t Index(std::string_view name) {
    const size_t n = name.size();
    auto c = [&name](size_t i) {
      return static_cast<uint32_t>(static_cast<unsigned char>(name[i]));
    };
    const uint32_t mix = static_cast<uint32_t>(n) | c(0) << 8 | c(n - 1) << 16 | c(n / 2) << 24;
    return (mix * 2654435761u) >> (32 - kSlotBits);  // Fibonacci hashing
  }

  constexpr void Insert(std::string_view name, Field field, bool underscored) {
    char spelled[kMaxFieldName] = {};
    for (size_t i = 0; i < name.size(); ++i) {
      spelled[i] = underscored && name[i] == '.' ? '_' : name[i];
    }
    const std::string_view key(spelled, name.size());
    size_t i = Index(key);
    while (slots_[i].length != 0) i = (i + 1) & (kSlots - 1);
    slots_[i].length = static_cast<uint8_t>(name.size());
    slots_[i].field = field;
    for (size_t j = 0; j < name.size(); ++j) slots_[i].name[j] = spelled[j];
  }

  std::array<Slot, kSlots> slots_{};
};

constexpr FieldTable kFieldTable;

Field Classify(std::string_view key) { return kFieldTable.Find(key); }

// A member of a nested object ({"id": {"orig_h": ...}}), named "<prefix>.<key>".
Field Classify(std::string_view prefix, std::string_view key) {
  char name[kMaxFieldName];
  if (prefix.size() + 1 + key.size() > kMaxFieldName) return Field::kOther;
  std::memcpy(name, prefix.data(), prefix.size());
  name[prefix.size()] = '.';
  std::memcpy(name + prefix.size() + 1, key.data(), key.size());
  return Classify(std::string_view(name, prefix.size() + 1 + key.size()));
}

// ---------------------------------------------------------------------------------------------
// Small text helpers.

bool Absent(std::string_view s) { return s.empty() || s == "-" || s == "(empty)"; }

// The STIX hash name of a hex fingerprint by its length, or "" when it is not one.
std::string_view HashNameOfLength(size_t length) {
  switch (length) {
    case 32:
      return "MD5";
    case 40:
      return "SHA-1";
    case 64:
      return "SHA-256";
    case 128:
      return "SHA-512";
    default:
      return {};
  }
}

// Calls fn(part) for each `separator`-separated part of `s`, at most `limit` parts.
template <typename Fn>
void ForEachPart(std::string_view s, std::string_view separator, size_t limit, Fn&& fn) {
  if (separator.empty()) separator = ",";
  for (size_t n = 0; n < limit; ++n) {
    const size_t at = s.find(separator);
    fn(s.substr(0, at));
    if (at == std::string_view::npos) return;
    s.remove_prefix(at + separator.size());
  }
}

// The CN of a distinguished name as Zeek writes it ("CN=www.example,O=Example,C=US"), or "".
std::string_view CommonName(std::string_view dn) {
  size_t at = 0;
  while (true) {
    at = dn.find("CN=", at);
    if (at == std::string_view::npos) return {};
    if (at == 0 || dn[at - 1] == ',' || dn[at - 1] == ' ' || dn[at - 1] == '/') break;
    at += 3;
  }
  std::string_view cn = dn.substr(at + 3);
  for (size_t i = 0; i < cn.size(); ++i) {
    if (cn[i] == '\\') {
      ++i;  // an escaped character, such as "\,"
    } else if (cn[i] == ',' || cn[i] == '/') {
      return cn.substr(0, i);
    }
  }
  return cn;
}

// A certificate CN that names a host: letters, digits, '-', '_', '*' and at least one inner dot.
bool IsHostName(std::string_view s) {
  if (s.size() < 3 || s.size() > 253 || s.front() == '.' || s.find('.') == std::string_view::npos) {
    return false;
  }
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == '*';
    if (!ok) return false;
  }
  return true;
}

// A printable, bounded rendering of a bad value for an error message: control characters and
// bytes past ASCII as \xHH, the rest as written.
std::string Quote(std::string_view s) {
  constexpr size_t kShown = 40;
  std::string out = "\"";
  for (size_t i = 0; i < s.size() && i < kShown; ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += s.size() > kShown ? "...\"" : "\"";
  return out;
}

// The length of the valid UTF-8 sequence starting at p[0] (p[0] >= 0x80), or 0.
size_t Utf8SequenceLength(const unsigned char* p, size_t n) {
  const unsigned char c = p[0];
  size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) {
    length = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    length = 3;
    if (c == 0xe0) low = 0xa0;   // no overlong forms
    if (c == 0xed) high = 0x9f;  // no surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    length = 4;
    if (c == 0xf0) low = 0x90;
    if (c == 0xf4) high = 0x8f;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  if (n < length || p[1] < low || p[1] > high) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (p[i] < 0x80 || p[i] > 0xbf) return 0;
  }
  return length;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends `raw` to `*out` with Zeek TSV's \xHH escapes decoded. A decoded byte that does not
// form valid UTF-8 is written back as the text "\xhh", which is how Zeek's JSON writer writes
// such bytes, so that the two formats of one event give one observation. REQUIRES: `raw` is
// valid UTF-8 (then the output is never longer than `raw`).
void AppendUnescaped(std::string_view raw, std::string* out) {
  const size_t start = out->size();
  bool high_byte = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\\' && i + 3 < raw.size() && raw[i + 1] == 'x' && HexValue(raw[i + 2]) >= 0 &&
        HexValue(raw[i + 3]) >= 0) {
      const char c = static_cast<char>(HexValue(raw[i + 2]) * 16 + HexValue(raw[i + 3]));
      high_byte |= static_cast<unsigned char>(c) >= 0x80;
      out->push_back(c);
      i += 3;
    } else {
      out->push_back(raw[i]);
    }
  }
  if (!high_byte || simdjson::validate_utf8(out->data() + start, out->size() - start)) return;
  // Rewrite the invalid bytes in place: each came from a 4-byte escape, so it fits.
  static thread_local std::string decoded;
  decoded.assign(*out, start, std::string::npos);
  out->resize(start);
  const auto* p = reinterpret_cast<const unsigned char*>(decoded.data());
  for (size_t i = 0; i < decoded.size();) {
    if (p[i] < 0x80) {
      out->push_back(static_cast<char>(p[i++]));
      continue;
    }
    const size_t length = Utf8SequenceLength(p + i, decoded.size() - i);
    if (length > 0) {
      out->append(decoded, i, length);
      i += length;
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      const char escape[] = {'\\', 'x', kHex[p[i] >> 4], kHex[p[i] & 15]};
      out->append(escape, 4);
      ++i;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Record: one event's fields, by name, whichever format it came in. Errors are sticky: the
// first wrong-typed field read sets status(), and reads of absent or bad fields give nothing.

class Record {
 public:
  void StartJson() {
    Start();
    context_ = nullptr;
  }
  void StartTsv(const LogContext& context, std::span<const std::string_view> values) {
    Start();
    context_ = &context;
    values_ = values;
  }

  void AddJson(Field field, std::string_view prefix, std::string_view key, json::Element value) {
    if (Entry* e = Add(field)) {
      e->prefix = prefix;
      e->key = key;
      e->element = value;
    }
  }
  void AddTsv(Field field, uint32_t column) {
    if (Entry* e = Add(field)) {
      e->column = column;
      e->raw = values_[column];
      arena_needed_ += e->raw.size();
    }
  }

  const Status& status() const { return status_; }
  bool is_json() const { return context_ == nullptr; }

  // The log type: "_path", "@stream", else the file's.
  std::string_view LogPath(std::string_view from_context) {
    for (Field f : {Field::kPath, Field::kStream}) {
      const std::string_view path = Text(f);
      if (!Absent(path)) return path;
    }
    return from_context;
  }

  // Whether the event has the field at all (even unset or null).
  bool Contains(Field field) const { return Find(field) != nullptr; }

  // Sets status() to "field '<name>': expected <expected>, got <its value>". REQUIRES:
  // Contains(field).
  void Invalid(Field field, std::string_view expected) { Fail(*Find(field), expected); }

  // A string field; "" when absent (or when it has the wrong type, which sets status() with
  // "expected <expected>").
  std::string_view Text(Field field, std::string_view expected = "a string") {
    Entry* e = Find(field);
    if (e == nullptr) return {};
    if (is_json()) {
      std::string_view s;
      if (e->element.get_string().get(s) == simdjson::SUCCESS) return s;
      if (e->element.type() != json::ElementType::NULL_VALUE) Fail(*e, expected);
      return {};
    }
    if (e->raw == context_->unset_field || e->raw == context_->empty_field) return {};
    if (!e->unescaped && e->raw.find('\\') != std::string_view::npos) {
      if (arena_.capacity() < arena_needed_) arena_.reserve(arena_needed_);
      const size_t at = arena_.size();
      AppendUnescaped(e->raw, &arena_);
      e->raw = std::string_view(arena_).substr(at);
    }
    e->unescaped = true;
    return e->raw;
  }

  // The readers of numbers and times return a sentinel for an absent field (kAbsent, NaN,
  // false) rather than a std::optional: they run for several fields of every event, and GCC's
  // code for returning an optional stalls on reading back the flag it just stored.
  static constexpr int64_t kAbsent = -1;

  // An unsigned integer field no greater than `max` ("80" accepted); kAbsent when absent. A
  // value that is not one sets status() with "expected <expected>", unless `expected` is ""
  // (a field read only if it happens to be right).
  int64_t Integer(Field field, int64_t max, std::string_view expected) {
    Entry* e = Find(field);
    if (e == nullptr) return kAbsent;
    std::string_view text;
    if (is_json()) {
      const json::Element& v = e->element;
      int64_t i = 0;
      uint64_t u = 0;
      double d = 0;
      switch (v.type()) {
        case json::ElementType::NULL_VALUE:
          return kAbsent;
        case json::ElementType::INT64:
          if (v.get_int64().get(i) == simdjson::SUCCESS && i >= 0 && i <= max) return i;
          break;
        case json::ElementType::UINT64:
          if (v.get_uint64().get(u) == simdjson::SUCCESS && u <= static_cast<uint64_t>(max)) {
            return static_cast<int64_t>(u);
          }
          break;
        case json::ElementType::DOUBLE:
          if (v.get_double().get(d) == simdjson::SUCCESS && d >= 0 &&
              d <= static_cast<double>(max) && d == std::floor(d)) {
            return static_cast<int64_t>(d);
          }
          break;
        default:
          break;
      }
      if (v.get_string().get(text) != simdjson::SUCCESS) {
        if (!expected.empty()) Fail(*e, expected);
        return kAbsent;
      }
    } else {
      text = e->raw;
      if (text == context_->unset_field || text == context_->empty_field) return kAbsent;
    }
    if (Absent(text)) return kAbsent;
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 0 || value > max) {
      if (!expected.empty()) Fail(*e, expected);
      return kAbsent;
    }
    return value;
  }

  int64_t Port(Field field) { return Integer(field, 65535, "a port number"); }
  int64_t Count(Field field) {
    return Integer(field, std::numeric_limits<int64_t>::max(), "a count");
  }

  // A number of seconds (an interval); NaN when absent.
  double Seconds(Field field) {
    constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
    Entry* e = Find(field);
    if (e == nullptr) return kNone;
    std::string_view text;
    if (is_json()) {
      double d = 0;
      if (e->element.get_double().get(d) == simdjson::SUCCESS) return d;  // also integers
      if (e->element.type() == json::ElementType::NULL_VALUE) return kNone;
      if (e->element.get_string().get(text) != simdjson::SUCCESS) {
        Fail(*e, "a number of seconds");
        return kNone;
      }
    } else {
      text = e->raw;
      if (text == context_->unset_field || text == context_->empty_field) return kNone;
    }
    if (Absent(text)) return kNone;
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
      Fail(*e, "a number of seconds");
      return kNone;
    }
    return value;
  }

  // A time: seconds since 1970 (number or text) or ISO 8601 text, into *out; false when absent
  // or wrong (then status() says which). "ts" is never absent: unset, it is wrong.
  bool Time(Field field, Timestamp* out) {
    Entry* e = Find(field);
    if (e == nullptr) return false;
    std::string_view text;
    if (is_json()) {
      double d = 0;
      if (e->element.get_double().get(d) == simdjson::SUCCESS) {
        Result<Timestamp> t = TimeFromEpochSeconds(d);
        if (t.ok()) {
          *out = *t;
          return true;
        }
        Fail(*e, kTimeExpected);
        return false;
      }
      if (e->element.type() == json::ElementType::NULL_VALUE && field != Field::kTs) {
        return false;
      }
      if (e->element.get_string().get(text) != simdjson::SUCCESS) {
        Fail(*e, kTimeExpected);
        return false;
      }
    } else {
      text = e->raw;
      if (field != Field::kTs && (text == context_->unset_field || text == context_->empty_field)) {
        return false;
      }
    }
    // Epoch seconds are digits and one '.'; anything else must be a calendar time.
    const bool epoch = text.find_first_not_of("0123456789.") == std::string_view::npos;
    Result<Timestamp> t = epoch ? ParseEpochSeconds(text) : ParseLogTime(text);
    if (t.ok()) {
      *out = *t;
      return true;
    }
    Fail(*e, kTimeExpected);
    return false;
  }

  // Calls fn(item) for each string of a set or vector field (a JSON array, or a TSV field split
  // on the set separator), at most kMaxListItems; a JSON string counts as a list of one.
  // Absent items ("-", "") are passed on; the builder ignores them.
  template <typename Fn>
  void ForEach(Field field, Fn&& fn) {
    Entry* e = Find(field);
    if (e == nullptr) return;
    if (is_json()) {
      std::string_view s;
      if (e->element.get_string().get(s) == simdjson::SUCCESS) {
        fn(s);
        return;
      }
      json::ArrayView array;
      if (e->element.get_array().get(array) != simdjson::SUCCESS) {
        if (e->element.type() != json::ElementType::NULL_VALUE) Fail(*e, "a list of strings");
        return;
      }
      size_t n = 0;
      for (json::Element item : array) {
        if (n++ == kMaxListItems) break;
        if (item.get_string().get(s) != simdjson::SUCCESS) {
          Fail(*e, "a list of strings");
          return;
        }
        fn(s);
      }
      return;
    }
    if (e->raw == context_->unset_field || e->raw == context_->empty_field) return;
    ForEachPart(e->raw, context_->set_separator, kMaxListItems, [&](std::string_view item) {
      if (item.find('\\') == std::string_view::npos) {
        fn(item);
        return;
      }
      item_.clear();
      AppendUnescaped(item, &item_);
      fn(std::string_view(item_));
    });
  }

  // AddAddress of an address field; a present value that is not an address sets status().
  Ref Address(Field field, ObservationBuilder* b) {
    const std::string_view s = Text(field, "an IP address");
    if (Absent(s)) return kNoRef;
    const Ref ref = b->AddAddress(s);
    if (ref == kNoRef && !b->truncated()) Fail(*Find(field), "an IP address");
    return ref;
  }

  // AddAddress of each item of a list of addresses.
  void Addresses(Field field, ObservationBuilder* b) {
    ForEach(field, [&](std::string_view s) {
      if (!Absent(s) && b->AddAddress(s) == kNoRef && !b->truncated()) {
        Fail(*Find(field), "a list of IP addresses");
      }
    });
  }

  // Adds every address (and MAC address) held by the fields that no mapping reads by name, or,
  // when `all`, by any field but ts, the log type and the connection's endpoints.
  void ScanForAddresses(bool all, ObservationBuilder* b) {
    for (Entry& e : entries_) {
      if (all ? (e.field == Field::kTs || e.field == Field::kPath || e.field == Field::kStream ||
                 e.field == Field::kOrigH || e.field == Field::kRespH)
              : e.field != Field::kOther) {
        continue;
      }
      if (is_json()) {
        ScanJson(e.element, b);
      } else {
        ScanTsv(e, b);
      }
    }
  }

  // The scratch strings of the mappings, kept to reuse their memory.
  std::string& text_scratch() { return text_; }
  std::string& san_scratch() { return san_; }
  std::vector<Ref>& refs_scratch(size_t i) { return refs_[i]; }

 private:
  struct Entry {
    Field field = Field::kOther;
    bool unescaped = false;   // TSV: raw already decoded
    uint32_t column = 0;      // TSV
    std::string_view prefix;  // JSON: the key of the object holding this member, or ""
    std::string_view key;     // JSON
    std::string_view raw;     // TSV
    json::Element element;    // JSON
  };
  static constexpr uint16_t kNone = UINT16_MAX;
  static constexpr std::string_view kTimeExpected = "a time (seconds since 1970 or ISO 8601)";

  void Start() {
    entries_.clear();
    others_ = 0;
    slots_.fill(kNone);
    status_ = Status::Ok();
    arena_.clear();
    arena_needed_ = 0;
  }

  // A new entry for `field` (built in place: copying a just-built one costs more than its
  // fields), or null when it is not kept.
  Entry* Add(Field field) {
    if (field == Field::kOther) {
      if (others_ == kMaxOtherFields) return nullptr;
      ++others_;
    } else {
      uint16_t& slot = slots_[static_cast<size_t>(field)];
      if (slot != kNone) return nullptr;  // a repeated name: the first wins
      slot = static_cast<uint16_t>(entries_.size());
    }
    Entry& e = entries_.emplace_back();
    e.field = field;
    return &e;
  }

  Entry* Find(Field field) {
    const uint16_t slot = slots_[static_cast<size_t>(field)];
    return slot == kNone ? nullptr : &entries_[slot];
  }
  const Entry* Find(Field field) const {
    const uint16_t slot = slots_[static_cast<size_t>(field)];
    return slot == kNone ? nullptr : &entries_[slot];
  }

  void Fail(const Entry& e, std::string_view expected) {
    if (!status_.ok()) return;
    std::string name;
    std::string got;
    if (is_json()) {
      name =
          e.prefix.empty() ? std::string(e.key) : std::string(e.prefix) + "." + std::string(e.key);
      std::string_view s;
      if (e.element.get_string().get(s) == simdjson::SUCCESS) {
        got = Quote(s);
      } else {
        got = simdjson::minify(e.element);
        if (got.size() > 40) got = got.substr(0, 40) + "...";
      }
    } else {
      name = context_->fields[e.column];
      got = Quote(e.raw);
    }
    status_ =
        InvalidArgument("field '" + name + "': expected " + std::string(expected) + ", got " + got);
  }

  // Adds the address or MAC address `s` is, if it is one; a comma-separated list of them is
  // split ("192.0.2.1, 198.51.100.2" in an X-Forwarded-For).
  static void ScanString(std::string_view s, ObservationBuilder* b) {
    if (s.size() < 2 || s.size() > 1024) return;
    if (s.size() == 17 && (s[2] == ':' || s[2] == '-') && s[5] == s[2] &&
        b->AddMacAddress(s) != kNoRef) {
      return;
    }
    // Addresses are hex digits, '.' and ':' (and "%zone"); a quick look rules out most text.
    bool separators = false;
    bool dot_or_colon = false;
    for (char c : s) {
      if (c == '%') break;
      if (c == '.' || c == ':') {
        dot_or_colon = true;
      } else if (c == ',' || c == ' ') {
        separators = true;
      } else if (!IsHexDigit(c)) {
        return;
      }
    }
    if (!dot_or_colon) return;
    if (!separators) {
      if (s.size() <= 64) b->AddAddress(s);
      return;
    }
    ForEachPart(s, ",", kMaxScanParts, [b](std::string_view part) {
      part = TrimBlanks(part);
      if (part.size() >= 2 && part.size() <= 64) b->AddAddress(part);
    });
  }

  static void ScanJson(const json::Element& v, ObservationBuilder* b) {
    std::string_view s;
    json::ArrayView array;
    switch (v.type()) {  // most fields are numbers: look at the type before reading
      case json::ElementType::STRING:
        if (v.get_string().get(s) == simdjson::SUCCESS) ScanString(s, b);
        return;
      case json::ElementType::ARRAY:
        if (v.get_array().get(array) != simdjson::SUCCESS) return;
        break;
      default:
        return;
    }
    size_t n = 0;
    for (json::Element item : array) {
      if (n++ == kMaxListItems) break;
      if (item.type() == json::ElementType::STRING &&
          item.get_string().get(s) == simdjson::SUCCESS) {
        ScanString(s, b);
      }
    }
  }

  void ScanTsv(Entry& e, ObservationBuilder* b) {
    if (e.raw == context_->unset_field || e.raw == context_->empty_field) return;
    std::string_view type;
    if (e.column < context_->types.size()) type = context_->types[e.column];
    // Only addr, string, subnet, set[...] and vector[...] can hold an address; count, int,
    // double, time, interval, port, bool and enum cannot. (No #types: look at the value.)
    if (!type.empty() && type[0] != 'a' && type[0] != 's' && type[0] != 'v') return;
    if (type.starts_with("set[") || type.starts_with("vector[")) {
      ForEachPart(e.raw, context_->set_separator, kMaxListItems,
                  [b](std::string_view item) { ScanString(item, b); });
      return;
    }
    ScanString(e.raw, b);  // escapes never make an address
  }

  const LogContext* context_ = nullptr;  // TSV; null for JSON
  std::span<const std::string_view> values_;
  std::vector<Entry> entries_;
  size_t others_ = 0;
  std::array<uint16_t, static_cast<size_t>(Field::kCount)> slots_{};
  Status status_;
  std::string arena_;  // unescaped TSV values; reserved so that views into it stay valid
  size_t arena_needed_ = 0;
  std::string item_;  // one unescaped TSV list item
  std::string text_;
  std::string san_;
  std::array<std::vector<Ref>, 3> refs_;
};

// ---------------------------------------------------------------------------------------------
// The network-traffic object every log with a connection ends with.

struct Flow {
  enum class Extension : uint8_t { kNone, kDns, kHttp, kTls };
  // Not side by side: GCC tests two adjacent 32-bit refs with one 64-bit load, which stalls
  // when they have just been stored one at a time (store forwarding).
  Ref src = kNoRef;
  int64_t src_port = Record::kAbsent;
  Ref dst = kNoRef;
  int64_t dst_port = Record::kAbsent;
  std::string_view transport;  // as logged ("tcp"), or implied by the log type
  std::string_view services;   // Zeek's comma-separated list, or one application protocol
  Extension extension = Extension::kNone;
  bool conn = false;  // conn.log: end time, byte and packet counts, as below
  double duration = std::numeric_limits<double>::quiet_NaN();  // seconds; NaN: absent
  // orig_bytes, resp_bytes, orig_pkts, resp_pkts (Record::kAbsent: absent).
  std::array<int64_t, 4> counts = {Record::kAbsent, Record::kAbsent, Record::kAbsent,
                                   Record::kAbsent};
};

// Reads id.* into `flow`: addresses (added to the observation) and ports.
void ReadEndpoints(Record& r, ObservationBuilder* b, Flow* flow) {
  flow->src = r.Address(Field::kOrigH, b);
  flow->dst = r.Address(Field::kRespH, b);
  flow->src_port = r.Port(Field::kOrigP);
  flow->dst_port = r.Port(Field::kRespP);
}

bool HasEndpoints(const Flow& flow) {
  return flow.src != kNoRef || flow.dst != kNoRef || flow.src_port >= 0 || flow.dst_port >= 0;
}

constexpr size_t kMaxProtocols = 8;

// The network-traffic's "protocols": the transport, then each service (lower case, "ssl" as
// "tls", without repeats and without Zeek's "-"-prefixed failed analyzers). Calls fn(name) for
// each, in order, its text in `text`; returns how many. (A callback rather than an array of
// views: the probe fast paths would read each view back whole right after it was stored in
// halves, which stalls on store forwarding.)
template <typename Fn>
size_t LowerProtocols(const Flow& flow, std::string& text, Fn&& fn) {
  text.clear();
  // Not std::pair, whose constructor zeroes them all (a memset per event): only the first
  // `count` are read.
  struct Span {
    size_t offset;
    size_t length;
  };
  Span spans[kMaxProtocols];
  size_t count = 0;
  auto add = [&](std::string_view name) {
    name = TrimBlanks(name);
    // Compared with SameBytes, not memcmp: this runs on every conn event.
    if (Absent(name) || name.front() == '-' || count == kMaxProtocols || name.size() > 32 ||
        (name.size() == 17 && SameBytes(name.data(), "unknown_transport", 17))) {
      return;
    }
    const size_t at = text.size();
    for (char c : name) text.push_back(AsciiLower(c));
    if (name.size() == 3 && SameBytes(text.data() + at, "ssl", 3)) text.replace(at, 3, "tls");
    const std::string_view added = std::string_view(text).substr(at);
    for (size_t i = 0; i < count; ++i) {
      if (spans[i].length == added.size() &&
          SameBytes(text.data() + spans[i].offset, added.data(), added.size())) {
        text.resize(at);
        return;
      }
    }
    spans[count++] = Span{at, added.size()};
  };
  add(flow.transport);
  ForEachPart(flow.services, ",", kMaxProtocols, add);
  for (size_t i = 0; i < count; ++i) {
    fn(std::string_view(text).substr(spans[i].offset, spans[i].length));
  }
  return count;
}

// Writes "protocols" (LowerProtocols).
void WriteProtocols(const Flow& flow, std::string& text, ObservationBuilder* b) {
  std::array<std::string_view, kMaxProtocols> views;
  size_t count = 0;
  LowerProtocols(flow, text, [&](std::string_view name) { views[count++] = name; });
  b->Strings("protocols", std::span<const std::string_view>(views.data(), count));
}

// `time` + `seconds`, to the microsecond. REQUIRES: 0 <= seconds <= 1e9.
Timestamp AddSeconds(Timestamp time, double seconds) {
  const int64_t micros = std::llround(seconds * 1e6);
  int64_t s = time.seconds + micros / 1000000;
  int64_t nanos = time.nanos + (micros % 1000000) * 1000;
  if (nanos >= 1000000000) {
    ++s;
    nanos -= 1000000000;
  }
  return Timestamp{s, static_cast<int32_t>(nanos)};
}

void WriteHash32Lower(std::string_view key, std::string_view value, ObservationBuilder* b) {
  char lower[32];
  if (!LowerHexInto(value, 32, lower).empty()) {
    b->String(key, std::string_view(lower, 32));
  } else {
    b->OptionalString(key, value);
  }
}

// Writes the protocol's extension, inside "extensions".
void WriteExtension(const Flow& flow, Record& r, ObservationBuilder* b) {
  switch (flow.extension) {
    case Flow::Extension::kNone:
      return;
    case Flow::Extension::kDns:
      b->BeginObject("x-dns-ext");
      b->OptionalString("query", r.Text(Field::kQuery));
      b->OptionalString("qtype_name", r.Text(Field::kQtypeName));
      b->OptionalString("rcode_name", r.Text(Field::kRcodeName));
      b->EndObject();
      return;
    case Flow::Extension::kHttp: {
      b->BeginObject("http-request-ext");
      b->OptionalString("request_method", r.Text(Field::kMethod));
      b->OptionalString("request_value", r.Text(Field::kUri));
      const std::string_view version = r.Text(Field::kVersion);
      if (!Absent(version) && version.size() <= 16) {
        char text[24] = "HTTP/";
        std::memcpy(text + 5, version.data(), version.size());
        b->String("request_version", std::string_view(text, 5 + version.size()));
      }
      b->BeginObject("request_header");
      b->OptionalString("Host", r.Text(Field::kHost));
      b->OptionalString("User-Agent", r.Text(Field::kUserAgent));
      b->OptionalString("Referer", r.Text(Field::kReferrer));
      b->EndObject();
      b->EndObject();
      return;
    }
    case Flow::Extension::kTls:
      b->BeginObject("x-tls-ext");
      b->OptionalString("server_name", r.Text(Field::kServerName));
      b->OptionalString("version", r.Text(Field::kVersion));
      b->OptionalString("cipher", r.Text(Field::kCipher));
      WriteHash32Lower("ja3", r.Text(Field::kJa3), b);
      WriteHash32Lower("ja3s", r.Text(Field::kJa3s), b);
      b->OptionalString("ja4", r.Text(Field::kJa4));
      b->OptionalString("ja4s", r.Text(Field::kJa4s));
      b->EndObject();
      return;
  }
}

bool IsIcmp(std::string_view transport) { return EqualsIgnoreAsciiCase(transport, "icmp"); }

// Zeek logs an ICMP message's type and code as the originator and responder "ports"; STIX has
// icmp-ext for them.
void WriteIcmp(const Flow& flow, ObservationBuilder* b) {
  if (flow.src_port < 0 || flow.dst_port < 0) return;
  char type[8];
  char code[8];
  std::snprintf(type, sizeof type, "%02x", static_cast<unsigned>(flow.src_port));
  std::snprintf(code, sizeof code, "%02x", static_cast<unsigned>(flow.dst_port));
  b->BeginObject("icmp-ext");
  b->String("icmp_type_hex", type);
  b->String("icmp_code_hex", code);
  b->EndObject();
}

// Adds the network-traffic object, when the event has endpoints; `write_extension()` writes the
// protocol's extension inside "extensions". `scratch` holds the lowered protocol names.
template <typename Fn>
void WriteFlow(const Flow& flow, Timestamp time, std::string& scratch, ObservationBuilder* b,
               Fn&& write_extension) {
  if (!HasEndpoints(flow)) return;
  b->Begin("network-traffic");
  b->Reference("src_ref", flow.src);
  b->Reference("dst_ref", flow.dst);
  const bool icmp = IsIcmp(flow.transport);
  if (flow.src_port >= 0 && !icmp) b->Int("src_port", flow.src_port);
  if (flow.dst_port >= 0 && !icmp) b->Int("dst_port", flow.dst_port);
  // The lowered list is made only when kept (its parts were read, and checked, above).
  if (b->Wants("protocols")) WriteProtocols(flow, scratch, b);
  b->Time("start", time);
  if (flow.conn) {
    if (flow.duration >= 0 && flow.duration <= 1e9) {  // NaN fails both tests
      b->Time("end", AddSeconds(time, flow.duration));
    }
    static constexpr std::string_view kCountKeys[] = {"src_byte_count", "dst_byte_count",
                                                      "src_packets", "dst_packets"};
    for (size_t i = 0; i < flow.counts.size(); ++i) {
      if (flow.counts[i] >= 0) b->Int(kCountKeys[i], flow.counts[i]);
    }
  }
  b->BeginObject("extensions");  // not written when nothing goes in
  if (icmp) WriteIcmp(flow, b);
  write_extension();
  b->EndObject();
  b->End();
}

void AddFlow(const Flow& flow, Timestamp time, Record& r, ObservationBuilder* b) {
  WriteFlow(flow, time, r.text_scratch(), b, [&] { WriteExtension(flow, r, b); });
}

// ---------------------------------------------------------------------------------------------
// The mappings, one per log type. Each adds its objects, then the addresses of the fields it
// does not read, then the network-traffic.

void MapConn(Record& r, Timestamp time, ObservationBuilder* b) {
  Flow flow;
  ReadEndpoints(r, b, &flow);
  flow.transport = r.Text(Field::kProto);
  flow.services = r.Text(Field::kService);
  flow.conn = true;
  flow.duration = r.Seconds(Field::kDuration);
  constexpr Field kCounts[] = {Field::kOrigBytes, Field::kRespBytes, Field::kOrigPkts,
                               Field::kRespPkts};
  for (size_t i = 0; i < flow.counts.size(); ++i) flow.counts[i] = r.Count(kCounts[i]);
  r.ScanForAddresses(false, b);
  AddFlow(flow, time, r, b);
}

void MapDns(Record& r, Timestamp time, ObservationBuilder* b) {
  Flow flow;
  ReadEndpoints(r, b, &flow);
  b->AddDomainName(r.Text(Field::kQuery));
  // Answers are addresses, names (CNAME, PTR, MX, ...) or record text ("TXT 12 ...").
  r.ForEach(Field::kAnswers, [b](std::string_view answer) {
    if (b->AddAddress(answer) == kNoRef && answer.find('.') != std::string_view::npos) {
      b->AddDomainName(answer);
    }
  });
  r.ScanForAddresses(false, b);
  flow.transport = r.Text(Field::kProto);
  flow.services = "dns";
  flow.extension = Flow::Extension::kDns;
  AddFlow(flow, time, r, b);
}

// The file objects of an HTTP transaction's bodies: one per file id, with the name and MIME
// type at the same position in their vectors (names and types without an id, as older logs
// have them, make file objects too).
void AddHttpFiles(Record& r, Field fuids, Field names, Field mime_types, ObservationBuilder* b) {
  constexpr size_t kMaxFiles = 16;
  // Names and types are copied into text_scratch (a TSV list item may be a scratch view).
  std::string& text = r.text_scratch();
  text.clear();
  struct Span {
    size_t offset = 0;
    size_t length = 0;
  };
  std::array<Span, kMaxFiles> name_spans;
  std::array<Span, kMaxFiles> type_spans;
  size_t name_count = 0;
  size_t type_count = 0;
  r.ForEach(names, [&](std::string_view name) {
    if (name_count == kMaxFiles) return;
    name_spans[name_count++] = {text.size(), name.size()};
    text.append(name);
  });
  r.ForEach(mime_types, [&](std::string_view type) {
    if (type_count == kMaxFiles) return;
    type_spans[type_count++] = {text.size(), type.size()};
    text.append(type);
  });
  auto at = [&text](const std::array<Span, kMaxFiles>& spans, size_t count, size_t i) {
    return i < count ? std::string_view(text).substr(spans[i].offset, spans[i].length)
                     : std::string_view();
  };
  auto add = [&](size_t i, std::string_view fuid) {
    const std::string_view name = at(name_spans, name_count, i);
    const std::string_view type = at(type_spans, type_count, i);
    if (Absent(fuid) && Absent(name) && Absent(type)) return;
    b->Begin("file");
    b->OptionalString("name", name);
    b->OptionalString("mime_type", type);
    b->OptionalString("x_zeek_fuid", fuid);
    b->End();
  };
  size_t i = 0;
  r.ForEach(fuids, [&](std::string_view fuid) {
    if (i < kMaxFiles) add(i++, fuid);
  });
  for (; i < std::max(name_count, type_count); ++i) add(i, {});
}

void MapHttp(Record& r, Timestamp time, ObservationBuilder* b) {
  Flow flow;
  ReadEndpoints(r, b, &flow);
  const std::string_view host = r.Text(Field::kHost);
  b->AddHost(host);
  // The URL: the uri when absolute, else http://<Host><uri>, the responder's address standing
  // in for a missing Host.
  const std::string_view uri = r.Text(Field::kUri);
  std::string& url = r.text_scratch();
  url.clear();
  if (uri.find("://") != std::string_view::npos && uri.find("://") < 10) {
    url.assign(uri);
  } else if (!uri.empty() && uri.front() == '/') {
    url = "http://";
    if (!Absent(host)) {
      url.append(host);
    } else {
      const std::string_view address = r.Text(Field::kRespH);
      if (Absent(address)) {
        url.clear();
      } else {
        const bool v6 = address.find(':') != std::string_view::npos;
        if (v6) url.push_back('[');
        url.append(address);
        if (v6) url.push_back(']');
        if (flow.dst_port >= 0 && flow.dst_port != 80) url += ":" + std::to_string(flow.dst_port);
      }
    }
    if (!url.empty()) url.append(uri);
  }
  b->AddUrl(url);
  // Proxy headers as Zeek logs them: "X-FORWARDED-FOR -> 192.0.2.1".
  r.ForEach(Field::kProxied, [b](std::string_view header) {
    const size_t arrow = header.find(" -> ");
    if (arrow == std::string_view::npos) return;
    ForEachPart(header.substr(arrow + 4), ",", kMaxScanParts,
                [b](std::string_view part) { b->AddAddress(TrimBlanks(part)); });
  });
  AddHttpFiles(r, Field::kOrigFuids, Field::kOrigFilenames, Field::kOrigMimeTypes, b);
  AddHttpFiles(r, Field::kRespFuids, Field::kRespFilenames, Field::kRespMimeTypes, b);
  r.ScanForAddresses(false, b);
  flow.transport = "tcp";
  flow.services = "http";
  flow.extension = Flow::Extension::kHttp;
  AddFlow(flow, time, r, b);
}

// Writes "hashes" with the fingerprint `value` under its hash name, when it is one.
void WriteFingerprint(std::string_view value, ObservationBuilder* b) {
  char lower[128];
  const std::string_view name = HashNameOfLength(value.size());
  if (!name.empty() && !LowerHexInto(value, value.size(), lower).empty()) {
    b->String(name, std::string_view(lower, value.size()));
  }
}

bool IsFingerprint(std::string_view value) {
  char lower[128];
  return !HashNameOfLength(value.size()).empty() &&
         !LowerHexInto(value, value.size(), lower).empty();
}

void MapSsl(Record& r, Timestamp time, ObservationBuilder* b) {
  Flow flow;
  ReadEndpoints(r, b, &flow);
  b->AddDomainName(r.Text(Field::kServerName));
  // The server's certificate: subject and issuer (Zeek before 4.2), the first fingerprint of
  // the chain, a SHA-1 some deployments log; then the rest of the chain by fingerprint.
  const std::string_view subject = r.Text(Field::kSubject);
  const std::string_view issuer = r.Text(Field::kIssuer);
  const std::string_view cn = CommonName(subject);
  if (IsHostName(cn)) b->AddDomainName(cn);
  const std::string_view sha1 = r.Text(Field::kRespCertificateSha1);
  std::string& chain = r.text_scratch();  // the chain's fingerprints, one after another
  chain.clear();
  std::array<std::pair<size_t, size_t>, kMaxCertChain> fps;
  size_t fp_count = 0;
  for (Field f : {Field::kCertChainFps, Field::kCertChainFuids}) {
    r.ForEach(f, [&](std::string_view fp) {
      if (fp_count == kMaxCertChain || !IsFingerprint(fp)) return;
      fps[fp_count++] = {chain.size(), fp.size()};
      chain.append(fp);
    });
    if (fp_count > 0) break;
  }
  auto fp_at = [&](size_t i) {
    return std::string_view(chain).substr(fps[i].first, fps[i].second);
  };
  char sha1_lower[40];
  const bool has_sha1 = !LowerHexInto(sha1, 40, sha1_lower).empty();
  if (!Absent(subject) || !Absent(issuer) || has_sha1 || fp_count > 0) {
    b->Begin("x509-certificate");
    b->BeginObject("hashes");
    if (fp_count > 0) WriteFingerprint(fp_at(0), b);
    if (has_sha1 && (fp_count == 0 || fp_at(0).size() != 40)) {
      b->String("SHA-1", std::string_view(sha1_lower, 40));
    }
    b->EndObject();
    b->OptionalString("issuer", issuer);
    b->OptionalString("subject", subject);
    b->End();
  }
  for (size_t i = 1; i < fp_count; ++i) {
    b->Begin("x509-certificate");
    b->BeginObject("hashes");
    WriteFingerprint(fp_at(i), b);
    b->EndObject();
    b->End();
  }
  r.ScanForAddresses(false, b);
  const std::string_view version = r.Text(Field::kVersion);
  flow.transport = version.starts_with("DTLS") ? "udp" : "tcp";
  flow.services = "tls";
  flow.extension = Flow::Extension::kTls;
  AddFlow(flow, time, r, b);
}

void MapX509(Record& r, Timestamp time, ObservationBuilder* b) {
  // Names and addresses first, writing the SAN text as they are read.
  std::string& san = r.san_scratch();
  san.clear();
  auto append = [&san](std::string_view kind, std::string_view value) {
    if (Absent(value)) return;
    if (!san.empty()) san += ", ";
    san.append(kind);
    san.append(value);
  };
  r.ForEach(Field::kSanDns, [&](std::string_view name) {
    b->AddDomainName(name);
    append("DNS:", name);
  });
  r.ForEach(Field::kSanIp, [&](std::string_view address) {
    if (!Absent(address) && b->AddAddress(address) == kNoRef && !b->truncated()) {
      r.Invalid(Field::kSanIp, "a list of IP addresses");
    }
    append("IP:", address);
  });
  r.ForEach(Field::kSanEmail, [&](std::string_view address) {
    b->AddEmailAddress(address);
    append("email:", address);
  });
  r.ForEach(Field::kSanUri, [&](std::string_view uri) { append("URI:", uri); });
  const std::string_view subject = r.Text(Field::kCertSubject);
  const std::string_view cn = CommonName(subject);
  if (IsHostName(cn)) b->AddDomainName(cn);
  r.ScanForAddresses(false, b);

  // Members in the order of the STIX specification.
  b->Begin("x509-certificate");
  b->BeginObject("hashes");
  WriteFingerprint(r.Text(Field::kFingerprint), b);
  b->EndObject();
  // A count in Zeek; a string in STIX.
  if (const int64_t v = r.Integer(Field::kCertVersion, 1000, "a certificate version"); v >= 0) {
    b->String("version", std::to_string(v));
  }
  b->OptionalString("serial_number", r.Text(Field::kCertSerial));
  b->OptionalString("signature_algorithm", r.Text(Field::kCertSigAlg));
  b->OptionalString("issuer", r.Text(Field::kCertIssuer));
  Timestamp t;
  if (r.Time(Field::kCertNotValidBefore, &t)) b->Time("validity_not_before", t);
  if (r.Time(Field::kCertNotValidAfter, &t)) b->Time("validity_not_after", t);
  b->OptionalString("subject", subject);
  b->OptionalString("subject_public_key_algorithm", r.Text(Field::kCertKeyAlg));
  // A string in Zeek ("65537"); kept only when it reads as a number that fits.
  const int64_t exponent =
      r.Integer(Field::kCertExponent, std::numeric_limits<int64_t>::max(), /*expected=*/"");
  if (exponent >= 0) b->Int("subject_public_key_exponent", exponent);
  if (!san.empty()) {
    b->BeginObject("x509_v3_extensions");
    b->String("subject_alternative_name", san);
    b->EndObject();
  }
  b->End();
}

// The analyzer that carried a file (files.log's "source") names the connection's protocol.
struct FileSource {
  std::string_view source;
  std::string_view transport;
  std::string_view protocol;
};
constexpr FileSource kFileSources[] = {
    {"HTTP", "tcp", "http"}, {"SMTP", "tcp", "smtp"}, {"FTP_DATA", "tcp", "ftp-data"},
    {"SMB", "tcp", "smb"},   {"SSL", "tcp", "tls"},   {"IRC_DATA", "tcp", "irc"},
};

void MapFiles(Record& r, Timestamp time, ObservationBuilder* b) {
  Flow flow;
  ReadEndpoints(r, b, &flow);  // Zeek 5 and later
  r.Addresses(Field::kTxHosts, b);
  r.Addresses(Field::kRxHosts, b);
  // "name" is the base name; a path ("share\dir\file.exe", "./x") gives a directory.
  const std::string_view filename = r.Text(Field::kFilename);
  std::string_view name = filename;
  Ref directory = kNoRef;
  const size_t slash = filename.find_last_of("/\\");
  if (slash != std::string_view::npos && slash + 1 < filename.size()) {
    name = filename.substr(slash + 1);
    if (slash > 0) {
      b->Begin("directory");
      b->String("path", filename.substr(0, slash));
      directory = b->End();
    }
  }
  int64_t size = r.Count(Field::kTotalBytes);
  if (size < 0) size = r.Count(Field::kSeenBytes);
  b->Begin("file");
  b->OptionalString("name", name);
  if (size >= 0) b->Int("size", size);
  b->OptionalString("mime_type", r.Text(Field::kMimeType));
  b->BeginObject("hashes");
  char lower[128];
  struct Hash {
    Field field;
    std::string_view name;
    size_t length;
  };
  for (const Hash& h :
       {Hash{Field::kMd5, "MD5", 32}, Hash{Field::kSha1, "SHA-1", 40},
        Hash{Field::kSha256, "SHA-256", 64}, Hash{Field::kSha512, "SHA-512", 128}}) {
    if (!LowerHexInto(r.Text(h.field), h.length, lower).empty()) {
      b->String(h.name, std::string_view(lower, h.length));
    }
  }
  b->EndObject();
  b->Reference("parent_directory_ref", directory);
  b->OptionalString("x_zeek_fuid", r.Text(Field::kFuid));
  b->End();
  r.ScanForAddresses(false, b);
  const std::string_view source = r.Text(Field::kSource);
  for (const FileSource& s : kFileSources) {
    if (s.source == source) {
      flow.transport = s.transport;
      flow.services = s.protocol;
    }
  }
  AddFlow(flow, time, r, b);
}

void MapSmtp(Record& r, Timestamp time, ObservationBuilder* b) {
  Flow flow;
  ReadEndpoints(r, b, &flow);
  b->AddHost(r.Text(Field::kHelo));
  r.Address(Field::kXOriginatingIp, b);
  r.Addresses(Field::kMailPath, b);
  // Envelope and header addresses. The message's from_ref is the From header, else the
  // envelope sender; to_refs the To header, else the envelope recipients.
  const Ref mail_from = b->AddEmailAddress(r.Text(Field::kMailfrom));
  std::vector<Ref>& rcpt_to = r.refs_scratch(0);
  std::vector<Ref>& to = r.refs_scratch(1);
  std::vector<Ref>& cc = r.refs_scratch(2);
  rcpt_to.clear();
  to.clear();
  cc.clear();
  r.ForEach(Field::kRcptto, [&](std::string_view a) { rcpt_to.push_back(b->AddEmailAddress(a)); });
  const Ref from = b->AddEmailAddress(r.Text(Field::kFrom));
  r.ForEach(Field::kTo, [&](std::string_view a) { to.push_back(b->AddEmailAddress(a)); });
  r.ForEach(Field::kCc, [&](std::string_view a) { cc.push_back(b->AddEmailAddress(a)); });
  b->AddEmailAddress(r.Text(Field::kReplyTo));
  auto any = [](const std::vector<Ref>& refs) {
    for (Ref ref : refs) {
      if (ref != kNoRef) return true;
    }
    return false;
  };
  r.ScanForAddresses(false, b);

  const std::string_view subject = r.Text(Field::kSubject);
  const std::string_view message_id = r.Text(Field::kMsgId);
  const std::optional<Timestamp> date = ParseMailDate(r.Text(Field::kDate));
  if (mail_from != kNoRef || from != kNoRef || any(rcpt_to) || any(to) || any(cc) ||
      !Absent(subject) || !Absent(message_id) || date) {
    b->Begin("email-message");
    b->Bool("is_multipart", false);
    if (date) b->Time("date", *date);
    b->Reference("from_ref", from != kNoRef ? from : mail_from);
    b->References("to_refs", any(to) ? to : rcpt_to);
    b->References("cc_refs", cc);
    b->OptionalString("subject", subject);
    b->OptionalString("message_id", message_id);
    b->End();
  }
  flow.transport = "tcp";
  flow.services = "smtp";
  AddFlow(flow, time, r, b);
}

void MapNotice(Record& r, Timestamp time, ObservationBuilder* b) {
  Flow flow;
  ReadEndpoints(r, b, &flow);
  const Ref src = r.Address(Field::kSrc, b);
  const Ref dst = r.Address(Field::kDst, b);
  const int64_t p = r.Port(Field::kP);
  if (flow.src == kNoRef) flow.src = src;
  if (flow.dst == kNoRef) flow.dst = dst;
  if (flow.dst_port < 0) flow.dst_port = p;
  // "sub" often names what the notice is about: a certificate subject, a host, an address.
  const std::string_view sub = r.Text(Field::kSub);
  const std::string_view cn = CommonName(sub);
  if (IsHostName(cn)) {
    b->AddDomainName(cn);
  } else if (b->AddAddress(sub) == kNoRef && IsHostName(sub)) {
    b->AddDomainName(sub);
  }
  r.ScanForAddresses(false, b);
  b->Begin("x-zeek-notice");
  b->OptionalString("note", r.Text(Field::kNote));
  b->OptionalString("msg", r.Text(Field::kMsg));
  b->OptionalString("sub", sub);
  b->End();
  flow.transport = r.Text(Field::kProto);
  AddFlow(flow, time, r, b);
}

// Logs named after the protocol they record, for their network-traffic's "protocols" when
// they do not log "proto" themselves.
struct ProtocolLog {
  std::string_view path;
  std::string_view transport;
  std::string_view protocol;
};
constexpr ProtocolLog kProtocolLogs[] = {
    {"dce_rpc", "tcp", "dce_rpc"},
    {"dhcp", "udp", "dhcp"},
    {"ftp", "tcp", "ftp"},
    {"irc", "tcp", "irc"},
    {"kerberos", "", "kerberos"},
    {"modbus", "tcp", "modbus"},
    {"mysql", "tcp", "mysql"},
    {"ntlm", "", "ntlm"},
    {"ntp", "udp", "ntp"},
    {"quic", "udp", "quic"},
    {"radius", "udp", "radius"},
    {"rdp", "tcp", "rdp"},
    {"sip", "", "sip"},
    {"smb_files", "tcp", "smb"},
    {"smb_mapping", "tcp", "smb"},
    {"snmp", "udp", "snmp"},
    {"socks", "tcp", "socks"},
    {"ssh", "tcp", "ssh"},
    {"syslog", "", "syslog"},
};

void MapOther(Record& r, std::string_view path, Timestamp time, ObservationBuilder* b) {
  Flow flow;
  ReadEndpoints(r, b, &flow);
  r.ScanForAddresses(true, b);
  flow.transport = r.Text(Field::kProto);
  for (const ProtocolLog& log : kProtocolLogs) {
    if (!path.empty() && log.path[0] == path[0] && log.path == path) {
      if (flow.transport.empty()) flow.transport = log.transport;
      flow.services = log.protocol;
    }
  }
  AddFlow(flow, time, r, b);
}

enum class LogType : uint8_t { kOther, kConn, kDns, kHttp, kSsl, kX509, kFiles, kSmtp, kNotice };

// "conn", and "conn_long" or "http-eth0" (a Zeek log written under another path) alike.
LogType LogTypeOf(std::string_view path) {
  struct Name {
    std::string_view path;
    LogType type;
  };
  static constexpr Name kNames[] = {
      {"conn", LogType::kConn}, {"dns", LogType::kDns},       {"http", LogType::kHttp},
      {"ssl", LogType::kSsl},   {"x509", LogType::kX509},     {"files", LogType::kFiles},
      {"smtp", LogType::kSmtp}, {"notice", LogType::kNotice},
  };
  if (path.empty()) return LogType::kOther;
  for (const Name& n : kNames) {
    if (n.path[0] == path[0] && path.starts_with(n.path) &&  // the first byte rules most out
        (path.size() == n.path.size() || path[n.path.size()] == '_' ||
         path[n.path.size()] == '-')) {
      return n.type;
    }
  }
  return LogType::kOther;
}

Status MapRecord(Record& r, std::string_view context_path, ObservationBuilder* b) {
  if (!r.Contains(Field::kTs)) {
    return InvalidArgument("no 'ts' field: not a Zeek event (did the log change format?)");
  }
  Timestamp time;
  if (!r.Time(Field::kTs, &time)) return r.status();
  const std::string_view path = r.LogPath(context_path);
  CONCORD_RETURN_IF_ERROR(r.status());
  b->Reset(time);
  switch (LogTypeOf(path)) {
    case LogType::kConn:
      MapConn(r, time, b);
      break;
    case LogType::kDns:
      MapDns(r, time, b);
      break;
    case LogType::kHttp:
      MapHttp(r, time, b);
      break;
    case LogType::kSsl:
      MapSsl(r, time, b);
      break;
    case LogType::kX509:
      MapX509(r, time, b);
      break;
    case LogType::kFiles:
      MapFiles(r, time, b);
      break;
    case LogType::kSmtp:
      MapSmtp(r, time, b);
      break;
    case LogType::kNotice:
      MapNotice(r, time, b);
      break;
    case LogType::kOther:
      MapOther(r, path, time, b);
      break;
  }
  return r.status();
}

// ---------------------------------------------------------------------------------------------
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
  int64_t orig_p = Record::kAbsent, resp_p = Record::kAbsent;
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
  f->counts.fill(Record::kAbsent);
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
  int64_t total_bytes = Record::kAbsent, seen_bytes = Record::kAbsent;
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

Record& ThreadRecord() {
  static thread_local Record record;
  return record;
}

}  // namespace

Status MapZeekJson(json::ObjectView event, const LogContext& context, ObservationBuilder* builder,
                   bool* fast) {
  if (fast != nullptr && (*fast = FastProbe(event, context, builder))) return Status::Ok();
  Record& r = ThreadRecord();
  r.StartJson();
  for (auto [key, value] : event) {
    const Field field = Classify(key);
    if (field != Field::kOther) {
      r.AddJson(field, {}, key, value);
      continue;
    }
    // A field no mapping reads by name is kept only when it may hold an address.
    json::ObjectView inner;
    switch (value.type()) {
      case json::ElementType::STRING:
      case json::ElementType::ARRAY:
        r.AddJson(field, {}, key, value);
        break;
      case json::ElementType::OBJECT:
        // {"id": {"orig_h": ...}}: one level of nesting is read as dotted names; deeper
        // levels are values like any other. (An object under a known name is a wrong type.)
        if (value.get_object().get(inner) != simdjson::SUCCESS) break;
        for (auto [inner_key, inner_value] : inner) {
          const Field inner_field = Classify(key, inner_key);
          if (inner_field != Field::kOther || inner_value.type() == json::ElementType::STRING ||
              inner_value.type() == json::ElementType::ARRAY) {
            r.AddJson(inner_field, key, inner_key, inner_value);
          }
        }
        break;
      default:
        break;  // numbers, booleans, null
    }
  }
  return MapRecord(r, context.zeek_path, builder);
}

Status MapZeekTsv(std::span<const std::string_view> values, const LogContext& context,
                  ObservationBuilder* builder) {
  Record& r = ThreadRecord();
  r.StartTsv(context, values);
  const size_t count = std::min(values.size(), context.fields.size());
  // Validate UTF-8 once over the line when the values are its consecutive parts (as
  // EventMapper splits it), value by value otherwise or to name the bad one.
  bool one_line = count > 0;
  for (size_t i = 1; i < count && one_line; ++i) {
    one_line = values[i].data() == values[i - 1].data() + values[i - 1].size() + 1;
  }
  const bool valid =
      one_line &&
      simdjson::validate_utf8(
          values[0].data(), values[count - 1].data() + values[count - 1].size() - values[0].data());
  for (size_t i = 0; i < count; ++i) {
    if (!valid && !simdjson::validate_utf8(values[i].data(), values[i].size())) {
      return InvalidArgument("field '" + context.fields[i] +
                             "': invalid UTF-8 (Zeek escapes such bytes as \\xHH)");
    }
    r.AddTsv(Classify(context.fields[i]), static_cast<uint32_t>(i));
  }
  return MapRecord(r, context.zeek_path, builder);
}

}  // namespace concord::ingest
