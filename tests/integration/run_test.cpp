// Running programs on the live kernel with the real probity binary: exact
// counts of events a child process makes, printf and aggregation output in
// DTrace's shapes, exit(), signals, and verification that refuses programs
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

#include "integration/run_test_support.hpp"

namespace probity {
namespace {

using namespace run_testing;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

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

}  // namespace
}  // namespace probity
