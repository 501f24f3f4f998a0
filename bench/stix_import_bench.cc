// Timed harness for the foundation's budgets (docs/performance.md):
//   - import of a generated bundle into SQLite, objects per second on one core;
//   - peak memory of that import against the file size + 256 MiB;
//   - export of the same objects, objects per second.
// It runs the real `concord` binary, as a user would, and reads the child's time and peak RSS.
//
// Usage: stix_import_bench [--objects N] [--dir DIR] [--reuse]

#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "stix_generator.h"

extern char** environ;

namespace {

struct RunResult {
  int status = -1;
  double seconds = 0;
  long max_rss_kib = 0;
};

RunResult Run(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  RunResult r;
  const auto start = std::chrono::steady_clock::now();
  pid_t pid;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
    std::perror("posix_spawn");
    return r;
  }
  int status = 0;
  struct rusage usage;
  wait4(pid, &status, 0, &usage);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.max_rss_kib = usage.ru_maxrss;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t objects = 1000000;
  std::string dir = "/tmp/concord-bench";
  bool reuse = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--objects") && i + 1 < argc) {
      objects = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--dir") && i + 1 < argc) {
      dir = argv[++i];
    } else if (!std::strcmp(argv[i], "--reuse")) {
      reuse = true;
    } else {
      std::fprintf(stderr, "usage: %s [--objects N] [--dir DIR] [--reuse]\n", argv[0]);
      return 2;
    }
  }
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  const std::string bundle = dir + "/bundle-" + std::to_string(objects) + ".json";
  const std::string node = dir + "/node";
  const std::string exported = dir + "/export.json";
  fs::remove_all(node);

  uint64_t written = objects;
  if (!(reuse && fs::exists(bundle))) {
    const auto t0 = std::chrono::steady_clock::now();
    auto n = concord::bench::WriteGeneratedBundle(bundle, objects, 42);
    if (!n.ok()) {
      std::fprintf(stderr, "%s\n", n.status().ToString().c_str());
      return 1;
    }
    written = *n;
    std::printf("generated %llu objects in %.1f s\n", static_cast<unsigned long long>(written),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  const double file_mib = static_cast<double>(fs::file_size(bundle)) / (1 << 20);

  const RunResult import =
      Run({CONCORD_BINARY, "--no-progress", "--data-dir", node, "import", bundle});
  if (import.status != 0) {
    std::fprintf(stderr, "import failed with status %d\n", import.status);
    return 1;
  }
  const RunResult exp = Run({CONCORD_BINARY, "--data-dir", node, "export", "--out", exported});
  if (exp.status != 0) {
    std::fprintf(stderr, "export failed with status %d\n", exp.status);
    return 1;
  }
  const RunResult validate = Run({CONCORD_BINARY, "--no-progress", "validate", bundle});

  const double import_rss_mib = import.max_rss_kib / 1024.0;
  std::printf("bundle: %llu objects, %.1f MiB\n", static_cast<unsigned long long>(written),
              file_mib);
  std::printf("%-10s %10s %14s %14s\n", "step", "seconds", "objects/s", "peak RSS MiB");
  std::printf("%-10s %10.2f %14.0f %14.1f\n", "import", import.seconds, written / import.seconds,
              import_rss_mib);
  std::printf("%-10s %10.2f %14.0f %14.1f\n", "export", exp.seconds, written / exp.seconds,
              exp.max_rss_kib / 1024.0);
  std::printf("%-10s %10.2f %14.0f %14.1f\n", "validate", validate.seconds,
              written / validate.seconds, validate.max_rss_kib / 1024.0);
  std::printf("import memory budget (file + 256 MiB): %.1f MiB, used %.1f MiB: %s\n",
              file_mib + 256, import_rss_mib, import_rss_mib < file_mib + 256 ? "within" : "OVER");
  std::printf("database on disk: %.1f MiB\n",
              static_cast<double>(fs::file_size(node + "/concord.db")) / (1 << 20));
  return 0;
}
