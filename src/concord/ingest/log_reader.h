#pragma once

// Reads one log: its lines (bounded), its format (given, or recognised from its first lines),
// and, for Zeek TSV, its header as it changes. Yields the event lines, each with the context
// that applies to it, and reports every line it cannot use with a reason. Mapping the events
// is EventMapper's job, so that several threads can map what one LogReader reads.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "concord/base/input_stream.h"
#include "concord/base/line_reader.h"
#include "concord/base/result.h"
#include "concord/ingest/event_mapper.h"
#include "concord/ingest/log_context.h"

namespace concord::ingest {

class LogReader {
 public:
  struct Line {
    enum class Kind : uint8_t { kEvent, kSkipped };
    Kind kind = Kind::kEvent;
    uint64_t number = 0;  // 1-based line number in the file
    std::string text;     // kEvent: the line
    std::string reason;   // kSkipped: why
    // kEvent: the header and format the line is read with. Shared; never changed once given
    // out (a new header makes a new context). kSkipped: unspecified.
    std::shared_ptr<const LogContext> context;
  };

  // Reads `input` (which must outlive the reader), named `file_name` in contexts (its base name
  // gives the Zeek log type). `format` kUnknown means: recognise it from the first lines; lines
  // before one is recognised are skipped ("format not recognised"; past kMaxDetectLines such
  // lines the reason suggests --format).
  LogReader(InputStream* input, std::string file_name, LogFormat format, IngestLimits limits);

  static constexpr uint64_t kMaxDetectLines = 100;

  // The next event or skipped line; nullopt at the end of the input; an error only when the
  // input cannot be read (IoError). Blank lines and '#' comment lines are neither.
  Result<std::optional<Line>> Next();
  // Next into `*line`, reusing the memory of its text: true, false at the end, or IoError.
  Result<bool> Next(Line* line);

  // The format in use: the one given or recognised, kUnknown before that.
  LogFormat format() const { return context_ ? context_->format : format_; }

 private:
  InputStream* input_;
  std::string file_name_;
  LogFormat format_;
  LineReader lines_;
  LineReader::Line raw_;
  std::shared_ptr<LogContext> context_;  // null until the format is known
  bool header_changed_ = false;          // copy-on-write for the next event
  uint64_t undetected_ = 0;
};

}  // namespace concord::ingest
