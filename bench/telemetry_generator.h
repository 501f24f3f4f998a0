#pragma once

// Generated telemetry for the scan benchmark: Zeek JSON logs (conn, dns, http, ssl, files mixed
// as a sensor writes them when all logs go to one stream) and Suricata EVE (flow, dns, http,
// tls, fileinfo, alert), with values of a PatternWorkload's indicators planted in a chosen
// share of the events. Field layouts follow the real formats (see testdata/ingest).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "pattern_generator.h"

namespace concord::bench {

enum class TelemetryFormat { kZeekJson, kSuricataEve };

struct TelemetryStats {
  size_t events = 0;
  size_t planted = 0;  // events carrying an indicator's value
  size_t bytes = 0;
};

class TelemetryGenerator {
 public:
  // Plants values of `workload`'s patterns (which must outlive the generator).
  TelemetryGenerator(const PatternWorkload& workload, uint64_t seed);

  // Writes `events` lines of `format` to `out`; each event carries a planted value with
  // probability `hit_rate`. Times advance about a millisecond per event from 2020-01-01.
  TelemetryStats Write(TelemetryFormat format, size_t events, double hit_rate, std::FILE* out);

  // From now on, draws addresses and names from a fixed population instead of making every one
  // new: `distinct` external addresses and names, distinct / 10 internal hosts, each picked with
  // a power-law skew (a few hosts, resolvers and servers make most of the traffic, as in real
  // logs: in the public Zeek and Suricata logs of ../shared/data 94-99.9% of address values
  // repeat). 0 (the default) makes every value new, the worst case for a scanner. File hashes
  // stay unique either way.
  void SetPopulation(size_t distinct);

 private:
  std::string Ip();
  std::string Name();
  std::string Internal();
  // Index into a population of `n` with the power-law skew.
  size_t Skewed(size_t n);
  std::string Hex(size_t digits);
  const std::string* Planted(PatternWorkload::Pool pool);
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  const PatternWorkload& workload_;
  std::mt19937_64 rng_;
  std::vector<std::string> internal_, external_, names_;  // the population, when set
};

}  // namespace concord::bench
