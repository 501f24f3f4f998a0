#include "concord/observe/dump.h"

#include <cstdio>
#include <vector>

namespace concord::observe {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t Utf8Length(std::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = 0;
  uint32_t min = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0)
    n = 2, min = 0x80;
  else if ((c & 0xF0) == 0xE0)
    n = 3, min = 0x800;
  else if ((c & 0xF8) == 0xF0)
    n = 4, min = 0x10000;
  else
    return 0;
  if (i + n > s.size()) return 0;
  uint32_t cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    const unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (d & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

void AppendString(std::string_view s, std::string* out) {
  out->push_back('"');
  char buffer[8];
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20) {
      std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
      out->append(buffer);
      ++i;
    } else {
      const size_t n = Utf8Length(s, i);
      if (n == 0) {
        std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
        out->append(buffer);
        ++i;
      } else {
        out->append(s.substr(i, n));
        i += n;
      }
    }
  }
  out->push_back('"');
}

void AppendValue(const ValueStore& store, ValueStore::Id root, std::string* out) {
  // Iterative: (value, next child index) frames.
  std::vector<std::pair<ValueStore::Id, size_t>> stack;
  auto scalar = [&](ValueStore::Id id) {
    switch (store.kind(id)) {
      case ValueKind::kNull:
        out->append("null");
        return true;
      case ValueKind::kBool:
        out->append(store.bool_value(id) ? "true" : "false");
        return true;
      case ValueKind::kInt:
        out->append(std::to_string(store.int_value(id)));
        return true;
      case ValueKind::kFloat: {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%.17g", store.float_value(id));
        out->append(buffer);
        return true;
      }
      case ValueKind::kString:
        AppendString(store.string_value(id), out);
        return true;
      default:
        return false;
    }
  };
  if (scalar(root)) return;
  out->push_back(store.kind(root) == ValueKind::kArray ? '[' : '{');
  stack.emplace_back(root, 0);
  while (!stack.empty()) {
    auto& [id, next] = stack.back();
    const bool is_object = store.kind(id) == ValueKind::kObject;
    if (next == store.size(id)) {
      out->push_back(is_object ? '}' : ']');
      stack.pop_back();
      continue;
    }
    const size_t i = next++;
    if (i > 0) out->push_back(',');
    if (is_object) {
      AppendString(store.member_key(id, i), out);
      out->push_back(':');
    }
    const ValueStore::Id child = store.member_value(id, i);
    if (!scalar(child)) {
      out->push_back(store.kind(child) == ValueKind::kArray ? '[' : '{');
      stack.emplace_back(child, 0);
    }
  }
}

}  // namespace

std::string DumpValue(const ValueStore& store, ValueStore::Id id) {
  std::string out;
  AppendValue(store, id, &out);
  return out;
}

std::string DumpObservation(const Observation& observation) {
  std::string out = "time " + FormatTimestamp(observation.first_observed, 6);
  if (observation.last_observed != observation.first_observed) {
    out += " .. " + FormatTimestamp(observation.last_observed, 6);
  }
  out += '\n';
  for (const ObservedObject& o : observation.objects()) {
    out += o.key;
    out += ' ';
    out += o.type;
    out += ' ';
    AppendValue(observation.values, o.value, &out);
    out += '\n';
  }
  return out;
}

}  // namespace concord::observe
