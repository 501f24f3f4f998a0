#pragma once

// The compiled multi-pattern engine: many STIX 2.1 patterns compiled together, matched against
// observations with work per observation that does not grow with the number of patterns when
// their comparisons are equalities, IN lists, CIDR blocks or domain suffixes.
//
// Semantics: exactly those of reference_evaluator.h (the contract; differential tests compare
// the two). How it is done, in the manner of RE2's "prefilter, then verify":
//
//   Compile. Each pattern is parsed and checked (an invalid pattern stays in the set as an entry
//   whose result is its error, with position). Each observation expression "[...]" is compiled
//   twice: into prefilter *atoms* in the indexes of slot_index.h (one slot per (object type,
//   path)), combined as a conjunction of *clauses* (an AND needs every clause, counted; an OR is
//   one clause satisfied by any of its atoms; NOT, != and EXISTS need only a value to be present;
//   a comparison that can never hold makes its branch impossible), and, unless its atoms already
//   decide it exactly, into a flattened comparison tree for verification.
//
//   Match one observation (Matcher). For each object, for each slot of its type that some atom
//   indexes, resolve the path once and probe the slot's indexes; each hit counts its clause once
//   per observation (epoch stamps, no clearing); an expression whose clauses are all counted is a
//   candidate; candidates are verified exactly (same-object binding per object type, reference
//   paths, type rules, NFC), unless exact. Single-observation patterns (one "[...]" without
//   qualifiers) are then decided.
//
//   Many observations (EvaluateBatch) and streams (stream_matcher.h). Patterns with observation
//   operators or qualifiers get, per observation expression, the observations that match it, and
//   combiner.h decides them with the reference's binding semantics.
//
// Thread safety: a built PatternSet is immutable and may be shared by any number of threads; each
// thread matches through its own Matcher (which holds per-thread scratch).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "concord/base/result.h"
#include "concord/base/status.h"
#include "concord/observe/builder_sink.h"
#include "concord/observe/observation.h"
#include "concord/pattern/ast.h"
#include "concord/pattern/limits.h"

namespace concord::pattern::engine {

struct EngineLimits {
  // Limits on each pattern's text and shape (ParsePattern).
  PatternLimits pattern_limits;
  // The most patterns in one set, and the most pattern text in bytes.
  size_t max_patterns = 10000000;
  size_t max_total_pattern_bytes = size_t{1} << 30;
  // The most prefilter clauses counted for one observation expression (the cheapest are kept;
  // fewer clauses only mean more verification).
  size_t max_clauses_per_expression = 4;
  // Verifying an observation expression that names several object types tries combinations of
  // their objects (distinct behaviours only); more than this many in one observation make that
  // pattern's answer ResourceExhausted.
  uint64_t max_type_combinations = uint64_t{1} << 16;
  // Combining observations for patterns with observation operators (combiner.h): the most
  // distinct bindings per node, and the most combination steps per pattern and batch.
  size_t max_bindings = 100000;
  uint64_t max_combine_steps = 50000000;
  // EvaluateBatch remembers which observations match each observation expression of patterns
  // with observation operators; beyond this many (observation, expression) pairs in one batch,
  // the patterns that would need more get ResourceExhausted.
  size_t max_batch_matches = size_t{1} << 24;
};

// The result for one pattern of a set.
struct MatchResult {
  enum class State : uint8_t { kNotMatched, kMatched, kError };
  uint32_t user_index = 0;
  State state = State::kNotMatched;
  // kError: the pattern's parse or check error (InvalidArgument / ResourceExhausted with
  // "position N: ..."), or ResourceExhausted when matching it exceeded EngineLimits.
  Status error;
};

// Figures about a built set, for tuning and for the benchmarks.
struct PatternSetStats {
  size_t patterns = 0;            // entries added
  size_t invalid = 0;             // entries whose pattern did not parse or check
  size_t single_observation = 0;  // decided per observation
  size_t multi_observation = 0;   // with observation operators or qualifiers
  size_t expressions = 0;         // observation expressions "[...]"
  size_t exact_expressions = 0;   // decided by their atoms alone, no verification
  size_t never_expressions = 0;   // that can never hold (a type rule excludes them)
  size_t always_candidates = 0;   // without any prefilter clause (verified on every observation)
  size_t clauses = 0;
  size_t slots = 0;          // distinct (object type, path)
  size_t indexed_slots = 0;  // slots that some atom indexes
  size_t keys = 0;           // distinct exact keys in the hash table
  size_t regexes = 0;        // LIKE / MATCHES operands on RE2::Set
  size_t memory_bytes = 0;   // heap held by the set (RE2 programs estimated)
};

class PatternSet;

// Collects patterns, then compiles them into a PatternSet. Not thread-safe.
class PatternSetBuilder {
 public:
  // A builder whose set will keep `limits` (max_clauses_per_expression is clamped to 1..255).
  explicit PatternSetBuilder(EngineLimits limits = {});
  ~PatternSetBuilder();
  PatternSetBuilder(const PatternSetBuilder&) = delete;
  PatternSetBuilder& operator=(const PatternSetBuilder&) = delete;

  // Parses, checks and compiles `pattern` as the next entry, reported under `user_index` (any
  // value; duplicates allowed). Returns the pattern's error, if any: the entry is kept all the
  // same and its MatchResult carries that error, so one bad pattern never spoils the set. The
  // exception is ResourceExhausted for exceeding max_patterns or max_total_pattern_bytes, in
  // which case nothing is added.
  Status Add(std::string_view pattern, uint32_t user_index);

  // Add for a pattern the caller has already parsed (with ParsePattern and the same
  // pattern_limits), so that it is not parsed twice; its text is parsed.source.
  Status Add(const Pattern& parsed, uint32_t user_index);

  // The number of entries added so far.
  size_t size() const;

  // Builds the set. The builder is left empty. Fails only with ResourceExhausted when an internal
  // table would exceed 2^32 entries.
  Result<std::unique_ptr<PatternSet>> Build();

 private:
  // Add, with `parsed` when the caller parsed `text` already (else it is parsed here).
  Status AddEntry(std::string_view text, const Pattern* parsed, uint32_t user_index);
  struct State;
  EngineLimits limits_;
  std::unique_ptr<State> state_;
};

class Matcher;
class StreamMatcher;

// An immutable compiled set of patterns (see the file comment).
class PatternSet {
 public:
  ~PatternSet();

  // The number of entries (patterns added, valid or not), and what was given for each.
  size_t size() const;
  // REQUIRES: entry < size().
  uint32_t user_index(size_t entry) const;
  // OK, or the entry's parse/check error.
  Status error(size_t entry) const;
  // True for a valid pattern that is one observation expression without qualifiers.
  bool single_observation(size_t entry) const;

  // Every entry's result over `observations` (all observations at once, as EvaluateReference
  // takes them), in entry order. Observations are identified by position in the span.
  std::vector<MatchResult> EvaluateBatch(std::span<const observe::Observation> observations) const;

  // Figures computed when the set was built.
  PatternSetStats stats() const;

  // The compiled representation (pattern_set_internal.h), for the engine's own matchers.
  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  friend class PatternSetBuilder;
  explicit PatternSet(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Matches observations one at a time against a PatternSet, with this thread's scratch memory
// (4 bytes per prefilter clause and 5 per observation expression). Not
// thread-safe; cheap to keep, not to create (make one per thread and reuse it). The set must
// outlive the Matcher.
class Matcher {
 public:
  // Scratch sized for `set`, which must outlive the Matcher.
  explicit Matcher(const PatternSet& set);
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // Appends to `*matched` the user_index of every valid single-observation pattern that
  // `observation` matches, in no particular order, once each. Entries whose verification
  // exceeded max_type_combinations are appended to `*exhausted` (when not null) by entry number.
  void MatchObservation(const observe::Observation& observation, std::vector<uint32_t>* matched,
                        std::vector<uint32_t>* exhausted = nullptr);

  // The observation expressions of all valid patterns (single- and multi-observation) that
  // `observation` matches, as (entry, leaf) with leaf numbered as ObsProgram numbers them;
  // replaces `*out`. `*exhausted` as above. For combiners.
  struct ExpressionMatch {
    uint32_t entry;
    uint32_t leaf;
  };
  void MatchExpressions(const observe::Observation& observation, std::vector<ExpressionMatch>* out,
                        std::vector<uint32_t>* exhausted = nullptr);

  // The write prefilter: the first phase of MatchExpressions (probing the indexes, counting
  // clauses) fed straight by an ObservationBuilder in probe mode, so that an event no pattern
  // can match is never built. Per event:
  //
  //   matcher.BeginWrites();
  //   builder.SetProbe(matcher.write_sink());  // then map the event into `builder`
  //   if (matcher.MayMatch()) { build it for real; MatchExpressions(...); }
  //
  // MayMatch() is false only when MatchExpressions on the observation the builder would have
  // built returns no match and exhausts nothing: it counts every clause that would be counted
  // (and maybe more), and answers true for paths it cannot follow from writes alone
  // (write_plan.h) and when some expression has no clauses at all.
  observe::BuilderSink* write_sink();
  void BeginWrites();
  bool MayMatch() const;

 private:
  struct Scratch;
  class WriteSink;
  const PatternSet& set_;
  std::unique_ptr<Scratch> scratch_;
  std::unique_ptr<WriteSink> write_sink_;
};

}  // namespace concord::pattern::engine
