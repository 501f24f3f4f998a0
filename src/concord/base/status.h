#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace concord {

// The closed set of error codes used across Concord. Each code says what kind of thing went wrong;
// the message says what, where and, where possible, what to do about it.
enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument,     // the caller's input is malformed or breaks a rule (bad JSON, bad STIX)
  kNotFound,            // the thing asked for does not exist
  kAlreadyExists,       // creating something that is already there
  kConflict,            // the input contradicts what is stored (same version, other content)
  kFailedPrecondition,  // the system is not in a state that allows the operation
  kResourceExhausted,   // a limit was hit (size, depth, count)
  kPermissionDenied,    // the caller is known but may not do this
  kUnauthenticated,     // the caller is not known
  kUnavailable,         // a dependency (database, peer) could not be reached; may be retried
  kIoError,             // reading or writing a file failed
  kCorruption,          // stored data is damaged
  kInternal,            // a bug: an invariant did not hold
};

// Returns a short lowercase name for `code` ("invalid argument", ...).
std::string_view StatusCodeName(StatusCode code);

// Status is the result of an operation that returns no value. It is cheap on success (a null
// pointer) and carries a code and a message on failure. Statuses are values: copy them freely.
// Thread safety: a const Status may be read from several threads.
class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  // The message without the code; empty when ok().
  const std::string& message() const;
  // "invalid argument: <message>", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "<prefix>: <message>"; OK stays OK.
  Status WithPrefix(std::string_view prefix) const;

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const State> state_;
};

inline bool operator==(const Status& a, const Status& b) {
  return a.code() == b.code() && a.message() == b.message();
}

Status InvalidArgument(std::string message);
Status NotFound(std::string message);
Status AlreadyExists(std::string message);
Status Conflict(std::string message);
Status FailedPrecondition(std::string message);
Status ResourceExhausted(std::string message);
Status PermissionDenied(std::string message);
Status Unauthenticated(std::string message);
Status Unavailable(std::string message);
Status IoError(std::string message);
Status Corruption(std::string message);
Status Internal(std::string message);

}  // namespace concord

// Evaluates `expr` (a Status); returns it from the enclosing function if it is not OK.
#define CONCORD_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::concord::Status _concord_status = (expr);        \
    if (!_concord_status.ok()) return _concord_status; \
  } while (0)
