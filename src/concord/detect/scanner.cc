#include "concord/detect/scanner.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "concord/ingest/log_reader.h"
#include "concord/pattern/parser.h"

namespace concord::detect {

using pattern::engine::Matcher;

struct Scanner::Event {
  // Input.
  uint64_t line = 0;
  std::string text;  // from LogReader: padded as LineReader::Line says (MapPadded)
  std::shared_ptr<const ingest::LogContext> context;
  // Result of MapAndMatch.
  enum class State : uint8_t { kMatched, kSkipped, kOutside };
  State state = State::kSkipped;
  bool truncated = false;
  std::string reason;
  pattern::engine::ObsTimes times;
  std::vector<Matcher::ExpressionMatch> expressions;
  size_t exhausted = 0;
  std::vector<std::pair<uint32_t, std::vector<MatchedComparison>>> explanations;
};

struct Scanner::Worker {
  Worker(const IndicatorSet& set, const ScanOptions& options)
      : mapper(options.ingest), builder(&observation), matcher(set.patterns()) {
    if (options.filter_properties) builder.SetFilter(&set.property_filter());
  }
  // The explainer of indicator `user`'s pattern: the same few indicators tend to match again
  // and again (a CIDR block over a busy subnet), so their patterns are parsed and prepared once
  // per worker (at most kMaxExplainers kept, a few KiB each; when full, one is forgotten for
  // each new one, so that a busy set of indicators stays). Null when the pattern does not parse.
  MatchExplainer* Explainer(const IndicatorSet& set, uint32_t user) {
    auto it = explainers.find(user);
    if (it != explainers.end()) return it->second ? &*it->second : nullptr;
    if (explainers.size() >= kMaxExplainers) explainers.erase(explainers.begin());
    Result<pattern::Pattern> p = pattern::ParsePattern(set.indicator(user).pattern);
    std::optional<MatchExplainer>& slot = explainers[user];
    if (p.ok()) slot.emplace(*p);
    return slot ? &*slot : nullptr;
  }
  static constexpr size_t kMaxExplainers = 4096;

  ingest::EventMapper mapper;
  observe::Observation observation;
  observe::ObservationBuilder builder;
  Matcher matcher;
  std::vector<uint32_t> exhausted;
  std::unordered_map<uint32_t, std::optional<MatchExplainer>> explainers;
};

struct Scanner::Batch {
  std::vector<Event> events;  // [0, size) in use; the rest kept for reuse
  size_t size = 0;
  bool done = false;
};

// Worker threads mapping and matching batches; results are picked up in submission order.
class Scanner::Pool {
 public:
  // What the workers' fast paths took so far. REQUIRES: no batch in flight.
  uint64_t FastPathEvents() const {
    uint64_t n = 0;
    for (const auto& w : workers_) n += w->mapper.fast_path_events();
    return n;
  }

  Pool(Scanner* scanner, int threads) : scanner_(scanner) {
    for (int i = 0; i < threads; ++i) {
      workers_.push_back(std::make_unique<Worker>(scanner->indicators_, scanner->options_));
    }
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this, i] { Run(*workers_[i]); });
    }
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    work_cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }
  void Submit(Batch* batch) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      batch->done = false;
      queue_.push_back(batch);
    }
    work_cv_.notify_one();
  }
  // Returns when `batch` is done. Meanwhile the calling thread maps and matches batches still
  // queued with `helper`, so that it works instead of sleeping while the workers catch up.
  void WaitHelping(Batch* batch, Worker& helper) {
    std::unique_lock<std::mutex> lock(mu_);
    while (!batch->done) {
      if (queue_.empty()) {
        done_cv_.wait(lock);
        continue;
      }
      Batch* next = queue_.front();
      queue_.pop_front();
      lock.unlock();
      RunBatch(helper, next);
      lock.lock();
      next->done = true;
    }
  }

 private:
  void RunBatch(Worker& worker, Batch* batch) {
    scanner_->MapAndMatchAll(worker, batch->events.data(), batch->size);
  }
  void Run(Worker& worker) {
    while (true) {
      Batch* batch = nullptr;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;
        batch = queue_.front();
        queue_.pop_front();
      }
      RunBatch(worker, batch);
      {
        std::lock_guard<std::mutex> lock(mu_);
        batch->done = true;
      }
      done_cv_.notify_all();
    }
  }

  Scanner* scanner_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;
  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<Batch*> queue_;
  bool stopping_ = false;
};

Scanner::Scanner(const IndicatorSet& indicators, ScanOptions options, AlertSink* sink)
    : indicators_(indicators),
      options_(std::move(options)),
      sink_(sink),
      stream_(indicators.patterns(), options_.stream) {
  options_.threads = std::clamp(options_.threads, 1, 256);
  options_.batch_events = std::max<size_t>(options_.batch_events, 1);
  // The reading thread maps and matches too: alone with one thread, and between reads with more.
  inline_worker_ = std::make_unique<Worker>(indicators_, options_);
  if (options_.threads > 1) pool_ = std::make_unique<Pool>(this, options_.threads - 1);
}

Scanner::~Scanner() = default;

const ScanStats& Scanner::stats() const {
  stats_.stream = stream_.stats();
  stats_.fast_path_events = inline_worker_->mapper.fast_path_events();
  if (pool_) stats_.fast_path_events += pool_->FastPathEvents();
  return stats_;
}

void Scanner::MapAndMatch(Worker& worker, Event* e) {
  e->expressions.clear();
  e->explanations.clear();
  e->exhausted = 0;
  if (options_.write_prefilter) {
    worker.matcher.BeginWrites();
    worker.builder.SetProbe(worker.matcher.write_sink());
  }
  Status s = worker.mapper.MapPadded(*e->context, e->text, &worker.builder);
  worker.builder.SetProbe(nullptr);
  if (!s.ok()) {
    e->state = Event::State::kSkipped;
    e->reason = s.message();
    return;
  }
  const observe::Observation& o = worker.observation;
  e->times = {o.first_observed, o.last_observed, o.number_observed};
  e->truncated = worker.builder.truncated();
  if ((options_.since && o.last_observed < *options_.since) ||
      (options_.until && !(o.first_observed < *options_.until))) {
    e->state = Event::State::kOutside;
    return;
  }
  e->state = Event::State::kMatched;
  if (options_.write_prefilter) {
    if (!worker.matcher.MayMatch()) return;  // no indicator can match: nothing to build
    // The probe mode returned what building returns, so this maps the same way.
    s = worker.mapper.MapPadded(*e->context, e->text, &worker.builder);
    if (!s.ok()) {
      e->state = Event::State::kSkipped;
      e->reason = s.message();
      return;
    }
  }
  worker.matcher.MatchExpressions(o, &e->expressions, &worker.exhausted);
  e->exhausted = worker.exhausted.size();
  worker.exhausted.clear();
  if (e->expressions.empty()) return;
  // Explain while the observation is at hand (matches are rare; this may be slow).
  const pattern::engine::PatternSet& set = indicators_.patterns();
  for (const Matcher::ExpressionMatch& x : e->expressions) {
    const uint32_t user = set.user_index(x.entry);
    bool seen = false;
    for (const auto& [u, _] : e->explanations) seen = seen || u == user;
    if (seen) continue;
    MatchExplainer* explainer = worker.Explainer(indicators_, user);
    e->explanations.emplace_back(
        user, explainer ? explainer->Explain(o) : std::vector<MatchedComparison>{});
  }
}

void Scanner::MapAndMatchAll(Worker& worker, Event* events, size_t n) {
  for (size_t begin = 0; begin < n;) {
    size_t end = begin;
    while (end < n && worker.mapper.ParseAhead(*events[end].context, events[end].text)) ++end;
    end = std::max(end, begin + 1);  // (ParseAhead takes at least one line after ForgetParsed)
    for (size_t i = begin; i < end; ++i) MapAndMatch(worker, &events[i]);
    worker.mapper.ForgetParsed();
    begin = end;
  }
}

void Scanner::Skip(std::string_view file, uint64_t line, const std::string& reason) {
  ++stats_.skipped;
  // The reason's kind: the text before the first ": " ("not complete JSON: byte 3: ...").
  const size_t colon = reason.find(": ");
  SkipStats& s = stats_.skipped_by_reason[reason.substr(0, colon)];
  ++s.count;
  if (s.examples.size() < options_.max_skip_examples) {
    s.examples.push_back(std::string(file) + ":" + std::to_string(line) + ": " + reason);
  }
}

Status Scanner::Consume(Event& e, std::string_view file) {
  switch (e.state) {
    case Event::State::kSkipped:
      Skip(file, e.line, e.reason);
      return Status::Ok();
    case Event::State::kOutside:
      ++stats_.outside_time;
      return Status::Ok();
    case Event::State::kMatched:
      break;
  }
  ++stats_.matched;
  if (e.truncated) ++stats_.truncated;
  if (e.expressions.empty() && e.exhausted == 0) return Status::Ok();
  stream_matches_.clear();
  stream_.FeedMatched(e.times, &e.expressions, e.exhausted, &stream_matches_);
  std::vector<uint32_t> reported;  // an indicator compiled as two entries alerts once
  for (const pattern::engine::StreamMatch& m : stream_matches_) {
    if (std::find(reported.begin(), reported.end(), m.user_index) != reported.end()) continue;
    reported.push_back(m.user_index);
    Alert alert;
    alert.indicator_index = m.user_index;
    alert.indicator = indicators_.indicator(m.user_index);
    alert.file = file;
    alert.line = e.line;
    alert.first_observed = e.times.first;
    alert.last_observed = e.times.last;
    alert.temporal = !indicators_.patterns().single_observation(m.entry);
    for (auto& [user, explanation] : e.explanations) {
      if (user == m.user_index) alert.matched = explanation;
    }
    ++stats_.alerts;
    sightings_.Record(m.user_index, e.times.first, e.times.last);
    if (sink_ != nullptr) CONCORD_RETURN_IF_ERROR(sink_->OnAlert(alert));
  }
  return Status::Ok();
}

Status Scanner::ScanFile(InputStream* input, std::string file_name,
                         const std::function<void(const ScanProgress&)>& progress) {
  ++stats_.files;
  ingest::LogReader reader(input, file_name, options_.format, options_.ingest);
  const uint64_t bytes_before = stats_.bytes;
  uint64_t next_progress = 0;
  auto report = [&] {
    stats_.bytes = bytes_before + input->consumed();
    if (progress && stats_.events >= next_progress) {
      next_progress = stats_.events + 4096;
      progress(ScanProgress{stats_.events, stats_.alerts, input->consumed(), input->size()});
    }
  };

  // Lines are read into `line` and swapped into events, so that their memory goes round.
  ingest::LogReader::Line line;
  if (!pool_) {
    // Runs of events read, then mapped and matched together (MapAndMatchAll), then consumed.
    std::vector<Event> run(options_.each_event_at_once ? 1 : ingest::EventMapper::kParseAhead);
    bool more = true;
    while (more) {
      size_t n = 0;
      while (n < run.size()) {
        CONCORD_ASSIGN_OR_RETURN(more, reader.Next(&line));
        if (!more) break;
        if (line.kind == ingest::LogReader::Line::Kind::kSkipped) {
          Skip(file_name, line.number, line.reason);
          continue;
        }
        ++stats_.events;
        Event& e = run[n++];
        e.line = line.number;
        e.text.swap(line.text);
        if (e.context != line.context) e.context = line.context;  // no atomics per event
      }
      MapAndMatchAll(*inline_worker_, run.data(), n);
      for (size_t i = 0; i < n; ++i) CONCORD_RETURN_IF_ERROR(Consume(run[i], file_name));
      report();
    }
    if (progress)
      progress(ScanProgress{stats_.events, stats_.alerts, input->consumed(), input->size()});
    return Status::Ok();
  }

  // Threads: batches in flight, consumed in order.
  std::deque<std::unique_ptr<Batch>> pending;
  std::vector<std::unique_ptr<Batch>> free_batches;
  const size_t max_pending = 2 * static_cast<size_t>(options_.threads) + 2;
  auto consume_front = [&]() -> Status {
    std::unique_ptr<Batch> b = std::move(pending.front());
    pending.pop_front();
    pool_->WaitHelping(b.get(), *inline_worker_);
    Status s;
    for (size_t i = 0; i < b->size && s.ok(); ++i) s = Consume(b->events[i], file_name);
    b->size = 0;
    free_batches.push_back(std::move(b));
    report();
    return s;
  };
  std::unique_ptr<Batch> filling;
  auto submit = [&]() -> Status {
    if (!filling || filling->size == 0) return Status::Ok();
    pool_->Submit(filling.get());
    pending.push_back(std::move(filling));
    while (pending.size() >= max_pending) CONCORD_RETURN_IF_ERROR(consume_front());
    return Status::Ok();
  };
  Status status;
  while (status.ok()) {
    Result<bool> more = reader.Next(&line);
    if (!more.ok()) {
      status = more.status();
      break;
    }
    if (!*more) break;
    if (line.kind == ingest::LogReader::Line::Kind::kSkipped) {
      Skip(file_name, line.number, line.reason);
      continue;
    }
    ++stats_.events;
    if (!filling) {
      if (free_batches.empty()) {
        filling = std::make_unique<Batch>();
      } else {
        filling = std::move(free_batches.back());
        free_batches.pop_back();
      }
    }
    if (filling->events.size() == filling->size) filling->events.emplace_back();
    Event& e = filling->events[filling->size++];
    e.line = line.number;
    e.text.swap(line.text);
    if (e.context != line.context) e.context = line.context;  // no atomics per event
    if (filling->size == options_.batch_events) status = submit();
  }
  if (status.ok()) status = submit();
  // Drain what is in flight even after an error, so no worker still holds a batch.
  while (!pending.empty()) {
    Status s = consume_front();
    if (status.ok()) status = s;
  }
  if (progress)
    progress(ScanProgress{stats_.events, stats_.alerts, input->consumed(), input->size()});
  return status;
}

}  // namespace concord::detect
