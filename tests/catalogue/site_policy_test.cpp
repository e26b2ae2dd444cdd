// The site policy file: rules with their locations, what they forbid, and
// the ownership and mode checks.
#include "probity/catalogue/site_policy.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <map>

#include <gtest/gtest.h>

#include "support/child_process.hpp"
#include "support/scratch_directory.hpp"

namespace probity::catalogue {
namespace {

namespace fs = std::filesystem;
using test_support::ScratchDirectory;

constexpr const char* example_policy = R"(# a site's rules
forbid:
  providers: [skb]
  events: ["sock:*", "syscalls:sys_enter_open*"]
  fields: ["sched:sched_process_exec.filename", comm]
minimum_stability: Unstable
hazards:
  hot: allow
  sensitive: deny
require_signatures: true
)";

Event event_named(std::string provider, std::string name, Hazard hazard = Hazard::None) {
  Event event;
  event.provider = std::move(provider);
  event.name = std::move(name);
  event.hazard.level = hazard;
  return event;
}

const stability::Attributes stable{Level::Stable, Level::Stable, DependencyClass::Common};

TEST(SitePolicy, ReadsEveryRuleWithItsLocation) {
  ScratchDirectory scratch("probity-policy");
  const fs::path file = scratch.write("policy.yaml", example_policy);
  const SitePolicy policy = load_site_policy(file);
  EXPECT_TRUE(policy.require_signatures);
  ASSERT_EQ(policy.forbidden_events.size(), 2u);
  EXPECT_EQ(policy.forbidden_events[1].where.line, 4);
  EXPECT_EQ(policy.forbidden_events[1].describe(),
            "the site policy " + file.string() + ":4:22 (forbid.events: \"syscalls:sys_enter_open*\")");
  EXPECT_EQ(policy.sensitive, HazardRule::Deny);
  EXPECT_EQ(policy.hot, HazardRule::Allow);
}

TEST(SitePolicy, ForbidsByProviderEventHazardAndMinimum) {
  ScratchDirectory scratch("probity-policy");
  const SitePolicy policy = load_site_policy(scratch.write("policy.yaml", example_policy));
  EXPECT_TRUE(policy.forbids_event(event_named("skb", "kfree_skb"), stable));
  const auto by_glob = policy.forbids_event(event_named("syscalls", "sys_enter_openat"), stable);
  ASSERT_TRUE(by_glob);
  EXPECT_NE(by_glob->text.find("sys_enter_open*"), std::string::npos);
  EXPECT_FALSE(policy.forbids_event(event_named("syscalls", "sys_enter_read"), stable));
  EXPECT_FALSE(policy.forbids_event(event_named("sched", "sched_switch", Hazard::Hot), stable));
  const auto sensitive = policy.forbids_event(event_named("sched", "sched_switch", Hazard::Sensitive), stable);
  ASSERT_TRUE(sensitive);
  EXPECT_EQ(sensitive->text, "hazards.sensitive: deny");
  const auto low = policy.forbids_event(event_named("sched", "sched_switch"),
                                        {Level::Private, Level::Stable, DependencyClass::Common});
  ASSERT_TRUE(low);
  EXPECT_EQ(low->text, "minimum_stability: Unstable");
}

TEST(SitePolicy, ForbidsFieldsByPatternAndBareName) {
  ScratchDirectory scratch("probity-policy");
  const SitePolicy policy = load_site_policy(scratch.write("policy.yaml", example_policy));
  Field filename;
  filename.layout.name = "filename";
  filename.stability.value = stable;
  Field comm = filename;
  comm.layout.name = "comm";
  EXPECT_TRUE(policy.forbids_field(event_named("sched", "sched_process_exec"), filename));
  EXPECT_FALSE(policy.forbids_field(event_named("sched", "sched_process_exit"), filename));
  const auto bare = policy.forbids_field(event_named("sched", "sched_process_exit"), comm);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->text, "forbid.fields: \"*:*.comm\"");
}

TEST(SitePolicy, MalformedRulesAreLocated) {
  ScratchDirectory scratch("probity-policy");
  const fs::path file = scratch.write("policy.yaml", "forbid:\n  events: [sched_switch]\nhazards:\n  hot: denny\n"
                                                     "minimum_stabilty: Stable\n");
  try {
    load_site_policy(file);
    FAIL() << "a malformed policy loaded";
  } catch (const CatalogueError& error) {
    ASSERT_EQ(error.diagnostics().size(), 3u) << error.what();
    std::map<int, std::string> by_line;
    for (const Diagnostic& diagnostic : error.diagnostics()) by_line[diagnostic.where.line] = diagnostic.message;
    EXPECT_NE(by_line[2].find("provider:event"), std::string::npos) << by_line[2];
    EXPECT_NE(by_line[4].find("deny"), std::string::npos) << by_line[4];
    EXPECT_NE(by_line[5].find("minimum_stabilty"), std::string::npos) << by_line[5];
  }
}

// The whole diagnostic text of a refused policy, "" when it loads.
std::string diagnostics_of(const fs::path& file) {
  try {
    load_site_policy(file);
  } catch (const CatalogueError& error) {
    std::string text;
    for (const Diagnostic& diagnostic : error.diagnostics()) text += diagnostic.to_string() + "\n";
    return text;
  }
  return "";
}

// A second document would otherwise be silently ignored: the rules in it
// would forbid nothing.
TEST(SitePolicy, ASecondYamlDocumentIsAnError) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root: the policy must be owned by root";
  ScratchDirectory scratch("probity-policy");
  const fs::path file = scratch.write("policy.yaml", "forbid:\n  events: [\"sock:*\"]\n---\nforbid:\n  events: [\"sched:*\"]\n");
  const std::string text = diagnostics_of(file);
  EXPECT_NE(text.find(file.string() + ":4:1: a second YAML document"), std::string::npos) << text;
  const fs::path leading = scratch.write("leading.yaml", "---\nforbid:\n  events: [\"sock:*\"]\n");
  EXPECT_EQ(diagnostics_of(leading), "") << "one document after a leading --- is fine";
}

// fnmatch takes "[sched_switch" literally and "[a-" as nothing: rules that
// would look in force and forbid nothing.
TEST(SitePolicy, MalformedGlobsAreErrorsNamingTheirPlaceAndPattern) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root: the policy must be owned by root";
  ScratchDirectory scratch("probity-policy");
  const fs::path file = scratch.write("policy.yaml",
                                      "forbid:\n"
                                      "  events: [\"sched:[sched_switch\", \"sched:sched_sw[a-\"]\n"
                                      "  fields: [\"sched:*.[z-a]comm\"]\n"
                                      "  providers: [\"net[\"]\n");
  const std::string text = diagnostics_of(file);
  EXPECT_NE(text.find(file.string() + ":2:19: forbid.events[0]: malformed pattern \"sched:[sched_switch\": unclosed '['"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(file.string() + ":2:50: forbid.events[1]: malformed pattern \"sched:sched_sw[a-\": unclosed '['"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(file.string() + ":3:22: forbid.fields[0]: malformed pattern \"sched:*.[z-a]comm\": the range 'z-a' ends before"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(file.string() + ":4:19: forbid.providers[0]: malformed pattern \"net[\""), std::string::npos) << text;
}

// A FIFO as the policy would block every probity run until someone wrote to
// it; a device could feed it without end. Only a regular file is read.
TEST(SitePolicy, APolicyThatIsNotARegularFileIsRefusedAtOnce) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root: the policy must be owned by root";
  ScratchDirectory scratch("probity-policy");
  const fs::path fifo = scratch.path() / "policy.yaml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
  // Should the reader block, this frees it after 5 s and the test fails instead of hanging.
  test_support::FifoUnblocker unblocker(fifo);
  const auto start = std::chrono::steady_clock::now();
  const std::string text = diagnostics_of(fifo);
  unblocker.dismiss();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4)) << "reading the FIFO blocked";
  EXPECT_NE(text.find("cannot read the file: it is a FIFO, not a regular file"), std::string::npos) << text;
  const fs::path zero = scratch.path() / "zero.yaml";  // /dev/zero's device, root's and not writable
  ASSERT_EQ(::mknod(zero.c_str(), S_IFCHR | 0644, ::makedev(1, 5)), 0);
  EXPECT_NE(diagnostics_of(zero).find("it is a character device, not a regular file"), std::string::npos)
      << diagnostics_of(zero);
  EXPECT_NE(diagnostics_of(scratch.path()).find("is a directory"), std::string::npos);
}

std::string refusal(const fs::path& file) {
  try {
    load_site_policy(file);
  } catch (const CatalogueError& error) {
    EXPECT_EQ(error.diagnostics().front().where.file, file.string());
    return error.diagnostics().front().message;
  }
  return "";
}

TEST(SitePolicy, AWritablePolicyIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root: the policy must be owned by root";
  ScratchDirectory scratch("probity-policy");
  const fs::path file = scratch.write("policy.yaml", example_policy);
  ASSERT_EQ(::chmod(file.c_str(), 0666), 0);
  EXPECT_NE(refusal(file).find("group- or world-writable (mode 0666)"), std::string::npos) << refusal(file);
  ASSERT_EQ(::chmod(file.c_str(), 0620), 0);
  EXPECT_NE(refusal(file).find("writable"), std::string::npos);
  ASSERT_EQ(::chmod(file.c_str(), 0644), 0);
  EXPECT_EQ(refusal(file), "");
}

TEST(SitePolicy, APolicyNotOwnedByRootIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the file away";
  ScratchDirectory scratch("probity-policy");
  const fs::path file = scratch.write("policy.yaml", example_policy);
  ASSERT_EQ(::chown(file.c_str(), 65534, 65534), 0);
  EXPECT_NE(refusal(file).find("owned by uid 65534, not root"), std::string::npos) << refusal(file);
}

TEST(SitePolicy, TheEnvironmentChoosesThePolicyAndKeys) {
  ScratchDirectory scratch("probity-policy");
  const fs::path file = scratch.write("policy.yaml", "require_signatures: false\n");
  ::setenv("PROBITY_POLICY", file.c_str(), 1);
  ::setenv("PROBITY_KEYS", scratch.path().c_str(), 1);
  EXPECT_EQ(site_policy_path(), file);
  EXPECT_EQ(keys_directory(), scratch.path());
  const auto policy = load_site_policy_in_force();
  ::setenv("PROBITY_POLICY", (scratch.path() / "missing.yaml").c_str(), 1);
  EXPECT_THROW(load_site_policy_in_force(), CatalogueError) << "a policy named explicitly must exist";
  ::unsetenv("PROBITY_POLICY");
  ::unsetenv("PROBITY_KEYS");
  if (::geteuid() == 0) {
    ASSERT_TRUE(policy);
    EXPECT_FALSE(policy->require_signatures);
  }
  EXPECT_EQ(keys_directory(), "/etc/probity/keys");
}

}  // namespace
}  // namespace probity::catalogue
