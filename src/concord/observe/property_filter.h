#pragma once

// Which properties of which object types some pattern can read, so that adapters need not write
// the others. A scan against 100,000 indicators typically reads a handful of properties of a
// handful of types; a Zeek conn event has a dozen. The compiled indicators (detect) make the
// filter; ObservationBuilder applies it to composite objects' top-level members. Simple
// objects ({type, value}) and the "type" member are always written.
//
// Immutable once built; shared by every thread.

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
    bool Wants(std::string_view property) const;
  };
  TypeRule Rule(std::string_view type) const;

 private:
  static void AddUnique(std::vector<std::string>* list, std::string_view property);
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, std::vector<std::string>, Hash, std::equal_to<>> by_type_;
  std::vector<std::string> any_;
};

}  // namespace concord::observe
