// The trust boundary (DESIGN.md): the installed site policy, the installed
// catalogue's forbidden hazards and the installed vendor overlays bound what
// an operator reaches; flags, environment variables and files named on the
// command line may add restrictions, never remove them.
//
// An installed-layout copy (PREFIX/bin/probity, PREFIX/share/probity/
// probity.idx with syscalls:sys_enter_getppid forbidden, and a vendor overlay
// for this host's vendor forbidding sched:sched_waking on the running
// kernel) runs in a private mount namespace whose /etc/probity holds a site
// policy forbidding sched:sched_wakeup. Every attempt below reaches for one
// of those through a flag, a variable or a file, and must be refused.
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "probity/catalogue/host.hpp"
#include "support/catalogue_copy.hpp"
#include "support/probity_process.hpp"
#include "support/scratch_directory.hpp"
#include "support/tracefs.hpp"

namespace {

namespace fs = std::filesystem;
using probity::test_support::Outcome;
using probity::test_support::ScratchDirectory;

std::string os_release_id() {
  std::ifstream file("/etc/os-release");
  for (std::string line; std::getline(file, line);) {
    if (line.starts_with("ID=")) {
      std::string id = line.substr(3);
      if (id.size() >= 2 && id.front() == '"') id = id.substr(1, id.size() - 2);
      return id;
    }
  }
  return "";
}

void write_file(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << text;
  ::chmod(file.c_str(), 0644);
}

class TrustBoundary : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_TRACEFS();
    vendor_ = os_release_id();
    if (vendor_.empty()) GTEST_SKIP() << "/etc/os-release names no vendor";
    ::chmod(scratch_.path().c_str(), 0755);
    const fs::path prefix = scratch_.path() / "usr";
    probity_ = prefix / "bin" / "probity";
    fs::create_directories(probity_.parent_path());
    fs::copy_file(PROBITY_BINARY, probity_);
    const fs::path share = prefix / "share" / "probity";
    fs::create_directories(share);
    const fs::path installed =
        probity::test_support::index_with_syscall_hazard(scratch_.path(), "sys_enter_getppid", "forbidden");
    ASSERT_FALSE(installed.empty());
    fs::copy_file(installed, share / "probity.idx");
    write_file(share / "vendors" / vendor_ / "redteam.yaml",
               "vendor: " + vendor_ + "\nreleases: [\"" + probity::catalogue::running_release() +
                   "\"]\nproviders:\n  sched:\n    events:\n      sched_waking:\n        hazard:\n"
                   "          level: forbidden\n          reason: the red team's overlay\n"
                   "          reference: tests/integration/trust_boundary_test.cpp\n");
    policy_ = "forbid:\n  events: [\"sched:sched_wakeup\"]\n";

    // What an operator brings: a permissive policy, an empty overlay, an
    // empty catalogue directory, another vendor, and the plain build index
    // (no forbidden getppid) beside its own empty vendors directory.
    permissive_policy_ = scratch_.path() / "operator" / "policy.yaml";
    write_file(permissive_policy_, "hazards:\n  hot: allow\n");
    empty_overlay_ = scratch_.path() / "operator" / "overlay.yaml";
    write_file(empty_overlay_, "vendor: nobody\nreleases: [\"0.0.0\"]\nproviders: {}\n");
    empty_catalogue_ = scratch_.path() / "operator" / "catalogue";
    fs::create_directories(empty_catalogue_ / "vendors");
    other_os_ = scratch_.path() / "operator" / "os-release";
    write_file(other_os_, "ID=nobodyos\n");
    other_index_ = scratch_.path() / "operator" / "index" / "probity.idx";
    fs::create_directories(other_index_.parent_path());
    fs::copy_file(PROBITY_INDEX_FILE, other_index_);
  }

  // Runs the installed copy with `arguments` and `environment` in a private
  // mount namespace whose /etc/probity/policy.yaml is policy_.
  Outcome installed_probity(const std::vector<std::string>& arguments,
                            const std::vector<std::pair<std::string, std::string>>& environment) {
    ::mkdir("/etc/probity", 0755);  // a mount point; the policy lives only in the namespace
    return probity::test_support::run_process(probity_.string(), arguments, std::nullopt, [&] {
      if (::unshare(CLONE_NEWNS) != 0 || ::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
          ::mount("tmpfs", "/etc/probity", "tmpfs", 0, "mode=0755") != 0) {
        return false;
      }
      std::ofstream("/etc/probity/policy.yaml") << policy_;
      ::chmod("/etc/probity/policy.yaml", 0644);
      for (const auto& [name, value] : environment) ::setenv(name.c_str(), value.c_str(), 1);
      return true;
    });
  }

  ScratchDirectory scratch_{"probity-trust"};
  std::string vendor_;
  fs::path probity_;
  std::string policy_;
  fs::path permissive_policy_, empty_overlay_, empty_catalogue_, other_os_, other_index_;
};

TEST_F(TrustBoundary, NoFlagVariableOrFileReachesWhatTheSiteForbids) {
  // Each forbidden thing, and a program that would use it (and end at once if it ran).
  const std::vector<std::pair<std::string, std::string>> targets{
      {"the installed index", "syscalls:sys_enter_getppid { @ = count(); } BEGIN { exit(0); }"},
      {"the installed overlay", "sched:sched_waking { @ = count(); } BEGIN { exit(0); }"},
      {"the installed policy", "sched:sched_wakeup { @ = count(); } BEGIN { exit(0); }"},
  };
  struct Attempt {
    std::string how;
    std::vector<std::string> arguments;
    std::vector<std::pair<std::string, std::string>> environment;
  };
  const std::vector<Attempt> attempts{
      {"nothing", {}, {}},
      {"--kernel of another catalogued release", {"--kernel", "6.1"}, {}},
      {"--kernel 6.12", {"--kernel", "6.12"}, {}},
      {"--overlay with an overlay that matches nothing", {"--overlay", empty_overlay_.string()}, {}},
      {"--catalogue with an empty directory", {"--catalogue", empty_catalogue_.string()}, {}},
      {"$PROBITY_OS_RELEASE naming another vendor", {}, {{"PROBITY_OS_RELEASE", other_os_.string()}}},
      {"--index of a catalogue without the hazard", {"--index", other_index_.string()}, {}},
      {"$PROBITY_INDEX of a catalogue without the hazard", {}, {{"PROBITY_INDEX", other_index_.string()}}},
      {"$PROBITY_POLICY naming a permissive policy", {}, {{"PROBITY_POLICY", permissive_policy_.string()}}},
      {"all of them", {"--kernel", "6.1", "--index", other_index_.string(), "--overlay", empty_overlay_.string()},
       {{"PROBITY_POLICY", permissive_policy_.string()}, {"PROBITY_OS_RELEASE", other_os_.string()}}},
  };
  const Outcome baseline = installed_probity({"-e", "-n", "sched:sched_switch { @ = count(); }"}, {});
  ASSERT_NE(baseline.status, 125) << "cannot make a private mount namespace";
  ASSERT_EQ(baseline.status, 0) << "the installed copy does not work at all: " << baseline.err;

  std::size_t tries = 0;
  for (const auto& [what, program] : targets) {
    for (const Attempt& attempt : attempts) {
      for (const bool compile_only : {true, false}) {
        const bool other_release =
            std::find(attempt.arguments.begin(), attempt.arguments.end(), "--kernel") != attempt.arguments.end();
        if (compile_only && other_release && what == "the installed overlay") {
          continue;  // the overlay is for the running release only: another release's compile may pass; the run may not
        }
        std::vector<std::string> arguments = attempt.arguments;
        if (compile_only) arguments.push_back("-e");
        arguments.insert(arguments.end(), {"-x", "allow=hot,sensitive", "-n", program});
        const Outcome outcome = installed_probity(arguments, attempt.environment);
        ++tries;
        EXPECT_NE(outcome.status, 0) << what << " was reached by " << attempt.how << (compile_only ? " (-e)" : "")
                                     << "\nstdout: " << outcome.out << "\nstderr: " << outcome.err;
        EXPECT_NE(outcome.err.find("forbid"), std::string::npos)
            << what << " refused by " << attempt.how << " without saying it is forbidden: " << outcome.err;
      }
    }
  }
  EXPECT_GT(tries, 50U);
}

}  // namespace
