#include "concord/ingest/log_reader.h"

#include <utility>

namespace concord::ingest {

LogReader::LogReader(InputStream* input, std::string file_name, LogFormat format,
                     IngestLimits limits)
    : input_(input),
      file_name_(std::move(file_name)),
      format_(format),
      lines_(input, limits.max_line_bytes) {}

Result<std::optional<LogReader::Line>> LogReader::Next() {
  Line line;
  CONCORD_ASSIGN_OR_RETURN(bool more, Next(&line));
  if (!more) return std::optional<Line>();
  return std::optional<Line>(std::move(line));
}

Result<bool> LogReader::Next(Line* line) {
  while (true) {
    CONCORD_ASSIGN_OR_RETURN(bool more, lines_.Next(&raw_));
    if (!more) return false;
    line->number = raw_.number;
    line->reason.clear();
    if (raw_.too_long) {
      line->kind = Line::Kind::kSkipped;
      line->reason = "line longer than the limit";
      return true;
    }
    const std::string& text = raw_.text;
    if (text.find_first_not_of(" \t") == std::string::npos) continue;  // blank

    if (!context_) {
      LogFormat detected = format_ != LogFormat::kUnknown ? format_ : DetectLogFormat(text);
      if (detected == LogFormat::kUnknown) {
        if (!text.empty() && text.front() == '#') continue;
        ++undetected_;
        line->kind = Line::Kind::kSkipped;
        line->reason = undetected_ > kMaxDetectLines
                           ? "format not recognised in the first lines: use --format"
                           : "format not recognised (not Zeek, Suricata EVE or Sysmon)";
        return true;
      }
      context_ = std::make_shared<LogContext>();
      context_->format = detected;
      context_->zeek_path = ZeekPathFromFileName(file_name_);
    }
    if (!text.empty() && text.front() == '#') {
      if (context_->format != LogFormat::kZeekTsv) continue;  // a comment
      if (header_changed_ == false) {
        // Events already given out hold the old context: change a copy.
        context_ = std::make_shared<LogContext>(*context_);
        header_changed_ = true;
      }
      Status s = ApplyZeekHeaderLine(text, context_.get());
      if (!s.ok()) {
        line->kind = Line::Kind::kSkipped;
        line->reason = "bad header line: " + s.message();
        return true;
      }
      continue;
    }
    header_changed_ = false;
    line->kind = Line::Kind::kEvent;
    line->text.swap(raw_.text);  // the caller's old buffer becomes the next line's
    // Set only when it changes: copying a shared_ptr per line is two atomic operations on a
    // cache line that the threads mapping events read.
    if (line->context != context_) line->context = context_;
    return true;
  }
}

}  // namespace concord::ingest
