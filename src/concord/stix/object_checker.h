#pragma once

// Internal to the stix module: the checks of one parsed object against STIX 2.1 (common
// properties by kind, per-type properties from type_table, rules across properties, the 2.0
// detection). The validator parses, calls CheckObject, and builds the Object from the result.

#include <string_view>
#include <vector>

#include "concord/base/timestamp.h"
#include "concord/json/document.h"
#include "concord/stix/type_table.h"
#include "concord/stix/validator.h"

namespace concord::stix::internal {

struct TimestampFact {
  std::string_view name;  // the property
  std::string_view text;  // as written
  Timestamp instant;
};

// Buffers reused from one object to the next, so that checking a typical object allocates
// nothing beyond the diagnostics it reports. The views point into the parsed document.
struct CheckScratch {
  std::vector<std::string_view> keys;
  std::vector<const PropSpec*> seen;
  std::vector<TimestampFact> timestamps;
  std::vector<std::string_view> object_markings;    // object_marking_refs, in order
  std::vector<std::string_view> granular_markings;  // distinct granular marking_refs, in order

  void Clear() {
    keys.clear();
    seen.clear();
    timestamps.clear();
    object_markings.clear();
    granular_markings.clear();
  }
};

// What the validator needs from a checked object to build its Object. The views point into the
// parsed document: valid until the parser parses again.
struct CheckedObject {
  std::string_view type;
  std::string_view id;
  ObjectKind kind = ObjectKind::kSdo;
  bool upgraded = false;              // STIX 2.0, validated as upgraded to 2.1
  bool spec_version_present = false;  // the object has a spec_version member (then "2.0")
  bool revoked = false;
  bool add_pattern_type = false;  // the upgrade adds "pattern_type": "stix"
  bool add_is_family = false;     // the upgrade adds "is_family": true
  std::string_view created;       // as written; empty when absent or invalid
  std::string_view modified;
};

// Checks the parsed object `root`. Appends every diagnostic to out->diagnostics and sets
// out->type, out->id and out->upgraded_from_20. The object can be built when no error was added.
// Fills `scratch` (cleared first) with the markings found.
CheckedObject CheckObject(const json::Element& root, const ValidatorOptions& options,
                          Validation* out, CheckScratch* scratch);

}  // namespace concord::stix::internal
