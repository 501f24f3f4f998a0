#pragma once

// Plain threat-intelligence feeds (Zeek intel files, CSV, one value per line) read as STIX 2.1
// indicators with deterministic ids. See docs/feeds.md.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "concord/base/input_stream.h"
#include "concord/base/result.h"
#include "concord/base/timestamp.h"
#include "concord/base/uuid.h"

namespace concord::feed {

enum class FeedFormat {
  kZeekIntel,  // Zeek intel framework: "#fields" header, tab-separated, "-" for unset
  kCsv,        // RFC 4180 CSV, '#' comment lines, the value in one column
  kList,       // one value per line, blank lines and '#' comments skipped
};

// The namespace of feed indicator ids (UUIDv5 over source_name + "\n" + pattern). Never change
// it: every id Concord ever derived from a feed depends on it.
Uuid FeedNamespace();

// Longer lines (or CSV records) are a per-line problem and are skipped.
constexpr size_t kMaxFeedLineBytes = 64 * 1024;

struct FeedOptions {
  FeedFormat format = FeedFormat::kList;
  // Names the feed: part of every id, in every name ("<source>: <value>") and in the label
  // "feed:<source>". REQUIRES: not empty.
  std::string source_name;
  // created, modified and valid_from of every indicator; kept to the millisecond.
  Timestamp feed_time;
  std::string created_by_ref;  // an identity id, or "" for none
  std::string marking_ref;     // a marking-definition id (e.g. a TLP id), or "" for none
  int csv_column = 1;          // 1-based column holding the value (kCsv only)
};

// One thing read from a feed.
struct FeedItem {
  enum class Kind {
    kIndicator,  // `text` is the JSON of one STIX 2.1 indicator
    kProblem,    // `text` says why line `line` was skipped
    kWarning,    // `text` says what was assumed at line `line`; the line's indicator follows
  };
  Kind kind = Kind::kIndicator;
  uint64_t line = 0;  // 1-based; for a CSV record, the line where it starts
  std::string text;
};

// Reads a feed front to back, one line (or CSV record) at a time, never holding more than
// kMaxFeedLineBytes of one. Not thread-safe.
class FeedReader {
 public:
  // `input` must outlive the reader.
  FeedReader(InputStream* input, FeedOptions options);
  ~FeedReader();

  // The next indicator, problem or warning; std::nullopt at the end; the input's read error
  // (reading cannot go on).
  Result<std::optional<FeedItem>> Next();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// The format `first_bytes` (the start of an input) says it is: kZeekIntel when its first
// non-blank line that is not another '#' line ("#separator \x09") starts with "#fields" and names
// an "indicator" field, else std::nullopt (CSV and lists cannot be told from other text; JSON is
// recognised by the caller).
std::optional<FeedFormat> DetectFeedFormat(std::string_view first_bytes);

// The indicator JSON for one value: what FeedReader produces. `pattern` as StixPattern;
// `description` is left out when empty; external_references [{source_name: reference_source
// (the feed's source_name when empty), url: reference_url}] only when reference_url is set.
struct IndicatorFields {
  std::string_view value = {};
  std::string_view pattern = {};
  std::string_view description = {};
  std::string_view reference_source = {};
  std::string_view reference_url = {};
};
std::string IndicatorJson(const FeedOptions& options, const IndicatorFields& fields);

}  // namespace concord::feed
