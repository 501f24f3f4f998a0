#pragma once

// A stable text form of an observation, for golden test files and `concord scan --explain`:
//
//   time 2020-09-28T12:00:00.123456Z
//   0 ipv4-addr {"type":"ipv4-addr","value":"10.0.0.1"}
//   1 network-traffic {"type":"network-traffic","src_ref":"0",...}
//
// One line per object, in key order as added, values as compact JSON with members in the order
// written. Strings are escaped as JSON requires; invalid UTF-8 bytes are written as \u00XX of the
// byte so the text is always valid UTF-8 and a difference is always visible.

#include <string>

#include "concord/observe/observation.h"

namespace concord::observe {

std::string DumpObservation(const Observation& observation);

// The compact JSON text of one value of `store`.
std::string DumpValue(const ValueStore& store, ValueStore::Id id);

}  // namespace concord::observe
