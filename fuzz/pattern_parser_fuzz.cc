// libFuzzer target for STIX patterns: the lexer, parser, checks, dump and canonical formatting,
// and the reference evaluator against a fixed tiny set of observations. Besides "no crash, no
// leak, no hang", it checks that a valid pattern's canonical text parses back to the same AST.
//
// Build and run: CC=clang CXX=clang++ cmake -S . -B build-pattern-fuzz -G Ninja
//   -DCONCORD_FUZZ=ON -DCONCORD_BUILD_BENCH=OFF && ninja -C build-pattern-fuzz pattern_parser_fuzz

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "concord/pattern/checks.h"
#include "concord/pattern/dump.h"
#include "concord/pattern/observation_reader.h"
#include "concord/pattern/parser.h"
#include "concord/pattern/reference_evaluator.h"

namespace {

// Two observations in both STIX forms, with references, a cycle, binary and list values.
const std::vector<concord::observe::Observation>& Observations() {
  static const std::vector<concord::observe::Observation>* observations = [] {
    const char* json =
        R"({"type":"observed-data","first_observed":"2020-01-01T00:00:00Z","last_observed":"2020-01-01T00:00:10Z","number_observed":3,)"
        R"("objects":{"0":{"type":"file","name":"a.exe","size":5,"hashes":{"SHA-256":"00ff","MD5":"11"},"payload_bin":"aGVsbG8=","magic_number_hex":"ffd8","parent_directory_ref":"1"},)"
        R"("1":{"type":"directory","path":"C:\\tmp","contains_refs":["0","9"]},)"
        R"("2":{"type":"ipv4-addr","value":"198.51.100.7"},"3":{"type":"network-traffic","dst_ref":"2","src_port":443,"protocols":["tcp","tls"],"flag":true,"ratio":0.5}}})"
        "\n"
        R"({"type":"observed-data","id":"observed-data--1","first_observed":"2020-01-01T00:01:00Z","last_observed":"2020-01-01T00:01:00Z","number_observed":1,"object_refs":["email-message--m"]})"
        "\n"
        R"({"type":"email-message","id":"email-message--m","to_refs":["email-addr--a","email-addr--b"],"subject":"caf\u00e9","date":"2016-05-12T08:17:27.000Z"})"
        "\n"
        R"({"type":"email-addr","id":"email-addr--a","value":"a@example.com","x_next_ref":"email-addr--b"})"
        "\n"
        R"({"type":"email-addr","id":"email-addr--b","value":"b@example.com","x_next_ref":"email-addr--a"})"
        "\n";
    auto r = concord::pattern::ReadObservations(json);
    if (!r.ok()) std::abort();
    return new std::vector<concord::observe::Observation>(std::move(*r));
  }();
  return *observations;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace concord::pattern;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  PatternLimits limits;
  limits.max_pattern_bytes = 1 << 14;
  limits.max_depth = 32;
  limits.max_list_elements = 256;
  limits.max_comparisons = 128;
  concord::Result<Pattern> pattern = ParsePattern(text, limits);
  if (!pattern.ok()) {
    // Every error says where.
    if (pattern.status().message().rfind("position ", 0) != 0 &&
        pattern.status().code() != concord::StatusCode::kResourceExhausted) {
      std::abort();
    }
    return 0;
  }
  const std::string dump = DumpAst(*pattern);
  const concord::Status checked = CheckPattern(*pattern);
  if (checked.ok()) {
    // The canonical text reads back as the same tree.
    const std::string formatted = FormatPattern(*pattern);
    PatternLimits loose = limits;
    loose.max_pattern_bytes = 1 << 20;
    loose.max_depth = 1000;
    concord::Result<Pattern> again = ParsePattern(formatted, loose);
    if (!again.ok() || DumpAst(*again) != dump || !CheckPattern(*again).ok()) std::abort();
  }
  ReferenceLimits eval_limits;
  eval_limits.max_steps = 200000;
  eval_limits.max_bindings = 2000;
  concord::Result<bool> matched = EvaluateReference(*pattern, Observations(), eval_limits);
  // The evaluator refuses exactly the patterns the checks refuse, and otherwise answers or
  // runs out of budget.
  if (checked.ok() !=
      (matched.ok() || matched.status().code() == concord::StatusCode::kResourceExhausted)) {
    std::abort();
  }
  return 0;
}
