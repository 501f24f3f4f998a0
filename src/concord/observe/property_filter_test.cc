#include "concord/observe/property_filter.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace concord::observe {
namespace {

// Wants is what the filter was told, exactly, whether types are few (compared by name) or many
// (hashed), for known and unknown types, and whatever the properties' bits share.
TEST(PropertyFilterTest, WantsExactlyWhatWasAllowed) {
  std::mt19937 rng(11);
  auto name = [&](size_t max_length) {
    std::string s(1 + rng() % max_length, 'a');
    for (char& c : s) c = "abcdefghijklmnopqrstuvwxyz_-"[rng() % 28];
    return s;
  };
  for (size_t type_count : {3, 16, 17, 60}) {
    PropertyFilter filter;
    std::vector<std::string> types, properties;
    for (size_t i = 0; i < type_count; ++i) types.push_back("x-" + name(12));
    for (size_t i = 0; i < 200; ++i) properties.push_back(name(20));
    properties.push_back("type");
    std::set<std::pair<std::string, std::string>> allowed;
    std::set<std::string> any;
    for (int i = 0; i < 300; ++i) {
      const std::string& t = types[rng() % types.size()];
      const std::string& p = properties[rng() % properties.size()];
      filter.Allow(t, p);
      allowed.emplace(t, p);
    }
    for (int i = 0; i < 5; ++i) {
      const std::string& p = properties[rng() % properties.size()];
      filter.AllowOnAnyType(p);
      any.insert(p);
    }
    types.push_back("x-never-allowed");
    for (const std::string& t : types) {
      const PropertyFilter::TypeRule rule = filter.Rule(t);
      for (const std::string& p : properties) {
        const bool expected = p == "type" || any.count(p) > 0 || allowed.count({t, p}) > 0;
        EXPECT_EQ(rule.Wants(p), expected) << type_count << " types: " << t << " " << p;
      }
    }
  }
}

}  // namespace
}  // namespace concord::observe
