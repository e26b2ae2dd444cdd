// The one error type of the consumer's tracefs work: which file, which
// operation, and the errno the kernel gave.
#pragma once

#include <filesystem>
#include <string>

#include "probity/catalogue/harvest.hpp"

namespace probity::consumer {

// A tracefs operation failed. what() is one line naming the tracefs path, what
// was being done, and the kernel's reason (strerror, plus the kernel's own
// message where tracefs gives one, e.g. a rejected filter).
class TracefsOperationError : public catalogue::TracefsError {
 public:
  TracefsOperationError(std::string action, std::filesystem::path path, int error,
                        std::string kernel_message = {});

  const std::filesystem::path& path() const { return path_; }
  int error() const { return error_; }

 private:
  std::filesystem::path path_;
  int error_;
};

}  // namespace probity::consumer
