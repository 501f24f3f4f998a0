#pragma once

// The checks on every object a partner gives this node, whether it POSTs it to our TAXII server
// or we pull it from its server: policy::CheckReceived (creator, impersonation, markings), and,
// against the store, that it does not re-version an object it did not give us.

#include <string>

#include "concord/base/status.h"
#include "concord/policy/agreement.h"
#include "concord/stix/object.h"
#include "concord/store/store.h"

namespace concord::taxii {

// Not thread-safe; one per request or pull.
class IntakeGuard {
 public:
  // `store` and `agreements` must outlive the guard; `sender` is a partner name.
  IntakeGuard(store::Store* store, const policy::Agreements* agreements, std::string sender);

  // OK when the object may be stored as coming from the sender. Otherwise:
  //  - FailedPrecondition: there is no agreement with the sender;
  //  - PermissionDenied: policy::CheckReceived refuses it, or it is a versioned object (SDO,
  //    SRO) held here that the sender never gave us (a partner may not amend others' objects);
  //  - AlreadyExists: that very version is held already from elsewhere (nothing to store; not
  //    an offence, but it must not become "received from" the sender either).
  // Store errors are returned as they are.
  Status Check(const stix::Object& object);

 private:
  store::Store* store_;
  const policy::Agreements* agreements_;
  std::string sender_;
};

}  // namespace concord::taxii
