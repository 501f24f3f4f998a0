#pragma once

// What a log file says about itself once, for all its events: its format and, for Zeek, its
// log type and (TSV) its header. Built by the thread that reads the file; read by every thread
// that maps its events, so it is immutable once shared.

#include <string>
#include <string_view>
#include <vector>

#include "concord/base/status.h"
#include "concord/ingest/log_format.h"

namespace concord::ingest {

struct LogContext {
  LogFormat format = LogFormat::kUnknown;
  // The Zeek log type ("conn", "dns", "ssl", ...): "#path" of a TSV header, else the file
  // name's first component ("dns.09:00:00-10:00:00.log.gz" -> "dns"). A JSON event's "_path"
  // field, when present, overrides it for that event. Empty when unknown.
  std::string zeek_path;

  // Zeek TSV header ("#separator \x09", "#set_separator ,", "#empty_field (empty)",
  // "#unset_field -", "#fields ...", "#types ...").
  char separator = '\t';
  std::string set_separator = ",";
  std::string empty_field = "(empty)";
  std::string unset_field = "-";
  std::vector<std::string> fields;
  std::vector<std::string> types;
};

// The Zeek log type a file name suggests: the part of its base name before the first '.'
// ("/var/log/zeek/conn.log" -> "conn", "http_eth0.log" -> "http_eth0"); "" for "-" (stdin).
std::string ZeekPathFromFileName(std::string_view file_name);

// Applies one Zeek TSV header line (starting with '#') to `*context`: separators, "#path",
// "#fields", "#types"; "#open", "#close" and unknown directives are accepted and ignored.
// InvalidArgument for a malformed directive ("#separator" without a value, a "#fields" line
// with no field, more than 1,000 fields).
Status ApplyZeekHeaderLine(std::string_view line, LogContext* context);

}  // namespace concord::ingest
