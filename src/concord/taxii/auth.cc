#include "concord/taxii/auth.h"

#include <sodium.h>

#include <algorithm>
#include <climits>
#include <vector>

#include "concord/base/ascii.h"

namespace concord::taxii {
namespace {

constexpr std::string_view kTokenPrefix = "cct_";
constexpr size_t kTokenIdBytes = 8;
constexpr size_t kTokenIdChars = 2 * kTokenIdBytes;  // lowercase hex
constexpr size_t kSecretBytes = 32;
constexpr size_t kSecretChars = 43;  // base64url without padding of kSecretBytes
constexpr size_t kTokenChars = kTokenPrefix.size() + kTokenIdChars + 1 + kSecretChars;
constexpr std::string_view kArgon2idPrefix = "$argon2id$";
// Longer Authorization headers are refused unread (a token is 64 bytes; Basic adds the name).
constexpr size_t kMaxAuthorizationBytes = 1024;

static_assert(sodium_base64_ENCODED_LEN(kSecretBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING) ==
              kSecretChars + 1);

// sodium_init() once per process; false when it failed.
bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

// Wipes a buffer that held secret material when it goes out of scope.
class Wipe {
 public:
  Wipe(void* data, size_t size) : data_(data), size_(size) {}
  ~Wipe() { sodium_memzero(data_, size_); }
  Wipe(const Wipe&) = delete;
  Wipe& operator=(const Wipe&) = delete;

 private:
  void* data_;
  size_t size_;
};

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// The value of a base64url digit, or -1.
int Base64UrlValue(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

Result<IssuedToken> IssueToken(std::string_view partner, int64_t created_us) {
  if (!SodiumReady()) return Internal("libsodium could not be initialised");

  unsigned char id_bytes[kTokenIdBytes];
  randombytes_buf(id_bytes, sizeof(id_bytes));
  char id_hex[kTokenIdChars + 1];
  sodium_bin2hex(id_hex, sizeof(id_hex), id_bytes, sizeof(id_bytes));

  unsigned char secret_bytes[kSecretBytes];
  Wipe wipe_bytes(secret_bytes, sizeof(secret_bytes));
  randombytes_buf(secret_bytes, sizeof(secret_bytes));
  char secret[kSecretChars + 1];
  Wipe wipe_secret(secret, sizeof(secret));
  sodium_bin2base64(secret, sizeof(secret), secret_bytes, sizeof(secret_bytes),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);

  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, secret, kSecretChars, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return ResourceExhausted("not enough memory to hash a token secret with Argon2id");
  }
  if (!std::string_view(hash).starts_with(kArgon2idPrefix)) {
    return Internal("libsodium did not hash the token secret with Argon2id");
  }

  IssuedToken issued;
  issued.token.reserve(kTokenChars);
  issued.token.append(kTokenPrefix).append(id_hex, kTokenIdChars).append("_");
  issued.token.append(secret, kSecretChars);
  issued.credential.token_id.assign(id_hex, kTokenIdChars);
  issued.credential.partner = std::string(partner);
  issued.credential.hash = hash;
  issued.credential.created_us = created_us;
  issued.credential.revoked = false;
  return issued;
}

Result<TokenParts> SplitToken(std::string_view token) {
  // Messages name the rule broken, never the token (it may be a real secret, slightly mangled).
  if (token.size() != kTokenChars) {
    return InvalidArgument("a token must be " + std::to_string(kTokenChars) + " characters long");
  }
  if (!token.starts_with(kTokenPrefix)) {
    return InvalidArgument("a token must start with \"cct_\"");
  }
  const std::string_view id = token.substr(kTokenPrefix.size(), kTokenIdChars);
  if (!std::all_of(id.begin(), id.end(), IsLowerHex)) {
    return InvalidArgument("a token id must be 16 lowercase hex digits");
  }
  if (token[kTokenPrefix.size() + kTokenIdChars] != '_') {
    return InvalidArgument("a token id must be followed by \"_\"");
  }
  const std::string_view secret = token.substr(kTokenPrefix.size() + kTokenIdChars + 1);
  for (char c : secret) {
    if (Base64UrlValue(c) < 0) {
      return InvalidArgument("a token secret must be 43 base64url characters");
    }
  }
  // 43 digits carry 258 bits for 256: an encoder leaves the last digit's low two bits zero.
  if (Base64UrlValue(secret.back()) % 4 != 0) {
    return InvalidArgument("a token secret must encode exactly 32 bytes");
  }
  return TokenParts{id, secret};
}

Authenticator::Authenticator(Clock* clock, AuthOptions options)
    : clock_(clock), options_(options), sodium_ready_(SodiumReady()) {
  if (sodium_ready_) randombytes_buf(digest_key_.data(), digest_key_.size());
}

AuthResult Authenticator::Authenticate(store::Store* store, std::string_view authorization,
                                       std::string_view client_cert_sha256,
                                       std::string_view peer_address) {
  AuthResult result;
  if (!authorization.empty()) {
    std::string partner;
    const Refusal refusal = CheckAuthorization(store, authorization, &partner);
    if (refusal == Refusal::kNone) {
      ClearFailures(peer_address);
      result.partner = std::move(partner);
    } else {
      result.failed = true;
      result.server_error = refusal == Refusal::kServer;
      if (refusal == Refusal::kCredentials) result.delay_ms = RecordFailure(peer_address);
    }
    return result;
  }
  if (!client_cert_sha256.empty()) {
    Result<store::Partner> partner = store->FindPartnerByCert(client_cert_sha256);
    if (partner.ok()) {
      ClearFailures(peer_address);
      result.partner = std::move(partner->name);
    } else if (partner.status().code() != StatusCode::kNotFound) {
      result.failed = true;  // a store error: refuse, but the peer is not to blame
      result.server_error = true;
    }
  }
  return result;
}

Authenticator::Refusal Authenticator::CheckAuthorization(store::Store* store,
                                                         std::string_view authorization,
                                                         std::string* partner) {
  if (authorization.size() > kMaxAuthorizationBytes) return Refusal::kCredentials;
  if (!sodium_ready_) return Refusal::kServer;

  const std::string_view header = TrimBlanks(authorization);
  const auto blank = std::find_if(header.begin(), header.end(), IsBlank);
  if (blank == header.end()) return Refusal::kCredentials;  // a scheme alone, or nothing
  const std::string_view scheme = header.substr(0, blank - header.begin());
  const std::string_view credential = TrimBlanks(header.substr(scheme.size()));
  if (std::any_of(credential.begin(), credential.end(), IsBlank)) return Refusal::kCredentials;

  if (EqualsIgnoreAsciiCase(scheme, "Bearer")) {
    return CheckToken(store, credential, std::nullopt, partner);
  }
  if (!EqualsIgnoreAsciiCase(scheme, "Basic")) return Refusal::kCredentials;

  std::vector<char> decoded(credential.size() / 4 * 3 + 3);
  Wipe wipe(decoded.data(), decoded.size());
  size_t decoded_size = 0;
  // Strict: standard alphabet, padding required, nothing after it, no stray bits.
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                        credential.data(), credential.size(), /*ignore=*/nullptr, &decoded_size,
                        /*b64_end=*/nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return Refusal::kCredentials;
  }
  const std::string_view user_pass(decoded.data(), decoded_size);
  const size_t colon = user_pass.find(':');  // a user name cannot hold one (RFC 7617)
  if (colon == std::string_view::npos) return Refusal::kCredentials;
  return CheckToken(store, user_pass.substr(colon + 1), user_pass.substr(0, colon), partner);
}

Authenticator::Refusal Authenticator::CheckToken(store::Store* store, std::string_view token,
                                                 std::optional<std::string_view> user,
                                                 std::string* partner) {
  Result<TokenParts> parts = SplitToken(token);
  if (!parts.ok()) return Refusal::kCredentials;
  Result<store::Credential> credential = store->FindCredential(parts->token_id);
  if (!credential.ok()) {
    return credential.status().code() == StatusCode::kNotFound ? Refusal::kCredentials
                                                               : Refusal::kServer;
  }
  if (credential->revoked) return Refusal::kCredentials;
  if (user.has_value() && *user != credential->partner) return Refusal::kCredentials;
  // Only Argon2id hashes are accepted; anything else in the store is damage, not the peer's doing.
  if (!std::string_view(credential->hash).starts_with(kArgon2idPrefix)) return Refusal::kServer;

  const Digest digest = TokenDigest(token);
  if (!CacheHit(parts->token_id, credential->hash, digest)) {
    // Outside mutex_: tens of milliseconds and 64 MiB by design.
    argon2_verifications_.fetch_add(1);
    if (crypto_pwhash_str_verify(credential->hash.c_str(), parts->secret.data(),
                                 parts->secret.size()) != 0) {
      return Refusal::kCredentials;
    }
    CacheInsert(parts->token_id, credential->hash, digest);
  }

  Result<store::Partner> found = store->FindPartner(credential->partner);
  if (!found.ok()) {
    return found.status().code() == StatusCode::kNotFound ? Refusal::kCredentials
                                                          : Refusal::kServer;
  }
  *partner = std::move(found->name);
  return Refusal::kNone;
}

Authenticator::Digest Authenticator::TokenDigest(std::string_view token) const {
  Digest digest;
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                     digest_key_.data(), digest_key_.size());
  return digest;
}

bool Authenticator::CacheHit(std::string_view token_id, const std::string& hash,
                             const Digest& digest) {
  const int64_t now = clock_->Now().ToMicros();
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = tokens_.find(std::string(token_id));
  if (it == tokens_.end()) return false;
  CachedToken& cached = it->second;
  if (now >= cached.expires_us || cached.hash != hash) {
    token_order_.erase(cached.order);
    tokens_.erase(it);
    return false;
  }
  // A mismatch leaves the entry: the right token stays remembered; the caller verifies in full.
  return sodium_memcmp(cached.digest.data(), digest.data(), digest.size()) == 0;
}

void Authenticator::CacheInsert(std::string_view token_id, const std::string& hash,
                                const Digest& digest) {
  const int64_t ttl_us =
      std::chrono::duration_cast<std::chrono::microseconds>(options_.cache_ttl).count();
  if (ttl_us <= 0 || options_.max_cached_tokens == 0) return;
  const int64_t now = clock_->Now().ToMicros();
  std::lock_guard<std::mutex> lock(mutex_);
  std::string id(token_id);
  auto it = tokens_.find(id);
  if (it == tokens_.end()) {
    // Oldest first: with one ttl for all, the oldest entry is also the first to expire.
    while (!token_order_.empty()) {
      auto oldest = tokens_.find(token_order_.front());
      if (tokens_.size() < options_.max_cached_tokens && now < oldest->second.expires_us) break;
      tokens_.erase(oldest);
      token_order_.pop_front();
    }
    token_order_.push_back(id);
    it = tokens_.emplace(std::move(id), CachedToken{}).first;
    it->second.order = std::prev(token_order_.end());
  } else {
    token_order_.splice(token_order_.end(), token_order_, it->second.order);
  }
  it->second.digest = digest;
  it->second.hash = hash;
  it->second.expires_us = now + ttl_us;
}

uint32_t Authenticator::RecordFailure(std::string_view peer) {
  const int64_t now = clock_->Now().ToMicros();
  const int64_t window_us =
      std::chrono::duration_cast<std::chrono::microseconds>(options_.failure_window).count();
  int count = 1;
  if (options_.max_tracked_peers > 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string key(peer);
    auto it = peers_.find(key);
    if (it == peers_.end()) {
      // Least recently failed first: forget those past their window, then the oldest if full.
      while (!peer_order_.empty()) {
        auto oldest = peers_.find(peer_order_.front());
        if (peers_.size() < options_.max_tracked_peers &&
            now - oldest->second.last_failure_us < window_us) {
          break;
        }
        peers_.erase(oldest);
        peer_order_.pop_front();
      }
      peer_order_.push_back(key);
      it = peers_.emplace(std::move(key), PeerFailures{}).first;
      it->second.order = std::prev(peer_order_.end());
    } else {
      peer_order_.splice(peer_order_.end(), peer_order_, it->second.order);
    }
    PeerFailures& failures = it->second;
    if (failures.count > 0 && now - failures.last_failure_us >= window_us) failures.count = 0;
    if (failures.count < INT_MAX) ++failures.count;
    failures.last_failure_us = now;
    count = failures.count;
  }

  if (count <= options_.free_failures) return 0;
  const int64_t max_ms = std::max<int64_t>(options_.max_delay.count(), 0);
  int64_t delay_ms = std::max<int64_t>(options_.first_delay.count(), 0);
  for (int i = count - options_.free_failures - 1; i > 0 && delay_ms > 0 && delay_ms < max_ms;
       --i) {
    delay_ms *= 2;
  }
  return static_cast<uint32_t>(std::min<int64_t>({delay_ms, max_ms, UINT32_MAX}));
}

void Authenticator::ClearFailures(std::string_view peer) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (peers_.empty()) return;
  auto it = peers_.find(std::string(peer));
  if (it == peers_.end()) return;
  peer_order_.erase(it->second.order);
  peers_.erase(it);
}

}  // namespace concord::taxii
