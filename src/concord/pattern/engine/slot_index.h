#pragma once

// The per-slot prefilter indexes of the compiled engine. A slot is one (object type, object path)
// that some comparison of the pattern set reads. For every object of that type an observation
// holds, the path is resolved once and each value probes the slot's indexes; every index returns
// the prefilter clauses (uint32 ids) whose atom the value satisfies:
//
//   presence      the path yields a value at all (EXISTS, NOT, !=, MATCHES on binary: any
//                 comparison needs a value)
//   KeyTable      exact keys: strings, bytes, numbers, booleans, instants (=, IN); LIKE literals
//                 (no wildcard), LIKE 'lit%' and '%lit' by distinct literal lengths, LIKE
//                 '%.a.b' probed at each '.' of the value (a reversed-label walk through the
//                 hash); CIDR blocks (ISSUBSET) by masked prefix, probing only the prefix
//                 lengths present (for IPv4 under the value's top 16 bits, from a 64 K table)
//   SupersetIndex ISSUPERSET blocks, sorted, scanned within the value's block
//   RangeIndex    < <= > >= bounds per comparable kind, sorted; hits are a prefix/suffix
//   RegexSetIndex remaining LIKE (anchored translation) and MATCHES on RE2::Set
//
// Every atom except presence and the regex sets is exact: a hit means the comparison (without
// NOT) holds on that value. Immutable once built; ProbeValue is thread-safe given its own
// scratch.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "concord/base/timestamp.h"
#include "concord/observe/observation.h"
#include "concord/pattern/engine/key_table.h"
#include "concord/pattern/engine/semantics.h"
#include "concord/pattern/ip.h"

namespace re2 {
class RE2;
}

namespace concord::pattern::engine {

// Key kinds of KeyTable entries.
enum KeyKind : uint8_t {
  kKeyString = 1,  // a plain string value, bytes as is
  kKeyBytes,       // a binary value's bytes (or a plain string's Latin-1 bytes)
  kKeyNumber,      // NumberKey
  kKeyBool,        // "0" or "1"
  kKeyInstant,     // InstantKey of a string read as an RFC 3339 timestamp
  kKeyLikeExact,   // LIKE without wildcards: the NFC value
  kKeyLikePrefix,  // LIKE 'lit%': the first |lit| bytes of the NFC value
  kKeyLikeSuffix,  // LIKE '%lit': the last |lit| bytes
  kKeyDotSuffix,   // LIKE '%.lit': the NFC value from one of its '.'
  kKeyCidr4,       // CidrKey of an IPv4 block
  kKeyCidr6,       // CidrKey of an IPv6 block
  kKeyKindCount
};

// 12 bytes: seconds and nanoseconds.
std::string InstantKey(const Timestamp& t);
// The first `length` bits of `net` (the rest zeroed), with the length: 1 + 4 or 1 + 16 bytes.
std::string CidrKey(const IpNetwork& net, int length);

// Ordered bounds of one comparable kind K (std::string, Number or Timestamp), each with the
// value (clause id) a satisfied bound reports.
template <typename K>
class RangeIndex {
 public:
  // `op` is kLt, kLe, kGt or kGe: the comparison "value op bound".
  void Add(K bound, CompareOp op, uint32_t value);
  // Sorts the bounds. Call once, after every Add.
  void Build();
  // True when no bound was added.
  bool empty() const { return lower_.empty() && upper_.empty(); }
  // Appends the value of every bound `v` satisfies. Work: the hits plus equal bounds.
  void Query(const K& v, std::vector<uint32_t>* hits) const;
  // Heap bytes held.
  size_t memory_bytes() const;

 private:
  struct Bound {
    K bound;
    bool inclusive;
    uint32_t value;
  };
  std::vector<Bound> lower_;  // "v > bound" / "v >= bound", ascending bound
  std::vector<Bound> upper_;  // "v < bound" / "v <= bound", ascending bound
};

// ISSUBSET constants: which of them contain a value block.
class CidrIndex {
 public:
  // Registers a constant block's family and prefix length (the key goes into the KeyTable).
  void Add(const IpNetwork& constant);
  // Builds the IPv4 table of lengths. Call once, after every Add.
  void Build();
  // True when no block was added.
  bool empty() const { return count4_ == 0 && count6_ == 0; }
  // Appends the KeyTable hits of every constant block that contains `value`.
  void Probe(const IpNetwork& value, uint32_t slot, const KeyTable& keys,
             std::vector<uint32_t>* hits) const;
  // Heap bytes held.
  size_t memory_bytes() const;

 private:
  std::vector<std::pair<uint16_t, uint8_t>> pending4_;  // (top 16 bits, length) until Build
  size_t count4_ = 0;
  size_t count6_ = 0;
  std::array<uint64_t, 3> lengths6_{};  // bit L of 0..128: some IPv6 constant has length L
  // IPv4: [top `table_bits_` bits of an address] -> bit L - 1 set when some constant of length L
  // (1..32) covers addresses with those top bits; 8 bits (1 KiB) for a few blocks, 16 (256 KiB)
  // for many. Length 0 (0.0.0.0/0) covers everything: zero4_.
  int table_bits_ = 8;
  bool zero4_ = false;
  std::vector<uint32_t> table4_;
  // With 16 table bits: bit t set when table4_[t] is not 0. Most addresses fall under no block;
  // this 8 KiB answers them from the caches close to the core, where the 256 KiB table would
  // be a cache miss on nearly every probe.
  std::vector<uint64_t> any4_;
};

// ISSUPERSET constants: which of them a value block contains.
class SupersetIndex {
 public:
  // Registers `constant` with the value (clause id) reported when a value block contains it.
  void Add(const IpNetwork& constant, uint32_t value);
  // Sorts the constants. Call once, after every Add.
  void Build();
  // True when no constant was added.
  bool empty() const { return entries_.empty(); }
  // Appends the value of every constant that `value` (a block) contains. Work: the constants
  // within the block's address range.
  void Query(const IpNetwork& value, std::vector<uint32_t>* hits) const;
  // Heap bytes held.
  size_t memory_bytes() const { return entries_.capacity() * sizeof(Entry); }

 private:
  struct Entry {
    uint8_t family;
    std::array<uint8_t, 16> bytes;  // masked to `length`
    uint8_t length;
    uint32_t value;
  };
  std::vector<Entry> entries_;  // sorted by (family, bytes)
};

class AtomFilter;  // the literals that some regexes' matches need (slot_index.cc)

// Regular expressions matched together on RE2::Set, in chunks of at most kChunk. A chunk that
// fails to compile, or whose DFA runs out of memory on a text, reports all its values (they are
// verified exactly afterwards).
class RegexSetIndex {
 public:
  // An empty index; movable, not copyable.
  RegexSetIndex();
  ~RegexSetIndex();
  RegexSetIndex(RegexSetIndex&&) noexcept;
  RegexSetIndex& operator=(RegexSetIndex&&) noexcept;

  // Registers `regex` (RE2 syntax, UTF-8) with the value reported when it matches.
  void Add(std::string regex, uint32_t value);
  // Compiles the chunks. Call once, after every Add.
  void Build();
  // True when no regex was added.
  bool empty() const { return count_ == 0; }
  // Appends the value of every regex that matches somewhere in `text` (and of every regex of a
  // chunk that could not decide). With `scratch`, matches with that thread's own copies of the
  // compiled sets: RE2 guards a set's DFA cache with a lock, which threads sharing one set
  // contend for on every match.
  void Query(std::string_view text, std::vector<uint32_t>* hits,
             struct ProbeScratch* scratch = nullptr) const;
  // Heap bytes held (RE2's own memory estimated at 4 KiB per regex).
  size_t memory_bytes() const;

  static constexpr size_t kChunk = 128;

 private:
  struct Chunk;
  std::vector<std::pair<std::string, uint32_t>> pending_;
  std::vector<std::unique_ptr<Chunk>> chunks_;
  std::vector<AtomFilter> filters_;  // filters_[i]: the filtered chunks of [64 * i, 64 * i + 64)
  size_t count_ = 0;
};

// Scratch for SlotIndex::ProbeValue (one per thread).
struct ProbeScratch {
  ProbeScratch();
  ~ProbeScratch();
  ProbeScratch(const ProbeScratch&) = delete;
  ProbeScratch& operator=(const ProbeScratch&) = delete;
  std::string a;
  std::string b;
  std::string key;
  // This thread's copies of RegexSetIndex chunks, made on first use.
  struct Regexes;
  std::unique_ptr<Regexes> regexes;
};

// One scalar value to probe with, without a ValueStore: what ObservationBuilder writes, seen
// as it writes it (Matcher's write prefilter). `text` for kString; `int_value` for kInt and
// kBool (0 or 1); `float_value` for kFloat; `encoding` as PathValue::encoding; `ipv4` as
// observe::BuilderSink::Value::ipv4 (the bytes of `text` when it is a dotted-quad address).
struct Scalar {
  observe::ValueKind kind = observe::ValueKind::kNull;
  Encoding encoding = Encoding::kNone;
  std::string_view text;
  int64_t int_value = 0;
  double float_value = 0;
  const uint8_t* ipv4 = nullptr;
};

// Everything one slot indexes.
struct SlotIndex {
  uint32_t slot = 0;
  Encoding encoding = Encoding::kNone;
  uint32_t key_kinds = 0;                // bit k: KeyTable holds keys of kind k for this slot
  std::vector<uint32_t> presence;        // clauses satisfied by any value
  std::vector<uint16_t> prefix_lengths;  // distinct LIKE 'lit%' byte lengths, ascending
  std::vector<uint16_t> suffix_lengths;  // distinct LIKE '%lit' byte lengths, ascending
  uint32_t max_dot_suffix = 0;           // longest LIKE '%.lit' literal, bytes
  uint64_t dot_suffix_labels = 0;        // bit n (n < 63): some '%.lit' has n dots; bit 63: more
  CidrIndex cidr;
  SupersetIndex superset;
  RangeIndex<std::string> range_string;  // plain strings
  RangeIndex<std::string> range_bytes;   // binary bytes / Latin-1 bytes of plain strings
  RangeIndex<Number> range_number;
  RangeIndex<Timestamp> range_instant;
  RegexSetIndex like_set;     // on LikeText of plain strings
  RegexSetIndex matches_set;  // on MatchesText of plain strings
  // What a plain string value is probed in, from the parts above (Build sets it).
  enum TextProbe : uint8_t {
    kProbeKey = 1,       // kKeyString
    kProbeRange = 2,     // range_string
    kProbeBytes = 4,     // kKeyBytes, range_bytes: Latin-1 bytes
    kProbeInstant = 8,   // kKeyInstant, range_instant: the value read as a timestamp
    kProbeLike = 16,     // LIKE keys and like_set: LikeText
    kProbeMatches = 32,  // matches_set
    kProbeIp = 64,       // cidr, superset: the value read as an IP network
  };
  uint8_t text_probes = 0;

  // Whether the KeyTable holds keys of kind `k` for this slot.
  bool has(KeyKind k) const { return (key_kinds >> k) & 1; }
  // Sorts and builds the parts. Call once, after every atom is registered.
  void Build();
  // Appends to `*hits` the clauses that `value` satisfies beyond `presence` (which an object
  // with any value of this slot satisfies once).
  void ProbeValue(const observe::ValueStore& store, const PathValue& value, const KeyTable& keys,
                  ProbeScratch* scratch, std::vector<uint32_t>* hits) const;
  // ProbeValue for a scalar (lists, objects and null satisfy nothing beyond presence).
  void ProbeScalar(const Scalar& value, const KeyTable& keys, ProbeScratch* scratch,
                   std::vector<uint32_t>* hits) const;
  // Heap bytes held (the KeyTable's share excluded).
  size_t memory_bytes() const;
};

}  // namespace concord::pattern::engine
