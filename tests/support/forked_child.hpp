// A forked child for tests that need a second process: one that holds
// kernel state and is killed, or exits on its own.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>

namespace probity::test_support {

// A forked child that waits for "go" from the parent and can report a line
// back. Its body returns the exit code; the child never returns into gtest.
class Child {
 public:
  explicit Child(const std::function<int(Child&)>& body) {
    int go[2];
    int report[2];
    if (::pipe(go) != 0 || ::pipe(report) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork");
    if (pid_ == 0) {
      ::close(go[1]);
      ::close(report[0]);
      go_ = go[0];
      report_ = report[1];
      int code = 100;
      try {
        code = body(*this);
      } catch (const std::exception& error) {
        std::fprintf(stderr, "child: %s\n", error.what());
      }
      std::fflush(nullptr);
      ::_exit(code);
    }
    ::close(go[0]);
    ::close(report[1]);
    go_ = go[1];
    report_ = report[0];
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(go_);
    ::close(report_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }

  // In the child.
  void wait_for_go() const {
    char byte;
    while (::read(go_, &byte, 1) < 0 && errno == EINTR) {
    }
  }
  void report(const std::string& line) const {
    const std::string text = line + "\n";
    [[maybe_unused]] const ssize_t written = ::write(report_, text.data(), text.size());
  }

  // In the parent.
  void go() const { [[maybe_unused]] const ssize_t written = ::write(go_, "g", 1); }
  std::string read_report() const {
    std::string line;
    char byte;
    while (::read(report_, &byte, 1) == 1 && byte != '\n') line += byte;
    return line;
  }
  bool exited() {
    if (reaped_) return true;
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
    return reaped_;
  }
  int wait() {
    if (!reaped_) {
      ::waitpid(pid_, &status_, 0);
      reaped_ = true;
    }
    return status_;
  }

 private:
  pid_t pid_ = -1;
  int go_ = -1;
  int report_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

}  // namespace probity::test_support
