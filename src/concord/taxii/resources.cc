#include "concord/taxii/resources.h"

#include "concord/json/writer.h"
#include "concord/taxii/query.h"

namespace concord::taxii {
namespace {

void OptionalString(json::Writer& w, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  w.Key(key);
  w.String(value);
}

// A paged resource (envelope, manifest, versions): {"more": ..., "next": ..., key: [...]}, with
// `each(writer, object)` writing one entry per stored object; "next" only when not empty, `key`
// only when the page holds objects.
template <typename Each>
std::string PagedJson(const store::Page& page, std::string_view next, std::string_view key,
                      size_t reserve, Each each) {
  std::string out;
  out.reserve(reserve);
  json::Writer w(&out);
  w.BeginObject();
  w.Key("more");
  w.Bool(page.more);
  OptionalString(w, "next", next);
  if (!page.objects.empty()) {
    w.Key(key);
    w.BeginArray();
    for (const store::StoredObject& o : page.objects) each(w, o);
    w.EndArray();
  }
  w.EndObject();
  return out;
}

}  // namespace

std::string DiscoveryJson(const Discovery& d) {
  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  w.Key("title");
  w.String(d.title);
  OptionalString(w, "description", d.description);
  OptionalString(w, "contact", d.contact);
  OptionalString(w, "default", d.default_api_root);
  if (!d.api_roots.empty()) {
    w.Key("api_roots");
    w.BeginArray();
    for (const std::string& r : d.api_roots) w.String(r);
    w.EndArray();
  }
  w.EndObject();
  return out;
}

std::string ApiRootJson(const ApiRootInfo& root) {
  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  w.Key("title");
  w.String(root.title);
  OptionalString(w, "description", root.description);
  w.Key("versions");
  w.BeginArray();
  w.String(kTaxiiMediaType);
  w.EndArray();
  w.Key("max_content_length");
  w.UInt(root.max_content_length);
  w.EndObject();
  return out;
}

namespace {

void WriteCollection(json::Writer& w, const CollectionView& v) {
  w.BeginObject();
  w.Key("id");
  w.String(v.collection.id);
  w.Key("title");
  w.String(v.collection.title.empty() ? v.collection.alias : v.collection.title);
  OptionalString(w, "description", v.collection.description);
  OptionalString(w, "alias", v.collection.alias);
  w.Key("can_read");
  w.Bool(v.can_read);
  w.Key("can_write");
  w.Bool(v.can_write);
  w.Key("media_types");
  w.BeginArray();
  w.String(kStixMediaType);
  w.EndArray();
  w.EndObject();
}

}  // namespace

std::string CollectionJson(const CollectionView& view) {
  std::string out;
  json::Writer w(&out);
  WriteCollection(w, view);
  return out;
}

std::string CollectionsJson(std::span<const CollectionView> views) {
  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  if (!views.empty()) {
    w.Key("collections");
    w.BeginArray();
    for (const CollectionView& v : views) WriteCollection(w, v);
    w.EndArray();
  }
  w.EndObject();
  return out;
}

std::string DateAddedText(int64_t date_added_us) {
  char text[kMaxFormattedTimestamp];
  return std::string(text, FormatTimestampInto(Timestamp::FromMicros(date_added_us), 6, text));
}

std::string VersionText(const store::StoredObject& object) {
  // The key is "YYYY-MM-DDTHH:MM:SS." and at least nine fraction digits: keep at least
  // milliseconds, drop the trailing zeros beyond, add the zone.
  const std::string& key = object.version;
  const size_t dot = key.find('.');
  if (key.empty() || dot == std::string::npos) return DateAddedText(object.date_added_us);
  size_t end = key.size();
  while (end > dot + 4 && key[end - 1] == '0') --end;
  return key.substr(0, end) + "Z";
}

std::string EnvelopeJson(const store::Page& page, std::string_view next) {
  size_t bytes = 64 + next.size();
  for (const store::StoredObject& o : page.objects) bytes += o.json.size() + 1;
  return PagedJson(page, next, "objects", bytes,
                   [](json::Writer& w, const store::StoredObject& o) { w.Raw(o.json); });
}

std::string ManifestJson(const store::Page& page, std::string_view next) {
  return PagedJson(page, next, "objects", 0, [](json::Writer& w, const store::StoredObject& o) {
    w.BeginObject();
    w.Key("id");
    w.String(o.id);
    w.Key("date_added");
    w.String(DateAddedText(o.date_added_us));
    w.Key("version");
    w.String(VersionText(o));
    w.Key("media_type");
    w.String(kStixMediaType);
    w.EndObject();
  });
}

std::string VersionsJson(const store::Page& page, std::string_view next) {
  return PagedJson(page, next, "versions", 0,
                   [](json::Writer& w, const store::StoredObject& o) { w.String(VersionText(o)); });
}

std::string_view ReasonPhrase(int http_status) {
  switch (http_status) {
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

std::string ErrorJson(const Error& error) {
  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  w.Key("title");
  w.String(error.title.empty() ? ReasonPhrase(error.http_status) : error.title);
  OptionalString(w, "description", error.description);
  OptionalString(w, "error_code", error.error_code);
  w.Key("http_status");
  w.String(std::to_string(error.http_status));
  w.EndObject();
  return out;
}

namespace {

void Details(json::Writer& w, std::string_view key, const std::vector<StatusDetail>& details) {
  if (details.empty()) return;
  w.Key(key);
  w.BeginArray();
  for (const StatusDetail& d : details) {
    w.BeginObject();
    w.Key("id");
    w.String(d.id);
    w.Key("version");
    w.String(d.version);
    OptionalString(w, "message", d.message);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

std::string StatusJson(const StatusResource& s) {
  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  w.Key("id");
  w.String(s.id);
  w.Key("status");
  w.String(s.pendings.empty() ? "complete" : "pending");
  w.Key("request_timestamp");
  w.String(FormatTimestamp(s.request_timestamp, 6));
  w.Key("total_count");
  w.UInt(s.successes.size() + s.failures.size() + s.pendings.size());
  w.Key("success_count");
  w.UInt(s.successes.size());
  Details(w, "successes", s.successes);
  w.Key("failure_count");
  w.UInt(s.failures.size());
  Details(w, "failures", s.failures);
  w.Key("pending_count");
  w.UInt(s.pendings.size());
  Details(w, "pendings", s.pendings);
  w.EndObject();
  return out;
}

}  // namespace concord::taxii
