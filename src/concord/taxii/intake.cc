#include "concord/taxii/intake.h"

#include <algorithm>
#include <utility>

#include "concord/base/ascii.h"
#include "concord/policy/intake.h"
#include "concord/policy/release.h"

namespace concord::taxii {

IntakeGuard::IntakeGuard(store::Store* store, const policy::Agreements* agreements,
                         std::string sender)
    : store_(store), agreements_(agreements), sender_(std::move(sender)) {}

Status IntakeGuard::Check(const stix::Object& object) {
  const policy::PartnerAgreement* agreement = agreements_->Find(sender_);
  if (agreement == nullptr) {
    return Status(StatusCode::kFailedPrecondition, "there is no agreement with partner " +
                                                       QuoteForMessage(sender_) +
                                                       "; nothing it sends is stored");
  }
  CONCORD_ASSIGN_OR_RETURN(policy::Subject subject, policy::DescribeObject(object.json, {}));
  CONCORD_RETURN_IF_ERROR(policy::CheckReceived(object, subject, *agreement, *agreements_));
  if (object.version.empty()) return Status::Ok();  // SCOs and the like: anyone may report them

  CONCORD_ASSIGN_OR_RETURN(auto sources, store_->SourcesOf({object.id}));
  auto it = sources.find(object.id);
  if (it == sources.end()) return Status::Ok();  // new here
  const bool from_sender = std::any_of(
      it->second.begin(), it->second.end(),
      [&](const store::Provenance& p) { return p.kind == "partner" && p.name == sender_; });
  if (from_sender) return Status::Ok();
  store::Query q;
  q.ids = {object.id};
  q.versions.push_back(store::VersionFilter{store::VersionFilter::Kind::kAt, object.version});
  CONCORD_ASSIGN_OR_RETURN(store::Page same, store_->Find(q, 1));
  if (!same.objects.empty() && same.objects[0].json == object.json) {
    return Status(StatusCode::kAlreadyExists,
                  object.id + " at this version is held already from another source");
  }
  return Status(StatusCode::kPermissionDenied,
                object.id + " is held here from another source; partner " +
                    QuoteForMessage(sender_) + " may not send versions of it");
}

}  // namespace concord::taxii
