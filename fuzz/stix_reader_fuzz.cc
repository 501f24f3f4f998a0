// libFuzzer target for everything that reads STIX from outside: the splitter, the JSON parser,
// the validator, the RFC 8785 canonicaliser and deterministic SCO ids. Besides "no crash, no
// leak, no hang", it checks that the slow syntax checker and simdjson agree on what is JSON.
//
// Build and run: make fuzz (clang, libFuzzer, ASan + UBSan).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "concord/base/input_stream.h"
#include "concord/json/canonical.h"
#include "concord/json/document.h"
#include "concord/stix/reader.h"
#include "concord/stix/sco_id.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  concord::json::Limits limits{.max_value_bytes = 1 << 16, .max_depth = 32};

  // Reading: every item is either an object, an error diagnostic, or a fatal status.
  {
    auto in = concord::InputStream::FromString(std::string(text), "fuzz");
    concord::stix::ValidatorOptions options;
    options.limits = limits;
    concord::stix::Reader reader(in.get(), options);
    for (int i = 0; i < 100000; ++i) {
      auto item = reader.Next();
      if (!item.ok() || !item->has_value()) break;
      const auto& v = (**item).validation;
      if (v.ok() && v.object->json.empty()) std::abort();  // a valid object always has its text
    }
  }

  // Parsing: simdjson and the slow checker must agree on validity.
  concord::json::Parser parser(limits);
  auto parsed = parser.Parse(text);
  if (size <= limits.max_value_bytes) {
    const concord::Status slow = concord::json::LocateSyntaxError(text, limits.max_depth);
    if (parsed.ok() && !slow.ok()) std::abort();
    if (!parsed.ok() && parsed.status().code() == concord::StatusCode::kInvalidArgument &&
        slow.ok()) {
      std::abort();
    }
  }
  if (parsed.ok()) {
    std::string canonical;
    concord::json::AppendCanonical(*parsed, &canonical);
    // The canonical form is itself JSON and canonical.
    concord::json::Parser again(concord::json::Limits{.max_value_bytes = 1 << 20, .max_depth = 64});
    auto reparsed = again.Parse(canonical);
    if (!reparsed.ok()) std::abort();
    std::string twice;
    concord::json::AppendCanonical(*reparsed, &twice);
    if (twice != canonical) std::abort();
    (void)concord::stix::DeterministicScoId(text);
  }
  return 0;
}
