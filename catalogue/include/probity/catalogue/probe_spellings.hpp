// Probe spellings users bring from DTrace and bpftrace for things the kernel
// also reports through a static tracepoint: `syscall:::entry`,
// `kprobe:oom_kill_process`, `software:faults`. Probity cannot enable those
// probes (they need kernel code or perf events); the table says which
// tracepoint does the same job, for the hints of D_PROBE_UNSUPPORTED and
// D_PROBE_NOMATCH and for the manual's table (docs/manual/language.md).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace probity::catalogue {

enum class SpellingKind : std::uint8_t {
  DTraceProbe,     // provider:module:function:name, by provider and name ("proc:::exec-success")
  KernelFunction,  // a function of the kernel: fbt::F:entry, kprobe:F, kretprobe:F, fentry:F, ...
  PerfEvent,       // bpftrace's software:EVENT[:COUNT] and hardware:EVENT[:COUNT]
};

struct ProbeSpelling {
  SpellingKind kind;
  std::string_view provider;    // "proc"; "" for KernelFunction; "software" or "hardware"
  std::string_view name;        // "exec-success"; the function; the perf event
  std::string_view tracepoint;  // "sched:sched_process_exec"
  std::string_view note;        // what to know when switching; may be ""

  // As the user would write it: "proc:::exec-success", "kprobe:oom_kill_process",
  // "software:faults".
  std::string spelling() const;
};

// Every row, in the order the manual lists them.
std::span<const ProbeSpelling> probe_spellings();

// The tracepoint for `description` (as written in a script) and what to know
// about it, when it is one of those spellings; system calls by name too
// (syscall::openat:entry, kprobe:__x64_sys_openat: syscalls:sys_enter_openat).
struct SpellingMatch {
  std::string tracepoint;  // may be a glob: "syscalls:sys_enter_open*"
  std::string note;
};
std::optional<SpellingMatch> tracepoint_for(std::string_view description);

}  // namespace probity::catalogue
