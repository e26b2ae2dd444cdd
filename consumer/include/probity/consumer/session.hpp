// A tracing session: Probity's own tracefs instance, configured with exactly
// the events of one verified program, and torn down whatever way the run ends.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace probity::consumer {

// One event the program uses. `filter` is the kernel filter the compiler
// pushed down (tracefs filter syntax; empty for none).
struct EventSpec {
  std::string system{};
  std::string name{};
  std::string filter{};
  bool stack_trigger = false;  // record a kernel stack after each event that passes
  // Where the event is in tracefs when not events/<system>/<name>: a USDT
  // probe's uprobe event is in its run's group, under a name of its own,
  // and is known by its provider and probe everywhere else.
  std::string tracefs_system{};
  std::string tracefs_name{};

  const std::string& directory_system() const { return tracefs_system.empty() ? system : tracefs_system; }
  const std::string& directory_name() const { return tracefs_name.empty() ? name : tracefs_name; }
};

// A tracefs setting beyond the minimum that this kernel lacks or refused, and
// what the session uses instead. Every setting but the instance itself,
// tracing_on and enabling the events is optional (docs/manual/kernel-features.md).
struct SettingFallback {
  std::string setting;       // the control file: "buffer_subbuf_size_kb"
  std::string consequence;   // one line: "refused (Operation not permitted); sub-buffers stay 4 KiB"
  bool changes_output = false;  // true when what the program sees can differ (clock, overwrite)
};

struct SessionOptions {
  // The tracefs mount; empty means catalogue::tracing_dir(), which mounts it
  // when needed.
  std::filesystem::path tracing{};
  // Ring buffer size per CPU (-x bufsize); 0 keeps the kernel's default.
  std::size_t buffer_size_kb = 0;
  // Size of each sub-buffer (the unit a reader takes from the kernel), a
  // power of two of at least a page; 0 keeps the kernel's default (a page).
  // Kernels before 6.8 have no buffer_subbuf_size_kb, and some builds refuse
  // it: then the kernel's sub-buffers stay, and fallbacks() says so.
  std::size_t subbuffer_size_kb = 0;
  std::vector<EventSpec> events{};
  // Probity's own events are excluded in the kernel: every filter (and every
  // stacktrace trigger's condition) is ANDed with `common_pid != P` for each
  // pid here. common_pid is the thread id, so a consumer that reads in several
  // threads lists each. Defaults to this process (getpid()) when left empty
  // and exclude_own_pid is true.
  bool exclude_own_pid = true;
  std::vector<pid_t> excluded_pids{};
  // When not 0, only the tasks of this process, and every task they create
  // from now on, record events (set_event_pid with options/event-fork): a
  // pre-filter in the kernel for a program that keeps only this process's
  // records. A superset: the exact check stays the consumer's. Optional: a
  // kernel without event-fork records every task, and fallbacks() says so.
  pid_t follow_process = 0;
};

// The tracefs instance `probity-<pid>-<start time>-<n>` under
// <tracefs>/instances. The name carries this process's start time (clock
// ticks since boot, /proc/self/stat) so that stale-instance cleanup can tell
// a dead owner from a recycled pid; and the session keeps the instance's
// tracing_on open for its whole life, so that the kernel refuses another
// process's removal of it (EBUSY) while the owner lives, in whatever pid
// namespace (stale_instances.hpp).
//
// The instance is created with tracing off; the ring buffer is in
// no-overwrite mode (when the consumer falls behind, the newest events are
// dropped and counted, as DTrace's default "switch" policy does) and uses the
// "mono" trace clock, so timestamps are CLOCK_MONOTONIC nanoseconds comparable
// across CPUs and with clock_gettime(). Each of those settings is optional:
// where the kernel lacks or refuses one, the session keeps the kernel's own
// and records a SettingFallback. start() turns tracing on.
//
// Teardown (tracing off, events disabled, filters and triggers cleared, the
// instance removed) happens in the destructor, in close(), at exit() (an
// atexit hook covers sessions still alive), and on std::terminate. Only the
// process that created the session tears it down: a forked child never does.
// A ring reader holds the instance's files open, and the kernel refuses to
// remove an instance in use: destroy readers before their session.
class TracingSession {
 public:
  // Creates and configures the instance; on any failure removes what was
  // made and throws TracefsOperationError (or catalogue::TracefsError when
  // there is no tracefs).
  explicit TracingSession(SessionOptions options);
  ~TracingSession();
  TracingSession(TracingSession&&) noexcept;
  TracingSession& operator=(TracingSession&&) noexcept;
  TracingSession(const TracingSession&) = delete;
  TracingSession& operator=(const TracingSession&) = delete;

  void start();  // tracing_on = 1
  void stop();   // tracing_on = 0; events stay in the buffer for the final drain

  // Tears down now; every step is attempted, and the first failure is thrown
  // as TracefsOperationError. Afterwards the session is closed (idempotent).
  void close();
  bool is_open() const;

  const std::filesystem::path& tracing_dir() const;
  const std::filesystem::path& instance_dir() const;
  const std::string& instance_name() const;
  const std::vector<EventSpec>& events() const;
  std::size_t buffer_size_kb() const;  // per CPU, as the kernel reports it
  // The trace clock in use ("mono" unless the kernel refused it).
  const std::string& trace_clock() const;
  // What this kernel lacked or refused while the session was set up, in order.
  const std::vector<SettingFallback>& fallbacks() const;
  // The process whose tasks alone record events (SessionOptions::follow_process), or 0.
  pid_t followed_process() const;

  // The filter written to the kernel for `user_filter`: the pid exclusions
  // ANDed in, e.g. `(id == 110) && common_pid != 4242`.
  static std::string combined_filter(const std::string& user_filter,
                                     const std::vector<pid_t>& excluded_pids);

  struct State;

 private:
  std::unique_ptr<State> state_;
};

// The instance-name prefix every Probity instance starts with.
inline constexpr const char* instance_prefix = "probity-";

}  // namespace probity::consumer
