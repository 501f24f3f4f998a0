// The detection benchmark (issue: "Detection ... at line rate"). Generates Zeek JSON and EVE logs
// of --events events each with values of --indicators generated indicators planted in 0.1% of
// them, then measures side by side in one run:
//   - simdjson alone: every line parsed with simdjson's DOM parser (lines read the same way the
//     scanner reads them), and the whole file with parse_many (simdjson's fastest path); and,
//     for what an adapter's JSON access costs, every field of every line read after the DOM
//     parse, and with the On-Demand API;
//   - Concord's scan end to end (read, parse, map to STIX objects, match every indicator,
//     temporal combination, alerts to /dev/null) with 1 and 2 threads, with the share of events
//     an adapter's probe fast path took (ingest/adapters.h);
// in --rounds rounds of simdjson per line then the scans, with the median ratio of each scan to
// the simdjson run of its round; and, with --memory-indicators, the memory an IndicatorSet of
// that many indicators takes. Each is run twice: with every address and name new (the worst
// case), and with values drawn from a skewed population of --population (0: skip) as real
// telemetry repeats its hosts.
//
//   build/bench/scan_bench [--events 1000000] [--indicators 100000] [--dir /tmp]
//                          [--memory-indicators 1000000] [--population 50000]
//                          [--rounds 3]   (with --scan-only: 1)
//                          [--threads N]   (only N threads; default: 1 and 2)
//                          [--reuse]   (keep the generated logs and use them on later runs)
//                          [--scan-only]   (no baselines or stages: for profiling the scan)

#include <simdjson.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "concord/base/input_stream.h"
#include "concord/base/line_reader.h"
#include "concord/base/uuid.h"
#include "concord/detect/indicator_set.h"
#include "concord/detect/scanner.h"
#include "concord/ingest/event_mapper.h"
#include "concord/ingest/log_format.h"
#include "concord/json/document.h"
#include "concord/pattern/engine/pattern_set.h"
#include "pattern_generator.h"
#include "telemetry_generator.h"

namespace {

using namespace concord;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

size_t RssKiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
  }
  return 0;
}

std::string IndicatorJson(const std::string& pattern) {
  std::string escaped;
  for (char c : pattern) {
    if (c == '"' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--" +
         NewUuidV4().ToString() +
         "\",\"created\":\"2020-01-01T00:00:00.000Z\",\"modified\":\"2020-01-01T00:00:00.000Z\","
         "\"name\":\"generated\",\"pattern\":\"" +
         escaped + "\",\"pattern_type\":\"stix\",\"valid_from\":\"2019-01-01T00:00:00Z\"}";
}

std::unique_ptr<detect::IndicatorSet> Compile(const std::vector<std::string>& patterns,
                                              double* seconds) {
  detect::IndicatorOptions options;
  options.now = Timestamp{1600000000, 0};
  detect::IndicatorSetBuilder builder(options);
  std::vector<std::string> texts;
  texts.reserve(patterns.size());
  for (const std::string& p : patterns) texts.push_back(IndicatorJson(p));
  const auto start = Clock::now();
  for (const std::string& t : texts) {
    if (!builder.Add(t).ok()) std::abort();
  }
  auto set = builder.Build();
  *seconds = Seconds(start);
  if (!set.ok()) {
    std::fprintf(stderr, "compile failed: %s\n", set.status().message().c_str());
    std::exit(2);
  }
  return std::move(*set);
}

// Reads the lines of `path` as the scanner reads them (into one reused buffer, padded as
// LineReader::Line says) and calls `fn(line)` on each; returns the seconds taken.
template <typename Fn>
double TimeLines(const std::string& path, Fn&& fn) {
  auto input = InputStream::Open(path);
  LineReader lines(input->get(), size_t{1} << 20);
  LineReader::Line line;
  const auto start = Clock::now();
  while (true) {
    auto more = lines.Next(&line);
    if (!more.ok() || !*more) break;
    fn(line.text);
  }
  return Seconds(start);
}

// What the baselines that read values add up, so that the compiler cannot drop the reading.
volatile uint64_t g_sink = 0;

// simdjson alone, line by line (as the scanner reads lines): the baseline the issue names.
double SimdjsonPerLine(const std::string& path, size_t* documents) {
  simdjson::dom::parser parser;
  size_t n = 0;
  const double seconds = TimeLines(path, [&](const std::string& text) {
    simdjson::dom::element doc;
    if (parser.parse(text).get(doc) == simdjson::SUCCESS) ++n;
  });
  *documents = n;
  return seconds;
}

// simdjson's On-Demand API reading every field of every line (each string unescaped, each number
// read, nested objects and arrays walked): the floor for an adapter written on On-Demand that
// still checks every field, which the DOM adapters do today. Lines read as SimdjsonPerLine reads
// them; `*documents` counts the lines read to the end without error.
uint64_t ReadEveryValue(simdjson::ondemand::value v, int depth, bool* ok);
uint64_t ReadEveryField(simdjson::ondemand::object o, int depth, bool* ok) {
  uint64_t n = 0;
  for (auto field : o) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) {
      *ok = false;
      return n;
    }
    n += key.size() + ReadEveryValue(field.value(), depth, ok);
    if (!*ok) return n;
  }
  return n;
}
uint64_t ReadEveryValue(simdjson::ondemand::value v, int depth, bool* ok) {
  simdjson::ondemand::json_type type;
  if (v.type().get(type) != simdjson::SUCCESS || depth > 32) {
    *ok = false;
    return 0;
  }
  switch (type) {
    case simdjson::ondemand::json_type::object: {
      simdjson::ondemand::object o;
      if (v.get_object().get(o) != simdjson::SUCCESS) break;
      return ReadEveryField(o, depth + 1, ok);
    }
    case simdjson::ondemand::json_type::array: {
      simdjson::ondemand::array a;
      if (v.get_array().get(a) != simdjson::SUCCESS) break;
      uint64_t n = 0;
      for (auto element : a) {
        simdjson::ondemand::value e;
        if (element.get(e) != simdjson::SUCCESS) break;
        n += ReadEveryValue(e, depth + 1, ok);
        if (!*ok) return n;
      }
      return n;
    }
    case simdjson::ondemand::json_type::string: {
      std::string_view text;
      if (v.get_string().get(text) != simdjson::SUCCESS) break;
      return text.size();
    }
    case simdjson::ondemand::json_type::number: {
      double d;
      if (v.get_double().get(d) != simdjson::SUCCESS) break;
      return d > 0 ? 1 : 2;
    }
    case simdjson::ondemand::json_type::boolean: {
      bool b;
      if (v.get_bool().get(b) != simdjson::SUCCESS) break;
      return b ? 1 : 2;
    }
    case simdjson::ondemand::json_type::null:
      return v.is_null() ? 1 : 2;
  }
  *ok = false;
  return 0;
}

// The same with the DOM parser: every line parsed, then every value of its tree read.
uint64_t ReadEveryDomValue(simdjson::dom::element e) {
  uint64_t n = 0;
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT:
      for (auto [key, value] : simdjson::dom::object(e)) n += key.size() + ReadEveryDomValue(value);
      return n;
    case simdjson::dom::element_type::ARRAY:
      for (simdjson::dom::element value : simdjson::dom::array(e)) n += ReadEveryDomValue(value);
      return n;
    case simdjson::dom::element_type::STRING:
      return std::string_view(e).size();
    case simdjson::dom::element_type::BOOL:
      return bool(e) ? 1 : 2;
    case simdjson::dom::element_type::NULL_VALUE:
      return 1;
    default:
      return double(e) > 0 ? 1 : 2;
  }
}

double SimdjsonDomEveryField(const std::string& path) {
  simdjson::dom::parser parser;
  uint64_t sink = 0;
  const double seconds = TimeLines(path, [&](const std::string& text) {
    simdjson::dom::element doc;
    if (parser.parse(text.data(), text.size(), false).get(doc) == simdjson::SUCCESS) {
      sink += ReadEveryDomValue(doc);
    }
  });
  g_sink = g_sink + sink;
  return seconds;
}

double SimdjsonOnDemandPerLine(const std::string& path, size_t* documents) {
  simdjson::ondemand::parser parser;
  size_t n = 0;
  uint64_t sink = 0;
  const double seconds = TimeLines(path, [&](const std::string& text) {
    simdjson::ondemand::document doc;
    if (parser.iterate(text.data(), text.size(), text.size() + LineReader::kPadding).get(doc) !=
        simdjson::SUCCESS) {
      return;
    }
    simdjson::ondemand::object o;
    bool ok = doc.get_object().get(o) == simdjson::SUCCESS;
    if (ok) sink += ReadEveryField(o, 0, &ok);
    if (ok) ++n;
  });
  g_sink = g_sink + sink;
  *documents = n;
  return seconds;
}

// simdjson's fastest path: the whole file in memory, parse_many (the read is not timed).
double SimdjsonParseMany(const std::string& path, size_t* documents) {
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path).get(text) != simdjson::SUCCESS) return 0;
  simdjson::dom::parser parser;
  const auto start = Clock::now();
  simdjson::dom::document_stream stream;
  size_t n = 0;
  if (parser.parse_many(text).get(stream) == simdjson::SUCCESS) {
    for (auto doc : stream) {
      if (!doc.error()) ++n;
    }
  }
  *documents = n;
  return Seconds(start);
}

// Where a scan's time goes, one thread: passes over the file that read its lines as the scanner
// does and stop at successive stages, so that differences between them are the stages' costs:
// reading; + parsing; + mapping in probe mode into a sink that probes nothing (the adapters'
// own cost); + mapping and probing the indexes as values are written (what most events cost);
// and, instead, + building every event's STIX objects and matching them (what the events that
// may match cost, and what every event cost before the write prefilter).
void Stages(const detect::IndicatorSet& set, const std::string& path) {
  ingest::EventMapper mapper;
  observe::Observation o;
  observe::ObservationBuilder builder(&o);
  builder.SetFilter(&set.property_filter());  // as the scanner maps
  pattern::engine::Matcher matcher(set.patterns());
  std::vector<pattern::engine::Matcher::ExpressionMatch> matches;
  json::Parser parser;
  ingest::LogContext context;
  size_t events = 0, may_match = 0, objects = 0;
  // Runs `stage` on every line of the file; returns the seconds taken.
  auto pass = [&](auto&& stage) {
    events = 0;
    return TimeLines(path, [&](const std::string& text) {
      if (events++ == 0) context.format = ingest::DetectLogFormat(text);
      stage(text);
    });
  };
  const double read = pass([](const std::string&) {});
  const double parse = pass([&](const std::string& l) { (void)parser.ParsePadded(l); });
  struct NothingWanted final : observe::BuilderSink {
    Cursor Object(std::string_view) override { return kNone; }
    Cursor Member(Cursor, std::string_view) override { return kNone; }
    void Scalar(Cursor, const Value&, bool) override {}
    void Reference(Cursor, std::string_view, const Target&, bool) override {}
  } nothing_wanted;
  builder.SetProbe(&nothing_wanted);
  // Stages are not inlined, so that a profile of this bench tells them apart.
  const double map = pass([&](const std::string& l) __attribute__((noinline)) {
    (void)mapper.MapPadded(context, l, &builder);
  });
  builder.SetProbe(matcher.write_sink());
  const double probe = pass([&](const std::string& l) __attribute__((noinline)) {
    matcher.BeginWrites();
    if (mapper.MapPadded(context, l, &builder).ok()) may_match += matcher.MayMatch();
  });
  builder.SetProbe(nullptr);
  const double full = pass([&](const std::string& l) __attribute__((noinline)) {
    if (mapper.MapPadded(context, l, &builder).ok()) {
      objects += o.objects().size();
      matcher.MatchExpressions(o, &matches);
    }
  });
  const double n = static_cast<double>(events);
  std::printf(
      "  stages, 1 thread: read %.2f us, parse %.2f us; map and probe as written %.2f us (map "
      "alone %.2f us; %.1f%% may match); or build (%.1f objects) and match %.2f us, per event\n",
      read / n * 1e6, (parse - read) / n * 1e6, (probe - parse) / n * 1e6, (map - parse) / n * 1e6,
      100.0 * may_match / n, objects / n, (full - parse) / n * 1e6);
}

class CountingSink final : public detect::AlertSink {
 public:
  Status OnAlert(const detect::Alert&) override {
    ++alerts;
    return Status::Ok();
  }
  uint64_t alerts = 0;
};

// Scans `path` with `threads` threads; prints the figures, against the simdjson times measured
// next to it unless they are 0 (--scan-only), and returns the seconds taken.
double ScanFile(const detect::IndicatorSet& set, const std::string& path, int threads,
                double baseline, double baseline_many, size_t events) {
  CountingSink sink;
  detect::ScanOptions options;
  options.threads = threads;
  detect::Scanner scanner(set, options, &sink);
  auto input = InputStream::Open(path);
  const auto start = Clock::now();
  Status s = scanner.ScanFile(input->get(), path);
  const double seconds = Seconds(start);
  if (!s.ok()) std::fprintf(stderr, "scan failed: %s\n", s.message().c_str());
  const detect::ScanStats& st = scanner.stats();
  std::printf(
      "  scan, %d thread%s: %.3f s, %.0f events/s (%.0f per thread), %llu alerts, %llu skipped, "
      "%.1f%% on a fast path",
      threads, threads == 1 ? " " : "s", seconds, events / seconds, events / seconds / threads,
      (unsigned long long)st.alerts, (unsigned long long)st.skipped,
      100.0 * st.fast_path_events / std::max<uint64_t>(st.events, 1));
  if (baseline > 0 && baseline_many > 0) {
    std::printf("; %.2fx simdjson per line, %.2fx parse_many", seconds / baseline,
                seconds / baseline_many);
  }
  std::printf("\n");
  return seconds;
}

// "median m (lowest-highest)" of `v`, which is not empty.
std::string Spread(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  const double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  char text[64];
  std::snprintf(text, sizeof text, "%.2fx (%.2f-%.2fx)", median, v.front(), v.back());
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  size_t events = 1000000, indicators = 100000, memory_indicators = 0, rounds = 0;
  size_t population = 50000;
  bool reuse = false;
  bool scan_only = false;
  int only_threads = 0;
  std::string dir = "/tmp";
  for (int i = 1; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--reuse" || flag == "--scan-only") {
      (flag == "--reuse" ? reuse : scan_only) = true;
      --i;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "flag %s needs a value\n", flag.c_str());
      return 2;
    }
    if (flag == "--events")
      events = std::stoul(argv[i + 1]);
    else if (flag == "--indicators")
      indicators = std::stoul(argv[i + 1]);
    else if (flag == "--dir")
      dir = argv[i + 1];
    else if (flag == "--memory-indicators")
      memory_indicators = std::stoul(argv[i + 1]);
    else if (flag == "--population")
      population = std::stoul(argv[i + 1]);
    else if (flag == "--threads")
      only_threads = std::stoi(argv[i + 1]);
    else if (flag == "--rounds")
      rounds = std::stoul(argv[i + 1]);
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }

  if (rounds == 0) rounds = scan_only ? 1 : 3;

  bench::PatternWorkload workload(42);
  const std::vector<std::string> patterns =
      workload.Patterns(indicators, bench::PatternMix::kRealistic);
  double compile_seconds = 0;
  const size_t rss_before = RssKiB();
  std::unique_ptr<detect::IndicatorSet> set = Compile(patterns, &compile_seconds);
  std::printf("indicators: %zu (realistic mix) compiled in %.3f s, set %.1f MiB (RSS +%.1f MiB)\n",
              set->size(), compile_seconds, set->memory_bytes() / 1048576.0,
              (RssKiB() - rss_before) / 1024.0);

  bench::TelemetryGenerator generator(workload, 7);
  std::vector<size_t> populations = {0};
  if (population > 0) populations.push_back(population);
  for (size_t distinct : populations) {
    generator.SetPopulation(distinct);
    if (distinct == 0) {
      std::printf("values: every address and name new (the worst case)\n");
    } else {
      std::printf(
          "values: %zu external addresses and names, %zu internal hosts, skewed as in real "
          "logs\n",
          distinct, distinct / 10);
    }
    for (auto [format, name] : {std::pair{bench::TelemetryFormat::kZeekJson, "zeek.json"},
                                std::pair{bench::TelemetryFormat::kSuricataEve, "eve.json"}}) {
      const std::string path = dir + "/concord_scan_bench_" + std::to_string(events) + "_" +
                               std::to_string(distinct) + "_" + name;
      bench::TelemetryStats made;
      if (std::FILE* kept = reuse ? std::fopen(path.c_str(), "r") : nullptr; kept != nullptr) {
        std::fseek(kept, 0, SEEK_END);
        made.bytes = static_cast<size_t>(std::ftell(kept));
        made.events = events;
        std::fclose(kept);
        std::printf("%s: reusing %s, %.1f MiB\n", name, path.c_str(), made.bytes / 1048576.0);
      } else {
        std::FILE* f = std::fopen(path.c_str(), "w");
        if (f == nullptr) {
          std::perror(path.c_str());
          return 2;
        }
        made = generator.Write(format, events, 0.001, f);
        std::fclose(f);
        std::printf("%s: %zu events, %.1f MiB, %zu with a planted indicator value\n", name,
                    made.events, made.bytes / 1048576.0, made.planted);
      }
      size_t docs = 0, docs_many = 0;
      double baseline = 0, baseline_many = 0;  // not measured with --scan-only
      if (!scan_only) {
        baseline_many = SimdjsonParseMany(path, &docs_many);
        size_t docs_on_demand = 0;
        const double on_demand = SimdjsonOnDemandPerLine(path, &docs_on_demand);
        const double dom_every = SimdjsonDomEveryField(path);
        std::printf(
            "  simdjson: %.3f s parse_many (%zu docs); reading every field too: DOM %.3f s, "
            "On-Demand %.3f s (%zu docs)\n",
            baseline_many, docs_many, dom_every, on_demand, docs_on_demand);
        Stages(*set, path);
      }
      // Rounds of simdjson alone then the scans, each scan compared with the simdjson run just
      // before it: the host's speed drifts between runs, so one pair alone can mislead.
      std::vector<double> ratios[3];
      for (size_t round = 0; round < rounds; ++round) {
        if (!scan_only) {
          baseline = SimdjsonPerLine(path, &docs);
          std::printf("  round %zu: simdjson alone %.3f s per line (%.0f docs/s, %.2f GB/s)\n",
                      round + 1, baseline, docs / baseline, made.bytes / baseline / 1e9);
        }
        for (int threads : {1, 2}) {
          if (only_threads == 0 || threads == only_threads) {
            const double seconds = ScanFile(*set, path, threads, baseline, baseline_many, events);
            if (baseline > 0) ratios[threads].push_back(seconds / baseline);
          }
        }
      }
      for (int threads : {1, 2}) {
        if (ratios[threads].empty()) continue;  // --scan-only, or not this number of threads
        std::printf("  scan / simdjson per line, %d thread%s, median of %zu rounds: %s\n", threads,
                    threads == 1 ? " " : "s", ratios[threads].size(),
                    Spread(ratios[threads]).c_str());
      }
      if (!reuse) std::remove(path.c_str());
    }
  }

  if (memory_indicators > 0) {
    set.reset();
    bench::PatternWorkload big(43);
    const std::vector<std::string> many =
        big.Patterns(memory_indicators, bench::PatternMix::kIndicators);
    const size_t before = RssKiB();
    double seconds = 0;
    std::unique_ptr<detect::IndicatorSet> large = Compile(many, &seconds);
    std::printf(
        "memory: %zu indicators compiled in %.2f s: set %.1f MiB (%.0f B/indicator), RSS +%.1f "
        "MiB\n",
        large->size(), seconds, large->memory_bytes() / 1048576.0,
        static_cast<double>(large->memory_bytes()) / large->size(), (RssKiB() - before) / 1024.0);
  }
  return 0;
}
