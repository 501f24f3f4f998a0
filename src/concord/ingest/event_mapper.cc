#include "concord/ingest/event_mapper.h"

#include <memory>
#include <string>
#include <vector>

#include "concord/base/line_reader.h"
#include "concord/ingest/adapters.h"
#include "concord/json/document.h"

namespace concord::ingest {

struct EventMapper::State {
  explicit State(const IngestLimits& limits)
      : json_limits{.max_value_bytes = limits.max_line_bytes, .max_depth = limits.max_depth},
        parser(json_limits) {}
  json::Limits json_limits;
  json::Parser parser;
  std::vector<std::string_view> values;  // TSV fields of the current line
  // Lines parsed ahead: ahead[i] was parsed by ahead_parsers[i].
  struct Ahead {
    const char* data;
    size_t size;
    Result<json::Element> parsed;
  };
  std::vector<Ahead> ahead;
  std::vector<std::unique_ptr<json::Parser>> ahead_parsers;  // made as first needed
};

EventMapper::EventMapper(IngestLimits limits) : state_(std::make_unique<State>(limits)) {}
EventMapper::~EventMapper() = default;

namespace {

// The field whose presence says a JSON event is of `format`.
Status CheckMarker(json::ObjectView event, LogFormat format) {
  auto has = [&](const char* key) { return !event[key].error(); };
  switch (format) {
    case LogFormat::kZeekJson:
      if (has("ts")) return Status::Ok();
      return InvalidArgument("no 'ts' field: not a Zeek event (did the log change format?)");
    case LogFormat::kSuricataEve:
      if (has("event_type")) return Status::Ok();
      return InvalidArgument(
          "no 'event_type' field: not a Suricata EVE event (did the log change format?)");
    case LogFormat::kSysmonEcs:
      if (has("winlog") || has("event") || has("@timestamp")) return Status::Ok();
      return InvalidArgument(
          "no 'winlog', 'event' or '@timestamp' field: not an ECS event (did the log change "
          "format?)");
    case LogFormat::kSysmonFlat:
      if (has("EventID")) return Status::Ok();
      return InvalidArgument("no 'EventID' field: not a Sysmon event (did the log change format?)");
    default:
      return InvalidArgument("the log's format is not known");
  }
}

Status MapJson(const LogContext& context, const Result<json::Element>& parsed,
               observe::ObservationBuilder* builder, bool fast_paths, uint64_t* fast_path_events);

}  // namespace

static_assert(LineReader::kPadding >= json::Parser::kParsePadding);

Status EventMapper::Map(const LogContext& context, std::string_view line,
                        observe::ObservationBuilder* builder) {
  return Map(context, line, false, builder);
}

bool EventMapper::ParseAhead(const LogContext& context, std::string_view line) {
  if (context.format == LogFormat::kZeekTsv || line.size() > kParseAheadBytes) return true;
  std::vector<State::Ahead>& ahead = state_->ahead;
  if (ahead.size() == kParseAhead) return false;
  const size_t i = ahead.size();
  if (i == state_->ahead_parsers.size()) {
    state_->ahead_parsers.push_back(std::make_unique<json::Parser>(state_->json_limits));
  }
  ahead.push_back(
      State::Ahead{line.data(), line.size(), state_->ahead_parsers[i]->ParsePadded(line)});
  return true;
}

void EventMapper::ForgetParsed() { state_->ahead.clear(); }

Status EventMapper::MapPadded(const LogContext& context, std::string_view line,
                              observe::ObservationBuilder* builder) {
  return Map(context, line, true, builder);
}

Status EventMapper::Map(const LogContext& context, std::string_view line, bool padded,
                        observe::ObservationBuilder* builder) {
  if (context.format == LogFormat::kZeekTsv) {
    if (!line.empty() && line.front() == '{') {
      return InvalidArgument("a JSON line in a Zeek TSV log (did the log change format?)");
    }
    if (context.fields.empty()) {
      return InvalidArgument("an event before the log's '#fields' header");
    }
    std::vector<std::string_view>& values = state_->values;
    values.clear();
    size_t from = 0;
    while (values.size() <= context.fields.size()) {
      const size_t at = line.find(context.separator, from);
      values.push_back(line.substr(from, at == std::string_view::npos ? line.npos : at - from));
      if (at == std::string_view::npos) break;
      from = at + 1;
    }
    if (values.size() != context.fields.size()) {
      return InvalidArgument(
          std::to_string(values.size() > context.fields.size() ? context.fields.size() + 1
                                                               : values.size()) +
          (values.size() > context.fields.size() ? " or more" : "") +
          " fields where '#fields' has " + std::to_string(context.fields.size()) +
          " (a truncated or mixed line?)");
    }
    return MapZeekTsv(values, context, builder);
  }

  if (padded) {
    for (const State::Ahead& a : state_->ahead) {
      if (a.data == line.data() && a.size == line.size()) {
        return MapJson(context, a.parsed, builder, fast_paths_, &fast_path_events_);
      }
    }
  }
  return MapJson(context, padded ? state_->parser.ParsePadded(line) : state_->parser.Parse(line),
                 builder, fast_paths_, &fast_path_events_);
}

namespace {

// Map's work once a JSON line is parsed (or not).
Status MapJson(const LogContext& context, const Result<json::Element>& parsed,
               observe::ObservationBuilder* builder, bool fast_paths, uint64_t* fast_path_events) {
  if (!parsed.ok()) {
    return Status(parsed.status().code(), "not complete JSON: " + parsed.status().message());
  }
  json::ObjectView event;
  if (parsed->get_object().get(event) != simdjson::SUCCESS) {
    return InvalidArgument("a JSON value that is not an object");
  }
  CONCORD_RETURN_IF_ERROR(CheckMarker(event, context.format));
  switch (context.format) {
    case LogFormat::kZeekJson: {
      bool fast = false;
      Status s = MapZeekJson(event, context, builder, fast_paths ? &fast : nullptr);
      *fast_path_events += fast;
      return s;
    }
    case LogFormat::kSuricataEve: {
      bool fast = false;
      Status s = MapSuricataEve(event, builder, fast_paths ? &fast : nullptr);
      *fast_path_events += fast;
      return s;
    }
    case LogFormat::kSysmonEcs:
      return MapSysmonEcs(event, builder);
    case LogFormat::kSysmonFlat:
      return MapSysmonFlat(event, builder);
    default:
      return InvalidArgument("the log's format is not known");
  }
}

}  // namespace

}  // namespace concord::ingest
