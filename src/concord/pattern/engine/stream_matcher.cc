#include "concord/pattern/engine/stream_matcher.h"

#include <algorithm>

#include "concord/pattern/engine/pattern_set_internal.h"
#include "concord/pattern/engine/semantics.h"

namespace concord::pattern::engine {

using Impl = PatternSet::Impl;

StreamMatcher::StreamMatcher(const PatternSet& set, StreamOptions options)
    : set_(set), options_(options), matcher_(set) {
  options_.max_window_per_pattern = std::max<size_t>(options_.max_window_per_pattern, 1);
  options_.max_window_entries = std::max<size_t>(options_.max_window_entries, 1);
}

StreamMatcher::~StreamMatcher() = default;

void StreamMatcher::DropFront(uint32_t entry, Window* w, uint64_t* counter) {
  w->items.pop_front();
  --stats_.window_entries;
  ++*counter;
  if (w->items.empty()) windows_.erase(entry);  // invalidates w
}

void StreamMatcher::EnforceTotalCap() {
  // arrivals_ lists every item ever added in arrival order, including items already dropped
  // from their window by time or by the pattern cap ("stale"): skip those.
  auto live = [&](const std::pair<uint64_t, uint32_t>& a) {
    auto it = windows_.find(a.second);
    if (it == windows_.end()) return false;
    const std::deque<Item>& items = it->second.items;
    auto pos = std::lower_bound(items.begin(), items.end(), a.first,
                                [](const Item& i, uint64_t s) { return i.sequence < s; });
    return pos != items.end() && pos->sequence == a.first;
  };
  while (!arrivals_.empty() && stats_.window_entries > options_.max_window_entries) {
    const auto [sequence, entry] = arrivals_.front();
    arrivals_.pop_front();
    auto it = windows_.find(entry);
    if (it != windows_.end() && it->second.items.front().sequence == sequence) {
      DropFront(entry, &it->second, &stats_.dropped_by_total_cap);
    }
  }
  while (!arrivals_.empty() && !live(arrivals_.front())) arrivals_.pop_front();
  // Stale items in the middle: compact when they outnumber the live ones.
  if (arrivals_.size() > 2 * stats_.window_entries + 1024) {
    std::erase_if(arrivals_, [&](const auto& a) { return !live(a); });
  }
}

void StreamMatcher::Feed(const observe::Observation& observation,
                         std::vector<StreamMatch>* matches) {
  exhausted_.clear();
  matcher_.MatchExpressions(observation, &expressions_, &exhausted_);
  const ObsTimes times{observation.first_observed, observation.last_observed,
                       observation.number_observed};
  FeedMatched(times, &expressions_, exhausted_.size(), matches);
}

void StreamMatcher::FeedMatched(const ObsTimes& now,
                                std::vector<Matcher::ExpressionMatch>* expressions_in,
                                size_t exhausted, std::vector<StreamMatch>* matches) {
  const Impl& m = set_.impl();
  std::vector<Matcher::ExpressionMatch>& expressions = *expressions_in;
  const uint64_t sequence = stats_.observations++;
  if (!have_watermark_ || watermark_ < now.last) {
    watermark_ = now.last;
    have_watermark_ = true;
  }
  stats_.exhausted += exhausted;
  std::sort(expressions.begin(), expressions.end(),
            [](const Matcher::ExpressionMatch& a, const Matcher::ExpressionMatch& b) {
              return std::tie(a.entry, a.leaf) < std::tie(b.entry, b.leaf);
            });
  auto report = [&](uint32_t entry) {
    matches->push_back(StreamMatch{m.entries[entry].user_index, entry, sequence});
    ++stats_.matches;
  };
  for (const Matcher::ExpressionMatch& x : expressions) {
    if (m.entries[x.entry].kind == Impl::EntryKind::kSingle) report(x.entry);
  }
  const CombineLimits limits{.max_bindings = m.limits.max_bindings,
                             .max_steps = m.limits.max_combine_steps};
  const __int128 watermark = Nanos(watermark_);
  for (size_t i = 0; i < expressions.size();) {
    const uint32_t entry = expressions[i].entry;
    size_t j = i;
    while (j < expressions.size() && expressions[j].entry == entry) ++j;
    if (m.entries[entry].kind != Impl::EntryKind::kMulti) {
      i = j;
      continue;
    }
    const ObsProgram& program = m.programs[m.entries[entry].program];
    Item item{sequence, now, {}};
    for (size_t k = i; k < j; ++k) item.leaves.push_back(expressions[k].leaf);
    i = j;

    Window& w = windows_[entry];
    // Observations no binding with a future observation can use.
    const __int128 horizon = program.horizon();
    while (horizon >= 0 && !w.items.empty() &&
           watermark - Nanos(w.items.front().times.first) > horizon) {
      w.items.pop_front();
      --stats_.window_entries;
      ++stats_.dropped_by_time;
    }
    w.items.push_back(std::move(item));
    ++stats_.window_entries;
    arrivals_.emplace_back(sequence, entry);
    if (w.items.size() > options_.max_window_per_pattern) {
      w.items.pop_front();
      --stats_.window_entries;
      ++stats_.dropped_by_pattern_cap;
    }

    // Does a binding use the new observation (the window's last item)?
    times_.clear();
    leaves_.assign(program.leaf_count(), {});
    for (const Item& it : w.items) {
      const uint32_t index = static_cast<uint32_t>(times_.size());
      times_.push_back(it.times);
      for (uint32_t leaf : it.leaves) leaves_[leaf].push_back(index);
    }
    Result<bool> r =
        Combine(program, times_, leaves_, static_cast<int64_t>(times_.size() - 1), limits);
    if (!r.ok()) {
      ++stats_.exhausted;
    } else if (*r) {
      report(entry);
    }
  }
  EnforceTotalCap();
}

}  // namespace concord::pattern::engine
