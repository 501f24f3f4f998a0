#include "concord/base/timestamp.h"

#include <algorithm>
#include <cstring>

#include <cstdio>

namespace concord {

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  size_t pos() const { return pos_; }
  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[pos_]; }
  // Reads exactly n digits.
  bool Digits(int n, int* out) {
    int v = 0;
    for (int i = 0; i < n; ++i) {
      if (AtEnd() || s_[pos_] < '0' || s_[pos_] > '9') return false;
      v = v * 10 + (s_[pos_++] - '0');
    }
    *out = v;
    return true;
  }
  bool Expect(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }
  void Advance() { ++pos_; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

Status Bad(std::string_view text, size_t pos, std::string_view what) {
  std::string msg = "\"";
  msg.append(text.substr(0, 64));
  if (text.size() > 64) msg += "...";
  msg += "\" is not an RFC 3339 timestamp (YYYY-MM-DDTHH:MM:SS[.fraction]Z): ";
  msg += what;
  msg += " at character ";
  msg += std::to_string(pos);
  return InvalidArgument(std::move(msg));
}

}  // namespace

Timestamp Timestamp::FromMicros(int64_t micros) {
  Timestamp t;
  t.seconds = micros / 1000000;
  int64_t rem = micros % 1000000;
  if (rem < 0) {
    rem += 1000000;
    t.seconds -= 1;
  }
  t.nanos = static_cast<int32_t>(rem * 1000);
  return t;
}

int64_t Timestamp::ToMicros() const { return seconds * 1000000 + nanos / 1000; }

Result<ParsedTimestamp> ParseTimestamp(std::string_view text, const TimestampSyntax& syntax) {
  Scanner s(text);
  int year, month, day, hour, minute, second;
  if (!s.Digits(4, &year)) return Bad(text, s.pos(), "expected a four-digit year");
  if (!s.Expect('-')) return Bad(text, s.pos(), "expected '-'");
  if (!s.Digits(2, &month)) return Bad(text, s.pos(), "expected a two-digit month");
  if (month < 1 || month > 12) {
    return Bad(text, s.pos() - 2, "month " + std::to_string(month) + " is out of range");
  }
  if (!s.Expect('-')) return Bad(text, s.pos(), "expected '-'");
  if (!s.Digits(2, &day)) return Bad(text, s.pos(), "expected a two-digit day");
  if (day < 1 || static_cast<unsigned>(day) > DaysInMonth(year, month)) {
    return Bad(text, s.pos() - 2, "day " + std::to_string(day) + " does not exist in that month");
  }
  if (!(s.Expect('T') || s.Expect('t'))) return Bad(text, s.pos(), "expected 'T'");
  if (!s.Digits(2, &hour) || hour > 23) return Bad(text, s.pos(), "expected an hour 00-23");
  if (!s.Expect(':')) return Bad(text, s.pos(), "expected ':'");
  if (!s.Digits(2, &minute) || minute > 59) return Bad(text, s.pos(), "expected a minute 00-59");
  if (!s.Expect(':')) return Bad(text, s.pos(), "expected ':'");
  if (!s.Digits(2, &second) || second > 59) {
    return Bad(text, s.pos(), "expected a second 00-59 (leap seconds are not accepted)");
  }
  ParsedTimestamp out;
  int32_t nanos = 0;
  if (s.Expect('.')) {
    int digits = 0;
    while (!s.AtEnd() && s.Peek() >= '0' && s.Peek() <= '9') {
      if (digits < 9) nanos = nanos * 10 + (s.Peek() - '0');
      ++digits;
      s.Advance();
    }
    if (digits == 0) return Bad(text, s.pos(), "expected digits after '.'");
    for (int i = digits; i < 9; ++i) nanos *= 10;
    out.fraction_digits = digits;
  }
  if (out.fraction_digits < syntax.min_fraction_digits) {
    return Bad(text, s.pos(),
               "needs at least " + std::to_string(syntax.min_fraction_digits) +
                   " fraction digits (millisecond precision)");
  }
  int64_t offset_seconds = 0;
  if (s.Expect('Z') || s.Expect('z')) {
    // UTC
  } else if (s.Peek() == '+' || s.Peek() == '-') {
    if (!syntax.allow_offset) {
      return Bad(text, s.pos(), "the time must be in UTC and end in 'Z', not a numeric offset");
    }
    const bool negative = s.Peek() == '-';
    s.Advance();
    int oh, om;
    if (!s.Digits(2, &oh) || oh > 23) return Bad(text, s.pos(), "expected an offset hour");
    if (!s.Expect(':')) return Bad(text, s.pos(), "expected ':' in the offset");
    if (!s.Digits(2, &om) || om > 59) return Bad(text, s.pos(), "expected an offset minute");
    offset_seconds = (negative ? -1 : 1) * (oh * 3600 + om * 60);
  } else {
    return Bad(text, s.pos(), s.AtEnd() ? "missing the 'Z' time zone" : "expected 'Z'");
  }
  if (!s.AtEnd()) return Bad(text, s.pos(), "unexpected text after the time zone");
  out.instant.seconds =
      DaysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  out.instant.nanos = nanos;
  return out;
}

size_t FormatTimestampInto(const Timestamp& t, int fraction_digits,
                           char (&buf)[kMaxFormattedTimestamp]) {
  if (fraction_digits < 0) fraction_digits = 0;
  if (fraction_digits > 9) fraction_digits = 9;
  int64_t days = t.seconds / 86400;
  int64_t rem = t.seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  // Written digit by digit: this runs for every event a scan maps (no snprintf, no locale).
  size_t n = 0;
  auto put = [&](uint64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      buf[n + static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    n += static_cast<size_t>(width);
  };
  if (y < 0 || y > 9999) {  // outside RFC 3339; kept readable
    const std::string year = std::to_string(y);
    n = std::min<size_t>(year.size(), 20);
    std::memcpy(buf, year.data(), n);
  } else {
    put(static_cast<uint64_t>(y), 4);
  }
  buf[n++] = '-';
  put(m, 2);
  buf[n++] = '-';
  put(d, 2);
  buf[n++] = 'T';
  put(static_cast<uint64_t>(rem / 3600), 2);
  buf[n++] = ':';
  put(static_cast<uint64_t>(rem / 60 % 60), 2);
  buf[n++] = ':';
  put(static_cast<uint64_t>(rem % 60), 2);
  if (fraction_digits > 0) {
    buf[n++] = '.';
    uint64_t nanos = static_cast<uint64_t>(t.nanos < 0 ? 0 : t.nanos);
    for (int i = fraction_digits; i < 9; ++i) nanos /= 10;
    put(nanos, fraction_digits);
  }
  buf[n++] = 'Z';
  return n;
}

std::string FormatTimestamp(const Timestamp& t, int fraction_digits) {
  char buf[kMaxFormattedTimestamp];
  return std::string(buf, FormatTimestampInto(t, fraction_digits, buf));
}

}  // namespace concord
