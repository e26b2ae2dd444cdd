#include "probity/consumer/ring_reader.hpp"

#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <deque>
#include <limits>
#include <string>
#include <system_error>
#include <thread>

extern "C" {
#include <traceevent/kbuffer.h>
}

#include "probity/consumer/tracefs_error.hpp"
#include "tracefs_io.hpp"

namespace probity::consumer {

namespace fs = std::filesystem;

namespace {

struct KbufferDeleter {
  void operator()(kbuffer* buffer) const { kbuffer_free(buffer); }
};

std::uint64_t monotonic_now_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000ULL + static_cast<std::uint64_t>(now.tv_nsec);
}

// per_cpu/cpuN directories of the instance, by CPU number.
std::vector<unsigned> instance_cpus(const fs::path& per_cpu) {
  std::error_code error;
  std::vector<unsigned> cpus;
  for (fs::directory_iterator it(per_cpu, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().filename().string();
    unsigned cpu = 0;
    if (name.starts_with("cpu") &&
        std::from_chars(name.data() + 3, name.data() + name.size(), cpu).ptr == name.data() + name.size()) {
      cpus.push_back(cpu);
    }
  }
  if (error) throw TracefsOperationError("list the per-CPU buffers", per_cpu, error.value());
  std::sort(cpus.begin(), cpus.end());
  return cpus;
}

using PageBytes = std::unique_ptr<unsigned char[]>;

}  // namespace

struct RingReader::CpuRing {
  unsigned cpu = 0;
  fs::path pipe_path;
  fs::path stats_path;
  int fd = -1;
  std::unique_ptr<kbuffer, KbufferDeleter> kbuf;
  std::unique_ptr<kbuffer, KbufferDeleter> sizer;  // for the size of a page just read, apart from kbuf
  std::deque<PageBytes> pages;  // read, not yet delivered; the front one is loaded in kbuf when head is set
  std::vector<PageBytes> free_pages;
  void* head = nullptr;  // the record to deliver next
  unsigned long long head_ts = 0;  // kbuffer's type
  bool complete = true;  // the last read round reached the end of the buffer
  std::uint64_t newest_page_start = 0;
  std::uint64_t missed_in_pages = 0;
  std::uint64_t pages_with_unknown_missed = 0;

  ~CpuRing() {
    if (fd >= 0) ::close(fd);
  }

  void recycle_front() {
    free_pages.push_back(std::move(pages.front()));
    pages.pop_front();
  }

  // Loads the next page with a record into kbuf and points head at it.
  void load_next_page() {
    while (!pages.empty()) {
      if (kbuffer_load_subbuffer(kbuf.get(), pages.front().get()) == 0) {
        const int missed = kbuffer_missed_events(kbuf.get());
        if (missed > 0) missed_in_pages += static_cast<std::uint64_t>(missed);
        if (missed < 0) ++pages_with_unknown_missed;
        head = kbuffer_read_event(kbuf.get(), &head_ts);
        if (head != nullptr) return;
      }
      recycle_front();
    }
    head = nullptr;
  }

  void advance() {
    head = kbuffer_next_event(kbuf.get(), &head_ts);
    if (head == nullptr) {
      recycle_front();
      load_next_page();
    }
  }
};

RingReader::RingReader(const TracingSession& session, const EventFormats& formats, RingReaderOptions options)
    : formats_(formats), options_(options) {
  const fs::path& dir = session.instance_dir();
  const auto subbuf_kb = detail::read_number_file(dir / "buffer_subbuf_size_kb");
  subbuffer_size_ = subbuf_kb ? *subbuf_kb * 1024 : static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t buffer_kb = session.buffer_size_kb();
  max_pages_per_round_ = std::max<std::size_t>(buffer_kb * 1024 / subbuffer_size_ + 1, 16);

  monotonic_timestamps_ = session.trace_clock() == "mono";
  // Optional (5.0+): without it, poll() wakes only when a buffer is half
  // full, so an idle trace looks again at least every idle_poll_limit.
  if (const int error =
          detail::try_write_tracefs_file(dir / "buffer_percent", std::to_string(options_.wake_percent));
      error != 0) {
    idle_poll_limit_ = std::chrono::milliseconds(100);
    fallbacks_.push_back({"buffer_percent",
                          detail::describe_refusal(error) + "; the reader looks for new events every 100 ms when idle",
                          false});
  }

  const kbuffer_long_size long_size = formats.header_long_size() == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4;
  for (const unsigned cpu : instance_cpus(dir / "per_cpu")) {
    auto ring = std::make_unique<CpuRing>();
    ring->cpu = cpu;
    const fs::path cpu_dir = dir / "per_cpu" / ("cpu" + std::to_string(cpu));
    ring->pipe_path = cpu_dir / "trace_pipe_raw";
    ring->stats_path = cpu_dir / "stats";
    ring->fd = ::open(ring->pipe_path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (ring->fd < 0) throw TracefsOperationError("open a ring buffer", ring->pipe_path, errno);
    ring->kbuf.reset(kbuffer_alloc(long_size, KBUFFER_ENDIAN_SAME_AS_HOST));
    ring->sizer.reset(kbuffer_alloc(long_size, KBUFFER_ENDIAN_SAME_AS_HOST));
    if (!ring->kbuf || !ring->sizer) throw std::bad_alloc();
    if (tep_is_old_format(formats.tep())) {
      kbuffer_set_old_format(ring->kbuf.get());
      kbuffer_set_old_format(ring->sizer.get());
    }
    rings_.push_back(std::move(ring));
  }
}

RingReader::~RingReader() = default;

namespace {

// Blocks in poll(); -1 with errno EINTR when a signal came.
int poll_for(std::vector<pollfd>& fds, int timeout_ms) {
  for (pollfd& entry : fds) entry.revents = 0;
  return ::poll(fds.data(), static_cast<nfds_t>(fds.size()), timeout_ms);
}

int milliseconds_until(std::chrono::steady_clock::time_point when) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(when - std::chrono::steady_clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, std::numeric_limits<int>::max()));
}

}  // namespace

RingReader::Wake RingReader::wait(std::optional<std::chrono::milliseconds> timeout,
                                  std::span<const int> wakeup_fds) {
  using clock = std::chrono::steady_clock;
  constexpr auto never = clock::time_point::max();
  clock::time_point deadline = timeout ? clock::now() + *timeout : never;
  if (idle_poll_limit_) deadline = std::min(deadline, clock::now() + *idle_poll_limit_);

  std::vector<pollfd> fds;
  for (const int fd : wakeup_fds) fds.push_back({fd, POLLIN, 0});
  const auto wakeup_count = static_cast<std::ptrdiff_t>(fds.size());
  auto woken = [&] {
    return std::any_of(fds.begin(), fds.begin() + wakeup_count, [](const pollfd& entry) { return entry.revents != 0; });
  };
  auto poll_until = [&](clock::time_point until) {
    const int ready = poll_for(fds, until == never ? -1 : milliseconds_until(until));
    if (ready < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "probity: poll");
    return ready > 0;
  };

  // Busy: let the writers fill pages until min_interval has passed since the
  // last round, listening only to the wakeup fds meanwhile.
  const clock::time_point earliest = last_round_ + options_.min_interval;
  while (clock::now() < earliest) {
    if (poll_until(std::min(deadline, earliest)) && woken()) return Wake::wakeup;
    if (clock::now() >= deadline) return Wake::timeout;
  }

  // Ordered records held back for the slack need another round soon.
  const clock::time_point pending_due =
      has_pending() ? clock::now() + std::max<clock::duration>(options_.ordering_slack, std::chrono::milliseconds(1))
                    : never;
  for (const auto& ring : rings_) fds.push_back({ring->fd, POLLIN, 0});
  for (;;) {
    if (poll_until(std::min(deadline, pending_due))) return woken() ? Wake::wakeup : Wake::data;
    const auto now = clock::now();
    if (now >= pending_due) return Wake::data;
    if (now >= deadline) return Wake::timeout;
  }
}

// Reads every CPU until its buffer is empty (or the per-round cap). Returns
// true when every CPU reached its end.
bool RingReader::read_round(bool final_drain) {
  bool all_complete = true;
  for (const auto& ring_pointer : rings_) {
    CpuRing& ring = *ring_pointer;
    ring.complete = false;
    int empty_reads = 0;
    // A stopped buffer holds at most its pages plus the reader page; the cap
    // keeps a drain of a buffer still being written from running forever.
    const std::size_t cap = final_drain ? 2 * max_pages_per_round_ + 4 : max_pages_per_round_;
    for (std::size_t pages = 0; pages < cap;) {
      PageBytes page;
      if (ring.free_pages.empty()) {
        page = std::make_unique_for_overwrite<unsigned char[]>(subbuffer_size_);
      } else {
        page = std::move(ring.free_pages.back());
        ring.free_pages.pop_back();
      }
      const ssize_t got = ::read(ring.fd, page.get(), subbuffer_size_);
      if (got > 0) {
        ++pages;
        empty_reads = 0;
        ring.newest_page_start = kbuffer_subbuf_timestamp(ring.kbuf.get(), page.get());
        // A page less than half full is the one being written (the kernel
        // copied out what was committed so far): this CPU is read up to now.
        // Reading on would chase the writer a few records per read() (each
        // copied one by one with interrupts off), a cost that grows with the
        // event rate. The first page of a round is often the rest of the
        // previous round's partial page, so it does not count.
        const bool partial = pages > 1 && !final_drain && kbuffer_load_subbuffer(ring.sizer.get(), page.get()) == 0 &&
                             static_cast<std::size_t>(kbuffer_subbuffer_size(ring.sizer.get())) < subbuffer_size_ / 2;
        ring.pages.push_back(std::move(page));
        if (ring.head == nullptr) ring.load_next_page();
        if (partial) {
          ring.complete = true;
          break;
        }
        continue;
      }
      const int error = errno;
      ring.free_pages.push_back(std::move(page));
      if (got < 0 && error == EINTR) continue;
      if (got < 0 && error == EAGAIN) {
        ring.complete = true;
        break;
      }
      if (got < 0) throw TracefsOperationError("read the ring buffer", ring.pipe_path, error);
      // 0 is not an end of file: a writer is still committing on this CPU.
      // Try again a few times; a final drain waits for the writer to finish.
      if (++empty_reads > (final_drain ? 200 : 3)) break;
      if (final_drain) std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    all_complete = all_complete && ring.complete;
  }
  return all_complete;
}

std::size_t RingReader::deliver(std::uint64_t horizon, const RecordCallback& callback) {
  std::size_t delivered = 0;
  const int type_offset = formats_.type_offset();
  const int type_size = formats_.type_size();
  auto emit = [&](CpuRing& ring) {
    struct Advance {
      CpuRing& ring;
      ~Advance() { ring.advance(); }
    } advance_after{ring};
    Record record;
    record.cpu = ring.cpu;
    record.timestamp = ring.head_ts;
    record.data = static_cast<const unsigned char*>(ring.head);
    record.size = static_cast<std::uint32_t>(std::max(kbuffer_event_size(ring.kbuf.get()), 0));
    if (record.size < static_cast<std::uint32_t>(type_offset + type_size)) {
      ++unknown_records_;
      return;
    }
    int id = 0;
    if (type_size == 2) {
      std::uint16_t type;
      std::memcpy(&type, record.data + type_offset, 2);
      id = type;
    } else {
      std::uint32_t type = 0;
      std::memcpy(&type, record.data + type_offset, std::min(type_size, 4));
      id = static_cast<int>(type);
    }
    record.event = formats_.find(id);
    if (record.event == nullptr) {
      ++unknown_records_;
      return;
    }
    ++delivered;
    callback(record);
  };

  if (!options_.ordered) {
    for (const auto& ring : rings_) {
      while (ring->head != nullptr && ring->head_ts <= horizon) emit(*ring);
    }
    return delivered;
  }
  for (;;) {
    CpuRing* next = nullptr;
    for (const auto& ring : rings_) {
      if (ring->head != nullptr && (next == nullptr || ring->head_ts < next->head_ts)) next = ring.get();
    }
    if (next == nullptr || next->head_ts > horizon) break;
    emit(*next);
  }
  return delivered;
}

std::size_t RingReader::consume(const RecordCallback& callback) {
  last_round_ = std::chrono::steady_clock::now();
  const std::uint64_t round_start = monotonic_now_ns();
  read_round(false);
  if (!options_.ordered) return deliver(std::numeric_limits<std::uint64_t>::max(), callback);

  // Everything timestamped before the round began has been read, except what
  // was still being committed: hold back the slack, and for a CPU not read to
  // its end, whatever may follow its newest page.
  const auto slack = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(options_.ordering_slack).count());
  // Under another clock than mono, round_start says nothing of the records'
  // timestamps: only the CPUs not read to their end bound the horizon.
  std::uint64_t horizon = !monotonic_timestamps_        ? std::numeric_limits<std::uint64_t>::max()
                          : round_start > slack ? round_start - slack
                                                : 0;
  for (const auto& ring : rings_) {
    if (!ring->complete) horizon = std::min(horizon, ring->newest_page_start);
  }
  return deliver(horizon, callback);
}

std::size_t RingReader::drain(const RecordCallback& callback) {
  last_round_ = std::chrono::steady_clock::now();
  read_round(true);
  return deliver(std::numeric_limits<std::uint64_t>::max(), callback);
}

bool RingReader::has_pending() const {
  return std::any_of(rings_.begin(), rings_.end(), [](const auto& ring) { return ring->head != nullptr; });
}

std::vector<CpuDrops> RingReader::drops() const {
  std::vector<CpuDrops> all;
  for (const auto& ring : rings_) {
    CpuDrops cpu;
    cpu.cpu = ring->cpu;
    cpu.missed_in_pages = ring->missed_in_pages;
    cpu.pages_with_unknown_missed = ring->pages_with_unknown_missed;
    read_cpu_stats(ring->stats_path, cpu);
    all.push_back(cpu);
  }
  return all;
}

std::vector<unsigned> RingReader::cpus() const {
  std::vector<unsigned> numbers;
  for (const auto& ring : rings_) numbers.push_back(ring->cpu);
  return numbers;
}

std::uint64_t RingReader::unknown_records() const { return unknown_records_; }
std::size_t RingReader::subbuffer_size() const { return subbuffer_size_; }
const std::vector<SettingFallback>& RingReader::fallbacks() const { return fallbacks_; }

}  // namespace probity::consumer
