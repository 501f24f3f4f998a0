#include "concord/base/follow_stream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace concord {
namespace {

class FollowStream final : public InputStream {
 public:
  FollowStream(std::string path, int fd, const std::atomic<bool>* stop, int poll_ms)
      : path_(std::move(path)), fd_(fd), stop_(stop), poll_ms_(poll_ms) {}
  ~FollowStream() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Result<size_t> Read(char* buf, size_t n) override {
    while (true) {
      const ssize_t got = ::read(fd_, buf, n);
      if (got > 0) {
        offset_ += static_cast<uint64_t>(got);
        return static_cast<size_t>(got);
      }
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) return IoError(path_ + ": " + std::strerror(errno));
      // At the end: stop, or look for truncation and rotation, then wait.
      if (stop_->load()) return size_t{0};
      struct stat open_file {};
      struct stat by_name {};
      if (::fstat(fd_, &open_file) == 0 && static_cast<uint64_t>(open_file.st_size) < offset_) {
        ::lseek(fd_, 0, SEEK_SET);  // truncated in place
        offset_ = 0;
        continue;
      }
      if (::stat(path_.c_str(), &by_name) == 0 &&
          (by_name.st_ino != open_file.st_ino || by_name.st_dev != open_file.st_dev)) {
        const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {  // rotated: the old file is read to its end; go on with the new one
          ::close(fd_);
          fd_ = fd;
          offset_ = 0;
          continue;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms_));
    }
  }
  const std::string& name() const override { return path_; }
  uint64_t consumed() const override { return offset_; }
  uint64_t size() const override { return 0; }  // unbounded

 private:
  std::string path_;
  int fd_;
  const std::atomic<bool>* stop_;
  int poll_ms_;
  uint64_t offset_ = 0;
};

}  // namespace

Result<std::unique_ptr<InputStream>> OpenFollowing(const std::string& path,
                                                   const std::atomic<bool>* stop, int poll_ms) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError(path + ": " + std::strerror(errno));
  return std::unique_ptr<InputStream>(new FollowStream(path, fd, stop, poll_ms));
}

}  // namespace concord
