#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "concord/base/input_stream.h"
#include "concord/cli/commands.h"
#include "concord/cli/inputs.h"
#include "concord/cli/problems.h"
#include "concord/cli/progress.h"
#include "concord/cli/warning_lists.h"
#include "concord/feed/feed_reader.h"
#include "concord/json/document.h"
#include "concord/json/writer.h"
#include "concord/pattern/parser.h"
#include "concord/stix/reader.h"
#include "concord/stix/tlp.h"

namespace concord::cli {
namespace {

struct FileSummary {
  std::string name;
  uint64_t added = 0;
  uint64_t duplicates = 0;
  uint64_t invalid = 0;
  uint64_t warned = 0;  // indicators with a value on a warning list
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

// How many bytes `--format auto` looks at to recognise a Zeek intel file.
constexpr size_t kSniffBytes = 64 * 1024;

// Replays the bytes read to recognise the format, then goes on with the underlying stream.
class ReplayStream final : public InputStream {
 public:
  ReplayStream(std::string head, std::unique_ptr<InputStream> rest)
      : head_(std::move(head)), rest_(std::move(rest)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ < head_.size()) {
      const size_t take = std::min(n, head_.size() - pos_);
      std::memcpy(buf, head_.data() + pos_, take);
      pos_ += take;
      return take;
    }
    return rest_->Read(buf, n);
  }
  const std::string& name() const override { return rest_->name(); }
  uint64_t consumed() const override { return rest_->consumed(); }
  uint64_t size() const override { return rest_->size(); }

 private:
  std::string head_;
  size_t pos_ = 0;
  std::unique_ptr<InputStream> rest_;
};

// The feed format of `*input` as `format` names it, std::nullopt for STIX. For "auto", reads the
// first kSniffBytes and replaces `*input` by a stream that gives them again.
Result<std::optional<feed::FeedFormat>> ResolveFormat(const std::string& format,
                                                      std::unique_ptr<InputStream>* input) {
  if (format == "zeek-intel") return std::optional(feed::FeedFormat::kZeekIntel);
  if (format == "csv") return std::optional(feed::FeedFormat::kCsv);
  if (format == "list") return std::optional(feed::FeedFormat::kList);
  if (format != "auto") return std::optional<feed::FeedFormat>();
  std::string head(kSniffBytes, '\0');
  size_t have = 0;
  while (have < head.size()) {  // bounded: each round reads at least one byte or stops
    auto n = (*input)->Read(head.data() + have, head.size() - have);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    have += *n;
  }
  head.resize(have);
  std::optional<feed::FeedFormat> detected = feed::DetectFeedFormat(head);
  *input = std::make_unique<ReplayStream>(std::move(head), std::move(*input));
  return detected;
}

// The feed's name when --source-name is not given: the file's base name without extensions
// (".gz" and one more), "stdin" for standard input.
std::string DefaultSourceName(const std::string& path) {
  if (path == "-") return "stdin";
  std::filesystem::path p = std::filesystem::path(path).filename();
  if (p.extension() == ".gz") p = p.stem();
  std::string name = p.stem().string();
  return name.empty() ? p.string() : name;
}

// The time of a feed's indicators: the file's modification time (so re-importing an unchanged
// file stores nothing new), or now for standard input.
Result<Timestamp> FeedTime(const std::string& path, Clock* clock) {
  if (path == "-") return clock->Now();
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return IoError(path + ": cannot read its modification time: " + std::strerror(errno));
  }
  return Timestamp{static_cast<int64_t>(st.st_mtim.tv_sec),
                   static_cast<int32_t>(st.st_mtim.tv_nsec)};
}

// What one input's import shares between the STIX and the feed readers: the transaction, the
// counts and the problem log.
struct FileImport {
  store::WriteTransaction* txn;
  const ImportOptions* options;
  ProblemLog* log;
  Progress* progress;
  uint64_t* total_objects;
  InputStream* input;
  FileSummary* summary;
  json::Parser* parser;  // for reading indicators' patterns

  // Counts an invalid object or line at `where`; with --strict, the error that fails the file.
  Status Invalid(const std::string& where) {
    ++summary->invalid;
    if (options->strict) return InvalidArgument("--strict: " + where + " is invalid");
    return Status::Ok();
  }

  // Flags an indicator whose pattern hits a warning list: it is stored, but scans leave it out
  // unless told to include it.
  void CheckWarningLists(const stix::Object& object, const std::string& where) {
    if (options->warning_lists == nullptr || object.type != "indicator") return;
    Result<json::Element> doc = parser->Parse(object.json);
    std::string_view text;
    if (!doc.ok() || (*doc)["pattern"].get(text) != simdjson::SUCCESS) return;
    Result<pattern::Pattern> p = pattern::ParsePattern(text);
    if (!p.ok()) return;
    const std::vector<detect::WarningHit> hits = options->warning_lists->Check(*p);
    if (hits.empty()) return;
    ++summary->warned;
    log->Add(Problem{false, where, object.type, object.id, "pattern",
                     "'" + hits[0].value + "' is on warning list '" + hits[0].list + "' (entry '" +
                         hits[0].entry +
                         "'): scans leave this indicator out unless --include-warned"});
  }

  // Stores a validated object and counts it; a refusal is reported at `where`.
  Status Put(const stix::Object& object, const std::string& where) {
    CheckWarningLists(object, where);
    auto put = txn->Put(object);
    if (!put.ok()) {
      log->Add(Problem{true, where, object.type, object.id, "", put.status().message()});
      ++summary->invalid;
      if (options->strict) return InvalidArgument("--strict: " + where + " was refused");
      return Status::Ok();
    }
    if (*put == store::PutOutcome::kAdded) {
      ++summary->added;
    } else {
      ++summary->duplicates;
    }
    ++*total_objects;
    progress->Update(summary->name, *total_objects, input->consumed(), input->size());
    return Status::Ok();
  }
};

// Reads STIX objects (bundles, objects, JSON lines) into the transaction.
Status ImportStix(FileImport& f) {
  stix::Reader reader(f.input);
  for (;;) {  // bounded: each round consumes one object of the input
    auto next = reader.Next();
    if (!next.ok()) return next.status();
    if (!next->has_value()) return Status::Ok();
    const stix::ReadItem& item = **next;
    f.log->AddItem(f.summary->name, item);
    const bool bad = !item.is_envelope && !item.validation.ok();
    const bool bad_envelope = item.is_envelope && stix::HasErrors(item.validation.diagnostics);
    if (bad || bad_envelope) {
      CONCORD_RETURN_IF_ERROR(f.Invalid(item.Where(f.summary->name)));
      continue;
    }
    if (item.is_envelope) continue;
    CONCORD_RETURN_IF_ERROR(f.Put(*item.validation.object, item.Where(f.summary->name)));
  }
}

// Reads a plain feed as indicators into the transaction; each goes through the STIX validator.
Status ImportFeed(FileImport& f, const feed::FeedOptions& feed_options) {
  feed::FeedReader reader(f.input, feed_options);
  stix::Validator validator;
  for (;;) {  // bounded: each round consumes at least one line of the input
    auto next = reader.Next();
    if (!next.ok()) return next.status();
    if (!next->has_value()) return Status::Ok();
    const feed::FeedItem& item = **next;
    const std::string where = f.summary->name + ":" + std::to_string(item.line);
    switch (item.kind) {
      case feed::FeedItem::Kind::kWarning:
        f.log->Add(Problem{false, where, "", "", "", item.text});
        break;
      case feed::FeedItem::Kind::kProblem:
        f.log->Add(Problem{true, where, "", "", "", item.text});
        CONCORD_RETURN_IF_ERROR(f.Invalid(where));
        break;
      case feed::FeedItem::Kind::kIndicator: {
        stix::ReadItem read;
        read.line = item.line;
        read.validation = validator.Validate(item.text);
        f.log->AddItem(f.summary->name, read);
        if (!read.validation.ok()) {
          CONCORD_RETURN_IF_ERROR(f.Invalid(where));
        } else {
          CONCORD_RETURN_IF_ERROR(f.Put(*read.validation.object, where));
        }
        break;
      }
    }
  }
}

// Imports one input in one transaction. Returns the summary; problems go to `log`.
FileSummary ImportOne(store::Store& store, const std::string& path, const ImportOptions& options,
                      const std::vector<std::string>& collections, ProblemLog& log,
                      Progress& progress, uint64_t* total_objects, Clock* clock) {
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
  auto format = ResolveFormat(options.format, &*input);
  if (!format.ok()) return fail(format.status());
  feed::FeedOptions feed_options;
  if (format->has_value()) {
    auto time = FeedTime(path, clock);
    if (!time.ok()) return fail(time.status());
    feed_options.format = **format;
    feed_options.source_name =
        options.source_name.empty() ? DefaultSourceName(path) : options.source_name;
    feed_options.feed_time = *time;
    feed_options.marking_ref = options.marking_ref;
    feed_options.csv_column = options.csv_column;
  }
  auto txn = store.BeginWrite(ProvenanceFor(path, options.source), collections);
  if (!txn.ok()) return fail(txn.status());
  json::Parser parser;
  FileImport f{txn->get(), &options, &log, &progress, total_objects, input->get(), &s, &parser};
  Status read = format->has_value() ? ImportFeed(f, feed_options) : ImportStix(f);
  if (!read.ok()) return fail(read);
  Status committed = (*txn)->Commit();
  if (!committed.ok()) return fail(committed);
  s.committed = true;
  return s;
}

}  // namespace

int RunImport(const DataDir& dir, const ImportOptions& options, const OutputOptions& out,
              Clock* clock) {
  ImportOptions resolved = options;
  if (!options.tlp.empty()) {
    std::optional<stix::Tlp> tlp = stix::TlpFromName(options.tlp);
    if (!tlp || *tlp == stix::Tlp::kNone) {
      std::fprintf(stderr,
                   "concord import: --tlp %s: expected clear, green, amber, amber+strict or red\n",
                   options.tlp.c_str());
      return 2;
    }
    resolved.marking_ref = std::string(stix::TlpMarkingId(*tlp));
  }
  if (options.csv_column < 1) {
    std::fprintf(stderr, "concord import: --csv-column %d: columns are numbered from 1\n",
                 options.csv_column);
    return 2;
  }
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

  Result<detect::WarningLists> lists = LoadWarningLists(dir);
  if (!lists.ok()) {
    std::fprintf(stderr, "concord import: %s\n", lists.status().message().c_str());
    return 2;
  }
  resolved.warning_lists = &*lists;

  ProblemLog log(out.json, out.verbose);
  Progress progress(out.progress && !out.json);
  std::vector<FileSummary> summaries;
  uint64_t total_objects = 0;
  for (const auto& path : *inputs) {
    log.StartInput();
    summaries.push_back(
        ImportOne(**store, path, resolved, collections, log, progress, &total_objects, clock));
    progress.Clear();
    log.FinishInput();
  }

  uint64_t added = 0, duplicates = 0, invalid = 0, failed = 0, warned = 0;
  for (const auto& s : summaries) {
    warned += s.warned;
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
    w.Key("warned");
    w.UInt(warned);
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
        std::printf("%s: %llu added, %llu already stored, %llu invalid", s.name.c_str(),
                    static_cast<unsigned long long>(s.added),
                    static_cast<unsigned long long>(s.duplicates),
                    static_cast<unsigned long long>(s.invalid));
        if (s.warned > 0) {
          std::printf(", %llu indicators on warning lists",
                      static_cast<unsigned long long>(s.warned));
        }
        std::printf("\n");
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
