// Uprobe events as a kernel resource: the lines Probity adds to tracefs
// uprobe_events for USDT probes, in a group named after their owner, removed
// whatever way the run ends and, after a SIGKILL, by the next run.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace probity::consumer {

struct UprobeArgument {
  std::string name;      // the event field: "arg0"
  std::string fetcharg;  // with its type: "%di:s32", "+0(%si):ustring"
};

// One uprobe event: `p:GROUP/EVENT BINARY:OFFSET(REFERENCE_COUNTER) ARGS`.
struct UprobeSpec {
  std::string event;  // a C identifier, unique within the group
  std::filesystem::path binary;  // absolute
  std::uint64_t offset = 0;      // file offset of the probed instruction
  // File offset of the probe's semaphore, which the kernel increments while
  // the event is enabled anywhere; 0 when it has none.
  std::uint64_t reference_counter_offset = 0;
  std::vector<UprobeArgument> arguments{};
};

// The uprobe events of one group, `probity_<pid>_<start time>_<n>`, owned by
// this process: the owner's identity in the name lets the next run tell a
// dead owner from a live one (remove_stale_uprobe_events), as instance names
// do (session.hpp).
//
// The events are created disabled, in the global uprobe_events (there is no
// per-instance one); a TracingSession enables them in its own instance. The
// kernel refuses to delete an enabled event (EBUSY), so the session must be
// torn down first: destroy it before this. Removal happens in the
// destructor, in close(), at exit() and on std::terminate, and only in the
// process that created the events (never in a forked child).
class UprobeEvents {
 public:
  // Creates every event; on a failure removes those made and throws
  // TracefsOperationError naming the line and the kernel's reason (from
  // tracefs error_log where it has one). An empty `specs` creates nothing.
  explicit UprobeEvents(std::vector<UprobeSpec> specs, std::filesystem::path tracing = {});
  ~UprobeEvents();
  UprobeEvents(UprobeEvents&&) noexcept;
  UprobeEvents& operator=(UprobeEvents&&) noexcept;
  UprobeEvents(const UprobeEvents&) = delete;
  UprobeEvents& operator=(const UprobeEvents&) = delete;

  // Removes every event now; each removal is attempted and the first failure
  // thrown as TracefsOperationError. What the kernel refused (an event still
  // enabled: EBUSY) stays, is_open() stays true, and a later close() retries.
  void close();
  bool is_open() const;

  const std::string& group() const;
  const std::vector<UprobeSpec>& events() const;

  // The uprobe_events line that defines `spec` in `group`.
  static std::string definition(const std::string& group, const UprobeSpec& spec);

  struct State;

 private:
  std::unique_ptr<State> state_;
};

// Removes the uprobe events of groups `probity_<pid>_<start>_<n>` whose owner
// no longer exists (dead, or its pid recycled), as remove_stale_instances
// does for instances; run it after that, which disables what the dead
// owner's instance had enabled. Events that are still enabled somewhere are
// left alone (the kernel refuses, EBUSY) and said so. Returns one notice per
// group found. Throws catalogue::TracefsError only when uprobe_events cannot
// be read; a kernel without uprobe_events has none to remove.
std::vector<std::string> remove_stale_uprobe_events(const std::filesystem::path& tracing);

}  // namespace probity::consumer
