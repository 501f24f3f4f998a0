#include "concord/json/writer.h"

#include <cassert>
#include <charconv>
#include <cmath>

namespace concord::json {
namespace {

// For each byte: 0 if copied as is, else the character after '\\' ('u' for \u00XX).
constexpr char EscapeFor(unsigned char c) {
  switch (c) {
    case '"':
      return '"';
    case '\\':
      return '\\';
    case '\b':
      return 'b';
    case '\f':
      return 'f';
    case '\n':
      return 'n';
    case '\r':
      return 'r';
    case '\t':
      return 't';
    default:
      return c < 0x20 ? 'u' : 0;
  }
}

struct EscapeTable {
  char escape[256];
  constexpr EscapeTable() : escape() {
    for (int c = 0; c < 256; ++c) escape[c] = EscapeFor(static_cast<unsigned char>(c));
  }
};
constexpr EscapeTable kEscapes;

}  // namespace

void AppendQuoted(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->reserve(out->size() + s.size() + 2);
  out->push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const char e = kEscapes.escape[c];
    if (e == 0) continue;
    out->append(s.data() + run, i - run);
    run = i + 1;
    out->push_back('\\');
    out->push_back(e);
    if (e == 'u') {
      out->append("00", 2);
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
  out->append(s.data() + run, s.size() - run);
  out->push_back('"');
}

void Writer::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_->push_back(',');
    first_.back() = false;
  }
}

void Writer::BeginObject() {
  BeforeValue();
  out_->push_back('{');
  first_.push_back(true);
}

void Writer::EndObject() {
  assert(!first_.empty() && !after_key_);
  first_.pop_back();
  out_->push_back('}');
}

void Writer::BeginArray() {
  BeforeValue();
  out_->push_back('[');
  first_.push_back(true);
}

void Writer::EndArray() {
  assert(!first_.empty() && !after_key_);
  first_.pop_back();
  out_->push_back(']');
}

void Writer::Key(std::string_view key) {
  assert(!first_.empty() && !after_key_);
  if (!first_.back()) out_->push_back(',');
  first_.back() = false;
  AppendQuoted(key, out_);
  out_->push_back(':');
  after_key_ = true;
}

void Writer::String(std::string_view value) {
  BeforeValue();
  AppendQuoted(value, out_);
}

void Writer::Int(int64_t value) {
  BeforeValue();
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  out_->append(buf, r.ptr);
}

void Writer::UInt(uint64_t value) {
  BeforeValue();
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  out_->append(buf, r.ptr);
}

void Writer::Double(double value) {
  BeforeValue();
  if (!std::isfinite(value)) {
    out_->append("null");
    return;
  }
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, value);
  out_->append(buf, r.ptr);
}

void Writer::Bool(bool value) {
  BeforeValue();
  out_->append(value ? "true" : "false");
}

void Writer::Null() {
  BeforeValue();
  out_->append("null");
}

void Writer::Raw(std::string_view json) {
  BeforeValue();
  out_->append(json);
}

}  // namespace concord::json
