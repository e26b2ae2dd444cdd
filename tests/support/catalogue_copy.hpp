// Indexes built from a copy of the shipped catalogue with one event's hazard
// raised, for tests of what a local or installed catalogue forbids.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/probity_process.hpp"

namespace probity::test_support {

// The index of the shipped catalogue with syscalls:`event` given the hazard
// `level` ("hot", "forbidden", ...), written to dir/<level>.idx; empty when
// it could not be built.
inline std::filesystem::path index_with_syscall_hazard(const std::filesystem::path& dir, const std::string& event,
                                                       const std::string& level) {
  namespace fs = std::filesystem;
  const fs::path source = dir / ("catalogue-" + level);
  fs::copy(PROBITY_CATALOGUE_SOURCE_DIR, source, fs::copy_options::recursive);
  const fs::path syscalls = source / "providers" / "syscalls.yaml";
  std::ifstream input(syscalls);
  std::stringstream text;
  text << input.rdbuf();
  std::string yaml = text.str();
  const std::string anchor = "\n  " + event + ":\n";
  const std::size_t at = yaml.find(anchor);
  if (at == std::string::npos) return {};
  yaml.insert(at + anchor.size(), "    hazard:\n      level: " + level +
                                      "\n      reason: this test says so\n"
                                      "      reference: tests/support/catalogue_copy.hpp\n");
  std::ofstream(syscalls) << yaml;
  const fs::path index = dir / (level + ".idx");
  const Outcome build = run_process(PROBITY_BINARY, {"catalogue", "build", "--source", source.string(), "-o",
                                                     index.string()});
  if (build.status != 0) return {};
  return index;
}

}  // namespace probity::test_support
