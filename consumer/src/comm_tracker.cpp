#include "comm_tracker.hpp"

#include <sched.h>

#include <algorithm>

#include "process_info.hpp"

namespace probity::consumer {

CommTracker::Entry& CommTracker::entry(pid_t tid) {
  if (tasks_.size() >= capacity_ && !tasks_.contains(tid)) {
    // Forget the least recently named half: amortised, a constant cost per event.
    std::vector<std::uint64_t> ages;
    ages.reserve(tasks_.size());
    for (const auto& [_, known] : tasks_) ages.push_back(known.named_at);
    const auto middle = ages.begin() + static_cast<std::ptrdiff_t>(ages.size() / 2);
    std::nth_element(ages.begin(), middle, ages.end());
    const std::uint64_t oldest_kept = *middle;
    std::erase_if(tasks_, [&](const auto& known) { return known.second.named_at < oldest_kept; });
  }
  Entry& found = tasks_[tid];
  found.named_at = ++clock_;
  return found;
}

void CommTracker::created(pid_t tid, std::string_view comm, pid_t tgid) {
  Entry& task = entry(tid);
  task.task.comm = comm;
  task.task.tgid = tgid;
}

void CommTracker::renamed(pid_t tid, std::string_view comm) { entry(tid).task.comm = comm; }

const SupportEventFields* find_support_event(std::string_view provider, std::string_view name) {
  for (const SupportEventFields& event : support_event_fields) {
    if (event.provider == provider && event.name == name) return &event;
  }
  return nullptr;
}

TaskNameEvents::TaskNameEvents(const compiler::Program& program, const EventFormats& formats) {
  for (const compiler::EventUse& event : program.events) {
    if (!event.support) continue;
    const EventLayout* layout = formats.find(event.provider, event.name);
    if (layout == nullptr) continue;
    Source source;
    source.common_pid = &layout->field("common_pid");
    if (event.provider == "task" && event.name == "task_newtask") {
      source.kind = Kind::Created;
      source.pid = &layout->field("pid");
      source.comm = &layout->field("comm");
      source.clone_flags = &layout->field("clone_flags");
    } else if (event.provider == "task" && event.name == "task_rename") {
      source.kind = Kind::Renamed;
      source.pid = layout->find_field("pid");
      source.comm = &layout->field("newcomm");
    } else {
      continue;  // verification refuses other support events
    }
    const auto id = static_cast<std::size_t>(layout->id());
    if (by_id_.size() <= id) by_id_.resize(id + 1);
    by_id_[id] = source;
  }
}

void TaskNameEvents::follow(const Record& record, ProcessInfo& processes) const {
  const Source& source = by_id_[static_cast<std::size_t>(record.event->id())];
  const auto writer = static_cast<pid_t>(integer_field(record, *source.common_pid));
  const std::string_view comm = string_field(record, *source.comm);
  if (source.kind == Kind::Created) {
    const auto tid = static_cast<pid_t>(integer_field(record, *source.pid));
    const bool thread = (unsigned_field(record, *source.clone_flags) & CLONE_THREAD) != 0;
    processes.task_created(tid, writer, thread, comm);
  } else {
    processes.task_renamed(source.pid != nullptr ? static_cast<pid_t>(integer_field(record, *source.pid)) : writer,
                           comm);
  }
}

}  // namespace probity::consumer
