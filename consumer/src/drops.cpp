#include "probity/consumer/drops.hpp"

#include <algorithm>
#include <charconv>
#include <sstream>
#include <string_view>

#include "tracefs_io.hpp"

namespace probity::consumer {

std::uint64_t CpuDrops::total() const {
  const std::uint64_t lost = dropped + commit_overrun + std::max(overrun, missed_in_pages);
  // A page can say "events were missed" without the count: at least one each.
  return std::max(lost, pages_with_unknown_missed);
}

void read_cpu_stats(const std::filesystem::path& stats_file, CpuDrops& drops) {
  std::istringstream lines(detail::read_tracefs_file(stats_file));
  std::string line;
  while (std::getline(lines, line)) {
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string_view key(line.data(), colon);
    std::string_view value(line);
    value.remove_prefix(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    std::uint64_t number = 0;
    if (std::from_chars(value.data(), value.data() + value.size(), number).ec != std::errc{}) continue;
    if (key == "overrun") drops.overrun = number;
    else if (key == "commit overrun") drops.commit_overrun = number;
    else if (key == "dropped events") drops.dropped = number;
  }
}

std::vector<NewDrops> DropReporter::take_new(const std::vector<CpuDrops>& now) {
  std::vector<NewDrops> fresh;
  for (const CpuDrops& cpu : now) {
    std::uint64_t& reported = reported_[cpu.cpu];
    const std::uint64_t total = cpu.total();
    if (total > reported) {
      fresh.push_back({cpu.cpu, total - reported});
      reported = total;
    }
  }
  return fresh;
}

std::vector<std::string> DropReporter::notices(const std::vector<CpuDrops>& now) {
  std::vector<std::string> lines;
  for (const NewDrops& cpu : take_new(now)) {
    lines.push_back("probity: " + std::to_string(cpu.count) + " drops on CPU " + std::to_string(cpu.cpu));
  }
  return lines;
}

}  // namespace probity::consumer
