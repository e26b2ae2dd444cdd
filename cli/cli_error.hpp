// Errors the command line reports as one "probity: ..." line and an exit status.
#pragma once

#include <stdexcept>
#include <string>

namespace probity::cli {

inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;

class CliError : public std::runtime_error {
 public:
  explicit CliError(const std::string& message, int exit_status = exit_failure)
      : std::runtime_error(message), exit_status_(exit_status) {}
  int exit_status() const { return exit_status_; }

 private:
  int exit_status_;
};

// Bad command-line syntax: reported with a pointer to --help.
class UsageError : public CliError {
 public:
  explicit UsageError(const std::string& message) : CliError(message, exit_usage) {}
};

}  // namespace probity::cli
