#pragma once

// A Matcher's memory of (slot, string value) pairs whose probe found no clause. Telemetry
// repeats itself: in the public Zeek and Suricata logs Concord is tried on, 94-99.9% of the
// address values seen are values seen before (the same hosts, resolvers and servers), and most
// values hit no indicator. Remembering the misses turns most probes (hash lookups, CIDR prefix
// walks, LIKE literals, RE2 sets) into one comparison against a cache line.
//
// Correct because SlotIndex::ProbeValue is a pure function of (slot, value) once the set is
// built: a value that hit nothing hits nothing the next time. Only misses are kept (hits are rare
// and need their clause lists); a value is compared in full, never by hash alone, so a collision
// costs a probe, never a missed match. Values longer than kMaxText are not kept.
//
// Direct-mapped, one cache line (64 bytes) per entry; one per Matcher (not thread-safe). Where a
// value goes is chosen by a hash keyed with a per-cache random seed, so that input cannot be
// chosen to evict a given value on purpose.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "concord/pattern/engine/key_table.h"

namespace concord::pattern::engine {

class ProbeCache {
 public:
  static constexpr size_t kMaxText = 51;
  static constexpr size_t kNoPosition = SIZE_MAX;

  // A cache of `entries` entries, rounded down to a power of two (0 or 1: a cache that keeps
  // nothing), hashing with `seed`.
  ProbeCache(size_t entries, uint64_t seed) : seed_(seed) {
    size_t n = 1;
    while (n * 2 <= entries) n *= 2;
    if (entries < 2) return;
    mask_ = n - 1;
    entries_ = std::make_unique<Entry[]>(n);
  }

  bool enabled() const { return entries_ != nullptr; }

  // Where a value goes in the cache: what KnownMiss computed, for RememberMiss.
  struct Ticket {
    size_t position = kNoPosition;
    uint32_t tag = 0;
  };

  // True when (slot, text) was remembered as hitting nothing. Fills `*ticket` for RememberMiss.
  // REQUIRES: enabled().
  bool KnownMiss(uint32_t slot, std::string_view text, Ticket* ticket) const {
    if (text.size() > kMaxText) {
      ticket->position = kNoPosition;
      return false;
    }
    const uint64_t h = HashBytes(text, seed_ ^ (uint64_t{slot} * 0x9E3779B97F4A7C15ULL));
    ticket->position = static_cast<size_t>(h & mask_);
    ticket->tag = static_cast<uint32_t>(h >> 32);
    const Entry& e = entries_[ticket->position];
    return e.slot == slot && e.tag == ticket->tag && e.length == text.size() &&
           std::memcmp(e.text, text.data(), text.size()) == 0;
  }

  // Remembers that (slot, text) hits nothing, with the ticket KnownMiss gave for it.
  void RememberMiss(uint32_t slot, std::string_view text, const Ticket& ticket) {
    if (ticket.position == kNoPosition) return;
    Entry& e = entries_[ticket.position];
    e.slot = slot;
    e.tag = ticket.tag;
    e.length = static_cast<uint8_t>(text.size());
    std::memcpy(e.text, text.data(), text.size());
  }

  // Heap bytes held.
  size_t memory_bytes() const { return entries_ ? (mask_ + 1) * sizeof(Entry) : 0; }

 private:
  struct alignas(64) Entry {
    uint32_t slot = UINT32_MAX;  // UINT32_MAX: empty
    uint32_t tag = 0;            // the hash's high half
    uint8_t length = 0;
    char text[kMaxText];
  };
  static_assert(sizeof(Entry) == 64);

  uint64_t seed_;
  size_t mask_ = 0;
  std::unique_ptr<Entry[]> entries_;
};

}  // namespace concord::pattern::engine
