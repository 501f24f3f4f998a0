// Micro-benchmarks of the import pipeline's stages, to see where the time of
// stix_import_bench goes: splitting a bundle, validating objects, reading (split + validate).
// Run: build/bench/stix_micro_bench

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "concord/base/input_stream.h"
#include "concord/json/splitter.h"
#include "concord/stix/reader.h"
#include "concord/stix/validator.h"
#include "stix_generator.h"

namespace {

// A generated bundle of 20,000 objects, made once per process.
const std::string& BundleText() {
  static const std::string text = [] {
    const std::string path = "/tmp/concord_micro_bench_" + std::to_string(getpid()) + ".json";
    auto n = concord::bench::WriteGeneratedBundle(path, 20000, 7);
    if (!n.ok()) std::abort();
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    std::remove(path.c_str());
    return ss.str();
  }();
  return text;
}

std::vector<std::string> ObjectTexts() {
  std::vector<std::string> out;
  auto in = concord::InputStream::FromString(BundleText());
  concord::json::Splitter splitter(in.get(), "objects");
  for (;;) {
    auto p = splitter.Next();
    if (!p.ok() || !p->has_value()) break;
    if ((*p)->kind == concord::json::Piece::Kind::kElement) out.emplace_back((*p)->text);
  }
  return out;
}

void BM_Split(benchmark::State& state) {
  const std::string& text = BundleText();
  for (auto _ : state) {
    auto in = concord::InputStream::FromString(text);
    concord::json::Splitter splitter(in.get(), "objects");
    size_t n = 0;
    for (;;) {
      auto p = splitter.Next();
      if (!p.ok() || !p->has_value()) break;
      ++n;
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Split)->Unit(benchmark::kMillisecond);

void BM_Validate(benchmark::State& state) {
  const std::vector<std::string> objects = ObjectTexts();
  concord::stix::Validator validator;
  size_t i = 0;
  for (auto _ : state) {
    auto v = validator.Validate(objects[i++ % objects.size()]);
    if (!v.ok()) state.SkipWithError("generated object invalid");
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_Validate);

void BM_ReadBundle(benchmark::State& state) {
  const std::string& text = BundleText();
  size_t objects = 0;
  for (auto _ : state) {
    auto in = concord::InputStream::FromString(text);
    concord::stix::Reader reader(in.get());
    objects = 0;
    for (;;) {
      auto item = reader.Next();
      if (!item.ok() || !item->has_value()) break;
      ++objects;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * objects));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_ReadBundle)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
