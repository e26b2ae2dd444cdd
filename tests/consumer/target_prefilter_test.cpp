// Which programs keep only their target's records, so that the kernel may
// drop every other process's events (set_event_pid): programs compiled
// against the shipped catalogue, no kernel needed.
#include "target_prefilter.hpp"

#include <gtest/gtest.h>

#include <string>

#include "compiled_program.hpp"

namespace probity::consumer {
namespace {

bool prefiltered(const std::string& text) {
  return keeps_only_target_records(test_support::compiled(text, {{"allow", "hot"}}));
}

TEST(TargetPrefilter, EveryClauseOnAnEventMustRequirePidEqualsTarget) {
  EXPECT_TRUE(prefiltered("sched:sched_process_fork /pid == $target/ { @ = count(); }"));
  EXPECT_TRUE(prefiltered("sched:sched_process_fork /$target == pid/ { @ = count(); }"));
  EXPECT_TRUE(prefiltered("sched:sched_process_fork /args->child_pid > 0 && pid == $target/ { @ = count(); }"));
  EXPECT_TRUE(prefiltered("sched:sched_process_fork /(pid == $target && tid > 0) && cpu >= 0/ { @ = count(); }"));
  // BEGIN, END and tick fire in probity, not in a traced task: they do not count.
  EXPECT_TRUE(prefiltered("BEGIN { n = 0; } sched:sched_process_fork /pid == $target/ { n++; } "
                          "tick-1s { trace(n); } END { trace(n); }"));
}

TEST(TargetPrefilter, AnythingElseSeesEveryProcess) {
  EXPECT_FALSE(prefiltered("sched:sched_process_fork { @ = count(); }"));
  EXPECT_FALSE(prefiltered("sched:sched_process_fork /pid == $target || pid == 1/ { @ = count(); }"));
  EXPECT_FALSE(prefiltered("sched:sched_process_fork /pid != $target/ { @ = count(); }"));
  EXPECT_FALSE(prefiltered("sched:sched_process_fork /tid == $target/ { @ = count(); }"));
  EXPECT_FALSE(prefiltered("sched:sched_process_fork /!(pid == $target)/ { @ = count(); }"));
  // One clause without the test is enough to need every process's records.
  EXPECT_FALSE(prefiltered("sched:sched_process_fork /pid == $target/ { @a = count(); } "
                           "sched:sched_process_exit { @b = count(); }"));
  EXPECT_FALSE(prefiltered("BEGIN { exit(0); }"));
}

}  // namespace
}  // namespace probity::consumer
