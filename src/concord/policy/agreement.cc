#include "concord/policy/agreement.h"

#include <algorithm>
#include <utility>

namespace concord::policy {

std::string_view EvidenceName(Evidence evidence) {
  switch (evidence) {
    case Evidence::kNone:
      return "none";
    case Evidence::kCounts:
      return "counts";
    case Evidence::kObservedValues:
      return "observed-values";
  }
  return "none";
}

bool PartnerAgreement::MayReceiveType(std::string_view type) const {
  return std::any_of(types.begin(), types.end(),
                     [&](const std::string& t) { return t == "*" || t == type; });
}

const PartnerAgreement* Agreements::Find(std::string_view name) const {
  for (const PartnerAgreement& p : partners) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const PartnerAgreement* Agreements::FindByIdentity(std::string_view identity_id) const {
  if (identity_id.empty()) return nullptr;
  for (const PartnerAgreement& p : partners) {
    if (p.identity_id == identity_id) return &p;
  }
  return nullptr;
}

AgreementsHolder::AgreementsHolder() : current_(std::make_shared<const Agreements>()) {}

AgreementsHolder::AgreementsHolder(Agreements agreements)
    : current_(std::make_shared<const Agreements>(std::move(agreements))) {}

std::shared_ptr<const Agreements> AgreementsHolder::Get() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return current_;
}

void AgreementsHolder::Set(std::shared_ptr<const Agreements> agreements) {
  std::lock_guard<std::mutex> lock(mutex_);
  current_ = std::move(agreements);
}

}  // namespace concord::policy
