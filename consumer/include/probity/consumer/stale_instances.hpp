// Instances left behind by a Probity process that died without tearing down
// (SIGKILL, a crash): found and removed at the start of the next run.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace probity::consumer {

// Scans <tracing>/instances for Probity's instances (`probity-<pid>-<start
// time>-<n>`) whose owner no longer exists: the pid has no live process, or
// its process started at another time (the pid was recycled). Each is
// stopped (tracing off, all events disabled) and removed. Instances that are
// not Probity's, or whose owner is alive, are never touched.
//
// Returns one notice per instance found, e.g. "probity: removed instance
// probity-1234-5678-0 left by process 1234, which no longer exists", or,
// when the kernel refused, "probity: cannot remove instance ...: reason".
// Throws catalogue::TracefsError only when <tracing>/instances cannot be listed.
std::vector<std::string> remove_stale_instances(const std::filesystem::path& tracing);

}  // namespace probity::consumer
