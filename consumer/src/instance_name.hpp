// The names of Probity's tracefs instances and the identity of the process
// that owns one. Internal to the consumer.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace probity::consumer::detail {

struct InstanceOwner {
  pid_t pid = 0;
  std::uint64_t start_time = 0;  // clock ticks after boot, /proc/<pid>/stat field 22
  unsigned sequence = 0;
};

// "probity-<pid>-<start time>-<sequence>".
std::string format_instance_name(const InstanceOwner& owner);

// The owner encoded in an instance name; nullopt for names that are not
// exactly of that form (such instances are not Probity's).
std::optional<InstanceOwner> parse_instance_name(std::string_view name);

// The same for the groups of Probity's uprobe events,
// "probity_<pid>_<start time>_<sequence>": event group names are C
// identifiers (older kernels refuse a dash).
std::string format_uprobe_group(const InstanceOwner& owner);
std::optional<InstanceOwner> parse_uprobe_group(std::string_view name);

// What /proc says about a process now.
struct ProcessStatus {
  bool exists = false;     // has a /proc entry that is not a zombie
  std::uint64_t start_time = 0;
};
ProcessStatus process_status(pid_t pid);

}  // namespace probity::consumer::detail
