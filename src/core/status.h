// Status: success, or an error message a person can act on (Result<T> without a value).
#pragma once

#include <string>
#include <utility>

namespace filterlens {

class Status {
 public:
  static Status ok() { return Status(); }
  static Status fail(std::string message) { return Status(std::move(message)); }
  explicit operator bool() const { return error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  Status() = default;
  explicit Status(std::string message) : error_(std::move(message)) {}
  std::string error_;
};

}  // namespace filterlens
