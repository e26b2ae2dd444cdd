// The golden suite: every script under tests/golden/{valid,invalid}/NAME.d
// is compiled against a pinned catalogue release and what a user would see
// is compared, byte for byte, with NAME.expected next to it.
//
//   valid/    must compile; expected: rendered warnings, then the per-clause
//             stability report (-e -v), then the pushed-down kernel filters.
//   invalid/  must not compile; expected: every rendered diagnostic, in order.
//
// Directives, as comment lines at the top of a script:
//   //! kernel RELEASE       the catalogue release (default 6.18.44-fc-v657)
//   //! option NAME[=VALUE]  a -x option
//   //! arg VALUE            the next macro argument ($1, $2, ...)
//
// PROBITY_GOLDEN_UPDATE=1 rewrites the .expected files instead of comparing;
// read every rewritten file before committing it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "probity/catalogue/index.hpp"
#include "probity/compiler/compile.hpp"
#include "probity/compiler/diagnostic_tags.hpp"

namespace probity::compiler {
namespace {

namespace fs = std::filesystem;

constexpr const char* default_release = "6.18.44-fc-v657";

// Tags no golden script can provoke through the shipped catalogue, and why.
const std::map<std::string, std::string, std::less<>> tags_without_golden = {
    {"D_FILTER_REJECTED",
     "the pushdown pass only offers the kernel predicates its own grammar check accepts, so the shipped "
     "catalogue never produces one; filter_pushdown_test.cpp covers it with a hand-made event"},
    {"D_PROBE_FORBIDDEN",
     "the shipped catalogue marks no event forbidden; compile_test.cpp covers it with a catalogue built in the test"},
    {"D_SITE_POLICY",
     "golden scripts compile without a site policy (a real one must be a root-owned file); "
     "manual_test.cpp covers it with an in-memory policy and cli_vendor_site_test.cpp with real policy files"},
};

struct GoldenCase {
  std::string kind;  // "valid" or "invalid"
  fs::path script;
};

void PrintTo(const GoldenCase& golden, std::ostream* out) { *out << golden.script.string(); }

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<GoldenCase> discover() {
  std::vector<GoldenCase> cases;
  for (const char* kind : {"valid", "invalid"}) {
    const fs::path dir = fs::path(PROBITY_GOLDEN_DIR) / kind;
    if (!fs::is_directory(dir)) continue;
    std::vector<fs::path> scripts;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() == ".d") scripts.push_back(entry.path());
    }
    std::sort(scripts.begin(), scripts.end());
    for (auto& script : scripts) cases.push_back({kind, std::move(script)});
  }
  return cases;
}

struct Directives {
  std::string release = default_release;
  CompileOptions options;
};

Directives read_directives(const std::string& text) {
  Directives directives;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("//!", 0) != 0) continue;
    std::istringstream words(line.substr(3));
    std::string keyword;
    words >> keyword;
    std::string value;
    std::getline(words >> std::ws, value);
    if (keyword == "kernel") {
      directives.release = value;
    } else if (keyword == "option") {
      const auto equals = value.find('=');
      directives.options.options.emplace_back(value.substr(0, equals),
                                              equals == std::string::npos ? "" : value.substr(equals + 1));
    } else if (keyword == "arg") {
      directives.options.macro_arguments.push_back(value);
    } else {
      ADD_FAILURE() << "unknown golden directive: " << line;
    }
  }
  return directives;
}

const catalogue::Catalogue& catalogue_for(const std::string& release) {
  static std::map<std::string, catalogue::Catalogue> loaded;
  auto found = loaded.find(release);
  if (found == loaded.end()) {
    found = loaded.emplace(release, catalogue::Index::open(PROBITY_INDEX_FILE).load(release)).first;
  }
  return found->second;
}

// What the user sees for the script: the text a .expected file holds.
std::string golden_output(const GoldenCase& golden, bool& compiled) {
  const SourceFile source{golden.script.filename().string(), read_text(golden.script)};
  const Directives directives = read_directives(source.text);
  const CompileResult result = compile(source, catalogue_for(directives.release), directives.options);
  compiled = result.ok();
  std::string out;
  for (const Diagnostic& diagnostic : result.diagnostics) out += render(diagnostic, source);
  if (result.ok()) {
    if (!out.empty()) out += "\n";
    out += stability_report(*result.program, true);
    out += "\n";
    out += filter_report(*result.program);
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// A unified-style line diff (longest common subsequence; golden files are small).
std::string diff(const std::string& expected, const std::string& actual) {
  const auto a = split_lines(expected);
  const auto b = split_lines(actual);
  std::vector<std::vector<std::size_t>> common(a.size() + 1, std::vector<std::size_t>(b.size() + 1, 0));
  for (std::size_t i = a.size(); i-- > 0;) {
    for (std::size_t j = b.size(); j-- > 0;) {
      common[i][j] = a[i] == b[j] ? common[i + 1][j + 1] + 1 : std::max(common[i + 1][j], common[i][j + 1]);
    }
  }
  std::string out = "--- expected\n+++ actual\n";
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      out += "  " + a[i++] + "\n";
      ++j;
    } else if (i < a.size() && (j == b.size() || common[i + 1][j] >= common[i][j + 1])) {
      out += "- " + a[i++] + "\n";
    } else {
      out += "+ " + b[j++] + "\n";
    }
  }
  return out;
}

bool updating() {
  const char* update = std::getenv("PROBITY_GOLDEN_UPDATE");
  return update != nullptr && std::string(update) == "1";
}

fs::path expected_file(const GoldenCase& golden) {
  fs::path file = golden.script;
  return file.replace_extension(".expected");
}

class Golden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, OutputMatchesExpected) {
  const GoldenCase& golden = GetParam();
  bool compiled = false;
  const std::string actual = golden_output(golden, compiled);
  if (golden.kind == "valid") {
    EXPECT_TRUE(compiled) << golden.script << " must compile:\n" << actual;
  } else {
    EXPECT_FALSE(compiled) << golden.script << " must be rejected";
  }
  const fs::path expected_path = expected_file(golden);
  if (updating()) {
    std::ofstream(expected_path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(expected_path))
      << expected_path << " is missing; run with PROBITY_GOLDEN_UPDATE=1, then read it";
  const std::string expected = read_text(expected_path);
  EXPECT_EQ(expected, actual) << golden.script << " differs from " << expected_path.filename() << ":\n"
                              << diff(expected, actual);
}

std::string case_name(const ::testing::TestParamInfo<GoldenCase>& info) {
  std::string name = info.param.kind + "_" + info.param.script.stem().string();
  for (char& c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Scripts, Golden, ::testing::ValuesIn(discover()), case_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Golden);

TEST(GoldenSuite, IsLargeEnough) {
  const auto cases = discover();
  const auto valid = std::count_if(cases.begin(), cases.end(), [](const GoldenCase& c) { return c.kind == "valid"; });
  EXPECT_GE(valid, 80);
  EXPECT_GE(static_cast<long>(cases.size()) - valid, 60);
}

TEST(GoldenSuite, EveryDiagnosticTagHasAnInvalidScript) {
  std::set<std::string, std::less<>> seen;
  for (const GoldenCase& golden : discover()) {
    if (golden.kind != "invalid") continue;
    const std::string expected = read_text(expected_file(golden));
    for (const DiagnosticTag& tag : diagnostic_tags) {
      if (expected.find("[" + std::string(tag.tag) + "]") != std::string::npos) seen.insert(std::string(tag.tag));
    }
  }
  for (const DiagnosticTag& tag : diagnostic_tags) {
    const bool excepted = tags_without_golden.contains(tag.tag);
    if (excepted) {
      EXPECT_FALSE(seen.contains(tag.tag)) << tag.tag << " now has a golden script: drop it from the exceptions";
    } else {
      EXPECT_TRUE(seen.contains(tag.tag)) << "no invalid golden script produces " << tag.tag << " (" << tag.summary
                                          << ")";
    }
  }
}

}  // namespace
}  // namespace probity::compiler
