#include <cstdio>
#include <filesystem>

#include "concord/base/input_stream.h"
#include "concord/cli/commands.h"
#include "concord/cli/inputs.h"
#include "concord/cli/problems.h"
#include "concord/cli/progress.h"
#include "concord/json/writer.h"
#include "concord/stix/reader.h"

namespace concord::cli {
namespace {

struct FileSummary {
  std::string name;
  uint64_t added = 0;
  uint64_t duplicates = 0;
  uint64_t invalid = 0;
  bool committed = false;
  std::string error;  // why nothing of the file was imported
};

store::Provenance ProvenanceFor(const std::string& path, const std::string& label) {
  if (path == "-") return {"stdin", label};
  if (!label.empty()) return {"file", label};
  std::error_code ec;
  auto abs = std::filesystem::absolute(path, ec);
  return {"file", ec ? path : abs.lexically_normal().string()};
}

// Imports one input in one transaction. Returns the summary; problems go to `log`.
FileSummary ImportOne(store::Store& store, const std::string& path, const ImportOptions& options,
                      const std::vector<std::string>& collections, ProblemLog& log,
                      Progress& progress, uint64_t* total_objects) {
  FileSummary s;
  s.name = path == "-" ? "<stdin>" : path;
  auto fail = [&](const Status& status) {
    s.error = status.message();
    log.Add(Problem{true, s.name, "", "", "", status.message() + "; nothing was imported from it"});
    s.added = s.duplicates = 0;
    return s;
  };
  auto input = InputStream::Open(path);
  if (!input.ok()) return fail(input.status());
  auto txn = store.BeginWrite(ProvenanceFor(path, options.source), collections);
  if (!txn.ok()) return fail(txn.status());
  stix::Reader reader(input->get());
  for (;;) {
    auto next = reader.Next();
    if (!next.ok()) return fail(next.status());
    if (!next->has_value()) break;
    const stix::ReadItem& item = **next;
    log.AddItem(s.name, item);
    const bool bad = !item.is_envelope && !item.validation.ok();
    const bool bad_envelope = item.is_envelope && stix::HasErrors(item.validation.diagnostics);
    if (bad || bad_envelope) {
      ++s.invalid;
      if (options.strict) {
        return fail(InvalidArgument("--strict: " + item.Where(s.name) + " is invalid"));
      }
      continue;
    }
    if (item.is_envelope) continue;
    auto put = (*txn)->Put(*item.validation.object);
    if (!put.ok()) {
      ++s.invalid;
      log.Add(Problem{true, item.Where(s.name), item.validation.type, item.validation.id, "",
                      put.status().message()});
      if (options.strict)
        return fail(InvalidArgument("--strict: " + item.Where(s.name) + " was refused"));
      continue;
    }
    if (*put == store::PutOutcome::kAdded) {
      ++s.added;
    } else {
      ++s.duplicates;
    }
    ++*total_objects;
    progress.Update(s.name, *total_objects, (*input)->consumed(), (*input)->size());
  }
  Status committed = (*txn)->Commit();
  if (!committed.ok()) return fail(committed);
  s.committed = true;
  return s;
}

}  // namespace

int RunImport(const DataDir& dir, const ImportOptions& options, const OutputOptions& out,
              Clock* clock) {
  auto inputs = ExpandInputs(options.inputs);
  if (!inputs.ok()) {
    std::fprintf(stderr, "concord import: %s\n", inputs.status().message().c_str());
    return 2;
  }
  auto store = dir.OpenStore(clock, /*create=*/true);
  if (!store.ok()) {
    std::fprintf(stderr, "concord import: %s\n", store.status().ToString().c_str());
    return 2;
  }
  std::vector<std::string> collections;
  if (!options.collection.empty()) {
    auto c = (*store)->FindCollection(options.collection);
    if (!c.ok() && c.status().code() == StatusCode::kNotFound) {
      c = (*store)->CreateCollection(
          store::Collection{"", options.collection, options.collection, ""});
    }
    if (!c.ok()) {
      std::fprintf(stderr, "concord import: collection %s: %s\n", options.collection.c_str(),
                   c.status().message().c_str());
      return 2;
    }
    collections.push_back(c->id);
  }

  ProblemLog log(out.json, out.verbose);
  Progress progress(out.progress && !out.json);
  std::vector<FileSummary> summaries;
  uint64_t total_objects = 0;
  for (const auto& path : *inputs) {
    log.StartInput();
    summaries.push_back(
        ImportOne(**store, path, options, collections, log, progress, &total_objects));
    progress.Clear();
    log.FinishInput();
  }

  uint64_t added = 0, duplicates = 0, invalid = 0, failed = 0;
  for (const auto& s : summaries) {
    added += s.added;
    duplicates += s.duplicates;
    invalid += s.invalid;
    failed += s.committed ? 0 : 1;
  }
  const bool clean = invalid == 0 && failed == 0;
  if (out.json) {
    std::string text;
    json::Writer w(&text);
    w.BeginObject();
    w.Key("ok");
    w.Bool(clean);
    w.Key("added");
    w.UInt(added);
    w.Key("duplicates");
    w.UInt(duplicates);
    w.Key("invalid");
    w.UInt(invalid);
    w.Key("files");
    w.BeginArray();
    for (const auto& s : summaries) {
      w.BeginObject();
      w.Key("name");
      w.String(s.name);
      w.Key("committed");
      w.Bool(s.committed);
      w.Key("added");
      w.UInt(s.added);
      w.Key("duplicates");
      w.UInt(s.duplicates);
      w.Key("invalid");
      w.UInt(s.invalid);
      if (!s.error.empty()) {
        w.Key("error");
        w.String(s.error);
      }
      w.EndObject();
    }
    w.EndArray();
    w.Key("problems");
    w.Raw(log.ToJsonArray());
    w.EndObject();
    std::printf("%s\n", text.c_str());
  } else {
    for (const auto& s : summaries) {
      if (s.committed) {
        std::printf("%s: %llu added, %llu already stored, %llu invalid\n", s.name.c_str(),
                    static_cast<unsigned long long>(s.added),
                    static_cast<unsigned long long>(s.duplicates),
                    static_cast<unsigned long long>(s.invalid));
      } else {
        std::printf("%s: not imported (%s)\n", s.name.c_str(), s.error.c_str());
      }
    }
    if (summaries.size() > 1) {
      std::printf(
          "total: %llu added, %llu already stored, %llu invalid, %llu of %zu files failed\n",
          static_cast<unsigned long long>(added), static_cast<unsigned long long>(duplicates),
          static_cast<unsigned long long>(invalid), static_cast<unsigned long long>(failed),
          summaries.size());
    }
  }
  return clean ? 0 : 1;
}

}  // namespace concord::cli
