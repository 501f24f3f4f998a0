// stix_gen OUT N [SEED]: writes a generated STIX 2.1 bundle of about N objects (see
// stix_generator.h), for benchmarks and for trying Concord on volume.
#include <cstdio>
#include <cstdlib>

#include "stix_generator.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s OUT N [SEED]\n", argv[0]);
    return 2;
  }
  const uint64_t seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 42;
  auto n = concord::bench::WriteGeneratedBundle(argv[1], std::strtoull(argv[2], nullptr, 10), seed);
  if (!n.ok()) {
    std::fprintf(stderr, "%s\n", n.status().ToString().c_str());
    return 1;
  }
  std::printf("wrote %llu objects to %s\n", static_cast<unsigned long long>(*n), argv[1]);
  return 0;
}
