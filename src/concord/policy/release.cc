#include "concord/policy/release.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "concord/base/ascii.h"
#include "concord/json/document.h"
#include "concord/json/edit.h"

namespace concord::policy {
namespace {

using stix::Tlp;

// ---------------------------------------------------------------------------------------------
// Words for reasons.

// "TLP:AMBER+STRICT"; "no TLP marking" for kNone.
std::string TlpLabel(Tlp tlp) {
  if (tlp == Tlp::kNone) return "no TLP marking";
  std::string out = "TLP:";
  for (char c : stix::TlpName(tlp)) out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
  return out;
}

// `s` as is when it is plain printable ASCII of reasonable length (names and STIX ids are);
// otherwise quoted and escaped, so that text from outside cannot forge a reason.
std::string Plain(std::string_view s) {
  constexpr size_t kMaxPlain = 128;
  bool plain = !s.empty() && s.size() <= kMaxPlain;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '"' || c == '\\' || c == ',' || c == ';') plain = false;
  }
  return plain ? std::string(s) : QuoteForMessage(s, kMaxPlain);
}

// "a", "a and b", "a, b and c".
std::string JoinWords(const std::vector<std::string>& words) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " and " : ", ";
    out += words[i];
  }
  return out;
}

// "an indicator", "a malware".
std::string WithArticle(std::string_view type) {
  const std::string name = Plain(type);
  const bool vowel = std::string_view("aeiou").find(name[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + name;
}

Decision Withhold(std::string reason) {
  Decision d;
  d.verdict = Verdict::kWithhold;
  d.reason = std::move(reason);
  return d;
}

// ---------------------------------------------------------------------------------------------
// Properties an object cannot do without (rule 9).

// Never removed from any object: the common required properties, and those that carry the
// markings, the authorship and the revocation, without which what is left would say something
// else.
constexpr std::string_view kAlwaysKept[] = {
    "id",
    "type",
    "spec_version",
    "created",
    "modified",
    "granular_markings",
    "object_marking_refs",
    "created_by_ref",
    "revoked",
};

struct TypeRequirements {
  std::string_view type;
  std::string_view properties[4];  // unused entries are empty
};

// The properties STIX 2.1 requires per type (section 4-6), beyond the common ones above. Where
// the specification requires one of several (location: region, country or latitude and
// longitude; malware-analysis: result or analysis_sco_refs; file: hashes or name), all of them
// are listed: removing any one might leave the object invalid. malware's name is required when
// is_family is true; both are treated as required.
const TypeRequirements kRequired[] = {
    // SDOs
    {"attack-pattern", {"name"}},
    {"campaign", {"name"}},
    {"course-of-action", {"name"}},
    {"grouping", {"context", "object_refs"}},
    {"identity", {"name"}},
    {"incident", {"name"}},
    {"indicator", {"pattern", "pattern_type", "valid_from"}},
    {"infrastructure", {"name"}},
    {"intrusion-set", {"name"}},
    {"location", {"region", "country", "latitude", "longitude"}},
    {"malware", {"name", "is_family"}},
    {"malware-analysis", {"product", "result", "analysis_sco_refs"}},
    {"note", {"content", "object_refs"}},
    {"observed-data", {"first_observed", "last_observed", "number_observed", "object_refs"}},
    {"opinion", {"opinion", "object_refs"}},
    {"report", {"name", "published", "object_refs"}},
    {"threat-actor", {"name"}},
    {"tool", {"name"}},
    {"vulnerability", {"name"}},
    // SROs
    {"relationship", {"relationship_type", "source_ref", "target_ref"}},
    {"sighting", {"sighting_of_ref"}},
    // Meta objects
    {"marking-definition", {"definition_type", "definition", "extensions"}},
    {"language-content", {"object_ref", "contents"}},
    {"extension-definition", {"name", "schema", "version", "extension_types"}},
    // Common SCOs
    {"artifact", {"payload_bin", "url", "hashes"}},
    {"autonomous-system", {"number"}},
    {"directory", {"path"}},
    {"domain-name", {"value"}},
    {"email-addr", {"value"}},
    {"email-message", {"is_multipart"}},
    {"file", {"hashes", "name"}},
    {"ipv4-addr", {"value"}},
    {"ipv6-addr", {"value"}},
    {"mac-addr", {"value"}},
    {"mutex", {"name"}},
    {"network-traffic", {"protocols"}},
    {"software", {"name"}},
    {"url", {"value"}},
};

bool IsRequired(std::string_view type, std::string_view property) {
  for (std::string_view p : kAlwaysKept) {
    if (p == property) return true;
  }
  for (const TypeRequirements& t : kRequired) {
    if (t.type != type) continue;
    for (std::string_view p : t.properties) {
      if (!p.empty() && p == property) return true;
    }
  }
  return false;
}

// The top-level property a selector points into: "labels.[1]" -> "labels".
std::string_view SelectorProperty(std::string_view selector) {
  return selector.substr(0, selector.find('.'));
}

// ---------------------------------------------------------------------------------------------
// Rules 1-9.

// The agreement `recipient` names; nullptr when there is none (an empty name never matches).
const PartnerAgreement* FindRecipient(std::string_view recipient, const Agreements& agreements) {
  if (recipient.empty()) return nullptr;
  return agreements.Find(recipient);
}

// Rule 3: the object goes back to whoever sent or created it. Sets *how for the reason.
bool ReturnsToSource(const Subject& subject, const PartnerAgreement& partner,
                     std::string_view* how) {
  if (std::find(subject.received_from.begin(), subject.received_from.end(), partner.name) !=
      subject.received_from.end()) {
    *how = "sent it to us";
    return true;
  }
  if (!subject.created_by_ref.empty() && subject.created_by_ref == partner.identity_id) {
    *how = "created it";
    return true;
  }
  return false;
}

// Rules 1-9 for `subject` and `partner`, the agreement with the recipient.
Decision DecideByRules(const Subject& subject, std::string_view recipient,
                       const Agreements& agreements) {
  // Rule 1.
  if (subject.tlp == Tlp::kRed) return Withhold("TLP:RED never leaves this node");

  // Rule 2.
  const PartnerAgreement* partner = FindRecipient(recipient, agreements);
  if (partner == nullptr) {
    return Withhold("no agreement with partner " + QuoteForMessage(recipient));
  }
  const std::string who = Plain(partner->name);
  // A max_tlp of RED (which an agreement must not have) is read as AMBER+STRICT: RED never goes.
  const Tlp max_tlp = std::min(partner->max_tlp, Tlp::kAmberStrict);

  // Rule 3.
  std::string_view how;
  const bool returning = ReturnsToSource(subject, *partner, &how);

  // The most restrictive level the recipient may see of this object (used again by rule 9).
  Tlp limit = max_tlp;
  Tlp effective = subject.tlp;
  std::string release_reason;
  if (returning) {
    release_reason = "returns to " + who + ", which " + std::string(how);
  } else {
    // Rule 4.
    if (!partner->MayReceiveType(subject.type)) {
      return Withhold(who + " may not receive " + Plain(subject.type) +
                      " objects: the type is not in its agreement");
    }

    // Rule 5.
    const bool unmarked = subject.tlp == Tlp::kNone;
    if (unmarked) {
      effective = agreements.node.unmarked;
      if (effective == Tlp::kNone) {
        return Withhold("this object has no TLP marking, and unmarked objects are not released");
      }
      if (effective == Tlp::kRed) {
        return Withhold(
            "this object has no TLP marking, and unmarked objects are treated as TLP:RED, which "
            "never leaves this node");
      }
    }
    const std::string level =
        unmarked ? "unmarked, treated as " + TlpLabel(effective) : TlpLabel(effective);

    // Rule 6.
    if (!subject.received_from.empty()) {
      for (const std::string& origin : subject.received_from) {
        const PartnerAgreement* from = agreements.Find(origin);
        if (from == nullptr) {
          return Withhold("received from " + Plain(origin) +
                          ", with which there is no agreement that allows passing on");
        }
        if (!from->pass_on) {
          return Withhold("received from " + Plain(origin) +
                          ", whose agreement does not allow passing on");
        }
      }
      if (effective > Tlp::kGreen) {
        return Withhold("received from " + JoinWords(subject.received_from) +
                        "; only TLP:CLEAR and TLP:GREEN may be passed on; this object is " + level);
      }
      limit = std::min(limit, Tlp::kGreen);
    }

    // Rule 7.
    if (effective == Tlp::kAmberStrict) {
      if (!subject.received_from.empty()) {
        return Withhold(
            "TLP:AMBER+STRICT goes only from the organisation that owns it; this object was "
            "received from " +
            JoinWords(subject.received_from));
      }
      if (!subject.created_by_ref.empty() &&
          subject.created_by_ref != agreements.node.identity_id) {
        // Imported from a file, say, but another organisation's.
        return Withhold(
            "TLP:AMBER+STRICT goes only from the organisation that owns it; this object was "
            "created by " +
            Plain(subject.created_by_ref));
      }
      if (max_tlp < Tlp::kAmberStrict) {
        return Withhold(who + " may receive at most " + TlpLabel(max_tlp) +
                        "; TLP:AMBER+STRICT goes only to recipients whose agreement allows it");
      }
    }

    // Rule 8.
    if (effective > max_tlp) {
      return Withhold(who + " may receive at most " + TlpLabel(max_tlp) + "; this object is " +
                      level);
    }
    release_reason = TlpLabel(effective) + " " + Plain(subject.type) + " within " + who +
                     "'s agreement (at most " + TlpLabel(max_tlp) + ")";
    if (unmarked) release_reason += "; the object is unmarked, treated as " + TlpLabel(effective);
  }

  // Rule 9. A granular level the recipient may not see: RED always; otherwise (rules 5-8 do not
  // apply to an object going back to its source) above `limit`. Non-TLP markings (kNone) say
  // nothing about who may see the property and are ignored.
  bool any_hidden = false;
  std::vector<std::string> redact;
  for (const GranularMarking& g : subject.granular) {
    const bool hidden = g.tlp == Tlp::kRed || (!returning && g.tlp != Tlp::kNone && g.tlp > limit);
    if (!hidden) continue;
    const std::string marking = "granular " + TlpLabel(g.tlp) + " marking " + Plain(g.marking_ref);
    any_hidden = true;
    if (g.selectors.empty()) {
      return Withhold(marking + " selects no property, so what it covers cannot be removed");
    }
    for (const std::string& selector : g.selectors) {
      const std::string_view property = SelectorProperty(selector);
      if (property.empty()) {
        return Withhold(marking + " has selector " + QuoteForMessage(selector) +
                        ", which names no property that could be removed");
      }
      if (agreements.node.granular == GranularHandling::kWithhold) {
        return Withhold(marking + " covers " + Plain(property) + ", which " + who +
                        " may not see (" +
                        (g.tlp == Tlp::kRed ? std::string("TLP:RED never leaves this node")
                                            : "at most " + TlpLabel(limit)) +
                        "), and granular markings are handled by withholding the object");
      }
      if (IsRequired(subject.type, property)) {
        return Withhold(
            marking + " covers " + Plain(property) + ", which " +
            (subject.type.empty() ? std::string("the object") : WithArticle(subject.type)) +
            " cannot do without");
      }
      redact.emplace_back(property);
    }
  }
  if (any_hidden) {
    std::sort(redact.begin(), redact.end());
    redact.erase(std::unique(redact.begin(), redact.end()), redact.end());
    Decision d;
    d.verdict = Verdict::kRedact;
    d.reason = release_reason + "; without " + JoinWords(redact) + ", under granular markings " +
               who + " may not see";
    d.redact = std::move(redact);
    return d;
  }

  Decision d;
  d.verdict = Verdict::kRelease;
  d.reason = std::move(release_reason);
  return d;
}

// ---------------------------------------------------------------------------------------------
// Reading objects.

// The string member `name` of `object`; nullopt when absent or not a string.
std::optional<std::string_view> StringMember(json::ObjectView object, std::string_view name) {
  std::string_view s;
  if (object[name].get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
  return s;
}

// Appends the strings of the array member `name` of `object` to `out`; other elements, and a
// member that is not an array, are ignored.
void AppendStrings(json::ObjectView object, std::string_view name, std::vector<std::string>* out) {
  json::ArrayView array;
  if (object[name].get_array().get(array) != simdjson::SUCCESS) return;
  for (json::Element e : array) {
    std::string_view s;
    if (e.get_string().get(s) == simdjson::SUCCESS) out->emplace_back(s);
  }
}

// One Parser per thread, reused between calls.
json::Parser& ThreadParser() {
  thread_local json::Parser parser;
  return parser;
}

// The index among the members of `object` of the first one named `name`; nullopt when none.
std::optional<size_t> MemberIndex(json::ObjectView object, std::string_view name) {
  size_t i = 0;
  for (const simdjson::dom::key_value_pair member : object) {
    if (member.key == name) return i;
    ++i;
  }
  return std::nullopt;
}

bool WithinAny(std::string_view selector, const std::vector<std::string>& properties) {
  const std::string_view property = SelectorProperty(selector);
  return std::find(properties.begin(), properties.end(), property) != properties.end();
}

// The new text of the granular_markings array `text` (minified; `array` its DOM) without the
// markings whose selectors all fall within `properties`, and without the selectors that do in
// the others. nullopt when nothing changes.
Result<std::optional<std::string>> PruneGranular(std::string_view text, json::ArrayView array,
                                                 const std::vector<std::string>& properties) {
  const std::vector<json::Span> entries = json::ValueSpans(text);
  if (entries.size() != array.size()) {
    return Internal("Redact: granular_markings holds " + std::to_string(array.size()) +
                    " markings but " + std::to_string(entries.size()) + " were found in its text");
  }
  bool changed = false;
  std::string out = "[";
  size_t index = 0;
  for (json::Element entry : array) {
    const json::Span span = entries[index++];
    std::string entry_text(text.substr(span.begin, span.end - span.begin));
    json::ObjectView marking;
    json::ArrayView selectors;
    std::optional<size_t> at;
    if (entry.get_object().get(marking) == simdjson::SUCCESS &&
        marking["selectors"].get_array().get(selectors) == simdjson::SUCCESS &&
        (at = MemberIndex(marking, "selectors")).has_value()) {
      const std::vector<json::Span> member_values = json::ValueSpans(entry_text);
      if (*at >= member_values.size()) {
        return Internal("Redact: the members of a granular marking were not found in its text");
      }
      const json::Span value = member_values[*at];
      const std::string_view selectors_text =
          std::string_view(entry_text).substr(value.begin, value.end - value.begin);
      const std::vector<json::Span> selector_spans = json::ValueSpans(selectors_text);
      if (selector_spans.size() != selectors.size()) {
        return Internal("Redact: the selectors of a granular marking were not found in its text");
      }
      std::string kept = "[";
      size_t kept_count = 0;
      size_t removed_count = 0;
      size_t k = 0;
      for (json::Element selector : selectors) {
        const json::Span s = selector_spans[k++];
        std::string_view selector_string;
        if (selector.get_string().get(selector_string) == simdjson::SUCCESS &&
            WithinAny(selector_string, properties)) {
          ++removed_count;
          continue;
        }
        if (kept_count++ > 0) kept += ',';
        kept += selectors_text.substr(s.begin, s.end - s.begin);
      }
      kept += ']';
      if (removed_count > 0) {
        changed = true;
        if (kept_count == 0) continue;  // all its selectors are gone: so is the marking
        std::string edited = entry_text;
        if (!json::ReplaceTopLevelMemberValue(&edited, "selectors", kept)) {
          return Internal("Redact: cannot rewrite the selectors of a granular marking");
        }
        entry_text = std::move(edited);
      }
    }
    if (out.size() > 1) out += ',';
    out += entry_text;
  }
  out += ']';
  if (!changed) return std::optional<std::string>();
  return std::optional<std::string>(std::move(out));
}

}  // namespace

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kRelease:
      return "release";
    case Verdict::kRedact:
      return "redact";
    case Verdict::kWithhold:
      return "withhold";
  }
  return "withhold";
}

Decision Decide(const Subject& subject, std::string_view recipient, const Agreements& agreements,
                const SubjectLookup& lookup) {
  Decision decision = DecideByRules(subject, recipient, agreements);
  if (!decision.released()) return decision;

  // Rule 10: what releasing it would reveal. Referenced objects are decided by rules 1-9 only.
  if (!lookup) return decision;
  for (const std::string& id : subject.reveals) {
    if (id == subject.id) continue;
    const Subject* held = lookup(id);
    if (held == nullptr || held == &subject) continue;
    const Decision referenced = DecideByRules(*held, recipient, agreements);
    if (!referenced.released()) {
      return Withhold("reveals " + Plain(id) + " which is withheld: " + referenced.reason);
    }
  }
  return decision;
}

Result<Subject> DescribeObject(std::string_view json, std::vector<std::string> received_from) {
  Result<json::Element> parsed = ThreadParser().Parse(json);
  if (!parsed.ok()) return parsed.status().WithPrefix("STIX object");
  json::ObjectView object;
  if (parsed->get_object().get(object) != simdjson::SUCCESS) {
    return InvalidArgument("STIX object: expected a JSON object, got " +
                           std::string(json::TypeName(parsed->type())));
  }

  Subject subject;
  const std::optional<std::string_view> id = StringMember(object, "id");
  if (!id.has_value() || id->empty()) {
    return InvalidArgument("STIX object: \"id\" is missing or not a non-empty string");
  }
  subject.id = *id;
  const std::optional<std::string_view> type = StringMember(object, "type");
  if (!type.has_value() || type->empty()) {
    return InvalidArgument("STIX object " + Plain(subject.id) +
                           ": \"type\" is missing or not a non-empty string");
  }
  subject.type = *type;

  std::vector<std::string> marking_refs;
  AppendStrings(object, "object_marking_refs", &marking_refs);
  for (const std::string& ref : marking_refs) {
    if (std::optional<Tlp> t = stix::TlpFromMarkingId(ref)) {
      subject.tlp = stix::MostRestrictive(subject.tlp, *t);
    }
  }

  json::ArrayView granular;
  if (object["granular_markings"].get_array().get(granular) == simdjson::SUCCESS) {
    for (json::Element entry : granular) {
      json::ObjectView marking;
      if (entry.get_object().get(marking) != simdjson::SUCCESS) continue;
      const std::optional<std::string_view> ref = StringMember(marking, "marking_ref");
      if (!ref.has_value()) continue;  // a "lang" marking, or not a marking at all
      GranularMarking g;
      g.marking_ref = *ref;
      g.tlp = stix::TlpFromMarkingId(*ref).value_or(Tlp::kNone);
      AppendStrings(marking, "selectors", &g.selectors);
      subject.granular.push_back(std::move(g));
    }
  }

  if (std::optional<std::string_view> by = StringMember(object, "created_by_ref")) {
    subject.created_by_ref = *by;
  }
  subject.received_from = std::move(received_from);

  std::vector<std::string> reveals;
  const std::string_view t = subject.type;
  if (t == "relationship") {
    if (auto ref = StringMember(object, "source_ref")) reveals.emplace_back(*ref);
    if (auto ref = StringMember(object, "target_ref")) reveals.emplace_back(*ref);
  } else if (t == "sighting") {
    if (auto ref = StringMember(object, "sighting_of_ref")) reveals.emplace_back(*ref);
    AppendStrings(object, "observed_data_refs", &reveals);
    AppendStrings(object, "where_sighted_refs", &reveals);
  } else if (t == "report" || t == "note" || t == "opinion" || t == "grouping" ||
             t == "observed-data") {
    AppendStrings(object, "object_refs", &reveals);
  }
  for (std::string& ref : reveals) {
    if (std::find(subject.reveals.begin(), subject.reveals.end(), ref) == subject.reveals.end()) {
      subject.reveals.push_back(std::move(ref));
    }
  }
  return subject;
}

Result<std::string> Redact(std::string_view json, const std::vector<std::string>& properties) {
  Result<json::Element> parsed = ThreadParser().Parse(json);
  if (!parsed.ok()) return parsed.status().WithPrefix("Redact");
  json::ObjectView object;
  if (parsed->get_object().get(object) != simdjson::SUCCESS) {
    return InvalidArgument("Redact: expected a JSON object, got " +
                           std::string(json::TypeName(parsed->type())));
  }

  std::string out(json.size(), '\0');
  size_t length = 0;
  if (simdjson::minify(json.data(), json.size(), out.data(), length) != simdjson::SUCCESS) {
    return Internal("Redact: the object could not be minified");
  }
  out.resize(length);
  if (properties.empty()) return out;

  // The granular markings without those on removed properties, worked out on the text before any
  // member is removed (the DOM's member order is the text's).
  std::optional<std::string> granular;
  const bool granular_removed =
      std::find(properties.begin(), properties.end(), "granular_markings") != properties.end();
  json::ArrayView markings;
  if (!granular_removed &&
      object["granular_markings"].get_array().get(markings) == simdjson::SUCCESS) {
    const std::optional<size_t> at = MemberIndex(object, "granular_markings");
    const std::vector<json::Span> values = json::ValueSpans(out);
    if (!at.has_value() || *at >= values.size()) {
      return Internal("Redact: granular_markings was not found in the object's text");
    }
    const json::Span span = values[*at];
    CONCORD_ASSIGN_OR_RETURN(
        granular, PruneGranular(std::string_view(out).substr(span.begin, span.end - span.begin),
                                markings, properties));
  }

  for (const std::string& property : properties) {
    while (json::RemoveTopLevelMember(&out, property)) {
    }
  }
  if (granular.has_value()) {
    const bool done = *granular == "[]"
                          ? json::RemoveTopLevelMember(&out, "granular_markings")
                          : json::ReplaceTopLevelMemberValue(&out, "granular_markings", *granular);
    if (!done) return Internal("Redact: cannot rewrite granular_markings");
  }
  return out;
}

}  // namespace concord::policy
