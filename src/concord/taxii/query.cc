#include "concord/taxii/query.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "concord/base/ascii.h"
#include "concord/stix/validator.h"
#include "concord/stix/value_rules.h"

// Decisions on what query.h leaves open:
//
// Media types (ReadAccept, IsTaxiiContentType)
//  - A blank Accept (only spaces and tabs) counts as absent: 2.1 is acceptable. An Accept made of
//    nothing but empty or malformed members admits nothing: 406.
//  - Precedence follows RFC 9110 section 12.5.1: the most specific range that matches
//    application/taxii+json;version=2.1 decides, in the order
//      application/taxii+json;version=2.1  >  application/taxii+json  >  application/*  >  */*
//    and it admits 2.1 when its weight is above 0. So "application/taxii+json;version=2.1;q=0, */*"
//    is 406 (the explicit exclusion wins over the wildcard), and "application/taxii+json;
//    version=2.0, */*;q=0.1" is acceptable (the client takes anything). Between equally specific
//    ranges the lowest weight counts: a repeated range with q=0 excludes.
//  - Parameters other than version (and q in Accept) are ignored; a range with two version or two
//    q parameters, a q that is not an RFC 9110 qvalue (0, 0.5, 1.000; at most three decimals),
//    "*/subtype", a parameter without '=' or with an empty value, and characters outside the
//    RFC 9110 token and quoted-string grammars make a member malformed. Quoted values have their
//    backslash escapes undone ("2.1" and "\2.1" both read 2.1). Commas and semicolons inside
//    quoted strings do not separate anything.
//  - Content-Type is one media type: a list (a comma outside quotes) is refused.
//
// Queries (ParseObjectQuery)
//  - Pairs are separated by '&' only (not ';'). Empty pairs ("a=1&&b=2", a trailing '&') are
//    skipped. A pair without '=' is an error naming the parameter.
//  - Names and values are percent-decoded (RFC 3986 section 2.1; '+' is a space, as HTML forms
//    write it) before anything else: clients encode the brackets, so "match%5Btype%5D" is
//    match[type]. '%' not followed by two hexadecimal digits (including a '%' at the end) is an
//    error, and so is a decoded NUL byte. Names are matched exactly (lowercase, as TAXII writes
//    them); an unknown name is an error, not ignored.
//  - A value is decoded before it is split at ',': "%2C" separates list items like ','. Items are
//    not trimmed; an empty item (",a", "a,,b", "a,") is an error.
//  - match[version] keywords are lowercase (first, last, all); a timestamp there is a STIX version
//    (stix::VersionKey: RFC 3339 in UTC with 'Z', any number of fraction digits). added_after is
//    read the same way (ParseTimestamp's defaults: "YYYY-MM-DDTHH:MM:SS[.fraction]Z", 'T'/'Z' in
//    either case, no numeric offsets, fractions beyond nanoseconds truncated), as TAXII 2.1
//    section 1.6.6 (timestamp) requires. Note that a literal '+' in a query is a space.
//  - Lists are kept as given: duplicates are not removed (the store treats them as a union).
//  - limit: ASCII digits only (no sign, no spaces), at least one of them not 0; leading zeros are
//    allowed. Any value above max_page, however many digits, is clamped to max_page. When limit
//    is absent, default_page applies, itself kept within 1..max_page (a max_page of 0 counts as 1).
//  - next is opaque but must be printable ASCII without spaces (0x21-0x7e): every cursor Concord
//    hands out is, and this keeps control bytes out of the store's own messages.
//  - Errors about a value start with the parameter's name ("limit: ..."); user text is quoted by
//    QuoteForMessage (base/ascii.h: at most 60 bytes, '"' and '\' escaped, other bytes outside
//    printable ASCII written \xNN), so no query can end a quote, start a log line or carry
//    terminal escapes.

namespace concord::taxii {
namespace {

// ---------------------------------------------------------------------------------------------
// Messages

// Why `text` is not a timestamp: `status` (from ParseTimestamp, directly or via
// stix::VersionKey) without its opening echo of `text`, which is not escaped. "" when the message
// does not have the expected shape (then nothing of it is used).
std::string TimestampProblem(std::string_view text, const Status& status) {
  std::string echo = "\"";
  echo.append(text.substr(0, 64));
  if (text.size() > 64) echo += "...";
  echo += "\" is not an RFC 3339 timestamp (YYYY-MM-DDTHH:MM:SS[.fraction]Z): ";
  const std::string& message = status.message();
  if (message.size() > echo.size() && message.compare(0, echo.size(), echo) == 0) {
    return message.substr(echo.size());
  }
  return {};
}

std::string NotATimestamp(std::string_view name, std::string_view text, const Status& status) {
  std::string message = std::string(name) + ": " + QuoteForMessage(text) +
                        " is not an RFC 3339 timestamp (YYYY-MM-DDTHH:MM:SS[.fraction]Z)";
  const std::string problem = TimestampProblem(text, status);
  if (!problem.empty()) message += ": " + problem;
  return message;
}

// ---------------------------------------------------------------------------------------------
// Media types (RFC 9110 sections 5.6 and 8.3.1)

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// tchar (RFC 9110 section 5.6.2).
bool IsTokenChar(char c) {
  if (IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsTokenChar);
}

// qdtext and the byte after '\' in a quoted-pair: HTAB, SP, visible ASCII and obs-text.
bool IsQuotedTextChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == '\t' || (u >= 0x20 && u != 0x7f);
}

// Calls fn on each piece of `s` between the separators `sep` that are outside double-quoted
// strings (in which '\' escapes the next byte). An unterminated quote runs to the end of `s`.
template <typename Fn>
void SplitOutsideQuotes(std::string_view s, char sep, Fn fn) {
  size_t start = 0;
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (quoted) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == sep) {
      fn(s.substr(start, i - start));
      start = i + 1;
    }
  }
  fn(s.substr(std::min(start, s.size())));
}

// A parameter value: a token, or a quoted-string with its escapes undone. False when neither.
bool ReadParameterValue(std::string_view v, std::string* out) {
  out->clear();
  if (v.empty()) return false;
  if (v.front() != '"') {
    if (!IsToken(v)) return false;
    out->assign(v);
    return true;
  }
  if (v.size() < 2 || v.back() != '"') return false;
  for (size_t i = 1; i + 1 < v.size(); ++i) {
    char c = v[i];
    if (c == '\\') {
      if (i + 2 >= v.size()) return false;  // the closing quote is escaped
      c = v[++i];
    } else if (c == '"') {
      return false;
    }
    if (!IsQuotedTextChar(c)) return false;
    out->push_back(c);
  }
  return true;
}

// A weight (RFC 9110 section 12.4.2) in thousandths: "0" [ "." 0*3DIGIT ] / "1" [ "." 0*3"0" ].
bool ReadQvalue(std::string_view s, int* thousandths) {
  if (s.empty() || s.size() > 5 || (s[0] != '0' && s[0] != '1')) return false;
  int q = (s[0] - '0') * 1000;
  if (s.size() > 1) {
    if (s[1] != '.') return false;
    int scale = 100;
    for (size_t i = 2; i < s.size(); ++i) {
      if (!IsDigit(s[i])) return false;
      q += (s[i] - '0') * scale;
      scale /= 10;
    }
  }
  if (q > 1000) return false;
  *thousandths = q;
  return true;
}

// One media range or media type with the parameters Concord looks at.
struct MediaRange {
  std::string_view type;
  std::string_view subtype;
  bool has_version = false;
  std::string version;  // unquoted
  int q = 1000;         // thousandths; only read when `weighted`
};

// Parses one member ("type/subtype *( OWS ; OWS [ name = value ] )"), blanks around it, ';' and
// '=' allowed. With `weighted`, a q parameter is the member's weight and must be a qvalue;
// otherwise q is an ordinary parameter. False when malformed.
bool ParseMediaRange(std::string_view member, bool weighted, MediaRange* out) {
  *out = MediaRange();
  bool first = true;
  bool ok = true;
  bool has_q = false;
  std::string value;
  SplitOutsideQuotes(member, ';', [&](std::string_view piece) {
    if (!ok) return;
    piece = TrimBlanks(piece);
    if (first) {
      first = false;
      const size_t slash = piece.find('/');
      if (slash == std::string_view::npos) {
        ok = false;
        return;
      }
      out->type = piece.substr(0, slash);
      out->subtype = piece.substr(slash + 1);
      ok =
          IsToken(out->type) && IsToken(out->subtype) && !(out->type == "*" && out->subtype != "*");
      return;
    }
    if (piece.empty()) return;  // "a/b;;c=d" is allowed
    const size_t eq = piece.find('=');
    if (eq == std::string_view::npos) {
      ok = false;
      return;
    }
    const std::string_view name = TrimBlanks(piece.substr(0, eq));
    if (!IsToken(name) || !ReadParameterValue(TrimBlanks(piece.substr(eq + 1)), &value)) {
      ok = false;
      return;
    }
    if (weighted && EqualsIgnoreAsciiCase(name, "q")) {
      ok = !has_q && ReadQvalue(value, &out->q);
      has_q = true;
    } else if (EqualsIgnoreAsciiCase(name, "version")) {
      ok = !out->has_version;
      out->has_version = true;
      out->version = value;
    }
  });
  return ok && !first;
}

bool IsTaxiiJson(const MediaRange& r) {
  return EqualsIgnoreAsciiCase(r.type, "application") &&
         EqualsIgnoreAsciiCase(r.subtype, "taxii+json");
}

// How specifically `r` names application/taxii+json;version=2.1: 3 with version=2.1, 2 for the
// unversioned type (the latest version, 2.1), 1 for application/*, 0 for */*, -1 when it does not
// match it at all.
int Specificity(const MediaRange& r) {
  if (r.type == "*") return 0;  // "*/*": ParseMediaRange refuses "*/subtype"
  if (!EqualsIgnoreAsciiCase(r.type, "application")) return -1;
  if (r.subtype == "*") return 1;
  if (!IsTaxiiJson(r)) return -1;
  if (!r.has_version) return 2;
  return r.version == "2.1" ? 3 : -1;
}

// ---------------------------------------------------------------------------------------------
// Queries

enum Param : unsigned {
  kAddedAfter = 1u << 0,
  kLimit = 1u << 1,
  kNext = 1u << 2,
  kMatchId = 1u << 3,
  kMatchType = 1u << 4,
  kMatchVersion = 1u << 5,
  kMatchSpecVersion = 1u << 6,
};
constexpr unsigned kOnce = kAddedAfter | kLimit | kNext;  // may be given once

struct ParamName {
  std::string_view name;
  Param param;
};
constexpr ParamName kParamNames[] = {
    {"added_after", kAddedAfter},
    {"limit", kLimit},
    {"next", kNext},
    {"match[id]", kMatchId},
    {"match[type]", kMatchType},
    {"match[version]", kMatchVersion},
    {"match[spec_version]", kMatchSpecVersion},
};

struct EndpointRules {
  unsigned accepted;
  std::string_view description;  // completes "this endpoint (...)"
};

EndpointRules RulesFor(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::kObjects:
      return {kOnce | kMatchId | kMatchType | kMatchVersion | kMatchSpecVersion,
              "GET .../objects/ takes added_after, limit, next, match[id], match[type], "
              "match[version] and match[spec_version]"};
    case Endpoint::kManifest:
      return {kOnce | kMatchId | kMatchType | kMatchVersion | kMatchSpecVersion,
              "GET .../manifest/ takes added_after, limit, next, match[id], match[type], "
              "match[version] and match[spec_version]"};
    case Endpoint::kObject:
      return {kOnce | kMatchVersion | kMatchSpecVersion,
              "GET .../objects/{object-id}/ takes added_after, limit, next, match[version] and "
              "match[spec_version]"};
    case Endpoint::kVersions:
      return {kOnce | kMatchSpecVersion,
              "GET .../objects/{object-id}/versions/ takes added_after, limit, next and "
              "match[spec_version]"};
    case Endpoint::kDelete:
      return {kMatchVersion | kMatchSpecVersion,
              "DELETE .../objects/{object-id}/ takes match[version] and match[spec_version]"};
  }
  return {0, "this endpoint takes no parameters"};  // not reached for valid enumerators
}

int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

enum class DecodeError { kNone, kBadEscape, kNul };

// Percent-decodes `in` into `out`, '+' as a space. On an error sets *at to the offset in `in` of
// the offending '%'.
DecodeError PercentDecode(std::string_view in, std::string* out, size_t* at) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      out->push_back(' ');
    } else if (c != '%') {
      if (c == '\0') {
        *at = i;
        return DecodeError::kNul;
      }
      out->push_back(c);
    } else {
      const int hi = i + 1 < in.size() ? HexValue(in[i + 1]) : -1;
      const int lo = i + 2 < in.size() ? HexValue(in[i + 2]) : -1;
      *at = i;
      if (hi < 0 || lo < 0) return DecodeError::kBadEscape;
      if (hi == 0 && lo == 0) return DecodeError::kNul;
      out->push_back(static_cast<char>(hi << 4 | lo));
      i += 2;
    }
  }
  return DecodeError::kNone;
}

// The text of the escape at `at` for a message: '%' and at most two following bytes.
std::string EscapeAt(std::string_view in, size_t at) { return QuoteForMessage(in.substr(at, 3)); }

Status DecodeName(std::string_view raw, std::string* name) {
  size_t at = 0;
  switch (PercentDecode(raw, name, &at)) {
    case DecodeError::kNone:
      return Status::Ok();
    case DecodeError::kBadEscape:
      return InvalidArgument("parameter name " + QuoteForMessage(raw) +
                             ": malformed percent escape " + EscapeAt(raw, at) + " at byte " +
                             std::to_string(at) +
                             " ('%' must be followed by two hexadecimal digits)");
    case DecodeError::kNul:
      return InvalidArgument("parameter name " + QuoteForMessage(raw) + ": a NUL byte at byte " +
                             std::to_string(at));
  }
  return Internal("unreachable");
}

Status DecodeValue(std::string_view name, std::string_view raw, std::string* value) {
  size_t at = 0;
  switch (PercentDecode(raw, value, &at)) {
    case DecodeError::kNone:
      return Status::Ok();
    case DecodeError::kBadEscape:
      return InvalidArgument(std::string(name) + ": malformed percent escape " + EscapeAt(raw, at) +
                             " at byte " + std::to_string(at) +
                             " of the value ('%' must be followed by two hexadecimal digits)");
    case DecodeError::kNul:
      return InvalidArgument(std::string(name) + ": a NUL byte at byte " + std::to_string(at) +
                             " of the value");
  }
  return Internal("unreachable");
}

// The parameter `name` names, if `endpoint` takes it.
Result<Param> LookUp(std::string_view name, const EndpointRules& rules) {
  for (const ParamName& p : kParamNames) {
    if (p.name != name) continue;
    if ((rules.accepted & p.param) == 0) {
      return InvalidArgument("parameter " + QuoteForMessage(name) +
                             " is not accepted by this endpoint (" +
                             std::string(rules.description) + ")");
    }
    return p.param;
  }
  if (name.empty()) return InvalidArgument("a parameter without a name (\"=...\")");
  if (name.substr(0, 6) == "match[") {
    return InvalidArgument("unknown parameter " + QuoteForMessage(name) +
                           ": the TAXII 2.1 filters are match[id], match[type], match[version] "
                           "and match[spec_version]");
  }
  return InvalidArgument("unknown parameter " + QuoteForMessage(name) +
                         ": TAXII 2.1 defines added_after, limit, next and match[...] filters");
}

Result<size_t> ReadLimit(std::string_view text, size_t max_page) {
  std::string_view digits = text;
  const bool all_digits = std::all_of(digits.begin(), digits.end(), IsDigit);
  while (!digits.empty() && digits.front() == '0') digits.remove_prefix(1);
  if (!all_digits || digits.empty()) {
    return InvalidArgument("limit: " + QuoteForMessage(text) + " is not a positive integer");
  }
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || n > max_page) return max_page;
  return static_cast<size_t>(n);
}

Status CheckCursor(std::string_view next) {
  for (size_t i = 0; i < next.size(); ++i) {
    const auto c = static_cast<unsigned char>(next[i]);
    if (c <= 0x20 || c >= 0x7f) {
      return InvalidArgument("next: " + QuoteForMessage(next) +
                             " is not a cursor this server hands out: byte " + std::to_string(i) +
                             " is a space, a control byte or not ASCII");
    }
  }
  return Status::Ok();
}

Result<store::VersionFilter> ReadVersion(std::string_view item) {
  using Kind = store::VersionFilter::Kind;
  if (item == "first") return store::VersionFilter{Kind::kFirst, {}};
  if (item == "last") return store::VersionFilter{Kind::kLast, {}};
  if (item == "all") return store::VersionFilter{Kind::kAll, {}};
  Result<std::string> key = stix::VersionKey(item);
  if (key.ok()) return store::VersionFilter{Kind::kAt, std::move(*key)};
  std::string message = "match[version]: " + QuoteForMessage(item) +
                        " is not first, last, all or an RFC 3339 timestamp";
  if (IsDigit(item.front())) {  // meant as a timestamp: say what is wrong with it
    const std::string problem = TimestampProblem(item, key.status());
    if (!problem.empty()) message += " (" + problem + ")";
  }
  return InvalidArgument(std::move(message));
}

// What a query has read so far, across its parameters.
struct Reader {
  const QueryLimits& limits;
  ObjectQuery query;
  unsigned seen = 0;  // kOnce parameters given
  size_t values = 0;  // items across all match[...] lists

  // Calls item_fn on each comma-separated item of `list` (the value of `name`).
  template <typename Fn>
  Status ForEachItem(std::string_view name, std::string_view list, Fn item_fn) {
    size_t start = 0;
    for (size_t index = 1;; ++index) {
      const size_t comma = list.find(',', start);
      const std::string_view item = list.substr(
          start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
      if (item.empty()) {
        return InvalidArgument(std::string(name) + ": item " + std::to_string(index) +
                               " of the list " + QuoteForMessage(list) +
                               " is empty (items are separated by single commas)");
      }
      if (++values > limits.max_values) {
        return InvalidArgument(std::string(name) + ": more than " +
                               std::to_string(limits.max_values) +
                               " values in the match[...] filters of one query");
      }
      CONCORD_RETURN_IF_ERROR(item_fn(item));
      if (comma == std::string_view::npos) return Status::Ok();
      start = comma + 1;
    }
  }

  Status Add(Param param, std::string_view name, std::string_view value) {
    if ((param & kOnce) != 0) {
      if ((seen & param) != 0) {
        return InvalidArgument(std::string(name) + ": given more than once (it takes one value)");
      }
      seen |= param;
    }
    switch (param) {
      case kAddedAfter: {
        Result<ParsedTimestamp> t = ParseTimestamp(value);
        if (!t.ok()) return InvalidArgument(NotATimestamp(name, value, t.status()));
        query.added_after = t->instant;
        return Status::Ok();
      }
      case kLimit: {
        CONCORD_ASSIGN_OR_RETURN(query.limit,
                                 ReadLimit(value, std::max<size_t>(limits.max_page, 1)));
        return Status::Ok();
      }
      case kNext:
        CONCORD_RETURN_IF_ERROR(CheckCursor(value));
        query.next.assign(value);
        return Status::Ok();
      case kMatchId:
        return ForEachItem(name, value, [&](std::string_view item) {
          const Status s = stix::internal::CheckIdentifier(item, nullptr);
          if (!s.ok()) {
            return InvalidArgument("match[id]: " + QuoteForMessage(item) +
                                   " is not a STIX identifier (type--UUID): " + s.message());
          }
          query.ids.emplace_back(item);
          return Status::Ok();
        });
      case kMatchType:
        return ForEachItem(name, value, [&](std::string_view item) {
          const Status s = stix::internal::CheckTypeName(item);
          if (!s.ok()) {
            return InvalidArgument("match[type]: " + QuoteForMessage(item) +
                                   " is not a STIX type name: " + s.message());
          }
          query.types.emplace_back(item);
          return Status::Ok();
        });
      case kMatchVersion:
        return ForEachItem(name, value, [&](std::string_view item) {
          Result<store::VersionFilter> v = ReadVersion(item);
          if (!v.ok()) return v.status();
          query.versions.push_back(std::move(*v));
          return Status::Ok();
        });
      case kMatchSpecVersion:
        return ForEachItem(name, value, [&](std::string_view item) {
          if (item != "2.0" && item != "2.1") {
            return InvalidArgument("match[spec_version]: " + QuoteForMessage(item) +
                                   " is not a STIX version (2.0 or 2.1)");
          }
          query.spec_versions.emplace_back(item);
          return Status::Ok();
        });
    }
    return Internal("unknown parameter kind");
  }
};

}  // namespace

Acceptance ReadAccept(std::string_view accept) {
  if (TrimBlanks(accept).empty()) return Acceptance::kTaxii21;
  int best = -1;  // the specificity of the most specific range matching 2.1 so far
  int weight = 0;
  MediaRange range;
  SplitOutsideQuotes(accept, ',', [&](std::string_view member) {
    member = TrimBlanks(member);
    if (member.empty() || !ParseMediaRange(member, /*weighted=*/true, &range)) return;
    const int specificity = Specificity(range);
    if (specificity < 0) return;
    if (specificity > best) {
      best = specificity;
      weight = range.q;
    } else if (specificity == best) {
      weight = std::min(weight, range.q);
    }
  });
  return best >= 0 && weight > 0 ? Acceptance::kTaxii21 : Acceptance::kNotAcceptable;
}

bool IsTaxiiContentType(std::string_view content_type) {
  int members = 0;
  bool ok = false;
  MediaRange type;
  SplitOutsideQuotes(content_type, ',', [&](std::string_view member) {
    ++members;
    ok = ParseMediaRange(TrimBlanks(member), /*weighted=*/false, &type);
  });
  return members == 1 && ok && IsTaxiiJson(type) && (!type.has_version || type.version == "2.1");
}

Result<ObjectQuery> ParseObjectQuery(std::string_view query, Endpoint endpoint,
                                     const QueryLimits& limits) {
  if (query.size() > limits.max_query_bytes) {
    return InvalidArgument("the query is " + std::to_string(query.size()) +
                           " bytes long, more than the " + std::to_string(limits.max_query_bytes) +
                           " allowed");
  }
  const EndpointRules rules = RulesFor(endpoint);
  Reader reader{limits, {}};
  const size_t max_page = std::max<size_t>(limits.max_page, 1);
  reader.query.limit = std::clamp<size_t>(limits.default_page, 1, max_page);

  std::string name;
  std::string value;
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t end = query.find('&', pos);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(pos, end - pos);
    pos = end + 1;
    if (pair.empty()) continue;

    const size_t eq = pair.find('=');
    CONCORD_RETURN_IF_ERROR(DecodeName(pair.substr(0, eq), &name));
    CONCORD_ASSIGN_OR_RETURN(const Param param, LookUp(name, rules));
    if (eq == std::string_view::npos) {
      return InvalidArgument(name + ": no value (write " + name + "=<value>)");
    }
    CONCORD_RETURN_IF_ERROR(DecodeValue(name, pair.substr(eq + 1), &value));
    if (value.empty()) return InvalidArgument(name + ": empty value");
    CONCORD_RETURN_IF_ERROR(reader.Add(param, name, value));
  }
  return std::move(reader.query);
}

}  // namespace concord::taxii
