#include "concord/pattern/engine/pattern_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "concord/pattern/observation_reader.h"
#include "concord/pattern/parser.h"

namespace concord::pattern::engine {
namespace {

// An observed-data (STIX 2.0 form) with `objects` (a JSON object body) at second `at`.
std::string Od(const std::string& objects, int at = 0, int n = 1) {
  char t[32];
  std::snprintf(t, sizeof(t), "2020-01-01T00:%02d:%02dZ", at / 60, at % 60);
  return std::string(R"({"type":"observed-data","first_observed":")") + t +
         R"(","last_observed":")" + t + R"(","number_observed":)" + std::to_string(n) +
         R"(,"objects":{)" + objects + "}}";
}

std::vector<observe::Observation> Read(const std::string& text) {
  Result<std::vector<observe::Observation>> r = ReadObservations(text);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(*r) : std::vector<observe::Observation>();
}

std::unique_ptr<PatternSet> Build(const std::vector<std::string>& patterns) {
  PatternSetBuilder b;
  for (size_t i = 0; i < patterns.size(); ++i) (void)b.Add(patterns[i], 100 + i);
  Result<std::unique_ptr<PatternSet>> set = b.Build();
  EXPECT_TRUE(set.ok());
  return std::move(*set);
}

std::vector<uint32_t> MatchOne(const PatternSet& set, const observe::Observation& o) {
  Matcher m(set);
  std::vector<uint32_t> matched;
  m.MatchObservation(o, &matched);
  std::sort(matched.begin(), matched.end());
  return matched;
}

TEST(PatternSetBuilderTest, InvalidPatternsStayAsErrors) {
  PatternSetBuilder b;
  EXPECT_TRUE(b.Add("[ipv4-addr:value = '1.2.3.4']", 7).ok());
  Status s = b.Add("[ipv4-addr:value = ]", 8);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("position 19"), std::string::npos) << s.message();
  Status c = b.Add("[file:size IN (1, 'a')]", 9);
  EXPECT_EQ(c.code(), StatusCode::kInvalidArgument);
  Result<std::unique_ptr<PatternSet>> set = b.Build();
  ASSERT_TRUE(set.ok());
  ASSERT_EQ((*set)->size(), 3u);
  EXPECT_TRUE((*set)->error(0).ok());
  EXPECT_EQ((*set)->error(1), s);
  EXPECT_EQ((*set)->error(2), c);
  EXPECT_EQ((*set)->user_index(2), 9u);
  const std::vector<observe::Observation> obs =
      Read(Od(R"("0":{"type":"ipv4-addr","value":"1.2.3.4"})"));
  const std::vector<MatchResult> r = (*set)->EvaluateBatch(obs);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].state, MatchResult::State::kMatched);
  EXPECT_EQ(r[1].state, MatchResult::State::kError);
  EXPECT_EQ(r[1].error, s);
  EXPECT_EQ(r[2].user_index, 9u);
  EXPECT_EQ((*set)->stats().invalid, 2u);
}

TEST(PatternSetBuilderTest, AParsedPatternAddsAsItsText) {
  const std::vector<std::string> patterns = {"[ipv4-addr:value = '1.2.3.4']",
                                             "[file:size IN (1, 'a')]"};  // parses, fails checks
  PatternSetBuilder from_text;
  PatternSetBuilder from_parsed;
  for (uint32_t i = 0; i < patterns.size(); ++i) {
    Result<Pattern> parsed = ParsePattern(patterns[i]);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(from_parsed.Add(*parsed, i), from_text.Add(patterns[i], i));
  }
  auto a = from_text.Build();
  auto b = from_parsed.Build();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*b)->error(1), (*a)->error(1));
  const std::vector<observe::Observation> obs =
      Read(Od(R"("0":{"type":"ipv4-addr","value":"1.2.3.4"})"));
  EXPECT_EQ(MatchOne(**b, obs[0]), MatchOne(**a, obs[0]));
  EXPECT_EQ(MatchOne(**b, obs[0]), std::vector<uint32_t>{0});
}

TEST(PatternSetBuilderTest, LimitsRefuseMore) {
  EngineLimits limits;
  limits.max_patterns = 1;
  PatternSetBuilder b(limits);
  EXPECT_TRUE(b.Add("[a-b:c = 1]", 0).ok());
  EXPECT_EQ(b.Add("[a-b:c = 2]", 1).code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(b.size(), 1u);
}

TEST(PatternSetTest, IndicatorKindsAreExactAndIndexed) {
  std::unique_ptr<PatternSet> set = Build({
      "[ipv4-addr:value = '198.51.100.7']",                                             // 100
      "[ipv4-addr:value ISSUBSET '10.0.0.0/8']",                                        // 101
      "[domain-name:value LIKE '%.example.com']",                                       // 102
      "[domain-name:value = 'example.com' OR domain-name:value LIKE '%.example.com']",  // 103
      "[file:hashes.'SHA-256' IN ('aa', 'bb')]",                                        // 104
      "[url:value LIKE 'http://evil.org/%']",                                           // 105
      "[ipv4-addr:value = '10.1.2.3' AND domain-name:value = 'a.example.com']",         // 106
      "[network-traffic:dst_port > 1024]",                                              // 107
  });
  const PatternSetStats st = set->stats();
  EXPECT_EQ(st.exact_expressions, 8u);
  EXPECT_EQ(st.always_candidates, 0u);
  EXPECT_EQ(st.single_observation, 8u);
  const std::vector<observe::Observation> obs =
      Read("[" +
           Od(R"("0":{"type":"ipv4-addr","value":"10.1.2.3"},)"
              R"("1":{"type":"domain-name","value":"a.example.com"})") +
           "," +
           Od(R"("0":{"type":"file","hashes":{"SHA-256":"bb"}},)"
              R"("1":{"type":"url","value":"http://evil.org/x"},)"
              R"("2":{"type":"network-traffic","dst_port":8080})") +
           "]");
  EXPECT_EQ(MatchOne(*set, obs[0]), (std::vector<uint32_t>{101, 102, 103, 106}));
  EXPECT_EQ(MatchOne(*set, obs[1]), (std::vector<uint32_t>{104, 105, 107}));
}

TEST(PatternSetTest, BoundsBesideASelectiveClauseAreVerifiedNotIndexed) {
  // A size bound is hit by a large share of files: beside the name it is not indexed (one
  // clause, one indexed slot) and the candidates it would have counted are verified.
  std::unique_ptr<PatternSet> set = Build({
      "[file:name = 'x.exe' AND file:size > 1000]",  // 100
  });
  const PatternSetStats st = set->stats();
  EXPECT_EQ(st.exact_expressions, 0u);
  EXPECT_EQ(st.always_candidates, 0u);
  EXPECT_EQ(st.clauses, 1u);
  EXPECT_EQ(st.indexed_slots, 1u);
  const std::vector<observe::Observation> obs =
      Read("[" + Od(R"("0":{"type":"file","name":"x.exe","size":2000})") + "," +
           Od(R"("0":{"type":"file","name":"x.exe","size":10})") + "," +
           Od(R"("0":{"type":"file","name":"y.exe","size":2000})") + "]");
  EXPECT_EQ(MatchOne(*set, obs[0]), (std::vector<uint32_t>{100}));
  EXPECT_EQ(MatchOne(*set, obs[1]), (std::vector<uint32_t>{}));
  EXPECT_EQ(MatchOne(*set, obs[2]), (std::vector<uint32_t>{}));
  // Alone, a bound is the only clause: indexed, and exact.
  std::unique_ptr<PatternSet> alone = Build({"[file:size > 1000]"});
  EXPECT_EQ(alone->stats().exact_expressions, 1u);
  EXPECT_EQ(alone->stats().indexed_slots, 1u);
  EXPECT_EQ(MatchOne(*alone, obs[0]), (std::vector<uint32_t>{100}));
  EXPECT_EQ(MatchOne(*alone, obs[1]), (std::vector<uint32_t>{}));
}

TEST(PatternSetTest, VerificationBindsOneObjectPerType) {
  std::unique_ptr<PatternSet> set = Build({
      "[file:name = 'a' AND file:size = 5]",
      "[file:name = 'a' AND file:size = 6]",
      "[file:name NOT = 'a']",
      "[file:name != 'zzz' AND EXISTS file:size]",
  });
  EXPECT_EQ(set->stats().exact_expressions, 0u);
  const std::vector<observe::Observation> obs = Read(
      Od(R"("0":{"type":"file","name":"a","size":6},"1":{"type":"file","name":"b","size":5})"));
  EXPECT_EQ(MatchOne(*set, obs[0]), (std::vector<uint32_t>{101, 102, 103}));
}

TEST(PatternSetTest, NeverExpressionsAreDropped) {
  std::unique_ptr<PatternSet> set = Build({
      "[file:payload_bin LIKE 'a%']",  // LIKE on a binary property never holds
      "[file:name IN ()]",
      "[file:name IN () OR file:name = 'x']",
  });
  EXPECT_EQ(set->stats().never_expressions, 2u);
  const std::vector<observe::Observation> obs =
      Read(Od(R"("0":{"type":"file","name":"x","payload_bin":"YQ=="})"));
  EXPECT_EQ(MatchOne(*set, obs[0]), (std::vector<uint32_t>{102}));
}

TEST(PatternSetTest, BatchCombinesObservationOperators) {
  std::unique_ptr<PatternSet> set = Build({
      "[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [domain-name:value = 'evil.org']",
      "[domain-name:value = 'evil.org'] FOLLOWEDBY [ipv4-addr:value = '1.2.3.4']",
      "([ipv4-addr:value = '1.2.3.4'] AND [domain-name:value = 'evil.org']) WITHIN 5 SECONDS",
      "([ipv4-addr:value = '1.2.3.4'] AND [domain-name:value = 'evil.org']) WITHIN 20 SECONDS",
      "[ipv4-addr:value = '1.2.3.4'] REPEATS 3 TIMES",
      "[ipv4-addr:value = '1.2.3.4'] START t'2020-01-01T00:00:00Z' STOP t'2020-01-01T00:00:01Z'",
  });
  EXPECT_EQ(set->stats().multi_observation, 6u);
  const std::vector<observe::Observation> obs =
      Read("[" + Od(R"("0":{"type":"ipv4-addr","value":"1.2.3.4"})", 0, 2) + "," +
           Od(R"("0":{"type":"domain-name","value":"evil.org"})", 10) + "]");
  const std::vector<MatchResult> r = set->EvaluateBatch(obs);
  std::vector<bool> got;
  for (const MatchResult& m : r) got.push_back(m.state == MatchResult::State::kMatched);
  EXPECT_EQ(got, (std::vector<bool>{true, false, false, true, false, true}));
}

TEST(PatternSetTest, MatchersShareOneSetAcrossThreads) {
  std::vector<std::string> patterns;
  for (int i = 0; i < 1000; ++i) {
    patterns.push_back("[ipv4-addr:value = '10.0." + std::to_string(i / 256) + "." +
                       std::to_string(i % 256) + "']");
  }
  std::unique_ptr<PatternSet> set = Build(patterns);
  std::string json = "[";
  for (int i = 0; i < 200; ++i) {
    json += (i ? "," : "") + Od(R"("0":{"type":"ipv4-addr","value":"10.0.)" +
                                std::to_string(i % 5) + "." + std::to_string(i) + R"("})");
  }
  const std::vector<observe::Observation> obs = Read(json + "]");
  std::vector<int> counts(2, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      Matcher m(*set);
      std::vector<uint32_t> matched;
      for (int round = 0; round < 20; ++round) {
        for (const observe::Observation& o : obs) {
          matched.clear();
          m.MatchObservation(o, &matched);
          counts[t] += static_cast<int>(matched.size());
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  // 10.0.k.i exists for k*256 + i < 1000: every k in 0..3 with i < 256, and none for k = 4.
  int want = 0;
  for (int i = 0; i < 200; ++i) want += (i % 5) * 256 + i < 1000 ? 1 : 0;
  EXPECT_EQ(counts[0], want * 20);
  EXPECT_EQ(counts[1], want * 20);
}

TEST(PatternSetTest, MultiTypeVerificationGivesUpBeyondTheLimit) {
  EngineLimits limits;
  limits.max_type_combinations = 4;
  PatternSetBuilder b(limits);
  ASSERT_TRUE(b.Add("[x-a:v = 1 AND x-b:v = 1 OR x-a:w = 1 AND x-b:w = 1]", 0).ok());
  std::unique_ptr<PatternSet> set = std::move(*b.Build());
  std::string objects;
  for (int i = 0; i < 6; ++i) {
    objects += (i ? "," : "") + std::string("\"") + std::to_string(i) + "\":{\"type\":\"" +
               (i % 2 ? "x-a" : "x-b") + "\",\"v\":" + std::to_string(i % 3 == 0) +
               ",\"w\":" + std::to_string(i < 3) + "}";
  }
  const std::vector<observe::Observation> obs = Read(Od(objects));
  const std::vector<MatchResult> r = set->EvaluateBatch(obs);
  EXPECT_EQ(r[0].state, MatchResult::State::kError);
  EXPECT_EQ(r[0].error.code(), StatusCode::kResourceExhausted);
}

TEST(PatternSetTest, BatchMatchesAreBounded) {
  EngineLimits limits;
  limits.max_batch_matches = 3;
  PatternSetBuilder b(limits);
  ASSERT_TRUE(b.Add("[x-a:v = 1] AND [x-a:v = 2]", 0).ok());
  ASSERT_TRUE(b.Add("[x-a:v = 1]", 1).ok());
  std::unique_ptr<PatternSet> set = std::move(*b.Build());
  std::string json = "[";
  for (int i = 0; i < 5; ++i) json += (i ? "," : "") + Od(R"("0":{"type":"x-a","v":1})", i);
  const std::vector<MatchResult> r = set->EvaluateBatch(Read(json + "]"));
  EXPECT_EQ(r[0].state, MatchResult::State::kError);
  EXPECT_EQ(r[0].error.code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(r[1].state, MatchResult::State::kMatched);  // decided per observation, unaffected
}

TEST(PatternSetTest, ReferenceCyclesCostOnePassPerStep) {
  // Object 0 lists itself 2,000 times; three dereferencing steps would visit 8e9 paths without
  // keeping each value once.
  std::string refs;
  for (int i = 0; i < 2000; ++i) refs += (i ? "," : "") + std::string("\"0\"");
  const std::vector<observe::Observation> obs =
      Read(Od(R"("0":{"type":"x-a","v":"deep","x_refs":[)" + refs + "]}"));
  std::unique_ptr<PatternSet> set = Build({
      "[x-a:x_refs[*].x_refs[*].x_refs[*].v = 'deep']",
      "[x-a:x_refs[*].x_refs[*].x_refs[*].v != 'deep']",
  });
  EXPECT_EQ(MatchOne(*set, obs[0]), (std::vector<uint32_t>{100}));
}

TEST(PatternSetTest, OneMatcherAnswersRepeatingObservationsAlike) {
  // Values repeat, as in telemetry, and a scan reuses one Matcher for millions of them: every
  // observation gets the same answer whatever came before it, including values that hit after
  // others that missed in the same slot.
  const std::vector<std::string> patterns = {
      "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
      "[ipv4-addr:value = '203.0.113.9']",
      "[domain-name:value LIKE '%.evil.example']",
      "[domain-name:value MATCHES '^login-[a-z]{4}\\\\.top$']",
      "[url:value LIKE '%/gate.php%']",
      "[network-traffic:dst_port > 8000 AND network-traffic:dst_ref.value = '192.0.2.1']",
  };
  struct Case {
    std::string objects;
    std::vector<uint32_t> expected;
  };
  const std::vector<Case> cases = {
      {R"("0":{"type":"ipv4-addr","value":"198.51.100.7"})", {100}},
      {R"("0":{"type":"ipv4-addr","value":"198.51.101.7"})", {}},
      {R"("0":{"type":"ipv4-addr","value":"203.0.113.9"})", {101}},
      {R"("0":{"type":"domain-name","value":"a.evil.example"})", {102}},
      {R"("0":{"type":"domain-name","value":"evil.example"})", {}},
      {R"("0":{"type":"domain-name","value":"login-abcd.top"})", {103}},
      {R"("0":{"type":"domain-name","value":"login-abcde.top"})", {}},
      {R"("0":{"type":"url","value":"http://x.example/a/gate.php?id=1"})", {104}},
      {R"("0":{"type":"url","value":"http://x.example/a/gate.html"})", {}},
      {R"("0":{"type":"ipv4-addr","value":"192.0.2.1"},)"
       R"("1":{"type":"network-traffic","dst_ref":"0","dst_port":8080})",
       {105}},
      {R"("0":{"type":"ipv4-addr","value":"192.0.2.1"},)"
       R"("1":{"type":"network-traffic","dst_ref":"0","dst_port":443})",
       {}},
  };
  std::vector<observe::Observation> obs;
  for (const Case& c : cases) obs.push_back(std::move(Read(Od(c.objects))[0]));
  std::unique_ptr<PatternSet> set = Build(patterns);
  Matcher matcher(*set);
  for (int round = 0; round < 50; ++round) {
    for (size_t k = 0; k < cases.size(); ++k) {
      // Walk the cases in a different order each round.
      const size_t i = (k * 7 + static_cast<size_t>(round)) % cases.size();
      std::vector<uint32_t> matched;
      matcher.MatchObservation(obs[i], &matched);
      std::sort(matched.begin(), matched.end());
      ASSERT_EQ(matched, cases[i].expected) << "round " << round << " case " << i;
    }
  }
}

}  // namespace
}  // namespace concord::pattern::engine
