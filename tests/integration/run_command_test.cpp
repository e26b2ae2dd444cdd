// Runs and their surroundings: output written to a failing or redirected
// file, -c CMD's lifetime, and execname across exec and prctl renames.
// Needs root.
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

#include "integration/run_test_support.hpp"

namespace probity {
namespace {

using namespace run_testing;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// ------------------------------------------------------------------ output

struct Finished {
  int status = -1;
  std::string err;
  bool left_an_instance = false;
};

// probity run with its standard output on `stdout_fd` (closed when -1).
Finished run_with_stdout(int stdout_fd, const std::vector<std::string>& arguments) {
  int err[2];
  if (::pipe2(err, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  const pid_t child = ::fork();
  if (child == 0) {
    ::signal(SIGPIPE, SIG_DFL);
    if (stdout_fd >= 0) {
      ::dup2(stdout_fd, 1);
    } else {
      ::close(1);
    }
    ::dup2(err[1], 2);
    std::vector<std::string> words{PROBITY_BINARY, "--index", PROBITY_INDEX_FILE};
    words.insert(words.end(), arguments.begin(), arguments.end());
    test_support::exec_words(std::move(words));
  }
  ::close(err[1]);
  std::string text;
  char buffer[4096];
  for (ssize_t got; (got = ::read(err[0], buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(got));
  ::close(err[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), text, !own_instances(child).empty()};
}

// A write that fails is an error naming the output, with a non-zero status,
// and the trace still tears down: a full device, a closed standard output, a
// pipe nobody reads, a file that refuses writes.
TEST(Run, AFailedWriteOfTheOutputIsAnErrorAndTheTraceTearsDown) {
  REQUIRE_TRACEFS();
  const std::vector<std::string> program{"-q", "-n",
                                         "BEGIN { printf(\"started\\n\"); } sched:sched_switch { @ = count(); } "
                                         "tick-200ms { printf(\"tick\\n\"); } tick-10s { exit(0); }"};
  {
    const int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
    ASSERT_GE(full, 0);
    const auto start = std::chrono::steady_clock::now();
    const auto [status, err, left] = run_with_stdout(full, program);
    ::close(full);
    EXPECT_FALSE(left);
    EXPECT_EQ(status, 1) << err;
    EXPECT_NE(err.find("probity: cannot write standard output: No space left on device"), std::string::npos) << err;
    EXPECT_LT(std::chrono::steady_clock::now() - start, 8s) << "the trace went on after the output failed";
  }
  {
    const auto [status, err, left] = run_with_stdout(-1, program);
    EXPECT_FALSE(left);
    EXPECT_EQ(status, 1) << err;
    EXPECT_NE(err.find("probity: cannot write standard output: Bad file descriptor"), std::string::npos) << err;
  }
  {
    int pipe_ends[2];
    ASSERT_EQ(::pipe2(pipe_ends, O_CLOEXEC), 0);
    ::close(pipe_ends[0]);  // nobody reads: the first write is EPIPE and SIGPIPE
    const auto [status, err, left] = run_with_stdout(pipe_ends[1], program);
    ::close(pipe_ends[1]);
    EXPECT_FALSE(left);
    EXPECT_EQ(status, 1) << err;
    EXPECT_NE(err.find("probity: cannot write standard output: Broken pipe"), std::string::npos) << err;
  }
  {
    // Not only runs: any command's standard output.
    const int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
    ASSERT_GE(full, 0);
    const auto [status, err, left] = run_with_stdout(full, {"-l", "sched:*"});
    ::close(full);
    EXPECT_EQ(status, 1) << err;
    EXPECT_NE(err.find("probity: cannot write standard output"), std::string::npos) << err;
  }
  {
    const auto [status, err, left] = run_with_stdout(-1, {"-q", "-o", "/proc/version", "-n", "BEGIN { printf(\"x\\n\"); exit(0); }"});
    EXPECT_EQ(status, 1) << err;
    EXPECT_NE(err.find("/proc/version"), std::string::npos) << err;
  }
  {
    const auto [status, err, left] = run_with_stdout(-1, {"-q", "-o", "/dev/full", "-n", "BEGIN { printf(\"x\\n\"); exit(0); }"});
    EXPECT_EQ(status, 1) << err;
    EXPECT_NE(err.find("cannot write /dev/full: it is a character device, not a regular file"), std::string::npos)
        << err;
    EXPECT_TRUE(fs::is_character_file("/dev/full"));
  }
}

// -o FILE: a new or regular file; the output lands there whole.
TEST(Run, OutputFileIsWrittenAndASymbolicLinkIsRefused) {
  REQUIRE_TRACEFS();
  test_support::ScratchDirectory scratch("probity-run-output");
  const fs::path file = scratch.path() / "out.txt";
  Probity written({"-q", "-o", file.string(), "-n", "BEGIN { printf(\"hello\\n\"); exit(0); }"});
  EXPECT_EQ(written.wait(), 0) << written.err();
  std::ifstream text(file);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(text), {}), "hello\n\n");
  fs::create_symlink(file, scratch.path() / "link");
  Probity refused({"-q", "-o", (scratch.path() / "link").string(), "-n", "BEGIN { printf(\"x\\n\"); exit(0); }"});
  EXPECT_EQ(refused.wait(), 1);
  EXPECT_NE(refused.err().find("it is a symbolic link, not a regular file"), std::string::npos) << refused.err();
}

// ------------------------------------------------------------------ -c CMD

// probity's exit status, or -1 when it was still running after `limit` (then
// it is killed, and the test fails rather than hangs).
int wait_at_most(Probity& probity, std::chrono::seconds limit) {
  std::atomic<bool> done{false};
  std::atomic<bool> killed{false};
  std::thread watchdog([&] {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
    if (!done) {
      killed = true;
      ::kill(probity.pid(), SIGKILL);
    }
  });
  const int status = probity.wait();
  done = true;
  watchdog.join();
  return killed ? -1 : status;
}

TEST(Run, ACommandThatIsNeverReleasedDoesNotHangTheRun) {
  REQUIRE_TRACEFS();
  Probity probity({"-q", "-c", "/bin/true", "-n", "BEGIN { exit(0); }"});
  EXPECT_EQ(wait_at_most(probity, 20s), 0) << probity.err();
  EXPECT_TRUE(own_instances(probity.pid()).empty());
}

TEST(Run, ACommandThatExitsAtOnceEndsTheRun) {
  REQUIRE_TRACEFS();
  Probity probity({"-q", "-c", "/bin/true", "-n", "sched:sched_switch { @ = count(); }"});
  EXPECT_EQ(wait_at_most(probity, 20s), 0) << probity.err();
}

TEST(Run, ACommandStillRunningWhenTheProgramExitsIsKilled) {
  REQUIRE_TRACEFS();
  const auto start = std::chrono::steady_clock::now();
  Probity probity({"-q", "-c", "sleep 60", "-n", "tick-100ms { exit(3); }"});
  EXPECT_EQ(wait_at_most(probity, 20s), 3) << probity.err();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 15s);
}

// A command that cannot run is an error before anything is traced.
TEST(Run, ACommandThatCannotStartFailsBeforeTracing) {
  REQUIRE_TRACEFS();
  test_support::ScratchDirectory scratch("probity-run-command");
  const fs::path not_executable = scratch.write("data.txt", "not a program\n");
  fs::permissions(not_executable, fs::perms::owner_read | fs::perms::owner_write);
  const std::vector<std::pair<std::string, std::string>> cases{
      {"", "there is no command to run"},
      {"   ", "there is no command to run"},
      {"/nonexistent/probity-test-command", "No such file or directory"},
      {"probity-test-no-such-command --flag", "command not found"},
      {not_executable.string(), "Permission denied"},
      {"/tmp", "is a directory"},
      {"sh -c 'unterminated", "is not closed"},
      {"ls | wc -l", "'|' means something only to a shell"},
  };
  for (const auto& [command, message] : cases) {
    SCOPED_TRACE("-c '" + command + "'");
    Probity probity({"-c", command, "-n", "BEGIN { printf(\"traced\\n\"); exit(0); }"});
    EXPECT_EQ(wait_at_most(probity, 20s), 1) << probity.err();
    EXPECT_EQ(probity.out().find("traced"), std::string::npos) << "BEGIN ran: tracing had started";
    EXPECT_NE(probity.err().find(message), std::string::npos) << probity.err();
    EXPECT_TRUE(own_instances(probity.pid()).empty());
  }
}

// -c splits its command as a POSIX shell does (quotes, backslashes), without
// running a shell.
TEST(Run, CommandWordsFollowShellQuoting) {
  REQUIRE_TRACEFS();
  Probity probity({"-q", "-c", R"(sh -c "echo 'hi there'; printf '%s|' \"a b\" c\\ d; echo")", "-n",
                   "sched:sched_switch { @ = count(); }"});
  EXPECT_EQ(wait_at_most(probity, 20s), 0) << probity.err();
  EXPECT_TRUE(probity.out().starts_with("hi there\na b|c d|\n")) << probity.out();
}

// ------------------------------------------------------------------ task names

// Runs `program` with -q -p CHILD, stopped (SIGSTOP) while the child runs and
// until it has exited and been reaped, so that every record is read after
// its task is gone from /proc; returns probity's stdout after "ready".
std::string trace_child_stopped(const std::string& program, Child& child) {
  Probity probity({"-q", "-x", "allow=sensitive", "-p", std::to_string(child.pid()), "-n",
                   "BEGIN { printf(\"ready\\n\"); } " + program});
  EXPECT_EQ(probity.read_line(), "ready");
  EXPECT_EQ(::kill(probity.pid(), SIGSTOP), 0);
  child.go();
  child.wait();
  ::kill(probity.pid(), SIGCONT);
  EXPECT_EQ(probity.wait(), 0) << probity.err();
  return probity.out().substr(std::min(probity.out().size(), std::string("ready\n").size()));
}

// The count printed for `key` by printa("%s %@d\n", @); -1 when absent.
long count_of(const std::string& out, const std::string& key) {
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(key + " ")) return std::stol(line.substr(key.size() + 1));
  }
  return -1;
}

// A fork/exec storm, read only after every one of its processes is gone:
// each child execs a script (its comm: the script's name), which execs a
// program that exits at once (its comm: that program's name). Looked up when
// the records are read, both execs of a process would have its last name;
// the support events task_newtask and task_rename, read in record order,
// name every exec exactly.
TEST(Run, ExecnameNamesEveryExecOfAForkExecStorm) {
  REQUIRE_TRACEFS();
  test_support::ScratchDirectory scratch("run-test");
  const fs::path exits = scratch.path() / "pb-storm-exit";
  fs::copy_file("/bin/true", exits);
  fs::permissions(exits, fs::perms::owner_all);
  const fs::path script = scratch.write("pb-storm-script", "#!/bin/sh\nexec " + exits.string() + "\n");
  fs::permissions(script, fs::perms::owner_all);
  constexpr int execs = 300;
  Child child([&] {
    for (int i = 0; i < execs; ++i) {
      const pid_t forked = ::fork();
      if (forked == 0) {
        ::execl(script.c_str(), script.c_str(), nullptr);
        ::_exit(127);
      }
      ::waitpid(forked, nullptr, 0);
    }
  });
  const std::string out = trace_child_stopped(
      "sched:sched_process_exec { @[execname] = count(); } END { printa(\"%s %@d\\n\", @); }", child);
  EXPECT_EQ(count_of(out, "pb-storm-script"), execs) << out;
  EXPECT_EQ(count_of(out, "pb-storm-exit"), execs) << out;
}

// A thread (created while tracing) names itself twice; its records, all
// read after it exited, are counted under the name it had when each was
// written, and pid is its process's.
TEST(Run, ExecnameFollowsAThreadRenamedWithPrctl) {
  REQUIRE_TRACEFS();
  constexpr int before = 7;
  constexpr int after = 11;
  Child child([] {
    std::thread thread([] {
      ::prctl(PR_SET_NAME, "pb-old-name");
      for (int i = 0; i < before; ++i) ::syscall(SYS_getppid);
      ::prctl(PR_SET_NAME, "pb-new-name");
      for (int i = 0; i < after; ++i) ::syscall(SYS_getppid);
    });
    thread.join();
  });
  const std::string out = trace_child_stopped(
      "syscalls:sys_enter_getppid /pid == $target && tid != $target/ { @[execname] = count(); } "
      "END { printa(\"%s %@d\\n\", @); }",
      child);
  EXPECT_EQ(count_of(out, "pb-old-name"), before) << out;
  EXPECT_EQ(count_of(out, "pb-new-name"), after) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 3) << "no record under another name or pid\n" << out;
}

TEST(Run, RefusesAnObjectMarkingAnotherEventAsASupportEvent) {
  REQUIRE_TRACEFS();
  test_support::ScratchDirectory scratch("run-test");
  const fs::path object = compile_object(scratch.path(), "syscalls:sys_enter_getppid { @ = count(); }");
  compiler::Program program = compiler::read_object(object);
  ASSERT_EQ(program.events.size(), 1u);
  program.events[0].support = true;
  compiler::write_object(program, object);

  Probity probity({"-q", "-s", object.string()});
  EXPECT_EQ(probity.wait(), 1);
  EXPECT_EQ(probity.out(), "");
  EXPECT_NE(probity.err().find("event syscalls:sys_enter_getppid is marked as a support event"), std::string::npos)
      << probity.err();
  EXPECT_TRUE(own_instances(probity.pid()).empty());
}

}  // namespace
}  // namespace probity
