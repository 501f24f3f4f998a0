#include "concord/pattern/regex.h"

#include <re2/re2.h>

#include "concord/pattern/unicode.h"

namespace concord::pattern {
namespace {

re2::RE2::Options BaseOptions() {
  re2::RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(32 << 20);
  return options;
}

}  // namespace

Result<std::unique_ptr<MatchesRegex>> MatchesRegex::Compile(std::string_view regex,
                                                            size_t* error_offset) {
  if (error_offset) *error_offset = 0;
  const std::string nfc = NormalizeNfcUtf8(regex);
  std::unique_ptr<MatchesRegex> out(new MatchesRegex);
  out->utf8_ = std::make_unique<re2::RE2>(nfc, BaseOptions());
  if (!out->utf8_->ok()) {
    const std::string& arg = out->utf8_->error_arg();
    if (error_offset && !arg.empty() && nfc == regex) {
      const size_t at = regex.find(arg);
      if (at != std::string_view::npos) *error_offset = at;
    }
    std::string message = out->utf8_->error();
    return InvalidArgument(std::move(message));
  }
  std::optional<std::u32string> cps = DecodeUtf8(nfc);
  bool latin1 = cps.has_value();
  std::string bytes;
  if (cps) {
    for (char32_t cp : *cps) {
      if (cp > 0xFF) {
        latin1 = false;
        break;
      }
      bytes.push_back(static_cast<char>(cp));
    }
  }
  if (latin1) {
    re2::RE2::Options options = BaseOptions();
    options.set_encoding(re2::RE2::Options::EncodingLatin1);
    out->latin1_ = std::make_unique<re2::RE2>(bytes, options);
    if (!out->latin1_->ok()) out->latin1_.reset();
  }
  return out;
}

MatchesRegex::~MatchesRegex() = default;

bool MatchesRegex::MatchesString(std::string_view value) const {
  const std::string nfc = NormalizeNfcUtf8(value);
  return re2::RE2::PartialMatch(nfc, *utf8_);
}

bool MatchesRegex::MatchesBinary(std::string_view value) const {
  return latin1_ != nullptr && re2::RE2::PartialMatch(value, *latin1_);
}

}  // namespace concord::pattern
