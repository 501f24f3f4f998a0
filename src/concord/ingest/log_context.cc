#include "concord/ingest/log_context.h"

namespace concord::ingest {
namespace {

constexpr size_t kMaxFields = 1000;

// Zeek writes the separator as "\x09": decode \xHH escapes.
std::string Unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x' && hex(s[i + 2]) >= 0 &&
        hex(s[i + 3]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 2]) * 16 + hex(s[i + 3])));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::vector<std::string> Split(std::string_view s, char separator) {
  std::vector<std::string> out;
  size_t from = 0;
  while (true) {
    const size_t at = s.find(separator, from);
    out.emplace_back(s.substr(from, at == std::string_view::npos ? s.npos : at - from));
    if (at == std::string_view::npos) break;
    from = at + 1;
  }
  return out;
}

}  // namespace

std::string ZeekPathFromFileName(std::string_view file_name) {
  if (file_name == "-") return "";
  const size_t slash = file_name.find_last_of('/');
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  return std::string(file_name.substr(0, file_name.find('.')));
}

Status ApplyZeekHeaderLine(std::string_view line, LogContext* context) {
  if (line.starts_with("#separator")) {
    // "#separator \x09": the only directive written with a space, as the separator is not yet
    // known.
    const std::string value = Unescape(line.substr(std::string_view("#separator").size()));
    const std::string trimmed = value.empty() ? value : value.substr(1);
    if (trimmed.size() != 1) {
      return InvalidArgument("'#separator' must give one character, such as \\x09");
    }
    context->separator = trimmed[0];
    return Status::Ok();
  }
  const size_t at = line.find(context->separator);
  const std::string_view directive = line.substr(0, at);
  const std::string_view value = at == std::string_view::npos ? "" : line.substr(at + 1);
  if (directive == "#set_separator") {
    context->set_separator = Unescape(value);
  } else if (directive == "#empty_field") {
    context->empty_field = Unescape(value);
  } else if (directive == "#unset_field") {
    context->unset_field = Unescape(value);
  } else if (directive == "#path") {
    context->zeek_path = std::string(value);
  } else if (directive == "#fields" || directive == "#types") {
    if (value.empty()) {
      return InvalidArgument("'" + std::string(directive) + "' lists no field");
    }
    std::vector<std::string> names = Split(value, context->separator);
    if (names.size() > kMaxFields) {
      return InvalidArgument("'" + std::string(directive) + "' lists more than " +
                             std::to_string(kMaxFields) + " fields");
    }
    (directive == "#fields" ? context->fields : context->types) = std::move(names);
  }
  return Status::Ok();
}

}  // namespace concord::ingest
