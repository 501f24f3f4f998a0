#include "concord/pattern/parser.h"

#include <gtest/gtest.h>

#include <string>

#include "concord/pattern/dump.h"

namespace concord::pattern {
namespace {

std::string DumpOrError(std::string_view text, const PatternLimits& limits = {}) {
  Result<Pattern> p = ParsePattern(text, limits);
  if (!p.ok()) return "ERROR " + p.status().message();
  return DumpAst(*p);
}

struct DumpCase {
  const char* pattern;
  const char* dump;
};

TEST(ParserTest, Dumps) {
  const DumpCase cases[] = {
      // Comparison operators, each literal type.
      {"[file:name = 'a']", "obs{cmp{file:name = 'a'}}"},
      {"[file:name == 'a']", "obs{cmp{file:name = 'a'}}"},
      {"[file:name != 'a']", "obs{cmp{file:name != 'a'}}"},
      {"[file:name <> 'a']", "obs{cmp{file:name != 'a'}}"},
      {"[file:size < 5]", "obs{cmp{file:size < 5}}"},
      {"[file:size <= -5]", "obs{cmp{file:size <= -5}}"},
      {"[file:size > +5]", "obs{cmp{file:size > 5}}"},
      {"[file:size >= 5.25]", "obs{cmp{file:size >= 5.25}}"},
      {"[x-a:f = .5]", "obs{cmp{x-a:f = 0.5}}"},
      {"[x-a:f = -0.0]", "obs{cmp{x-a:f = -0.0}}"},
      {"[x-a:f = 7.0]", "obs{cmp{x-a:f = 7.0}}"},
      {"[x-a:b = true]", "obs{cmp{x-a:b = true}}"},
      {"[x-a:b != false]", "obs{cmp{x-a:b != false}}"},
      {"[file:created = t'2014-01-13T07:03:17Z']",
       "obs{cmp{file:created = t'2014-01-13T07:03:17Z'}}"},
      {"[file:created > t'2014-01-13T07:03:17.123456789123Z']",
       "obs{cmp{file:created > t'2014-01-13T07:03:17.123456789Z'}}"},
      {"[file:created < t'2014-01-13T08:03:17.5+01:00']",
       "obs{cmp{file:created < t'2014-01-13T07:03:17.5Z'}}"},
      {"[artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q=']",
       "obs{cmp{artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q='}}"},
      {"[artifact:payload_bin = b'']", "obs{cmp{artifact:payload_bin = b''}}"},
      {"[file:magic_number_hex = h'FFD8']", "obs{cmp{file:magic_number_hex = h'ffd8'}}"},
      {"[file:name = 'it\\'s a \\\\ path']", "obs{cmp{file:name = 'it\\'s a \\\\ path'}}"},
      {"[file:name = '']", "obs{cmp{file:name = ''}}"},
      {"[file:name = 'caf\xC3\xA9']", "obs{cmp{file:name = 'caf\xC3\xA9'}}"},
      {"[file:size IN (1, 2.5, 3)]", "obs{cmp{file:size IN (1,2.5,3)}}"},
      {"[file:name IN ('a')]", "obs{cmp{file:name IN ('a')}}"},
      {"[file:name IN ()]", "obs{cmp{file:name IN ()}}"},
      {"[file:name NOT IN ('a','b')]", "obs{cmp{file:name NOT IN ('a','b')}}"},
      {"[file:name LIKE 'a%_']", "obs{cmp{file:name LIKE 'a%_'}}"},
      {"[file:name NOT LIKE 'a%']", "obs{cmp{file:name NOT LIKE 'a%'}}"},
      {"[file:name MATCHES '^a\\\\.exe$']", "obs{cmp{file:name MATCHES '^a\\\\.exe$'}}"},
      {"[file:name NOT MATCHES 'x']", "obs{cmp{file:name NOT MATCHES 'x'}}"},
      {"[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
       "obs{cmp{ipv4-addr:value ISSUBSET '198.51.100.0/24'}}"},
      {"[ipv4-addr:value NOT ISSUPERSET '198.51.100.0/24']",
       "obs{cmp{ipv4-addr:value NOT ISSUPERSET '198.51.100.0/24'}}"},
      {"[file:size NOT = 5]", "obs{cmp{file:size NOT = 5}}"},
      {"[file:size NOT < 5]", "obs{cmp{file:size NOT < 5}}"},
      {"[EXISTS file:name]", "obs{exists{file:name}}"},
      {"[EXISTS file:hashes.'SHA-256' AND file:size = 1]",
       "obs{and{exists{file:hashes.'SHA-256'}cmp{file:size = 1}}}"},
      // Object paths.
      {"[file:hashes.'SHA-256' = 'x']", "obs{cmp{file:hashes.'SHA-256' = 'x'}}"},
      {"[file:hashes.MD5 = 'x']", "obs{cmp{file:hashes.MD5 = 'x'}}"},
      {"[file:hashes.'MD5' = 'x']", "obs{cmp{file:hashes.MD5 = 'x'}}"},
      {"[file:'name' = 'x']", "obs{cmp{file:name = 'x'}}"},
      {"[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
       "obs{cmp{file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0}}"},
      {"[email-message:to_refs[0].value = 'a@b.c']",
       "obs{cmp{email-message:to_refs[0].value = 'a@b.c'}}"},
      {"[network-traffic:dst_ref.value = '1.2.3.4']",
       "obs{cmp{network-traffic:dst_ref.value = '1.2.3.4'}}"},
      {"[x-a:list[*][1].'AND' = 1]", "obs{cmp{x-a:list[*][1].'AND' = 1}}"},
      {"[x-a:m.'key with space' = 1]", "obs{cmp{x-a:m.'key with space' = 1}}"},
      {"[x_whatever:detected == t'2018-03-22T12:11:14.1Z']",
       "obs{cmp{x_whatever:detected = t'2018-03-22T12:11:14.1Z'}}"},
      // Comparison-level AND binds tighter than OR; parentheses group.
      {"[a-b:c = 1 OR a-b:d = 2 AND a-b:e = 3]",
       "obs{or{cmp{a-b:c = 1}and{cmp{a-b:d = 2}cmp{a-b:e = 3}}}}"},
      {"[(a-b:c = 1 OR a-b:d = 2) AND a-b:e = 3]",
       "obs{and{or{cmp{a-b:c = 1}cmp{a-b:d = 2}}cmp{a-b:e = 3}}}"},
      {"[a-b:c = 1 AND a-b:d = 2 AND a-b:e = 3]",
       "obs{and{cmp{a-b:c = 1}cmp{a-b:d = 2}cmp{a-b:e = 3}}}"},
      {"[((a-b:c = 1))]", "obs{cmp{a-b:c = 1}}"},
      // Observation level: FOLLOWEDBY loosest, then OR, then AND; qualifiers tightest.
      {"[a-b:c = 1] AND [a-b:c = 2]", "and{obs{cmp{a-b:c = 1}}obs{cmp{a-b:c = 2}}}"},
      {"[a-b:c = 1] OR [a-b:c = 2] AND [a-b:c = 3]",
       "or{obs{cmp{a-b:c = 1}}and{obs{cmp{a-b:c = 2}}obs{cmp{a-b:c = 3}}}}"},
      {"[a-b:c = 1] AND [a-b:c = 2] FOLLOWEDBY [a-b:c = 3]",
       "followedby{and{obs{cmp{a-b:c = 1}}obs{cmp{a-b:c = 2}}}obs{cmp{a-b:c = 3}}}"},
      {"[a-b:c = 1] FOLLOWEDBY [a-b:c = 2] OR [a-b:c = 3]",
       "followedby{obs{cmp{a-b:c = 1}}or{obs{cmp{a-b:c = 2}}obs{cmp{a-b:c = 3}}}}"},
      {"[a-b:c = 1] FOLLOWEDBY [a-b:c = 2] FOLLOWEDBY [a-b:c = 3]",
       "followedby{obs{cmp{a-b:c = 1}}obs{cmp{a-b:c = 2}}obs{cmp{a-b:c = 3}}}"},
      {"([a-b:c = 1] FOLLOWEDBY [a-b:c = 2]) FOLLOWEDBY [a-b:c = 3]",
       "followedby{followedby{obs{cmp{a-b:c = 1}}obs{cmp{a-b:c = 2}}}obs{cmp{a-b:c = 3}}}"},
      {"[a-b:c = 1] AND [a-b:c = 2] WITHIN 5 SECONDS",
       "and{obs{cmp{a-b:c = 1}}within{5 obs{cmp{a-b:c = 2}}}}"},
      {"([a-b:c = 1] AND [a-b:c = 2]) WITHIN 5 SECONDS",
       "within{5 and{obs{cmp{a-b:c = 1}}obs{cmp{a-b:c = 2}}}}"},
      {"[a-b:c = 1] WITHIN 0.5 SECONDS", "within{0.5 obs{cmp{a-b:c = 1}}}"},
      {"[a-b:c = 1] REPEATS 5 TIMES WITHIN 1800 SECONDS",
       "within{1800 repeats{5 obs{cmp{a-b:c = 1}}}}"},
      {"[a-b:c = 1] START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z'",
       "startstop{t'2016-06-01T01:30:00.123Z' t'2016-06-01T02:20:00.123Z' obs{cmp{a-b:c = "
       "1}}}"},
      {"[a-b:c = 1] START '2016-06-01T01:30:00Z' STOP '2016-06-01T02:20:00Z'",
       "startstop{t'2016-06-01T01:30:00Z' t'2016-06-01T02:20:00Z' obs{cmp{a-b:c = 1}}}"},
      {"([a-b:c = 1] WITHIN 5 SECONDS) WITHIN 6 SECONDS",
       "within{6 within{5 obs{cmp{a-b:c = 1}}}}"},
      {"( [(network-traffic:dst_port IN(443,6443,8443) AND network-traffic:src_packets != 0) ])",
       "obs{and{cmp{network-traffic:dst_port IN (443,6443,8443)}cmp{network-traffic:src_packets "
       "!= 0}}}"},
      // Whitespace and comments are skipped.
      {" \t\n[a-b:c=1]\r\n", "obs{cmp{a-b:c = 1}}"},
      {"/* c */[a-b:c = 1] // trailing", "obs{cmp{a-b:c = 1}}"},
      {"[a-b:c\xC2\xA0=\xE3\x80\x80"
       "1]",
       "obs{cmp{a-b:c = 1}}"},
  };
  for (const DumpCase& c : cases) {
    EXPECT_EQ(DumpOrError(c.pattern), c.dump) << c.pattern;
  }
}

struct ErrorCase {
  const char* pattern;
  const char* error;  // exact message
};

TEST(ParserTest, ErrorsSayWhereAndWhat) {
  const ErrorCase cases[] = {
      {"",
       "position 0: expected '[' or '(' to start an observation expression, found the end "
       "of the pattern"},
      {"file:size = 1280",
       "position 0: expected '[' or '(' to start an observation expression, found 'file'"},
      {"[file:size = ]", "position 13: expected a value after the operator, found ']'"},
      {"[file:name = 'a'",
       "position 16: expected ']' to close the observation expression, found the end of the "
       "pattern"},
      {"[file:name = 'a' file:size = 1]",
       "position 17: expected ']' to close the observation expression, found 'file'"},
      {"[file:hashes.MD5 = cead3f77f6cda6ec00f57d76c9a6879f]",
       "position 19: expected a value after the operator, found "
       "'cead3f77f6cda6ec00f57d76c9a687...'"},
      {"[file.size = 1280]", "position 5: expected ':' after the object type 'file', found '.'"},
      {"[file:name MATCHES /.*\\.dll/]", "position 19: unexpected character '/'"},
      {"[a-b:c = 1] WITHIN ]", "position 19: expected a number of seconds after WITHIN, found ']'"},
      {"[a-b:c = 1] WITHIN 5 HOURS",
       "position 21: expected SECONDS after the WITHIN value (seconds are the only unit), found "
       "'HOURS'"},
      {"[a-b:c = 1] REPEATS 2.5 TIMES",
       "position 20: expected a whole number after REPEATS, found '2.5'"},
      {"[a-b:c = 1] REPEATS 2",
       "position 21: expected TIMES after the REPEATS count, found the "
       "end of the pattern"},
      {"[a-b:c = 1] START t'2016-01-01T00:00:00Z'",
       "position 41: expected STOP after the START timestamp, found the end of the pattern"},
      {"[a-b:c = 1] START 5 STOP 6",
       "position 18: expected a timestamp t'...' after START, "
       "found '5'"},
      {"[network-traffic:dst_ref.value ISSUBSET ]",
       "position 40: expected a string '...' after ISSUBSET, found ']'"},
      {"[file:hashes.MD5 =? 'x']", "position 18: unexpected character '?'"},
      {"[x:d == t'2457-73-22T32:81:84.1Z']",
       "position 8: t'2457-73-22T32:81:84.1Z' is not a valid "
       "timestamp"},
      {"[artifact:payload_bin = b'====']", "position 26: '=' may only pad the end of b'...'"},
      {"[artifact:payload_bin = b'abc']",
       "position 24: b'...' must be base64 in groups of four characters (pad with '=')"},
      {"[artifact:payload_bin = b'ab!=']",
       "position 28: b'...' holds only base64 characters A-Z, a-z, 0-9, + / and ="},
      {"[file:magic_number_hex = h'abc']",
       "position 25: h'...' needs an even number of hexadecimal digits (two per byte)"},
      {"[a-b:c=1] within 2 seconds",
       "position 10: expected AND, OR, FOLLOWEDBY, a qualifier (WITHIN, REPEATS, START) or the "
       "end of the pattern, found 'within' (keywords are written in upper case: WITHIN)"},
      {"[a-b:c = 1 and a-b:d = 2]",
       "position 11: expected ']' to close the observation expression, found 'and' (keywords "
       "are written in upper case: AND)"},
      {"[a-b:c = TRUE]",
       "position 9: expected a value after the operator, found 'TRUE' (the "
       "booleans are written in lower case: true, false)"},
      {"[a-b:c > true]", "position 9: true and false have no order; compare them with = or !="},
      {"[a-b:c = 'x", "position 9: the string starting here is not closed with '"},
      {"[a-b:c = 'x\\d']",
       "position 11: a backslash in a string must be followed by ' or \\ (these are the only "
       "escapes; write \\\\ for one backslash)"},
      {"[a-b:c = 007]", "position 9: an integer must not have leading zeros"},
      {"[a-b:c = 99999999999999999999]", "position 9: this integer is outside the 64-bit range"},
      {"[a-b:c = -]", "position 9: expected digits after '-'"},
      {"[file:extensions.windows-pebinary-ext.sections[*].entropy > 7.0]",
       "position 17: a property name or key containing '-' must be quoted: "
       "'windows-pebinary-ext'"},
      {"[a-b:list[-1] = 1]", "position 10: a list index must not be negative"},
      {"[a-b:list[x] = 1]", "position 10: expected a list index or '*' after '[', found 'x'"},
      {"[a-b:list[1 = 1]", "position 12: expected ']' to close the list index, found '='"},
      {"[a-b:c.]", "position 7: expected a property name or a quoted key after '.', found ']'"},
      {"[a-b: = 1]", "position 6: expected a property name after ':', found '='"},
      {"[NOT a-b:c = 1]",
       "position 1: NOT goes between the object path and the operator "
       "(file:name NOT = 'a'), and EXISTS takes no NOT in STIX 2.1"},
      {"[a-b:c NOT EXISTS]",
       "position 11: expected a comparison operator after NOT, found "
       "'EXISTS'"},
      {"[a-b:c 5]",
       "position 7: expected a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, "
       "MATCHES, ISSUBSET, ISSUPERSET) after the object path, found '5'"},
      {"[a-b:c IN 1]", "position 10: expected '(' to start the list after IN, found '1'"},
      {"[a-b:c IN (1 2)]",
       "position 13: expected ',' or ')' to continue or close the IN list, "
       "found '2'"},
      {"[a-b:c IN (1,)]", "position 13: expected a value in the IN list, found ')'"},
      {"[a-b:c = 1] AND",
       "position 15: expected '[' or '(' to start an observation expression, "
       "found the end of the pattern"},
      {"([a-b:c = 1]",
       "position 12: expected ')' to close the parenthesised observation "
       "expression, found the end of the pattern"},
      {"[(a-b:c = 1]",
       "position 11: expected ')' to close the parenthesised comparison "
       "expression, found ']'"},
      {"[]",
       "position 1: expected a comparison (object-type:property operator value), EXISTS or "
       "'(', found ']'"},
      {"[a-b:c = 1]]",
       "position 11: expected AND, OR, FOLLOWEDBY, a qualifier (WITHIN, "
       "REPEATS, START) or the end of the pattern, found ']'"},
      {"[a-b:c = 1] /* open", "position 12: the comment starting here is not closed with '*/'"},
      {"[a-b:c = 1 ! 2]", "position 11: '!' must be followed by '=' (the operator is '!=')"},
      {"[a-b:c = t'2016-01-01t00:00:00Z']",
       "position 21: a timestamp is written with an upper-case 'T' and 'Z' "
       "(YYYY-MM-DDTHH:MM:SS[.fraction]Z)"},
      // Positions count characters, not bytes.
      {"[a-b:c = '\xC3\xA9\xC3\xA9' ?]", "position 14: unexpected character '?'"},
      {"[a-b:c = '\xFF']", "position 10: the pattern is not valid UTF-8"},
      {"[a-b:c = 'x'] \x01", "position 14: unexpected character 'U+1'"},
  };
  for (const ErrorCase& c : cases) {
    Result<Pattern> p = ParsePattern(c.pattern);
    ASSERT_FALSE(p.ok()) << c.pattern << " parsed as " << DumpAst(*p);
    EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument) << c.pattern;
    EXPECT_EQ(p.status().message().substr(0, std::string(c.error).size()), c.error) << c.pattern;
  }
}

TEST(ParserTest, Limits) {
  PatternLimits limits;
  limits.max_pattern_bytes = 20;
  Result<Pattern> p = ParsePattern("[a-b:c = '0123456789']", limits);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(p.status().message().find("the limit is 20 bytes"), std::string::npos);

  // Nesting: parentheses at either level and qualifier chains all count.
  limits = PatternLimits{};
  limits.max_depth = 8;
  std::string deep_obs = std::string(10, '(') + "[a-b:c = 1]" + std::string(10, ')');
  p = ParsePattern(deep_obs, limits);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(p.status().message(),
            "position 8: the pattern nests deeper than 8 levels (brackets, parentheses and "
            "qualifiers)");
  std::string deep_cmp = "[" + std::string(10, '(') + "a-b:c = 1" + std::string(10, ')') + "]";
  EXPECT_EQ(ParsePattern(deep_cmp, limits).status().code(), StatusCode::kResourceExhausted);
  std::string chain = "[a-b:c = 1]";
  for (int i = 0; i < 20; ++i) chain += " REPEATS 2 TIMES";
  EXPECT_EQ(ParsePattern(chain, limits).status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(ParsePattern(std::string(6, '(') + "[a-b:c = 1]" + std::string(6, ')'), limits).ok());

  // A deeply nested pattern within the default limits parses, and one far beyond them fails
  // cleanly (no stack overflow).
  std::string very_deep = std::string(100000, '(') + "[a-b:c = 1]" + std::string(100000, ')');
  EXPECT_EQ(ParsePattern(very_deep, PatternLimits{.max_pattern_bytes = 1 << 20}).status().code(),
            StatusCode::kResourceExhausted);

  limits = PatternLimits{};
  limits.max_list_elements = 3;
  EXPECT_TRUE(ParsePattern("[a-b:c IN (1,2,3)]", limits).ok());
  p = ParsePattern("[a-b:c IN (1,2,3,4)]", limits);
  EXPECT_EQ(p.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(p.status().message(), "position 17: the IN list has more than 3 values");

  limits = PatternLimits{};
  limits.max_comparisons = 2;
  EXPECT_TRUE(ParsePattern("[a-b:c = 1 AND a-b:c = 2]", limits).ok());
  p = ParsePattern("[a-b:c = 1] AND [a-b:c = 2 OR EXISTS a-b:d]", limits);
  EXPECT_EQ(p.status().message(),
            "position 30: the pattern has more than 2 comparison expressions");

  limits = PatternLimits{};
  limits.max_path_steps = 3;
  EXPECT_TRUE(ParsePattern("[a-b:c.d[0] = 1]", limits).ok());
  p = ParsePattern("[a-b:c.d[0].e = 1]", limits);
  EXPECT_EQ(p.status().message(), "position 11: the object path has more than 3 steps");
}

TEST(ParserTest, PositionsAndStructure) {
  Result<Pattern> p = ParsePattern("[file:name = 'x'] WITHIN 5 SECONDS");
  ASSERT_TRUE(p.ok());
  const Node& root = p->node(p->root);
  EXPECT_EQ(root.kind, NodeKind::kWithin);
  EXPECT_EQ(root.pos, 18u);
  EXPECT_EQ(p->literals[root.literal].pos, 25u);
  const Node& obs = p->node(root.children[0]);
  EXPECT_EQ(obs.kind, NodeKind::kObservation);
  EXPECT_EQ(obs.pos, 0u);
  const Node& cmp = p->node(obs.children[0]);
  EXPECT_EQ(cmp.kind, NodeKind::kComparison);
  EXPECT_EQ(cmp.pos, 1u);
  EXPECT_EQ(p->path_of(cmp).object_type, "file");
  ASSERT_EQ(p->path_of(cmp).steps.size(), 1u);
  EXPECT_EQ(p->path_of(cmp).steps[0].key, "name");
  EXPECT_EQ(p->literals[cmp.literal].bytes, "x");
  EXPECT_EQ(p->height, 3u);
  EXPECT_EQ(p->source, "[file:name = 'x'] WITHIN 5 SECONDS");
}

TEST(ParserTest, FormatPatternRoundTrips) {
  const char* patterns[] = {
      "[file:name = 'a\\'b' AND (file:size > 5 OR file:size < -2.5)] FOLLOWEDBY [x-y:z IN "
      "(1,2)] WITHIN 5.5 SECONDS",
      "([a-b:c = 1] OR [a-b:c = 2]) AND [EXISTS a-b:d.'SHA-256'[*]] REPEATS 3 TIMES START "
      "t'2016-01-01T00:00:00Z' STOP t'2017-01-01T00:00:00.5Z'",
      "[a-b:c = b'AAEC'] AND [a-b:d_hex = h'00ff'] AND [a-b:e = t'2016-01-01T01:00:00+01:00']",
      "[a-b:c NOT LIKE '%x_'] OR [a-b:c NOT MATCHES '^a$'] OR [a-b:c NOT ISSUBSET '::/0']",
      "(([a-b:c = 1] WITHIN 1 SECONDS) WITHIN 2 SECONDS) FOLLOWEDBY ([a-b:c = 2] FOLLOWEDBY "
      "[a-b:c = 3])",
  };
  for (const char* text : patterns) {
    Result<Pattern> p = ParsePattern(text);
    ASSERT_TRUE(p.ok()) << text << ": " << p.status().ToString();
    const std::string formatted = FormatPattern(*p);
    Result<Pattern> again = ParsePattern(formatted);
    ASSERT_TRUE(again.ok()) << formatted << ": " << again.status().ToString();
    EXPECT_EQ(DumpAst(*again), DumpAst(*p)) << formatted;
    EXPECT_EQ(FormatPattern(*again), formatted);
  }
  Result<Pattern> p = ParsePattern("[a-b:c=1]AND[a-b:d=2]FOLLOWEDBY[a-b:e=3]");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(FormatPattern(*p), "([a-b:c = 1] AND [a-b:d = 2]) FOLLOWEDBY [a-b:e = 3]");
}

}  // namespace
}  // namespace concord::pattern
