#pragma once

#include <string>
#include <vector>

namespace concord::stix {

// One finding about one object: what is wrong (or dubious), and where inside the object.
struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  // JSON path within the object, e.g. "valid_from", "granular_markings[0].selectors[1]";
  // empty for the object as a whole.
  std::string path;
  // A sentence a person can act on: what is wrong and what the specification wants instead.
  std::string message;
};

using Diagnostics = std::vector<Diagnostic>;

inline bool HasErrors(const Diagnostics& d) {
  for (const auto& x : d) {
    if (x.severity == Diagnostic::Severity::kError) return true;
  }
  return false;
}

}  // namespace concord::stix
