#include <cstdio>

#include "concord/base/input_stream.h"
#include "concord/cli/commands.h"
#include "concord/cli/inputs.h"
#include "concord/cli/problems.h"
#include "concord/cli/progress.h"
#include "concord/json/writer.h"
#include "concord/stix/reader.h"

namespace concord::cli {

int RunValidate(const ValidateOptions& options, const OutputOptions& out) {
  auto inputs = ExpandInputs(options.inputs);
  if (!inputs.ok()) {
    std::fprintf(stderr, "concord validate: %s\n", inputs.status().message().c_str());
    return 2;
  }
  ProblemLog log(out.json, out.verbose);
  Progress progress(out.progress && !out.json);
  uint64_t objects = 0, invalid = 0, unreadable = 0;
  for (const auto& path : *inputs) {
    log.StartInput();
    const std::string name = path == "-" ? "<stdin>" : path;
    auto input = InputStream::Open(path);
    if (!input.ok()) {
      ++unreadable;
      log.Add(Problem{true, name, "", "", "", input.status().message()});
      continue;
    }
    stix::Reader reader(input->get());
    for (;;) {
      auto next = reader.Next();
      if (!next.ok()) {
        ++unreadable;
        log.Add(Problem{true, name, "", "", "", next.status().message()});
        break;
      }
      if (!next->has_value()) break;
      const stix::ReadItem& item = **next;
      log.AddItem(name, item);
      if (item.is_envelope) {
        if (stix::HasErrors(item.validation.diagnostics)) ++invalid;
        continue;
      }
      ++objects;
      if (!item.validation.ok()) ++invalid;
      progress.Update(name, objects, (*input)->consumed(), (*input)->size());
    }
    progress.Clear();
    log.FinishInput();
  }
  const bool valid = invalid == 0 && unreadable == 0;
  if (out.json) {
    std::string text;
    json::Writer w(&text);
    w.BeginObject();
    w.Key("valid");
    w.Bool(valid);
    w.Key("objects");
    w.UInt(objects);
    w.Key("invalid");
    w.UInt(invalid);
    w.Key("unreadable_files");
    w.UInt(unreadable);
    w.Key("problems");
    w.Raw(log.ToJsonArray());
    w.EndObject();
    std::printf("%s\n", text.c_str());
  } else {
    std::printf("%llu objects checked: %llu valid, %llu invalid, %llu warnings%s\n",
                static_cast<unsigned long long>(objects),
                static_cast<unsigned long long>(objects - std::min(objects, invalid)),
                static_cast<unsigned long long>(invalid),
                static_cast<unsigned long long>(log.warnings()),
                unreadable ? "; some input could not be read" : "");
  }
  return valid ? 0 : 1;
}

}  // namespace concord::cli
