#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "concord/base/result.h"
#include "concord/json/limits.h"
#include "concord/stix/diagnostic.h"
#include "concord/stix/object.h"

namespace concord::stix {

struct ValidatorOptions {
  json::Limits limits;
  // Accept STIX 2.0 objects (no spec_version on an SDO/SRO, or spec_version "2.0") and upgrade
  // them to 2.1 with a warning: spec_version "2.1" is added, indicators get pattern_type "stix",
  // malware gets is_family true. When false, 2.0 input is an error.
  bool accept_stix20 = true;
};

// The verdict on one object.
struct Validation {
  // Set when there are no errors (warnings allowed).
  std::optional<Object> object;
  // Every error and warning found, in the order of the object's properties where possible.
  Diagnostics diagnostics;
  // The object's "type" and "id" as far as they could be read (empty otherwise); for messages.
  std::string type;
  std::string id;
  bool upgraded_from_20 = false;

  bool ok() const { return object.has_value(); }
};

// Checks STIX objects against the STIX 2.1 specification: common properties by object kind,
// id syntax and prefix, timestamps, required properties of every 2.1 type, reference shapes and
// target types, property value types and ranges, granular marking selectors, custom property and
// type names. Custom properties and extensions are kept verbatim. Objects of unknown (custom)
// types are checked for their common properties only.
// Thread safety: one Validator per thread (it owns a JSON parser).
class Validator {
 public:
  explicit Validator(ValidatorOptions options = {});
  ~Validator();
  Validator(const Validator&) = delete;
  Validator& operator=(const Validator&) = delete;

  // Validates the JSON text of one object. Never throws; malformed JSON is an error diagnostic
  // with its byte offset. A "bundle" is not an object and is reported as an error here.
  Validation Validate(std::string_view json_text);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// The normalised version key of an RFC 3339 timestamp: "YYYY-MM-DDTHH:MM:SS." followed by the
// fraction padded with zeros to nine digits (longer fractions keep their digits, without trailing
// zeros). Byte order of keys is time order; equal instants give equal keys. Errors as
// ParseTimestamp.
Result<std::string> VersionKey(std::string_view rfc3339);

}  // namespace concord::stix
