#include "concord/cli/inputs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace concord::cli {
namespace {

namespace fs = std::filesystem;

class InputsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) / ("concord_inputs_" + std::to_string(getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "b" / "c");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Touch(const fs::path& p) { std::ofstream(root_ / p) << "{}"; }
  fs::path root_;
};

TEST_F(InputsTest, DirectoriesExpandToStixFilesSorted) {
  Touch("z.json");
  Touch("a.jsonl.gz");
  Touch("b/c/x.stix");
  Touch("b/readme.txt");
  Touch("b/feed.ndjson");
  auto r = ExpandInputs({root_.string()});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> want = {(root_ / "a.jsonl.gz").string(), (root_ / "b/c/x.stix").string(),
                                   (root_ / "b/feed.ndjson").string(), (root_ / "z.json").string()};
  EXPECT_EQ(*r, want);
}

TEST_F(InputsTest, FilesAndStdinPassThrough) {
  Touch("notes.txt");
  auto r = ExpandInputs({"-", (root_ / "notes.txt").string()});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0], "-");
}

TEST_F(InputsTest, MissingPathAndEmptyDirectory) {
  auto missing = ExpandInputs({(root_ / "nope.json").string()});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  fs::create_directories(root_ / "empty");
  auto none = ExpandInputs({(root_ / "empty").string()});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("holds no"), std::string::npos);
}

}  // namespace
}  // namespace concord::cli
