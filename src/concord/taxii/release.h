#pragma once

// The release policy (policy/release.h) applied to stored objects on their way out of the node
// to one partner: TAXII responses, pushes and exports all filter through a ReleaseFilter, so
// that the rule is written once and read from the store the same way everywhere.

#include <cstdint>
#include <string>
#include <vector>

#include "concord/base/result.h"
#include "concord/policy/agreement.h"
#include "concord/policy/release.h"
#include "concord/store/store.h"

namespace concord::taxii {

// An object that was kept back, and why (for logs and counts; never sent to the recipient).
struct Withheld {
  std::string id;
  std::string reason;
};

// Not thread-safe; cheap to make (one per request).
class ReleaseFilter {
 public:
  // `store` and `agreements` must outlive the filter. `recipient` is a partner name.
  ReleaseFilter(store::Store* store, const policy::Agreements* agreements, std::string recipient);

  // Removes from `objects` every version the policy withholds from the recipient and redacts
  // those it releases redacted (their json is replaced). Order is kept. Store errors are
  // returned and leave `objects` unspecified (send nothing).
  Status Apply(std::vector<store::StoredObject>* objects);

  // The subject the policy sees for `object` (its provenance read from the store).
  Result<policy::Subject> Describe(const store::StoredObject& object);

  // What the last Apply withheld.
  const std::vector<Withheld>& withheld() const { return withheld_; }
  uint64_t redacted() const { return redacted_; }

 private:
  // The partner names among `sources`.
  static std::vector<std::string> Partners(const std::vector<store::Provenance>& sources);

  store::Store* store_;
  const policy::Agreements* agreements_;
  std::string recipient_;
  std::vector<Withheld> withheld_;
  uint64_t redacted_ = 0;
};

}  // namespace concord::taxii
