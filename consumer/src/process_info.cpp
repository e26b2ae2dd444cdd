#include "process_info.hpp"

#include <fstream>
#include <sstream>
#include <type_traits>

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

// "pid value" lines of saved_cmdlines ("1234 bash") and saved_tgids ("1234 1200").
template <typename Store>
void read_pairs(const std::filesystem::path& file, Store& into) {
  std::ifstream lines(file);
  pid_t pid = 0;
  typename Store::mapped_type value{};
  while (lines >> pid) {
    lines >> std::ws;
    if constexpr (std::is_same_v<typename Store::mapped_type, std::string>) {
      std::getline(lines, value);
    } else {
      lines >> value;
    }
    into[pid] = value;
  }
}

}  // namespace

bool ProcessInfo::recall_exited(pid_t tid, ThreadInfo& info) {
  if (tracing_.empty()) return false;
  // The kernel saves a traced task's name when it is next switched out, so
  // a copy read before this batch's records were written may lack it: read
  // again, at most once per batch. saved_tgids walks every possible pid in
  // the kernel, so it is read at most once a second.
  if (!saved_comms_.contains(tid) && comms_read_in_batch_ != batch_) {
    comms_read_in_batch_ = batch_;
    read_pairs(tracing_ / "saved_cmdlines", saved_comms_);
  }
  const auto comm = saved_comms_.find(tid);
  if (comm == saved_comms_.end() || comm->second.empty() || comm->second == "<...>") return false;
  info.comm = comm->second;
  if (!saved_tgids_.contains(tid) && now_ - tgids_read_at_ > std::chrono::seconds(1)) {
    tgids_read_at_ = now_;
    read_pairs(tracing_ / "saved_tgids", saved_tgids_);
  }
  if (const auto tgid = saved_tgids_.find(tid); tgid != saved_tgids_.end() && tgid->second != 0) {
    info.tgid = tgid->second;
  }
  return true;
}

const ThreadInfo& ProcessInfo::thread(pid_t tid) {
  const CommTracker::Task* tracked = names_.find(tid);
  ThreadInfo& info = looked_up(tid, tracked == nullptr);
  if (tracked != nullptr) {
    info.comm = tracked->comm;
    if (tracked->tgid != 0) info.tgid = tracked->tgid;
  }
  return info;
}

void ProcessInfo::task_created(pid_t tid, pid_t creator, bool same_thread_group, std::string_view comm) {
  names_.created(tid, comm, same_thread_group ? thread(creator).tgid : tid);
}

ThreadInfo& ProcessInfo::looked_up(pid_t tid, bool recall) {
  // A thread's name changes at exec: re-read what was read long ago.
  constexpr auto fresh_for = std::chrono::milliseconds(200);
  const auto now = now_;
  auto found = threads_.find(tid);
  if (found != threads_.end()) {
    Cached& cached = found->second;
    // Unknown: try again in the next batch, when the kernel may have saved it.
    const bool fresh = cached.unknown ? cached.batch == batch_ : now - cached.read_at < fresh_for;
    if (fresh) return cached.info;
  }
  ThreadInfo info = read_thread(tid);
  if (info.comm == "<...>") {
    if (found != threads_.end() && !found->second.unknown) {
      found->second.read_at = now;  // gone: keep what was known
      return found->second.info;
    }
    if (recall) recall_exited(tid, info);  // the kernel may have saved its name since
  }
  if (threads_.size() > 65536) threads_.clear();
  auto& cached = threads_[tid];
  const bool unknown = info.comm == "<...>";
  cached = {std::move(info), now, batch_, unknown};
  return cached.info;
}

}  // namespace probity::consumer
