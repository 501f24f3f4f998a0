#include "concord/pattern/reference_evaluator.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "concord/pattern/observation_reader.h"
#include "concord/pattern/parser.h"

namespace concord::pattern {
namespace {

// An observed-data (STIX 2.0 form) with `objects` (a JSON object body), observed over
// [first, last] (times of day on 2020-01-01) `n` times.
std::string Od(const std::string& objects, const std::string& first = "00:00:00",
               const std::string& last = "", int n = 1) {
  return R"({"type":"observed-data","first_observed":"2020-01-01T)" + first +
         R"(Z","last_observed":"2020-01-01T)" + (last.empty() ? first : last) +
         R"(Z","number_observed":)" + std::to_string(n) + R"(,"objects":{)" + objects + "}}";
}

std::vector<observe::Observation> Read(const std::string& text) {
  Result<std::vector<observe::Observation>> r = ReadObservations(text);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(*r) : std::vector<observe::Observation>();
}

// "true", "false" or "error: <message>".
std::string Eval(std::string_view pattern, const std::vector<observe::Observation>& observations,
                 const ReferenceLimits& limits = {}) {
  Result<Pattern> p = ParsePattern(pattern);
  if (!p.ok()) return "error: " + p.status().message();
  Result<bool> r = EvaluateReference(*p, observations, limits);
  if (!r.ok()) return "error: " + r.status().message();
  return *r ? "true" : "false";
}

struct Case {
  const char* pattern;
  bool match;
};

void RunCases(const std::vector<observe::Observation>& obs, std::initializer_list<Case> cases) {
  for (const Case& c : cases) {
    EXPECT_EQ(Eval(c.pattern, obs), c.match ? "true" : "false") << c.pattern;
  }
}

// One object with a property of every kind.
const char kThing[] =
    R"("0":{"type":"x-thing","str":"hello","num":5,"flt":2.5,"yes":true,"no":false,)"
    R"("ts":"2016-05-12T08:17:27.000Z","payload_bin":"aGVsbG8=","magic_hex":"ffd8",)"
    R"("list":["a","b","c"],"obj":{"k":"v","K-1":"w"},"nested":[[1,2],[3]],)"
    R"("nfd":"e\u0301","nfc":"\u00e9","latin":"\u00ff","special":"50%_off.*",)"
    R"("ip":"198.51.100.7","net":"10.0.0.0/8","ip6":"2001:db8::1","nul":null,)"
    R"("big":9007199254740993,"neg":-3,"bad_bin":"!!!","empty":""})";

TEST(ReferenceEvaluatorTest, Equality) {
  const std::vector<observe::Observation> obs = Read(Od(kThing));
  RunCases(obs, {
                    {"[x-thing:str = 'hello']", true},
                    {"[x-thing:str == 'hello']", true},
                    {"[x-thing:str = 'Hello']", false},
                    {"[x-thing:str != 'x']", true},
                    {"[x-thing:str <> 'hello']", false},
                    {"[x-thing:str NOT = 'hello']", false},
                    {"[x-thing:str NOT != 'hello']", true},
                    {"[x-thing:empty = '']", true},
                    // No coercion: mismatched types are false, != and NOT included.
                    {"[x-thing:str = 5]", false},
                    {"[x-thing:str != 5]", false},
                    {"[x-thing:str NOT = 5]", false},
                    {"[x-thing:num = '5']", false},
                    {"[x-thing:num != '5']", false},
                    {"[x-thing:yes = 1]", false},
                    {"[x-thing:yes != 1]", false},
                    {"[x-thing:obj = 'v']", false},
                    {"[x-thing:obj != 'v']", false},
                    {"[x-thing:list = 'a']", false},
                    // Numbers: integers and floats compare exactly.
                    {"[x-thing:num = 5]", true},
                    {"[x-thing:num = 5.0]", true},
                    {"[x-thing:num = 5.000001]", false},
                    {"[x-thing:flt = 2.5]", true},
                    {"[x-thing:flt = 2]", false},
                    {"[x-thing:neg = -3]", true},
                    {"[x-thing:big = 9007199254740993]", true},
                    {"[x-thing:big = 9007199254740992.0]", false},
                    {"[x-thing:big > 9007199254740992.0]", true},
                    // Booleans.
                    {"[x-thing:yes = true]", true},
                    {"[x-thing:yes != false]", true},
                    {"[x-thing:no = false]", true},
                    {"[x-thing:no = true]", false},
                    // Timestamps: the string read as an instant; offsets and precision apply.
                    {"[x-thing:ts = t'2016-05-12T08:17:27Z']", true},
                    {"[x-thing:ts = t'2016-05-12T10:17:27.000000+02:00']", true},
                    {"[x-thing:ts = t'2016-05-12T08:17:27.0001Z']", false},
                    {"[x-thing:ts = '2016-05-12T08:17:27Z']", false},  // a string comparison
                    {"[x-thing:ts = '2016-05-12T08:17:27.000Z']", true},
                    {"[x-thing:str = t'2016-05-12T08:17:27Z']", false},
                    {"[x-thing:num = t'2016-05-12T08:17:27Z']", false},
                    // Binary properties (*_bin base64, *_hex hex) against binary and strings.
                    {"[x-thing:payload_bin = b'aGVsbG8=']", true},
                    {"[x-thing:payload_bin = h'68656c6c6f']", true},
                    {"[x-thing:payload_bin = 'hello']", true},
                    {"[x-thing:payload_bin != 'hello']", false},
                    {"[x-thing:payload_bin = 'h\xC3\xA9llo']", false},
                    {"[x-thing:payload_bin = '\xE2\x82\xAC']", false},   // U+20AC: no byte
                    {"[x-thing:payload_bin != '\xE2\x82\xAC']", false},  // ... not comparable
                    {"[x-thing:magic_hex = h'FFD8']", true},
                    {"[x-thing:magic_hex = b'/9g=']", true},
                    {"[x-thing:magic_hex = 'ffd8']", false},  // the string's bytes are "ffd8"
                    {"[x-thing:str = b'aGVsbG8=']", true},    // string property, binary literal
                    {"[x-thing:latin = h'ff']", true},
                    {"[x-thing:bad_bin = b'']", false},
                    {"[x-thing:bad_bin != b'']", false},
                });
}

TEST(ReferenceEvaluatorTest, Ordering) {
  const std::vector<observe::Observation> obs = Read(Od(kThing));
  RunCases(obs, {
                    {"[x-thing:num < 5.5]", true},
                    {"[x-thing:num <= 5]", true},
                    {"[x-thing:num < 5]", false},
                    {"[x-thing:num >= 5]", true},
                    {"[x-thing:num > 5]", false},
                    {"[x-thing:num NOT > 5]", true},
                    {"[x-thing:flt > 2]", true},
                    {"[x-thing:flt < 3]", true},
                    {"[x-thing:neg < 0]", true},
                    {"[x-thing:str < 'help']", true},
                    {"[x-thing:str > 'hell']", true},
                    {"[x-thing:str >= 'hello']", true},
                    {"[x-thing:str < 'hello']", false},
                    {"[x-thing:str > 'Z']", true},  // code point order: 'h' > 'Z'
                    {"[x-thing:nfc > 'z']", true},  // U+00E9 after ASCII
                    {"[x-thing:ts < t'2016-05-12T08:17:27.001Z']", true},
                    {"[x-thing:ts > t'2016-05-12T08:17:27Z']", false},
                    {"[x-thing:ts >= t'2016-05-12T08:17:27Z']", true},
                    {"[x-thing:payload_bin > b'aGVsbA==']", true},  // "hello" > "hell"
                    {"[x-thing:payload_bin < h'69']", true},        // 'h' < 'i'
                    {"[x-thing:str < 5]", false},
                    {"[x-thing:str >= 5]", false},
                    {"[x-thing:num < 'z']", false},
                    {"[x-thing:num NOT < 'z']", false},
                });
}

TEST(ReferenceEvaluatorTest, InLists) {
  const std::vector<observe::Observation> obs = Read(Od(kThing));
  RunCases(obs, {
                    {"[x-thing:str IN ('a', 'hello')]", true},
                    {"[x-thing:str IN ('a')]", false},
                    {"[x-thing:str NOT IN ('a')]", true},
                    {"[x-thing:str NOT IN ('hello', 'b')]", false},
                    {"[x-thing:num IN (1, 5.0)]", true},
                    {"[x-thing:num IN (1, 2)]", false},
                    {"[x-thing:num IN ('5')]", false},
                    {"[x-thing:num NOT IN ('5')]", false},
                    {"[x-thing:str IN ()]", false},
                    {"[x-thing:str NOT IN ()]", true},
                    {"[x-thing:obj NOT IN ()]", false},
                    {"[x-thing:yes IN (true)]", true},
                    {"[x-thing:ts IN (t'2016-05-12T08:17:27Z')]", true},
                    {"[x-thing:payload_bin IN (b'AA==', h'68656c6c6f')]", true},
                    {"[x-thing:list[*] IN ('x', 'c')]", true},
                    {"[x-thing:missing IN ('a')]", false},
                    {"[x-thing:missing NOT IN ('a')]", false},
                });
}

TEST(ReferenceEvaluatorTest, Like) {
  const std::vector<observe::Observation> obs = Read(Od(kThing));
  RunCases(obs, {
                    {"[x-thing:str LIKE 'hello']", true},
                    {"[x-thing:str LIKE 'h%']", true},
                    {"[x-thing:str LIKE '%o']", true},
                    {"[x-thing:str LIKE '%ell%']", true},
                    {"[x-thing:str LIKE '%']", true},
                    {"[x-thing:str LIKE '%%%']", true},
                    {"[x-thing:str LIKE 'h_llo']", true},
                    {"[x-thing:str LIKE '_____']", true},
                    {"[x-thing:str LIKE '____']", false},
                    {"[x-thing:str LIKE 'h_lo']", false},
                    {"[x-thing:str LIKE 'hello_']", false},
                    {"[x-thing:str LIKE 'hello%']", true},
                    {"[x-thing:str LIKE 'H%']", false},   // case-sensitive
                    {"[x-thing:str LIKE 'ell']", false},  // the whole value must match
                    {"[x-thing:str LIKE '']", false},
                    {"[x-thing:empty LIKE '']", true},
                    {"[x-thing:empty LIKE '%']", true},
                    {"[x-thing:empty LIKE '_']", false},
                    {"[x-thing:str NOT LIKE 'x%']", true},
                    {"[x-thing:str NOT LIKE 'h%']", false},
                    {"[x-thing:special LIKE '50%off.*']", true},       // '.' and '*' are themselves
                    {"[x-thing:special LIKE '50_\\\\_off%']", false},  // no escapes: '\' is itself
                    {"[x-thing:special LIKE '%.*']", true},
                    {"[x-thing:special LIKE '%.+']", false},
                    // NFC on both sides: the NFD value is one character.
                    {"[x-thing:nfd LIKE '\xC3\xA9']", true},
                    {"[x-thing:nfc LIKE 'e\xCC\x81']", true},
                    {"[x-thing:nfd LIKE '_']", true},
                    {"[x-thing:nfd = '\xC3\xA9']", false},  // = does not normalise
                    // Only strings: numbers and binary values are not comparable.
                    {"[x-thing:num LIKE '5']", false},
                    {"[x-thing:num NOT LIKE '5']", false},
                    {"[x-thing:payload_bin LIKE '%']", false},
                });
}

TEST(ReferenceEvaluatorTest, Matches) {
  const std::vector<observe::Observation> obs = Read(Od(kThing));
  RunCases(obs, {
                    {"[x-thing:str MATCHES 'ell']", true},  // unanchored
                    {"[x-thing:str MATCHES '^ell']", false},
                    {"[x-thing:str MATCHES '^h.*o$']", true},
                    {"[x-thing:str MATCHES '^H']", false},
                    {"[x-thing:str MATCHES '(?i)^H']", true},
                    {"[x-thing:str MATCHES 'l{2}']", true},
                    {"[x-thing:str NOT MATCHES 'z']", true},
                    {"[x-thing:str NOT MATCHES 'h']", false},
                    {"[x-thing:special MATCHES '^50%_off\\\\.\\\\*$']", true},
                    {"[x-thing:nfd MATCHES '^\xC3\xA9$']", true},  // NFC on both sides
                    {"[x-thing:nfd MATCHES '^.$']", true},
                    {"[x-thing:nfc MATCHES '^e\xCC\x81$']", true},
                    // Binary values are matched byte-wise.
                    {"[x-thing:payload_bin MATCHES '^hel']", true},
                    {"[x-thing:magic_hex MATCHES '^\\\\xff\\\\xd8$']", true},
                    {"[x-thing:magic_hex MATCHES '^\xC3\xBF']", true},  // U+00FF is byte ff
                    {"[x-thing:payload_bin MATCHES '\xE2\x82\xAC']", false},
                    {"[x-thing:bad_bin MATCHES '']", false},
                    {"[x-thing:num MATCHES '5']", false},
                    {"[x-thing:num NOT MATCHES '5']", false},
                });
}

TEST(ReferenceEvaluatorTest, SubsetAndSuperset) {
  const std::vector<observe::Observation> obs = Read(Od(kThing));
  RunCases(obs, {
                    {"[x-thing:ip ISSUBSET '198.51.100.0/24']", true},
                    {"[x-thing:ip ISSUBSET '198.51.100.7']", true},
                    {"[x-thing:ip ISSUBSET '198.51.101.0/24']", false},
                    {"[x-thing:ip NOT ISSUBSET '198.51.101.0/24']", true},
                    {"[x-thing:ip ISSUPERSET '198.51.100.7/32']", true},
                    {"[x-thing:ip ISSUPERSET '198.51.100.0/24']", false},
                    {"[x-thing:net ISSUPERSET '10.1.2.3']", true},
                    {"[x-thing:net ISSUPERSET '10.1.0.0/16']", true},
                    {"[x-thing:net ISSUPERSET '11.0.0.0/8']", false},
                    {"[x-thing:net ISSUPERSET '10.0.0.0/7']", false},
                    {"[x-thing:net ISSUBSET '10.0.0.0/7']", true},
                    {"[x-thing:net ISSUBSET '10.0.0.0/9']", false},
                    {"[x-thing:net NOT ISSUPERSET '11.0.0.0/8']", true},
                    {"[x-thing:ip6 ISSUBSET '2001:db8::/32']", true},
                    {"[x-thing:ip6 ISSUBSET '2001:db9::/32']", false},
                    {"[x-thing:ip6 ISSUPERSET '2001:0db8:0:0:0:0:0:1']", true},
                    // Families and non-addresses are not comparable, even under NOT.
                    {"[x-thing:ip6 ISSUBSET '10.0.0.0/8']", false},
                    {"[x-thing:ip6 NOT ISSUBSET '10.0.0.0/8']", false},
                    {"[x-thing:str ISSUBSET '0.0.0.0/0']", false},
                    {"[x-thing:str NOT ISSUBSET '0.0.0.0/0']", false},
                    {"[x-thing:num ISSUBSET '0.0.0.0/0']", false},
                });
}

TEST(ReferenceEvaluatorTest, PathsExistsAndMissingValues) {
  const std::vector<observe::Observation> obs = Read(Od(kThing));
  RunCases(obs, {
                    {"[EXISTS x-thing:str]", true},
                    {"[EXISTS x-thing:nul]", false},  // null is absent
                    {"[EXISTS x-thing:missing]", false},
                    {"[EXISTS x-thing:list[2]]", true},
                    {"[EXISTS x-thing:list[3]]", false},
                    {"[EXISTS x-thing:obj.k]", true},
                    {"[EXISTS y-thing:str]", false},
                    {"[x-thing:list[0] = 'a']", true},
                    {"[x-thing:list[1] = 'a']", false},
                    {"[x-thing:list[*] = 'c']", true},
                    {"[x-thing:list[*] = 'z']", false},
                    {"[x-thing:list[*] NOT = 'a']", true},  // some element is not 'a'
                    {"[x-thing:list[*] != 'a']", true},
                    {"[x-thing:obj.k = 'v']", true},
                    {"[x-thing:obj.'K-1' = 'w']", true},
                    {"[x-thing:obj.K = 'v']", false},  // keys are case-sensitive
                    {"[x-thing:nested[*][*] = 3]", true},
                    {"[x-thing:nested[0][1] = 2]", true},
                    {"[x-thing:nested[1][1] = 3]", false},
                    {"[x-thing:str[0] = 'h']", false},
                    {"[x-thing:obj[0] = 'v']", false},
                    {"[x-thing:list.a = 'a']", false},
                    // A missing property makes every comparison false, NOT included.
                    {"[x-thing:missing = 'x']", false},
                    {"[x-thing:missing != 'x']", false},
                    {"[x-thing:missing NOT = 'x']", false},
                    {"[x-thing:missing NOT LIKE 'x']", false},
                    {"[x-thing:missing NOT MATCHES 'x']", false},
                    {"[x-thing:nul NOT = 'x']", false},
                    {"[y-thing:str NOT = 'x']", false},
                    {"[y-thing:str = 'x' OR x-thing:str = 'hello']", true},
                });
}

TEST(ReferenceEvaluatorTest, ComparisonsOnOneTypeShareAnObject) {
  const std::vector<observe::Observation> obs =
      Read(Od(R"("0":{"type":"file","name":"a","size":1},"1":{"type":"file","name":"b","size":5},)"
              R"("2":{"type":"ipv4-addr","value":"1.2.3.4"})"));
  RunCases(obs, {
                    {"[file:name = 'a' AND file:size = 5]", false},
                    {"[file:name = 'b' AND file:size = 5]", true},
                    {"[file:name = 'a' OR file:size = 5]", true},
                    {"[(file:name = 'a' OR file:name = 'b') AND file:size = 1]", true},
                    {"[(file:name = 'a' OR file:name = 'c') AND file:size = 5]", false},
                    {"[file:name = 'a' AND file:name = 'b']", false},
                    {"[file:name = 'a' AND not-used:x = 1 OR file:name = 'b']", true},
                    // Different types are bound independently within the observation.
                    {"[file:name = 'a' AND ipv4-addr:value = '1.2.3.4']", true},
                    {"[file:name = 'a' AND ipv4-addr:value = '9.9.9.9']", false},
                    {"[file:size = 5 AND ipv4-addr:value ISSUBSET '1.2.3.0/24' AND file:name = "
                     "'b']",
                     true},
                    {"[file:name = 'zzz' OR ipv6-addr:value = 'x']", false},
                    {"[file:name = 'a' OR ipv6-addr:value = 'x']", true},
                    {"[file:name = 'a' AND ipv6-addr:value NOT = 'x']", false},
                    {"[file:name = 'a' AND EXISTS ipv6-addr:value]", false},
                });
}

TEST(ReferenceEvaluatorTest, ReferencesStix20) {
  const std::vector<observe::Observation> obs =
      Read(Od(R"("0":{"type":"network-traffic","dst_ref":"1","src_ref":"9"},)"
              R"("1":{"type":"ipv4-addr","value":"1.2.3.4"},)"
              R"("2":{"type":"email-message","to_refs":["3","4","9"],"from_ref":"3",)"
              R"("body_multipart":[{"body_raw_ref":"5"}]},)"
              R"("3":{"type":"email-addr","value":"b@x"},)"
              R"("4":{"type":"email-addr","value":"c@x"},)"
              R"("5":{"type":"file","name":"Final Report 2.exe","parent_directory_ref":"6"},)"
              R"("6":{"type":"directory","path":"C:\\Windows\\System32"},)"
              R"("7":{"type":"x-node","name":"a","next_ref":"8"},)"
              R"("8":{"type":"x-node","name":"b","next_ref":"7"})"));
  RunCases(obs, {
                    {"[network-traffic:dst_ref.value = '1.2.3.4']", true},
                    {"[network-traffic:dst_ref.value ISSUBSET '1.2.3.0/24']", true},
                    {"[network-traffic:dst_ref.type = 'ipv4-addr']", true},
                    {"[network-traffic:dst_ref = '1']", true},  // a path ending on a reference
                    {"[network-traffic:src_ref.value = '1.2.3.4']", false},  // dangling
                    {"[EXISTS network-traffic:src_ref]", true},
                    {"[EXISTS network-traffic:src_ref.value]", false},
                    {"[email-message:to_refs[*].value = 'c@x']", true},
                    {"[email-message:to_refs[0].value = 'b@x']", true},
                    {"[email-message:to_refs[1].value = 'b@x']", false},
                    {"[email-message:to_refs[2].value = 'b@x']", false},
                    {"[email-message:to_refs.value = 'b@x']", false},  // a list needs an index
                    {"[email-message:to_refs[*] = '4']", true},
                    {"[email-message:from_ref.value MATCHES '@x$']", true},
                    {"[email-message:body_multipart[*].body_raw_ref.name MATCHES "
                     "'^Final Report.+\\\\.exe$']",
                     true},
                    {"[email-message:body_multipart[*].body_raw_ref.parent_directory_ref.path = "
                     "'C:\\\\Windows\\\\System32']",
                     true},
                    // A reference cycle is followed exactly as far as the path says.
                    {"[x-node:next_ref.name = 'b' AND x-node:name = 'a']", true},
                    {"[x-node:next_ref.next_ref.next_ref.next_ref.name = 'a']", true},
                    {"[x-node:next_ref.next_ref.next_ref.next_ref.next_ref.name = 'b' AND "
                     "x-node:name = 'a']",
                     true},
                    // An object reached only through a reference is still an object of the
                    // observation.
                    {"[ipv4-addr:value = '1.2.3.4']", true},
                });
}

TEST(ReferenceEvaluatorTest, ReferencesStix21) {
  const std::string input =
      R"({"type":"observed-data","id":"observed-data--1","first_observed":"2020-01-01T00:00:00Z",)"
      R"("last_observed":"2020-01-01T00:00:00Z","number_observed":1,)"
      R"("object_refs":["network-traffic--n","email-message--m"]})"
      "\n"
      R"({"type":"network-traffic","id":"network-traffic--n","dst_ref":"ipv4-addr--i","dst_port":443})"
      "\n"
      R"({"type":"ipv4-addr","id":"ipv4-addr--i","value":"203.0.113.33"})"
      "\n"
      R"({"type":"email-message","id":"email-message--m","to_refs":["email-addr--a","email-addr--b"]})"
      "\n"
      R"({"type":"email-addr","id":"email-addr--a","value":"a@example.com"})"
      "\n"
      R"({"type":"email-addr","id":"email-addr--b","value":"b@example.com"})"
      "\n";
  const std::vector<observe::Observation> obs = Read(input);
  RunCases(obs, {
                    {"[network-traffic:dst_ref.value = '203.0.113.33']", true},
                    {"[network-traffic:dst_ref.value ISSUBSET '203.0.113.0/24' AND "
                     "network-traffic:dst_port = 443]",
                     true},
                    {"[network-traffic:dst_ref = 'ipv4-addr--i']", true},
                    {"[email-message:to_refs[*].value = 'b@example.com']", true},
                    {"[email-message:to_refs[1].value LIKE 'b@%']", true},
                    {"[ipv4-addr:value = '203.0.113.33']", true},
                    {"[email-addr:value = 'a@example.com'] AND [email-addr:value = "
                     "'b@example.com']",
                     false},  // one observation only
                });
}

TEST(ReferenceEvaluatorTest, ObservationOperatorsAndCounts) {
  const std::vector<observe::Observation> obs =
      Read(Od(R"("0":{"type":"file","name":"a"})", "00:00:00") + "\n" +
           Od(R"("0":{"type":"file","name":"b"})", "00:00:10") + "\n" +
           Od(R"("0":{"type":"file","name":"a"})", "00:01:00", "", 2));
  RunCases(obs, {
                    {"[file:name = 'a'] AND [file:name = 'b']", true},
                    {"[file:name = 'b'] AND [file:name = 'b']", false},  // distinct observations
                    {"[file:name = 'a'] AND [file:name = 'a']", true},
                    {"[file:name = 'a'] AND [file:name = 'a'] AND [file:name = 'a']", true},
                    {"[file:name = 'a'] AND [file:name = 'a'] AND [file:name = 'a'] AND "
                     "[file:name = 'a']",
                     false},
                    {"[file:name = 'a'] REPEATS 3 TIMES", true},  // 1 + number_observed 2
                    {"[file:name = 'a'] REPEATS 4 TIMES", false},
                    {"[file:name = 'b'] REPEATS 1 TIMES", true},
                    {"[file:name = 'b'] REPEATS 2 TIMES", false},
                    {"[file:name = 'z'] OR [file:name = 'b']", true},
                    {"[file:name = 'z'] OR [file:name = 'y']", false},
                    {"[file:name = 'b'] FOLLOWEDBY [file:name = 'a']", true},
                    {"[file:name = 'a'] FOLLOWEDBY [file:name = 'b']", true},
                    {"[file:name = 'b'] FOLLOWEDBY [file:name = 'b']", false},
                    {"[file:name = 'b'] FOLLOWEDBY [file:name = 'a'] FOLLOWEDBY [file:name = 'a']",
                     true},  // 10s, then the two sightings at 60s
                    {"[file:name = 'a'] FOLLOWEDBY [file:name = 'b'] FOLLOWEDBY [file:name = 'a'] "
                     "FOLLOWEDBY [file:name = 'a']",
                     true},
                    {"[file:name = 'b'] FOLLOWEDBY ([file:name = 'a'] AND [file:name = 'a'] AND "
                     "[file:name = 'a'])",
                     false},  // the a at 0s is before b
                    {"([file:name = 'a'] FOLLOWEDBY [file:name = 'b']) REPEATS 2 TIMES", false},
                    {"([file:name = 'b'] FOLLOWEDBY [file:name = 'a']) WITHIN 30 SECONDS", false},
                    {"([file:name = 'b'] FOLLOWEDBY [file:name = 'a']) WITHIN 50 SECONDS", true},
                    {"([file:name = 'a'] AND [file:name = 'b']) WITHIN 10 SECONDS", true},
                    {"([file:name = 'a'] AND [file:name = 'b']) WITHIN 9 SECONDS", false},
                    {"[file:name = 'a'] REPEATS 2 TIMES WITHIN 1 SECONDS", true},  // 2 at 60s
                    {"[file:name = 'a'] REPEATS 3 TIMES WITHIN 59 SECONDS", false},
                    {"[file:name = 'a'] REPEATS 3 TIMES WITHIN 60 SECONDS", true},
                    // Precedence: FOLLOWEDBY is loosest, AND tightest.
                    {"[file:name = 'z'] AND [file:name = 'a'] OR [file:name = 'b']", true},
                    {"[file:name = 'b'] FOLLOWEDBY [file:name = 'z'] OR [file:name = 'a']", true},
                });

  // Two objects in one observation are still one observation.
  const std::vector<observe::Observation> one =
      Read(Od(R"("0":{"type":"file","name":"a"},"1":{"type":"file","name":"b"})"));
  EXPECT_EQ(Eval("[file:name = 'a'] AND [file:name = 'b']", one), "false");
  EXPECT_EQ(Eval("[file:name = 'a'] OR [file:name = 'b']", one), "true");
  const std::vector<observe::Observation> twice = Read(
      Od(R"("0":{"type":"file","name":"a"},"1":{"type":"file","name":"b"})", "00:00:00", "", 2));
  EXPECT_EQ(Eval("[file:name = 'a'] AND [file:name = 'b']", twice), "true");
  EXPECT_EQ(Eval("[file:name = 'a'] FOLLOWEDBY [file:name = 'b']", twice), "true");
}

TEST(ReferenceEvaluatorTest, TimeIntervals) {
  // One observation seen over 100 seconds (00:00:00 to 00:01:40), three times.
  const std::vector<observe::Observation> span =
      Read(Od(R"("0":{"type":"file","name":"a"})", "00:00:00", "00:01:40", 3) + "\n" +
           Od(R"("0":{"type":"file","name":"b"})", "00:01:40"));
  RunCases(span, {
                     // Certain, not merely possible: the 100-second interval does not fit 50 s.
                     {"[file:name = 'a'] WITHIN 50 SECONDS", false},
                     {"[file:name = 'a'] WITHIN 100 SECONDS", true},
                     {"[file:name = 'a'] REPEATS 3 TIMES WITHIN 100 SECONDS", true},
                     {"[file:name = 'a'] FOLLOWEDBY [file:name = 'a']", false},
                     {"[file:name = 'a'] FOLLOWEDBY [file:name = 'b']", true},  // end == start
                     {"[file:name = 'b'] FOLLOWEDBY [file:name = 'a']", false},
                     {"[file:name = 'a'] START t'2020-01-01T00:00:00Z' STOP "
                      "t'2020-01-01T00:01:41Z'",
                      true},
                     {"[file:name = 'a'] START t'2020-01-01T00:00:00Z' STOP "
                      "t'2020-01-01T00:01:40Z'",
                      false},  // STOP is exclusive
                     {"[file:name = 'a'] START t'2020-01-01T00:00:00.000000001Z' STOP "
                      "t'2020-01-01T00:02:00Z'",
                      false},  // START is inclusive, and the interval starts before it
                     {"[file:name = 'b'] START t'2020-01-01T00:01:40Z' STOP "
                      "t'2020-01-01T00:01:40.000000001Z'",
                      true},
                     {"[file:name = 'b'] START '2020-01-01T00:01:40Z' STOP "
                      "'2020-01-01T00:01:41Z'",
                      true},  // the STIX 2.0 string form
                     {"[file:name = 'b'] START t'2020-01-01T01:01:40+01:00' STOP "
                      "t'2020-01-01T00:01:41Z'",
                      true},
                     {"([file:name = 'a'] AND [file:name = 'b']) START t'2020-01-01T00:00:00Z' "
                      "STOP t'2020-01-01T00:01:41Z'",
                      true},
                     {"([file:name = 'a'] AND [file:name = 'b']) START t'2020-01-01T00:00:01Z' "
                      "STOP t'2020-01-01T00:01:41Z'",
                      false},
                 });

  // Fractions of a second, compared exactly to the nanosecond.
  const std::vector<observe::Observation> close =
      Read(Od(R"("0":{"type":"file","name":"a"})", "00:00:00") + "\n" +
           Od(R"("0":{"type":"file","name":"b"})", "00:00:00.5"));
  RunCases(close,
           {
               {"([file:name = 'a'] AND [file:name = 'b']) WITHIN 0.5 SECONDS", true},
               {"([file:name = 'a'] AND [file:name = 'b']) WITHIN 0.4999999999 SECONDS", false},
               {"([file:name = 'a'] AND [file:name = 'b']) WITHIN 0.500000000999 SECONDS", true},
               {"([file:name = 'a'] AND [file:name = 'b']) WITHIN "
                "99999999999999999999999999999999.5 SECONDS",
                true},
           });
}

TEST(ReferenceEvaluatorTest, BindingsAndSingleObservation) {
  const std::vector<observe::Observation> obs =
      Read(Od(R"("0":{"type":"file","name":"a"})", "00:00:00", "", 2) + "\n" +
           Od(R"("0":{"type":"file","name":"b"})", "00:00:10"));
  Result<Pattern> p =
      ParsePattern("[file:name = 'a'] AND ([file:name = 'a'] OR [file:name = 'b'])");
  ASSERT_TRUE(p.ok());
  Result<std::vector<ReferenceBinding>> b = ReferenceBindings(*p, obs);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(*b, (std::vector<ReferenceBinding>{{{0, 1}, {1, 1}}, {{0, 2}}}));

  const uint32_t first_obs = p->node(p->root).children[0];
  EXPECT_EQ(*ReferenceMatchesObservation(*p, first_obs, obs[0]), true);
  EXPECT_EQ(*ReferenceMatchesObservation(*p, first_obs, obs[1]), false);
  EXPECT_FALSE(ReferenceMatchesObservation(*p, p->root, obs[0]).ok());
}

// A prepared pattern answers each question as ReferenceMatchesObservation does, however many
// it is asked and in whatever order, and a question that exhausts the limits does not use up
// the budget of the next.
TEST(ReferenceEvaluatorTest, PreparedAnswersAsEachQuestionAlone) {
  std::vector<observe::Observation> obs;
  for (const char* name : {"alpha.exe", "beta.dll", "a.b", "Alpha.exe", "gamma"}) {
    std::vector<observe::Observation> one =
        Read(Od(std::string(R"("0":{"type":"file","name":")") + name +
                R"("},"1":{"type":"ipv4-addr","value":"198.51.100.)" + std::to_string(obs.size()) +
                R"("})"));
    obs.push_back(std::move(one.at(0)));
  }
  std::string many;  // enough objects to exhaust a small budget
  for (int i = 0; i < 40; ++i) {
    many += (i > 0 ? "," : "") + std::string("\"") + std::to_string(i) +
            R"(":{"type":"file","name":"zzz.dll"})";
  }
  obs.push_back(std::move(Read(Od(many)).at(0)));
  for (const char* text :
       {"[file:name MATCHES '^a.*[.]exe$' AND ipv4-addr:value ISSUBSET '198.51.100.0/30']",
        "[file:name LIKE 'a%' OR file:name = 'gamma']", "[file:name NOT LIKE '%.dll']"}) {
    SCOPED_TRACE(text);
    Result<Pattern> p = ParsePattern(text);
    ASSERT_TRUE(p.ok());
    for (const bool small : {false, true}) {
      const ReferenceLimits limits =
          small ? ReferenceLimits{.max_bindings = 100000, .max_steps = 60} : ReferenceLimits{};
      Result<std::unique_ptr<PreparedReference>> prepared = PreparedReference::Prepare(*p, limits);
      ASSERT_TRUE(prepared.ok());
      int answered = 0, exhausted = 0;
      for (int round = 0; round < 3; ++round) {
        for (size_t k = 0; k < obs.size(); ++k) {
          const observe::Observation& o = obs[(k * 5 + round) % obs.size()];
          Result<bool> expected = ReferenceMatchesObservation(*p, p->root, o, limits);
          Result<bool> got = (*prepared)->MatchesObservation(p->root, o);
          ASSERT_EQ(got.ok(), expected.ok()) << small << " " << k;
          if (expected.ok()) {
            EXPECT_EQ(*got, *expected);
            ++answered;
          } else {
            ++exhausted;
          }
        }
      }
      EXPECT_EQ(answered, small ? 15 : 18);  // the big observation exhausts the small budget
      EXPECT_EQ(exhausted, small ? 3 : 0);
    }
  }
}

TEST(ReferenceEvaluatorTest, InvalidPatternsAndLimits) {
  const std::vector<observe::Observation> obs = Read(Od(R"("0":{"type":"file","name":"a"})"));
  EXPECT_EQ(Eval("[file:name MATCHES '(a)\\\\1']", obs).substr(0, 20), "error: position 23: ");
  EXPECT_EQ(Eval("[file:name = 'a'] REPEATS 0 TIMES", obs),
            "error: position 26: REPEATS needs a count of at least 1");
  // No observations: nothing matches.
  EXPECT_EQ(Eval("[file:name = 'a']", {}), "false");

  // Too many bindings or steps: an error, not an answer.
  std::string many;
  for (int i = 0; i < 30; ++i) many += Od(R"("0":{"type":"file","name":"a"})") + "\n";
  const std::vector<observe::Observation> thirty = Read(many);
  EXPECT_EQ(Eval("[file:name = 'a'] REPEATS 3 TIMES", thirty), "true");
  const std::string r = Eval("[file:name = 'a'] REPEATS 6 TIMES", thirty);
  EXPECT_EQ(r.substr(0, 45), "error: the reference evaluator gave up: the p") << r;
  EXPECT_EQ(
      Eval("[file:name = 'a'] AND [file:name = 'a']", thirty, ReferenceLimits{.max_steps = 100})
          .substr(0, 38),
      "error: the reference evaluator gave up");
  // REPEATS beyond every observation available is decided without enumerating.
  EXPECT_EQ(Eval("[file:name = 'a'] REPEATS 9223372036854775807 TIMES", thirty), "false");
  // LIKE's backtracking is budgeted too.
  const std::vector<observe::Observation> long_value =
      Read(Od(R"("0":{"type":"file","name":")" + std::string(5000, 'a') + R"("})"));
  EXPECT_EQ(Eval("[file:name LIKE '%a%a%a%a%a%a%a%a%a%a%a%b']", long_value,
                 ReferenceLimits{.max_steps = 1000})
                .substr(0, 38),
            "error: the reference evaluator gave up");
}

}  // namespace
}  // namespace concord::pattern
