// Lost events, counted per CPU and reported the way DTrace does:
// "probity: 1234 drops on CPU 1". Never silent.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace probity::consumer {

struct CpuDrops {
  unsigned cpu = 0;
  // From the pages read: the "missed events" count kbuffer reports before a
  // page (events overwritten before the reader got to them), summed; pages
  // that say events were missed without saying how many are counted apart.
  std::uint64_t missed_in_pages = 0;
  std::uint64_t pages_with_unknown_missed = 0;
  // From per_cpu/cpuN/stats of the instance (cumulative since it was made).
  std::uint64_t overrun = 0;         // overwritten (overwrite mode only)
  std::uint64_t commit_overrun = 0;  // lost to nested writes filling a page
  std::uint64_t dropped = 0;         // refused because the buffer was full (no-overwrite mode)

  // Every event the kernel made for this instance on this CPU and the reader
  // never got. kbuffer's missed count and the overrun stat describe the same
  // events, so the larger is taken, not the sum.
  std::uint64_t total() const;
};

// Fills the stats fields of `drops` from a per_cpu/cpuN/stats file. Throws
// TracefsOperationError when the file cannot be read.
void read_cpu_stats(const std::filesystem::path& stats_file, CpuDrops& drops);

// Turns running totals into notices for what is new since the last call:
// one "probity: N drops on CPU C" per CPU whose total grew.
// Drops on one CPU not reported before.
struct NewDrops {
  unsigned cpu = 0;
  std::uint64_t count = 0;
};

class DropReporter {
 public:
  // What is new since the last call, per CPU whose total grew.
  std::vector<NewDrops> take_new(const std::vector<CpuDrops>& now);
  std::vector<std::string> notices(const std::vector<CpuDrops>& now);

 private:
  std::map<unsigned, std::uint64_t> reported_;
};

}  // namespace probity::consumer
