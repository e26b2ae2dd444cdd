#include "probity/consumer/session.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "exit_teardown.hpp"
#include "instance_name.hpp"
#include "probity/catalogue/harvest.hpp"
#include "probity/consumer/tracefs_error.hpp"
#include "tracefs_io.hpp"

namespace probity::consumer {

namespace fs = std::filesystem;

struct TracingSession::State {
  fs::path tracing;
  fs::path dir;
  std::string name;
  std::vector<EventSpec> events;
  std::vector<pid_t> excluded_pids;
  pid_t owner = 0;
  bool open = false;
  // tracing_on of the instance, open for the session's whole life: the kernel
  // refuses to remove an instance with an open file (EBUSY), which tells a
  // stale-instance cleanup in any pid namespace that the owner is alive.
  int hold = -1;
  std::string trace_clock;
  std::vector<SettingFallback> fallbacks;
  pid_t followed = 0;
  // What was written per event, so that teardown undoes exactly that.
  struct Written {
    bool filter = false;
    bool trigger = false;
    bool enabled = false;
  };
  std::vector<Written> written;

  fs::path event_file(const EventSpec& event, std::string_view file) const {
    return dir / "events" / event.directory_system() / event.directory_name() / file;
  }
  std::string label(const EventSpec& event) const { return event.system + ":" + event.name; }

  // Every step is attempted; the first failure is returned.
  std::optional<TracefsOperationError> teardown() noexcept;
};

namespace {

// For the exit() and std::terminate paths, which do not unwind the stack.
void tear_down_at_exit(void* owner) noexcept {
  auto* state = static_cast<TracingSession::State*>(owner);
  if (state->open && state->owner == ::getpid()) {
    if (auto error = state->teardown()) std::fprintf(stderr, "%s\n", error->what());
  }
}

bool is_safe_path_component(const std::string& name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find('/') == std::string::npos && name.find('\0') == std::string::npos;
}

std::uint64_t own_start_time() {
  const detail::ProcessStatus self = detail::process_status(::getpid());
  if (!self.exists) {
    throw catalogue::TracefsError("probity: cannot read /proc/self/stat to name the tracefs instance; is /proc mounted?");
  }
  return self.start_time;
}

// The kernel explains a rejected filter in the filter file itself.
std::string kernel_filter_message(const fs::path& filter_file) {
  try {
    std::string text = detail::read_tracefs_file(filter_file);
    std::replace(text.begin(), text.end(), '\n', ' ');
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
  } catch (...) {
    return {};
  }
}

// Creates the instance and opens its tracing_on, which is held for the
// session's life: while it is open the kernel refuses to remove the instance,
// which is how another run's startup cleanup tells a live owner from a dead
// one even across pid namespaces. Until it is open, a cleanup in a namespace
// where this process's pid means nothing may remove the new instance; the
// name is then simply taken again.
fs::path create_instance(const fs::path& tracing, detail::InstanceOwner& owner, std::string& name, int& hold) {
  static std::atomic<unsigned> next_sequence{0};
  constexpr int attempts_after_removal = 8;
  const fs::path instances = tracing / "instances";
  for (int removed = 0;;) {
    owner.sequence = next_sequence++;
    name = detail::format_instance_name(owner);
    const fs::path dir = instances / name;
    if (::mkdir(dir.c_str(), 0750) != 0) {
      if (errno == EEXIST) continue;
      const int error = errno;
      if (error == ENOENT) {
        throw TracefsOperationError("create a tracing instance (does this kernel have tracefs instances?)",
                                    dir, error);
      }
      throw TracefsOperationError("create a tracing instance", dir, error);
    }
    hold = ::open((dir / "tracing_on").c_str(), O_RDONLY | O_CLOEXEC);
    if (hold >= 0) return dir;
    const int error = errno;
    if (error == ENOENT && ++removed < attempts_after_removal) continue;
    ::rmdir(dir.c_str());
    throw TracefsOperationError("hold the tracing instance open", dir / "tracing_on", error);
  }
}

// The clock the instance uses: the first of these the kernel accepts, else
// whatever it already has ("[local] global ..." marks the current one).
std::string select_trace_clock(TracingSession::State& state) {
  const fs::path file = state.dir / "trace_clock";
  int first_error = 0;
  for (const char* clock : {"mono", "global"}) {
    const int error = detail::try_write_tracefs_file(file, clock);
    if (error == 0) {
      if (std::string_view(clock) != "mono") {
        state.fallbacks.push_back({"trace_clock", "mono " + detail::describe_refusal(first_error) + "; timestamps use the " +
                                                      std::string(clock) + " clock, not CLOCK_MONOTONIC",
                                   true});
      }
      return clock;
    }
    if (first_error == 0) first_error = error;
  }
  std::string current = "local";
  try {
    const std::string text = detail::read_tracefs_file(file);
    const auto open = text.find('['), close = text.find(']');
    if (open != std::string::npos && close != std::string::npos && close > open) {
      current = text.substr(open + 1, close - open - 1);
    }
  } catch (const TracefsOperationError&) {
  }
  state.fallbacks.push_back({"trace_clock", "mono " + detail::describe_refusal(first_error) + "; timestamps use the kernel's " +
                                                current + " clock, and records of different CPUs may be out of order",
                             true});
  return current;
}

// The thread ids of process `pid` (/proc/PID/task), none when it is gone.
std::set<pid_t> threads_of(pid_t pid) {
  std::set<pid_t> threads;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(fs::path("/proc") / std::to_string(pid) / "task", error)) {
    const std::string name = entry.path().filename().string();
    pid_t tid = 0;
    const auto [end, problem] = std::from_chars(name.data(), name.data() + name.size(), tid);
    if (problem == std::errc() && end == name.data() + name.size()) threads.insert(tid);
  }
  return threads;
}

// set_event_pid filters on the thread id; options/event-fork adds each task a
// listed task creates. event-fork first, then the threads, listed until a
// listing finds none new: a thread created meanwhile by a listed one is added
// by the kernel, and one created by a not-yet-listed one by the next listing.
void follow_process(TracingSession::State& state, pid_t pid) {
  const std::string everyone = "; every task's events reach probity, which keeps pid " + std::to_string(pid) + "'s";
  if (const int error = detail::try_write_tracefs_file(state.dir / "options" / "event-fork", "1"); error != 0) {
    state.fallbacks.push_back({"options/event-fork", detail::describe_refusal(error) + everyone, false});
    return;
  }
  const fs::path file = state.dir / "set_event_pid";
  std::set<pid_t> listed;
  for (int round = 0; round < 1000; ++round) {
    std::set<pid_t> threads = threads_of(pid);
    if (threads.empty() && listed.empty()) threads.insert(pid);  // gone: list it, so that nothing records
    std::string text;
    for (const pid_t tid : threads) {
      if (listed.insert(tid).second) text += std::to_string(tid) + " ";
    }
    if (text.empty()) break;
    if (const int error = detail::try_append_tracefs_file(file, text); error != 0) {
      detail::try_write_tracefs_file(file, "");  // an empty list filters nothing
      detail::try_write_tracefs_file(state.dir / "options" / "event-fork", "0");
      state.fallbacks.push_back({"set_event_pid", detail::describe_refusal(error) + everyone, false});
      return;
    }
  }
  state.followed = pid;
}

void apply_optional_settings(TracingSession::State& state, const SessionOptions& options) {
  const fs::path& dir = state.dir;
  if (const int error = detail::try_write_tracefs_file(dir / "options" / "overwrite", "0"); error != 0) {
    state.fallbacks.push_back({"options/overwrite", "no-overwrite mode " + detail::describe_refusal(error) +
                                                        "; when the reader falls behind, the oldest events are "
                                                        "overwritten (still counted as lost)",
                               true});
  }
  state.trace_clock = select_trace_clock(state);
  // The kernel then keeps the thread group of every traced task in
  // saved_tgids, as it keeps their names in saved_cmdlines: what pid and
  // execname read for a thread that exited before its records were read.
  if (const int error = detail::try_write_tracefs_file(dir / "options" / "record-tgid", "1"); error != 0) {
    state.fallbacks.push_back({"options/record-tgid", detail::describe_refusal(error) +
                                                          "; pid of a thread that exited before its records were "
                                                          "read comes from /proc or is 0",
                               false});
  }
  // Before the buffer size: changing the sub-buffer size reallocates the buffer.
  if (options.subbuffer_size_kb != 0) {
    const fs::path file = dir / "buffer_subbuf_size_kb";
    if (const int error = detail::try_write_tracefs_file(file, std::to_string(options.subbuffer_size_kb));
        error != 0) {
      const auto kept = detail::read_number_file(file);
      state.fallbacks.push_back(
          {"buffer_subbuf_size_kb",
           std::to_string(options.subbuffer_size_kb) + " KiB sub-buffers " + detail::describe_refusal(error) + "; they stay " +
               (kept ? std::to_string(*kept) + " KiB" : std::string("a page")) + " (more reads per event)",
           false});
    }
  }
  if (options.follow_process != 0) follow_process(state, options.follow_process);
  if (options.buffer_size_kb != 0) {
    const fs::path file = dir / "buffer_size_kb";
    if (const int error = detail::try_write_tracefs_file(file, std::to_string(options.buffer_size_kb)); error != 0) {
      const auto kept = detail::read_number_file(file);
      state.fallbacks.push_back({"buffer_size_kb", std::to_string(options.buffer_size_kb) + " KiB per CPU " +
                                                       detail::describe_refusal(error) + "; the buffer stays " +
                                                       (kept ? std::to_string(*kept) : std::string("?")) +
                                                       " KiB per CPU (more events may be lost)",
                                 true});
    }
  }
}

}  // namespace

std::optional<TracefsOperationError> TracingSession::State::teardown() noexcept {
  if (!open) return std::nullopt;
  std::optional<TracefsOperationError> first;
  auto note = [&](std::string_view action, const fs::path& path, int error) {
    if (error != 0 && error != ENOENT && !first) first.emplace(std::string(action), path, error);
  };
  try {
    note("turn tracing off", dir / "tracing_on", detail::try_write_tracefs_file(dir / "tracing_on", "0"));
    if (hold >= 0) ::close(std::exchange(hold, -1));
    for (std::size_t i = 0; i < events.size(); ++i) {
      const EventSpec& event = events[i];
      if (written[i].enabled) {
        const fs::path file = event_file(event, "enable");
        note("disable " + label(event), file, detail::try_write_tracefs_file(file, "0"));
      }
      if (written[i].trigger) {
        const fs::path file = event_file(event, "trigger");
        note("remove the stacktrace trigger of " + label(event), file,
             detail::try_append_tracefs_file(file, "!stacktrace"));
      }
      if (written[i].filter) {
        const fs::path file = event_file(event, "filter");
        note("clear the filter of " + label(event), file, detail::try_write_tracefs_file(file, "0"));
      }
    }
    // Files of the instance closed just before (a reader destroyed first) can
    // keep it busy for a moment.
    int error = 0;
    for (int attempt = 0; attempt < 50; ++attempt) {
      error = ::rmdir(dir.c_str()) == 0 ? 0 : errno;
      if (error != EBUSY) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (error == EBUSY && !first) {
      first.emplace("remove the tracing instance (it is still in use: a reader of it is open)", dir, error);
    } else {
      note("remove the tracing instance", dir, error);
    }
  } catch (...) {
    // Only allocation can throw here; the instance stays for the next run's cleanup.
  }
  open = false;
  return first;
}

TracingSession::TracingSession(SessionOptions options) : state_(std::make_unique<State>()) {
  State& state = *state_;
  state.tracing = options.tracing.empty() ? catalogue::tracing_dir() : options.tracing;
  state.events = std::move(options.events);
  state.excluded_pids = std::move(options.excluded_pids);
  if (options.exclude_own_pid && state.excluded_pids.empty()) state.excluded_pids.push_back(::getpid());
  state.owner = ::getpid();

  std::set<std::pair<std::string, std::string>> seen;
  for (const EventSpec& event : state.events) {
    if (!is_safe_path_component(event.directory_system()) || !is_safe_path_component(event.directory_name())) {
      throw catalogue::TracefsError("probity: invalid event name '" + event.system + ":" + event.name + "'");
    }
    if (!seen.emplace(event.system, event.name).second) {
      throw catalogue::TracefsError("probity: event " + event.system + ":" + event.name +
                                    " is listed twice; merge its filters into one");
    }
  }
  state.written.resize(state.events.size());

  detail::InstanceOwner owner{state.owner, own_start_time(), 0};
  state.dir = create_instance(state.tracing, owner, state.name, state.hold);
  state.open = true;
  detail::register_exit_teardown(tear_down_at_exit, state_.get());

  try {
    const fs::path& dir = state.dir;
    detail::write_tracefs_file(dir / "tracing_on", "0", "turn tracing off");
    apply_optional_settings(state, options);
    for (std::size_t i = 0; i < state.events.size(); ++i) {
      const EventSpec& event = state.events[i];
      const fs::path event_dir = dir / "events" / event.directory_system() / event.directory_name();
      struct stat info {};
      if (::stat(event_dir.c_str(), &info) != 0) {
        throw TracefsOperationError("find event " + state.label(event) + " in this kernel", event_dir, errno);
      }
      const std::string filter = combined_filter(event.filter, state.excluded_pids);
      if (!filter.empty()) {
        const fs::path file = state.event_file(event, "filter");
        state.written[i].filter = true;
        if (const int error = detail::try_write_tracefs_file(file, filter); error != 0) {
          throw TracefsOperationError("set the filter '" + filter + "' on " + state.label(event), file,
                                      error, error == EINVAL ? kernel_filter_message(file) : "");
        }
      }
      if (event.stack_trigger) {
        const fs::path file = state.event_file(event, "trigger");
        // Always a condition: a conditional trigger runs after the event is
        // committed, so its stack record follows the event (the reader relies
        // on that order); an unconditional one would run before.
        const std::string trigger = "stacktrace if " + (filter.empty() ? std::string("common_pid >= 0") : filter);
        state.written[i].trigger = true;
        if (const int error = detail::try_append_tracefs_file(file, trigger); error != 0) {
          if (error == ENOENT) {
            throw TracefsOperationError("record kernel stacks for stack() on " + state.label(event) +
                                            ": this kernel has no event triggers (events/*/trigger)",
                                        file, error);
          }
          throw TracefsOperationError("add the trigger '" + trigger + "' to " + state.label(event) +
                                          " (stack() needs the stacktrace trigger)",
                                      file, error);
        }
      }
      state.written[i].enabled = true;
      detail::write_tracefs_file(state.event_file(event, "enable"), "1", "enable " + state.label(event));
    }
  } catch (...) {
    state.teardown();
    detail::unregister_exit_teardown(state_.get());
    throw;
  }
}

TracingSession::~TracingSession() {
  if (!state_) return;
  if (state_->owner == ::getpid()) {
    if (auto error = state_->teardown()) std::fprintf(stderr, "%s\n", error->what());
  }
  detail::unregister_exit_teardown(state_.get());
}

TracingSession::TracingSession(TracingSession&&) noexcept = default;

TracingSession& TracingSession::operator=(TracingSession&& other) noexcept {
  if (this != &other) {
    TracingSession discarded(std::move(*this));
    state_ = std::move(other.state_);
  }
  return *this;
}

void TracingSession::start() {
  detail::write_tracefs_file(state_->dir / "tracing_on", "1", "turn tracing on");
}

void TracingSession::stop() {
  detail::write_tracefs_file(state_->dir / "tracing_on", "0", "turn tracing off");
}

void TracingSession::close() {
  if (!state_) return;
  std::optional<TracefsOperationError> error;
  if (state_->owner == ::getpid()) error = state_->teardown();
  state_->open = false;
  if (error) throw *error;
}

bool TracingSession::is_open() const { return state_ && state_->open; }
const fs::path& TracingSession::tracing_dir() const { return state_->tracing; }
const fs::path& TracingSession::instance_dir() const { return state_->dir; }
const std::string& TracingSession::instance_name() const { return state_->name; }
const std::vector<EventSpec>& TracingSession::events() const { return state_->events; }
const std::string& TracingSession::trace_clock() const { return state_->trace_clock; }
const std::vector<SettingFallback>& TracingSession::fallbacks() const { return state_->fallbacks; }
pid_t TracingSession::followed_process() const { return state_->followed; }

std::size_t TracingSession::buffer_size_kb() const {
  return detail::read_number_file(state_->dir / "buffer_size_kb").value_or(0);
}

std::string TracingSession::combined_filter(const std::string& user_filter,
                                            const std::vector<pid_t>& excluded_pids) {
  std::string filter;
  const bool has_user_filter = user_filter.find_first_not_of(" \t\n") != std::string::npos;
  if (has_user_filter) filter = "(" + user_filter + ")";
  for (const pid_t pid : excluded_pids) {
    if (!filter.empty()) filter += " && ";
    filter += "common_pid != " + std::to_string(pid);
  }
  return filter;
}

}  // namespace probity::consumer
