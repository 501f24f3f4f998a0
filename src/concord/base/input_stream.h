#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "concord/base/result.h"

namespace concord {

// A sequence of bytes read front to back: a file, a gzip-compressed file (recognised by its magic
// bytes, whatever its name), standard input, or a string. Not thread-safe.
class InputStream {
 public:
  virtual ~InputStream() = default;

  // Opens `path` for reading; "-" is standard input. Gzip is decompressed transparently.
  static Result<std::unique_ptr<InputStream>> Open(const std::string& path);
  // A stream over `data`, named `name` in messages. For tests and in-memory input.
  static std::unique_ptr<InputStream> FromString(std::string data, std::string name = "<string>");

  // Reads up to `n` bytes into `buf`. Returns the number read; 0 means the end of the input.
  // A damaged gzip stream or a failing read is an IoError naming the input.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;

  // The name given in messages (the path, or "<stdin>").
  virtual const std::string& name() const = 0;
  // Bytes of the underlying file consumed so far (compressed bytes for gzip); for progress.
  virtual uint64_t consumed() const = 0;
  // The size of the underlying file in bytes, or 0 when unknown (a pipe); for progress.
  virtual uint64_t size() const = 0;
};

}  // namespace concord
