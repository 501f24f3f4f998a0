#include "concord/observe/observation.h"

#include <gtest/gtest.h>

#include <string>

namespace concord::observe {
namespace {

TEST(ObservationTest, FindsObjectsByKeyBelowAndAboveTheLinearLimit) {
  Observation o;
  for (int i = 0; i < 40; ++i) {
    const ValueStore::Id v = o.values.AddString("x");
    ASSERT_TRUE(o.AddObject(std::to_string(i), "artifact", v));
    // Every key added so far is found, and a duplicate is refused, at every size.
    for (int j = 0; j <= i; ++j) {
      const ObservedObject* found = o.FindObject(std::to_string(j));
      ASSERT_NE(found, nullptr) << i << " " << j;
      EXPECT_EQ(found->key, std::to_string(j));
    }
    EXPECT_FALSE(o.AddObject(std::to_string(i / 2), "artifact", v));
    EXPECT_EQ(o.FindObject("missing"), nullptr);
  }
  EXPECT_EQ(o.objects().size(), 40u);
}

TEST(ObservationTest, ClearForgetsEverythingAndReusesMemory) {
  Observation o;
  o.id = "observed-data--1";
  o.number_observed = 7;
  o.first_observed = Timestamp{100, 0};
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(o.AddObject(std::to_string(i), "x509-certificate", o.values.AddString("v")));
  }
  o.Clear();
  EXPECT_EQ(o.id, "");
  EXPECT_EQ(o.number_observed, 1);
  EXPECT_EQ(o.first_observed, Timestamp{});
  EXPECT_TRUE(o.objects().empty());
  EXPECT_EQ(o.values.memory_bytes(), 0u);
  EXPECT_EQ(o.FindObject("3"), nullptr);
  // Keys used before the clear are free again, below and above the linear limit.
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(o.AddObject(std::to_string(i), "file", o.values.AddString("w")));
  }
  ASSERT_NE(o.FindObject("19"), nullptr);
  EXPECT_EQ(o.FindObject("19")->type, "file");
}

}  // namespace
}  // namespace concord::observe
