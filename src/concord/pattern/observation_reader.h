#pragma once

// Building Observations (observation.h) from STIX JSON, both forms:
//
//   STIX 2.0 (and the deprecated 2.1 form): observed-data with an embedded "objects"
//   dictionary whose keys ("0", "1", ...) the objects' *_ref and *_refs properties use;
//
//   STIX 2.1: observed-data with "object_refs" naming SCOs given as separate top-level objects
//   alongside (in the same bundle, array or stream); references use STIX identifiers.
//
// For 2.1 the observation's objects are those of object_refs plus every object they reference
// through *_ref/*_refs properties (at any depth inside the object, cycles followed once), when
// that object is in the input; the common properties created_by_ref, object_marking_refs and
// granular_markings are not followed (they are not observations). References that resolve to
// nothing are left alone: an object path through them simply finds no value.
//
// The reader checks what evaluation relies on, not all of STIX (that is the stix module's job):
// each observed-data needs first_observed and last_observed (RFC 3339 timestamps,
// first <= last), number_observed (an integer 1 to 999,999,999) and objects or object_refs
// (not both, unless "objects" is empty); every object of an observation needs a string "type";
// every object_refs entry must name an object of the input.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "concord/base/result.h"
#include "concord/json/limits.h"
#include "concord/observe/observation.h"

namespace concord::pattern {

struct ObservationReaderOptions {
  json::Limits limits;  // for each JSON value read
  // The most objects in one observation (after following references).
  size_t max_objects_per_observation = 100000;
  // The most memory the values of one observation may take (ValueStore::memory_bytes()).
  size_t max_observation_bytes = 256u << 20;
  // The most observed-data objects in one read.
  size_t max_observations = 1000000;
};

// Collects STIX objects one at a time, then builds the observations. Not thread-safe.
class ObservationReader {
 public:
  explicit ObservationReader(ObservationReaderOptions options = {});

  // Adds one STIX object given as JSON text. Observed-data objects become observations (in the
  // order added); other objects with an "id" are kept for object_refs to name (a later object
  // with the same id replaces an earlier one). Errors: InvalidArgument for text that is not a
  // JSON object with a string "type"; ResourceExhausted beyond the limits.
  Status Add(std::string_view object_json);

  // Builds one Observation per observed-data added, in order. Errors are InvalidArgument naming
  // the observed-data (by position among those added, and id) and the broken rule.
  Result<std::vector<observe::Observation>> Finish();

 private:
  ObservationReaderOptions options_;
  std::vector<std::string> observed_data_;                 // JSON texts, in input order
  std::map<std::string, std::string, std::less<>> by_id_;  // other objects: id -> JSON text
};

// Reads every STIX object in `text` (a bundle, a JSON array of objects, or objects one after
// another such as JSON lines) and returns the observations, as ObservationReader does. Errors
// name the line of the input where a bad value starts.
Result<std::vector<observe::Observation>> ReadObservations(
    std::string_view text, const ObservationReaderOptions& options = {});

}  // namespace concord::pattern
