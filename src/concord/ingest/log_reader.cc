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
  while (true) {
    CONCORD_ASSIGN_OR_RETURN(std::optional<LineReader::Line> raw, lines_.Next());
    if (!raw) return std::optional<Line>();
    Line line;
    line.number = raw->number;
    if (raw->too_long) {
      line.kind = Line::Kind::kSkipped;
      line.reason = "line longer than the limit";
      return std::optional<Line>(std::move(line));
    }
    std::string& text = raw->text;
    if (text.find_first_not_of(" \t") == std::string::npos) continue;  // blank

    if (!context_) {
      LogFormat detected = format_ != LogFormat::kUnknown ? format_ : DetectLogFormat(text);
      if (detected == LogFormat::kUnknown) {
        if (!text.empty() && text.front() == '#') continue;
        ++undetected_;
        line.kind = Line::Kind::kSkipped;
        line.reason = undetected_ > kMaxDetectLines
                          ? "format not recognised in the first lines: use --format"
                          : "format not recognised (not Zeek, Suricata EVE or Sysmon)";
        return std::optional<Line>(std::move(line));
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
        line.kind = Line::Kind::kSkipped;
        line.reason = "bad header line: " + s.message();
        return std::optional<Line>(std::move(line));
      }
      continue;
    }
    header_changed_ = false;
    line.kind = Line::Kind::kEvent;
    line.text = std::move(text);
    line.context = context_;
    return std::optional<Line>(std::move(line));
  }
}

}  // namespace concord::ingest
