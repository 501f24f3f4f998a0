#pragma once

// Which properties of which object types some pattern can read, so that adapters need not write
// the others. A scan against 100,000 indicators typically reads a handful of properties of a
// handful of types; a Zeek conn event has a dozen. The compiled indicators (detect) make the
// filter; ObservationBuilder applies it to composite objects' top-level members. Simple
// objects ({type, value}) and the "type" member are always written.
//
// Immutable once built; shared by every thread.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace concord::observe {

class PropertyFilter {
 public:
  // Keeps `property` on objects of `type` (the first property of a path "type:property...").
  void Allow(std::string_view type, std::string_view property);
  // Keeps `property` on objects of every type: the properties a path reads past a reference
  // ("network-traffic:dst_ref.value": "value"), whose target's type is known only per event.
  void AllowOnAnyType(std::string_view property);

  // The properties kept on objects of `type`, for TypeRule; looked up once per object.
  struct TypeRule {
    const std::vector<std::string>* own = nullptr;  // Allow(type, ...), or null
    const std::vector<std::string>* any = nullptr;  // AllowOnAnyType(...)
    // The Bit() of every property kept: most properties not kept are told by one AND.
    uint64_t bits = ~uint64_t{0};
    bool Wants(std::string_view property) const {
      // Inline: most members an adapter offers are not kept, and one AND says so.
      return (bits & Bit(property)) != 0 && Listed(property);
    }

   private:
    bool Listed(std::string_view property) const;  // "type", or in `own` or `any`
  };
  TypeRule Rule(std::string_view type) const;

  // One of 64 bits chosen by `property`'s length and end bytes.
  static uint64_t Bit(std::string_view property) {
    if (property.empty()) return 1;
    const unsigned mix = static_cast<unsigned>(property.size()) * 7 +
                         static_cast<unsigned char>(property.front()) * 3 +
                         static_cast<unsigned char>(property.back());
    return uint64_t{1} << (mix & 63);
  }

 private:
  static void AddUnique(std::vector<std::string>* list, std::string_view property);
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  // A few types (the usual case) are found by comparing names, which beats hashing; more by
  // `index_`. Both are complete: `types_` holds every type Allow() named, in order.
  static constexpr size_t kMaxCompared = 16;
  struct Type {
    std::string name;
    std::vector<std::string> properties;
    uint64_t bits = 0;  // of `properties`
  };
  std::vector<Type> types_;
  std::unordered_map<std::string, size_t, Hash, std::equal_to<>> index_;  // type -> types_ entry
  std::vector<std::string> any_;
  uint64_t any_bits_ = Bit("type");  // of any_, and "type"
};

}  // namespace concord::observe
