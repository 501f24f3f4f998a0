#pragma once

// The observation model: what telemetry adapters (ingest) produce and pattern evaluators read.
// An observation is one STIX observed-data with its cyber-observable objects, however it
// arrived: from a STIX bundle (pattern/observation_reader.h) or from one log event
// (ingest, through builder.h). The reference evaluator and the compiled engine both read this
// model, so a difference between them is never a difference in input handling.
//
// Object values are JSON, held in a ValueStore: a flat tree (no pointers, no recursion to
// destroy) that needs no JSON library to read. Both are reusable: Clear() keeps their memory, so
// a scanner that maps millions of events into one Observation allocates only while it grows.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "concord/base/timestamp.h"

namespace concord::observe {

enum class ValueKind : uint8_t { kNull, kBool, kInt, kFloat, kString, kArray, kObject };

// JSON values stored flat. Values are added bottom-up (children before their container) and
// never change until Clear(). Integers that fit int64 are kInt; other numbers (fractions,
// exponents, integers beyond int64) are kFloat. Object members keep their input order; a duplicated
// key is kept twice and Find returns the first. Not thread-safe to build; safe to read from many
// threads.
class ValueStore {
 public:
  using Id = uint32_t;

  // Builders. Each returns the new value's Id. REQUIRES: every Id passed in came from this
  // store. Strings are copied.
  Id AddNull();
  Id AddBool(bool value);
  Id AddInt(int64_t value);
  Id AddFloat(double value);
  Id AddString(std::string_view value);
  Id AddArray(std::span<const Id> elements);
  Id AddObject(std::span<const std::pair<std::string_view, Id>> members);

  // Readers. REQUIRES: `id` came from this store and, for the typed readers, has that kind
  // (kind(id) == kBool for bool_value, and so on).
  ValueKind kind(Id id) const { return nodes_[id].kind; }
  bool bool_value(Id id) const { return nodes_[id].int_value != 0; }
  int64_t int_value(Id id) const { return nodes_[id].int_value; }
  double float_value(Id id) const { return nodes_[id].float_value; }
  std::string_view string_value(Id id) const;
  // Elements of an array or members of an object.
  size_t size(Id id) const { return nodes_[id].length; }
  Id element(Id array, size_t i) const { return children_[nodes_[array].offset + i].value; }
  std::string_view member_key(Id object, size_t i) const;
  Id member_value(Id object, size_t i) const { return element(object, i); }
  // The value of the first member of `object` named `key`; nullopt when there is none or
  // `object` is not an object.
  std::optional<Id> Find(Id object, std::string_view key) const;

  // Bytes held (for limits).
  size_t memory_bytes() const;

  // Removes every value, keeping the memory for reuse. Invalidates every Id.
  void Clear();

 private:
  struct Node {
    ValueKind kind;
    uint32_t offset = 0;  // kString: into text_; kArray, kObject: into children_
    uint32_t length = 0;  // kString: bytes; kArray, kObject: elements or members
    union {
      int64_t int_value = 0;  // kBool (0 or 1), kInt
      double float_value;     // kFloat
    };
  };
  struct Child {
    uint32_t key_offset = 0;  // into text_ (objects only)
    uint32_t key_length = 0;
    Id value = 0;
  };
  // Appends a node, written in place (inline: adapters add a few dozen values per event, and
  // building a Node elsewhere and copying it stalls on store forwarding).
  Id Push(ValueKind kind, uint32_t offset, uint32_t length, int64_t int_value) {
    Node& n = nodes_.emplace_back();
    n.kind = kind;
    n.offset = offset;
    n.length = length;
    n.int_value = int_value;
    return static_cast<Id>(nodes_.size() - 1);
  }
  uint32_t AddText(std::string_view s);

  std::vector<Node> nodes_;
  std::vector<Child> children_;
  std::string text_;
};

// One cyber-observable object of an observation.
struct ObservedObject {
  // What references use to name it: the key in a STIX 2.0 "objects" dictionary ("0", "1", ...)
  // or the STIX 2.1 identifier ("file--<UUID>").
  std::string key;
  std::string type;          // its "type" property
  ValueStore::Id value = 0;  // the object itself (a kObject) in Observation::values
};

// One observed-data: STIX 2.1 section 4.14 (2.0: part 2, section 2.13). It stands for
// `number_observed` observations (sightings), all made within [first_observed, last_observed].
class Observation {
 public:
  std::string id;  // the observed-data's id, "" when it had none; for messages
  Timestamp first_observed;
  Timestamp last_observed;
  int64_t number_observed = 1;
  ValueStore values;  // the JSON of all objects

  // Adds an object (already in `values`). Keys are unique: a second object with the same key is
  // not added and AddObject returns false. Strings are copied.
  bool AddObject(std::string_view key, std::string_view type, ValueStore::Id value);
  // AddObject without the uniqueness check, for callers that make keys unique themselves
  // (ObservationBuilder). REQUIRES: no object of this observation has `key`.
  void AppendObject(std::string_view key, std::string_view type, ValueStore::Id value);

  // The objects that object paths start from, in input order: for STIX 2.0 every entry of
  // "objects"; for STIX 2.1 the objects of object_refs and every object they reference,
  // directly or through others. Valid until the next AddObject or Clear.
  std::span<const ObservedObject> objects() const { return {objects_.data(), count_}; }

  // The object `key` names (a reference's value), or nullptr.
  const ObservedObject* FindObject(std::string_view key) const;

  // Makes this an empty observation (no id, no objects, number_observed 1, times zero), keeping
  // the memory of its strings, objects and values for reuse.
  void Clear();

 private:
  // Observations of a few objects (every log event) are searched linearly; past this many
  // objects, by_key_ indexes them.
  static constexpr size_t kLinearObjects = 16;
  size_t IndexOf(std::string_view key) const;  // count_ when absent

  std::vector<ObservedObject> objects_;  // [0, count_) in use; the rest kept for reuse
  size_t count_ = 0;
  std::map<std::string, size_t, std::less<>> by_key_;  // only when count_ > kLinearObjects
};

}  // namespace concord::observe
