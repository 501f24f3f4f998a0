#include "concord/detect/indicator_set.h"

#include <limits>

#include "concord/json/document.h"
#include "concord/pattern/parser.h"

namespace concord::detect {
namespace {

constexpr size_t kMaxExamples = 5;

std::string_view StringMember(json::ObjectView o, const char* key) {
  std::string_view s;
  if (o[key].get(s) != simdjson::SUCCESS) return {};
  return s;
}

// For match_subdomains: the domain names of a pattern that is "[domain-name:value = 'x' OR
// domain-name:value IN ('y', 'z') ...]" and nothing else; empty otherwise.
std::vector<std::string> PlainDomainNames(const pattern::Pattern& p) {
  std::vector<std::string> out;
  const pattern::Node& root = p.node(p.root);
  if (root.kind != pattern::NodeKind::kObservation) return {};
  const pattern::Node& top = p.node(root.children[0]);
  std::vector<uint32_t> comparisons;
  if (top.kind == pattern::NodeKind::kOr) {
    comparisons = top.children;
  } else {
    comparisons.push_back(root.children[0]);
  }
  for (uint32_t c : comparisons) {
    const pattern::Node& n = p.node(c);
    if (n.kind != pattern::NodeKind::kComparison || n.negated) return {};
    const pattern::ObjectPath& path = p.path_of(n);
    if (path.object_type != "domain-name" || path.steps.size() != 1 ||
        path.steps[0].key != "value") {
      return {};
    }
    const pattern::Literal& l = p.literal_of(n.literal);
    if (n.op == pattern::CompareOp::kEq && l.kind == pattern::LiteralKind::kString) {
      out.push_back(l.bytes);
    } else if (n.op == pattern::CompareOp::kIn) {
      for (uint32_t e : l.elements) {
        if (p.literal_of(e).kind == pattern::LiteralKind::kString) {
          out.push_back(p.literal_of(e).bytes);
        }
      }
    } else {
      return {};
    }
  }
  return out;
}

// Records in `filter` the properties `p`'s paths read.
void AllowPaths(const pattern::Pattern& p, observe::PropertyFilter* filter) {
  for (const pattern::ObjectPath& path : p.paths) {
    std::string_view last_key;
    for (size_t i = 0; i < path.steps.size(); ++i) {
      const pattern::PathStep& step = path.steps[i];
      if (step.kind != pattern::PathStep::Kind::kKey) continue;
      if (i == 0) {
        filter->Allow(path.object_type, step.key);
      } else if (last_key.ends_with("_ref") || last_key.ends_with("_refs")) {
        filter->AllowOnAnyType(step.key);  // a property of the referenced object
      }
      last_key = step.key;
    }
  }
}

std::string Quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

}  // namespace

IndicatorSet::~IndicatorSet() = default;

uint32_t IndicatorSet::Intern(std::string_view s) {
  const uint32_t at = static_cast<uint32_t>(text_.size());
  text_.append(s);
  return at;
}

IndicatorRef IndicatorSet::indicator(uint32_t index) const {
  const Record& r = records_[index];
  const std::string_view t(text_);
  return IndicatorRef{t.substr(r.id, r.id_len), t.substr(r.name, r.name_len),
                      t.substr(r.pattern, r.pattern_len), t.substr(r.creator, r.creator_len),
                      r.tlp};
}

size_t IndicatorSet::memory_bytes() const {
  return text_.capacity() + records_.capacity() * sizeof(Record) +
         (patterns_ ? patterns_->stats().memory_bytes : 0);
}

IndicatorSetBuilder::IndicatorSetBuilder(IndicatorOptions options)
    : options_(std::move(options)),
      parser_(std::make_unique<json::Parser>()),
      set_(new IndicatorSet()),
      patterns_(std::make_unique<pattern::engine::PatternSetBuilder>(options_.engine_limits)) {}

IndicatorSetBuilder::~IndicatorSetBuilder() = default;

void IndicatorSetBuilder::Example(std::string_view id, std::string_view reason) {
  if (stats_.examples.size() < kMaxExamples) {
    stats_.examples.push_back(std::string(id.empty() ? "(no id)" : id) + ": " +
                              std::string(reason));
  }
}

Status IndicatorSetBuilder::Add(std::string_view text, stix::Tlp tlp) {
  ++stats_.read;
  Result<json::Element> parsed = parser_->Parse(text);
  json::ObjectView o;
  if (!parsed.ok() || parsed->get_object().get(o) != simdjson::SUCCESS) {
    ++stats_.invalid;
    Example("", parsed.ok() ? "not a JSON object" : parsed.status().message());
    return Status::Ok();
  }
  const std::string_view id = StringMember(o, "id");
  if (StringMember(o, "type") != "indicator") {
    ++stats_.invalid;
    Example(id, "not an indicator");
    return Status::Ok();
  }
  bool revoked = false;
  if (o["revoked"].get(revoked) == simdjson::SUCCESS && revoked) return Status::Ok();
  const std::string_view pattern_type = StringMember(o, "pattern_type");
  if (!pattern_type.empty() && pattern_type != "stix") {
    ++stats_.not_stix;
    Example(id, "pattern_type '" + std::string(pattern_type) + "' is not matched by Concord");
    return Status::Ok();
  }
  const TimestampSyntax lenient{.allow_offset = true};
  const std::string_view valid_from = StringMember(o, "valid_from");
  if (!valid_from.empty()) {
    Result<ParsedTimestamp> t = ParseTimestamp(valid_from, lenient);
    if (t.ok() && options_.now < t->instant) {
      ++stats_.not_yet_valid;
      Example(id, "valid_from " + std::string(valid_from) + " is in the future");
      return Status::Ok();
    }
  }
  const std::string_view valid_until = StringMember(o, "valid_until");
  if (!valid_until.empty()) {
    Result<ParsedTimestamp> t = ParseTimestamp(valid_until, lenient);
    if (t.ok() && !(options_.now < t->instant)) {
      ++stats_.expired;
      Example(id, "valid_until " + std::string(valid_until) + " has passed");
      return Status::Ok();
    }
  }
  const std::string_view pattern_text = StringMember(o, "pattern");
  Result<pattern::Pattern> p =
      pattern::ParsePattern(pattern_text, options_.engine_limits.pattern_limits);
  if (!p.ok()) {
    ++stats_.invalid;
    Example(id, "pattern: " + p.status().message());
    return Status::Ok();
  }
  if (options_.warning_lists != nullptr) {
    std::vector<WarningHit> hits = options_.warning_lists->Check(*p);
    if (!hits.empty()) {
      const std::string why = "'" + hits[0].value + "' is on warning list '" + hits[0].list +
                              "' (entry '" + hits[0].entry + "')";
      if (!options_.include_warned) {
        ++stats_.warned;
        Example(id, why);
        return Status::Ok();
      }
      ++stats_.warned_forced;
    }
  }
  IndicatorSet& set = *set_;
  if (set.text_.size() + text.size() > std::numeric_limits<uint32_t>::max()) {
    return ResourceExhausted("the indicators' ids, names and patterns exceed 4 GiB");
  }
  const uint32_t index = static_cast<uint32_t>(set.records_.size());
  Status added = patterns_->Add(*p, index);  // parsed above: not parsed again
  if (!added.ok()) {
    if (added.code() == StatusCode::kResourceExhausted && patterns_->size() == index) {
      return added;  // the set is full: nothing was added
    }
    // Parsed but did not check: the entry stays in the set as an error and never matches.
    ++stats_.invalid;
    Example(id, "pattern: " + added.message());
  } else {
    ++stats_.loaded;
    AllowPaths(*p, &set_->filter_);
  }
  IndicatorSet::Record r{};
  const std::string_view name = StringMember(o, "name");
  const std::string_view creator = StringMember(o, "created_by_ref");
  r.id = set.Intern(id);
  r.id_len = static_cast<uint32_t>(id.size());
  r.name = set.Intern(name);
  r.name_len = static_cast<uint32_t>(name.size());
  r.pattern = set.Intern(pattern_text);
  r.pattern_len = static_cast<uint32_t>(pattern_text.size());
  r.creator = set.Intern(creator);
  r.creator_len = static_cast<uint32_t>(creator.size());
  r.tlp = tlp;
  set.records_.push_back(r);
  if (added.ok() && options_.match_subdomains) {
    const std::vector<std::string> names = PlainDomainNames(*p);
    if (!names.empty()) {
      std::string like = "[";
      for (size_t i = 0; i < names.size(); ++i) {
        if (i > 0) like += " OR ";
        like += "domain-name:value LIKE " + Quote("%." + names[i]);
      }
      like += "]";
      CONCORD_RETURN_IF_ERROR(patterns_->Add(like, index));
    }
  }
  return Status::Ok();
}

Status IndicatorSetBuilder::AddFromStore(store::Store& store) {
  store::Query query;
  query.types = {"indicator"};
  query.versions = {store::VersionFilter{.kind = store::VersionFilter::Kind::kLast, .at = ""}};
  query.include_revoked = false;
  return store.Scan(
      query, [&](const store::StoredObject& object) { return Add(object.json, object.tlp); });
}

Result<std::unique_ptr<IndicatorSet>> IndicatorSetBuilder::Build() {
  CONCORD_ASSIGN_OR_RETURN(set_->patterns_, patterns_->Build());
  set_->stats_ = stats_;
  set_->text_.shrink_to_fit();
  set_->records_.shrink_to_fit();
  std::unique_ptr<IndicatorSet> out = std::move(set_);
  set_.reset(new IndicatorSet());
  stats_ = {};
  return out;
}

}  // namespace concord::detect
