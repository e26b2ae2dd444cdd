// What the pid, ppid, uid, gid and execname built-ins need about the thread
// behind a record's common_pid. Name and thread group come first from the
// support events followed in record order (comm_tracker.hpp), when the
// program has them and the thread was seen created or renamed. The rest, and
// threads never seen, are read from /proc/<tid>/status once per thread and
// cached. A thread that exited before its records were read is looked up
// in the kernel's own caches of traced tasks, tracefs's saved_cmdlines and
// saved_tgids (filled while events are enabled); failing that, it reads as
// "<...>" (as trace-cmd prints it), its own process, ids 0.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <unordered_map>

#include "comm_tracker.hpp"

namespace probity::consumer {

struct ThreadInfo {
  pid_t tgid = 0;
  pid_t ppid = 0;
  std::int64_t uid = 0;
  std::int64_t gid = 0;
  std::string comm;
};

class ProcessInfo {
 public:
  // `tracing`: the tracefs root holding saved_cmdlines; empty for none.
  explicit ProcessInfo(std::filesystem::path tracing = {}) : tracing_(std::move(tracing)) {}

  const ThreadInfo& thread(pid_t tid);

  // From the support events, in record order: `tid` was created by
  // `creator` (in its thread group when `same_thread_group`), named `comm`;
  // `tid` was renamed `comm`.
  void task_created(pid_t tid, pid_t creator, bool same_thread_group, std::string_view comm);
  void task_renamed(pid_t tid, std::string_view comm) { names_.renamed(tid, comm); }

  // The time freshness is judged by: set once per batch of records rather
  // than read from the clock for every record.
  void set_now(std::chrono::steady_clock::time_point now) {
    now_ = now;
    ++batch_;
  }

 private:
  struct Cached {
    ThreadInfo info;
    std::chrono::steady_clock::time_point read_at;
    std::uint64_t batch = 0;
    bool unknown = false;  // neither /proc nor the kernel's caches knew it
  };
  // Fills a gone thread's comm and tgid from the kernel's caches.
  bool recall_exited(pid_t tid, ThreadInfo& info);
  // What /proc (or, with `recall`, the kernel's caches) says of the thread.
  ThreadInfo& looked_up(pid_t tid, bool recall);

  std::filesystem::path tracing_;
  CommTracker names_;
  std::unordered_map<pid_t, Cached> threads_;
  std::unordered_map<pid_t, std::string> saved_comms_;
  std::unordered_map<pid_t, pid_t> saved_tgids_;
  std::chrono::steady_clock::time_point tgids_read_at_{};
  std::uint64_t batch_ = 1;
  std::uint64_t comms_read_in_batch_ = 0;
  std::chrono::steady_clock::time_point now_ = std::chrono::steady_clock::now();
};

}  // namespace probity::consumer
