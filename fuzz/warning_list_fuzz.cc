// libFuzzer target for warning lists: MISP JSON and plain text lists (Add), then checks of a
// few patterns and of values taken from the input. "No crash, no leak, no hang"; a refused list
// must leave the lists as they were.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "concord/detect/warning_list.h"
#include "concord/pattern/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace concord;
  const std::string text(reinterpret_cast<const char*>(data), size);
  detect::WarningLists lists;
  const Status added = lists.Add(text, "fuzz");
  if (!added.ok() && lists.entry_count() != 0) std::abort();  // half-loaded
  static const char* kPatterns[] = {
      "[ipv4-addr:value = '8.8.8.8']", "[domain-name:value IN ('a.example', 'www.google.com')]",
      "[network-traffic:dst_ref.value ISSUBSET '10.0.0.0/8']",
      "[url:value = 'https://bit.ly/x'] FOLLOWEDBY [email-addr:value = 'a@b.example']"};
  for (const char* p : kPatterns) {
    auto parsed = pattern::ParsePattern(p);
    if (parsed.ok()) (void)lists.Check(*parsed);
  }
  const std::string value = text.substr(0, 300);
  for (const char* type : {"ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr"}) {
    (void)lists.CheckValue(type, value);
  }
  return 0;
}
