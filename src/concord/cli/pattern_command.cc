// `concord pattern check` and `concord pattern eval`: STIX patterns from the command line, in the
// exact line formats that conformance suites and other matchers drive (see commands.h).

#include <charconv>
#include <cstdio>
#include <string>
#include <vector>

#include "concord/base/input_stream.h"
#include "concord/base/line_reader.h"
#include "concord/cli/commands.h"
#include "concord/json/document.h"
#include "concord/json/writer.h"
#include "concord/pattern/checks.h"
#include "concord/pattern/engine/pattern_set.h"
#include "concord/pattern/observation_reader.h"
#include "concord/pattern/parser.h"
#include "concord/pattern/reference_evaluator.h"

namespace concord::cli {
namespace {

// The longest input line accepted (a pattern, or one eval request with its observations).
constexpr size_t kMaxLineBytes = 16u << 20;

// Splits "position N: message" (the pattern module's error form) into N and the message.
std::pair<std::optional<uint64_t>, std::string> SplitPosition(const std::string& message) {
  static constexpr std::string_view kPrefix = "position ";
  if (message.rfind(kPrefix, 0) == 0) {
    uint64_t n = 0;
    const char* begin = message.data() + kPrefix.size();
    const char* end = message.data() + message.size();
    auto [ptr, ec] = std::from_chars(begin, end, n);
    if (ec == std::errc() && end - ptr >= 2 && ptr[0] == ':' && ptr[1] == ' ') {
      return {n, std::string(ptr + 2, end)};
    }
  }
  return {std::nullopt, message};
}

// Parses and checks one pattern.
Result<pattern::Pattern> Compile(std::string_view text) {
  CONCORD_ASSIGN_OR_RETURN(pattern::Pattern p, pattern::ParsePattern(text));
  CONCORD_RETURN_IF_ERROR(pattern::CheckPattern(p));
  return p;
}

void PrintCheck(const std::string& text, const Status& status, const OutputOptions& out) {
  if (out.json) {
    std::string line;
    json::Writer w(&line);
    w.BeginObject();
    w.Key("valid");
    w.Bool(status.ok());
    if (!status.ok()) {
      auto [position, message] = SplitPosition(status.message());
      w.Key("error");
      w.String(message);
      if (position) {
        w.Key("position");
        w.UInt(*position);
      }
    }
    w.EndObject();
    std::printf("%s\n", line.c_str());
    return;
  }
  if (status.ok()) {
    std::printf("valid: %s\n", text.c_str());
    return;
  }
  auto [position, message] = SplitPosition(status.message());
  std::printf("invalid: %s\n", text.c_str());
  if (position && *position <= 200 && text.size() <= 200) {
    // A caret under the character, as compilers do (positions count code points).
    std::printf("         %s^\n", std::string(*position, ' ').c_str());
  }
  std::printf("  %s%s\n", position ? ("position " + std::to_string(*position) + ": ").c_str() : "",
              message.c_str());
}

// Evaluates one pattern against `observations` with the chosen engine.
Result<bool> EvaluateOne(std::string_view text, std::span<const observe::Observation> observations,
                         bool reference) {
  if (reference) {
    CONCORD_ASSIGN_OR_RETURN(pattern::Pattern p, Compile(text));
    return pattern::EvaluateReference(p, observations);
  }
  pattern::engine::PatternSetBuilder builder;
  CONCORD_RETURN_IF_ERROR(builder.Add(text, 0));
  CONCORD_ASSIGN_OR_RETURN(auto set, builder.Build());
  const pattern::engine::MatchResult result = set->EvaluateBatch(observations)[0];
  if (result.state == pattern::engine::MatchResult::State::kError) return result.error;
  return result.state == pattern::engine::MatchResult::State::kMatched;
}

// Reads one eval request line; returns the JSON answer line.
std::string EvalLine(const std::string& line, json::Parser& parser, bool reference) {
  std::string answer;
  json::Writer w(&answer);
  auto error = [&](const std::string& message) {
    answer.clear();
    w = json::Writer(&answer);
    w.BeginObject();
    w.Key("error");
    w.String(message);
    w.EndObject();
    return answer;
  };
  auto root = parser.Parse(line);
  if (!root.ok()) return error("not JSON: " + root.status().message());
  json::ObjectView request;
  if (root->get(request) != simdjson::SUCCESS) return error("the request must be a JSON object");
  std::string_view pattern_text;
  if (request["pattern"].get(pattern_text) != simdjson::SUCCESS) {
    return error("the request needs \"pattern\", a string");
  }
  json::ArrayView observed;
  if (request["observed_data"].get(observed) != simdjson::SUCCESS) {
    return error("the request needs \"observed_data\", a list of STIX objects");
  }
  std::string_view version = "2.1";
  auto v = request["stix_version"];
  if (v.error() != simdjson::NO_SUCH_FIELD &&
      (v.get(version) != simdjson::SUCCESS || (version != "2.0" && version != "2.1"))) {
    return error("\"stix_version\" must be \"2.0\" or \"2.1\"");
  }
  pattern::ObservationReader reader;
  for (json::Element object : observed) {
    Status added = reader.Add(simdjson::to_string(object));
    if (!added.ok()) return error("observed_data: " + added.message());
  }
  auto observations = reader.Finish();
  if (!observations.ok()) return error("observed_data: " + observations.status().message());
  auto matched = EvaluateOne(pattern_text, *observations, reference);
  if (!matched.ok()) return error(matched.status().message());
  w.BeginObject();
  w.Key("matched");
  w.Bool(*matched);
  w.EndObject();
  return answer;
}

Result<std::string> ReadWholeFile(const std::string& path, size_t limit) {
  CONCORD_ASSIGN_OR_RETURN(auto in, InputStream::Open(path));
  std::string text;
  char buf[1 << 16];
  for (;;) {
    CONCORD_ASSIGN_OR_RETURN(size_t n, in->Read(buf, sizeof buf));
    if (n == 0) break;
    if (text.size() + n > limit) {
      return ResourceExhausted(path + " is larger than the " + std::to_string(limit >> 20) +
                               " MiB this command reads");
    }
    text.append(buf, n);
  }
  return text;
}

int RunBatchEval(const PatternEvalOptions& options) {
  auto observed_text = ReadWholeFile(options.observed_file, size_t{1} << 30);
  if (!observed_text.ok()) {
    std::fprintf(stderr, "concord pattern eval: %s\n", observed_text.status().message().c_str());
    return 2;
  }
  auto observations = pattern::ReadObservations(*observed_text);
  if (!observations.ok()) {
    std::fprintf(stderr, "concord pattern eval: %s: %s\n", options.observed_file.c_str(),
                 observations.status().message().c_str());
    return 2;
  }
  auto input = InputStream::Open(options.patterns_file);
  if (!input.ok()) {
    std::fprintf(stderr, "concord pattern eval: %s\n", input.status().message().c_str());
    return 2;
  }
  LineReader lines(input->get(), kMaxLineBytes);
  // Every pattern goes into one compiled set, evaluated once over all the observations; with
  // --engine reference each pattern is evaluated alone by the reference evaluator instead.
  pattern::engine::PatternSetBuilder builder;
  std::vector<std::string> reference_patterns;
  std::vector<Status> line_errors;  // lines that could not even be read as a pattern
  for (uint32_t index = 0;; ++index) {
    auto line = lines.Next();
    if (!line.ok()) {
      std::fprintf(stderr, "concord pattern eval: %s\n", line.status().message().c_str());
      return 2;
    }
    if (!line->has_value()) break;
    const std::string text = (*line)->too_long ? std::string() : (*line)->text;
    line_errors.push_back((*line)->too_long ? InvalidArgument("the line is longer than 16 MiB")
                                            : Status::Ok());
    if (options.reference) {
      reference_patterns.push_back(text);
      continue;
    }
    Status added = builder.Add(text, index);
    if (added.code() == StatusCode::kResourceExhausted && builder.size() == index) {
      std::fprintf(stderr, "concord pattern eval: %s\n", added.message().c_str());
      return 2;
    }
  }
  std::vector<Result<bool>> results;
  if (options.reference) {
    for (const auto& text : reference_patterns) {
      auto compiled = Compile(text);
      results.push_back(compiled.ok() ? pattern::EvaluateReference(*compiled, *observations)
                                      : Result<bool>(compiled.status()));
    }
  } else {
    auto set = builder.Build();
    if (!set.ok()) {
      std::fprintf(stderr, "concord pattern eval: %s\n", set.status().message().c_str());
      return 2;
    }
    for (const auto& r : (*set)->EvaluateBatch(*observations)) {
      using State = pattern::engine::MatchResult::State;
      results.push_back(r.state == State::kError ? Result<bool>(r.error)
                                                 : Result<bool>(r.state == State::kMatched));
    }
  }
  std::string out;
  for (size_t i = 0; i < results.size(); ++i) {
    const Result<bool>& matched = line_errors[i].ok() ? results[i] : Result<bool>(line_errors[i]);
    json::Writer w(&out);
    w.BeginObject();
    w.Key("pattern");
    w.UInt(i);
    if (matched.ok()) {
      w.Key("matched");
      w.Bool(*matched);
    } else {
      w.Key("error");
      w.String(matched.status().message());
    }
    w.EndObject();
    out += '\n';
    if (out.size() > (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace

int RunPatternCheck(const PatternCheckOptions& options, const OutputOptions& out) {
  bool all_valid = true;
  if (!options.patterns.empty()) {
    for (const auto& text : options.patterns) {
      auto compiled = Compile(text);
      all_valid &= compiled.ok();
      PrintCheck(text, compiled.status(), out);
    }
    return all_valid ? 0 : 1;
  }
  auto input = InputStream::Open("-");
  if (!input.ok()) {
    std::fprintf(stderr, "concord pattern check: %s\n", input.status().message().c_str());
    return 2;
  }
  LineReader lines(input->get(), kMaxLineBytes);
  for (;;) {
    auto line = lines.Next();
    if (!line.ok()) {
      std::fprintf(stderr, "concord pattern check: %s\n", line.status().message().c_str());
      return 2;
    }
    if (!line->has_value()) break;
    if ((*line)->too_long) {
      all_valid = false;
      PrintCheck(
          "", InvalidArgument("line " + std::to_string((*line)->number) + " is longer than 16 MiB"),
          out);
      continue;
    }
    auto compiled = Compile((*line)->text);
    all_valid &= compiled.ok();
    PrintCheck((*line)->text, compiled.status(), out);
  }
  return all_valid ? 0 : 1;
}

int RunPatternEval(const PatternEvalOptions& options, const OutputOptions& out) {
  if (!options.patterns_file.empty() || !options.observed_file.empty()) {
    if (options.patterns_file.empty() || options.observed_file.empty()) {
      std::fprintf(stderr, "concord pattern eval: --patterns and --observed go together\n");
      return 2;
    }
    return RunBatchEval(options);
  }
  auto input = InputStream::Open("-");
  if (!input.ok()) {
    std::fprintf(stderr, "concord pattern eval: %s\n", input.status().message().c_str());
    return 2;
  }
  LineReader lines(input->get(), kMaxLineBytes);
  json::Parser parser(json::Limits{.max_value_bytes = kMaxLineBytes, .max_depth = 64});
  for (;;) {
    auto line = lines.Next();
    if (!line.ok()) {
      std::fprintf(stderr, "concord pattern eval: %s\n", line.status().message().c_str());
      return 2;
    }
    if (!line->has_value()) break;
    if ((*line)->text.empty() && !(*line)->too_long) continue;  // blank lines between requests
    const std::string answer =
        (*line)->too_long ? std::string("{\"error\":\"the request line is longer than 16 MiB\"}")
                          : EvalLine((*line)->text, parser, options.reference);
    std::printf("%s\n", answer.c_str());
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace concord::cli
