// pid == $target in every clause: only the target's tasks, and those they
// create, record events in the kernel (set_event_pid with event-fork), while
// another process busy with the same event is left out before the ring
// buffer. The counts are those of the same program without the pre-filter.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/probity_process.hpp"
#include "support/scratch_directory.hpp"
#include "support/tracefs.hpp"

namespace probity {
namespace {

using test_support::Outcome;
using test_support::ScratchDirectory;

using probity::test_support::read_file;

// Another process that forks all the time while the trace runs.
class BusyForker {
 public:
  BusyForker() {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl("/bin/sh", "sh", "-c", "while :; do /bin/true; done", static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~BusyForker() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  BusyForker(const BusyForker&) = delete;
  BusyForker& operator=(const BusyForker&) = delete;

 private:
  pid_t pid_ = -1;
};

// The workload writes its pid and what every probity instance's
// set_event_pid holds while it runs, then forks six times (cat, five true).
std::string workload(const ScratchDirectory& directory) {
  const std::string dir = directory.path().string();
  return "sh -c 'echo $$ > " + dir + "/pid; cat " + test_support::tracefs_mount.string() +
         "/instances/probity-*/set_event_pid > " + dir + "/lists 2>/dev/null; "
         "for i in 1 2 3 4 5; do /bin/true; done'";
}

std::string count_of(const Outcome& run) {
  std::istringstream in(run.out);
  std::string word;
  std::string last;
  while (in >> word) last = word;
  return last;
}

TEST(TargetPrefilter, OnlyTheTargetsTasksRecordAndTheCountIsUnchanged) {
  REQUIRE_TRACEFS();
  const BusyForker other;
  ScratchDirectory followed("probity-prefilter");
  const Outcome with = test_support::run_process(
      PROBITY_BINARY, {"-v", "-n", "sched:sched_process_fork /pid == $target/ { @ = count(); }", "-c", workload(followed)});
  ASSERT_EQ(with.status, 0) << with.err;
  const std::string target = read_file(followed.path() / "pid");
  ASSERT_FALSE(target.empty());
  const bool kernel_has_event_fork = std::filesystem::exists(test_support::tracefs_mount / "options" / "event-fork");
  if (kernel_has_event_fork) {
    EXPECT_NE(with.err.find("only process " + target.substr(0, target.find('\n')) + " and the tasks it creates"),
              std::string::npos)
        << with.err;
    // The target, and the cat it forked (added by event-fork), were listed.
    std::istringstream lists(read_file(followed.path() / "lists"));
    std::vector<std::string> listed;
    for (std::string pid; lists >> pid;) listed.push_back(pid);
    EXPECT_NE(std::find(listed.begin(), listed.end(), target.substr(0, target.find('\n'))), listed.end())
        << read_file(followed.path() / "lists");
    EXPECT_GE(listed.size(), 2U) << read_file(followed.path() / "lists");
  } else {
    EXPECT_NE(with.err.find("options/event-fork"), std::string::npos) << with.err;
  }

  // The same predicate as one the kernel cannot use: every process records.
  ScratchDirectory unfiltered("probity-prefilter");
  const Outcome without = test_support::run_process(
      PROBITY_BINARY,
      {"-v", "-n", "sched:sched_process_fork /pid == $target || 0/ { @ = count(); }", "-c", workload(unfiltered)});
  ASSERT_EQ(without.status, 0) << without.err;
  EXPECT_EQ(without.err.find("and the tasks it creates"), std::string::npos) << without.err;
  EXPECT_EQ(read_file(unfiltered.path() / "lists").find(read_file(unfiltered.path() / "pid")), std::string::npos);

  EXPECT_EQ(count_of(with), count_of(without)) << with.out << "\n" << without.out;
  EXPECT_GE(std::stoi(count_of(with)), 6) << with.out;
}

}  // namespace
}  // namespace probity
