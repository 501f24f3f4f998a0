#include "concord/json/edit.h"

#include <algorithm>

namespace concord::json {
namespace {

// Index just past the JSON string that starts at s[i] ('"').
size_t SkipString(std::string_view s, size_t i) {
  ++i;
  while (i < s.size() && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
  return std::min(i + 1, s.size());
}

// Index just past the value that starts at s[i], in minified JSON. Iterative.
size_t SkipValue(std::string_view s, size_t i) {
  if (i >= s.size()) return i;
  if (s[i] == '"') return SkipString(s, i);
  if (s[i] == '{' || s[i] == '[') {
    size_t depth = 0;
    while (i < s.size()) {
      const char c = s[i];
      if (c == '"') {
        i = SkipString(s, i);
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return i;
  }
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']') ++i;
  return i;
}

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// True when the JSON string body `raw` (without quotes, escapes undecoded) spells `name`, which is
// ASCII.
bool RawKeyEquals(std::string_view raw, std::string_view name) {
  if (raw.find('\\') == std::string_view::npos) return raw == name;
  size_t j = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\' && i + 1 < raw.size()) {
      const char e = raw[++i];
      if (e == 'u' && i + 4 < raw.size()) {
        int v = 0;
        for (int k = 1; k <= 4; ++k) {
          const int d = HexDigitValue(raw[i + k]);
          if (d < 0) return false;
          v = v * 16 + d;
        }
        if (v >= 0x80) return false;
        c = static_cast<char>(v);
        i += 4;
      } else {
        switch (e) {
          case 'b':
            c = '\b';
            break;
          case 'f':
            c = '\f';
            break;
          case 'n':
            c = '\n';
            break;
          case 'r':
            c = '\r';
            break;
          case 't':
            c = '\t';
            break;
          default:
            c = e;
        }
      }
    }
    if (j >= name.size() || name[j] != c) return false;
    ++j;
  }
  return j == name.size();
}

// Finds the top-level member `name`: [*member_start, *value_end) spans `"name":value`, and
// *value_start is where the value begins.
bool FindTopLevelMember(std::string_view s, std::string_view name, size_t* member_start,
                        size_t* value_start, size_t* value_end) {
  size_t depth = 0;
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"') {
      const size_t start = i;
      const size_t end = SkipString(s, i);
      if (depth == 1 && start > 0 && (s[start - 1] == '{' || s[start - 1] == ',') &&
          end < s.size() && s[end] == ':' &&
          RawKeyEquals(s.substr(start + 1, end - start - 2), name)) {
        *member_start = start;
        *value_start = end + 1;
        *value_end = SkipValue(s, end + 1);
        return true;
      }
      i = end;
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') --depth;
    ++i;
  }
  return false;
}

}  // namespace

std::vector<Span> ValueSpans(std::string_view s) {
  std::vector<Span> spans;
  if (s.size() < 2) return spans;
  const bool object = s[0] == '{';
  size_t i = 1;
  while (i < s.size() && s[i] != '}' && s[i] != ']') {
    if (object) {
      i = SkipString(s, i);  // the key
      if (i < s.size() && s[i] == ':') ++i;
    }
    const size_t begin = i;
    i = SkipValue(s, i);
    spans.push_back({begin, i});
    if (i < s.size() && s[i] == ',') ++i;
    if (i == begin) break;  // not minified JSON: stop rather than loop
  }
  return spans;
}

bool RemoveTopLevelMember(std::string* json, std::string_view name) {
  const std::string_view s = *json;
  size_t start, value_start, value_end;
  if (!FindTopLevelMember(s, name, &start, &value_start, &value_end)) return false;
  if (s[start - 1] == ',') {
    json->erase(start - 1, value_end - (start - 1));
  } else {
    const size_t erase_end =
        value_end < s.size() && s[value_end] == ',' ? value_end + 1 : value_end;
    json->erase(start, erase_end - start);
  }
  return true;
}

bool ReplaceTopLevelMemberValue(std::string* json, std::string_view name,
                                std::string_view new_value) {
  size_t start, value_start, value_end;
  if (!FindTopLevelMember(*json, name, &start, &value_start, &value_end)) return false;
  json->replace(value_start, value_end - value_start, new_value);
  return true;
}

void InsertMembersFirst(std::string* json, std::string_view members) {
  if (members.empty()) return;
  std::string inserted(members);
  if (json->size() > 2) inserted += ',';  // the object already has members
  json->insert(1, inserted);
}

}  // namespace concord::json
