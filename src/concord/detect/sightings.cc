#include "concord/detect/sightings.h"

#include <algorithm>

#include "concord/base/uuid.h"
#include "concord/json/writer.h"

namespace concord::detect {
namespace {

// The namespace of node identity ids (a random UUID fixed here; never change it).
constexpr std::string_view kIdentityNamespace = "5b5d9f4e-8d0b-4a8e-9c51-2a8f0f1c6d37";

std::string Time(Timestamp t) {
  const int digits = t.nanos % 1000000 == 0 ? 3 : t.nanos % 1000 == 0 ? 6 : 9;
  return FormatTimestamp(t, digits);
}

}  // namespace

std::string NodeIdentityId(std::string_view name) {
  const Uuid ns = *ParseUuid(kIdentityNamespace);
  return "identity--" + UuidV5(ns, name).ToString();
}

std::string NodeIdentityJson(std::string_view name, Timestamp created,
                             std::string_view identity_id) {
  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  w.Key("type");
  w.String("identity");
  w.Key("spec_version");
  w.String("2.1");
  w.Key("id");
  w.String(identity_id.empty() ? NodeIdentityId(name) : std::string(identity_id));
  w.Key("created");
  w.String(FormatTimestamp(created, 3));
  w.Key("modified");
  w.String(FormatTimestamp(created, 3));
  w.Key("name");
  w.String(name);
  w.Key("identity_class");
  w.String("organization");
  w.Key("description");
  w.String("The Concord node that reports these sightings.");
  w.Key("object_marking_refs");
  w.BeginArray();
  w.String(stix::TlpMarkingId(stix::Tlp::kClear));
  w.EndArray();
  w.EndObject();
  return out;
}

void SightingCounter::Record(uint32_t index, Timestamp first, Timestamp last) {
  auto [it, fresh] = by_indicator_.try_emplace(index);
  Seen& s = it->second;
  if (fresh) {
    s.first_seen = first;
    s.last_seen = last;
  } else {
    s.first_seen = std::min(s.first_seen, first);
    s.last_seen = std::max(s.last_seen, last);
  }
  ++s.count;
}

uint64_t SightingCounter::count(uint32_t index) const {
  auto it = by_indicator_.find(index);
  return it == by_indicator_.end() ? 0 : it->second.count;
}

std::vector<std::string> SightingCounter::ToStix(const IndicatorSet& indicators,
                                                 const SightingOptions& options) const {
  std::vector<uint32_t> seen;
  for (const auto& [index, s] : by_indicator_) seen.push_back(index);
  std::sort(seen.begin(), seen.end());
  std::vector<std::string> out;
  for (uint32_t index : seen) {
    const Seen& s = by_indicator_.at(index);
    const IndicatorRef indicator = indicators.indicator(index);
    const stix::Tlp tlp = stix::MostRestrictive(indicator.tlp, options.min_tlp);
    std::string text;
    json::Writer w(&text);
    w.BeginObject();
    w.Key("type");
    w.String("sighting");
    w.Key("spec_version");
    w.String("2.1");
    w.Key("id");
    w.String("sighting--" + NewUuidV4().ToString());
    w.Key("created");
    w.String(FormatTimestamp(options.now, 3));
    w.Key("modified");
    w.String(FormatTimestamp(options.now, 3));
    w.Key("created_by_ref");
    w.String(options.identity_id);
    if (!options.description.empty()) {
      w.Key("description");
      w.String(options.description);
    }
    w.Key("sighting_of_ref");
    w.String(indicator.id);
    w.Key("count");
    w.UInt(std::min<uint64_t>(s.count, 999999999));
    w.Key("first_seen");
    w.String(Time(s.first_seen));
    w.Key("last_seen");
    w.String(Time(s.last_seen));
    w.Key("where_sighted_refs");
    w.BeginArray();
    w.String(options.identity_id);
    w.EndArray();
    if (tlp != stix::Tlp::kNone) {
      w.Key("object_marking_refs");
      w.BeginArray();
      w.String(stix::TlpMarkingId(tlp));
      w.EndArray();
    }
    w.EndObject();
    out.push_back(std::move(text));
  }
  return out;
}

}  // namespace concord::detect
