#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include "concord/base/status.h"

namespace concord {

// Result<T> holds either a T or a non-OK Status. Construct it from a T (success) or from a
// Status (failure; constructing from an OK Status is a bug and becomes kInternal).
//
//   Result<int> r = Parse(text);
//   if (!r.ok()) return r.status();
//   use(*r);
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    if (status_.ok()) status_ = Status(StatusCode::kInternal, "Result built from an OK status");
  }

  bool ok() const { return value_.has_value(); }
  // OK when a value is held.
  const Status& status() const { return status_; }

  // REQUIRES: ok()
  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace concord

#define CONCORD_CONCAT_INNER_(a, b) a##b
#define CONCORD_CONCAT_(a, b) CONCORD_CONCAT_INNER_(a, b)

// CONCORD_ASSIGN_OR_RETURN(auto x, Expr()): evaluates Expr (a Result<T>); on failure returns its
// status from the enclosing function, otherwise moves the value into the declaration.
#define CONCORD_ASSIGN_OR_RETURN(decl, expr)                     \
  auto CONCORD_CONCAT_(_concord_result_, __LINE__) = (expr);     \
  if (!CONCORD_CONCAT_(_concord_result_, __LINE__).ok())         \
    return CONCORD_CONCAT_(_concord_result_, __LINE__).status(); \
  decl = std::move(CONCORD_CONCAT_(_concord_result_, __LINE__)).value()
