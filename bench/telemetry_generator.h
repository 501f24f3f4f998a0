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

 private:
  std::string Ip();
  std::string Name();
  std::string Hex(size_t digits);
  const std::string* Planted(PatternWorkload::Pool pool);
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }

  const PatternWorkload& workload_;
  std::mt19937_64 rng_;
};

}  // namespace concord::bench
