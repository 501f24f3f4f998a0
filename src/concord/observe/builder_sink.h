#pragma once

// What an ObservationBuilder in probe mode reports instead of writing an observation: every
// value it would write, with where it would go, as it goes. The detection prefilter
// (pattern::engine::Matcher::write_sink) implements it to probe its indexes straight from
// the adapters' values, so that the many events no indicator can match are never built as STIX
// objects at all.
//
// Positions are cursors the sink hands out: Object() for a top-level object, Member() for a
// member of something a cursor names. kNone means that nothing at or below that place matters
// to the sink, and the builder then asks nothing more about it. The builder reports only what it
// would really write (after its limits, property filter and absent-value rules), except that a
// nested object is reported when it is opened, even if it ends up empty and unwritten.

#include <cstdint>
#include <string_view>

#include "concord/observe/observation.h"

namespace concord::observe {

class BuilderSink {
 public:
  using Cursor = uint32_t;
  static constexpr Cursor kNone = UINT32_MAX;

  // A scalar the builder writes: kString (`text`), kInt (`int_value`) or kBool (`int_value`, 0
  // or 1).
  struct Value {
    ValueKind kind = ValueKind::kString;
    std::string_view text;
    int64_t int_value = 0;
    // kString: when not null, `text` is a dotted-quad IPv4 address and these are its 4 bytes
    // (as ParseIpv4 reads them), so that the sink need not read it again.
    const uint8_t* ipv4 = nullptr;
  };
  // The object a reference names: its type, and its "value" when it is a simple object
  // ({type, value}); `simple` false for a composite object, whose members are not given.
  struct Target {
    std::string_view type;
    std::string_view value;
    bool simple = false;
    const uint8_t* ipv4 = nullptr;  // as Value::ipv4, for `value`
  };

  virtual ~BuilderSink() = default;

  // A top-level object of `type` begins (simple objects too, which then report their "type" and
  // "value" members).
  virtual Cursor Object(std::string_view type) = 0;
  // The member `key` of what `parent` names is written (a scalar, a list or a nested object).
  // REQUIRES: parent != kNone.
  virtual Cursor Member(Cursor parent, std::string_view key) = 0;
  // A scalar written at `at`: the member itself, or (`element`) one element of the list it is.
  virtual void Scalar(Cursor at, const Value& value, bool element) = 0;
  // A reference written at `at` (as the member, or an element of it): `key` is the text the
  // observation holds ("0", "1", ...), `target` the object it names.
  virtual void Reference(Cursor at, std::string_view key, const Target& target, bool element) = 0;
  // A simple object {type, value} is written (a few per event: addresses, names, URLs). This
  // default reports it call by call, as Object(type), then Member and Scalar for "type" and for
  // "value"; a sink may answer the whole of it at once, with the same effect.
  // `ipv4` as Value::ipv4, for `value`.
  virtual void SimpleObject(std::string_view type, std::string_view value, const uint8_t* ipv4) {
    const Cursor c = Object(type);
    if (c == kNone) return;
    if (const Cursor t = Member(c, "type"); t != kNone) {
      Scalar(t, Value{ValueKind::kString, type, 0, nullptr}, false);
    }
    if (const Cursor v = Member(c, "value"); v != kNone) {
      Scalar(v, Value{ValueKind::kString, value, 0, ipv4}, false);
    }
  }
};

}  // namespace concord::observe
