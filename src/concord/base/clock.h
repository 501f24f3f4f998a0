#pragma once

#include <atomic>

#include "concord/base/timestamp.h"

namespace concord {

// The source of the current time. Code that needs "now" takes a Clock& so that tests can control
// time. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

// The real wall clock (CLOCK_REALTIME).
class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

// A clock that stands still until told to move. For tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : micros_(start.ToMicros()) {}
  Timestamp Now() const override { return Timestamp::FromMicros(micros_.load()); }
  void Set(Timestamp t) { micros_.store(t.ToMicros()); }
  void AdvanceMicros(int64_t micros) { micros_.fetch_add(micros); }

 private:
  std::atomic<int64_t> micros_;
};

}  // namespace concord
