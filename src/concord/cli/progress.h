#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace concord::cli {

// A one-line progress bar on standard error, drawn only when standard error is a terminal and the
// user has not asked for machine-readable output; otherwise every call is a no-op, so pipes and
// logs stay quiet. Redraws at most ten times a second.
class Progress {
 public:
  // `enabled` is the caller's wish; the bar is drawn only if it also has a terminal.
  // `unit` names what is counted ("objects", "events"); the clock is read on one call in
  // `check_every` (callers that report per item pass a large value, per batch 1).
  explicit Progress(bool enabled, std::string unit = "objects", uint32_t check_every = 256);
  ~Progress();

  // Reports that `objects` have been processed and `done` of `total` bytes read (total 0 when
  // unknown). Cheap when called often.
  void Update(const std::string& label, uint64_t objects, uint64_t done, uint64_t total);
  // Erases the bar so that ordinary output can follow.
  void Clear();

 private:
  bool active_;
  std::string unit_;
  uint32_t check_every_;
  bool drawn_ = false;
  uint64_t calls_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace concord::cli
