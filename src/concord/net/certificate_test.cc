#include "concord/net/certificate.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <fstream>

#include "concord/net/net_test_util.h"

namespace concord::net {
namespace {

using testing_util::Certs;

// The fingerprint as OpenSSL's own X509_digest computes it (what `openssl x509 -fingerprint
// -sha256` prints), independently of CertificateSha256.
std::string OpenSslFingerprint(const std::string& pem_path) {
  FILE* f = std::fopen(pem_path.c_str(), "rb");
  if (f == nullptr) return "";
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (cert == nullptr) return "";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  X509_digest(cert, EVP_sha256(), digest, &length);
  X509_free(cert);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    char two[3];
    std::snprintf(two, sizeof(two), "%02x", digest[i]);
    hex += two;
  }
  return hex;
}

TEST(CertificateTest, FingerprintIsOpenSslsSha256OfTheDer) {
  const std::string expected = OpenSslFingerprint(Certs().client_cert_file);
  ASSERT_EQ(expected.size(), 64u);
  Result<std::string> sha = PemCertificateSha256(Certs().client_cert_file);
  ASSERT_TRUE(sha.ok()) << sha.status().ToString();
  EXPECT_EQ(*sha, expected);
  // The test PKI reports the same value that the server will see.
  EXPECT_EQ(Certs().client_cert_sha256, expected);
  EXPECT_NE(*PemCertificateSha256(Certs().server_cert_file), expected);
}

TEST(CertificateTest, FilesWithoutACertificateAreRefused) {
  Result<std::string> missing = PemCertificateSha256(Certs().ca_file + ".missing");
  EXPECT_EQ(missing.status().code(), StatusCode::kIoError);
  // A key is PEM, but not a certificate.
  Result<std::string> key = PemCertificateSha256(Certs().client_key_file);
  EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(key.status().message().find("no PEM certificate"), std::string::npos);
}

}  // namespace
}  // namespace concord::net
