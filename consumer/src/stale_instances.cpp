#include "probity/consumer/stale_instances.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "instance_name.hpp"
#include "probity/consumer/tracefs_error.hpp"
#include "tracefs_io.hpp"

namespace probity::consumer {

namespace fs = std::filesystem;

std::vector<std::string> remove_stale_instances(const fs::path& tracing) {
  const fs::path instances = tracing / "instances";
  std::error_code error;
  std::vector<std::string> names;
  for (fs::directory_iterator it(instances, error), end; !error && it != end; it.increment(error)) {
    names.push_back(it->path().filename().string());
  }
  if (error) throw TracefsOperationError("list the tracing instances", instances, error.value());
  std::sort(names.begin(), names.end());

  std::vector<std::string> notices;
  for (const std::string& name : names) {
    const auto owner = detail::parse_instance_name(name);
    if (!owner) continue;
    const detail::ProcessStatus status = detail::process_status(owner->pid);
    if (status.exists && status.start_time == owner->start_time) continue;

    const fs::path dir = instances / name;
    const std::string owner_text = "left by process " + std::to_string(owner->pid) + ", which no longer exists" +
                                   (status.exists ? " (its pid now belongs to another process)" : "");
    // Removed as it is: a live owner holds a file of its instance open, so
    // the kernel refuses (EBUSY) and the instance is left alone untouched;
    // that owner may live in another pid namespace, where its pid means
    // nothing here.
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) {
      notices.push_back("probity: removed instance " + name + " " + owner_text);
      continue;
    }
    const int refusal = errno;
    if (refusal == EBUSY) continue;
    // Stopped at least, so that it records nothing more.
    detail::try_write_tracefs_file(dir / "tracing_on", "0");
    detail::try_write_tracefs_file(dir / "events" / "enable", "0");
    notices.push_back("probity: cannot remove instance " + name + " " + owner_text + ": " + dir.string() + ": " +
                      std::strerror(refusal));
  }
  return notices;
}

}  // namespace probity::consumer
