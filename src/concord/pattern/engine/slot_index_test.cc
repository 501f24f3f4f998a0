#include "concord/pattern/engine/slot_index.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace concord::pattern::engine {
namespace {

std::vector<uint32_t> Sorted(std::vector<uint32_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

IpNetwork Net(std::string_view text) {
  std::optional<IpNetwork> n = ParseIpNetwork(text);
  EXPECT_TRUE(n.has_value()) << text;
  return n.value_or(IpNetwork{});
}

TEST(RangeIndexTest, NumbersMixIntegersAndFloats) {
  RangeIndex<Number> r;
  r.Add(Number{.i = 5}, CompareOp::kGt, 1);                     // v > 5
  r.Add(Number{.is_int = false, .d = 5.0}, CompareOp::kGe, 2);  // v >= 5.0
  r.Add(Number{.is_int = false, .d = 2.5}, CompareOp::kLt, 3);  // v < 2.5
  r.Add(Number{.i = 2}, CompareOp::kLe, 4);                     // v <= 2
  r.Build();
  auto q = [&](Number v) {
    std::vector<uint32_t> hits;
    r.Query(v, &hits);
    return Sorted(hits);
  };
  EXPECT_EQ(q(Number{.i = 5}), (std::vector<uint32_t>{2}));
  EXPECT_EQ(q(Number{.is_int = false, .d = 5.5}), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(q(Number{.i = 2}), (std::vector<uint32_t>{3, 4}));
  EXPECT_EQ(q(Number{.is_int = false, .d = 2.25}), (std::vector<uint32_t>{3}));
  EXPECT_EQ(q(Number{.i = 3}), (std::vector<uint32_t>{}));
}

TEST(RangeIndexTest, StringsInByteOrder) {
  RangeIndex<std::string> r;
  r.Add("b", CompareOp::kGe, 1);
  r.Add("\xC3\xA9", CompareOp::kLt, 2);  // é sorts after ASCII
  r.Build();
  std::vector<uint32_t> hits;
  r.Query("z", &hits);
  EXPECT_EQ(Sorted(hits), (std::vector<uint32_t>{1, 2}));
  hits.clear();
  r.Query("a", &hits);
  EXPECT_EQ(Sorted(hits), (std::vector<uint32_t>{2}));
  hits.clear();
  r.Query("\xC3\xA9", &hits);
  EXPECT_EQ(Sorted(hits), (std::vector<uint32_t>{1}));
}

// CIDR blocks through the KeyTable, with and without the IPv4 table of lengths.
class CidrIndexTest : public ::testing::TestWithParam<int> {};

TEST_P(CidrIndexTest, AgreesWithNetworkContains) {
  const int filler = GetParam();  // extra random blocks: 0 keeps the small form, 400 the table
  std::mt19937_64 rng(3);
  std::vector<IpNetwork> constants = {
      Net("10.0.0.0/8"),     Net("10.1.0.0/16"), Net("10.1.2.3"),      Net("0.0.0.0/0"),
      Net("192.168.1.0/24"), Net("10.1.2.0/23"), Net("2001:db8::/32"), Net("::1"),
      Net("::/0"),           Net("10.1.2.99/8")};  // host bits ignored
  for (int i = 0; i < filler; ++i) {
    IpNetwork n;
    n.family = 4;
    for (int k = 0; k < 4; ++k)
      n.bytes[k] = static_cast<uint8_t>(rng() % (k == 0 ? 3 : 256) + (k == 0 ? 9 : 0));
    n.prefix_length = static_cast<int>(rng() % 33);
    constants.push_back(n);
  }
  CidrIndex index;
  KeyTable::Builder b;
  for (uint32_t i = 0; i < constants.size(); ++i) {
    index.Add(constants[i]);
    b.Add(7, constants[i].family == 4 ? kKeyCidr4 : kKeyCidr6,
          CidrKey(constants[i], constants[i].prefix_length), i);
  }
  index.Build();
  KeyTable keys = b.Build(9);
  std::vector<IpNetwork> values = {Net("10.1.2.3"),   Net("10.1.3.4"),     Net("10.0.0.0/8"),
                                   Net("11.0.0.1"),   Net("192.168.1.77"), Net("2001:db8::1"),
                                   Net("::1"),        Net("::/0"),         Net("0.0.0.0/0"),
                                   Net("203.0.113.9")};  // under no block but 0.0.0.0/0
  for (int i = 0; i < 200; ++i) {
    IpNetwork n;
    n.family = 4;
    for (int k = 0; k < 4; ++k)
      n.bytes[k] = static_cast<uint8_t>(rng() % (k == 0 ? 3 : 256) + (k == 0 ? 9 : 0));
    n.prefix_length = static_cast<int>(24 + rng() % 9);
    values.push_back(n);
  }
  for (const IpNetwork& v : values) {
    std::vector<uint32_t> want;
    for (uint32_t i = 0; i < constants.size(); ++i) {
      if (NetworkContains(constants[i], v)) want.push_back(i);
    }
    std::vector<uint32_t> hits;
    index.Probe(v, 7, keys, &hits);
    EXPECT_EQ(Sorted(hits), want);
  }
  if (filler > 0) {
    EXPECT_GE(index.memory_bytes(), 65536u * 4);  // the table by the top 16 bits
  }
}

INSTANTIATE_TEST_SUITE_P(SmallAndLarge, CidrIndexTest, ::testing::Values(0, 400));

TEST(SupersetIndexTest, AgreesWithNetworkContains) {
  std::vector<IpNetwork> constants = {
      Net("10.1.2.3"),       Net("10.1.0.0/16"), Net("10.0.0.0/8"),   Net("10.2.0.0/16"),
      Net("192.168.0.0/16"), Net("2001:db8::1"), Net("2001:db8::/32")};
  SupersetIndex index;
  for (uint32_t i = 0; i < constants.size(); ++i) index.Add(constants[i], i);
  index.Build();
  for (std::string_view text : {"10.0.0.0/8", "10.1.0.0/16", "10.1.2.3", "0.0.0.0/0", "10.1.2.0/24",
                                "2001:db8::/16", "::/0", "192.168.1.1"}) {
    const IpNetwork v = Net(text);
    std::vector<uint32_t> want;
    for (uint32_t i = 0; i < constants.size(); ++i) {
      if (NetworkContains(v, constants[i])) want.push_back(i);
    }
    std::vector<uint32_t> hits;
    index.Query(v, &hits);
    EXPECT_EQ(Sorted(hits), want) << text;
  }
}

TEST(RegexSetIndexTest, ManyChunks) {
  RegexSetIndex index;
  for (uint32_t i = 0; i < 300; ++i) index.Add("^x" + std::to_string(i) + "$", i);
  index.Add("(?s)\\Ax.*\\z", 1000);
  index.Add("(unbalanced", 2000);  // refused by RE2: reported for every text
  index.Build();
  std::vector<uint32_t> hits;
  index.Query("x299", &hits);
  EXPECT_EQ(Sorted(hits), (std::vector<uint32_t>{299, 1000, 2000}));
  hits.clear();
  index.Query("y", &hits);
  EXPECT_EQ(Sorted(hits), (std::vector<uint32_t>{2000}));
}

// One atom scan answers for 64 chunks at a time: chunks past the 64th are filtered by a filter of
// their own, and a chunk without atoms (run on every text) leaves its neighbours filtered.
TEST(RegexSetIndexTest, AtomFiltersSpanGroupsOf64Chunks) {
  const size_t chunks = 66;
  const size_t n = chunks * RegexSetIndex::kChunk;
  RegexSetIndex index;
  std::vector<std::string> regexes;
  for (size_t i = 0; i < n; ++i) {
    const size_t chunk = i / RegexSetIndex::kChunk;
    // The first regex of chunks 5 and 64 has no atom: those two chunks are not filtered.
    std::string r = (chunk == 5 || chunk == 64) && i % RegexSetIndex::kChunk == 0
                        ? "^[0-9]"
                        : "w" + std::to_string(i) + "q";
    index.Add(r, static_cast<uint32_t>(i));
    regexes.push_back(std::move(r));
  }
  index.Build();
  std::vector<std::unique_ptr<RE2>> alone;
  for (const std::string& r : regexes) alone.push_back(std::make_unique<RE2>(r, RE2::Quiet));
  std::mt19937 rng(5);
  std::vector<std::string> texts = {"", "nothing", "7", "w64q", "W8319Q"};
  for (size_t chunk : {0, 5, 6, 63, 64, 65}) {
    const size_t i = chunk * RegexSetIndex::kChunk + 1 + rng() % (RegexSetIndex::kChunk - 1);
    texts.push_back("w" + std::to_string(i) + "q");
    texts.push_back("9 w" + std::to_string(i) + "q and w" + std::to_string(rng() % n) + "q");
  }
  ProbeScratch scratch;
  for (const std::string& text : texts) {
    std::vector<uint32_t> want;
    for (size_t i = 0; i < regexes.size(); ++i) {
      if (RE2::PartialMatch(text, *alone[i])) want.push_back(static_cast<uint32_t>(i));
    }
    std::vector<uint32_t> hits;
    index.Query(text, &hits, &scratch);
    EXPECT_EQ(Sorted(hits), want) << "text '" << text << "'";
  }
}

// Chunks whose every regex has literal atoms skip the set on texts holding none of them (an
// ASCII text, lowered): the hits must be what each regex alone finds, whatever the case of the
// text, its non-ASCII bytes, or where the atoms fall (at either end, overlapping, split).
TEST(RegexSetIndexTest, AtomFilterNeverDropsAMatch) {
  std::mt19937 rng(11);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const std::vector<std::string> words = {"evil", "Bad", "c2x", "xyz", "tor", "abc", "r0ot"};
  const std::vector<std::string> shapes = {
      "%s",          "^%s",           "%s$",    "(?i)%s",     "%s-[a-z]{2,4}\\.(ru|top)$",
      "^(%s|%s)\\.", "/%s/[0-9a-f]+", "%s.*%s", "(?i)^%s.%s", "(%s|%s)+"};
  for (int round = 0; round < 40; ++round) {
    RegexSetIndex index;
    std::vector<std::string> regexes;
    const size_t n = 1 + pick(RegexSetIndex::kChunk + 20);  // one chunk or two
    for (size_t i = 0; i < n; ++i) {
      std::string r = shapes[pick(shapes.size())];
      for (size_t at; (at = r.find("%s")) != std::string::npos;) {
        r.replace(at, 2, words[pick(words.size())]);
      }
      regexes.push_back(r);
      index.Add(r, static_cast<uint32_t>(i));
    }
    if (round % 10 == 9) {  // now and then one regex without atoms: no filter for its chunk
      regexes.push_back("^[a-z]");
      index.Add(regexes.back(), static_cast<uint32_t>(regexes.size() - 1));
    }
    index.Build();
    std::vector<std::unique_ptr<RE2>> alone;
    for (const std::string& r : regexes) alone.push_back(std::make_unique<RE2>(r, RE2::Quiet));
    ProbeScratch scratch;  // for the per-thread path
    const std::vector<std::string> pieces = {
        "EVIL",      "evil", "eVi",      "l",    "bad", "BAD",     "c2X", "-ab.ru", "xyz",
        "/tor/00ff", ".",    "\xC3\xA9", "r0ot", "ABC", "abc.top", "q",   "-",      "ru"};
    for (int t = 0; t < 300; ++t) {
      std::string text;
      const size_t parts = pick(6);
      for (size_t k = 0; k < parts; ++k) text += pieces[pick(pieces.size())];
      std::vector<uint32_t> want;
      for (size_t i = 0; i < regexes.size(); ++i) {
        if (RE2::PartialMatch(text, *alone[i])) {
          want.push_back(static_cast<uint32_t>(i));
        }
      }
      std::vector<uint32_t> hits;
      index.Query(text, &hits);
      ASSERT_EQ(Sorted(hits), want) << "round " << round << " text '" << text << "'";
      hits.clear();
      index.Query(text, &hits, &scratch);
      ASSERT_EQ(Sorted(hits), want) << "round " << round << " text '" << text << "'";
    }
  }
}

// SlotIndex::Probe over LIKE keys: exact, prefix, suffix and label-wise domain suffixes.
TEST(SlotIndexTest, LikeKeys) {
  SlotIndex x;
  x.slot = 3;
  KeyTable::Builder b;
  auto add = [&](KeyKind kind, const std::string& key, uint32_t clause) {
    x.key_kinds |= 1u << kind;
    b.Add(3, kind, key, clause);
    if (kind == kKeyLikePrefix) x.prefix_lengths.push_back(key.size());
    if (kind == kKeyLikeSuffix) x.suffix_lengths.push_back(key.size());
    if (kind == kKeyDotSuffix) {
      x.max_dot_suffix = std::max<uint32_t>(x.max_dot_suffix, key.size());
      x.dot_suffix_labels |= uint64_t{1} << std::count(key.begin(), key.end(), '.');
    }
  };
  add(kKeyDotSuffix, ".example.com", 1);
  add(kKeyDotSuffix, ".com", 2);
  add(kKeyDotSuffix, ".b.example.com", 3);
  add(kKeyLikePrefix, "http://", 4);
  add(kKeyLikeSuffix, "example.com", 5);
  add(kKeyLikeExact, "caf\xC3\xA9", 6);
  x.presence.push_back(7);
  x.Build();
  KeyTable keys = b.Build(5);
  observe::ValueStore store;
  auto probe = [&](std::string_view s) {
    const observe::ValueStore::Id id = store.AddString(s);
    PathValue v{.id = id};
    std::vector<uint32_t> hits = x.presence;
    ProbeScratch scratch;
    x.ProbeValue(store, v, keys, &scratch, &hits);
    return Sorted(hits);
  };
  EXPECT_EQ(probe("a.b.example.com"), (std::vector<uint32_t>{1, 2, 3, 5, 7}));
  EXPECT_EQ(probe("example.com"), (std::vector<uint32_t>{2, 5, 7}));
  EXPECT_EQ(probe("badexample.com"), (std::vector<uint32_t>{2, 5, 7}));
  EXPECT_EQ(probe(".example.com"), (std::vector<uint32_t>{1, 2, 5, 7}));
  EXPECT_EQ(probe("http://x.org"), (std::vector<uint32_t>{4, 7}));
  EXPECT_EQ(probe("cafe\xCC\x81"), (std::vector<uint32_t>{6, 7}));  // NFD value, NFC key
  EXPECT_EQ(probe(""), (std::vector<uint32_t>{7}));
}

}  // namespace
}  // namespace concord::pattern::engine
