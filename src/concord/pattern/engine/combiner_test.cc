#include "concord/pattern/engine/combiner.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "concord/pattern/parser.h"
#include "concord/pattern/reference_evaluator.h"

namespace concord::pattern::engine {
namespace {

Timestamp At(int64_t seconds, int32_t nanos = 0) {
  return Timestamp{.seconds = 1577836800 + seconds, .nanos = nanos};
}

ObsProgram Program(const std::string& text, std::vector<uint32_t>* leaf_nodes = nullptr) {
  Result<Pattern> p = ParsePattern(text);
  EXPECT_TRUE(p.ok()) << text << ": " << p.status().ToString();
  std::vector<uint32_t> nodes;
  return ObsProgram::Compile(*p, leaf_nodes ? leaf_nodes : &nodes);
}

TEST(ObsProgramTest, ShapeAndHorizon) {
  EXPECT_TRUE(Program("[a:b = 1]").single());
  EXPECT_FALSE(Program("[a:b = 1] WITHIN 5 SECONDS").single());
  EXPECT_EQ(Program("[a:b = 1] AND [a:b = 2]").leaf_count(), 2u);
  EXPECT_LT(Program("[a:b = 1] AND [a:b = 2]").horizon(), 0);
  EXPECT_EQ(Program("([a:b = 1] AND [a:b = 2]) WITHIN 5 SECONDS").horizon(),
            static_cast<__int128>(5000000000));
  EXPECT_EQ(Program("([a:b = 1] WITHIN 2 SECONDS) OR ([a:b = 2] WITHIN 0.5 SECONDS)").horizon(),
            static_cast<__int128>(2000000000));
  EXPECT_LT(Program("([a:b = 1] WITHIN 2 SECONDS) OR [a:b = 2]").horizon(), 0);
  EXPECT_EQ(
      Program("[a:b = 1] START t'2020-01-01T00:00:00Z' STOP t'2020-01-01T00:01:00Z'").horizon(),
      static_cast<__int128>(60000000000));
}

TEST(CombineTest, FollowedByNeedsCertainOrder) {
  const ObsProgram p = Program("[a:b = 1] FOLLOWEDBY [a:b = 2]");
  // Observation 0 spans [0, 5]; observation 1 starts at 3: not certainly after.
  std::vector<ObsTimes> times = {{At(0), At(5), 1}, {At(3), At(3), 1}, {At(5), At(6), 1}};
  std::vector<std::vector<uint32_t>> leaves = {{0}, {1}};
  EXPECT_FALSE(*Combine(p, times, leaves, -1, {}));
  leaves = {{0}, {1, 2}};
  EXPECT_TRUE(*Combine(p, times, leaves, -1, {}));  // equal instants count as following
  EXPECT_TRUE(*Combine(p, times, leaves, 2, {}));
  EXPECT_FALSE(*Combine(p, times, leaves, 1, {}));
}

TEST(CombineTest, DistinctObservationsWithinCounts) {
  const ObsProgram p = Program("[a:b = 1] AND [a:b = 2]");
  std::vector<ObsTimes> times = {{At(0), At(0), 1}};
  std::vector<std::vector<uint32_t>> leaves = {{0}, {0}};
  EXPECT_FALSE(*Combine(p, times, leaves, -1, {}));
  times[0].count = 2;  // one observed-data seen twice can serve both
  EXPECT_TRUE(*Combine(p, times, leaves, -1, {}));
}

TEST(CombineTest, CountedRepeatsWithin) {
  const ObsProgram p = Program("[a:b = 1] REPEATS 3 TIMES WITHIN 10 SECONDS");
  std::vector<ObsTimes> times = {{At(0), At(0), 1},
                                 {At(5), At(5), 1},
                                 {At(11), At(11), 1},
                                 {At(22), At(22), 1},
                                 {At(33), At(33), 1}};
  std::vector<std::vector<uint32_t>> leaves = {{0, 1, 2, 3, 4}};
  EXPECT_FALSE(*Combine(p, times, leaves, -1, {}));  // never three within 10 seconds
  times[3].count = 3;
  EXPECT_TRUE(*Combine(p, times, leaves, -1, {}));  // three sightings in observation 3
  EXPECT_TRUE(*Combine(p, times, leaves, 3, {}));
  EXPECT_FALSE(*Combine(p, times, leaves, 0, {}));
}

TEST(CombineTest, CountedRepeatsScalesWhereEnumerationCannot) {
  // 2,000 matching observations: enumerating multisets of 5 is hopeless, counting is not.
  const ObsProgram p = Program("[a:b = 1] REPEATS 5 TIMES WITHIN 2 SECONDS");
  std::vector<ObsTimes> times;
  std::vector<std::vector<uint32_t>> leaves(1);
  for (int i = 0; i < 2000; ++i) {
    times.push_back({At(i), At(i), 1});
    leaves[0].push_back(i);
  }
  EXPECT_FALSE(*Combine(p, times, leaves, -1, {}));  // at most 3 within any 2 seconds
  times[1000].count = 3;
  EXPECT_TRUE(*Combine(p, times, leaves, -1, {}));
  EXPECT_TRUE(*Combine(p, times, leaves, 1001, {}));
  EXPECT_FALSE(*Combine(p, times, leaves, 1500, {}));
}

TEST(CombineTest, LimitsGiveResourceExhausted) {
  const ObsProgram p = Program("([a:b = 1] AND [a:b = 2] AND [a:b = 3]) WITHIN 1 SECONDS");
  std::vector<ObsTimes> times;
  std::vector<std::vector<uint32_t>> leaves(3);
  for (int i = 0; i < 300; ++i) {
    times.push_back({At(i * 10), At(i * 10), 1});
    for (auto& l : leaves) l.push_back(i);
  }
  Result<bool> r = Combine(p, times, leaves, -1, CombineLimits{.max_bindings = 1000});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
}

// Random observation-level expressions over leaves "[x-a:pK = 1]", checked against the
// reference's bindings: Combine with must_include = -1 and with every observation.
std::string RandomExpression(std::mt19937_64& rng, int depth) {
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  std::string out;
  if (depth >= 2 || pick(100) < 45) {
    out = "[x-a:p" + std::to_string(pick(3)) + " = 1]";
  } else {
    static const char* ops[] = {" AND ", " OR ", " FOLLOWEDBY "};
    const char* op = ops[pick(3)];
    out = "(" + RandomExpression(rng, depth + 1) + op + RandomExpression(rng, depth + 1) + ")";
  }
  for (int q = 0; q < 2 && pick(100) < 35; ++q) {
    switch (pick(3)) {
      case 0:
        out = "(" + out + " WITHIN " + std::to_string(1 + pick(6)) + " SECONDS)";
        break;
      case 1:
        out = "(" + out + " REPEATS " + std::to_string(2 + pick(2)) + " TIMES)";
        break;
      default: {
        const size_t start = pick(5);
        out = "(" + out + " START t'2020-01-01T00:00:0" + std::to_string(start) +
              "Z' STOP t'2020-01-01T00:00:" + std::to_string(10 + start + pick(4)) + "Z')";
        break;
      }
    }
  }
  return out;
}

TEST(CombineTest, AgreesWithReferenceBindings) {
  std::mt19937_64 rng(11);
  int compared = 0, matched = 0;
  for (int c = 0; c < 1500; ++c) {
    const std::string text = RandomExpression(rng, 0);
    Result<Pattern> p = ParsePattern(text);
    ASSERT_TRUE(p.ok()) << text << ": " << p.status().ToString();
    std::vector<observe::Observation> observations(2 + rng() % 5);
    for (observe::Observation& o : observations) {
      const int first = static_cast<int>(rng() % 12);
      o.first_observed = At(first);
      o.last_observed = At(first + (rng() % 3 == 0 ? static_cast<int>(rng() % 3) : 0));
      o.number_observed = 1 + static_cast<int64_t>(rng() % 3 == 0 ? rng() % 3 : 0);
      std::vector<std::pair<std::string_view, observe::ValueStore::Id>> members;
      const observe::ValueStore::Id type = o.values.AddString("x-a");
      members.emplace_back("type", type);
      static const char* keys[] = {"p0", "p1", "p2"};
      for (const char* key : keys) {
        if (rng() % 2) members.emplace_back(key, o.values.AddInt(1));
      }
      o.AddObject("0", "x-a", o.values.AddObject(members));
    }
    std::vector<uint32_t> leaf_nodes;
    const ObsProgram program = ObsProgram::Compile(*p, &leaf_nodes);
    std::vector<std::vector<uint32_t>> leaves(leaf_nodes.size());
    std::vector<ObsTimes> times;
    for (uint32_t i = 0; i < observations.size(); ++i) {
      const observe::Observation& o = observations[i];
      times.push_back({o.first_observed, o.last_observed, o.number_observed});
      for (size_t k = 0; k < leaf_nodes.size(); ++k) {
        if (*ReferenceMatchesObservation(*p, leaf_nodes[k], o)) leaves[k].push_back(i);
      }
    }
    Result<std::vector<ReferenceBinding>> ref = ReferenceBindings(*p, observations);
    if (!ref.ok()) continue;  // the reference's limits
    ++compared;
    Result<bool> got = Combine(program, times, leaves, -1, {});
    ASSERT_TRUE(got.ok()) << text << ": " << got.status().ToString();
    EXPECT_EQ(*got, !ref->empty()) << text;
    if (!ref->empty()) ++matched;
    for (uint32_t m = 0; m < observations.size(); ++m) {
      bool uses = false;
      for (const ReferenceBinding& b : *ref) {
        for (const auto& [i, n] : b) uses = uses || i == m;
      }
      Result<bool> with = Combine(program, times, leaves, m, {});
      ASSERT_TRUE(with.ok());
      EXPECT_EQ(*with, uses) << text << " using observation " << m;
    }
  }
  EXPECT_GT(compared, 1000);
  EXPECT_GT(matched, compared / 5);
}

}  // namespace
}  // namespace concord::pattern::engine
