// The consumer's tracefs session and per-CPU ring-buffer reader, against the
// live kernel. Needs root (tracefs is root's only); the tests mount tracefs
// when it is not mounted and skip, saying why, when they cannot.
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/forked_child.hpp"
#include "support/tracefs.hpp"
#include "probity/consumer/drops.hpp"
#include "probity/consumer/event_formats.hpp"
#include "probity/consumer/record.hpp"
#include "probity/consumer/ring_reader.hpp"
#include "probity/consumer/session.hpp"
#include "probity/consumer/stale_instances.hpp"
#include "probity/consumer/stop_signals.hpp"
#include "probity/consumer/tracefs_error.hpp"

namespace probity::consumer {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test_support::Child;

const fs::path tracefs{"/sys/kernel/tracing"};

std::string read_text(const fs::path& file) {
  std::ifstream input(file);
  std::ostringstream text;
  text << input.rdbuf();
  return text.str();
}

std::string first_line(const fs::path& file) {
  std::string text = read_text(file);
  return text.substr(0, text.find('\n'));
}

// The triggers set on an event (the file's '#' lines are help text).
std::vector<std::string> active_triggers(const fs::path& file) {
  std::vector<std::string> lines;
  std::istringstream text(read_text(file));
  for (std::string line; std::getline(text, line);) {
    if (!line.empty() && line.front() != '#') lines.push_back(line);
  }
  return lines;
}


// Instances of this test process, by name.
std::set<std::string> own_instances() {
  std::set<std::string> names;
  const std::string prefix = "probity-" + std::to_string(::getpid()) + "-";
  for (const auto& entry : fs::directory_iterator(tracefs / "instances")) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(prefix)) names.insert(name);
  }
  return names;
}

void pin_to_cpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  ::sched_setaffinity(0, sizeof set, &set);
}

struct Seen {
  unsigned cpu;
  std::uint64_t timestamp;
  std::string event;
  pid_t pid;
};

// Reads while the child runs, then stops tracing and drains.
std::vector<Seen> read_until_exit(TracingSession& session, RingReader& reader, Child& child,
                                  const std::function<void(const Record&)>& also = {}) {
  std::vector<Seen> seen;
  auto keep = [&](const Record& record) {
    const auto pid = static_cast<pid_t>(integer_field(record, record.event->field("common_pid")));
    seen.push_back({record.cpu, record.timestamp, record.event->system() + ":" + record.event->name(), pid});
    if (also) also(record);
  };
  while (!child.exited()) {
    reader.wait(50ms);
    reader.consume(keep);
  }
  session.stop();
  reader.drain(keep);
  return seen;
}

// ------------------------------------------------------------------ Session

TEST(SessionTest, CombinedFilterAndsInThePidExclusions) {
  EXPECT_EQ(TracingSession::combined_filter("", {42}), "common_pid != 42");
  EXPECT_EQ(TracingSession::combined_filter("id == 110 || id == 39", {42, 43}),
            "(id == 110 || id == 39) && common_pid != 42 && common_pid != 43");
  EXPECT_EQ(TracingSession::combined_filter("  ", {}), "");
}

TEST(SessionTest, CreatesAConfiguredInstanceAndRemovesItOnDestruction) {
  REQUIRE_TRACEFS();
  const std::string global_enable_before = first_line(tracefs / "events/sched/sched_switch/enable");
  fs::path dir;
  {
    TracingSession session({.tracing = tracefs,
                            .buffer_size_kb = 256,
                            .events = {{"sched", "sched_switch", "prev_prio < 200", true},
                                       {"syscalls", "sys_enter_getppid", "", false}}});
    dir = session.instance_dir();
    ASSERT_TRUE(fs::is_directory(dir));
    EXPECT_EQ(dir.parent_path(), tracefs / "instances");
    EXPECT_TRUE(session.instance_name().starts_with("probity-" + std::to_string(::getpid()) + "-"));
    EXPECT_EQ(first_line(dir / "tracing_on"), "0") << "tracing starts off until start()";
    // The kernel rounds up to whole pages.
    EXPECT_GE(session.buffer_size_kb(), 256U);
    EXPECT_LT(session.buffer_size_kb(), 256U + 16U);
    EXPECT_EQ(first_line(dir / "buffer_size_kb"), std::to_string(session.buffer_size_kb()));
    EXPECT_NE(read_text(dir / "trace_clock").find("[mono]"), std::string::npos);
    EXPECT_EQ(first_line(dir / "options/overwrite"), "0");
    EXPECT_TRUE(first_line(dir / "events/sched/sched_switch/enable").starts_with("1"));  // "1*": has a trigger
    EXPECT_EQ(first_line(dir / "events/syscalls/sys_enter_getppid/enable"), "1");
    EXPECT_EQ(first_line(dir / "events/syscalls/sys_enter_getpid/enable"), "0") << "only the listed events";
    const std::string own = "common_pid != " + std::to_string(::getpid());
    EXPECT_EQ(first_line(dir / "events/sched/sched_switch/filter"), "(prev_prio < 200) && " + own);
    EXPECT_EQ(first_line(dir / "events/syscalls/sys_enter_getppid/filter"), own);
    EXPECT_EQ(active_triggers(dir / "events/sched/sched_switch/trigger"),
              std::vector<std::string>{"stacktrace:unlimited if (prev_prio < 200) && " + own});
    EXPECT_TRUE(active_triggers(dir / "events/syscalls/sys_enter_getppid/trigger").empty());
    session.start();
    EXPECT_EQ(first_line(dir / "tracing_on"), "1");
    EXPECT_EQ(first_line(tracefs / "events/sched/sched_switch/enable"), global_enable_before)
        << "the global buffer is never touched";
  }
  EXPECT_FALSE(fs::exists(dir)) << dir;
  EXPECT_EQ(first_line(tracefs / "events/sched/sched_switch/enable"), global_enable_before);
}

// Whether this kernel lets an instance take 64 KiB sub-buffers (6.8+, and not
// every build): asked of a scratch instance, as the session would.
bool kernel_accepts_64k_subbuffers() {
  const fs::path probe = tracefs / "instances" / ("probity-subbuf-probe-" + std::to_string(::getpid()));
  if (::mkdir(probe.c_str(), 0750) != 0) return false;
  bool accepted = false;
  {
    std::ofstream file(probe / "buffer_subbuf_size_kb");
    file << "64" << std::flush;
    accepted = file.good();
  }
  ::rmdir(probe.c_str());
  return accepted;
}

TEST(SessionTest, SetsTheSubBufferSizeBeforeTheBufferSizeOrSaysWhyNot) {
  REQUIRE_TRACEFS();
  const bool accepts = kernel_accepts_64k_subbuffers();
  const std::optional<std::string> global_before =
      fs::exists(tracefs / "buffer_subbuf_size_kb") ? std::optional(first_line(tracefs / "buffer_subbuf_size_kb"))
                                                    : std::nullopt;
  TracingSession session({.tracing = tracefs,
                          .buffer_size_kb = 2048,
                          .subbuffer_size_kb = 64,
                          .events = {{"syscalls", "sys_enter_getppid", "", false}}});
  const fs::path dir = session.instance_dir();
  const auto said = std::find_if(session.fallbacks().begin(), session.fallbacks().end(),
                                 [](const SettingFallback& f) { return f.setting == "buffer_subbuf_size_kb"; });
  if (accepts) {
    EXPECT_EQ(first_line(dir / "buffer_subbuf_size_kb"), "64");
    EXPECT_EQ(said, session.fallbacks().end());
    // Set after the sub-buffers, the size is still what was asked (whole sub-buffers).
    EXPECT_LT(session.buffer_size_kb(), 2048U + 64U);
  } else {
    ASSERT_NE(said, session.fallbacks().end()) << "a refused sub-buffer size is said, not silent";
    EXPECT_FALSE(said->changes_output);
  }
  EXPECT_GE(session.buffer_size_kb(), 2048U);
  if (global_before) {
    EXPECT_EQ(first_line(tracefs / "buffer_subbuf_size_kb"), *global_before) << "the global buffer keeps its own";
  }
}

// Settings no kernel can grant are fallbacks, not failures: the session is
// made, keeps the kernel's sizes, and records events that a reader sized from
// what the kernel really has reads back.
TEST(SessionTest, RefusedBufferSettingsFallBackToTheKernelsAndStillRecord) {
  REQUIRE_TRACEFS();
  TracingSession session({.tracing = tracefs,
                          .buffer_size_kb = std::size_t{1} << 40,  // a petabyte per CPU
                          .subbuffer_size_kb = std::size_t{1} << 30,
                          .events = {{"syscalls", "sys_enter_getppid", "", false}},
                          .exclude_own_pid = false});
  std::set<std::string> settings;
  for (const SettingFallback& fallback : session.fallbacks()) settings.insert(fallback.setting);
  EXPECT_TRUE(settings.contains("buffer_size_kb"));
  if (fs::exists(tracefs / "buffer_subbuf_size_kb")) {
    EXPECT_TRUE(settings.contains("buffer_subbuf_size_kb"));
  }
  EXPECT_GT(session.buffer_size_kb(), 0U);
  EXPECT_LT(session.buffer_size_kb(), std::size_t{1} << 40);

  const EventFormats formats(session);
  RingReader reader(session, formats);
  EXPECT_GE(reader.subbuffer_size(), static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)));
  session.start();
  for (int i = 0; i < 100; ++i) ::syscall(SYS_getppid);
  session.stop();
  std::size_t seen = 0;
  reader.drain([&](const Record& record) { seen += record.event->name() == "sys_enter_getppid" ? 1 : 0; });
  EXPECT_EQ(seen, 100U);
}

TEST(SessionTest, CloseTearsDownOnceAndTheDestructorThenDoesNothing) {
  REQUIRE_TRACEFS();
  TracingSession session({.tracing = tracefs, .events = {{"sched", "sched_switch", "", false}}});
  const fs::path dir = session.instance_dir();
  session.start();
  session.close();
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_FALSE(session.is_open());
  EXPECT_NO_THROW(session.close());
}

TEST(SessionTest, TearsDownWhenAnExceptionUnwindsThroughIt) {
  REQUIRE_TRACEFS();
  const auto before = own_instances();
  fs::path dir;
  try {
    TracingSession session({.tracing = tracefs, .events = {{"sched", "sched_switch", "", false}}});
    dir = session.instance_dir();
    session.start();
    throw std::runtime_error("a failure while tracing");
  } catch (const std::runtime_error&) {
  }
  ASSERT_FALSE(dir.empty());
  EXPECT_FALSE(fs::exists(dir));
  EXPECT_EQ(own_instances(), before);
}

TEST(SessionTest, ARejectedFilterIsAnErrorNamingTheFileAndLeavesNothing) {
  REQUIRE_TRACEFS();
  const auto before = own_instances();
  try {
    TracingSession session({.tracing = tracefs,
                            .events = {{"sched", "sched_wakeup", "", false},
                                       {"sched", "sched_switch", "no_such_field == 1", false}}});
    FAIL() << "a filter the kernel rejects must throw";
  } catch (const TracefsOperationError& error) {
    EXPECT_EQ(error.error(), EINVAL);
    EXPECT_EQ(error.path().filename(), "filter");
    EXPECT_NE(std::string(error.what()).find("events/sched/sched_switch/filter"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("no_such_field"), std::string::npos) << error.what();
  }
  EXPECT_EQ(own_instances(), before);
}

TEST(SessionTest, AnEventMissingFromTheKernelIsAnErrorAndLeavesNothing) {
  REQUIRE_TRACEFS();
  const auto before = own_instances();
  try {
    TracingSession session({.tracing = tracefs, .events = {{"sched", "no_such_event", "", false}}});
    FAIL() << "an unknown event must throw";
  } catch (const TracefsOperationError& error) {
    EXPECT_EQ(error.error(), ENOENT);
    EXPECT_NE(std::string(error.what()).find("sched:no_such_event"), std::string::npos) << error.what();
  }
  EXPECT_EQ(own_instances(), before);
}

// A child runs the whole consumer loop (session, reader, stop signals) the
// way the CLI will, and the parent stops it with a signal.
void expect_signal_tears_down(int number) {
  Child child([&](Child& self) {
    StopSignals stop;
    TracingSession session({.tracing = tracefs, .events = {{"sched", "sched_switch", "", false}}});
    const EventFormats formats(session);
    {
      RingReader reader(session, formats);
      session.start();
      self.report(session.instance_name());
      while (!stop.requested()) {
        const int fd = stop.fd();
        reader.wait(std::nullopt, {&fd, 1});
        reader.consume([](const Record&) {});
      }
      session.stop();
      reader.drain([](const Record&) {});
    }
    return stop.signal() == number ? 0 : 1;
  });
  const std::string name = child.read_report();
  ASSERT_FALSE(name.empty());
  const fs::path dir = tracefs / "instances" / name;
  ASSERT_TRUE(fs::is_directory(dir));
  EXPECT_EQ(first_line(dir / "events/sched/sched_switch/enable"), "1");
  ::kill(child.pid(), number);
  const int status = child.wait();
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the child saw another signal";
  EXPECT_FALSE(fs::exists(dir)) << dir;
}

TEST(SessionSignalTest, SigintTearsDown) {
  REQUIRE_TRACEFS();
  expect_signal_tears_down(SIGINT);
}

TEST(SessionSignalTest, SigtermTearsDown) {
  REQUIRE_TRACEFS();
  expect_signal_tears_down(SIGTERM);
}

// Every signal another process can send whose default action ends the
// process: a user who stops a trace with kill -QUIT, -USR1, -ALRM, -HUP or a
// real-time signal expects the trace torn down as with SIGINT.
TEST(SessionSignalTest, EveryTerminatingSignalTearsDown) {
  REQUIRE_TRACEFS();
  const std::vector<int> expected{SIGHUP,  SIGINT,  SIGQUIT, SIGTERM,   SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2,
                                  SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO, SIGPWR, SIGSTKFLT, SIGRTMIN,
                                  SIGRTMAX};
  const std::vector<int> caught = terminating_signals();
  for (const int number : expected) {
    EXPECT_NE(std::find(caught.begin(), caught.end(), number), caught.end()) << strsignal(number);
  }
  for (const int number : caught) {
    SCOPED_TRACE(std::string("signal ") + std::to_string(number) + " (" + strsignal(number) + ")");
    expect_signal_tears_down(number);
  }
}

// nohup: a signal ignored by whoever started the run stays ignored.
TEST(SessionSignalTest, ASignalIgnoredAtTheStartStaysIgnored) {
  Child child([](Child&) {
    ::signal(SIGHUP, SIG_IGN);
    StopSignals stop;
    ::kill(::getpid(), SIGHUP);
    struct sigaction now {};
    ::sigaction(SIGHUP, nullptr, &now);
    return !stop.requested() && now.sa_handler == SIG_IGN ? 0 : 1;
  });
  const int status = child.wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(SessionSignalTest, ExitWithoutUnwindingTearsDown) {
  REQUIRE_TRACEFS();
  Child child([](Child& self) {
    TracingSession session({.tracing = tracefs, .events = {{"sched", "sched_switch", "", false}}});
    session.start();
    self.report(session.instance_name());
    self.wait_for_go();
    std::exit(7);  // no stack unwinding: the atexit hook must do it
    return 0;
  });
  const fs::path dir = tracefs / "instances" / child.read_report();
  ASSERT_TRUE(fs::is_directory(dir));
  child.go();
  const int status = child.wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 7);
  EXPECT_FALSE(fs::exists(dir)) << dir;
}

TEST(SessionSignalTest, AForkedChildThatExitsLeavesTheParentsSessionAlone) {
  REQUIRE_TRACEFS();
  TracingSession session({.tracing = tracefs, .events = {{"sched", "sched_switch", "", false}}});
  Child child([](Child&) {
    std::exit(0);  // runs the atexit hook in the child, which must not tear down the parent's session
    return 0;
  });
  child.wait();
  EXPECT_TRUE(fs::is_directory(session.instance_dir()));
  EXPECT_EQ(first_line(session.instance_dir() / "events/sched/sched_switch/enable"), "1");
}

TEST(SessionStaleTest, RemovesInstancesOfKilledProcessesOnly) {
  REQUIRE_TRACEFS();
  auto hold_a_session = [](Child& self) {
    TracingSession session({.tracing = tracefs, .events = {{"sched", "sched_switch", "", false}}});
    session.start();
    self.report(session.instance_name());
    self.wait_for_go();
    return 0;
  };
  Child killed(hold_a_session);
  Child alive(hold_a_session);
  const std::string killed_name = killed.read_report();
  const std::string alive_name = alive.read_report();
  ASSERT_FALSE(killed_name.empty());
  ASSERT_FALSE(alive_name.empty());
  ::kill(killed.pid(), SIGKILL);
  killed.wait();
  const fs::path killed_dir = tracefs / "instances" / killed_name;
  ASSERT_TRUE(fs::is_directory(killed_dir)) << "SIGKILL leaves the instance behind";

  TracingSession own({.tracing = tracefs, .events = {}});
  // An instance that is not Probity's, and one named for this (live) process
  // but with another start time: its pid was recycled, so it is stale.
  const fs::path foreign = tracefs / "instances" / "notprobity";
  const fs::path recycled = tracefs / "instances" / ("probity-" + std::to_string(::getpid()) + "-1-0");
  ASSERT_TRUE(fs::create_directory(foreign) || fs::is_directory(foreign));
  ASSERT_TRUE(fs::create_directory(recycled));

  const std::vector<std::string> notices = remove_stale_instances(tracefs);
  ::rmdir(foreign.c_str());

  const std::string killed_notice = "probity: removed instance " + killed_name + " left by process " +
                                    std::to_string(killed.pid()) + ", which no longer exists";
  const std::string recycled_notice = "probity: removed instance " + recycled.filename().string() +
                                      " left by process " + std::to_string(::getpid()) +
                                      ", which no longer exists (its pid now belongs to another process)";
  // ctest runs other test processes at the same time, and one of them may
  // have just left a stale instance of its own: only ours are asserted, and
  // every notice must be about a process that no longer exists.
  const std::set<std::string> noticed(notices.begin(), notices.end());
  EXPECT_TRUE(noticed.contains(killed_notice)) << ::testing::PrintToString(notices);
  EXPECT_TRUE(noticed.contains(recycled_notice)) << ::testing::PrintToString(notices);
  for (const std::string& notice : notices) {
    EXPECT_NE(notice.find("which no longer exists"), std::string::npos) << notice;
  }
  EXPECT_FALSE(fs::exists(killed_dir));
  EXPECT_FALSE(fs::exists(recycled));
  EXPECT_TRUE(fs::is_directory(tracefs / "instances" / alive_name)) << "a live owner's instance stays";
  EXPECT_TRUE(fs::is_directory(own.instance_dir()));

  alive.go();
  alive.wait();
  EXPECT_FALSE(fs::exists(tracefs / "instances" / alive_name));
}

// --------------------------------------------------------------- RingReader

Child getppid_storm(long calls, int cpu) {
  return Child([calls, cpu](Child& self) {
    if (cpu >= 0) pin_to_cpu(cpu);
    self.wait_for_go();
    for (long i = 0; i < calls; ++i) ::syscall(SYS_getppid);
    return 0;
  });
}

TEST(RingReaderTest, CountsExactlyTheEventsOfAFilteredChild) {
  REQUIRE_TRACEFS();
  constexpr long calls = 20000;
  Child child = getppid_storm(calls, -1);
  TracingSession session({.tracing = tracefs,
                          .events = {{"syscalls", "sys_enter_getppid",
                                      "common_pid == " + std::to_string(child.pid()), false}}});
  const EventFormats formats(session);
  RingReader reader(session, formats);
  session.start();
  child.go();
  const auto seen = read_until_exit(session, reader, child);
  EXPECT_EQ(static_cast<long>(seen.size()), calls);
  for (const Seen& record : seen) {
    ASSERT_EQ(record.pid, child.pid());
    ASSERT_EQ(record.event, "syscalls:sys_enter_getppid");
  }
  for (const CpuDrops& cpu : reader.drops()) EXPECT_EQ(cpu.total(), 0U) << "CPU " << cpu.cpu;
  EXPECT_EQ(reader.unknown_records(), 0U);
}

TEST(RingReaderTest, ExcludesProbitysOwnPid) {
  REQUIRE_TRACEFS();
  constexpr long calls = 5000;
  Child child = getppid_storm(calls, -1);
  TracingSession session({.tracing = tracefs, .events = {{"syscalls", "sys_enter_getppid", "", false}}});
  const EventFormats formats(session);
  RingReader reader(session, formats);
  session.start();
  for (int i = 0; i < 1000; ++i) ::syscall(SYS_getppid);  // this process: never seen
  child.go();
  const auto seen = read_until_exit(session, reader, child);
  std::map<pid_t, long> per_pid;
  for (const Seen& record : seen) ++per_pid[record.pid];
  EXPECT_EQ(per_pid[child.pid()], calls);
  EXPECT_EQ(per_pid.count(::getpid()), 0U);
}

TEST(RingReaderTest, DeliversAllCpusInTimestampOrder) {
  REQUIRE_TRACEFS();
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "needs two CPUs";
  auto switcher = [](int cpu) {
    return Child([cpu](Child& self) {
      pin_to_cpu(cpu);
      self.wait_for_go();
      for (int i = 0; i < 3000; ++i) ::usleep(50);
      return 0;
    });
  };
  Child first = switcher(0);
  Child second = switcher(1);
  const std::string a = std::to_string(first.pid());
  const std::string b = std::to_string(second.pid());
  TracingSession session(
      {.tracing = tracefs,
       .events = {{"sched", "sched_switch",
                   "prev_pid == " + a + " || next_pid == " + a + " || prev_pid == " + b + " || next_pid == " + b,
                   false}}});
  const EventFormats formats(session);
  RingReader reader(session, formats, {.ordered = true});
  session.start();
  first.go();
  second.go();
  std::vector<Seen> seen;
  auto keep = [&](const Record& record) { seen.push_back({record.cpu, record.timestamp, "", 0}); };
  while (!(first.exited() && second.exited())) {
    reader.wait(20ms);
    reader.consume(keep);
  }
  session.stop();
  reader.drain(keep);

  ASSERT_GT(seen.size(), 1000U);
  std::map<unsigned, std::size_t> per_cpu;
  std::size_t out_of_order = 0;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    ++per_cpu[seen[i].cpu];
    if (i > 0 && seen[i].timestamp < seen[i - 1].timestamp) ++out_of_order;
  }
  EXPECT_EQ(out_of_order, 0U);
  EXPECT_GT(per_cpu[0], 100U);
  EXPECT_GT(per_cpu[1], 100U);
  // The mono clock: timestamps are CLOCK_MONOTONIC, so they lie in this test's time.
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  const std::uint64_t now_ns = static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000ULL + now.tv_nsec;
  EXPECT_LT(seen.back().timestamp, now_ns);
  EXPECT_GT(seen.front().timestamp, now_ns - 60'000'000'000ULL);
}

TEST(RingReaderTest, ReportsDropsWhenTheReaderFallsBehind) {
  REQUIRE_TRACEFS();
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "needs two CPUs";
  constexpr long calls = 1'000'000;
  constexpr unsigned storm_cpu = 1;
  Child child = getppid_storm(calls, storm_cpu);
  TracingSession session({.tracing = tracefs,
                          .buffer_size_kb = 4,  // the kernel rounds up to its minimum
                          .events = {{"syscalls", "sys_enter_getppid",
                                      "common_pid == " + std::to_string(child.pid()), false}}});
  const EventFormats formats(session);
  RingReader reader(session, formats);
  session.start();
  child.go();
  child.wait();  // the reader is paused meanwhile: the tiny buffer overflows
  session.stop();
  std::size_t read = 0;
  reader.drain([&](const Record&) { ++read; });

  std::uint64_t dropped = 0;
  std::uint64_t dropped_on_storm_cpu = 0;
  for (const CpuDrops& cpu : reader.drops()) {
    dropped += cpu.total();
    if (cpu.cpu == storm_cpu) dropped_on_storm_cpu = cpu.total();
  }
  EXPECT_GT(read, 0U);
  EXPECT_LT(read, static_cast<std::size_t>(calls) / 10) << "a few pages hold far fewer than the storm";
  // In no-overwrite mode the kernel counts each event it refuses, so what was
  // read and what was dropped add up to what the child made, exactly.
  EXPECT_EQ(read + dropped, static_cast<std::uint64_t>(calls));
  EXPECT_EQ(dropped_on_storm_cpu, dropped) << "the drops are on the storm's CPU";

  DropReporter reporter;
  const auto notices = reporter.notices(reader.drops());
  ASSERT_EQ(notices.size(), 1U);
  EXPECT_EQ(notices[0], "probity: " + std::to_string(dropped) + " drops on CPU " + std::to_string(storm_cpu));
  EXPECT_TRUE(reporter.notices(reader.drops()).empty()) << "each drop is reported once";
}

TEST(RingReaderTest, ReadsSignedIntegersAndStrings) {
  REQUIRE_TRACEFS();
  Child child([](Child& self) {
    ::prctl(PR_SET_NAME, "probity-child");
    ::signal(SIGUSR1, SIG_IGN);
    self.wait_for_go();
    ::sigqueue(::getpid(), SIGUSR1, sigval{.sival_int = 42});  // si_code SI_QUEUE, which is -1
    ::close(-1);                                                // ret -EBADF
    ::execl("/bin/true", "true", static_cast<char*>(nullptr));
    return 1;
  });
  const std::string only_child = "common_pid == " + std::to_string(child.pid());
  TracingSession session({.tracing = tracefs,
                          .events = {{"syscalls", "sys_exit_close", only_child + " && ret < 0", false},
                                     {"signal", "signal_generate", only_child + " && sig == " + std::to_string(SIGUSR1), false},
                                     {"sched", "sched_process_exec", only_child, false}}});
  const EventFormats formats(session);
  const EventLayout& close_exit = *formats.find("syscalls", "sys_exit_close");
  const EventLayout& generate = *formats.find("signal", "signal_generate");
  const EventLayout& exec = *formats.find("sched", "sched_process_exec");
  const tep_format_field& ret = close_exit.field("ret");
  const tep_format_field& code = generate.field("code");
  const tep_format_field& sig = generate.field("sig");
  const tep_format_field& comm = generate.field("comm");
  const tep_format_field& filename = exec.field("filename");
  ASSERT_TRUE(filename.flags & TEP_FIELD_IS_DYNAMIC);
  ASSERT_EQ(code.size, 4);

  RingReader reader(session, formats);
  session.start();
  child.go();
  std::vector<std::int64_t> rets, codes, sigs;
  std::vector<std::string> comms, filenames;
  read_until_exit(session, reader, child, [&](const Record& record) {
    if (record.event == &close_exit) rets.push_back(integer_field(record, ret));
    if (record.event == &generate) {
      codes.push_back(integer_field(record, code));
      sigs.push_back(integer_field(record, sig));
      comms.emplace_back(string_field(record, comm));
      EXPECT_THROW(string_field(record, code), RecordError);
    }
    if (record.event == &exec) filenames.emplace_back(string_field(record, filename));
  });
  EXPECT_EQ(rets, std::vector<std::int64_t>{-EBADF});
  EXPECT_EQ(codes, std::vector<std::int64_t>{-1});
  EXPECT_EQ(sigs, std::vector<std::int64_t>{SIGUSR1});
  EXPECT_EQ(comms, std::vector<std::string>{"probity-child"});
  EXPECT_EQ(filenames, std::vector<std::string>{"/bin/true"});
}

TEST(RingReaderTest, AStackTriggerRecordsAKernelStackAfterEachEventThatPasses) {
  REQUIRE_TRACEFS();
  constexpr long calls = 10;
  Child child = getppid_storm(calls, -1);
  TracingSession session({.tracing = tracefs,
                          .events = {{"syscalls", "sys_enter_getppid",
                                      "common_pid == " + std::to_string(child.pid()), true}}});
  const EventFormats formats(session);
  const EventLayout* stack = formats.find("ftrace", "kernel_stack");
  ASSERT_NE(stack, nullptr) << "the kernel_stack format is loaded when a stack is wanted";
  RingReader reader(session, formats);
  session.start();
  for (int i = 0; i < 100; ++i) ::syscall(SYS_getppid);  // filtered out: no stacks for these
  child.go();
  std::map<unsigned, std::string> last_on_cpu;
  long events = 0;
  long stacks = 0;
  long stacks_after_their_event = 0;
  read_until_exit(session, reader, child, [&](const Record& record) {
    const std::string name = record.event->name();
    if (name == "sys_enter_getppid") ++events;
    if (record.event == stack) {
      ++stacks;
      if (last_on_cpu[record.cpu] == "sys_enter_getppid") ++stacks_after_their_event;
      EXPECT_GT(integer_field(record, stack->field("size")), 0) << "frames in the stack";
      std::uint64_t first_caller = 0;
      const tep_format_field& callers = stack->field("caller");
      ASSERT_GE(record.size, static_cast<std::uint32_t>(callers.offset) + 8U);
      std::memcpy(&first_caller, record.data + callers.offset, 8);
      EXPECT_GE(first_caller, 0xffff'8000'0000'0000ULL) << "a kernel text address";
    }
    last_on_cpu[record.cpu] = name;
  });
  EXPECT_EQ(events, calls);
  EXPECT_EQ(stacks, calls);
  EXPECT_EQ(stacks_after_their_event, calls);
}

TEST(RingReaderTest, WaitSleepsWhenIdleAndWakesOnAWakeupFd) {
  REQUIRE_TRACEFS();
  TracingSession session({.tracing = tracefs, .events = {{"syscalls", "sys_enter_getppid", "common_pid == 1", false}}});
  const EventFormats formats(session);
  RingReader reader(session, formats);
  session.start();
  timespec cpu_before{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_before);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(reader.wait(300ms), RingReader::Wake::timeout);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  timespec cpu_after{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_after);
  const auto cpu_ms = static_cast<double>((cpu_after.tv_sec - cpu_before.tv_sec) * 1'000'000'000L +
                                          (cpu_after.tv_nsec - cpu_before.tv_nsec)) / 1e6;
  EXPECT_GE(elapsed, 290ms);
  EXPECT_LT(cpu_ms, 20.0) << "an idle wait must sleep, not spin";

  int pipe_ends[2];
  ASSERT_EQ(::pipe(pipe_ends), 0);
  ASSERT_EQ(::write(pipe_ends[1], "x", 1), 1);
  EXPECT_EQ(reader.wait(5s, {&pipe_ends[0], 1}), RingReader::Wake::wakeup);
  ::close(pipe_ends[0]);
  ::close(pipe_ends[1]);
}

}  // namespace
}  // namespace probity::consumer
