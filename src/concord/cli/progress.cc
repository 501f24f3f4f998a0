#include "concord/cli/progress.h"

#include <unistd.h>

namespace concord::cli {

Progress::Progress(bool enabled, std::string unit, uint32_t check_every)
    : active_(enabled && isatty(STDERR_FILENO)),
      unit_(std::move(unit)),
      check_every_(check_every == 0 ? 1 : check_every),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { Clear(); }

void Progress::Update(const std::string& label, uint64_t objects, uint64_t done, uint64_t total) {
  if (!active_) return;
  if (++calls_ % check_every_ != 0) return;  // look at the clock only now and then
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(objects) / seconds : 0;
  std::string name = label.size() > 40 ? "..." + label.substr(label.size() - 37) : label;
  if (total > 0) {
    const double fraction = done >= total ? 1.0 : static_cast<double>(done) / total;
    const int width = 24;
    const int filled = static_cast<int>(fraction * width);
    std::string bar(filled, '#');
    bar.append(width - filled, '.');
    std::fprintf(stderr, "\r\033[K%s [%s] %3.0f%%  %llu %s  %.0f/s", name.c_str(), bar.c_str(),
                 fraction * 100, static_cast<unsigned long long>(objects), unit_.c_str(), rate);
  } else {
    std::fprintf(stderr, "\r\033[K%s  %llu %s  %.0f/s", name.c_str(),
                 static_cast<unsigned long long>(objects), unit_.c_str(), rate);
  }
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::Clear() {
  if (drawn_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    drawn_ = false;
  }
}

}  // namespace concord::cli
