#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "concord/base/status.h"
#include "concord/stix/reader.h"

namespace concord::cli {

// One error or warning about the input, with everything needed to find it.
struct Problem {
  bool error = true;
  std::string where;  // "bundle.json:12 objects[3]"
  std::string type;   // the object's type, when known
  std::string id;     // the object's id, when known
  std::string path;   // JSON path inside the object, "" for the object as a whole
  std::string message;
};

// Collects the problems found while reading inputs and shows them: as lines on standard error
// for people (every error; warnings up to a cap per input unless verbose, with a count of the
// rest), and as a JSON array for machines. Not thread-safe.
class ProblemLog {
 public:
  ProblemLog(bool json, bool verbose) : json_(json), verbose_(verbose) {}

  // Records the diagnostics of one item read from `source`.
  void AddItem(const std::string& source, const stix::ReadItem& item);
  // Records a problem with no diagnostics behind it (a store conflict, a fatal read error).
  void Add(Problem problem);
  // Starts a new input: the per-input warning cap starts again. Prints the count of warnings
  // that were held back for the previous input.
  void StartInput();
  void FinishInput();

  uint64_t errors() const { return errors_; }
  uint64_t warnings() const { return warnings_; }
  // Every problem, as a JSON array (only kept in json mode).
  std::string ToJsonArray() const;

 private:
  static constexpr int kWarningsShownPerInput = 5;
  bool json_;
  bool verbose_;
  uint64_t errors_ = 0;
  uint64_t warnings_ = 0;
  int shown_warnings_ = 0;
  uint64_t hidden_warnings_ = 0;
  std::vector<Problem> kept_;
};

}  // namespace concord::cli
