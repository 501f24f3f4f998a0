#pragma once

// The timestamps telemetry writes, read into Timestamps (UTC).

#include <optional>
#include <string_view>

#include "concord/base/result.h"
#include "concord/base/timestamp.h"

namespace concord::ingest {

// Seconds since the epoch with a fraction, as Zeek writes "ts" (1600000000.123456). Accepts
// 0 <= seconds < 253402300800 (year 10000); InvalidArgument otherwise (NaN, negative, huge).
Result<Timestamp> TimeFromEpochSeconds(double seconds);

// The same, written as text ("1600000000.123456"), read exactly to the nanosecond.
Result<Timestamp> ParseEpochSeconds(std::string_view text);

// A calendar time as logs write it: "2021-05-01T10:00:00.123456+0000" (Suricata),
// "2021-05-01T10:00:00.123Z" (ECS, Zeek ISO 8601), "2019-05-14 09:04:58.718" (Sysmon UtcTime:
// a space for 'T', no zone, meaning UTC), offsets "+hh:mm", "+hhmm" or "Z", any fraction up to
// nine digits. InvalidArgument saying what is wrong otherwise.
Result<Timestamp> ParseLogTime(std::string_view text);

// An RFC 5322 date as e-mail headers carry it ("Tue, 1 Jul 2003 10:52:37 +0200", obsolete zone
// names such as "EST" included); nullopt when it is not one. Senders write what they like: an
// unreadable date is never a reason to skip an event.
std::optional<Timestamp> ParseMailDate(std::string_view text);

}  // namespace concord::ingest
