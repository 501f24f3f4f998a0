#include "concord/stix/validator.h"

#include <optional>
#include <string>

#include "concord/base/hash.h"
#include "concord/base/timestamp.h"
#include "concord/json/canonical.h"
#include "concord/json/document.h"
#include "concord/stix/object_checker.h"
#include "concord/stix/tlp.h"

namespace concord::stix {
namespace {

using json::Element;
using Severity = Diagnostic::Severity;

// ---------------------------------------------------------------------------------------------
// Editing minified JSON text (only for 2.0 -> 2.1 upgrades).

// Index just past the JSON string that starts at s[i] ('"').
size_t SkipString(std::string_view s, size_t i) {
  ++i;
  while (i < s.size() && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
  return i + 1;
}

// Index just past the value that starts at s[i], in minified JSON. Iterative.
size_t SkipValue(std::string_view s, size_t i) {
  if (i >= s.size()) return i;
  if (s[i] == '"') return SkipString(s, i);
  if (s[i] == '{' || s[i] == '[') {
    size_t depth = 0;
    while (i < s.size()) {
      const char c = s[i];
      if (c == '"') {
        i = SkipString(s, i);
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return i;
  }
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']') ++i;
  return i;
}

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// True when the JSON string body `raw` (without quotes, escapes undecoded) spells `name`, which is
// ASCII.
bool RawKeyEquals(std::string_view raw, std::string_view name) {
  if (raw.find('\\') == std::string_view::npos) return raw == name;
  size_t j = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      const char e = raw[++i];
      if (e == 'u' && i + 4 < raw.size()) {
        int v = 0;
        for (int k = 1; k <= 4; ++k) {
          const int d = HexDigitValue(raw[i + k]);
          if (d < 0) return false;
          v = v * 16 + d;
        }
        if (v >= 0x80) return false;
        c = static_cast<char>(v);
        i += 4;
      } else {
        switch (e) {
          case 'b':
            c = '\b';
            break;
          case 'f':
            c = '\f';
            break;
          case 'n':
            c = '\n';
            break;
          case 'r':
            c = '\r';
            break;
          case 't':
            c = '\t';
            break;
          default:
            c = e;
        }
      }
    }
    if (j >= name.size() || name[j] != c) return false;
    ++j;
  }
  return j == name.size();
}

// Removes the member `name` of the top-level object in minified JSON `json`, if present.
void RemoveTopLevelMember(std::string* json, std::string_view name) {
  std::string_view s = *json;
  size_t depth = 0;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"') {
      const size_t start = i;
      const size_t end = SkipString(s, i);
      if (depth == 1 && start > 0 && (s[start - 1] == '{' || s[start - 1] == ',') &&
          RawKeyEquals(s.substr(start + 1, end - start - 2), name)) {
        const size_t value_end = SkipValue(s, end + 1);  // end is the ':'
        if (s[start - 1] == ',') {
          json->erase(start - 1, value_end - (start - 1));
        } else {
          const size_t erase_end =
              value_end < s.size() && s[value_end] == ',' ? value_end + 1 : value_end;
          json->erase(start, erase_end - start);
        }
        return;
      }
      i = end;
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') --depth;
    ++i;
  }
}

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------

// The normalised version key of a timestamp already checked by ParseTimestamp.
std::string VersionKeyOf(std::string_view text) {
  std::string key(text.substr(0, 19));
  key[10] = 'T';
  key += '.';
  std::string_view fraction;
  if (text.size() > 20 && text[19] == '.') {
    fraction = text.substr(20);
    while (!fraction.empty() && !(fraction.back() >= '0' && fraction.back() <= '9')) {
      fraction.remove_suffix(1);  // the zone designator
    }
    while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  }
  key.append(fraction);
  if (fraction.size() < 9) key.append(9 - fraction.size(), '0');
  return key;
}

}  // namespace

Result<std::string> VersionKey(std::string_view rfc3339) {
  Result<ParsedTimestamp> parsed = ParseTimestamp(rfc3339);
  if (!parsed.ok()) return parsed.status();
  return VersionKeyOf(rfc3339);
}

class Validator::Impl {
 public:
  explicit Impl(ValidatorOptions options) : options_(options), parser_(options.limits) {}

  Validation Validate(std::string_view text);

 private:
  void BuildObject(std::string_view text, const Element& root,
                   const internal::CheckedObject& checked, Validation* v);

  ValidatorOptions options_;
  json::Parser parser_;
  internal::CheckScratch scratch_;
  std::string minified_;
  std::string canonical_;
};

Validation Validator::Impl::Validate(std::string_view text) {
  Validation v;
  Result<Element> parsed = parser_.Parse(text);
  if (!parsed.ok()) {
    const Status& s = parsed.status();
    v.diagnostics.push_back(
        {Severity::kError, "",
         (s.code() == StatusCode::kResourceExhausted ? "the object is beyond the JSON limits: "
                                                     : "not valid JSON: ") +
             s.message()});
    return v;
  }
  const internal::CheckedObject checked = internal::CheckObject(*parsed, options_, &v, &scratch_);
  if (HasErrors(v.diagnostics)) return v;
  BuildObject(text, *parsed, checked, &v);
  return v;
}

void Validator::Impl::BuildObject(std::string_view text, const Element& root,
                                  const internal::CheckedObject& checked, Validation* v) {
  Object o;
  o.type = std::string(checked.type);
  o.id = std::string(checked.id);
  o.kind = checked.kind;
  o.spec_version = "2.1";
  if (o.kind == ObjectKind::kMarkingDefinition) {
    if (!checked.created.empty()) o.version = VersionKeyOf(checked.created);
  } else if (o.kind != ObjectKind::kSco) {
    if (!checked.modified.empty()) o.version = VersionKeyOf(checked.modified);
  }
  o.revoked = checked.revoked;
  Tlp tlp = Tlp::kNone;
  o.object_marking_refs.reserve(scratch_.object_markings.size());
  for (std::string_view ref : scratch_.object_markings) {
    o.object_marking_refs.emplace_back(ref);
    if (std::optional<Tlp> t = TlpFromMarkingId(ref)) tlp = MostRestrictive(tlp, *t);
  }
  o.tlp = tlp;
  o.granular_marking_refs.reserve(scratch_.granular_markings.size());
  for (std::string_view ref : scratch_.granular_markings) {
    o.granular_marking_refs.emplace_back(ref);
    if (std::optional<Tlp> t = TlpFromMarkingId(ref)) tlp = MostRestrictive(tlp, *t);
  }
  o.tlp_including_granular = tlp;

  std::string& minified = minified_;
  minified.resize(text.size());
  size_t length = 0;
  if (simdjson::minify(text.data(), text.size(), minified.data(), length) != simdjson::SUCCESS) {
    v->diagnostics.push_back(
        {Severity::kError, "", "internal error: the object could not be minified"});
    return;
  }
  minified.resize(length);

  std::string& canonical = canonical_;
  canonical.clear();
  if (!checked.upgraded) {
    o.json = minified;
    json::AppendCanonical(root, &canonical);
  } else {
    // The views into the DOM are not used past this point: the upgraded text is parsed again.
    if (checked.spec_version_present) RemoveTopLevelMember(&minified, "spec_version");
    std::string added = "\"spec_version\":\"2.1\"";
    if (checked.add_pattern_type) added += ",\"pattern_type\":\"stix\"";
    if (checked.add_is_family) added += ",\"is_family\":true";
    if (minified.size() > 2) added += ',';
    o.json.reserve(minified.size() + added.size());
    o.json = "{";
    o.json += added;
    o.json.append(minified, 1, std::string::npos);
    Result<Element> reparsed = parser_.Parse(o.json);
    if (!reparsed.ok()) {
      v->diagnostics.push_back(
          {Severity::kError, "",
           "internal error: the upgraded object does not parse: " + reparsed.status().message()});
      return;
    }
    json::AppendCanonical(*reparsed, &canonical);
  }
  o.content_digest = Sha256(canonical);
  v->object = std::move(o);
}

Validator::Validator(ValidatorOptions options) : impl_(std::make_unique<Impl>(options)) {}

Validator::~Validator() = default;

Validation Validator::Validate(std::string_view json_text) { return impl_->Validate(json_text); }

}  // namespace concord::stix
