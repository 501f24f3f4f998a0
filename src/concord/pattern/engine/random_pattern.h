#pragma once

// Random STIX patterns and observations for differential tests (test-only). Both draw from one
// small vocabulary of object types, paths and values, so that comparisons often hold: every
// operator (with NOT), IN lists, LIKE with % and _, MATCHES, ISSUBSET/ISSUPERSET on IPv4 and
// IPv6, EXISTS, AND/OR nesting, paths with [*], [n], *_ref and *_refs dereferences, binary
// properties, NFC and NFD text; observation operators and qualifiers; observed-data in the
// STIX 2.0 (embedded objects) and 2.1 (object_refs) shapes.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace concord::pattern::engine::testing {

// Draws from one generator: what the engine's random test inputs (these patterns, the write
// prefilter test's builder scripts) are made of.
class RandomDraws {
 public:
  std::mt19937_64& rng() { return rng_; }

 protected:
  explicit RandomDraws(uint64_t seed) : rng_(seed) {}
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  template <typename T>
  const T& PickOf(const std::vector<T>& v) {
    return v[Pick(v.size())];
  }

  std::mt19937_64 rng_;
};

class RandomPatterns : public RandomDraws {
 public:
  explicit RandomPatterns(uint64_t seed) : RandomDraws(seed) {}

  // A pattern's text. Most are valid; some break a rule of checks.h (as real feeds do).
  std::string Pattern();
  // One comparison expression (the inside of "[...]").
  std::string ComparisonExpression(int depth = 0);
  // `count` observed-data (and, for STIX 2.1, their SCOs) as one JSON array.
  std::string Observations(int count);

 private:
  std::string ObservationExpression(int depth);
  std::string Comparison();
  std::string Literal(const std::string& op);
  // A literal of kind `kind` (0-11 as drawn; -1 for a random one).
  std::string ScalarLiteral(int kind);
  std::string Object(const std::string& type, const std::vector<std::string>& refs);
  std::string JsonValue(int depth);

  void ChooseCaseTypes();

  std::vector<size_t> case_types_;  // the object types this generator's output mostly uses
  std::vector<size_t> focus_;       // the object types the current pattern mostly names
};

}  // namespace concord::pattern::engine::testing
