// Micro-benchmarks of the release policy, the check every object passes on its way out of the
// node: the pure decision (policy::Decide), reading the subject from an object's JSON
// (policy::DescribeObject), and the whole filter a TAXII response goes through
// (taxii::ReleaseFilter::Apply on a page read from a SQLite store, provenance and referenced
// objects included).
//
// Data: 20,000 generated objects (bench/stix_generator.h: indicators, observables,
// relationships, sightings, ... with random TLP markings, RED included), all validated.
// Agreements: this node treats unmarked objects as GREEN; three partners: "us" (max GREEN, all
// types, pass_on), "fr" (max AMBER, a list of types, no pass_on), "de" (max AMBER+STRICT, all
// types, pass_on). About 30% of the subjects were received from partners.
//
// Run: build/bench/policy_bench [--benchmark_filter=...] [--benchmark_repetitions=N]

#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "concord/base/clock.h"
#include "concord/policy/agreement.h"
#include "concord/policy/release.h"
#include "concord/stix/validator.h"
#include "concord/store/sqlite/sqlite_store.h"
#include "concord/store/store.h"
#include "concord/taxii/release.h"
#include "stix_generator.h"

namespace {

using concord::policy::Agreements;
using concord::policy::Decision;
using concord::policy::PartnerAgreement;
using concord::policy::Subject;
using concord::policy::Verdict;
using concord::stix::Tlp;

constexpr uint64_t kObjects = 20000;
constexpr std::array<const char*, 3> kRecipients = {"us", "fr", "de"};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "policy_bench: %s\n", what.c_str());
  std::exit(2);
}

// The generated objects, validated, in a temporary directory removed at exit.
struct Corpus {
  std::string dir;
  std::vector<std::string> texts;  // one object's JSON each, as generated
  std::vector<concord::stix::Object> objects;
  uint64_t bytes = 0;
  std::vector<std::string> identities;  // the generated identities' ids, in order

  Corpus() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "concord_policy_XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) Die("cannot create a temporary directory");
    dir = tmpl;
    const std::string path = dir + "/objects.json";
    auto written = concord::bench::WriteGeneratedBundle(path, kObjects, 7);
    if (!written.ok()) Die(written.status().ToString());
    // The generator writes one object per line between the bundle's first and last lines.
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("{\"type\":\"", 0) != 0 || line.rfind("{\"type\":\"bundle\"", 0) == 0) {
        continue;
      }
      if (line.back() == ',') line.pop_back();
      texts.push_back(line);
    }
    concord::stix::Validator validator;
    for (const std::string& text : texts) {
      concord::stix::Validation v = validator.Validate(text);
      if (!v.ok()) Die("a generated object is invalid: " + text);
      if (v.object->type == "identity") identities.push_back(v.object->id);
      bytes += text.size();
      objects.push_back(std::move(*v.object));
    }
    if (identities.size() < 4) Die("too few identities generated");
  }
  ~Corpus() { std::filesystem::remove_all(dir); }
};

const Corpus& GetCorpus() {
  static const Corpus corpus;
  return corpus;
}

PartnerAgreement Partner(const std::string& name, const std::string& identity, Tlp max_tlp,
                         std::vector<std::string> types, bool pass_on) {
  PartnerAgreement p;
  p.name = name;
  p.identity_id = identity;
  p.max_tlp = max_tlp;
  p.types = std::move(types);
  p.pass_on = pass_on;
  return p;
}

// This node is the first generated identity; each partner another one, so that some objects go
// back to the partner that created them (rule 3) and some AMBER+STRICT ones are this node's own.
const Agreements& GetAgreements() {
  static const Agreements agreements = [] {
    const Corpus& c = GetCorpus();
    Agreements a;
    a.node.name = "uk";
    a.node.identity_id = c.identities[0];
    a.node.unmarked = Tlp::kGreen;
    a.partners.push_back(Partner("us", c.identities[1], Tlp::kGreen, {"*"}, true));
    a.partners.push_back(Partner("fr", c.identities[2], Tlp::kAmber,
                                 {"indicator", "malware", "intrusion-set", "campaign", "identity",
                                  "relationship", "sighting"},
                                 false));
    a.partners.push_back(Partner("de", c.identities[3], Tlp::kAmberStrict, {"*"}, true));
    return a;
  }();
  return agreements;
}

// Every object described once (received_from: ~30% from one partner, a few of those from two),
// and the map the lookup of referenced objects reads (the latest version of each id).
struct Subjects {
  std::vector<Subject> all;
  std::map<std::string, const Subject*, std::less<>> by_id;
  concord::policy::SubjectLookup lookup;

  Subjects() {
    const Corpus& c = GetCorpus();
    std::mt19937_64 rng(11);
    all.reserve(c.texts.size());
    for (const std::string& text : c.texts) {
      std::vector<std::string> from;
      if (rng() % 100 < 30) {
        const size_t first = rng() % kRecipients.size();
        from.push_back(kRecipients[first]);
        if (rng() % 6 == 0) from.push_back(kRecipients[(first + 1) % kRecipients.size()]);
      }
      auto s = concord::policy::DescribeObject(text, std::move(from));
      if (!s.ok()) Die(s.status().ToString());
      all.push_back(std::move(*s));
    }
    for (const Subject& s : all) by_id.insert_or_assign(s.id, &s);
    lookup = [this](std::string_view id) -> const Subject* {
      auto it = by_id.find(id);
      return it == by_id.end() ? nullptr : it->second;
    };
  }
};

const Subjects& GetSubjects() {
  static const Subjects subjects;
  return subjects;
}

void BM_Decide(benchmark::State& state) {
  const Subjects& subjects = GetSubjects();
  const Agreements& agreements = GetAgreements();
  static bool summarised = false;
  if (!summarised) {
    summarised = true;
    size_t received = 0;
    for (const Subject& s : subjects.all) received += s.received_from.empty() ? 0 : 1;
    std::string line = "Decide over " + std::to_string(subjects.all.size()) + " subjects (" +
                       std::to_string(received) + " received from partners):";
    for (const char* recipient : kRecipients) {
      size_t released = 0, redacted = 0, withheld = 0;
      for (const Subject& s : subjects.all) {
        const Decision d = concord::policy::Decide(s, recipient, agreements, subjects.lookup);
        ++(d.verdict == Verdict::kRelease  ? released
           : d.verdict == Verdict::kRedact ? redacted
                                           : withheld);
      }
      line += std::string(" ") + recipient + " released " + std::to_string(released) +
              " redacted " + std::to_string(redacted) + " withheld " + std::to_string(withheld) +
              ";";
    }
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }
  const size_t n = subjects.all.size();
  size_t i = 0;
  size_t released = 0;
  for (auto _ : state) {
    const Subject& s = subjects.all[(i / kRecipients.size()) % n];
    const Decision d = concord::policy::Decide(s, kRecipients[i % kRecipients.size()], agreements,
                                               subjects.lookup);
    released += d.released() ? 1 : 0;
    benchmark::DoNotOptimize(d);
    ++i;
  }
  benchmark::DoNotOptimize(released);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Decide);

void BM_DescribeObject(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const std::string& text = c.texts[i++ % c.texts.size()];
    auto s = concord::policy::DescribeObject(text, {});
    if (!s.ok()) {
      state.SkipWithError("DescribeObject failed");
      break;
    }
    benchmark::DoNotOptimize(s);
    bytes += static_cast<int64_t>(text.size());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_DescribeObject);

// A SQLite store holding every object: blocks of 500 alternately from partner "us" and from a
// local file. Pages of the latest versions are read once per page size.
struct StoreFixture {
  concord::SystemClock clock;
  std::unique_ptr<concord::store::SqliteStore> store;
  std::map<size_t, std::vector<std::vector<concord::store::StoredObject>>> pages;

  StoreFixture() {
    const Corpus& c = GetCorpus();
    auto opened = concord::store::SqliteStore::Open(c.dir + "/store.db", &clock);
    if (!opened.ok()) Die(opened.status().ToString());
    store = std::move(*opened);
    constexpr size_t kBlock = 500;
    for (size_t start = 0; start < c.objects.size(); start += kBlock) {
      const bool partner = (start / kBlock) % 2 == 0;
      const concord::store::Provenance source = partner
                                                    ? concord::store::Provenance{"partner", "us"}
                                                    : concord::store::Provenance{"file", "local"};
      auto tx = store->BeginWrite(source);
      if (!tx.ok()) Die(tx.status().ToString());
      for (size_t k = start; k < std::min(start + kBlock, c.objects.size()); ++k) {
        auto put = (*tx)->Put(c.objects[k]);
        if (!put.ok()) Die(put.status().ToString());
      }
      if (auto s = (*tx)->Commit(); !s.ok()) Die(s.ToString());
    }
    Summarise();
  }

  const std::vector<std::vector<concord::store::StoredObject>>& Pages(size_t size) {
    auto& out = pages[size];
    if (!out.empty()) return out;
    concord::store::Query q;
    q.versions.push_back(
        concord::store::VersionFilter{concord::store::VersionFilter::Kind::kLast, ""});
    std::string cursor;
    for (;;) {
      auto page = store->Find(q, size, cursor);
      if (!page.ok()) Die(page.status().ToString());
      if (!page->objects.empty()) out.push_back(std::move(page->objects));
      if (!page->more) break;
      cursor = page->next_cursor;
    }
    return out;
  }

  // What the filter does to each recipient over all the latest versions, once.
  void Summarise() {
    const auto& all = Pages(1000);
    size_t total = 0;
    for (const auto& p : all) total += p.size();
    std::string line =
        "ReleaseFilter over " + std::to_string(total) + " latest versions (half from partner us):";
    for (const char* recipient : kRecipients) {
      concord::taxii::ReleaseFilter filter(store.get(), &GetAgreements(), recipient);
      size_t released = 0, redacted = 0, withheld = 0;
      for (const auto& p : all) {
        std::vector<concord::store::StoredObject> copy = p;
        if (auto s = filter.Apply(&copy); !s.ok()) Die(s.ToString());
        released += copy.size();
        redacted += filter.redacted();
        withheld += filter.withheld().size();
      }
      line += std::string(" ") + recipient + " released " + std::to_string(released) +
              " (redacted " + std::to_string(redacted) + ") withheld " + std::to_string(withheld) +
              ";";
    }
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
  }
};

StoreFixture& GetStoreFixture() {
  static StoreFixture fixture;
  return fixture;
}

// Only Apply is timed (manual time): each iteration filters a fresh copy of the next page.
void BM_ReleaseFilterPage(benchmark::State& state) {
  StoreFixture& f = GetStoreFixture();
  const auto& pages = f.Pages(static_cast<size_t>(state.range(0)));
  const std::string recipient = kRecipients[static_cast<size_t>(state.range(1))];
  const Agreements& agreements = GetAgreements();
  size_t i = 0;
  int64_t items = 0;
  for (auto _ : state) {
    std::vector<concord::store::StoredObject> page = pages[i++ % pages.size()];
    items += static_cast<int64_t>(page.size());
    const auto start = std::chrono::steady_clock::now();
    concord::taxii::ReleaseFilter filter(f.store.get(), &agreements, recipient);
    const concord::Status s = filter.Apply(&page);
    const auto end = std::chrono::steady_clock::now();
    if (!s.ok()) {
      state.SkipWithError("ReleaseFilter::Apply failed");
      break;
    }
    benchmark::DoNotOptimize(page);
    state.SetIterationTime(std::chrono::duration<double>(end - start).count());
  }
  state.SetItemsProcessed(items);
  state.SetLabel(recipient);
}
BENCHMARK(BM_ReleaseFilterPage)
    ->ArgsProduct({{100, 1000}, {0, 1, 2}})
    ->ArgNames({"page", "to"})
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
