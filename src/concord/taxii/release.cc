#include "concord/taxii/release.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace concord::taxii {
namespace {

// Referenced objects are looked up this many ids at a time.
constexpr size_t kLookupChunk = 500;

}  // namespace

ReleaseFilter::ReleaseFilter(store::Store* store, const policy::Agreements* agreements,
                             std::string recipient)
    : store_(store), agreements_(agreements), recipient_(std::move(recipient)) {}

std::vector<std::string> ReleaseFilter::Partners(const std::vector<store::Provenance>& sources) {
  std::vector<std::string> out;
  for (const store::Provenance& p : sources) {
    if (p.kind == "partner") out.push_back(p.name);
  }
  return out;
}

Result<policy::Subject> ReleaseFilter::Describe(const store::StoredObject& object) {
  CONCORD_ASSIGN_OR_RETURN(auto sources, store_->SourcesOf({object.id}));
  auto it = sources.find(object.id);
  return policy::DescribeObject(
      object.json, it == sources.end() ? std::vector<std::string>{} : Partners(it->second));
}

Status ReleaseFilter::Apply(std::vector<store::StoredObject>* objects) {
  withheld_.clear();
  redacted_ = 0;
  if (objects->empty()) return Status::Ok();

  std::vector<std::string> ids;
  ids.reserve(objects->size());
  for (const store::StoredObject& o : *objects) ids.push_back(o.id);
  CONCORD_ASSIGN_OR_RETURN(auto sources, store_->SourcesOf(ids));
  auto origins = [&sources](const std::string& id) {
    auto it = sources.find(id);
    return it == sources.end() ? std::vector<std::string>{} : Partners(it->second);
  };

  std::vector<policy::Subject> subjects;
  subjects.reserve(objects->size());
  for (const store::StoredObject& o : *objects) {
    Result<policy::Subject> s = policy::DescribeObject(o.json, origins(o.id));
    if (!s.ok()) return s.status().WithPrefix("reading " + o.id + " from the store");
    subjects.push_back(std::move(*s));
  }
  // Rules 1-9 first: only what they release needs its references looked up (rule 10).
  std::vector<policy::Decision> decisions;
  decisions.reserve(objects->size());
  std::set<std::string> wanted;  // referenced ids
  for (const policy::Subject& s : subjects) {
    decisions.push_back(policy::Decide(s, recipient_, *agreements_, policy::SubjectLookup()));
    if (decisions.back().released()) wanted.insert(s.reveals.begin(), s.reveals.end());
  }

  // The latest versions of referenced objects, as the policy sees them.
  std::map<std::string, policy::Subject, std::less<>> held;
  std::vector<std::string> chunk;
  auto flush = [&]() -> Status {
    if (chunk.empty()) return Status::Ok();
    store::Query q;
    q.ids = chunk;
    q.versions.push_back(store::VersionFilter{store::VersionFilter::Kind::kLast, ""});
    CONCORD_ASSIGN_OR_RETURN(store::Page page, store_->Find(q, chunk.size()));
    CONCORD_ASSIGN_OR_RETURN(auto ref_sources, store_->SourcesOf(chunk));
    for (const store::StoredObject& r : page.objects) {
      auto it = ref_sources.find(r.id);
      Result<policy::Subject> s = policy::DescribeObject(
          r.json, it == ref_sources.end() ? std::vector<std::string>{} : Partners(it->second));
      if (!s.ok()) return s.status().WithPrefix("reading " + r.id + " from the store");
      held.insert_or_assign(r.id, std::move(*s));
    }
    chunk.clear();
    return Status::Ok();
  };
  for (const std::string& id : wanted) {
    chunk.push_back(id);
    if (chunk.size() == kLookupChunk) CONCORD_RETURN_IF_ERROR(flush());
  }
  CONCORD_RETURN_IF_ERROR(flush());
  const policy::SubjectLookup lookup = [&held](std::string_view id) -> const policy::Subject* {
    auto it = held.find(id);
    return it == held.end() ? nullptr : &it->second;
  };

  size_t kept = 0;
  for (size_t i = 0; i < objects->size(); ++i) {
    store::StoredObject& o = (*objects)[i];
    if (decisions[i].released() && !subjects[i].reveals.empty()) {
      decisions[i] = policy::Decide(subjects[i], recipient_, *agreements_, lookup);
    }
    const policy::Decision& d = decisions[i];
    if (d.verdict == policy::Verdict::kWithhold) {
      withheld_.push_back(Withheld{o.id, d.reason});
      continue;
    }
    if (d.verdict == policy::Verdict::kRedact) {
      Result<std::string> redacted = policy::Redact(o.json, d.redact);
      if (!redacted.ok()) {
        withheld_.push_back(
            Withheld{o.id, "could not be redacted: " + redacted.status().message()});
        continue;
      }
      o.json = std::move(*redacted);
      ++redacted_;
    }
    if (kept != i) (*objects)[kept] = std::move(o);
    ++kept;
  }
  objects->resize(kept);
  return Status::Ok();
}

}  // namespace concord::taxii
