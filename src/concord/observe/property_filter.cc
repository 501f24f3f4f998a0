#include "concord/observe/property_filter.h"

#include <algorithm>

namespace concord::observe {

void PropertyFilter::AddUnique(std::vector<std::string>* list, std::string_view property) {
  if (std::find(list->begin(), list->end(), property) == list->end()) {
    list->emplace_back(property);
  }
}

void PropertyFilter::Allow(std::string_view type, std::string_view property) {
  auto it = by_type_.find(type);
  if (it == by_type_.end())
    it = by_type_.emplace(std::string(type), std::vector<std::string>()).first;
  AddUnique(&it->second, property);
}

void PropertyFilter::AllowOnAnyType(std::string_view property) { AddUnique(&any_, property); }

PropertyFilter::TypeRule PropertyFilter::Rule(std::string_view type) const {
  TypeRule rule;
  auto it = by_type_.find(type);
  if (it != by_type_.end()) rule.own = &it->second;
  rule.any = &any_;
  return rule;
}

bool PropertyFilter::TypeRule::Wants(std::string_view property) const {
  if (property == "type") return true;
  auto in = [&](const std::vector<std::string>* list) {
    if (list == nullptr) return false;
    for (const std::string& p : *list) {
      if (p.size() == property.size() && p == property) return true;
    }
    return false;
  };
  return in(own) || in(any);
}

}  // namespace concord::observe
