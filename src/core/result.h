// Result<T>: a value or an error message a person can act on. The core never throws and never
// aborts on bad input; every fallible entry point returns one of these.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace filterlens {

template <class T>
class Result {
 public:
  static Result ok(T value) { return Result(std::move(value), {}); }
  static Result fail(std::string message) { return Result(std::nullopt, std::move(message)); }

  explicit operator bool() const { return value_.has_value(); }
  const T& value() const& { return *value_; }
  T& value() & { return *value_; }
  T&& value() && { return std::move(*value_); }
  const std::string& error() const { return error_; }

 private:
  Result(std::optional<T> value, std::string error)
      : value_(std::move(value)), error_(std::move(error)) {}
  std::optional<T> value_;
  std::string error_;
};

}  // namespace filterlens
