#pragma once

// What a partner may give this node: the checks every object received from a partner passes
// (over a TAXII POST to this node, or pulled from the partner's server) before it is stored.
// A hostile partner must not be able to put words in someone else's mouth or mark objects with
// markings it has no business setting. Pure: the store-dependent check (an id already held from
// another creator) is taxii/intake.h.

#include <string_view>

#include "concord/base/status.h"
#include "concord/policy/agreement.h"
#include "concord/policy/release.h"
#include "concord/stix/object.h"

namespace concord::policy {

// OK when `sender` may give us `object` (validated STIX; `subject` its DescribeObject).
// PermissionDenied, with the reason, when:
//  - it names a creator (created_by_ref) other than the sender's identity;
//  - it is an identity object with the id of this node or of another partner (claiming to be
//    them);
//  - it carries a marking (object-level or granular) that is neither a fixed TLP marking nor one
//    of the sender's accepted_markings.
// The fixed TLP marking-definitions themselves are always accepted.
Status CheckReceived(const stix::Object& object, const Subject& subject,
                     const PartnerAgreement& sender, const Agreements& agreements);

}  // namespace concord::policy
