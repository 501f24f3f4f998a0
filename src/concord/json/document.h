#pragma once

// The JSON DOM used by Concord's validators: simdjson's dom::element. Include this only from .cc
// files; public headers of other modules must not expose simdjson types.

#include <simdjson.h>

#include <string>
#include <string_view>

#include "concord/base/result.h"
#include "concord/json/limits.h"

namespace concord::json {

using Element = simdjson::dom::element;
using ElementType = simdjson::dom::element_type;
using ObjectView = simdjson::dom::object;
using ArrayView = simdjson::dom::array;

// Parses single JSON texts within Limits, reusing its buffers between calls.
// Thread safety: one Parser per thread.
class Parser {
 public:
  explicit Parser(Limits limits = {});

  // Parses `text` (one complete JSON value, surrounding whitespace allowed).
  // The returned Element and every view into it stay valid until the next Parse() on this Parser.
  // Errors are InvalidArgument with the byte offset into `text` and what was expected there
  // (e.g. "byte 17: expected ':' after an object key"), or ResourceExhausted for a value over
  // max_value_bytes or nested deeper than max_depth.
  Result<Element> Parse(std::string_view text);
  // Parse for a text followed in memory by at least kParsePadding readable bytes (their content
  // does not matter), which is parsed where it is instead of being copied first.
  Result<Element> ParsePadded(std::string_view text);
  static constexpr size_t kParsePadding = 64;

  const Limits& limits() const { return limits_; }

 private:
  Result<Element> Parse(std::string_view text, bool padded);
  Limits limits_;
  simdjson::dom::parser parser_;
  std::string padded_;  // `text` copied with SIMDJSON_PADDING spare bytes
};

// "an array", "an object", "a number", "a string", "a boolean", "null": for messages that say
// what was found where something else was expected.
std::string_view TypeName(ElementType type);

// Finds the first syntax error in `text` with a slow, iterative, obviously correct scan. Returns
// OK when `text` is one valid JSON value. Used to explain what simdjson rejected, with a position.
Status LocateSyntaxError(std::string_view text, size_t max_depth);

}  // namespace concord::json
