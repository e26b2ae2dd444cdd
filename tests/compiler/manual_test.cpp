// The hand-written manual against the compiler: every diagnostic tag has its
// section in diagnostics.md (and no section names a tag that does not exist),
// and every D example of the manual compiles against the reference release,
// or fails with the tag the manual says it fails with.
//
// Markers, on the lines directly above a ```d fence (HTML comments, so they
// do not show in rendered Markdown):
//   <!-- expect: D_TAG -->            the example must fail with an error D_TAG
//   <!-- warns: D_TAG -->             it must compile, with a warning D_TAG
//                                     (an unmarked example must compile cleanly)
//   <!-- args: 42 bash -->            its macro arguments $1, $2, ...
//   <!-- forbid: provider:event -->   compile against the release with that
//                                     probe forbidden, as the catalogue would
//   <!-- site-forbid: provider:event -->  compile with a site policy
//                                     /etc/probity/policy.yaml whose line 2
//                                     forbids that probe (forbid.events)
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "probity/catalogue/index.hpp"
#include "probity/catalogue/site_policy.hpp"
#include "probity/compiler/compile.hpp"
#include "probity/compiler/diagnostic_tags.hpp"
#include "probity/manual/manual.hpp"

namespace probity::compiler {
namespace {

constexpr const char* reference_release = "6.18.44-fc-v657";

const catalogue::Catalogue& shipped() {
  static const catalogue::Catalogue catalogue =
      catalogue::Index::open(PROBITY_INDEX_FILE).load(reference_release);
  return catalogue;
}

std::vector<std::string> read_lines(const std::string& name) {
  const std::string path = std::string(PROBITY_MANUAL_DIR) + "/" + name;
  std::ifstream stream(path);
  EXPECT_TRUE(stream.good()) << "cannot read " << path;
  std::vector<std::string> lines;
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

struct Example {
  std::string document;
  std::size_t line = 0;  // of the opening fence, 1-based
  std::string text;
  std::string expected_error;
  std::string expected_warning;
  std::vector<std::string> arguments;
  std::string forbidden_probe;
  std::string site_forbidden_probe;
  std::string release;  // <!-- release: R -->: compiled against catalogued release R
};

// The value of `<!-- key: value -->`, or "" when `line` is not that marker.
std::string marker(const std::string& line, const std::string& key) {
  const std::string open = "<!-- " + key + ":";
  const std::string close = "-->";
  if (!line.starts_with(open) || !line.ends_with(close)) return {};
  std::string value = line.substr(open.size(), line.size() - open.size() - close.size());
  while (!value.empty() && value.front() == ' ') value.erase(0, 1);
  while (!value.empty() && value.back() == ' ') value.pop_back();
  return value;
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream stream(text);
  std::vector<std::string> out;
  for (std::string word; stream >> word;) out.push_back(word);
  return out;
}

std::vector<Example> examples(const std::string& document) {
  const std::vector<std::string> lines = read_lines(document);
  std::vector<Example> found;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] != "```d") continue;
    Example example;
    example.document = document;
    example.line = i + 1;
    for (std::size_t above = i; above > 0 && lines[above - 1].starts_with("<!-- "); --above) {
      const std::string& line = lines[above - 1];
      if (auto value = marker(line, "expect"); !value.empty()) example.expected_error = value;
      if (auto value = marker(line, "warns"); !value.empty()) example.expected_warning = value;
      if (auto value = marker(line, "args"); !value.empty()) example.arguments = words(value);
      if (auto value = marker(line, "forbid"); !value.empty()) example.forbidden_probe = value;
      if (auto value = marker(line, "site-forbid"); !value.empty()) example.site_forbidden_probe = value;
      if (auto value = marker(line, "release"); !value.empty()) example.release = value;
    }
    std::size_t end = i + 1;
    for (; end < lines.size() && lines[end] != "```"; ++end) example.text += lines[end] + "\n";
    EXPECT_LT(end, lines.size()) << document << ":" << example.line << ": unclosed code block";
    found.push_back(std::move(example));
    i = end;
  }
  return found;
}

catalogue::Catalogue with_forbidden(const std::string& probe) {
  catalogue::Catalogue catalogue = shipped();
  const std::size_t colon = probe.find(':');
  for (auto& provider : catalogue.providers) {
    for (auto& event : provider.events) {
      if (provider.name == probe.substr(0, colon) && event.name == probe.substr(colon + 1)) {
        event.hazard.level = catalogue::Hazard::Forbidden;
        event.hazard.reason = "forbidden by the manual's example site policy";
        return catalogue;
      }
    }
  }
  ADD_FAILURE() << "no probe " << probe << " to forbid";
  return catalogue;
}

std::string rendered(const CompileResult& result, const Example& example) {
  std::string out;
  for (const auto& diagnostic : result.diagnostics) out += render(diagnostic, SourceFile{"example.d", example.text});
  return out;
}

void check_example(const Example& example) {
  SCOPED_TRACE(example.document + ":" + std::to_string(example.line));
  CompileOptions options;
  options.macro_arguments = example.arguments;
  // As load_site_policy reads "forbid:\n  events: [\"PROBE\"]\n".
  catalogue::SitePolicy site;
  site.file = "/etc/probity/policy.yaml";
  site.forbidden_events.push_back(
      {"forbid.events: \"" + example.site_forbidden_probe + "\"", {site.file.string(), 2, 12}});
  if (!example.site_forbidden_probe.empty()) options.site_policy = &site;
  const catalogue::Catalogue catalogue =
      !example.release.empty()         ? catalogue::Index::open(PROBITY_INDEX_FILE).load(example.release)
      : example.forbidden_probe.empty() ? shipped()
                                        : with_forbidden(example.forbidden_probe);
  const CompileResult result = compile(SourceFile{"example.d", example.text}, catalogue, options);
  const auto has = [&](const std::string& tag, Severity severity) {
    for (const auto& diagnostic : result.diagnostics) {
      if (diagnostic.tag == tag && diagnostic.severity == severity) return true;
    }
    return false;
  };
  if (!example.expected_error.empty()) {
    EXPECT_NE(find_diagnostic_tag(example.expected_error), nullptr) << "unknown tag " << example.expected_error;
    EXPECT_FALSE(result.ok()) << "expected " << example.expected_error << ", but it compiles:\n" << example.text;
    EXPECT_TRUE(has(example.expected_error, Severity::Error))
        << "expected an error " << example.expected_error << "; got:\n" << rendered(result, example);
    return;
  }
  EXPECT_TRUE(result.ok()) << example.text << rendered(result, example);
  if (!example.expected_warning.empty()) {
    EXPECT_TRUE(has(example.expected_warning, Severity::Warning))
        << "expected a warning " << example.expected_warning << "; got:\n" << rendered(result, example);
  } else {
    // An example shown as plain, compiling D must not warn either.
    EXPECT_TRUE(result.diagnostics.empty()) << "unexpected diagnostics:\n" << rendered(result, example);
  }
}

std::set<std::string> section_tags(const std::vector<std::string>& lines) {
  std::set<std::string> tags;
  for (const std::string& line : lines) {
    if (line.starts_with("## D_")) tags.insert(line.substr(3));
  }
  return tags;
}

TEST(Manual, EveryDiagnosticTagHasItsSectionAndEverySectionATag) {
  const std::set<std::string> sections = section_tags(read_lines("diagnostics.md"));
  std::set<std::string> tags;
  for (const DiagnosticTag& tag : diagnostic_tags) tags.insert(std::string(tag.tag));
  for (const std::string& tag : tags) EXPECT_TRUE(sections.contains(tag)) << "diagnostics.md has no \"## " << tag << "\"";
  for (const std::string& section : sections) {
    EXPECT_TRUE(tags.contains(section)) << "diagnostics.md has \"## " << section << "\", which is no diagnostic tag";
  }
}

// probity man D_TAG: the embedded diagnostics.md has an entry for every tag,
// which fits the terminal it is shown on.
TEST(Manual, EveryDiagnosticTagHasAnOfflineEntryThatFitsTheWidth) {
  EXPECT_EQ(manual::diagnostic_tags_documented().size(), std::size(diagnostic_tags));
  for (const DiagnosticTag& tag : diagnostic_tags) {
    SCOPED_TRACE(std::string(tag.tag));
    const std::string entry = manual::diagnostic_entry(tag.tag, 80);
    EXPECT_TRUE(entry.starts_with(std::string(tag.tag) + "\n\n    ")) << entry;
    EXPECT_EQ(entry.find("<!--"), std::string::npos) << "a test marker shows: " << entry;
    EXPECT_EQ(entry.find("```"), std::string::npos) << entry;
    std::istringstream lines(entry);
    for (std::string line; std::getline(lines, line);) {
      // A table row or a word longer than a line is the exception.
      if (!line.starts_with("    |") && line.find(' ', line.find_first_not_of(' ')) != std::string::npos) {
        EXPECT_LE(line.size(), 80u) << line;
      }
    }
  }
  EXPECT_NE(manual::diagnostic_entry("D_HAZARD_HOT").find("allow=hot"), std::string::npos);
  try {
    manual::diagnostic_entry("D_HAZRD_HOT");
    ADD_FAILURE() << "an unknown tag has an entry";
  } catch (const std::invalid_argument& unknown) {
    EXPECT_NE(std::string(unknown.what()).find("did you mean D_HAZARD_HOT?"), std::string::npos) << unknown.what();
  }
}

TEST(Manual, DiagnosticExamplesFailWithTheirTag) {
  const std::vector<Example> found = examples("diagnostics.md");
  std::size_t marked = 0;
  for (const Example& example : found) {
    marked += example.expected_error.empty() ? 0 : 1;
    check_example(example);
  }
  EXPECT_GE(marked, std::size(diagnostic_tags) - 2) << "most tags have a failing example";
}

TEST(Manual, LanguageExamplesCompileOrFailAsDocumented) {
  const std::vector<Example> found = examples("language.md");
  EXPECT_GE(found.size(), 20u);
  for (const Example& example : found) check_example(example);
}

TEST(Manual, StabilityExamplesCompileOrFailAsDocumented) {
  const std::vector<Example> found = examples("stability-and-safety.md");
  EXPECT_GE(found.size(), 5u);
  for (const Example& example : found) check_example(example);
}

}  // namespace
}  // namespace probity::compiler
