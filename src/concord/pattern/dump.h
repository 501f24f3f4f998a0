#pragma once

// Text forms of a parsed pattern: a compact structural dump for table-driven tests (in the
// manner of RE2's Regexp::Dump), and a canonical re-rendering as STIX pattern text.

#include <string>

#include "concord/pattern/ast.h"

namespace concord::pattern {

// The structure of `pattern` as one line. Every node is name{...}; children follow each other
// without separators:
//
//   obs{C}                    [ C ]
//   and{X Y ...} or{X Y ...}  AND / OR, at either level (inside obs{} they are comparison-level)
//   followedby{X Y ...}       FOLLOWEDBY
//   within{N X}               X WITHIN N SECONDS
//   repeats{N X}              X REPEATS N TIMES
//   startstop{T U X}          X START T STOP U
//   cmp{PATH OP VALUE}        a comparison; OP is canonical (= != < <= > >= IN LIKE MATCHES
//                             ISSUBSET ISSUPERSET), preceded by "NOT " when negated
//   exists{PATH}              EXISTS PATH
//
// PATH and VALUE are written as FormatPath and FormatLiteral write them. Parentheses leave no
// trace (they only group). Example: "[a:b = 1] AND [c:d = 'x'] WITHIN 5 SECONDS" dumps as
// "and{obs{cmp{a:b = 1}}within{5 obs{cmp{c:d = 'x'}}}}".
std::string DumpAst(const Pattern& pattern);

// `path` in canonical pattern syntax: "file:hashes.'SHA-256'", "x:list[0].name", "x:list[*]".
// Keys are quoted exactly when they are not plain identifiers ([a-zA-Z_][a-zA-Z0-9_]*) or when
// they spell a keyword or boolean.
std::string FormatPath(const ObjectPath& path);

// `literal` (an index into pattern.literals) in canonical pattern syntax: 'text' (with only the
// quote and the backslash escaped), integers in decimal, floats in the shortest form that reads
// back exactly (always with a '.'), true/false, t'...Z' in UTC with the fraction digits as written
// (at most nine), b'canonical base64', h'lowercase hex', and lists as (a,b,c).
std::string FormatLiteral(const Pattern& pattern, uint32_t literal);

// The whole pattern as canonical STIX pattern text, every compound operand in parentheses, so
// that ParsePattern(FormatPattern(p)) has the same DumpAst as p.
std::string FormatPattern(const Pattern& pattern);

}  // namespace concord::pattern
