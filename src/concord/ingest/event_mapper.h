#pragma once

// Maps one line of a log into one observation: the entry point of the ingest module.
//
//   line --(JSON: json::Parser; TSV: split by the header)--> the source's adapter
//        --(observe::ObservationBuilder)--> Observation
//
// The adapters (adapters.h, one file per source) decide what each field means; docs/mappings.md
// writes their mappings down.

#include <cstdint>
#include <memory>
#include <string_view>

#include "concord/base/status.h"
#include "concord/ingest/log_context.h"
#include "concord/observe/builder.h"

namespace concord::ingest {

struct IngestLimits {
  // The longest event line accepted (longer ones are skipped by the line reader).
  size_t max_line_bytes = size_t{1} << 20;
  // JSON nesting allowed in one event.
  size_t max_depth = 32;
};

// Not thread-safe: one EventMapper per thread (it holds a JSON parser's buffers).
class EventMapper {
 public:
  explicit EventMapper(IngestLimits limits = {});
  ~EventMapper();
  EventMapper(const EventMapper&) = delete;
  EventMapper& operator=(const EventMapper&) = delete;

  // Maps `line`, an event of a log whose header is `context`, into `builder`'s observation
  // (which it resets). Returns OK, or why the event is skipped, as a sentence without position
  // (the caller adds file and line): "not complete JSON: byte 57: ...", "no 'ts' field: not a
  // Zeek event (did the log change format?)", "field 'id.orig_p': expected a number",
  // "invalid UTF-8". REQUIRES: context.format is known and `line` is not a header ('#') line of
  // a Zeek TSV log.
  Status Map(const LogContext& context, std::string_view line,
             observe::ObservationBuilder* builder);
  // Map for a line followed in memory by at least LineReader::kPadding readable bytes (as
  // LineReader's and LogReader's lines are): JSON is parsed where it is, not copied first.
  Status MapPadded(const LogContext& context, std::string_view line,
                   observe::ObservationBuilder* builder);

  // Parses `line`, padded as MapPadded needs, ahead of mapping it: until ForgetParsed, a
  // MapPadded of the same line (the same address and length) maps the document parsed here
  // instead of parsing again, with the same result. Parsing a run of lines and then mapping
  // them keeps simdjson's code, then the adapters' and the matcher's, in the instruction cache
  // for the run, instead of alternating them event by event. Holds at most kParseAhead lines:
  // false when full (the line was not parsed). Zeek TSV lines and lines over kParseAheadBytes
  // are left to MapPadded (true), which bounds the memory of the parsers kept for this (each
  // keeps buffers for the longest line it parsed: about 14 bytes per byte).
  bool ParseAhead(const LogContext& context, std::string_view line);
  // Drops the lines parsed ahead. Call before the lines' memory is reused.
  void ForgetParsed();
  static constexpr size_t kParseAhead = 16;
  static constexpr size_t kParseAheadBytes = size_t{16} << 10;

  // The adapters' fast paths (adapters.h), on by default: the same result, sooner, for the
  // commonest events mapped in probe mode. Off: every event mapped the general way (for tests
  // and measurements that compare the two).
  void set_fast_paths(bool on) { fast_paths_ = on; }
  // Events mapped so far by a fast path.
  uint64_t fast_path_events() const { return fast_path_events_; }

 private:
  Status Map(const LogContext& context, std::string_view line, bool padded,
             observe::ObservationBuilder* builder);
  struct State;
  std::unique_ptr<State> state_;
  bool fast_paths_ = true;
  uint64_t fast_path_events_ = 0;
};

}  // namespace concord::ingest
