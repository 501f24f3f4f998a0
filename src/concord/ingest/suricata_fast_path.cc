// The Suricata EVE adapter's probe fast path for flow, DNS, HTTP, TLS, fileinfo and alert events.
//
// Most events of an EVE log are flow, DNS, HTTP, TLS, fileinfo and alert events, and 98% of a
// scan's events never leave probe mode (ObservationBuilder::probe() set). For such an event as
// Suricata writes it, FastEveFields reads the fields straight into locals and ProbeEve reports
// to the sink what MapSuricataEve would report through the builder: the same SimpleObject,
// Member, Scalar and Reference calls, in the same order, numbered, deduplicated and filtered as
// the builder does it, without the builder's bookkeeping of members and objects that probe mode
// reports and forgets. Anything else returns false before reporting anything, and the general
// mapping takes the event: another event type, a member the general mapping reads that a plain
// event of the type does not have (an alert record outside alerts, a record of another type or
// an application-layer record in an alert, direction outside alerts, xff, icmp_type, ether,
// netflow, a flow's own ends given in part, grouped DNS records, authorities, an HTTP record's xff
// or request_headers, ...), a repeated name, a null or a value of another JSON type than Suricata
// writes, a non-IPv4 or unset address, a name that is not plain lower-case ASCII (DNS names,
// HTTP host names, SNI, a certificate's CN and SANs that look like host names), a SAN with a
// ':', a CONNECT request, more than kMaxFastRecords DNS records or SANs, a string of a record
// longer than kMaxFastString, more than kMaxMembers members. DNS records of version 2 (one record
// per event) and 3 (lists) are both read. HTTP urls are taken absolute (as given) or
// '/'-relative (composed from the host name or the server's address and the port, as MapHttp
// composes them); others add no url, as there. A fileinfo event may come with the HTTP request
// that carried the file. EveFastPathTest holds the two together.

#include <simdjson.h>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>

#include "concord/base/ascii.h"
#include "concord/base/ipv4.h"
#include "concord/base/timestamp.h"
#include "concord/ingest/fast_probe.h"
#include "concord/ingest/log_time.h"
#include "concord/ingest/suricata_shared.h"
#include "concord/observe/builder_sink.h"
#include "concord/observe/property_filter.h"

namespace concord::ingest::suricata {
namespace {

using observe::BuilderSink;
using observe::ObservationBuilder;

// A calendar time, as ReadTime reads a present one.
bool FastTime(json::Element v, Timestamp* out) {
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS) return false;
  Result<Timestamp> t = ParseLogTime(s);
  if (!t.ok()) return false;
  *out = *t;
  return true;
}

constexpr size_t kMaxFastRecords = 16;

// A simple object a record adds: a domain name, an IPv4 address (ipv4 then set) or a url. Plain
// members, without initialisers: an array of them is not cleared on every event.
struct FastObject {
  enum Kind : uint8_t { kDomainName, kIpv4, kUrl };
  const char* data;
  size_t size;
  Kind kind;
  uint8_t ipv4[4];
  std::string_view value() const { return std::string_view(data, size); }
};

// A string of a record (not null, not another type), at most kMaxFastString bytes: the values of
// an event the fast path takes stay far below the builder's max_value_bytes.
constexpr size_t kMaxFastString = 4096;
bool FastString(json::Element v, std::string_view* out) {
  return v.get_string().get(*out) == simdjson::SUCCESS && out->size() <= kMaxFastString;
}

struct EveFields {
  enum class Type : uint8_t { kNone, kFlow, kDns, kHttp, kTls, kFileinfo, kAlert };
  Type type = Type::kNone;
  Timestamp time;
  std::string_view src_ip, dest_ip, proto, app_proto;
  uint8_t src4[4], dest4[4];
  int64_t src_port = -1, dest_port = -1;  // -1: absent
  // flow: bytes_toserver, bytes_toclient, pkts_toserver, pkts_toclient; -1: absent.
  int64_t counts[4] = {-1, -1, -1, -1};
  bool has_start = false, has_end = false;
  Timestamp start, end;
  // dns: whether the record comes from the server (the ends are then turned round), and the
  // objects of its records, in order.
  bool from_server = false;
  FastObject objects[2 * kMaxFastRecords];
  size_t object_count = 0;
  // http: the record's strings (""/-1 when absent).
  std::string_view hostname, url, method, protocol, user_agent, referer, content_type, redirect;
  int64_t status = -1, http_port = -1;
  // tls: the record's strings; sans (up to kMaxFastRecords) as plain members.
  std::string_view sni, version, subject, issuer, serial, fingerprint, ja3, ja3s, ja4;
  bool has_not_before = false, has_not_after = false;
  Timestamp not_before, not_after;
  const char* san_data[kMaxFastRecords];
  size_t san_size[kMaxFastRecords];
  size_t san_count = 0;
  char ja3_buffer[128], ja3s_buffer[128], sha1_buffer[128];
  // Derived at the end: what the extensions and the certificate write.
  std::string_view request_method, request_version, host_header, sha1, san;
  bool certificate = false;
  // fileinfo: the file object MapFile writes (`file` false: none).
  bool file = false;
  std::string_view file_name, mime_type, md5, sha1_file, sha256, sha512;
  int64_t file_size = -1;
  char md5_buffer[128], sha1_file_buffer[128], sha256_buffer[128], sha512_buffer[128];
  bool has_http = false;  // an http record (an http event, or a file sent over HTTP)
  char method_buffer[32], version_buffer[32];
  // The flow record's own ends (alerts since Suricata 7 write them): flow_ends when both
  // addresses are given; ports -1 when absent. And "direction" (alerts only).
  bool flow_ends = false;
  std::string_view flow_src_ip, flow_dest_ip, direction;
  int64_t flow_src_port = -1, flow_dest_port = -1;
  // alert: what WriteAlertExtension writes (""/-1 when absent).
  bool alert = false;
  std::string_view signature, category;
  int64_t signature_id = -1, severity = -1;
};

// Adds `name` as MapDnsRecord and MapDnsBody add a record's name (AddDomainName), then what
// AddRdata adds for `data` of type `type`; false when a name or data is not one the fast path
// can tell the builder would keep as it is.
bool FastRecordObjects(std::string_view name, std::string_view type, std::string_view data,
                       EveFields* f) {
  if (f->object_count + 2 > std::size(f->objects)) return false;
  if (!name.empty()) {  // AddDomainName("") adds nothing
    if (!IsPlainName(name)) return false;
    f->objects[f->object_count++] =
        FastObject{name.data(), name.size(), FastObject::kDomainName, {}};
  }
  if (data.empty()) return true;  // a query: AddRdata adds nothing
  if (type == "A" || type == "AAAA") {
    FastObject& o = f->objects[f->object_count];
    if (!ParseIpv4(data, o.ipv4)) return false;
    o.data = data.data();
    o.size = data.size();
    o.kind = FastObject::kIpv4;
    ++f->object_count;
  } else if (type == "CNAME" || type == "NS" || type == "PTR" || type == "MX") {
    const size_t space = data.rfind(' ');
    const std::string_view target = space == std::string_view::npos ? data : data.substr(space + 1);
    if (!IsPlainName(target)) return false;
    f->objects[f->object_count++] =
        FastObject{target.data(), target.size(), FastObject::kDomainName, {}};
  }
  return true;
}

// One record {rrname, rrtype, rdata} of dns.queries or dns.answers, as MapDnsRecord maps it:
// the name, then what AddRdata adds for its data. False for anything else.
bool FastDnsRecord(json::Element element, EveFields* f) {
  json::ObjectView record;
  if (element.get_object().get(record) != simdjson::SUCCESS) return false;
  std::string_view name, type, data;
  uint32_t seen = 0;
  size_t members = 0;
  for (auto [key, value] : record) {
    if (++members > kMaxMembers) return false;
    int bit = -1;
    std::string_view* out = nullptr;
    if (Is(key, "rrname")) {
      bit = 0;
      out = &name;
    } else if (Is(key, "rrtype")) {
      bit = 1;
      out = &type;
    } else if (Is(key, "rdata")) {
      bit = 2;
      out = &data;
    } else if (Is(key, "srv") || Is(key, "soa")) {
      return false;
    }
    if (bit < 0) continue;
    if ((seen >> bit & 1) != 0 || value.get_string().get(*out) != simdjson::SUCCESS) return false;
    seen |= uint32_t{1} << bit;
  }
  return !name.empty() && FastRecordObjects(name, type, data, f);
}

// dns {version, type, ...} as MapDns reads it: version 2's one record (rrname, rrtype, rdata)
// and lists of version 3 (queries, answers); false for anything else.
bool FastDns(json::Element element, EveFields* f) {
  json::ObjectView dns;
  if (element.get_object().get(dns) != simdjson::SUCCESS) return false;
  json::Element lists[2];      // queries, answers
  std::string_view record[3];  // rrname, rrtype, rdata
  uint32_t seen = 0;
  size_t members = 0;
  for (auto [key, value] : dns) {
    if (++members > kMaxMembers) return false;
    int bit = -1;
    if (Is(key, "type")) {
      std::string_view type;
      if (value.get_string().get(type) != simdjson::SUCCESS) return false;
      f->from_server = type == "answer" || type == "response";
      bit = 0;
    } else if (Is(key, "queries")) {
      bit = 1;
      lists[0] = value;
    } else if (Is(key, "answers")) {
      bit = 2;
      lists[1] = value;
    } else if (Is(key, "rrname") || Is(key, "rrtype") || Is(key, "rdata")) {
      bit = Is(key, "rrname") ? 3 : Is(key, "rrtype") ? 4 : 5;
      if (value.get_string().get(record[bit - 3]) != simdjson::SUCCESS) return false;
    } else if (Is(key, "authorities") || Is(key, "additionals") || Is(key, "grouped") ||
               Is(key, "query") || Is(key, "answer")) {
      return false;  // records the fast path does not read
    }
    if (bit < 0) continue;
    if ((seen >> bit & 1) != 0) return false;  // repeated: the last one wins there
    seen |= uint32_t{1} << bit;
  }
  // MapDnsBody's order: the record's name, the queries, the record's data, the answers.
  if (!FastRecordObjects(record[0], {}, {}, f)) return false;
  size_t records = 0;
  for (int i = 0; i < 2; ++i) {
    if ((seen >> (i + 1) & 1) != 0) {
      json::ArrayView list;
      if (lists[i].get_array().get(list) != simdjson::SUCCESS) return false;
      for (json::Element r : list) {
        if (++records > kMaxFastRecords || !FastDnsRecord(r, f)) return false;
      }
    }
    if (i == 0 && !FastRecordObjects({}, record[1], record[2], f)) return false;
  }
  return true;
}

// Reads flow {...} as ReadFlow does, for a plain flow record; false for anything else.
bool FastFlowRecord(json::Element value, EveFields* f) {
  json::ObjectView flow;
  if (value.get_object().get(flow) != simdjson::SUCCESS) return false;
  uint32_t seen = 0;
  size_t members = 0;
  for (auto [key, v] : flow) {
    if (++members > kMaxMembers) return false;
    int bit = -1;
    bool ok = true;
    if (Is(key, "bytes_toserver")) {
      bit = 0;
      ok = FastInteger(v, INT64_MAX, &f->counts[0]);
    } else if (Is(key, "bytes_toclient")) {
      bit = 1;
      ok = FastInteger(v, INT64_MAX, &f->counts[1]);
    } else if (Is(key, "pkts_toserver")) {
      bit = 2;
      ok = FastInteger(v, INT64_MAX, &f->counts[2]);
    } else if (Is(key, "pkts_toclient")) {
      bit = 3;
      ok = FastInteger(v, INT64_MAX, &f->counts[3]);
    } else if (Is(key, "start")) {
      bit = 4;
      ok = f->has_start = FastTime(v, &f->start);
    } else if (Is(key, "end")) {
      bit = 5;
      ok = f->has_end = FastTime(v, &f->end);
    } else if (Is(key, "src_ip")) {  // the flow's own ends, which name the client and server
      bit = 6;
      ok = v.get_string().get(f->flow_src_ip) == simdjson::SUCCESS;
    } else if (Is(key, "dest_ip")) {
      bit = 7;
      ok = v.get_string().get(f->flow_dest_ip) == simdjson::SUCCESS;
    } else if (Is(key, "src_port")) {
      bit = 8;
      ok = FastInteger(v, 65535, &f->flow_src_port);
    } else if (Is(key, "dest_port")) {
      bit = 9;
      ok = FastInteger(v, 65535, &f->flow_dest_port);
    }
    if (!ok) return false;
    if (bit >= 0) {
      if ((seen >> bit & 1) != 0) return false;  // repeated: the last one wins there
      seen |= uint32_t{1} << bit;
    }
  }
  // The ends, when given, both and not empty (else the general mapping decides what they mean).
  if ((seen >> 6 & 15) != 0) {
    if ((seen >> 6 & 3) != 3 || f->flow_src_ip.empty() || f->flow_dest_ip.empty()) return false;
    f->flow_ends = true;
  }
  return true;
}

// http {...} as MapHttp reads it, for a plain request record: strings, a status and port as
// JSON numbers; false for anything else (null, another type, a repeated member, the record's own
// xff or request_headers).
bool FastHttp(json::Element element, EveFields* f) {
  json::ObjectView http;
  if (element.get_object().get(http) != simdjson::SUCCESS) return false;
  uint32_t seen = 0;
  size_t members = 0;
  for (auto [key, value] : http) {
    if (++members > kMaxMembers) return false;
    int bit = -1;
    std::string_view* out = nullptr;
    bool ok = true;
    if (Is(key, "hostname")) {
      bit = 0;
      out = &f->hostname;
    } else if (Is(key, "url")) {
      bit = 1;
      out = &f->url;
    } else if (Is(key, "http_method")) {
      bit = 2;
      out = &f->method;
    } else if (Is(key, "protocol")) {
      bit = 3;
      out = &f->protocol;
    } else if (Is(key, "http_user_agent")) {
      bit = 4;
      out = &f->user_agent;
    } else if (Is(key, "http_refer")) {
      bit = 5;
      out = &f->referer;
    } else if (Is(key, "http_content_type")) {
      bit = 6;
      out = &f->content_type;
    } else if (Is(key, "redirect")) {
      bit = 7;
      out = &f->redirect;
    } else if (Is(key, "status")) {
      bit = 8;
      ok = FastInteger(value, INT64_MAX, &f->status);
    } else if (Is(key, "http_port")) {
      bit = 9;
      ok = FastInteger(value, 65535, &f->http_port);
    } else if (Is(key, "xff") || Is(key, "request_headers")) {
      return false;
    }
    if (bit < 0) continue;
    if (out != nullptr) ok = FastString(value, out);
    if (!ok || (seen >> bit & 1) != 0) return false;
    seen |= uint32_t{1} << bit;
  }
  return true;
}

// `n` in decimal after `prefix`, appended to `out`.
void AppendPort(char prefix, int64_t n, std::string* out) {
  char digits[24];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out->push_back(prefix);
  out->append(digits, end);
}

// What MapHttp derives from the record and adds, in its order: the host's domain name, the url
// (absolute, or composed from the host or server and a '/'-relative path), the redirect. False
// for what the fast path does not map (CONNECT, a host name that is not plain).
bool FinishHttp(EveFields* f) {
  if (EqualsIgnoreAsciiCase(f->method, "CONNECT")) return false;
  f->request_method = LowerInto(f->method, f->method_buffer);
  f->request_version = LowerInto(f->protocol, f->version_buffer);
  Scratch& scratch = GetScratch();
  scratch.host.assign(f->hostname);
  if (!f->hostname.empty()) {
    if (!IsPlainName(f->hostname)) return false;
    if (f->http_port >= 0) AppendPort(':', f->http_port, &scratch.host);
    f->objects[f->object_count++] =
        FastObject{f->hostname.data(), f->hostname.size(), FastObject::kDomainName, {}};
  }
  f->host_header = scratch.host;
  if (IsAbsoluteUrl(f->url)) {
    f->objects[f->object_count++] = FastObject{f->url.data(), f->url.size(), FastObject::kUrl, {}};
  } else if (!f->url.empty() && f->url.front() == '/') {
    std::string& u = scratch.url;
    u.assign("http://");
    if (!f->hostname.empty()) {
      u.append(f->hostname);
      if (f->http_port >= 0 && f->http_port != 80) AppendPort(':', f->http_port, &u);
    } else {  // AppendAuthority: the server's address (IPv4, as given) and port
      u.append(f->dest_ip);
      if (f->dest_port >= 0 && f->dest_port != 80) AppendPort(':', f->dest_port, &u);
    }
    u.append(f->url);
    f->objects[f->object_count++] = FastObject{u.data(), u.size(), FastObject::kUrl, {}};
  }
  if (IsAbsoluteUrl(f->redirect)) {
    f->objects[f->object_count++] =
        FastObject{f->redirect.data(), f->redirect.size(), FastObject::kUrl, {}};
  }
  return true;
}

// A JA3/JA3S member as ReadJa3 reads it: {"hash": "..."} or the hash alone; false for anything
// else (null, a repeated or non-string hash).
bool FastJa3(json::Element v, char (&buffer)[128], std::string_view* out) {
  std::string_view hash;
  if (v.get_string().get(hash) != simdjson::SUCCESS) {
    json::ObjectView o;
    if (v.get_object().get(o) != simdjson::SUCCESS) return false;
    bool seen = false;
    size_t members = 0;
    for (auto [key, value] : o) {
      if (++members > kMaxMembers) return false;
      if (!Is(key, "hash")) continue;
      if (seen || !FastString(value, &hash)) return false;
      seen = true;
    }
  }
  *out = LowerHexInto(hash, 32, buffer, /*skip_separators=*/true);
  return true;
}

// tls.subjectaltname: a string or a list of strings (no nulls), at most kMaxFastRecords.
bool FastSans(json::Element v, EveFields* f) {
  std::string_view s;
  json::ArrayView list;
  if (v.get_string().get(s) != simdjson::SUCCESS) {
    if (v.get_array().get(list) != simdjson::SUCCESS) return false;
    for (json::Element e : list) {
      if (f->san_count == kMaxFastRecords || !FastString(e, &s)) return false;
      f->san_data[f->san_count] = s.data();
      f->san_size[f->san_count++] = s.size();
    }
    return true;
  }
  if (s.size() > kMaxFastString) return false;
  f->san_data[0] = s.data();
  f->san_size[0] = s.size();
  f->san_count = 1;
  return true;
}

// tls {...} as MapTls reads it; false for anything else (null, another type, a repeated member).
bool FastTls(json::Element element, EveFields* f) {
  json::ObjectView tls;
  if (element.get_object().get(tls) != simdjson::SUCCESS) return false;
  uint32_t seen = 0;
  size_t members = 0;
  for (auto [key, value] : tls) {
    if (++members > kMaxMembers) return false;
    int bit = -1;
    std::string_view* out = nullptr;
    bool ok = true;
    if (Is(key, "sni")) {
      bit = 0;
      out = &f->sni;
    } else if (Is(key, "version")) {
      bit = 1;
      out = &f->version;
    } else if (Is(key, "subject")) {
      bit = 2;
      out = &f->subject;
    } else if (Is(key, "issuerdn")) {
      bit = 3;
      out = &f->issuer;
    } else if (Is(key, "serial")) {
      bit = 4;
      out = &f->serial;
    } else if (Is(key, "fingerprint")) {
      bit = 5;
      out = &f->fingerprint;
    } else if (Is(key, "ja4")) {
      bit = 6;
      out = &f->ja4;
    } else if (Is(key, "notbefore")) {
      bit = 7;
      ok = f->has_not_before = FastTime(value, &f->not_before);
    } else if (Is(key, "notafter")) {
      bit = 8;
      ok = f->has_not_after = FastTime(value, &f->not_after);
    } else if (Is(key, "subjectaltname")) {
      bit = 9;
      ok = (seen >> bit & 1) == 0 && FastSans(value, f);
    } else if (Is(key, "ja3")) {
      bit = 10;
      ok = FastJa3(value, f->ja3_buffer, &f->ja3);
    } else if (Is(key, "ja3s")) {
      bit = 11;
      ok = FastJa3(value, f->ja3s_buffer, &f->ja3s);
    }
    if (bit < 0) continue;
    if (out != nullptr) ok = FastString(value, out);
    if (!ok || (seen >> bit & 1) != 0) return false;
    seen |= uint32_t{1} << bit;
  }
  return true;
}

// What MapTls adds, in its order: the SNI's domain name, the certificate's CN when it looks
// like a host name, each SAN (an IPv4 address, or a host name); the SAN text and the SHA-1 the
// certificate writes. False for names the fast path does not map (not plain, IPv6).
bool FinishTls(EveFields* f) {
  if (!f->sni.empty()) {
    if (!IsPlainName(f->sni)) return false;
    f->objects[f->object_count++] =
        FastObject{f->sni.data(), f->sni.size(), FastObject::kDomainName, {}};
  }
  const std::string_view cn = CommonName(f->subject);
  if (LooksLikeHostName(cn)) {
    if (!IsPlainName(cn)) return false;
    f->objects[f->object_count++] = FastObject{cn.data(), cn.size(), FastObject::kDomainName, {}};
  }
  std::string& san = GetScratch().san;
  san.clear();
  for (size_t i = 0; i < f->san_count; ++i) {
    const std::string_view name(f->san_data[i], f->san_size[i]);
    if (name.empty()) continue;
    if (name.find(':') != std::string_view::npos) return false;  // perhaps an IPv6 address
    if (!san.empty()) san.append(", ");
    FastObject& o = f->objects[f->object_count];
    if (ParseIpv4(name, o.ipv4)) {
      o.data = name.data();
      o.size = name.size();
      o.kind = FastObject::kIpv4;
      ++f->object_count;
      san.append("IP:");
    } else {
      san.append("DNS:");
      if (LooksLikeHostName(name)) {
        if (!IsPlainName(name)) return false;
        o = FastObject{name.data(), name.size(), FastObject::kDomainName, {}};
        ++f->object_count;
      }
    }
    san.append(name);
  }
  f->san = san;
  f->sha1 = LowerHexInto(f->fingerprint, 40, f->sha1_buffer, /*skip_separators=*/true);
  f->certificate =
      !(f->subject.empty() && f->issuer.empty() && f->serial.empty() && f->sha1.empty());
  return true;
}

// fileinfo {filename, md5, sha1, sha256, sha512, size, magic, state, ...} as MapFile reads it,
// and what it derives (the base name, the MIME type, the hashes lowered, the size of a file seen
// whole); false for anything else (null, another type, a repeated member).
bool FastFile(json::Element element, EveFields* f) {
  json::ObjectView file;
  if (element.get_object().get(file) != simdjson::SUCCESS) return false;
  std::string_view text[7];  // filename, md5, sha1, sha256, sha512, magic, state
  static constexpr const char* kNames[] = {"filename", "md5",   "sha1", "sha256",
                                           "sha512",   "magic", "state"};
  uint32_t seen = 0;
  size_t members = 0;
  for (auto [key, value] : file) {
    if (++members > kMaxMembers) return false;
    int bit = -1;
    bool ok = true;
    if (Is(key, "size")) {
      bit = 7;
      ok = FastInteger(value, INT64_MAX, &f->file_size);
    } else {
      for (int i = 0; i < 7; ++i) {
        if (key == kNames[i]) {
          bit = i;
          ok = FastString(value, &text[i]);
          break;
        }
      }
    }
    if (bit < 0) continue;
    if (!ok || (seen >> bit & 1) != 0) return false;
    seen |= uint32_t{1} << bit;
  }
  f->file_name = BaseName(text[0]);
  f->mime_type = MimeType(text[5]);
  f->md5 = LowerHexInto(text[1], 32, f->md5_buffer, /*skip_separators=*/true);
  f->sha1_file = LowerHexInto(text[2], 40, f->sha1_file_buffer, /*skip_separators=*/true);
  f->sha256 = LowerHexInto(text[3], 64, f->sha256_buffer, /*skip_separators=*/true);
  f->sha512 = LowerHexInto(text[4], 128, f->sha512_buffer, /*skip_separators=*/true);
  // A file still open or cut short was not seen whole: its size is not the file's.
  if (!text[6].empty() && text[6] != "CLOSED") f->file_size = -1;
  f->file = !(f->file_name.empty() && f->md5.empty() && f->sha1_file.empty() && f->sha256.empty() &&
              f->sha512.empty());
  return true;
}

// The alert record as ReadAlert reads it: signature and category as text, signature_id and
// severity as integers (here only those from 0 up), every other member ignored; false for
// anything else, or a member read twice.
bool FastAlert(json::Element element, EveFields* f) {
  json::ObjectView alert;
  if (element.get_object().get(alert) != simdjson::SUCCESS) return false;
  uint32_t seen = 0;
  size_t members = 0;
  for (auto [key, value] : alert) {
    if (++members > kMaxMembers) return false;
    int bit = -1;
    bool ok = true;
    if (Is(key, "signature")) {
      bit = 0;
      ok = value.get_string().get(f->signature) == simdjson::SUCCESS;
    } else if (Is(key, "signature_id")) {
      bit = 1;
      ok = FastInteger(value, INT64_MAX, &f->signature_id);
    } else if (Is(key, "category")) {
      bit = 2;
      ok = value.get_string().get(f->category) == simdjson::SUCCESS;
    } else if (Is(key, "severity")) {
      bit = 3;
      ok = FastInteger(value, INT64_MAX, &f->severity);
    }
    if (!ok) return false;
    if (bit >= 0) {
      if ((seen >> bit & 1) != 0) return false;
      seen |= uint32_t{1} << bit;
    }
  }
  f->alert = true;
  return true;
}

// Reads a plain flow, DNS, HTTP, TLS, fileinfo or alert event into `f`; false for anything else
// (see above).
bool FastEveFields(json::ObjectView event, EveFields* f) {
  uint32_t seen = 0;
  size_t members = 0;
  bool has_time = false;
  for (auto [key, value] : event) {
    if (++members > kMaxMembers || key.empty()) return false;
    int bit = -1;
    bool ok = true;
    switch (key[0]) {
      case 't':
        if (Is(key, "timestamp")) {
          bit = 0;
          ok = has_time = FastTime(value, &f->time);
        } else if (Is(key, "tls")) {
          bit = 11;
          ok = FastTls(value, f);
        }
        break;
      case 'e':
        if (Is(key, "event_type")) {
          std::string_view type;
          bit = 1;
          ok = value.get_string().get(type) == simdjson::SUCCESS;
          f->type = Is(type, "flow")       ? EveFields::Type::kFlow
                    : Is(type, "dns")      ? EveFields::Type::kDns
                    : Is(type, "http")     ? EveFields::Type::kHttp
                    : Is(type, "tls")      ? EveFields::Type::kTls
                    : Is(type, "fileinfo") ? EveFields::Type::kFileinfo
                    : Is(type, "alert")    ? EveFields::Type::kAlert
                                           : EveFields::Type::kNone;
          ok = ok && f->type != EveFields::Type::kNone;
        } else if (Is(key, "email") || Is(key, "ether")) {
          return false;
        }
        break;
      case 's':
        if (Is(key, "src_ip")) {
          bit = 2;
          ok = value.get_string().get(f->src_ip) == simdjson::SUCCESS;
        } else if (Is(key, "src_port")) {
          bit = 3;
          ok = FastInteger(value, 65535, &f->src_port);
        } else if (Is(key, "smtp")) {
          return false;
        }
        break;
      case 'd':
        if (Is(key, "dest_ip")) {
          bit = 4;
          ok = value.get_string().get(f->dest_ip) == simdjson::SUCCESS;
        } else if (Is(key, "dest_port")) {
          bit = 5;
          ok = FastInteger(value, 65535, &f->dest_port);
        } else if (Is(key, "dns")) {
          bit = 9;
          ok = FastDns(value, f);
        } else if (Is(key, "direction")) {
          bit = 14;
          ok = value.get_string().get(f->direction) == simdjson::SUCCESS;
        }
        break;
      case 'p':
        if (Is(key, "proto")) {
          bit = 6;
          ok = value.get_string().get(f->proto) == simdjson::SUCCESS;
        }
        break;
      case 'a':
        if (Is(key, "app_proto")) {
          bit = 7;
          ok = value.get_string().get(f->app_proto) == simdjson::SUCCESS;
        } else if (Is(key, "alert")) {
          bit = 13;
          ok = FastAlert(value, f);
        }
        break;
      case 'f':
        if (Is(key, "flow")) {
          bit = 8;
          ok = FastFlowRecord(value, f);
        } else if (Is(key, "fileinfo")) {
          bit = 12;
          ok = FastFile(value, f);
        } else if (Is(key, "files")) {
          return false;
        }
        break;
      case 'h':
      case 'i':
      case 'n':
      case 'q':
      case 'x':
        if (Is(key, "http")) {
          bit = 10;
          ok = FastHttp(value, f);
        } else if (Is(key, "icmp_type") || Is(key, "icmp_code") || Is(key, "netflow") ||
                   Is(key, "quic") || Is(key, "xff")) {
          return false;  // read by the general mapping
        }
        break;
      default:
        break;  // flow_id, in_iface, tcp, ...: not read
    }
    if (!ok) return false;
    if (bit >= 0) {
      if ((seen >> bit & 1) != 0) return false;  // repeated: the last one wins there
      seen |= uint32_t{1} << bit;
    }
  }
  // A flow event may have a flow record, another event only its own record; both ends IPv4
  // addresses.
  const uint32_t records = (seen >> 8 & 15) | (seen >> 12 & 1) << 4;  // flow dns http tls fileinfo
  uint32_t expected = 0;
  switch (f->type) {
    case EveFields::Type::kFlow:
      expected = records & 1;
      break;
    case EveFields::Type::kDns:
      expected = 2;
      break;
    case EveFields::Type::kHttp:
      expected = 4;
      break;
    case EveFields::Type::kTls:
      expected = 8;
      break;
    case EveFields::Type::kFileinfo:  // a file, and the HTTP request it came with, if any
      expected = 16 | (records & 4);
      break;
    case EveFields::Type::kAlert:  // the alert, and its flow if written; an app-layer record:
                                   // general
      expected = records & 1;
      break;
    default:
      return false;
  }
  // An alert record in an alert event only, and always there; a direction in alerts only.
  const bool alert = (seen >> 13 & 1) != 0;
  if (!has_time || records != expected || alert != (f->type == EveFields::Type::kAlert) ||
      ((seen >> 14 & 1) != 0 && !alert)) {
    return false;
  }
  // A flow record's own ends name the client and server, as MapSuricataEve reads them (only
  // flow and alert events have a flow record here); otherwise an alert "to_client" was written
  // from the server's side.
  if (f->flow_ends) {
    const bool turned = f->flow_src_ip != f->src_ip;
    f->src_ip = f->flow_src_ip;
    f->dest_ip = f->flow_dest_ip;
    if (turned) std::swap(f->src_port, f->dest_port);
    if (f->flow_src_port >= 0) f->src_port = f->flow_src_port;
    if (f->flow_dest_port >= 0) f->dest_port = f->flow_dest_port;
  } else if (alert && f->direction == "to_client") {
    f->from_server = true;
  }
  if (!ParseIpv4(f->src_ip, f->src4) || !ParseIpv4(f->dest_ip, f->dest4)) return false;
  // Which end is the client, as MapSuricataEve turns the ends round: a DNS answer or response
  // comes from the server; a fileinfo record is written in the file's direction (a download
  // comes from the server, taken to be the end with the lower port). Turned here, before the
  // HTTP record names the server.
  if (f->type == EveFields::Type::kFileinfo) {
    f->from_server = f->src_port >= 0 && f->dest_port >= 0 && f->src_port < f->dest_port;
  }
  if (f->from_server) {
    std::swap(f->src_ip, f->dest_ip);
    std::swap(f->src4, f->dest4);
    std::swap(f->src_port, f->dest_port);
  }
  f->has_http = (records & 4) != 0;
  if (f->has_http && !FinishHttp(f)) return false;
  if (f->type == EveFields::Type::kTls) return FinishTls(f);
  return true;
}

// Reports to `sink` what MapSuricataEve reports for the event `f` through a probe-mode builder
// with `filter` (or none).
void ProbeEve(const EveFields& f, BuilderSink* sink, const observe::PropertyFilter* filter) {
  // The ends (turned round already), then each record's objects.
  const std::string_view src_ip = f.src_ip, dest_ip = f.dest_ip;
  const uint8_t* src4 = f.src4;
  const uint8_t* dest4 = f.dest4;
  const int64_t src_port = f.src_port, dest_port = f.dest_port;
  FastObjects objects(sink);
  const std::string_view src_key = objects.Add("ipv4-addr", src_ip, src4);
  const std::string_view dst_key = objects.Add("ipv4-addr", dest_ip, dest4);
  for (size_t i = 0; i < f.object_count; ++i) {
    static constexpr std::string_view kTypes[] = {"domain-name", "ipv4-addr", "url"};
    const FastObject& o = f.objects[i];
    objects.Add(kTypes[o.kind], o.value(), o.kind == FastObject::kIpv4 ? o.ipv4 : nullptr);
  }
  using Cursor = BuilderSink::Cursor;
  constexpr Cursor kNone = BuilderSink::kNone;
  if (f.type == EveFields::Type::kTls && f.certificate) {  // MapTls's x509-certificate
    FastComposite cert(sink, "x509-certificate", filter);
    if (cert.wanted()) {
      if (!FastAbsent(f.serial)) cert.String("serial_number", f.serial);
      if (!FastAbsent(f.subject)) cert.String("subject", f.subject);
      if (!FastAbsent(f.issuer)) cert.String("issuer", f.issuer);
      if (f.has_not_before) cert.Time("validity_not_before", f.not_before);
      if (f.has_not_after) cert.Time("validity_not_after", f.not_after);
      if (const Cursor h = cert.Member("hashes"); h != kNone)
        FastNestedString(sink, h, "SHA-1", f.sha1);
      if (const Cursor x = cert.Member("x509_v3_extensions"); x != kNone) {
        FastNestedString(sink, x, "subject_alternative_name", f.san);
      }
    }
  }
  if (f.file) {  // MapFile's file
    FastComposite file(sink, "file", filter);
    if (file.wanted()) {
      if (!FastAbsent(f.file_name)) file.String("name", f.file_name);
      if (f.file_size >= 0) file.Int("size", f.file_size);
      if (!FastAbsent(f.mime_type)) file.String("mime_type", f.mime_type);
      if (const Cursor h = file.Member("hashes"); h != kNone) {
        FastNestedString(sink, h, "MD5", f.md5);
        FastNestedString(sink, h, "SHA-1", f.sha1_file);
        FastNestedString(sink, h, "SHA-256", f.sha256);
        FastNestedString(sink, h, "SHA-512", f.sha512);
      }
    }
  }
  FastComposite flow(sink, "network-traffic", filter);
  if (!flow.wanted()) return;
  flow.Reference("src_ref", src_key, "ipv4-addr", src_ip, src4);
  flow.Reference("dst_ref", dst_key, "ipv4-addr", dest_ip, dest4);
  char transport_buffer[24], app_buffer[24];
  const std::string_view transport = LowerInto(f.proto, transport_buffer);
  const bool ports = transport == "tcp" || transport == "udp" || transport == "sctp";
  if (src_port >= 0 && (ports || src_port != 0)) flow.Int("src_port", src_port);
  if (dest_port >= 0 && (ports || dest_port != 0)) flow.Int("dst_port", dest_port);
  std::string_view protocols[2];
  size_t protocol_count = 0;
  if (!transport.empty()) protocols[protocol_count++] = transport;
  std::string_view app = (f.app_proto == "failed" || f.app_proto == "unknown")
                             ? std::string_view()
                             : LowerInto(f.app_proto, app_buffer);
  if (app.empty()) {  // ProtocolOfEventType
    static constexpr std::string_view kApps[] = {"", "", "dns", "http", "tls", "", ""};
    app = kApps[static_cast<int>(f.type)];
  }
  if (!app.empty() && app != transport) protocols[protocol_count++] = app;
  flow.Strings("protocols", protocols, protocol_count);
  flow.Time("start", f.has_start ? f.start : f.time);
  if (f.has_end) flow.Time("end", f.end);
  static constexpr std::string_view kCountKeys[] = {"src_byte_count", "dst_byte_count",
                                                    "src_packets", "dst_packets"};
  for (size_t i = 0; i < 4; ++i) {
    if (f.counts[i] >= 0) flow.Int(kCountKeys[i], f.counts[i]);
  }
  const Cursor extensions = flow.Member("extensions");  // opened as the builder opens it
  if (extensions == kNone) return;
  if (f.has_http) {  // WriteHttpExtension
    const Cursor h = sink->Member(extensions, "http-request-ext");
    if (h == kNone) return;
    FastNestedString(sink, h, "request_method", f.request_method);
    FastNestedString(sink, h, "request_value", f.url);
    FastNestedString(sink, h, "request_version", f.request_version);
    if (const Cursor headers = sink->Member(h, "request_header"); headers != kNone) {
      FastNestedString(sink, headers, "Host", f.host_header);
      FastNestedString(sink, headers, "User-Agent", f.user_agent);
      FastNestedString(sink, headers, "Referer",
                       f.referer);  // X-Forwarded-For: none (else not taken)
    }
    FastNestedInt(sink, h, "x_status_code", f.status);
    FastNestedString(sink, h, "x_response_content_type", f.content_type);
  } else if (f.type == EveFields::Type::kTls) {  // WriteTlsExtension
    const Cursor t = sink->Member(extensions, "x-tls-ext");
    if (t == kNone) return;
    FastNestedString(sink, t, "server_name", f.sni);
    FastNestedString(sink, t, "version", f.version);
    FastNestedString(sink, t, "ja3", f.ja3);
    FastNestedString(sink, t, "ja3s", f.ja3s);
    FastNestedString(sink, t, "ja4", f.ja4);
  } else if (f.alert) {  // WriteAlertExtension
    const Cursor a = sink->Member(extensions, "x-suricata-alert");
    if (a == kNone) return;
    FastNestedString(sink, a, "signature", f.signature);
    FastNestedInt(sink, a, "signature_id", f.signature_id);
    FastNestedString(sink, a, "category", f.category);
    FastNestedInt(sink, a, "severity", f.severity);
  }
}

}  // namespace

// The fast path: true when it took the event (in probe mode only).
[[gnu::flatten, gnu::noinline]] bool FastProbe(json::ObjectView event, ObservationBuilder* b) {
  if (!FastPathAllowed(*b)) return false;  // building, or limits a fast path might reach
  BuilderSink* sink = b->probe();
  EveFields f;
  if (!FastEveFields(event, &f)) return false;
  b->Reset(f.time);
  ProbeEve(f, sink, b->filter());
  return true;
}

}  // namespace concord::ingest::suricata
