#pragma once

// The engine's exact-key index: one flat open-addressing hash table from (slot, key kind, key
// bytes) to a posting list of uint32 values (prefilter clause ids), with a Bloom filter in front
// when large. Equality and IN constants,
// LIKE literals (exact, prefix, suffix, domain suffix) and CIDR blocks all live here, told apart
// by the key kind. Immutable once built; lookups are thread-safe. Internal to the engine.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace concord::pattern::engine {

// 64-bit hash of `s` mixed with `seed` (multiply-fold rounds over 8-byte words). Fast for the
// short keys of indicator sets; keyed by a per-table seed so that collisions cannot be planted
// without knowing it.
uint64_t HashBytes(std::string_view s, uint64_t seed);

class KeyTable {
 public:
  class Builder {
   public:
    // Adds `value` to the posting list of (slot, kind, key). Duplicates are kept.
    void Add(uint32_t slot, uint8_t kind, std::string_view key, uint32_t value);
    // The number of Add calls so far.
    size_t size() const { return items_.size(); }
    // Builds the table (posting lists sorted ascending) with hash seed `seed`. The builder is
    // left empty.
    KeyTable Build(uint64_t seed);

   private:
    struct Item {
      uint32_t slot;
      uint8_t kind;
      uint32_t key_offset;
      uint32_t key_length;
      uint32_t value;
    };
    std::vector<Item> items_;
    std::string arena_;
  };

  // An empty table (finds nothing); Builder::Build makes real ones.
  KeyTable() = default;

  // The posting list of (slot, kind, key); empty when absent.
  std::span<const uint32_t> Find(uint32_t slot, uint8_t kind, std::string_view key) const;

  // Distinct keys held.
  size_t key_count() const { return entries_.size(); }
  // Heap bytes held.
  size_t memory_bytes() const;

 private:
  struct Entry {
    uint32_t slot;
    uint32_t key_offset;
    uint32_t key_length;
    uint32_t posting_offset;
    uint32_t posting_length;
    uint8_t kind;
  };
  struct Bucket {
    uint32_t tag = 0;    // high bits of the hash
    uint32_t entry = 0;  // index + 1 into entries_; 0 = empty
  };
  // The hash of (kind, key) under this table's seed: the Bloom filter's.
  uint64_t KeyHash(uint8_t kind, std::string_view key) const;
  // The hash of (slot, kind, key) from KeyHash: the buckets'.
  static uint64_t SlotHash(uint64_t key_hash, uint32_t slot);
  // False when no key of KeyHash `key_hash` is held.
  bool MayContain(uint64_t key_hash) const;

  uint64_t seed_ = 0;
  uint64_t mask_ = 0;
  // A blocked Bloom filter (512-bit blocks, 4 bits per key) in front of large tables: most probes
  // miss, and the filter answers them from L2 cache instead of the table from L3 or memory.
  std::vector<uint64_t> bloom_;
  uint64_t bloom_blocks_mask_ = 0;
  std::vector<Bucket> buckets_;
  std::vector<Entry> entries_;
  std::string arena_;
  std::vector<uint32_t> postings_;
};

}  // namespace concord::pattern::engine
