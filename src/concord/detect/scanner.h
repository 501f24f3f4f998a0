#pragma once

// Scanning telemetry against an IndicatorSet: the detection pipeline.
//
//   LogReader (lines, format, header)          one thread, in file order
//     -> EventMapper + ObservationBuilder      per event: JSON/TSV -> values, probed as written
//        (probe mode, Matcher::write_sink)     against the indexes; most events end here
//     -> EventMapper + ObservationBuilder      the events that may match: JSON/TSV -> STIX
//     -> Matcher::MatchExpressions             objects; which patterns / expressions hold
//     -> StreamMatcher::FeedMatched            in event order: temporal patterns across events
//     -> AlertSink, SightingCounter            in event order
//
// With threads > 1, events go in batches to threads - 1 worker threads for the two per-event
// stages; the calling thread reads, maps and matches queued batches itself while it waits, and
// consumes the batches in order, so alerts come out in the same order as with one thread, and
// temporal patterns see events in file order.
//
// Bad input never stops a scan: a line that cannot be read as an event is counted under its
// reason (ScanStats::skipped), with the first few examples; only an unreadable file is an
// error.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "concord/base/input_stream.h"
#include "concord/base/status.h"
#include "concord/base/timestamp.h"
#include "concord/detect/explain.h"
#include "concord/detect/indicator_set.h"
#include "concord/detect/sightings.h"
#include "concord/ingest/event_mapper.h"
#include "concord/ingest/log_format.h"
#include "concord/pattern/engine/stream_matcher.h"

namespace concord::detect {

struct ScanOptions {
  // The logs' format; kUnknown recognises it per file.
  ingest::LogFormat format = ingest::LogFormat::kUnknown;
  // Threads mapping and matching events (1..256), the calling thread, which also reads, among
  // them: threads - 1 are started.
  int threads = 1;
  // Events whose time is outside [since, until) are read but not matched (counted).
  std::optional<Timestamp> since;
  std::optional<Timestamp> until;
  ingest::IngestLimits ingest;
  pattern::engine::StreamOptions stream;
  // Events per batch handed to a worker (threads > 1).
  size_t batch_events = 1024;
  // With one thread, each event is mapped and matched, and its alerts reported, as soon as it is
  // read (--follow: an alert must not wait for lines not written yet). Otherwise one thread
  // takes events in runs of ingest::EventMapper::kParseAhead, parsed ahead together.
  bool each_event_at_once = false;
  // Examples kept per skip reason.
  size_t max_skip_examples = 3;
  // Map only the object properties some indicator can read (IndicatorSet::property_filter).
  // Alerts and sightings are the same either way; off is for looking at full observations.
  bool filter_properties = true;
  // Probe the indicators' indexes with the values as the adapter writes them, and build STIX
  // objects only for the events that may match (Matcher::write_sink). Alerts, sightings and
  // statistics are the same either way; off is for comparing.
  bool write_prefilter = true;
};

struct Alert {
  uint32_t indicator_index = 0;
  IndicatorRef indicator;
  std::string_view file;  // as given to ScanFile
  uint64_t line = 0;      // 1-based
  Timestamp first_observed;
  Timestamp last_observed;
  // True for a pattern with observation operators or qualifiers, completed by this event.
  bool temporal = false;
  std::vector<MatchedComparison> matched;  // what in this event matched
};

// Receives alerts in event order. A non-OK status stops the scan and is returned by ScanFile.
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual Status OnAlert(const Alert& alert) = 0;
};

struct SkipStats {
  uint64_t count = 0;
  std::vector<std::string> examples;  // "file:line: reason"
};

struct ScanStats {
  uint64_t files = 0;
  uint64_t events = 0;        // event lines read
  uint64_t matched = 0;       // events mapped and matched against the indicators
  uint64_t outside_time = 0;  // mapped but outside --since/--until
  uint64_t truncated = 0;     // mapped with objects dropped by the builder's limits
  uint64_t skipped = 0;       // lines that were not events (sum of skipped_by_reason)
  uint64_t alerts = 0;
  uint64_t bytes = 0;  // input bytes consumed (compressed, for gzip)
  // Events an adapter's fast path probed (ingest/adapters.h): the commonest shapes of event,
  // with the same result as the general mapping, sooner.
  uint64_t fast_path_events = 0;
  // By the reason's kind ("not complete JSON", "field 'id.orig_p'", ...).
  std::map<std::string, SkipStats> skipped_by_reason;
  pattern::engine::StreamStats stream;
};

struct ScanProgress {
  uint64_t events = 0;
  uint64_t alerts = 0;
  uint64_t bytes = 0;        // of the current file
  uint64_t total_bytes = 0;  // of the current file; 0 when unknown
};

class Scanner {
 public:
  // `indicators` and `sink` must outlive the scanner.
  Scanner(const IndicatorSet& indicators, ScanOptions options, AlertSink* sink);
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  // Scans `input` (named `file_name` in alerts and messages) to its end. Temporal state carries
  // over from earlier files. IoError when the input cannot be read; the sink's error if it
  // fails. `progress`, when set, is called every few thousand events from this thread.
  Status ScanFile(InputStream* input, std::string file_name,
                  const std::function<void(const ScanProgress&)>& progress = {});

  const ScanStats& stats() const;
  const SightingCounter& sightings() const { return sightings_; }

 private:
  struct Worker;
  struct Event;
  struct Batch;
  class Pool;
  void MapAndMatch(Worker& worker, Event* event);
  // MapAndMatch on events[0, n), in runs parsed ahead (ingest::EventMapper::ParseAhead).
  void MapAndMatchAll(Worker& worker, Event* events, size_t n);
  Status Consume(Event& event, std::string_view file);
  void Skip(std::string_view file, uint64_t line, const std::string& reason);

  const IndicatorSet& indicators_;
  ScanOptions options_;
  AlertSink* sink_;
  std::unique_ptr<Worker> inline_worker_;
  std::unique_ptr<Pool> pool_;
  pattern::engine::StreamMatcher stream_;
  std::vector<pattern::engine::StreamMatch> stream_matches_;
  SightingCounter sightings_;
  mutable ScanStats stats_;
};

}  // namespace concord::detect
