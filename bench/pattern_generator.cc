#include "pattern_generator.h"

#include <cstdio>

namespace concord::bench {
namespace {

const char* const kTlds[] = {"com", "net", "org", "ru", "info", "io", "xyz", "top"};
const char* const kWords[] = {"mail",   "login", "secure", "update", "cdn",  "api",
                              "portal", "files", "drive",  "static", "auth", "pay"};

}  // namespace

PatternWorkload::PatternWorkload(uint64_t seed) : rng_(seed) {}

std::string PatternWorkload::Ipv4() {
  // Public-looking unicast space, avoiding 10/8 and 192.168/16 which observations use for misses.
  return std::to_string(11 + Pick(180)) + "." + std::to_string(Pick(256)) + "." +
         std::to_string(Pick(256)) + "." + std::to_string(1 + Pick(254));
}

std::string PatternWorkload::Domain() {
  std::string d;
  const size_t len = 6 + Pick(10);
  for (size_t i = 0; i < len; ++i) d += static_cast<char>('a' + Pick(26));
  if (Chance(0.3)) d = std::string(kWords[Pick(12)]) + "-" + d;
  return d + "." + kTlds[Pick(8)];
}

std::string PatternWorkload::Hex(size_t digits) {
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < digits; ++i) s += kHex[Pick(16)];
  return s;
}

std::vector<std::string> PatternWorkload::Patterns(size_t count, PatternMix mix, double long_tail) {
  std::vector<std::string> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    // The long tail of the realistic mix.
    if (mix == PatternMix::kRealistic && Chance(long_tail)) {
      switch (Pick(9)) {
        case 0:
        case 1:  // multi-comparison
          ips_.push_back(Ipv4());
          out.push_back("[network-traffic:dst_ref.value = '" + ips_.back() +
                        "' AND network-traffic:dst_port = " + std::to_string(Pick(2) ? 443 : 8080) +
                        "]");
          break;
        case 2:
          sha256_.push_back(Hex(64));
          md5_.push_back(Hex(32));
          out.push_back("[file:hashes.'SHA-256' = '" + sha256_.back() + "' OR file:hashes.MD5 = '" +
                        md5_.back() + "']");
          break;
        case 3:
          out.push_back("[file:name = '" + std::string(kWords[Pick(12)]) +
                        ".exe' AND file:size > " + std::to_string(10000 + Pick(100000)) + "]");
          break;
        case 4:
          out.push_back("[url:value LIKE '%/" + std::string(kWords[Pick(12)]) + "/" + Hex(4) +
                        "%']");
          break;
        case 5:
          out.push_back("[domain-name:value MATCHES '^(" + std::string(kWords[Pick(12)]) + "|" +
                        kWords[Pick(12)] + ")-[a-z]{" + std::to_string(4 + Pick(4)) +
                        "}\\\\.(ru|top)$']");
          break;
        case 6:
          out.push_back("[email-addr:value MATCHES '@" + Domain() + "$']");
          break;
        case 7:
          ips_.push_back(Ipv4());
          domains_.push_back(Domain());
          out.push_back("([ipv4-addr:value = '" + ips_.back() +
                        "'] FOLLOWEDBY [domain-name:value = '" + domains_.back() +
                        "']) WITHIN 600 SECONDS");
          break;
        default:
          ips_.push_back(Ipv4());
          out.push_back("[ipv4-addr:value = '" + ips_.back() + "'] REPEATS " +
                        std::to_string(3 + Pick(3)) + " TIMES WITHIN 60 SECONDS");
          break;
      }
      continue;
    }
    const size_t r = Pick(100);
    if (r < 35) {
      ips_.push_back(Ipv4());
      out.push_back("[ipv4-addr:value = '" + ips_.back() + "']");
    } else if (r < 45) {
      const int len = static_cast<int>(16 + Pick(15));  // /16 .. /30
      cidr_ips_.push_back(Ipv4());
      out.push_back("[ipv4-addr:value ISSUBSET '" + cidr_ips_.back() + "/" + std::to_string(len) +
                    "']");
    } else if (r < 47) {
      out.push_back("[ipv6-addr:value " +
                    std::string(Pick(2) ? "= '2001:db8:" + Hex(4) + "::" + Hex(3) + "'"
                                        : "ISSUBSET '2001:db8:" + Hex(4) + "::/48'") +
                    "]");
    } else if (r < 65) {
      domains_.push_back(Domain());
      out.push_back("[domain-name:value = '" + domains_.back() + "']");
    } else if (r < 73) {
      suffix_domains_.push_back(Domain());
      out.push_back("[domain-name:value LIKE '%." + suffix_domains_.back() + "']");
    } else if (r < 83) {
      urls_.push_back("http://" + Domain() + "/" + kWords[Pick(12)] + "/" + Hex(8));
      out.push_back("[url:value = '" + urls_.back() + "']");
    } else if (r < 93) {
      sha256_.push_back(Hex(64));
      out.push_back("[file:hashes.'SHA-256' = '" + sha256_.back() + "']");
    } else if (r < 97) {
      md5_.push_back(Hex(32));
      out.push_back("[file:hashes.MD5 = '" + md5_.back() + "']");
    } else {
      emails_.push_back(std::string(kWords[Pick(12)]) + "@" + Domain());
      out.push_back("[email-addr:value = '" + emails_.back() + "']");
    }
  }
  return out;
}

const std::string& PatternWorkload::Planted(const std::vector<std::string>& pool,
                                            const std::string& fallback) {
  return pool.empty() ? fallback : pool[Pick(pool.size())];
}

std::string PatternWorkload::ObservedData(size_t count, double hit_rate) {
  std::string out = "[";
  char buf[160];
  for (size_t n = 0; n < count; ++n) {
    const int64_t second = static_cast<int64_t>(n);
    std::snprintf(buf, sizeof(buf), "2020-01-%02lldT%02lld:%02lld:%02lldZ",
                  static_cast<long long>(1 + second / 86400),
                  static_cast<long long>(second / 3600 % 24),
                  static_cast<long long>(second / 60 % 60), static_cast<long long>(second % 60));
    const std::string time = buf;
    // The SCOs: (type, JSON members after "type").
    std::vector<std::pair<std::string, std::string>> scos;
    auto hit = [&]() { return Chance(hit_rate); };
    auto ip = [&]() {
      if (hit()) {
        if (!cidr_ips_.empty() && Chance(0.3)) {
          // An address inside a CIDR indicator: same first three octets.
          std::string base = Planted(cidr_ips_, "");
          return base.substr(0, base.rfind('.') + 1) + std::to_string(1 + Pick(254));
        }
        return Planted(ips_, "10.0.0.1");
      }
      return "10." + std::to_string(Pick(256)) + "." + std::to_string(Pick(256)) + "." +
             std::to_string(1 + Pick(254));
    };
    const size_t kind = Pick(6);
    switch (kind) {
      case 0: {  // network traffic between two addresses
        scos.emplace_back("ipv4-addr", "\"value\":\"" + ip() + "\"");
        scos.emplace_back("ipv4-addr", "\"value\":\"192.168." + std::to_string(Pick(256)) + "." +
                                           std::to_string(1 + Pick(254)) + "\"");
        scos.emplace_back("network-traffic",
                          "\"src_ref\":\"@1\",\"dst_ref\":\"@0\","
                          "\"dst_port\":" +
                              std::to_string(Pick(2) ? 443 : Pick(65536)) +
                              ",\"protocols\":[\"tcp\"]");
        break;
      }
      case 1: {
        std::string d;
        if (hit()) {
          d = !suffix_domains_.empty() && Chance(0.4)
                  ? std::string(kWords[Pick(12)]) + "." + Planted(suffix_domains_, "")
                  : Planted(domains_, "example.com");
        } else {
          d = Domain();
          if (Chance(0.5)) d = std::string(kWords[Pick(12)]) + "." + d;
        }
        scos.emplace_back("domain-name", "\"value\":\"" + d + "\"");
        if (Chance(0.5)) {
          scos.emplace_back("ipv4-addr", "\"value\":\"" + ip() + "\"");
          scos[0].second += ",\"resolves_to_refs\":[\"@1\"]";
        }
        break;
      }
      case 2:
        scos.emplace_back("url", "\"value\":\"" +
                                     (hit() ? Planted(urls_, "http://example.com/")
                                            : "http://" + Domain() + "/" + Hex(8)) +
                                     "\"");
        break;
      case 3:
        scos.emplace_back("file",
                          "\"name\":\"" + std::string(kWords[Pick(12)]) + ".exe\",\"size\":" +
                              std::to_string(Pick(200000)) + ",\"hashes\":{\"SHA-256\":\"" +
                              (hit() ? Planted(sha256_, Hex(64)) : Hex(64)) + "\",\"MD5\":\"" +
                              (hit() ? Planted(md5_, Hex(32)) : Hex(32)) + "\"}");
        break;
      case 4:
        scos.emplace_back("email-addr",
                          "\"value\":\"" +
                              (hit() ? Planted(emails_, "a@example.com")
                                     : std::string(kWords[Pick(12)]) + "@" + Domain()) +
                              "\"");
        break;
      default:
        scos.emplace_back("ipv4-addr", "\"value\":\"" + ip() + "\"");
        break;
    }
    const bool v21 = Pick(2) == 0;
    std::vector<std::string> keys;
    for (size_t i = 0; i < scos.size(); ++i) {
      if (v21) {
        std::snprintf(buf, sizeof(buf), "%s--00000000-0000-4000-8000-%012llu",
                      scos[i].first.c_str(), static_cast<unsigned long long>(++ids_));
        keys.push_back(buf);
      } else {
        keys.push_back(std::to_string(i));
      }
    }
    auto resolve = [&](std::string members) {  // "@k" placeholders -> keys
      for (size_t i = 0; i < keys.size(); ++i) {
        const std::string placeholder = "\"@" + std::to_string(i) + "\"";
        for (size_t at; (at = members.find(placeholder)) != std::string::npos;) {
          members.replace(at, placeholder.size(), "\"" + keys[i] + "\"");
        }
      }
      return members;
    };
    std::snprintf(buf, sizeof(buf), "observed-data--00000000-0000-4000-9000-%012llu",
                  static_cast<unsigned long long>(++ids_));
    std::string od = std::string("{\"type\":\"observed-data\",\"spec_version\":\"2.1\",\"id\":\"") +
                     buf + "\",\"first_observed\":\"" + time + "\",\"last_observed\":\"" + time +
                     "\",\"number_observed\":1,";
    if (v21) {
      od += "\"object_refs\":[";
      for (size_t i = 0; i < keys.size(); ++i) od += (i ? ",\"" : "\"") + keys[i] + "\"";
      od += "]}";
      for (size_t i = 0; i < scos.size(); ++i) {
        out += "{\"type\":\"" + scos[i].first + "\",\"id\":\"" + keys[i] + "\"," +
               resolve(scos[i].second) + "},";
      }
    } else {
      od += "\"objects\":{";
      for (size_t i = 0; i < scos.size(); ++i) {
        od += (i ? ",\"" : "\"") + keys[i] + "\":{\"type\":\"" + scos[i].first + "\"," +
              resolve(scos[i].second) + "}";
      }
      od += "}}";
    }
    out += od + (n + 1 < count ? "," : "");
  }
  if (out.back() == ',') out.pop_back();
  return out + "]";
}

const std::vector<std::string>& PatternWorkload::pool(Pool which) const {
  switch (which) {
    case Pool::kIp:
      return ips_;
    case Pool::kCidrIp:
      return cidr_ips_;
    case Pool::kDomain:
      return domains_;
    case Pool::kSuffixDomain:
      return suffix_domains_;
    case Pool::kUrl:
      return urls_;
    case Pool::kSha256:
      return sha256_;
    case Pool::kMd5:
      return md5_;
    case Pool::kEmail:
      break;
  }
  return emails_;
}

}  // namespace concord::bench
