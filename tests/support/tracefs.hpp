// Integration tests on the real tracefs: mount it when it is not mounted,
// and skip with the reason when that cannot work (not root).
#pragma once

#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>

namespace probity::test_support {

inline const std::filesystem::path tracefs_mount{"/sys/kernel/tracing"};

// Why tests that need tracefs instances cannot run here; nullopt when they can.
inline std::optional<std::string> tracefs_unavailable() {
  namespace fs = std::filesystem;
  if (::geteuid() != 0) return "needs root: tracefs is readable by root only";
  std::error_code error;
  if (!fs::exists(tracefs_mount / "instances", error)) {
    if (::mount("nodev", tracefs_mount.c_str(), "tracefs", 0, nullptr) != 0 && errno != EBUSY) {
      return "cannot mount tracefs at " + tracefs_mount.string() + ": " + std::strerror(errno);
    }
  }
  if (!fs::exists(tracefs_mount / "instances", error)) return tracefs_mount.string() + " has no instances/ directory";
  return std::nullopt;
}

}  // namespace probity::test_support

#define REQUIRE_TRACEFS()                                                                         \
  do {                                                                                            \
    if (const auto reason = ::probity::test_support::tracefs_unavailable()) GTEST_SKIP() << *reason; \
  } while (false)
