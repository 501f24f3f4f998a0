#include "concord/pattern/ip.h"

#include <gtest/gtest.h>

namespace concord::pattern {
namespace {

bool Contains(const char* outer, const char* inner) {
  std::optional<IpNetwork> o = ParseIpNetwork(outer);
  std::optional<IpNetwork> i = ParseIpNetwork(inner);
  EXPECT_TRUE(o.has_value()) << outer;
  EXPECT_TRUE(i.has_value()) << inner;
  return o && i && NetworkContains(*o, *i);
}

TEST(IpTest, Parses) {
  const char* valid[] = {"0.0.0.0",
                         "255.255.255.255",
                         "198.51.100.1/32",
                         "10.0.0.0/0",
                         "192.168.0.1/24",
                         "::",
                         "::1",
                         "1::",
                         "2001:db8::/32",
                         "2001:0db8:dead:beef:0000:0000:0000:0000/64",
                         "1:2:3:4:5:6:7:8",
                         "1:2:3:4:5:6:7::",
                         "::ffff:192.0.2.128",
                         "::ffff:192.0.2.128/120",
                         "FE80::ABCD/10",
                         "1:2:3:4:5:6:1.2.3.4"};
  for (const char* s : valid) EXPECT_TRUE(ParseIpNetwork(s).has_value()) << s;
  const char* invalid[] = {"",
                           "1.2.3",
                           "1.2.3.4.5",
                           "256.1.1.1",
                           "01.2.3.4",
                           "1.2.3.4/33",
                           "1.2.3.4/",
                           "1.2.3.4/-1",
                           "1.2.3.4/08",
                           "a.b.c.d",
                           " 1.2.3.4",
                           "1::2::3",
                           ":1:2:3:4:5:6:7",
                           "1:2:3:4:5:6:7:8:9",
                           "1:2:3:4:5:6:7",
                           "12345::",
                           "::/129",
                           "fe80::1%eth0",
                           "1:2:3:4:5:6:7:8::",
                           "::1.2.3.4:5",
                           "1.2.3.4::",
                           "example.com",
                           "::g",
                           "1..2.3",
                           "1.2.3.",
                           ".1.2.3",
                           "1.2.3.1000",
                           "1.2.3.4 ",
                           "1:2:3:4:5:6:7:1.2.3.4",
                           "::1:2:3:4:5:6:7:8"};
  for (const char* s : invalid) EXPECT_FALSE(ParseIpNetwork(s).has_value()) << s;
  std::optional<IpNetwork> v4 = ParseIpNetwork("198.51.100.7");
  EXPECT_EQ(v4->family, 4);
  EXPECT_EQ(v4->prefix_length, 32);
  EXPECT_EQ(v4->bytes[3], 7);
  std::optional<IpNetwork> v6 = ParseIpNetwork("::ffff:1.2.3.4");
  EXPECT_EQ(v6->family, 6);
  EXPECT_EQ(v6->prefix_length, 128);
  EXPECT_EQ(v6->bytes[10], 0xff);
  EXPECT_EQ(v6->bytes[15], 4);
}

TEST(IpTest, Containment) {
  EXPECT_TRUE(Contains("198.51.100.0/24", "198.51.100.7"));
  EXPECT_TRUE(Contains("198.51.100.0/24", "198.51.100.128/25"));
  EXPECT_TRUE(Contains("198.51.100.0/24", "198.51.100.0/24"));
  EXPECT_TRUE(Contains("198.51.100.99/24", "198.51.100.7"));  // host bits ignored
  EXPECT_FALSE(Contains("198.51.100.0/25", "198.51.100.128"));
  EXPECT_FALSE(Contains("198.51.100.128/25", "198.51.100.0/24"));
  EXPECT_TRUE(Contains("0.0.0.0/0", "203.0.113.5"));
  EXPECT_TRUE(Contains("10.0.0.0/7", "11.255.255.255"));
  EXPECT_FALSE(Contains("10.0.0.0/8", "11.0.0.0"));
  EXPECT_TRUE(Contains("2001:db8::/32", "2001:db8:dead:beef::1"));
  EXPECT_TRUE(Contains("2001:0db8:dead:beef:0000:0000:0000:0000/64", "2001:db8:dead:beef::1/80"));
  EXPECT_FALSE(Contains("2001:db8::/33", "2001:db8:8000::"));
  EXPECT_TRUE(Contains("::/0", "::1"));
  // Families never mix, even for IPv4-mapped addresses.
  EXPECT_FALSE(Contains("::ffff:0.0.0.0/96", "1.2.3.4"));
  EXPECT_FALSE(Contains("0.0.0.0/0", "::1"));
}

}  // namespace
}  // namespace concord::pattern
