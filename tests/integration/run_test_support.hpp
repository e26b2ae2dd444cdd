// What the tests of runs share: the probity binary on pipes, a child process
// released on cue, and the tracing instances a run owns.
#pragma once

#include <gtest/gtest.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "probity/compiler/object.hpp"
#include "support/catalogue_copy.hpp"
#include "support/child_process.hpp"
#include "support/scratch_directory.hpp"
#include "support/tracefs.hpp"

namespace probity::run_testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path tracefs{"/sys/kernel/tracing"};


// The probity binary running with its stdout and stderr on pipes.
class Probity {
 public:
  explicit Probity(const std::vector<std::string>& arguments) {
    int out[2];
    int err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::dup2(err[1], 2);
      std::vector<std::string> words{PROBITY_BINARY};
      if (arguments.empty() || arguments.front() != "catalogue") {
        words.insert(words.end(), {"--index", PROBITY_INDEX_FILE});
      }
      words.insert(words.end(), arguments.begin(), arguments.end());
      std::vector<char*> argv;
      for (std::string& word : words) argv.push_back(word.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    ::close(err[1]);
    out_ = out[0];
    err_ = err[0];
  }
  ~Probity() {
    if (!reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(out_);
    ::close(err_);
  }

  pid_t pid() const { return pid_; }

  // The next line of stdout (without '\n'); "" at end of file.
  std::string read_line() {
    std::string line;
    char byte;
    while (::read(out_, &byte, 1) == 1) {
      stdout_ += byte;
      if (byte == '\n') return line;
      line += byte;
    }
    return line;
  }

  // Waits for the exit status, collecting the rest of both outputs.
  int wait() {
    pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
    int open = 2;
    char buffer[4096];
    while (open > 0 && ::poll(fds, 2, 60000) > 0) {
      for (int i = 0; i < 2; ++i) {
        if (fds[i].fd < 0 || fds[i].revents == 0) continue;
        const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
        if (got <= 0) {
          fds[i].fd = -1;
          --open;
          continue;
        }
        (i == 0 ? stdout_ : stderr_).append(buffer, static_cast<std::size_t>(got));
      }
    }
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  const std::string& out() const { return stdout_; }
  const std::string& err() const { return stderr_; }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
  bool reaped_ = false;
  std::string stdout_;
  std::string stderr_;
};

// A forked child that runs `body` once released.
class Child {
 public:
  template <class Body>
  explicit Child(Body body) {
    int go[2];
    if (::pipe(go) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(go[1]);
      char byte;
      if (::read(go[0], &byte, 1) == 1) body();
      ::_exit(0);
    }
    ::close(go[0]);
    go_ = go[1];
  }
  ~Child() {
    ::close(go_);
    if (!reaped_) ::waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }
  void go() { [[maybe_unused]] const ssize_t written = ::write(go_, "g", 1); }
  void wait() {
    ::waitpid(pid_, nullptr, 0);
    reaped_ = true;
  }

 private:
  pid_t pid_ = -1;
  int go_ = -1;
  bool reaped_ = false;
};

// Runs `program` with -q -p CHILD: releases the child once probity's BEGIN
// printed "ready", and returns probity's stdout after it (probity ends when
// the child exits).
inline std::string trace_child(const std::string& program, Child& child, int* status = nullptr) {
  Probity probity({"-q", "-p", std::to_string(child.pid()), "-n",
                   "BEGIN { printf(\"ready\\n\"); } " + program});
  EXPECT_EQ(probity.read_line(), "ready");
  child.go();
  const int exit_status = probity.wait();
  if (status != nullptr) *status = exit_status;
  EXPECT_EQ(exit_status, 0) << probity.err();
  return probity.out().substr(std::string("ready\n").size());
}

inline std::vector<std::string> own_instances(pid_t owner) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(tracefs / "instances")) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("probity-" + std::to_string(owner) + "-")) names.push_back(name);
  }
  return names;
}


// Compiles `program` into DIR/program.pob with the real binary.
inline std::filesystem::path compile_object(const std::filesystem::path& dir, const std::string& program) {
  const std::filesystem::path object = dir / "program.pob";
  Probity compile({"-e", "-o", object.string(), "-n", program});
  EXPECT_EQ(compile.wait(), 0) << compile.err();
  return object;
}

}  // namespace probity::run_testing
