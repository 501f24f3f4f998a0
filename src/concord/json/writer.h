#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace concord::json {

// Appends `s` to `out` as a JSON string literal (quotes included), escaping '"', '\\' and control
// characters as RFC 8259 requires; other bytes (UTF-8) are copied unchanged.
void AppendQuoted(std::string_view s, std::string* out);

// A streaming JSON writer that appends compact JSON to a string and places commas itself.
//
//   std::string out;
//   Writer w(&out);
//   w.BeginObject(); w.Key("valid"); w.Bool(true); w.EndObject();   // {"valid":true}
//
// REQUIRES: calls form one well-nested value (Key only directly inside an object, each Key
// followed by one value). Misuse is a programming error caught by assert in debug builds.
class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}

  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  void Key(std::string_view key);
  void String(std::string_view value);
  void Int(int64_t value);
  void UInt(uint64_t value);
  void Double(double value);  // non-finite values are written as null
  void Bool(bool value);
  void Null();
  // Appends `json`, which must already be one valid JSON value, as the next value.
  void Raw(std::string_view json);

 private:
  void BeforeValue();
  std::string* out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace concord::json
