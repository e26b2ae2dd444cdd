// printf("%k", stack()) on the live kernel: the stack the stacktrace trigger
// recorded, symbolised, printed as DTrace prints one (a newline, then each
// frame on its own line indented 14 columns, the conversion's width applied
// to each frame). Needs root.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/scratch_directory.hpp"
#include "support/tracefs.hpp"

namespace probity {
namespace {

using test_support::ScratchDirectory;

// A forked child that sends itself SIGUSR2 once released.
class SignallingChild {
 public:
  SignallingChild() {
    int go[2];
    if (::pipe(go) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(go[1]);
      char byte = 0;
      if (::read(go[0], &byte, 1) == 1) {
        struct sigaction action {};
        action.sa_handler = [](int) {};
        ::sigaction(SIGUSR2, &action, nullptr);
        ::kill(::getpid(), SIGUSR2);
      }
      ::_exit(0);
    }
    ::close(go[0]);
    go_ = go[1];
  }
  ~SignallingChild() {
    ::close(go_);
    ::waitpid(pid_, nullptr, 0);
  }
  SignallingChild(const SignallingChild&) = delete;
  SignallingChild& operator=(const SignallingChild&) = delete;
  pid_t pid() const { return pid_; }
  void release() { [[maybe_unused]] const ssize_t written = ::write(go_, "g", 1); }

 private:
  pid_t pid_ = -1;
  int go_ = -1;
};

struct Traced {
  std::string out;  // after BEGIN's "ready\n"
  std::string err;
  int status = -1;
};

// Runs `program` with -q -p CHILD, releasing the child once BEGIN has printed
// "ready"; probity ends when the child exits.
Traced trace_child(const std::string& program, SignallingChild& child) {
  ScratchDirectory scratch("probity-printf-stack");
  const std::string err_file = (scratch.path() / "stderr").string();
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  const pid_t probity = ::fork();
  if (probity == 0) {
    const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err, STDERR_FILENO);
    std::vector<std::string> words{PROBITY_BINARY, "--index", PROBITY_INDEX_FILE, "-q",
                                   "-p", std::to_string(child.pid()), "-n",
                                   "BEGIN { printf(\"ready\\n\"); } " + program};
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  Traced traced;
  std::string all;
  char buffer[4096];
  bool released = false;
  for (ssize_t got = 0; (got = ::read(out[0], buffer, sizeof buffer)) > 0;) {
    all.append(buffer, static_cast<std::size_t>(got));
    if (!released && all.find("ready\n") != std::string::npos) {
      child.release();
      released = true;
    }
  }
  ::close(out[0]);
  int status = 0;
  ::waitpid(probity, &status, 0);
  traced.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ostringstream err;
  err << std::ifstream(err_file).rdbuf();
  traced.err = err.str();
  traced.out = all.starts_with("ready\n") ? all.substr(6) : all;
  return traced;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

TEST(PrintfStack, PercentKPrintsTheSymbolisedKernelStack) {
  REQUIRE_TRACEFS();
  SignallingChild child;
  const Traced traced = trace_child(
      "signal:signal_generate /args->pid == $target && args->sig == 12/ "
      "{ printf(\"sig%k|%-60k|\\n\", stack(), stack()); }",
      child);
  ASSERT_EQ(traced.status, 0) << traced.err;
  // "sig", the stack as %k prints it, "|", the stack again with every frame
  // left-justified in 60 columns, "|".
  ASSERT_TRUE(traced.out.starts_with("sig\n")) << traced.out;
  const std::size_t bar = traced.out.find("\n|\n");
  ASSERT_NE(bar, std::string::npos) << traced.out;
  ASSERT_TRUE(traced.out.ends_with("\n|\n\n")) << traced.out;
  const std::vector<std::string> plain = lines_of(traced.out.substr(4, bar - 4));
  const std::vector<std::string> padded = lines_of(traced.out.substr(bar + 3, traced.out.size() - bar - 6));
  ASSERT_FALSE(plain.empty()) << traced.out;
  ASSERT_EQ(plain.size(), padded.size()) << traced.out;
  bool saw_kill = false;
  const std::string indent(14, ' ');
  for (std::size_t i = 0; i < plain.size(); ++i) {
    const std::string& frame = plain[i];
    ASSERT_TRUE(frame.starts_with(indent)) << "frame " << i << " is indented 14 columns: " << traced.out;
    ASSERT_GT(frame.size(), indent.size()) << traced.out;
    EXPECT_NE(frame[indent.size()], ' ') << "and no more: " << traced.out;
    // Symbolised, not a bare address: name+0xoffset.
    EXPECT_NE(frame.find("+0x"), std::string::npos) << frame;
    saw_kill = saw_kill || frame.find("_sys_kill") != std::string::npos;
    const std::string name = frame.substr(indent.size());
    std::string expected = indent + name;
    if (name.size() < 60) expected += std::string(60 - name.size(), ' ');
    EXPECT_EQ(padded[i], expected) << "%-60k pads each frame: " << traced.out;
  }
  EXPECT_TRUE(saw_kill) << "the signal was sent by kill(2): " << traced.out;
}

}  // namespace
}  // namespace probity
