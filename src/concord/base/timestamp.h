#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "concord/base/result.h"

namespace concord {

// An instant in UTC with nanosecond resolution. STIX and TAXII timestamps, date_added values and
// clock readings are all Timestamps. The value is plain data: copy it freely.
struct Timestamp {
  int64_t seconds = 0;  // since 1970-01-01T00:00:00Z; may be negative (years 0000..9999)
  int32_t nanos = 0;    // 0..999,999,999

  static Timestamp FromMicros(int64_t micros);
  // Microseconds since the epoch, truncating any finer part.
  int64_t ToMicros() const;

  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

// How strict ParseTimestamp is.
struct TimestampSyntax {
  // STIX requires the "Z" designator. Patterns and TAXII filters may be written with a numeric
  // offset ("+00:00", "-05:00"); when true, such offsets are accepted and applied.
  bool allow_offset = false;
  // STIX 2.1 `created`/`modified` need at least millisecond precision (three fraction digits).
  int min_fraction_digits = 0;
};

struct ParsedTimestamp {
  Timestamp instant;
  // Digits written after the decimal point (0 when there is no fraction). A fraction longer than
  // nine digits is accepted; `instant` keeps its first nine.
  int fraction_digits = 0;
};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil), and the
// days of month `m` (1-12) of year `y`.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
unsigned DaysInMonth(int64_t y, unsigned m);

// Parses an RFC 3339 date-time such as "2016-05-12T08:17:27.000Z". Errors name the offending part
// ("month 13 is out of range") and the character position within `text`.
Result<ParsedTimestamp> ParseTimestamp(std::string_view text, const TimestampSyntax& syntax = {});

// Formats `t` as "YYYY-MM-DDTHH:MM:SS[.f]Z" with exactly `fraction_digits` (0..9) fraction digits.
std::string FormatTimestamp(const Timestamp& t, int fraction_digits = 3);

// FormatTimestamp into `out` without allocating; returns the length written (at most
// kMaxFormattedTimestamp).
inline constexpr size_t kMaxFormattedTimestamp = 40;
size_t FormatTimestampInto(const Timestamp& t, int fraction_digits,
                           char (&out)[kMaxFormattedTimestamp]);

}  // namespace concord
