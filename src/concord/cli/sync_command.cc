// `concord sync status|run` and `concord agreements check`: federation as an operator sees it.

#include <cstdio>
#include <string>

#include "concord/base/timestamp.h"
#include "concord/cli/agreements.h"
#include "concord/cli/commands.h"
#include "concord/federation/apply.h"
#include "concord/federation/federation.h"
#include "concord/json/writer.h"
#include "concord/stix/tlp.h"

namespace concord::cli {
namespace {

std::string When(int64_t micros) {
  return micros == 0 ? "never" : FormatTimestamp(Timestamp::FromMicros(micros), 0);
}

// "42s", "3m10s", "2h5m", "4d3h": how long ago `micros` was.
std::string Ago(int64_t micros, const Clock& clock) {
  if (micros == 0) return "-";
  int64_t s = (clock.Now().ToMicros() - micros) / 1'000'000;
  if (s < 0) s = 0;
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
  if (s < 86400) return std::to_string(s / 3600) + "h" + std::to_string(s % 3600 / 60) + "m";
  return std::to_string(s / 86400) + "d" + std::to_string(s % 86400 / 3600) + "h";
}

}  // namespace

int RunSyncStatus(const DataDir& dir, const OutputOptions& out, Clock* clock) {
  auto store = dir.OpenStore(clock, /*create=*/false);
  if (!store.ok()) {
    std::fprintf(stderr, "concord sync status: %s\n", store.status().message().c_str());
    return 2;
  }
  auto states = (*store)->ListSyncStates();
  if (!states.ok()) {
    std::fprintf(stderr, "concord sync status: %s\n", states.status().message().c_str());
    return 2;
  }
  if (out.json) {
    std::string text;
    json::Writer w(&text);
    w.BeginObject();
    w.Key("exchanges");
    w.BeginArray();
    for (const store::SyncState& s : *states) {
      w.BeginObject();
      w.Key("partner");
      w.String(s.partner);
      w.Key("direction");
      w.String(s.direction);
      w.Key("collection");
      w.String(s.collection);
      w.Key("last_attempt");
      s.last_attempt_us ? w.String(When(s.last_attempt_us)) : w.Null();
      w.Key("last_success");
      s.last_success_us ? w.String(When(s.last_success_us)) : w.Null();
      w.Key("lag_seconds");
      if (s.last_success_us) {
        w.Int((clock->Now().ToMicros() - s.last_success_us) / 1'000'000);
      } else {
        w.Null();
      }
      w.Key("consecutive_failures");
      w.UInt(s.consecutive_failures);
      w.Key("last_error");
      w.String(s.last_error);
      w.Key("objects");
      w.UInt(s.objects);
      w.Key("rejected");
      w.UInt(s.rejected);
      w.Key("cursor");
      w.String(s.cursor);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    std::printf("%s\n", text.c_str());
    return 0;
  }
  if (states->empty()) {
    std::printf(
        "no exchanges with partners yet (concord serve runs them; see docs/agreements.md)\n");
    return 0;
  }
  std::printf("%-12s %-5s %-24s %-21s %-8s %-8s %-9s %-8s %s\n", "PARTNER", "DIR", "COLLECTION",
              "LAST SUCCESS", "LAG", "FAILURES", "OBJECTS", "REJECTED", "LAST ERROR");
  for (const store::SyncState& s : *states) {
    std::printf("%-12s %-5s %-24s %-21s %-8s %-8llu %-9llu %-8llu %s\n", s.partner.c_str(),
                s.direction.c_str(), s.collection.c_str(), When(s.last_success_us).c_str(),
                Ago(s.last_success_us, *clock).c_str(),
                static_cast<unsigned long long>(s.consecutive_failures),
                static_cast<unsigned long long>(s.objects),
                static_cast<unsigned long long>(s.rejected),
                s.last_error.empty() ? "-" : s.last_error.c_str());
  }
  return 0;
}

int RunSyncRun(const DataDir& dir, const std::string& agreements_file, const OutputOptions& out,
               Clock* clock) {
  Result<policy::Agreements> agreements = LoadNodeAgreements(dir, agreements_file);
  if (!agreements.ok()) {
    std::fprintf(stderr, "concord sync run: %s\n", agreements.status().message().c_str());
    return 2;
  }
  auto store = dir.OpenStore(clock, /*create=*/true);
  if (!store.ok()) {
    std::fprintf(stderr, "concord sync run: %s\n", store.status().message().c_str());
    return 2;
  }
  auto changes = federation::ApplyAgreements(**store, *agreements);
  if (!changes.ok()) {
    std::fprintf(stderr, "concord sync run: %s\n", changes.status().message().c_str());
    return 2;
  }
  federation::FederationOptions options;
  options.clock = clock;
  options.log = [](std::string_view line) {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
  };
  int failed = 0;
  for (const policy::PartnerAgreement& p : agreements->partners) {
    if (p.url.empty()) continue;
    Status s = federation::SyncPartner(**store, *agreements, p, options);
    if (!s.ok()) ++failed;
  }
  if (!out.json) {
    std::fprintf(stderr, "concord sync run: %d partner(s) failed; see concord sync status\n",
                 failed);
  }
  return failed > 0 ? 1 : 0;
}

int RunAgreementsCheck(const DataDir& dir, const std::string& agreements_file,
                       const OutputOptions& out) {
  Result<policy::Agreements> a = LoadNodeAgreements(dir, agreements_file);
  if (!a.ok()) {
    std::fprintf(stderr, "concord agreements check: %s\n", a.status().message().c_str());
    return a.status().code() == StatusCode::kNotFound ? 2 : 1;
  }
  if (out.json) {
    std::string text;
    json::Writer w(&text);
    w.BeginObject();
    w.Key("node");
    w.String(a->node.name);
    w.Key("partners");
    w.BeginArray();
    for (const policy::PartnerAgreement& p : a->partners) w.String(p.name);
    w.EndArray();
    w.EndObject();
    std::printf("%s\n", text.c_str());
    return 0;
  }
  std::printf("%s: node %s (%s), %zu partner(s)\n", AgreementsPath(dir, agreements_file).c_str(),
              a->node.name.c_str(), a->node.identity_id.c_str(), a->partners.size());
  for (const policy::PartnerAgreement& p : a->partners) {
    std::string types;
    for (const std::string& t : p.types) types += (types.empty() ? "" : ",") + t;
    std::printf(
        "  %s: receives up to TLP:%s (%s); %s; sightings back: %s%s%s\n", p.name.c_str(),
        std::string(stix::TlpName(p.max_tlp)).c_str(), types.c_str(),
        p.pass_on ? "what it sends may be passed on" : "what it sends stays here",
        p.sightings.send ? "yes, " : "no",
        p.sightings.send ? std::string(policy::EvidenceName(p.sightings.evidence)).c_str() : "",
        p.url.empty() ? "" : ("; pulls from " + p.url).c_str());
  }
  return 0;
}

}  // namespace concord::cli
