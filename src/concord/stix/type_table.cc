#include "concord/stix/type_table.h"

#include <algorithm>
#include <array>

namespace concord::stix::internal {
namespace {

using V = Value;

// ---- Reference targets (the "Embedded Relationships" tables of each type) ----

constexpr std::string_view kIdentityTypes[] = {"identity"};
constexpr std::string_view kMarkingTypes[] = {"marking-definition"};
constexpr std::string_view kSoftwareTypes[] = {"software"};
constexpr std::string_view kFileArtifactTypes[] = {"file", "artifact"};
constexpr std::string_view kSampleTypes[] = {"file", "network-traffic", "artifact"};
constexpr std::string_view kObservedDataTypes[] = {"observed-data"};
constexpr std::string_view kWhereSightedTypes[] = {"identity", "location"};
constexpr std::string_view kResolvesToTypes[] = {"ipv4-addr", "ipv6-addr", "domain-name"};
constexpr std::string_view kUserAccountTypes[] = {"user-account"};
constexpr std::string_view kEmailAddrTypes[] = {"email-addr"};
constexpr std::string_view kArtifactTypes[] = {"artifact"};
constexpr std::string_view kDirectoryTypes[] = {"directory"};
constexpr std::string_view kFileDirectoryTypes[] = {"file", "directory"};
constexpr std::string_view kMacAddrTypes[] = {"mac-addr"};
constexpr std::string_view kAutonomousSystemTypes[] = {"autonomous-system"};
constexpr std::string_view kEndpointTypes[] = {"ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"};
constexpr std::string_view kNetworkTrafficTypes[] = {"network-traffic"};
constexpr std::string_view kFileTypes[] = {"file"};
constexpr std::string_view kProcessTypes[] = {"process"};

constexpr RefTarget kToIdentity{.types = kIdentityTypes, .description = "an identity"};
constexpr RefTarget kToMarking{.types = kMarkingTypes, .description = "a marking-definition"};
constexpr RefTarget kToAnyObject{.kinds = kRefAnyObject, .description = "a STIX object"};
constexpr RefTarget kToSdo{.kinds = kRefSdo,
                           .description = "an SDO (not an SRO, SCO or meta object)"};
constexpr RefTarget kToSdoOrSco{
    .kinds = kRefSdo | kRefSco,
    .description =
        "an SDO or SCO (not an SRO, bundle, marking-definition, language-content or "
        "extension-definition)"};
constexpr RefTarget kToScoOrSro{.kinds = kRefSco | kRefSro, .description = "an SCO or SRO"};
constexpr RefTarget kToSco{.kinds = kRefSco, .description = "a cyber-observable (SCO)"};
constexpr RefTarget kToSoftware{.types = kSoftwareTypes, .description = "a software object"};
constexpr RefTarget kToFileOrArtifact{.types = kFileArtifactTypes,
                                      .description = "a file or artifact"};
constexpr RefTarget kToSample{.types = kSampleTypes,
                              .description = "a file, network-traffic or artifact"};
constexpr RefTarget kToObservedData{.types = kObservedDataTypes, .description = "an observed-data"};
constexpr RefTarget kToWhereSighted{.types = kWhereSightedTypes,
                                    .description = "an identity or location"};
constexpr RefTarget kToResolvesTo{.types = kResolvesToTypes,
                                  .description = "an ipv4-addr, ipv6-addr or domain-name"};
constexpr RefTarget kToUserAccount{.types = kUserAccountTypes, .description = "a user-account"};
constexpr RefTarget kToEmailAddr{.types = kEmailAddrTypes, .description = "an email-addr"};
constexpr RefTarget kToArtifact{.types = kArtifactTypes, .description = "an artifact"};
constexpr RefTarget kToDirectory{.types = kDirectoryTypes, .description = "a directory"};
constexpr RefTarget kToFileOrDirectory{.types = kFileDirectoryTypes,
                                       .description = "a file or directory"};
constexpr RefTarget kToMacAddr{.types = kMacAddrTypes, .description = "a mac-addr"};
constexpr RefTarget kToAutonomousSystem{.types = kAutonomousSystemTypes,
                                        .description = "an autonomous-system"};
constexpr RefTarget kToEndpoint{.types = kEndpointTypes,
                                .description = "an ipv4-addr, ipv6-addr, mac-addr or domain-name"};
constexpr RefTarget kToNetworkTraffic{.types = kNetworkTrafficTypes,
                                      .description = "a network-traffic"};
constexpr RefTarget kToFile{.types = kFileTypes, .description = "a file"};
constexpr RefTarget kToProcess{.types = kProcessTypes, .description = "a process"};

// ---- Vocabularies and enumerations (section 10) ----

constexpr std::string_view kHashAlgorithmValues[] = {"MD5",      "SHA-1",    "SHA-256", "SHA-512",
                                                     "SHA3-256", "SHA3-512", "SSDEEP",  "TLSH"};
constexpr std::string_view kExtensionTypeValues[] = {
    "new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension"};
constexpr std::string_view kOpinionEnum[] = {"strongly-disagree", "disagree", "neutral", "agree",
                                             "strongly-agree"};
constexpr std::string_view kEncryptionAlgorithms[] = {"AES-256-GCM", "ChaCha20-Poly1305",
                                                      "mime-type-indicated"};
constexpr std::string_view kAddressFamilies[] = {"AF_UNSPEC",    "AF_INET",    "AF_IPX",
                                                 "AF_APPLETALK", "AF_NETBIOS", "AF_INET6",
                                                 "AF_IRDA",      "AF_BTH"};

constexpr double kMaxCount = 999999999;

// ---- Common properties (section 3.2), per kind, other than type, spec_version and id ----

constexpr PropSpec kSdoCommon[] = {
    {.name = "created_by_ref", .value = V::kRef, .ref = &kToIdentity},
    {.name = "created", .value = V::kTimestampMillis, .required = true},
    {.name = "modified", .value = V::kTimestampMillis, .required = true},
    {.name = "revoked", .value = V::kBoolean},
    {.name = "labels", .value = V::kStringList},
    {.name = "confidence", .value = V::kInteger, .has_range = true, .min = 0, .max = 100},
    {.name = "lang", .value = V::kLanguage},
    {.name = "external_references", .value = V::kExternalReferences},
    {.name = "object_marking_refs", .value = V::kRefList, .ref = &kToMarking},
    {.name = "granular_markings", .value = V::kGranularMarkings},
    {.name = "extensions", .value = V::kExtensions},
};

constexpr PropSpec kScoCommon[] = {
    {.name = "object_marking_refs", .value = V::kRefList, .ref = &kToMarking},
    {.name = "granular_markings", .value = V::kGranularMarkings},
    {.name = "defanged", .value = V::kBoolean},
    {.name = "extensions", .value = V::kExtensions},
};

constexpr PropSpec kMarkingCommon[] = {
    {.name = "created_by_ref", .value = V::kRef, .ref = &kToIdentity},
    {.name = "created", .value = V::kTimestampMillis, .required = true},
    {.name = "external_references", .value = V::kExternalReferences},
    {.name = "object_marking_refs", .value = V::kRefList, .ref = &kToMarking},
    {.name = "granular_markings", .value = V::kGranularMarkings},
    {.name = "extensions", .value = V::kExtensions},
};

constexpr PropSpec kLanguageContentCommon[] = {
    {.name = "created_by_ref", .value = V::kRef, .ref = &kToIdentity},
    {.name = "created", .value = V::kTimestampMillis, .required = true},
    {.name = "modified", .value = V::kTimestampMillis, .required = true},
    {.name = "revoked", .value = V::kBoolean},
    {.name = "labels", .value = V::kStringList},
    {.name = "confidence", .value = V::kInteger, .has_range = true, .min = 0, .max = 100},
    {.name = "external_references", .value = V::kExternalReferences},
    {.name = "object_marking_refs", .value = V::kRefList, .ref = &kToMarking},
    {.name = "granular_markings", .value = V::kGranularMarkings},
    {.name = "extensions", .value = V::kExtensions},
};

constexpr PropSpec kExtensionDefinitionCommon[] = {
    {.name = "created_by_ref", .value = V::kRef, .required = true, .ref = &kToIdentity},
    {.name = "created", .value = V::kTimestampMillis, .required = true},
    {.name = "modified", .value = V::kTimestampMillis, .required = true},
    {.name = "revoked", .value = V::kBoolean},
    {.name = "labels", .value = V::kStringList},
    {.name = "external_references", .value = V::kExternalReferences},
    {.name = "object_marking_refs", .value = V::kRefList, .ref = &kToMarking},
    {.name = "granular_markings", .value = V::kGranularMarkings},
};

constexpr std::string_view kSdoNotApplicable[] = {"defanged"};
constexpr std::string_view kScoNotApplicable[] = {
    "created_by_ref", "created",    "modified", "revoked",
    "labels",         "confidence", "lang",     "external_references"};
constexpr std::string_view kMarkingNotApplicable[] = {"modified",   "revoked", "labels",
                                                      "confidence", "lang",    "defanged"};
constexpr std::string_view kLanguageContentNotApplicable[] = {"lang", "defanged"};
constexpr std::string_view kExtensionDefinitionNotApplicable[] = {"confidence", "lang", "defanged",
                                                                  "extensions"};

// ---- SDOs (section 4) ----

constexpr PropSpec kAttackPattern[] = {
    {.name = "name", .required = true},
    {.name = "description"},
    {.name = "aliases", .value = V::kStringList},
    {.name = "kill_chain_phases", .value = V::kKillChainPhases},
};

constexpr PropSpec kCampaign[] = {
    {.name = "name", .required = true},
    {.name = "description"},
    {.name = "aliases", .value = V::kStringList},
    {.name = "first_seen", .value = V::kTimestamp},
    {.name = "last_seen", .value = V::kTimestamp},
    {.name = "objective"},
};

constexpr PropSpec kCourseOfAction[] = {
    {.name = "name", .required = true},
    {.name = "description"},
};

constexpr PropSpec kGrouping[] = {
    {.name = "name"},
    {.name = "description"},
    {.name = "context", .required = true},
    {.name = "object_refs", .value = V::kRefList, .required = true, .ref = &kToAnyObject},
};

constexpr PropSpec kIdentity[] = {
    {.name = "name", .required = true},           {.name = "description"},
    {.name = "roles", .value = V::kStringList},   {.name = "identity_class"},
    {.name = "sectors", .value = V::kStringList}, {.name = "contact_information"},
};

constexpr PropSpec kIncident[] = {
    {.name = "name", .required = true},
    {.name = "description"},
};

constexpr PropSpec kIndicator[] = {
    {.name = "name"},
    {.name = "description"},
    {.name = "indicator_types", .value = V::kStringList},
    {.name = "pattern", .required = true},
    {.name = "pattern_type", .required = true},
    {.name = "pattern_version"},
    {.name = "valid_from", .value = V::kTimestamp, .required = true},
    {.name = "valid_until", .value = V::kTimestamp},
    {.name = "kill_chain_phases", .value = V::kKillChainPhases},
};

constexpr PropSpec kInfrastructure[] = {
    {.name = "name", .required = true},
    {.name = "description"},
    {.name = "infrastructure_types", .value = V::kStringList},
    {.name = "aliases", .value = V::kStringList},
    {.name = "kill_chain_phases", .value = V::kKillChainPhases},
    {.name = "first_seen", .value = V::kTimestamp},
    {.name = "last_seen", .value = V::kTimestamp},
};

constexpr PropSpec kIntrusionSet[] = {
    {.name = "name", .required = true},
    {.name = "description"},
    {.name = "aliases", .value = V::kStringList},
    {.name = "first_seen", .value = V::kTimestamp},
    {.name = "last_seen", .value = V::kTimestamp},
    {.name = "goals", .value = V::kStringList},
    {.name = "resource_level"},
    {.name = "primary_motivation"},
    {.name = "secondary_motivations", .value = V::kStringList},
};

constexpr PropSpec kLocation[] = {
    {.name = "name"},
    {.name = "description"},
    {.name = "latitude", .value = V::kFloat, .has_range = true, .min = -90, .max = 90},
    {.name = "longitude", .value = V::kFloat, .has_range = true, .min = -180, .max = 180},
    {.name = "precision", .value = V::kFloat, .has_range = true, .min = 0, .max = 1e300},
    {.name = "region"},
    {.name = "country"},
    {.name = "administrative_area"},
    {.name = "city"},
    {.name = "street_address"},
    {.name = "postal_code"},
};

constexpr PropSpec kMalware[] = {
    {.name = "name"},
    {.name = "description"},
    {.name = "malware_types", .value = V::kStringList},
    {.name = "is_family", .value = V::kBoolean, .required = true},
    {.name = "aliases", .value = V::kStringList},
    {.name = "kill_chain_phases", .value = V::kKillChainPhases},
    {.name = "first_seen", .value = V::kTimestamp},
    {.name = "last_seen", .value = V::kTimestamp},
    {.name = "operating_system_refs", .value = V::kRefList, .ref = &kToSoftware},
    {.name = "architecture_execution_envs", .value = V::kStringList},
    {.name = "implementation_languages", .value = V::kStringList},
    {.name = "capabilities", .value = V::kStringList},
    {.name = "sample_refs", .value = V::kRefList, .ref = &kToFileOrArtifact},
};

constexpr PropSpec kMalwareAnalysis[] = {
    {.name = "product", .required = true},
    {.name = "version"},
    {.name = "host_vm_ref", .value = V::kRef, .ref = &kToSoftware},
    {.name = "operating_system_ref", .value = V::kRef, .ref = &kToSoftware},
    {.name = "installed_software_refs", .value = V::kRefList, .ref = &kToSoftware},
    {.name = "configuration_version"},
    {.name = "modules", .value = V::kStringList},
    {.name = "analysis_engine_version"},
    {.name = "analysis_definition_version"},
    {.name = "submitted", .value = V::kTimestamp},
    {.name = "analysis_started", .value = V::kTimestamp},
    {.name = "analysis_ended", .value = V::kTimestamp},
    {.name = "result_name"},
    {.name = "result"},
    {.name = "analysis_sco_refs", .value = V::kRefList, .ref = &kToSco},
    {.name = "sample_ref", .value = V::kRef, .ref = &kToSample},
};

constexpr PropSpec kNote[] = {
    {.name = "abstract"},
    {.name = "content", .required = true},
    {.name = "authors", .value = V::kStringList},
    {.name = "object_refs", .value = V::kRefList, .required = true, .ref = &kToAnyObject},
};

constexpr PropSpec kObservedData[] = {
    {.name = "first_observed", .value = V::kTimestamp, .required = true},
    {.name = "last_observed", .value = V::kTimestamp, .required = true},
    {.name = "number_observed",
     .value = V::kInteger,
     .required = true,
     .has_range = true,
     .min = 1,
     .max = kMaxCount},
    {.name = "objects", .value = V::kObservableContainer},
    {.name = "object_refs", .value = V::kRefList, .ref = &kToScoOrSro},
};

constexpr PropSpec kOpinion[] = {
    {.name = "explanation"},
    {.name = "authors", .value = V::kStringList},
    {.name = "opinion", .value = V::kEnum, .required = true, .allowed = kOpinionEnum},
    {.name = "object_refs", .value = V::kRefList, .required = true, .ref = &kToAnyObject},
};

constexpr PropSpec kReport[] = {
    {.name = "name", .required = true},
    {.name = "description"},
    {.name = "report_types", .value = V::kStringList},
    {.name = "published", .value = V::kTimestamp, .required = true},
    {.name = "object_refs", .value = V::kRefList, .required = true, .ref = &kToAnyObject},
};

constexpr PropSpec kThreatActor[] = {
    {.name = "name", .required = true},
    {.name = "description"},
    {.name = "threat_actor_types", .value = V::kStringList},
    {.name = "aliases", .value = V::kStringList},
    {.name = "first_seen", .value = V::kTimestamp},
    {.name = "last_seen", .value = V::kTimestamp},
    {.name = "roles", .value = V::kStringList},
    {.name = "goals", .value = V::kStringList},
    {.name = "sophistication"},
    {.name = "resource_level"},
    {.name = "primary_motivation"},
    {.name = "secondary_motivations", .value = V::kStringList},
    {.name = "personal_motivations", .value = V::kStringList},
};

constexpr PropSpec kTool[] = {
    {.name = "name", .required = true},
    {.name = "description"},
    {.name = "tool_types", .value = V::kStringList},
    {.name = "aliases", .value = V::kStringList},
    {.name = "kill_chain_phases", .value = V::kKillChainPhases},
    {.name = "tool_version"},
};

constexpr PropSpec kVulnerability[] = {
    {.name = "name", .required = true},
    {.name = "description"},
};

// ---- SROs (section 5) ----

constexpr PropSpec kRelationship[] = {
    {.name = "relationship_type", .required = true},
    {.name = "description"},
    {.name = "source_ref", .value = V::kRef, .required = true, .ref = &kToSdoOrSco},
    {.name = "target_ref", .value = V::kRef, .required = true, .ref = &kToSdoOrSco},
    {.name = "start_time", .value = V::kTimestamp},
    {.name = "stop_time", .value = V::kTimestamp},
};

constexpr PropSpec kSighting[] = {
    {.name = "description"},
    {.name = "first_seen", .value = V::kTimestamp},
    {.name = "last_seen", .value = V::kTimestamp},
    {.name = "count", .value = V::kInteger, .has_range = true, .min = 0, .max = kMaxCount},
    {.name = "sighting_of_ref", .value = V::kRef, .required = true, .ref = &kToSdo},
    {.name = "observed_data_refs", .value = V::kRefList, .ref = &kToObservedData},
    {.name = "where_sighted_refs", .value = V::kRefList, .ref = &kToWhereSighted},
    {.name = "summary", .value = V::kBoolean},
};

// ---- SCOs (section 6) ----

constexpr double kMaxPort = 65535;
constexpr double kMaxInt = 9007199254740991.0;  // 2^53 - 1

constexpr PropSpec kArtifact[] = {
    {.name = "mime_type"},
    {.name = "payload_bin", .value = V::kBinary},
    {.name = "url"},
    {.name = "hashes", .value = V::kHashes},
    {.name = "encryption_algorithm", .value = V::kEnum, .allowed = kEncryptionAlgorithms},
    {.name = "decryption_key"},
};

constexpr PropSpec kAutonomousSystem[] = {
    {.name = "number", .value = V::kInteger, .required = true},
    {.name = "name"},
    {.name = "rir"},
};

constexpr PropSpec kDirectory[] = {
    {.name = "path", .required = true},
    {.name = "path_enc"},
    {.name = "ctime", .value = V::kTimestamp},
    {.name = "mtime", .value = V::kTimestamp},
    {.name = "atime", .value = V::kTimestamp},
    {.name = "contains_refs", .value = V::kRefList, .ref = &kToFileOrDirectory},
};

constexpr PropSpec kDomainName[] = {
    {.name = "value", .required = true},
    {.name = "resolves_to_refs", .value = V::kRefList, .ref = &kToResolvesTo},
};

constexpr PropSpec kEmailAddr[] = {
    {.name = "value", .required = true},
    {.name = "display_name"},
    {.name = "belongs_to_ref", .value = V::kRef, .ref = &kToUserAccount},
};

constexpr PropSpec kEmailMessage[] = {
    {.name = "is_multipart", .value = V::kBoolean, .required = true},
    {.name = "date", .value = V::kTimestamp},
    {.name = "content_type"},
    {.name = "from_ref", .value = V::kRef, .ref = &kToEmailAddr},
    {.name = "sender_ref", .value = V::kRef, .ref = &kToEmailAddr},
    {.name = "to_refs", .value = V::kRefList, .ref = &kToEmailAddr},
    {.name = "cc_refs", .value = V::kRefList, .ref = &kToEmailAddr},
    {.name = "bcc_refs", .value = V::kRefList, .ref = &kToEmailAddr},
    {.name = "message_id"},
    {.name = "subject"},
    {.name = "received_lines", .value = V::kStringList},
    {.name = "additional_header_fields", .value = V::kDictionary},
    {.name = "body"},
    {.name = "body_multipart", .value = V::kObjectList},
    {.name = "raw_email_ref", .value = V::kRef, .ref = &kToArtifact},
};

constexpr PropSpec kFile[] = {
    {.name = "hashes", .value = V::kHashes},
    {.name = "size", .value = V::kInteger, .has_range = true, .min = 0, .max = kMaxInt},
    {.name = "name"},
    {.name = "name_enc"},
    {.name = "magic_number_hex", .value = V::kHex},
    {.name = "mime_type"},
    {.name = "ctime", .value = V::kTimestamp},
    {.name = "mtime", .value = V::kTimestamp},
    {.name = "atime", .value = V::kTimestamp},
    {.name = "parent_directory_ref", .value = V::kRef, .ref = &kToDirectory},
    {.name = "contains_refs", .value = V::kRefList, .ref = &kToSco},
    {.name = "content_ref", .value = V::kRef, .ref = &kToArtifact},
};

constexpr PropSpec kIpAddr[] = {
    {.name = "value", .required = true},
    {.name = "resolves_to_refs", .value = V::kRefList, .ref = &kToMacAddr},
    {.name = "belongs_to_refs", .value = V::kRefList, .ref = &kToAutonomousSystem},
};

constexpr PropSpec kValueOnly[] = {
    {.name = "value", .required = true},
};

constexpr PropSpec kMutex[] = {
    {.name = "name", .required = true},
};

constexpr PropSpec kNetworkTraffic[] = {
    {.name = "start", .value = V::kTimestamp},
    {.name = "end", .value = V::kTimestamp},
    {.name = "is_active", .value = V::kBoolean},
    {.name = "src_ref", .value = V::kRef, .ref = &kToEndpoint},
    {.name = "dst_ref", .value = V::kRef, .ref = &kToEndpoint},
    {.name = "src_port", .value = V::kInteger, .has_range = true, .min = 0, .max = kMaxPort},
    {.name = "dst_port", .value = V::kInteger, .has_range = true, .min = 0, .max = kMaxPort},
    {.name = "protocols", .value = V::kStringList, .required = true},
    {.name = "src_byte_count", .value = V::kInteger, .has_range = true, .min = 0, .max = kMaxInt},
    {.name = "dst_byte_count", .value = V::kInteger, .has_range = true, .min = 0, .max = kMaxInt},
    {.name = "src_packets", .value = V::kInteger, .has_range = true, .min = 0, .max = kMaxInt},
    {.name = "dst_packets", .value = V::kInteger, .has_range = true, .min = 0, .max = kMaxInt},
    {.name = "ipfix", .value = V::kDictionary},
    {.name = "src_payload_ref", .value = V::kRef, .ref = &kToArtifact},
    {.name = "dst_payload_ref", .value = V::kRef, .ref = &kToArtifact},
    {.name = "encapsulates_refs", .value = V::kRefList, .ref = &kToNetworkTraffic},
    {.name = "encapsulated_by_ref", .value = V::kRef, .ref = &kToNetworkTraffic},
};

constexpr PropSpec kProcess[] = {
    {.name = "is_hidden", .value = V::kBoolean},
    {.name = "pid", .value = V::kInteger},
    {.name = "created_time", .value = V::kTimestamp},
    {.name = "cwd"},
    {.name = "command_line"},
    {.name = "environment_variables", .value = V::kDictionary},
    {.name = "opened_connection_refs", .value = V::kRefList, .ref = &kToNetworkTraffic},
    {.name = "creator_user_ref", .value = V::kRef, .ref = &kToUserAccount},
    {.name = "image_ref", .value = V::kRef, .ref = &kToFile},
    {.name = "parent_ref", .value = V::kRef, .ref = &kToProcess},
    {.name = "child_refs", .value = V::kRefList, .ref = &kToProcess},
};

constexpr PropSpec kSoftware[] = {
    {.name = "name", .required = true},
    {.name = "cpe"},
    {.name = "swid"},
    {.name = "languages", .value = V::kStringList},
    {.name = "vendor"},
    {.name = "version"},
};

constexpr PropSpec kUserAccount[] = {
    {.name = "user_id"},
    {.name = "credential"},
    {.name = "account_login"},
    {.name = "account_type"},
    {.name = "display_name"},
    {.name = "is_service_account", .value = V::kBoolean},
    {.name = "is_privileged", .value = V::kBoolean},
    {.name = "can_escalate_privs", .value = V::kBoolean},
    {.name = "is_disabled", .value = V::kBoolean},
    {.name = "account_created", .value = V::kTimestamp},
    {.name = "account_expires", .value = V::kTimestamp},
    {.name = "credential_last_changed", .value = V::kTimestamp},
    {.name = "account_first_login", .value = V::kTimestamp},
    {.name = "account_last_login", .value = V::kTimestamp},
};

constexpr PropSpec kWindowsRegistryKey[] = {
    {.name = "key"},
    {.name = "values", .value = V::kObjectList},
    {.name = "modified_time", .value = V::kTimestamp},
    {.name = "creator_user_ref", .value = V::kRef, .ref = &kToUserAccount},
    {.name = "number_of_subkeys",
     .value = V::kInteger,
     .has_range = true,
     .min = 0,
     .max = kMaxInt},
};

constexpr PropSpec kX509Certificate[] = {
    {.name = "is_self_signed", .value = V::kBoolean},
    {.name = "hashes", .value = V::kHashes},
    {.name = "version"},
    {.name = "serial_number"},
    {.name = "signature_algorithm"},
    {.name = "issuer"},
    {.name = "validity_not_before", .value = V::kTimestamp},
    {.name = "validity_not_after", .value = V::kTimestamp},
    {.name = "subject"},
    {.name = "subject_public_key_algorithm"},
    {.name = "subject_public_key_modulus"},
    {.name = "subject_public_key_exponent", .value = V::kInteger},
    {.name = "x509_v3_extensions", .value = V::kObject},
};

// ---- Meta objects (section 7) ----

constexpr PropSpec kMarkingDefinition[] = {
    {.name = "name"},
    {.name = "definition_type"},
    {.name = "definition", .value = V::kObject},
};

constexpr PropSpec kLanguageContent[] = {
    {.name = "object_ref", .value = V::kRef, .required = true, .ref = &kToAnyObject},
    {.name = "object_modified", .value = V::kTimestamp},
    {.name = "contents", .value = V::kLanguageContents, .required = true},
};

constexpr PropSpec kExtensionDefinition[] = {
    {.name = "name", .required = true},
    {.name = "description"},
    {.name = "schema", .required = true},
    {.name = "version", .required = true},
    {.name = "extension_types",
     .value = V::kEnumList,
     .required = true,
     .allowed = kExtensionTypeValues},
    {.name = "extension_properties", .value = V::kStringList},
};

// ---- ID Contributing Properties (section 6), each list sorted ----

constexpr std::string_view kIdArtifact[] = {"hashes", "payload_bin"};
constexpr std::string_view kIdAutonomousSystem[] = {"number"};
constexpr std::string_view kIdDirectory[] = {"path"};
constexpr std::string_view kIdValue[] = {"value"};
constexpr std::string_view kIdEmailMessage[] = {"body", "from_ref", "subject"};
constexpr std::string_view kIdFile[] = {"extensions", "hashes", "name", "parent_directory_ref"};
constexpr std::string_view kIdName[] = {"name"};
constexpr std::string_view kIdNetworkTraffic[] = {"dst_port",  "dst_ref",  "end",     "extensions",
                                                  "protocols", "src_port", "src_ref", "start"};
constexpr std::string_view kIdSoftware[] = {"cpe", "name", "swid", "vendor", "version"};
constexpr std::string_view kIdUserAccount[] = {"account_login", "account_type", "user_id"};
constexpr std::string_view kIdWindowsRegistryKey[] = {"key", "values"};
constexpr std::string_view kIdX509Certificate[] = {"hashes", "serial_number"};

using K = ObjectKind;

// Sorted by name, for binary search.
constexpr TypeInfo kTypes[] = {
    {"artifact", K::kSco, kArtifact, true, kIdArtifact},
    {"attack-pattern", K::kSdo, kAttackPattern},
    {"autonomous-system", K::kSco, kAutonomousSystem, true, kIdAutonomousSystem},
    {"campaign", K::kSdo, kCampaign},
    {"course-of-action", K::kSdo, kCourseOfAction},
    {"directory", K::kSco, kDirectory, true, kIdDirectory},
    {"domain-name", K::kSco, kDomainName, true, kIdValue},
    {"email-addr", K::kSco, kEmailAddr, true, kIdValue},
    {"email-message", K::kSco, kEmailMessage, true, kIdEmailMessage},
    {"extension-definition", K::kExtensionDefinition, kExtensionDefinition, true},
    {"file", K::kSco, kFile, true, kIdFile},
    {"grouping", K::kSdo, kGrouping, true},
    {"identity", K::kSdo, kIdentity},
    {"incident", K::kSdo, kIncident, true},
    {"indicator", K::kSdo, kIndicator},
    {"infrastructure", K::kSdo, kInfrastructure, true},
    {"intrusion-set", K::kSdo, kIntrusionSet},
    {"ipv4-addr", K::kSco, kIpAddr, true, kIdValue},
    {"ipv6-addr", K::kSco, kIpAddr, true, kIdValue},
    {"language-content", K::kLanguageContent, kLanguageContent, true},
    {"location", K::kSdo, kLocation, true},
    {"mac-addr", K::kSco, kValueOnly, true, kIdValue},
    {"malware", K::kSdo, kMalware},
    {"malware-analysis", K::kSdo, kMalwareAnalysis, true},
    {"marking-definition", K::kMarkingDefinition, kMarkingDefinition},
    {"mutex", K::kSco, kMutex, true, kIdName},
    {"network-traffic", K::kSco, kNetworkTraffic, true, kIdNetworkTraffic},
    {"note", K::kSdo, kNote, true},
    {"observed-data", K::kSdo, kObservedData},
    {"opinion", K::kSdo, kOpinion, true},
    {"process", K::kSco, kProcess, true},
    {"relationship", K::kSro, kRelationship},
    {"report", K::kSdo, kReport},
    {"sighting", K::kSro, kSighting},
    {"software", K::kSco, kSoftware, true, kIdSoftware},
    {"threat-actor", K::kSdo, kThreatActor},
    {"tool", K::kSdo, kTool},
    {"url", K::kSco, kValueOnly, true, kIdValue},
    {"user-account", K::kSco, kUserAccount, true, kIdUserAccount},
    {"vulnerability", K::kSdo, kVulnerability},
    {"windows-registry-key", K::kSco, kWindowsRegistryKey, true, kIdWindowsRegistryKey},
    {"x509-certificate", K::kSco, kX509Certificate, true, kIdX509Certificate},
};

constexpr bool TypesSorted() {
  for (size_t i = 1; i < std::size(kTypes); ++i) {
    if (!(kTypes[i - 1].name < kTypes[i].name)) return false;
  }
  return true;
}
static_assert(TypesSorted(), "kTypes must be sorted by name");

struct PredefinedExtension {
  std::string_view name;
  std::string_view type;
};

constexpr PredefinedExtension kPredefinedExtensions[] = {
    {"archive-ext", "file"},
    {"http-request-ext", "network-traffic"},
    {"icmp-ext", "network-traffic"},
    {"ntfs-ext", "file"},
    {"pdf-ext", "file"},
    {"raster-image-ext", "file"},
    {"socket-ext", "network-traffic"},
    {"tcp-ext", "network-traffic"},
    {"unix-account-ext", "user-account"},
    {"windows-pebinary-ext", "file"},
    {"windows-process-ext", "process"},
    {"windows-service-ext", "process"},
};

std::span<const PropSpec> CommonProps(ObjectKind kind) {
  switch (kind) {
    case K::kSdo:
    case K::kSro:
      return kSdoCommon;
    case K::kSco:
      return kScoCommon;
    case K::kMarkingDefinition:
      return kMarkingCommon;
    case K::kLanguageContent:
      return kLanguageContentCommon;
    case K::kExtensionDefinition:
      return kExtensionDefinitionCommon;
  }
  return kSdoCommon;
}

std::span<const std::string_view> NotApplicable(ObjectKind kind) {
  switch (kind) {
    case K::kSdo:
    case K::kSro:
      return kSdoNotApplicable;
    case K::kSco:
      return kScoNotApplicable;
    case K::kMarkingDefinition:
      return kMarkingNotApplicable;
    case K::kLanguageContent:
      return kLanguageContentNotApplicable;
    case K::kExtensionDefinition:
      return kExtensionDefinitionNotApplicable;
  }
  return {};
}

const PropSpec* FindIn(std::span<const PropSpec> props, std::string_view name) {
  for (const PropSpec& p : props) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace

const std::span<const std::string_view> kHashAlgorithms = kHashAlgorithmValues;
const std::span<const std::string_view> kExtensionTypes = kExtensionTypeValues;
const std::span<const std::string_view> kOpinionValues = kOpinionEnum;
const std::span<const std::string_view> kSocketAddressFamilies = kAddressFamilies;

bool Contains(std::span<const std::string_view> set, std::string_view value) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

const TypeInfo* FindType(std::string_view name) {
  const auto* it =
      std::lower_bound(std::begin(kTypes), std::end(kTypes), name,
                       [](const TypeInfo& t, std::string_view n) { return t.name < n; });
  if (it == std::end(kTypes) || it->name != name) return nullptr;
  return it;
}

const PropSpec* FindProp(const TypeInfo* type, ObjectKind kind, std::string_view name) {
  if (type != nullptr) {
    if (const PropSpec* p = FindIn(type->props, name)) return p;
  }
  return FindIn(CommonProps(kind), name);
}

bool IsNotApplicable(ObjectKind kind, std::string_view name) {
  return Contains(NotApplicable(kind), name);
}

bool IsPredefinedExtension(std::string_view name, std::string_view* defined_on) {
  for (const auto& e : kPredefinedExtensions) {
    if (e.name == name) {
      if (defined_on != nullptr) *defined_on = e.type;
      return true;
    }
  }
  return false;
}

}  // namespace concord::stix::internal
