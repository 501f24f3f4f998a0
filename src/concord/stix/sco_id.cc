#include "concord/stix/sco_id.h"

#include "concord/base/uuid.h"
#include "concord/json/canonical.h"
#include "concord/json/document.h"
#include "concord/stix/type_table.h"

namespace concord::stix {
namespace {

// The namespace of STIX 2.1 deterministic SCO identifiers (section 2.9).
constexpr Uuid kScoNamespace = {{0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c, 0x9c, 0x01, 0xfe,
                                 0xd2, 0x33, 0x15, 0xa9, 0xb7}};

// Appends `s` as an RFC 8785 string: '"' and '\\' escaped, \b \f \n \r \t for those controls,
// \u00xx for the other controls, everything else (UTF-8) as is.
void AppendCanonicalString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (u < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[u >> 4]);
          out->push_back(kHex[u & 15]);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

// Appends the one hash that contributes to the id: MD5, else SHA-1, else SHA-256, else SHA-512,
// else the first one written. False when `hashes` is not a non-empty object.
bool AppendChosenHash(const json::Element& hashes, std::string* out) {
  json::ObjectView dict;
  if (hashes.get_object().get(dict) != simdjson::SUCCESS || dict.size() == 0) return false;
  static constexpr std::string_view kPreference[] = {"MD5", "SHA-1", "SHA-256", "SHA-512"};
  std::string_view key;
  json::Element value;
  for (std::string_view algorithm : kPreference) {
    if (dict.at_key(algorithm).get(value) == simdjson::SUCCESS) {
      key = algorithm;
      break;
    }
  }
  if (key.empty()) {
    const auto first = *dict.begin();
    key = first.key;
    value = first.value;
  }
  out->push_back('{');
  AppendCanonicalString(key, out);
  out->push_back(':');
  json::AppendCanonical(value, out);
  out->push_back('}');
  return true;
}

}  // namespace

Result<std::optional<std::string>> DeterministicScoId(std::string_view sco_json) {
  json::Parser parser;
  Result<json::Element> parsed = parser.Parse(sco_json);
  if (!parsed.ok()) return InvalidArgument("SCO JSON: " + parsed.status().message());
  json::ObjectView object;
  if (parsed->get_object().get(object) != simdjson::SUCCESS) {
    return InvalidArgument("SCO JSON: expected a JSON object");
  }
  json::Element type_el;
  std::string_view type;
  if (object.at_key("type").get(type_el) != simdjson::SUCCESS ||
      type_el.get_string().get(type) != simdjson::SUCCESS) {
    return InvalidArgument("SCO JSON: expected a string \"type\"");
  }
  const internal::TypeInfo* info = internal::FindType(type);
  if (info == nullptr || info->id_contributing.empty()) return std::optional<std::string>();

  // The JSON object of the contributing properties present, members in canonical (sorted)
  // order: the table lists them sorted and they are ASCII, so byte order is RFC 8785 order.
  std::string name = "{";
  bool any = false;
  for (std::string_view prop : info->id_contributing) {
    json::Element value;
    if (object.at_key(prop).get(value) != simdjson::SUCCESS || value.is_null()) continue;
    const size_t mark = name.size();
    if (any) name.push_back(',');
    AppendCanonicalString(prop, &name);
    name.push_back(':');
    if (prop == "hashes") {
      if (!AppendChosenHash(value, &name)) {
        name.resize(mark);  // an empty or malformed hashes contributes nothing
        continue;
      }
    } else {
      json::AppendCanonical(value, &name);
    }
    any = true;
  }
  if (!any) return std::optional<std::string>();
  name.push_back('}');
  std::string id(type);
  id += "--";
  id += UuidV5(kScoNamespace, name).ToString();
  return std::optional<std::string>(std::move(id));
}

}  // namespace concord::stix
