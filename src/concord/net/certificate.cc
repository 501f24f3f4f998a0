#include "concord/net/certificate.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>

#include "concord/base/hash.h"

namespace concord::net {

std::string CertificateSha256(X509* cert) {
  const int n = i2d_X509(cert, nullptr);
  if (n <= 0) return "";
  std::string der(static_cast<size_t>(n), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_X509(cert, &p) != n) return "";
  return HexEncode(Sha256(der));
}

Result<std::string> PemCertificateSha256(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return IoError("cannot open " + path);
  std::unique_ptr<X509, void (*)(X509*)> cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr),
                                              &X509_free);
  ERR_clear_error();
  if (!cert) return InvalidArgument(path + " holds no PEM certificate");
  std::string sha = CertificateSha256(cert.get());
  if (sha.empty()) return InvalidArgument("the certificate in " + path + " cannot be encoded");
  return sha;
}

}  // namespace concord::net
