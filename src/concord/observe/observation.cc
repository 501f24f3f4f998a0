#include "concord/observe/observation.h"

#include <cstring>

namespace concord::observe {

uint32_t ValueStore::AddText(std::string_view s) {
  const uint32_t offset = static_cast<uint32_t>(text_.size());
  text_.append(s);
  return offset;
}

ValueStore::Id ValueStore::AddNull() { return Push(ValueKind::kNull, 0, 0, 0); }

ValueStore::Id ValueStore::AddBool(bool value) {
  return Push(ValueKind::kBool, 0, 0, value ? 1 : 0);
}

ValueStore::Id ValueStore::AddInt(int64_t value) { return Push(ValueKind::kInt, 0, 0, value); }

ValueStore::Id ValueStore::AddFloat(double value) {
  const Id id = Push(ValueKind::kFloat, 0, 0, 0);
  nodes_[id].float_value = value;
  return id;
}

ValueStore::Id ValueStore::AddString(std::string_view value) {
  const uint32_t offset = AddText(value);
  return Push(ValueKind::kString, offset, static_cast<uint32_t>(value.size()), 0);
}

ValueStore::Id ValueStore::AddArray(std::span<const Id> elements) {
  const uint32_t offset = static_cast<uint32_t>(children_.size());
  for (Id e : elements) children_.push_back(Child{.value = e});
  return Push(ValueKind::kArray, offset, static_cast<uint32_t>(elements.size()), 0);
}

ValueStore::Id ValueStore::AddObject(std::span<const std::pair<std::string_view, Id>> members) {
  const uint32_t offset = static_cast<uint32_t>(children_.size());
  for (const auto& [key, value] : members) {
    const uint32_t key_offset = AddText(key);
    children_.push_back(Child{
        .key_offset = key_offset, .key_length = static_cast<uint32_t>(key.size()), .value = value});
  }
  return Push(ValueKind::kObject, offset, static_cast<uint32_t>(members.size()), 0);
}

std::string_view ValueStore::string_value(Id id) const {
  const Node& n = nodes_[id];
  return std::string_view(text_).substr(n.offset, n.length);
}

std::string_view ValueStore::member_key(Id object, size_t i) const {
  const Child& c = children_[nodes_[object].offset + i];
  return std::string_view(text_).substr(c.key_offset, c.key_length);
}

std::optional<ValueStore::Id> ValueStore::Find(Id object, std::string_view key) const {
  // The matcher resolves paths through this for every event: no substr, lengths first.
  const Node& n = nodes_[object];
  if (n.kind != ValueKind::kObject) return std::nullopt;
  const Child* child = children_.data() + n.offset;
  const char* text = text_.data();
  for (uint32_t i = 0; i < n.length; ++i) {
    if (child[i].key_length == key.size() &&
        std::memcmp(text + child[i].key_offset, key.data(), key.size()) == 0) {
      return child[i].value;
    }
  }
  return std::nullopt;
}

size_t ValueStore::memory_bytes() const {
  return nodes_.size() * sizeof(Node) + children_.size() * sizeof(Child) + text_.size();
}

void ValueStore::Clear() {
  nodes_.clear();
  children_.clear();
  text_.clear();
}

size_t Observation::IndexOf(std::string_view key) const {
  if (count_ <= kLinearObjects) {
    for (size_t i = 0; i < count_; ++i) {
      if (objects_[i].key == key) return i;
    }
    return count_;
  }
  auto it = by_key_.find(key);
  return it == by_key_.end() ? count_ : it->second;
}

bool Observation::AddObject(std::string_view key, std::string_view type, ValueStore::Id value) {
  if (IndexOf(key) != count_) return false;
  AppendObject(key, type, value);
  return true;
}

void Observation::AppendObject(std::string_view key, std::string_view type, ValueStore::Id value) {
  if (count_ == objects_.size()) objects_.emplace_back();
  ObservedObject& o = objects_[count_];
  o.key.assign(key);  // assign keeps the string's capacity
  o.type.assign(type);
  o.value = value;
  ++count_;
  if (count_ == kLinearObjects + 1) {
    for (size_t i = 0; i < count_; ++i) by_key_.emplace(objects_[i].key, i);
  } else if (count_ > kLinearObjects + 1) {
    by_key_.emplace(o.key, count_ - 1);
  }
}

const ObservedObject* Observation::FindObject(std::string_view key) const {
  const size_t i = IndexOf(key);
  return i == count_ ? nullptr : &objects_[i];
}

void Observation::Clear() {
  id.clear();
  first_observed = Timestamp{};
  last_observed = Timestamp{};
  number_observed = 1;
  values.Clear();
  count_ = 0;
  by_key_.clear();
}

}  // namespace concord::observe
