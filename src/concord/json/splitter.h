#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "concord/base/input_stream.h"
#include "concord/base/result.h"
#include "concord/json/limits.h"

namespace concord::json {

// One value cut out of a stream by the Splitter.
struct Piece {
  enum class Kind {
    kValue,     // a whole top-level value that was not split (a single object, one JSON line)
    kElement,   // one element of a top-level array, or of the split member of a top-level object
    kEnvelope,  // a top-level object whose split member was streamed as kElement pieces; its text
                // has that member's value replaced by [] and it comes after all of its elements
  };
  Kind kind = Kind::kValue;
  // The value's raw JSON text, exactly as in the input (empty when `error` is set).
  // Valid until the next call to Splitter::Next().
  std::string_view text;
  // Where the value starts: byte offset from the start of the (decompressed) input, 0-based, and
  // line number, 1-based.
  uint64_t offset = 0;
  uint64_t line = 0;
  // Where the value sits: "" for a top-level value or envelope, "[7]" for the 8th element of a
  // top-level array, "objects[7]" for the 8th element of the split member "objects".
  std::string path;
  // Index of the element within its array (kElement), or count of elements (kEnvelope).
  uint64_t index = 0;
  // Non-OK when the value was delimited but not kept: larger than max_value_bytes or nested
  // deeper than max_depth (ResourceExhausted). The splitter has skipped past it; reading goes on.
  Status error;
};

// Cuts a stream of JSON into pieces without holding more than one piece in memory, so that a
// bundle of millions of objects is read in constant memory. It understands:
//   - one or more top-level values separated by whitespace (so JSON lines too);
//   - a top-level array: each element is a piece;
//   - a top-level object with a member named `split_key` whose value is an array (a STIX bundle's
//     "objects"): each element of that array is a piece, then the rest of the object (envelope).
// The splitter checks only structure (strings, brackets, value boundaries); the pieces themselves
// are checked by Parser. Thread safety: none; one splitter per stream.
class Splitter {
 public:
  // `input` must outlive the splitter.
  Splitter(InputStream* input, std::string split_key, Limits limits = {});
  ~Splitter();

  // Returns the next piece, std::nullopt at the clean end of the input, or a fatal error after
  // which the stream cannot be read further: input that ends inside a value ("truncated"), text
  // that cannot start a JSON value, mismatched brackets, or an envelope over the limits. Fatal
  // errors say where (line and byte offset) and what was expected; the input's read errors are
  // passed through.
  Result<std::optional<Piece>> Next();

  // Bytes of the decompressed input consumed so far.
  uint64_t offset() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace concord::json
