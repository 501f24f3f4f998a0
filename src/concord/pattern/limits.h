#pragma once

#include <cstddef>

namespace concord::pattern {

// Limits on one pattern read from outside. ParsePattern enforces them; there is no unlimited
// mode. Going over a limit is a ResourceExhausted error that names the limit and the position.
struct PatternLimits {
  // The longest pattern text, in bytes. Indicator patterns are short; 64 KiB leaves room for long
  // IN lists while refusing megabyte inputs.
  size_t max_pattern_bytes = 64u << 10;
  // The deepest nesting: every '[', '(' and qualifier adds a level to the tree, so this also
  // bounds every recursive walk over the AST (parser, checks, dump, evaluators).
  size_t max_depth = 64;
  // The most values in one IN list.
  size_t max_list_elements = 4096;
  // The most comparison expressions (including EXISTS) in one pattern.
  size_t max_comparisons = 1024;
  // The most steps in one object path after the object type (properties, keys, indexes).
  size_t max_path_steps = 64;
};

}  // namespace concord::pattern
