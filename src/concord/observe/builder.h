#pragma once

// Builds one Observation per log event, as STIX 2.1 cyber-observable objects, reusing memory from
// event to event. Telemetry adapters (ingest) call it; they never touch ValueStore directly, so
// every adapter writes objects the same way:
//
//   - Objects are named "0", "1", ... in the order they are finished (STIX 2.0 style keys), and a
//     reference property holds the key of the object it names, so paths such as
//     network-traffic:dst_ref.value resolve as the pattern semantics say.
//   - Simple objects (ipv4-addr, ipv6-addr, domain-name, url, email-addr, mac-addr, and any
//     other {type, value}) are added once per distinct value: an address seen as a DNS answer
//     and as the connection's responder is one object with two references to it.
//   - Values are normalised the way indicators are written: IPv6 addresses in RFC 5952 form,
//     IPv4 in dotted decimal, domain names in lower case without a trailing dot, MAC addresses in
//     lower case with colons. Values that are not what their type needs ("-", "", a host name
//     where an address was expected) are not added and the Add* call returns kNoRef, which every
//     call taking a Ref ignores; adapters need not check.
//
// Limits: at most Limits::max_objects objects and max_value_bytes bytes of values per event;
// past them further objects and members are dropped and truncated() says so.
//
// Not thread-safe: one builder per thread, each with its own Observation.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "concord/base/timestamp.h"
#include "concord/observe/builder_sink.h"
#include "concord/observe/observation.h"
#include "concord/observe/property_filter.h"

namespace concord::observe {

class ObservationBuilder {
 public:
  using Ref = uint32_t;  // an object of the observation being built
  static constexpr Ref kNoRef = UINT32_MAX;

  struct Limits {
    // The most objects one event may produce (a DNS answer list or an e-mail's recipients can
    // be long; the rest are dropped).
    size_t max_objects = 512;
    // The most bytes of values (strings and keys) one event may produce.
    size_t max_value_bytes = size_t{1} << 20;
  };

  // Builds into `*out`, which must outlive the builder.
  explicit ObservationBuilder(Observation* out) : ObservationBuilder(out, Limits{}) {}
  ObservationBuilder(Observation* out, Limits limits);

  // Starts a new observation made at `time` (first_observed = last_observed = time): clears the
  // observation and any object under construction.
  void Reset(Timestamp time);

  // From now on, writes only the top-level members of composite objects that `filter` wants
  // (null, the default: every member). `filter` must outlive the builder. Members skipped cost
  // nothing (a timestamp is not even formatted).
  void SetFilter(const PropertyFilter* filter) { filter_ = filter; }
  const PropertyFilter* filter() const { return filter_; }

  // Probe mode (`sink` not null): nothing is written to the observation (Reset still clears it
  // and sets its times); every value goes to `sink` instead, as builder_sink.h says. Every call
  // returns what it would return when building (the same Refs, kNoRef, ValueOf and
  // truncated()), so that adapters behave the same in both modes. Null: build again. Switch only
  // between events (before the Reset that starts one). `sink` must outlive its use.
  void SetProbe(BuilderSink* sink) { probe_ = sink; }
  // The sink of probe mode, or null when building. An adapter may report an event's values to
  // it directly instead of through the builder (a fast path for a common shape of event), after
  // Reset, provided it reports what the builder would (builder_sink.h), filter() applied.
  BuilderSink* probe() const { return probe_; }

  Observation& observation() { return *out_; }
  const Limits& limits() const { return limits_; }
  // True when a limit dropped objects or members of the current observation.
  bool truncated() const { return truncated_; }

  // ---- Simple objects {type, value}; each returns the object, existing or new, or kNoRef.

  // ipv4-addr or ipv6-addr, by syntax; an IPv4-mapped IPv6 address (::ffff:192.0.2.1) is the
  // IPv4 address it maps, so an IPv4 indicator finds it. A trailing IPv6 zone ("%eth0") is
  // dropped. kNoRef for anything that is not an address.
  Ref AddAddress(std::string_view text);
  // domain-name. Lower-cased (ASCII), one trailing dot removed. kNoRef when empty, "-", longer
  // than 253 bytes, or containing characters no DNS name has in logs (space, control, '/', '@').
  Ref AddDomainName(std::string_view name);
  // AddDomainName for a host that may be an address literal or carry a port ("host:8080",
  // "[2001:db8::1]:443"): an address becomes ipv4-addr/ipv6-addr, a name domain-name.
  Ref AddHost(std::string_view host);
  // url, as given (not normalised). kNoRef when empty or "-".
  Ref AddUrl(std::string_view url);
  // email-addr. Accepts "Name <user@host>" and "<user@host>" and keeps user@host, lower-casing
  // the domain part. kNoRef without an '@'.
  Ref AddEmailAddress(std::string_view address);
  // mac-addr, as 6 lower-case colon-separated octets; accepts '-' or ':' separators.
  Ref AddMacAddress(std::string_view mac);
  // Any other {type, value} (e.g. "autonomous-system" is not one; "mutex", "x-..."): value as
  // given. kNoRef when empty or "-".
  Ref AddSimple(std::string_view type, std::string_view value);

  // The "value" of the object `ref` (as normalised: an address in canonical form); "" for
  // kNoRef and for an object without a string "value". Valid until the next call on the builder.
  std::string_view ValueOf(Ref ref) const;

  // ---- Composite objects, written member by member:
  //
  //   b.Begin("network-traffic");
  //   b.Reference("src_ref", src);
  //   b.Int("src_port", 49152);
  //   b.BeginObject("extensions"); b.BeginObject("http-request-ext"); ...; b.EndObject(); ...
  //   Ref flow = b.End();
  //
  // Keys are copied. Members whose value is absent (kNoRef, empty lists, nullopt) are not
  // written. Duplicate keys are the caller's mistake (the first wins on lookup). A nested object
  // that ends up with no members is not written either.

  // Starts a top-level object of `type` (the "type" member is written). REQUIRES: no object is
  // under construction.
  void Begin(std::string_view type);
  // Starts a nested object under `key` of the current object. REQUIRES: inside Begin.
  void BeginObject(std::string_view key);
  void EndObject();
  void String(std::string_view key, std::string_view value);
  // String for a value that may be absent ("" or "-" in Zeek and Sysmon logs are not written).
  void OptionalString(std::string_view key, std::string_view value);
  void Int(std::string_view key, int64_t value);
  void Bool(std::string_view key, bool value);
  // An RFC 3339 string with the fraction the timestamp has (STIX timestamp properties).
  void Time(std::string_view key, Timestamp value);
  void Reference(std::string_view key, Ref ref);
  void References(std::string_view key, std::span<const Ref> refs);  // kNoRef entries skipped
  void Strings(std::string_view key, std::span<const std::string_view> values);
  // Whether a member `key` written now would be kept (not dropped by the property filter or
  // inside a skipped nested object): adapters ask before deriving a costly value (a lowered
  // list) that would only be dropped. Writing it anyway is never wrong. Not a reason to leave a
  // field unread: reading a field is what checks its type.
  bool Wants(std::string_view key) const { return !Skip(key); }
  // Ends the top-level object and adds it to the observation. Returns kNoRef, adding nothing,
  // when the object has no member but its type, or when a limit dropped it.
  Ref End();

 private:
  struct Member {
    uint32_t key_offset;  // into keys_
    uint32_t key_length;
    ValueStore::Id value;
  };
  struct Frame {
    size_t first_member;  // into members_
    uint32_t key_offset;  // this frame's key in its parent (unused for the top level)
    uint32_t key_length;
    BuilderSink::Cursor cursor = BuilderSink::kNone;  // probe mode
  };
  // Probe mode: the objects so far, by Ref (strings in probe_text_).
  struct ProbeObject {
    uint32_t type_offset;
    uint32_t type_length;
    uint32_t value_offset;  // the first top-level "value", when a string
    uint32_t value_length;
    bool simple;
    bool has_ipv4 = false;  // the value is a dotted-quad IPv4 address: these are its bytes
    uint8_t ipv4[4] = {0, 0, 0, 0};
  };
  // `ipv4`: the 4 bytes of `value` when it is a dotted-quad IPv4 address, or null.
  Ref AddValueObject(std::string_view type, std::string_view value, const uint8_t* ipv4 = nullptr);
  void SetKeyText(Ref ref);  // key_text_ = the decimal key of `ref` ("0", "1", ...)
  bool Room(size_t bytes);
  void AddMember(std::string_view key, ValueStore::Id value);
  ValueStore::Id CloseFrame();
  size_t ObjectCount() const {
    return probe_ != nullptr ? probe_objects_.size() : out_->objects().size();
  }
  // Probe mode: records an object, returning its Ref.
  Ref AddProbeObject(std::string_view type, std::string_view value, bool simple);
  // Probe mode: the cursor of member `key` of the innermost open object.
  BuilderSink::Cursor MemberCursor(std::string_view key) {
    const BuilderSink::Cursor c = frames_.back().cursor;
    return c == BuilderSink::kNone ? c : probe_->Member(c, key);
  }
  void ProbeScalar(std::string_view key, const BuilderSink::Value& value);
  BuilderSink::Target TargetOf(Ref ref) const;

  // True when the member `key` of the object under construction is not to be written.
  bool Skip(std::string_view key) const {
    return skip_depth_ > 0 || (filter_ != nullptr && frames_.size() == 1 && !rule_.Wants(key));
  }

  Observation* out_;
  Limits limits_;
  const PropertyFilter* filter_ = nullptr;
  PropertyFilter::TypeRule rule_;  // of the object under construction
  int skip_depth_ = 0;             // nested objects being skipped
  bool truncated_ = false;
  size_t value_bytes_ = 0;
  std::string keys_;             // member keys of the objects under construction
  std::vector<Member> members_;  // of every open frame, innermost last
  std::vector<Frame> frames_;    // open objects, top level first
  std::vector<std::pair<std::string_view, ValueStore::Id>> scratch_members_;
  std::vector<ValueStore::Id> scratch_ids_;
  std::string scratch_text_;
  std::string key_text_;
  BuilderSink* probe_ = nullptr;
  std::vector<ProbeObject> probe_objects_;
  std::string probe_text_;
  std::string probe_type_;   // of the composite object under construction
  std::string probe_value_;  // its first top-level "value", when a string
  bool probe_value_is_string_ = false;
  bool probe_value_seen_ = false;
  bool probe_second_is_value_ = false;  // its second top-level member is "value"
  std::vector<Ref> scratch_refs_;
};

}  // namespace concord::observe
