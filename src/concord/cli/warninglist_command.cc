// `concord warninglist add|list` and the loading of stored lists for import and scan.

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "concord/cli/commands.h"
#include "concord/cli/warning_lists.h"
#include "concord/json/writer.h"

namespace concord::cli {
namespace {

constexpr size_t kMaxListFileBytes = size_t{256} << 20;

Result<std::string> ReadSmallFile(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return IoError("cannot read " + path + ": " + ec.message());
  if (size > kMaxListFileBytes) {
    return ResourceExhausted(path + " is larger than 256 MiB, the most a warning list may be");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot read " + path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<std::string> StoredListFiles(const DataDir& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  const std::filesystem::path stored = dir.path + "/warninglists";
  if (!std::filesystem::is_directory(stored, ec)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(stored, ec)) {
    if (entry.is_regular_file()) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

Result<detect::WarningLists> LoadWarningLists(const DataDir& dir,
                                              const std::vector<std::string>& extra) {
  detect::WarningLists lists = detect::WarningLists::BuiltIn();
  std::vector<std::string> files = StoredListFiles(dir);
  files.insert(files.end(), extra.begin(), extra.end());
  for (const std::string& file : files) {
    CONCORD_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(file));
    const std::string name = std::filesystem::path(file).stem().string();
    Status s = lists.Add(text, name);
    if (!s.ok()) return Status(s.code(), "warning list " + file + ": " + s.message());
  }
  return lists;
}

int RunWarningListAdd(const DataDir& dir, const WarningListAddOptions& options,
                      const OutputOptions& out) {
  auto fail = [](const Status& s) {
    std::fprintf(stderr, "concord warninglist add: %s\n", s.message().c_str());
    const bool input = s.code() == StatusCode::kInvalidArgument ||
                       s.code() == StatusCode::kAlreadyExists ||
                       s.code() == StatusCode::kResourceExhausted;
    return input ? 1 : 2;
  };
  Result<std::string> text = ReadSmallFile(options.file);
  if (!text.ok()) return fail(text.status());
  std::string name = options.name;
  if (name.empty()) name = std::filesystem::path(options.file).stem().string();
  for (char c : name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
      return fail(InvalidArgument("list name '" + name +
                                  "': use letters, digits, '-', '_' and '.' only (--name)"));
    }
  }
  detect::WarningLists check;
  if (Status s = check.Add(*text, name); !s.ok()) {
    return fail(Status(s.code(), options.file + ": " + s.message()));
  }
  // With the lists already kept (all but the one this replaces): names must not clash, or every
  // later import and scan would fail to load them.
  detect::WarningLists all = detect::WarningLists::BuiltIn();
  for (const std::string& file : StoredListFiles(dir)) {
    if (std::filesystem::path(file).stem().string() == name) continue;
    Result<std::string> other = ReadSmallFile(file);
    if (other.ok()) (void)all.Add(*other, std::filesystem::path(file).stem().string());
  }
  if (Status s = all.Add(*text, name); !s.ok()) {
    return fail(Status(
        s.code(), options.file + ": " + s.message() + " (it clashes with a list already kept)"));
  }
  std::error_code ec;
  const std::filesystem::path stored = dir.path + "/warninglists";
  std::filesystem::create_directories(stored, ec);
  if (ec) return fail(IoError("cannot create " + stored.string() + ": " + ec.message()));
  const bool is_json = !text->empty() && text->find_first_not_of(" \t\r\n") != std::string::npos &&
                       (*text)[text->find_first_not_of(" \t\r\n")] == '{';
  const std::filesystem::path target = stored / (name + (is_json ? ".json" : ".txt"));
  const std::filesystem::path temp = target.string() + ".tmp";
  {
    std::ofstream o(temp, std::ios::binary | std::ios::trunc);
    o << *text;
    if (!o.good()) return fail(IoError("cannot write " + temp.string()));
  }
  std::filesystem::rename(temp, target, ec);  // atomic: a list is there whole or not at all
  if (ec) return fail(IoError("cannot write " + target.string() + ": " + ec.message()));
  // A list re-added in the other format replaces the old file.
  std::filesystem::remove(stored / (name + (is_json ? ".txt" : ".json")), ec);
  if (out.json) {
    std::string line;
    json::Writer w(&line);
    w.BeginObject();
    w.Key("name");
    w.String(name);
    w.Key("entries");
    w.UInt(check.entry_count());
    w.EndObject();
    std::printf("%s\n", line.c_str());
  } else {
    std::printf("warning list '%s' stored: %zu entries (applies to later imports and scans)\n",
                name.c_str(), check.entry_count());
  }
  return 0;
}

int RunWarningListList(const DataDir& dir, const OutputOptions& out) {
  const detect::WarningLists built_in = detect::WarningLists::BuiltIn();
  std::vector<std::pair<std::string, size_t>> rows = {
      {"reserved-ranges (built in)", built_in.entry_count()}};
  for (const std::string& file : StoredListFiles(dir)) {
    Result<std::string> text = ReadSmallFile(file);
    detect::WarningLists one;
    const std::string name = std::filesystem::path(file).stem().string();
    if (!text.ok() || !one.Add(*text, name).ok()) {
      rows.emplace_back(name + " (does not load: re-add it)", 0);
      continue;
    }
    rows.emplace_back(name, one.entry_count());
  }
  for (const auto& [name, entries] : rows) {
    if (out.json) {
      std::string line;
      json::Writer w(&line);
      w.BeginObject();
      w.Key("name");
      w.String(name);
      w.Key("entries");
      w.UInt(entries);
      w.EndObject();
      std::printf("%s\n", line.c_str());
    } else {
      std::printf("%-40s %zu entries\n", name.c_str(), entries);
    }
  }
  return 0;
}

}  // namespace concord::cli
