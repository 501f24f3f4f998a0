// The write prefilter (Matcher::write_sink) against the full match: over random pattern sets
// and random observations written through ObservationBuilder, whenever MatchExpressions finds a
// match (or gives up on one) on the built observation, MayMatch must have said so from the probe
// mode's writes alone. And the probe mode must answer the adapter exactly as building does.

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "concord/observe/builder.h"
#include "concord/pattern/engine/pattern_set.h"
#include "concord/pattern/engine/random_pattern.h"

namespace concord::pattern::engine {
namespace {

using observe::ObservationBuilder;
using Ref = ObservationBuilder::Ref;

// The vocabulary of random_pattern.cc, so that patterns and observations meet.
const std::vector<std::string> kAddresses = {
    "10.0.0.1", "10.1.2.3",    "192.168.1.1", "1.2.3.4",         "01.2.3.4",
    "abc",      "2001:db8::1", "::1",         "::ffff:10.0.0.1", "2001:db8:0:0:0:0:0:1"};
const std::vector<std::string> kDomains = {"example.com",     "a.example.com", "b.a.example.com",
                                           "evil.org",        "xexample.com",  "EXAMPLE.COM.",
                                           "caf\xC3\xA9.org", "10.0.0.1"};
const std::vector<std::string> kStrings = {"a",
                                           "ab",
                                           "abc",
                                           "A",
                                           "example.com",
                                           "evil.org",
                                           "10.0.0.1",
                                           "10.0.0.0/8",
                                           "2001:db8::1",
                                           "caf\xC3\xA9",
                                           "cafe\xCC\x81",
                                           "50%_off",
                                           "http://evil.org/x",
                                           "GET",
                                           "tcp",
                                           "2016-05-12T08:17:27Z",
                                           "aGVsbG8=",
                                           "ffd8",
                                           "hello",
                                           "\xC3\xBF",
                                           "a\nb",
                                           "68656c6c6f",
                                           "/w==",
                                           "-",
                                           ""};
const std::vector<int64_t> kNumbers = {0, 1, 3, 53, 80, 443, 8080, 65535, -1, 1000000};

class Script : public testing::RandomDraws {
 public:
  explicit Script(uint64_t seed) : RandomDraws(seed), seed_(seed) {}

  // Writes the same random observation every time; returns what the builder returned.
  std::vector<Ref> Run(ObservationBuilder* b) {
    rng_.seed(seed_);
    refs_.clear();
    b->Reset(Timestamp{1577836800, 0});
    const size_t n = 1 + Pick(7);
    for (size_t i = 0; i < n; ++i) refs_.push_back(Step(b));
    return refs_;
  }

 private:
  Ref AnyRef() { return refs_.empty() || Chance(0.1) ? ObservationBuilder::kNoRef : PickOf(refs_); }

  Ref Step(ObservationBuilder* b) {
    switch (Pick(12)) {
      case 0:
      case 1:
        return b->AddAddress(PickOf(kAddresses));
      case 2:
        return b->AddDomainName(PickOf(kDomains));
      case 3:
        return b->AddUrl(PickOf(kStrings));
      case 4:
        return b->AddEmailAddress(Chance(0.5) ? "A <a@Example.com>" : "b@evil.org");
      case 5: {
        b->Begin("network-traffic");
        b->Reference("src_ref", AnyRef());
        b->Reference("dst_ref", AnyRef());
        if (Chance(0.7)) b->Int("src_port", PickOf(kNumbers));
        if (Chance(0.7)) b->Int("dst_port", PickOf(kNumbers));
        if (Chance(0.6)) {
          std::vector<std::string_view> p = {"tcp", "http", "ipv4"};
          p.resize(1 + Pick(3));
          b->Strings("protocols", p);
        }
        if (Chance(0.3)) b->Bool("is_active", Chance(0.5));
        if (Chance(0.4)) {
          b->BeginObject("extensions");
          b->BeginObject("http-request-ext");
          if (Chance(0.8)) b->String("request_method", PickOf(kStrings));
          b->EndObject();
          b->EndObject();
        }
        return b->End();
      }
      case 6: {
        b->Begin("file");
        if (Chance(0.7)) b->String("name", PickOf(kStrings));
        if (Chance(0.5)) b->Int("size", PickOf(kNumbers));
        if (Chance(0.5)) {
          b->BeginObject("hashes");
          b->String("MD5", PickOf(kStrings));
          if (Chance(0.5)) b->String("SHA-256", PickOf(kStrings));
          b->EndObject();
        }
        if (Chance(0.3)) b->String("magic_number_hex", PickOf(kStrings));
        if (Chance(0.3)) b->Time("ctime", Timestamp{1463041047, 0});
        if (Chance(0.3)) b->Reference("parent_directory_ref", AnyRef());
        if (Chance(0.3)) b->String("payload_bin", PickOf(kStrings));
        return b->End();
      }
      case 7:
        b->Begin("directory");
        b->OptionalString("path", PickOf(kStrings));
        return b->End();
      case 8: {
        b->Begin("email-message");
        b->Reference("from_ref", AnyRef());
        const Ref to[] = {AnyRef(), AnyRef()};
        b->References("to_refs", std::span<const Ref>(to, 1 + Pick(2)));
        if (Chance(0.5)) b->String("subject", PickOf(kStrings));
        if (Chance(0.5)) b->Bool("is_multipart", Chance(0.5));
        return b->End();
      }
      case 9: {
        b->Begin("x-thing");
        if (Chance(0.6)) b->String("str", PickOf(kStrings));
        if (Chance(0.5)) b->Int("num", PickOf(kNumbers));
        if (Chance(0.3)) b->Bool("yes", Chance(0.5));
        if (Chance(0.4)) {
          const std::string_view list[] = {PickOf(kStrings), PickOf(kStrings)};
          b->Strings("list", std::span<const std::string_view>(list, 1 + Pick(2)));
        }
        if (Chance(0.3)) {
          b->BeginObject("obj");
          if (Chance(0.7)) b->String("k", PickOf(kStrings));
          b->EndObject();
        }
        if (Chance(0.3)) b->String("payload_bin", PickOf(kStrings));
        if (Chance(0.3)) b->String("magic_hex", PickOf(kStrings));
        if (Chance(0.3)) b->Time("ts", Timestamp{1463041047, 0});
        return b->End();
      }
      case 10: {
        // {type, value} written as a composite, sometimes with more: references to composites.
        b->Begin(Chance(0.5) ? "ipv4-addr" : "domain-name");
        b->String("value", Chance(0.5) ? PickOf(kAddresses) : PickOf(kDomains));
        if (Chance(0.5)) {
          const Ref to[] = {AnyRef(), AnyRef()};
          b->References("resolves_to_refs", to);
        }
        return b->End();
      }
      default:
        return b->AddSimple(Chance(0.5) ? "email-addr" : "url", PickOf(kStrings));
    }
  }

  uint64_t seed_;
  std::vector<Ref> refs_;
};

TEST(WritePrefilterTest, NeverMissesWhatTheFullMatchFinds) {
  int matched = 0, skipped = 0, observations = 0;
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    testing::RandomPatterns random(seed);
    PatternSetBuilder set_builder;
    const int patterns = 1 + static_cast<int>(seed % 12);
    std::vector<std::string> texts;
    for (int i = 0; i < patterns; ++i) {
      texts.push_back(random.Pattern());
      (void)set_builder.Add(texts.back(), static_cast<uint32_t>(i));
    }
    auto set = set_builder.Build();
    ASSERT_TRUE(set.ok()) << set.status().message();
    Matcher matcher(**set);
    ObservationBuilder::Limits limits;
    if (seed % 5 == 0) {  // small limits: the two modes must truncate alike
      limits.max_objects = 3;
      limits.max_value_bytes = 120;
    }
    observe::Observation built;
    ObservationBuilder builder(&built, limits);
    for (uint64_t k = 0; k < 20; ++k) {
      Script script(seed * 1000 + k);
      matcher.BeginWrites();
      builder.SetProbe(matcher.write_sink());
      const std::vector<Ref> probe_refs = script.Run(&builder);
      const bool probe_truncated = builder.truncated();
      const bool may = matcher.MayMatch();
      builder.SetProbe(nullptr);
      const std::vector<Ref> refs = script.Run(&builder);
      ASSERT_EQ(probe_refs, refs) << "seed " << seed << " script " << k;
      ASSERT_EQ(probe_truncated, builder.truncated()) << "seed " << seed << " script " << k;
      std::vector<Matcher::ExpressionMatch> matches;
      std::vector<uint32_t> exhausted;
      matcher.MatchExpressions(built, &matches, &exhausted);
      ++observations;
      if (!matches.empty() || !exhausted.empty()) {
        ++matched;
        if (!may) {
          std::string all;
          for (const std::string& t : texts) all += "  " + t + "\n";
          FAIL() << "the prefilter missed a match: seed " << seed << " script " << k
                 << "\npatterns:\n"
                 << all;
        }
      } else if (!may) {
        ++skipped;
      }
    }
  }
  // Not vacuous: matches happen, and many observations are rightly not built.
  EXPECT_GT(matched, observations / 20);
  EXPECT_GT(skipped, observations / 5);
  std::printf("observations %d, matched %d, skipped by the prefilter %d\n", observations, matched,
              skipped);
}

}  // namespace
}  // namespace concord::pattern::engine
