#pragma once

// The JSON bodies of TAXII 2.1 responses (OASIS TAXII 2.1 section 4 and 5): discovery, API root,
// collections, envelope, manifest, versions, status, and the error message. Pure writers: the
// server decides what goes in them (what a partner may see), these only write it exactly as the
// specification lays it out. Every body is sent as taxii::kTaxiiMediaType.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "concord/base/timestamp.h"
#include "concord/store/store.h"

namespace concord::taxii {

// The media type of STIX 2.1 content, listed in each collection's media_types.
inline constexpr std::string_view kStixMediaType = "application/stix+json;version=2.1";

// Discovery (section 4.1): title required; the rest omitted when empty.
struct Discovery {
  std::string title;
  std::string description;
  std::string contact;
  std::string default_api_root;  // a URL
  std::vector<std::string> api_roots;
};
std::string DiscoveryJson(const Discovery& discovery);

// API Root information (section 4.2): versions is always [kTaxiiMediaType].
struct ApiRootInfo {
  std::string title;
  std::string description;
  uint64_t max_content_length = 0;  // bytes of a request body the server accepts
};
std::string ApiRootJson(const ApiRootInfo& root);

// One collection as one partner sees it (section 5.2): can_read/can_write are that partner's.
struct CollectionView {
  store::Collection collection;
  bool can_read = false;
  bool can_write = false;
};
std::string CollectionJson(const CollectionView& view);
// Collections (section 5.1): {"collections": [...]}, or {} when there is none to show.
std::string CollectionsJson(std::span<const CollectionView> views);

// The version of a stored object as TAXII writes it (manifest, versions, status): the object's
// modified (or created) time in RFC 3339 with 'Z', or its date_added for objects without either
// (SCOs).
std::string VersionText(const store::StoredObject& object);
// A date_added (microseconds since the epoch) in RFC 3339 with six fraction digits and 'Z', as
// the X-TAXII-Date-Added-First/-Last headers and manifest entries carry it. Microseconds, so
// that a client paging with added_after = the last header never skips or repeats an object
// (date_added is unique per store to the microsecond).
std::string DateAddedText(int64_t date_added_us);

// Envelope (section 3.7): {"more": ..., "next": ..., "objects": [...]}, objects written as
// stored; "next" only when `next` is not empty, "objects" only when there are some.
std::string EnvelopeJson(const store::Page& page, std::string_view next);
// Manifest (section 5.3): one record per stored version: id, date_added, version, media_type.
std::string ManifestJson(const store::Page& page, std::string_view next);
// Versions (section 5.7): the versions of one object, oldest first as the page holds them.
std::string VersionsJson(const store::Page& page, std::string_view next);

// Error message (section 3.6.1). http_status is written as a string, as the specification types
// it, and must equal the response's status code.
struct Error {
  int http_status = 500;
  std::string title;        // short, e.g. "Bad Request"
  std::string description;  // what was wrong and where; omitted when empty
  std::string error_code;   // machine-readable, e.g. "invalid-filter"; omitted when empty
};
std::string ErrorJson(const Error& error);
// The standard reason phrase of an HTTP status code ("Not Acceptable"), "Error" when unknown.
std::string_view ReasonPhrase(int http_status);

// Status (section 4.3): the outcome of one POST of objects.
struct StatusDetail {
  std::string id;
  std::string version;  // as VersionText writes it
  std::string message;  // why it failed; omitted when empty
};
struct StatusResource {
  std::string id;  // a UUID
  Timestamp request_timestamp;
  std::vector<StatusDetail> successes;
  std::vector<StatusDetail> failures;
  std::vector<StatusDetail> pendings;
};
// "status" is "complete" when nothing is pending, else "pending"; the counts are the list sizes.
std::string StatusJson(const StatusResource& status);

}  // namespace concord::taxii
