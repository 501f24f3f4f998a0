#include "concord/stix/validator.h"

#include <optional>
#include <string>

#include "concord/base/hash.h"
#include "concord/base/timestamp.h"
#include "concord/json/canonical.h"
#include "concord/json/document.h"
#include "concord/json/edit.h"
#include "concord/stix/object_checker.h"
#include "concord/stix/tlp.h"

namespace concord::stix {
namespace {

using json::Element;
using Severity = Diagnostic::Severity;

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

// `text` (a timestamp already checked by ParseTimestamp) with its fraction padded with zeros to
// three digits, or std::nullopt when it already has three or more (or is empty).
std::optional<std::string> PaddedToMillis(std::string_view text) {
  if (text.size() < 20) return std::nullopt;
  const size_t zone = text.size() - 1;  // 'Z' (offsets are refused for object timestamps)
  size_t digits = 0;
  if (text[19] == '.') digits = zone - 20;
  if (digits >= 3) return std::nullopt;
  std::string out(text.substr(0, zone));
  if (digits == 0) out += '.';
  out.append(3 - digits, '0');
  out += text[zone];
  return out;
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
    o.json = minified;
    if (checked.spec_version_present) json::RemoveTopLevelMember(&o.json, "spec_version");
    // STIX 2.1 wants created/modified to the millisecond; 2.0 data often has whole seconds.
    // Padding keeps the instant (and so the version) and makes the stored object valid 2.1.
    for (const auto& [name, value] :
         {std::pair{"created", checked.created}, std::pair{"modified", checked.modified}}) {
      if (std::optional<std::string> padded = PaddedToMillis(value)) {
        json::ReplaceTopLevelMemberValue(&o.json, name, "\"" + *padded + "\"");
      }
    }
    std::string added = "\"spec_version\":\"2.1\"";
    if (checked.add_pattern_type) added += ",\"pattern_type\":\"stix\"";
    if (checked.add_is_family) added += ",\"is_family\":true";
    json::InsertMembersFirst(&o.json, added);
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
