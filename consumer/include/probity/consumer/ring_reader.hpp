// Reading a session's per-CPU ring buffers: one reader per CPU on
// per_cpu/cpuN/trace_pipe_raw, whole sub-buffers decoded by libtraceevent's
// kbuffer, records delivered in timestamp order across CPUs.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "probity/consumer/drops.hpp"
#include "probity/consumer/event_formats.hpp"
#include "probity/consumer/record.hpp"
#include "probity/consumer/session.hpp"

namespace probity::consumer {

struct RingReaderOptions {
  // Deliver records of all CPUs merged by timestamp (what a script that
  // prints per event needs). Off, each CPU's records come in CPU order as
  // read, which is cheaper (aggregations do not care).
  bool ordered = true;
  // While busy, at most one read round per interval: whole pages pile up in
  // between instead of a page being read partially per event, which would
  // spin a core and slow the writers. Idle, wait() sleeps until data comes.
  std::chrono::milliseconds min_interval{10};
  // Ordered delivery holds back records younger than this at the end of a
  // round, for events on other CPUs that were timestamped but not yet
  // committed when their CPU was read.
  std::chrono::microseconds ordering_slack{2000};
  // The kernel's buffer_percent for the instance: how full a CPU's buffer must
  // be before poll() reports it. 0 wakes on the first event (short latency
  // when idle); min_interval bounds the cost when busy.
  unsigned wake_percent = 0;
};

using RecordCallback = std::function<void(const Record&)>;

class RingReader {
 public:
  // Opens per_cpu/cpuN/trace_pipe_raw (O_NONBLOCK) for every CPU of the
  // session's instance. `formats` must outlive the reader, and the reader
  // must be destroyed before the session (it keeps the instance busy).
  // Throws TracefsOperationError.
  RingReader(const TracingSession& session, const EventFormats& formats, RingReaderOptions options = {});
  ~RingReader();
  RingReader(const RingReader&) = delete;
  RingReader& operator=(const RingReader&) = delete;

  enum class Wake {
    data,     // call consume()
    wakeup,   // one of the wakeup fds is readable (the reader does not read it)
    timeout,  // the caller's timeout passed
  };
  // Sleeps until a ring buffer has data, a wakeup fd (a StopSignals fd, a
  // timer) is readable, or the timeout (nullopt: none) passes. Never spins.
  Wake wait(std::optional<std::chrono::milliseconds> timeout, std::span<const int> wakeup_fds = {});

  // Reads what the buffers hold now and delivers it (ordered: up to the time
  // every CPU is known to be complete). Returns the records delivered. An
  // exception from the callback propagates; that record counts as delivered.
  std::size_t consume(const RecordCallback& callback);

  // After TracingSession::stop(): reads every CPU to the end and delivers all
  // that is left.
  std::size_t drain(const RecordCallback& callback);

  // Per-CPU losses now: kbuffer's counts plus each CPU's stats file.
  std::vector<CpuDrops> drops() const;
  std::vector<unsigned> cpus() const;
  // Records whose event id is not among the formats (skipped, but counted).
  std::uint64_t unknown_records() const;
  std::size_t subbuffer_size() const;
  // What this kernel lacked or refused for reading (buffer_percent).
  const std::vector<SettingFallback>& fallbacks() const;

  struct CpuRing;

 private:
  bool read_round(bool final_drain);
  std::size_t deliver(std::uint64_t horizon, const RecordCallback& callback);
  bool has_pending() const;

  const EventFormats& formats_;
  RingReaderOptions options_;
  std::size_t subbuffer_size_;
  std::size_t max_pages_per_round_;
  std::vector<std::unique_ptr<CpuRing>> rings_;
  std::chrono::steady_clock::time_point last_round_{};
  std::uint64_t unknown_records_ = 0;
  bool monotonic_timestamps_ = true;
  std::optional<std::chrono::milliseconds> idle_poll_limit_;
  std::vector<SettingFallback> fallbacks_;
};

}  // namespace probity::consumer
