#include "concord/base/uuid.h"

#include <gtest/gtest.h>

#include <set>

#include "concord/base/hash.h"

namespace concord {
namespace {

TEST(UuidTest, ParseAndFormat) {
  auto u = ParseUuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->ToString(), "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  EXPECT_EQ(u->version(), 1);
  EXPECT_TRUE(u->IsRfc4122Variant());
}

TEST(UuidTest, RejectsMalformed) {
  EXPECT_FALSE(ParseUuid("6ba7b810-9dad-11d1-80b4-00c04fd430c").ok());
  EXPECT_FALSE(ParseUuid("6ba7b810x9dad-11d1-80b4-00c04fd430c8").ok());
  auto upper = ParseUuid("6BA7B810-9dad-11d1-80b4-00c04fd430c8");
  ASSERT_FALSE(upper.ok());
  EXPECT_NE(upper.status().message().find("character 1"), std::string::npos);
}

TEST(UuidTest, V5MatchesKnownValue) {
  // uuid.uuid5(uuid.NAMESPACE_DNS, "python.org") in Python's documentation.
  Uuid dns = *ParseUuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  EXPECT_EQ(UuidV5(dns, "python.org").ToString(), "886313e1-3b8a-5372-9b90-0c9aee199e5d");
}

TEST(UuidTest, V4IsRandomAndWellFormed) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    Uuid u = NewUuidV4();
    EXPECT_EQ(u.version(), 4);
    EXPECT_TRUE(u.IsRfc4122Variant());
    seen.insert(u.ToString());
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(HashTest, KnownDigests) {
  EXPECT_EQ(HexEncode(Sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace concord
