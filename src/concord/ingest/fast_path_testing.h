#pragma once

// Test helpers for the adapters' probe fast paths (adapters.h): a sink that records every call,
// and the comparison of the fast and the general mapping of one event. Tests only.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "concord/ingest/event_mapper.h"
#include "concord/ingest/log_context.h"
#include "concord/observe/builder.h"
#include "concord/observe/builder_sink.h"
#include "concord/observe/property_filter.h"

namespace concord::ingest::fast_path_testing {

// A JSON object of (name, JSON text of the value) pairs, in order, as a log line: the tests'
// events and their mutations (a member removed, retyped, repeated) are written this way.
inline std::string JsonObject(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out = "{";
  for (const auto& [name, value] : fields) {
    if (out.size() > 1) out += ",";
    out += "\"" + name + "\":" + value;
  }
  return out + "}";
}

// Records every call, in order. Paths not in `wanted` (when it is not empty) get kNone, as a
// detection plan's sink answers for what no indicator reads.
class RecordingSink final : public observe::BuilderSink {
 public:
  explicit RecordingSink(std::set<std::string> wanted = {}) : wanted_(std::move(wanted)) {}

  Cursor Object(std::string_view type) override {
    calls.push_back("object " + std::string(type));
    return New(std::string(type));
  }
  Cursor Member(Cursor parent, std::string_view key) override {
    const std::string path = paths_[parent] + "." + std::string(key);
    calls.push_back("member " + path);
    return New(path);
  }
  void Scalar(Cursor at, const Value& v, bool element) override {
    calls.push_back("scalar " + paths_[at] + (element ? "[]" : "") + " " +
                    std::to_string(static_cast<int>(v.kind)) + " " + std::string(v.text) + " " +
                    std::to_string(v.int_value) + Bytes(v.ipv4));
  }
  void Reference(Cursor at, std::string_view key, const Target& t, bool element) override {
    calls.push_back("reference " + paths_[at] + (element ? "[]" : "") + " " + std::string(key) +
                    " " + std::string(t.type) + " " + std::string(t.value) + " " +
                    (t.simple ? "simple" : "composite") + Bytes(t.ipv4));
  }
  void SimpleObject(std::string_view type, std::string_view value, const uint8_t* ipv4) override {
    calls.push_back("simple " + std::string(type) + " " + std::string(value) + Bytes(ipv4));
  }

  std::vector<std::string> calls;

 private:
  Cursor New(const std::string& path) {
    if (!wanted_.empty() && wanted_.count(path) == 0) return kNone;
    paths_.push_back(path);
    return static_cast<Cursor>(paths_.size() - 1);
  }
  static std::string Bytes(const uint8_t* ipv4) {
    if (ipv4 == nullptr) return "";
    return " [" + std::to_string(ipv4[0]) + "." + std::to_string(ipv4[1]) + "." +
           std::to_string(ipv4[2]) + "." + std::to_string(ipv4[3]) + "]";
  }
  std::set<std::string> wanted_;
  std::vector<std::string> paths_;
};

struct Probed {
  Status status;
  std::vector<std::string> calls;
  Timestamp time;
  bool fast = false;
};

inline Probed Probe(const LogContext& context, const std::string& line, bool fast,
                    const observe::PropertyFilter* filter, const std::set<std::string>& wanted) {
  EventMapper mapper;
  mapper.set_fast_paths(fast);
  observe::Observation observation;
  observe::ObservationBuilder builder(&observation);
  builder.SetFilter(filter);
  RecordingSink sink(wanted);
  builder.SetProbe(&sink);
  Probed out;
  out.status = mapper.Map(context, line, &builder);
  out.calls = std::move(sink.calls);
  out.time = observation.first_observed;
  out.fast = mapper.fast_path_events() == 1;
  return out;
}

// Every comparison for one event, in three variants (no filter and a sink that reads
// everything; `filter` and the same sink; `filter` and a sink that reads only `plan`, as a scan
// runs); returns whether the fast path took it in the first.
inline bool ExpectSame(const LogContext& context, const std::string& line,
                       const observe::PropertyFilter& filter, const std::set<std::string>& plan) {
  SCOPED_TRACE(line);
  bool took = false;
  for (int variant = 0; variant < 3; ++variant) {
    SCOPED_TRACE("variant " + std::to_string(variant));
    const observe::PropertyFilter* f = variant == 0 ? nullptr : &filter;
    const std::set<std::string> wanted = variant == 2 ? plan : std::set<std::string>{};
    const Probed general = Probe(context, line, false, f, wanted);
    const Probed fast = Probe(context, line, true, f, wanted);
    EXPECT_FALSE(general.fast);
    EXPECT_EQ(general.status.ok(), fast.status.ok());
    EXPECT_EQ(general.status.message(), fast.status.message());
    EXPECT_EQ(general.calls, fast.calls);
    if (general.status.ok()) {
      EXPECT_EQ(general.time, fast.time);
    }
    if (fast.fast) {
      EXPECT_TRUE(fast.status.ok());
    }
    if (variant == 0) took = fast.fast;
  }
  return took;
}

}  // namespace concord::ingest::fast_path_testing
