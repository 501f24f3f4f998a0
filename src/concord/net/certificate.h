#pragma once

// The fingerprint Concord maps client certificates to partners by: the SHA-256 of the
// certificate's DER encoding, as 64 lowercase hex digits (what `openssl x509 -fingerprint
// -sha256` prints, without the colons). One definition for the server (the peer's certificate),
// the administration commands (a PEM file) and the test PKI.

#include <openssl/types.h>

#include <string>

#include "concord/base/result.h"

namespace concord::net {

// The fingerprint of `cert`; "" when it cannot be encoded.
std::string CertificateSha256(X509* cert);

// The fingerprint of the first certificate in the PEM file at `path`. IoError when the file
// cannot be opened, InvalidArgument when it holds no PEM certificate.
Result<std::string> PemCertificateSha256(const std::string& path);

}  // namespace concord::net
