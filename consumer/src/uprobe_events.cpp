#include "probity/consumer/uprobe_events.hpp"

#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <thread>
#include <utility>

#include "exit_teardown.hpp"
#include "instance_name.hpp"
#include "probity/catalogue/harvest.hpp"
#include "probity/consumer/tracefs_error.hpp"
#include "tracefs_io.hpp"

namespace probity::consumer {

namespace fs = std::filesystem;

struct UprobeEvents::State {
  fs::path tracing;
  std::string group;
  std::vector<UprobeSpec> events;
  std::vector<std::size_t> present;  // the indexes in `events` of those in uprobe_events
  pid_t owner = 0;
  bool open = false;

  fs::path control_file() const { return tracing / "uprobe_events"; }

  // Every event is attempted; the first failure is returned.
  std::optional<TracefsOperationError> teardown() noexcept;
};

namespace {

bool is_identifier(std::string_view name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name.front())) || name.front() == '_')) return false;
  for (const char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

bool has_space(std::string_view text) {
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '\0') return true;
  }
  return false;
}

std::string hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

// Deletes one event; an event still enabled somewhere (EBUSY) gets a moment,
// as an instance closed just before may still hold it.
int delete_event(const fs::path& control, const std::string& group, const std::string& event) noexcept {
  int error = 0;
  for (int attempt = 0; attempt < 20; ++attempt) {
    error = detail::try_append_tracefs_file(control, "-:" + group + "/" + event);
    if (error != EBUSY) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return error == ENOENT ? 0 : error;
}

// Why the kernel refused a probe definition: the newest "error:" line of
// tracefs error_log, e.g. "Invalid fetch argument".
std::string kernel_error_log_message(const fs::path& tracing) {
  try {
    const std::string log = detail::read_tracefs_file(tracing / "error_log");
    const std::size_t at = log.rfind("error: ");
    if (at == std::string::npos) return {};
    const std::size_t end = log.find('\n', at);
    return log.substr(at + 7, end == std::string::npos ? std::string::npos : end - at - 7);
  } catch (...) {
    return {};
  }
}

void tear_down_at_exit(void* owner) noexcept {
  auto* state = static_cast<UprobeEvents::State*>(owner);
  if (state->open && state->owner == ::getpid()) {
    if (auto error = state->teardown()) std::fprintf(stderr, "%s\n", error->what());
  }
}

std::string own_group_name(const fs::path& tracing) {
  static unsigned next_sequence = 0;
  const detail::ProcessStatus self = detail::process_status(::getpid());
  if (!self.exists) {
    throw catalogue::TracefsError("probity: cannot read /proc/self/stat to name the uprobe events; is /proc mounted?");
  }
  // A group another object of this process made (they share the counter
  // only within one copy of this library) is never reused.
  for (;;) {
    const std::string group = detail::format_uprobe_group({::getpid(), self.start_time, next_sequence++});
    std::error_code ignored;
    if (!fs::exists(tracing / "events" / group, ignored)) return group;
  }
}

}  // namespace

std::optional<TracefsOperationError> UprobeEvents::State::teardown() noexcept {
  if (!open) return std::nullopt;
  std::optional<TracefsOperationError> first;
  try {
    // Newest first; what the kernel refuses stays listed, so that a later
    // close() (once the instance that enables it is gone) can retry.
    std::vector<std::size_t> refused;
    for (auto it = present.rbegin(); it != present.rend(); ++it) {
      const UprobeSpec& spec = events[*it];
      const int error = delete_event(control_file(), group, spec.event);
      if (error == 0) continue;
      refused.insert(refused.begin(), *it);
      if (!first) {
        first.emplace("remove uprobe event " + group + "/" + spec.event +
                          (error == EBUSY ? " (it is still enabled in a tracing instance; close that first)" : ""),
                      control_file(), error);
      }
    }
    present = std::move(refused);
  } catch (...) {
    // Only allocation can throw here; the events stay for the next run's cleanup.
  }
  open = !present.empty();
  return first;
}

std::string UprobeEvents::definition(const std::string& group, const UprobeSpec& spec) {
  std::string line = "p:" + group + "/" + spec.event + " " + spec.binary.string() + ":" + hex(spec.offset);
  if (spec.reference_counter_offset != 0) line += "(" + hex(spec.reference_counter_offset) + ")";
  for (const UprobeArgument& argument : spec.arguments) line += " " + argument.name + "=" + argument.fetcharg;
  return line;
}

UprobeEvents::UprobeEvents(std::vector<UprobeSpec> specs, fs::path tracing) : state_(std::make_unique<State>()) {
  State& state = *state_;
  state.events = std::move(specs);
  if (state.events.empty()) return;
  std::set<std::string> names;
  for (const UprobeSpec& spec : state.events) {
    const std::string what = "uprobe event '" + spec.event + "'";
    if (!is_identifier(spec.event) || !names.insert(spec.event).second) {
      throw catalogue::TracefsError("probity: invalid or repeated " + what + "; event names are unique C identifiers");
    }
    if (!spec.binary.is_absolute() || has_space(spec.binary.string())) {
      throw catalogue::TracefsError("probity: " + what + ": the path '" + spec.binary.string() +
                                    "' must be absolute and have no spaces (uprobe_events cannot spell them)");
    }
    for (const UprobeArgument& argument : spec.arguments) {
      if (!is_identifier(argument.name) || argument.fetcharg.empty() || has_space(argument.fetcharg)) {
        throw catalogue::TracefsError("probity: " + what + ": invalid argument '" + argument.name + "=" +
                                      argument.fetcharg + "'");
      }
    }
  }
  state.tracing = tracing.empty() ? catalogue::tracing_dir() : std::move(tracing);
  state.owner = ::getpid();
  state.group = own_group_name(state.tracing);
  state.open = true;
  detail::register_exit_teardown(tear_down_at_exit, state_.get());
  try {
    for (const UprobeSpec& spec : state.events) {
      const std::string line = definition(state.group, spec);
      const int error = detail::try_append_tracefs_file(state.control_file(), line);
      if (error == ENOENT) {
        throw TracefsOperationError("create uprobe events: this kernel has no uprobe_events (CONFIG_UPROBE_EVENTS)",
                                    state.control_file(), error);
      }
      if (error != 0) {
        throw TracefsOperationError("create the uprobe event '" + line + "'", state.control_file(), error,
                                    kernel_error_log_message(state.tracing));
      }
      state.present.push_back(state.present.size());
    }
  } catch (...) {
    state.teardown();
    detail::unregister_exit_teardown(state_.get());
    throw;
  }
}

UprobeEvents::~UprobeEvents() {
  if (!state_) return;
  if (state_->owner == ::getpid()) {
    if (auto error = state_->teardown()) std::fprintf(stderr, "%s\n", error->what());
  }
  detail::unregister_exit_teardown(state_.get());
}

UprobeEvents::UprobeEvents(UprobeEvents&&) noexcept = default;

UprobeEvents& UprobeEvents::operator=(UprobeEvents&& other) noexcept {
  if (this != &other) {
    UprobeEvents discarded(std::move(*this));
    state_ = std::move(other.state_);
  }
  return *this;
}

void UprobeEvents::close() {
  if (!state_) return;
  std::optional<TracefsOperationError> error;
  if (state_->owner == ::getpid()) {
    error = state_->teardown();
  } else {
    state_->open = false;  // a forked child never removes its parent's events
  }
  if (error) throw *error;
}

bool UprobeEvents::is_open() const { return state_ && state_->open; }
const std::string& UprobeEvents::group() const { return state_->group; }
const std::vector<UprobeSpec>& UprobeEvents::events() const { return state_->events; }

std::vector<std::string> remove_stale_uprobe_events(const fs::path& tracing) {
  const fs::path control = tracing / "uprobe_events";
  std::error_code missing;
  if (!fs::exists(control, missing)) return {};
  const std::string text = detail::read_tracefs_file(control);

  // "p:GROUP/EVENT PATH:OFFSET ..." (or r: for return probes), grouped.
  std::map<std::string, std::vector<std::string>> events_by_group;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view line = std::string_view(text).substr(start, end - start);
    start = end + 1;
    const std::size_t colon = line.find(':');
    const std::size_t slash = line.find('/');
    const std::size_t space = std::min(line.find(' '), line.size());
    if (colon == std::string_view::npos || slash == std::string_view::npos || slash > space || colon > slash) continue;
    events_by_group[std::string(line.substr(colon + 1, slash - colon - 1))].emplace_back(
        line.substr(slash + 1, space - slash - 1));
  }

  std::vector<std::string> notices;
  for (const auto& [group, events] : events_by_group) {
    const auto owner = detail::parse_uprobe_group(group);
    if (!owner) continue;
    const detail::ProcessStatus status = detail::process_status(owner->pid);
    if (status.exists && status.start_time == owner->start_time) continue;
    const std::string owner_text = "left by process " + std::to_string(owner->pid) + ", which no longer exists" +
                                   (status.exists ? " (its pid now belongs to another process)" : "");
    std::size_t removed = 0;
    for (const std::string& event : events) {
      const int error = delete_event(control, group, event);
      if (error == 0) {
        ++removed;
        continue;
      }
      notices.push_back("probity: cannot remove uprobe event " + group + "/" + event + " " + owner_text + ": " +
                        control.string() + ": " + std::strerror(error) +
                        (error == EBUSY ? " (it is enabled in a tracing instance; disable it there)" : ""));
    }
    if (removed > 0) {
      notices.push_back("probity: removed " + std::to_string(removed) + " uprobe event" + (removed == 1 ? "" : "s") +
                        " of group " + group + " " + owner_text);
    }
  }
  return notices;
}

}  // namespace probity::consumer
