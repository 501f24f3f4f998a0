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
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "concord/ingest/event_mapper.h"
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

class IngestCorpusTest : public ::testing::TestWithParam<std::string> {};

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
