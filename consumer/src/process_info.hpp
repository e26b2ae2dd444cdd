// What the pid, ppid, uid, gid and execname built-ins need about the thread
// behind a record's common_pid: read from /proc/<tid>/status once per thread
// and cached (a thread that is gone reads as its own process, ids 0).
#pragma once

#include <sys/types.h>

#include <chrono>
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
  const ThreadInfo& thread(pid_t tid);

 private:
  struct Cached {
    ThreadInfo info;
    std::chrono::steady_clock::time_point read_at;
  };
  std::unordered_map<pid_t, Cached> threads_;
};

}  // namespace probity::consumer
