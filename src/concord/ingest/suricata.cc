// Suricata EVE JSON into STIX cyber-observable objects. docs/mappings.md lists the
// mapping field by field; testdata/ingest/suricata holds it to that list.
//
// One pass over the event's members collects views of what the mapping uses (nothing is
// copied); the objects are then written in a fixed order, whatever the order of the members:
// the two ends of the connection, the objects of each protocol record (dns, http, tls, quic,
// files, smtp/email, other event types), and last the network-traffic that references them.
//
// Which end is the client: the convention of every adapter puts the client in src_ref.
// Suricata writes most records in the flow's direction (client first), but alerts, DNS
// responses and fileinfo records in the direction of the packet or file. MapSuricataEve undoes
// that where the event says enough.
//
// On an error the observation is left partly built; the caller skips the event.
//
// The probe fast path for the commonest events is in suricata_fast_path.cc; suricata_shared.h
// holds what the two files share.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "concord/base/ascii.h"
#include "concord/base/bytes.h"
#include "concord/base/timestamp.h"
#include "concord/ingest/adapters.h"
#include "concord/ingest/log_time.h"
#include "concord/ingest/suricata_shared.h"

namespace concord::ingest {
namespace {

using observe::ObservationBuilder;
using Ref = ObservationBuilder::Ref;
constexpr Ref kNoRef = ObservationBuilder::kNoRef;

// From suricata_shared.h.
using suricata::BaseName;
using suricata::CommonName;
using suricata::GetScratch;
using suricata::Is;
using suricata::IsAbsoluteUrl;
using suricata::kMaxItems;
using suricata::kMaxMembers;
using suricata::LooksLikeHostName;
using suricata::LowerInto;
using suricata::MimeType;
using suricata::Scratch;

// ---- Reading members, with errors that name the field.

// A member of a JSON object, when the object has it. A null value counts as absent
// (has_value() is false).
struct Field {
  json::Element value;
  bool present = false;
  void Set(json::Element v) {
    value = v;
    present = true;
  }
  // Present and not null (null is written for "no value").
  bool has_value() const { return present && value.type() != json::ElementType::NULL_VALUE; }
};

// A member of a sub-object that an adapter reads into a Field, by name (a literal, so that
// the comparison is as cheap as Is()).
template <size_t N>
struct Wanted {
  const char (&name)[N];
  Field* field;
};
template <size_t N>
Wanted(const char (&)[N], Field*) -> Wanted<N>;

// Sets the Field of each wanted member present among the first kMaxMembers members of `object`
// (a member given twice: the last one). Unrolled at compile time into one comparison chain.
template <size_t... N>
void PickMembers(json::ObjectView object, const Wanted<N>&... wanted) {
  size_t members = 0;
  for (auto [key, value] : object) {
    if (++members > kMaxMembers) break;
    (void)((Is(key, wanted.name) && (wanted.field->Set(value), true)) || ...);
  }
}

// The start of `value` as JSON, for messages: at most ~40 bytes, cut at a character boundary.
std::string Preview(json::Element value) {
  std::string text = simdjson::minify(value);
  if (text.size() > 40) {
    size_t cut = 37;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text.resize(cut);
    text += "...";
  }
  return text;
}

Status WrongType(std::string_view field, std::string_view expected, json::Element value) {
  return InvalidArgument("field '" + std::string(field) + "': expected " + std::string(expected) +
                         ", got " + Preview(value));
}

// A string; "" when absent.
Status ReadString(const Field& f, std::string_view field, std::string_view* out) {
  *out = {};
  if (!f.present || f.value.get_string().get(*out) == simdjson::SUCCESS) return Status::Ok();
  if (!f.has_value()) return Status::Ok();  // null
  return WrongType(field, "a string", f.value);
}

Status ReadObject(const Field& f, std::string_view field, json::ObjectView* out) {
  if (f.value.get_object().get(*out) == simdjson::SUCCESS) return Status::Ok();
  return WrongType(field, "an object", f.value);
}

Status ReadArray(const Field& f, std::string_view field, json::ArrayView* out) {
  if (f.value.get_array().get(*out) == simdjson::SUCCESS) return Status::Ok();
  return WrongType(field, "an array", f.value);
}

// Digits with an optional '-' sign that fit an int64.
bool ParseInteger(std::string_view text, int64_t* out) {
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  if (text.empty() || text.size() > 18) return false;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = negative ? -v : v;
  return true;
}

// An integer written as a JSON number or as a string of digits; nullopt when absent.
Status ReadInt(const Field& f, std::string_view field, std::string_view expected,
               std::optional<int64_t>* out) {
  out->reset();
  if (!f.has_value()) return Status::Ok();
  int64_t i = 0;
  double d = 0;
  std::string_view s;
  if (f.value.get_int64().get(i) == simdjson::SUCCESS) {
    *out = i;
  } else if (f.value.type() == json::ElementType::DOUBLE &&
             f.value.get_double().get(d) == simdjson::SUCCESS && d >= -9e15 && d <= 9e15 &&
             d == static_cast<double>(static_cast<int64_t>(d))) {
    *out = static_cast<int64_t>(d);  // 80.0
  } else if (f.value.get_string().get(s) == simdjson::SUCCESS && ParseInteger(s, &i)) {
    *out = i;
  } else {
    return WrongType(field, expected, f.value);
  }
  return Status::Ok();
}

Status ReadPort(const Field& f, std::string_view field, std::optional<int64_t>* out) {
  CONCORD_RETURN_IF_ERROR(ReadInt(f, field, "a port number", out));
  if (*out && (**out < 0 || **out > 65535)) return WrongType(field, "a port number", f.value);
  return Status::Ok();
}

Status ReadCount(const Field& f, std::string_view field, std::optional<int64_t>* out) {
  CONCORD_RETURN_IF_ERROR(ReadInt(f, field, "a count", out));
  if (*out && **out < 0) return WrongType(field, "a count", f.value);
  return Status::Ok();
}

// A calendar time ("2021-05-01T10:00:00.123456+0000"); nullopt when absent.
Status ReadTime(const Field& f, std::string_view field, std::optional<Timestamp>* out) {
  out->reset();
  if (!f.has_value()) return Status::Ok();
  std::string_view s;
  if (f.value.get_string().get(s) != simdjson::SUCCESS) {
    return WrongType(field, "a date and time", f.value);
  }
  Result<Timestamp> t = ParseLogTime(s);
  if (!t.ok()) {
    return InvalidArgument("field '" + std::string(field) + "': " + t.status().message());
  }
  *out = *t;
  return Status::Ok();
}

// The strings of a member that is a string or a list of strings (Suricata writes e-mail
// recipients either way). Other elements of a list are an error.
template <typename Fn>
Status ForEachString(const Field& f, std::string_view field, Fn fn) {
  if (!f.has_value()) return Status::Ok();
  std::string_view s;
  if (f.value.get_string().get(s) == simdjson::SUCCESS) {
    fn(s);
    return Status::Ok();
  }
  json::ArrayView list;
  if (f.value.get_array().get(list) != simdjson::SUCCESS) {
    return WrongType(field, "a string or a list of strings", f.value);
  }
  size_t n = 0;
  for (json::Element e : list) {
    if (++n > kMaxItems) break;
    if (e.get_string().get(s) != simdjson::SUCCESS) {
      if (e.type() == json::ElementType::NULL_VALUE) continue;
      return WrongType(field, "a list of strings", e);
    }
    fn(s);
  }
  return Status::Ok();
}

// ---- What the network-traffic object gets from the protocol records.

struct HttpRequest {
  bool present = false;
  char method[32];
  std::string_view request_method;  // lower case, in `method`
  std::string_view request_value;   // the uri as logged
  char version[32];
  std::string_view request_version;  // lower case ("http/1.1"), in `version`
  std::string_view host_header;      // hostname[:port], in Scratch::host
  std::string_view user_agent, referer, xff, content_type;
  std::optional<int64_t> status;
};

struct TlsSummary {
  bool present = false;
  std::string_view server_name, version, ja3, ja3s, ja4;
  std::string_view quic_version, user_agent;  // QUIC only
  char ja3_buffer[128], ja3s_buffer[128], quic_ja3_buffer[128];
  char quic_version_buffer[24];
};

struct AlertSummary {
  bool present = false;
  std::string_view signature, category;
  std::optional<int64_t> signature_id, severity;
};

// ---- Protocol records.

// An address as headers write it: bare, "[2001:db8::1]", "[2001:db8::1]:80" or "192.0.2.1:80".
// Anything else ("unknown", an obfuscated token) adds nothing.
Ref AddAddressLiteral(std::string_view text, ObservationBuilder* b) {
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    return close == std::string_view::npos ? kNoRef : b->AddAddress(text.substr(1, close - 1));
  }
  const size_t colon = text.find(':');
  if (colon != std::string_view::npos && text.find(':', colon + 1) == std::string_view::npos) {
    text = text.substr(0, colon);
  }
  return b->AddAddress(text);
}

// Adds every address of an X-Forwarded-For value ("203.0.113.7, 10.0.0.1").
void AddForwardedFor(std::string_view xff, ObservationBuilder* b) {
  size_t from = 0;
  for (size_t n = 0; from < xff.size() && n < 64; ++n) {
    size_t end = xff.find(',', from);
    if (end == std::string_view::npos) end = xff.size();
    std::string_view part = xff.substr(from, end - from);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    AddAddressLiteral(part, b);
    from = end + 1;
  }
}

// rdata of an `rrtype` record: A/AAAA an address, CNAME/NS/MX/PTR a name.
void AddRdata(std::string_view rrtype, std::string_view rdata, ObservationBuilder* b) {
  if (rrtype == "A" || rrtype == "AAAA") {
    b->AddAddress(rdata);
  } else if (rrtype == "CNAME" || rrtype == "NS" || rrtype == "PTR" || rrtype == "MX") {
    const size_t space = rdata.rfind(' ');  // "10 mx.example" if a preference is written
    b->AddDomainName(space == std::string_view::npos ? rdata : rdata.substr(space + 1));
  }
}

// ReadString for a member of the records of a list: errors name "list[].member".
Status ReadListMember(const Field& f, std::string_view list, std::string_view member,
                      std::string_view* out) {
  if (ReadString(f, list, out).ok()) return Status::Ok();
  return WrongType(std::string(list) + "[]." + std::string(member), "a string", f.value);
}

// One resource record {rrname, rrtype, rdata} (queries carry no rdata; SRV and SOA records
// carry "srv": {"name"} and "soa": {"mname"} instead).
Status MapDnsRecord(json::Element record, std::string_view field, ObservationBuilder* b) {
  json::ObjectView o;
  if (record.get_object().get(o) != simdjson::SUCCESS) {
    if (record.type() == json::ElementType::NULL_VALUE) return Status::Ok();
    return WrongType(field, "a list of objects", record);
  }
  Field rrname, rrtype, rdata;
  json::ObjectView target;
  bool has_target = false;
  size_t members = 0;
  for (auto [key, value] : o) {
    if (++members > kMaxMembers) break;
    if (Is(key, "rrname")) {
      rrname.Set(value);
    } else if (Is(key, "rrtype")) {
      rrtype.Set(value);
    } else if (Is(key, "rdata")) {
      rdata.Set(value);
    } else if (Is(key, "srv") || Is(key, "soa")) {
      has_target = value.get_object().get(target) == simdjson::SUCCESS;
    }
  }
  std::string_view name, type, data;
  CONCORD_RETURN_IF_ERROR(ReadListMember(rrname, field, "rrname", &name));
  CONCORD_RETURN_IF_ERROR(ReadListMember(rrtype, field, "rrtype", &type));
  CONCORD_RETURN_IF_ERROR(ReadListMember(rdata, field, "rdata", &data));
  b->AddDomainName(name);
  AddRdata(type, data, b);
  if (has_target) {
    std::string_view host;
    for (const char* key : {"name", "mname"}) {
      if (target[key].get_string().get(host) == simdjson::SUCCESS) b->AddDomainName(host);
    }
  }
  return Status::Ok();
}

Status MapDnsRecords(const Field& f, std::string_view field, ObservationBuilder* b) {
  if (!f.has_value()) return Status::Ok();
  json::ArrayView list;
  CONCORD_RETURN_IF_ERROR(ReadArray(f, field, &list));
  size_t n = 0;
  for (json::Element record : list) {
    if (++n > kMaxItems) break;
    CONCORD_RETURN_IF_ERROR(MapDnsRecord(record, field, b));
  }
  return Status::Ok();
}

// "grouped": {"A": ["192.0.2.1"], "CNAME": ["a.example"], "SOA": [{...}]}.
Status MapDnsGrouped(const Field& f, ObservationBuilder* b) {
  if (!f.has_value()) return Status::Ok();
  json::ObjectView grouped;
  CONCORD_RETURN_IF_ERROR(ReadObject(f, "dns.grouped", &grouped));
  size_t members = 0;
  for (auto [rrtype, value] : grouped) {
    if (++members > kMaxMembers) break;
    json::ArrayView list;
    if (value.get_array().get(list) != simdjson::SUCCESS) continue;  // not a type we map
    size_t n = 0;
    for (json::Element e : list) {
      if (++n > kMaxItems) break;
      std::string_view rdata;
      if (e.get_string().get(rdata) == simdjson::SUCCESS) AddRdata(rrtype, rdata, b);
    }
  }
  return Status::Ok();
}

// The parts of a DNS record that may nest one level: an alert's "dns" holds "query": [records]
// and "answer": {the v2 answer layout}.
struct DnsNested {
  Field query, answer;
};

// Every layout of a "dns" object: v2 per-record ({type, rrname, rrtype, rdata}), v2 detailed
// and grouped ("answers", "grouped", "authorities"), v3 ("queries", "answers", "authorities",
// "additionals"). `nested` (when not null) receives the members that may hold more records.
Status MapDnsBody(json::ObjectView dns, ObservationBuilder* b, DnsNested* nested) {
  Field rrname, rrtype, rdata, queries, answers, authorities, additionals, grouped;
  size_t members = 0;
  for (auto [key, value] : dns) {
    if (++members > kMaxMembers) break;
    if (Is(key, "rrname")) {
      rrname.Set(value);
    } else if (Is(key, "rrtype")) {
      rrtype.Set(value);
    } else if (Is(key, "rdata")) {
      rdata.Set(value);
    } else if (Is(key, "queries")) {
      queries.Set(value);
    } else if (Is(key, "answers")) {
      answers.Set(value);
    } else if (Is(key, "authorities")) {
      authorities.Set(value);
    } else if (Is(key, "additionals")) {
      additionals.Set(value);
    } else if (Is(key, "grouped")) {
      grouped.Set(value);
    } else if (nested != nullptr && Is(key, "query")) {
      nested->query.Set(value);
    } else if (nested != nullptr && Is(key, "answer")) {
      nested->answer.Set(value);
    }
  }
  std::string_view name, type, data;
  CONCORD_RETURN_IF_ERROR(ReadString(rrname, "dns.rrname", &name));
  CONCORD_RETURN_IF_ERROR(ReadString(rrtype, "dns.rrtype", &type));
  CONCORD_RETURN_IF_ERROR(ReadString(rdata, "dns.rdata", &data));
  b->AddDomainName(name);
  CONCORD_RETURN_IF_ERROR(MapDnsRecords(queries, "dns.queries", b));
  AddRdata(type, data, b);
  CONCORD_RETURN_IF_ERROR(MapDnsRecords(answers, "dns.answers", b));
  CONCORD_RETURN_IF_ERROR(MapDnsGrouped(grouped, b));
  CONCORD_RETURN_IF_ERROR(MapDnsRecords(authorities, "dns.authorities", b));
  CONCORD_RETURN_IF_ERROR(MapDnsRecords(additionals, "dns.additionals", b));
  return Status::Ok();
}

Status MapDns(const Field& f, ObservationBuilder* b) {
  json::ObjectView dns;
  CONCORD_RETURN_IF_ERROR(ReadObject(f, "dns", &dns));
  DnsNested nested;
  CONCORD_RETURN_IF_ERROR(MapDnsBody(dns, b, &nested));
  CONCORD_RETURN_IF_ERROR(MapDnsRecords(nested.query, "dns.query", b));
  if (nested.answer.has_value()) {
    json::ObjectView answer;
    CONCORD_RETURN_IF_ERROR(ReadObject(nested.answer, "dns.answer", &answer));
    CONCORD_RETURN_IF_ERROR(MapDnsBody(answer, b, nullptr));
  }
  return Status::Ok();
}

// The server end, for a url without a host name: "192.0.2.1", "[2001:db8::1]", ":port" unless 80.
void AppendAuthority(ObservationBuilder* b, Ref server, std::optional<int64_t> port,
                     std::string* out) {
  std::string& address = GetScratch().san;  // free at this point
  address.assign(b->ValueOf(server));       // the address in canonical form
  if (address.empty()) return;
  const bool v6 = address.find(':') != std::string::npos;
  if (v6) out->push_back('[');
  out->append(address);
  if (v6) out->push_back(']');
  if (port && *port != 80) {
    out->push_back(':');
    out->append(std::to_string(*port));
  }
}

// http {hostname, url, http_method, protocol, http_user_agent, http_refer, xff,
// http_content_type, status, http_port, redirect, request_headers}.
// `event_xff` is the event's own "xff" member: the X-Forwarded-For header when the record does
// not log one.
Status MapHttp(const Field& f, Ref server, std::optional<int64_t> server_port,
               std::string_view event_xff, ObservationBuilder* b, HttpRequest* out) {
  json::ObjectView http;
  CONCORD_RETURN_IF_ERROR(ReadObject(f, "http", &http));
  Field hostname, url, method, protocol, user_agent, refer, xff, content_type, status, port,
      redirect, headers;
  PickMembers(http, Wanted{"hostname", &hostname}, Wanted{"url", &url},
              Wanted{"http_method", &method}, Wanted{"protocol", &protocol},
              Wanted{"http_user_agent", &user_agent}, Wanted{"http_refer", &refer},
              Wanted{"xff", &xff}, Wanted{"http_content_type", &content_type},
              Wanted{"status", &status}, Wanted{"http_port", &port}, Wanted{"redirect", &redirect},
              Wanted{"request_headers", &headers});
  std::string_view host, uri, method_text, version_text, redirect_text;
  std::optional<int64_t> host_port;
  CONCORD_RETURN_IF_ERROR(ReadString(hostname, "http.hostname", &host));
  CONCORD_RETURN_IF_ERROR(ReadString(url, "http.url", &uri));
  CONCORD_RETURN_IF_ERROR(ReadString(method, "http.http_method", &method_text));
  CONCORD_RETURN_IF_ERROR(ReadString(protocol, "http.protocol", &version_text));
  CONCORD_RETURN_IF_ERROR(ReadString(user_agent, "http.http_user_agent", &out->user_agent));
  CONCORD_RETURN_IF_ERROR(ReadString(refer, "http.http_refer", &out->referer));
  CONCORD_RETURN_IF_ERROR(ReadString(xff, "http.xff", &out->xff));
  CONCORD_RETURN_IF_ERROR(ReadString(content_type, "http.http_content_type", &out->content_type));
  CONCORD_RETURN_IF_ERROR(ReadString(redirect, "http.redirect", &redirect_text));
  CONCORD_RETURN_IF_ERROR(ReadInt(status, "http.status", "an HTTP status code", &out->status));
  CONCORD_RETURN_IF_ERROR(ReadPort(port, "http.http_port", &host_port));
  if (out->xff.empty() && headers.has_value()) {  // dump-all-headers: [{"name": ..., "value": ...}]
    json::ArrayView list;
    if (headers.value.get_array().get(list) == simdjson::SUCCESS) {
      size_t n = 0;
      for (json::Element e : list) {
        if (++n > kMaxItems) break;
        std::string_view name, value;
        if (e["name"].get_string().get(name) == simdjson::SUCCESS &&
            EqualsIgnoreAsciiCase(name, "X-Forwarded-For") &&
            e["value"].get_string().get(value) == simdjson::SUCCESS) {
          out->xff = value;
        }
      }
    }
  }
  if (out->xff.empty()) out->xff = event_xff;

  out->present = true;
  out->request_method = LowerInto(method_text, out->method);
  out->request_value = uri;
  out->request_version = LowerInto(version_text, out->version);

  Scratch& scratch = GetScratch();
  scratch.host.assign(host);
  if (!host.empty() && host_port) {
    scratch.host.push_back(':');
    scratch.host.append(std::to_string(*host_port));
  }
  out->host_header = scratch.host;

  b->AddHost(host);
  if (EqualsIgnoreAsciiCase(method_text, "CONNECT")) {
    b->AddHost(uri);  // "host:443": the tunnel's far end
  } else if (IsAbsoluteUrl(uri)) {
    b->AddUrl(uri);  // a proxy request
  } else if (!uri.empty() && uri.front() == '/') {
    std::string& u = scratch.url;
    u.assign("http://");
    if (!host.empty()) {
      const bool bare_v6 = host.front() != '[' && host.find(':') != std::string_view::npos;
      if (bare_v6) u.push_back('[');
      u.append(host);
      if (bare_v6) u.push_back(']');
      if (host_port && *host_port != 80) {
        u.push_back(':');
        u.append(std::to_string(*host_port));
      }
    } else {
      AppendAuthority(b, server, server_port, &u);
    }
    if (u.size() > 7) {
      u.append(uri);
      b->AddUrl(u);
    }
  }
  if (IsAbsoluteUrl(redirect_text)) b->AddUrl(redirect_text);
  AddForwardedFor(out->xff, b);
  return Status::Ok();
}

// A JA3/JA3S member: {"hash": ..., "string": ...} (or, in old versions, the hash alone).
// `field` names the member, `hash_field` its hash.
Status ReadJa3(const Field& f, std::string_view field, std::string_view hash_field,
               char (&buffer)[128], std::string_view* out) {
  *out = {};
  if (!f.has_value()) return Status::Ok();
  std::string_view hash;
  if (f.value.get_string().get(hash) != simdjson::SUCCESS) {
    json::ObjectView o;
    if (f.value.get_object().get(o) != simdjson::SUCCESS) {
      return WrongType(field, "an object {\"hash\", \"string\"}", f.value);
    }
    Field h;
    if (json::Element e; o["hash"].get(e) == simdjson::SUCCESS) h.Set(e);
    CONCORD_RETURN_IF_ERROR(ReadString(h, hash_field, &hash));
  }
  *out = LowerHexInto(hash, 32, buffer, /*skip_separators=*/true);
  return Status::Ok();
}

// tls {sni, version, subject, issuerdn, serial, fingerprint, notbefore, notafter,
// subjectaltname, ja3, ja3s, ja4}.
Status MapTls(const Field& f, ObservationBuilder* b, TlsSummary* out) {
  json::ObjectView tls;
  CONCORD_RETURN_IF_ERROR(ReadObject(f, "tls", &tls));
  Field sni, version, subject, issuer, serial, fingerprint, notbefore, notafter, sans, ja3, ja3s,
      ja4;
  PickMembers(tls, Wanted{"sni", &sni}, Wanted{"version", &version}, Wanted{"subject", &subject},
              Wanted{"issuerdn", &issuer}, Wanted{"serial", &serial},
              Wanted{"fingerprint", &fingerprint}, Wanted{"notbefore", &notbefore},
              Wanted{"notafter", &notafter}, Wanted{"subjectaltname", &sans}, Wanted{"ja3", &ja3},
              Wanted{"ja3s", &ja3s}, Wanted{"ja4", &ja4});
  std::string_view subject_text, issuer_text, serial_text, fingerprint_text;
  std::optional<Timestamp> not_before, not_after;
  CONCORD_RETURN_IF_ERROR(ReadString(sni, "tls.sni", &out->server_name));
  CONCORD_RETURN_IF_ERROR(ReadString(version, "tls.version", &out->version));
  CONCORD_RETURN_IF_ERROR(ReadString(subject, "tls.subject", &subject_text));
  CONCORD_RETURN_IF_ERROR(ReadString(issuer, "tls.issuerdn", &issuer_text));
  CONCORD_RETURN_IF_ERROR(ReadString(serial, "tls.serial", &serial_text));
  CONCORD_RETURN_IF_ERROR(ReadString(fingerprint, "tls.fingerprint", &fingerprint_text));
  CONCORD_RETURN_IF_ERROR(ReadTime(notbefore, "tls.notbefore", &not_before));
  CONCORD_RETURN_IF_ERROR(ReadTime(notafter, "tls.notafter", &not_after));
  CONCORD_RETURN_IF_ERROR(ReadJa3(ja3, "tls.ja3", "tls.ja3.hash", out->ja3_buffer, &out->ja3));
  CONCORD_RETURN_IF_ERROR(ReadJa3(ja3s, "tls.ja3s", "tls.ja3s.hash", out->ja3s_buffer, &out->ja3s));
  CONCORD_RETURN_IF_ERROR(ReadString(ja4, "tls.ja4", &out->ja4));
  out->present = true;

  b->AddDomainName(out->server_name);
  const std::string_view cn = CommonName(subject_text);
  if (LooksLikeHostName(cn)) b->AddDomainName(cn);
  std::string& san = GetScratch().san;
  san.clear();
  CONCORD_RETURN_IF_ERROR(ForEachString(sans, "tls.subjectaltname", [&](std::string_view name) {
    if (name.empty()) return;
    if (!san.empty()) san.append(", ");
    const Ref address = b->AddAddress(name);
    if (address != kNoRef) {
      san.append("IP:");
    } else {
      san.append("DNS:");
      if (LooksLikeHostName(name)) b->AddDomainName(name);
    }
    san.append(name);
  }));

  char sha1_buffer[128];
  const std::string_view sha1 =
      LowerHexInto(fingerprint_text, 40, sha1_buffer, /*skip_separators=*/true);
  if (subject_text.empty() && issuer_text.empty() && serial_text.empty() && sha1.empty()) {
    return Status::Ok();  // no certificate in this record
  }
  b->Begin("x509-certificate");
  b->OptionalString("serial_number", serial_text);
  b->OptionalString("subject", subject_text);
  b->OptionalString("issuer", issuer_text);
  if (not_before) b->Time("validity_not_before", *not_before);
  if (not_after) b->Time("validity_not_after", *not_after);
  b->BeginObject("hashes");
  b->OptionalString("SHA-1", sha1);
  b->EndObject();
  b->BeginObject("x509_v3_extensions");
  b->OptionalString("subject_alternative_name", san);
  b->EndObject();
  b->End();
  return Status::Ok();
}

// quic {sni, version, ua, ja3, ja4}.
Status MapQuic(const Field& f, ObservationBuilder* b, TlsSummary* out) {
  json::ObjectView quic;
  CONCORD_RETURN_IF_ERROR(ReadObject(f, "quic", &quic));
  Field sni, version, ua, ja3, ja4;
  PickMembers(quic, Wanted{"sni", &sni}, Wanted{"version", &version}, Wanted{"ua", &ua},
              Wanted{"ja3", &ja3}, Wanted{"ja4", &ja4});
  TlsSummary quic_summary;
  CONCORD_RETURN_IF_ERROR(ReadString(sni, "quic.sni", &quic_summary.server_name));
  CONCORD_RETURN_IF_ERROR(ReadString(ua, "quic.ua", &quic_summary.user_agent));
  CONCORD_RETURN_IF_ERROR(
      ReadJa3(ja3, "quic.ja3", "quic.ja3.hash", out->quic_ja3_buffer, &quic_summary.ja3));
  CONCORD_RETURN_IF_ERROR(ReadString(ja4, "quic.ja4", &quic_summary.ja4));
  // The QUIC version: "1", "Q043", or (older Suricata) a number.
  std::optional<int64_t> number;
  if (version.has_value() &&
      version.value.get_string().get(quic_summary.quic_version) != simdjson::SUCCESS) {
    CONCORD_RETURN_IF_ERROR(ReadInt(version, "quic.version", "a QUIC version", &number));
    const std::string text = std::to_string(*number);
    text.copy(out->quic_version_buffer, sizeof out->quic_version_buffer);
    quic_summary.quic_version = std::string_view(out->quic_version_buffer, text.size());
  }
  b->AddDomainName(quic_summary.server_name);
  if (!out->present) {  // a tls record, if any, has the TLS names
    out->present = true;
    out->server_name = quic_summary.server_name;
    out->ja3 = quic_summary.ja3;
    out->ja4 = quic_summary.ja4;
  }
  out->quic_version = quic_summary.quic_version;
  out->user_agent = quic_summary.user_agent;
  return Status::Ok();
}

// A fileinfo record {filename, md5, sha1, sha256, size, magic, state} -> file.
// The names of a file record's members in messages: under "fileinfo" or in the list "files".
struct FileFieldNames {
  std::string_view record, filename, md5, sha1, sha256, sha512, magic, state, size;
};
constexpr FileFieldNames kFileinfoNames = {"fileinfo",       "fileinfo.filename", "fileinfo.md5",
                                           "fileinfo.sha1",  "fileinfo.sha256",   "fileinfo.sha512",
                                           "fileinfo.magic", "fileinfo.state",    "fileinfo.size"};
constexpr FileFieldNames kFilesNames = {"files",       "files.filename", "files.md5",
                                        "files.sha1",  "files.sha256",   "files.sha512",
                                        "files.magic", "files.state",    "files.size"};

Status MapFile(json::Element record, const FileFieldNames& names, ObservationBuilder* b) {
  json::ObjectView file;
  if (record.get_object().get(file) != simdjson::SUCCESS) {
    return WrongType(names.record, "an object", record);
  }
  Field filename, md5, sha1, sha256, sha512, size, magic, state;
  PickMembers(file, Wanted{"filename", &filename}, Wanted{"md5", &md5}, Wanted{"sha1", &sha1},
              Wanted{"sha256", &sha256}, Wanted{"sha512", &sha512}, Wanted{"size", &size},
              Wanted{"magic", &magic}, Wanted{"state", &state});
  std::string_view name, md5_text, sha1_text, sha256_text, sha512_text, magic_text, state_text;
  std::optional<int64_t> bytes;
  CONCORD_RETURN_IF_ERROR(ReadString(filename, names.filename, &name));
  CONCORD_RETURN_IF_ERROR(ReadString(md5, names.md5, &md5_text));
  CONCORD_RETURN_IF_ERROR(ReadString(sha1, names.sha1, &sha1_text));
  CONCORD_RETURN_IF_ERROR(ReadString(sha256, names.sha256, &sha256_text));
  CONCORD_RETURN_IF_ERROR(ReadString(sha512, names.sha512, &sha512_text));
  CONCORD_RETURN_IF_ERROR(ReadString(magic, names.magic, &magic_text));
  CONCORD_RETURN_IF_ERROR(ReadString(state, names.state, &state_text));
  CONCORD_RETURN_IF_ERROR(ReadCount(size, names.size, &bytes));
  char md5_buffer[128], sha1_buffer[128], sha256_buffer[128], sha512_buffer[128];
  const std::string_view base_name = BaseName(name);
  const std::string_view mime_type = MimeType(magic_text);
  const std::string_view md5_hex = LowerHexInto(md5_text, 32, md5_buffer, /*skip_separators=*/true);
  const std::string_view sha1_hex =
      LowerHexInto(sha1_text, 40, sha1_buffer, /*skip_separators=*/true);
  const std::string_view sha256_hex =
      LowerHexInto(sha256_text, 64, sha256_buffer, /*skip_separators=*/true);
  const std::string_view sha512_hex =
      LowerHexInto(sha512_text, 128, sha512_buffer, /*skip_separators=*/true);
  // A file still open or cut short (TRUNCATED, ERROR) was not seen whole: its size is not the
  // file's.
  if (!state_text.empty() && state_text != "CLOSED") bytes.reset();
  if (base_name.empty() && md5_hex.empty() && sha1_hex.empty() && sha256_hex.empty() &&
      sha512_hex.empty()) {
    return Status::Ok();  // nothing that names the file
  }
  b->Begin("file");
  b->OptionalString("name", base_name);
  if (bytes) b->Int("size", *bytes);
  b->OptionalString("mime_type", mime_type);
  b->BeginObject("hashes");
  b->OptionalString("MD5", md5_hex);
  b->OptionalString("SHA-1", sha1_hex);
  b->OptionalString("SHA-256", sha256_hex);
  b->OptionalString("SHA-512", sha512_hex);
  b->EndObject();
  b->End();
  return Status::Ok();
}

// smtp {helo, mail_from, rcpt_to} and email {from, to, cc, bcc, reply_to, subject, date,
// message_id, x_originating_ip, attachment, url} -> email-addr, email-message. Attachments
// become file objects by name unless `attachment_files` is false (a fileinfo event: its own
// file object is the attachment, with its hashes).
Status MapMail(const Field& smtp_field, const Field& email_field, bool attachment_files,
               ObservationBuilder* b) {
  Scratch& scratch = GetScratch();
  scratch.to.clear();
  scratch.cc.clear();
  scratch.bcc.clear();
  scratch.rcpt.clear();
  Ref mail_from = kNoRef;
  if (smtp_field.has_value()) {
    json::ObjectView smtp;
    CONCORD_RETURN_IF_ERROR(ReadObject(smtp_field, "smtp", &smtp));
    Field helo, from, rcpt;
    PickMembers(smtp, Wanted{"helo", &helo}, Wanted{"mail_from", &from}, Wanted{"rcpt_to", &rcpt});
    std::string_view helo_text, from_text;
    CONCORD_RETURN_IF_ERROR(ReadString(helo, "smtp.helo", &helo_text));
    CONCORD_RETURN_IF_ERROR(ReadString(from, "smtp.mail_from", &from_text));
    b->AddHost(helo_text);
    mail_from = b->AddEmailAddress(from_text);
    CONCORD_RETURN_IF_ERROR(ForEachString(rcpt, "smtp.rcpt_to", [&](std::string_view s) {
      scratch.rcpt.push_back(b->AddEmailAddress(s));
    }));
  }

  Ref from_ref = kNoRef;
  std::string_view subject_text, message_id_text, date_text;
  bool has_attachment = false;
  if (email_field.has_value()) {
    json::ObjectView email;
    CONCORD_RETURN_IF_ERROR(ReadObject(email_field, "email", &email));
    Field from, to, cc, bcc, reply_to, subject, date, message_id, originating, attachment, url;
    PickMembers(email, Wanted{"from", &from}, Wanted{"to", &to}, Wanted{"cc", &cc},
                Wanted{"bcc", &bcc}, Wanted{"reply_to", &reply_to}, Wanted{"subject", &subject},
                Wanted{"date", &date}, Wanted{"message_id", &message_id},
                Wanted{"x_originating_ip", &originating}, Wanted{"attachment", &attachment},
                Wanted{"url", &url});
    std::string_view originating_text;
    CONCORD_RETURN_IF_ERROR(ReadString(subject, "email.subject", &subject_text));
    CONCORD_RETURN_IF_ERROR(ReadString(date, "email.date", &date_text));
    CONCORD_RETURN_IF_ERROR(ReadString(message_id, "email.message_id", &message_id_text));
    CONCORD_RETURN_IF_ERROR(ReadString(originating, "email.x_originating_ip", &originating_text));
    CONCORD_RETURN_IF_ERROR(ForEachString(from, "email.from", [&](std::string_view s) {
      const Ref r = b->AddEmailAddress(s);
      if (from_ref == kNoRef) from_ref = r;
    }));
    CONCORD_RETURN_IF_ERROR(ForEachString(
        to, "email.to", [&](std::string_view s) { scratch.to.push_back(b->AddEmailAddress(s)); }));
    CONCORD_RETURN_IF_ERROR(ForEachString(
        cc, "email.cc", [&](std::string_view s) { scratch.cc.push_back(b->AddEmailAddress(s)); }));
    CONCORD_RETURN_IF_ERROR(ForEachString(bcc, "email.bcc", [&](std::string_view s) {
      scratch.bcc.push_back(b->AddEmailAddress(s));
    }));
    CONCORD_RETURN_IF_ERROR(ForEachString(reply_to, "email.reply_to",
                                          [&](std::string_view s) { b->AddEmailAddress(s); }));
    AddAddressLiteral(originating_text, b);  // "[192.0.2.1]"
    CONCORD_RETURN_IF_ERROR(ForEachString(attachment, "email.attachment", [&](std::string_view s) {
      if (s.empty()) return;
      has_attachment = true;
      if (!attachment_files) return;
      b->Begin("file");
      b->String("name", s);
      b->End();
    }));
    CONCORD_RETURN_IF_ERROR(
        ForEachString(url, "email.url", [&](std::string_view s) { b->AddUrl(s); }));
  }

  auto any = [](const std::vector<Ref>& refs) {
    for (Ref r : refs) {
      if (r != kNoRef) return true;
    }
    return false;
  };
  // The header's From and To; the envelope's (MAIL FROM, RCPT TO) when the headers have none.
  if (from_ref == kNoRef) from_ref = mail_from;
  const std::vector<Ref>& to = any(scratch.to) ? scratch.to : scratch.rcpt;
  const std::optional<Timestamp> date = ParseMailDate(date_text);
  if (from_ref == kNoRef && !any(to) && !any(scratch.cc) && !any(scratch.bcc) &&
      subject_text.empty() && message_id_text.empty() && !date) {
    return Status::Ok();
  }
  b->Begin("email-message");
  b->Bool("is_multipart", has_attachment);
  if (date) b->Time("date", *date);
  b->Reference("from_ref", from_ref);
  b->References("to_refs", to);
  b->References("cc_refs", scratch.cc);
  b->References("bcc_refs", scratch.bcc);
  b->OptionalString("message_id", message_id_text);
  b->OptionalString("subject", subject_text);
  b->End();
  return Status::Ok();
}

// An event type this adapter does not know: the addresses and MAC addresses of its own record
// ("dhcp": {"assigned_ip": ..., "client_mac": ..., "dns_servers": [...]}), one level deep.
// Never an error.
void MapOtherRecord(json::ObjectView record, ObservationBuilder* b) {
  size_t members = 0;
  for (auto [key, value] : record) {
    if (++members > kMaxMembers) break;
    const bool address = key.ends_with("_ip") || key.ends_with("_ips") || Is(key, "ip") ||
                         Is(key, "dns_servers") || Is(key, "routers");
    const bool mac = key.ends_with("_mac") || key.ends_with("_macs");
    if (!address && !mac) continue;
    auto add = [&](std::string_view s) {
      if (address && s != "0.0.0.0" && s != "::") b->AddAddress(s);  // "none"
      if (mac) b->AddMacAddress(s);
    };
    std::string_view s;
    json::ArrayView list;
    if (value.get_string().get(s) == simdjson::SUCCESS) {
      add(s);
    } else if (value.get_array().get(list) == simdjson::SUCCESS) {
      size_t n = 0;
      for (json::Element e : list) {
        if (++n > kMaxItems) break;
        if (e.get_string().get(s) == simdjson::SUCCESS) add(s);
      }
    }
  }
}

// Event types whose record names the application protocol when "app_proto" is not written.
std::string_view ProtocolOfEventType(std::string_view type) {
  static constexpr std::string_view kProtocols[] = {
      "dns",  "http", "http2",  "tls",  "quic", "smtp", "ssh",    "ftp", "dhcp",      "snmp",
      "smb",  "nfs",  "krb5",   "ike",  "rdp",  "sip",  "mqtt",   "rfb", "tftp",      "pgsql",
      "ldap", "dnp3", "modbus", "enip", "pop3", "imap", "dcerpc", "ntp", "websocket", "telnet"};
  for (std::string_view p : kProtocols) {
    if (SameBytes(p, type)) return p;
  }
  if (type == "ftp_data") return "ftp-data";
  return {};
}

// Event types whose record is mapped above (or, for stats, holds no observable).
bool IsKnownEventType(std::string_view type) {
  static constexpr std::string_view kKnown[] = {"alert", "flow",     "netflow", "dns",  "http",
                                                "tls",   "fileinfo", "smtp",    "quic", "stats"};
  for (std::string_view k : kKnown) {
    if (SameBytes(k, type)) return true;
  }
  return false;
}

// The members of the event the mapping reads.
struct Event {
  Field timestamp, event_type, src_ip, dest_ip, src_port, dest_port, proto, app_proto, direction,
      xff, icmp_type, icmp_code, flow, netflow, alert, dns, http, tls, quic, fileinfo, files, smtp,
      email, ether;
};

// The flow's counts and times: flow {pkts_toserver, pkts_toclient, bytes_toserver,
// bytes_toclient, start, end, src_ip, dest_ip, src_port, dest_port}.
struct FlowRecord {
  std::optional<int64_t> pkts_toserver, pkts_toclient, bytes_toserver, bytes_toclient;
  std::optional<Timestamp> start, end;
  std::string_view src_ip, dest_ip;  // alerts: the flow's client and server
  std::optional<int64_t> src_port, dest_port;
};

Status ReadFlow(const Field& f, FlowRecord* out) {
  json::ObjectView flow;
  CONCORD_RETURN_IF_ERROR(ReadObject(f, "flow", &flow));
  Field pkts_toserver, pkts_toclient, bytes_toserver, bytes_toclient, start, end, src_ip, dest_ip,
      src_port, dest_port;
  PickMembers(flow, Wanted{"pkts_toserver", &pkts_toserver},
              Wanted{"pkts_toclient", &pkts_toclient}, Wanted{"bytes_toserver", &bytes_toserver},
              Wanted{"bytes_toclient", &bytes_toclient}, Wanted{"start", &start},
              Wanted{"end", &end}, Wanted{"src_ip", &src_ip}, Wanted{"dest_ip", &dest_ip},
              Wanted{"src_port", &src_port}, Wanted{"dest_port", &dest_port});
  CONCORD_RETURN_IF_ERROR(ReadCount(pkts_toserver, "flow.pkts_toserver", &out->pkts_toserver));
  CONCORD_RETURN_IF_ERROR(ReadCount(pkts_toclient, "flow.pkts_toclient", &out->pkts_toclient));
  CONCORD_RETURN_IF_ERROR(ReadCount(bytes_toserver, "flow.bytes_toserver", &out->bytes_toserver));
  CONCORD_RETURN_IF_ERROR(ReadCount(bytes_toclient, "flow.bytes_toclient", &out->bytes_toclient));
  CONCORD_RETURN_IF_ERROR(ReadTime(start, "flow.start", &out->start));
  CONCORD_RETURN_IF_ERROR(ReadTime(end, "flow.end", &out->end));
  CONCORD_RETURN_IF_ERROR(ReadString(src_ip, "flow.src_ip", &out->src_ip));
  CONCORD_RETURN_IF_ERROR(ReadString(dest_ip, "flow.dest_ip", &out->dest_ip));
  CONCORD_RETURN_IF_ERROR(ReadPort(src_port, "flow.src_port", &out->src_port));
  CONCORD_RETURN_IF_ERROR(ReadPort(dest_port, "flow.dest_port", &out->dest_port));
  return Status::Ok();
}

// netflow {pkts, bytes, start, end}: one direction of a flow, from src to dest.
Status ReadNetflow(const Field& f, FlowRecord* out) {
  json::ObjectView netflow;
  CONCORD_RETURN_IF_ERROR(ReadObject(f, "netflow", &netflow));
  Field pkts, bytes, start, end;
  PickMembers(netflow, Wanted{"pkts", &pkts}, Wanted{"bytes", &bytes}, Wanted{"start", &start},
              Wanted{"end", &end});
  CONCORD_RETURN_IF_ERROR(ReadCount(pkts, "netflow.pkts", &out->pkts_toserver));
  CONCORD_RETURN_IF_ERROR(ReadCount(bytes, "netflow.bytes", &out->bytes_toserver));
  CONCORD_RETURN_IF_ERROR(ReadTime(start, "netflow.start", &out->start));
  CONCORD_RETURN_IF_ERROR(ReadTime(end, "netflow.end", &out->end));
  return Status::Ok();
}

// alert {signature, signature_id, category, severity}.
Status ReadAlert(const Field& f, AlertSummary* out) {
  json::ObjectView alert;
  CONCORD_RETURN_IF_ERROR(ReadObject(f, "alert", &alert));
  Field signature, signature_id, category, severity;
  PickMembers(alert, Wanted{"signature", &signature}, Wanted{"signature_id", &signature_id},
              Wanted{"category", &category}, Wanted{"severity", &severity});
  CONCORD_RETURN_IF_ERROR(ReadString(signature, "alert.signature", &out->signature));
  CONCORD_RETURN_IF_ERROR(ReadString(category, "alert.category", &out->category));
  CONCORD_RETURN_IF_ERROR(
      ReadInt(signature_id, "alert.signature_id", "a signature id", &out->signature_id));
  CONCORD_RETURN_IF_ERROR(ReadInt(severity, "alert.severity", "a severity", &out->severity));
  out->present = true;
  return Status::Ok();
}

void WriteHttpExtension(const HttpRequest& http, ObservationBuilder* b) {
  b->BeginObject("http-request-ext");
  b->OptionalString("request_method", http.request_method);
  b->OptionalString("request_value", http.request_value);
  b->OptionalString("request_version", http.request_version);
  b->BeginObject("request_header");
  b->OptionalString("Host", http.host_header);
  b->OptionalString("User-Agent", http.user_agent);
  b->OptionalString("Referer", http.referer);
  b->OptionalString("X-Forwarded-For", http.xff);
  b->EndObject();
  if (http.status) b->Int("x_status_code", *http.status);
  b->OptionalString("x_response_content_type", http.content_type);
  b->EndObject();
}

void WriteTlsExtension(const TlsSummary& tls, ObservationBuilder* b) {
  b->BeginObject("x-tls-ext");
  b->OptionalString("server_name", tls.server_name);
  b->OptionalString("version", tls.version);
  b->OptionalString("ja3", tls.ja3);
  b->OptionalString("ja3s", tls.ja3s);
  b->OptionalString("ja4", tls.ja4);
  b->OptionalString("quic_version", tls.quic_version);
  b->OptionalString("user_agent", tls.user_agent);
  b->EndObject();
}

void WriteAlertExtension(const AlertSummary& alert, ObservationBuilder* b) {
  b->BeginObject("x-suricata-alert");
  b->OptionalString("signature", alert.signature);
  if (alert.signature_id) b->Int("signature_id", *alert.signature_id);
  b->OptionalString("category", alert.category);
  if (alert.severity) b->Int("severity", *alert.severity);
  b->EndObject();
}

}  // namespace

Status MapSuricataEve(json::ObjectView event, observe::ObservationBuilder* b, bool* fast) {
  if (fast != nullptr && (*fast = suricata::FastProbe(event, b))) return Status::Ok();
  // One pass over the event's members.
  Event e;
  size_t members = 0;
  for (auto [key, value] : event) {
    if (++members > kMaxMembers) break;
    if (key.empty()) continue;
    switch (key[0]) {
      case 'a':
        if (Is(key, "alert")) e.alert.Set(value);
        if (Is(key, "app_proto")) e.app_proto.Set(value);
        break;
      case 'd':
        if (Is(key, "dest_ip")) e.dest_ip.Set(value);
        if (Is(key, "dest_port")) e.dest_port.Set(value);
        if (Is(key, "dns")) e.dns.Set(value);
        if (Is(key, "direction")) e.direction.Set(value);
        break;
      case 'e':
        if (Is(key, "event_type")) e.event_type.Set(value);
        if (Is(key, "email")) e.email.Set(value);
        if (Is(key, "ether")) e.ether.Set(value);
        break;
      case 'f':
        if (Is(key, "flow")) e.flow.Set(value);
        if (Is(key, "fileinfo")) e.fileinfo.Set(value);
        if (Is(key, "files")) e.files.Set(value);
        break;
      case 'h':
        if (Is(key, "http")) e.http.Set(value);
        break;
      case 'i':
        if (Is(key, "icmp_type")) e.icmp_type.Set(value);
        if (Is(key, "icmp_code")) e.icmp_code.Set(value);
        break;
      case 'n':
        if (Is(key, "netflow")) e.netflow.Set(value);
        break;
      case 'p':
        if (Is(key, "proto")) e.proto.Set(value);
        break;
      case 'q':
        if (Is(key, "quic")) e.quic.Set(value);
        break;
      case 's':
        if (Is(key, "src_ip")) e.src_ip.Set(value);
        if (Is(key, "src_port")) e.src_port.Set(value);
        if (Is(key, "smtp")) e.smtp.Set(value);
        break;
      case 't':
        if (Is(key, "timestamp")) e.timestamp.Set(value);
        if (Is(key, "tls")) e.tls.Set(value);
        break;
      case 'x':
        if (Is(key, "xff")) e.xff.Set(value);
        break;
      default:
        break;
    }
  }

  // The time first: without it there is no observation.
  std::optional<Timestamp> time;
  if (!e.timestamp.has_value()) {
    return InvalidArgument("no 'timestamp' field: a Suricata EVE event always has one");
  }
  CONCORD_RETURN_IF_ERROR(ReadTime(e.timestamp, "timestamp", &time));
  b->Reset(*time);

  std::string_view event_type, src_ip, dest_ip, proto, app_proto, direction, xff;
  std::optional<int64_t> src_port, dest_port;
  CONCORD_RETURN_IF_ERROR(ReadString(e.event_type, "event_type", &event_type));
  CONCORD_RETURN_IF_ERROR(ReadString(e.src_ip, "src_ip", &src_ip));
  CONCORD_RETURN_IF_ERROR(ReadString(e.dest_ip, "dest_ip", &dest_ip));
  CONCORD_RETURN_IF_ERROR(ReadPort(e.src_port, "src_port", &src_port));
  CONCORD_RETURN_IF_ERROR(ReadPort(e.dest_port, "dest_port", &dest_port));
  CONCORD_RETURN_IF_ERROR(ReadString(e.app_proto, "app_proto", &app_proto));
  CONCORD_RETURN_IF_ERROR(ReadString(e.direction, "direction", &direction));
  CONCORD_RETURN_IF_ERROR(ReadString(e.xff, "xff", &xff));
  std::optional<int64_t> icmp_type, icmp_code;
  CONCORD_RETURN_IF_ERROR(ReadInt(e.icmp_type, "icmp_type", "an ICMP type", &icmp_type));
  CONCORD_RETURN_IF_ERROR(ReadInt(e.icmp_code, "icmp_code", "an ICMP code", &icmp_code));
  if (icmp_type && (*icmp_type < 0 || *icmp_type > 255)) {
    return WrongType("icmp_type", "an ICMP type", e.icmp_type.value);
  }
  if (icmp_code && (*icmp_code < 0 || *icmp_code > 255)) {
    return WrongType("icmp_code", "an ICMP code", e.icmp_code.value);
  }
  char proto_buffer[24];
  std::optional<int64_t> proto_number;
  if (e.proto.has_value() && e.proto.value.get_string().get(proto) != simdjson::SUCCESS) {
    CONCORD_RETURN_IF_ERROR(ReadInt(e.proto, "proto", "a protocol name or number", &proto_number));
    const std::string text = std::to_string(*proto_number);
    text.copy(proto_buffer, sizeof proto_buffer);
    proto = std::string_view(proto_buffer, text.size());
  }

  FlowRecord flow;
  if (e.flow.has_value()) CONCORD_RETURN_IF_ERROR(ReadFlow(e.flow, &flow));
  if (e.netflow.has_value()) CONCORD_RETURN_IF_ERROR(ReadNetflow(e.netflow, &flow));
  AlertSummary alert;
  if (e.alert.has_value()) CONCORD_RETURN_IF_ERROR(ReadAlert(e.alert, &alert));

  // Which end is the client. An alert's "flow" names the flow's ends; otherwise what Suricata
  // wrote from the server's side is turned round: alerts "to_client", DNS answers and responses,
  // and fileinfo records (written in the file's direction: a download comes from the server,
  // taken to be the end with the lower port).
  bool swap = false;
  if (!flow.src_ip.empty() && !flow.dest_ip.empty()) {
    const bool turned = flow.src_ip != src_ip;
    src_ip = flow.src_ip;
    dest_ip = flow.dest_ip;
    if (turned) std::swap(src_port, dest_port);
    if (flow.src_port) src_port = flow.src_port;
    if (flow.dest_port) dest_port = flow.dest_port;
  } else if (direction == "to_client") {
    swap = true;
  } else if (event_type == "fileinfo") {
    swap = src_port && dest_port && *src_port < *dest_port;
  } else if (e.dns.has_value()) {
    // v2 "answer" and v3 "response" records come from the server. (MapDns reads the rest.)
    json::ObjectView dns;
    std::string_view type;
    if (e.dns.value.get_object().get(dns) == simdjson::SUCCESS &&
        dns["type"].get_string().get(type) == simdjson::SUCCESS) {
      swap = type == "answer" || type == "response";
    }
  }
  if (swap) {
    std::swap(src_ip, dest_ip);
    std::swap(src_port, dest_port);
  }

  // The connection's ends, then each record's objects.
  const Ref src = b->AddAddress(src_ip);
  const Ref dst = b->AddAddress(dest_ip);
  AddForwardedFor(xff, b);
  if (e.dns.has_value()) CONCORD_RETURN_IF_ERROR(MapDns(e.dns, b));
  HttpRequest http;
  if (e.http.has_value()) CONCORD_RETURN_IF_ERROR(MapHttp(e.http, dst, dest_port, xff, b, &http));
  TlsSummary tls;
  if (e.tls.has_value()) CONCORD_RETURN_IF_ERROR(MapTls(e.tls, b, &tls));
  if (e.quic.has_value()) CONCORD_RETURN_IF_ERROR(MapQuic(e.quic, b, &tls));
  if (e.fileinfo.has_value()) {
    CONCORD_RETURN_IF_ERROR(MapFile(e.fileinfo.value, kFileinfoNames, b));
  }
  if (e.files.has_value()) {
    json::ArrayView files;
    CONCORD_RETURN_IF_ERROR(ReadArray(e.files, "files", &files));
    size_t n = 0;
    for (json::Element file : files) {
      if (++n > kMaxItems) break;
      CONCORD_RETURN_IF_ERROR(MapFile(file, kFilesNames, b));
    }
  }
  if (e.smtp.has_value() || e.email.has_value()) {
    CONCORD_RETURN_IF_ERROR(MapMail(e.smtp, e.email, !e.fileinfo.has_value(), b));
  }
  if (!event_type.empty() && !IsKnownEventType(event_type)) {
    json::ObjectView record;
    if (event[event_type].get_object().get(record) == simdjson::SUCCESS) {
      MapOtherRecord(record, b);
    }
  }
  if (e.ether.has_value()) {
    json::ObjectView ether;
    if (e.ether.value.get_object().get(ether) == simdjson::SUCCESS) MapOtherRecord(ether, b);
  }

  if (src == kNoRef && dst == kNoRef) return Status::Ok();  // stats, or no usable address

  char transport_buffer[24], app_buffer[24];
  std::string_view protocols[2];
  size_t protocol_count = 0;
  const std::string_view transport = LowerInto(proto, transport_buffer);
  if (!transport.empty()) protocols[protocol_count++] = transport;
  std::string_view app = (app_proto == "failed" || app_proto == "unknown")
                             ? std::string_view()
                             : LowerInto(app_proto, app_buffer);
  if (app.empty()) app = ProtocolOfEventType(event_type);
  if (!app.empty() && app != transport) protocols[protocol_count++] = app;

  // Suricata writes port 0 for protocols without ports (ICMP, IGMP, ...): not a port.
  const bool ports = transport == "tcp" || transport == "udp" || transport == "sctp";
  b->Begin("network-traffic");
  b->Reference("src_ref", src);
  b->Reference("dst_ref", dst);
  if (src_port && (ports || *src_port != 0)) b->Int("src_port", *src_port);
  if (dest_port && (ports || *dest_port != 0)) b->Int("dst_port", *dest_port);
  b->Strings("protocols", std::span<const std::string_view>(protocols, protocol_count));
  b->Time("start", flow.start ? *flow.start : *time);
  if (flow.end) b->Time("end", *flow.end);
  if (flow.bytes_toserver) b->Int("src_byte_count", *flow.bytes_toserver);
  if (flow.bytes_toclient) b->Int("dst_byte_count", *flow.bytes_toclient);
  if (flow.pkts_toserver) b->Int("src_packets", *flow.pkts_toserver);
  if (flow.pkts_toclient) b->Int("dst_packets", *flow.pkts_toclient);
  b->BeginObject("extensions");
  if (http.present) WriteHttpExtension(http, b);
  if (tls.present) WriteTlsExtension(tls, b);
  if (alert.present) WriteAlertExtension(alert, b);
  if (icmp_type || icmp_code) {
    static constexpr char kHex[] = "0123456789abcdef";
    const char type_hex[2] = {kHex[icmp_type.value_or(0) >> 4], kHex[icmp_type.value_or(0) & 15]};
    const char code_hex[2] = {kHex[icmp_code.value_or(0) >> 4], kHex[icmp_code.value_or(0) & 15]};
    b->BeginObject("icmp-ext");
    if (icmp_type) b->String("icmp_type_hex", std::string_view(type_hex, 2));
    if (icmp_code) b->String("icmp_code_hex", std::string_view(code_hex, 2));
    b->EndObject();
  }
  b->EndObject();
  b->End();
  return Status::Ok();
}

}  // namespace concord::ingest
