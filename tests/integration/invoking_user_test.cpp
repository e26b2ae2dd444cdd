// Files named on the command line are read and written with the rights of
// the user on whose behalf probity runs as root (sudo's SUDO_UID): running
// probity through sudo reaches tracefs, not every file on the machine.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "support/probity_process.hpp"
#include "support/scratch_directory.hpp"
#include "support/tracefs.hpp"

namespace {

namespace fs = std::filesystem;
using probity::test_support::Outcome;
using probity::test_support::ScratchDirectory;

constexpr uid_t nobody = 65534;
constexpr const char* exit_at_once = "BEGIN { exit(0); }";

std::string contents(const fs::path& file) {
  std::ifstream stream(file);
  std::stringstream text;
  text << stream.rdbuf();
  return text.str();
}

void write_file(const fs::path& file, const std::string& text, mode_t mode) {
  std::ofstream(file) << text;
  ::chmod(file.c_str(), mode);
}

class InvokingUser : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: it plays sudo running probity for the user nobody";
    ::chmod(scratch_.path().c_str(), 0755);
    root_only_ = scratch_.path() / "root-only";
    fs::create_directory(root_only_);
    ::chmod(root_only_.c_str(), 0700);
    nobodys_ = scratch_.path() / "nobodys";
    fs::create_directory(nobodys_);
    ASSERT_EQ(::chown(nobodys_.c_str(), nobody, nobody), 0);
  }

  // probity as `sudo -u root` run by nobody would start it.
  Outcome as_sudo(const std::vector<std::string>& arguments) {
    return probity::test_support::run_process(PROBITY_BINARY, arguments, std::nullopt, [] {
      return ::setenv("SUDO_UID", "65534", 1) == 0 && ::setenv("SUDO_GID", "65534", 1) == 0 &&
             ::setenv("SUDO_USER", "nobody", 1) == 0;
    });
  }
  Outcome as_root(const std::vector<std::string>& arguments) {
    return probity::test_support::run_process(PROBITY_BINARY, arguments, std::nullopt, [] {
      return ::unsetenv("SUDO_UID") == 0 && ::unsetenv("PKEXEC_UID") == 0;
    });
  }

  ScratchDirectory scratch_{"probity-invoking-user"};
  fs::path root_only_;
  fs::path nobodys_;
};

TEST_F(InvokingUser, AScriptTheUserCannotReadIsNotReadForThem) {
  const fs::path secret = root_only_ / "secret.d";
  write_file(secret, "the-secret-first-line\n", 0600);
  const Outcome refused = as_sudo({"-e", "-s", secret.string()});
  EXPECT_NE(refused.status, 0);
  EXPECT_NE(refused.err.find("Permission denied"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.err.find("the-secret"), std::string::npos) << refused.err;
  // Root itself reads it (and quotes it in the syntax error).
  const Outcome read = as_root({"-e", "-s", secret.string()});
  EXPECT_NE(read.err.find("the-secret"), std::string::npos) << read.err;
}

TEST_F(InvokingUser, FilesTheEnvironmentNamesAreReadWithTheUsersRightsToo) {
  const fs::path secret = root_only_ / "shadow";
  write_file(secret, "root:the-secret-hash:19000:0:99999:7:::\n", 0640);
  for (const char* variable : {"PROBITY_POLICY", "PROBITY_OS_RELEASE"}) {
    const Outcome refused = probity::test_support::run_process(
        PROBITY_BINARY, {"-l", "sched:sched_switch"}, std::nullopt, [&] {
          return ::setenv("SUDO_UID", "65534", 1) == 0 && ::setenv(variable, secret.c_str(), 1) == 0;
        });
    if (std::string_view(variable) == "PROBITY_POLICY") {
      EXPECT_NE(refused.status, 0);
    }
    EXPECT_EQ(refused.err.find("the-secret"), std::string::npos) << variable << ": " << refused.err;
  }
}

TEST_F(InvokingUser, AnObjectIsNotWrittenOverAFileTheUserCannotWrite) {
  const fs::path victim = scratch_.path() / "victim";
  write_file(victim, "root's data\n", 0644);
  const Outcome refused = as_sudo({"-e", "-n", exit_at_once, "-o", victim.string()});
  EXPECT_NE(refused.status, 0);
  EXPECT_NE(refused.err.find("Permission denied"), std::string::npos) << refused.err;
  EXPECT_EQ(contents(victim), "root's data\n");
  const Outcome created = as_sudo({"-e", "-n", exit_at_once, "-o", (root_only_ / "new.pob").string()});
  EXPECT_NE(created.status, 0);
  EXPECT_FALSE(fs::exists(root_only_ / "new.pob"));
  const Outcome by_root = as_root({"-e", "-n", exit_at_once, "-o", victim.string()});
  EXPECT_EQ(by_root.status, 0) << by_root.err;
  EXPECT_NE(contents(victim), "root's data\n");
}

TEST_F(InvokingUser, WhatTheUserMayWriteIsWrittenAndIsTheirs) {
  const fs::path object = nobodys_ / "exit.pob";
  const Outcome written = as_sudo({"-e", "-n", exit_at_once, "-o", object.string()});
  ASSERT_EQ(written.status, 0) << written.err;
  struct stat info {};
  ASSERT_EQ(::stat(object.c_str(), &info), 0);
  EXPECT_EQ(info.st_uid, nobody);
  // ... and read back with their rights.
  const Outcome read = as_sudo({"-e", "-s", object.string()});
  EXPECT_EQ(read.status, 0) << read.err;
}

TEST_F(InvokingUser, TraceOutputGoesOnlyWhereTheUserMayWrite) {
  REQUIRE_TRACEFS();
  const fs::path victim = scratch_.path() / "victim";
  write_file(victim, "root's data\n", 0644);
  const Outcome refused = as_sudo({"-q", "-n", "BEGIN { printf(\"traced\\n\"); exit(0); }", "-o", victim.string()});
  EXPECT_NE(refused.status, 0);
  EXPECT_EQ(contents(victim), "root's data\n");
  const fs::path output = nobodys_ / "trace.txt";
  const Outcome traced = as_sudo({"-q", "-n", "BEGIN { printf(\"traced\\n\"); exit(0); }", "-o", output.string()});
  ASSERT_EQ(traced.status, 0) << traced.err;
  EXPECT_EQ(contents(output), "traced\n\n");
}

TEST_F(InvokingUser, ABinaryTheUserCannotReadIsNotListedOrTraced) {
  const fs::path binary = root_only_ / "probes";
  fs::copy_file(PROBITY_BINARY, binary);
  const Outcome refused = as_sudo({"-l", "usdt:" + binary.string() + ":*"});
  EXPECT_NE(refused.status, 0);
  EXPECT_NE(refused.err.find("Permission denied"), std::string::npos) << refused.err;
  const Outcome by_root = as_root({"-l", "usdt:" + binary.string() + ":*"});
  EXPECT_EQ(by_root.err.find("Permission denied"), std::string::npos) << by_root.err;
  // Nor when a program names it.
  const Outcome compiled = as_sudo({"-e", "-x", "amin=Private", "-n", "usdt:" + binary.string() + ":p:q { }"});
  EXPECT_NE(compiled.status, 0);
  EXPECT_NE(compiled.err.find("Permission denied"), std::string::npos) << compiled.err;
}

TEST_F(InvokingUser, TheTracedCommandRunsAsTheUser) {
  REQUIRE_TRACEFS();
  const Outcome as_user = as_sudo({"-q", "-c", "id -u", "-n", "END { }"});
  ASSERT_EQ(as_user.status, 0) << as_user.err;
  EXPECT_EQ(as_user.out, "65534\n\n");
  const Outcome as_itself = as_root({"-q", "-c", "id -u", "-n", "END { }"});
  ASSERT_EQ(as_itself.status, 0) << as_itself.err;
  EXPECT_EQ(as_itself.out, "0\n\n");
}

}  // namespace
