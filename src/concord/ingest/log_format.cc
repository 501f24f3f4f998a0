#include "concord/ingest/log_format.h"

namespace concord::ingest {
namespace {

// True when `line` contains the JSON key `key` (quoted, followed by optional spaces and ':').
bool HasKey(std::string_view line, std::string_view key) {
  size_t from = 0;
  while (true) {
    const size_t at = line.find(key, from);
    if (at == std::string_view::npos) return false;
    from = at + 1;
    if (at == 0 || line[at - 1] != '"') continue;
    size_t end = at + key.size();
    if (end >= line.size() || line[end] != '"') continue;
    ++end;
    while (end < line.size() && (line[end] == ' ' || line[end] == '\t')) ++end;
    if (end < line.size() && line[end] == ':') return true;
  }
}

}  // namespace

std::string_view LogFormatName(LogFormat format) {
  switch (format) {
    case LogFormat::kZeekJson:
      return "zeek-json";
    case LogFormat::kZeekTsv:
      return "zeek-tsv";
    case LogFormat::kSuricataEve:
      return "suricata-eve";
    case LogFormat::kSysmonEcs:
      return "sysmon-ecs";
    case LogFormat::kSysmonFlat:
      return "sysmon-flat";
    case LogFormat::kUnknown:
      break;
  }
  return "unknown";
}

Result<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "zeek-json" || name == "zeek") return LogFormat::kZeekJson;
  if (name == "zeek-tsv") return LogFormat::kZeekTsv;
  if (name == "suricata-eve" || name == "eve" || name == "suricata") return LogFormat::kSuricataEve;
  if (name == "sysmon-ecs" || name == "ecs" || name == "winlogbeat") return LogFormat::kSysmonEcs;
  if (name == "sysmon-flat" || name == "sysmon") return LogFormat::kSysmonFlat;
  return InvalidArgument(
      "unknown log format '" + std::string(name) +
      "': expected auto, zeek-json, zeek-tsv, suricata-eve, sysmon-ecs or sysmon-flat");
}

LogFormat DetectLogFormat(std::string_view line) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  line.remove_prefix(i);
  if (line.starts_with("#separator") || line.starts_with("#fields")) return LogFormat::kZeekTsv;
  if (!line.starts_with("{")) return LogFormat::kUnknown;
  if (HasKey(line, "event_type") && HasKey(line, "timestamp")) return LogFormat::kSuricataEve;
  if (HasKey(line, "ts") &&
      (HasKey(line, "uid") || HasKey(line, "id.orig_h") || HasKey(line, "id_orig_h") ||
       HasKey(line, "_path") || HasKey(line, "fuid") || HasKey(line, "id") ||
       HasKey(line, "@stream") || HasKey(line, "fingerprint"))) {
    return LogFormat::kZeekJson;
  }
  if (HasKey(line, "winlog") || (HasKey(line, "@timestamp") && HasKey(line, "event"))) {
    return LogFormat::kSysmonEcs;
  }
  if (HasKey(line, "EventID")) return LogFormat::kSysmonFlat;
  return LogFormat::kUnknown;
}

}  // namespace concord::ingest
