#pragma once

// Matching a PatternSet against a stream of observations, reporting each match when the
// observation that completes it arrives, with bounded state per pattern.
//
// Single-observation patterns are reported for each observation that matches them. A pattern
// with observation operators or qualifiers keeps a *window*: the recent observations that matched
// at least one of its observation expressions, each as (times, number_observed, which
// expressions it matched) - never the observation itself. When an observation matches one of
// its expressions it joins the window and the pattern is reported if some binding (the
// reference's semantics, combiner.h) uses the new observation and otherwise only observations of
// the window.
//
// What is kept and what is dropped:
//   - Time. Observations are expected in nondecreasing last_observed order. The watermark is the
//     latest last_observed seen; a pattern whose bindings have a bounded span H (a WITHIN or
//     START/STOP over the whole pattern, or an OR of such) drops observations whose
//     first_observed is more than H before the watermark: no future binding can use them. With
//     input in order and no cap reached, a pattern is reported at some point exactly when the
//     reference evaluator matches it over all observations fed so far. Out-of-order input is
//     accepted, but a binding needing an observation that was already dropped is missed.
//   - Caps. A window holds at most max_window_per_pattern observations (the oldest is dropped),
//     and all windows together at most max_window_entries (the oldest across the stream is
//     dropped). A match that needs a dropped observation is missed; stats() counts the drops.
//   - Work. Each combination is bounded by EngineLimits (max_bindings, max_combine_steps);
//     a pattern that exceeds them on a window is not reported for that observation and
//     stats().exhausted counts it.
// Reports are not deduplicated: each observation that completes a binding reports the pattern
// again.
//
// Not thread-safe (one StreamMatcher per stream); the PatternSet must outlive it.

#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

#include "concord/observe/observation.h"
#include "concord/pattern/engine/combiner.h"
#include "concord/pattern/engine/pattern_set.h"

namespace concord::pattern::engine {

struct StreamOptions {
  // The most observations kept for one pattern.
  size_t max_window_per_pattern = 256;
  // The most observations kept for all patterns together (counting an observation once per
  // pattern that keeps it).
  size_t max_window_entries = size_t{1} << 20;
};

struct StreamMatch {
  uint32_t user_index = 0;
  uint32_t entry = 0;     // the pattern's entry in the set
  uint64_t sequence = 0;  // which Feed call (0-based) completed the match
};

struct StreamStats {
  uint64_t observations = 0;
  uint64_t matches = 0;
  uint64_t dropped_by_time = 0;         // past the pattern's horizon: harmless
  uint64_t dropped_by_pattern_cap = 0;  // max_window_per_pattern: may lose matches
  uint64_t dropped_by_total_cap = 0;    // max_window_entries: may lose matches
  uint64_t exhausted = 0;               // combinations or verifications given up
  uint64_t window_entries = 0;          // held now
};

class StreamMatcher {
 public:
  // A stream over `set` (which must outlive it); caps below 1 are raised to 1.
  explicit StreamMatcher(const PatternSet& set, StreamOptions options = {});
  ~StreamMatcher();
  StreamMatcher(const StreamMatcher&) = delete;
  StreamMatcher& operator=(const StreamMatcher&) = delete;

  // Matches the next observation of the stream and appends the matches it completes to
  // `*matches` (single-observation patterns first, then the others, each in entry order).
  void Feed(const observe::Observation& observation, std::vector<StreamMatch>* matches);

  // Feed for a caller that has already matched the observation's expressions itself, with
  // Matcher::MatchExpressions over the same set (possibly on another thread): `times` are the
  // observation's, `expressions` what MatchExpressions gave (any order; reordered here), and
  // `exhausted` how many entries it gave up on. The result is that of Feed.
  void FeedMatched(const ObsTimes& times, std::vector<Matcher::ExpressionMatch>* expressions,
                   size_t exhausted, std::vector<StreamMatch>* matches);

  const StreamStats& stats() const { return stats_; }

 private:
  struct Item {
    uint64_t sequence;
    ObsTimes times;
    std::vector<uint32_t> leaves;  // the pattern's expressions this observation matched
  };
  struct Window {
    std::deque<Item> items;  // in arrival order
  };
  void DropFront(uint32_t entry, Window* w, uint64_t* counter);
  void EnforceTotalCap();

  const PatternSet& set_;
  StreamOptions options_;
  Matcher matcher_;
  std::unordered_map<uint32_t, Window> windows_;        // by entry
  std::deque<std::pair<uint64_t, uint32_t>> arrivals_;  // (sequence, entry), oldest first
  Timestamp watermark_;
  bool have_watermark_ = false;
  StreamStats stats_;
  // Scratch.
  std::vector<Matcher::ExpressionMatch> expressions_;
  std::vector<uint32_t> exhausted_;
  std::vector<ObsTimes> times_;
  std::vector<std::vector<uint32_t>> leaves_;
};

}  // namespace concord::pattern::engine
