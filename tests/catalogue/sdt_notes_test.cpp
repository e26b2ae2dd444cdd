#include "probity/catalogue/sdt_notes.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "probity/catalogue/probe_pattern.hpp"
#include "support/scratch_directory.hpp"

namespace probity::catalogue {
namespace {

class NoSymbols final : public SdtArgumentContext {
 public:
  std::optional<std::uint64_t> symbol_address(std::string_view name) const override {
    if (name == "NBuffers") return 0x5000;
    return std::nullopt;
  }
};

SdtArgument parse(std::string_view spec) { return parse_sdt_argument(spec, 0x1200, 0x200, NoSymbols{}); }

TEST(SdtArgumentParse, RegistersBecomeTheKernelsNamesWithTheNotesSizeAndSign) {
  EXPECT_EQ(parse("-4@%edi").fetcharg, "%di:s32");
  EXPECT_EQ(parse("8@%rax").fetcharg, "%ax:u64");
  EXPECT_EQ(parse("-1@%bl").fetcharg, "%bx:s8");
  EXPECT_EQ(parse("2@%r9w").fetcharg, "%r9:u16");
  EXPECT_EQ(parse("-8@%r15").fetcharg, "%r15:s64");
  const SdtArgument argument = parse("-4@%edi");
  EXPECT_EQ(argument.kind, SdtArgument::Kind::Register);
  EXPECT_EQ(argument.size, 4u);
  EXPECT_TRUE(argument.is_signed);
  EXPECT_EQ(argument.type(), "s32");
  EXPECT_EQ(argument.location, "register %edi");
}

TEST(SdtArgumentParse, MemoryOperandsBecomeSignedOffsetsFromTheRegister) {
  EXPECT_EQ(parse("8@-16(%rbp)").fetcharg, "-16(%bp):u64");
  EXPECT_EQ(parse("-4@24(%rsp)").fetcharg, "+24(%sp):s32");
  EXPECT_EQ(parse("8@(%rdi)").fetcharg, "+0(%di):u64");
  EXPECT_EQ(parse("8@0x10(%r12)").fetcharg, "+16(%r12):u64");
  EXPECT_EQ(parse("8@-16(%rbp)").kind, SdtArgument::Kind::Memory);
}

TEST(SdtArgumentParse, ConstantsBecomeImmediates) {
  EXPECT_EQ(parse("8@$5").fetcharg, "\\5:u64");
  EXPECT_EQ(parse("-4@$-1").fetcharg, "\\-1:s32");
  EXPECT_EQ(parse("8@$5").kind, SdtArgument::Kind::Immediate);
}

TEST(SdtArgumentParse, RipRelativeVariablesAreOffsetsFromTheProbedMapping) {
  // The site is at address 0x1200, file offset 0x200: the mapping's delta is
  // 0x1000, so the variable at 0x5000 is fetched at @+0x4000.
  EXPECT_EQ(parse("8@NBuffers(%rip)").fetcharg, "@+0x4000:u64");
  EXPECT_EQ(parse("-4@NBuffers+8(%rip)").fetcharg, "@+0x4008:s32");
  EXPECT_EQ(parse("8@NBuffers(%rip)").kind, SdtArgument::Kind::Global);
  EXPECT_EQ(parse("8@NBuffers(%rip)").location, "variable NBuffers");
}

TEST(SdtArgumentParse, WhatAUprobeCannotFetchIsUnsupportedWithAReason) {
  for (const std::string_view spec : {"8@(%rax,%rbx,8)", "1@%ah", "8@%xmm0", "3@%eax", "8@Missing(%rip)",
                                      "8@$symbol", "8@16(%rip)", "8@%fs:0x28"}) {
    const SdtArgument argument = parse(spec);
    EXPECT_EQ(argument.kind, SdtArgument::Kind::Unsupported) << spec;
    EXPECT_TRUE(argument.fetcharg.empty()) << spec;
    EXPECT_FALSE(argument.problem.empty()) << spec;
  }
}

TEST(SdtArgumentParse, AVersionOneSpecWithoutSizeIsALong) {
  EXPECT_EQ(parse("%rdi").fetcharg, "%di:u64");
}

TEST(SdtNames, DTraceDashesAreTheNotesDoubleUnderscores) {
  EXPECT_EQ(sdt_note_name("query-start"), "query__start");
  EXPECT_EQ(sdt_d_name("query__start"), "query-start");
  EXPECT_EQ(sdt_note_name("request"), "request");
}

UsdtPattern parse_pattern(std::string_view text) {
  std::string error;
  const auto pattern = UsdtPattern::parse(text, &error);
  EXPECT_TRUE(pattern.has_value()) << text << ": " << error;
  return pattern.value_or(UsdtPattern{});
}

TEST(UsdtPatternParse, BpftraceAndDTraceSpellings) {
  const auto fields = [](const UsdtPattern& pattern) {
    return std::vector<std::string>{pattern.path, pattern.provider, pattern.probe};
  };
  using Fields = std::vector<std::string>;
  EXPECT_EQ(fields(parse_pattern("usdt:/bin/app")), (Fields{"/bin/app", "*", "*"}));
  EXPECT_EQ(fields(parse_pattern("usdt:/bin/app:request")), (Fields{"/bin/app", "*", "request"}));
  EXPECT_EQ(fields(parse_pattern("usdt:/bin/app:prov:req*")), (Fields{"/bin/app", "prov", "req*"}));
  EXPECT_EQ(fields(parse_pattern("U:app:prov:request")), (Fields{"app", "prov", "request"}));
  EXPECT_EQ(fields(parse_pattern("prov:/bin/app::query-start")), (Fields{"/bin/app", "prov", "query-start"}));
  EXPECT_EQ(fields(parse_pattern("prov:/bin/app:*:")), (Fields{"/bin/app", "prov", "*"}));
  EXPECT_TRUE(UsdtPattern::is_usdt("usdt:/bin/app"));
  EXPECT_TRUE(UsdtPattern::is_usdt("prov:./app::probe"));
  EXPECT_FALSE(UsdtPattern::is_usdt("sched:::sched_switch"));
  EXPECT_FALSE(UsdtPattern::is_usdt("sched:sched_switch"));
  EXPECT_FALSE(UsdtPattern::is_usdt("uprobe:/bin/bash:readline")) << "bpftrace's uprobe, not a USDT probe";
}

TEST(UsdtPatternParse, MalformedDescriptionsSayWhatIsExpected) {
  for (const std::string_view text : {"usdt:", "usdt:/a:b:c:d", "prov:/bin/app:main:probe", "usdt:/a:p:[z-a]"}) {
    std::string error;
    EXPECT_FALSE(UsdtPattern::parse(text, &error).has_value()) << text;
    EXPECT_NE(error.find(std::string(text)), std::string::npos) << error;
  }
}

TEST(UsdtPatternMatch, AProbeMatchesByTheNotesNameOrItsDTraceSpelling) {
  SdtProbe probe;
  probe.provider = "postgresql";
  probe.name = "query__start";
  EXPECT_TRUE(parse_pattern("usdt:/p:postgresql:query__start").matches(probe));
  EXPECT_TRUE(parse_pattern("postgresql:/p::query-start").matches(probe));
  EXPECT_TRUE(parse_pattern("usdt:/p:query-*").matches(probe));
  EXPECT_FALSE(parse_pattern("usdt:/p:python:query__start").matches(probe));
  EXPECT_FALSE(parse_pattern("usdt:/p:postgresql:query__done").matches(probe));
}

TEST(UsdtPatternParse, ATracepointPatternRefusesAUsdtDescriptionSayingSo) {
  std::string error;
  EXPECT_FALSE(ProbePattern::parse("usdt:/bin/app:prov:request", &error).has_value());
  EXPECT_TRUE(error.starts_with("only tracepoints are supported")) << error;
  EXPECT_NE(error.find("probity -l lists"), std::string::npos) << error;
  EXPECT_FALSE(ProbePattern::parse("prov:/bin/app::request", &error).has_value());
  EXPECT_NE(error.find("USDT probe"), std::string::npos) << error;
}

std::map<std::string, std::vector<SdtProbe>> by_name(const std::vector<SdtProbe>& probes) {
  std::map<std::string, std::vector<SdtProbe>> sites;
  for (const SdtProbe& probe : probes) sites[probe.provider + ":" + probe.name].push_back(probe);
  return sites;
}

// A probe site is the single-byte nop <sys/sdt.h> plants.
unsigned char byte_at(const std::filesystem::path& file, std::uint64_t offset) {
  std::ifstream in(file, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  char byte = 0;
  in.get(byte);
  EXPECT_TRUE(in.good()) << "offset " << offset << " is outside " << file;
  return static_cast<unsigned char>(byte);
}

TEST(SdtNotes, TheTestProgramsProbesWithTheirSitesSemaphoreAndArguments) {
  const std::filesystem::path app = PROBITY_USDT_APP;
  const auto probes = by_name(read_sdt_notes(app));
  ASSERT_EQ(probes.size(), 4u);
  for (const auto& [name, sites] : probes) {
    ASSERT_EQ(sites.size(), 1u) << name;
    EXPECT_EQ(sites[0].provider, "probity_test");
    EXPECT_EQ(byte_at(app, sites[0].offset), 0x90) << name << " offset " << sites[0].offset << " is not the nop";
  }

  const SdtProbe& request = probes.at("probity_test:request").front();
  ASSERT_EQ(request.arguments.size(), 3u);
  EXPECT_EQ(request.semaphore_offset, 0u);
  EXPECT_EQ(request.arguments[0].type(), "s32");  // int
  EXPECT_EQ(request.arguments[1].type(), "u64");  // const char*
  EXPECT_EQ(request.arguments[2].type(), "s64");  // long
  for (const SdtArgument& argument : request.arguments) EXPECT_FALSE(argument.fetcharg.empty()) << argument.spec;

  const SdtProbe& global = probes.at("probity_test:global").front();
  ASSERT_EQ(global.arguments.size(), 1u);
  EXPECT_EQ(global.arguments[0].kind, SdtArgument::Kind::Global) << global.arguments[0].spec;
  EXPECT_EQ(global.arguments[0].location, "variable usdt_global_value");
  EXPECT_TRUE(global.arguments[0].fetcharg.starts_with("@+0x")) << global.arguments[0].fetcharg;

  const SdtProbe& constant = probes.at("probity_test:constant").front();
  ASSERT_EQ(constant.arguments.size(), 1u);
  EXPECT_EQ(constant.arguments[0].fetcharg, "\\42:s32");

  // Built with -O0 and a semaphore: stack operands, and the semaphore in the
  // file's writable contents (still 0 on disk).
  const SdtProbe& guarded = probes.at("probity_test:guarded__probe").front();
  ASSERT_EQ(guarded.arguments.size(), 2u);
  EXPECT_EQ(guarded.arguments[0].kind, SdtArgument::Kind::Memory) << guarded.arguments[0].spec;
  EXPECT_EQ(guarded.arguments[0].type(), "s32");
  EXPECT_EQ(guarded.arguments[1].type(), "s8");
  EXPECT_NE(guarded.semaphore_address, 0u);
  EXPECT_NE(guarded.semaphore_offset, 0u);
  EXPECT_EQ(byte_at(app, guarded.semaphore_offset), 0);
}

// libstdc++ is mapped by this very test: its exception probes.
std::filesystem::path mapped_libstdcxx() {
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    const std::size_t slash = line.find('/');
    if (slash != std::string::npos && line.find("libstdc++.so") != std::string::npos) return line.substr(slash);
  }
  return {};
}

TEST(SdtNotes, LibstdcxxExceptionProbes) {
  const std::filesystem::path library = mapped_libstdcxx();
  ASSERT_FALSE(library.empty()) << "libstdc++ is not in /proc/self/maps";
  const auto probes = by_name(read_sdt_notes(library));
  for (const char* name : {"libstdcxx:throw", "libstdcxx:rethrow", "libstdcxx:catch"}) {
    ASSERT_TRUE(probes.contains(name)) << name << " in " << library;
    for (const SdtProbe& site : probes.at(name)) {
      EXPECT_EQ(site.arguments.size(), 2u) << name;
      EXPECT_EQ(byte_at(library, site.offset), 0x90) << name;
    }
  }
}

TEST(SdtNotes, AFileWithoutNotesHasNoProbes) {
  // The unit-test binary itself has no .note.stapsdt.
  EXPECT_TRUE(read_sdt_notes("/proc/self/exe").empty());
}

TEST(UsdtBinary, ABareNameIsSearchedInPathSkippingWhatIsNotElf) {
  const test_support::ScratchDirectory scratch("probity-usdt-path");
  // A wrapper script first in $PATH, as pyenv's shims are, then the program.
  const std::filesystem::path script = scratch.write("shims/probity-usdt-target", "#!/bin/sh\nexec true\n");
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  std::filesystem::create_directories(scratch.path() / "bin");
  std::filesystem::create_symlink(PROBITY_USDT_APP, scratch.path() / "bin" / "probity-usdt-target");
  const char* saved = std::getenv("PATH");
  const std::string previous = saved != nullptr ? saved : "";
  ::setenv("PATH", ((scratch.path() / "shims").string() + ":" + (scratch.path() / "bin").string()).c_str(), 1);
  std::filesystem::path found;
  std::string missing_error;
  try {
    found = resolve_usdt_binary("probity-usdt-target");
    resolve_usdt_binary("probity-usdt-nonesuch");
  } catch (const SdtError& error) {
    missing_error = error.what();
  }
  ::setenv("PATH", previous.c_str(), 1);
  // Canonical: the kernel binds a uprobe to the file, not to a link.
  EXPECT_EQ(found, std::filesystem::canonical(PROBITY_USDT_APP));
  EXPECT_NE(missing_error.find("probity-usdt-nonesuch: no ELF file of that name in $PATH"), std::string::npos)
      << missing_error;
  // A path is taken as it is, ELF or not, and read_sdt_notes says what it is.
  EXPECT_EQ(resolve_usdt_binary(script.string()), std::filesystem::canonical(script));
}

TEST(SdtNotes, NotAnElfFileIsAnErrorNamingIt) {
  const test_support::ScratchDirectory scratch("probity-sdt");
  const std::filesystem::path text = scratch.write("script.d", "BEGIN { exit(0); }\n");
  try {
    read_sdt_notes(text);
    FAIL() << "no error";
  } catch (const SdtError& error) {
    EXPECT_NE(std::string(error.what()).find(text.string()), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("not an ELF file"), std::string::npos) << error.what();
  }
  EXPECT_THROW(read_sdt_notes(scratch.path() / "missing"), SdtError);
}

}  // namespace
}  // namespace probity::catalogue
