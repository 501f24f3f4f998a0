#include "concord/json/splitter.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>
#include <vector>

namespace concord::json {
namespace {

// Bytes read from the input at a time.
constexpr size_t kReadChunk = 256 << 10;
// Bracket types are remembered this deep (one bit per level) to detect mismatches like "{]".
// Deeper brackets (inside a value already rejected as too deep) are only counted.
constexpr uint64_t kTrackedDepth = 1 << 16;

struct ByteTables {
  bool structural[256] = {};  // inside a container, outside strings: bytes that matter
  bool token[256] = {};       // bytes of a number or literal
  bool whitespace[256] = {};
  constexpr ByteTables() {
    for (unsigned char c : {'"', '{', '}', '[', ']'}) structural[c] = true;
    for (int c = '0'; c <= '9'; ++c) token[c] = true;
    for (int c = 'a'; c <= 'z'; ++c) token[c] = true;
    for (int c = 'A'; c <= 'Z'; ++c) token[c] = true;
    for (unsigned char c : {'+', '-', '.'}) token[c] = true;
    for (unsigned char c : {' ', '\t', '\n', '\r'}) whitespace[c] = true;
  }
};
constexpr ByteTables kBytes;

bool IsValueStart(unsigned char c) {
  return c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') || c == 't' ||
         c == 'f' || c == 'n';
}

uint64_t CountNewlines(const char* p, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7full;
  uint64_t count = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    w ^= kOnes * '\n';  // newline bytes become zero
    // Bit 7 of each byte of t is set exactly when that byte of w is nonzero.
    const uint64_t t = ((w & kLow7) + kLow7) | w;
    count += static_cast<uint64_t>(std::popcount(~t & ~kLow7));
  }
  for (; i < n; ++i) count += p[i] == '\n';
  return count;
}

std::string Describe(unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (c >= 0x21 && c < 0x7f) return std::string("'") + static_cast<char>(c) + "'";
  return std::string("byte 0x") + kHex[c >> 4] + kHex[c & 15];
}

}  // namespace

class Splitter::Impl {
 public:
  Impl(InputStream* input, std::string split_key, Limits limits)
      : input_(input),
        split_key_(std::move(split_key)),
        limits_(limits),
        buf_(new char[kReadChunk]),
        type_bits_(kTrackedDepth / 64) {}

  Result<std::optional<Piece>> Next();
  uint64_t offset() const { return base_offset_ + pos_; }

 private:
  // Where a value starts.
  struct Mark {
    uint64_t offset = 0;
    uint64_t line = 0;
  };
  enum class Problem { kNone, kTooLarge, kTooDeep };
  // Copies the bytes of one value out of the read buffer, within max_value_bytes.
  struct Capture {
    std::string* out = nullptr;  // null once a limit was broken: nothing more is kept
    size_t from = 0;             // index in buf_ of the first byte not yet copied
    Problem problem = Problem::kNone;
  };
  enum class Context { kTop, kTopArray, kObject, kSplitArray };
  enum class ArrayState { kAfterOpen, kAfterElement, kAfterComma };
  enum class MemberState { kKeyOrClose, kKey, kColon, kValue, kCommaOrClose };

  Result<std::optional<Piece>> NextInArray();
  Result<std::optional<Piece>> NextInObject();
  Result<std::optional<Piece>> ScanPiece(Piece::Kind kind, std::string path, uint64_t index);
  bool StartSplit();

  // Scanners. Each returns false on a fatal error, which is then in fatal_.
  bool ScanValue(size_t max_depth);
  bool ScanContainer(size_t max_depth);
  bool ScanStringBody(std::string* collect, size_t collect_max);
  bool ScanToken();
  bool SkipWhitespace();  // false also at the clean end of the input
  void SkipByteOrderMark();
  bool Refill();

  void Copy(Capture* capture, size_t to);
  void Append(Capture* capture, std::string_view bytes);
  // REQUIRES: out->size() + n <= limits_.max_value_bytes
  void Reserve(std::string* out, size_t n) const;
  void Fail(Capture* capture, Problem problem);
  std::string ProblemMessage(const Capture& capture) const;

  Mark Here() {
    line_ += CountNewlines(buf_.get() + line_pos_, pos_ - line_pos_);
    line_pos_ = pos_;
    return Mark{base_offset_ + pos_, line_};
  }
  static std::string Where(const Mark& mark) {
    return "line " + std::to_string(mark.line) + " (byte " + std::to_string(mark.offset) + ")";
  }
  bool Fatal(Status status) {
    if (fatal_.ok()) fatal_ = std::move(status);
    return false;
  }
  bool Expected(std::string_view what) {
    const unsigned char c = static_cast<unsigned char>(buf_[pos_]);
    return Fatal(InvalidArgument(Where(Here()) + ": expected " + std::string(what) + ", found " +
                                 Describe(c)));
  }
  bool Truncated() {
    if (!fatal_.ok()) return false;  // a read error, passed through
    return Fatal(InvalidArgument("truncated: the value that starts at " + Where(value_start_) +
                                 " is not closed at the end of the input (byte " +
                                 std::to_string(base_offset_ + end_) + ")"));
  }

  InputStream* input_;
  const std::string split_key_;
  const Limits limits_;

  // The read buffer: buf_[pos_, end_) is not yet scanned; buf_[0] is input byte base_offset_.
  std::unique_ptr<char[]> buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
  uint64_t base_offset_ = 0;
  uint64_t refills_ = 0;
  bool eof_ = false;
  bool started_ = false;  // the byte order mark was looked for
  // Line number of buf_[line_pos_]; lines are counted lazily, when a position is reported.
  uint64_t line_ = 1;
  size_t line_pos_ = 0;

  Status fatal_;  // sticky
  Context context_ = Context::kTop;
  ArrayState array_state_ = ArrayState::kAfterOpen;
  MemberState member_state_ = MemberState::kKeyOrClose;
  uint64_t index_ = 0;       // elements seen in the current array
  bool split_seen_ = false;  // the current top-level object's split member was found
  bool key_matches_ = false;
  Mark top_start_;    // the current top-level value
  Mark value_start_;  // the innermost value being read, named when the input ends inside it

  std::string piece_;     // a piece's text when it spans reads
  std::string envelope_;  // the current top-level object, without the split member's elements
  std::string key_;       // a member name at depth 1, up to split_key_.size() + 1 bytes
  std::string token_;     // the start of a literal
  Capture piece_capture_;
  Capture envelope_capture_;
  Capture* capture_ = nullptr;       // where bytes go at a refill
  std::vector<uint64_t> type_bits_;  // bit d: the bracket opened at depth d+1 is '{'
};

Splitter::Splitter(InputStream* input, std::string split_key, Limits limits)
    : impl_(std::make_unique<Impl>(input, std::move(split_key), limits)) {}
Splitter::~Splitter() = default;
Result<std::optional<Piece>> Splitter::Next() { return impl_->Next(); }
uint64_t Splitter::offset() const { return impl_->offset(); }

bool Splitter::Impl::Refill() {
  if (eof_ || !fatal_.ok()) return false;
  if (capture_ != nullptr) Copy(capture_, end_);
  line_ += CountNewlines(buf_.get() + line_pos_, end_ - line_pos_);
  base_offset_ += end_;
  pos_ = end_ = line_pos_ = 0;
  if (capture_ != nullptr) capture_->from = 0;
  ++refills_;
  Result<size_t> n = input_->Read(buf_.get(), kReadChunk);
  if (!n.ok()) return Fatal(n.status());
  if (*n == 0) {
    eof_ = true;
    return false;
  }
  end_ = *n;
  return true;
}

void Splitter::Impl::SkipByteOrderMark() {
  started_ = true;
  while (end_ < 3 && !eof_) {
    Result<size_t> n = input_->Read(buf_.get() + end_, kReadChunk - end_);
    if (!n.ok()) {
      Fatal(n.status());
      return;
    }
    if (*n == 0) eof_ = true;
    end_ += *n;
  }
  if (end_ >= 3 && std::memcmp(buf_.get(), "\xEF\xBB\xBF", 3) == 0) pos_ = line_pos_ = 3;
}

bool Splitter::Impl::SkipWhitespace() {
  for (;;) {
    while (pos_ < end_ && kBytes.whitespace[static_cast<unsigned char>(buf_[pos_])]) ++pos_;
    if (pos_ < end_) return true;
    if (!Refill()) return false;
  }
}

void Splitter::Impl::Reserve(std::string* out, size_t n) const {
  // Grows geometrically like std::string, but never past the limit.
  if (out->capacity() < out->size() + n) {
    out->reserve(std::min(std::max(out->size() + n, 2 * out->capacity()), limits_.max_value_bytes));
  }
}

void Splitter::Impl::Copy(Capture* capture, size_t to) {
  const size_t n = to - capture->from;
  capture->from = to;
  std::string* out = capture->out;
  if (out == nullptr || n == 0) return;
  if (out->size() + n > limits_.max_value_bytes) {
    Fail(capture, Problem::kTooLarge);
    return;
  }
  Reserve(out, n);
  out->append(buf_.get() + to - n, n);
}

void Splitter::Impl::Append(Capture* capture, std::string_view bytes) {
  std::string* out = capture->out;
  if (out == nullptr) return;
  if (out->size() + bytes.size() > limits_.max_value_bytes) {
    Fail(capture, Problem::kTooLarge);
    return;
  }
  Reserve(out, bytes.size());
  out->append(bytes);
}

void Splitter::Impl::Fail(Capture* capture, Problem problem) {
  if (capture->problem != Problem::kNone) return;
  capture->problem = problem;
  if (capture->out != nullptr) capture->out->clear();  // keeps its (bounded) capacity
  capture->out = nullptr;
}

std::string Splitter::Impl::ProblemMessage(const Capture& capture) const {
  if (capture.problem == Problem::kTooDeep) {
    return "nested deeper than " + std::to_string(limits_.max_depth) + " levels";
  }
  return "larger than the " + std::to_string(limits_.max_value_bytes) + "-byte limit";
}

Result<std::optional<Piece>> Splitter::Impl::Next() {
  if (!fatal_.ok()) return fatal_;
  if (!started_) {
    SkipByteOrderMark();
    if (!fatal_.ok()) return fatal_;
  }
  for (;;) {
    switch (context_) {
      case Context::kTopArray:
      case Context::kSplitArray: {
        Result<std::optional<Piece>> piece = NextInArray();
        if (!piece.ok() || piece->has_value()) return piece;
        continue;  // the array closed
      }
      case Context::kObject: {
        Result<std::optional<Piece>> piece = NextInObject();
        if (!piece.ok() || piece->has_value()) return piece;
        continue;  // the split member closed
      }
      case Context::kTop:
        break;
    }
    if (!SkipWhitespace()) {
      if (!fatal_.ok()) return fatal_;
      return std::optional<Piece>();  // the clean end
    }
    const unsigned char c = static_cast<unsigned char>(buf_[pos_]);
    top_start_ = value_start_ = Here();
    index_ = 0;
    if (c == '[') {
      ++pos_;
      context_ = Context::kTopArray;
      array_state_ = ArrayState::kAfterOpen;
      continue;
    }
    if (c == '{') {
      envelope_.clear();
      envelope_capture_ = Capture{&envelope_, pos_, Problem::kNone};
      capture_ = &envelope_capture_;
      if (limits_.max_depth < 1) Fail(&envelope_capture_, Problem::kTooDeep);
      split_seen_ = false;
      ++pos_;
      context_ = Context::kObject;
      member_state_ = MemberState::kKeyOrClose;
      continue;
    }
    if (!IsValueStart(c)) {
      Expected("a JSON value or the end of the input");
      return fatal_;
    }
    return ScanPiece(Piece::Kind::kValue, std::string(), 0);
  }
}

Result<std::optional<Piece>> Splitter::Impl::NextInArray() {
  bool close = false;
  for (;;) {
    if (!SkipWhitespace()) {
      Truncated();
      return fatal_;
    }
    const unsigned char c = static_cast<unsigned char>(buf_[pos_]);
    if (array_state_ == ArrayState::kAfterElement) {
      if (c == ',') {
        ++pos_;
        array_state_ = ArrayState::kAfterComma;
        continue;
      }
      if (c != ']') {
        Expected("',' or ']' after an array element");
        return fatal_;
      }
      close = true;
    } else if (array_state_ == ArrayState::kAfterOpen && c == ']') {
      close = true;
    } else if (!IsValueStart(c)) {
      Expected(array_state_ == ArrayState::kAfterOpen ? "a value or ']' after '['"
                                                      : "a value after ','");
      return fatal_;
    }
    break;
  }
  if (close) {
    ++pos_;
    if (context_ == Context::kTopArray) {
      context_ = Context::kTop;
    } else {
      context_ = Context::kObject;
      member_state_ = MemberState::kCommaOrClose;
      envelope_capture_.from = pos_;
      capture_ = &envelope_capture_;
    }
    return std::optional<Piece>();
  }
  std::string path = context_ == Context::kTopArray ? std::string() : split_key_;
  path += '[';
  path += std::to_string(index_);
  path += ']';
  Result<std::optional<Piece>> piece = ScanPiece(Piece::Kind::kElement, std::move(path), index_);
  ++index_;
  array_state_ = ArrayState::kAfterElement;
  return piece;
}

bool Splitter::Impl::StartSplit() {
  const std::string where =
      "cannot split the value at " + Where(top_start_) + " at its \"" + split_key_ + "\" member: ";
  if (envelope_capture_.problem == Problem::kNone && limits_.max_depth < 2) {
    Fail(&envelope_capture_, Problem::kTooDeep);
  }
  Copy(&envelope_capture_, pos_);
  Append(&envelope_capture_, "[]");
  if (envelope_capture_.problem != Problem::kNone) {
    return Fatal(
        ResourceExhausted(where + "the rest of the value is " + ProblemMessage(envelope_capture_)));
  }
  ++pos_;
  capture_ = nullptr;
  split_seen_ = true;
  context_ = Context::kSplitArray;
  array_state_ = ArrayState::kAfterOpen;
  index_ = 0;
  return true;
}

Result<std::optional<Piece>> Splitter::Impl::NextInObject() {
  for (;;) {
    if (split_seen_ && envelope_capture_.problem != Problem::kNone) {
      Fatal(ResourceExhausted("the envelope of the value at " + Where(top_start_) +
                              " (all but its \"" + split_key_ + "\" elements) is " +
                              ProblemMessage(envelope_capture_)));
      return fatal_;
    }
    if (!SkipWhitespace()) {
      Truncated();
      return fatal_;
    }
    const unsigned char c = static_cast<unsigned char>(buf_[pos_]);
    switch (member_state_) {
      case MemberState::kKeyOrClose:
      case MemberState::kKey:
        if (c == '"') {
          ++pos_;
          key_.clear();
          if (!ScanStringBody(&key_, split_key_.size() + 1)) return fatal_;
          key_matches_ = key_ == split_key_;
          member_state_ = MemberState::kColon;
          continue;
        }
        if (c == '}' && member_state_ == MemberState::kKeyOrClose) break;
        Expected(member_state_ == MemberState::kKey ? "'\"' to start a member name after ','"
                                                    : "'\"' to start a member name or '}'");
        return fatal_;
      case MemberState::kColon:
        if (c != ':') {
          Expected("':' after a member name");
          return fatal_;
        }
        ++pos_;
        member_state_ = MemberState::kValue;
        continue;
      case MemberState::kValue:
        if (c == '[' && key_matches_ && !split_seen_) {
          if (!StartSplit()) return fatal_;
          return std::optional<Piece>();
        }
        if (!IsValueStart(c)) {
          Expected("a value after ':'");
          return fatal_;
        }
        if (!ScanValue(limits_.max_depth > 0 ? limits_.max_depth - 1 : 0)) return fatal_;
        member_state_ = MemberState::kCommaOrClose;
        continue;
      case MemberState::kCommaOrClose:
        if (c == ',') {
          ++pos_;
          member_state_ = MemberState::kKey;
          continue;
        }
        if (c != '}') {
          Expected("',' or '}' after an object member");
          return fatal_;
        }
        break;
    }
    // c is the '}' that closes the top-level object.
    ++pos_;
    Copy(&envelope_capture_, pos_);
    capture_ = nullptr;
    context_ = Context::kTop;
    if (split_seen_ && envelope_capture_.problem != Problem::kNone) continue;  // fatal above
    Piece piece;
    piece.kind = split_seen_ ? Piece::Kind::kEnvelope : Piece::Kind::kValue;
    piece.offset = top_start_.offset;
    piece.line = top_start_.line;
    piece.index = split_seen_ ? index_ : 0;
    if (envelope_capture_.problem == Problem::kNone) {
      piece.text = envelope_;
    } else {
      piece.error = ResourceExhausted("value at " + Where(top_start_) + " is " +
                                      ProblemMessage(envelope_capture_));
    }
    return std::optional<Piece>(std::move(piece));
  }
}

Result<std::optional<Piece>> Splitter::Impl::ScanPiece(Piece::Kind kind, std::string path,
                                                       uint64_t index) {
  const Mark start = Here();
  value_start_ = start;
  piece_.clear();
  piece_capture_ = Capture{&piece_, pos_, Problem::kNone};
  Capture* const outer = capture_;
  capture_ = &piece_capture_;
  const uint64_t refills = refills_;
  const size_t begin = pos_;
  if (!ScanValue(limits_.max_depth)) return fatal_;
  capture_ = outer;
  value_start_ = top_start_;

  Piece piece;
  piece.kind = kind;
  piece.offset = start.offset;
  piece.line = start.line;
  piece.path = std::move(path);
  piece.index = index;
  if (piece_capture_.problem == Problem::kNone) {
    if (refills == refills_) {  // still all in the read buffer: no copy
      if (pos_ - begin > limits_.max_value_bytes) {
        Fail(&piece_capture_, Problem::kTooLarge);
      } else {
        piece.text = std::string_view(buf_.get() + begin, pos_ - begin);
      }
    } else {
      Copy(&piece_capture_, pos_);
      if (piece_capture_.problem == Problem::kNone) piece.text = piece_;
    }
  }
  if (piece_capture_.problem != Problem::kNone) {
    piece.error =
        ResourceExhausted("value at " + Where(start) + " is " + ProblemMessage(piece_capture_));
  }
  return std::optional<Piece>(std::move(piece));
}

bool Splitter::Impl::ScanValue(size_t max_depth) {
  const unsigned char c = static_cast<unsigned char>(buf_[pos_]);
  if (c == '"') {
    ++pos_;
    return ScanStringBody(nullptr, 0);
  }
  if (c == '{' || c == '[') return ScanContainer(max_depth);
  return ScanToken();
}

bool Splitter::Impl::ScanContainer(size_t max_depth) {
  uint64_t depth = 0;
  for (;;) {
    const char* p = buf_.get() + pos_;
    const char* const e = buf_.get() + end_;
    while (p < e && !kBytes.structural[static_cast<unsigned char>(*p)]) ++p;
    pos_ = static_cast<size_t>(p - buf_.get());
    if (p == e) {
      if (!Refill()) return Truncated();
      continue;
    }
    const char c = *p;
    ++pos_;
    if (c == '"') {
      if (!ScanStringBody(nullptr, 0)) return false;
      continue;
    }
    if (c == '{' || c == '[') {
      if (depth < kTrackedDepth) {
        const uint64_t bit = uint64_t{1} << (depth % 64);
        if (c == '{') {
          type_bits_[depth / 64] |= bit;
        } else {
          type_bits_[depth / 64] &= ~bit;
        }
      }
      ++depth;
      if (depth > max_depth && capture_ != nullptr) Fail(capture_, Problem::kTooDeep);
      continue;
    }
    // c is '}' or ']'.
    --depth;
    if (depth < kTrackedDepth) {
      const bool object = (type_bits_[depth / 64] >> (depth % 64)) & 1;
      if (object != (c == '}')) {
        --pos_;
        return Expected(object ? "'}' to close an object" : "']' to close an array");
      }
    }
    if (depth == 0) return true;
  }
}

bool Splitter::Impl::ScanStringBody(std::string* collect, size_t collect_max) {
  // A '"' ends the string unless an odd run of backslashes precedes it. Runs are counted back to
  // run_start; carry_odd holds the parity of a run that reaches it from an earlier read.
  size_t run_start = pos_;
  size_t collect_from = pos_;
  bool carry_odd = false;
  const auto collect_to = [&](size_t to) {
    if (collect != nullptr && collect->size() < collect_max) {
      collect->append(buf_.get() + collect_from,
                      std::min(to - collect_from, collect_max - collect->size()));
    }
  };
  for (;;) {
    const char* const base = buf_.get();
    const void* q = pos_ < end_ ? std::memchr(base + pos_, '"', end_ - pos_) : nullptr;
    if (q == nullptr) {
      size_t k = end_;
      while (k > run_start && base[k - 1] == '\\') --k;
      const bool odd = ((end_ - k) & 1) != 0;
      carry_odd = k == run_start ? carry_odd != odd : odd;
      collect_to(end_);
      pos_ = end_;
      if (!Refill()) return Truncated();
      run_start = collect_from = 0;
      continue;
    }
    const size_t quote = static_cast<size_t>(static_cast<const char*>(q) - base);
    size_t k = quote;
    while (k > run_start && base[k - 1] == '\\') --k;
    const bool odd = ((quote - k) & 1) != 0;
    const bool escaped = k == run_start ? carry_odd != odd : odd;
    if (!escaped) {
      collect_to(quote);
      pos_ = quote + 1;
      return true;
    }
    pos_ = run_start = quote + 1;
    carry_odd = false;
  }
}

bool Splitter::Impl::ScanToken() {
  const Mark start = Here();
  const bool literal = buf_[pos_] >= 'a' && buf_[pos_] <= 'z';
  token_.clear();
  size_t from = pos_;
  for (;;) {
    while (pos_ < end_ && kBytes.token[static_cast<unsigned char>(buf_[pos_])]) ++pos_;
    if (literal && token_.size() < 8) {
      token_.append(buf_.get() + from, std::min(pos_ - from, 8 - token_.size()));
    }
    if (pos_ < end_) break;
    if (!Refill()) {
      if (!fatal_.ok()) return false;
      break;  // the end of the input ends a token
    }
    from = 0;
  }
  if (literal && token_ != "true" && token_ != "false" && token_ != "null") {
    return Fatal(InvalidArgument(Where(start) + ": expected a JSON value, found '" +
                                 token_.substr(0, 7) + (token_.size() > 7 ? "...'" : "'")));
  }
  return true;
}

}  // namespace concord::json
