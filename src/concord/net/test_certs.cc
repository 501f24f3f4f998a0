#include "concord/net/test_certs.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <memory>
#include <system_error>
#include <utility>
#include <vector>

#include "concord/net/certificate.h"

namespace concord::net {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct CertFree {
  void operator()(X509* p) const { X509_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free_all(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;
using CertPtr = std::unique_ptr<X509, CertFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

constexpr long kValidSeconds = 365L * 24 * 3600;

// The most recent OpenSSL error of this thread as text (and the queue cleared).
std::string OpenSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return buf;
}

Status OpenSslFailure(std::string_view what) {
  return Internal("making test certificates: " + std::string(what) + ": " + OpenSslError());
}

Result<KeyPtr> NewKey() {
  KeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return OpenSslFailure("EC key generation");
  return key;
}

// One certificate extension from its OpenSSL config text ("critical,CA:TRUE").
Status AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return OpenSslFailure(std::string("extension ") + OBJ_nid2sn(nid));
  const int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (!ok) return OpenSslFailure("adding an extension");
  return Status::Ok();
}

struct CertSpec {
  std::string common_name;
  bool is_ca = false;
  std::string subject_alt_names;   // "DNS:localhost,IP:127.0.0.1", or ""
  std::string extended_key_usage;  // "serverAuth", "clientAuth", or ""
};

// A certificate for `key` per `spec`, signed by `issuer_key` as `issuer` (self-signed when
// `issuer` is null).
Result<CertPtr> NewCert(const CertSpec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  CertPtr cert(X509_new());
  if (!cert) return OpenSslFailure("X509_new");
  if (!X509_set_version(cert.get(), 2)) return OpenSslFailure("X509_set_version");

  unsigned char serial_bytes[16];
  if (RAND_bytes(serial_bytes, sizeof(serial_bytes)) != 1) return OpenSslFailure("RAND_bytes");
  serial_bytes[0] &= 0x7f;  // positive
  serial_bytes[0] |= 0x01;  // and not shortened by a leading zero
  BIGNUM* serial = BN_bin2bn(serial_bytes, sizeof(serial_bytes), nullptr);
  if (serial == nullptr) return OpenSslFailure("BN_bin2bn");
  const bool serial_ok = BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get())) != nullptr;
  BN_free(serial);
  if (!serial_ok) return OpenSslFailure("serial number");

  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValidSeconds) == nullptr) {
    return OpenSslFailure("validity");
  }
  if (!X509_set_pubkey(cert.get(), key)) return OpenSslFailure("X509_set_pubkey");

  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                  reinterpret_cast<const unsigned char*>("Concord tests"), -1, -1,
                                  0) ||
      !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                  reinterpret_cast<const unsigned char*>(spec.common_name.c_str()),
                                  -1, -1, 0)) {
    return OpenSslFailure("subject name");
  }
  X509* signer = issuer != nullptr ? issuer : cert.get();
  if (!X509_set_issuer_name(cert.get(), X509_get_subject_name(signer))) {
    return OpenSslFailure("issuer name");
  }

  if (spec.is_ca) {
    CONCORD_RETURN_IF_ERROR(
        AddExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE"));
    CONCORD_RETURN_IF_ERROR(
        AddExtension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign"));
  } else {
    CONCORD_RETURN_IF_ERROR(
        AddExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE"));
    CONCORD_RETURN_IF_ERROR(
        AddExtension(cert.get(), signer, NID_key_usage, "critical,digitalSignature"));
  }
  CONCORD_RETURN_IF_ERROR(AddExtension(cert.get(), signer, NID_subject_key_identifier, "hash"));
  CONCORD_RETURN_IF_ERROR(
      AddExtension(cert.get(), signer, NID_authority_key_identifier, "keyid:always"));
  if (!spec.extended_key_usage.empty()) {
    CONCORD_RETURN_IF_ERROR(
        AddExtension(cert.get(), signer, NID_ext_key_usage, spec.extended_key_usage.c_str()));
  }
  if (!spec.subject_alt_names.empty()) {
    CONCORD_RETURN_IF_ERROR(
        AddExtension(cert.get(), signer, NID_subject_alt_name, spec.subject_alt_names.c_str()));
  }

  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0) return OpenSslFailure("X509_sign");
  return cert;
}

Result<BioPtr> OpenForWriting(const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "w"));
  if (!bio) {
    ERR_clear_error();
    return IoError("cannot write \"" + path + "\"");
  }
  return bio;
}

Status WriteCert(const std::string& path, X509* cert) {
  CONCORD_ASSIGN_OR_RETURN(BioPtr bio, OpenForWriting(path));
  if (!PEM_write_bio_X509(bio.get(), cert)) {
    ERR_clear_error();
    return IoError("cannot write the certificate to \"" + path + "\"");
  }
  return Status::Ok();
}

Status WriteKey(const std::string& path, EVP_PKEY* key) {
  CONCORD_ASSIGN_OR_RETURN(BioPtr bio, OpenForWriting(path));
  if (!PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)) {
    ERR_clear_error();
    return IoError("cannot write the private key to \"" + path + "\"");
  }
  return Status::Ok();
}

// A leaf certificate and its key signed by the CA, written to `cert_path` and `key_path`.
Result<CertPtr> WriteLeaf(const CertSpec& spec, X509* ca, EVP_PKEY* ca_key,
                          const std::string& cert_path, const std::string& key_path) {
  CONCORD_ASSIGN_OR_RETURN(KeyPtr key, NewKey());
  CONCORD_ASSIGN_OR_RETURN(CertPtr cert, NewCert(spec, key.get(), ca, ca_key));
  CONCORD_RETURN_IF_ERROR(WriteCert(cert_path, cert.get()));
  CONCORD_RETURN_IF_ERROR(WriteKey(key_path, key.get()));
  return cert;
}

}  // namespace

Result<TestCerts> MakeTestCerts(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoError("cannot create the directory \"" + dir + "\": " + ec.message());
  const std::filesystem::path base(dir);
  auto path = [&](const char* name) { return (base / name).string(); };

  TestCerts out;
  out.ca_file = path("ca.pem");
  out.server_cert_file = path("server.pem");
  out.server_key_file = path("server.key");
  out.client_cert_file = path("client.pem");
  out.client_key_file = path("client.key");
  out.wrong_name_cert_file = path("wrong_name.pem");
  out.wrong_name_key_file = path("wrong_name.key");
  out.other_ca_file = path("other_ca.pem");

  CONCORD_ASSIGN_OR_RETURN(KeyPtr ca_key, NewKey());
  CONCORD_ASSIGN_OR_RETURN(CertPtr ca, NewCert({.common_name = "Concord Test CA",
                                                .is_ca = true,
                                                .subject_alt_names = "",
                                                .extended_key_usage = ""},
                                               ca_key.get(), nullptr, ca_key.get()));
  CONCORD_RETURN_IF_ERROR(WriteCert(out.ca_file, ca.get()));

  CONCORD_ASSIGN_OR_RETURN(
      CertPtr server, WriteLeaf({.common_name = "localhost",
                                 .is_ca = false,
                                 .subject_alt_names = "DNS:localhost,IP:127.0.0.1,IP:::1",
                                 .extended_key_usage = "serverAuth"},
                                ca.get(), ca_key.get(), out.server_cert_file, out.server_key_file));
  CONCORD_ASSIGN_OR_RETURN(
      CertPtr client, WriteLeaf({.common_name = "concord-test-client",
                                 .is_ca = false,
                                 .subject_alt_names = "",
                                 .extended_key_usage = "clientAuth"},
                                ca.get(), ca_key.get(), out.client_cert_file, out.client_key_file));
  out.client_cert_sha256 = CertificateSha256(client.get());
  if (out.client_cert_sha256.empty()) return OpenSslFailure("i2d_X509");
  CONCORD_ASSIGN_OR_RETURN(
      CertPtr wrong_name,
      WriteLeaf({.common_name = "wrong.invalid",
                 .is_ca = false,
                 .subject_alt_names = "DNS:wrong.invalid",
                 .extended_key_usage = "serverAuth"},
                ca.get(), ca_key.get(), out.wrong_name_cert_file, out.wrong_name_key_file));

  CONCORD_ASSIGN_OR_RETURN(KeyPtr other_key, NewKey());
  CONCORD_ASSIGN_OR_RETURN(CertPtr other_ca, NewCert({.common_name = "Concord Unrelated Test CA",
                                                      .is_ca = true,
                                                      .subject_alt_names = "",
                                                      .extended_key_usage = ""},
                                                     other_key.get(), nullptr, other_key.get()));
  CONCORD_RETURN_IF_ERROR(WriteCert(out.other_ca_file, other_ca.get()));
  return out;
}

}  // namespace concord::net
