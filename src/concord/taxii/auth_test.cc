#include "concord/taxii/auth.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "concord/base/clock.h"
#include "concord/store/sqlite/sqlite_store.h"
#include "concord/taxii/client.h"

namespace concord::taxii {
namespace {

constexpr int64_t kStartMicros = 1'700'000'000'000'000;  // 2023-11-14
constexpr int64_t kSecond = 1'000'000;
const char kUkCert[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
// A well-formed token no store knows (its secret's last digit has its low two bits clear).
const char kUnknownToken[] = "cct_0123456789abcdef_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ";
constexpr size_t kSecretStart = 21;  // "cct_" + 16 hex digits + "_"

std::string Base64(std::string_view text) {
  std::string out(sodium_base64_ENCODED_LEN(text.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(text.data()),
                    text.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string Bearer(std::string_view token) { return "Bearer " + std::string(token); }
std::string Basic(std::string_view user, std::string_view token) {
  return "Basic " + Base64(std::string(user) + ":" + std::string(token));
}

// `token` with one secret digit changed: still well-formed, no longer right.
std::string WithWrongSecret(std::string token) {
  token[kSecretStart] = token[kSecretStart] == 'A' ? 'B' : 'A';
  return token;
}

TEST(TokenTest, IssueTokenHasTheDocumentedFormat) {
  Result<IssuedToken> issued = IssueToken("uk", kStartMicros);
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  const std::string& token = issued->token;
  ASSERT_EQ(token.size(), 64u);
  EXPECT_EQ(token.substr(0, 4), "cct_");
  EXPECT_EQ(token[20], '_');
  Result<TokenParts> parts = SplitToken(token);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ(parts->token_id, token.substr(4, 16));
  EXPECT_EQ(parts->secret, token.substr(21));
  EXPECT_EQ(parts->token_id.find_first_not_of("0123456789abcdef"), std::string_view::npos);

  const store::Credential& credential = issued->credential;
  EXPECT_EQ(credential.token_id, parts->token_id);
  EXPECT_EQ(credential.partner, "uk");
  EXPECT_EQ(credential.created_us, kStartMicros);
  EXPECT_FALSE(credential.revoked);
  EXPECT_EQ(credential.hash.rfind("$argon2id$", 0), 0u) << credential.hash;
  // The hash is of the secret alone, and the token itself is nowhere in the credential.
  EXPECT_EQ(
      crypto_pwhash_str_verify(credential.hash.c_str(), parts->secret.data(), parts->secret.size()),
      0);
  EXPECT_EQ(credential.hash.find(parts->secret), std::string::npos);
}

TEST(TokenTest, SplitTokenAcceptsAWellFormedToken) {
  Result<TokenParts> parts = SplitToken(kUnknownToken);
  ASSERT_TRUE(parts.ok()) << parts.status().ToString();
  EXPECT_EQ(parts->token_id, "0123456789abcdef");
  EXPECT_EQ(parts->secret, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ");
  std::string edges = "cct_ffffffffffffffff_";
  for (int i = 0; i < 21; ++i) edges += "-_";
  edges += "0";
  EXPECT_TRUE(SplitToken(edges).ok());
}

TEST(TokenTest, SplitTokenRejectsMalformedTokensWithoutEchoingThem) {
  const std::string good = kUnknownToken;
  const std::string secret = good.substr(kSecretStart);
  std::vector<std::string> bad = {
      "",
      "cct_",
      "cck_" + good.substr(4),                               // prefix
      "CCT_" + good.substr(4),                               // prefix case
      "cct_0123456789ABCDEF_" + secret,                      // uppercase id
      "cct_0123456789abcdeg_" + secret,                      // not hex
      "cct_0123456789abcde_" + secret + "Q",                 // id 15 digits
      "cct_0123456789abcdef0_" + secret.substr(1),           // id 17 digits
      "cct_0123456789abcdef-" + secret,                      // separator
      "cct_0123456789abcdef_" + secret.substr(1),            // secret 42 digits
      good + "A",                                            // secret 44 digits
      "cct_0123456789abcdef_" + secret.substr(0, 42) + "=",  // padding
      "cct_0123456789abcdef_+" + secret.substr(1),           // standard alphabet
      "cct_0123456789abcdef_/" + secret.substr(1),           // standard alphabet
      "cct_0123456789abcdef_" + secret.substr(0, 42) + "R",  // stray low bits
      " " + good.substr(1),                                  // blank
      good.substr(0, 63) + "\n",                             // control character
      std::string("cct_0123456789abcdef_") + std::string(43, '\0'),
  };
  for (const std::string& token : bad) {
    Result<TokenParts> parts = SplitToken(token);
    ASSERT_FALSE(parts.ok()) << "accepted: " << token;
    EXPECT_EQ(parts.status().code(), StatusCode::kInvalidArgument);
    if (token.size() > 20) {
      EXPECT_EQ(parts.status().message().find(token.substr(21, 20)), std::string::npos)
          << parts.status().message();
    }
    EXPECT_EQ(parts.status().message().find("0123456789"), std::string::npos)
        << parts.status().message();
  }
}

// Delegates to a real store, with faults on demand.
class FaultyStore final : public store::Store {
 public:
  explicit FaultyStore(store::Store* base) : base_(base) {}

  Status credential_error;          // returned by FindCredential when not OK
  Status cert_error;                // returned by FindPartnerByCert when not OK
  bool hide_partners = false;       // FindPartner answers NotFound
  std::optional<std::string> hash;  // replaces the hash of every credential found

  Result<std::unique_ptr<store::WriteTransaction>> BeginWrite(
      const store::Provenance& source, const std::vector<std::string>& collection_ids) override {
    return base_->BeginWrite(source, collection_ids);
  }
  Result<store::Page> Find(const store::Query& query, size_t limit,
                           std::string_view cursor) override {
    return base_->Find(query, limit, cursor);
  }
  Status Scan(const store::Query& query,
              const std::function<Status(const store::StoredObject&)>& fn) override {
    return base_->Scan(query, fn);
  }
  Result<store::Collection> CreateCollection(store::Collection collection) override {
    return base_->CreateCollection(std::move(collection));
  }
  Result<store::Collection> FindCollection(std::string_view id_or_alias) override {
    return base_->FindCollection(id_or_alias);
  }
  Result<std::vector<store::Collection>> ListCollections() override {
    return base_->ListCollections();
  }
  Result<uint64_t> RemoveFromCollection(
      std::string_view collection_id, std::string_view object_id,
      const std::vector<store::VersionFilter>& versions) override {
    return base_->RemoveFromCollection(collection_id, object_id, versions);
  }
  Result<store::ApiRoot> CreateApiRoot(store::ApiRoot root) override {
    return base_->CreateApiRoot(std::move(root));
  }
  Result<store::ApiRoot> FindApiRoot(std::string_view name) override {
    return base_->FindApiRoot(name);
  }
  Result<std::vector<store::ApiRoot>> ListApiRoots() override { return base_->ListApiRoots(); }
  Result<store::Partner> CreatePartner(store::Partner partner) override {
    return base_->CreatePartner(std::move(partner));
  }
  Result<store::Partner> FindPartner(std::string_view name) override {
    if (hide_partners) return NotFound("no partner");
    return base_->FindPartner(name);
  }
  Result<store::Partner> FindPartnerByCert(std::string_view cert_sha256) override {
    if (!cert_error.ok()) return cert_error;
    return base_->FindPartnerByCert(cert_sha256);
  }
  Result<std::vector<store::Partner>> ListPartners() override { return base_->ListPartners(); }
  Status AddCredential(const store::Credential& credential) override {
    return base_->AddCredential(credential);
  }
  Result<store::Credential> FindCredential(std::string_view token_id) override {
    if (!credential_error.ok()) return credential_error;
    Result<store::Credential> found = base_->FindCredential(token_id);
    if (found.ok() && hash.has_value()) found->hash = *hash;
    return found;
  }
  Result<std::vector<store::Credential>> ListCredentials(std::string_view partner) override {
    return base_->ListCredentials(partner);
  }
  Status RevokeCredential(std::string_view token_id) override {
    return base_->RevokeCredential(token_id);
  }
  Result<uint64_t> RevokeCredentials(std::string_view partner) override {
    return base_->RevokeCredentials(partner);
  }
  Status SetGrant(const store::Grant& grant) override { return base_->SetGrant(grant); }
  Result<store::Rights> RightsOf(std::string_view partner,
                                 std::string_view collection_id) override {
    return base_->RightsOf(partner, collection_id);
  }
  Result<std::vector<store::Grant>> ListGrants() override { return base_->ListGrants(); }
  Status PutStatus(const store::PostStatus& status) override { return base_->PutStatus(status); }
  Result<store::PostStatus> GetStatus(std::string_view id) override { return base_->GetStatus(id); }
  Result<uint64_t> DeleteStatusesBefore(int64_t request_us) override {
    return base_->DeleteStatusesBefore(request_us);
  }
  Status UpdatePartner(const store::Partner& partner) override {
    return base_->UpdatePartner(partner);
  }
  Result<std::map<std::string, std::vector<store::Provenance>>> SourcesOf(
      const std::vector<std::string>& ids) override {
    return base_->SourcesOf(ids);
  }
  Status PutSyncState(const store::SyncState& state) override { return base_->PutSyncState(state); }
  Result<store::SyncState> GetSyncState(std::string_view partner, std::string_view direction,
                                        std::string_view collection) override {
    return base_->GetSyncState(partner, direction, collection);
  }
  Result<std::vector<store::SyncState>> ListSyncStates() override {
    return base_->ListSyncStates();
  }
  Result<store::Stats> GetStats() override { return base_->GetStats(); }

 private:
  store::Store* base_;
};

class AuthTest : public ::testing::Test {
 protected:
  // Argon2id hashing is slow by design: the suite's tokens are issued once and stored in each
  // test's fresh store.
  static void SetUpTestSuite() {
    Result<IssuedToken> uk = IssueToken("uk", kStartMicros);
    Result<IssuedToken> us = IssueToken("us", kStartMicros);
    ASSERT_TRUE(uk.ok() && us.ok());
    uk_ = new IssuedToken(*uk);
    us_ = new IssuedToken(*us);
  }
  static void TearDownTestSuite() {
    delete uk_;
    delete us_;
    uk_ = us_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(uk_, nullptr);
    std::string tmpl = (std::filesystem::temp_directory_path() / "concord_auth_XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/store.db";
    Result<std::unique_ptr<store::SqliteStore>> opened = store::SqliteStore::Open(path_, &clock_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->CreatePartner({"uk", "", kUkCert}).ok());
    ASSERT_TRUE(store_->CreatePartner({"us", "", ""}).ok());
    ASSERT_TRUE(store_->AddCredential(uk_->credential).ok());
    ASSERT_TRUE(store_->AddCredential(us_->credential).ok());
  }

  void TearDown() override {
    store_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  AuthResult Auth(Authenticator& auth, std::string_view header, std::string_view cert = "",
                  std::string_view peer = "192.0.2.1") {
    return auth.Authenticate(store_.get(), header, cert, peer);
  }

  // The delays of `n` failed attempts from `peer` (an unknown token id: no hashing).
  std::vector<uint32_t> FailedDelays(Authenticator& auth, int n, std::string_view peer) {
    std::vector<uint32_t> delays;
    for (int i = 0; i < n; ++i) {
      AuthResult r = Auth(auth, Bearer(kUnknownToken), "", peer);
      EXPECT_TRUE(r.failed);
      delays.push_back(r.delay_ms);
    }
    return delays;
  }

  static IssuedToken* uk_;
  static IssuedToken* us_;
  ManualClock clock_{Timestamp::FromMicros(kStartMicros)};
  std::string dir_;
  std::string path_;
  std::unique_ptr<store::SqliteStore> store_;
};

IssuedToken* AuthTest::uk_ = nullptr;
IssuedToken* AuthTest::us_ = nullptr;

void ExpectRefused(const AuthResult& r) {
  EXPECT_FALSE(r.partner.has_value()) << *r.partner;
  EXPECT_TRUE(r.failed);
}

void ExpectPartner(const AuthResult& r, const std::string& partner) {
  EXPECT_EQ(r.partner, partner);
  EXPECT_FALSE(r.failed);
  EXPECT_EQ(r.delay_ms, 0u);
}

TEST_F(AuthTest, BearerTokenAuthenticatesItsPartner) {
  Authenticator auth(&clock_);
  ExpectPartner(Auth(auth, Bearer(uk_->token)), "uk");
  ExpectPartner(Auth(auth, Bearer(us_->token)), "us");
  EXPECT_EQ(auth.argon2_verifications(), 2u);
}

TEST_F(AuthTest, SchemeIsCaseInsensitiveAndBlanksAreTolerated) {
  Authenticator auth(&clock_);
  ExpectPartner(Auth(auth, "bearer " + uk_->token), "uk");
  ExpectPartner(Auth(auth, "BEARER " + uk_->token), "uk");
  ExpectPartner(Auth(auth, "  BeArEr   " + uk_->token + "  "), "uk");
  ExpectPartner(Auth(auth, "Bearer\t" + uk_->token), "uk");
  const std::string basic = Base64("uk:" + uk_->token);
  ExpectPartner(Auth(auth, "basic " + basic), "uk");
  ExpectPartner(Auth(auth, "BASIC   " + basic + " "), "uk");
}

TEST_F(AuthTest, BasicWithThePartnerNameAndToken) {
  Authenticator auth(&clock_);
  ExpectPartner(Auth(auth, Basic("uk", uk_->token)), "uk");
  // The same token by either scheme is the same cache entry.
  ExpectPartner(Auth(auth, Bearer(uk_->token)), "uk");
  EXPECT_EQ(auth.argon2_verifications(), 1u);
}

TEST_F(AuthTest, BasicWithAnotherUserFailsWithoutHashing) {
  Authenticator auth(&clock_);
  ExpectRefused(Auth(auth, Basic("us", uk_->token)));
  ExpectRefused(Auth(auth, Basic("UK", uk_->token)));
  ExpectRefused(Auth(auth, Basic("", uk_->token)));
  ExpectRefused(Auth(auth, Basic("uk ", uk_->token)));
  EXPECT_EQ(auth.argon2_verifications(), 0u);
  // Nor does a verified, cached token let another name through.
  ExpectPartner(Auth(auth, Basic("uk", uk_->token)), "uk");
  ExpectRefused(Auth(auth, Basic("us", uk_->token)));
}

TEST_F(AuthTest, BasicRejectsBadBase64) {
  Authenticator auth(&clock_);
  const std::string good = Base64("uk:" + uk_->token);
  ASSERT_EQ(good.back(), '=');
  const std::vector<std::string> bad = {
      "Basic " + good.substr(0, good.find('=')),  // padding left off
      "Basic " + good + "=",                      // too much padding
      "Basic " + good + "AAAA",                   // data after the padding
      "Basic !!!!",
      "Basic " + good.substr(0, 10) + "-" + good.substr(11),  // base64url digit
      "Basic " + good.substr(0, 10) + " " + good.substr(10),  // two credentials
      "Basic " + Base64("uk" + uk_->token),                   // no colon
      "Basic " + Base64("uk:" + uk_->token + "\n"),           // not a token after the colon
      "Basic =",
  };
  for (const std::string& header : bad) {
    SCOPED_TRACE(header);
    ExpectRefused(Auth(auth, header));
  }
  EXPECT_EQ(auth.argon2_verifications(), 0u);
}

TEST_F(AuthTest, WrongSecretFails) {
  Authenticator auth(&clock_);
  const AuthResult wrong = Auth(auth, Bearer(WithWrongSecret(uk_->token)));
  ExpectRefused(wrong);
  EXPECT_FALSE(wrong.server_error);  // the caller's fault: 401, not 503
  EXPECT_EQ(auth.argon2_verifications(), 1u);
  // A failure is never remembered: the next wrong attempt is verified again.
  ExpectRefused(Auth(auth, Bearer(WithWrongSecret(uk_->token))));
  EXPECT_EQ(auth.argon2_verifications(), 2u);
  ExpectPartner(Auth(auth, Bearer(uk_->token)), "uk");
}

TEST_F(AuthTest, UnknownTokenIdFailsWithoutHashing) {
  Authenticator auth(&clock_);
  ExpectRefused(Auth(auth, Bearer(kUnknownToken)));
  ExpectRefused(Auth(auth, Basic("uk", kUnknownToken)));
  // The uk token's secret under another id.
  ExpectRefused(Auth(auth, Bearer("cct_0000000000000000_" + uk_->token.substr(kSecretStart))));
  EXPECT_EQ(auth.argon2_verifications(), 0u);
}

TEST_F(AuthTest, MalformedHeadersFail) {
  Authenticator auth(&clock_);
  const std::vector<std::string> bad = {
      " ",
      "Bearer",
      "Bearer ",
      "Bearer:" + uk_->token,
      "Bearer " + uk_->token + " " + uk_->token,
      "Bearer " + uk_->token + "A",
      "Bearer " + uk_->token.substr(1),
      "Bearer \"" + uk_->token + "\"",
      "Token " + uk_->token,
      "Digest " + uk_->token,
      "Bearerx " + uk_->token,
      uk_->token,
  };
  for (const std::string& header : bad) {
    SCOPED_TRACE(header);
    ExpectRefused(Auth(auth, header));
  }
  EXPECT_EQ(auth.argon2_verifications(), 0u);
}

TEST_F(AuthTest, OversizedHeaderFails) {
  Authenticator auth(&clock_);
  std::string header = Bearer(uk_->token);
  header.resize(1024, ' ');
  ExpectPartner(Auth(auth, header), "uk");
  header.push_back(' ');
  ExpectRefused(Auth(auth, header));
  ExpectRefused(Auth(auth, std::string(1 << 20, 'A')));
  EXPECT_EQ(auth.argon2_verifications(), 1u);
}

TEST_F(AuthTest, RevokedTokenFailsAtOnceEvenWhenCached) {
  Authenticator auth(&clock_);
  ExpectPartner(Auth(auth, Bearer(uk_->token)), "uk");
  ASSERT_TRUE(store_->RevokeCredential(uk_->credential.token_id).ok());
  ExpectRefused(Auth(auth, Bearer(uk_->token)));
  ExpectRefused(Auth(auth, Basic("uk", uk_->token)));
  EXPECT_EQ(auth.argon2_verifications(), 1u);  // refused before any hashing
  ExpectPartner(Auth(auth, Bearer(us_->token)), "us");
}

TEST_F(AuthTest, ReissuedCredentialReplacesTheRevokedOne) {
  Authenticator auth(&clock_);
  ExpectPartner(Auth(auth, Bearer(uk_->token)), "uk");
  ASSERT_TRUE(store_->RevokeCredential(uk_->credential.token_id).ok());
  Result<IssuedToken> renewed = IssueToken("uk", kStartMicros + kSecond);
  ASSERT_TRUE(renewed.ok()) << renewed.status().ToString();
  ASSERT_NE(renewed->credential.token_id, uk_->credential.token_id);
  ASSERT_TRUE(store_->AddCredential(renewed->credential).ok());
  ExpectRefused(Auth(auth, Bearer(uk_->token)));
  ExpectPartner(Auth(auth, Bearer(renewed->token)), "uk");
  ExpectPartner(Auth(auth, Bearer(renewed->token)), "uk");
  ExpectRefused(Auth(auth, Bearer(uk_->token)));
  EXPECT_EQ(auth.argon2_verifications(), 2u);
}

TEST_F(AuthTest, CacheSkipsArgon2ForARepeatedToken) {
  Authenticator auth(&clock_);
  for (int i = 0; i < 20; ++i) ExpectPartner(Auth(auth, Bearer(uk_->token)), "uk");
  EXPECT_EQ(auth.argon2_verifications(), 1u);
  // Each Authenticator has its own cache (and digest key).
  Authenticator other(&clock_);
  ExpectPartner(Auth(other, Bearer(uk_->token)), "uk");
  EXPECT_EQ(other.argon2_verifications(), 1u);
}

TEST_F(AuthTest, CacheEntryExpiresAfterTtl) {
  AuthOptions options;
  options.cache_ttl = std::chrono::seconds(60);
  Authenticator auth(&clock_, options);
  ExpectPartner(Auth(auth, Bearer(uk_->token)), "uk");
  clock_.AdvanceMicros(59 * kSecond);
  ExpectPartner(Auth(auth, Bearer(uk_->token)), "uk");
  EXPECT_EQ(auth.argon2_verifications(), 1u);
  clock_.AdvanceMicros(1 * kSecond);
  ExpectPartner(Auth(auth, Bearer(uk_->token)), "uk");
  EXPECT_EQ(auth.argon2_verifications(), 2u);
  // Remembered afresh from the new verification.
  clock_.AdvanceMicros(30 * kSecond);
  ExpectPartner(Auth(auth, Bearer(uk_->token)), "uk");
  EXPECT_EQ(auth.argon2_verifications(), 2u);
}

TEST_F(AuthTest, ZeroTtlDisablesTheCache) {
  AuthOptions options;
  options.cache_ttl = std::chrono::seconds(0);
  Authenticator auth(&clock_, options);
  ExpectPartner(Auth(auth, Bearer(uk_->token)), "uk");
  ExpectPartner(Auth(auth, Bearer(uk_->token)), "uk");
  EXPECT_EQ(auth.argon2_verifications(), 2u);
}

TEST_F(AuthTest, CachedIdWithAnotherSecretIsVerifiedInFull) {
  Authenticator auth(&clock_);
  ExpectPartner(Auth(auth, Bearer(uk_->token)), "uk");
  ExpectRefused(Auth(auth, Bearer(WithWrongSecret(uk_->token))));
  EXPECT_EQ(auth.argon2_verifications(), 2u);
  // The right token is still remembered.
  ExpectPartner(Auth(auth, Bearer(uk_->token)), "uk");
  EXPECT_EQ(auth.argon2_verifications(), 2u);
}

TEST_F(AuthTest, CachedTokenDoesNotOutliveItsCredentialHash) {
  FaultyStore faulty(store_.get());
  Authenticator auth(&clock_);
  ExpectPartner(auth.Authenticate(&faulty, Bearer(uk_->token), "", "192.0.2.1"), "uk");
  // The stored hash changes under the same token id (say, rewritten by hand): the remembered
  // verification no longer counts, and the old secret does not match the new hash.
  faulty.hash = us_->credential.hash;
  ExpectRefused(auth.Authenticate(&faulty, Bearer(uk_->token), "", "192.0.2.1"));
  EXPECT_EQ(auth.argon2_verifications(), 2u);
  faulty.hash.reset();
  ExpectPartner(auth.Authenticate(&faulty, Bearer(uk_->token), "", "192.0.2.1"), "uk");
  EXPECT_EQ(auth.argon2_verifications(), 3u);
}

TEST_F(AuthTest, OldestCachedTokensAreForgotten) {
  AuthOptions options;
  options.max_cached_tokens = 1;
  Authenticator auth(&clock_, options);
  ExpectPartner(Auth(auth, Bearer(uk_->token)), "uk");
  ExpectPartner(Auth(auth, Bearer(us_->token)), "us");  // forgets uk
  ExpectPartner(Auth(auth, Bearer(us_->token)), "us");
  EXPECT_EQ(auth.argon2_verifications(), 2u);
  ExpectPartner(Auth(auth, Bearer(uk_->token)), "uk");
  EXPECT_EQ(auth.argon2_verifications(), 3u);
}

TEST_F(AuthTest, ClientCertificateAuthenticatesItsPartner) {
  Authenticator auth(&clock_);
  ExpectPartner(Auth(auth, "", kUkCert), "uk");
  // A certificate no partner has is no credential at all, not a failure.
  AuthResult r = Auth(auth, "", std::string(64, 'f'));
  EXPECT_FALSE(r.partner.has_value());
  EXPECT_FALSE(r.failed);
  EXPECT_EQ(r.delay_ms, 0u);
}

TEST_F(AuthTest, AuthorizationHeaderTakesPrecedenceOverCertificate) {
  Authenticator auth(&clock_);
  ExpectPartner(Auth(auth, Bearer(us_->token), kUkCert), "us");
  ExpectRefused(Auth(auth, Bearer(WithWrongSecret(uk_->token)), kUkCert));
  ExpectRefused(Auth(auth, "Bearer", kUkCert));
  ExpectRefused(Auth(auth, Basic("us", uk_->token), kUkCert));
}

TEST_F(AuthTest, NoCredentialsIsNotAFailure) {
  Authenticator auth(&clock_);
  for (int i = 0; i < 10; ++i) {
    AuthResult r = Auth(auth, "", "");
    EXPECT_FALSE(r.partner.has_value());
    EXPECT_FALSE(r.failed);
    EXPECT_EQ(r.delay_ms, 0u);
  }
  EXPECT_EQ(auth.argon2_verifications(), 0u);
}

TEST_F(AuthTest, PartnerNoLongerStoredFails) {
  FaultyStore faulty(store_.get());
  faulty.hide_partners = true;
  Authenticator auth(&clock_);
  ExpectRefused(auth.Authenticate(&faulty, Bearer(uk_->token), "", "192.0.2.1"));
  faulty.hide_partners = false;
  ExpectPartner(auth.Authenticate(&faulty, Bearer(uk_->token), "", "192.0.2.1"), "uk");
}

TEST_F(AuthTest, StoreErrorsFailWithoutThrottling) {
  FaultyStore faulty(store_.get());
  faulty.credential_error = Unavailable("database is locked");
  faulty.cert_error = Unavailable("database is locked");
  Authenticator auth(&clock_);
  for (int i = 0; i < 10; ++i) {
    AuthResult r = auth.Authenticate(&faulty, Bearer(uk_->token), "", "192.0.2.1");
    ExpectRefused(r);
    EXPECT_EQ(r.delay_ms, 0u);
    EXPECT_TRUE(r.server_error);
    r = auth.Authenticate(&faulty, "", kUkCert, "192.0.2.1");
    ExpectRefused(r);
    EXPECT_EQ(r.delay_ms, 0u);
    EXPECT_TRUE(r.server_error);
  }
  EXPECT_EQ(auth.argon2_verifications(), 0u);
  faulty.credential_error = Status();
  faulty.cert_error = Status();
  ExpectPartner(auth.Authenticate(&faulty, Bearer(uk_->token), "", "192.0.2.1"), "uk");
  ExpectPartner(auth.Authenticate(&faulty, "", kUkCert, "192.0.2.1"), "uk");
}

TEST_F(AuthTest, FailuresAreDelayedAfterTheFreeOnes) {
  Authenticator auth(&clock_);
  EXPECT_EQ(FailedDelays(auth, 10, "192.0.2.1"),
            (std::vector<uint32_t>{0, 0, 0, 250, 500, 1000, 2000, 4000, 8000, 8000}));
  EXPECT_EQ(FailedDelays(auth, 100, "192.0.2.1").back(), 8000u);
  // Every kind of refused credential counts.
  Authenticator other(&clock_);
  ExpectRefused(Auth(other, "Token x", "", "192.0.2.1"));
  ExpectRefused(Auth(other, "Basic !!!!", "", "192.0.2.1"));
  ExpectRefused(Auth(other, Basic("us", uk_->token), "", "192.0.2.1"));
  EXPECT_EQ(Auth(other, std::string(2000, 'A'), "", "192.0.2.1").delay_ms, 250u);
}

TEST_F(AuthTest, ThrottleCountStartsAfreshAfterAQuietWindow) {
  Authenticator auth(&clock_);  // failure_window 600 s
  EXPECT_EQ(FailedDelays(auth, 4, "192.0.2.1"), (std::vector<uint32_t>{0, 0, 0, 250}));
  clock_.AdvanceMicros(599 * kSecond);
  EXPECT_EQ(FailedDelays(auth, 1, "192.0.2.1"), (std::vector<uint32_t>{500}));
  clock_.AdvanceMicros(600 * kSecond);
  EXPECT_EQ(FailedDelays(auth, 4, "192.0.2.1"), (std::vector<uint32_t>{0, 0, 0, 250}));
}

TEST_F(AuthTest, SuccessClearsFailures) {
  Authenticator auth(&clock_);
  EXPECT_EQ(FailedDelays(auth, 5, "192.0.2.1"), (std::vector<uint32_t>{0, 0, 0, 250, 500}));
  ExpectPartner(Auth(auth, Bearer(uk_->token), "", "192.0.2.1"), "uk");
  EXPECT_EQ(FailedDelays(auth, 4, "192.0.2.1"), (std::vector<uint32_t>{0, 0, 0, 250}));
  ExpectPartner(Auth(auth, "", kUkCert, "192.0.2.1"), "uk");
  EXPECT_EQ(FailedDelays(auth, 1, "192.0.2.1"), (std::vector<uint32_t>{0}));
}

TEST_F(AuthTest, PeersAreThrottledSeparately) {
  Authenticator auth(&clock_);
  EXPECT_EQ(FailedDelays(auth, 5, "192.0.2.1"), (std::vector<uint32_t>{0, 0, 0, 250, 500}));
  EXPECT_EQ(FailedDelays(auth, 4, "192.0.2.2"), (std::vector<uint32_t>{0, 0, 0, 250}));
  // A success from one peer clears only that peer.
  ExpectPartner(Auth(auth, Bearer(uk_->token), "", "192.0.2.2"), "uk");
  EXPECT_EQ(FailedDelays(auth, 1, "192.0.2.1"), (std::vector<uint32_t>{1000}));
  EXPECT_EQ(FailedDelays(auth, 1, "192.0.2.2"), (std::vector<uint32_t>{0}));
}

TEST_F(AuthTest, OldestPeersAreForgotten) {
  AuthOptions options;
  options.free_failures = 0;
  options.max_tracked_peers = 2;
  Authenticator auth(&clock_, options);
  EXPECT_EQ(FailedDelays(auth, 2, "a"), (std::vector<uint32_t>{250, 500}));
  EXPECT_EQ(FailedDelays(auth, 1, "b"), (std::vector<uint32_t>{250}));
  EXPECT_EQ(FailedDelays(auth, 1, "c"), (std::vector<uint32_t>{250}));  // forgets a
  EXPECT_EQ(FailedDelays(auth, 1, "a"), (std::vector<uint32_t>{250}));  // forgets b
  EXPECT_EQ(FailedDelays(auth, 1, "c"), (std::vector<uint32_t>{500}));
  EXPECT_EQ(FailedDelays(auth, 1, "b"), (std::vector<uint32_t>{250}));
}

TEST_F(AuthTest, ConcurrentAuthenticationSmoke) {
  Authenticator auth(&clock_);
  std::atomic<int> successes{0};
  std::atomic<int> refusals{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Result<std::unique_ptr<store::SqliteStore>> own = store::SqliteStore::Open(path_, &clock_);
      if (!own.ok()) return;
      for (int i = 0; i < 50; ++i) {
        AuthResult r =
            auth.Authenticate(own->get(), Bearer(uk_->token), "", "192.0.2." + std::to_string(t));
        if (r.partner == "uk" && !r.failed) successes.fetch_add(1);
      }
    });
  }
  threads.emplace_back([&] {
    Result<std::unique_ptr<store::SqliteStore>> own = store::SqliteStore::Open(path_, &clock_);
    if (!own.ok()) return;
    for (int i = 0; i < 50; ++i) {
      AuthResult r = auth.Authenticate(own->get(), Bearer(kUnknownToken), "", "198.51.100.1");
      if (r.failed) refusals.fetch_add(1);
    }
  });
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(successes.load(), 200);
  EXPECT_EQ(refusals.load(), 50);
  EXPECT_GE(auth.argon2_verifications(), 1u);
  EXPECT_LE(auth.argon2_verifications(), 4u);
  EXPECT_EQ(FailedDelays(auth, 1, "198.51.100.1"), (std::vector<uint32_t>{8000}));
}

// The client side of a token: the file a partner keeps it in.
TEST(ReadTokenFileTest, FirstLineWithoutSurroundingWhitespace) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("concord_token_" + std::to_string(getpid())))
          .string();
  auto write = [&](const std::string& text) { std::ofstream(path, std::ios::binary) << text; };
  write("  cct_0123456789abcdef_secret \r\nsecond line\n");
  EXPECT_EQ(*ReadTokenFile(path), "cct_0123456789abcdef_secret");
  write("cct_x");
  EXPECT_EQ(*ReadTokenFile(path), "cct_x");
  write(" \n");
  EXPECT_EQ(*ReadTokenFile(path), "");
  write(std::string(kMaxTokenFileBytes + 1, 'a'));
  EXPECT_EQ(ReadTokenFile(path).status().code(), StatusCode::kInvalidArgument);
  std::filesystem::remove(path);
  EXPECT_EQ(ReadTokenFile(path).status().code(), StatusCode::kIoError);
}

}  // namespace
}  // namespace concord::taxii
