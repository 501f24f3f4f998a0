#pragma once

// The reference evaluator: a slow, direct reading of STIX 2.1 section 9 ("STIX Patterning")
// over the AST. It exists to be obviously right, so that faster engines can be tested against
// it; it is not for production matching.
//
// THE SEMANTICS, paragraph by paragraph. Subsections of STIX 2.1 section 9 are cited by title;
// where the specification leaves a question open the choice is marked CHOICE, and it is the
// contract every Concord engine must follow.
//
// 1. Observations (section 4.14, observed-data; section 9, "Definitions"). An observed-data
//    with number_observed = n stands for n observations (sightings) of its objects, made at
//    unknown instants within [first_observed, last_observed]. All n share the objects and the
//    interval.
//
// 2. Observation expressions "[ ... ]" (section 9, "Observation Expressions"). One observation
//    expression is matched by one observation. Inside it, every comparison on the same object
//    type refers to the same object: "[file:name = 'a' AND file:size = 5]" needs one file with
//    both. CHOICE (the text says "same object" without covering mixed types): each object type
//    named in the brackets is bound to one object of that type of the observation, comparisons
//    on different types may be satisfied by different objects of the same observation, and the
//    expression matches when some such binding makes it true. A type the observation has no
//    object of makes its comparisons false (they can still be ORed with others).
//
// 3. Object paths (section 9, "Object Path Syntax"). "type:prop.key[0].other": a key step
//    selects a property or dictionary key of a JSON object; [n] selects element n of a list and
//    [*] every element. A property named *_ref holds a reference and *_refs a list of them
//    (STIX 2.1: identifiers, section 2.9; STIX 2.0: keys of the observed-data's "objects"
//    dictionary); a step taken *past* a reference dereferences it within the same observation
//    (network-traffic:dst_ref.value, email-message:to_refs[*].value). CHOICE: a path that
//    *ends* on a reference yields the reference itself (its key or identifier string), so
//    "network-traffic:dst_ref = 'ipv4-addr--...'" compares identifiers. Every dereference is
//    one written step, so reference cycles cost nothing extra: the path's length bounds the
//    work. A step that does not apply (missing key, index out of range, key on a list,
//    dangling reference) yields no value, and JSON null counts as absent.
//
// 4. Comparisons (section 9, "Comparison Operators"). A comparison holds when at least one value
//    the path yields satisfies it ("[*]" means "some element"). With no value (a missing
//    property) the comparison is false, with or without NOT: NOT modifies the operator (it is
//    written between path and operator) and so needs a value to apply to. For a present value:
//    NOT inverts the operator's result. CHOICE: when the value's type and the constant's type
//    are not comparable the comparison is false whatever the operator, NOT and != included (no
//    coercion the specification does not give; the OASIS matcher instead makes "!=" true).
//
// 5. Types (section 9, "Comparison Operators" and the literal rules; sections 2.1 and 2.8 for
//    binary and hex). Comparable pairs (value type <-> constant type):
//      string  <-> string                 code point order (byte order of UTF-8), no
//                                           normalisation for = != < <= > >= IN (the
//                                           specification asks for NFC only in LIKE/MATCHES)
//      integer/float <-> integer/float    exact numeric comparison (5 = 5.0)
//      boolean <-> true/false             = and != only
//      string  <-> t'...'                 the string read as an RFC 3339 timestamp, compared as
//                                           instants (an unreadable string is not comparable)
//      binary  <-> b'...' / h'...'        bytes, lexicographic; binary values are properties
//                                           named *_bin (base64 in JSON) or *_hex (hex in JSON)
//      binary  <-> string, string <-> b'...'/h'...'   the string's code points as bytes, when
//                                           all are at most U+00FF; otherwise not comparable
//    Lists and objects are comparable with nothing.
//      IN        holds when the value equals a member; NOT IN when it is comparable with some
//                member and equals none. IN () holds for nothing; NOT IN () for every scalar.
//      LIKE      strings only; SQL semantics on code points after NFC of both sides: '%' any
//                sequence (also empty), '_' exactly one code point, everything else itself,
//                case-sensitive, the whole value must match. There is no escape character.
//      MATCHES   strings (NFC, UTF-8) and binary values (bytes, Latin-1); a match anywhere.
//                RE2, not PCRE: see regex.h.
//      ISSUBSET  the value (an IPv4/IPv6 address or CIDR block) lies within the constant's
//                block; ISSUPERSET the constant's block lies within the value's. The two
//                families never contain each other; unreadable values are not comparable.
//      EXISTS    the path yields at least one value.
//
// 6. Observation operators (section 9, "Observation Operators"). A match of an observation-level
//    expression is a *binding*: the multiset of observations used (CHOICE, with paragraph 1:
//    an observed-data with number_observed = n can lend up to n observations). Each observation
//    expression of a pattern is satisfied by a distinct observation, so:
//      A AND B          a binding of A and one of B, together within the available counts;
//      A OR B           a binding of A or one of B;
//      A FOLLOWEDBY B   as AND, and the observations of A precede those of B (paragraph 7).
//    The pattern matches when its root has at least one binding.
//
// 7. Time (section 9, "Pattern Qualifiers" and FOLLOWEDBY). CHOICE: observation times are
//    known only as intervals [first_observed, last_observed], and a temporal condition holds
//    only when it holds for every instant the intervals allow (it is certain, not merely
//    possible; the OASIS matcher takes "possible"). For observations with first_observed ==
//    last_observed the two readings agree. Hence:
//      A FOLLOWEDBY B          every observation of A has last_observed <= first_observed of
//                              every observation of B (equal instants count as following);
//      X WITHIN n SECONDS      max(last_observed) - min(first_observed) <= n over X's binding
//                              (n may have a fraction; compared exactly to the nanosecond);
//      X START t STOP u        every observation of X has t <= first_observed and
//                              last_observed < u (the window is [START, STOP));
//      X REPEATS n TIMES       n bindings of X, all distinct observations (CHOICE: they may
//                              overlap in time, and one observed-data with number_observed >= n
//                              suffices for "[a] REPEATS n TIMES").
//    Qualifiers apply to the bindings of the expression they follow, parenthesised or not.
//
// Work is bounded: a pattern whose bindings or comparisons exceed ReferenceLimits yields
// ResourceExhausted rather than an answer. Never throws, never crashes.

#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "concord/base/result.h"
#include "concord/observe/observation.h"
#include "concord/pattern/ast.h"

namespace concord::pattern {

struct ReferenceLimits {
  // The most distinct bindings any one node of the pattern may have.
  size_t max_bindings = 100000;
  // The most elementary steps (comparisons, path values, binding combinations, LIKE steps)
  // in one evaluation.
  uint64_t max_steps = 200000000;
};

// One way the pattern matched: (index into the observations, how many of its number_observed
// observations are used), sorted by index.
using ReferenceBinding = std::vector<std::pair<size_t, int64_t>>;

// Whether `pattern` matches `observations`, per the semantics above. Runs CheckPattern first and
// returns its error for an invalid pattern. ResourceExhausted when the limits are exceeded.
// REQUIRES: `pattern` came from ParsePattern.
Result<bool> EvaluateReference(const Pattern& pattern,
                               std::span<const observe::Observation> observations,
                               const ReferenceLimits& limits = {});

// Every distinct binding of the whole pattern (empty when it does not match), sorted; for
// differential tests that compare which observations an engine used.
Result<std::vector<ReferenceBinding>> ReferenceBindings(
    const Pattern& pattern, std::span<const observe::Observation> observations,
    const ReferenceLimits& limits = {});

// Whether the observation expression `node` (a kObservation of `pattern`) matches
// `observation` by paragraphs 2 to 5 alone.
Result<bool> ReferenceMatchesObservation(const Pattern& pattern, uint32_t node,
                                         const observe::Observation& observation,
                                         const ReferenceLimits& limits = {});

// A pattern checked, and its MATCHES regexes compiled, once: ReferenceMatchesObservation asked
// many times without preparing the pattern each time (explaining alerts asks it for every
// comparison of every match). Each question has the whole of `limits`. Not thread-safe.
class PreparedReference {
 public:
  // CheckPattern's error for an invalid pattern, or a regex's that does not compile.
  static Result<std::unique_ptr<PreparedReference>> Prepare(Pattern pattern,
                                                            const ReferenceLimits& limits = {});
  ~PreparedReference();
  PreparedReference(const PreparedReference&) = delete;
  PreparedReference& operator=(const PreparedReference&) = delete;

  const Pattern& pattern() const { return pattern_; }
  // ReferenceMatchesObservation(pattern(), node, observation, limits).
  Result<bool> MatchesObservation(uint32_t node, const observe::Observation& observation);

 private:
  PreparedReference(Pattern pattern, const ReferenceLimits& limits);
  struct Impl;
  Pattern pattern_;
  ReferenceLimits limits_;
  std::unique_ptr<Impl> impl_;  // refers to pattern_ and limits_
};

}  // namespace concord::pattern
