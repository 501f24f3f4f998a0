#pragma once

// Realistic workloads for the pattern engine benchmarks: indicator patterns as threat-intel feeds
// carry them, and observed-data with planted hits.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace concord::bench {

// The kinds of patterns a set is drawn from.
enum class PatternMix {
  // Only equality, IN, CIDR and domain-suffix indicators: IPv4/IPv6 addresses, CIDR blocks,
  // domains and subdomain LIKE '%.x', URLs, file hashes, e-mail addresses.
  kIndicators,
  // kIndicators plus what feeds also carry: per 100,000 about 300 multi-comparison patterns
  // (network-traffic with ports, file name AND size, OR of hashes), 200 LIKE beyond suffixes
  // and 200 MATCHES, and 200 temporal ones (FOLLOWEDBY ... WITHIN, REPEATS ... WITHIN).
  kRealistic,
};

// Generates patterns and observations over one shared universe of indicator values, so that a
// chosen fraction of the observations hit patterns of the set. The same seed gives the same
// output.
class PatternWorkload {
 public:
  explicit PatternWorkload(uint64_t seed);

  // `count` patterns of `mix`. Their constants are remembered for planting hits. With kRealistic,
  // `long_tail` is the share of multi-comparison, LIKE/MATCHES and temporal patterns.
  std::vector<std::string> Patterns(size_t count, PatternMix mix, double long_tail = 0.009);

  // `count` observed-data as one JSON array (STIX 2.1 object_refs with their SCOs, or STIX 2.0
  // embedded objects, half each), 1 to 3 SCOs each: network traffic between IPv4 addresses
  // with a port, a domain, a URL, a file with hashes, an e-mail sender. Each value is taken from
  // the patterns generated so far with probability `hit_rate`, else made up (a miss). Times
  // advance one second per observed-data from 2020-01-01T00:00:00Z.
  std::string ObservedData(size_t count, double hit_rate);

  // The constants of the patterns generated so far, by kind, for planting hits in other inputs
  // (telemetry_generator.h).
  enum class Pool { kIp, kCidrIp, kDomain, kSuffixDomain, kUrl, kSha256, kMd5, kEmail };
  const std::vector<std::string>& pool(Pool which) const;

 private:
  std::string Ipv4();
  std::string Domain();
  std::string Hex(size_t digits);
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  const std::string& Planted(const std::vector<std::string>& pool, const std::string& fallback);

  std::mt19937_64 rng_;
  uint64_t ids_ = 0;
  // Constants used by the generated patterns, for planting hits.
  std::vector<std::string> ips_, cidr_ips_, domains_, suffix_domains_, urls_, sha256_, md5_,
      emails_;
};

}  // namespace concord::bench
