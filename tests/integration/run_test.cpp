// Running programs on the live kernel with the real probity binary: exact
// counts of events a child process makes, printf and aggregation output in
// DTrace's shapes, exit(), SIGINT, and verification that refuses programs
// that do not fit the running kernel or the local catalogue. Needs root.
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

namespace probity {
namespace {

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
std::string trace_child(const std::string& program, Child& child, int* status = nullptr) {
  Probity probity({"-q", "-p", std::to_string(child.pid()), "-n",
                   "BEGIN { printf(\"ready\\n\"); } " + program});
  EXPECT_EQ(probity.read_line(), "ready");
  child.go();
  const int exit_status = probity.wait();
  if (status != nullptr) *status = exit_status;
  EXPECT_EQ(exit_status, 0) << probity.err();
  return probity.out().substr(std::string("ready\n").size());
}

std::vector<std::string> own_instances(pid_t owner) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(tracefs / "instances")) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("probity-" + std::to_string(owner) + "-")) names.push_back(name);
  }
  return names;
}

// ------------------------------------------------------------------ counts

TEST(Run, CountsExactlyTheGetppidCallsOfATargetProcess) {
  REQUIRE_TRACEFS();
  constexpr int calls = 37;
  Child child([] {
    for (int i = 0; i < calls; ++i) ::syscall(SYS_getppid);
  });
  const std::string out = trace_child(
      "syscalls:sys_enter_getppid /pid == $target/ { @n = count(); } END { printa(\"calls %@d\\n\", @n); }", child);
  EXPECT_EQ(out, "calls " + std::to_string(calls) + "\n\n");
}

// A system call argument is read as its C type, not as the unsigned long slot
// the kernel records it in: kill(-group, 0) reads pid -group whatever the
// caller left in the register's upper half, and `args->pid < 0` pushed into
// the kernel filter (as a test of the pid_t's sign bit) keeps exactly those
// calls, not the positive pids with a set upper half.
TEST(Run, ANegativePidReadsNegativeInThePredicateTheKernelFilterAndPrintf) {
  REQUIRE_TRACEFS();
  const pid_t group = ::getpgrp();
  const auto group_bits = static_cast<std::uint32_t>(-group);
  constexpr int zero_extended = 3;
  constexpr int sign_extended = 2;
  constexpr int garbage_above = 1;
  Child child([&] {
    // Signal 0 only checks that the group may be signalled.
    for (int i = 0; i < zero_extended; ++i) ::syscall(SYS_kill, static_cast<unsigned long>(group_bits), 0);
    for (int i = 0; i < sign_extended; ++i) ::syscall(SYS_kill, static_cast<long>(-group), 0);
    for (int i = 0; i < garbage_above; ++i) ::syscall(SYS_kill, 0x5a00000000000000UL | group_bits, 0);
    // Positive pids, one with the upper half set, which a 64-bit signed
    // reading would take for negative.
    ::syscall(SYS_kill, static_cast<long>(::getpid()), 0);
    ::syscall(SYS_kill, 0xffffffff00000000UL | static_cast<std::uint32_t>(::getpid()), 0);
  });
  Probity probity({"-q", "-v", "-p", std::to_string(child.pid()), "-n",
                   "BEGIN { printf(\"ready\\n\"); } "
                   "syscalls:sys_enter_kill /args->pid < 0 && pid == $target/ { printf(\"%d %d\\n\", args->pid, args->sig); }"});
  std::string report;  // -v's, before BEGIN runs
  for (int lines = 0; lines < 100; ++lines) {
    const std::string line = probity.read_line();
    if (line == "ready") break;
    report += line + "\n";
  }
  EXPECT_NE(report.find("syscalls:sys_enter_kill: pid & 2147483648\n"), std::string::npos) << report;
  child.go();
  ASSERT_EQ(probity.wait(), 0) << probity.err();
  const std::string out = probity.out().substr(probity.out().find("ready\n") + 6);
  std::string expected;
  for (int i = 0; i < zero_extended + sign_extended + garbage_above; ++i) expected += std::to_string(-group) + " 0\n";
  EXPECT_EQ(out, expected + "\n");  // dtrace ends a run with a blank line
}

// Narrower than the slot and unsigned: close(-1) passes an unsigned int fd,
// 4294967295 however the register was extended; openat's int dfd reads
// AT_FDCWD as -100. Equality is pushed down as tests of the value's bits.
TEST(Run, NarrowSystemCallArgumentsAreTruncatedToTheirType) {
  REQUIRE_TRACEFS();
  constexpr int closes = 4;
  Child child([] {
    for (int i = 0; i < closes; ++i) ::syscall(SYS_close, -1L);
    ::syscall(SYS_close, 0x100000000L - 1);  // the same fd with a clean upper half
    ::syscall(SYS_openat, static_cast<long>(AT_FDCWD), "/probity-no-such-file", O_RDONLY, 0);
  });
  const std::string out = trace_child(
      "syscalls:sys_enter_close /pid == $target && args->fd == 4294967295/ { @closes[args->fd] = count(); } "
      "syscalls:sys_enter_openat /pid == $target && args->dfd < 0/ { printf(\"dfd %d\\n\", args->dfd); } "
      "END { printa(\"fd %d: %@d\\n\", @closes); }",
      child);
  EXPECT_EQ(out, "dfd -100\nfd 4294967295: " + std::to_string(closes + 1) + "\n\n");
}

TEST(Run, CountsSignalsWithTheirSignalNumber) {
  REQUIRE_TRACEFS();
  constexpr int signals = 12;
  Child child([] {
    struct sigaction action {};
    action.sa_handler = [](int) {};
    ::sigaction(SIGUSR1, &action, nullptr);
    for (int i = 0; i < signals; ++i) ::kill(::getpid(), SIGUSR1);
  });
  const std::string out = trace_child(
      "signal:signal_generate /args->pid == $target/ { @[args->sig] = count(); } "
      "END { printa(\"sig %d: %@d\\n\", @); }",
      child);
  EXPECT_EQ(out, "sig " + std::to_string(SIGUSR1) + ": " + std::to_string(signals) + "\n\n");
}

// stack() through the stacktrace trigger: signals sent through two system
// calls (kill and tgkill) give two distinct kernel stacks, each counted
// exactly, innermost frame first, symbolised, and without the tracepoint
// machinery's own frames on top.
TEST(Run, StackKeysCountEachKernelPathExactly) {
  REQUIRE_TRACEFS();
  constexpr int by_kill = 5;
  constexpr int by_tgkill = 3;
  Child child([] {
    struct sigaction action {};
    action.sa_handler = [](int) {};
    ::sigaction(SIGUSR1, &action, nullptr);
    for (int i = 0; i < by_kill; ++i) ::kill(::getpid(), SIGUSR1);
    for (int i = 0; i < by_tgkill; ++i) ::syscall(SYS_tgkill, ::getpid(), ::gettid(), SIGUSR1);
  });
  const std::string out = trace_child(
      "signal:signal_generate /args->pid == $target && args->sig == 10/ { @[stack()] = count(); } "
      "END { printa(\"%k@@%@d\\n\", @); }",
      child);
  // Each entry: "\n" + frames indented 14 columns, one per line, then "@@count".
  std::map<int, std::string> stack_by_count;
  std::size_t start = 0;
  while (true) {
    const std::size_t marker = out.find("@@", start);
    if (marker == std::string::npos) break;
    const std::size_t end = out.find('\n', marker);
    stack_by_count[std::stoi(out.substr(marker + 2, end - marker - 2))] = out.substr(start, marker - start);
    start = end + 1;
  }
  ASSERT_EQ(stack_by_count.size(), 2U) << out;
  ASSERT_TRUE(stack_by_count.contains(by_kill)) << out;
  ASSERT_TRUE(stack_by_count.contains(by_tgkill)) << out;
  EXPECT_NE(stack_by_count[by_kill].find("_sys_kill"), std::string::npos) << out;
  EXPECT_EQ(stack_by_count[by_kill].find("tgkill"), std::string::npos) << out;
  EXPECT_NE(stack_by_count[by_tgkill].find("_sys_tgkill"), std::string::npos) << out;
  for (const auto& [count, stack] : stack_by_count) {
    EXPECT_TRUE(stack.starts_with("\n              ")) << stack;
    EXPECT_EQ(stack.find("trace_event_raw_event"), std::string::npos) << stack;
    EXPECT_EQ(stack.find("__traceiter"), std::string::npos) << stack;
    EXPECT_NE(stack.find("do_syscall_64"), std::string::npos) << stack;
  }
}

// A child's whole work: one SIGUSR2 to itself, caught (signal 12, by kill()).
void send_self_sigusr2() {
  struct sigaction action {};
  action.sa_handler = [](int) {};
  ::sigaction(SIGUSR2, &action, nullptr);
  ::kill(::getpid(), SIGUSR2);
}

// The stacktrace trigger is removed with the event: nothing is left behind.
TEST(Run, StackActionPrintsTheStackAndLeavesNoTrigger) {
  REQUIRE_TRACEFS();
  Child child(send_self_sigusr2);
  const std::string out = trace_child(
      "signal:signal_generate /args->pid == $target && args->sig == 12/ { printf(\"sig\"); stack(); }", child);
  EXPECT_TRUE(out.starts_with("sig\n              ")) << out;
  EXPECT_NE(out.find("_sys_kill"), std::string::npos) << out;
  std::ifstream trigger(tracefs / "events/signal/signal_generate/trigger");
  for (std::string line; std::getline(trigger, line);) {
    EXPECT_TRUE(line.starts_with("#")) << "a trigger is left on the global signal_generate: " << line;
  }
}

// stack(N) keeps the N innermost frames (after the tracing machinery's own).
TEST(Run, StackWithADepthKeepsThatManyFrames) {
  REQUIRE_TRACEFS();
  Child child(send_self_sigusr2);
  const std::string out = trace_child(
      "signal:signal_generate /args->pid == $target && args->sig == 12/ "
      "{ printf(\"two\"); stack(2); printf(\"all\"); stack(); }",
      child);
  const std::size_t all = out.find("all");
  ASSERT_NE(all, std::string::npos) << out;
  const auto frames = [](const std::string& text) {
    return std::count(text.begin(), text.end(), '\n') - 1;  // the leading newline and one after each frame
  };
  const std::string two = out.substr(0, all);
  const std::string whole = out.substr(all);
  EXPECT_EQ(frames(two), 2) << out;
  EXPECT_GT(frames(whole), 3) << out;
  // The same innermost frames, in the same order.
  EXPECT_TRUE(whole.substr(3).starts_with(two.substr(3))) << out;
}

// execname and pid of a thread that exited (and was reaped) before probity
// read its records: /proc no longer has it, the kernel's saved_cmdlines and
// saved_tgids do. Probity is stopped while the thread lives and dies, so its
// records are certainly read after it is gone.
TEST(Run, ExecnameAndPidOfAThreadThatExitedBeforeItsRecordsWereRead) {
  REQUIRE_TRACEFS();
  constexpr int calls = 25;
  Probity probity({"-q", "-n",
                   "BEGIN { printf(\"ready\\n\"); } "
                   "syscalls:sys_enter_getppid /execname == \"probity-gone\"/ { @[execname, pid] = count(); } "
                   "END { printa(\"%s %d %@d\\n\", @); }"});
  ASSERT_EQ(probity.read_line(), "ready");
  ASSERT_EQ(::kill(probity.pid(), SIGSTOP), 0);
  const pid_t gone = ::fork();
  if (gone == 0) {
    ::prctl(PR_SET_NAME, "probity-gone");
    for (int i = 0; i < calls; ++i) ::syscall(SYS_getppid);
    ::_exit(0);
  }
  ASSERT_EQ(::waitpid(gone, nullptr, 0), gone);
  ASSERT_FALSE(fs::exists("/proc/" + std::to_string(gone)));
  ::kill(probity.pid(), SIGCONT);
  std::this_thread::sleep_for(300ms);
  ::kill(probity.pid(), SIGINT);
  EXPECT_EQ(probity.wait(), 0) << probity.err();
  EXPECT_EQ(probity.out(), "ready\nprobity-gone " + std::to_string(gone) + " " + std::to_string(calls) + "\n\n")
      << probity.err();
}

// Losses are never silent: with a tiny buffer and probity stopped while a
// child makes a known number of events on CPU 0, every event is either
// counted or reported lost, and the loss is reported in DTrace's words on
// the CPU where it happened.
TEST(Run, ReportsDropsUnderATinyBufferAndAccountsForEveryEvent) {
  REQUIRE_TRACEFS();
  constexpr long calls = 200000;
  Child child([] {
    cpu_set_t cpu0;
    CPU_ZERO(&cpu0);
    CPU_SET(0, &cpu0);
    ::sched_setaffinity(0, sizeof cpu0, &cpu0);
    for (long i = 0; i < calls; ++i) ::syscall(SYS_getppid);
  });
  Probity probity({"-q", "-x", "bufsize=8k", "-p", std::to_string(child.pid()), "-n",
                   "BEGIN { printf(\"ready\\n\"); } "
                   "syscalls:sys_enter_getppid /tid == " + std::to_string(child.pid()) +
                       "/ { @n = count(); } END { printa(\"counted %@d\\n\", @n); }"});
  ASSERT_EQ(probity.read_line(), "ready");
  ASSERT_EQ(::kill(probity.pid(), SIGSTOP), 0);
  child.go();
  child.wait();
  ::kill(probity.pid(), SIGCONT);
  ASSERT_EQ(probity.wait(), 0) << probity.err();

  long counted = -1;
  ASSERT_EQ(std::sscanf(probity.out().c_str(), "ready\ncounted %ld", &counted), 1) << probity.out();
  long dropped = 0;
  std::istringstream err(probity.err());
  for (std::string line; std::getline(err, line);) {
    long n = 0;
    unsigned cpu = 0;
    if (std::sscanf(line.c_str(), "probity: %ld drops on CPU %u", &n, &cpu) == 2) {
      EXPECT_EQ(cpu, 0U) << line;
      dropped += n;
    }
  }
  EXPECT_GT(dropped, calls / 2) << "an 8 KiB buffer cannot hold most of " << calls << " events\n" << probity.err();
  EXPECT_GT(counted, 0);
  EXPECT_EQ(counted + dropped, calls) << "counted " << counted << ", reported lost " << dropped << "\n"
                                      << probity.err();
}

TEST(Run, CountsForksOfTheParent) {
  REQUIRE_TRACEFS();
  constexpr int forks = 9;
  Child child([] {
    for (int i = 0; i < forks; ++i) {
      const pid_t forked = ::fork();
      if (forked == 0) ::_exit(0);
      ::waitpid(forked, nullptr, 0);
    }
  });
  const std::string out = trace_child(
      "sched:sched_process_fork /args->parent_pid == $target/ { @forks = count(); } "
      "END { printa(\"forks %@d\\n\", @forks); }",
      child);
  EXPECT_EQ(out, "forks " + std::to_string(forks) + "\n\n");
}

// ------------------------------------------------------------------ output

TEST(Run, PrintfFormatsLikeDTrace) {
  REQUIRE_TRACEFS();
  Probity probity({"-q", "-n",
                   "BEGIN { printf(\"%d|%5d|%-5d|%x|%X|%o|%c|%s|%8s|%-4s|%u|%x|%i\\n\", -42, 7, 7, 255, 255, 8, 65, "
                   "\"str\", \"right\", \"l\", (uint32_t)-1, (int32_t)-1, 3 / 2 + 10 % 4); "
                   "printf(\"%s %d\\n\", strjoin(\"ab\", \"cd\"), strlen(\"hello\")); exit(0); }"});
  EXPECT_EQ(probity.wait(), 0) << probity.err();
  EXPECT_EQ(probity.out(), "-42|    7|7    |ff|FF|10|A|str|   right|l   |4294967295|ffffffff|3\nabcd 5\n\n");
}

// A distribution row as DTrace prints it: "%16s |<40 columns of bar> %-9lld".
std::string row(const std::string& label, int ats, long long count) {
  char text[128];
  std::snprintf(text, sizeof text, "%16s |%s%s %-9lld\n", label.c_str(), std::string(ats, '@').c_str(),
                std::string(40 - ats, ' ').c_str(), count);
  return text;
}

TEST(Run, QuantizeAndLquantizeTablesHaveDTracesShape) {
  REQUIRE_TRACEFS();
  Probity probity({"-q", "-n",
                   "BEGIN { @q = quantize(1); @q = quantize(1000); @l = lquantize(5, 0, 10, 2); "
                   "@c[\"k\"] = count(); @c[\"k\"] = count(); exit(0); }"});
  EXPECT_EQ(probity.wait(), 0) << probity.err();
  const std::string header = "\n           value  ------------- Distribution ------------- count    \n";
  std::string quantize = "\n" + header + row("0", 0, 0) + row("1", 20, 1);
  for (long long value = 2; value <= 256; value *= 2) quantize += row(std::to_string(value), 0, 0);
  quantize += row("512", 20, 1) + row("1024", 0, 0) + "\n";
  const std::string lquantize = "\n" + header + row("2", 0, 0) + row("4", 40, 1) + row("6", 0, 0) + "\n";
  char count_line[128];
  std::snprintf(count_line, sizeof count_line, "\n  %-50s %16d\n", "k", 2);
  EXPECT_EQ(probity.out(), quantize + lquantize.substr(1) + (count_line + 1));
}

TEST(Run, ExitStatusComesFromExit) {
  REQUIRE_TRACEFS();
  Probity probity({"-q", "-n", "BEGIN { x = 3; } BEGIN { exit(x + 4); } END { printf(\"end\\n\"); }"});
  EXPECT_EQ(probity.wait(), 7) << probity.err();
  EXPECT_EQ(probity.out(), "end\n\n");
}

TEST(Run, SigintRunsEndPrintsAggregationsAndLeavesNothingEnabled) {
  REQUIRE_TRACEFS();
  Probity probity({"-q", "-n",
                   "BEGIN { printf(\"ready\\n\"); } syscalls:sys_enter_getppid /pid == " + std::to_string(::getpid()) +
                       "/ { @calls = count(); } END { printf(\"end\\n\"); }"});
  ASSERT_EQ(probity.read_line(), "ready");
  EXPECT_EQ(own_instances(probity.pid()).size(), 1U);
  for (int i = 0; i < 5; ++i) ::syscall(SYS_getppid);
  std::this_thread::sleep_for(200ms);
  ::kill(probity.pid(), SIGINT);
  EXPECT_EQ(probity.wait(), 0) << probity.err();
  char count_line[64];
  std::snprintf(count_line, sizeof count_line, " %16d\n", 5);
  EXPECT_EQ(probity.out(), "ready\nend\n\n" + std::string(count_line));
  EXPECT_TRUE(own_instances(probity.pid()).empty());
  std::ifstream enable(tracefs / "events/syscalls/sys_enter_getppid/enable");
  std::string state;
  std::getline(enable, state);
  EXPECT_EQ(state, "0") << "the global instance's event stays disabled";
}

// Every terminating signal, not only SIGINT, stops a run the orderly way: END
// runs, the aggregations print, the status is 0 and the instance is gone.
TEST(Run, EveryTerminatingSignalRunsEndAndTearsDown) {
  REQUIRE_TRACEFS();
  for (const int number : {SIGHUP, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM, SIGXCPU, SIGPROF, SIGRTMIN + 2}) {
    SCOPED_TRACE(std::string("signal ") + std::to_string(number) + " (" + strsignal(number) + ")");
    Probity probity({"-q", "-n",
                     "BEGIN { printf(\"ready\\n\"); } sched:sched_switch { @switches = count(); } "
                     "END { printf(\"end\\n\"); }"});
    ASSERT_EQ(probity.read_line(), "ready");
    EXPECT_EQ(own_instances(probity.pid()).size(), 1U);
    ::kill(probity.pid(), number);
    EXPECT_EQ(probity.wait(), 0) << probity.err();
    EXPECT_TRUE(probity.out().starts_with("ready\nend\n")) << probity.out();
    EXPECT_TRUE(own_instances(probity.pid()).empty()) << "left behind after " << strsignal(number);
  }
}

// A signal at any moment of setup (before the instance exists, while it is
// configured, while BEGIN runs) never leaves an instance behind: the run
// either dies before it made one or stops after setup and tears down.
TEST(Run, ASignalDuringSetupNeverLeavesAnInstance) {
  REQUIRE_TRACEFS();
  std::random_device seed;
  const unsigned seed_value = seed();
  SCOPED_TRACE("seed " + std::to_string(seed_value));
  std::mt19937 random(seed_value);
  std::uniform_int_distribution<int> delay_us(0, 200'000);
  const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1};
  for (int attempt = 0; attempt < 50; ++attempt) {
    const int number = signals[attempt % std::size(signals)];
    const int delay = delay_us(random);
    Probity probity({"-q", "-n", "sched:sched_switch { @switches = count(); }"});
    std::this_thread::sleep_for(std::chrono::microseconds(delay));
    ::kill(probity.pid(), number);
    const int status = probity.wait();
    EXPECT_TRUE(own_instances(probity.pid()).empty())
        << "attempt " << attempt << ": " << strsignal(number) << " after " << delay << " us left an instance (status "
        << status << ", stderr: " << probity.err() << ")";
    EXPECT_TRUE(status == 0 || status == 128 + number)
        << "attempt " << attempt << ": status " << status << ", stderr: " << probity.err();
  }
}

std::set<std::string> probity_instances() {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(tracefs / "instances")) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("probity-")) names.insert(name);
  }
  return names;
}

// A trace running in a child pid namespace (a container) names its instance
// with its pid there; to a probity in the root namespace that pid is another
// process or none. The startup cleanup must still leave the instance alone.
TEST(Run, TheStaleInstanceCleanupLeavesATraceOfAnotherPidNamespaceAlone) {
  REQUIRE_TRACEFS();
  if (::access("/usr/bin/unshare", X_OK) != 0) GTEST_SKIP() << "needs unshare (util-linux)";
  const std::set<std::string> before = probity_instances();
  int out[2];
  ASSERT_EQ(::pipe2(out, O_CLOEXEC), 0);
  const pid_t contained = ::fork();
  ASSERT_GE(contained, 0);
  if (contained == 0) {
    ::dup2(out[1], 1);
    // probity is pid 2 there (the shell is 1): in the root namespace, pid 2 is kthreadd.
    std::vector<std::string> words{"/usr/bin/unshare", "--pid", "--fork", "--mount-proc", "/bin/sh", "-c",
                                   "\"$0\" --index \"$1\" -q -n 'BEGIN { printf(\"ready\\n\"); } "
                                   "sched:sched_switch { @ = count(); } tick-4s { exit(0); }'; exit $?",
                                   PROBITY_BINARY, PROBITY_INDEX_FILE};
    test_support::exec_words(std::move(words));
  }
  ::close(out[1]);
  std::string line;
  char byte = 0;
  while (::read(out[0], &byte, 1) == 1 && byte != '\n') line += byte;
  // The rest of its output is read below: a closed pipe would fail its last write.
  struct CloseAtEnd {
    int fd;
    ~CloseAtEnd() { ::close(fd); }
  } reader{out[0]};
  ASSERT_EQ(line, "ready");
  std::set<std::string> theirs;
  // Named after its pid in its own namespace (2): other tests running
  // beside this one make instances of their own.
  for (const std::string& name : probity_instances()) {
    if (!before.contains(name) && name.starts_with("probity-2-")) theirs.insert(name);
  }
  ASSERT_EQ(theirs.size(), 1U);
  const std::string name = *theirs.begin();

  Probity cleaner({"-q", "-n", "BEGIN { exit(0); }"});
  EXPECT_EQ(cleaner.wait(), 0) << cleaner.err();
  EXPECT_EQ(cleaner.err().find(name), std::string::npos) << cleaner.err();
  EXPECT_TRUE(fs::is_directory(tracefs / "instances" / name)) << name << " was removed while its owner ran";

  std::string rest;
  while (::read(out[0], &byte, 1) == 1) rest += byte;
  int status = 0;
  ASSERT_EQ(::waitpid(contained, &status, 0), contained);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  EXPECT_FALSE(fs::exists(tracefs / "instances" / name)) << "the contained run did not tear down";
}

// ------------------------------------------------------------------ verification

fs::path compile_object(const fs::path& dir, const std::string& program) {
  const fs::path object = dir / "program.pob";
  Probity compile({"-e", "-o", object.string(), "-n", program});
  EXPECT_EQ(compile.wait(), 0) << compile.err();
  return object;
}

TEST(Run, QuietAppliesToACompiledObjectAsToAScript) {
  REQUIRE_TRACEFS();
  test_support::ScratchDirectory scratch("run-test");
  const fs::path object = compile_object(scratch.path(), "BEGIN { printf(\"only this\\n\"); exit(0); }");
  Probity quiet({"-q", "-s", object.string()});
  EXPECT_EQ(quiet.wait(), 0) << quiet.err();
  EXPECT_EQ(quiet.out(), "only this\n\n");
  Probity plain({"-s", object.string()});
  EXPECT_EQ(plain.wait(), 0) << plain.err();
  EXPECT_NE(plain.out().find("FUNCTION:NAME"), std::string::npos) << plain.out();
}

TEST(Run, RefusesAnObjectWhoseLayoutDiffersFromTheLiveKernel) {
  REQUIRE_TRACEFS();
  test_support::ScratchDirectory scratch("run-test");
  const fs::path object = compile_object(scratch.path(), "syscalls:sys_enter_getppid { @ = count(); }");
  compiler::Program program = compiler::read_object(object);
  ASSERT_FALSE(program.events.empty());
  ASSERT_FALSE(program.events[0].fields.empty());
  const std::string field = program.events[0].fields[0].name;
  program.events[0].fields[0].offset += 8;
  compiler::write_object(program, object);

  Probity probity({"-q", "-s", object.string()});
  EXPECT_EQ(probity.wait(), 1);
  EXPECT_EQ(probity.out(), "");
  EXPECT_NE(probity.err().find("event syscalls:sys_enter_getppid"), std::string::npos) << probity.err();
  EXPECT_NE(probity.err().find("field " + field), std::string::npos) << probity.err();
  EXPECT_NE(probity.err().find("probity compat"), std::string::npos) << probity.err();
  EXPECT_TRUE(own_instances(probity.pid()).empty());
}

// The index of a local catalogue that gives syscalls:sys_enter_getppid the
// hazard `level`; empty when it could not be built.
fs::path index_with_getppid_hazard(const fs::path& dir, const std::string& level) {
  return test_support::index_with_syscall_hazard(dir, "sys_enter_getppid", level);
}

TEST(Run, RefusesAnEventTheLocalCatalogueForbidsWhateverTheObjectSays) {
  REQUIRE_TRACEFS();
  test_support::ScratchDirectory scratch("run-test");
  const fs::path object = compile_object(scratch.path(), "syscalls:sys_enter_getppid { @ = count(); }");
  ASSERT_EQ(compiler::read_object(object).events.at(0).hazard, catalogue::Hazard::None);

  const fs::path index = index_with_getppid_hazard(scratch.path(), "forbidden");
  ASSERT_FALSE(index.empty());

  Probity probity({"-q", "--index", index.string(), "-s", object.string()});
  EXPECT_EQ(probity.wait(), 1);
  EXPECT_NE(probity.err().find("event syscalls:sys_enter_getppid is forbidden by the local catalogue"),
            std::string::npos)
      << probity.err();
  EXPECT_TRUE(own_instances(probity.pid()).empty());
}

// An object compiled where an event was harmless, run where the local
// catalogue calls it hot: refused unless it was compiled with -x allow=hot,
// which the object records.
TEST(Run, RefusesAHotEventTheObjectWasNotAllowedToUse) {
  REQUIRE_TRACEFS();
  test_support::ScratchDirectory scratch("run-test");
  const std::string program = "syscalls:sys_enter_getppid { @ = count(); } BEGIN { exit(0); }";
  const fs::path plain = compile_object(scratch.path(), program);
  const fs::path allowed = scratch.path() / "allowed.pob";
  Probity compile({"-e", "-x", "allow=hot", "-o", allowed.string(), "-n", program});
  ASSERT_EQ(compile.wait(), 0) << compile.err();
  const fs::path index = index_with_getppid_hazard(scratch.path(), "hot");
  ASSERT_FALSE(index.empty());

  Probity refused({"-q", "--index", index.string(), "-s", plain.string()});
  EXPECT_EQ(refused.wait(), 1);
  EXPECT_NE(refused.err().find("event syscalls:sys_enter_getppid is hot in the local catalogue (this test says so) "
                               "and the program was not compiled with -x allow=hot"),
            std::string::npos)
      << refused.err();
  EXPECT_TRUE(own_instances(refused.pid()).empty());

  Probity runs({"-q", "--index", index.string(), "-s", allowed.string()});
  EXPECT_EQ(runs.wait(), 0) << runs.err();
}

// ------------------------------------------------------------------ -f json

// A JSON value as parsed by JsonParser: numbers keep their text, so that
// large integers can be compared exactly.
struct Json {
  struct Number {
    std::string text;
  };
  using Array = std::vector<Json>;
  using Object = std::map<std::string, Json>;
  std::variant<std::nullptr_t, bool, Number, std::string, Array, Object> value;

  bool is_object() const { return std::holds_alternative<Object>(value); }
  const Json& operator[](const std::string& name) const {
    static const Json missing;
    const auto* object = std::get_if<Object>(&value);
    if (object == nullptr) return missing;
    const auto found = object->find(name);
    return found == object->end() ? missing : found->second;
  }
  const Array& array() const {
    static const Array none;
    const auto* items = std::get_if<Array>(&value);
    return items != nullptr ? *items : none;
  }
  std::string string() const {
    const auto* text = std::get_if<std::string>(&value);
    return text != nullptr ? *text : "<not a string>";
  }
  std::string number() const {
    const auto* number = std::get_if<Number>(&value);
    return number != nullptr ? number->text : "<not a number>";
  }
};

// RFC 8259's grammar, strictly: parse() is nullopt for anything else
// (trailing text included). \uXXXX escapes above 0x7f are kept as "\uXXXX".
class JsonParser {
 public:
  static std::optional<Json> parse(const std::string& text) {
    JsonParser parser(text);
    std::optional<Json> value = parser.value();
    parser.spaces();
    if (!value || parser.at_ != text.size()) return std::nullopt;
    return value;
  }

 private:
  explicit JsonParser(const std::string& text) : text_(text) {}

  void spaces() {
    while (at_ < text_.size() && std::strchr(" \t\r\n", text_[at_]) != nullptr) ++at_;
  }
  bool take(char c) {
    spaces();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  bool word(const std::string& literal) {
    if (text_.compare(at_, literal.size(), literal) != 0) return false;
    at_ += literal.size();
    return true;
  }

  std::optional<Json> value() {
    spaces();
    if (at_ >= text_.size()) return std::nullopt;
    const char c = text_[at_];
    if (c == '{') return object();
    if (c == '[') return array();
    if (c == '"') {
      std::optional<std::string> text = string();
      if (!text) return std::nullopt;
      return Json{*text};
    }
    if (word("true")) return Json{true};
    if (word("false")) return Json{false};
    if (word("null")) return Json{nullptr};
    return number();
  }

  std::optional<Json> object() {
    ++at_;
    Json::Object members;
    if (take('}')) return Json{members};
    do {
      spaces();
      std::optional<std::string> name = string();
      if (!name || !take(':')) return std::nullopt;
      std::optional<Json> member = value();
      if (!member) return std::nullopt;
      members[*name] = *member;
    } while (take(','));
    if (!take('}')) return std::nullopt;
    return Json{members};
  }

  std::optional<Json> array() {
    ++at_;
    Json::Array items;
    if (take(']')) return Json{items};
    do {
      std::optional<Json> item = value();
      if (!item) return std::nullopt;
      items.push_back(*item);
    } while (take(','));
    if (!take(']')) return std::nullopt;
    return Json{items};
  }

  std::optional<std::string> string() {
    if (at_ >= text_.size() || text_[at_] != '"') return std::nullopt;
    ++at_;
    std::string text;
    while (at_ < text_.size()) {
      const auto c = static_cast<unsigned char>(text_[at_++]);
      if (c == '"') return text;
      if (c < 0x20) return std::nullopt;
      if (c != '\\') {
        text += static_cast<char>(c);
        continue;
      }
      if (at_ >= text_.size()) return std::nullopt;
      const char escape = text_[at_++];
      switch (escape) {
        case '"': text += '"'; break;
        case '\\': text += '\\'; break;
        case '/': text += '/'; break;
        case 'b': text += '\b'; break;
        case 'f': text += '\f'; break;
        case 'n': text += '\n'; break;
        case 'r': text += '\r'; break;
        case 't': text += '\t'; break;
        case 'u': {
          if (at_ + 4 > text_.size()) return std::nullopt;
          const std::string hex = text_.substr(at_, 4);
          if (hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return std::nullopt;
          at_ += 4;
          const unsigned long code = std::stoul(hex, nullptr, 16);
          if (code < 0x80) {
            text += static_cast<char>(code);
          } else {
            text += "\\u" + hex;
          }
          break;
        }
        default: return std::nullopt;
      }
    }
    return std::nullopt;
  }

  std::optional<Json> number() {
    const std::size_t start = at_;
    if (at_ < text_.size() && text_[at_] == '-') ++at_;
    const auto digits = [&] {
      const std::size_t first = at_;
      while (at_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[at_]))) ++at_;
      return at_ - first;
    };
    const std::size_t integer_start = at_;
    const std::size_t integer_digits = digits();
    if (integer_digits == 0 || (integer_digits > 1 && text_[integer_start] == '0')) return std::nullopt;
    if (at_ < text_.size() && text_[at_] == '.') {
      ++at_;
      if (digits() == 0) return std::nullopt;
    }
    if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
      ++at_;
      if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) ++at_;
      if (digits() == 0) return std::nullopt;
    }
    return Json{Json::Number{text_.substr(start, at_ - start)}};
  }

  const std::string& text_;
  std::size_t at_ = 0;
};

TEST(Run, JsonValidatorRejectsWhatIsNotJson) {
  for (const std::string bad : {"{", "{\"a\":}", "{\"a\":1,}", "{\"a\":01}", "{\"a\":\"x\ny\"}", "{} x", "[1 2]"}) {
    EXPECT_FALSE(JsonParser::parse(bad)) << bad;
  }
  ASSERT_TRUE(JsonParser::parse("{\"a\":[1,-2.5e3,\"\\u0041\\n\",true,null,{}]}"));
}

// Every line of a -f json run's stdout as a JSON object (failing the test for
// any line that is not one).
std::vector<Json> json_lines(const std::string& out) {
  std::vector<Json> objects;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    const std::optional<Json> parsed = JsonParser::parse(line);
    EXPECT_TRUE(parsed && parsed->is_object()) << "not a JSON object: " << line;
    if (parsed) objects.push_back(*parsed);
  }
  EXPECT_TRUE(out.empty() || out.back() == '\n') << "the last line is not terminated";
  return objects;
}

std::vector<Json> of_type(const std::vector<Json>& objects, const std::string& type) {
  std::vector<Json> chosen;
  for (const Json& object : objects) {
    if (object["type"].string() == type) chosen.push_back(object);
  }
  return chosen;
}

TEST(Run, JsonCountsTheGetppidCallsInOneAggregationObject) {
  REQUIRE_TRACEFS();
  constexpr int calls = 23;
  Child child([] {
    for (int i = 0; i < calls; ++i) ::syscall(SYS_getppid);
  });
  Probity probity({"-q", "-f", "json", "-p", std::to_string(child.pid()), "-n",
                   "BEGIN { printf(\"ready\\n\"); } syscalls:sys_enter_getppid /pid == $target/ { @calls = count(); }"});
  const std::optional<Json> ready = JsonParser::parse(probity.read_line());
  ASSERT_TRUE(ready);
  EXPECT_EQ((*ready)["text"].string(), "ready\n");
  child.go();
  EXPECT_EQ(probity.wait(), 0) << probity.err();
  const std::vector<Json> objects = json_lines(probity.out());
  const std::vector<Json> aggregations = of_type(objects, "aggregation");
  ASSERT_EQ(aggregations.size(), 1U) << probity.out();
  const Json& calls_object = aggregations.front();
  EXPECT_EQ(calls_object["name"].string(), "@calls");
  EXPECT_EQ(calls_object["function"].string(), "count");
  ASSERT_EQ(calls_object["entries"].array().size(), 1U) << probity.out();
  const Json& entry = calls_object["entries"].array().front();
  EXPECT_TRUE(entry["keys"].array().empty());
  EXPECT_EQ(entry["value"].number(), std::to_string(calls));
  for (const Json& object : objects) {
    const std::string type = object["type"].string();
    EXPECT_TRUE(type == "printf" || type == "aggregation" || type == "drops") << type;
  }
}

TEST(Run, JsonPrintfTextRoundTripsQuotesNewlinesAndBackslashes) {
  REQUIRE_TRACEFS();
  Probity probity({"-q", "-f", "json", "-n",
                   "BEGIN { printf(\"say \\\"%s\\\"\\n\\tpath\\\\x\\n\", \"hi\"); exit(0); }"});
  EXPECT_EQ(probity.wait(), 0) << probity.err();
  const std::vector<Json> objects = json_lines(probity.out());
  ASSERT_EQ(objects.size(), 1U) << probity.out();
  EXPECT_EQ(objects[0]["type"].string(), "printf");
  EXPECT_EQ(objects[0]["probe"].string(), "BEGIN");
  EXPECT_EQ(objects[0]["text"].string(), "say \"hi\"\n\tpath\\x\n");
  EXPECT_NE(probity.out().find(R"("text":"say \"hi\"\n\tpath\\x\n")"), std::string::npos) << probity.out();
  EXPECT_EQ(objects[0]["cpu"].number().find_first_not_of("0123456789"), std::string::npos);
  EXPECT_EQ(objects[0]["timestamp"].number().find_first_not_of("0123456789"), std::string::npos);
}

TEST(Run, JsonEscapesControlCharactersAndBytesThatAreNotUtf8) {
  REQUIRE_TRACEFS();
  // 200 and 255 alone are not UTF-8; "\xc3\xa9" (e acute) is, and passes through.
  Probity probity({"-q", "-f", "json", "-n",
                   "BEGIN { printf(\"%c%c|%c%c\xc3\xa9\", 200, 65, 255, 1); exit(0); }"});
  EXPECT_EQ(probity.wait(), 0) << probity.err();
  const std::vector<Json> objects = json_lines(probity.out());
  ASSERT_EQ(objects.size(), 1U) << probity.out();
  EXPECT_EQ(objects[0]["text"].string(), "\\u00c8A|\\u00ff\x01\xc3\xa9");
}

TEST(Run, JsonRunWritesOnlyObjectsForProbesTracesPrintfsAndPrinta) {
  REQUIRE_TRACEFS();
  Probity probity({"-f", "json", "-n",
                   "BEGIN { trace(42); trace(\"s\\\"q\"); trace((uint64_t)-1); printf(\"p\\n\"); "
                   "@a[\"k\", 3] = sum(5); @a[\"k\", 3] = sum(6); printa(\"%s %d %@d\\n\", @a); exit(0); }"});
  EXPECT_EQ(probity.wait(), 0) << probity.err();
  const std::vector<Json> objects = json_lines(probity.out());
  const std::vector<Json> probes = of_type(objects, "probe");
  ASSERT_EQ(probes.size(), 1U) << probity.out();
  EXPECT_EQ(probes[0]["probe"].string(), "BEGIN");
  const std::vector<Json> traces = of_type(objects, "trace");
  ASSERT_EQ(traces.size(), 3U) << probity.out();
  EXPECT_EQ(traces[0]["value"].number(), "42");
  EXPECT_EQ(traces[1]["value"].string(), "s\"q");
  EXPECT_EQ(traces[2]["value"].number(), "18446744073709551615");
  ASSERT_EQ(of_type(objects, "printf").size(), 1U);
  EXPECT_EQ(of_type(objects, "printf")[0]["text"].string(), "p\n");
  const std::vector<Json> aggregations = of_type(objects, "aggregation");
  ASSERT_EQ(aggregations.size(), 1U) << "printa printed @a: not again at exit\n" << probity.out();
  EXPECT_EQ(aggregations[0]["name"].string(), "@a");
  EXPECT_EQ(aggregations[0]["function"].string(), "sum");
  ASSERT_EQ(aggregations[0]["entries"].array().size(), 1U);
  const Json& entry = aggregations[0]["entries"].array()[0];
  ASSERT_EQ(entry["keys"].array().size(), 2U);
  EXPECT_EQ(entry["keys"].array()[0].string(), "k");
  EXPECT_EQ(entry["keys"].array()[1].number(), "3");
  EXPECT_EQ(entry["value"].number(), "11");
  EXPECT_EQ(objects.size(), probes.size() + traces.size() + 2) << probity.out();
}

TEST(Run, JsonQuantizeGivesTheBucketsDTraceWouldPrint) {
  REQUIRE_TRACEFS();
  Probity probity({"-q", "-f", "json", "-n",
                   "BEGIN { @q = quantize(1); @q = quantize(1000); @q = quantize(700); "
                   "@l = lquantize(5, 0, 10, 2); exit(0); }"});
  EXPECT_EQ(probity.wait(), 0) << probity.err();
  const std::vector<Json> aggregations = of_type(json_lines(probity.out()), "aggregation");
  ASSERT_EQ(aggregations.size(), 2U) << probity.out();
  EXPECT_EQ(aggregations[0]["function"].string(), "quantize");
  ASSERT_EQ(aggregations[0]["entries"].array().size(), 1U);
  const Json& quantized = aggregations[0]["entries"].array()[0];
  EXPECT_TRUE(std::holds_alternative<std::nullptr_t>(quantized["value"].value)) << "buckets replace the value";
  // 1 is in [1, 2), 1000 and 700 in [512, 1024); one empty row either side.
  std::vector<std::pair<std::string, std::string>> expected{{"0", "0"}, {"1", "1"}};
  for (long long value = 2; value <= 256; value *= 2) expected.emplace_back(std::to_string(value), "0");
  expected.insert(expected.end(), {{"512", "2"}, {"1024", "0"}});
  std::vector<std::pair<std::string, std::string>> buckets;
  for (const Json& bucket : quantized["buckets"].array()) {
    buckets.emplace_back(bucket["value"].number(), bucket["count"].number());
  }
  EXPECT_EQ(buckets, expected) << probity.out();

  EXPECT_EQ(aggregations[1]["function"].string(), "lquantize");
  buckets.clear();
  for (const Json& bucket : aggregations[1]["entries"].array().at(0)["buckets"].array()) {
    buckets.emplace_back(bucket["value"].number(), bucket["count"].number());
  }
  EXPECT_EQ(buckets, (std::vector<std::pair<std::string, std::string>>{{"2", "0"}, {"4", "1"}, {"6", "0"}}));
}

TEST(Run, OutputFormatOtherThanTextOrJsonIsAUsageError) {
  Probity probity({"-f", "xml", "-n", "BEGIN { exit(0); }"});
  EXPECT_NE(probity.wait(), 0);
  EXPECT_EQ(probity.out(), "");
  EXPECT_NE(probity.err().find("text or json"), std::string::npos) << probity.err();
}

TEST(Run, TargetWithoutCOrPIsRefusedBeforeTracing) {
  Probity probity({"-n", "syscalls:sys_enter_getppid /pid == $target/ { @ = count(); }"});
  EXPECT_EQ(probity.wait(), 2);
  EXPECT_EQ(probity.out(), "");
  EXPECT_NE(probity.err().find("the program reads $target: give the process with -c CMD or -p PID"), std::string::npos)
      << probity.err();
}

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
