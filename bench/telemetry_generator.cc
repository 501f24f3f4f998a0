#include "telemetry_generator.h"

#include <algorithm>
#include <cinttypes>

namespace concord::bench {
namespace {

constexpr const char* kWords[] = {"cdn",  "mail", "api", "static", "login", "update",
                                  "news", "shop", "img", "video",  "files", "auth"};
constexpr const char* kTlds[] = {"com", "net", "org", "io", "co.uk", "de", "ru", "example"};
constexpr const char* kUserAgents[] = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Safari/537.36",
    "curl/7.88.1", "Microsoft-CryptoAPI/10.0", "python-requests/2.31.0"};

}  // namespace

TelemetryGenerator::TelemetryGenerator(const PatternWorkload& workload, uint64_t seed)
    : workload_(workload), rng_(seed) {}

void TelemetryGenerator::SetPopulation(size_t distinct) {
  internal_.clear();
  external_.clear();
  names_.clear();
  for (size_t i = 0; i < distinct / 10; ++i) internal_.push_back(Internal());
  for (size_t i = 0; i < distinct; ++i) external_.push_back(Ip());
  for (size_t i = 0; i < distinct; ++i) names_.push_back(Name());
}

size_t TelemetryGenerator::Skewed(size_t n) {
  // u^4 for u uniform in [0, 1): a quarter of the picks fall in the first 0.4% of the population.
  const double u = std::uniform_real_distribution<double>(0, 1)(rng_);
  return std::min(n - 1, static_cast<size_t>(static_cast<double>(n) * u * u * u * u));
}

std::string TelemetryGenerator::Internal() {
  return "10." + std::to_string(Pick(4)) + "." + std::to_string(Pick(256)) + "." +
         std::to_string(1 + Pick(254));
}

std::string TelemetryGenerator::Ip() {
  return std::to_string(1 + Pick(222)) + "." + std::to_string(Pick(256)) + "." +
         std::to_string(Pick(256)) + "." + std::to_string(1 + Pick(254));
}

std::string TelemetryGenerator::Name() {
  std::string d = kWords[Pick(12)];
  d += '.';
  const size_t len = 5 + Pick(8);
  for (size_t i = 0; i < len; ++i) d += static_cast<char>('a' + Pick(26));
  return d + "." + kTlds[Pick(7)];  // never .example: those are for planted values
}

std::string TelemetryGenerator::Hex(size_t digits) {
  static const char* kHex = "0123456789abcdef";
  std::string s(digits, '0');
  for (char& c : s) c = kHex[Pick(16)];
  return s;
}

const std::string* TelemetryGenerator::Planted(PatternWorkload::Pool pool) {
  const std::vector<std::string>& values = workload_.pool(pool);
  return values.empty() ? nullptr : &values[Pick(values.size())];
}

TelemetryStats TelemetryGenerator::Write(TelemetryFormat format, size_t events, double hit_rate,
                                         std::FILE* out) {
  using Pool = PatternWorkload::Pool;
  TelemetryStats stats;
  std::string line;
  char buffer[4096];
  int64_t micros = 1577836800LL * 1000000;  // 2020-01-01T00:00:00Z
  for (size_t n = 0; n < events; ++n) {
    micros += 500 + static_cast<int64_t>(Pick(1000));
    const bool plant = Chance(hit_rate);
    const size_t kind = Pick(20);  // conn/flow 10, dns 5, http 2, tls 2, files 1
    std::string src = internal_.empty() ? Internal() : internal_[Skewed(internal_.size())];
    std::string dst = external_.empty() ? Ip() : external_[Skewed(external_.size())];
    std::string name = names_.empty() ? Name() : names_[Skewed(names_.size())];
    std::string uri = std::string("/") + kWords[Pick(12)] + "/" + Hex(8);
    std::string sha256 = Hex(64), md5 = Hex(32), sha1 = Hex(40);
    bool planted = false;
    if (plant) {
      const std::string* v = nullptr;
      if (kind < 10) {
        v = Planted(Chance(0.2) ? Pool::kCidrIp : Pool::kIp);
        if (v) dst = *v;
      } else if (kind < 15) {
        if (Chance(0.3) && (v = Planted(Pool::kSuffixDomain))) {
          name = "www." + *v;
        } else if ((v = Planted(Pool::kDomain))) {
          name = *v;
        }
      } else if (kind < 17) {
        if ((v = Planted(Pool::kUrl))) {
          // "http://host/path": split into the log's host and uri.
          const size_t slash = v->find('/', 7);
          name = v->substr(7, slash - 7);
          uri = v->substr(slash);
        }
      } else if (kind < 19) {
        if ((v = Planted(Pool::kSuffixDomain))) name = "api." + *v;
      } else {
        if (Chance(0.5) && (v = Planted(Pool::kSha256))) {
          sha256 = *v;
        } else if ((v = Planted(Pool::kMd5))) {
          md5 = *v;
        }
      }
      planted = v != nullptr;
    }
    const int64_t s = micros / 1000000, us = micros % 1000000;
    const unsigned sport = 49152 + static_cast<unsigned>(Pick(16000));
    const char* ua = kUserAgents[Pick(4)];
    int len = 0;
    if (format == TelemetryFormat::kZeekJson) {
      const std::string uid = "C" + Hex(17);
      if (kind < 10) {
        len = std::snprintf(
            buffer, sizeof buffer,
            "{\"_path\":\"conn\",\"ts\":%" PRId64 ".%06" PRId64
            ",\"uid\":\"%s\",\"id.orig_h\":\"%s\",\"id.orig_p\":%u,\"id.resp_h\":\"%s\","
            "\"id.resp_p\":%u,\"proto\":\"tcp\",\"service\":\"ssl\",\"duration\":%.6f,"
            "\"orig_bytes\":%zu,\"resp_bytes\":%zu,\"conn_state\":\"SF\",\"local_orig\":true,"
            "\"local_resp\":false,\"missed_bytes\":0,\"history\":\"ShADadFf\",\"orig_pkts\":%zu,"
            "\"orig_ip_bytes\":%zu,\"resp_pkts\":%zu,\"resp_ip_bytes\":%zu}",
            s, us, uid.c_str(), src.c_str(), sport, dst.c_str(), Pick(2) ? 443u : 80u,
            Pick(100000) / 1000.0, Pick(5000), Pick(500000), 5 + Pick(40), 1000 + Pick(8000),
            5 + Pick(400), 2000 + Pick(500000));
      } else if (kind < 15) {
        len = std::snprintf(
            buffer, sizeof buffer,
            "{\"_path\":\"dns\",\"ts\":%" PRId64 ".%06" PRId64
            ",\"uid\":\"%s\",\"id.orig_h\":\"%s\",\"id.orig_p\":%u,\"id.resp_h\":\"10.0.0.53\","
            "\"id.resp_p\":53,\"proto\":\"udp\",\"trans_id\":%zu,\"rtt\":0.012,\"query\":\"%s\","
            "\"qclass\":1,\"qclass_name\":\"C_INTERNET\",\"qtype\":1,\"qtype_name\":\"A\","
            "\"rcode\":0,\"rcode_name\":\"NOERROR\",\"AA\":false,\"TC\":false,\"RD\":true,"
            "\"RA\":true,\"Z\":0,\"answers\":[\"%s\"],\"TTLs\":[300.0],\"rejected\":false}",
            s, us, uid.c_str(), src.c_str(), sport, Pick(65536), name.c_str(), dst.c_str());
      } else if (kind < 17) {
        len = std::snprintf(
            buffer, sizeof buffer,
            "{\"_path\":\"http\",\"ts\":%" PRId64 ".%06" PRId64
            ",\"uid\":\"%s\",\"id.orig_h\":\"%s\",\"id.orig_p\":%u,\"id.resp_h\":\"%s\","
            "\"id.resp_p\":80,\"trans_depth\":1,\"method\":\"GET\",\"host\":\"%s\",\"uri\":\"%s\","
            "\"version\":\"1.1\",\"user_agent\":\"%s\",\"request_body_len\":0,"
            "\"response_body_len\":%zu,\"status_code\":200,\"status_msg\":\"OK\","
            "\"tags\":[],\"resp_fuids\":[\"F%s\"],\"resp_mime_types\":[\"text/html\"]}",
            s, us, uid.c_str(), src.c_str(), sport, dst.c_str(), name.c_str(), uri.c_str(), ua,
            Pick(100000), Hex(16).c_str());
      } else if (kind < 19) {
        len = std::snprintf(
            buffer, sizeof buffer,
            "{\"_path\":\"ssl\",\"ts\":%" PRId64 ".%06" PRId64
            ",\"uid\":\"%s\",\"id.orig_h\":\"%s\",\"id.orig_p\":%u,\"id.resp_h\":\"%s\","
            "\"id.resp_p\":443,\"version\":\"TLSv13\",\"cipher\":\"TLS_AES_128_GCM_SHA256\","
            "\"curve\":\"x25519\",\"server_name\":\"%s\",\"resumed\":false,\"established\":true,"
            "\"ssl_history\":\"CsiI\",\"ja3\":\"%s\",\"ja3s\":\"%s\"}",
            s, us, uid.c_str(), src.c_str(), sport, dst.c_str(), name.c_str(), Hex(32).c_str(),
            Hex(32).c_str());
      } else {
        len = std::snprintf(
            buffer, sizeof buffer,
            "{\"_path\":\"files\",\"ts\":%" PRId64 ".%06" PRId64
            ",\"fuid\":\"F%s\",\"uid\":\"%s\",\"id.orig_h\":\"%s\",\"id.orig_p\":80,"
            "\"id.resp_h\":\"%s\",\"id.resp_p\":%u,\"source\":\"HTTP\",\"depth\":0,"
            "\"analyzers\":[\"MD5\",\"SHA1\",\"SHA256\"],\"mime_type\":\"application/"
            "x-dosexec\",\"filename\":\"setup.exe\",\"duration\":0.1,\"is_orig\":false,"
            "\"seen_bytes\":%zu,\"total_bytes\":%zu,\"missing_bytes\":0,\"overflow_bytes\":0,"
            "\"timedout\":false,\"md5\":\"%s\",\"sha1\":\"%s\",\"sha256\":\"%s\"}",
            s, us, Hex(16).c_str(), uid.c_str(), dst.c_str(), src.c_str(), sport, Pick(1000000),
            Pick(1000000), md5.c_str(), sha1.c_str(), sha256.c_str());
      }
    } else {
      char ts[64];
      const int64_t day = s % 86400;
      std::snprintf(ts, sizeof ts,
                    "2020-01-%02" PRId64 "T%02" PRId64 ":%02" PRId64 ":%02" PRId64 ".%06" PRId64
                    "+0000",
                    1 + (s - 1577836800) / 86400 % 28, day / 3600, day / 60 % 60, day % 60, us);
      const uint64_t flow_id = (static_cast<uint64_t>(Pick(1u << 30)) << 20) + n;
      const char* head =
          "{\"timestamp\":\"%s\",\"flow_id\":%" PRIu64
          ",\"in_iface\":\"eth0\",\"event_type\":\"%s\",\"src_ip\":\"%s\",\"src_port\":%u,"
          "\"dest_ip\":\"%s\",\"dest_port\":%u,\"proto\":\"%s\"";
      const char* type = kind < 10   ? "flow"
                         : kind < 15 ? "dns"
                         : kind < 17 ? "http"
                         : kind < 19 ? "tls"
                                     : "fileinfo";
      const bool udp = kind >= 10 && kind < 15;
      len = std::snprintf(buffer, sizeof buffer, head, ts, flow_id, type, src.c_str(), sport,
                          udp ? "10.0.0.53" : dst.c_str(), udp ? 53u : (kind < 17 ? 80u : 443u),
                          udp ? "UDP" : "TCP");
      size_t at = static_cast<size_t>(len);
      auto append = [&](const char* fmt, auto... args) {
        const int k = std::snprintf(buffer + at, sizeof buffer - at, fmt, args...);
        at += static_cast<size_t>(k);
      };
      if (kind < 10) {
        append(
            ",\"app_proto\":\"tls\",\"flow\":{\"pkts_toserver\":%zu,\"pkts_toclient\":%zu,"
            "\"bytes_toserver\":%zu,\"bytes_toclient\":%zu,\"start\":\"%s\",\"end\":\"%s\","
            "\"age\":1,\"state\":\"closed\",\"reason\":\"timeout\",\"alerted\":false},"
            "\"tcp\":{\"tcp_flags\":\"1b\",\"syn\":true,\"fin\":true,\"psh\":true,"
            "\"ack\":true,\"state\":\"closed\"}}",
            5 + Pick(40), 5 + Pick(400), 1000 + Pick(8000), 2000 + Pick(500000), ts, ts);
      } else if (kind < 15) {
        append(
            ",\"dns\":{\"version\":3,\"type\":\"response\",\"id\":%zu,\"flags\":\"8180\","
            "\"qr\":true,\"rd\":true,\"ra\":true,\"opcode\":0,\"rcode\":\"NOERROR\","
            "\"queries\":[{\"rrname\":\"%s\",\"rrtype\":\"A\"}],"
            "\"answers\":[{\"rrname\":\"%s\",\"rrtype\":\"A\",\"ttl\":300,\"rdata\":\"%s\"}]}}",
            Pick(65536), name.c_str(), name.c_str(), dst.c_str());
      } else if (kind < 17) {
        append(
            ",\"tx_id\":0,\"http\":{\"hostname\":\"%s\",\"url\":\"%s\","
            "\"http_user_agent\":\"%s\",\"http_content_type\":\"text/html\","
            "\"http_method\":\"GET\",\"protocol\":\"HTTP/1.1\",\"status\":200,\"length\":%zu}}",
            name.c_str(), uri.c_str(), ua, Pick(100000));
      } else if (kind < 19) {
        append(
            ",\"tls\":{\"subject\":\"CN=%s\",\"issuerdn\":\"C=US, O=Let's Encrypt, CN=R3\","
            "\"serial\":\"04:%s\",\"fingerprint\":\"%s\",\"sni\":\"%s\",\"version\":\"TLS 1.3\","
            "\"notbefore\":\"2019-12-01T00:00:00\",\"notafter\":\"2020-03-01T00:00:00\","
            "\"ja3\":{\"hash\":\"%s\",\"string\":\"771,4865-4866,0-23-65281,29-23,0\"},"
            "\"ja3s\":{\"hash\":\"%s\",\"string\":\"771,4865,43-51\"}}}",
            name.c_str(), Hex(6).c_str(), Hex(40).c_str(), name.c_str(), Hex(32).c_str(),
            Hex(32).c_str());
      } else {
        append(
            ",\"http\":{\"hostname\":\"%s\",\"url\":\"%s\",\"http_method\":\"GET\","
            "\"status\":200},\"app_proto\":\"http\",\"fileinfo\":{\"filename\":\"%s\","
            "\"magic\":\"PE32 executable\",\"gaps\":false,\"state\":\"CLOSED\",\"md5\":\"%s\","
            "\"sha1\":\"%s\",\"sha256\":\"%s\",\"stored\":false,\"size\":%zu,\"tx_id\":0}}",
            name.c_str(), uri.c_str(), "/setup.exe", md5.c_str(), sha1.c_str(), sha256.c_str(),
            Pick(1000000));
      }
      len = static_cast<int>(at);
    }
    buffer[len] = '\n';
    std::fwrite(buffer, 1, static_cast<size_t>(len) + 1, out);
    stats.bytes += static_cast<size_t>(len) + 1;
    ++stats.events;
    if (planted) ++stats.planted;
  }
  return stats;
}

}  // namespace concord::bench
