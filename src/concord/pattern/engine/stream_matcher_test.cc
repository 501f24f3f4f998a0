#include "concord/pattern/engine/stream_matcher.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "concord/pattern/observation_reader.h"

namespace concord::pattern::engine {
namespace {

observe::Observation At(int second, const std::string& type, const std::string& value, int n = 1) {
  char t[32];
  std::snprintf(t, sizeof(t), "2020-01-01T%02d:%02d:%02dZ", second / 3600, second / 60 % 60,
                second % 60);
  Result<std::vector<observe::Observation>> r = ReadObservations(
      std::string(R"({"type":"observed-data","first_observed":")") + t + R"(","last_observed":")" +
      t + R"(","number_observed":)" + std::to_string(n) + R"(,"objects":{"0":{"type":")" + type +
      R"(","value":")" + value + R"("}}})");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move((*r)[0]);
}

std::unique_ptr<PatternSet> Build(const std::vector<std::string>& patterns) {
  PatternSetBuilder b;
  for (size_t i = 0; i < patterns.size(); ++i) EXPECT_TRUE(b.Add(patterns[i], 100 + i).ok());
  return std::move(*b.Build());
}

// The user indexes reported for each fed observation.
std::vector<std::vector<uint32_t>> Feed(StreamMatcher* s,
                                        const std::vector<observe::Observation>& obs) {
  std::vector<std::vector<uint32_t>> out;
  for (const observe::Observation& o : obs) {
    std::vector<StreamMatch> m;
    s->Feed(o, &m);
    out.emplace_back();
    for (const StreamMatch& x : m) out.back().push_back(x.user_index);
  }
  return out;
}

using Reports = std::vector<std::vector<uint32_t>>;

TEST(StreamMatcherTest, ReportsWhenTheLastObservationArrives) {
  std::unique_ptr<PatternSet> set = Build({
      "[ipv4-addr:value = '1.2.3.4']",
      "[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [domain-name:value = 'evil.org']",
      "[ipv4-addr:value = '1.2.3.4'] REPEATS 2 TIMES",
  });
  StreamMatcher s(*set);
  const Reports r = Feed(&s, {At(0, "ipv4-addr", "1.2.3.4"), At(5, "domain-name", "x.org"),
                              At(9, "domain-name", "evil.org"), At(12, "ipv4-addr", "1.2.3.4")});
  EXPECT_EQ(r, (Reports{{100}, {}, {101}, {100, 102}}));
  EXPECT_EQ(s.stats().matches, 4u);
}

TEST(StreamMatcherTest, WithinDropsOldObservations) {
  std::unique_ptr<PatternSet> set =
      Build({"([ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [domain-name:value = 'evil.org']) "
             "WITHIN 60 SECONDS"});
  StreamMatcher s(*set);
  const Reports r = Feed(&s, {At(0, "ipv4-addr", "1.2.3.4"), At(100, "domain-name", "evil.org"),
                              At(130, "ipv4-addr", "1.2.3.4"), At(150, "domain-name", "evil.org")});
  EXPECT_EQ(r, (Reports{{}, {}, {}, {100}}));
  // At 100 the observation at 0 is more than 60 seconds old: dropped. The one at 100 is only 50
  // seconds before 150 and stays.
  EXPECT_EQ(s.stats().dropped_by_time, 1u);
  EXPECT_EQ(s.stats().window_entries, 3u);
}

TEST(StreamMatcherTest, PatternCapDropsTheOldest) {
  std::unique_ptr<PatternSet> set =
      Build({"[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [domain-name:value = 'evil.org']"});
  StreamMatcher s(*set, StreamOptions{.max_window_per_pattern = 3});
  std::vector<observe::Observation> obs = {At(0, "ipv4-addr", "1.2.3.4")};
  for (int i = 1; i <= 3; ++i) obs.push_back(At(i, "domain-name", "other.org"));
  // The domain observations do not match the pattern's expressions: they do not use the window.
  obs.push_back(At(10, "domain-name", "evil.org"));
  EXPECT_EQ(Feed(&s, obs).back(), (std::vector<uint32_t>{100}));
  // Three more evil.org observations push the 1.2.3.4 one out of a window of three.
  StreamMatcher t(*set, StreamOptions{.max_window_per_pattern = 3});
  std::vector<observe::Observation> obs2 = {At(0, "ipv4-addr", "1.2.3.4")};
  for (int i = 1; i <= 3; ++i) obs2.push_back(At(i, "domain-name", "evil.org"));
  const Reports r = Feed(&t, obs2);
  EXPECT_EQ(r, (Reports{{}, {100}, {100}, {}}));
  EXPECT_EQ(t.stats().dropped_by_pattern_cap, 1u);
}

TEST(StreamMatcherTest, TotalCapAcrossPatterns) {
  std::unique_ptr<PatternSet> set = Build({
      "[ipv4-addr:value = '1.2.3.4'] AND [domain-name:value = 'a.org']",
      "[ipv4-addr:value = '1.2.3.4'] AND [domain-name:value = 'b.org']",
  });
  StreamMatcher s(*set, StreamOptions{.max_window_entries = 3});
  const Reports r = Feed(&s, {At(0, "ipv4-addr", "1.2.3.4"), At(1, "ipv4-addr", "1.2.3.4"),
                              At(2, "domain-name", "a.org")});
  // Each 1.2.3.4 observation joins both windows: the fourth entry drops the oldest (pattern
  // 100's first), and the a.org observation's entry then drops pattern 101's first.
  EXPECT_EQ(s.stats().dropped_by_total_cap, 2u);
  EXPECT_EQ(r.back(), (std::vector<uint32_t>{100}));
  EXPECT_LE(s.stats().window_entries, 3u);
}

}  // namespace
}  // namespace concord::pattern::engine
