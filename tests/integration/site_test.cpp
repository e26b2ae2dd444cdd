// Vendors and sites through the probity binary: the site policy at compile
// time (by name, by glob, fields) and again at run time (an object compiled
// without it), signed overlays and objects under require_signatures, the
// overlays -l says are in force, and what works without privilege.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include <gtest/gtest.h>

#include "support/probity_process.hpp"
#include "support/scoped_environment.hpp"
#include "support/scratch_directory.hpp"
#include "support/tracefs.hpp"

namespace probity {
namespace {

namespace fs = std::filesystem;
using test_support::Outcome;
using test_support::run_process;
using test_support::ScopedEnvironment;
using test_support::ScratchDirectory;

constexpr uid_t nobody = 65534;
constexpr const char* release = "6.18.44-fc-v657";

Outcome probity(std::vector<std::string> arguments, std::optional<uid_t> uid = std::nullopt) {
  return run_process(PROBITY_BINARY, arguments, uid);
}

std::vector<std::string> compile_args(const std::string& program) {
  return {"--index", PROBITY_INDEX_FILE, "--kernel", release, "-e", "-n", program};
}

class SiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: a site policy must be owned by root";
  }
  fs::path policy(const std::string& text) {
    const fs::path file = scratch_.write("policy.yaml", text);
    ::chmod(file.c_str(), 0644);
    return file;
  }
  ScratchDirectory scratch_{"probity-site"};
};

TEST_F(SiteTest, CompileRefusesAForbiddenEventNamedDirectly) {
  const fs::path file = policy("forbid:\n  events: [\"sched:sched_switch\"]\n");
  ScopedEnvironment environment("PROBITY_POLICY", file.string());
  const Outcome run = probity(compile_args("sched:sched_switch { @ = count(); }"));
  EXPECT_EQ(run.status, 1) << run.err;
  EXPECT_NE(run.err.find("probe sched:sched_switch is forbidden by the site policy " + file.string() +
                         ":2:12 (forbid.events: \"sched:sched_switch\")"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("[D_SITE_POLICY]"), std::string::npos) << run.err;
}

TEST_F(SiteTest, CompileRefusesAForbiddenEventReachedByGlob) {
  const fs::path file = policy("forbid:\n  providers: [irq]\n");
  ScopedEnvironment environment("PROBITY_POLICY", file.string());
  const Outcome only = probity(compile_args("irq:* { @ = count(); }"));
  EXPECT_EQ(only.status, 1) << only.err;
  EXPECT_NE(only.err.find("irq:* matches only probes the site policy forbids"), std::string::npos) << only.err;
  EXPECT_NE(only.err.find("forbid.providers: \"irq\""), std::string::npos) << only.err;

  // A glob reaching forbidden and allowed probes keeps the allowed ones only, and says so.
  const Outcome mixed = probity(compile_args("irq:*, sched:sched_switch { @ = count(); }"));
  EXPECT_EQ(mixed.status, 1) << "irq:* alone still matches only forbidden probes: " << mixed.err;
  const fs::path narrower = policy("forbid:\n  events: [\"sched:sched_wakeup*\"]\n");
  ScopedEnvironment again("PROBITY_POLICY", narrower.string());
  const Outcome some = probity(compile_args("sched:sched_wak* { @ = count(); }"));
  EXPECT_EQ(some.status, 0) << some.err;
  EXPECT_NE(some.err.find("leaves out 2 probes the site policy forbids [D_SITE_POLICY]"), std::string::npos)
      << some.err;
  EXPECT_NE(some.err.find("matched 1 probe"), std::string::npos) << "only sched_waking is left: " << some.err;
}

TEST_F(SiteTest, CompileRefusesAForbiddenFieldAndAStabilityBelowTheMinimum) {
  const fs::path file = policy("forbid:\n  fields: [prev_comm]\nminimum_stability: Stable\n");
  ScopedEnvironment environment("PROBITY_POLICY", file.string());
  const Outcome field = probity(compile_args("sched:sched_switch { @[args->prev_comm] = count(); }"));
  EXPECT_EQ(field.status, 1) << field.err;
  EXPECT_NE(field.err.find("field sched:sched_switch.prev_comm is forbidden by the site policy"), std::string::npos)
      << field.err;
  // -x amin cannot go below the site's minimum: Unstable probes stay unreachable.
  const Outcome low = probity(compile_args("sched:sched_stat_runtime { @ = count(); }"));
  EXPECT_EQ(low.status, 1) << low.err;
  EXPECT_NE(low.err.find("minimum_stability: Stable"), std::string::npos) << low.err;
  std::vector<std::string> with_amin = compile_args("sched:sched_stat_runtime { @ = count(); }");
  with_amin.insert(with_amin.end(), {"-x", "amin=Private"});
  EXPECT_EQ(probity(with_amin).status, 1);
}

TEST_F(SiteTest, RunRefusesAnObjectAskingForAForbiddenEvent) {
  REQUIRE_TRACEFS();
  const fs::path object = scratch_.path() / "switch.pob";
  std::vector<std::string> arguments = compile_args("sched:sched_switch { @ = count(); exit(0); }");
  arguments.insert(arguments.end(), {"-o", object.string()});
  ASSERT_EQ(probity(arguments).status, 0) << "compiled without a policy";

  const fs::path file = policy("forbid:\n  events: [\"sched:sched_sw*\"]\n");
  ScopedEnvironment environment("PROBITY_POLICY", file.string());
  const Outcome run = probity({"--index", PROBITY_INDEX_FILE, "-s", object.string()});
  EXPECT_EQ(run.status, 1) << run.err;
  EXPECT_NE(run.err.find("event sched:sched_switch is forbidden by the site policy " + file.string() + ":2:12"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.out, "") << "nothing ran";
}

TEST_F(SiteTest, RunRefusesAnObjectReadingAForbiddenField) {
  REQUIRE_TRACEFS();
  const fs::path object = scratch_.path() / "comm.pob";
  std::vector<std::string> arguments =
      compile_args("sched:sched_switch { @[args->prev_comm] = count(); exit(0); }");
  arguments.insert(arguments.end(), {"-o", object.string()});
  ASSERT_EQ(probity(arguments).status, 0);
  const fs::path file = policy("forbid:\n  fields: [\"sched:*.prev_comm\"]\n");
  ScopedEnvironment environment("PROBITY_POLICY", file.string());
  const Outcome run = probity({"--index", PROBITY_INDEX_FILE, "-s", object.string()});
  EXPECT_EQ(run.status, 1) << run.err;
  EXPECT_NE(run.err.find("field sched:sched_switch.prev_comm is forbidden by the site policy"), std::string::npos)
      << run.err;
}

// Support events (task:task_newtask and task:task_rename, which the compiler
// adds for execname) are held to the site policy in force at run time like
// any other event, and so are the fields Probity reads of them.
TEST_F(SiteTest, RunRefusesAnObjectWhoseSupportEventsTheSitePolicyForbids) {
  REQUIRE_TRACEFS();
  const fs::path object = scratch_.path() / "execname.pob";
  std::vector<std::string> arguments =
      compile_args("sched:sched_process_fork { @[execname] = count(); exit(0); }");
  arguments.insert(arguments.end(), {"-v", "-o", object.string()});
  const Outcome compiled = probity(arguments);
  ASSERT_EQ(compiled.status, 0) << compiled.err;
  ASSERT_NE(compiled.out.find("task:task_newtask: (none) [support event"), std::string::npos) << compiled.out;

  const fs::path by_provider = policy("forbid:\n  providers: [task]\n");
  {
    ScopedEnvironment environment("PROBITY_POLICY", by_provider.string());
    const Outcome run = probity({"--index", PROBITY_INDEX_FILE, "-s", object.string()});
    EXPECT_EQ(run.status, 1) << run.err;
    EXPECT_NE(run.err.find("event task:task_newtask is forbidden by the site policy " + by_provider.string()),
              std::string::npos)
        << run.err;
    EXPECT_EQ(run.out, "") << "nothing ran";
  }
  const fs::path by_field = policy("forbid:\n  fields: [\"task:task_rename.newcomm\"]\n");
  ScopedEnvironment environment("PROBITY_POLICY", by_field.string());
  const Outcome run = probity({"--index", PROBITY_INDEX_FILE, "-s", object.string()});
  EXPECT_EQ(run.status, 1) << run.err;
  EXPECT_NE(run.err.find("field task:task_rename.newcomm (read by the support event task:task_rename"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.out, "") << "nothing ran";
}

class SignedSiteTest : public SiteTest {
 protected:
  void SetUp() override {
    SiteTest::SetUp();
    if (IsSkipped()) return;
    fs::create_directories(scratch_.path() / "keys");
    const Outcome keygen = probity({"keygen", (scratch_.path() / "private.pem").string(),
                                    (scratch_.path() / "keys" / "site.pem").string()});
    ASSERT_EQ(keygen.status, 0) << keygen.err;
    policy_ = policy("require_signatures: true\n");
  }
  std::vector<std::string> list_with(const fs::path& overlay) {
    return {"--index", PROBITY_INDEX_FILE, "--kernel", release, "--overlay", overlay.string(), "-l",
            "sched:sched_switch"};
  }
  fs::path policy_;
};

TEST_F(SignedSiteTest, ATamperedOverlayIsRefusedNamingTheFileAndReason) {
  const fs::path overlay = scratch_.write("acme.yaml", "vendor: acme\nreleases: ['6.18.*']\n");
  ASSERT_EQ(probity({"sign", "--key", (scratch_.path() / "private.pem").string(), overlay.string()}).status, 0);
  ScopedEnvironment environment("PROBITY_POLICY", policy_.string());
  ScopedEnvironment keys("PROBITY_KEYS", (scratch_.path() / "keys").string());
  const Outcome good = probity(list_with(overlay));
  ASSERT_EQ(good.status, 0) << good.err;
  EXPECT_NE(good.err.find("vendor overlay in force for " + std::string(release) + ": " + overlay.string()),
            std::string::npos)
      << good.err;

  std::ofstream(overlay, std::ios::app) << "description: changed after signing\n";
  const Outcome tampered = probity(list_with(overlay));
  EXPECT_EQ(tampered.status, 1);
  EXPECT_EQ(std::count(tampered.err.begin(), tampered.err.end(), '\n'), 1) << tampered.err;
  EXPECT_NE(tampered.err.find("refused " + overlay.string()), std::string::npos) << tampered.err;
  EXPECT_NE(tampered.err.find("changed after it was signed"), std::string::npos) << tampered.err;
  EXPECT_EQ(tampered.out, "");

  fs::remove(overlay.string() + ".sig");
  const Outcome unsigned_overlay = probity(list_with(overlay));
  EXPECT_EQ(unsigned_overlay.status, 1);
  EXPECT_NE(unsigned_overlay.err.find("is not signed"), std::string::npos) << unsigned_overlay.err;
}

TEST_F(SignedSiteTest, AnUnsignedObjectIsRefusedAndASignedOneAccepted) {
  const fs::path object = scratch_.path() / "count.pob";
  std::vector<std::string> arguments = compile_args("sched:sched_switch { @ = count(); }");
  arguments.insert(arguments.end(), {"-o", object.string()});
  ASSERT_EQ(probity(arguments).status, 0);
  ScopedEnvironment environment("PROBITY_POLICY", policy_.string());
  ScopedEnvironment keys("PROBITY_KEYS", (scratch_.path() / "keys").string());
  // --catalogue with no vendors/: only the object needs a signature here.
  const std::vector<std::string> check{"--index", PROBITY_INDEX_FILE, "--catalogue", scratch_.path().string(),
                                       "-e", "-s", object.string()};
  const Outcome unsigned_object = probity(check);
  EXPECT_EQ(unsigned_object.status, 1);
  EXPECT_NE(unsigned_object.err.find("refused " + object.string()), std::string::npos) << unsigned_object.err;
  ASSERT_EQ(probity({"sign", "--key", (scratch_.path() / "private.pem").string(), object.string()}).status, 0);
  const Outcome signed_object = probity(check);
  EXPECT_EQ(signed_object.status, 0) << signed_object.err;
}

TEST_F(SiteTest, AWritablePolicyIsRefusedWithAClearMessage) {
  const fs::path file = policy("forbid:\n  providers: [irq]\n");
  ASSERT_EQ(::chmod(file.c_str(), 0666), 0);
  ScopedEnvironment environment("PROBITY_POLICY", file.string());
  const Outcome run = probity(compile_args("sched:sched_switch { @ = count(); }"));
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find(file.string()), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("world-writable (mode 0666): refused"), std::string::npos) << run.err;
  ASSERT_EQ(::chmod(file.c_str(), 0644), 0);
  ASSERT_EQ(::chown(file.c_str(), nobody, nobody), 0);
  const Outcome foreign = probity(compile_args("sched:sched_switch { @ = count(); }"));
  EXPECT_EQ(foreign.status, 1);
  EXPECT_NE(foreign.err.find("owned by uid 65534, not root: refused"), std::string::npos) << foreign.err;
}

TEST_F(SiteTest, ListSaysWhichVendorOverlaysAreInForce) {
  const fs::path os_release = scratch_.write("os-release", "ID=debian\nVERSION_ID=\"12\"\n");
  ScopedEnvironment environment("PROBITY_OS_RELEASE", os_release.string());
  const Outcome old = probity({"--index", PROBITY_INDEX_FILE, "--catalogue", PROBITY_CATALOGUE_SOURCE_DIR, "--kernel",
                               "6.1", "-lv", "sched:sched_stat_wait"});
  ASSERT_EQ(old.status, 0) << old.err;
  EXPECT_NE(old.err.find("vendor overlay in force for 6.1.0-56-amd64: " + std::string(PROBITY_CATALOGUE_SOURCE_DIR) +
                         "/vendors/debian/6.1.yaml"),
            std::string::npos)
      << old.err;
  EXPECT_NE(old.out.find("debian: unsupported: Fires only while schedstats are on"), std::string::npos) << old.out;

  const Outcome other_vendor = [&] {
    const fs::path fedora = scratch_.write("os-release-fedora", "ID=fedora\n");
    ScopedEnvironment again("PROBITY_OS_RELEASE", fedora.string());
    return probity({"--index", PROBITY_INDEX_FILE, "--catalogue", PROBITY_CATALOGUE_SOURCE_DIR, "--kernel", "6.1",
                    "-l", "sched:sched_stat_wait"});
  }();
  ASSERT_EQ(other_vendor.status, 0) << other_vendor.err;
  // Another vendor named in the environment adds its overlays; it never
  // removes the installed vendor's (this machine's /etc/os-release).
  EXPECT_EQ(other_vendor.err.find("vendors/debian/6.1.yaml") != std::string::npos,
            test_support::host_is_debian_like())
      << other_vendor.err;
}

TEST(SiteUnprivileged, ATraceWithoutPrivilegeIsOneClearLine) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to become nobody";
  const Outcome run = probity({"--index", PROBITY_INDEX_FILE, "-n", "sched:sched_switch { exit(0); }"}, nobody);
  EXPECT_EQ(run.status, 1) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_TRUE(run.err.starts_with("probity: tracing needs root or write access to tracefs")) << run.err;
}

TEST(SiteUnprivileged, ListCompileManAndCompatWorkWithoutPrivilege) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to become nobody";
  const Outcome list = probity({"--index", PROBITY_INDEX_FILE, "-l", "sched:sched_switch"}, nobody);
  EXPECT_EQ(list.status, 0) << list.err;
  EXPECT_NE(list.out.find("sched_switch"), std::string::npos);
  const Outcome compile = probity(compile_args("sched:sched_switch { @[args->prev_comm] = count(); }"), nobody);
  EXPECT_EQ(compile.status, 0) << compile.err;
  const Outcome man = probity({"man", "sched:sched_switch", "--index", PROBITY_INDEX_FILE}, nobody);
  EXPECT_EQ(man.status, 0) << man.err;
  const Outcome compat = probity({"compat", "--index", PROBITY_INDEX_FILE, "-n", "sched:sched_switch { @ = count(); }",
                                  "--kernel", "6.12", "--kernel", "6.18"},
                                 nobody);
  EXPECT_EQ(compat.status, 0) << compat.err;
  ScratchDirectory scratch("probity-site-manual");
  ASSERT_EQ(::chown(scratch.path().c_str(), nobody, nobody), 0);
  const Outcome manual =
      probity({"manual", "--format", "md", "-o", scratch.path().string(), "--index", PROBITY_INDEX_FILE}, nobody);
  EXPECT_EQ(manual.status, 0) << manual.err;
  EXPECT_TRUE(fs::exists(scratch.path() / "index.md") || !fs::is_empty(scratch.path()));
}

}  // namespace
}  // namespace probity
