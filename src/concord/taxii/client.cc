#include "concord/taxii/client.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <random>
#include <thread>
#include <utility>

#include "concord/base/ascii.h"
#include "concord/base/input_stream.h"
#include "concord/json/document.h"
#include "concord/json/splitter.h"
#include "concord/json/writer.h"
#include "concord/taxii/query.h"

namespace concord::taxii {
namespace {

// Bytes of envelope around the objects of one POST: {"objects":[ ... ]}.
constexpr size_t kEnvelopeBytes = 16;

// Percent-encodes a query value or path segment (RFC 3986 unreserved characters kept).
std::string Encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string Base64(std::string_view s) {
  std::string out(sodium_base64_encoded_len(s.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(s.data()),
                    s.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// The string member `key` of `object`, "" when absent or not a string.
std::string StringMember(json::Element object, const char* key) {
  std::string_view v;
  if (object[key].get_string().get(v) != simdjson::SUCCESS) return "";
  return std::string(v);
}

}  // namespace

class Client::Impl {
 public:
  Impl(net::Url origin, ClientOptions options, std::unique_ptr<net::HttpsClient> http)
      : origin_(std::move(origin)), options_(std::move(options)), http_(std::move(http)) {
    if (!options_.token.empty()) {
      authorization_ = options_.user.empty()
                           ? "Bearer " + options_.token
                           : "Basic " + Base64(options_.user + ":" + options_.token);
    }
  }

  // The request target for `url`: a path on this server, or an absolute URL of the same origin.
  Result<std::string> TargetOf(std::string_view url) {
    if (url.starts_with("/")) return std::string(url);
    CONCORD_ASSIGN_OR_RETURN(net::Url parsed, net::Url::Parse(url));
    if (parsed.Origin() != origin_.Origin()) {
      return InvalidArgument("the URL " + QuoteForMessage(url) + " is not on " + origin_.Origin());
    }
    return parsed.target;
  }

  // Sends with retries; any answer other than 429/5xx is returned, whatever its status.
  Result<net::HttpResponse> Call(std::string_view method, const std::string& target,
                                 std::string_view body = "") {
    net::Headers headers;
    headers.emplace_back("Accept", std::string(kTaxiiMediaType));
    if (!authorization_.empty()) headers.emplace_back("Authorization", authorization_);
    if (!body.empty()) headers.emplace_back("Content-Type", std::string(kTaxiiMediaType));
    std::chrono::milliseconds backoff = options_.first_backoff;
    for (int attempt = 0;; ++attempt) {
      Result<net::HttpResponse> r = http_->Send(method, target, headers, body);
      std::string what;
      std::chrono::milliseconds wait = backoff;
      if (!r.ok()) {
        const StatusCode code = r.status().code();
        if (code != StatusCode::kUnavailable) return r.status();
        what = r.status().message();
      } else if (r->status == 429 || r->status >= 500) {
        what = "HTTP " + std::to_string(r->status);
        const std::string_view retry_after = net::HeaderValue(r->headers, "Retry-After");
        int seconds = 0;
        if (std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds)
                    .ec == std::errc() &&
            seconds >= 0) {
          wait = std::min<std::chrono::milliseconds>(std::chrono::seconds(seconds),
                                                     options_.max_backoff);
        }
      } else {
        return r;
      }
      if (attempt >= options_.max_retries) {
        if (r.ok()) return r;  // the caller reports the server's error
        return r.status().WithPrefix(method == "GET" || method == "POST"
                                         ? std::string(method) + " " + target + " after " +
                                               std::to_string(attempt + 1) + " attempts"
                                         : std::string(method));
      }
      // Jitter of up to a quarter, so that many clients do not retry in step.
      std::uniform_int_distribution<int64_t> jitter(0, wait.count() / 4);
      wait += std::chrono::milliseconds(jitter(rng_));
      if (options_.on_retry) options_.on_retry(what, attempt + 1, wait);
      std::this_thread::sleep_for(wait);
      backoff = std::min(backoff * 2, options_.max_backoff);
    }
  }

  // Calls and checks the status; the TAXII error of a failed call becomes the Status message.
  Result<net::HttpResponse> CallExpecting(std::string_view method, const std::string& target,
                                          int expected, std::string_view body = "") {
    CONCORD_ASSIGN_OR_RETURN(net::HttpResponse r, Call(method, target, body));
    if (r.status == expected) return r;
    return ErrorOf(method, target, r);
  }

  Status ErrorOf(std::string_view method, const std::string& target, const net::HttpResponse& r) {
    std::string message = std::string(method) + " " + target + ": HTTP " + std::to_string(r.status);
    auto parsed = parser_.Parse(r.body);
    if (parsed.ok()) {
      const std::string title = StringMember(*parsed, "title");
      const std::string description = StringMember(*parsed, "description");
      if (!title.empty()) message += " " + QuoteForMessage(title);
      if (!description.empty()) message += ": " + QuoteForMessage(description);
    }
    switch (r.status) {
      case 401:
        return Unauthenticated(message);
      case 403:
        return PermissionDenied(message);
      case 404:
        return NotFound(message);
      case 413:
        return ResourceExhausted(message);
      case 429:
      case 500:
      case 502:
      case 503:
      case 504:
        return Unavailable(message);
      default:
        return InvalidArgument(message);
    }
  }

  // Parses a response body that must be a JSON object.
  Result<json::Element> ParseObject(const std::string& target, std::string_view body) {
    Result<json::Element> parsed = parser_.Parse(body);
    if (!parsed.ok()) return parsed.status().WithPrefix("the answer to GET " + target);
    if (!parsed->is_object()) {
      return InvalidArgument("the answer to GET " + target + " is not a JSON object");
    }
    return parsed;
  }

  net::Url origin_;
  ClientOptions options_;
  std::unique_ptr<net::HttpsClient> http_;
  std::string authorization_;
  json::Parser parser_;
  std::mt19937_64 rng_{std::random_device{}()};
};

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

Result<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot read the token file " + path);
  std::string text(kMaxTokenFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxTokenFileBytes) {
    return InvalidArgument("the token file " + path + " is over " +
                           std::to_string(kMaxTokenFileBytes) + " bytes");
  }
  text.resize(std::min(text.find('\n'), text.size()));
  const size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return std::string();
  return text.substr(begin, text.find_last_not_of(" \t\r") - begin + 1);
}

Result<std::unique_ptr<Client>> Client::Create(std::string_view url, ClientOptions options) {
  if (sodium_init() < 0) return Internal("libsodium could not be initialised");
  CONCORD_ASSIGN_OR_RETURN(net::Url origin, net::Url::Parse(url));
  CONCORD_ASSIGN_OR_RETURN(std::unique_ptr<net::HttpsClient> http,
                           net::HttpsClient::Create(origin.Origin(), options.http));
  return std::unique_ptr<Client>(
      new Client(std::make_unique<Impl>(std::move(origin), std::move(options), std::move(http))));
}

Result<DiscoveryInfo> Client::Discover() {
  const std::string target = "/taxii2/";
  CONCORD_ASSIGN_OR_RETURN(net::HttpResponse r, impl_->CallExpecting("GET", target, 200));
  CONCORD_ASSIGN_OR_RETURN(json::Element d, impl_->ParseObject(target, r.body));
  DiscoveryInfo info;
  info.title = StringMember(d, "title");
  info.default_api_root = StringMember(d, "default");
  json::ArrayView roots;
  if (d["api_roots"].get_array().get(roots) == simdjson::SUCCESS) {
    for (json::Element root : roots) {
      std::string_view s;
      if (root.get_string().get(s) == simdjson::SUCCESS) info.api_roots.emplace_back(s);
    }
  }
  return info;
}

Result<ApiRootInfo> Client::GetApiRoot(std::string_view api_root) {
  CONCORD_ASSIGN_OR_RETURN(std::string target, impl_->TargetOf(api_root));
  CONCORD_ASSIGN_OR_RETURN(net::HttpResponse r, impl_->CallExpecting("GET", target, 200));
  CONCORD_ASSIGN_OR_RETURN(json::Element d, impl_->ParseObject(target, r.body));
  ApiRootInfo info;
  info.url = std::string(api_root);
  info.title = StringMember(d, "title");
  uint64_t max = 0;
  if (d["max_content_length"].get_uint64().get(max) == simdjson::SUCCESS) {
    info.max_content_length = max;
  }
  return info;
}

Result<std::vector<CollectionInfo>> Client::Collections(std::string_view api_root) {
  CONCORD_ASSIGN_OR_RETURN(std::string root, impl_->TargetOf(api_root));
  if (!root.ends_with("/")) root += "/";
  const std::string target = root + "collections/";
  CONCORD_ASSIGN_OR_RETURN(net::HttpResponse r, impl_->CallExpecting("GET", target, 200));
  CONCORD_ASSIGN_OR_RETURN(json::Element d, impl_->ParseObject(target, r.body));
  std::vector<CollectionInfo> out;
  json::ArrayView list;
  if (d["collections"].get_array().get(list) != simdjson::SUCCESS) return out;
  for (json::Element c : list) {
    CollectionInfo info;
    info.id = StringMember(c, "id");
    info.title = StringMember(c, "title");
    info.alias = StringMember(c, "alias");
    bool flag = false;
    if (c["can_read"].get_bool().get(flag) == simdjson::SUCCESS) info.can_read = flag;
    if (c["can_write"].get_bool().get(flag) == simdjson::SUCCESS) info.can_write = flag;
    if (!info.id.empty()) out.push_back(std::move(info));
  }
  return out;
}

Result<ObjectPage> Client::GetObjects(std::string_view api_root, std::string_view collection,
                                      const PageRequest& request) {
  CONCORD_ASSIGN_OR_RETURN(std::string root, impl_->TargetOf(api_root));
  if (!root.ends_with("/")) root += "/";
  std::string target = root + "collections/" + Encode(collection) +
                       "/objects/?limit=" + std::to_string(request.limit);
  if (!request.added_after.empty()) target += "&added_after=" + Encode(request.added_after);
  if (!request.next.empty()) target += "&next=" + Encode(request.next);
  if (!request.types.empty()) {
    target += "&match[type]=";
    for (size_t i = 0; i < request.types.size(); ++i) {
      if (i > 0) target += "%2C";
      target += Encode(request.types[i]);
    }
  }
  CONCORD_ASSIGN_OR_RETURN(net::HttpResponse r, impl_->CallExpecting("GET", target, 200));
  ObjectPage page;
  page.date_added_first = std::string(net::HeaderValue(r.headers, "X-TAXII-Date-Added-First"));
  page.date_added_last = std::string(net::HeaderValue(r.headers, "X-TAXII-Date-Added-Last"));
  // The envelope's objects, cut out as the server wrote them, then its "more" and "next".
  std::unique_ptr<InputStream> input = InputStream::FromString(std::move(r.body), target);
  json::Splitter splitter(input.get(), "objects", impl_->parser_.limits());
  bool envelope = false;
  for (;;) {
    CONCORD_ASSIGN_OR_RETURN(std::optional<json::Piece> piece, splitter.Next());
    if (!piece) break;
    const bool object =
        piece->kind == json::Piece::Kind::kElement && piece->path.starts_with("objects[");
    if (!object) {
      // The envelope: after its objects, or alone (a kValue) when it has no "objects" array.
      if (envelope || piece->kind == json::Piece::Kind::kElement) {
        return InvalidArgument("the answer to GET " + target + " is not a TAXII envelope");
      }
      CONCORD_ASSIGN_OR_RETURN(json::Element e, impl_->ParseObject(target, piece->text));
      bool more = false;
      if (e["more"].get_bool().get(more) == simdjson::SUCCESS) page.more = more;
      page.next = StringMember(e, "next");
      envelope = true;
      continue;
    }
    if (envelope)
      return InvalidArgument("the answer to GET " + target + " is not a TAXII envelope");
    if (!piece->error.ok()) return piece->error.WithPrefix("GET " + target + " " + piece->path);
    page.objects.emplace_back(piece->text);
  }
  if (!envelope) return InvalidArgument("the answer to GET " + target + " is empty");
  return page;
}

Result<PushResult> Client::Push(std::string_view api_root, std::string_view collection,
                                const std::vector<std::string>& objects) {
  CONCORD_ASSIGN_OR_RETURN(ApiRootInfo info, GetApiRoot(api_root));
  CONCORD_ASSIGN_OR_RETURN(std::string root, impl_->TargetOf(api_root));
  if (!root.ends_with("/")) root += "/";
  const std::string target = root + "collections/" + Encode(collection) + "/objects/";
  // No advertised limit: assume a conservative 1 MiB per POST.
  const uint64_t max_body = info.max_content_length > 0 ? info.max_content_length : 1 << 20;
  PushResult result;
  auto note_failure = [&](std::string message) {
    ++result.failures;
    if (result.failure_messages.size() < 100) result.failure_messages.push_back(std::move(message));
  };
  size_t i = 0;
  while (i < objects.size()) {
    std::string body = "{\"objects\":[";
    size_t count = 0;
    for (; i < objects.size(); ++i) {
      const std::string& o = objects[i];
      if (o.size() + kEnvelopeBytes > max_body) {
        note_failure("objects[" + std::to_string(i) + "]: " + std::to_string(o.size()) +
                     " bytes, more than the server takes in one request (" +
                     std::to_string(max_body) + ")");
        continue;
      }
      if (body.size() + o.size() + 3 > max_body) break;
      if (count > 0) body += ',';
      body += o;
      ++count;
    }
    if (count == 0) continue;
    body += "]}";
    CONCORD_ASSIGN_OR_RETURN(net::HttpResponse r, impl_->CallExpecting("POST", target, 202, body));
    ++result.posts;
    CONCORD_ASSIGN_OR_RETURN(json::Element s, impl_->ParseObject(target, r.body));
    result.status_ids.push_back(StringMember(s, "id"));
    uint64_t n = 0;
    if (s["success_count"].get_uint64().get(n) == simdjson::SUCCESS) result.successes += n;
    if (s["pending_count"].get_uint64().get(n) == simdjson::SUCCESS) result.pendings += n;
    if (s["failure_count"].get_uint64().get(n) == simdjson::SUCCESS) result.failures += n;
    json::ArrayView failures;
    if (s["failures"].get_array().get(failures) == simdjson::SUCCESS) {
      for (json::Element f : failures) {
        if (result.failure_messages.size() >= 100) break;
        result.failure_messages.push_back(StringMember(f, "id") + ": " +
                                          StringMember(f, "message"));
      }
    }
  }
  return result;
}

}  // namespace concord::taxii
