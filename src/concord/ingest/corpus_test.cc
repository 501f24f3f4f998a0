// Golden files for every adapter: testdata/ingest/<source>/<name>.log (any format, gzip allowed)
// and beside it <name>.log.expected, which lists for each event line either the observation it
// becomes (observe/dump.h) or why it is skipped:
//
//   line 3
//   time 2020-09-28T12:00:00.123456Z
//   0 ipv4-addr {"type":"ipv4-addr","value":"10.0.0.1"}
//   line 4 skipped: no 'ts' field: not a Zeek event (did the log change format?)
//
// After a deliberate change of a mapping, regenerate with CONCORD_UPDATE_GOLDEN=1 and read the
// diff: the expected files are the mapping's specification, not a snapshot to wave through.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "concord/base/ipv4.h"
#include "concord/ingest/event_mapper.h"
#include "concord/ingest/fast_path_testing.h"
#include "concord/ingest/log_reader.h"
#include "concord/observe/dump.h"

namespace concord::ingest {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> LogFiles(const std::string& source) {
  std::vector<fs::path> out;
  const fs::path root = fs::path(CONCORD_SOURCE_DIR) / "testdata" / "ingest" / source;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && !name.ends_with(".expected") && !name.ends_with(".md")) {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string MapLog(const fs::path& path) {
  auto input = InputStream::Open(path.string());
  if (!input.ok()) return "cannot open: " + input.status().message();
  LogReader reader(input->get(), path.filename().string(), LogFormat::kUnknown, IngestLimits{});
  EventMapper mapper;
  observe::Observation observation;
  observe::ObservationBuilder builder(&observation);
  std::string out;
  while (true) {
    auto next = reader.Next();
    if (!next.ok()) return out + "read error: " + next.status().message() + "\n";
    if (!*next) break;
    const LogReader::Line& line = **next;
    out += "line " + std::to_string(line.number);
    if (line.kind == LogReader::Line::Kind::kSkipped) {
      out += " skipped: " + line.reason + "\n";
      continue;
    }
    Status s = mapper.Map(*line.context, line.text, &builder);
    if (!s.ok()) {
      out += " skipped: " + s.message() + "\n";
      continue;
    }
    out += builder.truncated() ? " (truncated)\n" : "\n";
    out += observe::DumpObservation(observation);
  }
  return out;
}

// What a builder in probe mode reports, as "path=value" lines ("network-traffic.dst_port=i443",
// "email-message.to_refs[]->2 email-addr:a@b.example").
class RecordingSink final : public observe::BuilderSink {
 public:
  Cursor Object(std::string_view type) override { return New(std::string(type)); }
  Cursor Member(Cursor parent, std::string_view key) override {
    return New(paths_[parent] + "." + std::string(key));
  }
  void Scalar(Cursor at, const Value& v, bool element) override {
    CheckIpv4(v.text, v.ipv4);
    std::string shown = v.kind == observe::ValueKind::kString ? std::string(v.text)
                        : v.kind == observe::ValueKind::kInt  ? "i" + std::to_string(v.int_value)
                                                              : "b" + std::to_string(v.int_value);
    Record(paths_[at] + (element ? "[]" : "") + "=" + shown);
  }
  void Reference(Cursor at, std::string_view key, const Target& t, bool element) override {
    CheckIpv4(t.value, t.ipv4);
    Record(paths_[at] + (element ? "[]" : "") + "->" + std::string(key) + " " +
           std::string(t.type) + (t.simple ? ":" + std::string(t.value) : ""));
  }
  void Clear() {
    paths_.clear();
    records.clear();
  }
  std::vector<std::string> records;
  size_t ipv4_given = 0;  // values given with their IPv4 bytes (each checked)

 private:
  Cursor New(std::string path) {
    paths_.push_back(std::move(path));
    return static_cast<Cursor>(paths_.size() - 1);
  }
  // Bytes given with a value must be what ParseIpv4 reads from it.
  void CheckIpv4(std::string_view text, const uint8_t* given) {
    if (given == nullptr) return;
    ++ipv4_given;
    uint8_t bytes[4];
    EXPECT_TRUE(ParseIpv4(text, bytes)) << text;
    EXPECT_EQ(std::memcmp(bytes, given, 4), 0) << text;
  }
  // The "type" members are left out: an object that ends up with nothing but its type is
  // reported as it begins, and then not built.
  void Record(std::string line) {
    if (line.find(".type=") == std::string::npos) records.push_back(std::move(line));
  }
  std::vector<std::string> paths_;
};

// The same lines from a built observation.
void Walk(const observe::Observation& o, const std::string& path, observe::ValueStore::Id id,
          std::vector<std::string>* out) {
  const observe::ValueStore& v = o.values;
  auto target = [&](observe::ValueStore::Id ref) {
    const std::string key(v.string_value(ref));
    const observe::ObservedObject* t = o.FindObject(key);
    if (t == nullptr) return key + " ?";
    const bool simple = v.size(t->value) == 2 && v.member_key(t->value, 1) == "value" &&
                        v.kind(v.member_value(t->value, 1)) == observe::ValueKind::kString;
    return key + " " + t->type +
           (simple ? ":" + std::string(v.string_value(v.member_value(t->value, 1))) : "");
  };
  auto scalar = [&](observe::ValueStore::Id x) -> std::string {
    switch (v.kind(x)) {
      case observe::ValueKind::kString:
        return std::string(v.string_value(x));
      case observe::ValueKind::kInt:
        return "i" + std::to_string(v.int_value(x));
      case observe::ValueKind::kBool:
        return "b" + std::to_string(v.bool_value(x) ? 1 : 0);
      default:
        return "?";
    }
  };
  for (size_t i = 0; i < v.size(id); ++i) {
    const std::string key(v.member_key(id, i));
    const observe::ValueStore::Id m = v.member_value(id, i);
    const std::string at = path + "." + key;
    if (key == "type") continue;
    if (v.kind(m) == observe::ValueKind::kObject) {
      Walk(o, at, m, out);
    } else if (v.kind(m) == observe::ValueKind::kArray) {
      for (size_t k = 0; k < v.size(m); ++k) {
        const observe::ValueStore::Id e = v.element(m, k);
        out->push_back(key.ends_with("_refs") ? at + "[]->" + target(e) : at + "[]=" + scalar(e));
      }
    } else if (key.ends_with("_ref")) {
      out->push_back(at + "->" + target(m));
    } else {
      out->push_back(at + "=" + scalar(m));
    }
  }
}

class IngestCorpusTest : public ::testing::TestWithParam<std::string> {};

// The scanner maps each event first in probe mode (nothing built, values reported as written)
// and builds only the events that may match: both modes must read every event alike (same
// result, same truncation) and probe mode must report exactly the values building writes.
TEST_P(IngestCorpusTest, ProbeModeReportsWhatBuildingWrites) {
  size_t events = 0, ipv4_given = 0;
  for (const fs::path& path : LogFiles(GetParam())) {
    SCOPED_TRACE(path.string());
    auto input = InputStream::Open(path.string());
    ASSERT_TRUE(input.ok());
    LogReader reader(input->get(), path.filename().string(), LogFormat::kUnknown, IngestLimits{});
    EventMapper mapper;
    observe::Observation observation;
    observe::ObservationBuilder builder(&observation);
    RecordingSink sink;
    while (true) {
      auto next = reader.Next();
      ASSERT_TRUE(next.ok());
      if (!*next) break;
      const LogReader::Line& line = **next;
      if (line.kind == LogReader::Line::Kind::kSkipped) continue;
      SCOPED_TRACE("line " + std::to_string(line.number));
      sink.Clear();
      builder.SetProbe(&sink);
      const Status probed = mapper.Map(*line.context, line.text, &builder);
      const bool probe_truncated = builder.truncated();
      if (probed.ok()) {
        EXPECT_TRUE(observation.objects().empty());
      }
      builder.SetProbe(nullptr);
      const Status built = mapper.Map(*line.context, line.text, &builder);
      ASSERT_EQ(probed.ok(), built.ok());
      EXPECT_EQ(probed.message(), built.message());
      if (!built.ok()) continue;
      ++events;
      EXPECT_EQ(probe_truncated, builder.truncated());
      std::vector<std::string> expected;
      for (const observe::ObservedObject& o : observation.objects()) {
        Walk(observation, o.type, o.value, &expected);
      }
      std::sort(expected.begin(), expected.end());
      std::sort(sink.records.begin(), sink.records.end());
      EXPECT_EQ(sink.records, expected);
    }
    ipv4_given += sink.ipv4_given;
  }
  EXPECT_GT(events, 0u);
  EXPECT_GT(ipv4_given, 0u);  // every corpus has IPv4 addresses
}

// The adapters' fast paths report, for every event of every golden log, the very calls their
// general mappings report (and the same result).
TEST_P(IngestCorpusTest, FastPathsReportWhatTheGeneralMappingsReport) {
  size_t events = 0, fast = 0;
  for (const fs::path& path : LogFiles(GetParam())) {
    SCOPED_TRACE(path.string());
    auto input = InputStream::Open(path.string());
    ASSERT_TRUE(input.ok());
    LogReader reader(input->get(), path.filename().string(), LogFormat::kUnknown, IngestLimits{});
    EventMapper with_fast, general;
    general.set_fast_paths(false);
    observe::Observation observation;
    observe::ObservationBuilder builder(&observation);
    while (true) {
      auto next = reader.Next();
      ASSERT_TRUE(next.ok());
      if (!*next) break;
      const LogReader::Line& line = **next;
      if (line.kind == LogReader::Line::Kind::kSkipped) continue;
      SCOPED_TRACE("line " + std::to_string(line.number));
      fast_path_testing::RecordingSink a, b;
      builder.SetProbe(&a);
      const Status sa = with_fast.Map(*line.context, line.text, &builder);
      builder.SetProbe(&b);
      const Status sb = general.Map(*line.context, line.text, &builder);
      builder.SetProbe(nullptr);
      EXPECT_EQ(sa.ok(), sb.ok());
      EXPECT_EQ(sa.message(), sb.message());
      EXPECT_EQ(a.calls, b.calls);
      ++events;
    }
    fast += with_fast.fast_path_events();
  }
  EXPECT_GT(events, 0u);
  if (GetParam() == "zeek" || GetParam() == "suricata") {
    EXPECT_GT(fast, 0u);  // the golden logs have events of the shapes the fast paths take
  }
}

TEST_P(IngestCorpusTest, EveryLogMapsAsItsGoldenFileSays) {
  const std::vector<fs::path> files = LogFiles(GetParam());
  ASSERT_FALSE(files.empty());
  const bool update = std::getenv("CONCORD_UPDATE_GOLDEN") != nullptr;
  for (const fs::path& path : files) {
    SCOPED_TRACE(path.string());
    const std::string actual = MapLog(path);
    const fs::path expected_path = path.string() + ".expected";
    if (update) {
      std::ofstream(expected_path, std::ios::binary) << actual;
      continue;
    }
    std::ifstream in(expected_path, std::ios::binary);
    ASSERT_TRUE(in.good()) << "missing " << expected_path << " (CONCORD_UPDATE_GOLDEN=1 writes it)";
    std::stringstream expected;
    expected << in.rdbuf();
    EXPECT_EQ(actual, expected.str());
  }
}

INSTANTIATE_TEST_SUITE_P(Sources, IngestCorpusTest,
                         ::testing::Values("zeek", "suricata", "sysmon", "mixed"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace concord::ingest
