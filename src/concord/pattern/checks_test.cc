#include "concord/pattern/checks.h"

#include <gtest/gtest.h>

#include <string>

#include "concord/pattern/parser.h"

namespace concord::pattern {
namespace {

// "OK" or the check's message; parse errors are reported as "PARSE <message>".
std::string Check(std::string_view text) {
  Result<Pattern> p = ParsePattern(text);
  if (!p.ok()) return "PARSE " + p.status().message();
  Status s = CheckPattern(*p);
  return s.ok() ? "OK" : s.message();
}

TEST(ChecksTest, ValidPatterns) {
  const char* valid[] = {
      "[file:hashes.'SHA-256' = "
      "'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
      "[email-message:from_ref.value MATCHES '.+\\\\@example\\\\.com$' AND "
      "email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\\\.exe$']",
      "[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
      "[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8']",
      "[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = "
      "'203.0.113.33/32']",
      "[domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = "
      "'198.51.100.1/32']",
      "[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']",
      "[ipv4-addr:value ISSUBSET '192.168.0.1/24']",
      "[ipv4-addr:value ISSUPERSET '10.0.0.1']",
      "[ipv6-addr:value ISSUBSET '::ffff:192.0.2.128/120']",
      "[artifact:payload_bin MATCHES '\\\\xd4\\\\xc3\\\\xb2\\\\xa1']",
      "[artifact:payload_bin = 'text'] AND [artifact:payload_bin = b'AA==']",
      "[x-a:b IN (1, 2.5, -3)] AND [x-a:b IN (b'AA==', h'00')] AND [x-a:b IN ()]",
      "[a-b:c = 1] WITHIN 0.001 SECONDS",
      "[a-b:c = 1] REPEATS 1 TIMES",
      "[a-b:c = 1] START t'2016-01-01T00:00:00Z' STOP t'2016-01-01T00:00:00.000000001Z'",
      "[a-b:c = 1] WITHIN 5 SECONDS REPEATS 2 TIMES START t'2016-01-01T00:00:00Z' STOP "
      "t'2017-01-01T00:00:00Z'",
      "([a-b:c = 1] WITHIN 5 SECONDS) WITHIN 6 SECONDS",
      "([a-b:c = 1] REPEATS 2 TIMES) REPEATS 2 TIMES",
      "[file:id = 'file--00000000-0000-4000-8000-000000000000']",
      "[x-usb-device:usbdrive.serial_number = '575833314133343231313937']",
      "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\foo\\\\bar']",
      "[a-b:c MATCHES '(?i)^abc\\\\d{1,1000}\\\\pL$']",
  };
  for (const char* text : valid) EXPECT_EQ(Check(text), "OK") << text;
}

struct Case {
  const char* pattern;
  const char* message;
};

TEST(ChecksTest, BrokenRules) {
  const Case cases[] = {
      {"[x_whatever:detected = 1]",
       "position 1: the object type 'x_whatever' is not a STIX type name: a type name may "
       "contain only a-z, 0-9 and '-', not '_'"},
      {"[ab:c = 1]",
       "position 1: the object type 'ab' is not a STIX type name: a type name is 3 to 250 "
       "characters long"},
      {"[File:name = 1]",
       "position 1: the object type 'File' is not a STIX type name: a type "
       "name may contain only a-z, 0-9 and '-', not 'F'"},
      {"[1ab:c = 1]", "PARSE position 1: expected a comparison"},
      {"[abc-:c = 1]",
       "position 1: the object type 'abc-' is not a STIX type name: a type name "
       "does not end with '-'"},
      {"[a--b:c = 1]",
       "position 1: the object type 'a--b' is not a STIX type name: a type name "
       "does not contain \"--\""},
      {"[file:Name = 1]",
       "position 6: 'Name' is not a STIX property name: a property name may "
       "contain only a-z, 0-9 and '_', not 'N'"},
      {"[file:_name = 1]",
       "position 6: '_name' is not a STIX property name: a property name begins with a letter "
       "a-z"},
      {"[file:'na me' = 1]",
       "position 6: 'na me' is not a STIX property name: a property name "
       "may contain only a-z, 0-9 and '_', not ' '"},
      {"[file:hashes.'SHA 256' = 'x']",
       "position 13: 'SHA 256' is not a STIX dictionary key: a dictionary key may contain only "
       "a-z, A-Z, 0-9, '-' and '_', not ' '"},
      {"[file:hashes.'' = 'x']",
       "position 13: '' is not a STIX dictionary key: a dictionary key "
       "is 1 to 250 characters long"},
      {"[artifact:payload_bin = 5]",
       "position 24: 'payload_bin' is a binary property (its name ends in _bin or _hex): compare "
       "it with b'...', h'...' or a string, not a number"},
      {"[file:magic_number_hex > t'2016-01-01T00:00:00Z']",
       "position 25: 'magic_number_hex' is a binary property"},
      {"[artifact:payload_bin IN (b'AA==', true)]",
       "position 35: 'payload_bin' is a binary property (its name ends in _bin or _hex): compare "
       "it with b'...', h'...' or a string, not a boolean"},
      {"[a-b:c IN (1, 'a')]",
       "position 14: the values of an IN list must all have one type (integers and floats may "
       "be mixed): this one is a string, the first is a number"},
      {"[a-b:c IN (b'AA==', 'a')]", "position 20: the values of an IN list must all have one type"},
      {"[ipv4-addr:value ISSUBSET '10.0.0.0/33']",
       "position 26: '10.0.0.0/33' is not an IPv4 or IPv6 address or CIDR block (such as "
       "'198.51.100.0/24' or '2001:db8::/32')"},
      {"[ipv4-addr:value ISSUPERSET 'example.com']", "position 28: 'example.com' is not an IPv4"},
      {"[ipv4-addr:value ISSUBSET '010.0.0.1']", "position 26: '010.0.0.1' is not an IPv4"},
      {"[ipv6-addr:value ISSUBSET '1::2::3']", "position 26: '1::2::3' is not an IPv4"},
      // RE2 is not PCRE: backreferences and lookaround fail, at the offending part.
      {"[a-b:c MATCHES '(a)\\\\1']",
       "position 19: the regular expression is not valid on RE2 (PCRE backreferences, "
       "lookaround, atomic groups and possessive quantifiers are not supported): invalid escape "
       "sequence"},
      {"[a-b:c MATCHES 'x(?=y)']", "position 17: the regular expression is not valid on RE2"},
      {"[a-b:c MATCHES 'x(?<!y)']", "position 17: the regular expression is not valid on RE2"},
      {"[a-b:c MATCHES 'a{1001}']", "position 17: the regular expression is not valid on RE2"},
      {"[a-b:c MATCHES '(']", "position 16: the regular expression is not valid on RE2"},
      {"[a-b:c MATCHES 'ab\\\\Z']", "position 18: the regular expression is not valid on RE2"},
      {"[a-b:c = 1] WITHIN 0 SECONDS", "position 19: WITHIN needs a positive number of seconds"},
      {"[a-b:c = 1] WITHIN -5 SECONDS", "position 19: WITHIN needs a positive number of seconds"},
      {"[a-b:c = 1] WITHIN 0.0 SECONDS", "position 19: WITHIN needs a positive number"},
      {"[a-b:c = 1] REPEATS 0 TIMES", "position 20: REPEATS needs a count of at least 1"},
      {"[a-b:c = 1] REPEATS -2 TIMES", "position 20: REPEATS needs a count of at least 1"},
      {"[a-b:c = 1] START t'2016-01-01T00:00:00Z' STOP t'2016-01-01T00:00:00Z'",
       "position 18: START must be earlier than STOP (the window is [START, STOP))"},
      {"[a-b:c = 1] START t'2017-01-01T00:00:00Z' STOP t'2016-01-01T00:00:00Z'",
       "position 18: START must be earlier than STOP"},
      {"[a-b:c = t'0000-01-01T00:00:00+00:01']",
       "position 9: the timestamp is outside the years 0000-9999 once converted to UTC"},
      {"[a-b:c = 1] WITHIN 5 SECONDS WITHIN 6 SECONDS",
       "position 29: a second WITHIN qualifier on the same observation expression; put the "
       "expression and its first qualifier in parentheses to apply both"},
      {"([a-b:c = 1] REPEATS 2 TIMES REPEATS 3 TIMES)",
       "position 29: a second REPEATS qualifier on the same observation expression"},
      {"[a-b:c = 1] START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z' START "
       "t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z'",
       "position 79: a second START/STOP qualifier"},
      // The first problem in source order wins.
      {"[ab:c = 1 AND a-b:c IN (1, 'x')] WITHIN 0 SECONDS", "position 1: the object type 'ab'"},
  };
  for (const Case& c : cases) {
    const std::string got = Check(c.pattern);
    EXPECT_EQ(got.substr(0, std::string(c.message).size()), c.message) << c.pattern;
  }
}

TEST(ChecksTest, BinaryPropertyNames) {
  EXPECT_TRUE(IsBinaryPropertyName("payload_bin"));
  EXPECT_TRUE(IsBinaryPropertyName("magic_number_hex"));
  EXPECT_FALSE(IsBinaryPropertyName("_bin"));
  EXPECT_FALSE(IsBinaryPropertyName("binary"));
  EXPECT_FALSE(IsBinaryPropertyName("MD5"));
}

}  // namespace
}  // namespace concord::pattern
