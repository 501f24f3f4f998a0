#include "concord/pattern/engine/semantics.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "concord/base/bytes.h"
#include "concord/pattern/unicode.h"

namespace concord::pattern::engine {

Encoding EncodingOf(std::string_view key) {
  if (key.size() > 4 && key.ends_with("_bin")) return Encoding::kBase64;
  if (key.size() > 4 && key.ends_with("_hex")) return Encoding::kHex;
  return Encoding::kNone;
}

Encoding PathEncoding(std::span<const PathStep> steps) {
  for (size_t i = steps.size(); i > 0; --i) {
    if (steps[i - 1].kind == PathStep::Kind::kKey) return EncodingOf(steps[i - 1].key);
  }
  return Encoding::kNone;
}

void ResolvePath(std::span<const PathStep> steps, const observe::Observation& observation,
                 observe::ValueStore::Id object, std::vector<PathValue>* out,
                 std::vector<PathValue>* scratch) {
  const observe::ValueStore& store = observation.values;
  std::vector<PathValue>& current = *out;
  std::vector<PathValue>& next = *scratch;
  current.clear();
  current.push_back(PathValue{.id = object});
  for (const PathStep& step : steps) {
    next.clear();
    bool may_repeat = false;  // whether `next` can hold a value twice
    for (PathValue v : current) {
      if (v.reference) {  // stepping past a reference dereferences it
        const observe::ObservedObject* target = observation.FindObject(store.string_value(v.id));
        if (target == nullptr) continue;
        v = PathValue{.id = target->value};
        may_repeat = true;
      }
      const observe::ValueKind kind = store.kind(v.id);
      auto push = [&](observe::ValueStore::Id id, Encoding encoding, bool reference, bool list) {
        if (store.kind(id) == observe::ValueKind::kNull) return;  // null is absent
        next.push_back(PathValue{id, encoding, reference, list});
      };
      switch (step.kind) {
        case PathStep::Kind::kKey: {
          std::optional<observe::ValueStore::Id> found = store.Find(v.id, step.key);
          if (!found) break;
          const observe::ValueKind fk = store.kind(*found);
          push(*found, EncodingOf(step.key),
               step.key.ends_with("_ref") && fk == observe::ValueKind::kString,
               step.key.ends_with("_refs") && fk == observe::ValueKind::kArray);
          break;
        }
        case PathStep::Kind::kIndex:
          if (kind == observe::ValueKind::kArray &&
              static_cast<uint64_t>(step.index) < store.size(v.id)) {
            const observe::ValueStore::Id e = store.element(v.id, step.index);
            push(e, v.encoding, v.reference_list && store.kind(e) == observe::ValueKind::kString,
                 false);
          }
          break;
        case PathStep::Kind::kAnyIndex:
          if (kind == observe::ValueKind::kArray) {
            const size_t n = store.size(v.id);
            for (size_t i = 0; i < n; ++i) {
              const observe::ValueStore::Id e = store.element(v.id, i);
              push(e, v.encoding, v.reference_list && store.kind(e) == observe::ValueKind::kString,
                   false);
            }
          }
          break;
      }
    }
    // Without a dereference every value has one parent, so values stay distinct; after one,
    // the same value can be reached twice and is kept once (the comparisons ask "some value").
    // Large fan-outs are deduplicated too, in case a store shares values between parents.
    if ((may_repeat || next.size() > 64) && next.size() > 1) {
      auto key = [](const PathValue& p) {
        return std::make_tuple(p.id, p.encoding, p.reference, p.reference_list);
      };
      std::sort(next.begin(), next.end(),
                [&](const PathValue& a, const PathValue& b) { return key(a) < key(b); });
      next.erase(std::unique(next.begin(), next.end()), next.end());
    }
    current.swap(next);
    if (current.empty()) return;
  }
}

bool IsKeyPath(std::span<const PathStep> steps) {
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].kind != PathStep::Kind::kKey) return false;
    if (i + 1 < steps.size() && steps[i].key.ends_with("_ref")) return false;
  }
  return !steps.empty();
}

void ResolveKeyPath(std::span<const PathStep> steps, const observe::ValueStore& store,
                    observe::ValueStore::Id object, std::vector<PathValue>* out) {
  out->clear();
  observe::ValueStore::Id v = object;
  for (const PathStep& step : steps) {
    std::optional<observe::ValueStore::Id> found = store.Find(v, step.key);
    if (!found || store.kind(*found) == observe::ValueKind::kNull) return;
    v = *found;
  }
  const std::string& last = steps.back().key;
  const observe::ValueKind kind = store.kind(v);
  out->push_back(PathValue{v, EncodingOf(last),
                           last.ends_with("_ref") && kind == observe::ValueKind::kString,
                           last.ends_with("_refs") && kind == observe::ValueKind::kArray});
}

namespace {

int Base64Digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool DecodeBase64(std::string_view s, std::string* out) {
  out->clear();
  if (s.size() % 4 != 0) return false;
  for (size_t i = 0; i < s.size(); i += 4) {
    uint32_t bits = 0;
    int pad = 0;
    for (size_t k = 0; k < 4; ++k) {
      const char c = s[i + k];
      if (c == '=' && i + 4 == s.size() && k >= 2) {
        ++pad;
        bits <<= 6;
        continue;
      }
      const int d = Base64Digit(c);
      if (d < 0 || pad > 0) return false;
      bits = bits << 6 | static_cast<uint32_t>(d);
    }
    out->push_back(static_cast<char>(bits >> 16));
    if (pad < 2) out->push_back(static_cast<char>(bits >> 8 & 0xFF));
    if (pad < 1) out->push_back(static_cast<char>(bits & 0xFF));
  }
  return true;
}

bool DecodeHex(std::string_view s, std::string* out) {
  out->clear();
  if (s.size() % 2 != 0) return false;
  for (size_t i = 0; i < s.size(); i += 2) {
    const int hi = HexDigit(s[i]), lo = HexDigit(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

bool DecodeBinary(std::string_view s, Encoding encoding, std::string* out) {
  return encoding == Encoding::kBase64 ? DecodeBase64(s, out) : DecodeHex(s, out);
}

bool Latin1(std::string_view s, std::string* out) {
  out->clear();
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out->push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    // U+0080..U+00FF are the two-byte sequences C2 80..C3 BF; anything else is either a code
    // point above U+00FF or invalid UTF-8, and both make the string non-Latin-1.
    if ((c == 0xC2 || c == 0xC3) && i + 1 < s.size()) {
      const unsigned char c2 = static_cast<unsigned char>(s[i + 1]);
      if ((c2 & 0xC0) != 0x80) return false;
      out->push_back(static_cast<char>(((c & 0x1F) << 6) | (c2 & 0x3F)));
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

int CompareIntDouble(int64_t i, double d) {
  if (d >= 9223372036854775808.0) return -1;                 // 2^63 and above
  if (d < -9223372036854775808.0) return 1;                  // below -2^63
  const double t = d < 0 ? -std::floor(-d) : std::floor(d);  // trunc, exact in this range
  const int64_t ti = static_cast<int64_t>(t);
  if (i != ti) return ThreeWay(i, ti);
  const double frac = d - t;
  return frac > 0 ? -1 : frac < 0 ? 1 : 0;
}

int CompareNumbers(const Number& a, const Number& b) {
  if (a.is_int && b.is_int) return ThreeWay(a.i, b.i);
  if (a.is_int) return CompareIntDouble(a.i, b.d);
  if (b.is_int) return -CompareIntDouble(b.i, a.d);
  return ThreeWay(a.d, b.d);
}

std::string NumberKey(const Number& n) {
  char buf[9];
  if (n.is_int ||
      (n.d == std::floor(n.d) && n.d >= -9223372036854775808.0 && n.d < 9223372036854775808.0)) {
    const int64_t v = n.is_int ? n.i : static_cast<int64_t>(n.d);
    buf[0] = 'i';
    std::memcpy(buf + 1, &v, 8);
  } else {
    buf[0] = 'f';
    std::memcpy(buf + 1, &n.d, 8);
  }
  return std::string(buf, 9);
}

__int128 WithinNanos(std::string_view text) {
  constexpr __int128 kHuge = static_cast<__int128>(1) << 120;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) text.remove_prefix(1);
  __int128 seconds = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] != '.'; ++i) {
    seconds = seconds * 10 + (text[i] - '0');
    if (seconds > kHuge / 1000000000 / 10) return kHuge;
  }
  __int128 nanos = 0;
  int digits = 0;
  if (i < text.size()) {
    for (++i; i < text.size() && digits < 9; ++i, ++digits) nanos = nanos * 10 + (text[i] - '0');
  }
  for (; digits < 9; ++digits) nanos *= 10;
  return seconds * 1000000000 + nanos;
}

__int128 Nanos(const Timestamp& t) {
  return static_cast<__int128>(t.seconds) * 1000000000 + t.nanos;
}

bool IsAscii(std::string_view s) {
  // 8 bytes at a time (every probed domain and url passes here), the last 8 read overlapping.
  constexpr uint64_t kHigh = 0x8080808080808080;
  const char* p = s.data();
  const size_t n = s.size();
  if (n >= 8) {
    uint64_t any = Load64(p + n - 8);
    for (size_t i = 0; i + 8 <= n; i += 8) any |= Load64(p + i);
    return (any & kHigh) == 0;
  }
  unsigned char any = 0;
  for (size_t i = 0; i < n; ++i) any |= static_cast<unsigned char>(p[i]);
  return any < 0x80;
}

std::string_view LikeText(std::string_view s, std::string* storage) {
  if (IsAscii(s)) return s;
  std::optional<std::u32string> cps = DecodeUtf8(s);
  if (!cps) {
    storage->clear();
    return *storage;
  }
  *storage = EncodeUtf8(NormalizeNfc(*cps));
  return *storage;
}

std::string_view MatchesText(std::string_view s, std::string* storage) {
  if (IsAscii(s)) return s;
  *storage = NormalizeNfcUtf8(s);
  return *storage;
}

std::string LikeToRegex(std::string_view nfc_like) {
  std::string out = "(?s)\\A";
  std::optional<std::u32string> cps = DecodeUtf8(nfc_like);
  for (char32_t cp : cps.value_or(std::u32string())) {
    if (cp == U'%') {
      out += ".*";
    } else if (cp == U'_') {
      out += ".";
    } else {
      std::string one;
      AppendUtf8(cp, &one);
      out += re2::RE2::QuoteMeta(one);
    }
  }
  out += "\\z";
  return out;
}

namespace {

// SQL LIKE on code points by matching '%'-separated segments leftmost-first (each segment may
// hold '_'). Used only when RE2 cannot take the pattern; the work is O(|value| * |pattern|).
bool LikeSegments(std::u32string_view s, std::u32string_view p) {
  auto segment_at = [](std::u32string_view s, size_t at, std::u32string_view seg) {
    if (s.size() - at < seg.size()) return false;
    for (size_t k = 0; k < seg.size(); ++k) {
      if (seg[k] != U'_' && seg[k] != s[at + k]) return false;
    }
    return true;
  };
  const size_t first = p.find(U'%');
  if (first == std::u32string_view::npos) return s.size() == p.size() && segment_at(s, 0, p);
  const std::u32string_view head = p.substr(0, first);
  if (!segment_at(s, 0, head)) return false;
  size_t at = head.size();
  size_t j = first + 1;
  const size_t last = p.rfind(U'%');
  // Middle segments between the first and the last '%', each at its leftmost place.
  while (j < last) {
    size_t next = p.find(U'%', j);
    const std::u32string_view seg = p.substr(j, next - j);
    j = next + 1;
    if (seg.empty()) continue;
    bool found = false;
    for (; at + seg.size() <= s.size(); ++at) {
      if (segment_at(s, at, seg)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
    at += seg.size();
  }
  const std::u32string_view tail = p.substr(last + 1);
  if (s.size() - at < tail.size()) return false;
  return segment_at(s, s.size() - tail.size(), tail);
}

bool HasWildcard(std::string_view s) { return s.find_first_of("%_") != std::string_view::npos; }

}  // namespace

std::unique_ptr<LikeMatcher> LikeMatcher::Compile(std::string_view like) {
  std::unique_ptr<LikeMatcher> m(new LikeMatcher);
  std::string storage;
  const std::string nfc = std::string(LikeText(like, &storage));
  m->regex_ = LikeToRegex(nfc);
  const std::string_view v = nfc;
  if (!HasWildcard(v)) {
    m->form_ = Form::kExact;
    m->literal_ = nfc;
  } else if (v.size() >= 2 && v.front() == '%' && v.back() == '%' &&
             !HasWildcard(v.substr(1, v.size() - 2))) {
    m->form_ = Form::kContains;
    m->literal_ = std::string(v.substr(1, v.size() - 2));
  } else if (v.front() == '%' && !HasWildcard(v.substr(1))) {
    m->form_ = Form::kSuffix;
    m->literal_ = std::string(v.substr(1));
  } else if (v.back() == '%' && !HasWildcard(v.substr(0, v.size() - 1))) {
    m->form_ = Form::kPrefix;
    m->literal_ = std::string(v.substr(0, v.size() - 1));
  } else {
    m->form_ = Form::kGeneral;
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(64 << 20);
    m->re_ = std::make_unique<re2::RE2>(m->regex_, options);
    if (!m->re_->ok()) {
      m->re_.reset();
      m->code_points_ = DecodeUtf8(nfc).value_or(std::u32string());
    }
  }
  return m;
}

LikeMatcher::~LikeMatcher() = default;

bool LikeMatcher::Matches(std::string_view v) const {
  switch (form_) {
    case Form::kExact:
      return v == literal_;
    case Form::kPrefix:
      return v.starts_with(literal_);
    case Form::kSuffix:
      return v.ends_with(literal_);
    case Form::kContains:
      return v.find(literal_) != std::string_view::npos;
    case Form::kGeneral:
      if (re_ != nullptr) return re2::RE2::FullMatch(re2::StringPiece(v.data(), v.size()), *re_);
      return LikeSegments(DecodeUtf8(v).value_or(std::u32string()), code_points_);
  }
  return false;
}

}  // namespace concord::pattern::engine
