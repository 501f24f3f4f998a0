#pragma once

// The rules of STIX 2.1 section 9 that the grammar does not express, checked on a parsed
// Pattern. ParsePattern + CheckPattern together decide whether a pattern is valid; evaluators
// run CheckPattern themselves and never evaluate a pattern that fails it.
//
// The rules, each reported as InvalidArgument "position N: ..." at the offending character:
//   - object types are STIX type names: 3-250 characters of a-z, 0-9 and '-', beginning with a
//     letter, not ending with '-', without "--" (STIX 2.1 sections 3.1, 11.2);
//   - the property after the colon is a property name: a-z, 0-9 and '_', beginning with a
//     letter, at most 250 characters (section 3.1; the 3-character minimum is not applied,
//     because the common property "id" is 2 characters);
//   - a quoted key further down the path is a dictionary key: 1-250 characters of a-z, A-Z,
//     0-9, '-' and '_' (section 2.3); unquoted keys are identifiers of at most 250 characters;
//   - a binary property (its name ends in _bin or _hex, sections 2.1 and 2.8) is compared only
//     with strings, b'...' and h'...' (a number, boolean or timestamp could never equal it);
//   - the values of an IN list share one type (integers and floats may be mixed; b'...' and
//     h'...' are both binary);
//   - the operand of ISSUBSET and ISSUPERSET is an IPv4 or IPv6 address or CIDR block;
//   - the operand of MATCHES compiles as a regular expression on RE2 (see regex.h for how RE2
//     departs from PCRE: backreferences and lookaround are errors here);
//   - timestamps are within the years 0000-9999 once converted to UTC;
//   - WITHIN takes a positive number of seconds, REPEATS a count of at least 1, and START is
//     earlier than STOP;
//   - one observation expression carries at most one qualifier of each kind, unless the first
//     is parenthesised: "[a] WITHIN 5 SECONDS WITHIN 6 SECONDS" is an error,
//     "([a] WITHIN 5 SECONDS) WITHIN 6 SECONDS" is not.

#include "concord/base/status.h"
#include "concord/pattern/ast.h"

namespace concord::pattern {

// Returns OK, or the broken rule nearest the start of the pattern. REQUIRES: `pattern` came
// from ParsePattern (its height is bounded, so the walk's recursion is).
Status CheckPattern(const Pattern& pattern);

// True when `name` (the last key of an object path) names a binary property: it ends in "_bin"
// (base64 in JSON) or "_hex" (hexadecimal in JSON).
bool IsBinaryPropertyName(std::string_view name);

}  // namespace concord::pattern
