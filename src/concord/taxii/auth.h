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
// `max_delay` (the transport waits without holding a thread). A success clears the count.
//
// Thread-safe: any I/O thread may call Authenticate, each passing its own store connection.

#include <chrono>
#include <cstdint>
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
  std::string token;  // give this to the partner; never stored
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
};

struct AuthResult {
  // The partner's name; nullopt when the request carried no credentials or bad ones.
  std::optional<std::string> partner;
  // Whether credentials were presented and refused (vs. none at all).
  bool failed = false;
  // How long the transport should wait before answering (0 unless `failed` and throttled).
  uint32_t delay_ms = 0;
};

class Authenticator {
 public:
  Authenticator(Clock* clock, AuthOptions options = {});

  // `authorization`: the Authorization header ("" when absent): "Bearer <token>" or
  // "Basic base64(user:token)" where user must be the token's partner name. `client_cert_sha256`:
  // from a verified client certificate ("" for none); a certificate mapped to a partner
  // authenticates it when there is no Authorization header. `store`: the calling thread's.
  AuthResult Authenticate(store::Store* store, std::string_view authorization,
                          std::string_view client_cert_sha256, std::string_view peer_address);

 private:
  // ...implementation state: verified-token digest cache, failure counts per peer, both under
  // mutex_.
  Clock* clock_;
  AuthOptions options_;
  std::mutex mutex_;
};

}  // namespace concord::taxii
