#include "concord/policy/agreement_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "concord/base/ascii.h"
#include "concord/stix/value_rules.h"

namespace concord::policy {
namespace {

using stix::Tlp;

// Limits of the format (docs/agreements.md).
constexpr size_t kMaxNameBytes = 64;        // node and partner names, collection references
constexpr size_t kMaxStringBytes = 1024;    // any string value
constexpr size_t kMaxListEntries = 1000;    // any list (types, read, pull, ...)
constexpr int64_t kMinSyncSeconds = 5;      // sync_interval
constexpr int64_t kMaxSyncSeconds = 86400;  // sync_interval
constexpr size_t kShownBytes = 64;          // of a user's value echoed in a message

// toml++ recurses once per component of a dotted key or table header (building the tables and
// freeing them), so a key of some tens of thousands of components overflows the stack. No key
// of the format has more than two components: a line with more dots than this outside strings
// and comments is refused before toml++ sees it. toml++ itself bounds the nesting of lists and
// inline tables (256 levels), so no tree it builds here is more than a few thousand deep.
constexpr size_t kMaxDotsPerLine = 8;

// The keys each table may have.
constexpr std::string_view kTopKeys[] = {"node", "partner"};
constexpr std::string_view kNodeKeys[] = {"name", "identity", "unmarked", "granular",
                                          "sync_interval"};
constexpr std::string_view kPartnerKeys[] = {
    "name",       "identity", "cert_sha256",      "max_tlp",           "types",
    "read",       "write",    "pass_on",          "accepted_markings", "url",
    "token_file", "ca_file",  "client_cert_file", "client_key_file",   "pull",
    "sightings"};
constexpr std::string_view kPullKeys[] = {"collection", "into"};
constexpr std::string_view kSightingsKeys[] = {"send", "evidence", "collection"};

// The 1-based line of the first line of `text` with more than kMaxDotsPerLine '.' outside
// strings and comments, or 0 when there is none. The scan follows TOML's string and comment
// syntax exactly as far as where strings begin and end goes: escapes in basic strings, and
// multi-line strings closed by a run of three to five quotes.
uint32_t FirstLineWithDeepKey(std::string_view text) {
  enum class State { kNormal, kComment, kBasic, kLiteral, kMultiBasic, kMultiLiteral };
  State state = State::kNormal;
  uint32_t line = 1;
  size_t dots = 0;
  const size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      dots = 0;
      // Single-line strings and comments end with the line (an unclosed string is a syntax
      // error toml++ reports).
      if (state == State::kComment || state == State::kBasic || state == State::kLiteral) {
        state = State::kNormal;
      }
      continue;
    }
    switch (state) {
      case State::kNormal:
        if (c == '.') {
          if (++dots > kMaxDotsPerLine) return line;
        } else if (c == '#') {
          state = State::kComment;
        } else if (c == '"' || c == '\'') {
          const bool triple = i + 2 < n && text[i + 1] == c && text[i + 2] == c;
          if (triple) {
            state = c == '"' ? State::kMultiBasic : State::kMultiLiteral;
            i += 2;
          } else {
            state = c == '"' ? State::kBasic : State::kLiteral;
          }
        }
        break;
      case State::kComment:
        break;
      case State::kBasic:
      case State::kMultiBasic:
        if (c == '\\') {
          if (i + 1 < n && text[i + 1] != '\n') ++i;  // the escaped character
        } else if (c == '"') {
          if (state == State::kBasic) {
            state = State::kNormal;
          } else {
            size_t run = 1;
            while (i + run < n && text[i + run] == '"') ++run;
            if (run >= 3) state = State::kNormal;
            i += run - 1;
          }
        }
        break;
      case State::kLiteral:
      case State::kMultiLiteral:
        if (c == '\'') {
          if (state == State::kLiteral) {
            state = State::kNormal;
          } else {
            size_t run = 1;
            while (i + run < n && text[i + run] == '\'') ++run;
            if (run >= 3) state = State::kNormal;
            i += run - 1;
          }
        }
        break;
    }
  }
  return 0;
}

// "a string", "an integer", ...: what a value is, for "x must be ..., not <this>".
std::string_view TypeDescription(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "a list";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

std::string Quote(std::string_view s) { return QuoteForMessage(s, kShownBytes); }

std::string JoinKeys(std::span<const std::string_view> keys) {
  std::string out;
  for (std::string_view k : keys) {
    if (!out.empty()) out += ", ";
    out += k;
  }
  return out;
}

// 1-64 of [A-Za-z0-9._-]: node and partner names, collection ids and aliases.
bool IsName(std::string_view s) {
  if (s.empty() || s.size() > kMaxNameBytes) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}
constexpr std::string_view kNameRule = "1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-'";

// The reason `url` is not acceptable as a partner's API root, or "" when it is.
std::string UrlProblem(std::string_view url) {
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return "must not contain spaces, control or non-ASCII characters";
  }
  bool https = false;
  std::string_view rest;
  if (url.starts_with("https://")) {
    https = true;
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return "must begin with https://";
  }
  if (url.find_first_of("?#") != std::string_view::npos) {
    return "must not have a query or a fragment";
  }
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return "must end with \"/\"";
  const std::string_view authority = rest.substr(0, slash);
  if (authority.find('@') != std::string_view::npos) {
    return "must not carry a user name or password (use token_file)";
  }
  std::string_view host;
  std::string_view port;
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return "has an IPv6 address without its closing ']'";
    host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return "has something other than \":port\" after its IPv6 address";
      port = after.substr(1);
      if (port.empty()) return "has an empty port";
    }
    if (host.empty()) return "has an empty host";
    for (char c : host) {
      if (!IsHexDigit(c) && c != ':' && c != '.') return "has a malformed IPv6 address";
    }
  } else {
    const size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return "has an empty port";
    }
    if (host.empty()) return "has an empty host";
    for (char c : host) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '-';
      if (!ok) return "has a host name with characters other than letters, digits, '.' and '-'";
    }
  }
  if (!port.empty()) {
    if (port.size() > 5) return "has a port outside 1-65535";
    uint32_t value = 0;
    for (char c : port) {
      if (c < '0' || c > '9') return "has a port that is not a number";
      value = value * 10 + static_cast<uint32_t>(c - '0');
    }
    if (value == 0 || value > 65535) return "has a port outside 1-65535";
  }
  if (!https && host != "127.0.0.1" && host != "::1" && !EqualsIgnoreAsciiCase(host, "localhost")) {
    return "must begin with https:// (http:// is accepted only for 127.0.0.1, ::1 and localhost)";
  }
  if (!url.ends_with('/')) return "must end with \"/\" (it is an API root)";
  return "";
}

// Reads the checked TOML tree into Agreements. Each method returns the first problem found.
class Reader {
 public:
  Reader(std::string_view source_name, std::string_view base_dir)
      : source_name_(source_name), base_dir_(base_dir) {}

  Status FailAtLine(uint32_t line, std::string_view reason) const {
    return InvalidArgument(source_name_ + ":" + std::to_string(line == 0 ? 1 : line) + ": " +
                           context_ + std::string(reason));
  }
  Status Fail(const toml::source_region& where, std::string_view reason) const {
    return FailAtLine(where.begin.line, reason);
  }
  Status Fail(const toml::node& node, std::string_view reason) const {
    return Fail(node.source(), reason);
  }

  Result<Agreements> Read(const toml::table& root) {
    CONCORD_RETURN_IF_ERROR(CheckKeys(root, kTopKeys, "", "the top level"));
    Agreements out;
    const toml::node* node = root.get("node");
    if (node == nullptr) return FailAtLine(1, "no [node] table");
    const toml::table* node_table = node->as_table();
    if (node_table == nullptr) {
      return Fail(*node,
                  "node must be a table ([node]), not " + std::string(TypeDescription(*node)));
    }
    context_ = "node: ";
    CONCORD_RETURN_IF_ERROR(ReadNode(*node_table, &out.node));
    context_.clear();

    const toml::node* partners = root.get("partner");
    if (partners == nullptr) return out;
    const toml::array* list = partners->as_array();
    if (list == nullptr) {
      return Fail(*partners, "partner must be a list of tables ([[partner]]), not " +
                                 std::string(TypeDescription(*partners)));
    }
    if (list->size() > kMaxPartners) {
      return Fail((*list)[kMaxPartners], "more than " + std::to_string(kMaxPartners) +
                                             " partners (the most an agreements file may name)");
    }
    out.partners.reserve(list->size());
    for (size_t i = 0; i < list->size(); ++i) {
      const toml::node& item = (*list)[i];
      context_ = "partner #" + std::to_string(i + 1) + ": ";
      const toml::table* table = item.as_table();
      if (table == nullptr) {
        return Fail(item,
                    "must be a table ([[partner]]), not " + std::string(TypeDescription(item)));
      }
      PartnerAgreement partner;
      CONCORD_RETURN_IF_ERROR(ReadPartner(*table, out.node, &partner));
      out.partners.push_back(std::move(partner));
    }
    context_.clear();
    return out;
  }

 private:
  // Every key of `table` is in `known`; otherwise the unknown key on the earliest line.
  Status CheckKeys(const toml::table& table, std::span<const std::string_view> known,
                   std::string_view path, std::string_view where) const {
    const toml::key* first = nullptr;
    for (const auto& [key, value] : table) {
      bool found = false;
      for (std::string_view k : known) found = found || key.str() == k;
      if (found) continue;
      if (first == nullptr || key.source().begin < first->source().begin) first = &key;
    }
    if (first == nullptr) return Status::Ok();
    return Fail(first->source(),
                "unknown key " + Quote(std::string(path) + std::string(first->str())) +
                    " (the keys of " + std::string(where) + " are " + JoinKeys(known) + ")");
  }

  // The value of `key`, or a "<path> is required" error on the table's first line.
  Result<const toml::node*> Required(const toml::table& table, std::string_view key,
                                     std::string_view path) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) return Fail(table, std::string(path) + " is required");
    return node;
  }

  // A string of at most kMaxStringBytes without control characters.
  Status String(const toml::node& node, std::string_view path, std::string* out) const {
    const toml::value<std::string>* value = node.as_string();
    if (value == nullptr) {
      return Fail(
          node, std::string(path) + " must be a string, not " + std::string(TypeDescription(node)));
    }
    const std::string& s = value->get();
    if (s.size() > kMaxStringBytes) {
      return Fail(node, std::string(path) + " is longer than " + std::to_string(kMaxStringBytes) +
                            " bytes: " + Quote(s));
    }
    for (char c : s) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f) {
        return Fail(node, std::string(path) + " contains a control character: " + Quote(s));
      }
    }
    *out = s;
    return Status::Ok();
  }

  Status Bool(const toml::node& node, std::string_view path, bool* out) const {
    const toml::value<bool>* value = node.as_boolean();
    if (value == nullptr) {
      return Fail(node, std::string(path) + " must be true or false, not " +
                            std::string(TypeDescription(node)));
    }
    *out = value->get();
    return Status::Ok();
  }

  Status Name(const toml::node& node, std::string_view path, std::string* out) const {
    std::string s;
    CONCORD_RETURN_IF_ERROR(String(node, path, &s));
    if (!IsName(s)) {
      return Fail(node,
                  std::string(path) + " must be " + std::string(kNameRule) + ", not " + Quote(s));
    }
    *out = std::move(s);
    return Status::Ok();
  }

  // A STIX identifier whose type is `type`.
  Status Identifier(const toml::node& node, std::string_view path, std::string_view type,
                    std::string* out) const {
    std::string s;
    CONCORD_RETURN_IF_ERROR(String(node, path, &s));
    std::string_view got_type;
    const Status valid = stix::internal::CheckIdentifier(s, &got_type);
    if (!valid.ok() || got_type != type) {
      return Fail(node, std::string(path) + " must be a STIX " + std::string(type) + " id, \"" +
                            std::string(type) + "--\" and a lowercase RFC 4122 UUID, not " +
                            Quote(s) + (valid.ok() ? "" : " (" + valid.message() + ")"));
    }
    *out = std::move(s);
    return Status::Ok();
  }

  // A file name, resolved against base_dir_ when relative.
  Status Path(const toml::node& node, std::string_view path, std::string* out) const {
    std::string s;
    CONCORD_RETURN_IF_ERROR(String(node, path, &s));
    if (s.empty()) return Fail(node, std::string(path) + " must not be empty");
    if (base_dir_.empty() || s.front() == '/') {
      *out = std::move(s);
    } else {
      *out = base_dir_;
      if (out->back() != '/') *out += '/';
      *out += s;
    }
    return Status::Ok();
  }

  // TLP levels by name (any case, "white" for clear); "withhold" stands for kNone when
  // `withhold_allowed`. Never red.
  Status TlpLevel(const toml::node& node, std::string_view path, bool withhold_allowed,
                  Tlp* out) const {
    std::string s;
    CONCORD_RETURN_IF_ERROR(String(node, path, &s));
    const std::string allowed = withhold_allowed ? "withhold, clear, green, amber, amber+strict"
                                                 : "clear, green, amber, amber+strict";
    if (withhold_allowed && EqualsIgnoreAsciiCase(s, "withhold")) {
      *out = Tlp::kNone;
      return Status::Ok();
    }
    const std::optional<Tlp> tlp = stix::TlpFromName(s);
    if (tlp == Tlp::kRed) {
      return Fail(node, std::string(path) + " must be one of " + allowed +
                            " (TLP:RED never leaves this node), not " + Quote(s));
    }
    if (!tlp.has_value() || *tlp == Tlp::kNone) {
      return Fail(node, std::string(path) + " must be one of " + allowed + ", not " + Quote(s));
    }
    *out = *tlp;
    return Status::Ok();
  }

  // A list of at most kMaxListEntries strings, none twice, each accepted by `check`: it returns
  // std::nullopt for a good entry, and otherwise why not in more detail ("" for no more), and
  // the entry is reported as "<path>[i] must be <what>, not <entry> (<detail>)".
  template <typename Check>
  Status StringList(const toml::node& node, std::string_view path, std::string_view what,
                    Check check, std::vector<std::string>* out) const {
    const toml::array* list = node.as_array();
    if (list == nullptr) {
      return Fail(node, std::string(path) + " must be a list of strings, not " +
                            std::string(TypeDescription(node)));
    }
    if (list->size() > kMaxListEntries) {
      return Fail((*list)[kMaxListEntries], std::string(path) + " has more than " +
                                                std::to_string(kMaxListEntries) + " entries");
    }
    out->clear();
    out->reserve(list->size());
    std::map<std::string, uint32_t, std::less<>> seen;
    for (size_t i = 0; i < list->size(); ++i) {
      const toml::node& item = (*list)[i];
      const std::string item_path = std::string(path) + "[" + std::to_string(i) + "]";
      std::string s;
      CONCORD_RETURN_IF_ERROR(String(item, item_path, &s));
      if (const std::optional<std::string> detail = check(s)) {
        return Fail(item, item_path + " must be " + std::string(what) + ", not " + Quote(s) +
                              (detail->empty() ? "" : " (" + *detail + ")"));
      }
      const auto [at, inserted] = seen.emplace(s, item.source().begin.line);
      if (!inserted) {
        return Fail(item, std::string(path) + " lists " + Quote(s) + " twice (also on line " +
                              std::to_string(at->second) + ")");
      }
      out->push_back(std::move(s));
    }
    return Status::Ok();
  }

  Status ReadNode(const toml::table& table, NodeSettings* node) {
    CONCORD_RETURN_IF_ERROR(CheckKeys(table, kNodeKeys, "", "[node]"));
    CONCORD_ASSIGN_OR_RETURN(const toml::node* name, Required(table, "name", "name"));
    CONCORD_RETURN_IF_ERROR(Name(*name, "name", &node->name));
    CONCORD_ASSIGN_OR_RETURN(const toml::node* identity, Required(table, "identity", "identity"));
    CONCORD_RETURN_IF_ERROR(Identifier(*identity, "identity", "identity", &node->identity_id));
    if (const toml::node* unmarked = table.get("unmarked")) {
      CONCORD_RETURN_IF_ERROR(TlpLevel(*unmarked, "unmarked", true, &node->unmarked));
    }
    if (const toml::node* granular = table.get("granular")) {
      std::string s;
      CONCORD_RETURN_IF_ERROR(String(*granular, "granular", &s));
      if (s == "withhold") {
        node->granular = GranularHandling::kWithhold;
      } else if (s == "redact") {
        node->granular = GranularHandling::kRedact;
      } else {
        return Fail(*granular, "granular must be withhold or redact, not " + Quote(s));
      }
    }
    if (const toml::node* interval = table.get("sync_interval")) {
      const toml::value<int64_t>* seconds = interval->as_integer();
      if (seconds == nullptr) {
        return Fail(*interval, "sync_interval must be a whole number of seconds, not " +
                                   std::string(TypeDescription(*interval)));
      }
      const int64_t s = seconds->get();
      if (s < kMinSyncSeconds || s > kMaxSyncSeconds) {
        return Fail(*interval, "sync_interval must be between " + std::to_string(kMinSyncSeconds) +
                                   " and " + std::to_string(kMaxSyncSeconds) + " seconds, not " +
                                   std::to_string(s));
      }
      node->sync_interval = std::chrono::seconds(s);
    }
    return Status::Ok();
  }

  Status ReadPartner(const toml::table& table, const NodeSettings& node, PartnerAgreement* p) {
    // Messages name the partner as soon as its name is known to be good.
    if (const toml::node* name = table.get("name");
        name != nullptr && name->is_string() && IsName(name->as_string()->get())) {
      context_ = "partner " + Quote(name->as_string()->get()) + ": ";
    }
    CONCORD_RETURN_IF_ERROR(CheckKeys(table, kPartnerKeys, "", "a [[partner]]"));
    CONCORD_ASSIGN_OR_RETURN(const toml::node* name, Required(table, "name", "name"));
    CONCORD_RETURN_IF_ERROR(Name(*name, "name", &p->name));
    const uint32_t line = name->source().begin.line;
    if (const auto [at, inserted] = names_.emplace(p->name, line); !inserted) {
      return Fail(*name, "the name " + Quote(p->name) + " is already used by the partner on line " +
                             std::to_string(at->second));
    }

    CONCORD_ASSIGN_OR_RETURN(const toml::node* identity, Required(table, "identity", "identity"));
    CONCORD_RETURN_IF_ERROR(Identifier(*identity, "identity", "identity", &p->identity_id));
    if (p->identity_id == node.identity_id) {
      return Fail(*identity, "identity is this node's own identity (from [node])");
    }
    if (const auto [at, inserted] = identities_.emplace(p->identity_id, p->name); !inserted) {
      return Fail(*identity, "identity " + Quote(p->identity_id) +
                                 " is already the identity of partner " + Quote(at->second));
    }

    if (const toml::node* cert = table.get("cert_sha256")) {
      std::string s;
      CONCORD_RETURN_IF_ERROR(String(*cert, "cert_sha256", &s));
      char digits[64];
      const std::string_view hex = LowerHexInto(s, 64, digits, /*skip_separators=*/true);
      if (hex.empty()) {
        return Fail(*cert,
                    "cert_sha256 must be a SHA-256 fingerprint, 64 hexadecimal digits (colons "
                    "between them allowed), not " +
                        Quote(s));
      }
      p->cert_sha256 = std::string(hex);
      if (const auto [at, inserted] = certs_.emplace(p->cert_sha256, p->name); !inserted) {
        return Fail(*cert,
                    "cert_sha256 is already the certificate of partner " + Quote(at->second));
      }
    }

    CONCORD_ASSIGN_OR_RETURN(const toml::node* max_tlp, Required(table, "max_tlp", "max_tlp"));
    CONCORD_RETURN_IF_ERROR(TlpLevel(*max_tlp, "max_tlp", false, &p->max_tlp));

    CONCORD_ASSIGN_OR_RETURN(const toml::node* types, Required(table, "types", "types"));
    CONCORD_RETURN_IF_ERROR(StringList(
        *types, "types", "a STIX type name or \"*\"",
        [](const std::string& t) -> std::optional<std::string> {
          if (t == "*") return std::nullopt;
          const Status s = stix::internal::CheckTypeName(t);
          if (s.ok()) return std::nullopt;
          return s.message();
        },
        &p->types));
    if (p->types.empty()) {
      return Fail(*types, "types must name at least one type (\"*\" for all)");
    }
    if (p->types.size() > 1 && std::find(p->types.begin(), p->types.end(), "*") != p->types.end()) {
      return Fail(*types, "types lists \"*\" (every type) with other types; list \"*\" alone");
    }

    const std::string collection_rule = "a collection alias or id, " + std::string(kNameRule);
    const auto collection = [](const std::string& c) -> std::optional<std::string> {
      if (IsName(c)) return std::nullopt;
      return "";
    };
    if (const toml::node* read = table.get("read")) {
      CONCORD_RETURN_IF_ERROR(StringList(*read, "read", collection_rule, collection, &p->read));
    }
    if (const toml::node* write = table.get("write")) {
      CONCORD_RETURN_IF_ERROR(StringList(*write, "write", collection_rule, collection, &p->write));
    }
    if (const toml::node* pass_on = table.get("pass_on")) {
      CONCORD_RETURN_IF_ERROR(Bool(*pass_on, "pass_on", &p->pass_on));
    }
    if (const toml::node* markings = table.get("accepted_markings")) {
      CONCORD_RETURN_IF_ERROR(StringList(
          *markings, "accepted_markings", "a marking-definition id",
          [](const std::string& id) -> std::optional<std::string> {
            std::string_view type;
            const Status s = stix::internal::CheckIdentifier(id, &type);
            if (!s.ok()) return s.message();
            if (type != "marking-definition") return "";
            return std::nullopt;
          },
          &p->accepted_markings));
    }

    // Federation.
    const toml::node* url = table.get("url");
    if (url != nullptr) {
      CONCORD_RETURN_IF_ERROR(String(*url, "url", &p->url));
      const std::string problem = UrlProblem(p->url);
      if (!problem.empty()) return Fail(*url, "url " + problem + ", not " + Quote(p->url));
    }
    const toml::node* token_file = table.get("token_file");
    if (token_file != nullptr) {
      CONCORD_RETURN_IF_ERROR(Path(*token_file, "token_file", &p->token_file));
    }
    if (const toml::node* ca_file = table.get("ca_file")) {
      CONCORD_RETURN_IF_ERROR(Path(*ca_file, "ca_file", &p->ca_file));
    }
    const toml::node* cert_file = table.get("client_cert_file");
    const toml::node* key_file = table.get("client_key_file");
    if (cert_file != nullptr) {
      CONCORD_RETURN_IF_ERROR(Path(*cert_file, "client_cert_file", &p->client_cert_file));
      if (key_file == nullptr) {
        return Fail(*cert_file, "client_cert_file needs client_key_file (the certificate's key)");
      }
    }
    if (key_file != nullptr) {
      CONCORD_RETURN_IF_ERROR(Path(*key_file, "client_key_file", &p->client_key_file));
      if (cert_file == nullptr) {
        return Fail(*key_file, "client_key_file needs client_cert_file");
      }
    }
    if (url != nullptr && token_file == nullptr && cert_file == nullptr) {
      return Fail(*url,
                  "url needs token_file or client_cert_file (how this node authenticates to the "
                  "partner)");
    }

    if (const toml::node* pull = table.get("pull")) {
      CONCORD_RETURN_IF_ERROR(ReadPulls(*pull, url != nullptr, &p->pull));
    }
    if (const toml::node* sightings = table.get("sightings")) {
      CONCORD_RETURN_IF_ERROR(ReadSightings(*sightings, url != nullptr, &p->sightings));
      // Sightings sent back pass the release policy like anything else: an agreement that
      // sends them must let the partner receive them, or they would be withheld in silence.
      if (p->sightings.send) {
        for (const char* type : {"sighting", "identity"}) {
          if (!p->MayReceiveType(type)) {
            return Fail(*sightings, std::string("sightings.send = true needs \"") + type +
                                        "\" in types (sightings and this node's identity are "
                                        "sent)");
          }
        }
        if (p->max_tlp < stix::Tlp::kAmber) {
          return Fail(*sightings,
                      "sightings.send = true needs max_tlp amber or more (sightings are marked "
                      "TLP:AMBER at least)");
        }
      }
    }
    return Status::Ok();
  }

  Status ReadPulls(const toml::node& node, bool has_url, std::vector<PullSource>* out) const {
    const toml::array* list = node.as_array();
    if (list == nullptr) {
      return Fail(node, "pull must be a list of tables ([[partner.pull]]), not " +
                            std::string(TypeDescription(node)));
    }
    if (list->empty()) return Status::Ok();
    if (!has_url) {
      return Fail((*list)[0], "pull needs url (the partner's API root to pull from)");
    }
    if (list->size() > kMaxListEntries) {
      return Fail((*list)[kMaxListEntries],
                  "pull has more than " + std::to_string(kMaxListEntries) + " entries");
    }
    std::map<std::string, uint32_t, std::less<>> seen;
    for (const toml::node& item : *list) {
      const toml::table* table = item.as_table();
      if (table == nullptr) {
        return Fail(item, "each pull must be a table ([[partner.pull]]), not " +
                              std::string(TypeDescription(item)));
      }
      CONCORD_RETURN_IF_ERROR(CheckKeys(*table, kPullKeys, "pull.", "a [[partner.pull]]"));
      PullSource source;
      CONCORD_ASSIGN_OR_RETURN(const toml::node* collection,
                               Required(*table, "collection", "pull.collection"));
      CONCORD_RETURN_IF_ERROR(String(*collection, "pull.collection", &source.collection));
      if (!IsName(source.collection)) {
        return Fail(*collection, "pull.collection must be the partner's collection alias or id, " +
                                     std::string(kNameRule) + ", not " + Quote(source.collection));
      }
      CONCORD_ASSIGN_OR_RETURN(const toml::node* into, Required(*table, "into", "pull.into"));
      CONCORD_RETURN_IF_ERROR(String(*into, "pull.into", &source.into));
      if (!IsName(source.into)) {
        return Fail(*into, "pull.into must be a local collection alias or id, " +
                               std::string(kNameRule) + ", not " + Quote(source.into));
      }
      const auto [at, inserted] = seen.emplace(source.collection, collection->source().begin.line);
      if (!inserted) {
        return Fail(*collection, "collection " + Quote(source.collection) +
                                     " is pulled twice (also on line " +
                                     std::to_string(at->second) + ")");
      }
      out->push_back(std::move(source));
    }
    return Status::Ok();
  }

  Status ReadSightings(const toml::node& node, bool has_url, SightingsBack* out) const {
    const toml::table* table = node.as_table();
    if (table == nullptr) {
      return Fail(node, "sightings must be a table ([partner.sightings]), not " +
                            std::string(TypeDescription(node)));
    }
    CONCORD_RETURN_IF_ERROR(CheckKeys(*table, kSightingsKeys, "sightings.", "[partner.sightings]"));
    const toml::node* send = table->get("send");
    if (send != nullptr) CONCORD_RETURN_IF_ERROR(Bool(*send, "sightings.send", &out->send));
    if (const toml::node* evidence = table->get("evidence")) {
      std::string s;
      CONCORD_RETURN_IF_ERROR(String(*evidence, "sightings.evidence", &s));
      if (s == "none") {
        out->evidence = Evidence::kNone;
      } else if (s == "counts") {
        out->evidence = Evidence::kCounts;
      } else if (s == "observed-values") {
        out->evidence = Evidence::kObservedValues;
      } else {
        return Fail(
            *evidence,
            "sightings.evidence must be one of none, counts, observed-values, not " + Quote(s));
      }
    }
    const toml::node* collection = table->get("collection");
    if (collection != nullptr) {
      CONCORD_RETURN_IF_ERROR(String(*collection, "sightings.collection", &out->collection));
      if (!IsName(out->collection)) {
        return Fail(*collection,
                    "sightings.collection must be the partner's collection alias or id, " +
                        std::string(kNameRule) + ", not " + Quote(out->collection));
      }
    }
    if (out->send && !has_url) {
      return Fail(*send, "sightings.send = true needs url (the partner's API root to send to)");
    }
    if (out->send && collection == nullptr) {
      return Fail(*table, "sightings.collection is required when sightings.send is true");
    }
    if (collection != nullptr && !has_url) {
      return Fail(*collection, "sightings.collection needs url (the partner's API root)");
    }
    return Status::Ok();
  }

  std::string source_name_;
  std::string base_dir_;
  std::string context_;  // "node: ", "partner \"us\": ", ...: starts every reason
  std::map<std::string, uint32_t, std::less<>> names_;          // partner name -> line
  std::map<std::string, std::string, std::less<>> identities_;  // identity -> partner name
  std::map<std::string, std::string, std::less<>> certs_;       // fingerprint -> partner name
};

Result<Agreements> ParseChecked(std::string_view text, std::string_view source_name,
                                std::string_view base_dir) {
  const std::string source(source_name);
  if (text.size() > kMaxAgreementsFileBytes) {
    return InvalidArgument(source + ":1: the agreements are " + std::to_string(text.size()) +
                           " bytes, more than the limit of " +
                           std::to_string(kMaxAgreementsFileBytes));
  }
  if (const uint32_t line = FirstLineWithDeepKey(text); line != 0) {
    return InvalidArgument(source + ":" + std::to_string(line) + ": more than " +
                           std::to_string(kMaxDotsPerLine) +
                           " dots outside strings (keys nested this deep are not part of the "
                           "format)");
  }
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& e) {
    const uint32_t line = e.source().begin.line;
    return InvalidArgument(source + ":" + std::to_string(line == 0 ? 1 : line) + ": " +
                           std::string(e.description()));
  }
  return Reader(source_name, base_dir).Read(root);
}

Result<Agreements> LoadChecked(const std::string& path) {
  // O_NONBLOCK: a FIFO put in the file's place must not block the reload; it is refused below.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int error = errno;
    if (error == ENOENT || error == ENOTDIR) return NotFound(path + ": no such file");
    return IoError("cannot open " + path + ": " + std::strerror(error));
  }
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  struct stat st;
  if (fstat(fd, &st) != 0) return IoError("cannot stat " + path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return IoError(path + ": not a regular file");
  const auto too_large = [&] {
    return ResourceExhausted(path + ": larger than " + std::to_string(kMaxAgreementsFileBytes) +
                             " bytes, the limit for an agreements file");
  };
  if (static_cast<uint64_t>(st.st_size) > kMaxAgreementsFileBytes) return too_large();
  // Read to one byte past the limit: the file may have grown since fstat.
  std::string text(kMaxAgreementsFileBytes + 1, '\0');
  size_t used = 0;
  while (used < text.size()) {
    const ssize_t got = read(fd, text.data() + used, text.size() - used);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return IoError("reading " + path + ": " + std::strerror(errno));
    if (got == 0) break;
    used += static_cast<size_t>(got);
  }
  if (used > kMaxAgreementsFileBytes) return too_large();
  text.resize(used);
  // The file's directory: "" for a bare file name (its relative paths stay relative to the
  // working directory, as the file's own name is).
  const size_t slash = path.rfind('/');
  const std::string base_dir =
      slash == std::string::npos ? std::string() : path.substr(0, slash == 0 ? 1 : slash);
  return ParseAgreements(text, path, base_dir);
}

}  // namespace

Result<Agreements> ParseAgreements(std::string_view text, std::string_view source_name,
                                   std::string_view base_dir) {
  // toml++ reports syntax errors as exceptions (caught above) and, like the rest, can run out
  // of memory; nothing may escape to the caller.
  try {
    return ParseChecked(text, source_name, base_dir);
  } catch (const std::bad_alloc&) {
    return ResourceExhausted(std::string(source_name) + ": out of memory reading agreements");
  } catch (const std::exception& e) {
    return Internal(std::string(source_name) + ": reading agreements: " + e.what());
  }
}

Result<Agreements> LoadAgreements(const std::string& path) {
  try {
    return LoadChecked(path);
  } catch (const std::bad_alloc&) {
    return ResourceExhausted(path + ": out of memory reading agreements");
  }
}

}  // namespace concord::policy
