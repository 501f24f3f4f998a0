#pragma once

// The indicators a scan matches: every active STIX indicator, compiled once into one PatternSet,
// with the little each alert needs to name it (id, name, pattern, TLP). Built from indicator
// JSON, usually all of a store's (FromStore); immutable once built and shared by every scanning
// thread.
//
// Active means: the latest version, not revoked, pattern_type "stix", and valid_from <= now <
// valid_until (valid_until absent: no end). Everything else is counted, not loaded:
// IndicatorLoadStats says how many of each and gives the first few examples.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "concord/base/result.h"
#include "concord/base/timestamp.h"
#include "concord/detect/warning_list.h"
#include "concord/observe/property_filter.h"
#include "concord/pattern/engine/pattern_set.h"
#include "concord/stix/tlp.h"
#include "concord/store/store.h"

namespace concord::json {
class Parser;
}

namespace concord::detect {

struct IndicatorOptions {
  // The time that decides which indicators are valid (from the caller's Clock).
  Timestamp now;
  // Domain names: also match subdomains of every "domain-name:value = 'x'" (and IN) of patterns
  // that are one observation expression of such comparisons joined by OR (feed-style
  // indicators). A pattern can ask for it itself with LIKE '%.x'.
  bool match_subdomains = false;
  // Warning lists (may be null: none). An indicator with a hit is not loaded unless
  // include_warned ("forced").
  const WarningLists* warning_lists = nullptr;
  bool include_warned = false;
  pattern::engine::EngineLimits engine_limits;
};

struct IndicatorLoadStats {
  uint64_t read = 0;           // indicator objects looked at
  uint64_t loaded = 0;         // active and compiled
  uint64_t not_yet_valid = 0;  // valid_from in the future
  uint64_t expired = 0;        // valid_until in the past
  uint64_t not_stix = 0;       // pattern_type other than "stix" (sigma, snort, yara, ...)
  uint64_t invalid = 0;        // pattern or object that does not parse or check
  uint64_t warned = 0;         // hit a warning list and left out
  uint64_t warned_forced = 0;  // hit a warning list and loaded anyway (include_warned)
  // "indicator--...: reason", the first few of the not-loaded kinds.
  std::vector<std::string> examples;
};

// One loaded indicator. Views point into the IndicatorSet, which must outlive them.
struct IndicatorRef {
  std::string_view id;
  std::string_view name;  // "" when the indicator has none
  std::string_view pattern;
  std::string_view created_by_ref;  // "" when absent
  stix::Tlp tlp = stix::Tlp::kNone;
};

class IndicatorSet;

// Collects indicators, then compiles them. Not thread-safe.
class IndicatorSetBuilder {
 public:
  explicit IndicatorSetBuilder(IndicatorOptions options);
  ~IndicatorSetBuilder();

  // Considers one indicator given as its JSON text (`tlp`: its effective TLP, as the store
  // computed it). Never fails for a bad indicator: it is counted in stats() instead. Fails only
  // with ResourceExhausted past the engine's limits on pattern count or bytes.
  Status Add(std::string_view json, stix::Tlp tlp = stix::Tlp::kNone);

  // Considers every indicator of `store` (latest versions, revoked ones left out).
  Status AddFromStore(store::Store& store);

  const IndicatorLoadStats& stats() const { return stats_; }

  // Compiles what was added. The builder is left empty.
  Result<std::unique_ptr<IndicatorSet>> Build();

 private:
  void Example(std::string_view id, std::string_view reason);
  IndicatorOptions options_;
  IndicatorLoadStats stats_;
  std::unique_ptr<json::Parser> parser_;  // indicators come one at a time
  std::unique_ptr<IndicatorSet> set_;
  std::unique_ptr<pattern::engine::PatternSetBuilder> patterns_;
};

class IndicatorSet {
 public:
  ~IndicatorSet();
  size_t size() const { return records_.size(); }
  // REQUIRES: index < size(). `index` is what the PatternSet reports as user_index.
  IndicatorRef indicator(uint32_t index) const;
  const pattern::engine::PatternSet& patterns() const { return *patterns_; }
  const IndicatorLoadStats& load_stats() const { return stats_; }
  // The object properties the loaded patterns can read (every path's first property, and the
  // properties read past references on any type): adapters need write no others.
  const observe::PropertyFilter& property_filter() const { return filter_; }
  // Heap bytes held: metadata plus the compiled patterns.
  size_t memory_bytes() const;

 private:
  friend class IndicatorSetBuilder;
  IndicatorSet() = default;
  struct Record {
    uint32_t id, id_len, name, name_len, pattern, pattern_len, creator, creator_len;
    stix::Tlp tlp;
  };
  uint32_t Intern(std::string_view s);
  std::string text_;  // every string, back to back
  std::vector<Record> records_;
  std::unique_ptr<pattern::engine::PatternSet> patterns_;
  IndicatorLoadStats stats_;
  observe::PropertyFilter filter_;
};

}  // namespace concord::detect
