#include "concord/stix/object_checker.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "concord/base/timestamp.h"
#include "concord/stix/tlp.h"
#include "concord/stix/type_table.h"
#include "concord/stix/value_rules.h"

namespace concord::stix::internal {
namespace {

using json::ArrayView;
using json::Element;
using json::ElementType;
using json::ObjectView;
using Severity = Diagnostic::Severity;

constexpr std::string_view kTlp2ExtensionId =
    "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
constexpr std::string_view kMarkingTypes[] = {"marking-definition"};
constexpr RefTarget kToMarking{.types = kMarkingTypes, .description = "a marking-definition"};
constexpr std::string_view kArtifactOrFileTypes[] = {"artifact", "file"};
constexpr RefTarget kToArtifactOrFile{.types = kArtifactOrFileTypes,
                                      .description = "an artifact or file"};
constexpr std::string_view kFileOrDirectoryTypes[] = {"file", "directory"};
constexpr RefTarget kToFileOrDirectory{.types = kFileOrDirectoryTypes,
                                       .description = "a file or directory"};

// A JSON path inside the object being checked, built on the stack while descending and turned
// into text ("granular_markings[0].selectors[1]") only for a diagnostic.
struct Path {
  const Path* parent = nullptr;
  std::string_view key;
  int64_t index = -1;

  // The child paths point at this one, so a temporary must not be their parent.
  Path Key(std::string_view k) const& { return Path{this, k, -1}; }
  Path Index(int64_t i) const& { return Path{this, {}, i}; }
  Path Key(std::string_view k) const&& = delete;
  Path Index(int64_t i) const&& = delete;

  std::string Str() const {
    const Path* nodes[32];
    size_t n = 0;
    for (const Path* p = this; p != nullptr && n < std::size(nodes); p = p->parent) {
      nodes[n++] = p;
    }
    std::string out;
    while (n-- > 0) {
      const Path* p = nodes[n];
      if (p->index >= 0) {
        out += '[';
        out += std::to_string(p->index);
        out += ']';
      } else if (!p->key.empty()) {
        if (!out.empty()) out += '.';
        out += p->key;
      }
    }
    return out;
  }
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string FormatDouble(double d) {
  if (std::trunc(d) == d && std::fabs(d) < 1e17) return std::to_string(static_cast<int64_t>(d));
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

// What a JSON value is, for "must be X, not Y" messages.
std::string Describe(const Element& e) {
  switch (e.type()) {
    case ElementType::STRING: {
      std::string_view s;
      if (e.get_string().get(s) == simdjson::SUCCESS) return "the string " + Quote(s);
      return "a string";
    }
    case ElementType::INT64: {
      int64_t i = 0;
      if (e.get_int64().get(i) != simdjson::SUCCESS) return "a number";
      return "the number " + std::to_string(i);
    }
    case ElementType::UINT64: {
      uint64_t u = 0;
      if (e.get_uint64().get(u) != simdjson::SUCCESS) return "a number";
      return "the number " + std::to_string(u);
    }
    case ElementType::DOUBLE: {
      double d = 0;
      if (e.get_double().get(d) != simdjson::SUCCESS) return "a number";
      return "the number " + FormatDouble(d);
    }
    case ElementType::BOOL: {
      bool b = false;
      if (e.get_bool().get(b) != simdjson::SUCCESS) return "a boolean";
      return b ? "true" : "false";
    }
    case ElementType::NULL_VALUE:
      return "null";
    case ElementType::ARRAY:
      return "a list";
    case ElementType::OBJECT:
      return "an object";
  }
  return "a JSON value";
}

bool GetString(const Element& e, std::string_view* out) {
  return e.get_string().get(*out) == simdjson::SUCCESS;
}

bool GetObject(const Element& e, ObjectView* out) {
  return e.get_object().get(*out) == simdjson::SUCCESS;
}

bool GetArray(const Element& e, ArrayView* out) {
  return e.get_array().get(*out) == simdjson::SUCCESS;
}

// The value of `e` as a whole number, when it is one (integral doubles included).
bool GetInteger(const Element& e, double* out) {
  switch (e.type()) {
    case ElementType::INT64: {
      int64_t i;
      if (e.get_int64().get(i) != simdjson::SUCCESS) return false;
      *out = static_cast<double>(i);
      return true;
    }
    case ElementType::UINT64: {
      uint64_t u;
      if (e.get_uint64().get(u) != simdjson::SUCCESS) return false;
      *out = static_cast<double>(u);
      return true;
    }
    case ElementType::DOUBLE: {
      double d;
      if (e.get_double().get(d) != simdjson::SUCCESS) return false;
      if (!std::isfinite(d) || std::trunc(d) != d) return false;
      *out = d;
      return true;
    }
    default:
      return false;
  }
}

bool GetNumber(const Element& e, double* out) {
  switch (e.type()) {
    case ElementType::INT64:
    case ElementType::UINT64:
    case ElementType::DOUBLE:
      return e.get_double().get(*out) == simdjson::SUCCESS;
    default:
      return false;
  }
}

std::string KindDescription(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::kSdo:
      return "domain objects (SDOs)";
    case ObjectKind::kSro:
      return "relationship objects (SROs)";
    case ObjectKind::kSco:
      return "cyber-observable objects (SCOs)";
    case ObjectKind::kMarkingDefinition:
      return "marking-definitions";
    case ObjectKind::kLanguageContent:
      return "language-content objects";
    case ObjectKind::kExtensionDefinition:
      return "extension-definitions";
  }
  return "objects";
}

bool RefAllowed(const RefTarget& target, std::string_view type) {
  if (!target.types.empty()) return Contains(target.types, type);
  const TypeInfo* info = FindType(type);
  if (info == nullptr) {
    // A custom type: it may be an SDO, an SCO or an SRO; a bundle is none.
    return type != "bundle" && (target.kinds & (kRefSdo | kRefSco | kRefSro)) != 0;
  }
  switch (info->kind) {
    case ObjectKind::kSdo:
      return (target.kinds & kRefSdo) != 0;
    case ObjectKind::kSco:
      return (target.kinds & kRefSco) != 0;
    case ObjectKind::kSro:
      return (target.kinds & kRefSro) != 0;
    default:
      return (target.kinds & kRefMeta) != 0;
  }
}

bool IsReservedName(std::string_view key) {
  return key == "severity" || key == "username" || key == "phone_number" || key == "action";
}

// Checks one parsed object against STIX 2.1 and records what the validator needs to build the
// Object. One instance per Validate() call.
class ObjectChecker {
 public:
  ObjectChecker(const ValidatorOptions& options, Validation* out, CheckScratch* scratch)
      : options_(options), out_(out), scratch_(scratch) {}

  // Checks `root`. Afterwards the accessors below describe what was found.
  void Run(const Element& root);

  const ObjectView& object() const { return obj_; }
  std::string_view type() const { return type_; }
  std::string_view id() const { return id_; }
  ObjectKind kind() const { return kind_; }
  bool upgraded() const { return upgraded_; }
  bool spec_version_present() const { return spec_version_present_; }
  bool revoked() const { return revoked_; }
  bool add_pattern_type() const { return add_pattern_type_; }
  bool add_is_family() const { return add_is_family_; }
  std::string_view created() const { return created_; }
  std::string_view modified() const { return modified_; }

 private:
  void Error(const Path& p, std::string message) {
    out_->diagnostics.push_back({Severity::kError, p.Str(), std::move(message)});
  }
  void Warning(const Path& p, std::string message) {
    out_->diagnostics.push_back({Severity::kWarning, p.Str(), std::move(message)});
  }

  bool ReadType(const Element& type_el);
  void DetermineVersion(const Element* spec_version_el);
  void CheckDuplicateKeys();
  void CheckId(const Path& p, const Element& v);
  void CheckMember(const Path& p, std::string_view key, const Element& v);
  void CheckValue(const PropSpec& spec, const Path& p, const Element& v);
  void CheckCustom(const Path& p, std::string_view key, const Element& v, bool check_name);
  void CheckRequired(std::span<const PropSpec> props);

  bool ExpectString(const Path& p, const Element& v, std::string_view* out);
  bool ExpectObject(const Path& p, const Element& v, ObjectView* out, bool non_empty);
  bool ExpectList(const Path& p, const Element& v, ArrayView* out);
  void CheckInteger(const PropSpec& spec, const Path& p, const Element& v);
  void CheckFloat(const PropSpec& spec, const Path& p, const Element& v);
  void CheckTimestamp(const PropSpec& spec, const Path& p, const Element& v);
  bool CheckRef(const RefTarget* target, const Path& p, const Element& v, std::string_view* out);
  void CheckRefList(const RefTarget* target, const Path& p, const Element& v,
                    std::vector<std::string_view>* collect);
  void CheckStringList(const Path& p, const Element& v);
  void CheckEnum(std::span<const std::string_view> allowed, const Path& p, const Element& v);
  void CheckDictionary(const Path& p, const Element& v);
  void CheckHashes(const Path& p, const Element& v);
  void CheckExternalReferences(const Path& p, const Element& v);
  void CheckKillChainPhases(const Path& p, const Element& v);
  void CheckGranularMarkings(const Path& p, const Element& v);
  void CheckSelector(const Path& p, std::string_view selector);
  void CheckExtensions(const Path& p, const Element& v);
  void CheckPredefinedExtension(const Path& p, std::string_view name, const ObjectView& ext);
  void CheckObservableContainer(const Path& p, const Element& v);
  void CheckLanguageContents(const Path& p, const Element& v);

  // Rules across properties, per type.
  void TypeRules();
  void CheckOrder(std::string_view first, std::string_view second, bool strict);
  void IndicatorRules();
  void MalwareRules();
  void MalwareAnalysisRules();
  void LocationRules();
  void ObservedDataRules();
  void RelationshipRules();
  void MarkingDefinitionRules();
  void ExtensionDefinitionRules();
  void ArtifactRules();
  void EmailMessageRules();
  void FileRules();
  void NetworkTrafficRules();
  void AddressRules();
  void AtLeastOnePropertyRule();

  bool Has(std::string_view name) const {
    Element e;
    return obj_.at_key(name).get(e) == simdjson::SUCCESS;
  }
  bool Get(std::string_view name, Element* e) const {
    return obj_.at_key(name).get(*e) == simdjson::SUCCESS;
  }
  const TimestampFact* Ts(std::string_view name) const {
    for (const auto& t : scratch_->timestamps) {
      if (t.name == name) return &t;
    }
    return nullptr;
  }
  bool Seen(const PropSpec* spec) const {
    return std::find(scratch_->seen.begin(), scratch_->seen.end(), spec) != scratch_->seen.end();
  }

  const ValidatorOptions& options_;
  Validation* out_;
  CheckScratch* scratch_;
  const Path root_{};

  Element root_el_;
  ObjectView obj_;
  std::string_view type_;
  std::string_view id_;
  const TypeInfo* info_ = nullptr;
  ObjectKind kind_ = ObjectKind::kSdo;
  bool upgraded_ = false;
  bool spec_version_present_ = false;
  bool revoked_ = false;
  bool add_pattern_type_ = false;
  bool add_is_family_ = false;
  std::string_view created_;
  std::string_view modified_;
};

void ObjectChecker::Run(const Element& root) {
  root_el_ = root;
  if (!GetObject(root, &obj_)) {
    Error(root_, "a STIX object must be a JSON object, but this is " + Describe(root));
    return;
  }
  Element type_el, spec_version_el;
  bool has_type = false;
  bool has_created_or_modified = false;
  for (auto field : obj_) {
    scratch_->keys.push_back(field.key);
    if (field.key == "type") {
      type_el = field.value;
      has_type = true;
    } else if (field.key == "spec_version") {
      spec_version_el = field.value;
      spec_version_present_ = true;
    } else if (field.key == "created" || field.key == "modified") {
      has_created_or_modified = true;
    } else if (field.key == "id") {
      std::string_view id;
      if (GetString(field.value, &id)) id_ = id;
    }
  }
  out_->id = std::string(id_);
  if (!has_type) {
    Error(root_.Key("type"),
          "the required property is missing: every STIX object says what it is in \"type\" "
          "(e.g. \"indicator\")");
    return;
  }
  if (!ReadType(type_el)) return;
  if (info_ == nullptr) {
    // A custom object: domain-object-like when it is versioned, observable-like otherwise.
    kind_ = has_created_or_modified ? ObjectKind::kSdo : ObjectKind::kSco;
  }
  CheckDuplicateKeys();
  DetermineVersion(spec_version_present_ ? &spec_version_el : nullptr);

  bool has_id = false;
  for (auto field : obj_) {
    const std::string_view key = field.key;
    if (key == "type" || key == "spec_version") continue;
    const Path p = root_.Key(key);
    if (key == "id") {
      has_id = true;
      CheckId(p, field.value);
      continue;
    }
    CheckMember(p, key, field.value);
  }
  if (!has_id) {
    Error(root_.Key("id"), "the required property is missing: every STIX object has an id \"" +
                               std::string(type_) + "--<UUID>\"");
  }
  if (info_ != nullptr) CheckRequired(info_->props);
  // The common required properties of the kind.
  static constexpr std::string_view kCommonRequired[] = {"created", "modified", "created_by_ref"};
  for (std::string_view name : kCommonRequired) {
    const PropSpec* spec = FindProp(nullptr, kind_, name);
    if (spec != nullptr && spec->required && !Seen(spec)) {
      Error(root_.Key(name), "the required property is missing: " + KindDescription(kind_) +
                                 " must have " + std::string(name));
    }
  }
  TypeRules();
}

bool ObjectChecker::ReadType(const Element& type_el) {
  const Path p = root_.Key("type");
  if (!GetString(type_el, &type_)) {
    Error(p,
          "must be a string naming the object type (e.g. \"indicator\"), not " + Describe(type_el));
    return false;
  }
  out_->type = std::string(type_);
  if (type_ == "bundle") {
    Error(root_,
          "this is a bundle, not a STIX object: a bundle can only be the outermost container, "
          "it cannot appear where an object is expected (bundles do not nest)");
    return false;
  }
  info_ = FindType(type_);
  if (info_ != nullptr) {
    kind_ = info_->kind;
    return true;
  }
  Status s = CheckTypeName(type_);
  if (!s.ok()) {
    Error(p, Quote(type_) +
                 " is neither a STIX 2.1 type nor a valid custom type name: " + s.message());
  }
  return true;
}

void ObjectChecker::CheckDuplicateKeys() {
  auto& keys = scratch_->keys;
  if (keys.size() < 2) return;
  std::sort(keys.begin(), keys.end());
  for (size_t i = 1; i < keys.size(); ++i) {
    if (keys[i] == keys[i - 1] && (i < 2 || keys[i - 2] != keys[i])) {
      Error(root_.Key(keys[i]),
            "the property appears more than once; STIX objects are I-JSON (RFC 7493), where "
            "member names must be unique");
    }
  }
}

void ObjectChecker::DetermineVersion(const Element* spec_version_el) {
  const Path p = root_.Key("spec_version");
  std::string_view sv;
  if (spec_version_el != nullptr && !GetString(*spec_version_el, &sv)) {
    Error(p, "must be the string \"2.1\", not " + Describe(*spec_version_el));
    return;
  }
  const bool present = spec_version_el != nullptr;
  if (present && sv == "2.1") return;
  if (present && sv != "2.0") {
    Error(p, Quote(sv) +
                 " is not a STIX version this validator knows: expected \"2.1\" (or "
                 "\"2.0\", which is upgraded)");
    return;
  }
  if (kind_ == ObjectKind::kSco) {
    if (!present) return;  // SCOs default to 2.1
    Error(p,
          "a cyber-observable with spec_version \"2.0\" cannot stand alone: in STIX 2.0 "
          "observables exist only inside observed-data; write it as a 2.1 SCO with "
          "spec_version \"2.1\"");
    return;
  }
  if (info_ != nullptr && info_->new_in_21) {
    if (present) {
      Error(p, std::string(type_) +
                   " objects do not exist in STIX 2.0; spec_version must be "
                   "\"2.1\"");
    } else {
      Error(p, "the required property is missing: " + std::string(type_) +
                   " objects need spec_version \"2.1\"");
    }
    return;
  }
  // A STIX 2.0 object.
  if (!options_.accept_stix20) {
    Error(present ? p : root_,
          present ? "STIX 2.0 objects are not accepted here; convert the object to STIX 2.1"
                  : "the required property spec_version is missing, which makes this a STIX 2.0 "
                    "object, and STIX 2.0 objects are not accepted here; add \"spec_version\": "
                    "\"2.1\" once the object follows STIX 2.1");
    return;
  }
  upgraded_ = true;
  out_->upgraded_from_20 = true;
  if (type_ == "indicator" && !Has("pattern_type")) add_pattern_type_ = true;
  if (type_ == "malware" && !Has("is_family")) add_is_family_ = true;
  std::string message = "STIX 2.0 object upgraded to 2.1: ";
  message += present ? "spec_version \"2.0\" replaced by \"2.1\"" : "added spec_version \"2.1\"";
  if (add_pattern_type_) message += ", added pattern_type \"stix\"";
  if (add_is_family_) message += ", added is_family true";
  Warning(root_, std::move(message));
}

void ObjectChecker::CheckId(const Path& p, const Element& v) {
  std::string_view id;
  if (!GetString(v, &id)) {
    Error(p, "must be a string \"" + std::string(type_) + "--<UUID>\", not " + Describe(v));
    return;
  }
  std::string_view id_type;
  Status s = CheckIdentifier(id, &id_type);
  if (!s.ok()) {
    Error(p, Quote(id) + " is not a STIX identifier: " + s.message());
    return;
  }
  if (id_type != type_) {
    Error(p, "the id must begin with the object's type, \"" + std::string(type_) + "--\", but " +
                 Quote(id) + " begins with \"" + std::string(id_type) + "--\"");
  }
}

void ObjectChecker::CheckMember(const Path& p, std::string_view key, const Element& v) {
  if (IsReservedName(key)) {
    Error(p,
          "is reserved by STIX 2.1 (section 3.8) and must not be present; rename the "
          "property (e.g. x_example_" +
              std::string(key) + ")");
    return;
  }
  const PropSpec* spec = FindProp(info_, kind_, key);
  if (spec != nullptr) {
    scratch_->seen.push_back(spec);
    CheckValue(*spec, p, v);
    return;
  }
  if (IsNotApplicable(kind_, key)) {
    if (key == "defanged") {
      Error(p, "defanged may be used only on cyber-observable objects (SCOs)");
    } else {
      Warning(p, "STIX 2.1 does not define " + std::string(key) + " for " + KindDescription(kind_) +
                     "; it is kept as a custom property");
    }
    CheckCustom(p, key, v, /*check_name=*/false);
    return;
  }
  CheckCustom(p, key, v, /*check_name=*/true);
}

void ObjectChecker::CheckRequired(std::span<const PropSpec> props) {
  for (const PropSpec& spec : props) {
    if (!spec.required || Seen(&spec)) continue;
    if ((spec.name == "pattern_type" && add_pattern_type_) ||
        (spec.name == "is_family" && add_is_family_)) {
      continue;
    }
    Error(root_.Key(spec.name), "the required property is missing: " + std::string(type_) +
                                    " objects must have " + std::string(spec.name));
  }
}

void ObjectChecker::CheckCustom(const Path& p, std::string_view key, const Element& v,
                                bool check_name) {
  if (check_name) {
    Status s = CheckPropertyName(key);
    if (!s.ok()) Error(p, Quote(key) + " is not a valid custom property name: " + s.message());
  }
  if (v.type() == ElementType::NULL_VALUE) {
    Error(p, "must not be null; leave the property out instead");
    return;
  }
  if (EndsWith(key, "_refs")) {
    CheckRefList(nullptr, p, v, nullptr);
    return;
  }
  ArrayView list;
  if (GetArray(v, &list) && list.size() == 0) {
    Error(p, "must not be an empty list (STIX 2.1 section 2.12); leave the property out instead");
    return;
  }
  std::string_view s;
  if (EndsWith(key, "_ref")) {
    CheckRef(nullptr, p, v, &s);
  } else if (EndsWith(key, "_hex")) {
    if (!GetString(v, &s) || !IsHex(s)) {
      Error(p, "properties ending in _hex hold an even number of hexadecimal digits, not " +
                   Describe(v));
    }
  } else if (EndsWith(key, "_bin")) {
    if (!GetString(v, &s) || !IsBase64(s)) {
      Error(p, "properties ending in _bin hold base64 (RFC 4648), not " + Describe(v));
    }
  }
}

bool ObjectChecker::ExpectString(const Path& p, const Element& v, std::string_view* out) {
  if (GetString(v, out)) return true;
  Error(p, "must be a string, not " + Describe(v));
  return false;
}

bool ObjectChecker::ExpectObject(const Path& p, const Element& v, ObjectView* out, bool non_empty) {
  if (!GetObject(v, out)) {
    Error(p, "must be an object, not " + Describe(v));
    return false;
  }
  if (non_empty && out->size() == 0) {
    Error(p,
          "must not be an empty object (STIX 2.1 section 2.3); leave the property out "
          "instead");
    return false;
  }
  return true;
}

bool ObjectChecker::ExpectList(const Path& p, const Element& v, ArrayView* out) {
  if (!GetArray(v, out)) {
    Error(p, "must be a list, not " + Describe(v));
    return false;
  }
  if (out->size() == 0) {
    Error(p, "must not be an empty list (STIX 2.1 section 2.12); leave the property out instead");
    return false;
  }
  return true;
}

void ObjectChecker::CheckValue(const PropSpec& spec, const Path& p, const Element& v) {
  if (v.type() == ElementType::NULL_VALUE) {
    Error(p, "must not be null; leave the property out instead");
    return;
  }
  std::string_view s;
  switch (spec.value) {
    case Value::kString:
      ExpectString(p, v, &s);
      break;
    case Value::kBoolean: {
      bool b;
      if (v.get_bool().get(b) != simdjson::SUCCESS) {
        Error(p, "must be true or false, not " + Describe(v));
      } else if (spec.name == "revoked") {
        revoked_ = b;
      }
      break;
    }
    case Value::kInteger:
      CheckInteger(spec, p, v);
      break;
    case Value::kFloat:
      CheckFloat(spec, p, v);
      break;
    case Value::kTimestamp:
    case Value::kTimestampMillis:
      CheckTimestamp(spec, p, v);
      break;
    case Value::kRef:
      CheckRef(spec.ref, p, v, &s);
      break;
    case Value::kRefList:
      CheckRefList(spec.ref, p, v,
                   spec.name == "object_marking_refs" ? &scratch_->object_markings : nullptr);
      break;
    case Value::kStringList:
      CheckStringList(p, v);
      break;
    case Value::kEnum:
      CheckEnum(spec.allowed, p, v);
      break;
    case Value::kEnumList: {
      ArrayView list;
      if (!ExpectList(p, v, &list)) break;
      int64_t i = 0;
      for (Element item : list) CheckEnum(spec.allowed, p.Index(i++), item);
      break;
    }
    case Value::kDictionary:
      CheckDictionary(p, v);
      break;
    case Value::kHashes:
      CheckHashes(p, v);
      break;
    case Value::kExternalReferences:
      CheckExternalReferences(p, v);
      break;
    case Value::kKillChainPhases:
      CheckKillChainPhases(p, v);
      break;
    case Value::kGranularMarkings:
      CheckGranularMarkings(p, v);
      break;
    case Value::kExtensions:
      CheckExtensions(p, v);
      break;
    case Value::kObject: {
      ObjectView o;
      ExpectObject(p, v, &o, /*non_empty=*/false);
      break;
    }
    case Value::kObjectList: {
      ArrayView list;
      if (!ExpectList(p, v, &list)) break;
      int64_t i = 0;
      for (Element item : list) {
        ObjectView o;
        ExpectObject(p.Index(i++), item, &o, /*non_empty=*/false);
      }
      break;
    }
    case Value::kHex:
      if (!GetString(v, &s) || !IsHex(s)) {
        Error(p, "must be an even number of hexadecimal digits (0-9, a-f), not " + Describe(v));
      }
      break;
    case Value::kBinary:
      if (!GetString(v, &s) || !IsBase64(s)) {
        Error(p, "must be base64 (RFC 4648, with '=' padding), not " + Describe(v));
      }
      break;
    case Value::kObservableContainer:
      CheckObservableContainer(p, v);
      break;
    case Value::kLanguage:
      if (ExpectString(p, v, &s) && !IsLanguageTag(s)) {
        Error(p, Quote(s) + " is not an RFC 5646 language tag (e.g. \"en\", \"de-CH\")");
      }
      break;
    case Value::kLanguageContents:
      CheckLanguageContents(p, v);
      break;
  }
}

void ObjectChecker::CheckInteger(const PropSpec& spec, const Path& p, const Element& v) {
  constexpr double kLimit = 9007199254740991.0;  // STIX integers fit in 54 bits (section 2.10)
  const double min = spec.has_range ? spec.min : -kLimit;
  const double max = spec.has_range ? spec.max : kLimit;
  double d;
  if (!GetInteger(v, &d)) {
    Error(p, "must be an integer, not " + Describe(v));
    return;
  }
  if (d < min || d > max) {
    Error(p, "must be an integer from " + FormatDouble(min) + " to " + FormatDouble(max) +
                 ", not " + FormatDouble(d));
  }
}

void ObjectChecker::CheckFloat(const PropSpec& spec, const Path& p, const Element& v) {
  double d;
  if (!GetNumber(v, &d)) {
    Error(p, "must be a number, not " + Describe(v));
    return;
  }
  if (spec.has_range && (d < spec.min || d > spec.max)) {
    Error(p, "must be a number from " + FormatDouble(spec.min) + " to " + FormatDouble(spec.max) +
                 ", not " + FormatDouble(d));
  }
}

void ObjectChecker::CheckTimestamp(const PropSpec& spec, const Path& p, const Element& v) {
  std::string_view s;
  if (!GetString(v, &s)) {
    Error(p, "must be a timestamp string such as \"2016-05-12T08:17:27.000Z\", not " + Describe(v));
    return;
  }
  Result<ParsedTimestamp> parsed = ParseTimestamp(s);
  if (!parsed.ok()) {
    Error(p, parsed.status().message());
    return;
  }
  if (spec.value == Value::kTimestampMillis && parsed->fraction_digits < 3) {
    std::string message =
        Quote(s) + " has " +
        (parsed->fraction_digits == 0
             ? std::string("no fraction of a second")
             : "only " + std::to_string(parsed->fraction_digits) + " fraction digit(s)") +
        "; STIX 2.1 requires " + std::string(spec.name) +
        " to have at least millisecond precision, e.g. " +
        Quote(FormatTimestamp(parsed->instant, 3));
    if (upgraded_) {
      Warning(p, message + " (the upgrade from STIX 2.0 pads it to milliseconds)");
    } else {
      Error(p, std::move(message));
    }
  }
  scratch_->timestamps.push_back({spec.name, s, parsed->instant});
  if (spec.name == "created") created_ = s;
  if (spec.name == "modified") modified_ = s;
}

bool ObjectChecker::CheckRef(const RefTarget* target, const Path& p, const Element& v,
                             std::string_view* out) {
  std::string_view s;
  if (!GetString(v, &s)) {
    Error(p, "must be an identifier string \"<type>--<UUID>\", not " + Describe(v));
    return false;
  }
  std::string_view ref_type;
  Status st = CheckIdentifier(s, &ref_type);
  if (!st.ok()) {
    Error(p, Quote(s) + " is not a STIX identifier: " + st.message());
    return false;
  }
  if (target != nullptr && !RefAllowed(*target, ref_type)) {
    Error(p, "must refer to " + std::string(target->description) + ", but " + Quote(s) +
                 " is of type " + std::string(ref_type));
    return false;
  }
  *out = s;
  return true;
}

void ObjectChecker::CheckRefList(const RefTarget* target, const Path& p, const Element& v,
                                 std::vector<std::string_view>* collect) {
  ArrayView list;
  if (!GetArray(v, &list)) {
    Error(p, "must be a list of identifiers, not " + Describe(v));
    return;
  }
  if (list.size() == 0) {
    Error(p, "must not be an empty list (STIX 2.1 section 2.12); leave the property out instead");
    return;
  }
  int64_t i = 0;
  for (Element item : list) {
    std::string_view ref;
    if (CheckRef(target, p.Index(i++), item, &ref) && collect != nullptr) {
      collect->push_back(ref);
    }
  }
}

void ObjectChecker::CheckStringList(const Path& p, const Element& v) {
  ArrayView list;
  if (!ExpectList(p, v, &list)) return;
  int64_t i = 0;
  for (Element item : list) {
    std::string_view s;
    ExpectString(p.Index(i++), item, &s);
  }
}

void ObjectChecker::CheckEnum(std::span<const std::string_view> allowed, const Path& p,
                              const Element& v) {
  std::string_view s;
  if (!ExpectString(p, v, &s)) return;
  if (Contains(allowed, s)) return;
  std::string values;
  for (std::string_view a : allowed) {
    if (!values.empty()) values += ", ";
    values += '"';
    values += a;
    values += '"';
  }
  Error(p, "must be one of " + values + ", not " + Quote(s));
}

void ObjectChecker::CheckDictionary(const Path& p, const Element& v) {
  ObjectView dict;
  if (!ExpectObject(p, v, &dict, /*non_empty=*/true)) return;
  for (auto field : dict) {
    const Path kp = p.Key(field.key);
    Status s = CheckDictionaryKey(field.key);
    if (!s.ok()) Error(kp, Quote(field.key) + " is not a valid dictionary key: " + s.message());
    if (field.value.type() == ElementType::NULL_VALUE) {
      Error(kp, "must not be null; leave the entry out instead");
    }
  }
}

void ObjectChecker::CheckHashes(const Path& p, const Element& v) {
  ObjectView hashes;
  if (!ExpectObject(p, v, &hashes, /*non_empty=*/true)) return;
  for (auto field : hashes) {
    const Path kp = p.Key(field.key);
    Status s = CheckHashKey(field.key);
    if (!s.ok()) {
      Error(kp, Quote(field.key) + " is not a valid hash algorithm name: " + s.message());
      continue;
    }
    std::string_view value;
    if (!GetString(field.value, &value)) {
      Error(kp, "a hash value must be a string, not " + Describe(field.value));
      continue;
    }
    std::string_view algorithm;
    for (std::string_view known : kHashAlgorithms) {
      if (known.size() != field.key.size()) continue;
      bool same = true;
      for (size_t i = 0; i < known.size() && same; ++i) {
        char c = field.key[i];
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        same = c == known[i];
      }
      if (same) algorithm = known;
    }
    if (algorithm.empty()) {
      Warning(kp, Quote(field.key) +
                      " is not in the hash-algorithm-ov vocabulary (MD5, SHA-1, SHA-256, "
                      "SHA-512, SHA3-256, SHA3-512, SSDEEP, TLSH); other tools may ignore it");
      continue;
    }
    if (algorithm != field.key) {
      Warning(kp, "write the hash algorithm as " + Quote(algorithm) +
                      " (hash-algorithm-ov); other tools may not recognise " + Quote(field.key));
    }
    s = CheckHashValue(algorithm, value);
    if (!s.ok()) Error(kp, Quote(value) + " is not a valid hash: " + s.message());
  }
}

void ObjectChecker::CheckExternalReferences(const Path& p, const Element& v) {
  ArrayView list;
  if (!ExpectList(p, v, &list)) return;
  int64_t i = 0;
  for (Element item : list) {
    const Path ip = p.Index(i++);
    ObjectView ref;
    if (!ExpectObject(ip, item, &ref, /*non_empty=*/false)) continue;
    bool has_source_name = false, has_detail = false;
    for (auto field : ref) {
      const Path kp = ip.Key(field.key);
      std::string_view s;
      if (field.key == "source_name") {
        has_source_name = true;
        ExpectString(kp, field.value, &s);
      } else if (field.key == "description" || field.key == "url" || field.key == "external_id") {
        has_detail = true;
        ExpectString(kp, field.value, &s);
      } else if (field.key == "hashes") {
        CheckHashes(kp, field.value);
      }
    }
    if (!has_source_name) {
      Error(ip.Key("source_name"),
            "the required property is missing: an external reference names its source in "
            "source_name (e.g. \"capec\")");
    }
    if (!has_detail) {
      Error(ip,
            "an external reference needs at least one of description, url or external_id "
            "besides source_name (STIX 2.1 section 2.5)");
    }
  }
}

void ObjectChecker::CheckKillChainPhases(const Path& p, const Element& v) {
  ArrayView list;
  if (!ExpectList(p, v, &list)) return;
  int64_t i = 0;
  for (Element item : list) {
    const Path ip = p.Index(i++);
    ObjectView phase;
    if (!ExpectObject(ip, item, &phase, /*non_empty=*/false)) continue;
    for (std::string_view name :
         {std::string_view("kill_chain_name"), std::string_view("phase_name")}) {
      Element e;
      std::string_view s;
      if (phase.at_key(name).get(e) != simdjson::SUCCESS) {
        Error(ip.Key(name),
              "the required property is missing: a kill chain phase has "
              "kill_chain_name and phase_name");
      } else {
        ExpectString(ip.Key(name), e, &s);
      }
    }
  }
}

void ObjectChecker::CheckGranularMarkings(const Path& p, const Element& v) {
  ArrayView list;
  if (!ExpectList(p, v, &list)) return;
  int64_t i = 0;
  for (Element item : list) {
    const Path ip = p.Index(i++);
    ObjectView marking;
    if (!ExpectObject(ip, item, &marking, /*non_empty=*/false)) continue;
    Element selectors, marking_ref, lang;
    const bool has_selectors = marking.at_key("selectors").get(selectors) == simdjson::SUCCESS;
    const bool has_ref = marking.at_key("marking_ref").get(marking_ref) == simdjson::SUCCESS;
    const bool has_lang = marking.at_key("lang").get(lang) == simdjson::SUCCESS;
    if (has_ref && has_lang) {
      Error(ip,
            "has both marking_ref and lang: a granular marking applies either a marking "
            "or a language, so exactly one of them must be present");
    } else if (!has_ref && !has_lang) {
      Error(ip,
            "has neither marking_ref nor lang: a granular marking must apply a "
            "marking-definition (marking_ref) or a language (lang)");
    }
    if (has_ref) {
      std::string_view ref;
      if (CheckRef(&kToMarking, ip.Key("marking_ref"), marking_ref, &ref)) {
        if (kind_ == ObjectKind::kMarkingDefinition && ref == id_) {
          Error(ip.Key("marking_ref"),
                "a marking-definition must not mark itself (no circular references)");
        }
        auto& refs = scratch_->granular_markings;
        if (std::find(refs.begin(), refs.end(), ref) == refs.end()) refs.push_back(ref);
      }
    }
    std::string_view s;
    if (has_lang && ExpectString(ip.Key("lang"), lang, &s) && !IsLanguageTag(s)) {
      Error(ip.Key("lang"), Quote(s) + " is not an RFC 5646 language tag (e.g. \"en\")");
    }
    if (!has_selectors) {
      Error(ip.Key("selectors"),
            "the required property is missing: a granular marking lists "
            "the parts of the object it applies to in selectors");
      continue;
    }
    ArrayView selector_list;
    const Path selectors_path = ip.Key("selectors");
    if (!ExpectList(selectors_path, selectors, &selector_list)) continue;
    int64_t j = 0;
    for (Element sel : selector_list) {
      const Path sp = selectors_path.Index(j++);
      std::string_view selector;
      if (ExpectString(sp, sel, &selector)) CheckSelector(sp, selector);
    }
  }
}

// A selector (STIX 2.1 section 7.2.3.1): components separated by '.', each a property name or
// dictionary key, or a list index "[n]"; it must select something present in the object.
void ObjectChecker::CheckSelector(const Path& p, std::string_view selector) {
  Element current = root_el_;
  std::string_view walked;  // the part of the selector resolved so far
  size_t start = 0;
  while (start <= selector.size()) {
    size_t dot = selector.find('.', start);
    if (dot == std::string_view::npos) dot = selector.size();
    const std::string_view component = selector.substr(start, dot - start);
    if (component.empty()) {
      Error(p, "selector " + Quote(selector) +
                   " is not valid: it has an empty component (components are separated by "
                   "single dots)");
      return;
    }
    const std::string_view here = walked.empty() ? "the object" : walked;
    if (component.front() == '[') {
      if (component.size() < 3 || component.back() != ']') {
        Error(p, "selector " + Quote(selector) + " is not valid: " + Quote(component) +
                     " is not a list index like [0]");
        return;
      }
      uint64_t index = 0;
      const std::string_view digits = component.substr(1, component.size() - 2);
      auto r = std::from_chars(digits.data(), digits.data() + digits.size(), index);
      if (r.ec != std::errc() || r.ptr != digits.data() + digits.size()) {
        Error(p, "selector " + Quote(selector) + " is not valid: " + Quote(component) +
                     " is not a list index like [0]");
        return;
      }
      ArrayView list;
      if (!GetArray(current, &list)) {
        Error(p, "selector " + Quote(selector) + " does not resolve: " + std::string(here) +
                     " is " + Describe(current) + ", not a list");
        return;
      }
      const size_t n = list.size();
      if (index >= n) {
        Error(p, "selector " + Quote(selector) + " does not resolve: index " +
                     std::to_string(index) + " is out of range, " + std::string(here) + " has " +
                     std::to_string(n) + " item(s)");
        return;
      }
      if (list.at(index).get(current) != simdjson::SUCCESS) return;
    } else {
      ObjectView o;
      if (!GetObject(current, &o)) {
        Error(p, "selector " + Quote(selector) + " does not resolve: " + std::string(here) +
                     " is " + Describe(current) + ", which has no property " + Quote(component));
        return;
      }
      if (o.at_key(component).get(current) != simdjson::SUCCESS) {
        Error(p, "selector " + Quote(selector) + " does not resolve: " + std::string(here) +
                     " has no property " + Quote(component));
        return;
      }
    }
    walked = selector.substr(0, dot);
    start = dot + 1;
  }
}

void ObjectChecker::CheckExtensions(const Path& p, const Element& v) {
  ObjectView extensions;
  if (!ExpectObject(p, v, &extensions, /*non_empty=*/true)) return;
  for (auto field : extensions) {
    const std::string_view name = field.key;
    const Path kp = p.Key(name);
    ObjectView ext;
    const bool is_object = GetObject(field.value, &ext);
    if (name.starts_with("extension-definition--")) {
      Status s = CheckIdentifier(name, nullptr);
      if (!s.ok()) {
        Error(kp, Quote(name) + " is not a valid extension-definition id: " + s.message());
        continue;
      }
      if (!is_object) {
        Error(kp, "an extension's content must be an object, not " + Describe(field.value));
        continue;
      }
      Element type_el;
      if (ext.at_key("extension_type").get(type_el) != simdjson::SUCCESS) {
        Error(kp.Key("extension_type"),
              "the required property is missing: an extension defined by an "
              "extension-definition says how it extends the object in extension_type (one of "
              "new-sdo, new-sco, new-sro, property-extension, toplevel-property-extension)");
        continue;
      }
      std::string_view extension_type;
      if (!ExpectString(kp.Key("extension_type"), type_el, &extension_type)) continue;
      if (!Contains(kExtensionTypes, extension_type)) {
        CheckEnum(kExtensionTypes, kp.Key("extension_type"), type_el);
        continue;
      }
      if (extension_type.starts_with("new-") && info_ != nullptr) {
        Error(kp.Key("extension_type"),
              Quote(extension_type) + " defines a new object type, but " + std::string(type_) +
                  " is a type predefined by STIX 2.1; use property-extension or "
                  "toplevel-property-extension to add properties to it");
      }
      continue;
    }
    if (!is_object) {
      Error(kp, "an extension's content must be an object, not " + Describe(field.value));
      continue;
    }
    std::string_view defined_on;
    if (IsPredefinedExtension(name, &defined_on)) {
      if (defined_on != type_) {
        Warning(kp, Quote(name) + " is defined by STIX 2.1 for " + std::string(defined_on) +
                        " objects, not for " + std::string(type_));
      }
      CheckPredefinedExtension(kp, name, ext);
      continue;
    }
    // A custom object extension (STIX 2.1 section 11.3, deprecated).
    Status s = CheckTypeName(name);
    if (!s.ok()) {
      Error(kp, Quote(name) +
                    " is neither an extension-definition id, nor a predefined extension, nor a "
                    "valid custom extension name: " +
                    s.message());
      continue;
    }
    Element ignored;
    if (ext.at_key("extension_type").get(ignored) == simdjson::SUCCESS) {
      Error(kp.Key("extension_type"),
            "extension_type is used only by extensions keyed by their extension-definition id "
            "(\"extension-definition--<UUID>\"), and " +
                Quote(name) + " is not one");
    }
  }
}

void ObjectChecker::CheckPredefinedExtension(const Path& p, std::string_view name,
                                             const ObjectView& ext) {
  if (ext.size() == 0) {
    Error(p, "a predefined extension must contain at least one of its properties");
    return;
  }
  auto required = [&](std::string_view prop) -> bool {
    Element e;
    if (ext.at_key(prop).get(e) == simdjson::SUCCESS) return true;
    Error(p.Key(prop), "the required property of " + std::string(name) + " is missing");
    return false;
  };
  Element e;
  std::string_view s;
  if (name == "archive-ext") {
    if (required("contains_refs") && ext.at_key("contains_refs").get(e) == simdjson::SUCCESS) {
      CheckRefList(&kToFileOrDirectory, p.Key("contains_refs"), e, nullptr);
    }
  } else if (name == "http-request-ext") {
    for (std::string_view prop :
         {std::string_view("request_method"), std::string_view("request_value")}) {
      if (required(prop) && ext.at_key(prop).get(e) == simdjson::SUCCESS) {
        ExpectString(p.Key(prop), e, &s);
      }
    }
  } else if (name == "icmp-ext") {
    for (std::string_view prop :
         {std::string_view("icmp_type_hex"), std::string_view("icmp_code_hex")}) {
      if (required(prop) && ext.at_key(prop).get(e) == simdjson::SUCCESS &&
          (!GetString(e, &s) || !IsHex(s))) {
        Error(p.Key(prop), "must be an even number of hexadecimal digits, not " + Describe(e));
      }
    }
  } else if (name == "socket-ext") {
    if (required("address_family") && ext.at_key("address_family").get(e) == simdjson::SUCCESS) {
      CheckEnum(kSocketAddressFamilies, p.Key("address_family"), e);
    }
  } else if (name == "windows-pebinary-ext") {
    if (required("pe_type") && ext.at_key("pe_type").get(e) == simdjson::SUCCESS) {
      ExpectString(p.Key("pe_type"), e, &s);
    }
  }
}

void ObjectChecker::CheckObservableContainer(const Path& p, const Element& v) {
  ObjectView container;
  if (!ExpectObject(p, v, &container, /*non_empty=*/true)) return;
  for (auto field : container) {
    const Path kp = p.Key(field.key);
    ObjectView observable;
    if (!ExpectObject(kp, field.value, &observable, /*non_empty=*/false)) continue;
    Element type_el;
    std::string_view type;
    if (observable.at_key("type").get(type_el) != simdjson::SUCCESS) {
      Error(kp.Key("type"),
            "the required property is missing: each observable says what it is "
            "in type");
    } else {
      ExpectString(kp.Key("type"), type_el, &type);
    }
  }
  if (!upgraded_) {
    Warning(p,
            "objects is deprecated in STIX 2.1: share the observables as SCOs of their own "
            "and list their ids in object_refs");
  }
}

void ObjectChecker::CheckLanguageContents(const Path& p, const Element& v) {
  ObjectView contents;
  if (!ExpectObject(p, v, &contents, /*non_empty=*/true)) return;
  for (auto field : contents) {
    const Path kp = p.Key(field.key);
    if (!IsLanguageTag(field.key)) {
      Error(kp, Quote(field.key) + " is not an RFC 5646 language tag (e.g. \"de\", \"fr\")");
    }
    ObjectView translation;
    ExpectObject(kp, field.value, &translation, /*non_empty=*/true);
  }
}

// ---- Rules across properties ----

void ObjectChecker::CheckOrder(std::string_view first, std::string_view second, bool strict) {
  const TimestampFact* a = Ts(first);
  const TimestampFact* b = Ts(second);
  if (a == nullptr || b == nullptr) return;
  if (strict ? b->instant > a->instant : b->instant >= a->instant) return;
  Error(root_.Key(second), std::string(second) + " " + Quote(b->text) + " must be " +
                               (strict ? "later than " : "the same as or later than ") +
                               std::string(first) + " " + Quote(a->text));
}

void ObjectChecker::TypeRules() {
  if (kind_ != ObjectKind::kSco) CheckOrder("created", "modified", /*strict=*/false);
  if (info_ == nullptr) return;
  const std::string_view t = type_;
  if (t == "indicator") {
    IndicatorRules();
  } else if (t == "malware") {
    MalwareRules();
    CheckOrder("first_seen", "last_seen", false);
  } else if (t == "malware-analysis") {
    MalwareAnalysisRules();
  } else if (t == "location") {
    LocationRules();
  } else if (t == "campaign" || t == "intrusion-set" || t == "threat-actor" ||
             t == "infrastructure" || t == "sighting") {
    CheckOrder("first_seen", "last_seen", false);
  } else if (t == "observed-data") {
    ObservedDataRules();
  } else if (t == "relationship") {
    RelationshipRules();
  } else if (t == "marking-definition") {
    MarkingDefinitionRules();
  } else if (t == "extension-definition") {
    ExtensionDefinitionRules();
  } else if (t == "artifact") {
    ArtifactRules();
  } else if (t == "email-message") {
    EmailMessageRules();
  } else if (t == "file") {
    FileRules();
  } else if (t == "network-traffic") {
    NetworkTrafficRules();
  } else if (t == "ipv4-addr" || t == "ipv6-addr" || t == "mac-addr") {
    AddressRules();
  } else if (t == "process" || t == "user-account" || t == "windows-registry-key" ||
             t == "x509-certificate") {
    AtLeastOnePropertyRule();
  }
}

void ObjectChecker::IndicatorRules() {
  Element e;
  std::string_view pattern;
  if (Get("pattern", &e) && GetString(e, &pattern) &&
      pattern.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    Error(root_.Key("pattern"), "must not be empty: it is the detection pattern");
  }
  CheckOrder("valid_from", "valid_until", /*strict=*/true);
}

void ObjectChecker::MalwareRules() {
  Element e;
  bool is_family = add_is_family_;
  if (Get("is_family", &e) && e.get_bool().get(is_family) != simdjson::SUCCESS) return;
  if (is_family && !Has("name")) {
    Error(root_.Key("name"),
          "the property is required when is_family is true: a malware family "
          "must have a name");
  }
}

void ObjectChecker::MalwareAnalysisRules() {
  if (!Has("result") && !Has("analysis_sco_refs")) {
    Error(root_, "a malware-analysis must have result or analysis_sco_refs (or both)");
  }
}

void ObjectChecker::LocationRules() {
  const bool lat = Has("latitude"), lon = Has("longitude");
  if (lat != lon) {
    Error(root_.Key(lat ? "longitude" : "latitude"),
          "the property is required because " + std::string(lat ? "latitude" : "longitude") +
              " is present: a location gives both latitude and longitude or neither");
  }
  if (Has("precision") && !(lat && lon)) {
    Error(root_.Key("precision"),
          "precision applies to latitude and longitude, which must then "
          "both be present");
  }
  if (!Has("region") && !Has("country") && !(lat && lon)) {
    Error(root_, "a location must have region, country, or latitude and longitude");
  }
}

void ObjectChecker::ObservedDataRules() {
  CheckOrder("first_observed", "last_observed", /*strict=*/false);
  const bool has_objects = Has("objects");
  Element refs_el;
  const bool has_refs = Get("object_refs", &refs_el);
  if (has_objects && has_refs) {
    Error(root_.Key("objects"),
          "objects and object_refs must not both be present: keep "
          "object_refs (objects is deprecated in STIX 2.1)");
  } else if (!has_objects && !has_refs) {
    Error(root_.Key("object_refs"),
          "the required property is missing: observed-data lists the "
          "observables it saw in object_refs");
  }
  ArrayView refs;
  if (!has_refs || !GetArray(refs_el, &refs) || refs.size() == 0) return;
  for (Element item : refs) {
    std::string_view ref;
    if (!GetString(item, &ref)) return;  // already reported
    const size_t sep = ref.find("--");
    const std::string_view type = ref.substr(0, sep);
    if (type != "relationship" && type != "sighting") return;  // found an SCO
  }
  Error(root_.Key("object_refs"),
        "must refer to at least one cyber-observable (SCO), not only to relationships");
}

void ObjectChecker::RelationshipRules() {
  Element e;
  std::string_view type;
  if (Get("relationship_type", &e) && GetString(e, &type)) {
    const bool ok = !type.empty() && std::all_of(type.begin(), type.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
    if (!ok) {
      Error(root_.Key("relationship_type"),
            Quote(type) +
                " is not a valid relationship type: use only a-z, 0-9 and '-' "
                "(e.g. \"indicates\", \"attributed-to\")");
    }
  }
  CheckOrder("start_time", "stop_time", /*strict=*/true);
}

void ObjectChecker::MarkingDefinitionRules() {
  for (std::string_view ref : scratch_->object_markings) {
    if (ref == id_) {
      Error(root_.Key("object_marking_refs"),
            "a marking-definition must not mark itself (no circular references)");
    }
  }
  Element extensions_el, definition_type_el, definition_el;
  const bool has_extensions = Get("extensions", &extensions_el);
  const bool has_type = Get("definition_type", &definition_type_el);
  const bool has_definition = Get("definition", &definition_el);
  if (!has_extensions) {
    if (!has_type) {
      Error(root_.Key("definition_type"),
            "the required property is missing: a "
            "marking-definition without extensions needs "
            "definition_type and definition");
    }
    if (!has_definition) {
      Error(root_.Key("definition"),
            "the required property is missing: a marking-definition "
            "without extensions needs definition_type and definition");
    }
  }
  std::string_view definition_type;
  ObjectView definition;
  if (has_type && GetString(definition_type_el, &definition_type) && has_definition &&
      GetObject(definition_el, &definition)) {
    Element value_el;
    std::string_view value;
    const Path dp = root_.Key("definition");
    if (definition_type == "statement") {
      const Path sp = dp.Key("statement");
      if (definition.at_key("statement").get(value_el) != simdjson::SUCCESS) {
        Error(sp,
              "the required property is missing: a statement marking holds its text in "
              "definition.statement");
      } else {
        ExpectString(sp, value_el, &value);
      }
    } else if (definition_type == "tlp") {
      const Path tp = dp.Key("tlp");
      if (definition.at_key("tlp").get(value_el) != simdjson::SUCCESS) {
        Error(tp,
              "the required property is missing: a TLP marking holds its level in "
              "definition.tlp");
      } else if (ExpectString(tp, value_el, &value)) {
        std::optional<Tlp> by_id = TlpFromMarkingId(id_);
        std::optional<Tlp> by_value = TlpFromName(value);
        if (!by_id.has_value() || id_ != TlpMarkingId(*by_id)) {
          if (!by_id.has_value()) {
            Error(root_.Key("id"),
                  "only the four TLP marking-definitions predefined by STIX 2.1 (section "
                  "7.2.1.4) may use definition_type \"tlp\", and " +
                      Quote(id_) + " is not one of them; reference the predefined marking instead");
          } else if (!by_value.has_value() || *by_value != *by_id) {
            Error(tp, "the predefined marking " + Quote(id_) + " is TLP:" +
                          std::string(*by_id == Tlp::kClear ? "WHITE" : TlpName(*by_id)) +
                          ", but this copy says " + Quote(value));
          }
        }
      }
    } else {
      Warning(root_.Key("definition_type"),
              Quote(definition_type) +
                  " is not a marking type defined by STIX 2.1 (statement, "
                  "tlp); new marking types should use an extension");
    }
  }
  // A TLP 2.0 marking (the STIX TLP 2.0 extension).
  ObjectView extensions, tlp2;
  Element tlp2_el, level_el;
  std::string_view level;
  if (has_extensions && GetObject(extensions_el, &extensions) &&
      extensions.at_key(kTlp2ExtensionId).get(tlp2_el) == simdjson::SUCCESS &&
      GetObject(tlp2_el, &tlp2)) {
    const Path ep = root_.Key("extensions");
    const Path xp = ep.Key(kTlp2ExtensionId);
    const Path lp = xp.Key("tlp_2_0");
    if (tlp2.at_key("tlp_2_0").get(level_el) != simdjson::SUCCESS) {
      Error(lp,
            "the required property is missing: a TLP 2.0 marking holds its level in "
            "tlp_2_0 (clear, green, amber, amber+strict or red)");
    } else if (ExpectString(lp, level_el, &level)) {
      std::optional<Tlp> by_value = TlpFromName(level);
      std::optional<Tlp> by_id = TlpFromMarkingId(id_);
      if (!by_value.has_value() || *by_value == Tlp::kNone || level == "white" ||
          level != TlpName(*by_value)) {
        Error(lp,
              "must be one of \"clear\", \"green\", \"amber\", \"amber+strict\", \"red\", "
              "not " +
                  Quote(level));
      } else if (by_id.has_value() && id_ == TlpMarkingId(*by_id)) {
        if (*by_id != *by_value) {
          Error(lp, Quote(id_) + " is the published TLP:" + std::string(TlpName(*by_id)) +
                        " marking, but this copy says " + Quote(level));
        }
      } else {
        Warning(root_.Key("id"), "this marking claims TLP " + Quote(level) +
                                     " but is not the published TLP 2.0 marking-definition " +
                                     Quote(TlpMarkingId(*by_value)) +
                                     "; objects marked with it are not treated as TLP-marked");
      }
    }
  }
}

void ObjectChecker::ExtensionDefinitionRules() {
  if (!Has("extension_properties")) return;
  Element e;
  ArrayView types;
  if (!Get("extension_types", &e) || !GetArray(e, &types)) return;
  for (Element item : types) {
    std::string_view t;
    if (GetString(item, &t) && t == "toplevel-property-extension") return;
  }
  Error(root_.Key("extension_properties"),
        "may be used only when extension_types includes \"toplevel-property-extension\"");
}

void ObjectChecker::ArtifactRules() {
  const bool payload = Has("payload_bin"), url = Has("url");
  if (payload && url) {
    Error(root_.Key("url"),
          "payload_bin and url must not both be present: an artifact carries "
          "its content or points to it");
  } else if (!payload && !url) {
    Error(root_, "an artifact must have payload_bin or url");
  }
  if (url && !Has("hashes")) {
    Error(root_.Key("hashes"),
          "the property is required when url is present, so that the "
          "downloaded content can be verified");
  }
  if (Has("decryption_key") && !Has("encryption_algorithm")) {
    Error(root_.Key("decryption_key"), "must not be present without encryption_algorithm");
  }
}

void ObjectChecker::EmailMessageRules() {
  Element e;
  bool multipart = false;
  if (!Get("is_multipart", &e) || e.get_bool().get(multipart) != simdjson::SUCCESS) return;
  if (multipart && Has("body")) {
    Error(root_.Key("body"),
          "must not be present when is_multipart is true; put the parts in "
          "body_multipart");
  }
  if (!multipart && Has("body_multipart")) {
    Error(root_.Key("body_multipart"), "must not be present when is_multipart is false");
  }
  ArrayView parts;
  if (!Get("body_multipart", &e) || !GetArray(e, &parts)) return;
  int64_t i = 0;
  const Path bp = root_.Key("body_multipart");
  for (Element item : parts) {
    const Path ip = bp.Index(i++);
    ObjectView part;
    if (!GetObject(item, &part)) continue;  // already reported
    Element body, raw;
    const bool has_body = part.at_key("body").get(body) == simdjson::SUCCESS;
    const bool has_raw = part.at_key("body_raw_ref").get(raw) == simdjson::SUCCESS;
    std::string_view s;
    if (has_body) ExpectString(ip.Key("body"), body, &s);
    if (has_raw) CheckRef(&kToArtifactOrFile, ip.Key("body_raw_ref"), raw, &s);
    if (!has_body && !has_raw) {
      Error(ip, "a MIME part must have body or body_raw_ref");
    }
  }
}

void ObjectChecker::FileRules() {
  if (!Has("hashes") && !Has("name")) Error(root_, "a file must have hashes or name (or both)");
}

void ObjectChecker::NetworkTrafficRules() {
  if (!Has("src_ref") && !Has("dst_ref")) {
    Error(root_, "a network-traffic must have src_ref or dst_ref (or both)");
  }
  CheckOrder("start", "end", /*strict=*/false);
  Element e;
  bool active = false;
  if (Get("is_active", &e) && e.get_bool().get(active) == simdjson::SUCCESS && active &&
      Has("end")) {
    Error(root_.Key("end"),
          "must not be present when is_active is true (the traffic has not "
          "ended)");
  }
}

void ObjectChecker::AddressRules() {
  Element e;
  std::string_view value;
  if (!Get("value", &e) || !GetString(e, &value)) return;
  const Path p = root_.Key("value");
  if (type_ == "ipv4-addr" && !IsIpv4Cidr(value)) {
    Error(p, Quote(value) +
                 " is not an IPv4 address, optionally with a CIDR prefix "
                 "(e.g. \"198.51.100.3\", \"10.2.4.5/24\")");
  } else if (type_ == "ipv6-addr" && !IsIpv6Cidr(value)) {
    Error(p, Quote(value) +
                 " is not an IPv6 address, optionally with a CIDR prefix "
                 "(e.g. \"2001:db8::1\", \"2001:db8::/96\")");
  } else if (type_ == "mac-addr" && !IsMacAddress(value)) {
    Error(p, Quote(value) +
                 " is not a MAC-48 address written as six colon-separated lowercase "
                 "octets (e.g. \"00:00:ab:cd:ef:01\")");
  }
}

void ObjectChecker::AtLeastOnePropertyRule() {
  for (auto field : obj_) {
    const std::string_view k = field.key;
    if (k != "type" && k != "id" && k != "spec_version" && k != "object_marking_refs" &&
        k != "granular_markings" && k != "defanged") {
      return;
    }
  }
  Error(root_, "a " + std::string(type_) +
                   " must have at least one property of its own (or an extension) besides the "
                   "common ones");
}

}  // namespace

CheckedObject CheckObject(const json::Element& root, const ValidatorOptions& options,
                          Validation* out, CheckScratch* scratch) {
  scratch->Clear();
  ObjectChecker checker(options, out, scratch);
  checker.Run(root);
  CheckedObject c;
  c.type = checker.type();
  c.id = checker.id();
  c.kind = checker.kind();
  c.upgraded = checker.upgraded();
  c.spec_version_present = checker.spec_version_present();
  c.revoked = checker.revoked();
  c.add_pattern_type = checker.add_pattern_type();
  c.add_is_family = checker.add_is_family();
  c.created = checker.created();
  c.modified = checker.modified();
  return c;
}

}  // namespace concord::stix::internal
