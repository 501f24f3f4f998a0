#include "concord/cli/inputs.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace concord::cli {
namespace {

bool HasExtension(const std::filesystem::path& p, const std::vector<std::string>& extensions) {
  std::string name = p.filename().string();
  if (name.size() > 3 && name.ends_with(".gz")) name.resize(name.size() - 3);
  for (const std::string& ext : extensions) {
    if (name.ends_with(ext)) return true;
  }
  return false;
}

std::string ListOf(const std::vector<std::string>& extensions) {
  std::string out;
  for (size_t i = 0; i < extensions.size(); ++i) {
    if (i > 0) out += i + 1 == extensions.size() ? " or " : ", ";
    out += extensions[i];
  }
  return out;
}

}  // namespace

Result<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& paths) {
  return ExpandInputs(paths, {".json", ".jsonl", ".ndjson", ".stix"});
}

Result<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& paths,
                                              const std::vector<std::string>& extensions) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const auto& path : paths) {
    if (path == "-") {
      out.push_back(path);
      continue;
    }
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) return NotFound("no such file or directory: " + path);
    if (!fs::is_directory(st)) {
      out.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
    if (ec) return IoError("cannot list " + path + ": " + ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) return IoError("cannot list " + path + ": " + ec.message());
      if (it->is_regular_file(ec) && HasExtension(it->path(), extensions))
        found.push_back(it->path().string());
    }
    if (found.empty()) {
      return InvalidArgument("the directory " + path + " holds no " + ListOf(extensions) +
                             " files (optionally .gz)");
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

}  // namespace concord::cli
