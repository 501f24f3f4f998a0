// libFuzzer target for TAXII request checking: the input as an Accept header, as a Content-Type
// and as the URL query of every endpoint, with the default limits and with tight ones. Besides
// "no crash, no leak, no hang", it checks the contract: errors are InvalidArgument and their
// messages are short single lines of printable ASCII (hostile input cannot forge log lines), and
// a parsed query keeps within its limits.
//
// Build and run: CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCONCORD_FUZZ=ON
//   -DCONCORD_BUILD_BENCH=OFF && ninja -C build-fuzz taxii_query_fuzz

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "concord/taxii/query.h"

namespace {

using concord::taxii::Endpoint;

void CheckQuery(std::string_view text, Endpoint endpoint,
                const concord::taxii::QueryLimits& limits) {
  concord::Result<concord::taxii::ObjectQuery> q =
      concord::taxii::ParseObjectQuery(text, endpoint, limits);
  if (!q.ok()) {
    if (q.status().code() != concord::StatusCode::kInvalidArgument) std::abort();
    const std::string& m = q.status().message();
    if (m.empty() || m.size() > 1000) std::abort();
    for (char c : m) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u >= 0x7f) std::abort();  // a control or non-ASCII byte reached a message
    }
    return;
  }
  const size_t max_page = limits.max_page == 0 ? 1 : limits.max_page;
  if (q->limit < 1 || q->limit > max_page) std::abort();
  const size_t values =
      q->ids.size() + q->types.size() + q->versions.size() + q->spec_versions.size();
  if (values > limits.max_values) std::abort();
  if (text.size() > limits.max_query_bytes) std::abort();
  for (const auto& v : q->versions) {
    const bool at = v.kind == concord::store::VersionFilter::Kind::kAt;
    if (at == v.at.empty()) std::abort();  // a key exactly for kAt
  }
  for (const auto& s : q->spec_versions) {
    if (s != "2.0" && s != "2.1") std::abort();
  }
  for (char c : q->next) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  (void)concord::taxii::ReadAccept(text);
  const bool content_type = concord::taxii::IsTaxiiContentType(text);
  // A TAXII Content-Type is also an Accept that admits 2.1 (without q, which has no weight
  // meaning in Content-Type but does in Accept).
  if (content_type && text.find_first_of("qQ") == std::string_view::npos &&
      concord::taxii::ReadAccept(text) != concord::taxii::Acceptance::kTaxii21) {
    std::abort();
  }

  concord::taxii::QueryLimits tight;
  tight.max_query_bytes = 256;
  tight.max_values = 4;
  tight.max_page = 7;
  tight.default_page = 3;
  for (Endpoint e : {Endpoint::kObjects, Endpoint::kManifest, Endpoint::kObject,
                     Endpoint::kVersions, Endpoint::kDelete}) {
    CheckQuery(text, e, concord::taxii::QueryLimits());
    CheckQuery(text, e, tight);
  }
  return 0;
}
