#pragma once

// The parts of a TAXII 2.1 request that are text to be checked before anything else happens:
// media types (Accept, Content-Type) and the URL query of the object endpoints (filters and
// paging). Pure functions over hostile input: every malformed value is an InvalidArgument that
// names the parameter and says what is wrong, which the server turns into 400 (never 500).
//
// TAXII 2.1 (OASIS Committee Specification 01): section 1.6.8 (media types), 3.4 (pagination),
// 3.5 (filtering), 5.x (which endpoint takes which parameter).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "concord/base/result.h"
#include "concord/base/timestamp.h"
#include "concord/store/store.h"

namespace concord::taxii {

// The media type of every TAXII 2.1 response body, including errors.
inline constexpr std::string_view kTaxiiMediaType = "application/taxii+json;version=2.1";

// What an Accept header admits.
enum class Acceptance {
  kTaxii21,        // application/taxii+json;version=2.1, or the unversioned application/taxii+json
                   // (read as the latest version, 2.1), or a wildcard (*/*, application/*), or no
                   // Accept header at all ("" here)
  kNotAcceptable,  // anything else, including only other TAXII versions: 406
};
// Reads an Accept header value (RFC 9110 section 12.5.1): a comma-separated list of media ranges,
// each with optional parameters; types, subtypes and parameter names compare case-insensitively,
// whitespace around ';' ',' '=' is ignored, parameter values may be quoted, and a range with
// q=0 excludes. A "version" parameter other than 2.1 on taxii+json does not admit 2.1.
// As RFC 9110 says, the most specific range that matches decides: application/taxii+json;
// version=2.1, then application/taxii+json, then application/*, then */* (so
// "application/taxii+json;q=0, */*" is kNotAcceptable); between equally specific ranges the lowest
// weight counts. A blank header (only spaces and tabs) counts as absent.
// Malformed members are ignored (they admit nothing); never fails.
Acceptance ReadAccept(std::string_view accept);

// Whether a request's Content-Type is a TAXII body Concord reads (POST objects):
// application/taxii+json with version=2.1 or without a version, case-insensitive, parameters in
// any order, other parameters (charset=utf-8) allowed. False (415) for anything else,
// including an absent header ("").
bool IsTaxiiContentType(std::string_view content_type);

// Which endpoint a query is for: each takes its own parameters (TAXII 2.1 section 5).
enum class Endpoint {
  kObjects,   // GET {api-root}/collections/{id}/objects/: every filter and paging parameter
  kManifest,  // GET .../manifest/: the same
  kObject,    // GET .../objects/{object-id}/: added_after, limit, next, match[version],
              // match[spec_version]
  kVersions,  // GET .../objects/{object-id}/versions/: added_after, limit, next,
              // match[spec_version]
  kDelete,    // DELETE .../objects/{object-id}/: match[version], match[spec_version]
};

struct QueryLimits {
  size_t max_query_bytes = 8192;  // the whole query string, before decoding
  size_t max_values = 1000;       // values across all match[...] lists
  size_t max_page = 10000;        // larger limits are clamped to this (the spec allows it)
  size_t default_page = 100;      // when no limit is given
};

// A parsed query. Versions and timestamps are checked; ids and types are checked for shape.
struct ObjectQuery {
  std::optional<Timestamp> added_after;  // strictly after (date_added)
  size_t limit = 0;                      // within 1..max_page (default_page when not given)
  std::string next;                      // the opaque cursor as given, "" when absent
  std::vector<std::string> ids;          // match[id]: STIX identifiers, type--UUID
  std::vector<std::string> types;        // match[type]: STIX type names
  // match[version]: "first", "last", "all" or a version timestamp (as a store::VersionFilter
  // with kAt and the stix::VersionKey of the timestamp). Empty when absent; the endpoints'
  // default ("last" for objects, object and manifest; "all" for versions) is the caller's.
  std::vector<store::VersionFilter> versions;
  std::vector<std::string> spec_versions;  // match[spec_version]: "2.0", "2.1"
};

// Parses the URL query (the text after '?', without it; "" for none) of a request to
// `endpoint`. Parameters are '&'-separated name=value pairs (empty pairs are skipped); names and
// values are percent-decoded (a '+' is a space) before anything else, so "match%5Btype%5D" is
// match[type] and "%2C" separates list items. match[...] values are comma-separated lists, and a
// parameter given twice adds to its list (limit, added_after and next may be given once).
// Timestamps (added_after, match[version]) are RFC 3339 in UTC: YYYY-MM-DDTHH:MM:SS[.fraction]Z.
// A limit above max_page is clamped to it. InvalidArgument, naming the parameter, for: an unknown
// parameter or match[field], a parameter the endpoint does not take, malformed percent escapes
// ('%' without two hex digits after it) or a NUL byte, a pair without '=', an empty value or list
// item, limit/added_after/next given twice, a limit that is not a positive integer, an added_after
// or version that is not an RFC 3339 timestamp, an id that is not type--UUID, a type that is not
// a STIX type name, a spec_version other than 2.0/2.1, a next that is not printable ASCII without
// spaces, more than max_values values, a query longer than max_query_bytes. User text in messages
// is quoted, cut to 60 bytes, with control and non-ASCII bytes escaped.
Result<ObjectQuery> ParseObjectQuery(std::string_view query, Endpoint endpoint,
                                     const QueryLimits& limits = {});

}  // namespace concord::taxii
