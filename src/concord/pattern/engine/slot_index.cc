#include "concord/pattern/engine/slot_index.h"

#include <unordered_map>

#include <re2/filtered_re2.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <optional>

#include "concord/base/bytes.h"

namespace concord::pattern::engine {

std::string InstantKey(const Timestamp& t) {
  char buf[12];
  std::memcpy(buf, &t.seconds, 8);
  std::memcpy(buf + 8, &t.nanos, 4);
  return std::string(buf, 12);
}

namespace {

// `net`'s bytes with every bit from `length` on zeroed (or set, when `ones`).
std::array<uint8_t, 16> Masked(const IpNetwork& net, int length, bool ones = false) {
  std::array<uint8_t, 16> out = net.bytes;
  const int total = net.family == 4 ? 32 : 128;
  for (int i = 0; i < total / 8; ++i) {
    const int keep = std::clamp(length - 8 * i, 0, 8);
    const uint8_t mask = keep == 8 ? 0xFF : static_cast<uint8_t>(0xFF << (8 - keep));
    out[i] = ones ? static_cast<uint8_t>(out[i] | ~mask) : static_cast<uint8_t>(out[i] & mask);
  }
  for (int i = total / 8; i < 16; ++i) out[i] = 0;
  return out;
}

int ThreeWayKey(const std::string& a, const std::string& b) {
  const int c = a.compare(b);
  return (c > 0) - (c < 0);
}
int ThreeWayKey(const Number& a, const Number& b) { return CompareNumbers(a, b); }
int ThreeWayKey(const Timestamp& a, const Timestamp& b) { return ThreeWay(a, b); }

size_t KeyBytes(const std::string& s) { return s.capacity() > 15 ? s.capacity() : 0; }
size_t KeyBytes(const Number&) { return 0; }
size_t KeyBytes(const Timestamp&) { return 0; }

void Append(std::span<const uint32_t> posting, std::vector<uint32_t>* hits) {
  // Most probes find nothing: no call into the vector's insert for them.
  if (!posting.empty()) hits->insert(hits->end(), posting.begin(), posting.end());
}

}  // namespace

std::string CidrKey(const IpNetwork& net, int length) {
  const std::array<uint8_t, 16> m = Masked(net, length);
  std::string key(1, static_cast<char>(length));
  key.append(reinterpret_cast<const char*>(m.data()), net.family == 4 ? 4 : 16);
  return key;
}

// ---- RangeIndex ----

template <typename K>
void RangeIndex<K>::Add(K bound, CompareOp op, uint32_t value) {
  const bool inclusive = op == CompareOp::kLe || op == CompareOp::kGe;
  Bound b{std::move(bound), inclusive, value};
  if (op == CompareOp::kGt || op == CompareOp::kGe) {
    lower_.push_back(std::move(b));
  } else {
    upper_.push_back(std::move(b));
  }
}

template <typename K>
void RangeIndex<K>::Build() {
  auto less = [](const Bound& a, const Bound& b) { return ThreeWayKey(a.bound, b.bound) < 0; };
  std::sort(lower_.begin(), lower_.end(), less);
  std::sort(upper_.begin(), upper_.end(), less);
  lower_.shrink_to_fit();
  upper_.shrink_to_fit();
}

template <typename K>
void RangeIndex<K>::Query(const K& v, std::vector<uint32_t>* hits) const {
  for (const Bound& b : lower_) {  // v > bound, v >= bound
    const int c = ThreeWayKey(v, b.bound);
    if (c < 0) break;
    if (c > 0 || b.inclusive) hits->push_back(b.value);
  }
  for (size_t i = upper_.size(); i > 0; --i) {  // v < bound, v <= bound
    const Bound& b = upper_[i - 1];
    const int c = ThreeWayKey(v, b.bound);
    if (c > 0) break;
    if (c < 0 || b.inclusive) hits->push_back(b.value);
  }
}

template <typename K>
size_t RangeIndex<K>::memory_bytes() const {
  size_t n = (lower_.capacity() + upper_.capacity()) * sizeof(Bound);
  for (const Bound& b : lower_) n += KeyBytes(b.bound);
  for (const Bound& b : upper_) n += KeyBytes(b.bound);
  return n;
}

template class RangeIndex<std::string>;
template class RangeIndex<Number>;
template class RangeIndex<Timestamp>;

// ---- CidrIndex ----

namespace {
// From this many IPv4 blocks in a slot on, the table of lengths is indexed by the top 16 bits of
// an address (512 KiB) rather than the top 8 (2 KiB).
constexpr size_t kTable16Threshold = 256;
}  // namespace

void CidrIndex::Add(const IpNetwork& c) {
  if (c.family == 4) {
    ++count4_;
    pending4_.emplace_back(static_cast<uint16_t>(c.bytes[0] << 8 | c.bytes[1]),
                           static_cast<uint8_t>(c.prefix_length));
  } else {
    ++count6_;
    lengths6_[c.prefix_length / 64] |= uint64_t{1} << (c.prefix_length % 64);
  }
}

void CidrIndex::Build() {
  if (count4_ > 0) {
    table_bits_ = count4_ >= kTable16Threshold ? 16 : 8;
    table4_.assign(size_t{1} << table_bits_, 0);
    for (const auto& [top16, length] : pending4_) {
      if (length == 0) {
        zero4_ = true;
        continue;
      }
      const uint32_t bit = uint32_t{1} << (length - 1);
      const uint32_t top = top16 >> (16 - table_bits_);
      if (length >= table_bits_) {
        table4_[top] |= bit;
      } else {
        // A short block covers 2^(bits - length) table entries.
        const uint32_t span = 1u << (table_bits_ - length);
        const uint32_t first = top & ~(span - 1);
        for (uint32_t t = first; t < first + span; ++t) table4_[t] |= bit;
      }
    }
  }
  pending4_ = {};
  if (table_bits_ == 16) {
    any4_.assign(table4_.size() / 64, 0);
    for (size_t t = 0; t < table4_.size(); ++t) {
      if (table4_[t] != 0) any4_[t / 64] |= uint64_t{1} << (t % 64);
    }
  }
}

void CidrIndex::Probe(const IpNetwork& value, uint32_t slot, const KeyTable& keys,
                      std::vector<uint32_t>* hits) const {
  if (value.family == 4) {
    if (count4_ == 0) return;
    if (zero4_) Append(keys.Find(slot, kKeyCidr4, CidrKey(value, 0)), hits);
    const uint32_t top16 = value.bytes[0] << 8 | value.bytes[1];
    if (!any4_.empty() && (any4_[top16 / 64] >> (top16 % 64) & 1) == 0) return;
    // Lengths 1 .. value.prefix_length (blocks no longer than the value's).
    uint32_t lengths = table4_[top16 >> (16 - table_bits_)];
    if (value.prefix_length < 32) lengths &= (uint32_t{1} << value.prefix_length) - 1;
    while (lengths != 0) {
      const int l = __builtin_ctz(lengths) + 1;
      lengths &= lengths - 1;
      Append(keys.Find(slot, kKeyCidr4, CidrKey(value, l)), hits);
    }
    return;
  }
  if (count6_ == 0) return;
  for (int l = 0; l <= value.prefix_length; ++l) {
    if ((lengths6_[l / 64] >> (l % 64) & 1) == 0) continue;
    Append(keys.Find(slot, kKeyCidr6, CidrKey(value, l)), hits);
  }
}

size_t CidrIndex::memory_bytes() const {
  return table4_.capacity() * sizeof(uint32_t) + any4_.capacity() * sizeof(uint64_t);
}

// ---- SupersetIndex ----

void SupersetIndex::Add(const IpNetwork& c, uint32_t value) {
  entries_.push_back(Entry{static_cast<uint8_t>(c.family), Masked(c, c.prefix_length),
                           static_cast<uint8_t>(c.prefix_length), value});
}

void SupersetIndex::Build() {
  std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.family, a.bytes) < std::tie(b.family, b.bytes);
  });
  entries_.shrink_to_fit();
}

void SupersetIndex::Query(const IpNetwork& value, std::vector<uint32_t>* hits) const {
  // The constants the value's block contains are those of its family whose bytes lie within the
  // block (first prefix_length bits equal) and whose own prefix is at least as long.
  const uint8_t family = static_cast<uint8_t>(value.family);
  const std::array<uint8_t, 16> lo = Masked(value, value.prefix_length);
  const std::array<uint8_t, 16> hi = Masked(value, value.prefix_length, /*ones=*/true);
  auto it = std::lower_bound(entries_.begin(), entries_.end(), lo, [&](const Entry& e, auto& k) {
    return std::tie(e.family, e.bytes) < std::tie(family, k);
  });
  for (; it != entries_.end() && it->family == family && it->bytes <= hi; ++it) {
    if (it->length >= value.prefix_length) hits->push_back(it->value);
  }
}

// ---- RegexSetIndex ----

// ASCII lower case as a table: the atom filter lowers every byte of every value it looks at,
// and a compare-and-branch per byte mispredicts on mixed-case text.
constexpr std::array<unsigned char, 256> kAsciiLower = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  return t;
}();

// Literal strings ("atoms", lower case, at least 3 bytes) of which every match of every regex of
// a chunk contains at least one, as RE2's FilteredRE2 computes them, for up to 64 chunks at once.
// Most texts contain none, and then no set is run: one scan over the text's 3-byte windows for
// all the chunks instead of a DFA search per chunk. Only for texts in ASCII, whose lower case is
// RE2's.
class AtomFilter {
 public:
  // The atoms of `regexes`; nullopt when some regex has none, or when RE2 cannot say.
  static std::optional<std::vector<std::string>> AtomsOf(const std::vector<std::string>& regexes,
                                                         const re2::RE2::Options& options) {
    re2::FilteredRE2 filtered(kMinAtom);
    for (const std::string& r : regexes) {
      int id = 0;
      if (filtered.Add(r, options, &id) != re2::RE2::NoError) return std::nullopt;
    }
    if (filtered.NumRegexps() == 0) return std::nullopt;
    std::vector<std::string> atoms;
    filtered.Compile(&atoms);
    // A regex that passes with no atom found (no atom of kMinAtom bytes or more, or its
    // filter matches everything) would have to run on every text.
    std::vector<int> potential;
    filtered.AllPotentials({}, &potential);
    if (!potential.empty() || atoms.empty()) return std::nullopt;
    for (const std::string& atom : atoms) {
      if (atom.size() < kMinAtom) return std::nullopt;
      for (char c : atom) {
        if (static_cast<unsigned char>(c) >= 0x80) return std::nullopt;  // never in ASCII text
      }
    }
    return atoms;
  }

  // Adds `atoms` (from AtomsOf) as those of chunk `chunk`. REQUIRES: chunk < 64.
  void Add(std::vector<std::string> atoms, unsigned chunk) {
    if (bits_.empty()) bits_.assign(kBitWords, 0);
    all_ |= uint64_t{1} << chunk;
    for (std::string& atom : atoms) {
      const uint32_t key = Key(atom.data());
      bits_[Bit(key) / 64] |= uint64_t{1} << (Bit(key) % 64);
      by_key_.push_back({key, static_cast<uint32_t>(atoms_.size())});
      atoms_.push_back(std::move(atom));
      owners_.push_back(static_cast<uint8_t>(chunk));
    }
  }
  // Call once, after every Add.
  void Build() { std::sort(by_key_.begin(), by_key_.end()); }

  // The chunks (bit i: chunk i) whose regexes `text` may match: those of an atom the text
  // holds, or every chunk added when the text is not ASCII. One pass over the text, 8 bytes
  // at a time (lowered together), looking up each of the 6 whole 3-byte windows in them.
  uint64_t Chunks(std::string_view text) const {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const size_t n = text.size();
    uint64_t found = 0;
    uint64_t high = 0;  // the bytes read, OR-ed: non-ASCII text may hold an atom in another case
    size_t i = 0;
    for (; i + 8 <= n; i += 6) {
      const uint64_t w = Load8(p + i);
      high |= w;
      const uint64_t lower = Lower8(w);
      if (const uint32_t c = Candidates(lower, 6); c != 0) {
        found = ChunksAt(c, lower, text, i, found);
        if (found == all_) return all_;
      }
    }
    // The last windows, from the bytes [i, n): fewer than 8.
    if (n >= 8) {
      const uint64_t w = Load8(p + n - 8) >> (8 * (8 - (n - i)));
      high |= w;
      if (n - i >= kMinAtom) {
        const uint64_t lower = Lower8(w);
        found = ChunksAt(Candidates(lower, n - i - 2), lower, text, i, found);
      }
    } else {
      uint64_t w = 0;
      for (size_t k = 0; k < n; ++k) w |= uint64_t{p[k]} << (8 * k);
      high |= w;
      if (n >= kMinAtom) {
        const uint64_t lower = Lower8(w);
        found = ChunksAt(Candidates(lower, n - 2), lower, text, 0, found);
      }
    }
    return (high & kHighBits) != 0 ? all_ : found;
  }

  size_t memory_bytes() const {
    size_t n = bits_.capacity() * 8 + by_key_.capacity() * 8 + owners_.capacity();
    for (const std::string& a : atoms_) n += a.capacity();
    return n;
  }

 private:
  static constexpr size_t kMinAtom = 3;
  static constexpr size_t kBits = size_t{1} << 14;  // 2 KiB per 64 chunks
  static constexpr size_t kBitWords = kBits / 64;
  static constexpr uint64_t kHighBits = 0x8080808080808080;
  // The first 3 bytes at `p`, the first lowest (as Load8 reads them).
  static uint32_t Key(const char* p) {
    return static_cast<uint32_t>(static_cast<unsigned char>(p[2])) << 16 |
           static_cast<uint32_t>(static_cast<unsigned char>(p[1])) << 8 |
           static_cast<unsigned char>(p[0]);
  }
  // The 8 bytes at `p`, the first lowest.
  static uint64_t Load8(const unsigned char* p) {
    const uint64_t w = Load64(reinterpret_cast<const char*>(p));
    if constexpr (std::endian::native == std::endian::big) return __builtin_bswap64(w);
    return w;
  }
  // `w` with each byte A-Z lowered. Bytes of 0x80 and above may come out wrong (and spoil the
  // byte after them): Chunks answers every chunk for such text anyway.
  static uint64_t Lower8(uint64_t w) {
    constexpr uint64_t kOnes = 0x0101010101010101;
    const uint64_t at_least_a = w + (0x80 - 'A') * kOnes;    // high bit: byte >= 'A'
    const uint64_t beyond_z = w + (0x80 - 'Z' - 1) * kOnes;  // high bit: byte > 'Z'
    const uint64_t upper = (at_least_a ^ beyond_z) & ~w & kHighBits;
    return w | upper >> 2;  // 0x80 >> 2 == 0x20, the case bit
  }
  // Bit k: the k-th 3-byte window of `w` (of the first `count`) starts some atom, by the
  // bitmap. No branch per window: most windows start none. REQUIRES: count <= 6.
  uint32_t Candidates(uint64_t w, size_t count) const {
    uint32_t candidates = 0;
    for (size_t k = 0; k < count; ++k) {
      const uint32_t bit = Bit(static_cast<uint32_t>(w >> (8 * k)) & 0xFFFFFF);
      candidates |= static_cast<uint32_t>(bits_[bit / 64] >> (bit % 64) & 1) << k;
    }
    return candidates;
  }
  // The chunks, beyond `found`, of the atoms that start at the windows of `candidates` (bit k:
  // the k-th 3-byte window of `w`, the lowered bytes of `text` from `at`).
  uint64_t ChunksAt(uint32_t candidates, uint64_t w, std::string_view text, size_t at,
                    uint64_t found) const {
    for (; candidates != 0; candidates &= candidates - 1) {
      const int k = std::countr_zero(candidates);
      const uint32_t key = static_cast<uint32_t>(w >> (8 * k)) & 0xFFFFFF;
      found |= ChunksOfAtomsAt(key, text.substr(at + static_cast<size_t>(k)), found);
    }
    return found;
  }
  static uint32_t Bit(uint32_t key) { return (key * 2654435761u) >> (32 - 14); }
  static unsigned char Lower(unsigned char c) { return kAsciiLower[c]; }

  // The chunks, beyond those in `found`, of the atoms that start with the 3 bytes `key` and
  // start `rest` (compared lowered).
  uint64_t ChunksOfAtomsAt(uint32_t key, std::string_view rest, uint64_t found) const {
    auto it =
        std::lower_bound(by_key_.begin(), by_key_.end(), std::pair<uint32_t, uint32_t>{key, 0});
    for (; it != by_key_.end() && it->first == key; ++it) {
      const uint64_t chunk = uint64_t{1} << owners_[it->second];
      const std::string& atom = atoms_[it->second];
      if ((found & chunk) != 0 || atom.size() > rest.size()) continue;
      size_t k = kMinAtom;
      while (k < atom.size() &&
             Lower(static_cast<unsigned char>(rest[k])) == static_cast<unsigned char>(atom[k])) {
        ++k;
      }
      if (k == atom.size()) found |= chunk;
    }
    return found;
  }

  std::vector<uint64_t> bits_;                         // first 3 bytes of some atom, hashed
  std::vector<std::pair<uint32_t, uint32_t>> by_key_;  // (first 3 bytes, atom), sorted
  std::vector<std::string> atoms_;
  std::vector<uint8_t> owners_;  // by atom: its chunk
  uint64_t all_ = 0;             // the chunks added
};

struct RegexSetIndex::Chunk {
  std::unique_ptr<re2::RE2::Set> set;  // null: report every value
  std::vector<uint32_t> values;        // by index in the set
  std::vector<uint32_t> always;        // values whose regex the set refused
  std::vector<std::string> regexes;    // those of `set`, in order, for per-thread copies
  bool filtered = false;               // in filters_[i / 64]; else the set runs on every text
};

namespace {

re2::RE2::Options RegexOptions() {
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(64 << 20);
  return options;
}

}  // namespace

struct ProbeScratch::Regexes {
  std::unordered_map<const void*, std::unique_ptr<re2::RE2::Set>> sets;  // by chunk
  std::vector<int> matched;
};

ProbeScratch::ProbeScratch() = default;
ProbeScratch::~ProbeScratch() = default;

RegexSetIndex::RegexSetIndex() = default;
RegexSetIndex::~RegexSetIndex() = default;
RegexSetIndex::RegexSetIndex(RegexSetIndex&&) noexcept = default;
RegexSetIndex& RegexSetIndex::operator=(RegexSetIndex&&) noexcept = default;

void RegexSetIndex::Add(std::string regex, uint32_t value) {
  pending_.emplace_back(std::move(regex), value);
  ++count_;
}

void RegexSetIndex::Build() {
  const re2::RE2::Options options = RegexOptions();
  for (size_t i = 0; i < pending_.size(); i += kChunk) {
    auto chunk = std::make_unique<Chunk>();
    chunk->set = std::make_unique<re2::RE2::Set>(options, re2::RE2::UNANCHORED);
    const size_t end = std::min(pending_.size(), i + kChunk);
    for (size_t k = i; k < end; ++k) {
      std::string error;
      if (chunk->set->Add(pending_[k].first, &error) < 0) {
        chunk->always.push_back(pending_[k].second);
      } else {
        chunk->values.push_back(pending_[k].second);
        chunk->regexes.push_back(pending_[k].first);
      }
    }
    if (!chunk->set->Compile()) {
      chunk->always.insert(chunk->always.end(), chunk->values.begin(), chunk->values.end());
      chunk->values.clear();
      chunk->regexes.clear();
      chunk->set.reset();
    } else if (auto atoms = AtomFilter::AtomsOf(chunk->regexes, options)) {
      const size_t at = chunks_.size();
      if (filters_.size() <= at / 64) filters_.resize(at / 64 + 1);
      filters_[at / 64].Add(std::move(*atoms), static_cast<unsigned>(at % 64));
      chunk->filtered = true;
    }
    chunks_.push_back(std::move(chunk));
  }
  for (AtomFilter& f : filters_) f.Build();
  pending_ = {};
}

void RegexSetIndex::Query(std::string_view text, std::vector<uint32_t>* hits,
                          ProbeScratch* scratch) const {
  std::vector<int> local;
  if (scratch != nullptr && scratch->regexes == nullptr) {
    scratch->regexes = std::make_unique<ProbeScratch::Regexes>();
  }
  std::vector<int>& matched = scratch != nullptr ? scratch->regexes->matched : local;
  size_t filtered_group = SIZE_MAX;  // the group of 64 chunks `may` is for
  uint64_t may = 0;
  for (size_t i = 0; i < chunks_.size(); ++i) {
    const std::unique_ptr<Chunk>& chunk = chunks_[i];
    hits->insert(hits->end(), chunk->always.begin(), chunk->always.end());
    if (chunk->set == nullptr || chunk->values.empty()) continue;
    if (chunk->filtered) {
      if (i / 64 != filtered_group) {
        filtered_group = i / 64;
        may = filters_[filtered_group].Chunks(text);
      }
      if ((may >> (i % 64) & 1) == 0) continue;
    }
    const re2::RE2::Set* set = chunk->set.get();
    if (scratch != nullptr) {
      std::unique_ptr<re2::RE2::Set>& own = scratch->regexes->sets[chunk.get()];
      if (own == nullptr) {
        // The same regexes compiled again for this thread; they compiled once, so they do again.
        auto copy = std::make_unique<re2::RE2::Set>(RegexOptions(), re2::RE2::UNANCHORED);
        bool ok = true;
        for (const std::string& r : chunk->regexes) ok = ok && copy->Add(r, nullptr) >= 0;
        if (ok && copy->Compile()) own = std::move(copy);
      }
      if (own != nullptr) set = own.get();
    }
    // First whether anything matches: without a match list RE2 stops at the first match and
    // allocates nothing, and most values match nothing.
    const re2::StringPiece piece(text.data(), text.size());
    re2::RE2::Set::ErrorInfo error{};
    if (!set->Match(piece, nullptr, &error)) {
      if (error.kind != re2::RE2::Set::kNoError) {
        hits->insert(hits->end(), chunk->values.begin(), chunk->values.end());
      }
      continue;
    }
    matched.clear();
    if (set->Match(piece, &matched, &error)) {
      for (int m : matched) hits->push_back(chunk->values[m]);
    } else if (error.kind != re2::RE2::Set::kNoError) {
      hits->insert(hits->end(), chunk->values.begin(), chunk->values.end());
    }
  }
}

size_t RegexSetIndex::memory_bytes() const {
  // RE2 keeps its programs private; count a nominal 4 KiB per regex plus the value arrays.
  size_t n = 0;
  for (const auto& chunk : chunks_) {
    n += (chunk->values.capacity() + chunk->always.capacity()) * sizeof(uint32_t);
    n += (chunk->values.size() + chunk->always.size()) * 4096;
  }
  for (const AtomFilter& f : filters_) n += f.memory_bytes();
  return n;
}

// ---- SlotIndex ----

void SlotIndex::Build() {
  std::sort(prefix_lengths.begin(), prefix_lengths.end());
  prefix_lengths.erase(std::unique(prefix_lengths.begin(), prefix_lengths.end()),
                       prefix_lengths.end());
  std::sort(suffix_lengths.begin(), suffix_lengths.end());
  suffix_lengths.erase(std::unique(suffix_lengths.begin(), suffix_lengths.end()),
                       suffix_lengths.end());
  presence.shrink_to_fit();
  cidr.Build();
  superset.Build();
  range_string.Build();
  range_bytes.Build();
  range_number.Build();
  range_instant.Build();
  like_set.Build();
  matches_set.Build();
  text_probes = 0;
  if (has(kKeyString)) text_probes |= kProbeKey;
  if (!range_string.empty()) text_probes |= kProbeRange;
  if (has(kKeyBytes) || !range_bytes.empty()) text_probes |= kProbeBytes;
  if (has(kKeyInstant) || !range_instant.empty()) text_probes |= kProbeInstant;
  if (has(kKeyLikeExact) || has(kKeyLikePrefix) || has(kKeyLikeSuffix) || has(kKeyDotSuffix) ||
      !like_set.empty()) {
    text_probes |= kProbeLike;
  }
  if (!matches_set.empty()) text_probes |= kProbeMatches;
  if (!cidr.empty() || !superset.empty()) text_probes |= kProbeIp;
}

void SlotIndex::ProbeValue(const observe::ValueStore& store, const PathValue& v,
                           const KeyTable& keys, ProbeScratch* scratch,
                           std::vector<uint32_t>* hits) const {
  Scalar value;
  value.kind = store.kind(v.id);
  value.encoding = v.encoding;
  switch (value.kind) {
    case observe::ValueKind::kString:
      value.text = store.string_value(v.id);
      break;
    case observe::ValueKind::kInt:
    case observe::ValueKind::kBool:
      value.int_value = store.int_value(v.id);
      break;
    case observe::ValueKind::kFloat:
      value.float_value = store.float_value(v.id);
      break;
    default:
      return;  // lists and objects compare with nothing
  }
  ProbeScalar(value, keys, scratch, hits);
}

void SlotIndex::ProbeScalar(const Scalar& v, const KeyTable& keys, ProbeScratch* scratch,
                            std::vector<uint32_t>* hits) const {
  switch (v.kind) {
    case observe::ValueKind::kString: {
      const std::string_view s = v.text;
      const uint8_t probes = text_probes;
      const bool want_bytes = (probes & kProbeBytes) != 0;
      if (v.encoding != Encoding::kNone) {
        if (want_bytes && DecodeBinary(s, v.encoding, &scratch->a)) {
          if (has(kKeyBytes)) Append(keys.Find(slot, kKeyBytes, scratch->a), hits);
          if (!range_bytes.empty()) range_bytes.Query(scratch->a, hits);
        }
        break;
      }
      if ((probes & kProbeKey) != 0) {
        Append(keys.Find(slot, kKeyString, s), hits);
        if (probes == kProbeKey) break;  // the commonest slot: exact values alone
      }
      if ((probes & kProbeRange) != 0) {
        scratch->a.assign(s);
        range_string.Query(scratch->a, hits);
      }
      if (want_bytes && Latin1(s, &scratch->a)) {
        if (has(kKeyBytes)) Append(keys.Find(slot, kKeyBytes, scratch->a), hits);
        if (!range_bytes.empty()) range_bytes.Query(scratch->a, hits);
      }
      if ((probes & kProbeInstant) != 0) {
        Result<ParsedTimestamp> ts = ParseTimestamp(s, TimestampSyntax{.allow_offset = true});
        if (ts.ok()) {
          if (has(kKeyInstant)) {
            Append(keys.Find(slot, kKeyInstant, InstantKey(ts->instant)), hits);
          }
          if (!range_instant.empty()) range_instant.Query(ts->instant, hits);
        }
      }
      if ((probes & kProbeLike) != 0) {
        const std::string_view t = LikeText(s, &scratch->b);
        if (has(kKeyLikeExact)) Append(keys.Find(slot, kKeyLikeExact, t), hits);
        for (uint16_t l : prefix_lengths) {
          if (l > t.size()) break;
          Append(keys.Find(slot, kKeyLikePrefix, t.substr(0, l)), hits);
        }
        for (uint16_t l : suffix_lengths) {
          if (l > t.size()) break;
          Append(keys.Find(slot, kKeyLikeSuffix, t.substr(t.size() - l)), hits);
        }
        if (has(kKeyDotSuffix)) {
          // Every '.' within the last max_dot_suffix bytes starts a candidate suffix: the
          // labels of the value read from the right.
          // Only suffixes with as many dots as some literal has are probed.
          const size_t from = t.size() > max_dot_suffix ? t.size() - max_dot_suffix : 0;
          size_t dots = 0;
          for (size_t i = t.size(); i > from; --i) {
            if (t[i - 1] != '.') continue;
            ++dots;
            if ((dot_suffix_labels >> std::min<size_t>(dots, 63) & 1) == 0) continue;
            Append(keys.Find(slot, kKeyDotSuffix, t.substr(i - 1)), hits);
          }
        }
        if (!like_set.empty()) like_set.Query(t, hits, scratch);
      }
      if ((probes & kProbeMatches) != 0) {
        matches_set.Query(MatchesText(s, &scratch->b), hits, scratch);
      }
      if ((probes & kProbeIp) != 0) {
        std::optional<IpNetwork> net;
        if (v.ipv4 != nullptr) {  // read already: a /32
          net.emplace();
          std::memcpy(net->bytes.data(), v.ipv4, 4);
        } else {
          net = ParseIpNetwork(s);
        }
        if (net) {
          cidr.Probe(*net, slot, keys, hits);
          if (!superset.empty()) superset.Query(*net, hits);
        }
      }
      break;
    }
    case observe::ValueKind::kInt:
    case observe::ValueKind::kFloat: {
      if (!has(kKeyNumber) && range_number.empty()) break;
      const Number n = v.kind == observe::ValueKind::kInt
                           ? Number{.is_int = true, .i = v.int_value}
                           : Number{.is_int = false, .d = v.float_value};
      if (has(kKeyNumber)) Append(keys.Find(slot, kKeyNumber, NumberKey(n)), hits);
      if (!range_number.empty()) range_number.Query(n, hits);
      break;
    }
    case observe::ValueKind::kBool:
      if (has(kKeyBool)) {
        Append(keys.Find(slot, kKeyBool, v.int_value != 0 ? "1" : "0"), hits);
      }
      break;
    default:
      break;  // lists and objects compare with nothing
  }
}

size_t SlotIndex::memory_bytes() const {
  return presence.capacity() * 4 + (prefix_lengths.capacity() + suffix_lengths.capacity()) * 2 +
         cidr.memory_bytes() + superset.memory_bytes() + range_string.memory_bytes() +
         range_bytes.memory_bytes() + range_number.memory_bytes() + range_instant.memory_bytes() +
         like_set.memory_bytes() + matches_set.memory_bytes();
}

}  // namespace concord::pattern::engine
