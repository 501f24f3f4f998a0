#include "concord/pattern/observation_reader.h"

#include <set>
#include <utility>

#include "concord/base/input_stream.h"
#include "concord/json/canonical.h"
#include "concord/json/document.h"
#include "concord/json/splitter.h"

namespace concord::pattern {
namespace {

using json::Element;
using json::ElementType;

// Copies `e` into `store`. Recursion is bounded by the parser's Limits::max_depth.
observe::ValueStore::Id Convert(const Element& e, observe::ValueStore* store) {
  switch (e.type()) {
    case ElementType::OBJECT: {
      json::ObjectView object;
      if (e.get_object().get(object) != simdjson::SUCCESS) return store->AddNull();
      std::vector<std::pair<std::string_view, observe::ValueStore::Id>> members;
      for (auto field : object) {
        members.emplace_back(field.key, Convert(field.value, store));
      }
      return store->AddObject(members);
    }
    case ElementType::ARRAY: {
      json::ArrayView array;
      if (e.get_array().get(array) != simdjson::SUCCESS) return store->AddNull();
      std::vector<observe::ValueStore::Id> elements;
      for (Element child : array) elements.push_back(Convert(child, store));
      return store->AddArray(elements);
    }
    case ElementType::STRING:
      return store->AddString(e.get_string().value_unsafe());
    case ElementType::INT64:
      return store->AddInt(e.get_int64().value_unsafe());
    case ElementType::UINT64:
      return store->AddFloat(static_cast<double>(e.get_uint64().value_unsafe()));
    case ElementType::DOUBLE:
      return store->AddFloat(e.get_double().value_unsafe());
    case ElementType::BOOL:
      return store->AddBool(e.get_bool().value_unsafe());
    case ElementType::NULL_VALUE:
      return store->AddNull();
  }
  return store->AddNull();
}

bool GetString(const Element& object, std::string_view key, std::string_view* out) {
  Element v;
  if (object[key].get(v) != simdjson::SUCCESS) return false;
  return v.get_string().get(*out) == simdjson::SUCCESS;
}

// The references an object makes: values of *_ref properties and elements of *_refs
// properties, at any depth, except the common properties that are not observations.
std::vector<std::string> References(const observe::ValueStore& store,
                                    observe::ValueStore::Id root) {
  std::vector<std::string> refs;
  std::vector<observe::ValueStore::Id> stack = {root};
  while (!stack.empty()) {  // each value is visited once: the store is a tree
    const observe::ValueStore::Id id = stack.back();
    stack.pop_back();
    if (store.kind(id) == observe::ValueKind::kArray) {
      for (size_t i = 0; i < store.size(id); ++i) stack.push_back(store.element(id, i));
      continue;
    }
    if (store.kind(id) != observe::ValueKind::kObject) continue;
    for (size_t i = 0; i < store.size(id); ++i) {
      const std::string_view key = store.member_key(id, i);
      const observe::ValueStore::Id value = store.member_value(id, i);
      if (key == "created_by_ref" || key == "object_marking_refs" || key == "granular_markings") {
        continue;
      }
      if (key.ends_with("_ref") && store.kind(value) == observe::ValueKind::kString) {
        refs.emplace_back(store.string_value(value));
      } else if (key.ends_with("_refs") && store.kind(value) == observe::ValueKind::kArray) {
        for (size_t k = 0; k < store.size(value); ++k) {
          const observe::ValueStore::Id ref = store.element(value, k);
          if (store.kind(ref) == observe::ValueKind::kString)
            refs.emplace_back(store.string_value(ref));
        }
      } else {
        stack.push_back(value);
      }
    }
  }
  return refs;
}

Status ReadTimestamp(const Element& object, std::string_view key, concord::Timestamp* out) {
  std::string_view text;
  if (!GetString(object, key, &text)) return InvalidArgument("needs a string " + std::string(key));
  Result<ParsedTimestamp> ts = ParseTimestamp(text);
  if (!ts.ok()) return InvalidArgument(std::string(key) + ": " + ts.status().message());
  *out = ts->instant;
  return Status::Ok();
}

}  // namespace

ObservationReader::ObservationReader(ObservationReaderOptions options)
    : options_(std::move(options)) {}

Status ObservationReader::Add(std::string_view object_json) {
  json::Parser parser(options_.limits);
  CONCORD_ASSIGN_OR_RETURN(Element e, parser.Parse(object_json));
  if (e.type() != ElementType::OBJECT) return InvalidArgument("a STIX object is a JSON object");
  std::string_view type;
  if (!GetString(e, "type", &type)) return InvalidArgument("a STIX object needs a string \"type\"");
  if (type == "bundle") {
    json::ArrayView objects;
    if (e["objects"].get_array().get(objects) != simdjson::SUCCESS) return Status::Ok();
    for (Element child : objects) {
      std::string text;
      json::AppendCanonical(child, &text);
      // The child is shallower than the bundle, so this recursion is one level deep at most
      // per nesting of bundles, itself bounded by the depth limit.
      CONCORD_RETURN_IF_ERROR(Add(text));
    }
    return Status::Ok();
  }
  if (type == "observed-data") {
    if (observed_data_.size() >= options_.max_observations) {
      return ResourceExhausted("more than " + std::to_string(options_.max_observations) +
                               " observed-data objects");
    }
    observed_data_.emplace_back(object_json);
    return Status::Ok();
  }
  std::string_view id;
  if (GetString(e, "id", &id)) by_id_[std::string(id)] = std::string(object_json);
  return Status::Ok();
}

Result<std::vector<observe::Observation>> ObservationReader::Finish() {
  std::vector<observe::Observation> out;
  json::Parser parser(options_.limits);
  for (size_t index = 0; index < observed_data_.size(); ++index) {
    CONCORD_ASSIGN_OR_RETURN(Element od, parser.Parse(observed_data_[index]));
    observe::Observation obs;
    std::string_view id;
    if (GetString(od, "id", &id)) obs.id = std::string(id);
    const std::string where =
        "observed-data #" + std::to_string(index + 1) + (obs.id.empty() ? "" : " (" + obs.id + ")");
    auto bad = [&](const std::string& message) { return InvalidArgument(where + ": " + message); };
    auto too_big = [&] {
      return ResourceExhausted(where + ": its objects take more than " +
                               std::to_string(options_.max_observation_bytes) + " bytes");
    };

    Status s = ReadTimestamp(od, "first_observed", &obs.first_observed);
    if (!s.ok()) return bad(s.message());
    s = ReadTimestamp(od, "last_observed", &obs.last_observed);
    if (!s.ok()) return bad(s.message());
    if (obs.last_observed < obs.first_observed) {
      return bad("last_observed is earlier than first_observed");
    }
    Element count;
    int64_t n = 0;
    if (od["number_observed"].get(count) != simdjson::SUCCESS ||
        count.get_int64().get(n) != simdjson::SUCCESS || n < 1 || n > 999999999) {
      return bad("number_observed must be an integer from 1 to 999,999,999");
    }
    obs.number_observed = n;

    json::ObjectView objects;
    json::ArrayView object_refs;
    bool has_objects = od["objects"].get_object().get(objects) == simdjson::SUCCESS;
    const bool has_refs = od["object_refs"].get_array().get(object_refs) == simdjson::SUCCESS;
    if (has_objects && has_refs) {
      // An empty "objects" beside object_refs (as some 2.1 producers write) is no conflict.
      if (objects.size() != 0) return bad("has both objects and object_refs; use one");
      has_objects = false;
    }
    if (has_objects) {
      // STIX 2.0 form: the objects and their keys are all in the observed-data.
      for (auto field : objects) {
        if (obs.objects().size() >= options_.max_objects_per_observation) {
          return bad("more than " + std::to_string(options_.max_objects_per_observation) +
                     " objects");
        }
        std::string_view object_type;
        if (field.value.type() != ElementType::OBJECT ||
            !GetString(field.value, "type", &object_type)) {
          return bad("objects." + std::string(field.key) + " is not an object with a \"type\"");
        }
        const observe::ValueStore::Id value = Convert(field.value, &obs.values);
        if (!obs.AddObject(std::string(field.key), std::string(object_type), value)) {
          return bad("objects has the key " + std::string(field.key) + " twice");
        }
        if (obs.values.memory_bytes() > options_.max_observation_bytes) return too_big();
      }
    } else if (has_refs) {
      // STIX 2.1 form: object_refs name objects given alongside; follow their references.
      std::vector<std::string> queue;
      for (Element ref : object_refs) {
        std::string_view text;
        if (ref.get_string().get(text) != simdjson::SUCCESS) {
          return bad("object_refs holds something other than an identifier string");
        }
        queue.emplace_back(text);
      }
      const size_t named = queue.size();
      for (size_t q = 0; q < queue.size(); ++q) {
        const std::string key = queue[q];
        if (obs.FindObject(key) != nullptr) continue;
        auto it = by_id_.find(key);
        if (it == by_id_.end()) {
          if (q < named) return bad("object_refs names " + key + ", which is not in the input");
          continue;  // a reference to something not given: paths through it find nothing
        }
        if (obs.objects().size() >= options_.max_objects_per_observation) {
          return bad("more than " + std::to_string(options_.max_objects_per_observation) +
                     " objects after following references");
        }
        CONCORD_ASSIGN_OR_RETURN(Element object, parser.Parse(it->second));
        std::string_view object_type;
        GetString(object, "type", &object_type);  // Add() checked it
        const observe::ValueStore::Id value = Convert(object, &obs.values);
        obs.AddObject(key, std::string(object_type), value);
        if (obs.values.memory_bytes() > options_.max_observation_bytes) return too_big();
        for (std::string& ref : References(obs.values, value)) queue.push_back(std::move(ref));
      }
    } else {
      return bad("needs objects (STIX 2.0) or object_refs (STIX 2.1)");
    }
    out.push_back(std::move(obs));
  }
  return out;
}

Result<std::vector<observe::Observation>> ReadObservations(
    std::string_view text, const ObservationReaderOptions& options) {
  std::unique_ptr<InputStream> input = InputStream::FromString(std::string(text), "observations");
  json::Splitter splitter(input.get(), "objects", options.limits);
  ObservationReader reader(options);
  for (;;) {
    CONCORD_ASSIGN_OR_RETURN(std::optional<json::Piece> piece, splitter.Next());
    if (!piece) break;
    const std::string where = "line " + std::to_string(piece->line);
    if (!piece->error.ok()) return piece->error.WithPrefix(where);
    if (piece->kind == json::Piece::Kind::kEnvelope) continue;  // a bundle's own properties
    Status s = reader.Add(piece->text);
    if (!s.ok()) return s.WithPrefix(where);
  }
  return reader.Finish();
}

}  // namespace concord::pattern
