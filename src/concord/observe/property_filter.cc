#include "concord/observe/property_filter.h"

#include <algorithm>

#include "concord/base/bytes.h"

namespace concord::observe {

void PropertyFilter::AddUnique(std::vector<std::string>* list, std::string_view property) {
  if (std::find(list->begin(), list->end(), property) == list->end()) {
    list->emplace_back(property);
  }
}

void PropertyFilter::Allow(std::string_view type, std::string_view property) {
  auto [it, added] = index_.emplace(std::string(type), types_.size());
  if (added) types_.push_back(Type{.name = std::string(type), .properties = {}, .bits = 0});
  Type& t = types_[it->second];
  AddUnique(&t.properties, property);
  t.bits |= Bit(property);
}

void PropertyFilter::AllowOnAnyType(std::string_view property) {
  AddUnique(&any_, property);
  any_bits_ |= Bit(property);
}

PropertyFilter::TypeRule PropertyFilter::Rule(std::string_view type) const {
  TypeRule rule;
  rule.any = &any_;
  rule.bits = any_bits_;
  const Type* found = nullptr;
  if (types_.size() <= kMaxCompared) {
    for (const Type& t : types_) {
      if (SameBytes(t.name, type)) {
        found = &t;
        break;
      }
    }
  } else if (auto it = index_.find(type); it != index_.end()) {
    found = &types_[it->second];
  }
  if (found != nullptr) {
    rule.own = &found->properties;
    rule.bits |= found->bits;
  }
  return rule;
}

bool PropertyFilter::TypeRule::Listed(std::string_view property) const {
  if (SameBytes(property, "type")) return true;
  auto in = [&](const std::vector<std::string>* list) {
    if (list == nullptr) return false;
    for (const std::string& p : *list) {
      if (SameBytes(p, property)) return true;
    }
    return false;
  };
  return in(own) || in(any);
}

}  // namespace concord::observe
