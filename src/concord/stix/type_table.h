#pragma once

// Internal to the stix module. The STIX 2.1 object types, their properties and what each
// property's value must be, written out as explicit tables (section numbers of STIX 2.1 in
// type_table.cc). The validator and DeterministicScoId read these; nothing registers itself.

#include <cstdint>
#include <span>
#include <string_view>

#include "concord/stix/object.h"

namespace concord::stix::internal {

// What a property's value must be. Rules that involve several properties (required-one-of,
// ordering of timestamps, ...) are written in the validator, per type.
enum class Value : uint8_t {
  kString,
  kBoolean,
  kInteger,          // within [min, max] (default: the 54-bit range of STIX integers)
  kFloat,            // within [min, max] when has_range
  kTimestamp,        // RFC 3339 in UTC ("Z")
  kTimestampMillis,  // created / modified: also at least millisecond precision
  kRef,              // one identifier, of a type allowed by `ref`
  kRefList,          // a non-empty list of identifiers allowed by `ref`
  kStringList,       // a non-empty list of strings
  kEnum,             // a string from `allowed`
  kEnumList,         // a non-empty list of strings from `allowed`
  kDictionary,       // a non-empty object whose keys follow the dictionary key rules
  kHashes,           // a hashes dictionary
  kExternalReferences,
  kKillChainPhases,
  kGranularMarkings,
  kExtensions,
  kObject,               // any non-empty JSON object
  kObjectList,           // a non-empty list of JSON objects
  kHex,                  // an even number of hexadecimal digits
  kBinary,               // base64
  kObservableContainer,  // the deprecated observed-data "objects" dictionary
  kLanguage,             // an RFC 5646 language tag
  kLanguageContents,     // language-content "contents"
};

// The families an identifier may point to, as a bit set.
enum RefKind : uint8_t {
  kRefSdo = 1,   // a known SDO type, or a custom type
  kRefSco = 2,   // a known SCO type, or a custom type
  kRefSro = 4,   // relationship, sighting
  kRefMeta = 8,  // marking-definition, language-content, extension-definition
  kRefAnyObject = kRefSdo | kRefSco | kRefSro | kRefMeta,
};

struct RefTarget {
  uint8_t kinds = 0;                             // used when `types` is empty
  std::span<const std::string_view> types = {};  // the only types allowed, when not empty
  std::string_view description = {};             // "an identity", for messages
};

struct PropSpec {
  std::string_view name;
  Value value = Value::kString;
  bool required = false;
  const RefTarget* ref = nullptr;                  // kRef, kRefList
  std::span<const std::string_view> allowed = {};  // kEnum, kEnumList
  bool has_range = false;                          // kInteger, kFloat
  double min = 0;
  double max = 0;
};

struct TypeInfo {
  std::string_view name;
  ObjectKind kind;
  std::span<const PropSpec> props;  // the type's own properties (common ones are per kind)
  bool new_in_21 = false;           // the type did not exist in STIX 2.0
  // SCOs: the ID Contributing Properties (STIX 2.1 section 6), sorted by name.
  std::span<const std::string_view> id_contributing = {};
};

// The predefined type named `name`, or nullptr for custom (and unknown) types and "bundle".
const TypeInfo* FindType(std::string_view name);

// The spec of property `name` on an object of `type` (nullptr for custom types) and `kind`:
// the type's own properties first, then the common properties that apply to the kind. The tables
// leave out type, spec_version and id (the validator checks those first) and the reserved names.
// nullptr when the property is not defined for it (a custom property, or a common property that
// does not apply to the kind; see IsNotApplicable).
const PropSpec* FindProp(const TypeInfo* type, ObjectKind kind, std::string_view name);

// True when `name` is a common property that STIX 2.1 section 3.2 marks "not applicable" to
// objects of `kind` (e.g. "created" on an SCO).
bool IsNotApplicable(ObjectKind kind, std::string_view name);

// True when `name` is the name of a predefined extension (section 3.10); then *defined_on (when
// not null) is the object type that defines it.
bool IsPredefinedExtension(std::string_view name, std::string_view* defined_on);

// Suggested or enumerated values used by the validator.
extern const std::span<const std::string_view> kHashAlgorithms;  // hash-algorithm-ov
extern const std::span<const std::string_view> kExtensionTypes;  // extension-type-enum
extern const std::span<const std::string_view> kOpinionValues;   // opinion-enum
extern const std::span<const std::string_view> kSocketAddressFamilies;

bool Contains(std::span<const std::string_view> set, std::string_view value);

}  // namespace concord::stix::internal
