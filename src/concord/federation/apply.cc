#include "concord/federation/apply.h"

#include <map>
#include <set>
#include <utility>

namespace concord::federation {
namespace {

// The local collection named `alias` (id or alias), created when missing.
Result<store::Collection> EnsureCollection(store::Store& store, const std::string& alias,
                                           Changes* changes) {
  Result<store::Collection> found = store.FindCollection(alias);
  if (found.ok() || found.status().code() != StatusCode::kNotFound) return found;
  store::Collection c;
  c.alias = alias;
  c.title = alias;
  c.description = "Created for the agreements with partners.";
  CONCORD_ASSIGN_OR_RETURN(store::Collection created, store.CreateCollection(std::move(c)));
  changes->push_back("created collection " + alias);
  return created;
}

}  // namespace

Result<Changes> ApplyAgreements(store::Store& store, const policy::Agreements& agreements) {
  Changes changes;
  // Desired rights per (partner, collection id).
  std::map<std::pair<std::string, std::string>, store::Rights> wanted;
  std::map<std::string, std::string> alias_of;  // collection id -> the name used
  for (const policy::PartnerAgreement& p : agreements.partners) {
    Result<store::Partner> existing = store.FindPartner(p.name);
    store::Partner record;
    record.name = p.name;
    record.identity_id = p.identity_id;
    record.cert_sha256 = p.cert_sha256;
    if (!existing.ok()) {
      if (existing.status().code() != StatusCode::kNotFound) return existing.status();
      CONCORD_RETURN_IF_ERROR(store.CreatePartner(record).status());
      changes.push_back("created partner " + p.name);
    } else if (existing->identity_id != p.identity_id || existing->cert_sha256 != p.cert_sha256) {
      CONCORD_RETURN_IF_ERROR(store.UpdatePartner(record));
      changes.push_back("updated the identity and certificate of partner " + p.name);
    }
    for (const std::string& alias : p.read) {
      CONCORD_ASSIGN_OR_RETURN(store::Collection c, EnsureCollection(store, alias, &changes));
      wanted[{p.name, c.id}].read = true;
      alias_of[c.id] = alias;
    }
    for (const std::string& alias : p.write) {
      CONCORD_ASSIGN_OR_RETURN(store::Collection c, EnsureCollection(store, alias, &changes));
      wanted[{p.name, c.id}].write = true;
      alias_of[c.id] = alias;
    }
    for (const policy::PullSource& source : p.pull) {
      CONCORD_RETURN_IF_ERROR(EnsureCollection(store, source.into, &changes).status());
    }
  }

  // Rights granted now that the agreements do not give are taken away.
  CONCORD_ASSIGN_OR_RETURN(std::vector<store::Grant> grants, store.ListGrants());
  for (const store::Grant& g : grants) {
    auto it = wanted.find({g.partner, g.collection_id});
    if (it != wanted.end() && it->second.read == g.rights.read &&
        it->second.write == g.rights.write) {
      wanted.erase(it);  // already as agreed
      continue;
    }
    if (it != wanted.end()) continue;  // changed below
    store::Grant none;
    none.partner = g.partner;
    none.collection_id = g.collection_id;
    CONCORD_RETURN_IF_ERROR(store.SetGrant(none));
    changes.push_back(g.partner + " may no longer read or write collection " + g.collection_id);
  }
  for (const auto& [key, rights] : wanted) {
    store::Grant g;
    g.partner = key.first;
    g.collection_id = key.second;
    g.rights = rights;
    CONCORD_RETURN_IF_ERROR(store.SetGrant(g));
    const std::string what = rights.read && rights.write ? "read and write"
                             : rights.read               ? "read"
                                                         : "write to";
    changes.push_back(key.first + " may now " + what + " " + alias_of[key.second]);
  }
  return changes;
}

}  // namespace concord::federation
