// The Zeek adapter: conn, dns, http, ssl, x509, files, smtp and notice logs mapped in full, any
// other log to its addresses and connection; docs/mappings.md is the table.
//
// JSON (either field style, or "id" as a nested object) and TSV share one mapping per log type:
// each event is first gathered into a Record (one pass over its fields, each name looked up once
// in a fixed table), and the mappings read the Record by field. Values are string_views into the
// parsed line; TSV values are unescaped only when they hold a backslash.
//
// The probe fast paths for the commonest JSON events are in zeek_fast_path.cc; zeek_shared.h
// holds what the two files share.

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
#include "concord/base/timestamp.h"
#include "concord/ingest/adapters.h"
#include "concord/ingest/log_time.h"
#include "concord/ingest/zeek_shared.h"

namespace concord::ingest {
namespace {

using observe::ObservationBuilder;
using Ref = ObservationBuilder::Ref;
constexpr Ref kNoRef = ObservationBuilder::kNoRef;

// From zeek_shared.h.
using zeek::Absent;
using zeek::AddSeconds;
using zeek::Classify;
using zeek::CommonName;
using zeek::Field;
using zeek::FileSource;
using zeek::Flow;
using zeek::ForEachPart;
using zeek::HashNameOfLength;
using zeek::IsFingerprint;
using zeek::IsHostName;
using zeek::IsIcmp;
using zeek::kFileSources;
using zeek::kMaxCertChain;
using zeek::kMaxProtocols;
using zeek::LogType;
using zeek::LogTypeOf;
using zeek::LowerProtocols;

// Bounds on work per event, whatever the input holds.
constexpr size_t kMaxListItems = 1000;    // elements read from one set or vector field
constexpr size_t kMaxOtherFields = 1024;  // fields not in kFieldNames kept for the address scan
constexpr size_t kMaxScanParts = 64;      // comma-separated parts of one scanned string

// ---------------------------------------------------------------------------------------------
// Small text helpers.

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
  static constexpr int64_t kAbsent = zeek::kAbsent;

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

// Writes "protocols" (LowerProtocols).
void WriteProtocols(const Flow& flow, std::string& text, ObservationBuilder* b) {
  std::array<std::string_view, kMaxProtocols> views;
  size_t count = 0;
  LowerProtocols(flow, text, [&](std::string_view name) { views[count++] = name; });
  b->Strings("protocols", std::span<const std::string_view>(views.data(), count));
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

Record& ThreadRecord() {
  static thread_local Record record;
  return record;
}

}  // namespace

Status MapZeekJson(json::ObjectView event, const LogContext& context, ObservationBuilder* builder,
                   bool* fast) {
  if (fast != nullptr && (*fast = zeek::FastProbe(event, context, builder))) return Status::Ok();
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
