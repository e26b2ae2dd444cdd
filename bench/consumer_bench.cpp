// The consumer's hot path, one stage at a time, on real records: at start the
// benchmark traces its own getppid() calls (raw_syscalls:sys_enter and
// sys_exit) in a private tracefs instance and keeps the ring-buffer pages it
// read; every benchmark then replays those pages or their records, so the
// figures are user-space CPU per record without the kernel's part.
// Stages: page decode (kbuffer), field reads, clause dispatch of the bench
// scripts through the interpreter, aggregation updates and key hashing.
// Needs root and tracefs (each benchmark reports the reason when it skips).
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

extern "C" {
#include <traceevent/kbuffer.h>
}

#include "aggregation.hpp"
#include "interpreter.hpp"
#include "probity/catalogue/harvest.hpp"
#include "probity/catalogue/index.hpp"
#include "probity/compiler/compile.hpp"
#include "probity/consumer/event_formats.hpp"
#include "probity/consumer/record.hpp"
#include "probity/consumer/session.hpp"
#include "text_output.hpp"

namespace {

using namespace probity;
using namespace probity::consumer;

constexpr int calls = 20000;

// Pages read from the instance after tracing `calls` getppid() calls, and
// the records they hold, in order (one CPU: the capture is pinned).
struct Capture {
  std::filesystem::path tracing;
  std::unique_ptr<EventFormats> formats;
  std::vector<std::vector<unsigned char>> pages;
  std::vector<Record> records;
  std::string release;
  std::string error;  // why there is no capture
};

struct KbufferDeleter {
  void operator()(kbuffer* buffer) const { kbuffer_free(buffer); }
};
using Kbuffer = std::unique_ptr<kbuffer, KbufferDeleter>;

Kbuffer make_kbuffer(const EventFormats& formats) {
  return Kbuffer(
      kbuffer_alloc(formats.header_long_size() == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4, KBUFFER_ENDIAN_SAME_AS_HOST));
}

const EventLayout* layout_of(const EventFormats& formats, const unsigned char* data) {
  std::uint16_t type = 0;
  std::memcpy(&type, data + formats.type_offset(), sizeof type);
  return formats.find(type);
}

Capture capture_records() {
  Capture capture;
  if (::geteuid() != 0) {
    capture.error = "needs root for a tracefs instance";
    return capture;
  }
  try {
    capture.tracing = catalogue::tracing_dir();
    utsname names{};
    ::uname(&names);
    capture.release = names.release;

    cpu_set_t one{};
    CPU_SET(0, &one);
    ::sched_setaffinity(0, sizeof one, &one);
    const std::string mine = "common_pid == " + std::to_string(::gettid());
    const std::vector<EventSpec> events{{"raw_syscalls", "sys_enter", mine}, {"raw_syscalls", "sys_exit", mine}};
    TracingSession session({.tracing = capture.tracing,
                            .buffer_size_kb = 8192,
                            .events = events,
                            .exclude_own_pid = false});
    capture.formats = std::make_unique<EventFormats>(session);
    session.start();
    for (int i = 0; i < calls; ++i) ::syscall(SYS_getppid);
    session.stop();

    const std::size_t page_size = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const auto pipe = session.instance_dir() / "per_cpu" / "cpu0" / "trace_pipe_raw";
    const int fd = ::open(pipe.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot open " + pipe.string());
    for (;;) {
      std::vector<unsigned char> page(page_size);
      const ssize_t got = ::read(fd, page.data(), page.size());
      if (got <= 0) break;
      capture.pages.push_back(std::move(page));
    }
    ::close(fd);
    session.close();

    const Kbuffer kbuf = make_kbuffer(*capture.formats);
    for (auto& page : capture.pages) {
      if (kbuffer_load_subbuffer(kbuf.get(), page.data()) != 0) continue;
      unsigned long long timestamp = 0;
      for (void* data = kbuffer_read_event(kbuf.get(), &timestamp); data != nullptr;
           data = kbuffer_next_event(kbuf.get(), &timestamp)) {
        Record record;
        record.timestamp = timestamp;
        record.data = static_cast<const unsigned char*>(data);
        record.size = static_cast<std::uint32_t>(kbuffer_event_size(kbuf.get()));
        record.event = layout_of(*capture.formats, record.data);
        if (record.event != nullptr) capture.records.push_back(record);
      }
    }
    if (capture.records.size() < static_cast<std::size_t>(calls)) {
      capture.error = "captured only " + std::to_string(capture.records.size()) + " records";
    }
  } catch (const std::exception& error) {
    capture.error = error.what();
  }
  return capture;
}

const Capture& captured() {
  static const Capture capture = capture_records();
  return capture;
}

bool usable(benchmark::State& state) {
  if (!captured().error.empty()) {
    state.SkipWithError(captured().error.c_str());
    return false;
  }
  return true;
}

// Stage 1: what the ring reader does per record: walk the page with kbuffer,
// find the event's layout by its id.
void BM_DecodePages(benchmark::State& state) {
  if (!usable(state)) return;
  const Capture& capture = captured();
  const Kbuffer kbuf = make_kbuffer(*capture.formats);
  std::int64_t records = 0;
  for (auto _ : state) {
    for (const auto& page : capture.pages) {
      kbuffer_load_subbuffer(kbuf.get(), const_cast<unsigned char*>(page.data()));
      unsigned long long timestamp = 0;
      for (void* data = kbuffer_read_event(kbuf.get(), &timestamp); data != nullptr;
           data = kbuffer_next_event(kbuf.get(), &timestamp)) {
        benchmark::DoNotOptimize(layout_of(*capture.formats, static_cast<const unsigned char*>(data)));
        benchmark::DoNotOptimize(kbuffer_event_size(kbuf.get()));
        ++records;
      }
    }
  }
  state.SetItemsProcessed(records);
}
BENCHMARK(BM_DecodePages);

// Stage 2: the fields a count-by-process script reads (common_pid, id).
void BM_ReadFields(benchmark::State& state) {
  if (!usable(state)) return;
  const Capture& capture = captured();
  std::vector<const tep_format_field*> ids;  // by record, looked up beforehand as the runner's slots are
  for (const Record& record : capture.records) ids.push_back(&record.event->field("id"));
  for (auto _ : state) {
    for (std::size_t i = 0; i < capture.records.size(); ++i) {
      benchmark::DoNotOptimize(integer_field(capture.records[i], capture.records[i].event->common_pid()));
      benchmark::DoNotOptimize(integer_field(capture.records[i], *ids[i]));
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(capture.records.size()));
}
BENCHMARK(BM_ReadFields);

// Stage 3: a whole script run by the interpreter on every record, as the
// runner does (field slots resolved once per clause and event).
class ScriptRun {
 public:
  explicit ScriptRun(const std::string& script) {
    const Capture& capture = captured();
    catalogue_ = catalogue::Index::open(PROBITY_INDEX_FILE).load(capture.release);
    compiler::CompileOptions options;
    options.options = {{"allow", "hot,sensitive"}};
    auto result = compiler::compile({"bench.d", script}, catalogue_, options);
    if (!result.ok()) {
      std::ostringstream why;
      for (const auto& diagnostic : result.diagnostics) why << diagnostic.message << "; ";
      throw std::runtime_error("the bench script does not compile: " + why.str());
    }
    program_ = std::move(*result.program);
    RuntimeSettings settings;
    settings.quiet = true;
    settings.tracing = capture.tracing;
    interpreter_ = std::make_unique<Interpreter>(program_, settings, output_, errors_);
    by_event_.resize(capture.formats->layouts().size() + 1024);
    for (const compiler::Clause& clause : program_.clauses) {
      for (const compiler::ClauseProbe& probe : clause.probes) {
        const compiler::EventUse& event = program_.events[probe.event];
        const EventLayout* layout = capture.formats->find(event.provider, event.name);
        if (layout == nullptr) continue;
        Bound bound{&clause, {}};
        for (const compiler::FieldRef& ref : probe.fields) {
          const catalogue::FieldLayout& field = ref.common ? program_.common_fields[ref.index] : event.fields[ref.index];
          bound.slots.push_back({&layout->field(field.name), field.kind});
        }
        const auto id = static_cast<std::size_t>(layout->id());
        if (by_event_.size() <= id) by_event_.resize(id + 1);
        by_event_[id].push_back(std::move(bound));
      }
    }
    interpreter_->set_batch_time(std::chrono::steady_clock::now());
  }

  void run(const Record& record) {
    Firing firing;
    firing.record = &record;
    firing.timestamp = record.timestamp;
    firing.tid = static_cast<pid_t>(integer_field(record, record.event->common_pid()));
    firing.provider = record.event->system();
    firing.name = record.event->name();
    firing.probe_id = record.event->id();
    interpreter_->begin_firing();
    for (const Bound& bound : by_event_[static_cast<std::size_t>(record.event->id())]) {
      firing.slots = &bound.slots;
      interpreter_->run(*bound.clause, firing);
    }
  }

 private:
  struct Bound {
    const compiler::Clause* clause;
    std::vector<FieldSlot> slots;
  };
  catalogue::Catalogue catalogue_;
  compiler::Program program_;
  TextOutput output_;
  std::ostringstream errors_;
  std::unique_ptr<Interpreter> interpreter_;
  std::vector<std::vector<Bound>> by_event_;
};

void run_script(benchmark::State& state, const std::string& script) {
  if (!usable(state)) return;
  try {
    ScriptRun run(script);
    const auto& records = captured().records;
    for (auto _ : state) {
      for (const Record& record : records) run.run(record);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(records.size()));
  } catch (const std::exception& error) {
    state.SkipWithError(error.what());
  }
}

void BM_ScriptCountByExecname(benchmark::State& state) {
  run_script(state, "raw_syscalls:sys_enter, raw_syscalls:sys_exit { @[execname] = count(); }");
}
BENCHMARK(BM_ScriptCountByExecname);

void BM_ScriptCountByTid(benchmark::State& state) {
  run_script(state, "raw_syscalls:sys_enter, raw_syscalls:sys_exit { @[tid] = count(); }");
}
BENCHMARK(BM_ScriptCountByTid);

void BM_ScriptLatency(benchmark::State& state) {
  run_script(state,
             "raw_syscalls:sys_enter /pid != 0/ { self->t = timestamp; }\n"
             "raw_syscalls:sys_exit /self->t/ { @ = quantize(timestamp - self->t); self->t = 0; }");
}
BENCHMARK(BM_ScriptLatency);

// Stage 4: an aggregation update alone, by the kind and spread of its key
// (one busy process, or 256 taking turns).
compiler::Program count_program() {
  compiler::Program program;
  compiler::Aggregation count;
  count.name = "@";
  count.function = compiler::AggregatingFunction::Count;
  program.aggregations.push_back(count);
  return program;
}

void aggregate(benchmark::State& state, const std::vector<Key>& keys) {
  const compiler::Program program = count_program();
  Aggregations aggregations(program);
  std::size_t next = 0;
  for (auto _ : state) {
    aggregations.aggregate(0, keys[next], 1);
    next = next + 1 == keys.size() ? 0 : next + 1;
  }
  state.SetItemsProcessed(state.iterations());
}

std::vector<Key> string_keys(std::size_t count) {
  std::vector<Key> keys;
  for (std::size_t i = 0; i < count; ++i) keys.push_back({Value::of("kworker/" + std::to_string(i))});
  return keys;
}

std::vector<Key> integer_keys(std::size_t count) {
  std::vector<Key> keys;
  for (std::size_t i = 0; i < count; ++i) keys.push_back({Value::of(static_cast<std::int64_t>(1000 + i))});
  return keys;
}

void BM_AggregateStringKey(benchmark::State& state) {
  aggregate(state, string_keys(static_cast<std::size_t>(state.range(0))));
}
BENCHMARK(BM_AggregateStringKey)->Arg(1)->Arg(256);

void BM_AggregateIntegerKey(benchmark::State& state) {
  aggregate(state, integer_keys(static_cast<std::size_t>(state.range(0))));
}
BENCHMARK(BM_AggregateIntegerKey)->Arg(1)->Arg(256);

// Stage 5: hashing a key tuple.
void BM_HashStringKey(benchmark::State& state) {
  const Key key{Value::of(std::string("pb_storm"))};
  for (auto _ : state) benchmark::DoNotOptimize(KeyHash{}(key));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HashStringKey);

void BM_HashIntegerKey(benchmark::State& state) {
  const Key key{Value::of(std::int64_t{4242})};
  for (auto _ : state) benchmark::DoNotOptimize(KeyHash{}(key));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HashIntegerKey);

}  // namespace

BENCHMARK_MAIN();
