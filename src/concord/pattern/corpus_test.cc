// Runs the pattern conformance corpus in testdata/pattern (format: testdata/pattern/README.md):
// every case's pattern is parsed, checked and, with its observations, evaluated by the
// reference evaluator; the outcome must be the one the case expects.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "concord/pattern/checks.h"
#include "concord/pattern/dump.h"
#include "concord/pattern/observation_reader.h"
#include "concord/pattern/parser.h"
#include "concord/pattern/reference_evaluator.h"

namespace concord::pattern {
namespace {

namespace fs = std::filesystem;

struct CorpusCase {
  std::string where;  // "file.cases:12 name"
  std::string pattern;
  bool has_pattern = false;
  std::vector<std::string> json;
  std::string dump;
  std::string expect;  // "match", "nomatch", "valid" or "error"
  std::string error_fragment;
};

// Reads one .cases file. Format problems are test failures naming the line.
std::vector<CorpusCase> ReadCases(const fs::path& file) {
  std::vector<CorpusCase> cases;
  std::map<std::string, std::vector<std::string>> fixtures;
  std::ifstream in(file);
  std::string line;
  int number = 0;
  enum { kNone, kFixture, kCase } block = kNone;
  std::string fixture_name;
  const std::string name = file.filename().string();
  auto fail = [&](const std::string& why) {
    ADD_FAILURE() << name << ":" << number << ": " << why;
  };
  auto finish = [&] {
    if (block == kCase) {
      const CorpusCase& c = cases.back();
      if (!c.has_pattern) fail("case without a pattern line");
      if (c.expect.empty()) fail("case without an expect line");
    }
    block = kNone;
  };
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      finish();
      continue;
    }
    if (line[0] == '#') continue;
    const size_t space = line.find(' ');
    const std::string word = line.substr(0, space);
    const std::string rest = space == std::string::npos ? "" : line.substr(space + 1);
    if (word == "fixture" || word == "case") {
      finish();
      if (rest.empty()) fail(word + " needs a name");
      if (word == "fixture") {
        block = kFixture;
        fixture_name = rest;
        if (fixtures.count(rest)) fail("fixture " + rest + " defined twice");
        fixtures[rest];
      } else {
        block = kCase;
        cases.push_back(CorpusCase{});
        cases.back().where = name + ":" + std::to_string(number) + " " + rest;
      }
      continue;
    }
    if (block == kNone) {
      fail("'" + word + "' outside a case or fixture");
      continue;
    }
    if (word == "json") {
      if (block == kFixture) {
        fixtures[fixture_name].push_back(rest);
      } else {
        cases.back().json.push_back(rest);
      }
      continue;
    }
    if (block == kFixture) {
      fail("a fixture holds only json lines, not '" + word + "'");
      continue;
    }
    CorpusCase& c = cases.back();
    if (word == "pattern") {
      c.pattern = rest;
      c.has_pattern = true;
    } else if (word == "with") {
      auto it = fixtures.find(rest);
      if (it == fixtures.end()) {
        fail("no fixture named " + rest + " (fixtures must come before their use)");
      } else {
        c.json.insert(c.json.end(), it->second.begin(), it->second.end());
      }
    } else if (word == "dump") {
      c.dump = rest;
    } else if (word == "expect") {
      const size_t sp = rest.find(' ');
      c.expect = rest.substr(0, sp);
      if (c.expect == "error") {
        c.error_fragment = sp == std::string::npos ? "" : rest.substr(sp + 1);
        if (c.error_fragment.empty()) fail("expect error needs a message fragment");
      } else if (c.expect != "match" && c.expect != "nomatch" && c.expect != "valid") {
        fail("expect takes match, nomatch, valid or error <fragment>, not " + rest);
      }
    } else {
      fail("unknown line '" + word + "'");
    }
  }
  finish();
  return cases;
}

// Runs one case; returns "" on success or what went wrong.
std::string RunCase(const CorpusCase& c) {
  Result<Pattern> pattern = ParsePattern(c.pattern);
  Status status = pattern.ok() ? CheckPattern(*pattern) : pattern.status();
  if (pattern.ok() && !c.dump.empty() && DumpAst(*pattern) != c.dump) {
    return "dump is " + DumpAst(*pattern) + ", expected " + c.dump;
  }
  std::string outcome;
  if (status.ok() && c.expect != "valid") {
    std::string text;
    for (const std::string& j : c.json) text += j + "\n";
    Result<std::vector<observe::Observation>> observations = ReadObservations(text);
    if (!observations.ok()) {
      status = observations.status();
    } else {
      Result<bool> matched = EvaluateReference(*pattern, *observations);
      if (!matched.ok()) {
        status = matched.status();
      } else {
        outcome = *matched ? "match" : "nomatch";
      }
    }
  } else if (status.ok()) {
    outcome = "valid";
  }
  if (!status.ok()) {
    if (c.expect != "error") return "unexpected error: " + status.ToString();
    if (status.message().find(c.error_fragment) == std::string::npos) {
      return "error \"" + status.message() + "\" does not contain \"" + c.error_fragment + "\"";
    }
    return "";
  }
  if (c.expect == "error")
    return "expected an error containing \"" + c.error_fragment + "\", got " + outcome;
  if (outcome != c.expect) return "expected " + c.expect + ", got " + outcome;
  return "";
}

TEST(PatternCorpusTest, EveryCaseHolds) {
  const fs::path dir = fs::path(CONCORD_SOURCE_DIR) / "testdata" / "pattern";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".cases") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  EXPECT_GE(files.size(), 5u);
  size_t total = 0;
  std::map<std::string, size_t> by_expectation;
  for (const fs::path& file : files) {
    for (const CorpusCase& c : ReadCases(file)) {
      ++total;
      ++by_expectation[c.expect];
      const std::string problem = RunCase(c);
      EXPECT_EQ(problem, "") << c.where << "\n  pattern: " << c.pattern;
    }
  }
  EXPECT_GE(total, 150u);
  EXPECT_GE(by_expectation["match"], 40u);
  EXPECT_GE(by_expectation["nomatch"], 40u);
  EXPECT_GE(by_expectation["error"], 20u);
  std::cout << "pattern corpus: " << total << " cases in " << files.size() << " files ("
            << by_expectation["match"] << " match, " << by_expectation["nomatch"] << " nomatch, "
            << by_expectation["valid"] << " valid, " << by_expectation["error"] << " error)\n";
}

}  // namespace
}  // namespace concord::pattern
