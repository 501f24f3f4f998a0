// Differential tests: the compiled engine against the reference evaluator (the semantics
// contract) over many random pattern sets and observations. Every difference is printed with the
// pattern and the observations.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "concord/pattern/checks.h"
#include "concord/pattern/engine/combiner.h"
#include "concord/pattern/engine/pattern_set.h"
#include "concord/pattern/engine/random_pattern.h"
#include "concord/pattern/engine/stream_matcher.h"
#include "concord/pattern/observation_reader.h"
#include "concord/pattern/parser.h"
#include "concord/pattern/reference_evaluator.h"

namespace concord::pattern::engine {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr int kDefaultCases = 1000;
constexpr int kScale = 1;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int kDefaultCases = 1000;
constexpr int kScale = 1;
#else
constexpr int kDefaultCases = 8000;
constexpr int kScale = 3;
#endif
#else
constexpr int kDefaultCases = 8000;
constexpr int kScale = 3;
#endif

// CONCORD_DIFFERENTIAL_CASES and CONCORD_DIFFERENTIAL_SEED override the number of random cases
// and the first seed, for longer hunts.
int Cases() {
  const char* env = std::getenv("CONCORD_DIFFERENTIAL_CASES");
  return env != nullptr ? std::atoi(env) : kDefaultCases;
}

uint64_t FirstSeed() {
  const char* env = std::getenv("CONCORD_DIFFERENTIAL_SEED");
  return env != nullptr ? std::strtoull(env, nullptr, 10) : 0x5EED0000u;
}

// Counts of what the cases exercised, printed at the end.
struct Tally {
  int cases = 0;
  int patterns = 0;
  int invalid = 0;
  int matched = 0;
  int not_matched = 0;
  int reference_gave_up = 0;
  int single_checks = 0;
  int single_matches = 0;
  int leaf_checks = 0;
  int leaf_matches = 0;
  int stream_checks = 0;
  int failures = 0;
};

std::string Answer(const Result<bool>& r) {
  if (!r.ok()) return "error: " + r.status().ToString();
  return *r ? "matched" : "not matched";
}

std::string Answer(const MatchResult& r) {
  switch (r.state) {
    case MatchResult::State::kMatched:
      return "matched";
    case MatchResult::State::kNotMatched:
      return "not matched";
    case MatchResult::State::kError:
      return "error: " + r.error.ToString();
  }
  return "?";
}

class Differential {
 public:
  explicit Differential(Tally* tally) : tally_(tally) {}

  void RunCase(uint64_t seed) {
    testing::RandomPatterns gen(seed);
    std::mt19937_64& rng = gen.rng();
    const int pattern_count = 1 + static_cast<int>(rng() % 12);
    const int observation_count = 1 + static_cast<int>(rng() % 5);
    std::vector<std::string> patterns;
    for (int i = 0; i < pattern_count; ++i) patterns.push_back(gen.Pattern());
    const std::string json = gen.Observations(observation_count);
    Result<std::vector<observe::Observation>> read = ReadObservations(json);
    ASSERT_TRUE(read.ok()) << read.status().ToString() << "\n" << json;
    const std::vector<observe::Observation>& observations = *read;
    ++tally_->cases;

    PatternSetBuilder builder;
    for (int i = 0; i < pattern_count; ++i) {
      Status s = builder.Add(patterns[i], static_cast<uint32_t>(1000 + i));
      (void)s;  // compared below through the results
    }
    Result<std::unique_ptr<PatternSet>> built = builder.Build();
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    const PatternSet& set = **built;
    ASSERT_EQ(set.size(), static_cast<size_t>(pattern_count));

    auto fail = [&](const std::string& pattern, const std::string& what) {
      ++tally_->failures;
      if (tally_->failures <= 10) {
        ADD_FAILURE() << "seed " << seed << ": " << what << "\n  pattern: " << pattern
                      << "\n  observations: " << json;
      }
    };

    // Whole-pattern answers over all observations (EvaluateBatch).
    const std::vector<MatchResult> results = set.EvaluateBatch(observations);
    std::vector<Result<bool>> reference;
    std::vector<std::optional<Pattern>> parsed(pattern_count);
    for (int i = 0; i < pattern_count; ++i) {
      ++tally_->patterns;
      Result<Pattern> p = ParsePattern(patterns[i]);
      Result<bool> ref = p.ok() ? EvaluateReference(*p, observations) : Result<bool>(p.status());
      if (p.ok() && CheckPattern(*p).ok()) parsed[i] = std::move(*p);
      reference.push_back(ref);
      const MatchResult& got = results[i];
      if (got.user_index != static_cast<uint32_t>(1000 + i)) fail(patterns[i], "user index");
      if (!ref.ok()) {
        if (ref.status().code() == StatusCode::kResourceExhausted && parsed[i]) {
          ++tally_->reference_gave_up;  // the reference's limits, not an answer
          continue;
        }
        ++tally_->invalid;
        if (got.state != MatchResult::State::kError || !(got.error == ref.status())) {
          fail(patterns[i], "reference: " + Answer(ref) + "\n  engine: " + Answer(got));
        }
        continue;
      }
      ++(*ref ? tally_->matched : tally_->not_matched);
      if (Answer(ref) != Answer(got)) {
        fail(patterns[i], "reference: " + Answer(ref) + "\n  engine: " + Answer(got));
      }
    }

    // Per observation: single-observation patterns (MatchObservation) and every observation
    // expression of every pattern (MatchExpressions) against ReferenceMatchesObservation.
    Matcher matcher(set);
    std::vector<std::vector<uint32_t>> leaf_nodes(pattern_count);
    for (int i = 0; i < pattern_count; ++i) {
      if (parsed[i]) ObsProgram::Compile(*parsed[i], &leaf_nodes[i]);
    }
    for (size_t o = 0; o < observations.size(); ++o) {
      std::vector<uint32_t> matched;
      std::vector<uint32_t> exhausted;
      matcher.MatchObservation(observations[o], &matched, &exhausted);
      std::vector<Matcher::ExpressionMatch> expressions;
      matcher.MatchExpressions(observations[o], &expressions, &exhausted);
      ASSERT_TRUE(exhausted.empty());
      std::set<std::pair<uint32_t, uint32_t>> got_leaves;
      for (const auto& x : expressions) got_leaves.emplace(x.entry, x.leaf);
      for (int i = 0; i < pattern_count; ++i) {
        if (!parsed[i]) continue;
        for (uint32_t leaf = 0; leaf < leaf_nodes[i].size(); ++leaf) {
          Result<bool> ref =
              ReferenceMatchesObservation(*parsed[i], leaf_nodes[i][leaf], observations[o]);
          if (!ref.ok()) continue;
          ++tally_->leaf_checks;
          if (*ref) ++tally_->leaf_matches;
          const bool got = got_leaves.count({static_cast<uint32_t>(i), leaf}) != 0;
          if (got != *ref) {
            fail(patterns[i], "observation " + std::to_string(o) + ", expression " +
                                  std::to_string(leaf) + ": reference " + Answer(ref) +
                                  ", engine " + (got ? "matched" : "not matched"));
          }
          if (set.single_observation(i)) {
            ++tally_->single_checks;
            if (*ref) ++tally_->single_matches;
            const bool single = std::count(matched.begin(), matched.end(), 1000 + i) == 1;
            if (single != *ref) {
              fail(patterns[i], "MatchObservation on observation " + std::to_string(o) +
                                    ": reference " + Answer(ref));
            }
          }
        }
      }
    }

    // The stream, in last_observed order: a pattern is reported at some point exactly when the
    // reference matches it over all observations (no cap is reached at these sizes).
    std::vector<const observe::Observation*> order;
    for (const observe::Observation& o : observations) order.push_back(&o);
    std::stable_sort(order.begin(), order.end(),
                     [](const observe::Observation* a, const observe::Observation* b) {
                       return a->last_observed < b->last_observed;
                     });
    StreamMatcher stream(set);
    std::vector<StreamMatch> reported;
    for (const observe::Observation* o : order) stream.Feed(*o, &reported);
    if (stream.stats().exhausted != 0 || stream.stats().dropped_by_pattern_cap != 0) return;
    std::set<uint32_t> reported_entries;
    for (const StreamMatch& m : reported) reported_entries.insert(m.entry);
    for (int i = 0; i < pattern_count; ++i) {
      if (!reference[i].ok()) continue;
      ++tally_->stream_checks;
      const bool got = reported_entries.count(i) != 0;
      if (got != *reference[i]) {
        fail(patterns[i], std::string("stream: reference ") + Answer(reference[i]) + ", stream " +
                              (got ? "reported" : "not reported"));
      }
    }
  }

 private:
  Tally* tally_;
};

TEST(DifferentialTest, EngineAgreesWithReference) {
  Tally tally;
  Differential d(&tally);
  const int cases = Cases();
  const uint64_t first = FirstSeed();
  for (int c = 0; c < cases && tally.failures < 10; ++c) {
    d.RunCase(first + c);
    if (::testing::Test::HasFatalFailure()) break;
  }
  std::printf(
      "differential: %d cases, %d patterns (%d invalid, %d matched, %d not matched, %d the "
      "reference gave up on); %d single-observation checks (%d matches); %d expression checks "
      "(%d matches); %d stream checks\n",
      tally.cases, tally.patterns, tally.invalid, tally.matched, tally.not_matched,
      tally.reference_gave_up, tally.single_checks, tally.single_matches, tally.leaf_checks,
      tally.leaf_matches, tally.stream_checks);
  EXPECT_EQ(tally.failures, 0);
  // The generator must produce real work: plenty of matches and of non-matches.
  EXPECT_GT(tally.matched, tally.patterns / 20);
  EXPECT_GT(tally.not_matched, tally.patterns / 5);
}

// Indicator-like sets large enough to use every index at scale: the IPv4 length table (many
// ISSUBSET blocks in one slot), several RE2::Set chunks, shared keys, label-wise suffixes.
TEST(DifferentialTest, LargeIndicatorSets) {
  std::mt19937_64 rng(77);
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  auto ip = [&]() { return "10.0." + std::to_string(pick(8)) + "." + std::to_string(pick(16)); };
  std::vector<std::string> patterns;
  const int pattern_count = 500 * kScale;
  for (int i = 0; i < pattern_count; ++i) {
    const int d = pick(20);
    const std::string dn = "d" + std::to_string(d);
    switch (pick(12)) {
      case 0:
      case 1:
        patterns.push_back("[ipv4-addr:value = '" + ip() + "']");
        break;
      case 2:
      case 3:
        patterns.push_back("[ipv4-addr:value ISSUBSET '" + ip() + "/" +
                           std::to_string(8 + pick(25)) + "']");
        break;
      case 4:
        patterns.push_back("[ipv6-addr:value ISSUBSET '2001:db8:" + std::to_string(pick(4)) +
                           "::/" + std::to_string(32 + pick(40)) + "']");
        break;
      case 5:
        patterns.push_back("[domain-name:value LIKE '%." + dn + ".example.com']");
        break;
      case 6:
        patterns.push_back(pick(2) ? "[domain-name:value = '" + dn + ".example.com']"
                                   : "[domain-name:value LIKE '" + dn + ".example.com']");
        break;
      case 7:
        patterns.push_back("[url:value LIKE 'http://h" + std::to_string(d) + ".org/%']");
        break;
      case 8:
        patterns.push_back("[domain-name:value MATCHES '^s" + std::to_string(pick(4)) + "\\\\." +
                           dn + "\\\\.']");
        break;
      case 9:
        patterns.push_back("[domain-name:value LIKE 's_." + dn + "%']");
        break;
      case 10:
        patterns.push_back("[ipv4-addr:value ISSUPERSET '" + ip() + "/" +
                           std::to_string(20 + pick(13)) + "']");
        break;
      default:
        patterns.push_back("[network-traffic:dst_port " + std::string(pick(2) ? ">= " : "< ") +
                           std::to_string(pick(2000)) +
                           " AND network-traffic:dst_ref.value ISSUBSET '10.0.0.0/" +
                           std::to_string(13 + pick(10)) + "']");
        break;
    }
  }
  PatternSetBuilder builder;
  std::vector<Pattern> parsed;
  for (size_t i = 0; i < patterns.size(); ++i) {
    ASSERT_TRUE(builder.Add(patterns[i], static_cast<uint32_t>(i)).ok()) << patterns[i];
    parsed.push_back(*ParsePattern(patterns[i]));
  }
  std::unique_ptr<PatternSet> set = std::move(*builder.Build());
  EXPECT_EQ(set->stats().always_candidates, 0u);
  std::string json = "[";
  const int observation_count = 100 * kScale;
  for (int o = 0; o < observation_count; ++o) {
    const std::string dn = "d" + std::to_string(pick(20));
    const std::string v4 = pick(4) ? ip() : ip() + "/" + std::to_string(16 + pick(17));
    json += (o ? "," : "") +
            std::string(R"({"type":"observed-data","first_observed":"2020-01-01T00:00:00Z",)"
                        R"("last_observed":"2020-01-01T00:00:00Z","number_observed":1,)"
                        R"("objects":{"0":{"type":"ipv4-addr","value":")") +
            v4 + R"("},"1":{"type":"domain-name","value":"s)" + std::to_string(pick(4)) + "." + dn +
            R"(.example.com"},"2":{"type":"url","value":"http://h)" + std::to_string(pick(20)) +
            R"(.org/x"},"3":{"type":"ipv6-addr","value":"2001:db8:)" + std::to_string(pick(4)) +
            "::" + std::to_string(pick(100)) +
            R"("},"4":{"type":"network-traffic","dst_ref":"0","dst_port":)" +
            std::to_string(pick(2000)) + "}}}";
  }
  Result<std::vector<observe::Observation>> observations = ReadObservations(json + "]");
  ASSERT_TRUE(observations.ok()) << observations.status().ToString();
  Matcher matcher(*set);
  int matches = 0, failures = 0;
  for (size_t o = 0; o < observations->size(); ++o) {
    std::vector<uint32_t> matched;
    matcher.MatchObservation((*observations)[o], &matched);
    std::vector<bool> got(patterns.size(), false);
    for (uint32_t m : matched) got[m] = true;
    for (size_t i = 0; i < patterns.size(); ++i) {
      Result<bool> ref = ReferenceMatchesObservation(parsed[i], parsed[i].root, (*observations)[o]);
      ASSERT_TRUE(ref.ok());
      matches += *ref;
      if (*ref != got[i] && ++failures <= 10) {
        ADD_FAILURE() << patterns[i] << " on observation " << o << ": reference " << *ref;
      }
    }
  }
  EXPECT_EQ(failures, 0);
  EXPECT_GT(matches, observation_count * 5);
  std::printf("large sets: %d patterns x %d observations, %d matches\n", pattern_count,
              observation_count, matches);
}

}  // namespace
}  // namespace concord::pattern::engine
