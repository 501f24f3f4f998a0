// The property test of the release policy: random agreements, objects and recipients, checked
// against the rules restated plainly below (an oracle that shares no code with release.cc).

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "concord/policy/release.h"
#include "concord/stix/tlp.h"

namespace concord::policy {
namespace {

using stix::Tlp;

constexpr uint64_t kSeed = 0x5eed'2024'c0c0'4d01ULL;
constexpr int kCases = 100'000;
constexpr int kPool = 8;  // subjects per case; each is decided

const std::vector<std::string> kTypes = {"indicator", "malware",  "report", "relationship",
                                         "sighting",  "identity", "note",   "x-custom"};
const std::vector<Tlp> kAllTlp = {Tlp::kNone,  Tlp::kClear,       Tlp::kGreen,
                                  Tlp::kAmber, Tlp::kAmberStrict, Tlp::kRed};
const std::vector<Tlp> kPartnerTlp = {Tlp::kClear, Tlp::kGreen, Tlp::kAmber, Tlp::kAmberStrict};
const std::vector<std::string> kPartnerNames = {"p0", "p1", "p2", "p3"};
constexpr char kOwnIdentity[] = "identity--own";

// ------------------------------------------------------------------------------------------------
// The oracle: the rules of release.h, written out again as plainly as possible.

int Rank(Tlp t) { return static_cast<int>(t); }

// Properties that may never be removed, per type (STIX 2.1), and on every object.
bool OracleRequired(const std::string& type, const std::string& property) {
  static const std::set<std::string> always = {"id",
                                               "type",
                                               "spec_version",
                                               "created",
                                               "modified",
                                               "granular_markings",
                                               "object_marking_refs",
                                               "created_by_ref",
                                               "revoked"};
  if (always.count(property) > 0) return true;
  std::set<std::string> own;
  if (type == "indicator") own = {"pattern", "pattern_type", "valid_from"};
  if (type == "malware") own = {"name", "is_family"};
  if (type == "report") own = {"name", "published", "object_refs"};
  if (type == "relationship") own = {"relationship_type", "source_ref", "target_ref"};
  if (type == "sighting") own = {"sighting_of_ref"};
  if (type == "identity") own = {"name"};
  if (type == "note") own = {"content", "object_refs"};
  return own.count(property) > 0;
}

std::string TopProperty(const std::string& selector) {
  const size_t dot = selector.find('.');
  return dot == std::string::npos ? selector : selector.substr(0, dot);
}

const PartnerAgreement* OracleFind(const Agreements& a, const std::string& name) {
  if (name.empty()) return nullptr;
  for (const PartnerAgreement& p : a.partners) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

struct Facts {
  const PartnerAgreement* partner = nullptr;
  bool returning = false;
  Tlp effective = Tlp::kNone;  // object TLP with unmarked mapped
};

Facts OracleFacts(const Subject& s, const std::string& recipient, const Agreements& a) {
  Facts f;
  f.partner = OracleFind(a, recipient);
  f.effective = s.tlp == Tlp::kNone ? a.node.unmarked : s.tlp;
  if (f.partner != nullptr) {
    for (const std::string& r : s.received_from) {
      if (r == recipient) f.returning = true;
    }
    if (!s.created_by_ref.empty() && s.created_by_ref == f.partner->identity_id) {
      f.returning = true;
    }
  }
  return f;
}

bool TypeAllowed(const PartnerAgreement& p, const std::string& type) {
  for (const std::string& t : p.types) {
    if (t == "*" || t == type) return true;
  }
  return false;
}

// Whether rules 1-8 keep `s` here.
bool OracleWithheldByObject(const Subject& s, const std::string& recipient, const Agreements& a) {
  if (s.tlp == Tlp::kRed) return true;
  const Facts f = OracleFacts(s, recipient, a);
  if (f.partner == nullptr) return true;
  if (f.returning) return false;
  if (!TypeAllowed(*f.partner, s.type)) return true;
  if (f.effective == Tlp::kNone || f.effective == Tlp::kRed) return true;
  if (!s.received_from.empty()) {
    for (const std::string& origin : s.received_from) {
      const PartnerAgreement* o = OracleFind(a, origin);
      if (o == nullptr || !o->pass_on) return true;
    }
    if (Rank(f.effective) > Rank(Tlp::kGreen)) return true;
  }
  if (f.effective == Tlp::kAmberStrict &&
      (!s.received_from.empty() || f.partner->max_tlp != Tlp::kAmberStrict ||
       (!s.created_by_ref.empty() && s.created_by_ref != a.node.identity_id))) {
    return true;
  }
  if (Rank(f.effective) > Rank(f.partner->max_tlp)) return true;
  return false;
}

// Whether the recipient may not see what granular marking `g` covers.
bool GranularTooMuch(const GranularMarking& g, const Subject& s, const std::string& recipient,
                     const Agreements& a) {
  if (g.tlp == Tlp::kNone) return false;
  if (g.tlp == Tlp::kRed) return true;
  const Facts f = OracleFacts(s, recipient, a);
  if (f.returning) return false;
  if (Rank(g.tlp) > Rank(f.partner->max_tlp)) return true;
  if (!s.received_from.empty() && Rank(g.tlp) > Rank(Tlp::kGreen)) return true;
  return false;
}

struct Expected {
  Verdict verdict = Verdict::kWithhold;
  std::set<std::string> redact;
};

// Rules 1-9.
Expected OracleRules(const Subject& s, const std::string& recipient, const Agreements& a) {
  Expected e;
  if (OracleWithheldByObject(s, recipient, a)) return e;
  bool any = false;
  for (const GranularMarking& g : s.granular) {
    if (!GranularTooMuch(g, s, recipient, a)) continue;
    any = true;
    if (a.node.granular == GranularHandling::kWithhold) return e;
    if (g.selectors.empty()) return e;
    for (const std::string& selector : g.selectors) {
      const std::string property = TopProperty(selector);
      if (property.empty() || OracleRequired(s.type, property)) return e;
      e.redact.insert(property);
    }
  }
  e.verdict = any ? Verdict::kRedact : Verdict::kRelease;
  return e;
}

// ------------------------------------------------------------------------------------------------
// Random cases.

struct Case {
  Agreements agreements;
  std::vector<Subject> pool;
  std::string recipient;
  int lookup_kind = 0;  // 0: over the pool; 1: empty std::function; 2: always nullptr
};

class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}

  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(Int(0, static_cast<int>(v.size()) - 1))];
  }

  Case Next() {
    Case c;
    Agreements& a = c.agreements;
    a.node.name = "here";
    a.node.identity_id = kOwnIdentity;
    a.node.unmarked = Pick(kAllTlp);
    a.node.granular = Chance(0.5) ? GranularHandling::kRedact : GranularHandling::kWithhold;
    const int partners = Int(1, 4);
    for (int i = 0; i < partners; ++i) {
      PartnerAgreement p;
      p.name = kPartnerNames[static_cast<size_t>(i)];
      p.identity_id = Chance(0.9) ? "identity--" + p.name : "";
      p.max_tlp = Pick(kPartnerTlp);
      if (Chance(0.3)) {
        p.types = {"*"};
      } else {
        for (const std::string& t : kTypes) {
          if (Chance(0.5)) p.types.push_back(t);
        }
        if (Chance(0.1)) p.types.push_back("*");
      }
      p.pass_on = Chance(0.5);
      a.partners.push_back(std::move(p));
    }

    std::vector<std::string> ids;
    for (int i = 0; i < kPool; ++i) {
      Subject s;
      s.type = Pick(kTypes);
      s.id = s.type + "--" + std::to_string(i);
      ids.push_back(s.id);
      c.pool.push_back(std::move(s));
    }
    for (Subject& s : c.pool) Fill(&s, ids);

    const int r = Int(0, 19);
    if (r < 16) {
      c.recipient = kPartnerNames[static_cast<size_t>(Int(0, partners - 1))];
    } else if (r < 18) {
      c.recipient = "p9";
    } else if (r < 19) {
      c.recipient = "P0";
    } else {
      c.recipient = "";
    }
    const int l = Int(0, 19);
    c.lookup_kind = l < 18 ? 0 : l - 17;
    return c;
  }

 private:
  void Fill(Subject* s, const std::vector<std::string>& ids) {
    s->tlp = Pick(kAllTlp);
    std::vector<std::string> properties = {"description",
                                           "labels",
                                           "labels.[1]",
                                           "external_references.[0].url",
                                           "name",
                                           "confidence",
                                           "x_score",
                                           "created",
                                           "modified",
                                           "id",
                                           "object_marking_refs",
                                           "created_by_ref",
                                           "granular_markings.[0].selectors"};
    if (s->type == "indicator") {
      properties.insert(properties.end(), {"pattern", "valid_from", "indicator_types"});
    } else if (s->type == "relationship") {
      properties.insert(properties.end(), {"source_ref", "target_ref", "start_time"});
    } else if (s->type == "sighting") {
      properties.insert(properties.end(), {"sighting_of_ref", "count", "where_sighted_refs"});
    } else if (s->type == "report" || s->type == "note") {
      properties.insert(properties.end(), {"object_refs.[0]", "published", "content", "authors"});
    } else if (s->type == "malware") {
      properties.insert(properties.end(), {"is_family", "malware_types"});
    }
    const int granular = Int(0, 3);
    for (int i = 0; i < granular; ++i) {
      GranularMarking g;
      g.tlp = Pick(kAllTlp);
      g.marking_ref = g.tlp == Tlp::kNone ? "marking-definition--statement"
                                          : std::string(stix::TlpMarkingId(g.tlp));
      const int selectors = Chance(0.02) ? 0 : Int(1, 2);
      for (int k = 0; k < selectors; ++k) {
        g.selectors.push_back(Chance(0.01) ? std::string(".[0]") : Pick(properties));
      }
      s->granular.push_back(std::move(g));
    }
    const int by = Int(0, 7);
    if (by <= 3) {
      s->created_by_ref = "identity--" + kPartnerNames[static_cast<size_t>(by)];
    } else if (by == 4) {
      s->created_by_ref = kOwnIdentity;
    } else if (by == 5) {
      s->created_by_ref = "identity--stranger";
    }  // else none
    if (Chance(0.5)) {
      for (const std::string& name : kPartnerNames) {
        if (Chance(0.3)) s->received_from.push_back(name);
      }
      if (Chance(0.1)) s->received_from.push_back("stranger");
    }
    const bool refers = s->type == "relationship" || s->type == "sighting" || s->type == "report" ||
                        s->type == "note" || Chance(0.05);
    if (refers) {
      const int n = Int(1, 3);
      for (int i = 0; i < n; ++i) {
        s->reveals.push_back(Chance(0.1) ? std::string("indicator--not-held") : Pick(ids));
      }
    }
  }

  std::mt19937_64 rng_;
};

std::string Describe(const Case& c, const Subject& s, const Decision& d) {
  std::ostringstream out;
  out << "node: unmarked=" << stix::TlpName(c.agreements.node.unmarked) << " granular="
      << (c.agreements.node.granular == GranularHandling::kRedact ? "redact" : "withhold") << "\n";
  for (const PartnerAgreement& p : c.agreements.partners) {
    out << "partner " << p.name << " identity=" << p.identity_id
        << " max=" << stix::TlpName(p.max_tlp) << " pass_on=" << p.pass_on << " types=";
    for (const std::string& t : p.types) out << t << ",";
    out << "\n";
  }
  out << "recipient=\"" << c.recipient << "\" lookup=" << c.lookup_kind << "\n";
  for (const Subject& p : c.pool) {
    out << (&p == &s ? "* " : "  ") << p.id << " tlp=" << stix::TlpName(p.tlp)
        << " by=" << p.created_by_ref << " from=";
    for (const std::string& r : p.received_from) out << r << ",";
    out << " reveals=";
    for (const std::string& r : p.reveals) out << r << ",";
    out << " granular=";
    for (const GranularMarking& g : p.granular) {
      out << "[" << stix::TlpName(g.tlp) << ":";
      for (const std::string& sel : g.selectors) out << sel << ",";
      out << "]";
    }
    out << "\n";
  }
  out << "decision: " << VerdictName(d.verdict) << " (" << d.reason << ") redact=";
  for (const std::string& r : d.redact) out << r << ",";
  return out.str();
}

// Checks one decision; returns the first violation, or "" when there is none.
std::string Check(const Case& c, const Subject& s, const Decision& d) {
  const Agreements& a = c.agreements;
  const Facts f = OracleFacts(s, c.recipient, a);

  if (d.reason.empty()) return "empty reason";
  if (d.verdict != Verdict::kRedact && !d.redact.empty()) return "redact list without kRedact";

  if (d.released()) {
    if (s.tlp == Tlp::kRed) return "released an object-level TLP:RED object";
    if (f.partner == nullptr) return "released to a recipient without an agreement";
    if (!f.returning) {
      if (!TypeAllowed(*f.partner, s.type)) return "released a type outside the agreement";
      if (s.tlp == Tlp::kNone && a.node.unmarked == Tlp::kNone) {
        return "released an unmarked object while unmarked objects are not released";
      }
      if (f.effective == Tlp::kRed) return "released an object treated as TLP:RED";
      if (Rank(f.effective) > Rank(f.partner->max_tlp)) return "released above max_tlp";
      if (f.effective == Tlp::kAmberStrict &&
          (!s.received_from.empty() ||
           (!s.created_by_ref.empty() && s.created_by_ref != a.node.identity_id))) {
        return "released someone else's TLP:AMBER+STRICT object";
      }
      if (!s.received_from.empty()) {
        for (const std::string& origin : s.received_from) {
          const PartnerAgreement* o = OracleFind(a, origin);
          if (o == nullptr || !o->pass_on) return "passed on an object from " + origin;
        }
        if (Rank(f.effective) > Rank(Tlp::kGreen)) return "passed on an object above TLP:GREEN";
      }
    }
  }

  if (d.verdict == Verdict::kRelease) {
    for (const GranularMarking& g : s.granular) {
      if (GranularTooMuch(g, s, c.recipient, a)) {
        return "released whole with a granular marking the recipient may not see";
      }
    }
  }
  if (d.verdict == Verdict::kRedact) {
    if (a.node.granular != GranularHandling::kRedact) return "redacted under kWithhold";
    if (d.redact.empty()) return "kRedact with nothing to remove";
    if (!std::is_sorted(d.redact.begin(), d.redact.end()) ||
        std::adjacent_find(d.redact.begin(), d.redact.end()) != d.redact.end()) {
      return "redact list not sorted and distinct";
    }
    for (const std::string& property : d.redact) {
      if (OracleRequired(s.type, property)) return "redacts required property " + property;
    }
    for (const GranularMarking& g : s.granular) {
      if (!GranularTooMuch(g, s, c.recipient, a)) continue;
      for (const std::string& selector : g.selectors) {
        const std::string property = TopProperty(selector);
        if (std::find(d.redact.begin(), d.redact.end(), property) == d.redact.end()) {
          return "keeps " + property + " under a granular marking the recipient may not see";
        }
      }
    }
  }

  // Rule 10: what a released object reveals.
  if (d.released() && c.lookup_kind == 0) {
    for (const std::string& id : s.reveals) {
      if (id == s.id) continue;
      for (const Subject& held : c.pool) {
        if (held.id == id && OracleRules(held, c.recipient, a).verdict == Verdict::kWithhold) {
          return "released an object that reveals withheld " + id;
        }
      }
    }
  }

  // The whole decision, as the oracle sees it.
  Expected e = OracleRules(s, c.recipient, a);
  if (e.verdict != Verdict::kWithhold && c.lookup_kind == 0) {
    for (const std::string& id : s.reveals) {
      if (id == s.id) continue;
      for (const Subject& held : c.pool) {
        if (held.id == id && OracleRules(held, c.recipient, a).verdict == Verdict::kWithhold) {
          e.verdict = Verdict::kWithhold;
        }
      }
    }
  }
  if (d.verdict != e.verdict) {
    return std::string("verdict ") + std::string(VerdictName(d.verdict)) + ", expected " +
           std::string(VerdictName(e.verdict));
  }
  if (d.verdict == Verdict::kRedact &&
      std::set<std::string>(d.redact.begin(), d.redact.end()) != e.redact) {
    return "redacts other properties than expected";
  }
  return "";
}

TEST(ReleasePropertyTest, RandomCasesKeepTheRules) {
  Gen gen(kSeed);
  int64_t decisions = 0;
  int64_t by_verdict[3] = {0, 0, 0};
  for (int n = 0; n < kCases; ++n) {
    const Case c = gen.Next();
    SubjectLookup lookup;
    if (c.lookup_kind == 0) {
      lookup = [&c](std::string_view id) -> const Subject* {
        for (const Subject& s : c.pool) {
          if (s.id == id) return &s;
        }
        return nullptr;
      };
    } else if (c.lookup_kind == 2) {
      lookup = [](std::string_view) -> const Subject* { return nullptr; };
    }
    for (const Subject& s : c.pool) {
      const Decision d = Decide(s, c.recipient, c.agreements, lookup);
      ++decisions;
      ++by_verdict[static_cast<int>(d.verdict)];
      const Decision again = Decide(s, c.recipient, c.agreements, lookup);
      std::string violation;
      if (again.verdict != d.verdict || again.reason != d.reason || again.redact != d.redact) {
        violation = "not deterministic";
      } else {
        violation = Check(c, s, d);
      }
      if (!violation.empty()) {
        ADD_FAILURE() << violation << "\nseed " << kSeed << ", case " << n << "\n"
                      << Describe(c, s, d);
        return;
      }
    }
  }
  std::printf("seed %llu: %lld decisions: %lld released, %lld redacted, %lld withheld\n",
              static_cast<unsigned long long>(kSeed), static_cast<long long>(decisions),
              static_cast<long long>(by_verdict[0]), static_cast<long long>(by_verdict[1]),
              static_cast<long long>(by_verdict[2]));
  // Every verdict is exercised in earnest.
  EXPECT_GT(by_verdict[0], decisions / 100);
  EXPECT_GT(by_verdict[1], decisions / 200);
  EXPECT_GT(by_verdict[2], decisions / 100);
}

}  // namespace
}  // namespace concord::policy
