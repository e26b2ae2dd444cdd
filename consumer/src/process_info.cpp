#include "process_info.hpp"

#include <fstream>
#include <sstream>

namespace probity::consumer {

namespace {

ThreadInfo read_thread(pid_t tid) {
  ThreadInfo info;
  info.tgid = tid;
  if (tid == 0) {
    info.comm = "swapper";
    return info;
  }
  std::ifstream status("/proc/" + std::to_string(tid) + "/status");
  if (!status) {
    info.comm = "<...>";
    return info;
  }
  std::string line;
  while (std::getline(status, line)) {
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = line.substr(0, colon);
    std::istringstream value(line.substr(colon + 1));
    if (key == "Name") {
      value >> std::ws;
      std::getline(value, info.comm);
    } else if (key == "Tgid") {
      value >> info.tgid;
    } else if (key == "PPid") {
      value >> info.ppid;
    } else if (key == "Uid") {
      value >> info.uid;
    } else if (key == "Gid") {
      value >> info.gid;
    }
  }
  return info;
}

}  // namespace

const ThreadInfo& ProcessInfo::thread(pid_t tid) {
  // A thread's name changes at exec: re-read what was read long ago.
  constexpr auto fresh_for = std::chrono::milliseconds(200);
  const auto now = std::chrono::steady_clock::now();
  auto found = threads_.find(tid);
  if (found != threads_.end() && now - found->second.read_at < fresh_for) return found->second.info;
  ThreadInfo info = read_thread(tid);
  if (found != threads_.end() && info.comm == "<...>") {
    found->second.read_at = now;  // gone: keep what was known
    return found->second.info;
  }
  if (threads_.size() > 65536) threads_.clear();
  auto& cached = threads_[tid];
  cached = {std::move(info), now};
  return cached.info;
}

}  // namespace probity::consumer
