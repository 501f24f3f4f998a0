#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "concord/base/input_stream.h"
#include "concord/base/result.h"

namespace concord {

// Reads lines (ending in "\n", "\r\n" or the end of input) from an InputStream, never holding
// more than `max_line_bytes` of one line. A longer line is skipped and reported. A UTF-8 byte
// order mark at the start of the first line is dropped. Not thread-safe.
class LineReader {
 public:
  struct Line {
    uint64_t number = 0;  // 1-based
    // Without the line ending; empty when too_long. Followed in memory by at least kPadding
    // initialised bytes within its capacity, for parsers that read past the end (simdjson).
    std::string text;
    bool too_long = false;
  };
  static constexpr size_t kPadding = 64;

  LineReader(InputStream* input, size_t max_line_bytes);

  // The next line, std::nullopt at the end, or the input's read error.
  Result<std::optional<Line>> Next();
  // Next into `*line`, reusing the memory of its text (a reader of millions of lines allocates
  // nothing per line): true, false at the end, or the input's read error.
  Result<bool> Next(Line* line);

 private:
  bool Fill();
  InputStream* input_;
  size_t max_line_bytes_;
  std::unique_ptr<char[]> buffer_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  Status error_;
  uint64_t line_number_ = 0;
};

}  // namespace concord
