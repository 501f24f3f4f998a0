#include "concord/base/input_stream.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

namespace concord {
namespace {

// Reads through zlib's gz* functions, which pass plain (non-gzip) input through unchanged.
class GzFileStream final : public InputStream {
 public:
  GzFileStream(gzFile file, std::string name, uint64_t size)
      : file_(file), name_(std::move(name)), size_(size) {}
  ~GzFileStream() override { gzclose(file_); }

  Result<size_t> Read(char* buf, size_t n) override {
    if (n > (1u << 30)) n = 1u << 30;
    const int got = gzread(file_, buf, static_cast<unsigned>(n));
    if (got < 0) {
      int errnum = 0;
      const char* msg = gzerror(file_, &errnum);
      return IoError("reading " + name_ + ": " +
                     (errnum == Z_ERRNO ? std::string(std::strerror(errno)) : std::string(msg)));
    }
    if (got == 0) {
      // zlib reports a gzip stream cut short (Z_BUF_ERROR) only through gzerror.
      int errnum = 0;
      const char* msg = gzerror(file_, &errnum);
      if (errnum != Z_OK) return IoError("reading " + name_ + ": " + msg + " (truncated gzip?)");
    }
    return static_cast<size_t>(got);
  }
  const std::string& name() const override { return name_; }
  uint64_t consumed() const override {
    const z_off_t off = gzoffset(file_);
    return off < 0 ? 0 : static_cast<uint64_t>(off);
  }
  uint64_t size() const override { return size_; }

 private:
  gzFile file_;
  std::string name_;
  uint64_t size_;
};

// A regular file that is not gzip, read with read(2) straight into the caller's buffer (zlib
// would copy it through its own).
class PlainFileStream final : public InputStream {
 public:
  PlainFileStream(int fd, std::string name, uint64_t size)
      : fd_(fd), name_(std::move(name)), size_(size) {}
  ~PlainFileStream() override { close(fd_); }

  Result<size_t> Read(char* buf, size_t n) override {
    if (n > (1u << 30)) n = 1u << 30;
    while (true) {
      const ssize_t got = read(fd_, buf, n);
      if (got >= 0) {
        consumed_ += static_cast<uint64_t>(got);
        return static_cast<size_t>(got);
      }
      if (errno != EINTR) return IoError("reading " + name_ + ": " + std::strerror(errno));
    }
  }
  const std::string& name() const override { return name_; }
  uint64_t consumed() const override { return consumed_; }
  uint64_t size() const override { return size_; }

 private:
  int fd_;
  std::string name_;
  uint64_t size_;
  uint64_t consumed_ = 0;
};

class StringStream final : public InputStream {
 public:
  StringStream(std::string data, std::string name)
      : data_(std::move(data)), name_(std::move(name)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    const size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  const std::string& name() const override { return name_; }
  uint64_t consumed() const override { return pos_; }
  uint64_t size() const override { return data_.size(); }

 private:
  std::string data_;
  std::string name_;
  size_t pos_ = 0;
};

}  // namespace

Result<std::unique_ptr<InputStream>> InputStream::Open(const std::string& path) {
  int fd;
  std::string name;
  if (path == "-") {
    fd = dup(STDIN_FILENO);
    name = "<stdin>";
  } else {
    fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    name = path;
  }
  if (fd < 0) return IoError("cannot open " + name + ": " + std::strerror(errno));
  struct stat st;
  uint64_t size = 0;
  if (fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      close(fd);
      return InvalidArgument(name + " is a directory");
    }
    if (S_ISREG(st.st_mode)) {
      size = static_cast<uint64_t>(st.st_size);
      // A regular file can be looked at before it is read: without gzip's magic bytes it is
      // read as it is. (A pipe cannot: zlib tells, and passes plain input through.)
      unsigned char magic[2] = {0, 0};
      if (pread(fd, magic, 2, 0) < 2 || magic[0] != 0x1f || magic[1] != 0x8b) {
        return std::unique_ptr<InputStream>(new PlainFileStream(fd, std::move(name), size));
      }
    }
  }
  gzFile file = gzdopen(fd, "rb");
  if (file == nullptr) {
    close(fd);
    return IoError("cannot open " + name + ": out of memory");
  }
  gzbuffer(file, 1 << 17);
  return std::unique_ptr<InputStream>(new GzFileStream(file, std::move(name), size));
}

std::unique_ptr<InputStream> InputStream::FromString(std::string data, std::string name) {
  return std::make_unique<StringStream>(std::move(data), std::move(name));
}

}  // namespace concord
