#include "probity/catalogue/probe_spellings.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace probity::catalogue {
namespace {

using enum SpellingKind;

constexpr std::array spellings{
    // DTrace providers, by provider and probe name.
    ProbeSpelling{DTraceProbe, "syscall", "entry", "raw_syscalls:sys_enter",
                  "every system call: args->id is its number, args->args[] its raw arguments; "
                  "syscall::NAME:entry is syscalls:sys_enter_NAME, with the arguments by name"},
    ProbeSpelling{DTraceProbe, "syscall", "return", "raw_syscalls:sys_exit",
                  "args->ret is the result; syscall::NAME:return is syscalls:sys_exit_NAME"},
    ProbeSpelling{DTraceProbe, "proc", "exec-success", "sched:sched_process_exec",
                  "args->filename is the program's path"},
    ProbeSpelling{DTraceProbe, "proc", "exec", "sched:sched_process_exec",
                  "it fires once the exec has succeeded; nothing fires before"},
    ProbeSpelling{DTraceProbe, "proc", "exit", "sched:sched_process_exit", "it fires for each exiting thread"},
    ProbeSpelling{DTraceProbe, "proc", "create", "sched:sched_process_fork",
                  "args->child_pid is the new process"},
    ProbeSpelling{DTraceProbe, "proc", "lwp-create", "sched:sched_process_fork",
                  "it fires for new threads as well as processes"},
    ProbeSpelling{DTraceProbe, "proc", "lwp-exit", "sched:sched_process_exit", ""},
    ProbeSpelling{DTraceProbe, "proc", "signal-send", "signal:signal_generate", ""},
    ProbeSpelling{DTraceProbe, "proc", "signal-handle", "signal:signal_deliver", ""},
    ProbeSpelling{DTraceProbe, "signal", "send", "signal:signal_generate",
                  "args->sig is the signal, args->pid the target"},
    ProbeSpelling{DTraceProbe, "sched", "on-cpu", "sched:sched_switch",
                  "args->next_pid and args->next_comm are the thread going on the CPU"},
    ProbeSpelling{DTraceProbe, "sched", "off-cpu", "sched:sched_switch",
                  "args->prev_pid and args->prev_comm are the thread leaving the CPU"},
    ProbeSpelling{DTraceProbe, "sched", "enqueue", "sched:sched_wakeup", ""},
    ProbeSpelling{DTraceProbe, "sched", "wakeup", "sched:sched_wakeup", ""},
    ProbeSpelling{DTraceProbe, "io", "start", "block:block_rq_issue", "args->bytes is the request's size"},
    ProbeSpelling{DTraceProbe, "io", "done", "block:block_rq_complete", ""},
    ProbeSpelling{DTraceProbe, "vminfo", "as_fault", "exceptions:page_fault_user", ""},
    ProbeSpelling{DTraceProbe, "tcp", "state-change", "sock:inet_sock_set_state",
                  "args->oldstate and args->newstate are the TCP states"},
    // Kernel functions (fbt, kprobe, kretprobe, fentry, fexit, kfunc), by name.
    ProbeSpelling{KernelFunction, "", "oom_kill_process", "oom:mark_victim",
                  "it fires when the OOM killer has chosen its victim"},
    ProbeSpelling{KernelFunction, "", "tcp_retransmit_skb", "tcp:tcp_retransmit_skb", ""},
    ProbeSpelling{KernelFunction, "", "tcp_v4_send_reset", "tcp:tcp_send_reset", ""},
    ProbeSpelling{KernelFunction, "", "tcp_v6_send_reset", "tcp:tcp_send_reset", ""},
    ProbeSpelling{KernelFunction, "", "tcp_set_state", "sock:inet_sock_set_state", ""},
    ProbeSpelling{KernelFunction, "", "tcp_v4_connect", "sock:inet_sock_set_state",
                  "a connect is the move from TCP_CLOSE to TCP_SYN_SENT"},
    ProbeSpelling{KernelFunction, "", "tcp_v6_connect", "sock:inet_sock_set_state",
                  "a connect is the move from TCP_CLOSE to TCP_SYN_SENT"},
    ProbeSpelling{KernelFunction, "", "inet_csk_accept", "sock:inet_sock_set_state",
                  "an accepted connection moves from TCP_SYN_RECV to TCP_ESTABLISHED"},
    ProbeSpelling{KernelFunction, "", "do_exit", "sched:sched_process_exit", ""},
    ProbeSpelling{KernelFunction, "", "wake_up_new_task", "sched:sched_wakeup_new", ""},
    ProbeSpelling{KernelFunction, "", "try_to_wake_up", "sched:sched_waking", ""},
    ProbeSpelling{KernelFunction, "", "finish_task_switch", "sched:sched_switch", ""},
    ProbeSpelling{KernelFunction, "", "handle_mm_fault", "exceptions:page_fault_user",
                  "exceptions:page_fault_kernel has the kernel's own faults"},
    ProbeSpelling{KernelFunction, "", "blk_mq_start_request", "block:block_rq_issue", ""},
    ProbeSpelling{KernelFunction, "", "blk_account_io_start", "block:block_rq_issue", ""},
    ProbeSpelling{KernelFunction, "", "blk_account_io_done", "block:block_rq_complete", ""},
    ProbeSpelling{KernelFunction, "", "blk_mq_end_request", "block:block_rq_complete", ""},
    ProbeSpelling{KernelFunction, "", "__send_signal_locked", "signal:signal_generate", ""},
    ProbeSpelling{KernelFunction, "", "send_signal", "signal:signal_generate", ""},
    ProbeSpelling{KernelFunction, "", "get_signal", "signal:signal_deliver", ""},
    ProbeSpelling{KernelFunction, "", "kfree_skb", "skb:kfree_skb", "args->reason says why it was dropped"},
    ProbeSpelling{KernelFunction, "", "__kmalloc", "kmem:kmalloc", ""},
    ProbeSpelling{KernelFunction, "", "do_sys_openat2", "syscalls:sys_enter_openat", ""},
    // bpftrace's perf events.
    ProbeSpelling{PerfEvent, "software", "faults", "exceptions:page_fault_user",
                  "every user page fault, not a sample of them"},
    ProbeSpelling{PerfEvent, "software", "page-faults", "exceptions:page_fault_user",
                  "every user page fault, not a sample of them"},
    ProbeSpelling{PerfEvent, "software", "cs", "sched:sched_switch", "every context switch, not a sample of them"},
    ProbeSpelling{PerfEvent, "software", "context-switches", "sched:sched_switch",
                  "every context switch, not a sample of them"},
    ProbeSpelling{PerfEvent, "software", "migrations", "sched:sched_migrate_task", ""},
    ProbeSpelling{PerfEvent, "software", "cpu-migrations", "sched:sched_migrate_task", ""},
};

constexpr std::array kernel_function_entries{
    std::string_view{"kprobe"}, std::string_view{"k"},     std::string_view{"fentry"},
    std::string_view{"f"},      std::string_view{"kfunc"},
};
constexpr std::array kernel_function_returns{
    std::string_view{"kretprobe"}, std::string_view{"kr"}, std::string_view{"fexit"},
    std::string_view{"fr"},        std::string_view{"kretfunc"},
};
// How architectures name a system call's kernel function.
constexpr std::array system_call_prefixes{
    std::string_view{"__x64_sys_"}, std::string_view{"__arm64_sys_"}, std::string_view{"__ia32_sys_"},
    std::string_view{"__se_sys_"},  std::string_view{"__do_sys_"},    std::string_view{"sys_"},
};

template <std::size_t N>
bool is_one_of(std::string_view word, const std::array<std::string_view, N>& words) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

std::vector<std::string_view> split_colons(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t end; (end = text.find(':', start)) != std::string_view::npos; start = end + 1) {
    parts.push_back(text.substr(start, end - start));
  }
  parts.push_back(text.substr(start));
  return parts;
}

std::optional<SpellingMatch> row_for(SpellingKind kind, std::string_view provider, std::string_view name) {
  for (const ProbeSpelling& row : spellings) {
    if (row.kind == kind && row.provider == provider && row.name == name) {
      return SpellingMatch{std::string(row.tracepoint), std::string(row.note)};
    }
  }
  return std::nullopt;
}

std::optional<SpellingMatch> system_call(std::string_view name, bool entry) {
  if (name.empty()) return std::nullopt;
  if (entry) return SpellingMatch{"syscalls:sys_enter_" + std::string(name), "args->FIELD holds the arguments by name"};
  return SpellingMatch{"syscalls:sys_exit_" + std::string(name), "args->ret holds the return value"};
}

std::optional<SpellingMatch> kernel_function(std::string_view function, bool entry) {
  for (const std::string_view prefix : system_call_prefixes) {
    if (function.starts_with(prefix)) return system_call(function.substr(prefix.size()), entry);
  }
  return row_for(KernelFunction, "", function);
}

}  // namespace

std::string ProbeSpelling::spelling() const {
  switch (kind) {
    case DTraceProbe: return std::string(provider) + ":::" + std::string(name);
    case KernelFunction: return "kprobe:" + std::string(name);
    case PerfEvent: return std::string(provider) + ":" + std::string(name);
  }
  return std::string(name);
}

std::span<const ProbeSpelling> probe_spellings() { return spellings; }

std::optional<SpellingMatch> tracepoint_for(std::string_view description) {
  const std::vector<std::string_view> parts = split_colons(description);
  if (parts.size() == 4) {  // DTrace: provider:module:function:name
    const std::string_view provider = parts[0];
    const std::string_view function = parts[2];
    const std::string_view name = parts[3];
    if (provider == "syscall" && !function.empty()) {
      if (name != "entry" && name != "return") return std::nullopt;
      return system_call(function, name == "entry");
    }
    if (provider == "fbt") return kernel_function(function, name != "return");
    return row_for(DTraceProbe, provider, name);
  }
  if (parts.size() < 2) return std::nullopt;
  // bpftrace: kprobe:FUNCTION, kprobe:MODULE:FUNCTION, software:EVENT[:COUNT].
  const std::string_view type = parts[0];
  if (is_one_of(type, kernel_function_entries)) return kernel_function(parts.back(), true);
  if (is_one_of(type, kernel_function_returns)) return kernel_function(parts.back(), false);
  if (type == "software" || type == "s") return row_for(PerfEvent, "software", parts[1]);
  return std::nullopt;
}

}  // namespace probity::catalogue
