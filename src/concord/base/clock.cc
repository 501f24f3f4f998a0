#include "concord/base/clock.h"

#include <time.h>

namespace concord {

Timestamp SystemClock::Now() const {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return Timestamp{static_cast<int64_t>(ts.tv_sec), static_cast<int32_t>(ts.tv_nsec)};
}

}  // namespace concord
