#include "concord/feed/feed_reader.h"

#include <deque>
#include <vector>

#include "concord/base/line_reader.h"
#include "concord/feed/classify.h"
#include "concord/json/writer.h"

namespace concord::feed {
namespace {

// Values quoted in messages are cut to this many bytes.
constexpr size_t kMaxQuotedValue = 80;

std::string_view Trim(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t\r\n\f\v");
  if (first == std::string_view::npos) return {};
  const size_t last = s.find_last_not_of(" \t\r\n\f\v");
  return s.substr(first, last - first + 1);
}

// "'value'" for messages, cut to kMaxQuotedValue bytes.
std::string Quoted(std::string_view value) {
  std::string out = "'";
  out += value.substr(0, kMaxQuotedValue);
  if (value.size() > kMaxQuotedValue) out += "...";
  out += "'";
  return out;
}

// True when `s` is well-formed UTF-8 without control characters (which no indicator value has
// and which JSON and messages would have to escape).
bool IsCleanText(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {  // bounded: each round advances i by 1-4
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      n = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n;
  }
  return true;
}

// Splits a complete CSV record (RFC 4180) into fields. Returns "" or what is wrong.
std::string SplitCsv(std::string_view record, std::vector<std::string>* fields) {
  fields->clear();
  size_t i = 0;
  for (;;) {  // bounded: each round consumes one field of `record`
    std::string field;
    if (i < record.size() && record[i] == '"') {
      ++i;
      for (;;) {  // bounded by the record's length
        if (i >= record.size()) return "a quoted field is not closed";
        if (record[i] == '"') {
          if (i + 1 < record.size() && record[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(record[i++]);
      }
      if (i < record.size() && record[i] != ',') {
        return "text after the closing quote of field " + std::to_string(fields->size() + 1);
      }
    } else {
      const size_t comma = record.find(',', i);
      const size_t stop = comma == std::string_view::npos ? record.size() : comma;
      field.assign(record.substr(i, stop - i));
      i = stop;
    }
    fields->push_back(std::move(field));
    if (i >= record.size()) return "";
    ++i;  // the comma
  }
}

// Whether the quotes of `text` leave a quoted CSV field open, starting from `open`.
bool QuoteOpenAfter(std::string_view text, bool open) {
  for (char c : text) {
    if (c == '"') open = !open;
  }
  return open;
}

struct ZeekType {
  std::string_view name;
  // The kind for `value`, or std::nullopt when the value is not of the declared type.
  std::optional<ValueKind> (*kind)(std::string_view value);
  std::string_view what;  // for messages: "Intel::ADDR value 'x' is not <what>"
};

std::optional<ValueKind> AddrKind(std::string_view v) {
  if (IsIpv4(v)) return ValueKind::kIpv4;
  if (IsIpv6(v)) return ValueKind::kIpv6;
  return std::nullopt;
}
std::optional<ValueKind> SubnetKind(std::string_view v) {
  if (IsIpv4Cidr(v)) return ValueKind::kIpv4Cidr;
  if (IsIpv6Cidr(v)) return ValueKind::kIpv6Cidr;
  return std::nullopt;
}
std::optional<ValueKind> DomainKind(std::string_view v) {
  return IsDomain(v) ? std::optional(ValueKind::kDomain) : std::nullopt;
}
std::optional<ValueKind> UrlKind(std::string_view v) {
  return IsUrl(v) ? std::optional(ValueKind::kUrl) : std::nullopt;
}
std::optional<ValueKind> EmailKind(std::string_view v) {
  return IsEmail(v) ? std::optional(ValueKind::kEmail) : std::nullopt;
}
std::optional<ValueKind> CertHashKind(std::string_view v) {
  return HashKind(v) == ValueKind::kSha1 ? std::optional(ValueKind::kCertSha1) : std::nullopt;
}
std::optional<ValueKind> FileNameKind(std::string_view) { return ValueKind::kFileName; }
std::optional<ValueKind> UserNameKind(std::string_view) { return ValueKind::kUserName; }
std::optional<ValueKind> SoftwareKind(std::string_view) { return ValueKind::kSoftware; }

constexpr ZeekType kZeekTypes[] = {
    {"Intel::ADDR", AddrKind, "an IPv4 or IPv6 address"},
    {"Intel::SUBNET", SubnetKind, "an IPv4 or IPv6 CIDR block"},
    {"Intel::DOMAIN", DomainKind, "a domain name"},
    {"Intel::URL", UrlKind, "a URL"},
    {"Intel::EMAIL", EmailKind, "an e-mail address"},
    {"Intel::FILE_HASH", HashKind, "an MD5, SHA-1, SHA-256 or SHA-512 hex digest"},
    {"Intel::CERT_HASH", CertHashKind, "a SHA-1 hex digest (40 digits)"},
    {"Intel::FILE_NAME", FileNameKind, "a file name"},
    {"Intel::USER_NAME", UserNameKind, "a user name"},
    {"Intel::SOFTWARE", SoftwareKind, "a software name"},
};

// A Zeek field's value, with "-" (unset) and "(empty)" (an empty set) read as empty.
std::string_view ZeekValue(std::string_view v) {
  return v == "-" || v == "(empty)" ? std::string_view() : v;
}

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {  // bounded: each round consumes one field of `line`
    const size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
    if (tab == std::string_view::npos) return out;
    start = tab + 1;
  }
}

}  // namespace

Uuid FeedNamespace() {
  // Chosen at random (version 4) once, on 2026-11-22. NEVER CHANGE IT: every feed indicator id
  // stored anywhere was derived from it.
  static const Uuid ns = *ParseUuid("737a80b4-0ffa-41f4-99e0-346b22c8c63e");
  return ns;
}

std::string IndicatorJson(const FeedOptions& options, const IndicatorFields& fields) {
  std::string name_input = options.source_name;
  name_input += '\n';
  name_input += fields.pattern;
  const std::string id = "indicator--" + UuidV5(FeedNamespace(), name_input).ToString();
  const std::string time = FormatTimestamp(options.feed_time, 3);

  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  w.Key("type");
  w.String("indicator");
  w.Key("spec_version");
  w.String("2.1");
  w.Key("id");
  w.String(id);
  if (!options.created_by_ref.empty()) {
    w.Key("created_by_ref");
    w.String(options.created_by_ref);
  }
  w.Key("created");
  w.String(time);
  w.Key("modified");
  w.String(time);
  w.Key("name");
  w.String(options.source_name + ": " + std::string(fields.value));
  if (!fields.description.empty()) {
    w.Key("description");
    w.String(fields.description);
  }
  w.Key("indicator_types");
  w.BeginArray();
  w.String("malicious-activity");
  w.EndArray();
  w.Key("pattern");
  w.String(fields.pattern);
  w.Key("pattern_type");
  w.String("stix");
  w.Key("pattern_version");
  w.String("2.1");
  w.Key("valid_from");
  w.String(time);
  w.Key("labels");
  w.BeginArray();
  w.String("feed:" + options.source_name);
  w.EndArray();
  // STIX wants a url, description or external_id beside source_name: no url, no reference.
  if (!fields.reference_url.empty()) {
    w.Key("external_references");
    w.BeginArray();
    w.BeginObject();
    w.Key("source_name");
    w.String(fields.reference_source.empty() ? std::string_view(options.source_name)
                                             : fields.reference_source);
    if (!fields.reference_url.empty()) {
      w.Key("url");
      w.String(fields.reference_url);
    }
    w.EndObject();
    w.EndArray();
  }
  if (!options.marking_ref.empty()) {
    w.Key("object_marking_refs");
    w.BeginArray();
    w.String(options.marking_ref);
    w.EndArray();
  }
  w.EndObject();
  return out;
}

std::optional<FeedFormat> DetectFeedFormat(std::string_view first_bytes) {
  if (first_bytes.starts_with("\xEF\xBB\xBF")) first_bytes.remove_prefix(3);
  size_t start = 0;
  while (start < first_bytes.size()) {  // bounded: each round moves past one line
    const size_t nl = first_bytes.find('\n', start);
    std::string_view line = first_bytes.substr(
        start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (line.starts_with("#fields")) {
      for (std::string_view field : SplitTabs(Trim(line))) {
        if (field == "indicator") return FeedFormat::kZeekIntel;
      }
      return std::nullopt;
    }
    // Other '#' lines ("#separator \x09", "#path intel") may come first in Zeek files.
    if (!Trim(line).empty() && line.front() != '#') return std::nullopt;
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return std::nullopt;
}

class FeedReader::Impl {
 public:
  Impl(InputStream* input, FeedOptions options)
      : lines_(input, kMaxFeedLineBytes), options_(std::move(options)) {
    // Millisecond precision: the STIX timestamps are written with three fraction digits.
    options_.feed_time.nanos -= options_.feed_time.nanos % 1000000;
  }

  Result<std::optional<FeedItem>> Next() {
    for (;;) {  // bounded: each round consumes one line of the input
      if (!pending_.empty()) {
        FeedItem item = std::move(pending_.front());
        pending_.pop_front();
        return std::optional<FeedItem>(std::move(item));
      }
      auto line = lines_.Next();
      if (!line.ok()) return line.status();
      if (!line->has_value()) {
        if (csv_open_) {
          csv_open_ = false;
          Problem(csv_start_, "a quoted field is not closed at the end of the input");
          continue;
        }
        return std::optional<FeedItem>();
      }
      LineReader::Line& l = **line;
      if (l.too_long) {
        if (csv_open_) {
          csv_open_ = false;
          Problem(csv_start_, "the record is longer than " + std::to_string(kMaxFeedLineBytes) +
                                  " bytes; skipped");
        } else {
          Problem(l.number, "the line is longer than " + std::to_string(kMaxFeedLineBytes) +
                                " bytes; skipped");
        }
        continue;
      }
      switch (options_.format) {
        case FeedFormat::kZeekIntel:
          ZeekLine(l.number, l.text);
          break;
        case FeedFormat::kCsv:
          CsvLine(l.number, l.text);
          break;
        case FeedFormat::kList:
          ListLine(l.number, l.text);
          break;
      }
    }
  }

 private:
  void Problem(uint64_t line, std::string message) {
    pending_.push_back(FeedItem{FeedItem::Kind::kProblem, line, std::move(message)});
  }

  void Indicator(uint64_t line, ValueKind kind, const IndicatorFields& fields) {
    const std::string pattern = StixPattern(kind, fields.value);
    IndicatorFields f = fields;
    f.pattern = pattern;
    pending_.push_back(FeedItem{FeedItem::Kind::kIndicator, line, IndicatorJson(options_, f)});
  }

  // A value from a CSV column or a list line.
  void PlainValue(uint64_t line, std::string_view value, bool may_be_header) {
    if (value.empty()) {
      Problem(line, "the value is empty");
      return;
    }
    std::optional<ValueKind> kind = Classify(value);
    if (!kind) {
      if (may_be_header) return;  // a header row: skipped silently
      Problem(line, Quoted(value) +
                        " is not an IP address, CIDR block, domain name, URL, e-mail address "
                        "or MD5/SHA-1/SHA-256/SHA-512 hex digest; skipped");
      return;
    }
    Indicator(line, *kind, IndicatorFields{.value = value});
  }

  void ListLine(uint64_t number, std::string_view text) {
    std::string_view value = Trim(text);
    if (value.empty() || value.front() == '#') return;
    PlainValue(number, value, /*may_be_header=*/false);
  }

  void CsvLine(uint64_t number, const std::string& text) {
    if (csv_open_) {
      if (csv_record_.size() + 1 + text.size() > kMaxFeedLineBytes) {
        csv_open_ = false;
        Problem(csv_start_, "the record is longer than " + std::to_string(kMaxFeedLineBytes) +
                                " bytes; skipped");
        return;
      }
      csv_record_ += '\n';
      csv_record_ += text;
      csv_open_ = QuoteOpenAfter(text, true);
      if (!csv_open_) CsvRecord(csv_start_, csv_record_);
      return;
    }
    if (Trim(text).empty() || text.front() == '#') return;
    if (QuoteOpenAfter(text, false)) {
      csv_open_ = true;
      csv_start_ = number;
      csv_record_ = text;
      return;
    }
    CsvRecord(number, text);
  }

  void CsvRecord(uint64_t number, std::string_view record) {
    const bool first = !csv_seen_row_;
    csv_seen_row_ = true;
    std::string error = SplitCsv(record, &csv_fields_);
    if (!error.empty()) {
      Problem(number, "CSV: " + error + "; skipped");
      return;
    }
    const size_t column = static_cast<size_t>(options_.csv_column);
    if (column < 1 || column > csv_fields_.size()) {
      Problem(number, "the record has " + std::to_string(csv_fields_.size()) +
                          " fields, the value is expected in column " +
                          std::to_string(options_.csv_column) + "; skipped");
      return;
    }
    std::string_view value = Trim(csv_fields_[column - 1]);
    if (!IsCleanText(value)) {
      Problem(number, "the value is not UTF-8 text without control characters; skipped");
      return;
    }
    PlainValue(number, value, first);
  }

  void ZeekLine(uint64_t number, std::string_view text) {
    if (Trim(text).empty()) return;
    if (text.starts_with("#fields")) {
      ZeekHeader(number, text);
      return;
    }
    if (text.front() == '#') return;
    if (!have_fields_) {
      Problem(number,
              "a data line before a usable #fields header (naming indicator and "
              "indicator_type); skipped");
      return;
    }
    std::vector<std::string_view> cols = SplitTabs(text);
    if (cols.size() != fields_count_) {
      Problem(number, "the line has " + std::to_string(cols.size()) +
                          " tab-separated fields, #fields names " + std::to_string(fields_count_) +
                          "; skipped");
      return;
    }
    auto col = [&](int index) {
      return index < 0 ? std::string_view() : ZeekValue(cols[static_cast<size_t>(index)]);
    };
    std::string_view value = col(indicator_col_);
    std::string_view type = col(type_col_);
    if (value.empty()) {
      Problem(number, "the indicator is unset; skipped");
      return;
    }
    if (!IsCleanText(value)) {
      Problem(number, "the indicator is not UTF-8 text without control characters; skipped");
      return;
    }
    const ZeekType* declared = nullptr;
    for (const ZeekType& t : kZeekTypes) {
      if (t.name == type) declared = &t;
    }
    if (declared == nullptr) {
      Problem(number, "indicator_type " + Quoted(type) +
                          " has no STIX mapping (known: Intel::ADDR, SUBNET, DOMAIN, URL, EMAIL, "
                          "FILE_HASH, CERT_HASH, FILE_NAME, USER_NAME, SOFTWARE); skipped");
      return;
    }
    std::optional<ValueKind> kind = declared->kind(value);
    std::string with_scheme;
    if (!kind && type == "Intel::URL" && value.find("://") == std::string_view::npos &&
        IsUrl("http://" + std::string(value))) {
      // Zeek's own convention writes URLs without their scheme.
      with_scheme = "http://" + std::string(value);
      value = with_scheme;
      kind = ValueKind::kUrl;
      if (!warned_scheme_) {
        warned_scheme_ = true;
        pending_.push_back(FeedItem{FeedItem::Kind::kWarning, number,
                                    "Intel::URL values without a scheme are read as http:// "
                                    "URLs (this is the first; not repeated for this input)"});
      }
    }
    if (!kind) {
      Problem(number, std::string(type) + " value " + Quoted(value) + " is not " +
                          std::string(declared->what) + "; skipped");
      return;
    }
    std::string_view desc = col(desc_col_);
    std::string_view source = col(source_col_);
    std::string_view url = col(url_col_);
    if (!IsCleanText(desc) || !IsCleanText(source) || !IsCleanText(url)) {
      Problem(number,
              "meta.desc, meta.source or meta.url is not UTF-8 text without control "
              "characters; skipped");
      return;
    }
    Indicator(
        number, *kind,
        IndicatorFields{
            .value = value, .description = desc, .reference_source = source, .reference_url = url});
  }

  void ZeekHeader(uint64_t number, std::string_view text) {
    std::vector<std::string_view> cols = SplitTabs(text);
    indicator_col_ = type_col_ = source_col_ = desc_col_ = url_col_ = -1;
    // cols[0] is "#fields"; the data columns are the names after it.
    for (size_t i = 1; i < cols.size(); ++i) {
      const int index = static_cast<int>(i - 1);
      if (cols[i] == "indicator") indicator_col_ = index;
      if (cols[i] == "indicator_type") type_col_ = index;
      if (cols[i] == "meta.source") source_col_ = index;
      if (cols[i] == "meta.desc") desc_col_ = index;
      if (cols[i] == "meta.url") url_col_ = index;
    }
    fields_count_ = cols.size() - 1;
    have_fields_ = cols.front() == "#fields" && indicator_col_ >= 0 && type_col_ >= 0;
    if (!have_fields_) {
      Problem(number,
              "the #fields header must be tab-separated and name indicator and "
              "indicator_type; data lines up to the next #fields are skipped");
    }
  }

  LineReader lines_;
  FeedOptions options_;
  std::deque<FeedItem> pending_;

  // Zeek intel.
  bool have_fields_ = false;
  size_t fields_count_ = 0;
  int indicator_col_ = -1, type_col_ = -1, source_col_ = -1, desc_col_ = -1, url_col_ = -1;
  bool warned_scheme_ = false;

  // CSV.
  bool csv_seen_row_ = false;
  bool csv_open_ = false;  // a quoted field continues on the next line
  uint64_t csv_start_ = 0;
  std::string csv_record_;
  std::vector<std::string> csv_fields_;
};

FeedReader::FeedReader(InputStream* input, FeedOptions options)
    : impl_(std::make_unique<Impl>(input, std::move(options))) {}
FeedReader::~FeedReader() = default;
Result<std::optional<FeedItem>> FeedReader::Next() { return impl_->Next(); }

}  // namespace concord::feed
