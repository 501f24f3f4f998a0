#pragma once

// The release policy: one pure function that decides, for one object and one recipient, whether
// the object may leave this node, with the reason. Every path out of the node (TAXII responses,
// pushes to partners, exports for a partner) asks it; nothing here does I/O.
//
// The rules, in the order they are applied (the first that decides gives the reason):
//  1. TLP:RED (object-level) never leaves this node.
//  2. There must be an agreement with the recipient.
//  3. An object the recipient itself sent us, or created (created_by_ref is its identity), may
//     go back to it (rules 4-8 do not apply; rule 9 still does).
//  4. Its type must be one the agreement lets the recipient receive.
//  5. An object without a TLP marking is treated as NodeSettings::unmarked; when that is
//     kNone it is withheld.
//  6. An object received from other partners is released only when every one of them allows
//     passing on (PartnerAgreement::pass_on) and its TLP allows it (CLEAR or GREEN: AMBER,
//     AMBER+STRICT and RED are for the recipient organisation only).
//  7. TLP:AMBER+STRICT goes only from the organisation that owns it: this node's own objects
//     (received from no partner, created by no one else), to a recipient whose max_tlp allows
//     AMBER+STRICT.
//  8. Its TLP must be no more restrictive than the recipient's max_tlp.
//  9. Granular markings more restrictive than the recipient may see (by rules 1, 5-8 applied to
//     the granular level) withhold the object, or, under GranularHandling::kRedact, remove the
//     marked top-level properties, unless one of them is one the object cannot do without
//     (id, type, spec_version, created, modified, and those its type requires): then withheld.
// 10. A relationship or sighting (any object with references in Subject::reveals) is withheld
//     when an object it references is held here and would be withheld from the recipient.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "concord/base/result.h"
#include "concord/policy/agreement.h"
#include "concord/stix/tlp.h"

namespace concord::policy {

// A granular marking as the policy sees it.
struct GranularMarking {
  std::string marking_ref;             // the marking-definition id
  stix::Tlp tlp = stix::Tlp::kNone;    // its TLP level; kNone when it is not a TLP marking
  std::vector<std::string> selectors;  // as written, e.g. "description", "labels.[1]"
};

// What the policy needs to know about an object.
struct Subject {
  std::string id;
  std::string type;
  stix::Tlp tlp = stix::Tlp::kNone;  // the most restrictive object-level TLP marking
  std::vector<GranularMarking> granular;
  std::string created_by_ref;  // "" when absent
  // The partners (store::Partner::name, as in agreements) that delivered any version of this
  // object to this node; empty when it is this node's own.
  std::vector<std::string> received_from;
  // The ids this object points at and whose existence releasing it would reveal: a
  // relationship's source_ref and target_ref, a sighting's sighting_of_ref, observed_data_refs
  // and where_sighted_refs, a report's / note's / opinion's / grouping's object_refs,
  // observed-data's object_refs.
  std::vector<std::string> reveals;
};

enum class Verdict { kRelease, kRedact, kWithhold };
std::string_view VerdictName(Verdict verdict);  // "release", "redact", "withhold"

struct Decision {
  Verdict verdict = Verdict::kWithhold;
  // Why, in words an analyst understands, naming the rule: e.g. "TLP:RED never leaves this
  // node", "us may receive at most TLP:GREEN; this object is TLP:AMBER".
  std::string reason;
  // For kRedact: the top-level properties to remove (sorted, distinct).
  std::vector<std::string> redact;

  bool released() const { return verdict != Verdict::kWithhold; }
};

// Looks up an object this node holds by id: nullptr when it holds none.
using SubjectLookup = std::function<const Subject*(std::string_view id)>;

// The decision for `subject` and the partner named `recipient` under `agreements`. Referenced
// objects (rule 10) are looked up with `lookup` and decided by rules 1-9 (not their own
// references); `lookup` may be empty when the subject reveals nothing.
Decision Decide(const Subject& subject, std::string_view recipient, const Agreements& agreements,
                const SubjectLookup& lookup);

// Reads a Subject from one STIX object's JSON text (as stored: valid STIX 2.1), with
// `received_from` as given. InvalidArgument when the text is not a JSON object with "id" and
// "type".
Result<Subject> DescribeObject(std::string_view json, std::vector<std::string> received_from);

// `json` without the top-level properties `properties`, and without the granular markings
// whose selectors all fall within them (selectors into other properties are kept). Member order
// and spelling of everything kept is unchanged.
Result<std::string> Redact(std::string_view json, const std::vector<std::string>& properties);

}  // namespace concord::policy
