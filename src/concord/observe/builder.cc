#include "concord/observe/builder.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "concord/base/ascii.h"
#include "concord/base/bytes.h"
#include "concord/base/ipv4.h"

namespace concord::observe {
namespace {

bool Absent(std::string_view s) { return s.empty() || s == "-" || s == "(empty)"; }

}  // namespace

void ObservationBuilder::SetKeyText(Ref ref) {
  char digits[16];
  const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, ref);
  key_text_.assign(digits, end);
}

ObservationBuilder::ObservationBuilder(Observation* out, Limits limits)
    : out_(out), limits_(limits) {}

void ObservationBuilder::Reset(Timestamp time) {
  out_->Clear();
  out_->first_observed = time;
  out_->last_observed = time;
  truncated_ = false;
  value_bytes_ = 0;
  keys_.clear();
  members_.clear();
  frames_.clear();
  probe_objects_.clear();
  probe_text_.clear();
}

ObservationBuilder::Ref ObservationBuilder::AddProbeObject(std::string_view type,
                                                           std::string_view value, bool simple) {
  ProbeObject o;
  o.type_offset = static_cast<uint32_t>(probe_text_.size());
  o.type_length = static_cast<uint32_t>(type.size());
  probe_text_.append(type);
  o.value_offset = static_cast<uint32_t>(probe_text_.size());
  o.value_length = static_cast<uint32_t>(value.size());
  probe_text_.append(value);
  o.simple = simple;
  probe_objects_.push_back(o);
  return static_cast<Ref>(probe_objects_.size() - 1);
}

BuilderSink::Target ObservationBuilder::TargetOf(Ref ref) const {
  const ProbeObject& o = probe_objects_[ref];
  const std::string_view text(probe_text_);
  return BuilderSink::Target{text.substr(o.type_offset, o.type_length),
                             text.substr(o.value_offset, o.value_length), o.simple,
                             o.has_ipv4 ? o.ipv4 : nullptr};
}

std::string_view ObservationBuilder::ValueOf(Ref ref) const {
  if (ref == kNoRef || ref >= ObjectCount()) return {};
  if (probe_ != nullptr) return TargetOf(ref).value;
  const ValueStore& store = out_->values;
  const std::optional<ValueStore::Id> v = store.Find(out_->objects()[ref].value, "value");
  if (!v || store.kind(*v) != ValueKind::kString) return {};
  return store.string_value(*v);
}

void ObservationBuilder::ProbeScalar(std::string_view key, const BuilderSink::Value& value) {
  const BuilderSink::Cursor c = MemberCursor(key);
  if (c != BuilderSink::kNone) probe_->Scalar(c, value, false);
}

bool ObservationBuilder::Room(size_t bytes) {
  if (value_bytes_ + bytes > limits_.max_value_bytes) {
    truncated_ = true;
    return false;
  }
  value_bytes_ += bytes;
  return true;
}

ObservationBuilder::Ref ObservationBuilder::AddValueObject(std::string_view type,
                                                           std::string_view value,
                                                           const uint8_t* ipv4) {
  if (probe_ != nullptr) {
    const char* text = probe_text_.data();
    for (size_t i = 0; i < probe_objects_.size(); ++i) {
      const ProbeObject& o = probe_objects_[i];
      // Lengths first: most objects of an event differ in them, and then no bytes are compared.
      if (o.simple && o.value_length == value.size() && o.type_length == type.size() &&
          SameBytes(text + o.value_offset, value.data(), value.size()) &&
          SameBytes(text + o.type_offset, type.data(), type.size())) {
        return static_cast<Ref>(i);
      }
    }
    if (probe_objects_.size() >= limits_.max_objects || !Room(type.size() + value.size() + 16)) {
      truncated_ = true;
      return kNoRef;
    }
    const Ref ref = AddProbeObject(type, value, true);
    if (ipv4 != nullptr) {
      ProbeObject& o = probe_objects_[ref];
      o.has_ipv4 = true;
      std::memcpy(o.ipv4, ipv4, 4);
    }
    probe_->SimpleObject(type, value, ipv4);
    return ref;
  }
  const ValueStore& store = out_->values;
  const std::span<const ObservedObject> objects = out_->objects();
  for (size_t i = 0; i < objects.size(); ++i) {
    if (objects[i].type != type) continue;
    // Simple objects are written as {type, value}: member 1 is the value.
    const ValueStore::Id object = objects[i].value;
    if (store.size(object) == 2 && store.member_key(object, 1) == "value" &&
        store.string_value(store.member_value(object, 1)) == value) {
      return static_cast<Ref>(i);
    }
  }
  if (objects.size() >= limits_.max_objects || !Room(type.size() + value.size() + 16)) {
    truncated_ = true;
    return kNoRef;
  }
  ValueStore& v = out_->values;
  const ValueStore::Id t = v.AddString(type);
  const ValueStore::Id s = v.AddString(value);
  const std::pair<std::string_view, ValueStore::Id> members[] = {{"type", t}, {"value", s}};
  const ValueStore::Id object = v.AddObject(members);
  const Ref ref = static_cast<Ref>(objects.size());
  SetKeyText(ref);
  out_->AppendObject(key_text_, type, object);
  return ref;
}

ObservationBuilder::Ref ObservationBuilder::AddAddress(std::string_view text) {
  if (text.size() < 2 || text.size() > 63) return kNoRef;
  // A dotted quad first: most addresses are, and telling costs less than looking for a ':'.
  uint8_t bytes4[4];
  if (ParseIpv4(text, bytes4)) {
    return AddValueObject("ipv4-addr", text, bytes4);  // canonical, as inet_pton accepts it
  }
  if (text.find(':') == std::string_view::npos) return kNoRef;
  char buffer[64];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  unsigned char bytes[16];
  if (char* zone = std::strchr(buffer, '%')) *zone = '\0';
  if (inet_pton(AF_INET6, buffer, bytes) != 1) return kNoRef;
  static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(bytes, kMapped, sizeof kMapped) == 0) {  // ::ffff:a.b.c.d is IPv4
    char v4[INET_ADDRSTRLEN];
    if (inet_ntop(AF_INET, bytes + 12, v4, sizeof v4) == nullptr) return kNoRef;
    return AddValueObject("ipv4-addr", v4);
  }
  char canonical[INET6_ADDRSTRLEN];
  if (inet_ntop(AF_INET6, bytes, canonical, sizeof canonical) == nullptr) return kNoRef;
  return AddValueObject("ipv6-addr", canonical);
}

ObservationBuilder::Ref ObservationBuilder::AddDomainName(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (Absent(name) || name.size() > 253) return kNoRef;
  const Ref address = AddAddress(name);
  if (address != kNoRef) return address;
  scratch_text_.assign(name);
  for (char& c : scratch_text_) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '/' || c == '@' || c == '\\') return kNoRef;
    c = AsciiLower(c);
  }
  return AddValueObject("domain-name", scratch_text_);
}

ObservationBuilder::Ref ObservationBuilder::AddHost(std::string_view host) {
  if (Absent(host)) return kNoRef;
  if (host.front() == '[') {  // [v6]:port or [v6]
    const size_t close = host.find(']');
    if (close == std::string_view::npos) return kNoRef;
    return AddAddress(host.substr(1, close - 1));
  }
  const size_t colon = host.find(':');
  if (colon != std::string_view::npos && host.find(':', colon + 1) == std::string_view::npos) {
    host = host.substr(0, colon);  // name:port or v4:port (a bare IPv6 has several colons)
  }
  return AddDomainName(host);
}

ObservationBuilder::Ref ObservationBuilder::AddUrl(std::string_view url) {
  if (Absent(url)) return kNoRef;
  return AddValueObject("url", url);
}

ObservationBuilder::Ref ObservationBuilder::AddEmailAddress(std::string_view address) {
  const size_t open = address.rfind('<');
  if (open != std::string_view::npos) {
    const size_t close = address.find('>', open);
    if (close == std::string_view::npos) return kNoRef;
    address = address.substr(open + 1, close - open - 1);
  }
  while (!address.empty() && (address.front() == ' ' || address.front() == '\t')) {
    address.remove_prefix(1);
  }
  while (!address.empty() && (address.back() == ' ' || address.back() == '\t')) {
    address.remove_suffix(1);
  }
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size() || address.size() > 320) {
    return kNoRef;
  }
  scratch_text_.assign(address);
  for (size_t i = 0; i < scratch_text_.size(); ++i) {
    const unsigned char u = static_cast<unsigned char>(scratch_text_[i]);
    if (u <= 0x20 || u == 0x7f) return kNoRef;
    if (i > at) scratch_text_[i] = AsciiLower(scratch_text_[i]);
  }
  return AddValueObject("email-addr", scratch_text_);
}

ObservationBuilder::Ref ObservationBuilder::AddMacAddress(std::string_view mac) {
  if (mac.size() != 17) return kNoRef;
  scratch_text_.assign(mac);
  for (size_t i = 0; i < 17; ++i) {
    char& c = scratch_text_[i];
    if (i % 3 == 2) {
      if (c != ':' && c != '-') return kNoRef;
      c = ':';
    } else {
      c = AsciiLower(c);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return kNoRef;
    }
  }
  return AddValueObject("mac-addr", scratch_text_);
}

ObservationBuilder::Ref ObservationBuilder::AddSimple(std::string_view type,
                                                      std::string_view value) {
  if (Absent(value) || type.empty()) return kNoRef;
  return AddValueObject(type, value);
}

void ObservationBuilder::AddMember(std::string_view key, ValueStore::Id value) {
  if (probe_ != nullptr) {  // only counted: keys are not needed, what End asks is noted
    if (frames_.size() == 1) {
      if (key == "value") probe_value_seen_ = true;
      if (members_.size() == 1) probe_second_is_value_ = key == "value";
    }
    members_.push_back(Member{0, 0, value});
    return;
  }
  const uint32_t offset = static_cast<uint32_t>(keys_.size());
  keys_.append(key);
  members_.push_back(Member{offset, static_cast<uint32_t>(key.size()), value});
}

void ObservationBuilder::Begin(std::string_view type) {
  frames_.clear();
  members_.clear();
  keys_.clear();
  skip_depth_ = 0;
  if (filter_ != nullptr) rule_ = filter_->Rule(type);
  value_bytes_ += type.size();
  if (probe_ != nullptr) {
    probe_type_.assign(type);
    probe_value_.clear();
    probe_value_is_string_ = false;
    probe_value_seen_ = false;
    probe_second_is_value_ = false;
    frames_.push_back(Frame{0, 0, 0, probe_->Object(type)});
    AddMember("type", 0);
    ProbeScalar("type", BuilderSink::Value{ValueKind::kString, type, 0});
    return;
  }
  frames_.push_back(Frame{0, 0, 0});
  AddMember("type", out_->values.AddString(type));
}

void ObservationBuilder::BeginObject(std::string_view key) {
  if (Skip(key)) {
    ++skip_depth_;
    return;
  }
  if (probe_ != nullptr) {
    frames_.push_back(Frame{members_.size(), 0, 0, MemberCursor(key)});
    return;
  }
  const uint32_t offset = static_cast<uint32_t>(keys_.size());
  keys_.append(key);
  frames_.push_back(Frame{members_.size(), offset, static_cast<uint32_t>(key.size())});
}

ValueStore::Id ObservationBuilder::CloseFrame() {
  const Frame frame = frames_.back();
  frames_.pop_back();
  if (probe_ != nullptr) {
    members_.resize(frame.first_member);
    return 0;
  }
  scratch_members_.clear();
  for (size_t i = frame.first_member; i < members_.size(); ++i) {
    const Member& m = members_[i];
    scratch_members_.emplace_back(std::string_view(keys_).substr(m.key_offset, m.key_length),
                                  m.value);
  }
  members_.resize(frame.first_member);
  return out_->values.AddObject(scratch_members_);
}

void ObservationBuilder::EndObject() {
  if (skip_depth_ > 0) {
    --skip_depth_;
    return;
  }
  const Frame frame = frames_.back();
  if (members_.size() == frame.first_member) {  // empty: not written
    frames_.pop_back();
    return;
  }
  const ValueStore::Id object = CloseFrame();
  if (probe_ != nullptr && frames_.size() == 1 && members_.size() == 1) {
    probe_second_is_value_ = false;  // a nested object: never a {type, value} object
  }
  members_.push_back(Member{frame.key_offset, frame.key_length, object});
}

void ObservationBuilder::String(std::string_view key, std::string_view value) {
  if (Skip(key)) return;
  if (!Room(key.size() + value.size())) return;
  if (probe_ != nullptr) {
    if (frames_.size() == 1 && key == "value" && !probe_value_seen_) {
      probe_value_.assign(value);  // for End and ValueOf, as Find("value") reads it when built
      probe_value_is_string_ = true;
    }
    AddMember(key, 0);
    ProbeScalar(key, BuilderSink::Value{ValueKind::kString, value, 0});
    return;
  }
  AddMember(key, out_->values.AddString(value));
}

void ObservationBuilder::OptionalString(std::string_view key, std::string_view value) {
  if (Skip(key)) return;
  if (!Absent(value)) String(key, value);
}

void ObservationBuilder::Int(std::string_view key, int64_t value) {
  if (Skip(key)) return;
  if (!Room(key.size() + 8)) return;
  if (probe_ != nullptr) {
    AddMember(key, 0);
    ProbeScalar(key, BuilderSink::Value{ValueKind::kInt, {}, value});
    return;
  }
  AddMember(key, out_->values.AddInt(value));
}

void ObservationBuilder::Bool(std::string_view key, bool value) {
  if (Skip(key)) return;
  if (!Room(key.size() + 1)) return;
  if (probe_ != nullptr) {
    AddMember(key, 0);
    ProbeScalar(key, BuilderSink::Value{ValueKind::kBool, {}, value ? 1 : 0});
    return;
  }
  AddMember(key, out_->values.AddBool(value));
}

void ObservationBuilder::Time(std::string_view key, Timestamp value) {
  if (Skip(key)) return;
  const int digits = value.nanos % 1000000 == 0 ? 3 : value.nanos % 1000 == 0 ? 6 : 9;
  char text[kMaxFormattedTimestamp];
  String(key, std::string_view(text, FormatTimestampInto(value, digits, text)));
}

void ObservationBuilder::Reference(std::string_view key, Ref ref) {
  if (Skip(key)) return;
  if (ref == kNoRef) return;
  SetKeyText(ref);
  if (probe_ == nullptr) {
    String(key, key_text_);
    return;
  }
  if (!Room(key.size() + key_text_.size())) return;
  AddMember(key, 0);
  const BuilderSink::Cursor c = MemberCursor(key);
  if (c != BuilderSink::kNone) probe_->Reference(c, key_text_, TargetOf(ref), false);
}

void ObservationBuilder::References(std::string_view key, std::span<const Ref> refs) {
  if (Skip(key)) return;
  if (probe_ != nullptr) {
    scratch_refs_.clear();
    for (Ref r : refs) {
      if (r == kNoRef) continue;
      SetKeyText(r);
      if (!Room(key_text_.size())) break;
      scratch_refs_.push_back(r);
    }
    if (scratch_refs_.empty() || !Room(key.size())) return;
    AddMember(key, 0);
    const BuilderSink::Cursor c = MemberCursor(key);
    if (c == BuilderSink::kNone) return;
    for (Ref r : scratch_refs_) {
      SetKeyText(r);
      probe_->Reference(c, key_text_, TargetOf(r), true);
    }
    return;
  }
  scratch_ids_.clear();
  for (Ref r : refs) {
    if (r == kNoRef) continue;
    SetKeyText(r);
    if (!Room(key_text_.size())) break;
    scratch_ids_.push_back(out_->values.AddString(key_text_));
  }
  if (scratch_ids_.empty() || !Room(key.size())) return;
  AddMember(key, out_->values.AddArray(scratch_ids_));
}

void ObservationBuilder::Strings(std::string_view key, std::span<const std::string_view> values) {
  if (Skip(key)) return;
  if (probe_ != nullptr) {
    size_t n = 0;
    while (n < values.size() && Room(values[n].size())) ++n;
    if (n == 0 || !Room(key.size())) return;
    AddMember(key, 0);
    const BuilderSink::Cursor c = MemberCursor(key);
    if (c == BuilderSink::kNone) return;
    for (size_t i = 0; i < n; ++i) {
      probe_->Scalar(c, BuilderSink::Value{ValueKind::kString, values[i], 0}, true);
    }
    return;
  }
  scratch_ids_.clear();
  for (std::string_view s : values) {
    if (!Room(s.size())) break;
    scratch_ids_.push_back(out_->values.AddString(s));
  }
  if (scratch_ids_.empty() || !Room(key.size())) return;
  AddMember(key, out_->values.AddArray(scratch_ids_));
}

ObservationBuilder::Ref ObservationBuilder::End() {
  skip_depth_ = 0;
  while (frames_.size() > 1) EndObject();  // forgiving: close what the adapter left open
  if (frames_.empty()) return kNoRef;
  if (frames_.size() == 1 && members_.size() == 1) {  // only "type": nothing was observed
    frames_.clear();
    members_.clear();
    return kNoRef;
  }
  if (probe_ != nullptr) {
    // As built, an object of exactly {type, value} with a string value is one AddValueObject
    // finds again.
    const bool simple = members_.size() == 2 && probe_second_is_value_ && probe_value_is_string_;
    CloseFrame();
    if (probe_objects_.size() >= limits_.max_objects) {
      truncated_ = true;
      return kNoRef;
    }
    return AddProbeObject(probe_type_, probe_value_is_string_ ? std::string_view(probe_value_) : "",
                          simple);
  }
  // The type is member 0 of the top frame; copied, as CloseFrame may move the store's text.
  scratch_text_.assign(out_->values.string_value(members_.front().value));
  const ValueStore::Id object = CloseFrame();
  if (out_->objects().size() >= limits_.max_objects) {
    truncated_ = true;
    return kNoRef;
  }
  const Ref ref = static_cast<Ref>(out_->objects().size());
  SetKeyText(ref);
  out_->AppendObject(key_text_, scratch_text_, object);
  return ref;
}

}  // namespace concord::observe
