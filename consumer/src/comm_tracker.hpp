// Task names and thread groups followed in record order. The compiler adds
// the support events task:task_newtask and task:task_rename to a program that
// reads execname or pid (compiler/src/passes/support_events.cpp); their
// records arrive merged by timestamp with every other record, so when a
// record is read the tracker holds its task's name as it was when the record
// was written, even if the task has exec'd, renamed itself or exited since.
// Tasks it has never seen (they existed before tracing started and have not
// been renamed since) are left to /proc, as are ppid, uid and gid.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <traceevent/event-parse.h>

#include "probity/compiler/program.hpp"
#include "probity/consumer/event_formats.hpp"
#include "probity/consumer/record.hpp"

namespace probity::consumer {

class CommTracker {
 public:
  struct Task {
    std::string comm;
    pid_t tgid = 0;  // 0: unknown (seen renamed, never seen created)
  };

  // At most `capacity` tasks are kept; the least recently named half goes
  // when it is reached (a task that is still alive is then named from /proc).
  explicit CommTracker(std::size_t capacity = 32768) : capacity_(capacity < 2 ? 2 : capacity) {}

  void created(pid_t tid, std::string_view comm, pid_t tgid);
  void renamed(pid_t tid, std::string_view comm);
  // nullptr for a task never seen created or renamed (or forgotten).
  const Task* find(pid_t tid) const {
    const auto found = tasks_.find(tid);
    return found == tasks_.end() ? nullptr : &found->second.task;
  }
  std::size_t size() const { return tasks_.size(); }

 private:
  struct Entry {
    Task task;
    std::uint64_t named_at = 0;  // the tracker's own clock: one tick per event
  };
  Entry& entry(pid_t tid);

  std::unordered_map<pid_t, Entry> tasks_;
  std::size_t capacity_;
  std::uint64_t clock_ = 0;
};

// The support events Probity understands, and the fields it reads of each:
// what the consumer verifies (and holds to the site policy) for them.
struct SupportEventFields {
  std::string_view provider;
  std::string_view name;
  std::array<std::string_view, 3> fields;  // "" pads
};
inline constexpr std::array<SupportEventFields, 2> support_event_fields{{
    {"task", "task_newtask", {"pid", "comm", "clone_flags"}},
    {"task", "task_rename", {"pid", "newcomm", ""}},  // pid when the release has it, else common_pid
}};
// nullptr when Probity does not know `provider:name` as a support event.
const SupportEventFields* find_support_event(std::string_view provider, std::string_view name);

class ProcessInfo;

// Decodes a program's support-event records into a ProcessInfo.
class TaskNameEvents {
 public:
  TaskNameEvents() = default;
  // The support events of `program`, found in `formats` (the live layouts).
  TaskNameEvents(const compiler::Program& program, const EventFormats& formats);

  bool follows(int event_id) const {
    return event_id >= 0 && static_cast<std::size_t>(event_id) < by_id_.size() &&
           by_id_[static_cast<std::size_t>(event_id)].kind != Kind::None;
  }
  // Call in delivery order, after the record's clauses ran (a clause on
  // task_rename sees the name the task had when the event fired).
  void follow(const Record& record, ProcessInfo& processes) const;

 private:
  enum class Kind : std::uint8_t { None, Created, Renamed };
  struct Source {
    Kind kind = Kind::None;
    const tep_format_field* common_pid = nullptr;
    const tep_format_field* pid = nullptr;  // Renamed: nullptr where the release lacks it
    const tep_format_field* comm = nullptr;
    const tep_format_field* clone_flags = nullptr;
  };
  std::vector<Source> by_id_;
};

}  // namespace probity::consumer
