// The table of DTrace and bpftrace probe spellings and the tracepoints that
// do their job: what each spelling resolves to, that every tracepoint it
// names is catalogued on every shipped release, and that the manual's table
// is the table.
#include "probity/catalogue/probe_spellings.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "probity/catalogue/index.hpp"

namespace probity::catalogue {
namespace {

std::string tracepoint_of(std::string_view description) {
  const std::optional<SpellingMatch> match = tracepoint_for(description);
  return match ? match->tracepoint : "(none)";
}

TEST(ProbeSpellings, DTraceProvidersByProviderAndName) {
  EXPECT_EQ(tracepoint_of("syscall:::entry"), "raw_syscalls:sys_enter");
  EXPECT_EQ(tracepoint_of("syscall:::return"), "raw_syscalls:sys_exit");
  EXPECT_EQ(tracepoint_of("proc:::exec-success"), "sched:sched_process_exec");
  EXPECT_EQ(tracepoint_of("proc:::exit"), "sched:sched_process_exit");
  EXPECT_EQ(tracepoint_of("io:::start"), "block:block_rq_issue");
  EXPECT_EQ(tracepoint_of("io:genunix::done"), "block:block_rq_complete");
  EXPECT_EQ(tracepoint_of("sched:::on-cpu"), "sched:sched_switch");
  EXPECT_EQ(tracepoint_of("signal:::send"), "signal:signal_generate");
  EXPECT_EQ(tracepoint_of("proc:::no-such-probe"), "(none)");
}

TEST(ProbeSpellings, SystemCallsByNameAreTheirSyscallsEvents) {
  EXPECT_EQ(tracepoint_of("syscall::openat:entry"), "syscalls:sys_enter_openat");
  EXPECT_EQ(tracepoint_of("syscall::open*:return"), "syscalls:sys_exit_open*");
  EXPECT_EQ(tracepoint_of("kprobe:__x64_sys_kill"), "syscalls:sys_enter_kill");
  EXPECT_EQ(tracepoint_of("kretprobe:__x64_sys_kill"), "syscalls:sys_exit_kill");
  EXPECT_EQ(tracepoint_of("fentry:__arm64_sys_read"), "syscalls:sys_enter_read");
  EXPECT_EQ(tracepoint_of("syscall::openat:probe"), "(none)");
}

TEST(ProbeSpellings, AKernelFunctionWhicheverProbeTypeSpellsIt) {
  for (const std::string_view spelling :
       {"kprobe:oom_kill_process", "k:oom_kill_process", "kretprobe:oom_kill_process", "fentry:oom_kill_process",
        "kfunc:vmlinux:oom_kill_process", "fexit:oom_kill_process", "fbt::oom_kill_process:entry",
        "fbt:vmlinux:oom_kill_process:return"}) {
    EXPECT_EQ(tracepoint_of(spelling), "oom:mark_victim") << spelling;
  }
  EXPECT_EQ(tracepoint_of("kprobe:tcp_retransmit_skb"), "tcp:tcp_retransmit_skb");
  EXPECT_EQ(tracepoint_of("kprobe:no_such_function"), "(none)");
}

TEST(ProbeSpellings, BpftracePerfEventsWhateverTheirCount) {
  EXPECT_EQ(tracepoint_of("software:faults:100"), "exceptions:page_fault_user");
  EXPECT_EQ(tracepoint_of("software:page-faults"), "exceptions:page_fault_user");
  EXPECT_EQ(tracepoint_of("s:cs:1"), "sched:sched_switch");
  EXPECT_EQ(tracepoint_of("software:cpu-clock:1000000"), "(none)");
}

TEST(ProbeSpellings, TracepointsAreNotRespelled) {
  EXPECT_EQ(tracepoint_of("sched:sched_switch"), "(none)");
  EXPECT_EQ(tracepoint_of("tracepoint:sched:sched_switch"), "(none)");
  EXPECT_EQ(tracepoint_of("sched:::sched_switch"), "(none)");
}

TEST(ProbeSpellings, EveryTracepointIsCataloguedOnEveryShippedRelease) {
  const Index index = Index::open(PROBITY_INDEX_FILE);
  for (const std::string& release : index.releases()) {
    const Catalogue catalogue = index.load(release);
    for (const ProbeSpelling& row : probe_spellings()) {
      const std::string tracepoint(row.tracepoint);
      const std::size_t colon = tracepoint.find(':');
      EXPECT_NE(catalogue.find_event(tracepoint.substr(0, colon), tracepoint.substr(colon + 1)), nullptr)
          << row.spelling() << " -> " << tracepoint << " on " << release;
    }
  }
}

// docs/manual/language.md lists the table, row for row.
TEST(ProbeSpellings, TheManualListsEveryRowAndNoOther) {
  std::ifstream file(std::string(PROBITY_MANUAL_DIR) + "/language.md");
  ASSERT_TRUE(file) << PROBITY_MANUAL_DIR << "/language.md";
  std::vector<std::string> documented;
  bool in_section = false;
  for (std::string line; std::getline(file, line);) {
    if (line.starts_with("### Probes of other tracers")) in_section = true;
    else if (line.starts_with("#")) in_section = false;
    if (in_section && line.starts_with("| `")) documented.push_back(line);
  }
  ASSERT_EQ(documented.size(), probe_spellings().size());
  for (std::size_t i = 0; i < documented.size(); ++i) {
    const ProbeSpelling& row = probe_spellings()[i];
    EXPECT_TRUE(documented[i].starts_with("| `" + row.spelling() + "`")) << documented[i];
    EXPECT_NE(documented[i].find("| `" + std::string(row.tracepoint) + "` | " + std::string(row.note) + " |"),
              std::string::npos)
        << documented[i];
  }
}

}  // namespace
}  // namespace probity::catalogue
