#include "probity/consumer/runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <cstdio>
#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "comm_tracker.hpp"
#include "delivery_order.hpp"
#include "interpreter.hpp"
#include "json_output.hpp"
#include "probity/catalogue/harvest.hpp"
#include "probity/io/unique_fd.hpp"
#include "probity/consumer/drops.hpp"
#include "probity/consumer/event_formats.hpp"
#include "probity/consumer/ring_reader.hpp"
#include "probity/consumer/session.hpp"
#include "metrics.hpp"
#include "metrics_exporter.hpp"
#include "target_prefilter.hpp"
#include "probity/consumer/stale_instances.hpp"
#include "probity/consumer/uprobe_events.hpp"
#include "probity/consumer/stop_signals.hpp"
#include "probity/consumer/verify.hpp"
#include "text_output.hpp"
#include "traced_command.hpp"

namespace probity::consumer {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using compiler::ProbeKind;

using Fd = io::UniqueFd;

std::int64_t clock_ns(clockid_t clock) {
  timespec now{};
  ::clock_gettime(clock, &now);
  return now.tv_sec * 1'000'000'000LL + now.tv_nsec;
}

// Each read takes a whole sub-buffer from the kernel: 64 KiB ones cost a
// sixteenth of the reads (and of the kernel's per-read locking) of pages,
// which under a storm of events is most of the reader's system time. A small
// buffer keeps the kernel's page-sized ones, so that it still has many.
std::size_t subbuffer_size_kb(std::size_t buffer_kb) {
  constexpr std::size_t preferred_kb = 64;
  constexpr std::size_t at_least = 16;  // sub-buffers per CPU
  return buffer_kb >= preferred_kb * at_least ? preferred_kb : 0;
}

std::string running_release() {
  struct utsname names {};
  ::uname(&names);
  return names.release;
}

struct ClauseOnEvent {
  const compiler::Clause* clause;
  std::vector<FieldSlot> slots;
  bool filter_is_own;
};

struct Tick {
  const compiler::Clause* clause;
  Fd timer;
  std::string name;  // the profile provider's probe name as written: "tick-1sec"
};

// The names of a clause's tick probes in the order it lists them: the last
// part of each "profile:::tick-1sec" or "tick-1sec" of its description, and
// bpftrace's "interval:s:1" as written.
std::vector<std::string> tick_names(const compiler::Clause& clause) {
  std::vector<std::string> names;
  std::string_view rest = clause.description;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string_view part = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front()))) part.remove_prefix(1);
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.back()))) part.remove_suffix(1);
    if (part.starts_with("interval:") || part.starts_with("i:")) {
      names.emplace_back(part);
      continue;
    }
    if (const std::size_t colon = part.rfind(':'); colon != std::string_view::npos) part.remove_prefix(colon + 1);
    if (part.starts_with("tick-")) names.emplace_back(part);
  }
  return names;
}

class Run {
 public:
  Run(const compiler::Program& program, const RunOptions& options)
      : program_(program),
        options_(options),
        out_(*options.out),
        err_(*options.err),
        format_(options.format == OutputKind::Json ? std::unique_ptr<OutputFormat>(std::make_unique<JsonOutput>())
                                                   : std::make_unique<TextOutput>(program.settings.quiet)) {}

  int go() {
    // First: a stop signal from here on ends the run after setup, with teardown.
    StopSignals signals;
    const RuntimeSettings settings = read_settings();
    const fs::path tracing = options_.tracing.empty() ? catalogue::tracing_dir() : options_.tracing;
    for (const std::string& notice : remove_stale_instances(tracing)) err_ << notice << "\n";
    // After the instances: removing a dead owner's instance disables its uprobe events.
    for (const std::string& notice : remove_stale_uprobe_events(tracing)) err_ << notice << "\n";
    const std::string release = running_release();

    // A USDT probe is admitted against what its binary's notes say now, and
    // traced through a uprobe event made from them (never from the object).
    const std::optional<catalogue::Catalogue> with_usdt = local_with_usdt_probes(program_, *options_.catalogue);
    const catalogue::Catalogue& local = with_usdt ? *with_usdt : *options_.catalogue;
    verify_usdt_probes(program_, local);
    std::vector<EventSpec> specs;
    std::vector<UprobeSpec> uprobe_specs;
    for (const compiler::EventUse& event : program_.events) {
      specs.push_back({event.provider, event.name, event.filter, event.stack_trigger});
      if (!event.usdt) continue;
      const catalogue::Event& probe = *local.find_event(event.provider, event.name);
      const catalogue::UsdtSite& site = probe.usdt->sites.front();
      UprobeSpec uprobe{.event = "e" + std::to_string(uprobe_specs.size()),
                        .binary = probe.usdt->binary,
                        .offset = site.offset,
                        .reference_counter_offset = site.semaphore_offset};
      for (std::size_t i = 0; i < site.fetchargs.size(); ++i) {
        uprobe.arguments.push_back({"arg" + std::to_string(i), site.fetchargs[i]});
      }
      specs.back().tracefs_name = uprobe.event;
      uprobe_specs.push_back(std::move(uprobe));
    }
    // Before the session, so torn down after it (the kernel refuses to remove an enabled uprobe).
    UprobeEvents uprobes(std::move(uprobe_specs), tracing);
    for (EventSpec& spec : specs) {
      if (!spec.tracefs_name.empty()) spec.tracefs_system = uprobes.group();
    }
    verify_events_exist(program_, tracing, release);
    const EventFormats formats(tracing, specs);
    verify_program(program_, formats, local, release, options_.site_policy ? &*options_.site_policy : nullptr);
    index_clauses(formats);
    task_names_ = TaskNameEvents(program_, formats);

    std::unique_ptr<TracedCommand> command;
    if (options_.command) command = std::make_unique<TracedCommand>(*options_.command);
    RuntimeSettings with_target = settings;
    with_target.tracing = tracing;
    if (command) with_target.target = command->pid();
    if (options_.target_pid) with_target.target = *options_.target_pid;
    Fd target_exit;
    if (with_target.target != 0) {
      target_exit = Fd(static_cast<int>(::syscall(SYS_pidfd_open, with_target.target, 0)));
      if (target_exit.get() < 0) {
        throw std::runtime_error("probity: cannot watch process " + std::to_string(with_target.target) + ": " +
                                 std::strerror(errno));
      }
    }

    const std::size_t buffer_kb = program_.settings.bufsize / compiler::kib;
    TracingSession session({.tracing = tracing,
                            .buffer_size_kb = buffer_kb,
                            .subbuffer_size_kb = subbuffer_size_kb(buffer_kb),
                            .events = specs,
                            .follow_process = keeps_only_target_records(program_) ? with_target.target : 0});
    auto reader =
        std::make_unique<RingReader>(session, formats, RingReaderOptions{.ordered = needs_ordered_delivery(program_)});
    report_fallbacks(session, *reader, settings.quiet);
    interpreter_ = std::make_unique<Interpreter>(program_, with_target, *format_, err_);
    std::unique_ptr<MetricsExporter> metrics;
    std::optional<AggregationMetrics> metric_layout;
    if (options_.metrics_address) {
      metrics = std::make_unique<MetricsExporter>(*options_.metrics_address);
      metric_layout.emplace(program_);
      if (options_.verbose) {
        for (const int port : metrics->ports()) err_ << "probity: metrics at port " << port << ", path /metrics\n";
      }
    }
    const auto publish_metrics = [&] {
      if (metrics) metrics->publish(metric_layout->families(interpreter_->aggregations()));
    };

    // As in DTrace, BEGIN fires once the events are enabled; a record that
    // arrives after an exit() in BEGIN is not processed.
    session.start();
    run_specials(ProbeKind::Begin);
    std::vector<Tick> ticks = make_ticks();
    if (command && !interpreter_->exit_status() && !signals.requested()) command->release();
    bool target_gone = false;
    DropReporter drop_reporter;
    auto drops_read_at = std::chrono::steady_clock::now();
    std::vector<int> wakeups{signals.fd()};
    if (target_exit.get() >= 0) wakeups.push_back(target_exit.get());
    for (const Tick& tick : ticks) wakeups.push_back(tick.timer.get());
    const auto handle = [this](const Record& record) { on_record(record); };

    // A failed write to the output ends the trace; the caller reports it.
    while (!interpreter_->exit_status() && !signals.requested() && !target_gone && out_) {
      reader->wait(1000ms, wakeups);
      interpreter_->set_batch_time(std::chrono::steady_clock::now());
      reader->consume(handle);
      for (const Tick& tick : ticks) {
        std::uint64_t expirations = 0;
        if (::read(tick.timer.get(), &expirations, sizeof expirations) == sizeof expirations && expirations > 0 &&
            !interpreter_->exit_status()) {
          run_special(*tick.clause, ProbeKind::Tick, tick.name);
        }
      }
      flush();
      // The kernel's per-CPU stats are files to open and parse: a few times a
      // second is prompt enough, and the final report below catches the rest.
      if (const auto now = std::chrono::steady_clock::now(); now - drops_read_at >= 250ms) {
        drops_read_at = now;
        report_drops(drop_reporter, *reader);
        publish_metrics();
      }
      if (target_exit.get() >= 0 && poll_readable(target_exit.get())) target_gone = true;
    }
    session.stop();
    interpreter_->set_batch_time(std::chrono::steady_clock::now());
    if (!interpreter_->exit_status()) reader->drain(handle);
    release_held_events();
    if (target_gone && !settings.quiet) {
      err_ << "probity: pid " << with_target.target << " has exited\n";
    }
    run_specials(ProbeKind::End);
    publish_metrics();
    interpreter_->output() += interpreter_->print_all_aggregations();
    flush();
    report_drops(drop_reporter, *reader);
    reader.reset();
    session.close();
    if (command) command->reap();
    return interpreter_->exit_status().value_or(0);
  }

 private:
  // What the kernel lacked or refused: a setting that changes what the
  // program sees is one line each (unless quiet), the rest only under -v.
  void report_fallbacks(const TracingSession& session, const RingReader& reader, bool quiet) const {
    if (options_.verbose) {
      err_ << "probity: trace clock: " << session.trace_clock() << "\n";
      if (const pid_t followed = session.followed_process(); followed != 0) {
        err_ << "probity: every clause requires pid == $target: only process " << followed
             << " and the tasks it creates record events (set_event_pid, event-fork)\n";
      }
    }
    auto report = [&](const SettingFallback& fallback) {
      if (options_.verbose || (fallback.changes_output && !quiet)) {
        err_ << "probity: note: " << fallback.setting << ": " << fallback.consequence << "\n";
      }
    };
    for (const SettingFallback& fallback : session.fallbacks()) report(fallback);
    for (const SettingFallback& fallback : reader.fallbacks()) report(fallback);
  }

  RuntimeSettings read_settings() const {
    RuntimeSettings settings;
    const compiler::Settings& compiled = program_.settings;
    settings.quiet = compiled.quiet;
    settings.strsize = compiled.strsize;
    settings.dynvarsize = compiled.dynvarsize;
    settings.nspec = compiled.nspec;
    settings.order.by_key = compiled.aggsortkey;
    settings.order.reverse = compiled.aggsortrev;
    settings.realtime_offset = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
    return settings;
  }

  void index_clauses(const EventFormats& formats) {
    if (const EventLayout* stacks = formats.find("ftrace", "kernel_stack"); stacks != nullptr) {
      kernel_stack_id_ = stacks->id();
      stack_size_ = &stacks->field("size");
      stack_callers_ = &stacks->field("caller");
    }
    for (const compiler::EventUse& event : program_.events) {
      if (!event.stack_trigger) continue;
      const auto id = static_cast<std::size_t>(formats.find(event.provider, event.name)->id());
      if (wants_stack_.size() <= id) wants_stack_.resize(id + 1);
      wants_stack_[id] = true;
    }
    for (const compiler::Clause& clause : program_.clauses) {
      for (const compiler::ClauseProbe& probe : clause.probes) {
        if (probe.kind != ProbeKind::Tracepoint) continue;
        const compiler::EventUse& event = program_.events[probe.event];
        const EventLayout* layout = formats.find(event.provider, event.name);
        ClauseOnEvent entry{&clause, {}, probe.filter_is_own};
        // Each slot is the live field of the name verify_program held to the
        // catalogue and the site policy, never the object's field index: what
        // is checked is what is read, whatever an edit to the object says.
        std::vector<catalogue::FieldLayout> live = catalogue::field_layouts(layout->event()->format.fields);
        for (catalogue::FieldLayout& common : catalogue::field_layouts(layout->event()->format.common_fields)) {
          live.push_back(std::move(common));
        }
        std::vector<catalogue::FieldValueNames> live_names = catalogue::value_names(layout->event());
        for (const std::string& name : clause.field_slots) {
          const auto found = std::find_if(live.begin(), live.end(),
                                          [&](const catalogue::FieldLayout& field) { return field.name == name; });
          if (found == live.end()) {
            throw VerificationError("event " + event.provider + ":" + event.name + " has no field " + name +
                                    " on the running kernel, which clause " + clause.description + " reads");
          }
          const catalogue::IntegerShape value = catalogue::value_shape(*found);
          entry.slots.push_back({&layout->field(name), found->kind,
                                 compiler::ValueType::integer(static_cast<std::uint8_t>(value.size), value.is_signed),
                                 std::nullopt});
          for (catalogue::FieldValueNames& table : live_names) {
            if (table.field == name) entry.slots.back().names = std::move(table.names);
          }
        }
        const auto id = static_cast<std::size_t>(layout->id());
        if (by_event_.size() <= id) by_event_.resize(id + 1);
        by_event_[id].push_back(std::move(entry));
      }
    }
  }

  // An event whose stacktrace trigger is on waits for its kernel_stack
  // record, which the kernel writes right after it on the same CPU (the
  // trigger has a condition, so it runs after the event is committed). An
  // interrupt can nest another event and its stack in between, hence a stack
  // of held events per CPU; an event whose stack record was lost is run
  // without one once more events are held than any nesting explains.
  struct HeldEvent {
    Record record;
    std::vector<unsigned char> data;
  };
  static constexpr std::size_t max_held_per_cpu = 8;

  void on_record(const Record& record) {
    if (interpreter_->exit_status()) return;  // exit() ends tracing: later records are not processed
    const int event_id = record.event->id();
    if (event_id == kernel_stack_id_) {
      attach_stack(record);
      return;
    }
    const auto id = static_cast<std::size_t>(event_id);
    if (id < wants_stack_.size() && wants_stack_[id]) {
      hold(record);
    } else {
      run_clauses(record, nullptr);
    }
    if (task_names_.follows(event_id)) task_names_.follow(record, interpreter_->processes());
  }

  void hold(const Record& record) {
    if (held_.size() <= record.cpu) held_.resize(record.cpu + 1);
    std::vector<HeldEvent>& held = held_[record.cpu];
    if (held.size() >= max_held_per_cpu) {
      run_held(held.front(), nullptr);
      held.erase(held.begin());
    }
    HeldEvent event{record, std::vector<unsigned char>(record.data, record.data + record.size)};
    event.record.data = event.data.data();
    held.push_back(std::move(event));
  }

  void attach_stack(const Record& record) {
    if (record.cpu >= held_.size() || held_[record.cpu].empty()) return;  // its event was lost
    HeldEvent event = std::move(held_[record.cpu].back());
    held_[record.cpu].pop_back();
    const std::int64_t depth = integer_field(record, *stack_size_);
    const auto first = static_cast<std::size_t>(stack_callers_->offset);
    const std::size_t room = record.size > first ? (record.size - first) / sizeof(std::uint64_t) : 0;
    std::vector<std::uint64_t> frames(std::min(room, depth > 0 ? static_cast<std::size_t>(depth) : 0));
    std::memcpy(frames.data(), record.data + first, frames.size() * sizeof(std::uint64_t));
    run_held(event, &frames);
  }

  void run_held(HeldEvent& event, const std::vector<std::uint64_t>* stack) {
    event.record.data = event.data.data();
    run_clauses(event.record, stack);
  }

  void release_held_events() {
    for (std::vector<HeldEvent>& held : held_) {
      for (HeldEvent& event : held) {
        if (!interpreter_->exit_status()) run_held(event, nullptr);
      }
      held.clear();
    }
  }

  void run_clauses(const Record& record, const std::vector<std::uint64_t>* stack) {
    if (interpreter_->exit_status()) return;
    const auto id = static_cast<std::size_t>(record.event->id());
    if (id >= by_event_.size() || by_event_[id].empty()) return;  // a support event: no clause of its own
    // One Firing reused for every record: only its members are set, rather
    // than a whole struct zeroed first (a measurable share at 1M records/s).
    Firing& firing = record_firing_;
    firing.record = &record;
    firing.cpu = record.cpu;
    firing.timestamp = record.timestamp;
    firing.tid = static_cast<pid_t>(integer_field(record, record.event->common_pid()));
    firing.provider = record.event->system();
    firing.name = record.event->name();
    firing.probe_id = record.event->id();
    firing.stack = stack;
    interpreter_->begin_firing();
    for (const ClauseOnEvent& entry : by_event_[id]) {
      firing.slots = &entry.slots;
      firing.filter_is_own = entry.filter_is_own;
      interpreter_->run(*entry.clause, firing);
      if (interpreter_->exit_status()) break;
    }
  }

  // BEGIN, END: the dtrace provider's probes; a tick: the profile provider's
  // probe named as the program wrote it.
  Firing special_firing(ProbeKind kind, std::string_view tick_name = {}) const {
    Firing firing;
    const int cpu = ::sched_getcpu();
    firing.cpu = cpu < 0 ? 0U : static_cast<unsigned>(cpu);
    firing.timestamp = static_cast<std::uint64_t>(clock_ns(CLOCK_MONOTONIC));
    firing.tid = ::getpid();
    firing.provider = kind == ProbeKind::Tick ? "profile" : "dtrace";
    firing.name = kind == ProbeKind::Begin ? "BEGIN" : kind == ProbeKind::End ? "END" : tick_name;
    firing.probe_id = kind == ProbeKind::Begin ? 1 : kind == ProbeKind::End ? 2 : 4;  // 3 is ERROR, as in DTrace
    firing.kind = kind;
    return firing;
  }

  void run_special(const compiler::Clause& clause, ProbeKind kind, std::string_view tick_name) {
    const Firing firing = special_firing(kind, tick_name);
    interpreter_->begin_firing();
    interpreter_->run(clause, firing);
  }

  // BEGIN's (END's) clauses are one firing of the probe: this-> variables
  // carry from one to the next, and after an exit() in BEGIN the rest do not run.
  void run_specials(ProbeKind kind) {
    const Firing firing = special_firing(kind);
    interpreter_->begin_firing();
    for (const compiler::Clause& clause : program_.clauses) {
      for (const compiler::ClauseProbe& probe : clause.probes) {
        if (probe.kind != kind) continue;
        if (kind == ProbeKind::Begin && interpreter_->exit_status()) break;
        interpreter_->run(clause, firing);
      }
    }
    flush();
  }

  std::vector<Tick> make_ticks() const {
    std::vector<Tick> ticks;
    for (const compiler::Clause& clause : program_.clauses) {
      const std::vector<std::string> names = tick_names(clause);
      std::size_t next_name = 0;
      for (const compiler::ClauseProbe& probe : clause.probes) {
        if (probe.kind != ProbeKind::Tick) continue;
        std::string name = next_name < names.size() ? names[next_name++] : "tick";
        Fd timer(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
        if (timer.get() < 0) throw std::runtime_error(std::string("probity: timerfd: ") + std::strerror(errno));
        itimerspec period{};
        period.it_interval.tv_sec = static_cast<time_t>(probe.period_ns / 1'000'000'000ULL);
        period.it_interval.tv_nsec = static_cast<long>(probe.period_ns % 1'000'000'000ULL);
        period.it_value = period.it_interval;
        ::timerfd_settime(timer.get(), 0, &period, nullptr);
        ticks.push_back({&clause, std::move(timer), std::move(name)});
      }
    }
    return ticks;
  }

  static bool poll_readable(int fd) {
    pollfd entry{fd, POLLIN, 0};
    return ::poll(&entry, 1, 0) > 0 && (entry.revents & POLLIN) != 0;
  }

  void flush() {
    std::string& text = interpreter_->output();
    if (text.empty()) return;
    out_ << text;
    out_.flush();
    text.clear();
  }

  void report_drops(DropReporter& reporter, const RingReader& reader) {
    const DropReport report{reporter.take_new(reader.drops()), interpreter_->take_dynamic_drops(),
                            interpreter_->take_speculation_drops()};
    format_->drops(report, out_, err_);
  }

  const compiler::Program& program_;
  const RunOptions& options_;
  std::ostream& out_;
  std::ostream& err_;
  std::unique_ptr<OutputFormat> format_;
  std::unique_ptr<Interpreter> interpreter_;
  std::vector<std::vector<ClauseOnEvent>> by_event_;  // by tracefs event id
  std::vector<bool> wants_stack_;                      // by tracefs event id
  int kernel_stack_id_ = -1;
  const tep_format_field* stack_size_ = nullptr;
  const tep_format_field* stack_callers_ = nullptr;
  std::vector<std::vector<HeldEvent>> held_;           // by CPU
  Firing record_firing_;                               // run_clauses' firing, reused
  TaskNameEvents task_names_;                          // the support events, by tracefs event id
};

}  // namespace

int run_program(const compiler::Program& program, const RunOptions& options) {
  return Run(program, options).go();
}

}  // namespace probity::consumer
