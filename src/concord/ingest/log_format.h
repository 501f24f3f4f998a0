#pragma once

// The telemetry formats Concord reads, and how a file's format is recognised.

#include <string_view>

#include "concord/base/result.h"

namespace concord::ingest {

enum class LogFormat : uint8_t {
  kUnknown,
  kZeekJson,     // Zeek logs written as JSON lines (LogAscii::use_json), either field style
  kZeekTsv,      // Zeek's default tab-separated logs with a "#fields" header
  kSuricataEve,  // Suricata EVE JSON lines
  kSysmonEcs,    // Sysmon events in the Elastic Common Schema layout (Winlogbeat)
  kSysmonFlat,   // Sysmon events as flat JSON (EventID, Image, Hashes, ...), as in public datasets
};

// "zeek-json", "zeek-tsv", "suricata-eve", "sysmon-ecs", "sysmon-flat" ("unknown").
std::string_view LogFormatName(LogFormat format);
// The inverse of LogFormatName; also accepts "zeek" (zeek-json), "eve" and "suricata"
// (suricata-eve), "sysmon" (sysmon-flat), "ecs" and "winlogbeat" (sysmon-ecs).
// InvalidArgument naming the accepted names otherwise.
Result<LogFormat> ParseLogFormat(std::string_view name);

// The format of a log whose first event (or header) line is `line`: Zeek TSV by its "#separator"
// or "#fields" header; JSON by the fields of the object on the line, looked at without a full
// parse (Zeek: "ts" with "uid", "id.orig_h", "_path", "@stream", "fuid" or "fingerprint"; EVE:
// "event_type" with "timestamp"; ECS: "winlog" or "@timestamp" with "event"; flat Sysmon:
// "EventID"). kUnknown when the line says nothing (blank, a comment, another kind of JSON): look at
// the next line.
LogFormat DetectLogFormat(std::string_view line);

}  // namespace concord::ingest
