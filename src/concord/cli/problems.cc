#include "concord/cli/problems.h"

#include <cstdio>

#include "concord/json/writer.h"

namespace concord::cli {

void ProblemLog::AddItem(const std::string& source, const stix::ReadItem& item) {
  for (const auto& d : item.validation.diagnostics) {
    Problem p;
    p.error = d.severity == stix::Diagnostic::Severity::kError;
    p.where = item.Where(source);
    p.type = item.is_envelope ? "bundle" : item.validation.type;
    p.id = item.validation.id;
    p.path = d.path;
    p.message = d.message;
    Add(std::move(p));
  }
}

void ProblemLog::Add(Problem p) {
  if (p.error) {
    ++errors_;
  } else {
    ++warnings_;
  }
  if (json_) {
    kept_.push_back(std::move(p));
    return;
  }
  if (!p.error && !verbose_ && shown_warnings_ >= kWarningsShownPerInput) {
    ++hidden_warnings_;
    return;
  }
  if (!p.error) ++shown_warnings_;
  std::string line = p.where;
  line += p.error ? ": error: " : ": warning: ";
  if (!p.id.empty()) {
    line += p.id;
    line += ": ";
  } else if (!p.type.empty()) {
    line += p.type;
    line += ": ";
  }
  if (!p.path.empty()) {
    line += p.path;
    line += ": ";
  }
  line += p.message;
  std::fprintf(stderr, "%s\n", line.c_str());
}

void ProblemLog::StartInput() {
  shown_warnings_ = 0;
  hidden_warnings_ = 0;
}

void ProblemLog::FinishInput() {
  if (hidden_warnings_ > 0) {
    std::fprintf(stderr, "... and %llu more warnings like these (--verbose shows them all)\n",
                 static_cast<unsigned long long>(hidden_warnings_));
  }
  hidden_warnings_ = 0;
}

std::string ProblemLog::ToJsonArray() const {
  std::string out;
  json::Writer w(&out);
  w.BeginArray();
  for (const auto& p : kept_) {
    w.BeginObject();
    w.Key("severity");
    w.String(p.error ? "error" : "warning");
    w.Key("where");
    w.String(p.where);
    if (!p.type.empty()) {
      w.Key("type");
      w.String(p.type);
    }
    if (!p.id.empty()) {
      w.Key("id");
      w.String(p.id);
    }
    w.Key("path");
    w.String(p.path);
    w.Key("message");
    w.String(p.message);
    w.EndObject();
  }
  w.EndArray();
  return out;
}

}  // namespace concord::cli
