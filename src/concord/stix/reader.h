#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "concord/base/input_stream.h"
#include "concord/base/result.h"
#include "concord/stix/validator.h"

namespace concord::stix {

// One object read from a stream, with where it was and what the validator said.
struct ReadItem {
  uint64_t line = 0;    // 1-based line where the object starts
  uint64_t offset = 0;  // 0-based byte offset where the object starts (decompressed input)
  std::string path;     // "objects[12]", "[3]", "" for a lone top-level object
  // For a bundle's envelope: is_envelope is true, validation.object is empty and the diagnostics
  // are about the bundle itself (its type, id, spec_version). Envelopes come after their objects.
  bool is_envelope = false;
  Validation validation;

  // "file.json:12 objects[3]" style location, for messages.
  std::string Where(const std::string& source_name) const;
};

// Reads STIX objects from any of the shapes users have: a bundle, several bundles (JSON lines),
// a JSON array of objects or bundles, a single object, or JSON lines of objects; plain or gzip.
// Objects are streamed: memory stays bounded by json::Limits whatever the size of the input.
// Thread safety: none.
class Reader {
 public:
  // `input` must outlive the reader.
  Reader(InputStream* input, ValidatorOptions options = {});
  ~Reader();

  // The next object (valid or not) or envelope; std::nullopt at the end; a fatal Status when the
  // input itself is broken (truncated, not JSON, unreadable) and reading cannot go on. A value too
  // large or too deep is not fatal: it comes back as an item with an error diagnostic.
  Result<std::optional<ReadItem>> Next();

  // Decompressed bytes consumed so far.
  uint64_t offset() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace concord::stix
