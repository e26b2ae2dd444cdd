// An administrator's ten everyday one-liners, typed as DTrace users and as
// bpftrace users write them, run on the live kernel with the real binary.
// Each works as typed, or fails with an error whose hint, applied as it
// says, makes it work in one step: a carried-over probe spelling names the
// tracepoint to use instead, a hot probe names the option that allows it.
//
// Each runs with a workload as its -c command (a shell that execs, signals,
// faults and makes system calls), so the run ends when the workload does and
// the output of the probes that workload fires can be checked.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <ostream>
#include <string>
#include <vector>

#include "support/probity_process.hpp"
#include "support/tracefs.hpp"

namespace probity {
namespace {

using test_support::Outcome;

struct OneLiner {
  std::string what;
  std::string program;  // as typed
  // What the first error's hint must say (empty: it works as typed), and the
  // program and options that applying the hint gives.
  std::vector<std::string> hints;
  std::string fixed_program;  // empty: the same program
  std::vector<std::string> fixed_options;
  // Text the output must contain after the workload; empty when the workload
  // cannot make the event happen (a TCP retransmit, an OOM kill, disk I/O).
  std::string expected_output;
};

// A shell that starts a child and sends it SIGUSR1 (signal 10), waits, execs
// /bin/true, and reads files with cat and ls (system calls, page faults, opens).
const std::string workload =
    "sh -c 'sleep 5 & kill -USR1 $! 2>/dev/null; wait; /bin/true; cat /etc/hostname >/dev/null; ls / >/dev/null'";

const std::vector<std::string> allow_hot{"-x", "allow=hot"};
const std::vector<std::string> allow_sensitive{"-x", "allow=sensitive"};

std::vector<OneLiner> one_liners() {
  const std::string exec_printf = R"({ printf("%s %s\n", execname, stringof(args->filename)); })";
  return {
      {"syscalls by process (D)", "syscall:::entry { @[execname] = count(); }", {"raw_syscalls:sys_enter", "allow=hot"},
       "raw_syscalls:sys_enter { @[execname] = count(); }", allow_hot, "cat"},
      {"syscalls by process (bpftrace)", "tracepoint:raw_syscalls:sys_enter { @[comm] = count(); }", {"allow=hot"}, "",
       allow_hot, "cat"},
      {"exec with path (D)", "proc:::exec-success " + exec_printf, {"sched:sched_process_exec", "allow=sensitive"},
       "sched:sched_process_exec " + exec_printf, allow_sensitive, "/bin/true"},
      {"exec with path (bpftrace)",
       R"(tracepoint:sched:sched_process_exec { printf("%s %s\n", comm, str(args->filename)); })", {"allow=sensitive"},
       "", allow_sensitive, "/bin/true"},
      {"block I/O sizes (D)", "io:::start { @ = quantize(args->bytes); }", {"block:block_rq_issue"},
       "block:block_rq_issue { @ = quantize(args->bytes); }", {}, ""},
      {"block I/O sizes (bpftrace)", "tracepoint:block:block_rq_issue { @ = hist(args->bytes); }", {}, "", {}, ""},
      {"run-queue latency (D)",
       "sched:sched_wakeup { ts[args->pid] = timestamp; } sched:sched_switch /ts[args->next_pid]/ "
       "{ @ = quantize(timestamp - ts[args->next_pid]); ts[args->next_pid] = 0; }",
       {}, "", {}, "Distribution"},
      {"run-queue latency (bpftrace)",
       "tracepoint:sched:sched_wakeup { @qt[args->pid] = nsecs; } tracepoint:sched:sched_switch /@qt[args->next_pid]/ "
       "{ @usecs = hist((nsecs - @qt[args->next_pid]) / 1000); delete(@qt[args->next_pid]); }",
       {}, "", {}, "Distribution"},
      {"signals (D)", "signal:::send { @[args->sig, execname] = count(); }", {"signal:signal_generate"},
       "signal:signal_generate { @[args->sig, execname] = count(); }", {}, "10  sh"},
      {"signals (bpftrace)", "tracepoint:signal:signal_generate { @[args->sig, comm] = count(); }", {}, "", {},
       "10  sh"},
      {"TCP retransmits (D)", "fbt::tcp_retransmit_skb:entry { @[execname] = count(); }", {"tcp:tcp_retransmit_skb"},
       "tcp:tcp_retransmit_skb { @[execname] = count(); }", {}, ""},
      {"TCP retransmits (bpftrace)", "tracepoint:tcp:tcp_retransmit_skb { @[args->dport] = count(); }", {}, "", {},
       ""},
      {"page faults (D)", "vminfo:::as_fault { @[execname] = count(); }", {"exceptions:page_fault_user", "allow=hot"},
       "exceptions:page_fault_user { @[execname] = count(); }", allow_hot, "ls"},
      {"page faults (bpftrace)", "software:faults:1 { @[comm] = count(); }", {"exceptions:page_fault_user", "allow=hot"},
       "tracepoint:exceptions:page_fault_user { @[comm] = count(); }", allow_hot, "ls"},
      {"OOM kills (D)", "fbt::oom_kill_process:entry { trace(execname); }", {"oom:mark_victim"},
       "oom:mark_victim { trace(args->pid); }", {}, ""},
      {"OOM kills (bpftrace)", R"(kprobe:oom_kill_process { printf("%s\n", comm); })", {"oom:mark_victim"},
       R"(tracepoint:oom:mark_victim { printf("%d\n", args->pid); })", {}, ""},
      {"context switches per second (D)", "sched:::on-cpu { @ = count(); } tick-1s { printa(@); clear(@); }",
       {"sched:sched_switch"}, "sched:sched_switch { @ = count(); } tick-1s { printa(@); clear(@); }", {}, ""},
      {"context switches per second (bpftrace)",
       "tracepoint:sched:sched_switch { @ = count(); } interval:s:1 { print(@); clear(@); }", {}, "", {}, ""},
      {"opens by process (D)", "syscall::openat:entry { @[execname] = count(); }", {"syscalls:sys_enter_openat"},
       "syscalls:sys_enter_openat { @[execname] = count(); }", {}, "cat"},
      {"opens by process (bpftrace)", "tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }", {}, "", {}, "cat"},
  };
}

// What ctest and gtest show for a case: its name, not its bytes.
void PrintTo(const OneLiner& one, std::ostream* out) { *out << one.what; }

Outcome run(const std::string& program, const std::vector<std::string>& options) {
  std::vector<std::string> arguments = options;
  arguments.insert(arguments.end(), {"-n", program, "-c", workload});
  return test_support::run_process(PROBITY_BINARY, arguments);
}

class OneLiners : public testing::TestWithParam<OneLiner> {};

TEST_P(OneLiners, WorkAsTypedOrOneStepFromTheHint) {
  if (const auto reason = test_support::tracefs_unavailable()) GTEST_SKIP() << *reason;
  const OneLiner& one = GetParam();
  Outcome outcome = run(one.program, {});
  if (one.hints.empty()) {
    ASSERT_EQ(outcome.status, 0) << one.program << "\n" << outcome.err;
  } else {
    ASSERT_NE(outcome.status, 0) << one.program << " was expected to need a fix\n" << outcome.out;
    const std::string hint = outcome.err.substr(std::min(outcome.err.find("hint: "), outcome.err.size()));
    for (const std::string& needed : one.hints) {
      EXPECT_NE(hint.find(needed), std::string::npos) << "the hint does not say " << needed << ":\n" << outcome.err;
    }
    const std::string fixed = one.fixed_program.empty() ? one.program : one.fixed_program;
    outcome = run(fixed, one.fixed_options);
    ASSERT_EQ(outcome.status, 0) << fixed << "\n" << outcome.err;
  }
  if (!one.expected_output.empty()) {
    EXPECT_NE(outcome.out.find(one.expected_output), std::string::npos)
        << one.what << " printed no " << one.expected_output << ":\n" << outcome.out << outcome.err;
  }
}

std::string test_name(const testing::TestParamInfo<OneLiner>& info) {
  std::string name;
  for (const char c : info.param.what) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) name += c;
    else if (!name.empty() && name.back() != '_') name += '_';
  }
  while (!name.empty() && name.back() == '_') name.pop_back();
  return name;
}

INSTANTIATE_TEST_SUITE_P(AnAdminsFirstDay, OneLiners, testing::ValuesIn(one_liners()), test_name);

}  // namespace
}  // namespace probity
