#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace concord::json {

// Small edits of minified JSON text without a DOM, so that everything not edited keeps its exact
// spelling (member order, number forms, escapes). Used to upgrade STIX 2.0 objects to 2.1.
//
// REQUIRES for every function: `json` holds one JSON object that Parser accepted and that has no
// insignificant whitespace (simdjson::minify output). Member names are compared after decoding
// their escapes; `name` must be ASCII.

// Removes the top-level member `name`. Returns false when there is none.
bool RemoveTopLevelMember(std::string* json, std::string_view name);

// Replaces the value of the top-level member `name` with `new_value`, which must be one valid
// JSON value. Returns false when there is no such member.
bool ReplaceTopLevelMemberValue(std::string* json, std::string_view name,
                                std::string_view new_value);

// A byte range [begin, end) of a JSON text.
struct Span {
  size_t begin = 0;
  size_t end = 0;
};

// The spans of the values of the object or array `json` in order (for an object, of its member
// values, not its keys). On text that breaks the REQUIRES it stops early instead of looping:
// callers compare the count with their DOM's.
std::vector<Span> ValueSpans(std::string_view json);

// Inserts `members` ("\"a\":1,\"b\":2", without braces) at the start of the object.
void InsertMembersFirst(std::string* json, std::string_view members);

}  // namespace concord::json
