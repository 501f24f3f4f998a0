#include "concord/pattern/engine/key_table.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "concord/base/bytes.h"

namespace concord::pattern::engine {
namespace {

constexpr uint64_t kK1 = 0xa0761d6478bd642full;
constexpr uint64_t kK2 = 0xe7037ed1a0b428dbull;
constexpr uint64_t kK3 = 0x8ebc6af09c88c6e3ull;

inline uint64_t Fold(uint64_t a, uint64_t b) {
  const unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

}  // namespace

uint64_t HashBytes(std::string_view s, uint64_t seed) {
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t h = seed ^ Fold(n + kK3, kK1);
  // The tail (the last 1..16 bytes, or all of a short key) is read with loads that may overlap
  // bytes already read, never copied byte by byte into a buffer: a word read back from bytes
  // just stored one at a time stalls on store forwarding, and every probe hashes a key.
  size_t left = n;
  while (left > 16) {
    h = Fold(Load64(p) ^ kK1 ^ h, Load64(p + 8) ^ kK2);
    p += 16;
    left -= 16;
  }
  uint64_t a = 0, b = 0;
  if (left > 8) {
    a = Load64(p);
    b = Load64(p + left - 8);
  } else if (left >= 4) {
    a = uint64_t{Load32(p)} << 32 | Load32(p + left - 4);
  } else if (left > 0) {
    const auto byte = [&](size_t i) { return uint64_t{static_cast<unsigned char>(p[i])}; };
    a = byte(0) << 16 | byte(left / 2) << 8 | byte(left - 1);
  }
  h = Fold(a ^ kK1 ^ h, b ^ kK2 ^ n);
  return Fold(h ^ kK3, kK1);
}

void KeyTable::Builder::Add(uint32_t slot, uint8_t kind, std::string_view key, uint32_t value) {
  items_.push_back(Item{slot, kind, static_cast<uint32_t>(arena_.size()),
                        static_cast<uint32_t>(key.size()), value});
  arena_.append(key);
}

uint64_t KeyTable::KeyHash(uint8_t kind, std::string_view key) const {
  return HashBytes(key, Fold(seed_ ^ kind, kK2));
}

uint64_t KeyTable::SlotHash(uint64_t key_hash, uint32_t slot) {
  return Fold(key_hash ^ (static_cast<uint64_t>(slot) << 32 | slot), kK3);
}

KeyTable KeyTable::Builder::Build(uint64_t seed) {
  KeyTable t;
  t.seed_ = seed;
  auto key_of = [&](const Item& item) {
    return std::string_view(arena_).substr(item.key_offset, item.key_length);
  };
  std::sort(items_.begin(), items_.end(), [&](const Item& a, const Item& b) {
    if (a.slot != b.slot) return a.slot < b.slot;
    if (a.kind != b.kind) return a.kind < b.kind;
    const int c = key_of(a).compare(key_of(b));
    if (c != 0) return c < 0;
    return a.value < b.value;
  });
  t.postings_.reserve(items_.size());
  for (size_t i = 0; i < items_.size();) {
    size_t j = i;
    while (j < items_.size() && items_[j].slot == items_[i].slot &&
           items_[j].kind == items_[i].kind && key_of(items_[j]) == key_of(items_[i])) {
      ++j;
    }
    Entry e;
    e.slot = items_[i].slot;
    e.kind = items_[i].kind;
    e.key_offset = static_cast<uint32_t>(t.arena_.size());
    e.key_length = items_[i].key_length;
    t.arena_.append(key_of(items_[i]));
    e.posting_offset = static_cast<uint32_t>(t.postings_.size());
    for (size_t k = i; k < j; ++k) t.postings_.push_back(items_[k].value);
    e.posting_length = static_cast<uint32_t>(j - i);
    t.entries_.push_back(e);
    i = j;
  }
  size_t capacity = 16;
  while (capacity < t.entries_.size() * 2) capacity <<= 1;
  t.buckets_.assign(capacity, Bucket{});
  t.mask_ = capacity - 1;
  for (size_t i = 0; i < t.entries_.size(); ++i) {
    const Entry& e = t.entries_[i];
    const uint64_t h = SlotHash(
        t.KeyHash(e.kind, std::string_view(t.arena_).substr(e.key_offset, e.key_length)), e.slot);
    for (uint64_t b = h & t.mask_;; b = (b + 1) & t.mask_) {
      if (t.buckets_[b].entry == 0) {
        t.buckets_[b] = Bucket{static_cast<uint32_t>(h >> 32), static_cast<uint32_t>(i + 1)};
        break;
      }
    }
  }
  // About 12 bits per key; only for tables that outgrow the caches close to the core. Keyed by
  // (kind, bytes) alone: a value probed in several slots (an address as ipv4-addr:value and as
  // network-traffic:dst_ref.value) reads one block, the second time from L1.
  if (t.entries_.size() >= 4096) {
    size_t blocks = 1;
    while (blocks * 512 < t.entries_.size() * 12) blocks <<= 1;
    t.bloom_.assign(blocks * 8, 0);
    t.bloom_blocks_mask_ = blocks - 1;
    for (const Entry& e : t.entries_) {
      const uint64_t h =
          t.KeyHash(e.kind, std::string_view(t.arena_).substr(e.key_offset, e.key_length));
      uint64_t* block = &t.bloom_[((h >> 40) & t.bloom_blocks_mask_) * 8];
      for (int k = 0; k < 4; ++k) {
        const uint64_t bit = (h >> (9 * k)) & 511;
        block[bit >> 6] |= uint64_t{1} << (bit & 63);
      }
    }
  }
  t.arena_.shrink_to_fit();
  t.entries_.shrink_to_fit();
  items_ = {};
  arena_ = {};
  return t;
}

bool KeyTable::MayContain(uint64_t key_hash) const {
  if (bloom_.empty()) return true;
  const uint64_t* block = &bloom_[((key_hash >> 40) & bloom_blocks_mask_) * 8];
  for (int k = 0; k < 4; ++k) {
    const uint64_t bit = (key_hash >> (9 * k)) & 511;
    if ((block[bit >> 6] >> (bit & 63) & 1) == 0) return false;
  }
  return true;
}

std::span<const uint32_t> KeyTable::Find(uint32_t slot, uint8_t kind, std::string_view key) const {
  if (entries_.empty()) return {};
  const uint64_t key_hash = KeyHash(kind, key);
  if (!MayContain(key_hash)) return {};
  const uint64_t h = SlotHash(key_hash, slot);
  const uint32_t tag = static_cast<uint32_t>(h >> 32);
  // The table is at most half full, so the probe sequence reaches an empty bucket.
  for (uint64_t b = h & mask_;; b = (b + 1) & mask_) {
    const Bucket& bucket = buckets_[b];
    if (bucket.entry == 0) return {};
    if (bucket.tag != tag) continue;
    const Entry& e = entries_[bucket.entry - 1];
    if (e.slot == slot && e.kind == kind && e.key_length == key.size() &&
        (key.empty() || std::memcmp(arena_.data() + e.key_offset, key.data(), key.size()) == 0)) {
      return std::span<const uint32_t>(postings_.data() + e.posting_offset, e.posting_length);
    }
  }
}

size_t KeyTable::memory_bytes() const {
  return buckets_.capacity() * sizeof(Bucket) + entries_.capacity() * sizeof(Entry) +
         arena_.capacity() + postings_.capacity() * sizeof(uint32_t) +
         bloom_.capacity() * sizeof(uint64_t);
}

}  // namespace concord::pattern::engine
