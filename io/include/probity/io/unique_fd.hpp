// A file descriptor owned by one object and closed with it: the one wrapper
// for code that needs one (issue #21 counts four older ones to fold into it).
#pragma once

#include <unistd.h>

#include <cerrno>
#include <utility>

namespace probity::io {

class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) noexcept : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  // Gives the descriptor up: the caller closes it.
  int release() noexcept { return std::exchange(fd_, -1); }
  // Closes now: 0, or the errno of a failed close, which a destructor would lose.
  int close() noexcept {
    if (fd_ < 0) return 0;
    return ::close(std::exchange(fd_, -1)) == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

}  // namespace probity::io
