#include "concord/base/line_reader.h"

#include <cstring>

namespace concord {
namespace {
constexpr size_t kChunk = 1 << 16;
}  // namespace

LineReader::LineReader(InputStream* input, size_t max_line_bytes)
    : input_(input), max_line_bytes_(max_line_bytes), buffer_(new char[kChunk]) {}

bool LineReader::Fill() {
  if (eof_) return false;
  auto n = input_->Read(buffer_.get(), kChunk);
  if (!n.ok()) {
    error_ = n.status();
    eof_ = true;
    return false;
  }
  begin_ = 0;
  end_ = *n;
  if (*n == 0) eof_ = true;
  return *n > 0;
}

Result<std::optional<LineReader::Line>> LineReader::Next() {
  Line line;
  CONCORD_ASSIGN_OR_RETURN(bool more, Next(&line));
  if (!more) return std::optional<Line>();
  return std::optional<Line>(std::move(line));
}

Result<bool> LineReader::Next(Line* line) {
  line->text.clear();
  line->too_long = false;
  bool any = false;
  for (;;) {
    if (begin_ == end_ && !Fill()) {
      if (!error_.ok()) return error_;
      if (!any) return false;
      break;
    }
    any = true;
    const char* start = buffer_.get() + begin_;
    const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    const size_t take = nl ? static_cast<size_t>(nl - start) : end_ - begin_;
    if (!line->too_long) {
      if (line->text.size() + take > max_line_bytes_) {
        line->too_long = true;
        line->text.clear();
        line->text.shrink_to_fit();
      } else {
        line->text.append(start, take);
      }
    }
    begin_ += take;
    if (nl) {
      ++begin_;
      break;
    }
  }
  std::string& text = line->text;
  if (!text.empty() && text.back() == '\r') text.pop_back();
  line->number = ++line_number_;
  if (line->number == 1 && text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  const size_t size = text.size();
  text.append(kPadding, ' ');  // the padding: capacity, and bytes written once
  text.resize(size);
  return true;
}

}  // namespace concord
