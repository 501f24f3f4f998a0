#include "concord/ingest/log_time.h"

#include <cmath>
#include <cstring>
#include <string>

namespace concord::ingest {
namespace {

constexpr int64_t kMaxSeconds = 253402300800;  // 10000-01-01T00:00:00Z

}  // namespace

Result<Timestamp> TimeFromEpochSeconds(double seconds) {
  if (!(seconds >= 0) || !(seconds < static_cast<double>(kMaxSeconds))) {
    return InvalidArgument("time " + std::to_string(seconds) +
                           " is not seconds since 1970 before the year 10000");
  }
  double whole = 0;
  const double fraction = std::modf(seconds, &whole);
  // Round to the microsecond: Zeek writes six digits, and a double holds them only roughly.
  int64_t micros = std::llround(fraction * 1e6);
  int64_t s = static_cast<int64_t>(whole);
  if (micros >= 1000000) {
    ++s;
    micros -= 1000000;
  }
  return Timestamp{s, static_cast<int32_t>(micros * 1000)};
}

Result<Timestamp> ParseEpochSeconds(std::string_view text) {
  size_t i = 0;
  int64_t s = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (s > kMaxSeconds) break;
    s = s * 10 + (text[i] - '0');
    ++i;
  }
  int32_t nanos = 0;
  bool ok = i > 0 && s < kMaxSeconds;
  if (ok && i < text.size() && text[i] == '.') {
    ++i;
    int digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (digits < 9) nanos = nanos * 10 + (text[i] - '0');
      ++digits;
      ++i;
    }
    for (int d = digits; d < 9; ++d) nanos *= 10;
    ok = digits > 0;
  }
  if (!ok || i != text.size()) {
    return InvalidArgument("'" + std::string(text.substr(0, 40)) +
                           "' is not seconds since 1970 (such as 1600000000.123456)");
  }
  return Timestamp{s, nanos};
}

Result<Timestamp> ParseLogTime(std::string_view text) {
  // Rewrite into RFC 3339 and let ParseTimestamp check every part.
  if (text.size() < 19 || text.size() > 48) {
    return InvalidArgument("'" + std::string(text.substr(0, 48)) +
                           "' is not a date and time (such as 2021-05-01T10:00:00Z)");
  }
  char buffer[64];
  std::memcpy(buffer, text.data(), text.size());
  size_t n = text.size();
  if (buffer[10] == ' ') buffer[10] = 'T';
  size_t zone = 19;
  if (zone < n && buffer[zone] == '.') {
    ++zone;
    while (zone < n && buffer[zone] >= '0' && buffer[zone] <= '9') ++zone;
  }
  if (zone == n) {
    buffer[n++] = 'Z';  // no zone: UTC
  } else if ((buffer[zone] == '+' || buffer[zone] == '-') && n - zone == 5) {
    // +hhmm -> +hh:mm
    buffer[n] = buffer[n - 1];
    buffer[n - 1] = buffer[n - 2];
    buffer[n - 2] = ':';
    ++n;
  } else if (buffer[zone] == 'z') {
    buffer[zone] = 'Z';
  }
  Result<ParsedTimestamp> parsed =
      ParseTimestamp(std::string_view(buffer, n), TimestampSyntax{.allow_offset = true});
  if (!parsed.ok()) {
    return InvalidArgument("'" + std::string(text) +
                           "' is not a date and time: " + parsed.status().message());
  }
  return parsed->instant;
}

}  // namespace concord::ingest
