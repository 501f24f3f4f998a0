#include <cstdio>

#include "concord/cli/commands.h"
#include "concord/json/writer.h"

namespace concord::cli {
namespace {

void WriteCounts(json::Writer& w, const char* key, const std::map<std::string, uint64_t>& counts) {
  w.Key(key);
  w.BeginObject();
  for (const auto& [name, n] : counts) {
    w.Key(name);
    w.UInt(n);
  }
  w.EndObject();
}

void PrintCounts(const char* title, const std::map<std::string, uint64_t>& counts) {
  if (counts.empty()) return;
  std::printf("%s:\n", title);
  for (const auto& [name, n] : counts) {
    std::printf("  %-40s %12llu\n", name.c_str(), static_cast<unsigned long long>(n));
  }
}

}  // namespace

int RunStats(const DataDir& dir, const OutputOptions& out, Clock* clock) {
  auto store = dir.OpenStore(clock, /*create=*/false);
  if (!store.ok()) {
    std::fprintf(stderr, "concord stats: %s\n", store.status().message().c_str());
    return 2;
  }
  auto stats = (*store)->GetStats();
  if (!stats.ok()) {
    std::fprintf(stderr, "concord stats: %s\n", stats.status().ToString().c_str());
    return 2;
  }
  const store::Stats& s = *stats;
  if (out.json) {
    std::string text;
    json::Writer w(&text);
    w.BeginObject();
    w.Key("data_dir");
    w.String(dir.path);
    w.Key("schema_version");
    w.Int(s.schema_version);
    w.Key("objects");
    w.UInt(s.objects);
    w.Key("versions");
    w.UInt(s.versions);
    w.Key("revoked");
    w.UInt(s.revoked);
    w.Key("collections");
    w.UInt(s.collections);
    w.Key("bytes_on_disk");
    w.UInt(s.bytes_on_disk);
    if (s.first_added) {
      w.Key("first_added");
      w.String(FormatTimestamp(*s.first_added, 6));
    }
    if (s.last_added) {
      w.Key("last_added");
      w.String(FormatTimestamp(*s.last_added, 6));
    }
    WriteCounts(w, "by_type", s.by_type);
    WriteCounts(w, "by_tlp", s.by_tlp);
    WriteCounts(w, "by_source", s.by_source);
    w.EndObject();
    std::printf("%s\n", text.c_str());
    return 0;
  }
  std::printf("data directory %s (schema %d, %.1f MiB on disk)\n", dir.path.c_str(),
              s.schema_version, static_cast<double>(s.bytes_on_disk) / (1 << 20));
  std::printf(
      "%llu objects in %llu versions, %llu revoked, %llu collections\n",
      static_cast<unsigned long long>(s.objects), static_cast<unsigned long long>(s.versions),
      static_cast<unsigned long long>(s.revoked), static_cast<unsigned long long>(s.collections));
  if (s.first_added && s.last_added) {
    std::printf("added between %s and %s\n", FormatTimestamp(*s.first_added, 3).c_str(),
                FormatTimestamp(*s.last_added, 3).c_str());
  }
  PrintCounts("objects by type", s.by_type);
  PrintCounts("latest versions by TLP", s.by_tlp);
  PrintCounts("versions by source", s.by_source);
  return 0;
}

}  // namespace concord::cli
