#pragma once

// A throwaway PKI for tests and benchmarks (library concord_net_testing; never for production):
// a CA, a server certificate and a client certificate signed by it, a server certificate for a
// name nobody connects to, and an unrelated CA. EC P-256 keys; valid from an hour ago for a year.

#include <string>

#include "concord/base/result.h"

namespace concord::net {

struct TestCerts {
  std::string ca_file;           // ca.pem: the CA that signed everything below but other_ca
  std::string server_cert_file;  // server.pem: DNS "localhost", IP 127.0.0.1 and ::1
  std::string server_key_file;   // server.key
  std::string client_cert_file;  // client.pem: CN "concord-test-client", for TLS client auth
  std::string client_key_file;   // client.key
  // wrong_name.pem / wrong_name.key: a server certificate from the same CA for DNS
  // "wrong.invalid" only, for host name mismatch tests.
  std::string wrong_name_cert_file;
  std::string wrong_name_key_file;
  std::string other_ca_file;  // other_ca.pem: a self-signed CA that signed nothing here
  // SHA-256 of the client certificate's DER encoding, 64 lowercase hex digits (what
  // HttpRequest::client_cert_sha256 carries for it).
  std::string client_cert_sha256;
};

// Creates the files above in `dir` (created if missing; existing files are overwritten).
// IoError when a file cannot be written, Internal when OpenSSL fails.
Result<TestCerts> MakeTestCerts(const std::string& dir);

}  // namespace concord::net
