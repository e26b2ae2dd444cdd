// Run-time errors and run control with the real probity binary, against what
// DTrace documents: a clause that faults is abandoned and what it recorded is
// dropped, dtrace's own ERROR enabling reports it on stderr, the ERROR
// probe's clauses fire with the fault in arg1..arg5 (DTrace for Linux's
// meanings), and the run goes on with the next clause and the next record;
// predicates may have side effects, evaluated once per firing; exit() ends
// the trace (even with a -c command still running), its first status is the
// run's unless END calls exit() again. Needs root.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "support/probity_process.hpp"
#include "support/tracefs.hpp"

namespace probity {
namespace {

using test_support::Outcome;
using namespace std::chrono_literals;

Outcome run(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {"--index", PROBITY_INDEX_FILE});
  return test_support::run_process(PROBITY_BINARY, arguments);
}

// Runs `program` under -q -n, checks its exit status and output, and returns
// the outcome for the checks of stderr.
Outcome expect_quiet_run(const std::string& program, int status, const std::string& out) {
  const Outcome outcome = run({"-q", "-n", program});
  EXPECT_EQ(outcome.status, status) << outcome.err;
  EXPECT_EQ(outcome.out, out + "\n") << program;  // dtrace ends a run with a blank line
  return outcome;
}

// How many lines of `text` contain `part`.
std::size_t lines_with(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (text.substr(start, end - start).find(part) != std::string::npos) ++count;
    start = end + 1;
  }
  return count;
}

// ------------------------------------------------------------ the ERROR probe

TEST(RunErrors, DivisionByZeroFiresErrorWithTheFaultInItsArguments) {
  REQUIRE_TRACEFS();
  // Clause 2 faults in BEGIN (probe id 1): arg1 is that id, arg2 the clause,
  // arg3 -1 (no DIF offset), arg4 DTRACEFLT_DIVZERO (4), arg5 0.
  const Outcome outcome = expect_quiet_run("BEGIN { myid = id; } BEGIN { i = 1; j = 2; } "
                                           "BEGIN { j = i / (j - 2); exit(1); } "
                                           "ERROR { printf(\"%d %d %d %d %d %d\\n\", arg1 == myid, arg2, arg3, arg4, arg5, "
                                           "arg4 == DTRACEFLT_DIVZERO); exit(0); }",
                                           0, "1 2 -1 4 0 1\n");
  EXPECT_EQ(outcome.err, "probity: error in clause 2 for probe ID 1 (dtrace:::BEGIN): divide-by-zero at line 1\n");
}

TEST(RunErrors, ModuloByZeroIsADivideByZeroFaultToo) {
  REQUIRE_TRACEFS();
  const Outcome outcome = run({"-q", "-n",
                               "BEGIN { i = 1; j = 2; j = i % (j - 2); exit(1); } "
                               "ERROR { exit(arg4 != DTRACEFLT_DIVZERO || arg2 != 0 || arg5 != 0); }"});
  EXPECT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(lines_with(outcome.err, "divide-by-zero"), 1U) << outcome.err;
}

TEST(RunErrors, TheFaultingClauseRecordsNothingAndTheNextClauseRuns) {
  REQUIRE_TRACEFS();
  // DTrace drops the faulting clause's record: "a" is never output; ERROR
  // fires at the fault, before the next clause of the same BEGIN.
  const Outcome outcome = expect_quiet_run("ERROR { printf(\"Error fired\\n\"); } "
                                           "BEGIN { x = 0; printf(\"a\\n\"); y = 1 / x; printf(\"b\\n\"); } "
                                           "BEGIN { printf(\"Clause executed\\n\"); exit(0); }",
                                           0, "Error fired\nClause executed\n");
  EXPECT_EQ(lines_with(outcome.err, "probity: error in clause 1 for probe ID 1 (dtrace:::BEGIN): divide-by-zero"),
            1U)
      << outcome.err;
}

TEST(RunErrors, AFaultWithoutAnErrorClauseIsReportedAndTheRunGoesOn) {
  REQUIRE_TRACEFS();
  const Outcome outcome = run({"-n",
                               "BEGIN { x = 0; y = 1 / x; } "
                               "BEGIN { printf(\"still here\"); exit(3); }"});
  EXPECT_EQ(outcome.status, 3) << outcome.err;
  EXPECT_NE(outcome.out.find("still here"), std::string::npos) << outcome.out;
  EXPECT_EQ(lines_with(outcome.err, "divide-by-zero at line 1"), 1U) << outcome.err;
}

TEST(RunErrors, EndFiresAfterAnExitInError) {
  REQUIRE_TRACEFS();
  expect_quiet_run("ERROR { printf(\"Error fired\\n\"); exit(0); } "
                   "END { printf(\"End fired after exit\\n\"); } "
                   "BEGIN { x = 0; x = 1 / x; exit(1); }",
                   0, "Error fired\nEnd fired after exit\n");
}

TEST(RunErrors, EveryFiringThatFaultsFiresErrorAndTheOthersRun) {
  REQUIRE_TRACEFS();
  // Odd ticks divide by 1, even ones by 0: ticks 2 and 4 fault.
  const Outcome outcome = expect_quiet_run("tick-10ms { n++; x = 10 / (n % 2); printf(\"tick %d\\n\", n); } "
                                           "tick-10ms /n == 5/ { exit(0); } "
                                           "ERROR { printf(\"error %d\\n\", n); } "
                                           "END { printf(\"end\\n\"); }",
                                           0, "tick 1\nerror 2\ntick 3\nerror 4\ntick 5\nend\n");
  EXPECT_EQ(lines_with(outcome.err, "divide-by-zero"), 2U) << outcome.err;
}

TEST(RunErrors, AFaultInATracepointClauseNamesTheEventAndItsId) {
  REQUIRE_TRACEFS();
  std::ifstream id_file(test_support::tracefs_mount / "events/sched/sched_process_exec/id");
  int event_id = 0;
  ASSERT_TRUE(id_file >> event_id);
  // The exec of -c's command is one record: its first clause faults, its
  // second one still runs on it.
  const Outcome outcome = run({"-q", "-x", "allow=sensitive", "-c", "/bin/true", "-n",
                               "sched:sched_process_exec /pid == $target/ { printf(\"a\\n\"); x = 1 / (pid - $target); } "
                               "sched:sched_process_exec /pid == $target/ { printf(\"second clause\\n\"); } "
                               "ERROR { printf(\"error on %d in clause %d\\n\", arg1, arg2); }"});
  EXPECT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(outcome.out, "error on " + std::to_string(event_id) + " in clause 0\nsecond clause\n\n");
  EXPECT_EQ(lines_with(outcome.err, "probity: error in clause 0 for probe ID " + std::to_string(event_id) +
                                        " (sched:sched_process_exec): divide-by-zero at line 1"),
            1U)
      << outcome.err;
}

TEST(RunErrors, AnIndexOutOfBoundsIsDtraceForLinuxsBadindexWithTheIndexInArg5) {
  REQUIRE_TRACEFS();
  // raw_syscalls:sys_enter records args[6]: index 6 is out of bounds. Only
  // the command's first system call is looked at.
  const Outcome outcome = run({"-q", "-x", "allow=hot", "-c", "/bin/true", "-n",
                               "raw_syscalls:sys_enter /pid == $target && !done/ { done = 1; i = 6; "
                               "x = args->args[i]; } "
                               "ERROR { printf(\"%d %d\\n\", arg4, arg5); }"});
  EXPECT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(outcome.out, "11 6\n\n") << outcome.err;
  EXPECT_EQ(lines_with(outcome.err, "index out of bounds"), 1U) << outcome.err;
}

TEST(RunErrors, AnErrorInAnErrorClauseIsNotHandledAgain) {
  REQUIRE_TRACEFS();
  const Outcome outcome = expect_quiet_run("BEGIN { z = 0; x = 1 / z; } "
                                           "ERROR { n++; printf(\"handled %d\\n\", n); x = 2 / z; } "
                                           "BEGIN { printf(\"next\\n\"); exit(0); }",
                                           0, "next\n");
  EXPECT_EQ(lines_with(outcome.err, "probity: 1 error in ERROR probe enabling"), 1U) << outcome.err;
  EXPECT_EQ(lines_with(outcome.err, "divide-by-zero"), 2U) << outcome.err;
}

TEST(RunErrors, ErrorClausesHaveTheirOwnClauseLocalVariables) {
  REQUIRE_TRACEFS();
  expect_quiet_run("BEGIN { this->x = 5; z = 0; y = 1 / z; } "
                   "ERROR { printf(\"error sees %d\\n\", this->x); this->x = 7; } "
                   "BEGIN { printf(\"begin sees %d\\n\", this->x); exit(0); }",
                   0, "error sees 0\nbegin sees 5\n");
}

TEST(RunErrors, BeginAndEndHavePositionalArgumentsThatAreZero) {
  REQUIRE_TRACEFS();
  expect_quiet_run("BEGIN { printf(\"%d %d\\n\", arg0, arg9); exit(0); } END { printf(\"%d\\n\", arg4); }", 0,
                   "0 0\n0\n");
}

// ------------------------------------------------------------ predicates

TEST(RunErrors, APredicateWithSideEffectsIsEvaluatedOncePerFiring) {
  REQUIRE_TRACEFS();
  expect_quiet_run("BEGIN /i++ == 0/ { printf(\"first %d\\n\", i); } "
                   "BEGIN /i++ == 0/ { printf(\"never\\n\"); } "
                   "BEGIN /(j = i * 10) > 0/ { printf(\"%d %d\\n\", i, j); exit(0); }",
                   0, "first 1\n2 20\n");
}

TEST(RunErrors, ASideEffectInATracepointPredicateHappensOnEveryRecordTheKernelLetsThrough) {
  REQUIRE_TRACEFS();
  // pid == $target goes to the kernel filter; n++ < 1 is evaluated here,
  // once for each exec record of the command (one).
  const Outcome outcome = run({"-q", "-x", "allow=sensitive", "-c", "/bin/true", "-n",
                               "sched:sched_process_exec /pid == $target && n++ < 1/ { printf(\"exec %d\\n\", n); } "
                               "END { printf(\"n %d\\n\", n); }"});
  EXPECT_EQ(outcome.status, 0) << outcome.err;
  EXPECT_EQ(outcome.out, "exec 1\nn 1\n\n");
}

TEST(RunErrors, ADivisionByZeroInAPredicateFaultsInThePredicate) {
  REQUIRE_TRACEFS();
  expect_quiet_run("BEGIN { z = 0; } BEGIN /1 / z/ { printf(\"never\\n\"); } "
                   "ERROR { printf(\"predicate of clause %d\\n\", arg2); } "
                   "BEGIN { exit(0); }",
                   0, "predicate of clause 1\n");
}

// ------------------------------------------------------------ run control

TEST(RunControl, ExitInBeginSkipsTheRemainingBeginClausesAndEndStillFires) {
  REQUIRE_TRACEFS();
  expect_quiet_run("BEGIN { exit(0); } BEGIN { printf(\"shouldn't be here\\n\"); here++; } "
                   "END { printf(\"end\\n\"); exit(here); }",
                   0, "end\n");
}

TEST(RunControl, ExitInEndReplacesTheStatus) {
  REQUIRE_TRACEFS();
  EXPECT_EQ(run({"-q", "-n", "BEGIN { exit(1); } END { exit(0); }"}).status, 0);
  EXPECT_EQ(run({"-q", "-n", "BEGIN { exit(0); } END { exit(4); }"}).status, 4);
  EXPECT_EQ(run({"-q", "-n", "BEGIN { exit(5); } END { }"}).status, 5);
}

TEST(RunControl, TheFirstExitOfARunDecidesItsStatus) {
  REQUIRE_TRACEFS();
  const Outcome outcome = run({"-q", "-n", "tick-10ms { exit(2); } tick-10ms { exit(3); }"});
  EXPECT_EQ(outcome.status, 2) << outcome.err;
}

TEST(RunControl, ExitEndsTheTraceWhileTheCommandStillRuns) {
  REQUIRE_TRACEFS();
  for (const std::string program : {"BEGIN { exit(0); }", "tick-100ms { exit(0); }"}) {
    const auto start = std::chrono::steady_clock::now();
    const Outcome outcome = run({"-q", "-c", "sleep 30", "-n", program + " END { printf(\"end\\n\"); }"});
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(outcome.status, 0) << program << ": " << outcome.err;
    EXPECT_EQ(outcome.out, "end\n\n") << program;
    EXPECT_LT(took, 10s) << program << " waited for the command";
  }
}

}  // namespace
}  // namespace probity
