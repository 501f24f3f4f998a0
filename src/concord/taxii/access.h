#pragma once

// Who may read and write which collection (TAXII 2.1 can_read / can_write), per partner. A
// partner sees only the collections it may read or write: any other collection does not exist
// for it (404), and writing where it may only read is 403.
//
// Grants are data: the composition root loads them (from configuration or the store) and hands
// them to the server. Immutable while shared; build it, then share it read-only.

#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace concord::taxii {

struct Rights {
  bool read = false;
  bool write = false;
};

class Grants {
 public:
  // Gives `partner` `rights` on the collection `collection_id` (replacing earlier rights).
  void Grant(std::string partner, std::string collection_id, Rights rights) {
    rights_[{std::move(partner), std::move(collection_id)}] = rights;
  }
  // The rights of `partner` on `collection_id`; none when nothing was granted.
  Rights Of(std::string_view partner, std::string_view collection_id) const {
    auto it = rights_.find(Key{std::string(partner), std::string(collection_id)});
    return it == rights_.end() ? Rights{} : it->second;
  }

 private:
  using Key = std::pair<std::string, std::string>;
  std::map<Key, Rights> rights_;
};

}  // namespace concord::taxii
