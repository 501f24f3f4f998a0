#include "concord/pattern/engine/comparison.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "concord/pattern/engine/semantics.h"
#include "concord/pattern/observation_reader.h"
#include "concord/pattern/parser.h"

namespace concord::pattern::engine {
namespace {

TEST(SemanticsTest, EncodingComesFromTheLastKey) {
  Result<Pattern> p = ParsePattern(
      "[x-a:payload_bin[*] = 'a' AND x-a:b_ref.c_hex = 'b' AND "
      "x-a:_bin = 'c' AND x-a:list_hex.k = 'd']");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->paths.size(), 4u);
  EXPECT_EQ(PathEncoding(p->paths[0].steps), Encoding::kBase64);
  EXPECT_EQ(PathEncoding(p->paths[1].steps), Encoding::kHex);
  EXPECT_EQ(PathEncoding(p->paths[2].steps), Encoding::kNone);  // "_bin" alone is no suffix
  EXPECT_EQ(PathEncoding(p->paths[3].steps), Encoding::kNone);
}

TEST(SemanticsTest, Latin1AndDecoding) {
  std::string out;
  EXPECT_TRUE(Latin1("a\xC3\xBF", &out));
  EXPECT_EQ(out, "a\xFF");
  EXPECT_FALSE(Latin1("\xC4\x80", &out));  // U+0100
  EXPECT_FALSE(Latin1("\xC3", &out));      // truncated
  EXPECT_FALSE(Latin1("\xC3\xBF\xBF", &out));
  EXPECT_TRUE(DecodeBase64("aGVsbG8=", &out));
  EXPECT_EQ(out, "hello");
  EXPECT_FALSE(DecodeBase64("aGVsbG8", &out));
  EXPECT_FALSE(DecodeBase64("aG=sbG8=", &out));
  EXPECT_TRUE(DecodeHex("FFd8", &out));
  EXPECT_EQ(out, "\xFF\xD8");
  EXPECT_FALSE(DecodeHex("f", &out));
}

TEST(SemanticsTest, AsciiIsToldAtEveryLengthAndPlace) {
  // IsAscii reads 8 bytes at a time with an overlapping last word: a non-ASCII byte anywhere,
  // in texts of every length around the word size, is seen.
  for (size_t n = 0; n <= 40; ++n) {
    const std::string ascii(n, 'a');
    EXPECT_TRUE(IsAscii(ascii)) << n;
    std::string storage;
    EXPECT_EQ(LikeText(ascii, &storage).data(), ascii.data()) << n;  // not copied
    for (size_t at = 0; at < n; ++at) {
      std::string text = ascii;
      text[at] = '\x80';
      EXPECT_FALSE(IsAscii(text)) << n << " " << at;
      // Only the first n bytes count: a high byte past the end is not read as part of it.
      EXPECT_TRUE(IsAscii(std::string_view(text).substr(0, at))) << n << " " << at;
    }
  }
}

TEST(SemanticsTest, NumbersCompareExactly) {
  const Number five{.is_int = true, .i = 5};
  const Number five_f{.is_int = false, .d = 5.0};
  EXPECT_EQ(CompareNumbers(five, five_f), 0);
  EXPECT_EQ(NumberKey(five), NumberKey(five_f));
  EXPECT_EQ(NumberKey(Number{.is_int = false, .d = -0.0}), NumberKey(Number{.i = 0}));
  const Number big{.is_int = true, .i = 9007199254740993};  // 2^53 + 1
  const Number big_f{.is_int = false, .d = 9007199254740992.0};
  EXPECT_GT(CompareNumbers(big, big_f), 0);
  EXPECT_NE(NumberKey(big), NumberKey(big_f));
  EXPECT_LT(CompareNumbers(Number{.is_int = false, .d = 2.5}, Number{.i = 3}), 0);
  EXPECT_NE(NumberKey(Number{.is_int = false, .d = 2.5}), NumberKey(Number{.i = 2}));
  EXPECT_EQ(NumberKey(Number{.is_int = false, .d = 1e300}),
            NumberKey(Number{.is_int = false, .d = 1e300}));
}

TEST(SemanticsTest, WithinNanos) {
  EXPECT_EQ(WithinNanos("5"), static_cast<__int128>(5000000000));
  EXPECT_EQ(WithinNanos("0.5"), static_cast<__int128>(500000000));
  EXPECT_EQ(WithinNanos(".000000001"), static_cast<__int128>(1));
  EXPECT_EQ(WithinNanos("1.0000000019"), static_cast<__int128>(1000000001));
}

TEST(LikeMatcherTest, FormsAndMatches) {
  struct Case {
    const char* like;
    LikeMatcher::Form form;
    std::vector<std::pair<const char*, bool>> values;
  };
  const std::vector<Case> cases = {
      {"abc", LikeMatcher::Form::kExact, {{"abc", true}, {"abcd", false}, {"", false}}},
      {"", LikeMatcher::Form::kExact, {{"", true}, {"a", false}}},
      {"ab%", LikeMatcher::Form::kPrefix, {{"ab", true}, {"abc", true}, {"a", false}}},
      {"%.example.com",
       LikeMatcher::Form::kSuffix,
       {{"a.example.com", true}, {".example.com", true}, {"example.com", false}}},
      {"%b%", LikeMatcher::Form::kContains, {{"abc", true}, {"b", true}, {"ac", false}}},
      {"%", LikeMatcher::Form::kSuffix, {{"", true}, {"anything", true}}},
      {"%%", LikeMatcher::Form::kContains, {{"", true}, {"x", true}}},
      {"a_c",
       LikeMatcher::Form::kGeneral,
       {{"abc", true},
        {"a\xC3\xA9"
         "c",
         true},
        {"ac", false}}},
      {"_", LikeMatcher::Form::kGeneral, {{"\n", true}, {"\xC3\xBF", true}, {"ab", false}}},
      {"a%b%c", LikeMatcher::Form::kGeneral, {{"abc", true}, {"axxbyyc", true}, {"acb", false}}},
      {"a.c", LikeMatcher::Form::kExact, {{"a.c", true}, {"abc", false}}},  // '.' is literal
      {"(a)*", LikeMatcher::Form::kExact, {{"(a)*", true}, {"aa", false}}},
  };
  for (const Case& c : cases) {
    std::unique_ptr<LikeMatcher> m = LikeMatcher::Compile(c.like);
    EXPECT_EQ(m->form(), c.form) << c.like;
    for (const auto& [value, want] : c.values) {
      EXPECT_EQ(m->Matches(value), want) << c.like << " on " << value;
    }
  }
}

TEST(LikeMatcherTest, NormalisesThePatternToNfc) {
  // "cafe" + U+0301 (NFD) as the pattern matches the NFC value "caf" U+00E9.
  std::unique_ptr<LikeMatcher> m = LikeMatcher::Compile("cafe\xCC\x81");
  EXPECT_EQ(m->form(), LikeMatcher::Form::kExact);
  EXPECT_EQ(m->literal(), "caf\xC3\xA9");
  std::string storage;
  EXPECT_TRUE(m->Matches(LikeText("cafe\xCC\x81", &storage)));
  EXPECT_EQ(LikeText("\xFF", &storage), "");  // invalid UTF-8 reads as the empty string
}

TEST(LikeMatcherTest, TranslatesToAnchoredRegex) {
  EXPECT_EQ(LikeToRegex("a%b_."), "(?s)\\Aa.*b.\\.\\z");
}

// Resolves `path` (pattern syntax, e.g. "x:a.b") on the first object of the only observation
// in `json` and evaluates `comparison` (pattern syntax) with Comparison.
class ComparisonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::vector<observe::Observation>> obs = ReadObservations(
        R"({"type":"observed-data","first_observed":"2020-01-01T00:00:00Z",)"
        R"("last_observed":"2020-01-01T00:00:00Z","number_observed":1,"objects":{)"
        R"("0":{"type":"x-a","s":"hello","n":5,"f":2.5,"b":true,"l":["a","b"],)"
        R"("payload_bin":"aGVsbG8=","m_hex":"ffd8","ip":"10.1.2.3","ts":"2016-05-12T08:17:27Z",)"
        R"("r_ref":"1","rs_refs":["1","1","2"],"nul":null},)"
        R"("1":{"type":"x-b","v":"one","w":["p","q"]},"2":{"type":"x-b","v":"two"}}})");
    ASSERT_TRUE(obs.ok()) << obs.status().ToString();
    observations_ = std::move(*obs);
  }

  bool Holds(const std::string& comparison) {
    Result<Pattern> p = ParsePattern("[" + comparison + "]");
    EXPECT_TRUE(p.ok()) << comparison << ": " << p.status().ToString();
    if (!p.ok()) return false;
    const Node& n = p->nodes[p->nodes[p->root].children[0]];
    OperandCache cache;
    Result<Comparison> c = Comparison::Compile(*p, n, &cache);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    const observe::Observation& o = observations_[0];
    std::vector<PathValue> values, scratch;
    ResolvePath(p->paths[n.path].steps, o, o.objects()[0].value, &values, &scratch);
    CompareScratch cs;
    return c->Holds(o.values, values, &cs);
  }

  std::vector<observe::Observation> observations_;
};

TEST_F(ComparisonTest, TypeRules) {
  EXPECT_TRUE(Holds("x-a:s = 'hello'"));
  EXPECT_FALSE(Holds("x-a:s != 5"));  // incomparable is false, != too
  EXPECT_FALSE(Holds("x-a:s NOT = 5"));
  EXPECT_TRUE(Holds("x-a:n = 5.0"));
  EXPECT_TRUE(Holds("x-a:f < 3"));
  EXPECT_TRUE(Holds("x-a:b = true"));
  EXPECT_FALSE(Holds("x-a:b = 1"));
  EXPECT_TRUE(Holds("x-a:payload_bin = 'hello'"));
  EXPECT_TRUE(Holds("x-a:payload_bin = h'68656c6c6f'"));
  EXPECT_TRUE(Holds("x-a:m_hex = b'/9g='"));
  EXPECT_TRUE(Holds("x-a:ts = t'2016-05-12T09:17:27+01:00'"));
  EXPECT_TRUE(Holds("x-a:ip ISSUBSET '10.0.0.0/8'"));
  EXPECT_FALSE(Holds("x-a:ip ISSUBSET '2001:db8::/32'"));
  EXPECT_FALSE(Holds("x-a:ip NOT ISSUBSET '2001:db8::/32'"));  // other family: incomparable
  EXPECT_TRUE(Holds("x-a:s IN ('x', 'hello')"));
  EXPECT_FALSE(Holds("x-a:s NOT IN ('x', 'hello')"));
  EXPECT_FALSE(Holds("x-a:s IN ()"));
  EXPECT_TRUE(Holds("x-a:s NOT IN ()"));
  EXPECT_TRUE(Holds("x-a:s MATCHES 'l+o$'"));
  EXPECT_TRUE(Holds("x-a:payload_bin MATCHES '^hel'"));
  EXPECT_FALSE(Holds("x-a:payload_bin LIKE 'hello'"));  // LIKE takes plain strings only
  EXPECT_FALSE(Holds("x-a:nul NOT = 'x'"));             // null is absent
  EXPECT_FALSE(Holds("EXISTS x-a:nul"));
  EXPECT_TRUE(Holds("EXISTS x-a:s"));
}

TEST_F(ComparisonTest, PathsAndReferences) {
  EXPECT_TRUE(Holds("x-a:l[*] = 'b'"));
  EXPECT_FALSE(Holds("x-a:l[0] = 'b'"));
  EXPECT_FALSE(Holds("x-a:l = 'a'"));  // a list compares with nothing
  EXPECT_TRUE(Holds("x-a:r_ref.v = 'one'"));
  EXPECT_TRUE(Holds("x-a:r_ref = '1'"));  // a path ending on a reference yields the reference
  EXPECT_TRUE(Holds("x-a:rs_refs[*].v = 'two'"));
  EXPECT_TRUE(Holds("x-a:rs_refs[*].w[*] = 'q'"));
  EXPECT_FALSE(Holds("x-a:rs_refs[2].w[0] = 'p'"));
}

TEST(ResolvePathTest, ValuesReachedTwiceAreKeptOnce) {
  Result<std::vector<observe::Observation>> obs = ReadObservations(
      R"({"type":"observed-data","first_observed":"2020-01-01T00:00:00Z",)"
      R"("last_observed":"2020-01-01T00:00:00Z","number_observed":1,"objects":{)"
      R"("0":{"type":"x-a","rs_refs":["1","1","1","9"]},"1":{"type":"x-b","v":["a","b"]}}})");
  ASSERT_TRUE(obs.ok());
  Result<Pattern> p = ParsePattern("[x-a:rs_refs[*].v[*] = 'a']");
  ASSERT_TRUE(p.ok());
  const observe::Observation& o = (*obs)[0];
  std::vector<PathValue> values, scratch;
  ResolvePath(p->paths[0].steps, o, o.objects()[0].value, &values, &scratch);
  EXPECT_EQ(values.size(), 2u);  // "a" and "b", once each; the dangling "9" yields nothing
}

}  // namespace
}  // namespace concord::pattern::engine
