#pragma once

// Who is calling: partner credentials for the TAXII server (TAXII 2.1 section 1.6.8 leaves the
// scheme to the server; Concord takes bearer tokens, HTTP Basic with the token as password, and
// client certificates).
//
// A token is "cct_" + token id (16 lowercase hex digits) + "_" + secret (43 base64url
// characters: 32 random bytes). Only the id and the Argon2id hash of the secret (libsodium
// crypto_pwhash_str, interactive limits) are stored; the token is shown once, when issued.
//
// Verifying Argon2id costs tens of milliseconds by design, so a verified token is remembered for
// `cache_ttl` as a keyed BLAKE2b digest (the key is random per process) and later requests
// compare digests in constant time. The credential row is read on every request, so a revoked
// token stops working at once. Unknown token ids fail without hashing.
//
// Failed attempts are counted per peer address: from the `free_failures`+1-th failure within
// `failure_window` on, each failed answer is delayed, doubling from `first_delay` up to
// `max_delay` (the transport waits without holding a thread). A success clears the count. The
// window is a quiet period: a failure `failure_window` or more after the peer's previous one
// starts the count afresh. Failures caused by the server (store errors) are not counted.
//
// Thread-safe: any I/O thread may call Authenticate, each passing its own store connection.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "concord/base/clock.h"
#include "concord/base/result.h"
#include "concord/store/store.h"

namespace concord::taxii {

struct IssuedToken {
  std::string token;             // give this to the partner; never stored
  store::Credential credential;  // store this
};

// A new random token for `partner`, its credential (hash computed) ready to store.
// Internal if libsodium cannot be initialised.
Result<IssuedToken> IssueToken(std::string_view partner, int64_t created_us);

// Splits a token into its id and secret: InvalidArgument (without echoing the token) when it is
// not of the form above.
struct TokenParts {
  std::string_view token_id;
  std::string_view secret;
};
Result<TokenParts> SplitToken(std::string_view token);

struct AuthOptions {
  std::chrono::seconds cache_ttl{300};
  int free_failures = 3;
  std::chrono::seconds failure_window{600};
  std::chrono::milliseconds first_delay{250};
  std::chrono::milliseconds max_delay{8'000};
  size_t max_tracked_peers = 100'000;  // oldest forgotten beyond this
  size_t max_cached_tokens = 100'000;  // verified tokens remembered; oldest forgotten beyond this
};

struct AuthResult {
  // The partner's name; nullopt when the request carried no credentials or bad ones.
  std::optional<std::string> partner;
  // Whether credentials were presented and refused (vs. none at all).
  bool failed = false;
  // How long the transport should wait before answering (0 unless `failed` and throttled).
  uint32_t delay_ms = 0;
  // Set with `failed` when the refusal was this node's fault (the store could not be read, a
  // stored hash is damaged), not the caller's: the transport answers 503, not 401.
  bool server_error = false;
};

class Authenticator {
 public:
  Authenticator(Clock* clock, AuthOptions options = {});

  // `authorization`: the Authorization header ("" when absent): "Bearer <token>" or
  // "Basic base64(user:token)" where user must be the token's partner name. `client_cert_sha256`:
  // from a verified client certificate ("" for none); a certificate mapped to a partner
  // authenticates it when there is no Authorization header. `store`: the calling thread's
  // (REQUIRES: not null).
  //
  // The scheme is matched without regard to case; blanks around and between scheme and
  // credential are tolerated, but there must be exactly one credential. A header present is
  // decisive: when it is refused, the request fails even with a good certificate. Refused
  // (failed, partner nullopt): a header over 1024 bytes, an unknown scheme, a malformed token or
  // Basic credential (strict, padded base64), an unknown or revoked token id, a wrong secret, a
  // Basic user that is not the token's partner, a partner no longer stored. A certificate that
  // maps to no partner counts as no credentials (not failed). A store error (other than
  // NotFound) refuses the request without counting against the peer (the transport answers as
  // for bad credentials; the cause is not reported).
  AuthResult Authenticate(store::Store* store, std::string_view authorization,
                          std::string_view client_cert_sha256, std::string_view peer_address);

  // How many Argon2id verifications Authenticate has run (cache misses); for tests and metrics.
  uint64_t argon2_verifications() const { return argon2_verifications_.load(); }

 private:
  using Digest = std::array<unsigned char, 32>;

  // A verified token: the keyed digest of the whole token, the credential hash it was verified
  // against (a different hash under the same id is a miss), and when it stops counting.
  struct CachedToken {
    Digest digest;
    std::string hash;
    int64_t expires_us = 0;
    std::list<std::string>::iterator order;  // in token_order_
  };

  // Failures of one peer address since its count was last cleared.
  struct PeerFailures {
    int count = 0;
    int64_t last_failure_us = 0;
    std::list<std::string>::iterator order;  // in peer_order_
  };

  // Why an Authorization header was refused: kCredentials counts against the peer, kServer
  // (store errors, libsodium failures) does not.
  enum class Refusal { kNone, kCredentials, kServer };

  // Checks an Authorization header; on success sets `partner`.
  Refusal CheckAuthorization(store::Store* store, std::string_view authorization,
                             std::string* partner);
  // Checks one token; `user` is the Basic user name (nullopt for Bearer).
  Refusal CheckToken(store::Store* store, std::string_view token,
                     std::optional<std::string_view> user, std::string* partner);
  Digest TokenDigest(std::string_view token) const;
  // Cache lookups and updates; each takes mutex_.
  bool CacheHit(std::string_view token_id, const std::string& hash, const Digest& digest);
  void CacheInsert(std::string_view token_id, const std::string& hash, const Digest& digest);
  // Records a failure of `peer` and returns the delay its answer should get.
  uint32_t RecordFailure(std::string_view peer);
  void ClearFailures(std::string_view peer);

  Clock* clock_;
  AuthOptions options_;
  bool sodium_ready_ = false;
  Digest digest_key_{};  // random per Authenticator; keys TokenDigest
  std::atomic<uint64_t> argon2_verifications_{0};
  std::mutex mutex_;
  // Under mutex_: verified tokens by id, and their ids oldest first.
  std::unordered_map<std::string, CachedToken> tokens_;
  std::list<std::string> token_order_;
  // Under mutex_: failure counts by peer address, and the addresses least recently failed first.
  std::unordered_map<std::string, PeerFailures> peers_;
  std::list<std::string> peer_order_;
};

}  // namespace concord::taxii
