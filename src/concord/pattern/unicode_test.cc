#include "concord/pattern/unicode.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace concord::pattern {
namespace {

std::u32string ParseHex(const std::string& field) {
  std::u32string out;
  std::istringstream in(field);
  std::string word;
  while (in >> word) out.push_back(static_cast<char32_t>(std::stoul(word, nullptr, 16)));
  return out;
}

TEST(UnicodeTest, DecodesAndEncodesUtf8) {
  std::optional<std::u32string> d = DecodeUtf8("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, (std::u32string{U'a', 0xE9, 0x20AC, 0x1F600}));
  EXPECT_EQ(EncodeUtf8(*d), "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  const char* invalid[] = {"\x80",
                           "\xC3",
                           "\xC0\xAF",
                           "\xE0\x80\xAF",
                           "\xED\xA0\x80",
                           "\xF4\x90\x80\x80",
                           "\xF8\x88\x80\x80\x80",
                           "a\xE2\x82"};
  for (const char* s : invalid) {
    size_t bad = 99;
    EXPECT_FALSE(DecodeUtf8(s, &bad).has_value()) << s;
    EXPECT_EQ(bad, std::string(s)[0] == 'a' ? 1u : 0u) << s;
  }
  EXPECT_EQ(CodePointIndex("\xC3\xA9x\xE2\x82\xACy", 6), 3u);
  EXPECT_EQ(CodePointIndex("abc", 2), 2u);
  EXPECT_EQ(CodePointIndex("abc", 5), 5u);  // past the end counts on (the end-of-text position)
}

TEST(UnicodeTest, NfcBasics) {
  // e + combining acute composes; the composed form is stable.
  EXPECT_EQ(NormalizeNfc(U"e\u0301"), U"\u00E9");
  EXPECT_EQ(NormalizeNfc(U"\u00E9"), U"\u00E9");
  // Canonical reordering: dot below (220) sorts before dot above (230), then composition.
  EXPECT_EQ(NormalizeNfc(U"d\u0307\u0323"), U"\u1E0D\u0307");
  EXPECT_EQ(NormalizeNfc(U"\u1E0B\u0323"), U"\u1E0D\u0307");
  // Singletons and exclusions never come back: Angstrom sign, Ohm sign.
  EXPECT_EQ(NormalizeNfc(U"\u212B"), U"\u00C5");
  EXPECT_EQ(NormalizeNfc(U"\u2126"), U"\u03A9");
  // Hangul: L V T jamo compose algorithmically; syllables decompose and recompose.
  EXPECT_EQ(NormalizeNfc(U"\u1100\u1161\u11A8"), U"\uAC01");
  EXPECT_EQ(NormalizeNfc(U"\uAC01"), U"\uAC01");
  EXPECT_EQ(NormalizeNfcUtf8("abc"), "abc");
  EXPECT_EQ(NormalizeNfcUtf8("Cafe\xCC\x81"), "Caf\xC3\xA9");
}

// Vectors from Python's unicodedata (Unicode 14): every decomposable code point, its NFD, and
// thousands of random mixes of starters, marks, decomposables and Hangul. An independent
// implementation, so ICU and Python must agree on every one.
TEST(UnicodeTest, NfcMatchesPythonVectors) {
  std::ifstream in(std::string(CONCORD_SOURCE_DIR) + "/testdata/pattern/nfc_vectors.txt");
  ASSERT_TRUE(in.good());
  std::string line;
  int checked = 0, failed = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t semi = line.find(';');
    ASSERT_NE(semi, std::string::npos) << line;
    const std::u32string input = ParseHex(line.substr(0, semi));
    const std::u32string want = ParseHex(line.substr(semi + 1));
    if (NormalizeNfc(input) != want && ++failed <= 10) ADD_FAILURE() << "NFC(" << line << ")";
    // NFC is idempotent.
    if (NormalizeNfc(want) != want && ++failed <= 10) ADD_FAILURE() << "NFC(NFC(" << line << "))";
    ++checked;
  }
  EXPECT_GT(checked, 7000);
  EXPECT_EQ(failed, 0);
}

// Hostile runs of combining marks: the Stream-Safe Text Format (UAX #15) cuts them every 30
// non-starters with U+034F, so reordering stays bounded; within a cut NFC is exact.
TEST(UnicodeTest, LongRunsOfMarksAreCutStreamSafe) {
  std::u32string s = U"a";
  for (int i = 0; i < 100000; ++i) s.push_back(i % 2 ? 0x0301 : 0x0323);
  const std::u32string n = NormalizeNfc(s);
  EXPECT_EQ(n[0], 0x1EA1u);  // a + dot below composes first
  size_t joiners = 0;
  size_t run = 0, longest = 0;
  for (char32_t c : n) {
    if (c == 0x034F) {
      ++joiners;
      run = 0;
    } else {
      longest = std::max(longest, ++run);
    }
  }
  EXPECT_EQ(joiners, 100000u / 30);
  EXPECT_LE(longest, 31u);
  // Ordinary text with a few marks is untouched by the cut.
  EXPECT_EQ(NormalizeNfc(U"e\u0301\u0323x"), U"\u1EB9\u0301x");
}

}  // namespace
}  // namespace concord::pattern
