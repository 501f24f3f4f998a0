// `concord scan`: telemetry against every active indicator of the store; alerts as JSON lines,
// sightings into the store, a summary at the end.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "concord/base/follow_stream.h"
#include "concord/base/input_stream.h"
#include "concord/cli/agreements.h"
#include "concord/cli/commands.h"
#include "concord/cli/inputs.h"
#include "concord/cli/progress.h"
#include "concord/cli/warning_lists.h"
#include "concord/detect/indicator_set.h"
#include "concord/detect/scanner.h"
#include "concord/detect/sightings.h"
#include "concord/detect/warning_list.h"
#include "concord/json/writer.h"
#include "concord/stix/validator.h"

namespace concord::cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) { g_stop.store(true); }

// Alerts as JSON lines on a FILE (standard output or --out).
class JsonLinesSink final : public detect::AlertSink {
 public:
  // `flush_each`: write every alert through at once (--follow: alerts must not wait in a buffer
  // while the log is quiet).
  JsonLinesSink(FILE* out, bool flush_each) : out_(out), flush_each_(flush_each) {}
  Status OnAlert(const detect::Alert& a) override {
    line_.clear();
    json::Writer w(&line_);
    w.BeginObject();
    w.Key("time");
    w.String(FormatTimestamp(a.first_observed, 6));
    w.Key("indicator");
    w.BeginObject();
    w.Key("id");
    w.String(a.indicator.id);
    if (!a.indicator.name.empty()) {
      w.Key("name");
      w.String(a.indicator.name);
    }
    w.Key("pattern");
    w.String(a.indicator.pattern);
    if (a.indicator.tlp != stix::Tlp::kNone) {
      w.Key("tlp");
      w.String(stix::TlpName(a.indicator.tlp));
    }
    w.EndObject();
    w.Key("file");
    w.String(a.file);
    w.Key("line");
    w.UInt(a.line);
    w.Key("temporal");
    w.Bool(a.temporal);
    w.Key("matched");
    w.BeginArray();
    for (const detect::MatchedComparison& m : a.matched) {
      w.BeginObject();
      w.Key("path");
      w.String(m.path);
      w.Key("op");
      w.String(m.op);
      w.Key("constant");
      w.String(m.constant);
      w.Key("observed");
      w.BeginArray();
      for (const std::string& v : m.observed) w.String(v);
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    line_.push_back('\n');
    if (std::fwrite(line_.data(), 1, line_.size(), out_) != line_.size()) {
      return IoError("cannot write alerts: " + std::string(std::strerror(errno)));
    }
    if (flush_each_) std::fflush(out_);
    return Status::Ok();
  }

 private:
  FILE* out_;
  bool flush_each_;
  std::string line_;
};

std::string DefaultNodeName() {
  if (const char* env = std::getenv("CONCORD_NODE_NAME"); env != nullptr && *env != '\0') {
    return env;
  }
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0 && host[0] != '\0') return host;
  return "concord";
}

Result<std::optional<Timestamp>> OptionalTime(const std::string& text, const char* flag) {
  if (text.empty()) return std::optional<Timestamp>();
  Result<ParsedTimestamp> t = ParseTimestamp(text, TimestampSyntax{.allow_offset = true});
  if (!t.ok()) {
    return InvalidArgument(std::string(flag) + " " + text + ": " + t.status().message());
  }
  return std::optional<Timestamp>(t->instant);
}

// Writes the node's identity (once) and the scan's sightings in one transaction.
Status StoreSightings(store::Store& store, const detect::IndicatorSet& indicators,
                      const detect::SightingCounter& sightings, const std::string& node_name,
                      const std::string& node_identity, const std::string& description,
                      Timestamp now, size_t* written) {
  *written = 0;
  if (sightings.size() == 0) return Status::Ok();
  stix::Validator validator;
  CONCORD_ASSIGN_OR_RETURN(auto txn, store.BeginWrite(store::Provenance{"local", "concord scan"}));
  const std::string identity_id =
      node_identity.empty() ? detect::NodeIdentityId(node_name) : node_identity;
  store::Query q;
  q.ids = {identity_id};
  CONCORD_ASSIGN_OR_RETURN(store::Page existing, store.Find(q, 1));
  if (existing.objects.empty()) {
    stix::Validation v = validator.Validate(detect::NodeIdentityJson(node_name, now, identity_id));
    if (!v.ok()) return InvalidArgument("the node identity does not validate");
    CONCORD_RETURN_IF_ERROR(txn->Put(*v.object).status());
  }
  detect::SightingOptions options;
  options.identity_id = identity_id;
  options.now = now;
  options.description = description;
  for (const std::string& json : sightings.ToStix(indicators, options)) {
    stix::Validation v = validator.Validate(json);
    if (!v.ok()) {
      return InvalidArgument("a sighting does not validate: " +
                             (v.diagnostics.empty() ? std::string("?") : v.diagnostics[0].message));
    }
    CONCORD_RETURN_IF_ERROR(txn->Put(*v.object).status());
    ++*written;
  }
  return txn->Commit();
}

}  // namespace

int RunScan(const DataDir& dir, const ScanCommandOptions& options, const OutputOptions& out,
            Clock* clock) {
  auto fail = [](const Status& s) {
    std::fprintf(stderr, "concord scan: %s\n", s.message().c_str());
    return 2;
  };
  detect::ScanOptions scan;
  if (options.format != "auto") {
    Result<ingest::LogFormat> f = ingest::ParseLogFormat(options.format);
    if (!f.ok()) return fail(f.status());
    scan.format = *f;
  }
  // Alerts come out in event order whatever the number of threads; by default use the cores.
  scan.threads = options.threads > 0
                     ? options.threads
                     : static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 16u));
  Result<std::optional<Timestamp>> since = OptionalTime(options.since, "--since");
  if (!since.ok()) return fail(since.status());
  Result<std::optional<Timestamp>> until = OptionalTime(options.until, "--until");
  if (!until.ok()) return fail(until.status());
  scan.since = *since;
  scan.until = *until;
  if (options.follow && (options.inputs.size() != 1 || options.inputs[0] == "-")) {
    return fail(InvalidArgument("--follow reads exactly one file (not standard input)"));
  }
  if (options.follow) {
    scan.threads = 1;
    scan.each_event_at_once = true;
  }

  Result<std::vector<std::string>> files =
      options.follow ? Result<std::vector<std::string>>(options.inputs)
                     : ExpandInputs(options.inputs, {".log", ".json", ".jsonl", ".ndjson", ".eve"});
  if (!files.ok()) return fail(files.status());

  auto store = dir.OpenStore(clock, /*create=*/false);
  if (!store.ok()) return fail(store.status());

  Result<detect::WarningLists> lists = LoadWarningLists(dir, options.warning_lists);
  if (!lists.ok()) return fail(lists.status());

  const auto load_start = std::chrono::steady_clock::now();
  detect::IndicatorOptions indicator_options;
  indicator_options.now = clock->Now();
  indicator_options.match_subdomains = options.subdomains;
  indicator_options.warning_lists = &*lists;
  indicator_options.include_warned = options.include_warned;
  detect::IndicatorSetBuilder builder(indicator_options);
  if (Status s = builder.AddFromStore(**store); !s.ok()) return fail(s);
  auto indicators = builder.Build();
  if (!indicators.ok()) return fail(indicators.status());
  const double load_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
  const detect::IndicatorLoadStats& loaded = (*indicators)->load_stats();
  if (!out.json) {
    std::fprintf(stderr,
                 "concord scan: %llu active indicators compiled in %.2f s (%llu not yet valid, "
                 "%llu expired, %llu not STIX patterns, %llu invalid, %llu on warning lists%s)\n",
                 (unsigned long long)loaded.loaded, load_seconds,
                 (unsigned long long)loaded.not_yet_valid, (unsigned long long)loaded.expired,
                 (unsigned long long)loaded.not_stix, (unsigned long long)loaded.invalid,
                 (unsigned long long)(loaded.warned + loaded.warned_forced),
                 options.include_warned ? ", included" : ", left out");
    for (const std::string& e : loaded.examples) std::fprintf(stderr, "  %s\n", e.c_str());
  }

  FILE* alerts_out = stdout;
  if (!options.out_path.empty() && options.out_path != "-") {
    alerts_out = std::fopen(options.out_path.c_str(), "w");
    if (alerts_out == nullptr) {
      return fail(IoError("cannot write " + options.out_path + ": " + std::strerror(errno)));
    }
  }
  JsonLinesSink sink(alerts_out, options.follow);
  detect::Scanner scanner(**indicators, scan, &sink);
  Progress progress(out.progress && !out.json, "events", /*check_every=*/1);

  g_stop = false;
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
  const auto start = std::chrono::steady_clock::now();
  Status status;
  for (const std::string& file : *files) {
    if (g_stop) break;
    auto input = options.follow ? OpenFollowing(file, &g_stop) : InputStream::Open(file);
    if (!input.ok()) {
      status = input.status();
      break;
    }
    const std::string label = std::filesystem::path(file).filename().string();
    status = scanner.ScanFile(input->get(), file, [&](const detect::ScanProgress& p) {
      progress.Update(label + " (" + std::to_string(p.alerts) + " alerts)", p.events, p.bytes,
                      p.total_bytes);
      if (options.follow) std::fflush(alerts_out);
    });
    if (!status.ok()) break;
  }
  progress.Clear();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  std::fflush(alerts_out);
  if (alerts_out != stdout) std::fclose(alerts_out);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  size_t sightings_written = 0;
  Status stored;
  if (!options.no_sightings) {
    std::string description = "concord scan of";
    for (size_t i = 0; i < files->size() && i < 3; ++i) description += " " + (*files)[i];
    if (files->size() > 3) description += " and " + std::to_string(files->size() - 3) + " more";
    // Who saw it: --node-name, else the node the agreements name (so that sightings go back to
    // partners under the identity they know), else $CONCORD_NODE_NAME or the host name.
    std::string node_name = options.node_name;
    std::string node_identity;
    if (node_name.empty()) {
      Result<policy::Agreements> agreements = LoadNodeAgreements(dir, "");
      if (agreements.ok()) {
        node_name = agreements->node.name;
        node_identity = agreements->node.identity_id;
      } else if (agreements.status().code() != StatusCode::kNotFound) {
        stored = agreements.status();
      }
    }
    if (node_name.empty()) node_name = DefaultNodeName();
    if (stored.ok()) {
      stored = StoreSightings(**store, **indicators, scanner.sightings(), node_name, node_identity,
                              description, clock->Now(), &sightings_written);
    }
  }

  const detect::ScanStats& st = scanner.stats();
  if (out.json) {
    std::string line;
    json::Writer w(&line);
    w.BeginObject();
    w.Key("files");
    w.UInt(st.files);
    w.Key("events");
    w.UInt(st.events);
    w.Key("matched");
    w.UInt(st.matched);
    w.Key("skipped");
    w.UInt(st.skipped);
    w.Key("outside_time");
    w.UInt(st.outside_time);
    w.Key("alerts");
    w.UInt(st.alerts);
    w.Key("sightings");
    w.UInt(sightings_written);
    w.Key("indicators");
    w.UInt(loaded.loaded);
    w.Key("seconds");
    w.Double(seconds);
    w.Key("skip_reasons");
    w.BeginObject();
    for (const auto& [reason, s] : st.skipped_by_reason) {
      w.Key(reason);
      w.UInt(s.count);
    }
    w.EndObject();
    w.EndObject();
    std::fprintf(stderr, "%s\n", line.c_str());
  } else {
    std::fprintf(stderr,
                 "concord scan: %llu events in %llu files, %.2f s (%.0f events/s): %llu alerts, "
                 "%llu skipped, %llu outside the time range\n",
                 (unsigned long long)st.events, (unsigned long long)st.files, seconds,
                 seconds > 0 ? st.events / seconds : 0.0, (unsigned long long)st.alerts,
                 (unsigned long long)st.skipped, (unsigned long long)st.outside_time);
    for (const auto& [reason, s] : st.skipped_by_reason) {
      std::fprintf(stderr, "  skipped %llu: %s\n", (unsigned long long)s.count, reason.c_str());
      for (const std::string& e : s.examples) std::fprintf(stderr, "    %s\n", e.c_str());
    }
    if (st.stream.dropped_by_pattern_cap + st.stream.dropped_by_total_cap + st.stream.exhausted >
        0) {
      std::fprintf(
          stderr,
          "  temporal patterns: %llu observations dropped at window caps, %llu "
          "evaluations given up (limits)\n",
          (unsigned long long)(st.stream.dropped_by_pattern_cap + st.stream.dropped_by_total_cap),
          (unsigned long long)st.stream.exhausted);
    }
    if (!options.no_sightings && stored.ok()) {
      std::fprintf(stderr, "  %zu sightings written to the store\n", sightings_written);
    }
  }
  if (!stored.ok()) {
    std::fprintf(stderr, "concord scan: sightings not stored: %s\n", stored.message().c_str());
  }
  if (!status.ok()) return fail(status);
  if (!stored.ok()) return 2;
  return st.skipped > 0 ? 1 : 0;
}

}  // namespace concord::cli
