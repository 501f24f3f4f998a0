#include "concord/stix/reader.h"

#include <utility>

#include "concord/json/document.h"
#include "concord/json/splitter.h"
#include "concord/stix/value_rules.h"

namespace concord::stix {
namespace {

using Severity = Diagnostic::Severity;

void AddError(Validation* v, std::string path, std::string message) {
  v->diagnostics.push_back({Severity::kError, std::move(path), std::move(message)});
}

void AddWarning(Validation* v, std::string path, std::string message) {
  v->diagnostics.push_back({Severity::kWarning, std::move(path), std::move(message)});
}

// "the value is larger than ..." for a piece the splitter skipped.
std::string SkippedMessage(const Status& s) {
  return (s.code() == StatusCode::kResourceExhausted ? "the object was skipped: "
                                                     : "the object could not be read: ") +
         s.message();
}

}  // namespace

std::string ReadItem::Where(const std::string& source_name) const {
  std::string out = source_name;
  out += ':';
  out += std::to_string(line);
  if (!path.empty()) {
    out += ' ';
    out += path;
  }
  return out;
}

class Reader::Impl {
 public:
  Impl(InputStream* input, ValidatorOptions options)
      : input_(input),
        options_(options),
        splitter_(input, "objects", options.limits),
        validator_(options),
        envelope_parser_(options.limits) {}

  Result<std::optional<ReadItem>> Next();
  uint64_t offset() const { return splitter_.offset(); }

 private:
  // A bundle found as an element of a top-level JSON array, read with a splitter of its own.
  struct Nested {
    std::unique_ptr<InputStream> stream;
    std::unique_ptr<json::Splitter> splitter;
    std::string path;  // of the bundle in the outer input, e.g. "[2]"
    uint64_t line = 0;
    uint64_t offset = 0;
  };

  std::optional<ReadItem> NextNested();
  void StartNested(const json::Piece& piece);
  // The checks on a bundle's own properties (its "objects" already read or absent).
  Validation CheckEnvelope(std::string_view text);

  InputStream* input_;
  ValidatorOptions options_;
  json::Splitter splitter_;
  Validator validator_;
  json::Parser envelope_parser_;
  std::optional<Nested> nested_;
};

Result<std::optional<ReadItem>> Reader::Impl::Next() {
  for (;;) {
    if (nested_.has_value()) {
      std::optional<ReadItem> item = NextNested();
      if (item.has_value()) return item;
      continue;  // the nested bundle is done
    }
    CONCORD_ASSIGN_OR_RETURN(std::optional<json::Piece> piece, splitter_.Next());
    if (!piece.has_value()) return std::optional<ReadItem>();
    ReadItem item;
    item.line = piece->line;
    item.offset = piece->offset;
    item.path = piece->path;
    if (!piece->error.ok()) {
      AddError(&item.validation, "", SkippedMessage(piece->error));
      return std::optional<ReadItem>(std::move(item));
    }
    if (piece->kind == json::Piece::Kind::kEnvelope) {
      item.is_envelope = true;
      item.validation = CheckEnvelope(piece->text);
      return std::optional<ReadItem>(std::move(item));
    }
    item.validation = validator_.Validate(piece->text);
    if (item.validation.type == "bundle") {
      if (piece->kind == json::Piece::Kind::kValue) {
        // A top-level bundle that the splitter did not split: it has no "objects" list.
        item.is_envelope = true;
        item.validation = CheckEnvelope(piece->text);
        return std::optional<ReadItem>(std::move(item));
      }
      if (!piece->path.empty() && piece->path.front() == '[') {
        // A bundle in a top-level JSON array: read its objects (one level deep only).
        StartNested(*piece);
        continue;
      }
      // A bundle inside a bundle's objects: the validator has reported it.
    }
    return std::optional<ReadItem>(std::move(item));
  }
}

void Reader::Impl::StartNested(const json::Piece& piece) {
  Nested n;
  n.stream = InputStream::FromString(std::string(piece.text), input_->name() + " " + piece.path);
  n.splitter = std::make_unique<json::Splitter>(n.stream.get(), "objects", options_.limits);
  n.path = piece.path;
  n.line = piece.line;
  n.offset = piece.offset;
  nested_ = std::move(n);
}

std::optional<ReadItem> Reader::Impl::NextNested() {
  Nested& n = *nested_;
  Result<std::optional<json::Piece>> next = n.splitter->Next();
  ReadItem item;
  item.line = n.line;
  item.offset = n.offset;
  item.path = n.path;
  if (!next.ok()) {
    // The bundle parsed as a whole, so this is a limit (e.g. its envelope is too large).
    AddError(&item.validation, "", "the bundle could not be read: " + next.status().message());
    item.is_envelope = true;
    nested_.reset();
    return item;
  }
  if (!next->has_value()) {
    nested_.reset();
    return std::nullopt;
  }
  const json::Piece& piece = **next;
  item.line = n.line + piece.line - 1;
  item.offset = n.offset + piece.offset;
  if (!piece.path.empty()) item.path = n.path + "." + piece.path;
  if (!piece.error.ok()) {
    AddError(&item.validation, "", SkippedMessage(piece.error));
    return item;
  }
  if (piece.kind == json::Piece::Kind::kElement) {
    item.validation = validator_.Validate(piece.text);
    return item;
  }
  // The bundle itself: its envelope, or the whole bundle when it has no "objects" list.
  item.is_envelope = true;
  item.validation = CheckEnvelope(piece.text);
  return item;
}

Validation Reader::Impl::CheckEnvelope(std::string_view text) {
  Validation v;
  Result<json::Element> parsed = envelope_parser_.Parse(text);
  if (!parsed.ok()) {
    AddError(&v, "", "the bundle is not valid JSON: " + parsed.status().message());
    return v;
  }
  json::ObjectView bundle;
  if (parsed->get_object().get(bundle) != simdjson::SUCCESS) {
    AddError(&v, "", "a bundle must be a JSON object");
    return v;
  }
  json::Element e;
  std::string_view s;
  if (bundle.at_key("type").get(e) != simdjson::SUCCESS ||
      e.get_string().get(s) != simdjson::SUCCESS) {
    AddError(&v, "type",
             "a top-level object with an \"objects\" list must be a STIX bundle with \"type\": "
             "\"bundle\", and this one has no string type");
    return v;
  }
  v.type = std::string(s);
  if (s != "bundle") {
    AddError(&v, "type",
             "a top-level object with an \"objects\" list must be a STIX bundle, but its type is " +
                 internal::Quote(s) + "; its objects were read, the container was not");
    return v;
  }
  if (bundle.at_key("id").get(e) != simdjson::SUCCESS) {
    AddError(&v, "id", "the required property is missing: a bundle has an id \"bundle--<UUID>\"");
  } else if (e.get_string().get(s) != simdjson::SUCCESS) {
    AddError(&v, "id", "must be a string \"bundle--<UUID>\"");
  } else {
    v.id = std::string(s);
    std::string_view type;
    Status st = internal::CheckIdentifier(s, &type);
    if (!st.ok()) {
      AddError(&v, "id", internal::Quote(s) + " is not a STIX identifier: " + st.message());
    } else if (type != "bundle") {
      AddError(&v, "id",
               "a bundle's id must begin with \"bundle--\", not \"" + std::string(type) + "--\"");
    }
  }
  if (bundle.at_key("spec_version").get(e) == simdjson::SUCCESS) {
    if (e.get_string().get(s) != simdjson::SUCCESS) {
      AddError(&v, "spec_version", "must be a string");
    } else if (s == "2.0") {
      AddWarning(&v, "spec_version",
                 "a STIX 2.0 bundle: its objects without spec_version are read as STIX 2.0 and "
                 "upgraded to 2.1");
    } else if (s == "2.1") {
      AddWarning(&v, "spec_version",
                 "STIX 2.1 bundles have no spec_version (each object carries its own); ignored");
    } else {
      AddError(&v, "spec_version",
               internal::Quote(s) + " is not a STIX version this reader knows (2.0 or 2.1)");
    }
  }
  if (bundle.at_key("objects").get(e) == simdjson::SUCCESS && !e.is_array()) {
    AddError(&v, "objects", "must be a list of STIX objects");
  }
  return v;
}

Reader::Reader(InputStream* input, ValidatorOptions options)
    : impl_(std::make_unique<Impl>(input, options)) {}

Reader::~Reader() = default;

Result<std::optional<ReadItem>> Reader::Next() { return impl_->Next(); }

uint64_t Reader::offset() const { return impl_->offset(); }

}  // namespace concord::stix
