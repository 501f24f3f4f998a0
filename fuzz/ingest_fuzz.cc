// libFuzzer target for telemetry: format recognition, the Zeek TSV header, every adapter (Zeek
// JSON and TSV, Suricata EVE, Sysmon ECS and flat) and the observation dump, over whole logs.
// The first byte picks the format (auto or one forced); the rest is the log. Besides "no crash,
// no leak, no hang", it checks that every mapped observation's references name objects of it,
// and that the builder's probe mode (the scanner's write prefilter) reads each event as building
// does: same result, same truncation, as many values; and that the adapters' fast paths report
// exactly what their general mappings report (a builder with the default limits, under which
// they run).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "concord/base/input_stream.h"
#include "concord/ingest/event_mapper.h"
#include "concord/ingest/log_reader.h"
#include "concord/observe/dump.h"

namespace {

// Accepts every place and counts the values reported.
class CountingSink final : public concord::observe::BuilderSink {
 public:
  Cursor Object(std::string_view) override { return 0; }
  Cursor Member(Cursor, std::string_view) override { return 0; }
  void Scalar(Cursor, const Value&, bool) override { ++values; }
  void Reference(Cursor, std::string_view, const Target&, bool) override { ++values; }
  size_t values = 0;
};

// Records every call as text, in order.
class RecordingSink final : public concord::observe::BuilderSink {
 public:
  Cursor Object(std::string_view type) override { return New(std::string(type)); }
  Cursor Member(Cursor parent, std::string_view key) override {
    return New(paths_[parent] + "." + std::string(key));
  }
  void Scalar(Cursor at, const Value& v, bool element) override {
    calls += "s " + paths_[at] + (element ? "[] " : " ") + std::to_string(int(v.kind)) + " " +
             std::string(v.text) + " " + std::to_string(v.int_value) + (v.ipv4 ? " 4\n" : "\n");
  }
  void Reference(Cursor at, std::string_view key, const Target& t, bool element) override {
    calls += "r " + paths_[at] + (element ? "[] " : " ") + std::string(key) + " " +
             std::string(t.type) + " " + std::string(t.value) + (t.simple ? " s" : " c") +
             (t.ipv4 ? " 4\n" : "\n");
  }
  void SimpleObject(std::string_view type, std::string_view value, const uint8_t* ipv4) override {
    calls += "o " + std::string(type) + " " + std::string(value) + (ipv4 ? " 4\n" : "\n");
  }
  std::string calls;

 private:
  Cursor New(std::string path) {
    calls += "m " + path + "\n";
    paths_.push_back(std::move(path));
    return static_cast<Cursor>(paths_.size() - 1);
  }
  std::vector<std::string> paths_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace concord;
  if (size == 0) return 0;
  static constexpr ingest::LogFormat kFormats[] = {
      ingest::LogFormat::kUnknown,   ingest::LogFormat::kZeekJson,
      ingest::LogFormat::kZeekTsv,   ingest::LogFormat::kSuricataEve,
      ingest::LogFormat::kSysmonEcs, ingest::LogFormat::kSysmonFlat};
  const ingest::LogFormat format = kFormats[data[0] % 6];
  auto input = InputStream::FromString(
      std::string(reinterpret_cast<const char*>(data) + 1, size - 1), "fuzz.log");
  ingest::LogReader reader(input.get(), "conn.log", format,
                           ingest::IngestLimits{.max_line_bytes = 1 << 16});
  ingest::EventMapper mapper;
  observe::Observation o;
  observe::ObservationBuilder builder(&o, {.max_objects = 64, .max_value_bytes = 1 << 16});
  ingest::EventMapper general;  // the fast paths' reference
  general.set_fast_paths(false);
  observe::Observation o2;
  observe::ObservationBuilder full(&o2);  // the default limits, under which fast paths run
  for (int lines = 0; lines < 10000; ++lines) {
    auto next = reader.Next();
    if (!next.ok() || !*next) break;
    if ((*next)->kind != ingest::LogReader::Line::Kind::kEvent) continue;
    CountingSink sink;
    builder.SetProbe(&sink);
    const Status probed = mapper.Map(*(*next)->context, (*next)->text, &builder);
    const bool probe_truncated = builder.truncated();
    builder.SetProbe(nullptr);
    const Status built = mapper.Map(*(*next)->context, (*next)->text, &builder);
    if (probed.ok() != built.ok() || probed.message() != built.message()) std::abort();
    RecordingSink fast_calls, general_calls;
    full.SetProbe(&fast_calls);
    const Status fast = mapper.Map(*(*next)->context, (*next)->text, &full);
    full.SetProbe(&general_calls);
    const Status slow = general.Map(*(*next)->context, (*next)->text, &full);
    full.SetProbe(nullptr);
    if (fast.ok() != slow.ok() || fast.message() != slow.message() ||
        fast_calls.calls != general_calls.calls) {
      std::abort();  // a fast path that does not report what its general mapping reports
    }
    if (!built.ok()) continue;
    if (probe_truncated != builder.truncated()) std::abort();
    if (sink.values == 0 && !o.objects().empty()) std::abort();
    (void)observe::DumpObservation(o);
    for (const observe::ObservedObject& object : o.objects()) {
      const observe::ValueStore& v = o.values;
      for (size_t i = 0; i < v.size(object.value); ++i) {
        const std::string_view key = v.member_key(object.value, i);
        const observe::ValueStore::Id value = v.member_value(object.value, i);
        if (key.ends_with("_ref") && v.kind(value) == observe::ValueKind::kString &&
            o.FindObject(v.string_value(value)) == nullptr) {
          std::abort();  // a dangling reference written by an adapter
        }
      }
    }
  }
  return 0;
}
