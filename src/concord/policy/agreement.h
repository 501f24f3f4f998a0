#pragma once

// What this node has agreed with each partner: the model of the agreements file
// (docs/agreements.md). Plain data; the TOML reader is agreement_file.h, the release decisions
// are release.h, and the federation module acts on the rest (pulls, sightings back).

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "concord/stix/tlp.h"

namespace concord::policy {

// How much a sighting sent back to the publisher of an indicator says.
enum class Evidence {
  kNone,            // that the indicator was seen here, and when (first_seen, last_seen)
  kCounts,          // ... and how often (count)
  kObservedValues,  // ... and what was seen (observed_data_refs and the objects they name)
};
std::string_view EvidenceName(Evidence evidence);  // "none", "counts", "observed-values"

// What to do with an object whose granular markings are more restrictive than the recipient
// may see.
enum class GranularHandling {
  kWithhold,  // the whole object stays here
  kRedact,    // the marked top-level properties are removed (when the object stays valid)
};

// A collection of the partner's that we pull from, and the local collection its objects go to.
struct PullSource {
  std::string collection;  // the partner's collection id (or alias, when it is a Concord node)
  std::string into;        // a local collection alias or id
};

// Whether and how sightings of this partner's indicators go back to it.
struct SightingsBack {
  bool send = false;
  Evidence evidence = Evidence::kCounts;
  std::string collection;  // the partner's collection the sightings are posted to
};

// The agreement with one partner.
struct PartnerAgreement {
  // Who it is.
  std::string name;         // store::Partner::name: 1-64 of [A-Za-z0-9._-]
  std::string identity_id;  // its STIX identity ("identity--<uuid>")
  std::string cert_sha256;  // its client certificate's SHA-256 (64 lowercase hex), "" for none

  // What it may receive from us.
  // The most restrictive TLP level it may receive (kClear .. kAmberStrict; never kRed).
  stix::Tlp max_tlp = stix::Tlp::kClear;
  std::vector<std::string> types;  // object types it may receive; {"*"} for all
  std::vector<std::string> read;   // local collections (aliases) it may read over TAXII
  std::vector<std::string> write;  // local collections (aliases) it may write to

  // What we may do with what it sends us.
  bool pass_on = false;  // objects it sent may be released to other partners (TLP permitting)
  // Marking-definition ids, beyond the fixed TLP ones, it may set on what it sends.
  std::vector<std::string> accepted_markings;

  // Federation: how this node reaches the partner's TAXII server ("" url: we do not).
  std::string url;               // its API root, "https://host:port/root/"
  std::string token_file;        // holds the token it issued to us (the file's first line)
  std::string ca_file;           // PEM trust anchors for its server certificate ("" = system's)
  std::string client_cert_file;  // our client certificate for it ("" = none)
  std::string client_key_file;
  std::vector<PullSource> pull;
  SightingsBack sightings;

  bool MayReceiveType(std::string_view type) const;
};

// Settings of this node that apply to every recipient.
struct NodeSettings {
  std::string name;         // this node's name (its identity is detect::NodeIdentityId(name))
  std::string identity_id;  // this node's STIX identity
  // How an object with no TLP marking is treated: as if marked with this level; kNone means
  // such objects are not released at all (the default).
  stix::Tlp unmarked = stix::Tlp::kNone;
  GranularHandling granular = GranularHandling::kWithhold;
  std::chrono::seconds sync_interval{60};  // between two pulls from one partner
};

struct Agreements {
  NodeSettings node;
  std::vector<PartnerAgreement> partners;

  // nullptr when there is no agreement with that partner.
  const PartnerAgreement* Find(std::string_view name) const;
  const PartnerAgreement* FindByIdentity(std::string_view identity_id) const;
};

// The agreements in force, replaced whole when the file is reloaded; readers keep the version
// they got for as long as they hold it. Starts empty (no agreement: nothing is released).
// Thread-safe.
class AgreementsHolder {
 public:
  AgreementsHolder();
  explicit AgreementsHolder(Agreements agreements);

  std::shared_ptr<const Agreements> Get() const;
  void Set(std::shared_ptr<const Agreements> agreements);

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Agreements> current_;
};

}  // namespace concord::policy
