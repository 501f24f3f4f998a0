#include "concord/ingest/log_time.h"

#include <cmath>
#include <cstring>
#include <string>

#include "concord/base/ascii.h"
#include "concord/base/bytes.h"

namespace concord::ingest {
namespace {

constexpr int64_t kMaxSeconds = 253402300800;  // 10000-01-01T00:00:00Z

// The shapes logs write, read in one pass without copying: "YYYY-MM-DD" 'T', 't' or ' '
// "HH:MM:SS", an optional fraction, then "Z", "z", "+hh:mm", "+hhmm" (or '-') or nothing (UTC),
// every field in range. nullopt for anything else, which ParseLogTime's general path accepts or
// explains. (Every event has a time, a Suricata flow three: this is most of their cost.)
//
// The minute, "YYYY-MM-DDTHH:MM", last read on this thread is kept with its seconds (before any
// zone offset): consecutive events, and the three times of a Suricata flow, mostly fall within
// one minute, whose date and hour are then compared rather than read again.
struct LastMinute {
  uint64_t text[2] = {0, 0};  // the 16 bytes, as two words
  int64_t seconds = -1;       // negative: none (minutes before 1970 are read each time)
};
thread_local LastMinute t_last_minute;

std::optional<Timestamp> ReadCommonLogTime(std::string_view text) {
  const size_t n = text.size();
  if (n < 19 || n > 48) return std::nullopt;
  const char* p = text.data();
  auto digit = [p](size_t i) {
    return static_cast<unsigned>(static_cast<unsigned char>(p[i])) - '0';
  };
  auto two = [&](size_t i) { return digit(i) * 10 + digit(i + 1); };
  if (p[16] != ':' || digit(17) > 9 || digit(18) > 9 || two(17) > 59) return std::nullopt;
  int64_t seconds;
  LastMinute& last = t_last_minute;
  const uint64_t head = Load64(p), tail = Load64(p + 8);
  if (last.seconds >= 0 && head == last.text[0] && tail == last.text[1]) {
    seconds = last.seconds;  // the same bytes were read and checked below before
  } else {
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15}) {
      if (digit(i) > 9) return std::nullopt;
    }
    if (p[4] != '-' || p[7] != '-' || (p[10] != 'T' && p[10] != 't' && p[10] != ' ') ||
        p[13] != ':') {
      return std::nullopt;
    }
    const unsigned year = two(0) * 100 + two(2), month = two(5), day = two(8), hour = two(11),
                   minute = two(14);
    if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
        minute > 59) {
      return std::nullopt;
    }
    seconds = DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60;
    last = LastMinute{{head, tail}, seconds};
  }
  seconds += two(17);
  size_t i = 19;
  int32_t nanos = 0;
  if (i < n && p[i] == '.') {
    size_t digits = 0;
    for (++i; i < n && digit(i) <= 9; ++i, ++digits) {
      if (digits < 9) nanos = nanos * 10 + static_cast<int32_t>(digit(i));
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 9; ++digits) nanos *= 10;
  }
  int64_t offset = 0;
  if (i < n && (p[i] == 'Z' || p[i] == 'z')) {
    if (i + 1 != n) return std::nullopt;
  } else if (i < n) {
    if (p[i] != '+' && p[i] != '-') return std::nullopt;
    const size_t h = i + 1;
    size_t m;  // where the offset's minutes are
    if (n - h == 5 && p[h + 2] == ':') {
      m = h + 3;
    } else if (n - h == 4) {
      m = h + 2;
    } else {
      return std::nullopt;
    }
    if (digit(h) > 9 || digit(h + 1) > 9 || digit(m) > 9 || digit(m + 1) > 9) return std::nullopt;
    const unsigned oh = two(h), om = two(m);
    if (oh > 23 || om > 59) return std::nullopt;
    offset = (p[i] == '-' ? -1 : 1) * static_cast<int64_t>(oh * 3600 + om * 60);
  }
  return Timestamp{seconds - offset, nanos};
}

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
  if (std::optional<Timestamp> t = ReadCommonLogTime(text)) return *t;
  // Rewrite into RFC 3339 and let ParseTimestamp check every part (and say what is wrong).
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

std::optional<Timestamp> ParseMailDate(std::string_view s) {
  size_t i = 0;
  auto skip_space = [&] {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  };
  auto number = [&](int min_digits, int max_digits, int* out) {
    int n = 0, v = 0;
    while (i < s.size() && n < max_digits && s[i] >= '0' && s[i] <= '9') {
      v = v * 10 + (s[i++] - '0');
      ++n;
    }
    *out = v;
    return n >= min_digits;
  };
  skip_space();
  const size_t comma = s.find(',');
  if (comma != std::string_view::npos && comma < 12) {
    i = comma + 1;
    skip_space();
  }
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (!number(1, 2, &day)) return std::nullopt;
  skip_space();
  static constexpr std::string_view kMonths = "janfebmaraprmayjunjulaugsepoctnovdec";
  if (i + 3 > s.size()) return std::nullopt;
  char month_name[3] = {AsciiLower(s[i]), AsciiLower(s[i + 1]), AsciiLower(s[i + 2])};
  const size_t m = kMonths.find(std::string_view(month_name, 3));
  if (m == std::string_view::npos || m % 3 != 0) return std::nullopt;
  const int month = static_cast<int>(m / 3) + 1;
  i += 3;
  skip_space();
  const size_t year_start = i;
  if (!number(2, 4, &year)) return std::nullopt;
  if (i - year_start == 2) year += year < 50 ? 2000 : 1900;
  if (i - year_start == 3) year += 1900;
  skip_space();
  if (!number(1, 2, &hour) || i >= s.size() || s[i++] != ':' || !number(2, 2, &minute)) {
    return std::nullopt;
  }
  if (i < s.size() && s[i] == ':') {
    ++i;
    if (!number(2, 2, &second)) return std::nullopt;
  }
  skip_space();
  int offset_minutes = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    const int sign = s[i++] == '-' ? -1 : 1;
    int hhmm = 0;
    const size_t start = i;
    if (!number(4, 4, &hhmm) || i - start != 4) return std::nullopt;
    offset_minutes = sign * ((hhmm / 100) * 60 + hhmm % 100);
  } else if (i < s.size()) {
    static constexpr struct {
      std::string_view name;
      int hours;
    } kZones[] = {{"EST", -5}, {"EDT", -4}, {"CST", -6}, {"CDT", -5},
                  {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}};
    const std::string_view zone = s.substr(i, 3);
    for (const auto& z : kZones) {
      if (EqualsIgnoreAsciiCase(zone, z.name)) offset_minutes = z.hours * 60;
    }
    // UT, GMT, Z, military zones and anything else: UTC (RFC 5322 section 4.3).
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int days_in_month = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  if (year < 1900 || year > 9999 || day < 1 || day > days_in_month || hour > 23 || minute > 59 ||
      second > 60) {
    return std::nullopt;
  }
  if (second == 60) second = 59;
  const int64_t days =
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return Timestamp{days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60, 0};
}

}  // namespace concord::ingest
