// Import then export gives back every object version with the same content: the same ids,
// version keys, RFC 8785 digests and stored text, for the examples and the valid test corpus.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <tuple>

#include "concord/base/clock.h"
#include "concord/base/input_stream.h"
#include "concord/cli/commands.h"
#include "concord/cli/inputs.h"
#include "concord/stix/reader.h"

namespace concord::cli {
namespace {

namespace fs = std::filesystem;

// id + version -> (digest, json) of every valid object in `paths`.
using Contents = std::map<std::pair<std::string, std::string>, std::pair<std::string, std::string>>;

Contents ReadContents(const std::vector<std::string>& paths) {
  Contents out;
  auto files = ExpandInputs(paths);
  EXPECT_TRUE(files.ok()) << files.status().ToString();
  if (!files.ok()) return out;
  for (const auto& f : *files) {
    auto in = InputStream::Open(f);
    EXPECT_TRUE(in.ok());
    stix::Reader reader(in->get());
    for (;;) {
      auto item = reader.Next();
      EXPECT_TRUE(item.ok()) << f << ": " << item.status().ToString();
      if (!item.ok() || !item->has_value()) break;
      const auto& v = (**item).validation;
      if (!v.ok()) continue;
      out[{v.object->id, v.object->version}] = {HexEncode(v.object->content_digest),
                                                v.object->json};
    }
  }
  return out;
}

TEST(RoundTripTest, ImportThenExportGivesBackEveryObject) {
  const fs::path tmp = fs::path(::testing::TempDir()) / ("concord_rt_" + std::to_string(getpid()));
  const std::string src = CONCORD_SOURCE_DIR;
  auto files = ExpandInputs({src + "/examples/ransomware-crew.json",
                             src + "/examples/legacy-stix20.json", src + "/testdata/stix/valid"});
  ASSERT_TRUE(files.ok());
  ASSERT_GT(files->size(), 10u);
  // Each file into a fresh store: the corpus files are independent cases, and some reuse a
  // deterministic SCO id with other content, which one store rightly refuses.
  for (const std::string& file : *files) {
    SCOPED_TRACE(file);
    fs::remove_all(tmp);
    fs::create_directories(tmp);
    ManualClock clock(Timestamp{1767225600, 0});
    DataDir dir{(tmp / "node").string()};
    OutputOptions quiet{.json = true, .verbose = false, .progress = false};
    ImportOptions import;
    import.inputs = {file};
    ASSERT_EQ(RunImport(dir, import, quiet, &clock), 0);
    const std::string exported = (tmp / "export.json").string();
    ExportOptions to_file;
    to_file.out_path = exported;
    ASSERT_EQ(RunExport(dir, to_file, quiet, &clock), 0);

    const Contents want = ReadContents({file});
    const Contents got = ReadContents({exported});
    EXPECT_EQ(got.size(), want.size());
    for (const auto& [key, value] : want) {
      auto it = got.find(key);
      ASSERT_NE(it, got.end()) << key.first << " version " << key.second << " was not exported";
      EXPECT_EQ(it->second.first, value.first) << key.first << ": content changed";
      EXPECT_EQ(it->second.second, value.second) << key.first << ": stored text changed";
    }
  }
  fs::remove_all(tmp);
}

}  // namespace
}  // namespace concord::cli
