#pragma once

// What the Zeek adapter's general mapping (zeek.cc) and its probe fast paths (zeek_fast_path.cc)
// both use: the field names and their classifier, the log types, a few text helpers, the
// network-traffic's Flow with its protocols, and the entry point of the fast paths. Internal to
// ingest; inline, so that the fast paths, compiled with [[gnu::flatten]], inline them.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <string>
#include <string_view>

#include "concord/base/ascii.h"
#include "concord/base/bytes.h"
#include "concord/base/timestamp.h"
#include "concord/ingest/log_context.h"
#include "concord/json/document.h"
#include "concord/observe/builder.h"

namespace concord::ingest::zeek {

using Ref = observe::ObservationBuilder::Ref;
constexpr Ref kNoRef = observe::ObservationBuilder::kNoRef;

// A bound on work per event, whatever the input holds (zeek.cc has the others).
constexpr size_t kMaxCertChain = 10;  // certificates taken from ssl's cert_chain_fps

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
inline constexpr FieldName kFieldNames[] = {
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

inline constexpr FieldTable kFieldTable;

inline Field Classify(std::string_view key) { return kFieldTable.Find(key); }

// A member of a nested object ({"id": {"orig_h": ...}}), named "<prefix>.<key>".
inline Field Classify(std::string_view prefix, std::string_view key) {
  char name[kMaxFieldName];
  if (prefix.size() + 1 + key.size() > kMaxFieldName) return Field::kOther;
  std::memcpy(name, prefix.data(), prefix.size());
  name[prefix.size()] = '.';
  std::memcpy(name + prefix.size() + 1, key.data(), key.size());
  return Classify(std::string_view(name, prefix.size() + 1 + key.size()));
}

// ---------------------------------------------------------------------------------------------
// Small text helpers.

inline bool Absent(std::string_view s) { return s.empty() || s == "-" || s == "(empty)"; }

// The STIX hash name of a hex fingerprint by its length, or "" when it is not one.
inline std::string_view HashNameOfLength(size_t length) {
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

inline bool IsFingerprint(std::string_view value) {
  char lower[128];
  return !HashNameOfLength(value.size()).empty() &&
         !LowerHexInto(value, value.size(), lower).empty();
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
inline std::string_view CommonName(std::string_view dn) {
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
inline bool IsHostName(std::string_view s) {
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

// ---------------------------------------------------------------------------------------------
// Log types.

enum class LogType : uint8_t { kOther, kConn, kDns, kHttp, kSsl, kX509, kFiles, kSmtp, kNotice };

// "conn", and "conn_long" or "http-eth0" (a Zeek log written under another path) alike.
inline LogType LogTypeOf(std::string_view path) {
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

// ---------------------------------------------------------------------------------------------
// The network-traffic object every log with a connection ends with.

// An absent integer field, as Record (zeek.cc) reads it and Flow and the fast paths keep it: a
// sentinel, not a std::optional (see Record::kAbsent).
constexpr int64_t kAbsent = -1;

struct Flow {
  enum class Extension : uint8_t { kNone, kDns, kHttp, kTls };
  // Not side by side: GCC tests two adjacent 32-bit refs with one 64-bit load, which stalls
  // when they have just been stored one at a time (store forwarding).
  Ref src = kNoRef;
  int64_t src_port = kAbsent;
  Ref dst = kNoRef;
  int64_t dst_port = kAbsent;
  std::string_view transport;  // as logged ("tcp"), or implied by the log type
  std::string_view services;   // Zeek's comma-separated list, or one application protocol
  Extension extension = Extension::kNone;
  bool conn = false;  // conn.log: end time, byte and packet counts, as below
  double duration = std::numeric_limits<double>::quiet_NaN();  // seconds; NaN: absent
  // orig_bytes, resp_bytes, orig_pkts, resp_pkts (kAbsent: absent).
  std::array<int64_t, 4> counts = {kAbsent, kAbsent, kAbsent, kAbsent};
};

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

// `time` + `seconds`, to the microsecond. REQUIRES: 0 <= seconds <= 1e9.
inline Timestamp AddSeconds(Timestamp time, double seconds) {
  const int64_t micros = std::llround(seconds * 1e6);
  int64_t s = time.seconds + micros / 1000000;
  int64_t nanos = time.nanos + (micros % 1000000) * 1000;
  if (nanos >= 1000000000) {
    ++s;
    nanos -= 1000000000;
  }
  return Timestamp{s, static_cast<int32_t>(nanos)};
}

inline bool IsIcmp(std::string_view transport) { return EqualsIgnoreAsciiCase(transport, "icmp"); }

// The analyzer that carried a file (files.log's "source") names the connection's protocol.
struct FileSource {
  std::string_view source;
  std::string_view transport;
  std::string_view protocol;
};
inline constexpr FileSource kFileSources[] = {
    {"HTTP", "tcp", "http"}, {"SMTP", "tcp", "smtp"}, {"FTP_DATA", "tcp", "ftp-data"},
    {"SMB", "tcp", "smb"},   {"SSL", "tcp", "tls"},   {"IRC_DATA", "tcp", "irc"},
};

// ---------------------------------------------------------------------------------------------
// The probe fast paths (zeek_fast_path.cc), for MapZeekJson: true when one took the event (in
// probe mode only), having reported to b->probe() what the general mapping would; false, having
// reported nothing, when the general mapping is to map it.
bool FastProbe(json::ObjectView event, const LogContext& context, observe::ObservationBuilder* b);

}  // namespace concord::ingest::zeek
