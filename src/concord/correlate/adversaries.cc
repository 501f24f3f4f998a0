#include "concord/correlate/adversaries.h"

#include <algorithm>
#include <limits>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "concord/json/document.h"
#include "concord/json/writer.h"

namespace concord::correlate {
namespace {

// The STIX 2.1 maximum of a sighting's count (section 5.2).
constexpr int64_t kMaxCount = 999'999'999;
constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

constexpr std::string_view kThreatTypes[] = {"intrusion-set", "campaign", "malware"};

// True when `id` is "<type>--" followed by a UUID's 36 characters (8-4-4-4-12 hex digits).
bool IsId(std::string_view id, std::string_view type) {
  if (id.size() != type.size() + 2 + 36 || id.substr(0, type.size()) != type ||
      id.substr(type.size(), 2) != "--") {
    return false;
  }
  const std::string_view uuid = id.substr(type.size() + 2);
  for (size_t i = 0; i < uuid.size(); ++i) {
    const char c = uuid[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

// The threat type of `id` ("" when it is not an intrusion set, campaign or malware id).
std::string_view ThreatType(std::string_view id) {
  for (std::string_view type : kThreatTypes) {
    if (IsId(id, type)) return type;
  }
  return {};
}

// Whether member `key` is absent, a string, or something else.
enum class Field { kAbsent, kString, kMalformed };

Field StringField(json::ObjectView o, const char* key, std::string_view* out) {
  auto value = o[key];
  if (value.error() == simdjson::NO_SUCH_FIELD) return Field::kAbsent;
  return value.get(*out) == simdjson::SUCCESS ? Field::kString : Field::kMalformed;
}

std::string_view StringOr(json::ObjectView o, const char* key) {
  std::string_view v;
  return StringField(o, key, &v) == Field::kString ? v : std::string_view();
}

// Parses a STIX timestamp member; false when it is absent or malformed (see `field`).
bool TimeField(json::ObjectView o, const char* key, Field* field, Timestamp* out) {
  std::string_view text;
  *field = StringField(o, key, &text);
  if (*field != Field::kString) return false;
  Result<ParsedTimestamp> t = ParseTimestamp(text);
  if (!t.ok()) {
    *field = Field::kMalformed;
    return false;
  }
  *out = t->instant;
  return true;
}

// RFC 3339 UTC with as many fraction digits (3, 6 or 9) as the instant needs.
std::string Time(Timestamp t) {
  const int digits = t.nanos % 1000000 == 0 ? 3 : t.nanos % 1000 == 0 ? 6 : 9;
  return FormatTimestamp(t, digits);
}

// a - b in whole seconds, truncated toward zero. Cannot overflow: Timestamps span years 0..9999.
int64_t SecondsBetween(Timestamp a, Timestamp b) {
  int64_t s = a.seconds - b.seconds;
  const int32_t n = a.nanos - b.nanos;
  if (s > 0 && n < 0) --s;
  if (s < 0 && n > 0) ++s;
  return s;
}

uint64_t SaturatingAdd(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b ? std::numeric_limits<uint64_t>::max()
                                                      : a + b;
}

// Ids seen, numbered in order of first appearance.
class Ids {
 public:
  uint32_t Add(std::string_view id) {
    auto [it, fresh] = index_.try_emplace(std::string(id), static_cast<uint32_t>(ids_.size()));
    if (fresh) ids_.push_back(&it->first);
    return it->second;
  }
  uint32_t Find(std::string_view id) const {
    auto it = index_.find(std::string(id));
    return it == index_.end() ? kNone : it->second;
  }
  const std::string& operator[](uint32_t i) const { return *ids_[i]; }
  size_t size() const { return ids_.size(); }

 private:
  std::unordered_map<std::string, uint32_t> index_;
  std::vector<const std::string*> ids_;  // keys of index_ (node-based: stable)
};

struct Threat {
  bool held = false;  // a latest, non-revoked version is stored
  std::string_view type;
  std::string name;
  stix::Tlp tlp = stix::Tlp::kNone;
  std::vector<uint32_t> indicators;  // direct, by "indicates"
  std::vector<uint32_t> inherits;    // threats whose direct indicators it inherits
};

struct Indicator {
  bool linked = false;  // indicates a held threat
  bool held = false;    // a latest, non-revoked version with a valid `created` is stored
  Timestamp published;
  stix::Tlp tlp = stix::Tlp::kNone;
};

// What one identity's sightings of one indicator add up to.
struct Seen {
  Timestamp first_seen;
  Timestamp last_seen;
  uint64_t sightings = 0;
  uint64_t count = 0;
  stix::Tlp tlp = stix::Tlp::kNone;
};

uint64_t Key(uint32_t indicator, uint32_t identity) {
  return (static_cast<uint64_t>(indicator) << 32) | identity;
}

store::Query LatestOf(std::vector<std::string> types) {
  store::Query query;
  query.types = std::move(types);
  query.versions = {store::VersionFilter{store::VersionFilter::Kind::kLast, ""}};
  query.include_revoked = false;
  return query;
}

Status TooMany(std::string_view what, size_t limit, std::string_view option) {
  return ResourceExhausted("finding shared adversaries: more than " + std::to_string(limit) + " " +
                           std::string(what) + " (AdversaryOptions::" + std::string(option) + ")");
}

class Finder {
 public:
  Finder(store::Store& store, const AdversaryOptions& options) : store_(store), options_(options) {}

  Result<std::vector<SharedAdversary>> Run() {
    if (options_.min_sighters == 0) {
      return InvalidArgument("finding shared adversaries: min_sighters must be at least 1");
    }
    CONCORD_RETURN_IF_ERROR(ReadRelationships());
    CONCORD_RETURN_IF_ERROR(ReadThreats());
    CONCORD_RETURN_IF_ERROR(LinkIndicators());
    CONCORD_RETURN_IF_ERROR(ReadIndicators());
    CONCORD_RETURN_IF_ERROR(Inherit());
    CONCORD_RETURN_IF_ERROR(ReadSightings());
    CONCORD_RETURN_IF_ERROR(ReadIdentities());
    return Assemble();
  }

 private:
  // Parses a stored object's JSON; false for anything but a JSON object (skipped).
  bool Parse(const store::StoredObject& row, json::ObjectView* out) {
    Result<json::Element> parsed = parser_.Parse(row.json);
    return parsed.ok() && parsed->get_object().get(*out) == simdjson::SUCCESS;
  }

  // Pass 1: the relationships that tie indicators to threats and threats to each other.
  Status ReadRelationships() {
    return store_.Scan(LatestOf({"relationship"}), [&](const store::StoredObject& row) -> Status {
      json::ObjectView o;
      if (row.revoked || !Parse(row, &o)) return Status::Ok();
      const std::string_view type = StringOr(o, "relationship_type");
      const std::string_view source = StringOr(o, "source_ref");
      const std::string_view target = StringOr(o, "target_ref");
      const std::string_view source_type = ThreatType(source);
      const std::string_view target_type = ThreatType(target);
      if (type == "indicates") {
        if (!IsId(source, "indicator") || target_type.empty()) return Status::Ok();
        CONCORD_RETURN_IF_ERROR(CountRelationship());
        indicates_.emplace_back(indicator_ids_.Add(source), threat_ids_.Add(target));
      } else if (type == "uses") {
        // An intrusion set or campaign using a malware inherits the malware's indicators.
        if ((source_type != "intrusion-set" && source_type != "campaign") ||
            target_type != "malware") {
          return Status::Ok();
        }
        CONCORD_RETURN_IF_ERROR(CountRelationship());
        links_.emplace_back(threat_ids_.Add(source), threat_ids_.Add(target));
      } else if (type == "attributed-to") {
        // The intrusion set a campaign is attributed to inherits the campaign's indicators.
        if (source_type != "campaign" || target_type != "intrusion-set") return Status::Ok();
        CONCORD_RETURN_IF_ERROR(CountRelationship());
        links_.emplace_back(threat_ids_.Add(target), threat_ids_.Add(source));
      }
      return Status::Ok();
    });
  }

  Status CountRelationship() {
    if (++relationships_ > options_.max_relationships) {
      return TooMany("relationships", options_.max_relationships, "max_relationships");
    }
    return Status::Ok();
  }

  // Pass 2: the threats named by those relationships.
  Status ReadThreats() {
    threats_.resize(threat_ids_.size());
    return store_.Scan(
        LatestOf({"intrusion-set", "campaign", "malware"}),
        [&](const store::StoredObject& row) -> Status {
          const uint32_t t = threat_ids_.Find(row.id);
          json::ObjectView o;
          if (t == kNone || row.revoked || ThreatType(row.id) != row.type || !Parse(row, &o)) {
            return Status::Ok();
          }
          Threat& threat = threats_[t];
          threat.held = true;
          threat.type = ThreatType(row.id);
          threat.name = std::string(StringOr(o, "name"));
          threat.tlp = row.tlp;
          return Status::Ok();
        });
  }

  // Marks the indicators that indicate a held threat; drops relationships to missing threats.
  Status LinkIndicators() {
    std::sort(indicates_.begin(), indicates_.end());
    indicates_.erase(std::unique(indicates_.begin(), indicates_.end()), indicates_.end());
    std::erase_if(indicates_, [&](const auto& e) { return !threats_[e.second].held; });
    indicators_.resize(indicator_ids_.size());
    size_t linked = 0;
    for (const auto& [indicator, threat] : indicates_) {
      if (!indicators_[indicator].linked) {
        indicators_[indicator].linked = true;
        if (++linked > options_.max_indicators) {
          return TooMany("indicators of intrusion sets, campaigns and malware",
                         options_.max_indicators, "max_indicators");
        }
      }
    }
    return Status::Ok();
  }

  // Pass 3: when those indicators were published.
  Status ReadIndicators() {
    return store_.Scan(LatestOf({"indicator"}), [&](const store::StoredObject& row) -> Status {
      const uint32_t i = indicator_ids_.Find(row.id);
      json::ObjectView o;
      if (i == kNone || !indicators_[i].linked || row.revoked || !Parse(row, &o)) {
        return Status::Ok();
      }
      Field field;
      Indicator& indicator = indicators_[i];
      if (!TimeField(o, "created", &field, &indicator.published)) return Status::Ok();
      indicator.held = true;
      indicator.tlp = row.tlp;
      return Status::Ok();
    });
  }

  // Gives each threat its direct indicators and the threats it inherits from, and counts the
  // inherited indicators against max_relationships.
  Status Inherit() {
    for (const auto& [indicator, threat] : indicates_) {
      if (indicators_[indicator].held) threats_[threat].indicators.push_back(indicator);
    }
    indicates_ = {};
    std::sort(links_.begin(), links_.end());
    links_.erase(std::unique(links_.begin(), links_.end()), links_.end());
    for (const auto& [heir, from] : links_) {
      if (!threats_[heir].held || !threats_[from].held) continue;
      threats_[heir].inherits.push_back(from);
      relationships_ += threats_[from].indicators.size();
      if (relationships_ > options_.max_relationships) {
        return TooMany(
            "relationships, counting indicators inherited through uses and attributed-to",
            options_.max_relationships, "max_relationships");
      }
    }
    links_ = {};
    return Status::Ok();
  }

  // Pass 4: the sightings of held indicators of held threats, summed per indicator and identity.
  Status ReadSightings() {
    std::vector<std::string_view> refs;
    return store_.Scan(LatestOf({"sighting"}), [&](const store::StoredObject& row) -> Status {
      json::ObjectView o;
      if (row.revoked || !Parse(row, &o)) return Status::Ok();
      const uint32_t i = indicator_ids_.Find(StringOr(o, "sighting_of_ref"));
      if (i == kNone || !indicators_[i].held) return Status::Ok();

      // Who saw it: the identities among where_sighted_refs (locations are not sighters).
      json::ArrayView where;
      if (o["where_sighted_refs"].get(where) != simdjson::SUCCESS) return Status::Ok();
      refs.clear();
      for (json::Element e : where) {
        std::string_view ref;
        if (e.get(ref) == simdjson::SUCCESS && IsId(ref, "identity")) refs.push_back(ref);
      }
      std::sort(refs.begin(), refs.end());
      refs.erase(std::unique(refs.begin(), refs.end()), refs.end());
      if (refs.empty()) return Status::Ok();

      // When: first_seen..last_seen, one standing in for the other, `created` for both.
      Timestamp first, last;
      Field first_field, last_field;
      const bool has_first = TimeField(o, "first_seen", &first_field, &first);
      const bool has_last = TimeField(o, "last_seen", &last_field, &last);
      if (first_field == Field::kMalformed || last_field == Field::kMalformed) return Status::Ok();
      if (!has_first && !has_last) {
        Field created_field;
        if (!TimeField(o, "created", &created_field, &first)) return Status::Ok();
        last = first;
      } else if (!has_first) {
        first = last;
      } else if (!has_last) {
        last = first;
      }
      if (last < first) return Status::Ok();

      // How often: count, 1 when absent.
      int64_t count = 1;
      auto count_value = o["count"];
      if (count_value.error() != simdjson::NO_SUCH_FIELD &&
          (count_value.get(count) != simdjson::SUCCESS || count < 1 || count > kMaxCount)) {
        return Status::Ok();
      }

      for (std::string_view ref : refs) {
        if (++sightings_read_ > options_.max_sightings) {
          return TooMany("sightings of indicators of intrusion sets, campaigns and malware",
                         options_.max_sightings, "max_sightings");
        }
        const uint32_t identity = identity_ids_.Add(ref);
        auto [it, fresh] = seen_.try_emplace(Key(i, identity));
        Seen& s = it->second;
        if (fresh) {
          s.first_seen = first;
          s.last_seen = last;
        } else {
          s.first_seen = std::min(s.first_seen, first);
          s.last_seen = std::max(s.last_seen, last);
        }
        ++s.sightings;
        s.count = SaturatingAdd(s.count, static_cast<uint64_t>(count));
        s.tlp = stix::MostRestrictive(s.tlp, row.tlp);
      }
      return Status::Ok();
    });
  }

  // Pass 5: the sighters' names.
  Status ReadIdentities() {
    identity_names_.resize(identity_ids_.size());
    return store_.Scan(LatestOf({"identity"}), [&](const store::StoredObject& row) -> Status {
      const uint32_t i = identity_ids_.Find(row.id);
      json::ObjectView o;
      if (i == kNone || row.revoked || !Parse(row, &o)) return Status::Ok();
      identity_names_[i] = std::string(StringOr(o, "name"));
      return Status::Ok();
    });
  }

  std::vector<SharedAdversary> Assemble() {
    // seen_ as a vector sorted by (indicator, identity), so that each indicator's sighters are
    // one range.
    std::vector<std::pair<uint64_t, Seen>> seen(seen_.begin(), seen_.end());
    seen_ = {};
    std::sort(seen.begin(), seen.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    auto range_of = [&](uint32_t indicator) {
      auto begin = std::lower_bound(seen.begin(), seen.end(), Key(indicator, 0),
                                    [](const auto& e, uint64_t key) { return e.first < key; });
      auto end = begin;
      while (end != seen.end() && (end->first >> 32) == indicator) ++end;
      return std::make_pair(begin, end);
    };

    struct Acc {
      SighterView view;
      uint32_t first_indicator = kNone;
    };
    std::vector<SharedAdversary> out;
    std::vector<uint32_t> indicators;
    std::unordered_map<uint32_t, Acc> by_identity;
    for (uint32_t t = 0; t < threats_.size(); ++t) {
      const Threat& threat = threats_[t];
      if (!threat.held) continue;
      indicators = threat.indicators;
      for (uint32_t from : threat.inherits) {
        indicators.insert(indicators.end(), threats_[from].indicators.begin(),
                          threats_[from].indicators.end());
      }
      std::sort(indicators.begin(), indicators.end());
      indicators.erase(std::unique(indicators.begin(), indicators.end()), indicators.end());

      by_identity.clear();
      SharedAdversary adversary;
      adversary.tlp = threat.tlp;
      for (uint32_t i : indicators) {
        auto [begin, end] = range_of(i);
        if (begin == end) continue;
        adversary.indicators.push_back(indicator_ids_[i]);
        adversary.tlp = stix::MostRestrictive(adversary.tlp, indicators_[i].tlp);
        for (auto it = begin; it != end; ++it) {
          const uint32_t identity = static_cast<uint32_t>(it->first & 0xffffffffu);
          const Seen& s = it->second;
          adversary.tlp = stix::MostRestrictive(adversary.tlp, s.tlp);
          auto [acc_it, fresh] = by_identity.try_emplace(identity);
          Acc& acc = acc_it->second;
          SighterView& v = acc.view;
          if (fresh || s.first_seen < v.first_seen ||
              (s.first_seen == v.first_seen &&
               indicator_ids_[i] < indicator_ids_[acc.first_indicator])) {
            v.first_seen = s.first_seen;
            acc.first_indicator = i;
          }
          v.last_seen = fresh ? s.last_seen : std::max(v.last_seen, s.last_seen);
          v.sightings = SaturatingAdd(v.sightings, s.sightings);
          v.count = SaturatingAdd(v.count, s.count);
        }
      }
      if (by_identity.size() < options_.min_sighters) continue;

      adversary.id = threat_ids_[t];
      adversary.type = std::string(threat.type);
      adversary.name = threat.name;
      std::sort(adversary.indicators.begin(), adversary.indicators.end());
      for (auto& [identity, acc] : by_identity) {
        SighterView& v = acc.view;
        v.identity_id = identity_ids_[identity];
        v.name = identity_names_[identity];
        v.first_indicator = indicator_ids_[acc.first_indicator];
        v.published = indicators_[acc.first_indicator].published;
        v.time_to_first_sighting_seconds = SecondsBetween(v.first_seen, v.published);
        adversary.sighters.push_back(std::move(v));
      }
      std::sort(adversary.sighters.begin(), adversary.sighters.end(),
                [](const SighterView& a, const SighterView& b) {
                  return std::tie(a.first_seen, a.identity_id) <
                         std::tie(b.first_seen, b.identity_id);
                });
      out.push_back(std::move(adversary));
    }
    std::sort(out.begin(), out.end(), [](const SharedAdversary& a, const SharedAdversary& b) {
      if (a.sighters.size() != b.sighters.size()) return a.sighters.size() > b.sighters.size();
      return std::tie(a.name, a.id) < std::tie(b.name, b.id);
    });
    return out;
  }

  store::Store& store_;
  const AdversaryOptions& options_;
  json::Parser parser_;

  Ids threat_ids_;
  Ids indicator_ids_;
  Ids identity_ids_;
  std::vector<std::pair<uint32_t, uint32_t>> indicates_;  // (indicator, threat)
  std::vector<std::pair<uint32_t, uint32_t>> links_;      // (heir, threat it inherits from)
  size_t relationships_ = 0;
  std::vector<Threat> threats_;
  std::vector<Indicator> indicators_;
  size_t sightings_read_ = 0;
  std::unordered_map<uint64_t, Seen> seen_;  // by Key(indicator, identity)
  std::vector<std::string> identity_names_;
};

// ---------------------------------------------------------------------------------------------
// Text.

// `s` made safe and short for a terminal: control characters become '?', and more than `max`
// characters (UTF-8 code points) end in "...".
std::string Printable(std::string_view s, size_t max = 40) {
  std::string out;
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const bool lead = (c & 0xC0) != 0x80;
    if (lead && ++chars > max) {
      // Drop back to `max - 3` characters and mark the cut.
      size_t keep = 0, n = 0;
      for (; keep < out.size(); ++keep) {
        if ((static_cast<unsigned char>(out[keep]) & 0xC0) != 0x80 && ++n > max - 3) break;
      }
      out.resize(keep);
      out += "...";
      return out;
    }
    out += c < 0x20 || c == 0x7f ? '?' : static_cast<char>(c);
  }
  return out;
}

size_t Width(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// "3d 4h", "5h 12m", "7m 3s", "42s"; negative durations start with '-'.
std::string Duration(int64_t seconds) {
  std::string sign = seconds < 0 ? "-" : "+";
  // Magnitude as unsigned: -INT64_MIN does not fit (unreachable for Timestamps, but cheap).
  const uint64_t s = seconds < 0 ? 0 - static_cast<uint64_t>(seconds) : seconds;
  if (s == 0) return "0s";
  if (s < 60) return sign + std::to_string(s) + "s";
  if (s < 3600) return sign + std::to_string(s / 60) + "m " + std::to_string(s % 60) + "s";
  if (s < 86400) return sign + std::to_string(s / 3600) + "h " + std::to_string(s / 60 % 60) + "m";
  return sign + std::to_string(s / 86400) + "d " + std::to_string(s / 3600 % 24) + "h";
}

void AppendRow(const std::vector<std::string>& cells, const std::vector<size_t>& widths,
               std::string* out) {
  std::string line = "  ";
  for (size_t c = 0; c < cells.size(); ++c) {
    line += cells[c];
    if (c + 1 < cells.size()) line.append(widths[c] - Width(cells[c]) + 2, ' ');
  }
  *out += line;
  *out += '\n';
}

std::string TlpLabel(stix::Tlp tlp) {
  std::string name(stix::TlpName(tlp));
  for (char& c : name) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return "TLP:" + name;
}

}  // namespace

Result<std::vector<SharedAdversary>> FindSharedAdversaries(store::Store& store,
                                                           const AdversaryOptions& options) {
  Finder finder(store, options);
  return finder.Run();
}

std::string AdversariesJson(const std::vector<SharedAdversary>& adversaries) {
  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  w.Key("adversaries");
  w.BeginArray();
  for (const SharedAdversary& a : adversaries) {
    w.BeginObject();
    w.Key("id");
    w.String(a.id);
    w.Key("type");
    w.String(a.type);
    w.Key("name");
    w.String(a.name);
    w.Key("tlp");
    w.String(stix::TlpName(a.tlp));
    w.Key("indicators");
    w.BeginArray();
    for (const std::string& indicator : a.indicators) w.String(indicator);
    w.EndArray();
    w.Key("sighters");
    w.BeginArray();
    for (const SighterView& s : a.sighters) {
      w.BeginObject();
      w.Key("identity");
      w.String(s.identity_id);
      w.Key("name");
      w.String(s.name);
      w.Key("first_seen");
      w.String(Time(s.first_seen));
      w.Key("last_seen");
      w.String(Time(s.last_seen));
      w.Key("sightings");
      w.UInt(s.sightings);
      w.Key("count");
      w.UInt(s.count);
      w.Key("first_indicator");
      w.String(s.first_indicator);
      w.Key("published");
      w.String(Time(s.published));
      w.Key("time_to_first_sighting_seconds");
      w.Int(s.time_to_first_sighting_seconds);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return out;
}

std::string AdversariesText(const std::vector<SharedAdversary>& adversaries) {
  if (adversaries.empty()) return "No shared adversaries.\n";
  constexpr size_t kMaxIndicatorsShown = 5;
  std::string out;
  for (size_t n = 0; n < adversaries.size(); ++n) {
    const SharedAdversary& a = adversaries[n];
    if (n > 0) out += '\n';
    out += a.type + " " + (a.name.empty() ? "(unnamed)" : "\"" + Printable(a.name, 80) + "\"") +
           "  " + a.id;
    if (a.tlp != stix::Tlp::kNone) out += "  " + TlpLabel(a.tlp);
    out += '\n';
    out += "  sighted by " + std::to_string(a.sighters.size()) +
           (a.sighters.size() == 1 ? " identity through " : " identities through ") +
           std::to_string(a.indicators.size()) +
           (a.indicators.size() == 1 ? " indicator:\n" : " indicators:\n");
    for (size_t i = 0; i < a.indicators.size() && i < kMaxIndicatorsShown; ++i) {
      out += "    " + a.indicators[i] + "\n";
    }
    if (a.indicators.size() > kMaxIndicatorsShown) {
      out += "    and " + std::to_string(a.indicators.size() - kMaxIndicatorsShown) + " more\n";
    }

    std::vector<std::vector<std::string>> rows;
    rows.push_back({"SIGHTER", "FIRST SEEN", "LAST SEEN", "SIGHTINGS", "COUNT", "SINCE PUBLISHED",
                    "FIRST INDICATOR"});
    for (const SighterView& s : a.sighters) {
      rows.push_back({s.name.empty() ? s.identity_id : Printable(s.name), Time(s.first_seen),
                      Time(s.last_seen), std::to_string(s.sightings), std::to_string(s.count),
                      Duration(s.time_to_first_sighting_seconds), s.first_indicator});
    }
    std::vector<size_t> widths(rows[0].size(), 0);
    for (const auto& row : rows) {
      for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], Width(row[c]));
    }
    for (const auto& row : rows) AppendRow(row, widths, &out);
  }
  return out;
}

}  // namespace concord::correlate
