// What the pid, ppid, uid, gid and execname built-ins need about the thread
// behind a record's common_pid: read from /proc/<tid>/status once per thread
// and cached. A thread that exited before its records were read is looked up
// in the kernel's own caches of traced tasks, tracefs's saved_cmdlines and
// saved_tgids (filled while events are enabled); failing that, it reads as
// "<...>" (as trace-cmd prints it), its own process, ids 0.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <unordered_map>

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
  };
  // Fills a gone thread's comm and tgid from the kernel's caches.
  bool recall_exited(pid_t tid, ThreadInfo& info);

  std::filesystem::path tracing_;
  std::unordered_map<pid_t, Cached> threads_;
  std::unordered_map<pid_t, std::string> saved_comms_;
  std::unordered_map<pid_t, pid_t> saved_tgids_;
  std::chrono::steady_clock::time_point tgids_read_at_{};
  std::uint64_t batch_ = 1;
  std::uint64_t comms_read_in_batch_ = 0;
  std::chrono::steady_clock::time_point now_ = std::chrono::steady_clock::now();
};

}  // namespace probity::consumer
