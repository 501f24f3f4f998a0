#include "concord/pattern/engine/key_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace concord::pattern::engine {
namespace {

std::vector<uint32_t> Find(const KeyTable& t, uint32_t slot, uint8_t kind, std::string_view key) {
  std::span<const uint32_t> s = t.Find(slot, kind, key);
  return std::vector<uint32_t>(s.begin(), s.end());
}

TEST(KeyTableTest, EmptyTableFindsNothing) {
  KeyTable::Builder b;
  KeyTable t = b.Build(1);
  EXPECT_TRUE(Find(t, 0, 1, "a").empty());
  EXPECT_EQ(t.key_count(), 0u);
}

TEST(KeyTableTest, KeysAreSlotKindAndBytes) {
  KeyTable::Builder b;
  b.Add(0, 1, "a", 10);
  b.Add(0, 1, "a", 11);
  b.Add(0, 2, "a", 20);  // another kind
  b.Add(1, 1, "a", 30);  // another slot
  b.Add(0, 1, "", 40);   // the empty key
  b.Add(0, 1, std::string("a\0b", 3), 50);
  KeyTable t = b.Build(42);
  EXPECT_EQ(Find(t, 0, 1, "a"), (std::vector<uint32_t>{10, 11}));
  EXPECT_EQ(Find(t, 0, 2, "a"), (std::vector<uint32_t>{20}));
  EXPECT_EQ(Find(t, 1, 1, "a"), (std::vector<uint32_t>{30}));
  EXPECT_EQ(Find(t, 0, 1, ""), (std::vector<uint32_t>{40}));
  EXPECT_EQ(Find(t, 0, 1, std::string("a\0b", 3)), (std::vector<uint32_t>{50}));
  EXPECT_TRUE(Find(t, 0, 1, "b").empty());
  EXPECT_TRUE(Find(t, 2, 1, "a").empty());
  EXPECT_EQ(t.key_count(), 5u);
}

TEST(KeyTableTest, ManyKeysAllFound) {
  KeyTable::Builder b;
  for (uint32_t i = 0; i < 20000; ++i) b.Add(i % 3, 1, "key-" + std::to_string(i), i);
  KeyTable t = b.Build(7);
  for (uint32_t i = 0; i < 20000; ++i) {
    ASSERT_EQ(Find(t, i % 3, 1, "key-" + std::to_string(i)), (std::vector<uint32_t>{i}));
    ASSERT_TRUE(Find(t, (i + 1) % 3, 1, "key-" + std::to_string(i)).empty());
  }
  EXPECT_GT(t.memory_bytes(), 20000u * 8);
}

TEST(HashBytesTest, DependsOnSeedAndEveryByte) {
  EXPECT_NE(HashBytes("abc", 1), HashBytes("abc", 2));
  std::string s(40, 'x');
  const uint64_t h = HashBytes(s, 1);
  for (size_t i = 0; i < s.size(); ++i) {
    std::string t = s;
    t[i] = 'y';
    EXPECT_NE(HashBytes(t, 1), h) << i;
  }
  EXPECT_NE(HashBytes("", 1), HashBytes(std::string(1, '\0'), 1));
}

}  // namespace
}  // namespace concord::pattern::engine
