// Runs the STIX test corpus in testdata/stix (see testdata/stix/README.md): every file under
// valid/ must read without errors, every file under invalid/ must produce exactly the errors its
// .expected file lists.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "concord/stix/reader.h"

namespace concord::stix {
namespace {

namespace fs = std::filesystem;
using Severity = Diagnostic::Severity;

fs::path CorpusDir(std::string_view sub) {
  return fs::path(CONCORD_SOURCE_DIR) / "testdata" / "stix" / sub;
}

std::vector<std::string> ListCases(std::string_view sub) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(CorpusDir(sub), ec)) {
    if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// One diagnostic as the corpus sees it: where in the file, and what.
struct Found {
  std::string where;  // "file.json:12 objects[3]"
  Severity severity;
  std::string path;  // "$" for the object (or the input) as a whole
  std::string message;
};

std::vector<Found> ReadCase(const fs::path& file) {
  std::vector<Found> found;
  Result<std::unique_ptr<InputStream>> input = InputStream::Open(file.string());
  if (!input.ok()) {
    ADD_FAILURE() << input.status().ToString();
    return found;
  }
  Reader reader(input->get());
  const std::string name = file.filename().string();
  for (;;) {
    Result<std::optional<ReadItem>> item = reader.Next();
    if (!item.ok()) {
      found.push_back({name, Severity::kError, "FATAL", item.status().message()});
      break;
    }
    if (!item->has_value()) break;
    for (const Diagnostic& d : (*item)->validation.diagnostics) {
      found.push_back({(*item)->Where(name), d.severity, d.path.empty() ? "$" : d.path, d.message});
    }
  }
  return found;
}

struct Expected {
  std::string path;
  std::string fragment;
  std::string line;
};

// Reads NAME.expected: one "PATH: message fragment" per line; '#' starts a comment line.
std::vector<Expected> ReadExpected(const fs::path& file) {
  std::vector<Expected> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t colon = line.find(": ");
    if (colon == std::string::npos) {
      ADD_FAILURE() << file << ": line without \"PATH: fragment\": " << line;
      continue;
    }
    out.push_back({line.substr(0, colon), line.substr(colon + 2), line});
  }
  return out;
}

bool Matches(const Expected& e, const Found& f) {
  return e.path == f.path && f.message.find(e.fragment) != std::string::npos;
}

std::string Describe(const Found& f) {
  return f.where + " " + (f.severity == Severity::kError ? "error " : "warning ") + f.path + ": " +
         f.message;
}

class ValidCorpusTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ValidCorpusTest, ReadsWithoutErrors) {
  const fs::path file = CorpusDir("valid") / (GetParam() + ".json");
  const std::vector<Found> found = ReadCase(file);
  for (const Found& f : found) {
    if (f.severity == Severity::kError) ADD_FAILURE() << "unexpected " << Describe(f);
  }
  // Optional: warnings that must appear.
  const fs::path expected_file = CorpusDir("valid") / (GetParam() + ".expected");
  if (!fs::exists(expected_file)) return;
  for (const Expected& e : ReadExpected(expected_file)) {
    const bool hit = std::any_of(found.begin(), found.end(), [&](const Found& f) {
      return f.severity == Severity::kWarning && Matches(e, f);
    });
    EXPECT_TRUE(hit) << "expected warning not found: " << e.line;
  }
}

class InvalidCorpusTest : public ::testing::TestWithParam<std::string> {};

TEST_P(InvalidCorpusTest, ReportsExactlyTheExpectedErrors) {
  const fs::path file = CorpusDir("invalid") / (GetParam() + ".json");
  const fs::path expected_file = CorpusDir("invalid") / (GetParam() + ".expected");
  ASSERT_TRUE(fs::exists(expected_file)) << expected_file << " is missing";
  const std::vector<Expected> expected = ReadExpected(expected_file);
  ASSERT_FALSE(expected.empty()) << expected_file << " lists no errors";
  const std::vector<Found> found = ReadCase(file);
  std::string all;
  for (const Found& f : found) all += "  " + Describe(f) + "\n";
  for (const Expected& e : expected) {
    const bool hit = std::any_of(found.begin(), found.end(), [&](const Found& f) {
      return f.severity == Severity::kError && Matches(e, f);
    });
    EXPECT_TRUE(hit) << "expected error not found: " << e.line << "\nfound:\n" << all;
  }
  for (const Found& f : found) {
    if (f.severity != Severity::kError) continue;
    const bool listed = std::any_of(expected.begin(), expected.end(),
                                    [&](const Expected& e) { return Matches(e, f); });
    EXPECT_TRUE(listed) << "unexpected " << Describe(f);
  }
}

std::string CaseName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, ValidCorpusTest, ::testing::ValuesIn(ListCases("valid")),
                         CaseName);
INSTANTIATE_TEST_SUITE_P(Corpus, InvalidCorpusTest, ::testing::ValuesIn(ListCases("invalid")),
                         CaseName);

TEST(CorpusTest, IsLargeEnough) {
  EXPECT_GE(ListCases("valid").size(), 12u);
  EXPECT_GE(ListCases("invalid").size(), 40u);
}

}  // namespace
}  // namespace concord::stix
