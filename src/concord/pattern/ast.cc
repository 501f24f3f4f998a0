#include "concord/pattern/ast.h"

#include "concord/pattern/unicode.h"

namespace concord::pattern {

bool IsObservationLevel(NodeKind kind) {
  switch (kind) {
    case NodeKind::kObservation:
    case NodeKind::kObsAnd:
    case NodeKind::kObsOr:
    case NodeKind::kFollowedBy:
    case NodeKind::kWithin:
    case NodeKind::kRepeats:
    case NodeKind::kStartStop:
      return true;
    case NodeKind::kAnd:
    case NodeKind::kOr:
    case NodeKind::kComparison:
    case NodeKind::kExists:
      return false;
  }
  return false;
}

std::string_view CompareOpText(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "=";
    case CompareOp::kNe:
      return "!=";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
    case CompareOp::kIn:
      return "IN";
    case CompareOp::kLike:
      return "LIKE";
    case CompareOp::kMatches:
      return "MATCHES";
    case CompareOp::kIsSubset:
      return "ISSUBSET";
    case CompareOp::kIsSuperset:
      return "ISSUPERSET";
  }
  return "?";
}

Status ErrorAt(StatusCode code, std::string_view source, size_t pos, std::string_view message) {
  std::string text = "position " + std::to_string(CodePointIndex(source, pos)) + ": ";
  text.append(message);
  return Status(code, std::move(text));
}

}  // namespace concord::pattern
