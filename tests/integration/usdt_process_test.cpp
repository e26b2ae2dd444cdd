// probity -l -p PID: the USDT probes of every file a running process has
// mapped. The process is this test itself: whichever of its libraries carry
// .note.stapsdt probes (Debian's libstdc++ has libstdcxx:throw and catch)
// must be listed, each with its provider and probes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "probity/catalogue/sdt_notes.hpp"
#include "support/probity_process.hpp"

namespace probity {
namespace {

using test_support::Outcome;

Outcome probity(std::vector<std::string> arguments) {
  return test_support::run_process(PROBITY_BINARY, arguments);
}

// The probes of every executable file this process has mapped, by file.
std::map<std::string, std::set<std::string>> own_probes() {
  std::map<std::string, std::set<std::string>> probes;
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    std::istringstream fields(line);
    std::string range, perms, offset, device, inode, path;
    fields >> range >> perms >> offset >> device >> inode >> path;
    if (perms.size() < 3 || perms[2] != 'x' || !path.starts_with('/')) continue;
    try {
      for (const catalogue::SdtProbe& probe : catalogue::read_sdt_notes(path)) {
        probes[path].insert(probe.provider + " " + probe.name);
      }
    } catch (const catalogue::SdtError&) {
    }
  }
  return probes;
}

TEST(UsdtProcess, ListsTheProbesOfEveryFileTheProcessHasMapped) {
  const auto expected = own_probes();
  if (expected.empty()) GTEST_SKIP() << "none of this test's own libraries has USDT probes on this system";
  const Outcome listed = probity({"-l", "-p", std::to_string(::getpid())});
  ASSERT_EQ(listed.status, 0) << listed.err;
  std::set<std::string> seen;
  std::istringstream rows(listed.out);
  std::string header;
  std::getline(rows, header);
  EXPECT_TRUE(header.starts_with("FILE")) << listed.out;
  for (std::string line; std::getline(rows, line);) {
    std::istringstream fields(line);
    std::string file, provider, probe;
    fields >> file >> provider >> probe;
    seen.insert(provider + " " + probe);
  }
  for (const auto& [file, probes] : expected) {
    for (const std::string& probe : probes) EXPECT_TRUE(seen.contains(probe)) << probe << " of " << file << "\n" << listed.out;
  }

  // A provider:probe glob narrows the list; -lv describes each site.
  const std::string provider_and_probe = *expected.begin()->second.begin();
  const std::string provider = provider_and_probe.substr(0, provider_and_probe.find(' '));
  const std::string probe = provider_and_probe.substr(provider_and_probe.find(' ') + 1);
  const Outcome one = probity({"-lv", "-p", std::to_string(::getpid()), provider + ":" + probe});
  ASSERT_EQ(one.status, 0) << one.err;
  EXPECT_NE(one.out.find(":" + provider + ":" + probe + "\n"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("Sites ("), std::string::npos) << one.out;
}

TEST(UsdtProcess, SaysWhyWhenThereIsNothingToList) {
  const Outcome gone = probity({"-l", "-p", "999999999"});
  EXPECT_EQ(gone.status, 1);
  EXPECT_NE(gone.err.find("cannot read the mappings of process 999999999"), std::string::npos) << gone.err;
  const Outcome garbage = probity({"-l", "-p", "12x"});
  EXPECT_EQ(garbage.status, 1);
  EXPECT_NE(garbage.err.find("-p takes a process id"), std::string::npos) << garbage.err;
}

}  // namespace
}  // namespace probity
