#include "instance_name.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "probity/consumer/session.hpp"

namespace probity::consumer::detail {
namespace {

template <typename Number>
std::optional<Number> whole_number(std::string_view text) {
  Number value{};
  if (text.empty() || text.front() == '+' || text.front() == '-') return std::nullopt;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string format_owner_name(const InstanceOwner& owner, std::string_view prefix, char separator) {
  return std::string(prefix) + std::to_string(owner.pid) + separator + std::to_string(owner.start_time) +
         separator + std::to_string(owner.sequence);
}

std::optional<InstanceOwner> parse_owner_name(std::string_view name, std::string_view prefix, char separator) {
  if (!name.starts_with(prefix)) return std::nullopt;
  name.remove_prefix(prefix.size());
  std::vector<std::string_view> parts;
  for (std::size_t end; (end = name.find(separator)) != std::string_view::npos;) {
    parts.push_back(name.substr(0, end));
    name.remove_prefix(end + 1);
  }
  parts.push_back(name);
  if (parts.size() != 3) return std::nullopt;
  const auto pid = whole_number<pid_t>(parts[0]);
  const auto start = whole_number<std::uint64_t>(parts[1]);
  const auto sequence = whole_number<unsigned>(parts[2]);
  if (!pid || *pid <= 0 || !start || !sequence) return std::nullopt;
  return InstanceOwner{*pid, *start, *sequence};
}

constexpr std::string_view uprobe_group_prefix = "probity_";

}  // namespace

std::string format_instance_name(const InstanceOwner& owner) {
  return format_owner_name(owner, instance_prefix, '-');
}

std::optional<InstanceOwner> parse_instance_name(std::string_view name) {
  return parse_owner_name(name, instance_prefix, '-');
}

std::string format_uprobe_group(const InstanceOwner& owner) {
  return format_owner_name(owner, uprobe_group_prefix, '_');
}

std::optional<InstanceOwner> parse_uprobe_group(std::string_view name) {
  return parse_owner_name(name, uprobe_group_prefix, '_');
}

ProcessStatus process_status(pid_t pid) {
  std::ifstream stat_file("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!stat_file || !std::getline(stat_file, line)) return {};
  // The command name is in parentheses and may itself hold spaces or ')'.
  const std::size_t name_end = line.rfind(')');
  if (name_end == std::string::npos) return {};
  std::istringstream fields(line.substr(name_end + 1));
  std::string state;
  fields >> state;  // field 3
  if (state == "Z" || state == "X") return {};  // dead, waiting to be reaped
  std::string skipped;
  for (int field = 4; field < 22; ++field) fields >> skipped;
  std::uint64_t start_time = 0;
  if (!(fields >> start_time)) return {};
  return ProcessStatus{true, start_time};
}

}  // namespace probity::consumer::detail
