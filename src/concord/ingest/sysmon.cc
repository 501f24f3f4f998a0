// Sysmon events, flat (public datasets: top-level "EventID", "Image", "Hashes", ...) and ECS
// (Winlogbeat: "winlog.event_data.*" with the ECS fields "process.*", "file.*", ...), mapped
// through one set of per-event functions. docs/mappings.md is the mapping; the golden
// files under testdata/ingest/sysmon hold the code to it.
//
// How it works: one pass over the event's members fills Fields, a fixed array of slots named
// by Sysmon's field names (Image, ProcessId, ...). A flat event's top-level members and an ECS
// event's winlog.event_data members fill the slots directly; the ECS fields fill them only
// where winlog.event_data said nothing (Winlogbeat's sysmon module moves most of event_data
// into ECS fields; plain Winlogbeat leaves it there). Keys are found through a perfect hash
// built at compile time, so the pass costs one multiply and one comparison per member. The ECS
// walk descends only into the objects it knows (at most kMaxDepth levels, with an explicit
// stack), and accepts dotted names ("winlog.event_data.Image") as well as nested objects.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "concord/base/ascii.h"
#include "concord/ingest/adapters.h"
#include "concord/ingest/log_time.h"

namespace concord::ingest {
namespace {

using observe::ObservationBuilder;
using Ref = ObservationBuilder::Ref;
constexpr Ref kNoRef = ObservationBuilder::kNoRef;

// ---- The fields the mapping reads.

enum Field : uint8_t {
  // What and when.
  kEventId,
  kUtcTime,
  kTimestamp,  // "@timestamp"
  kTimeCreated,
  kEventTime,
  kProvider,  // SourceName, ProviderName, winlog.provider_name, event.provider
  kChannel,
  // The process the event is about, and its parent (event 1).
  kImage,
  kCommandLine,
  kProcessId,
  kCurrentDirectory,
  kUser,
  kHashes,
  kHash,  // event 15 names its hashes "Hash"
  kParentImage,
  kParentCommandLine,
  kParentProcessId,
  kParentUser,
  // Event 3.
  kProtocol,
  kSourceIp,
  kSourceHostname,
  kSourcePort,
  kDestinationIp,
  kDestinationHostname,
  kDestinationPort,
  // Event 22.
  kQueryName,
  kQueryResults,
  // Events 11, 7 and others.
  kTargetFilename,
  kCreationUtcTime,
  kImageLoaded,
  kSourceImage,
  kTargetImage,
  // Windows Security (and other channels mixed into the same datasets).
  kIpAddress,
  kSourceAddress,
  kDestAddress,
  kClientAddress,
  kNewProcessName,
  kProcessName,
  kParentProcessName,
  kApplication,
  // ECS fields with no single Sysmon name.
  kEcsEventCode,
  kEcsUserName,
  kEcsUserDomain,
  kEcsFilePath,  // TargetFilename (2, 11, 15, 23...), ImageLoaded (6, 7), Device (9)
  kEcsDnsAnswers,
  kEcsDnsResolvedIp,
  kEcsFileMd5,
  kEcsFileSha1,
  kEcsFileSha256,
  kEcsFileSha512,
  kEcsFileImphash,
  kEcsProcessMd5,
  kEcsProcessSha1,
  kEcsProcessSha256,
  kEcsProcessSha512,
  kEcsProcessImphash,
  kEcsHashMd5,  // top-level "hash.*" (early Winlogbeat 7)
  kEcsHashSha1,
  kEcsHashSha256,
  kEcsHashSha512,
  kFieldCount,
};

// The objects of an event that the ECS walk knows. kData is a flat event's top level and an ECS
// event's winlog.event_data: the members named as Sysmon names them.
enum class Node : uint8_t {
  kData,
  kRoot,
  kWinlog,
  kEvent,
  kProcess,
  kParent,
  kProcessHash,
  kProcessPe,
  kFile,
  kFileHash,
  kFilePe,
  kSource,
  kDestination,
  kNetwork,
  kDns,
  kDnsQuestion,
  kUser,
  kHash,
  kNone,
};

// One known member: `key` of `node` is either the nested object `child` or fills `field`.
struct Entry {
  Node node;
  std::string_view key;
  Node child;
  Field field;
  std::string_view path;  // the ECS name, for messages; "" for kData (named by `key`)
};

constexpr Entry Data(std::string_view key, Field field) {
  return {Node::kData, key, Node::kNone, field, ""};
}
constexpr Entry Ecs(Node node, std::string_view key, Field field, std::string_view path) {
  return {node, key, Node::kNone, field, path};
}
constexpr Entry Object(Node node, std::string_view key, Node child) {
  return {node, key, child, kFieldCount, ""};
}

constexpr Entry kEntries[] = {
    Data("EventID", kEventId),
    Data("UtcTime", kUtcTime),
    Data("@timestamp", kTimestamp),
    Data("TimeCreated", kTimeCreated),
    Data("EventTime", kEventTime),
    Data("SourceName", kProvider),
    Data("ProviderName", kProvider),
    Data("Channel", kChannel),
    Data("Image", kImage),
    Data("CommandLine", kCommandLine),
    Data("ProcessId", kProcessId),
    Data("CurrentDirectory", kCurrentDirectory),
    Data("User", kUser),
    Data("Hashes", kHashes),
    Data("Hash", kHash),
    Data("ParentImage", kParentImage),
    Data("ParentCommandLine", kParentCommandLine),
    Data("ParentProcessId", kParentProcessId),
    Data("ParentUser", kParentUser),
    Data("Protocol", kProtocol),
    Data("SourceIp", kSourceIp),
    Data("SourceHostname", kSourceHostname),
    Data("SourcePort", kSourcePort),
    Data("DestinationIp", kDestinationIp),
    Data("DestinationHostname", kDestinationHostname),
    Data("DestinationPort", kDestinationPort),
    Data("QueryName", kQueryName),
    Data("QueryResults", kQueryResults),
    Data("TargetFilename", kTargetFilename),
    Data("CreationUtcTime", kCreationUtcTime),
    Data("ImageLoaded", kImageLoaded),
    Data("SourceImage", kSourceImage),
    Data("TargetImage", kTargetImage),
    Data("IpAddress", kIpAddress),
    Data("SourceAddress", kSourceAddress),
    Data("DestAddress", kDestAddress),
    Data("ClientAddress", kClientAddress),
    Data("NewProcessName", kNewProcessName),
    Data("ProcessName", kProcessName),
    Data("ParentProcessName", kParentProcessName),
    Data("Application", kApplication),

    Ecs(Node::kRoot, "@timestamp", kTimestamp, "@timestamp"),
    Object(Node::kRoot, "winlog", Node::kWinlog),
    Object(Node::kRoot, "event", Node::kEvent),
    Object(Node::kRoot, "process", Node::kProcess),
    Object(Node::kRoot, "file", Node::kFile),
    Object(Node::kRoot, "source", Node::kSource),
    Object(Node::kRoot, "destination", Node::kDestination),
    Object(Node::kRoot, "network", Node::kNetwork),
    Object(Node::kRoot, "dns", Node::kDns),
    Object(Node::kRoot, "user", Node::kUser),
    Object(Node::kRoot, "hash", Node::kHash),
    Object(Node::kWinlog, "event_data", Node::kData),
    Ecs(Node::kWinlog, "event_id", kEventId, "winlog.event_id"),
    Ecs(Node::kWinlog, "provider_name", kProvider, "winlog.provider_name"),
    Ecs(Node::kWinlog, "channel", kChannel, "winlog.channel"),
    Ecs(Node::kEvent, "code", kEcsEventCode, "event.code"),
    Ecs(Node::kEvent, "provider", kProvider, "event.provider"),
    Ecs(Node::kProcess, "executable", kImage, "process.executable"),
    Ecs(Node::kProcess, "command_line", kCommandLine, "process.command_line"),
    Ecs(Node::kProcess, "pid", kProcessId, "process.pid"),
    Ecs(Node::kProcess, "working_directory", kCurrentDirectory, "process.working_directory"),
    Object(Node::kProcess, "parent", Node::kParent),
    Object(Node::kProcess, "hash", Node::kProcessHash),
    Object(Node::kProcess, "pe", Node::kProcessPe),
    Ecs(Node::kParent, "executable", kParentImage, "process.parent.executable"),
    Ecs(Node::kParent, "command_line", kParentCommandLine, "process.parent.command_line"),
    Ecs(Node::kParent, "pid", kParentProcessId, "process.parent.pid"),
    Ecs(Node::kProcessHash, "md5", kEcsProcessMd5, "process.hash.md5"),
    Ecs(Node::kProcessHash, "sha1", kEcsProcessSha1, "process.hash.sha1"),
    Ecs(Node::kProcessHash, "sha256", kEcsProcessSha256, "process.hash.sha256"),
    Ecs(Node::kProcessHash, "sha512", kEcsProcessSha512, "process.hash.sha512"),
    Ecs(Node::kProcessPe, "imphash", kEcsProcessImphash, "process.pe.imphash"),
    Ecs(Node::kFile, "path", kEcsFilePath, "file.path"),
    Object(Node::kFile, "hash", Node::kFileHash),
    Object(Node::kFile, "pe", Node::kFilePe),
    Ecs(Node::kFileHash, "md5", kEcsFileMd5, "file.hash.md5"),
    Ecs(Node::kFileHash, "sha1", kEcsFileSha1, "file.hash.sha1"),
    Ecs(Node::kFileHash, "sha256", kEcsFileSha256, "file.hash.sha256"),
    Ecs(Node::kFileHash, "sha512", kEcsFileSha512, "file.hash.sha512"),
    Ecs(Node::kFilePe, "imphash", kEcsFileImphash, "file.pe.imphash"),
    Ecs(Node::kSource, "ip", kSourceIp, "source.ip"),
    Ecs(Node::kSource, "port", kSourcePort, "source.port"),
    Ecs(Node::kSource, "domain", kSourceHostname, "source.domain"),
    Ecs(Node::kDestination, "ip", kDestinationIp, "destination.ip"),
    Ecs(Node::kDestination, "port", kDestinationPort, "destination.port"),
    Ecs(Node::kDestination, "domain", kDestinationHostname, "destination.domain"),
    Ecs(Node::kNetwork, "transport", kProtocol, "network.transport"),
    Object(Node::kDns, "question", Node::kDnsQuestion),
    Ecs(Node::kDns, "answers", kEcsDnsAnswers, "dns.answers"),
    Ecs(Node::kDns, "resolved_ip", kEcsDnsResolvedIp, "dns.resolved_ip"),
    Ecs(Node::kDnsQuestion, "name", kQueryName, "dns.question.name"),
    Ecs(Node::kUser, "name", kEcsUserName, "user.name"),
    Ecs(Node::kUser, "domain", kEcsUserDomain, "user.domain"),
    Ecs(Node::kHash, "md5", kEcsHashMd5, "hash.md5"),
    Ecs(Node::kHash, "sha1", kEcsHashSha1, "hash.sha1"),
    Ecs(Node::kHash, "sha256", kEcsHashSha256, "hash.sha256"),
    Ecs(Node::kHash, "sha512", kEcsHashSha512, "hash.sha512"),
};
constexpr size_t kEntryCount = sizeof(kEntries) / sizeof(kEntries[0]);
static_assert(kEntryCount < 255, "entry indexes are stored as uint8_t");

// ---- A perfect hash of (node, key) over kEntries, found at compile time.

constexpr int kSlotBits = 10;
constexpr size_t kSlots = size_t{1} << kSlotBits;

constexpr uint32_t SlotOf(uint32_t seed, Node node, std::string_view key) {
  const size_t n = key.size();
  uint32_t h = static_cast<uint32_t>(node) * 64 + static_cast<uint32_t>(n);
  if (n > 0) {
    h = h * 131 + static_cast<unsigned char>(key[0]);
    h = h * 131 + static_cast<unsigned char>(key[n - 1]);
    h = h * 131 + static_cast<unsigned char>(key[n / 2]);
  }
  return (h * seed) >> (32 - kSlotBits);
}

struct KeyIndex {
  uint32_t seed = 0;
  std::array<uint8_t, kSlots> slot{};  // entry index + 1; 0 for none
};

constexpr KeyIndex BuildKeyIndex() {
  for (uint32_t seed = 0x9E3779B1u; seed != 0x9E3779B1u + 2 * 100000; seed += 2) {
    KeyIndex index;
    index.seed = seed;
    bool collision = false;
    for (size_t i = 0; i < kEntryCount && !collision; ++i) {
      uint8_t& s = index.slot[SlotOf(seed, kEntries[i].node, kEntries[i].key)];
      collision = s != 0;
      s = static_cast<uint8_t>(i + 1);
    }
    if (!collision) return index;
  }
  return KeyIndex{};  // seed 0: caught by the static_assert below
}

constexpr KeyIndex kKeyIndex = BuildKeyIndex();
static_assert(kKeyIndex.seed != 0, "no collision-free seed: widen kSlotBits or change SlotOf");

const Entry* Lookup(Node node, std::string_view key) {
  const uint8_t i = kKeyIndex.slot[SlotOf(kKeyIndex.seed, node, key)];
  if (i == 0) return nullptr;
  const Entry& e = kEntries[i - 1];
  return (e.node == node && e.key == key) ? &e : nullptr;
}

// ---- Fields: the slots, filled in one pass.

enum class Source : uint8_t { kAbsent, kEcs, kEventData, kFlat };

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s.substr(0, 40)) out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
  if (s.size() > 40) out += "...";
  return out + "\"";
}

// How a value reads in a message: "\"abc\"", "an object", "12.5".
std::string Describe(json::Element value) {
  switch (value.type()) {
    case json::ElementType::STRING:
      return Quote(value.get_string().value_unsafe());
    case json::ElementType::INT64:
      return std::to_string(value.get_int64().value_unsafe());
    case json::ElementType::UINT64:
      return std::to_string(value.get_uint64().value_unsafe());
    case json::ElementType::DOUBLE:
      return std::to_string(value.get_double().value_unsafe());
    case json::ElementType::BOOL:
      return value.get_bool().value_unsafe() ? "true" : "false";
    case json::ElementType::ARRAY:
      return "an array";
    case json::ElementType::OBJECT:
      return "an object";
    case json::ElementType::NULL_VALUE:
      break;
  }
  return "null";
}

bool Absent(std::string_view s) { return s.empty() || s == "-"; }

class Fields {
 public:
  // Fills the slot of `e` unless a source it ranks below filled it already (the first of
  // duplicated keys wins). JSON null is absence.
  void Set(const Entry& e, json::Element value, Source source) {
    if (value.is_null() || source <= source_[e.field]) return;
    source_[e.field] = source;
    value_[e.field] = value;
    entry_[e.field] = &e;
  }

  bool Has(Field f) const { return source_[f] != Source::kAbsent; }
  json::Element Value(Field f) const { return value_[f]; }

  // The field's name as the event writes it: "ProcessId", "winlog.event_data.ProcessId",
  // "process.pid".
  std::string Name(Field f) const {
    const Entry* e = entry_[f];
    switch (source_[f]) {
      case Source::kFlat:
        return std::string(e->key);
      case Source::kEventData:
        return "winlog.event_data." + std::string(e->key);
      case Source::kEcs:
        return std::string(e->path);
      case Source::kAbsent:
        break;
    }
    return "?";
  }

  Status WrongType(Field f, std::string_view expected) const {
    return InvalidArgument("field '" + Name(f) + "': expected " + std::string(expected) + ", got " +
                           Describe(value_[f]));
  }

  // The text of `f`; "" when absent. InvalidArgument when it is not a string.
  Status Text(Field f, std::string_view* out) const {
    *out = {};
    if (!Has(f)) return Status::Ok();
    if (value_[f].get_string().get(*out) != simdjson::SUCCESS) return WrongType(f, "a string");
    return Status::Ok();
  }
  // Text, ignoring a value that is not a string (for the events mapped leniently).
  std::string_view Loose(Field f) const {
    std::string_view out;
    if (Has(f) && value_[f].get_string().get(out) != simdjson::SUCCESS) out = {};
    return out;
  }

  // A whole number 0..max, written as a JSON number or as decimal text; nullopt when absent
  // ("", "-" included). InvalidArgument naming `expected` otherwise.
  Status Number(Field f, std::string_view expected, uint64_t max,
                std::optional<int64_t>* out) const {
    out->reset();
    if (!Has(f)) return Status::Ok();
    const json::Element v = value_[f];
    uint64_t n = 0;
    switch (v.type()) {
      case json::ElementType::INT64: {
        const int64_t i = v.get_int64().value_unsafe();
        if (i < 0) return WrongType(f, expected);
        n = static_cast<uint64_t>(i);
        break;
      }
      case json::ElementType::UINT64:
        n = v.get_uint64().value_unsafe();
        break;
      case json::ElementType::DOUBLE: {
        const double d = v.get_double().value_unsafe();
        if (!(d >= 0 && d <= static_cast<double>(max)) ||
            d != static_cast<double>(static_cast<uint64_t>(d))) {
          return WrongType(f, expected);
        }
        n = static_cast<uint64_t>(d);
        break;
      }
      case json::ElementType::STRING: {
        std::string_view s = v.get_string().value_unsafe();
        while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
        while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
        if (Absent(s)) return Status::Ok();
        if (s.size() > 19) return WrongType(f, expected);
        for (char c : s) {
          if (c < '0' || c > '9') return WrongType(f, expected);
          n = n * 10 + static_cast<uint64_t>(c - '0');
        }
        break;
      }
      default:
        return WrongType(f, expected);
    }
    if (n > max) return WrongType(f, expected);
    *out = static_cast<int64_t>(n);
    return Status::Ok();
  }

 private:
  std::array<Source, kFieldCount> source_{};
  std::array<json::Element, kFieldCount> value_;
  std::array<const Entry*, kFieldCount> entry_;
};

void FillFlat(json::ObjectView event, Fields* fields) {
  for (auto it = event.begin(), end = event.end(); it != end; ++it) {
    if (const Entry* e = Lookup(Node::kData, it.key())) fields->Set(*e, it.value(), Source::kFlat);
  }
}

// The known member `key` of `node`: directly, or through the dotted name of a nested one
// ("event_data.Image" under winlog). The node it belongs to is returned in *owner.
const Entry* Resolve(Node node, std::string_view key, Node* owner) {
  for (int hops = 0; hops < 4; ++hops) {
    if (const Entry* e = Lookup(node, key)) {
      *owner = node;
      return e;
    }
    const size_t dot = key.find('.');
    if (dot == std::string_view::npos) return nullptr;
    const Entry* prefix = Lookup(node, key.substr(0, dot));
    if (prefix == nullptr || prefix->child == Node::kNone) return nullptr;
    node = prefix->child;
    key.remove_prefix(dot + 1);
  }
  return nullptr;
}

constexpr size_t kMaxDepth = 4;  // root > winlog > event_data; root > process > parent > ...

void FillEcs(json::ObjectView event, Fields* fields) {
  struct Frame {
    Node node;
    json::ObjectView::iterator it, end;
  };
  std::array<Frame, kMaxDepth> stack;
  size_t depth = 0;
  stack[depth++] = Frame{Node::kRoot, event.begin(), event.end()};
  while (depth > 0) {
    Frame& frame = stack[depth - 1];
    if (frame.it == frame.end) {
      --depth;
      continue;
    }
    const std::string_view key = frame.it.key();
    const json::Element value = frame.it.value();
    ++frame.it;
    Node owner = frame.node;
    const Entry* e = Resolve(frame.node, key, &owner);
    if (e == nullptr) continue;
    if (e->child == Node::kNone) {
      fields->Set(*e, value, owner == Node::kData ? Source::kEventData : Source::kEcs);
      continue;
    }
    json::ObjectView object;
    if (depth < kMaxDepth && value.get_object().get(object) == simdjson::SUCCESS) {
      stack[depth++] = Frame{e->child, object.begin(), object.end()};
    }
  }
}

// ---- Small text helpers.

// Sysmon writes IPv4 addresses of dual-stack sockets and DNS answers as IPv4-mapped IPv6
// ("::ffff:192.0.2.1"); the address on the wire, and in every other source, is the IPv4 one.
Ref AddWindowsAddress(ObservationBuilder* b, std::string_view text) {
  text = TrimBlanks(text);
  if (StartsWithIgnoreAsciiCase(text, "::ffff:") && text.find(':', 7) == std::string_view::npos &&
      text.find('.', 7) != std::string_view::npos) {
    text.remove_prefix(7);
  }
  return b->AddAddress(text);
}

// ---- Hashes.

struct HashSet {
  std::string_view md5, sha1, sha256, sha512, imphash;
  bool empty() const {
    return md5.empty() && sha1.empty() && sha256.empty() && sha512.empty() && imphash.empty();
  }
};

// Sysmon's "SHA1=...,MD5=...,SHA256=...,IMPHASH=..." (any order, any case, unknown names
// ignored).
HashSet ParseHashes(std::string_view text) {
  HashSet h;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view item = TrimBlanks(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view name = TrimBlanks(item.substr(0, eq));
    const std::string_view value = TrimBlanks(item.substr(eq + 1));
    if (EqualsIgnoreAsciiCase(name, "MD5")) {
      h.md5 = value;
    } else if (EqualsIgnoreAsciiCase(name, "SHA1")) {
      h.sha1 = value;
    } else if (EqualsIgnoreAsciiCase(name, "SHA256")) {
      h.sha256 = value;
    } else if (EqualsIgnoreAsciiCase(name, "SHA512")) {
      h.sha512 = value;
    } else if (EqualsIgnoreAsciiCase(name, "IMPHASH")) {
      h.imphash = value;
    }
  }
  return h;
}

// A hash as STIX writes it: `hex` lower-cased into `buffer`, when it is `length` (at most 128)
// hex digits and not all zero (Sysmon writes IMPHASH=000... for files without an import
// table); "" otherwise.
std::string_view LowerHex(std::string_view hex, size_t length, char* buffer) {
  const std::string_view lower = LowerHexInto(hex, length, buffer);
  return lower.find_first_not_of('0') == std::string_view::npos ? std::string_view() : lower;
}

void HexMember(ObservationBuilder* b, std::string_view key, std::string_view hex, size_t length) {
  char buffer[128];
  const std::string_view lower = LowerHex(hex, length, buffer);
  if (!lower.empty()) b->String(key, lower);
}

// ---- The mapping.

enum class PeType : uint8_t { kNone, kExe, kDll, kSys };

// A Windows path split into its directory and base name. "C:\\Windows\\cmd.exe" ->
// "C:\\Windows" + "cmd.exe"; a root keeps its separator ("C:\\x.exe" -> "C:\\").
struct WindowsPath {
  std::string_view directory, name;
};

WindowsPath SplitPath(std::string_view path) {
  while (path.size() > 1 && (path.back() == '\\' || path.back() == '/')) path.remove_suffix(1);
  size_t sep = path.size();
  while (sep > 0 && path[sep - 1] != '\\' && path[sep - 1] != '/') --sep;
  if (sep == 0) return {{}, path};
  --sep;
  std::string_view dir = path.substr(0, sep);
  if (dir.empty() || dir.back() == ':') dir = path.substr(0, sep + 1);
  return {dir, path.substr(sep + 1)};
}

class Mapper {
 public:
  Mapper(const Fields& f, ObservationBuilder* b, Timestamp time) : f_(f), b_(b), time_(time) {}

  Status ProcessCreate();
  Status NetworkConnect();
  Status ImageLoad();
  Status FileCreate();
  Status DnsQuery();
  Status Other();

 private:
  // The file (and its directory) at `path`, with `hashes` when given; kNoRef without a path.
  Ref AddFile(std::string_view path, const HashSet* hashes, PeType pe,
              std::optional<Timestamp> ctime = std::nullopt);
  Ref AddDirectory(std::string_view path);
  // user-account for "DOMAIN\\user" in `field`; for kUser, ECS user.domain + user.name when
  // the event has no User.
  Ref AddUser(Field field);
  // The process the event is about: {pid, image_ref, creator_user_ref, opened_connection_refs}.
  Status AddActingProcess(Ref connection);
  // The hashes of the event's file: Hashes (or Hash), else ECS file.hash.*, process.hash.*,
  // hash.*.
  HashSet Hashes() const;
  // The first present text of `a` and, when `a` is absent, `b` (strict: InvalidArgument for a
  // value that is not a string).
  Status Text(Field a, std::string_view* out, Field b = kFieldCount) const {
    if (b != kFieldCount && !f_.Has(a)) return f_.Text(b, out);
    return f_.Text(a, out);
  }

  const Fields& f_;
  ObservationBuilder* b_;
  Timestamp time_;
  // The directories written so far, by path (at most 12 remembered).
  struct Written {
    std::string_view path;
    Ref ref;
  };
  std::array<Written, 12> directories_;
  size_t directory_count_ = 0;
  char user_text_[256];  // the user_id of the last user-account written
  size_t user_length_ = 0;
  Ref user_ref_ = kNoRef;
};

Ref Mapper::AddDirectory(std::string_view path) {
  if (path.empty()) return kNoRef;
  for (size_t i = 0; i < directory_count_; ++i) {
    if (directories_[i].path == path) return directories_[i].ref;
  }
  b_->Begin("directory");
  b_->String("path", path);
  const Ref ref = b_->End();
  if (directory_count_ < directories_.size() && ref != kNoRef) {
    directories_[directory_count_++] = Written{path, ref};
  }
  return ref;
}

PeType PeTypeOf(std::string_view name, PeType otherwise) {
  const size_t dot = name.rfind('.');
  if (dot != std::string_view::npos) {
    const std::string_view ext = name.substr(dot + 1);
    if (EqualsIgnoreAsciiCase(ext, "exe")) return PeType::kExe;
    if (EqualsIgnoreAsciiCase(ext, "dll")) return PeType::kDll;
    if (EqualsIgnoreAsciiCase(ext, "sys")) return PeType::kSys;
  }
  return otherwise;
}

Ref Mapper::AddFile(std::string_view path, const HashSet* hashes, PeType pe,
                    std::optional<Timestamp> ctime) {
  // Only paths with a directory: Sysmon names real images by their full path, and pseudo-images
  // by a bare word ("System", "Registry", "<unknown process>").
  const WindowsPath split = SplitPath(TrimBlanks(path));
  if (split.directory.empty() || split.name.empty()) return kNoRef;
  const Ref directory = AddDirectory(split.directory);
  b_->Begin("file");
  b_->OptionalString("name", split.name);
  b_->Reference("parent_directory_ref", directory);
  if (ctime) b_->Time("ctime", *ctime);
  if (hashes != nullptr) {
    b_->BeginObject("hashes");
    HexMember(b_, "MD5", hashes->md5, 32);
    HexMember(b_, "SHA-1", hashes->sha1, 40);
    HexMember(b_, "SHA-256", hashes->sha256, 64);
    HexMember(b_, "SHA-512", hashes->sha512, 128);
    b_->EndObject();
    char buffer[32];
    const std::string_view imphash = LowerHex(hashes->imphash, 32, buffer);
    if (!imphash.empty()) {
      b_->BeginObject("extensions");
      b_->BeginObject("windows-pebinary-ext");
      // STIX requires pe_type; written when the file's extension or the event says it.
      switch (PeTypeOf(split.name, pe)) {
        case PeType::kExe:
          b_->String("pe_type", "exe");
          break;
        case PeType::kDll:
          b_->String("pe_type", "dll");
          break;
        case PeType::kSys:
          b_->String("pe_type", "sys");
          break;
        case PeType::kNone:
          break;
      }
      b_->String("imphash", imphash);
      b_->EndObject();
      b_->EndObject();
    }
  }
  return b_->End();
}

Ref Mapper::AddUser(Field field) {
  std::string_view user = TrimBlanks(f_.Loose(field));
  char joined[256];
  std::string_view login = user;
  if (Absent(user) && field == kUser) {
    // ECS: user.domain and user.name, as Winlogbeat split User.
    const std::string_view name = TrimBlanks(f_.Loose(kEcsUserName));
    const std::string_view domain = TrimBlanks(f_.Loose(kEcsUserDomain));
    login = user = name;
    if (!Absent(name) && !Absent(domain) && domain.size() + name.size() < sizeof joined) {
      domain.copy(joined, domain.size());
      joined[domain.size()] = '\\';
      name.copy(joined + domain.size() + 1, name.size());
      user = std::string_view(joined, domain.size() + 1 + name.size());
    }
  } else {
    const size_t slash = user.rfind('\\');
    if (slash != std::string_view::npos) login = user.substr(slash + 1);
  }
  if (Absent(user)) return kNoRef;
  // ParentUser is often User: one object for both.
  if (user_ref_ != kNoRef && user == std::string_view(user_text_, user_length_)) return user_ref_;
  b_->Begin("user-account");
  b_->String("user_id", user);
  b_->OptionalString("account_login", login);
  const Ref ref = b_->End();
  if (user.size() <= sizeof user_text_) {
    user.copy(user_text_, user.size());
    user_length_ = user.size();
    user_ref_ = ref;
  }
  return ref;
}

HashSet Mapper::Hashes() const {
  HashSet h;
  std::string_view text = f_.Loose(kHashes);
  if (text.empty()) text = f_.Loose(kHash);
  if (!text.empty()) return ParseHashes(text);
  h = {f_.Loose(kEcsFileMd5), f_.Loose(kEcsFileSha1), f_.Loose(kEcsFileSha256),
       f_.Loose(kEcsFileSha512), f_.Loose(kEcsFileImphash)};
  if (!h.empty()) return h;
  h = {f_.Loose(kEcsProcessMd5), f_.Loose(kEcsProcessSha1), f_.Loose(kEcsProcessSha256),
       f_.Loose(kEcsProcessSha512), f_.Loose(kEcsProcessImphash)};
  if (!h.empty()) return h;
  return {f_.Loose(kEcsHashMd5),
          f_.Loose(kEcsHashSha1),
          f_.Loose(kEcsHashSha256),
          f_.Loose(kEcsHashSha512),
          {}};
}

constexpr uint64_t kMaxPid = UINT32_MAX;
// (Messages quote the value with control characters masked, so a reason is always one line.)
constexpr std::string_view kTimeExpected = "a time such as \"2019-05-14 09:04:58.718\"";
constexpr std::string_view kPid = "a process id";

Status Mapper::AddActingProcess(Ref connection) {
  std::string_view image;
  std::optional<int64_t> pid;
  CONCORD_RETURN_IF_ERROR(Text(kImage, &image));
  CONCORD_RETURN_IF_ERROR(f_.Number(kProcessId, kPid, kMaxPid, &pid));
  const Ref file = AddFile(image, nullptr, PeType::kExe);
  const Ref user = AddUser(kUser);
  if (!pid && file == kNoRef && user == kNoRef && connection == kNoRef) return Status::Ok();
  b_->Begin("process");
  if (pid) b_->Int("pid", *pid);
  b_->Reference("image_ref", file);
  b_->Reference("creator_user_ref", user);
  if (connection != kNoRef) b_->References("opened_connection_refs", {&connection, 1});
  b_->End();
  return Status::Ok();
}

// Event 1.
Status Mapper::ProcessCreate() {
  std::string_view image, command_line, cwd, parent_image, parent_command_line;
  std::optional<int64_t> pid, parent_pid;
  CONCORD_RETURN_IF_ERROR(Text(kImage, &image));
  CONCORD_RETURN_IF_ERROR(Text(kCommandLine, &command_line));
  CONCORD_RETURN_IF_ERROR(Text(kCurrentDirectory, &cwd));
  CONCORD_RETURN_IF_ERROR(Text(kParentImage, &parent_image));
  CONCORD_RETURN_IF_ERROR(Text(kParentCommandLine, &parent_command_line));
  CONCORD_RETURN_IF_ERROR(f_.Number(kProcessId, kPid, kMaxPid, &pid));
  CONCORD_RETURN_IF_ERROR(f_.Number(kParentProcessId, kPid, kMaxPid, &parent_pid));

  const HashSet hashes = Hashes();
  const Ref file = AddFile(image, &hashes, PeType::kExe);
  const Ref parent_file = AddFile(parent_image, nullptr, PeType::kExe);
  const Ref user = AddUser(kUser);
  const Ref parent_user = AddUser(kParentUser);
  Ref parent = kNoRef;
  if (parent_pid || parent_file != kNoRef || !Absent(parent_command_line)) {
    b_->Begin("process");
    if (parent_pid) b_->Int("pid", *parent_pid);
    b_->OptionalString("command_line", parent_command_line);
    b_->Reference("image_ref", parent_file);
    b_->Reference("creator_user_ref", parent_user);
    parent = b_->End();
  }
  b_->Begin("process");
  if (pid) b_->Int("pid", *pid);
  b_->OptionalString("command_line", command_line);
  b_->OptionalString("cwd", cwd);
  b_->Time("created_time", time_);
  b_->Reference("image_ref", file);
  b_->Reference("parent_ref", parent);
  b_->Reference("creator_user_ref", user);
  b_->End();
  return Status::Ok();
}

// Event 3.
Status Mapper::NetworkConnect() {
  std::string_view source_ip, destination_ip, source_host, destination_host, protocol;
  std::optional<int64_t> source_port, destination_port;
  CONCORD_RETURN_IF_ERROR(Text(kSourceIp, &source_ip));
  CONCORD_RETURN_IF_ERROR(Text(kDestinationIp, &destination_ip));
  CONCORD_RETURN_IF_ERROR(Text(kSourceHostname, &source_host));
  CONCORD_RETURN_IF_ERROR(Text(kDestinationHostname, &destination_host));
  CONCORD_RETURN_IF_ERROR(Text(kProtocol, &protocol));
  CONCORD_RETURN_IF_ERROR(f_.Number(kSourcePort, "a port number", 65535, &source_port));
  CONCORD_RETURN_IF_ERROR(f_.Number(kDestinationPort, "a port number", 65535, &destination_port));

  const Ref source = AddWindowsAddress(b_, source_ip);
  const Ref destination = AddWindowsAddress(b_, destination_ip);
  b_->AddDomainName(source_host);
  b_->AddDomainName(destination_host);
  b_->Begin("network-traffic");
  b_->Reference("src_ref", source);
  b_->Reference("dst_ref", destination);
  if (source_port) b_->Int("src_port", *source_port);
  if (destination_port) b_->Int("dst_port", *destination_port);
  protocol = TrimBlanks(protocol);
  char lower[16];
  if (!Absent(protocol) && protocol.size() <= sizeof lower) {
    for (size_t i = 0; i < protocol.size(); ++i) lower[i] = AsciiLower(protocol[i]);
    const std::string_view protocols[] = {std::string_view(lower, protocol.size())};
    b_->Strings("protocols", protocols);
  }
  b_->Time("start", time_);
  const Ref connection = b_->End();
  return AddActingProcess(connection);
}

// Event 7.
Status Mapper::ImageLoad() {
  std::string_view loaded;
  CONCORD_RETURN_IF_ERROR(Text(kImageLoaded, &loaded, kEcsFilePath));
  const HashSet hashes = Hashes();
  AddFile(loaded, &hashes, PeType::kDll);
  return AddActingProcess(kNoRef);
}

// Event 11.
Status Mapper::FileCreate() {
  std::string_view target, created;
  CONCORD_RETURN_IF_ERROR(Text(kTargetFilename, &target, kEcsFilePath));
  CONCORD_RETURN_IF_ERROR(Text(kCreationUtcTime, &created));
  std::optional<Timestamp> ctime;
  if (!Absent(created)) {
    Result<Timestamp> t = ParseLogTime(TrimBlanks(created));
    if (!t.ok()) return f_.WrongType(kCreationUtcTime, kTimeExpected);
    ctime = *t;
  }
  AddFile(target, nullptr, PeType::kNone, ctime);
  return AddActingProcess(kNoRef);
}

// Event 22. QueryResults: "type:  5 cname.example;::ffff:192.0.2.1;192.0.2.7;" (CNAME and PTR
// records as "type:  N name", addresses as they are).
Status Mapper::DnsQuery() {
  std::string_view query, results;
  CONCORD_RETURN_IF_ERROR(Text(kQueryName, &query));
  CONCORD_RETURN_IF_ERROR(Text(kQueryResults, &results));
  b_->AddDomainName(TrimBlanks(query));
  while (!results.empty() && !b_->truncated()) {
    const size_t semicolon = results.find(';');
    std::string_view item = TrimBlanks(results.substr(0, semicolon));
    results =
        semicolon == std::string_view::npos ? std::string_view() : results.substr(semicolon + 1);
    if (!item.starts_with("type:")) {
      AddWindowsAddress(b_, item);
      continue;
    }
    item = TrimBlanks(item.substr(5));
    size_t digits = 0;
    while (digits < item.size() && item[digits] >= '0' && item[digits] <= '9') ++digits;
    const std::string_view type = item.substr(0, digits);
    if (type == "5" || type == "12") b_->AddDomainName(TrimBlanks(item.substr(digits)));
  }
  if (!f_.Has(kQueryResults)) {
    // ECS: dns.answers [{type, data}] and dns.resolved_ip [...], as Winlogbeat split them.
    constexpr size_t kMaxAnswers = 1024;
    json::ArrayView answers;
    if (f_.Has(kEcsDnsAnswers) &&
        f_.Value(kEcsDnsAnswers).get_array().get(answers) == simdjson::SUCCESS) {
      size_t n = 0;
      for (json::Element answer : answers) {
        if (++n > kMaxAnswers || b_->truncated()) break;
        std::string_view type, data;
        if (answer["data"].get_string().get(data) != simdjson::SUCCESS) continue;
        if (answer["type"].get_string().get(type) != simdjson::SUCCESS) type = {};
        if (type == "CNAME" || type == "PTR") {
          b_->AddDomainName(TrimBlanks(data));
        } else {
          AddWindowsAddress(b_, data);
        }
      }
    }
    json::ArrayView resolved;
    if (f_.Has(kEcsDnsResolvedIp) &&
        f_.Value(kEcsDnsResolvedIp).get_array().get(resolved) == simdjson::SUCCESS) {
      size_t n = 0;
      for (json::Element ip : resolved) {
        if (++n > kMaxAnswers || b_->truncated()) break;
        std::string_view text;
        if (ip.get_string().get(text) == simdjson::SUCCESS) AddWindowsAddress(b_, text);
      }
    }
  }
  return AddActingProcess(kNoRef);
}

// Any other event, Sysmon or not: every address, host name, file path and hash it has, read
// leniently (never an error).
Status Mapper::Other() {
  for (Field f :
       {kSourceIp, kDestinationIp, kIpAddress, kSourceAddress, kDestAddress, kClientAddress}) {
    AddWindowsAddress(b_, f_.Loose(f));
  }
  for (Field f : {kSourceHostname, kDestinationHostname, kQueryName}) {
    b_->AddDomainName(TrimBlanks(f_.Loose(f)));
  }
  // The hashes describe the target file (2, 15, 23, 26, 29), else the loaded image (6, 7),
  // else the process image (24, 25).
  std::array<std::string_view, 12> written;
  size_t count = 0;
  const HashSet hashes = Hashes();
  if (!hashes.empty()) {
    for (Field f : {kTargetFilename, kImageLoaded, kEcsFilePath, kImage}) {
      const std::string_view path = TrimBlanks(f_.Loose(f));
      if (AddFile(path, &hashes, PeType::kNone) == kNoRef) continue;
      written[count++] = path;
      break;
    }
  }
  for (Field f : {kImage, kTargetFilename, kImageLoaded, kEcsFilePath, kSourceImage, kTargetImage,
                  kParentImage, kNewProcessName, kProcessName, kParentProcessName, kApplication}) {
    const std::string_view path = TrimBlanks(f_.Loose(f));
    if (Absent(path) || count == written.size()) continue;
    bool seen = false;
    for (size_t i = 0; i < count && !seen; ++i) seen = written[i] == path;
    if (!seen && AddFile(path, nullptr, PeType::kNone) != kNoRef) written[count++] = path;
  }
  return Status::Ok();
}

// ---- What and when.

Status ReadTime(const Fields& f, bool ecs, Timestamp* out) {
  for (Field field : {kUtcTime, kTimestamp, kTimeCreated, kEventTime}) {
    if (!f.Has(field)) continue;
    std::string_view text;
    if (f.Value(field).get_string().get(text) != simdjson::SUCCESS) {
      return f.WrongType(field, kTimeExpected);
    }
    Result<Timestamp> t = ParseLogTime(TrimBlanks(text));
    if (!t.ok()) return f.WrongType(field, kTimeExpected);
    *out = *t;
    return Status::Ok();
  }
  return InvalidArgument(ecs ? "no time: neither '@timestamp' nor 'winlog.event_data.UtcTime'"
                             : "no time: none of 'UtcTime', '@timestamp', 'TimeCreated' or "
                               "'EventTime'");
}

// The Sysmon event ID; nullopt for an event of another provider (a Security event 4624, a
// Hyper-V event 11) or with no ID, which are mapped as Other().
Status ReadSysmonEventId(const Fields& f, std::optional<int64_t>* id) {
  const Field field = f.Has(kEventId) ? kEventId : kEcsEventCode;
  CONCORD_RETURN_IF_ERROR(f.Number(field, "an event number", 65535, id));
  const std::string_view provider = TrimBlanks(f.Loose(kProvider));
  const std::string_view channel = TrimBlanks(f.Loose(kChannel));
  const bool sysmon =
      !provider.empty()  ? (provider == "Microsoft-Windows-Sysmon" ||
                           EqualsIgnoreAsciiCase(provider, "Microsoft-Windows-Sysmon"))
      : !channel.empty() ? StartsWithIgnoreAsciiCase(channel, "Microsoft-Windows-Sysmon")
                         : true;
  if (!sysmon) id->reset();
  return Status::Ok();
}

Status Map(const Fields& fields, bool ecs, ObservationBuilder* builder) {
  Timestamp time;
  CONCORD_RETURN_IF_ERROR(ReadTime(fields, ecs, &time));
  std::optional<int64_t> id;
  CONCORD_RETURN_IF_ERROR(ReadSysmonEventId(fields, &id));
  builder->Reset(time);
  Mapper mapper(fields, builder, time);
  switch (id.value_or(-1)) {
    case 1:
      return mapper.ProcessCreate();
    case 3:
      return mapper.NetworkConnect();
    case 7:
      return mapper.ImageLoad();
    case 11:
      return mapper.FileCreate();
    case 22:
      return mapper.DnsQuery();
    default:
      return mapper.Other();
  }
}

}  // namespace

Status MapSysmonEcs(json::ObjectView event, observe::ObservationBuilder* builder) {
  Fields fields;
  FillEcs(event, &fields);
  return Map(fields, /*ecs=*/true, builder);
}

Status MapSysmonFlat(json::ObjectView event, observe::ObservationBuilder* builder) {
  Fields fields;
  FillFlat(event, &fields);
  return Map(fields, /*ecs=*/false, builder);
}

}  // namespace concord::ingest
