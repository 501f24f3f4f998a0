#pragma once

// Makes the store say what the agreements say: each partner exists with its identity and
// certificate, the local collections the agreements name exist, and each partner's TAXII rights
// (grants) are exactly its agreement's read and write lists. Partners the agreements no longer
// name keep their record (their credentials and history) but lose every right.

#include <string>
#include <vector>

#include "concord/base/result.h"
#include "concord/policy/agreement.h"
#include "concord/store/store.h"

namespace concord::federation {

// What ApplyAgreements changed, one line each ("created partner us", "us may now read shared",
// ...), for the log.
using Changes = std::vector<std::string>;

// Idempotent: applying the same agreements again changes nothing. Errors from the store are
// returned as they are (what was applied before the error stays applied; applying again
// finishes the job).
Result<Changes> ApplyAgreements(store::Store& store, const policy::Agreements& agreements);

}  // namespace concord::federation
