#include "concord/pattern/engine/random_pattern.h"

#include <cstdio>
#include <map>

namespace concord::pattern::engine::testing {
namespace {

// Values shared by patterns and observations (UTF-8).
const std::vector<std::string> kStrings = {"a",
                                           "ab",
                                           "abc",
                                           "A",
                                           "",
                                           "example.com",
                                           "a.example.com",
                                           "b.a.example.com",
                                           "evil.org",
                                           "xexample.com",
                                           ".example.com",
                                           "10.0.0.1",
                                           "10.1.2.3",
                                           "192.168.1.1",
                                           "10.0.0.0/8",
                                           "10.0.0.0/16",
                                           "0.0.0.0/0",
                                           "2001:db8::1",
                                           "2001:db8::/32",
                                           "::1",
                                           "caf\xC3\xA9",   // café, NFC
                                           "cafe\xCC\x81",  // café, NFD
                                           "50%_off",
                                           "http://evil.org/x",
                                           "GET",
                                           "tcp",
                                           "2016-05-12T08:17:27Z",
                                           "2016-05-12T08:17:27.000Z",
                                           "2016-05-12T09:17:27+01:00",
                                           "aGVsbG8=",
                                           "ffd8",
                                           "hello",
                                           "\xC3\xBF",  // ÿ
                                           "a\nb",
                                           "01.2.3.4",
                                           "68656c6c6f",
                                           "/w=="};

const std::vector<std::string> kIps4 = {"10.0.0.1",    "10.1.2.3",  "192.168.1.1", "10.0.0.0/8",
                                        "10.0.0.0/16", "0.0.0.0/0", "10.0.0.1/32", "1.2.3.4",
                                        "01.2.3.4",    "abc"};
const std::vector<std::string> kIps6 = {"2001:db8::1",   "2001:db8::/32",   "::1",
                                        "2001:db8::/48", "::ffff:10.0.0.1", "2001:db8:0:0:0:0:0:1"};
const std::vector<std::string> kDomains = {"example.com",     "a.example.com",   "b.a.example.com",
                                           "evil.org",        "xexample.com",    ".example.com",
                                           "caf\xC3\xA9.org", "cafe\xCC\x81.org"};
const std::vector<std::string> kLikes = {
    "%.example.com",
    "%example.com",
    "a%",
    "%com",
    "%",
    "%%",
    "_",
    "a_c",
    "%a%",
    "caf_",
    "caf\xC3\xA9",   // NFC
    "cafe\xCC\x81",  // NFD: equal to the NFC form after normalisation
    "caf\xC3\xA9%",
    "%.org",
    "10.%",
    "%_off",
    "50%",
    "",
    "a.example.com",
    "http://%",
    "%b",
    "\xC3\xBF",
    "_\n_",
    "%.a.example.com",
    "x%",
    "%evil%"};
const std::vector<std::string> kRegexes = {
    "^a",          "b$",           "ex.*com", "^[0-9.]+$",  "\\d",      "(?i)ABC",
    "caf\xC3\xA9", "cafe\xCC\x81", "^.$",     "^\xC3\xBF$", "hel+o",    "^$",
    "org",         "\\.",          "^10\\.",  "x{2,}",      "[a-c]{3}", "(a|b)c"};
const std::vector<std::string> kCidrs = {
    "10.0.0.0/8", "10.0.0.1",  "10.0.0.0/16", "192.168.0.0/16", "2001:db8::/32",
    "::1",        "0.0.0.0/0", "10.1.2.3/32", "::/0",           "2001:db8::1/128"};

struct Type {
  std::string name;
  std::vector<std::string> paths;                               // in pattern syntax
  std::vector<std::pair<std::string, std::string>> properties;  // (name, value kind)
};

const std::vector<Type>& Types() {
  static const std::vector<Type> types = {
      {"ipv4-addr",
       {"value", "resolves_to_refs[*]", "resolves_to_refs[0].value", "resolves_to_refs[*].value",
        "missing"},
       {{"value", "ip4"}, {"resolves_to_refs", "refs"}}},
      {"ipv6-addr", {"value"}, {{"value", "ip6"}}},
      {"domain-name",
       {"value", "resolves_to_refs[*].value"},
       {{"value", "domain"}, {"resolves_to_refs", "refs"}}},
      {"url", {"value"}, {{"value", "str"}}},
      {"file",
       {"name", "size", "hashes.MD5", "hashes.'SHA-256'", "magic_number_hex", "ctime",
        "parent_directory_ref.path", "parent_directory_ref", "payload_bin"},
       {{"name", "str"},
        {"size", "num"},
        {"hashes", "hashes"},
        {"magic_number_hex", "hex"},
        {"ctime", "ts"},
        {"parent_directory_ref", "ref"},
        {"payload_bin", "bin"}}},
      {"directory", {"path"}, {{"path", "str"}}},
      {"network-traffic",
       {"src_ref.value", "dst_ref.value", "dst_ref", "src_port", "dst_port", "protocols[*]",
        "protocols[0]", "protocols[1]", "is_active", "extensions.'http-request-ext'.request_method",
        "dst_ref.resolves_to_refs[*].value"},
       {{"src_ref", "ref"},
        {"dst_ref", "ref"},
        {"src_port", "num"},
        {"dst_port", "num"},
        {"protocols", "list"},
        {"is_active", "bool"},
        {"extensions", "ext"}}},
      {"email-message",
       {"from_ref.value", "to_refs[*].value", "to_refs[0].value", "subject", "is_multipart",
        "to_refs[*]"},
       {{"from_ref", "ref"}, {"to_refs", "refs"}, {"subject", "str"}, {"is_multipart", "bool"}}},
      {"email-addr", {"value"}, {{"value", "str"}}},
      {"x-thing",
       {"str", "num", "flt", "yes", "list[*]", "list[0]", "list", "obj.k", "obj", "payload_bin",
        "magic_hex", "nested[*][*]", "nested[0][1]", "ts", "nul", "missing"},
       {{"str", "str"},
        {"num", "num"},
        {"flt", "num"},
        {"yes", "bool"},
        {"list", "list"},
        {"obj", "obj"},
        {"payload_bin", "bin"},
        {"magic_hex", "hex"},
        {"nested", "nested"},
        {"ts", "ts"},
        {"nul", "null"}}},
  };
  return types;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// A STIX pattern string literal: quote and backslash escaped.
std::string PatternString(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string Time(int second, int millis = 0) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "2020-01-01T00:%02d:%02d.%03dZ", second / 60, second % 60,
                millis);
  return buf;
}

}  // namespace

void RandomPatterns::ChooseCaseTypes() {
  // A case draws on a few object types, so that patterns and observations meet.
  case_types_.clear();
  const size_t n = 1 + Pick(3);
  for (size_t i = 0; i < n; ++i)
    case_types_.push_back(Chance(0.5) ? Pick(4) : Pick(Types().size()));
}

std::string RandomPatterns::Pattern() {
  // Comparisons mostly name one or two object types, as real patterns do, so that AND needs one
  // object to satisfy several comparisons.
  if (case_types_.empty()) ChooseCaseTypes();
  focus_.clear();
  focus_.push_back(PickOf(case_types_));
  if (Chance(0.4)) focus_.push_back(PickOf(case_types_));
  return ObservationExpression(0);
}

std::string RandomPatterns::ObservationExpression(int depth) {
  std::string out;
  if (depth >= 2 || Chance(0.55)) {
    out = "[" + ComparisonExpression() + "]";
  } else {
    static const std::vector<std::string> ops = {" AND ", " OR ", " FOLLOWEDBY "};
    const std::string& op = PickOf(ops);
    const int n = Chance(0.8) ? 2 : 3;
    for (int i = 0; i < n; ++i) {
      if (i > 0) out += Chance(0.8) ? op : PickOf(ops);
      out += ObservationExpression(depth + 1);
    }
    if (Chance(0.6) || depth > 0) out = "(" + out + ")";
  }
  if (Chance(0.3)) {
    switch (Pick(3)) {
      case 0: {
        static const std::vector<std::string> secs = {"1", "2", "5", "0.5", "10", "30", "3.25"};
        out += " WITHIN " + PickOf(secs) + " SECONDS";
        break;
      }
      case 1:
        out += " REPEATS " + std::to_string(2 + Pick(2)) + " TIMES";
        break;
      default: {
        const int start = static_cast<int>(Pick(8));
        const int stop = start + 1 + static_cast<int>(Pick(15));
        // Now and then the STIX 2.0 form: plain strings holding the timestamps.
        const char* quote = Chance(0.2) ? "'" : "t'";
        out += std::string(" START ") + quote + Time(start) + "' STOP " + quote + Time(stop) + "'";
        break;
      }
    }
    if (Chance(0.3)) out = "(" + out + ")";
  }
  return out;
}

std::string RandomPatterns::ComparisonExpression(int depth) {
  if (depth >= 3 || Chance(0.5)) return Comparison();
  const std::string op = Chance(0.5) ? " AND " : " OR ";
  const int n = 2 + static_cast<int>(Pick(2));
  std::string out;
  for (int i = 0; i < n; ++i) {
    if (i > 0) out += op;
    out += ComparisonExpression(depth + 1);
  }
  return Chance(0.5) || depth > 0 ? "(" + out + ")" : out;
}

std::string RandomPatterns::Comparison() {
  const Type& type =
      Types()[!focus_.empty() && Chance(0.85) ? PickOf(focus_) : Pick(Types().size())];
  const std::string path = type.name + ":" + PickOf(type.paths);
  if (Chance(0.08)) return "EXISTS " + path;
  static const std::vector<std::string> ops = {"=",  "!=", "<",          "<=",      ">",
                                               ">=", "IN", "LIKE",       "MATCHES", "ISSUBSET",
                                               "=",  "=",  "ISSUPERSET", "LIKE",    "IN"};
  const std::string& op = PickOf(ops);
  const std::string negation = Chance(0.15) ? "NOT " : "";
  return path + " " + negation + op + " " + Literal(op);
}

std::string RandomPatterns::ScalarLiteral(int kind) {
  if (kind < 0) kind = static_cast<int>(Pick(12));
  switch (kind) {
    case 0:
    case 1: {
      static const std::vector<std::string> ints = {
          "0", "1", "5", "-3", "80", "443", "9007199254740993", "+5"};
      return PickOf(ints);
    }
    case 2: {
      static const std::vector<std::string> floats = {"5.0", "2.5", "-0.0",
                                                      "0.5", ".5",  "9007199254740992.0"};
      return PickOf(floats);
    }
    case 3:
      return Chance(0.5) ? "true" : "false";
    case 4: {
      static const std::vector<std::string> ts = {
          "t'2016-05-12T08:17:27Z'", "t'2016-05-12T08:17:27.000Z'", "t'2016-05-12T08:17:28Z'",
          "t'2016-05-12T09:17:27+01:00'"};
      return PickOf(ts);
    }
    case 5: {
      static const std::vector<std::string> bins = {"b'aGVsbG8='", "h'ffd8'", "h'68656c6c6f'",
                                                    "b'/w=='", "h'FF'"};
      return PickOf(bins);
    }
    default:
      return PatternString(PickOf(kStrings));
  }
}

std::string RandomPatterns::Literal(const std::string& op) {
  if (op == "LIKE") return PatternString(PickOf(kLikes));
  if (op == "MATCHES") return PatternString(PickOf(kRegexes));
  if (op == "ISSUBSET" || op == "ISSUPERSET") {
    return PatternString(Chance(0.03) ? std::string("not-an-ip") : PickOf(kCidrs));
  }
  if (op == "IN") {
    // One kind of value (integers and floats may mix); now and then a mixed list, which
    // CheckPattern refuses.
    const size_t n = Pick(5);
    const int kind = static_cast<int>(Pick(12));
    std::string out = "(";
    for (size_t i = 0; i < n; ++i) {
      if (i > 0) out += ", ";
      out += ScalarLiteral(Chance(0.97) ? (kind == 2 && Chance(0.5) ? 0 : kind) : -1);
    }
    return out + ")";
  }
  std::string l = ScalarLiteral(-1);
  if (op != "=" && op != "!=") {
    for (int tries = 0; tries < 20 && (l == "true" || l == "false"); ++tries) {
      l = ScalarLiteral(-1);
    }
  }
  return l;
}

std::string RandomPatterns::JsonValue(int depth) {
  switch (Pick(depth > 1 ? 8 : 11)) {
    case 0:
      return std::to_string(static_cast<int>(Pick(7)) - 3);
    case 1:
      return Chance(0.5) ? "5.0" : "2.5";
    case 2:
      return Chance(0.5) ? "true" : "false";
    case 3:
      return "null";
    case 8:
    case 9: {
      std::string out = "[";
      const size_t n = Pick(4);
      for (size_t i = 0; i < n; ++i) out += (i ? "," : "") + JsonValue(depth + 1);
      return out + "]";
    }
    case 10:
      return "{\"k\":" + JsonValue(depth + 1) + "}";
    default:
      return JsonString(PickOf(kStrings));
  }
}

std::string RandomPatterns::Object(const std::string& type_name,
                                   const std::vector<std::string>& refs) {
  const Type* type = nullptr;
  for (const Type& t : Types()) {
    if (t.name == type_name) type = &t;
  }
  std::string out = "\"type\":" + JsonString(type_name);
  auto ref = [&]() { return JsonString(refs.empty() || Chance(0.1) ? "dangling" : PickOf(refs)); };
  for (const auto& [name, kind] : type->properties) {
    if (Chance(0.2)) continue;
    std::string v;
    if (Chance(0.08)) {
      v = JsonValue(0);  // anything at all
    } else if (kind == "ip4") {
      v = JsonString(PickOf(kIps4));
    } else if (kind == "ip6") {
      v = JsonString(PickOf(kIps6));
    } else if (kind == "domain") {
      v = JsonString(PickOf(kDomains));
    } else if (kind == "str") {
      v = JsonString(Chance(0.3) ? PickOf(kDomains) : PickOf(kStrings));
    } else if (kind == "num") {
      static const std::vector<std::string> nums = {"0",   "1",   "5",    "5.0",
                                                    "-3",  "80",  "443",  "9007199254740993",
                                                    "2.5", "1e3", "-0.0", "9007199254740992"};
      v = PickOf(nums);
    } else if (kind == "bool") {
      v = Chance(0.5) ? "true" : "false";
    } else if (kind == "ts") {
      static const std::vector<std::string> ts = {
          "2016-05-12T08:17:27Z", "2016-05-12T08:17:27.000Z", "2016-05-12T09:17:27+01:00",
          "2016-05-12T08:17:28Z", "not a time"};
      v = JsonString(PickOf(ts));
    } else if (kind == "bin") {
      static const std::vector<std::string> b = {"aGVsbG8=", "/w==", "!!!", "", "ffd8"};
      v = JsonString(PickOf(b));
    } else if (kind == "hex") {
      static const std::vector<std::string> h = {"ffd8", "68656c6c6f", "FF", "xyz", "f"};
      v = JsonString(PickOf(h));
    } else if (kind == "hashes") {
      static const std::vector<std::string> h = {"abc", "ffd8", "a", "hello"};
      v = "{\"MD5\":" + JsonString(PickOf(h)) + ",\"SHA-256\":" + JsonString(PickOf(h)) + "}";
    } else if (kind == "ref") {
      v = ref();
    } else if (kind == "refs") {
      v = "[";
      const size_t n = Pick(3);
      for (size_t i = 0; i < n; ++i) v += (i ? "," : "") + ref();
      v += "]";
    } else if (kind == "list") {
      static const std::vector<std::string> l = {"tcp", "udp", "a", "GET", "ab"};
      v = "[";
      const size_t n = Pick(4);
      for (size_t i = 0; i < n; ++i)
        v += (i ? "," : "") + (Chance(0.8) ? JsonString(PickOf(l)) : JsonValue(1));
      v += "]";
    } else if (kind == "obj") {
      v = "{\"k\":" + (Chance(0.7) ? JsonString(PickOf(kStrings)) : JsonValue(1)) + "}";
    } else if (kind == "nested") {
      v = "[[1,2],[3],[\"a\",5.0]]";
      if (Chance(0.5)) v = "[[" + JsonValue(2) + "," + JsonValue(2) + "]]";
    } else if (kind == "ext") {
      static const std::vector<std::string> m = {"GET", "POST", "get"};
      v = "{\"http-request-ext\":{\"request_method\":" + JsonString(PickOf(m)) +
          ",\"request_value\":\"/x\"}}";
    } else if (kind == "null") {
      v = "null";
    } else {
      v = JsonValue(0);
    }
    out += "," + JsonString(name) + ":" + v;
  }
  return "{" + out + "}";
}

std::string RandomPatterns::Observations(int count) {
  std::string out = "[";
  int id_counter = 0;
  for (int o = 0; o < count; ++o) {
    const int first = static_cast<int>(Pick(20));
    const int last = first + (Chance(0.6) ? 0 : static_cast<int>(Pick(4)));
    const int n = Chance(0.7) ? 1 : 2 + static_cast<int>(Pick(2));
    const bool v21 = Chance(0.5);
    const size_t objects = 1 + Pick(4);
    // One or two object types per observation, often several objects of one type.
    if (case_types_.empty()) ChooseCaseTypes();
    std::vector<size_t> kinds = {PickOf(case_types_)};
    if (Chance(0.5)) kinds.push_back(PickOf(case_types_));
    std::vector<std::string> types;
    for (size_t i = 0; i < objects; ++i) {
      types.push_back(Types()[Chance(0.85) ? PickOf(kinds) : Pick(Types().size())].name);
    }
    std::vector<std::string> keys;
    for (size_t i = 0; i < objects; ++i) {
      if (v21) {
        char buf[80];
        std::snprintf(buf, sizeof(buf), "%s--00000000-0000-4000-8000-%012d", types[i].c_str(),
                      ++id_counter);
        keys.push_back(buf);
      } else {
        keys.push_back(std::to_string(i));
      }
    }
    std::string od = "{\"type\":\"observed-data\",\"first_observed\":\"" + Time(first) +
                     "\",\"last_observed\":\"" + Time(last) +
                     "\",\"number_observed\":" + std::to_string(n);
    if (v21) {
      char buf[80];
      std::snprintf(buf, sizeof(buf), "observed-data--00000000-0000-4000-8000-%012d", ++id_counter);
      od += ",\"id\":\"" + std::string(buf) + "\",\"object_refs\":[";
      // Some objects are named directly, the rest only reached through references.
      bool any = false;
      for (size_t i = 0; i < objects; ++i) {
        if (i > 0 && Chance(0.3)) continue;
        od += (any ? "," : "") + JsonString(keys[i]);
        any = true;
      }
      od += "]}";
      for (size_t i = 0; i < objects; ++i) {
        std::string obj = Object(types[i], keys);
        obj.insert(1, "\"id\":" + JsonString(keys[i]) + ",");
        out += obj + ",";
      }
    } else {
      od += ",\"objects\":{";
      for (size_t i = 0; i < objects; ++i) {
        od += (i ? "," : "") + JsonString(keys[i]) + ":" + Object(types[i], keys);
      }
      od += "}}";
    }
    out += od + (o + 1 < count ? "," : "");
  }
  if (out.back() == ',') out.pop_back();
  return out + "]";
}

}  // namespace concord::pattern::engine::testing
