#include "concord/net/message.h"

#include "concord/base/ascii.h"

namespace concord::net {

std::string_view HeaderValue(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreAsciiCase(key, name)) return value;
  }
  return {};
}

}  // namespace concord::net
