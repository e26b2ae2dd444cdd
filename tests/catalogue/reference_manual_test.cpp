// The reference manual against the shipped catalogue index: probe entries,
// layout history across releases, generated examples compiled by the real
// compiler, coverage statistics, and the Markdown and man output.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "probity/catalogue/index.hpp"
#include "probity/compiler/compile.hpp"
#include "probity/manual/coverage.hpp"
#include "probity/manual/manual.hpp"
#include "support/scratch_directory.hpp"

namespace probity::manual {
namespace {

namespace fs = std::filesystem;
using catalogue::Catalogue;
using catalogue::Event;

const catalogue::Index& shipped_index() {
  static const catalogue::Index index = catalogue::Index::open(PROBITY_INDEX_FILE);
  return index;
}

// Every release's catalogue, oldest first.
const std::vector<Catalogue>& shipped_catalogues() {
  static const std::vector<Catalogue> catalogues = [] {
    std::vector<Catalogue> loaded;
    for (const std::string& release : shipped_index().releases()) loaded.push_back(shipped_index().load(release));
    std::sort(loaded.begin(), loaded.end(),
              [](const Catalogue& a, const Catalogue& b) { return catalogue::release_less(a.release, b.release); });
    return loaded;
  }();
  return catalogues;
}

const Catalogue& newest() { return shipped_catalogues().back(); }

const Manual& shipped_manual() {
  static const Manual manual = build_manual(shipped_index());
  return manual;
}

using probity::test_support::read_file;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// --------------------------------------------------------------- probity man

// A probe whose components come from the catalogue, a vendor and the kernel,
// with two fields, a hazard and a vendor's word on support.
Event mixed_sources_event() {
  Event event;
  event.provider = "acme";
  event.name = "acme_event";
  event.stability.value = {stability::Level::Stable, stability::Level::Unstable, stability::DependencyClass::Isa};
  event.stability.sources = {catalogue::AttributeSource::Catalogue, catalogue::AttributeSource::Vendor,
                             catalogue::AttributeSource::Kernel};
  event.rationale = "Set by three sources on purpose for this test.";
  catalogue::Field first;
  first.stability.value = {stability::Level::Stable, stability::Level::Evolving, stability::DependencyClass::Isa};
  catalogue::Field second;
  second.stability.value = {stability::Level::Evolving, stability::Level::Stable, stability::DependencyClass::Common};
  event.fields = {first, second};
  event.hazard = {catalogue::Hazard::Sensitive, "Exposes task names.", "docs/x.md"};
  event.support = {catalogue::Support::Unsupported, "acme",
                   "Acme kernels patch the scheduler, so the event fires at other points than upstream."};
  return event;
}

TEST(StabilityBlock, DTraceLayoutIsWhatProbityLvPrints) {
  EXPECT_EQ(lines_of(stability_block(mixed_sources_event(), TerminalLayout::DTrace, 78)),
            (std::vector<std::string>{
                "",
                "\tProbe Description Attributes",
                "\t\tIdentifier Names: Stable    (catalogue)",
                "\t\tData Semantics:   Unstable  (vendor)",
                "\t\tDependency Class: ISA       (kernel)",
                "\t\tWhy: Set by three sources on purpose for this test.",
                "",
                "\tArgument Attributes",
                "\t\tIdentifier Names: Evolving",
                "\t\tData Semantics:   Evolving",
                "\t\tDependency Class: ISA",
                "",
                "\tHazard",
                "\t\tsensitive: Exposes task names.",
                "\t\tsee docs/x.md",
                "\t\tA program must opt in with -x allow=sensitive.",
                "",
                "\tVendor support",
                // Two tabs are 16 columns: 59 characters of text fit in 78, the next word does not.
                "\t\tacme: unsupported: Acme kernels patch the scheduler, so the",
                "\t\t\tevent fires at other points than upstream.",
            }));
}

TEST(StabilityBlock, ManPageLayoutIsWhatProbityManPrints) {
  // At 50 columns the opt-in line fits exactly; the Why and the vendor's note wrap.
  EXPECT_EQ(stability_block(mixed_sources_event(), TerminalLayout::ManPage, 50), R"(
STABILITY
    Probe Description Attributes
        Identifier Names: Stable    (catalogue)
        Data Semantics:   Unstable  (vendor)
        Dependency Class: ISA       (kernel)
        Why: Set by three sources on purpose for
             this test.
    Argument Attributes
        Identifier Names: Evolving
        Data Semantics:   Evolving
        Dependency Class: ISA

HAZARD
    sensitive: Exposes task names.
    see docs/x.md
    A program must opt in with -x allow=sensitive.

VENDOR SUPPORT
    acme: unsupported: Acme kernels patch the
        scheduler, so the event fires at other
        points than upstream.
)");
}

TEST(StabilityBlock, NoHazardNoFieldsNoVendor) {
  Event plain;
  plain.stability.value = catalogue::undocumented_attributes;
  const std::string block = stability_block(plain, TerminalLayout::DTrace, 78);
  EXPECT_EQ(lines_of(block), (std::vector<std::string>{
                                 "",
                                 "\tProbe Description Attributes",
                                 "\t\tIdentifier Names: Private   (default)",
                                 "\t\tData Semantics:   Private   (default)",
                                 "\t\tDependency Class: Unknown   (default)",
                                 "",
                                 "\tHazard",
                                 "\t\tnone",
                             }));
  plain.hazard = {catalogue::Hazard::Forbidden, "Crashes the machine.", ""};
  EXPECT_TRUE(contains(stability_block(plain, TerminalLayout::ManPage, 80),
                       "\nHAZARD\n    forbidden: Crashes the machine.\n"
                       "    No program can enable it, whatever its options.\n"))
      << stability_block(plain, TerminalLayout::ManPage, 80);
}

TEST(ReferenceManualEntry, SchedSwitchHasEveryFieldAndItsStableAttributes) {
  const Event* event = newest().find_event("sched", "sched_switch");
  ASSERT_NE(event, nullptr);
  const std::string entry = terminal_entry(shipped_index(), "sched:sched_switch", 200, newest().release);
  EXPECT_TRUE(entry.starts_with("sched:sched_switch\n")) << entry;
  EXPECT_TRUE(contains(entry, "Identifier Names: Stable")) << entry;
  EXPECT_TRUE(contains(entry, "Data Semantics:   Stable")) << entry;
  EXPECT_TRUE(contains(entry, "Dependency Class: Common")) << entry;
  EXPECT_TRUE(contains(entry, "(catalogue)")) << "where the attributes came from:\n" << entry;
  ASSERT_FALSE(event->fields.empty());
  for (const catalogue::Field& field : event->fields) {
    EXPECT_TRUE(contains(entry, "    " + field.layout.declaration() + ";\n")) << field.layout.name << "\n" << entry;
    ASSERT_TRUE(field.documented) << field.layout.name;
    // The description's first words follow the field's stability.
    const std::string start = field.description.substr(0, field.description.find(' '));
    EXPECT_TRUE(contains(entry, stability::to_string(field.stability.value) + ". " + start))
        << field.layout.name << "\n" << entry;
  }
  for (const Catalogue& catalogue : shipped_catalogues()) {
    EXPECT_TRUE(contains(entry, "    " + catalogue.release + " ")) << "availability of " << catalogue.release;
  }
  EXPECT_TRUE(contains(entry, "\nEXAMPLE\n")) << entry;
  EXPECT_TRUE(contains(entry, "sched:sched_switch\n    {\n")) << entry;
}

TEST(ReferenceManualEntry, EverySpellingOfAProbeGivesTheSameEntry) {
  const std::string canonical = terminal_entry(shipped_index(), "sched:sched_switch");
  EXPECT_EQ(terminal_entry(shipped_index(), "sched:::sched_switch"), canonical);
  EXPECT_EQ(terminal_entry(shipped_index(), "tracepoint:sched:sched_switch"), canonical);
  EXPECT_EQ(terminal_entry(shipped_index(), "sched_switch"), canonical);
}

TEST(ReferenceManualEntry, UnknownProbeSuggestsCloseNames) {
  try {
    (void)terminal_entry(shipped_index(), "sched:sched_swich");
    FAIL() << "an unknown probe must throw";
  } catch (const std::invalid_argument& error) {
    EXPECT_TRUE(contains(error.what(), "\"sched:sched_swich\"")) << error.what();
    EXPECT_TRUE(contains(error.what(), "did you mean sched:sched_switch")) << error.what();
  }
  EXPECT_THROW((void)terminal_entry(shipped_index(), "sched:*"), std::invalid_argument);  // several probes
  EXPECT_THROW((void)terminal_entry(shipped_index(), "no_such_provider_at_all:x"), std::invalid_argument);
}

TEST(ReferenceManualEntry, FieldsThatChangedAcrossReleasesAreReported) {
  // Find, from the catalogues themselves, the releases where vruntime goes.
  std::string had_it;
  std::string lost_it;
  std::string declaration;
  for (std::size_t i = 0; i + 1 < shipped_catalogues().size(); ++i) {
    const Event* before = shipped_catalogues()[i].find_event("sched", "sched_stat_runtime");
    const Event* after = shipped_catalogues()[i + 1].find_event("sched", "sched_stat_runtime");
    if (before == nullptr || after == nullptr) continue;
    if (before->find_field("vruntime") != nullptr && after->find_field("vruntime") == nullptr) {
      had_it = shipped_catalogues()[i].release;
      lost_it = shipped_catalogues()[i + 1].release;
      declaration = before->find_field("vruntime")->layout.declaration();
    }
  }
  ASSERT_TRUE(had_it.starts_with("6.1.")) << "the shipped catalogue should have vruntime in 6.1 only";
  const std::string entry = terminal_entry(shipped_index(), "sched:sched_stat_runtime", 100);
  EXPECT_TRUE(contains(entry, "CHANGES ACROSS RELEASES")) << entry;
  EXPECT_TRUE(contains(entry, had_it + " -> " + lost_it + "\n        removed " + declaration + "\n")) << entry;
  EXPECT_TRUE(contains(entry, "vruntime is gone in " + newest().release)) << entry;
  // Described as 6.1, the field is still there and nothing is retired.
  const std::string old_entry = terminal_entry(shipped_index(), "sched:sched_stat_runtime", 100, had_it);
  EXPECT_TRUE(contains(old_entry, "    " + declaration + ";\n")) << old_entry;
  EXPECT_FALSE(contains(old_entry, "vruntime is gone")) << old_entry;
}

TEST(ReferenceManualEntry, TextIsWrappedToTheWidth) {
  for (const int width : {50, 80, 132}) {
    const std::string entry = terminal_entry(shipped_index(), "sched:sched_process_exec", width);
    const std::string prose = entry.substr(0, entry.find("\nEXAMPLE\n"));  // code is not wrapped
    ASSERT_LT(prose.size(), entry.size());
    for (const std::string& line : lines_of(prose)) {
      const std::size_t first_word = line.find_first_not_of(' ');
      const bool one_word = first_word == std::string::npos || line.find(' ', first_word) == std::string::npos;
      EXPECT_TRUE(line.size() <= static_cast<std::size_t>(width) || one_word)
          << "width " << width << ": \"" << line << "\"";
    }
  }
}

TEST(ReferenceManualEntry, UndocumentedProbesHaveAnEntryToo) {
  const Event* undocumented = nullptr;
  for (const catalogue::Provider& provider : newest().providers) {
    for (const Event& event : provider.events) {
      if (!event.documented && !event.fields.empty() && undocumented == nullptr) undocumented = &event;
    }
  }
  ASSERT_NE(undocumented, nullptr);
  const std::string entry =
      terminal_entry(shipped_index(), undocumented->provider + ":" + undocumented->name, 80, newest().release);
  EXPECT_TRUE(contains(entry, "Identifier Names: Private")) << entry;
  EXPECT_TRUE(contains(entry, "Undocumented")) << entry;
  EXPECT_TRUE(contains(entry, "#pragma D option amin=Private")) << entry;
}

// Every documented probe's example, in every release, compiles with no option
// on the command line and without a warning; a forbidden probe has none.
TEST(ReferenceManualExamples, EveryGeneratedExampleCompiles) {
  std::size_t compiled = 0;
  for (const Catalogue& catalogue : shipped_catalogues()) {
    for (const catalogue::Provider& provider : catalogue.providers) {
      for (const Event& event : provider.events) {
        if (!event.documented) continue;
        const std::string program = example_program(event);
        if (event.hazard.level == catalogue::Hazard::Forbidden) {
          EXPECT_EQ(program, "") << event.provider << ":" << event.name;
          continue;
        }
        const compiler::SourceFile source{event.provider + ":" + event.name + " example", program};
        const compiler::CompileResult result = compiler::compile(source, catalogue);
        std::string diagnostics;
        for (const compiler::Diagnostic& diagnostic : result.diagnostics) diagnostics += compiler::render(diagnostic, source);
        EXPECT_TRUE(result.ok() && result.diagnostics.empty())
            << catalogue.release << " " << source.name << ":\n" << program << diagnostics;
        ++compiled;
      }
    }
  }
  EXPECT_GT(compiled, 100u);
}

TEST(ReferenceManualExamples, ExamplesUseTheFieldsAndOptInToHazards) {
  const std::string switch_example = example_program(*newest().find_event("sched", "sched_switch"));
  EXPECT_TRUE(contains(switch_example, "args->")) << switch_example;
  EXPECT_FALSE(contains(switch_example, "#pragma")) << "sched_switch is Stable and not hazardous:\n" << switch_example;
  for (const catalogue::Provider& provider : newest().providers) {
    for (const Event& event : provider.events) {
      if (event.hazard.level == catalogue::Hazard::Hot || event.hazard.level == catalogue::Hazard::Sensitive) {
        EXPECT_TRUE(contains(example_program(event),
                             "#pragma D option allow=" + std::string(catalogue::to_string(event.hazard.level))))
            << event.provider << ":" << event.name;
      }
    }
  }
}

// ------------------------------------------------------------------ coverage

TEST(ReferenceManualCoverage, TotalsAddUpAndMatchTheCatalogue) {
  for (const Catalogue& catalogue : shipped_catalogues()) {
    const Coverage counted = coverage(catalogue);
    EXPECT_EQ(counted.release, catalogue.release);
    ASSERT_EQ(counted.providers.size(), catalogue.providers.size());
    CoverageCounts sum;
    std::size_t documented_providers = 0;
    for (const ProviderCoverage& row : counted.providers) {
      sum += row.counts;
      documented_providers += row.documented ? 1 : 0;
      EXPECT_LE(row.counts.documented_events, row.counts.events) << row.provider;
      EXPECT_LE(row.counts.documented_fields, row.counts.fields) << row.provider;
    }
    EXPECT_EQ(sum, counted.total);
    EXPECT_EQ(documented_providers, counted.documented_providers);

    CoverageCounts direct;
    for (const catalogue::Provider& provider : catalogue.providers) {
      for (const Event& event : provider.events) {
        ++direct.events;
        if (event.documented) ++direct.documented_events;
        for (const catalogue::Field& field : event.fields) {
          ++direct.fields;
          if (!field.description.empty()) ++direct.documented_fields;
        }
      }
    }
    EXPECT_EQ(direct, counted.total) << catalogue.release;
    EXPECT_EQ(direct.events, catalogue.event_count());
    EXPECT_GT(direct.documented_events, 0u);
    EXPECT_LT(direct.documented_events, direct.events) << "the shipped catalogue documents a part of each release";
  }
}

TEST(ReferenceManualCoverage, JsonAndMarkdownCarryTheSameNumbers) {
  const Coverage counted = coverage(newest());
  const std::string json = to_json(counted);
  EXPECT_TRUE(contains(json, "\"release\":\"" + newest().release + "\"")) << json;
  EXPECT_TRUE(contains(json, "\"events\":" + std::to_string(counted.total.events) + ",\"documented_events\":" +
                                 std::to_string(counted.total.documented_events)))
      << json;
  const std::string markdown = to_markdown(counted);
  EXPECT_EQ(lines_of(markdown).size(), counted.providers.size() + 3);  // header, rule, rows, total
  const Page* stats = nullptr;
  for (const Page& page : shipped_manual().pages) {
    if (page.path == "reference/stats") stats = &page;
  }
  ASSERT_NE(stats, nullptr);
  EXPECT_TRUE(contains(stats->markdown, markdown)) << "the manual's stats page shows the same table";
}

// -------------------------------------------------------------------- pages

// Documented providers of any catalogued release (the newest that has each says).
std::map<std::string, std::set<std::string>> documented_providers() {
  std::map<std::string, bool> documented;
  std::map<std::string, std::set<std::string>> events;
  for (const Catalogue& catalogue : shipped_catalogues()) {
    for (const catalogue::Provider& provider : catalogue.providers) {
      documented[provider.name] = provider.documented;
      for (const Event& event : provider.events) {
        if (event.documented) {
          events[provider.name].insert(event.name);
        } else {
          events[provider.name].erase(event.name);
        }
      }
    }
  }
  std::map<std::string, std::set<std::string>> result;
  for (const auto& [name, is_documented] : documented) {
    if (is_documented) result[name] = events[name];
  }
  return result;
}

TEST(ReferenceManualPages, MarkdownAndManPagesForEveryDocumentedProvider) {
  const test_support::ScratchDirectory markdown("probity-manual-md");
  const test_support::ScratchDirectory man("probity-manual-man");
  write_markdown(shipped_manual(), markdown.path());
  write_man(shipped_manual(), man.path());
  const auto providers = documented_providers();
  ASSERT_GE(providers.size(), 5u);
  for (const auto& [provider, events] : providers) {
    const std::string page = read_file(markdown.path() / "reference" / (provider + ".md"));
    ASSERT_FALSE(page.empty()) << provider;
    for (const std::string& event : events) {
      EXPECT_TRUE(contains(page, "\n### " + event + "\n")) << provider << ":" << event;
    }
    const std::string roff = read_file(man.path() / "man7" / ("probity-" + provider + ".7"));
    // roff spells a hyphen \- ("xhci-hcd" is xhci\-hcd).
    std::string in_roff;
    for (const char c : provider) in_roff += c == '-' ? std::string("\\-") : std::string(1, c);
    std::string upper = in_roff;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_TRUE(roff.starts_with(".TH \"PROBITY\\-" + upper + "\"")) << roff.substr(0, 200);
    EXPECT_TRUE(contains(roff, ".SH NAME\nprobity\\-" + in_roff + " \\- ")) << provider;
  }
  for (const std::string name : {"index", "stats", "undocumented"}) {
    EXPECT_TRUE(fs::exists(markdown.path() / "reference" / (name + ".md"))) << name;
  }
  EXPECT_TRUE(fs::exists(man.path() / "man1" / "probity.1"));
  EXPECT_TRUE(fs::exists(man.path() / "man5" / "probity-catalogue.5"));
  EXPECT_TRUE(fs::exists(man.path() / "man7" / "probity-language.7"));
}

TEST(ReferenceManualPages, ManPagesRenderWithoutWarnings) {
  if (std::system("command -v man >/dev/null 2>&1") != 0) GTEST_SKIP() << "man (man-db) is not installed";
  const test_support::ScratchDirectory man("probity-manual-man");
  write_man(shipped_manual(), man.path());
  std::size_t checked = 0;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(man.path())) {
    if (!entry.is_regular_file()) continue;
    const fs::path warnings = man.path() / "warnings.txt";
    const std::string command = "MANWIDTH=80 man --warnings -l '" + entry.path().string() + "' >/dev/null 2>'" +
                                warnings.string() + "'";
    EXPECT_EQ(std::system(command.c_str()), 0) << entry.path();
    EXPECT_EQ(read_file(warnings), "") << entry.path();
    fs::remove(warnings);
    ++checked;
  }
  EXPECT_GE(checked, documented_providers().size() + 3);
}

TEST(ReferenceManualPages, SearchEntriesNameEveryDocumentedProbe) {
  std::set<std::string> listed;
  for (const Page& page : shipped_manual().pages) {
    if (!page.path.starts_with("reference/") || page.path == "reference/undocumented") continue;
    for (const SearchEntry& entry : page.entries) {
      listed.insert(entry.probe);
      EXPECT_TRUE(contains(page.markdown, "### " + entry.anchor + "\n")) << entry.probe;
      EXPECT_FALSE(entry.summary.empty()) << entry.probe;
    }
  }
  for (const auto& [provider, events] : documented_providers()) {
    for (const std::string& event : events) EXPECT_TRUE(listed.contains(provider + ":" + event)) << provider << ":" << event;
  }
}

TEST(ReferenceManualPages, TheGuideIsEmbeddedAsWritten) {
  std::map<std::string, const Page*> pages;
  for (const Page& page : shipped_manual().pages) pages[page.path] = &page;
  std::size_t chapters = 0;
  const fs::path root = PROBITY_MANUAL_DIR;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(root)) {
    const fs::path relative = fs::relative(entry.path(), root);
    if (!entry.is_regular_file() || entry.path().extension() != ".md" || *relative.begin() == "reference") continue;
    const std::string path = (relative.parent_path() / relative.stem()).string();
    ASSERT_TRUE(pages.contains(path)) << path << " is not in the manual: reconfigure the build";
    EXPECT_EQ(pages[path]->markdown, read_file(entry.path())) << path << " differs from docs/manual: rebuild";
    ++chapters;
  }
  EXPECT_GE(chapters, 5u);
  ASSERT_TRUE(pages.contains("probity.1"));
  EXPECT_EQ(pages["probity.1"]->man_name, "probity");
  EXPECT_EQ(pages["probity.1"]->man_section, 1);
  EXPECT_EQ(pages["language"]->man_name, "probity-language");
  EXPECT_EQ(pages["catalogue-format"]->man_section, 5);
}

// `man probity` reaches the whole guide: every chapter is a man page that
// probity(1) names under SEE ALSO, whose title is in upper case.
TEST(ReferenceManualPages, EveryChapterIsAManPageNamedByProbity1) {
  std::map<std::string, const Page*> pages;
  for (const Page& page : shipped_manual().pages) pages[page.path] = &page;
  ASSERT_TRUE(pages.contains("probity.1"));
  const std::string probity1 = man_page(*pages["probity.1"]);
  const std::size_t see_also = probity1.find(".SH\nSEE ALSO\n");
  ASSERT_NE(see_also, std::string::npos) << "probity(1) has no upper-case SEE ALSO section";
  EXPECT_EQ(probity1.find("See also"), std::string::npos);
  std::size_t chapters = 0;
  for (const auto& [path, page] : pages) {
    if (is_reference_page(*page) || path == "probity.1") continue;
    ++chapters;
    ASSERT_FALSE(page->man_name.empty()) << path << " has no man page";
    const std::string reference = page->man_name + "(" + std::to_string(page->man_section) + ")";
    std::string roff_reference = reference;
    for (std::size_t at = roff_reference.find('-'); at != std::string::npos; at = roff_reference.find('-', at + 2)) {
      roff_reference.replace(at, 1, "\\-");
    }
    EXPECT_NE(probity1.find(roff_reference, see_also), std::string::npos) << "probity(1) does not name " << reference;
  }
  EXPECT_GE(chapters, 10U);
}

}  // namespace
}  // namespace probity::manual
