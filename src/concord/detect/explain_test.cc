// The explainer against the reference evaluator: over random patterns and observations, the
// comparisons an explanation lists are exactly those that hold alone by the reference semantics
// ("[path op constant]" on the one observation), and each value it shows satisfies its
// comparison alone.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "concord/detect/explain.h"
#include "concord/observe/dump.h"
#include "concord/pattern/checks.h"
#include "concord/pattern/dump.h"
#include "concord/pattern/engine/random_pattern.h"
#include "concord/pattern/engine/semantics.h"
#include "concord/pattern/observation_reader.h"
#include "concord/pattern/parser.h"
#include "concord/pattern/reference_evaluator.h"

namespace concord::detect {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr int kCases = 300;
#else
constexpr int kCases = 2000;
#endif

// The texts of the values the path of comparison `node` yields from the objects of `o`
// (reference lists left out), as an explanation shows them.
std::vector<std::string> ValuesOf(const pattern::Pattern& pattern, uint32_t node,
                                  const observe::Observation& o) {
  std::vector<std::string> texts;
  const pattern::ObjectPath& path = pattern.path_of(pattern.nodes[node]);
  std::vector<pattern::engine::PathValue> values, scratch;
  for (const observe::ObservedObject& object : o.objects()) {
    if (object.type != path.object_type) continue;
    pattern::engine::ResolvePath(path.steps, o, object.value, &values, &scratch);
    for (const pattern::engine::PathValue& v : values) {
      if (v.reference_list) continue;
      texts.push_back(o.values.kind(v.id) == observe::ValueKind::kString
                          ? std::string(o.values.string_value(v.id))
                          : observe::DumpValue(o.values, v.id));
    }
  }
  return texts;
}

TEST(ExplainDifferentialTest, ListsTheComparisonsThatHoldAloneByTheReferenceSemantics) {
  int explained = 0, listed = 0, checked = 0;
  for (int c = 0; c < kCases; ++c) {
    pattern::engine::testing::RandomPatterns gen(0xE8A1A000u + c);
    const std::string text = gen.Pattern();
    Result<pattern::Pattern> p = pattern::ParsePattern(text);
    if (!p.ok() || !pattern::CheckPattern(*p).ok()) continue;
    const std::string json = gen.Observations(1 + static_cast<int>(gen.rng()() % 3));
    Result<std::vector<observe::Observation>> read = pattern::ReadObservations(json);
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    MatchExplainer explainer(*p);
    for (const observe::Observation& o : *read) {
      const std::vector<MatchedComparison> got = explainer.Explain(o, 1000);
      ++explained;
      // What the reference says, comparison by comparison.
      size_t next = 0;
      for (uint32_t i = 0; i < p->nodes.size(); ++i) {
        const pattern::Node& node = p->nodes[i];
        if (node.kind != pattern::NodeKind::kComparison) continue;
        const std::string path = pattern::FormatPath(p->path_of(node));
        const std::string op =
            std::string(node.negated ? "NOT " : "") + std::string(pattern::CompareOpText(node.op));
        const std::string constant = pattern::FormatLiteral(*p, node.literal);
        Result<pattern::Pattern> alone =
            pattern::ParsePattern("[" + path + " " + op + " " + constant + "]");
        ASSERT_TRUE(alone.ok()) << alone.status().ToString() << " in " << text;
        Result<bool> holds = pattern::ReferenceMatchesObservation(*alone, alone->root, o);
        ASSERT_TRUE(holds.ok()) << holds.status().ToString();
        ++checked;
        const bool listed_here = next < got.size() && got[next].path == path &&
                                 got[next].op == op && got[next].constant == constant;
        ASSERT_EQ(listed_here, *holds) << "pattern " << text << "\ncomparison [" << path << " "
                                       << op << " " << constant << "]\nobservations " << json;
        if (!listed_here) continue;
        ++listed;
        // The values shown are values of the path; for "= 'text'", those equal to it.
        const std::vector<std::string> values = ValuesOf(*p, i, o);
        const std::vector<std::string>& shown = got[next].observed;
        EXPECT_LE(shown.size(), MatchExplainer::kMaxObserved);
        for (const std::string& v : shown) {
          EXPECT_NE(std::find(values.begin(), values.end(), v), values.end())
              << v << " is not a value of " << path << " in " << json;
        }
        const pattern::Literal& literal = p->literal_of(node.literal);
        if (node.op == pattern::CompareOp::kEq && !node.negated &&
            literal.kind == pattern::LiteralKind::kString) {
          std::vector<std::string> equal;
          for (const std::string& v : values) {
            if (v == literal.bytes && equal.size() < MatchExplainer::kMaxObserved) {
              equal.push_back(v);
            }
          }
          EXPECT_EQ(shown, equal) << "pattern " << text << "\nobservations " << json;
        }
        ++next;
      }
      ASSERT_EQ(next, got.size()) << "pattern " << text;
    }
  }
  // The random vocabulary makes comparisons hold often: the test says something.
  EXPECT_GT(explained, kCases / 2);
  EXPECT_GT(listed, checked / 20) << listed << " of " << checked;
  std::printf("%d explanations, %d of %d comparisons held alone\n", explained, listed, checked);
}

}  // namespace
}  // namespace concord::detect
