#include "stix_generator.h"

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "concord/base/hash.h"
#include "concord/base/uuid.h"

namespace concord::bench {
namespace {

const char* kTlp[] = {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
                      "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
                      "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
                      "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
                      "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"};

class Generator {
 public:
  Generator(FILE* out, uint64_t seed) : out_(out), rng_(seed) {
    stix_ns_ = *ParseUuid("00abedb4-aa42-466c-9c01-fed23315a9b7");
  }

  // A random-looking but reproducible v4 UUID.
  std::string Id(const char* type) {
    Uuid u;
    for (auto& b : u.bytes) b = static_cast<uint8_t>(rng_());
    u.bytes[6] = static_cast<uint8_t>((u.bytes[6] & 0x0f) | 0x40);
    u.bytes[8] = static_cast<uint8_t>((u.bytes[8] & 0x3f) | 0x80);
    return std::string(type) + "--" + u.ToString();
  }
  std::string ScoId(const char* type, const std::string& canonical) {
    return std::string(type) + "--" + UuidV5(stix_ns_, canonical).ToString();
  }
  uint64_t Next(uint64_t n) { return rng_() % n; }
  std::string Ip() {
    return std::to_string(1 + Next(223)) + "." + std::to_string(Next(256)) + "." +
           std::to_string(Next(256)) + "." + std::to_string(1 + Next(254));
  }
  std::string Domain() {
    static const char* kWords[] = {"update", "cdn",   "secure", "login", "mail", "portal",
                                   "sync",   "cloud", "api",    "files", "auth", "billing"};
    static const char* kTlds[] = {"example", "test", "invalid", "example.net", "example.org"};
    return std::string(kWords[Next(12)]) + "-" + std::to_string(Next(10000000)) + "." +
           kWords[Next(12)] + "." + kTlds[Next(5)];
  }
  std::string Sha256Hex() { return HexEncode(Sha256(std::to_string(rng_()))); }
  std::string Time(uint64_t offset_seconds) {
    // 2026-01-01T00:00:00Z + offset, millisecond precision.
    const uint64_t t = 1767225600 + offset_seconds;
    char buf[64];
    time_t secs = static_cast<time_t>(t);
    struct tm tm;
    gmtime_r(&secs, &tm);
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(Next(1000)));
    return buf;
  }
  std::string Marking() { return kTlp[Next(100) < 70 ? Next(2) : 2 + Next(3)]; }

  void Emit(const std::string& json) {
    if (count_++ > 0) std::fputs(",\n", out_);
    std::fwrite(json.data(), 1, json.size(), out_);
  }
  uint64_t count() const { return count_; }

  std::vector<std::string> identities, malware, indicators, sets, observed;

 private:
  FILE* out_;
  std::mt19937_64 rng_;
  Uuid stix_ns_;
  uint64_t count_ = 0;
};

std::string Common(Generator& g, const std::string& type, const std::string& id,
                   const std::string& created, const std::string& modified,
                   const std::string& creator) {
  return "{\"type\":\"" + type + "\",\"spec_version\":\"2.1\",\"id\":\"" + id +
         "\",\"created_by_ref\":\"" + creator + "\",\"created\":\"" + created +
         "\",\"modified\":\"" + modified + "\"";
}

std::string Pattern(Generator& g) {
  switch (g.Next(10)) {
    case 0:
    case 1:
    case 2:
      return "[ipv4-addr:value = '" + g.Ip() + "']";
    case 3:
      return "[ipv4-addr:value ISSUBSET '" + g.Ip() + "/24']";
    case 4:
    case 5:
      return "[domain-name:value = '" + g.Domain() + "']";
    case 6:
      return "[url:value = 'https://" + g.Domain() + "/" + std::to_string(g.Next(99999)) +
             "/invoice.zip']";
    case 7:
    case 8:
      return "[file:hashes.'SHA-256' = '" + g.Sha256Hex() + "']";
    default:
      return "[network-traffic:dst_ref.value = '" + g.Ip() +
             "' AND network-traffic:dst_port = " + std::to_string(g.Next(65535)) + "]";
  }
}

void Indicator(Generator& g) {
  const std::string id = g.Id("indicator");
  const uint64_t t = g.Next(20000000);
  const std::string created = g.Time(t);
  const std::string creator = g.identities[g.Next(g.identities.size())];
  std::string body = ",\"name\":\"Indicator " + id.substr(11, 8) +
                     "\",\"indicator_types\":[\"malicious-activity\"],\"pattern\":\"" + Pattern(g) +
                     "\",\"pattern_type\":\"stix\",\"pattern_version\":\"2.1\",\"valid_from\":\"" +
                     created + "\",\"confidence\":" + std::to_string(g.Next(101)) +
                     ",\"kill_chain_phases\":[{\"kill_chain_name\":\"mitre-attack\",\"phase_name\":"
                     "\"command-and-control\"}],\"object_marking_refs\":[\"" +
                     g.Marking() + "\"]";
  if (g.Next(10) == 0) {
    body += ",\"external_references\":[{\"source_name\":\"partner-report\",\"external_id\":\"PR-" +
            std::to_string(g.Next(100000)) + "\"}]";
  }
  g.Emit(Common(g, "indicator", id, created, created, creator) + body + "}");
  g.indicators.push_back(id);
  if (g.Next(30) == 0) {  // a second version, later
    const std::string modified = g.Time(t + 1 + g.Next(100000));
    g.Emit(Common(g, "indicator", id, created, modified, creator) + body +
           ",\"description\":\"Confidence raised after corroboration.\"}");
  }
}

void Sco(Generator& g) {
  switch (g.Next(4)) {
    case 0: {
      const std::string v = g.Ip();
      g.Emit("{\"type\":\"ipv4-addr\",\"spec_version\":\"2.1\",\"id\":\"" +
             g.ScoId("ipv4-addr", "{\"value\":\"" + v + "\"}") + "\",\"value\":\"" + v + "\"}");
      break;
    }
    case 1: {
      const std::string v = g.Domain();
      g.Emit("{\"type\":\"domain-name\",\"spec_version\":\"2.1\",\"id\":\"" +
             g.ScoId("domain-name", "{\"value\":\"" + v + "\"}") + "\",\"value\":\"" + v + "\"}");
      break;
    }
    case 2: {
      const std::string v = "https://" + g.Domain() + "/dl/" + std::to_string(g.Next(1000000));
      g.Emit("{\"type\":\"url\",\"spec_version\":\"2.1\",\"id\":\"" +
             g.ScoId("url", "{\"value\":\"" + v + "\"}") + "\",\"value\":\"" + v + "\"}");
      break;
    }
    default: {
      const std::string h = g.Sha256Hex();
      const std::string name = "payload" + std::to_string(g.Next(100000)) + ".exe";
      g.Emit("{\"type\":\"file\",\"spec_version\":\"2.1\",\"id\":\"" +
             g.ScoId("file", "{\"hashes\":{\"SHA-256\":\"" + h + "\"},\"name\":\"" + name + "\"}") +
             "\",\"hashes\":{\"SHA-256\":\"" + h + "\"},\"name\":\"" + name +
             "\",\"size\":" + std::to_string(g.Next(10000000)) + "}");
    }
  }
}

void Relationship(Generator& g) {
  const std::string created = g.Time(g.Next(20000000));
  const std::string& src = g.indicators[g.Next(g.indicators.size())];
  const std::string& dst = g.malware[g.Next(g.malware.size())];
  g.Emit(Common(g, "relationship", g.Id("relationship"), created, created,
                g.identities[g.Next(g.identities.size())]) +
         ",\"relationship_type\":\"indicates\",\"source_ref\":\"" + src + "\",\"target_ref\":\"" +
         dst + "\",\"object_marking_refs\":[\"" + g.Marking() + "\"]}");
}

void Sighting(Generator& g) {
  const uint64_t t = g.Next(20000000);
  const std::string created = g.Time(t + 3600);
  g.Emit(Common(g, "sighting", g.Id("sighting"), created, created,
                g.identities[g.Next(g.identities.size())]) +
         ",\"sighting_of_ref\":\"" + g.indicators[g.Next(g.indicators.size())] +
         "\",\"first_seen\":\"" + g.Time(t) + "\",\"last_seen\":\"" + g.Time(t + 60) +
         "\",\"count\":" + std::to_string(1 + g.Next(500)) + ",\"where_sighted_refs\":[\"" +
         g.identities[g.Next(g.identities.size())] + "\"],\"object_marking_refs\":[\"" +
         g.Marking() + "\"]}");
}

void ObservedData(Generator& g) {
  const uint64_t t = g.Next(20000000);
  const std::string created = g.Time(t + 60);
  const std::string v = g.Ip();
  g.Emit(Common(g, "observed-data", g.Id("observed-data"), created, created,
                g.identities[g.Next(g.identities.size())]) +
         ",\"first_observed\":\"" + g.Time(t) + "\",\"last_observed\":\"" + g.Time(t + 30) +
         "\",\"number_observed\":" + std::to_string(1 + g.Next(50)) + ",\"object_refs\":[\"" +
         g.ScoId("ipv4-addr", "{\"value\":\"" + v + "\"}") + "\"]}");
}

void Actor(Generator& g) {
  const std::string created = g.Time(g.Next(20000000));
  const std::string creator = g.identities[g.Next(g.identities.size())];
  switch (g.Next(3)) {
    case 0: {
      const std::string id = g.Id("malware");
      g.Emit(Common(g, "malware", id, created, created, creator) + ",\"name\":\"Malware " +
             id.substr(9, 6) + "\",\"is_family\":true,\"malware_types\":[\"ransomware\"]}");
      g.malware.push_back(id);
      break;
    }
    case 1: {
      const std::string id = g.Id("intrusion-set");
      g.Emit(Common(g, "intrusion-set", id, created, created, creator) + ",\"name\":\"Crew " +
             id.substr(15, 6) + "\",\"aliases\":[\"" + id.substr(20, 4) + "\"]}");
      g.sets.push_back(id);
      break;
    }
    default:
      g.Emit(Common(g, "campaign", g.Id("campaign"), created, created, creator) +
             ",\"name\":\"Operation " + std::to_string(g.Next(100000)) + "\"}");
  }
}

}  // namespace

Result<uint64_t> WriteGeneratedBundle(const std::string& path, uint64_t objects, uint64_t seed) {
  FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) return IoError("cannot write " + path);
  std::vector<char> buffer(1 << 20);
  std::setvbuf(out, buffer.data(), _IOFBF, buffer.size());
  Generator g(out, seed);
  std::fputs("{\"type\":\"bundle\",\"id\":\"", out);
  std::fputs(g.Id("bundle").c_str(), out);
  std::fputs("\",\"objects\":[\n", out);
  for (int i = 0; i < 20; ++i) {
    const std::string id = g.Id("identity");
    g.Emit("{\"type\":\"identity\",\"spec_version\":\"2.1\",\"id\":\"" + id +
           "\",\"created\":\"2026-01-01T00:00:00.000Z\",\"modified\":\"2026-01-01T00:00:00.000Z\","
           "\"name\":\"Partner CERT " +
           std::to_string(i) + "\",\"identity_class\":\"organization\"}");
    g.identities.push_back(id);
  }
  for (int i = 0; i < 50; ++i) {
    const std::string id = g.Id("malware");
    g.Emit("{\"type\":\"malware\",\"spec_version\":\"2.1\",\"id\":\"" + id +
           "\",\"created\":\"2026-01-01T00:00:00.000Z\",\"modified\":\"2026-01-01T00:00:00.000Z\","
           "\"name\":\"Family " +
           std::to_string(i) + "\",\"is_family\":true}");
    g.malware.push_back(id);
  }
  while (g.count() < 200) Indicator(g);
  while (g.count() < objects) {
    const uint64_t r = g.Next(100);
    if (r < 35) {
      Indicator(g);
    } else if (r < 55) {
      Sco(g);
    } else if (r < 83) {
      Relationship(g);
    } else if (r < 93) {
      Sighting(g);
    } else if (r < 98) {
      ObservedData(g);
    } else {
      Actor(g);
    }
  }
  std::fputs("\n]}\n", out);
  const bool failed = std::ferror(out) != 0;
  if (std::fclose(out) != 0 || failed) return IoError("writing " + path + " failed");
  return g.count();
}

}  // namespace concord::bench
