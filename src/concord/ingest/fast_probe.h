#pragma once

// What the adapters' probe fast paths share (adapters.h; zeek_fast_path.cc and
// suricata_fast_path.cc). A fast path reads the commonest shape of an event straight into locals
// and reports to the sink of a probe-mode ObservationBuilder exactly what the builder would report
// if the general mapping had mapped the event: the same BuilderSink calls, in the same order, with
// the objects numbered and deduplicated, and the members filtered, as the builder does it. These
// helpers are the builder's rules for that, without its bookkeeping: FastObjects for simple
// objects, FastComposite for the members of one composite object. Internal to ingest; header-only,
// so that a fast path compiled with [[gnu::flatten]] inlines them.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "concord/base/timestamp.h"
#include "concord/json/document.h"
#include "concord/observe/builder.h"
#include "concord/observe/builder_sink.h"
#include "concord/observe/property_filter.h"

namespace concord::ingest {

// Whether a fast path may report for `b`: in probe mode, with limits no smaller than the
// defaults. A fast path bounds what it takes (a few dozen objects, texts of a few KiB: some
// hundred KiB at most) so that the default limits are never reached and nothing it reports would
// have been truncated; a builder with smaller limits (a test, a fuzzer) gets the general mapping.
inline bool FastPathAllowed(const observe::ObservationBuilder& b) {
  const observe::ObservationBuilder::Limits defaults;
  return b.probe() != nullptr && b.limits().max_objects >= defaults.max_objects &&
         b.limits().max_value_bytes >= defaults.max_value_bytes;
}

// An integer in [0, max] written as a JSON number (not as text, not as 80.0): the shape the
// sensors write; anything else is for the general mapping.
inline bool FastInteger(json::Element v, int64_t max, int64_t* out);

// Absent as the adapters and OptionalString tell it: "", "-" or "(empty)" is not written.
inline bool FastAbsent(std::string_view s) { return s.empty() || s == "-" || s == "(empty)"; }

// A member of a nested object, as OptionalString writes it inside BeginObject: not filtered
// (the builder filters top-level members only), not written when absent.
inline void FastNestedString(observe::BuilderSink* sink, observe::BuilderSink::Cursor parent,
                             std::string_view key, std::string_view value);
// The same for an integer, not written when negative (a fast path's "absent").
inline void FastNestedInt(observe::BuilderSink* sink, observe::BuilderSink::Cursor parent,
                          std::string_view key, int64_t value);

// A name ObservationBuilder::AddDomainName keeps exactly as it is: lower-case ASCII letters,
// digits, '.', '-' and '_', with a letter (so not an address), without a trailing dot, at most
// 253 bytes. A fast path falls back on any other name.
inline bool IsPlainName(std::string_view s);

// Simple objects ({type, value}) as ObservationBuilder::AddValueObject adds them in probe mode:
// numbered from 0 in the order added, the same (type, value) twice being one object, each new
// one reported with SimpleObject. At most kMax objects (a fast path takes only small events, far
// below the builder's limits). Values are not copied: they must outlive the FastObjects.
class FastObjects {
 public:
  static constexpr size_t kMax = 64;
  explicit FastObjects(observe::BuilderSink* sink) : sink_(sink) {}

  // Adds the object (`ipv4`: the 4 bytes of an ipv4-addr value, else null); returns its key as
  // the builder writes references ("0", "1", ...). REQUIRES: size() < kMax.
  std::string_view Add(std::string_view type, std::string_view value, const uint8_t* ipv4);
  size_t size() const { return count_; }

 private:
  observe::BuilderSink* sink_;
  // Plain members, not string_views: the arrays are not cleared on every event.
  const char* type_[kMax];
  size_t type_size_[kMax];
  const char* value_[kMax];
  size_t value_size_[kMax];
  size_t count_ = 0;
};

// The members of one composite object, as the builder reports them between Begin(type) and
// End(): "type" first (whatever the filter says), then each member the filter keeps, with Member
// and then Scalar or Reference. Members the sink does not want (kNone) report nothing more.
class FastComposite {
 public:
  using Cursor = observe::BuilderSink::Cursor;
  // Begins the object: Object(type) and its "type" member. `filter`: the builder's, or null.
  FastComposite(observe::BuilderSink* sink, std::string_view type,
                const observe::PropertyFilter* filter);

  // False when the sink wants nothing of this type (nothing more need be reported).
  bool wanted() const { return object_ != observe::BuilderSink::kNone; }
  // Whether the filter keeps the member `key` (before anything costly is derived for it).
  bool Wants(std::string_view key) const { return filter_ == nullptr || rule_.Wants(key); }
  // The member's cursor, after the filter (kNone when dropped or not wanted).
  Cursor Member(std::string_view key);
  void String(std::string_view key, std::string_view value);
  void Int(std::string_view key, int64_t value);
  // A timestamp as ObservationBuilder::Time formats it (3, 6 or 9 fraction digits).
  void Time(std::string_view key, Timestamp value);
  // A reference to a simple object (`target_key` from FastObjects::Add).
  void Reference(std::string_view key, std::string_view target_key, std::string_view target_type,
                 std::string_view target_value, const uint8_t* ipv4);
  // A list of strings (reported only when it has some, as Strings does).
  void Strings(std::string_view key, const std::string_view* values, size_t count);

 private:
  observe::BuilderSink* sink_;
  const observe::PropertyFilter* filter_;
  observe::PropertyFilter::TypeRule rule_;
  Cursor object_;
};

// ---- Implementation (inline: the fast paths call these for every event).

inline bool FastInteger(json::Element v, int64_t max, int64_t* out) {
  int64_t i = 0;
  uint64_t u = 0;
  switch (v.type()) {
    case json::ElementType::INT64:
      if (v.get_int64().get(i) != simdjson::SUCCESS || i < 0 || i > max) return false;
      *out = i;
      return true;
    case json::ElementType::UINT64:
      if (v.get_uint64().get(u) != simdjson::SUCCESS || u > static_cast<uint64_t>(max)) {
        return false;
      }
      *out = static_cast<int64_t>(u);
      return true;
    default:
      return false;
  }
}

inline void FastNestedString(observe::BuilderSink* sink, observe::BuilderSink::Cursor parent,
                             std::string_view key, std::string_view value) {
  if (FastAbsent(value)) return;
  if (const auto m = sink->Member(parent, key); m != observe::BuilderSink::kNone) {
    sink->Scalar(m, observe::BuilderSink::Value{observe::ValueKind::kString, value, 0, nullptr},
                 false);
  }
}

inline void FastNestedInt(observe::BuilderSink* sink, observe::BuilderSink::Cursor parent,
                          std::string_view key, int64_t value) {
  if (value < 0) return;
  if (const auto m = sink->Member(parent, key); m != observe::BuilderSink::kNone) {
    sink->Scalar(m, observe::BuilderSink::Value{observe::ValueKind::kInt, {}, value, nullptr},
                 false);
  }
}

inline bool IsPlainName(std::string_view s) {
  if (s.empty() || s.size() > 253 || s.back() == '.') return false;
  bool letter = false, other = false;
  for (char c : s) {  // without an early exit: no branch per byte
    const bool lower = c >= 'a' && c <= 'z';
    letter |= lower;
    other |= !(lower || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_');
  }
  return letter && !other;
}

inline std::string_view FastObjects::Add(std::string_view type, std::string_view value,
                                         const uint8_t* ipv4) {
  static constexpr std::string_view kKeys[kMax] = {
      "0",  "1",  "2",  "3",  "4",  "5",  "6",  "7",  "8",  "9",  "10", "11", "12",
      "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25",
      "26", "27", "28", "29", "30", "31", "32", "33", "34", "35", "36", "37", "38",
      "39", "40", "41", "42", "43", "44", "45", "46", "47", "48", "49", "50", "51",
      "52", "53", "54", "55", "56", "57", "58", "59", "60", "61", "62", "63"};
  for (size_t i = 0; i < count_; ++i) {
    if (std::string_view(value_[i], value_size_[i]) == value &&
        std::string_view(type_[i], type_size_[i]) == type) {
      return kKeys[i];
    }
  }
  sink_->SimpleObject(type, value, ipv4);
  type_[count_] = type.data();
  type_size_[count_] = type.size();
  value_[count_] = value.data();
  value_size_[count_] = value.size();
  return kKeys[count_++];
}

inline FastComposite::FastComposite(observe::BuilderSink* sink, std::string_view type,
                                    const observe::PropertyFilter* filter)
    : sink_(sink),
      filter_(filter),
      // Initialised, not assigned: a TypeRule copied whole from where Rule() wrote it stalls on
      // store forwarding.
      rule_(filter != nullptr ? filter->Rule(type) : observe::PropertyFilter::TypeRule{}),
      object_(sink->Object(type)) {
  if (object_ == observe::BuilderSink::kNone) return;
  if (const Cursor m = sink_->Member(object_, "type"); m != observe::BuilderSink::kNone) {
    sink_->Scalar(m, observe::BuilderSink::Value{observe::ValueKind::kString, type, 0, nullptr},
                  false);
  }
}

inline FastComposite::Cursor FastComposite::Member(std::string_view key) {
  if (object_ == observe::BuilderSink::kNone || (filter_ != nullptr && !rule_.Wants(key))) {
    return observe::BuilderSink::kNone;
  }
  return sink_->Member(object_, key);
}

inline void FastComposite::String(std::string_view key, std::string_view value) {
  if (const Cursor m = Member(key); m != observe::BuilderSink::kNone) {
    sink_->Scalar(m, observe::BuilderSink::Value{observe::ValueKind::kString, value, 0, nullptr},
                  false);
  }
}

inline void FastComposite::Int(std::string_view key, int64_t value) {
  if (const Cursor m = Member(key); m != observe::BuilderSink::kNone) {
    sink_->Scalar(m, observe::BuilderSink::Value{observe::ValueKind::kInt, {}, value, nullptr},
                  false);
  }
}

inline void FastComposite::Time(std::string_view key, Timestamp value) {
  const Cursor m = Member(key);
  if (m == observe::BuilderSink::kNone) return;  // not even formatted
  const int digits = value.nanos % 1000000 == 0 ? 3 : value.nanos % 1000 == 0 ? 6 : 9;
  char text[kMaxFormattedTimestamp];
  const std::string_view formatted(text, FormatTimestampInto(value, digits, text));
  sink_->Scalar(m, observe::BuilderSink::Value{observe::ValueKind::kString, formatted, 0, nullptr},
                false);
}

inline void FastComposite::Reference(std::string_view key, std::string_view target_key,
                                     std::string_view target_type, std::string_view target_value,
                                     const uint8_t* ipv4) {
  if (const Cursor m = Member(key); m != observe::BuilderSink::kNone) {
    sink_->Reference(m, target_key,
                     observe::BuilderSink::Target{target_type, target_value, true, ipv4}, false);
  }
}

inline void FastComposite::Strings(std::string_view key, const std::string_view* values,
                                   size_t count) {
  if (count == 0) return;
  if (const Cursor m = Member(key); m != observe::BuilderSink::kNone) {
    for (size_t i = 0; i < count; ++i) {
      sink_->Scalar(
          m, observe::BuilderSink::Value{observe::ValueKind::kString, values[i], 0, nullptr}, true);
    }
  }
}

}  // namespace concord::ingest
