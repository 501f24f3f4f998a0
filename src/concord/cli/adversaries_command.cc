// `concord adversaries`: the intrusion sets, campaigns and malware whose indicators more than
// one organisation sighted (correlate/adversaries.h), for people or, with --json, machines.

#include <cstdio>

#include "concord/cli/commands.h"
#include "concord/correlate/adversaries.h"

namespace concord::cli {

int RunAdversaries(const DataDir& dir, size_t min_sighters, const OutputOptions& out,
                   Clock* clock) {
  auto store = dir.OpenStore(clock, /*create=*/false);
  if (!store.ok()) {
    std::fprintf(stderr, "concord adversaries: %s\n", store.status().message().c_str());
    return 2;
  }
  correlate::AdversaryOptions options;
  options.min_sighters = min_sighters;
  auto found = correlate::FindSharedAdversaries(**store, options);
  if (!found.ok()) {
    std::fprintf(stderr, "concord adversaries: %s\n", found.status().message().c_str());
    return 2;
  }
  if (out.json) {
    std::printf("%s\n", correlate::AdversariesJson(*found).c_str());
  } else if (found->empty()) {
    std::printf("no adversary sighted by %zu or more organisations yet\n", min_sighters);
  } else {
    std::fputs(correlate::AdversariesText(*found).c_str(), stdout);
  }
  return 0;
}

}  // namespace concord::cli
