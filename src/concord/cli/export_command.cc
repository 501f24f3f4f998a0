#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include "concord/base/timestamp.h"
#include "concord/base/uuid.h"
#include "concord/cli/agreements.h"
#include "concord/cli/commands.h"
#include "concord/json/writer.h"
#include "concord/stix/validator.h"
#include "concord/taxii/release.h"

namespace concord::cli {
namespace {

// Buffered output to a file or standard output. A file is written under a temporary name and
// renamed into place only when everything was written, so a failed export leaves no half file.
class BundleSink {
 public:
  Status Open(const std::string& path) {
    path_ = path;
    if (path.empty() || path == "-") {
      file_ = stdout;
    } else {
      temp_ = path + ".tmp." + std::to_string(getpid());
      file_ = std::fopen(temp_.c_str(), "wb");
      if (file_ == nullptr) return IoError("cannot write " + temp_ + ": " + std::strerror(errno));
    }
    buffer_ = std::make_unique<char[]>(kBufferSize);
    std::setvbuf(file_, buffer_.get(), _IOFBF, kBufferSize);
    return Status::Ok();
  }
  void Write(std::string_view s) { std::fwrite(s.data(), 1, s.size(), file_); }
  Status Finish() {
    const bool failed = std::fflush(file_) != 0 || std::ferror(file_);
    if (temp_.empty()) {
      return failed ? IoError("writing standard output failed") : Status::Ok();
    }
    const bool close_failed = std::fclose(file_) != 0;
    file_ = nullptr;
    if (failed || close_failed) {
      std::remove(temp_.c_str());
      return IoError("writing " + path_ + " failed: " + std::strerror(errno));
    }
    if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
      std::remove(temp_.c_str());
      return IoError("cannot rename " + temp_ + " to " + path_ + ": " + std::strerror(errno));
    }
    temp_.clear();
    return Status::Ok();
  }
  ~BundleSink() {
    if (!temp_.empty()) {
      if (file_ != nullptr) std::fclose(file_);
      std::remove(temp_.c_str());
    }
  }

 private:
  static constexpr size_t kBufferSize = 1 << 20;
  std::string path_;
  std::string temp_;
  FILE* file_ = nullptr;
  std::unique_ptr<char[]> buffer_;
};

Result<store::Query> BuildQuery(store::Store& store, const ExportOptions& options) {
  store::Query q;
  q.types = options.types;
  q.ids = options.ids;
  q.include_revoked = !options.exclude_revoked;
  q.marking = options.marking;
  if (!options.added_after.empty()) {
    auto t = ParseTimestamp(options.added_after, TimestampSyntax{.allow_offset = true});
    if (!t.ok()) return t.status().WithPrefix("--added-after");
    q.added_after = t->instant;
  }
  if (!options.collection.empty()) {
    auto c = store.FindCollection(options.collection);
    if (!c.ok()) return c.status().WithPrefix("--collection");
    q.collection = c->id;
  }
  using Kind = store::VersionFilter::Kind;
  if (options.version == "all") {
    q.versions.push_back({Kind::kAll, ""});
  } else if (options.version == "first") {
    q.versions.push_back({Kind::kFirst, ""});
  } else if (options.version == "last") {
    q.versions.push_back({Kind::kLast, ""});
  } else {
    auto key = stix::VersionKey(options.version);
    if (!key.ok()) {
      return InvalidArgument("--version takes all, first, last or a timestamp: " +
                             key.status().message());
    }
    q.versions.push_back({Kind::kAt, *key});
  }
  return q;
}

}  // namespace

int RunExport(const DataDir& dir, const ExportOptions& options, const OutputOptions& out,
              Clock* clock) {
  auto store = dir.OpenStore(clock, /*create=*/false);
  if (!store.ok()) {
    std::fprintf(stderr, "concord export: %s\n", store.status().message().c_str());
    return 2;
  }
  auto query = BuildQuery(**store, options);
  if (!query.ok()) {
    std::fprintf(stderr, "concord export: %s\n", query.status().message().c_str());
    return 2;
  }
  std::optional<policy::Agreements> agreements;
  if (!options.for_partner.empty()) {
    Result<policy::Agreements> loaded = LoadNodeAgreements(dir, options.agreements_file);
    if (!loaded.ok()) {
      std::fprintf(stderr, "concord export: %s\n", loaded.status().message().c_str());
      return 2;
    }
    if (loaded->Find(options.for_partner) == nullptr) {
      std::fprintf(stderr, "concord export: --for %s: there is no agreement with that partner\n",
                   options.for_partner.c_str());
      return 2;
    }
    agreements = std::move(*loaded);
  }
  BundleSink sink;
  if (Status s = sink.Open(options.out_path); !s.ok()) {
    std::fprintf(stderr, "concord export: %s\n", s.message().c_str());
    return 2;
  }
  sink.Write("{\"type\":\"bundle\",\"id\":\"bundle--" + NewUuidV4().ToString() +
             "\",\"objects\":[");
  uint64_t count = 0;
  uint64_t withheld = 0;
  Status scanned;
  if (options.for_partner.empty()) {
    scanned = (*store)->Scan(*query, [&](const store::StoredObject& o) {
      if (count++ > 0) sink.Write(",\n");
      sink.Write(o.json);
      return Status::Ok();
    });
  } else {
    // A release: page by page through the policy for that partner.
    taxii::ReleaseFilter release(store->get(), &*agreements, options.for_partner);
    std::string cursor;
    do {
      Result<store::Page> page = (*store)->Find(*query, 1000, cursor);
      if (!page.ok()) {
        scanned = page.status();
        break;
      }
      if (scanned = release.Apply(&page->objects); !scanned.ok()) break;
      withheld += release.withheld().size();
      for (const store::StoredObject& o : page->objects) {
        if (count++ > 0) sink.Write(",\n");
        sink.Write(o.json);
      }
      cursor = page->more ? page->next_cursor : "";
    } while (!cursor.empty());
    if (scanned.ok() && !out.json) {
      std::fprintf(stderr, "released %llu objects to %s; %llu withheld by the agreement\n",
                   static_cast<unsigned long long>(count), options.for_partner.c_str(),
                   static_cast<unsigned long long>(withheld));
    }
  }
  sink.Write("]}\n");
  if (!scanned.ok()) {
    std::fprintf(stderr, "concord export: %s\n", scanned.message().c_str());
    return 2;
  }
  if (Status s = sink.Finish(); !s.ok()) {
    std::fprintf(stderr, "concord export: %s\n", s.message().c_str());
    return 2;
  }
  if (!options.out_path.empty() && options.out_path != "-") {
    if (out.json) {
      std::string text;
      json::Writer w(&text);
      w.BeginObject();
      w.Key("exported");
      w.UInt(count);
      w.Key("out");
      w.String(options.out_path);
      if (!options.for_partner.empty()) {
        w.Key("for");
        w.String(options.for_partner);
        w.Key("withheld");
        w.UInt(withheld);
      }
      w.EndObject();
      std::printf("%s\n", text.c_str());
    } else {
      std::fprintf(stderr, "exported %llu objects to %s\n", static_cast<unsigned long long>(count),
                   options.out_path.c_str());
    }
  }
  return 0;
}

}  // namespace concord::cli
