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
// removed. Instances that are not Probity's, or whose owner is alive, are
// never touched: a live owner holds a file of its instance open (see
// TracingSession), so the kernel refuses to remove it (EBUSY) and it is left
// as it is, even when its owner lives in another pid namespace, where the pid
// in the name means something else. (Only in the microseconds between the
// instance's mkdir and that open can another namespace's cleanup take it.)
// An instance the kernel refuses to remove for another reason is stopped
// (tracing off, all events disabled).
//
// Returns one notice per instance found, e.g. "probity: removed instance
// probity-1234-5678-0 left by process 1234, which no longer exists", or,
// when the kernel refused, "probity: cannot remove instance ...: reason".
// Throws catalogue::TracefsError only when <tracing>/instances cannot be listed.
std::vector<std::string> remove_stale_instances(const std::filesystem::path& tracing);

}  // namespace probity::consumer
