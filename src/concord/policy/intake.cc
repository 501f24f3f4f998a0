#include "concord/policy/intake.h"

#include <algorithm>
#include <string>

#include "concord/stix/tlp.h"

namespace concord::policy {
namespace {

// `text` quoted, cut to a length that keeps messages readable.
std::string Quoted(std::string_view text) {
  constexpr size_t kMax = 80;
  std::string out = "\"";
  out.append(text.substr(0, kMax));
  if (text.size() > kMax) out.append("...");
  out.push_back('"');
  return out;
}

bool MarkingAccepted(std::string_view ref, const PartnerAgreement& sender) {
  if (stix::TlpFromMarkingId(ref).has_value()) return true;
  return std::find(sender.accepted_markings.begin(), sender.accepted_markings.end(), ref) !=
         sender.accepted_markings.end();
}

}  // namespace

Status CheckReceived(const stix::Object& object, const Subject& subject,
                     const PartnerAgreement& sender, const Agreements& agreements) {
  if (object.kind == stix::ObjectKind::kMarkingDefinition &&
      stix::TlpFromMarkingId(object.id).has_value()) {
    return Status::Ok();
  }
  const std::string who = "partner " + Quoted(sender.name);
  if (!subject.created_by_ref.empty() && subject.created_by_ref != sender.identity_id) {
    return Status(StatusCode::kPermissionDenied,
                  object.id + " names " + Quoted(subject.created_by_ref) + " as its creator; " +
                      who + " may only send objects it created (created_by_ref " +
                      sender.identity_id + " or none)");
  }
  if (object.type == "identity" && object.id != sender.identity_id) {
    if (object.id == agreements.node.identity_id) {
      return Status(StatusCode::kPermissionDenied,
                    who + " sent an identity object with this node's own identity id " + object.id);
    }
    if (const PartnerAgreement* other = agreements.FindByIdentity(object.id)) {
      return Status(StatusCode::kPermissionDenied,
                    who + " sent an identity object with the id of " + "partner " +
                        Quoted(other->name) + ", " + object.id);
    }
  }
  for (const std::vector<std::string>* refs :
       {&object.object_marking_refs, &object.granular_marking_refs}) {
    for (const std::string& ref : *refs) {
      if (MarkingAccepted(ref, sender)) continue;
      return Status(StatusCode::kPermissionDenied,
                    object.id + " is marked with " + Quoted(ref) +
                        ", which is neither a TLP marking nor one the agreement with " + who +
                        " accepts (accepted_markings)");
    }
  }
  return Status::Ok();
}

}  // namespace concord::policy
