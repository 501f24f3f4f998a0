// Benchmarks of the compiled pattern engine (src/concord/pattern/engine), printed plainly:
//
//   1. compile time and memory for --patterns patterns (default 100,000) of the realistic mix,
//      and memory for the same number of simple indicator patterns;
//   2. observations per second on one core (observations already built) against 1,000 and
//      against --patterns indicator patterns (equality / CIDR / domain suffix), same
//      observations, and against the realistic mix;
//   3. the batch form end to end: 1,000 realistic patterns and --batch observed-data (default
//      10,000) from JSON text: compile, read the observations, evaluate.
//
// Usage: pattern_bench [--patterns N] [--observations N] [--batch N] [--seed N] [--only 1|2|3]
//                      [--write-batch DIR]

#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "concord/pattern/engine/pattern_set.h"
#include "concord/pattern/observation_reader.h"
#include "pattern_generator.h"

namespace {

using concord::bench::PatternMix;
using concord::bench::PatternWorkload;
using concord::observe::Observation;
using concord::pattern::engine::Matcher;
using concord::pattern::engine::MatchResult;
using concord::pattern::engine::PatternSet;
using concord::pattern::engine::PatternSetBuilder;
using concord::pattern::engine::PatternSetStats;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

size_t HeapInUse() { return mallinfo2().uordblks; }

std::unique_ptr<PatternSet> Compile(const std::vector<std::string>& patterns, double* seconds) {
  const Clock::time_point t0 = Clock::now();
  PatternSetBuilder builder;
  for (size_t i = 0; i < patterns.size(); ++i) {
    (void)builder.Add(patterns[i], static_cast<uint32_t>(i));
  }
  auto set = builder.Build();
  if (seconds != nullptr) *seconds = Seconds(t0, Clock::now());
  if (!set.ok()) {
    std::fprintf(stderr, "build failed: %s\n", set.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*set);
}

void PrintCompile(const char* what, size_t n, double seconds, size_t heap,
                  const PatternSetStats& st) {
  std::printf("  %-34s %8zu patterns  compile %.3f s (%.0f patterns/s)\n", what, n, seconds,
              n / seconds);
  std::printf("  %-34s heap %.1f MiB = %.0f bytes/pattern (own accounting %.0f bytes/pattern)\n",
              "", heap / 1048576.0, static_cast<double>(heap) / n,
              static_cast<double>(st.memory_bytes) / n);
  std::printf(
      "  %-34s %zu exact, %zu verified, %zu never, %zu always-candidate expressions; "
      "%zu keys, %zu slots, %zu regexes, %zu multi-observation\n",
      "", st.exact_expressions, st.expressions - st.exact_expressions - st.never_expressions,
      st.never_expressions, st.always_candidates, st.keys, st.indexed_slots, st.regexes,
      st.multi_observation);
}

// Observations per second through MatchObservation for each of `sets`, on the same
// observations: five rounds of at least 0.5 s per set, the sets taking turns so that a change of
// load on the shared machine affects all of them alike; the best round of each is printed.
void Throughput(const std::vector<std::pair<std::string, const PatternSet*>>& sets,
                const std::vector<Observation>& observations) {
  std::vector<double> best(sets.size(), 0);
  std::vector<size_t> matches(sets.size(), 0);
  std::vector<std::unique_ptr<Matcher>> matchers;
  std::vector<uint32_t> matched;
  for (size_t k = 0; k < sets.size(); ++k) {
    matchers.push_back(std::make_unique<Matcher>(*sets[k].second));
    for (const Observation& o : observations) {  // warm up, and count the matches once
      matched.clear();
      matchers[k]->MatchObservation(o, &matched);
      matches[k] += matched.size();
    }
  }
  for (int round = 0; round < 5; ++round) {
    for (size_t k = 0; k < sets.size(); ++k) {
      size_t done = 0;
      const Clock::time_point t0 = Clock::now();
      double elapsed = 0;
      do {
        for (const Observation& o : observations) {
          matched.clear();
          matchers[k]->MatchObservation(o, &matched);
        }
        done += observations.size();
        elapsed = Seconds(t0, Clock::now());
      } while (elapsed < 0.5);
      best[k] = std::max(best[k], done / elapsed);
    }
  }
  for (size_t k = 0; k < sets.size(); ++k) {
    std::printf("  %-40s %10.0f observations/s  (%.0f ns each; %zu matches in %zu observations)\n",
                sets[k].first.c_str(), best[k], 1e9 / best[k], matches[k], observations.size());
  }
  if (sets.size() >= 2) {
    std::printf("  %-40s %10.2fx\n", (sets[0].first + " / " + sets[1].first).c_str(),
                best[0] / best[1]);
  }
}

}  // namespace

int main(int argc, char** argv) {
  size_t pattern_count = 100000;
  size_t observation_count = 20000;
  size_t batch_count = 10000;
  uint64_t seed = 1;
  int only = 0;
  std::string write_batch;  // a directory: write the batch inputs as files and stop
  for (int i = 1; i < argc; ++i) {
    auto next = [&]() { return i + 1 < argc ? std::strtoull(argv[++i], nullptr, 10) : 0ull; };
    if (!std::strcmp(argv[i], "--patterns")) {
      pattern_count = next();
    } else if (!std::strcmp(argv[i], "--observations")) {
      observation_count = next();
    } else if (!std::strcmp(argv[i], "--batch")) {
      batch_count = next();
    } else if (!std::strcmp(argv[i], "--seed")) {
      seed = next();
    } else if (!std::strcmp(argv[i], "--only")) {
      only = static_cast<int>(next());
    } else if (!std::strcmp(argv[i], "--write-batch") && i + 1 < argc) {
      write_batch = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: pattern_bench [--patterns N] [--observations N] [--batch N] "
                   "[--seed N] [--only 1|2|3] [--write-batch DIR]\n");
      return 2;
    }
  }
  if (!write_batch.empty()) {
    // The batch form's inputs as files, to time `concord pattern eval --patterns --observed`.
    PatternWorkload w(seed + 3);
    const std::vector<std::string> patterns = w.Patterns(1000, PatternMix::kRealistic, 0.009);
    const std::string json = w.ObservedData(batch_count, 0.05);
    std::ofstream(write_batch + "/patterns.txt") << [&] {
      std::string all;
      for (const auto& p : patterns) all += p + "\n";
      return all;
    }();
    std::ofstream(write_batch + "/observed.json") << json;
    std::printf("wrote %s/patterns.txt (1,000 patterns) and %s/observed.json (%zu observed-data)\n",
                write_batch.c_str(), write_batch.c_str(), batch_count);
    return 0;
  }
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  std::printf("pattern engine benchmark (load average %.2f %.2f %.2f)\n", load[0], load[1],
              load[2]);

  // 1. Compile time and memory.
  if (only == 0 || only == 1) {
    std::printf("\ncompile\n");
    PatternWorkload w(seed);
    const std::vector<std::string> realistic = w.Patterns(pattern_count, PatternMix::kRealistic);
    const size_t before = HeapInUse();
    double seconds = 0;
    std::unique_ptr<PatternSet> set = Compile(realistic, &seconds);
    const size_t heap = HeapInUse() - before;
    PrintCompile("realistic mix", pattern_count, seconds, heap, set->stats());
  }
  if (only == 0 || only == 1) {
    PatternWorkload w(seed + 1);
    std::vector<std::string> simple;
    simple.reserve(pattern_count);
    for (const std::string& p : w.Patterns(pattern_count * 2, PatternMix::kIndicators)) {
      if (simple.size() < pattern_count && p.starts_with("[ipv4-addr:value = ")) {
        simple.push_back(p);
      }
    }
    for (const std::string& p : w.Patterns(pattern_count, PatternMix::kIndicators)) {
      if (simple.size() < pattern_count) simple.push_back(p);
    }
    const size_t before = HeapInUse();
    double seconds = 0;
    std::unique_ptr<PatternSet> set = Compile(simple, &seconds);
    const size_t heap = HeapInUse() - before;
    PrintCompile("simple indicators", simple.size(), seconds, heap, set->stats());
  }

  // 2. Observations per second, the same observations against each set.
  if (only == 0 || only == 2) {
    std::printf("\nmatching, one core, observations already built\n");
    PatternWorkload w(seed + 2);
    const std::vector<std::string> indicators = w.Patterns(pattern_count, PatternMix::kIndicators);
    const std::string json = w.ObservedData(observation_count, 0.05);
    auto observations = concord::pattern::ReadObservations(json);
    if (!observations.ok()) {
      std::fprintf(stderr, "%s\n", observations.status().ToString().c_str());
      return 1;
    }
    const std::vector<std::string> small(
        indicators.begin(), indicators.begin() + std::min<size_t>(1000, pattern_count));
    std::unique_ptr<PatternSet> small_set = Compile(small, nullptr);
    std::unique_ptr<PatternSet> large_set = Compile(indicators, nullptr);
    PatternWorkload r(seed + 2);  // the same values, realistic mix
    std::unique_ptr<PatternSet> realistic_set =
        Compile(r.Patterns(pattern_count, PatternMix::kRealistic), nullptr);
    Throughput({{"1,000 indicator patterns", small_set.get()},
                {std::to_string(pattern_count) + " indicator patterns", large_set.get()},
                {std::to_string(pattern_count) + " realistic-mix patterns", realistic_set.get()}},
               *observations);
  }

  // 3. The batch form, end to end from text: the realistic mix, and one with a long tail of 20%
  // (multi-comparison, LIKE/MATCHES and temporal patterns).
  if (only == 0 || only == 3) {
    std::printf("\nbatch, end to end\n");
    for (double tail : {0.009, 0.2}) {
      PatternWorkload w(seed + 3);
      const std::vector<std::string> patterns = w.Patterns(1000, PatternMix::kRealistic, tail);
      const std::string json = w.ObservedData(batch_count, 0.05);
      const Clock::time_point t0 = Clock::now();
      std::unique_ptr<PatternSet> set = Compile(patterns, nullptr);
      const Clock::time_point t1 = Clock::now();
      auto observations = concord::pattern::ReadObservations(json);
      if (!observations.ok()) {
        std::fprintf(stderr, "%s\n", observations.status().ToString().c_str());
        return 1;
      }
      const Clock::time_point t2 = Clock::now();
      const std::vector<MatchResult> results = set->EvaluateBatch(*observations);
      const Clock::time_point t3 = Clock::now();
      size_t matched = 0, errors = 0;
      for (const MatchResult& r : results) {
        matched += r.state == MatchResult::State::kMatched;
        errors += r.state == MatchResult::State::kError;
      }
      std::printf(
          "  1,000 patterns (long tail %.1f%%) x %zu observed-data (%.1f MiB of JSON): "
          "%.3f s total\n",
          tail * 100, batch_count, json.size() / 1048576.0, Seconds(t0, t3));
      std::printf(
          "    compile %.3f s, read JSON %.3f s, evaluate %.3f s; %zu patterns matched, "
          "%zu multi-observation, %zu errors\n",
          Seconds(t0, t1), Seconds(t1, t2), Seconds(t2, t3), matched,
          set->stats().multi_observation, errors);
    }
  }
  return 0;
}
