#pragma once

// Reading STIX 2.1 patterns (STIX 2.1 section 9): text -> tokens (lexer.h) -> AST (ast.h).
// Semantic rules the grammar does not express are in checks.h; the reference evaluator runs
// both.
//
// The grammar, as the STIX 2.1 ANTLR grammar (STIXPattern.g4) has it, lowest precedence first:
//
//   pattern      := obs_fb <end>
//   obs_fb       := obs_or ( FOLLOWEDBY obs_or )*
//   obs_or       := obs_and ( OR obs_and )*
//   obs_and      := obs_qual ( AND obs_qual )*
//   obs_qual     := obs_primary qualifier*
//   obs_primary  := '[' cmp_or ']' | '(' obs_fb ')'
//   qualifier    := WITHIN number SECONDS | REPEATS int TIMES | START t'..' STOP t'..'
//   cmp_or       := cmp_and ( OR cmp_and )*
//   cmp_and      := cmp_primary ( AND cmp_primary )*
//   cmp_primary  := '(' cmp_or ')' | EXISTS path
//                 | path NOT? ( = | != ) literal | path NOT? ( < | <= | > | >= ) non-bool literal
//                 | path NOT? IN '(' [ literal ( ',' literal )* ] ')'
//                 | path NOT? ( LIKE | MATCHES | ISSUBSET | ISSUPERSET ) string
//   path         := object-type ':' name ( '.' name | '[' index ']' | '[' '*' ']' )*
//
// So at the observation level FOLLOWEDBY binds loosest, then OR, then AND, and qualifiers bind
// tightest: "[a] OR [b] AND [c] FOLLOWEDBY [d]" is "([a] OR ([b] AND [c])) FOLLOWEDBY [d]". The
// grammar file is normative over any prose summary (STIX 2.1 section 9 links it); its rules are
// left-associative. Within brackets AND binds tighter than OR. Property names containing '-'
// must be quoted (file:hashes.'SHA-256'); object types may contain '-' unquoted.
//
// Beyond the grammar, and said so where it happens:
//   - START and STOP also take a plain string holding a timestamp (the STIX 2.0 form);
//   - t'...' accepts a numeric offset (+01:00) and any number of fraction digits.

#include <string_view>

#include "concord/base/result.h"
#include "concord/pattern/ast.h"
#include "concord/pattern/limits.h"

namespace concord::pattern {

// Parses `text` into a Pattern. Never throws, never crashes, never recurses deeper than
// limits.max_depth. Errors:
//   - InvalidArgument "position N: expected X, found Y" (N is the 0-based character position
//     of Y; Y is quoted source text or "the end of the pattern"), or "position N: <what is
//     wrong with the token at N>" for lexical errors;
//   - ResourceExhausted "position N: ..." when a PatternLimits limit is exceeded.
// A pattern that parses may still break a rule of checks.h; run CheckPattern before trusting it.
Result<Pattern> ParsePattern(std::string_view text, const PatternLimits& limits = {});

}  // namespace concord::pattern
