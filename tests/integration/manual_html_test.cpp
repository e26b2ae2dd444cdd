// The HTML manual written from the shipped catalogue, checked as files (every
// link and anchor resolves, nothing is loaded from a network, the same input
// gives the same bytes) and in headless Chromium: its offline search runs from
// file://, lists the probe with a link to its provider's page, and that page
// shows the probe's fields with their stability.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "probity/catalogue/index.hpp"
#include "probity/manual/manual.hpp"
#include "probity/stability.hpp"
#include "support/probity_process.hpp"
#include "support/scratch_directory.hpp"

namespace {

namespace fs = std::filesystem;
using probity::test_support::ScratchDirectory;

constexpr auto browser_time_limit = std::chrono::seconds(30);

using probity::test_support::read_file;

std::optional<fs::path> find_chromium() {
  const char* path = std::getenv("PATH");
  std::stringstream directories(path == nullptr ? "/usr/bin:/bin" : path);
  for (std::string directory; std::getline(directories, directory, ':');) {
    for (const char* name : {"chromium", "chromium-browser"}) {
      const fs::path candidate = fs::path(directory) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return std::nullopt;
}

struct BrowserRun {
  std::string dom;
  std::string errors;
  int status = -1;
  std::chrono::milliseconds took{};
};

// Chromium's DOM of `url` after its scripts ran. Chromium runs in a process
// group of its own, which a watchdog kills if it outlives browser_time_limit.
BrowserRun dump_dom(const fs::path& chromium, const fs::path& profile, const std::string& url) {
  probity::test_support::detail::AnonymousFile out;
  probity::test_support::detail::AnonymousFile err;
  std::vector<std::string> arguments{chromium.string(),
                                     "--headless=new",
                                     "--no-sandbox",  // needed as root
                                     "--disable-gpu",
                                     "--no-first-run",
                                     "--no-default-browser-check",
                                     "--disable-extensions",
                                     "--disable-background-networking",
                                     "--disable-sync",
                                     "--user-data-dir=" + profile.string(),
                                     "--timeout=10000",
                                     "--dump-dom",
                                     url};
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);

  const auto started = std::chrono::steady_clock::now();
  const pid_t child = ::fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    ::setpgid(0, 0);
    ::dup2(out.fd(), STDOUT_FILENO);
    ::dup2(err.fd(), STDERR_FILENO);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::setpgid(child, child);  // also here, so that the group exists before any kill

  BrowserRun run;
  int wait_status = 0;
  bool exited = false;
  while (!exited) {
    const pid_t reaped = ::waitpid(child, &wait_status, WNOHANG);
    if (reaped == child) {
      exited = true;
    } else if (reaped < 0 && errno != EINTR) {
      throw std::runtime_error("waitpid failed");
    } else if (std::chrono::steady_clock::now() - started > browser_time_limit) {
      ::kill(-child, SIGKILL);
      ::waitpid(child, &wait_status, 0);
      run.errors = "killed after " + std::to_string(browser_time_limit.count()) + " s\n";
      exited = true;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ::kill(-child, SIGKILL);  // any helper process the browser left behind
  run.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  run.dom = probity::test_support::detail::slurp(out.fd());
  run.errors += probity::test_support::detail::slurp(err.fd());
  if (WIFEXITED(wait_status)) run.status = WEXITSTATUS(wait_status);
  return run;
}

std::string strip_tags(std::string_view html) {
  std::string text;
  bool in_tag = false;
  for (const char c : html) {
    if (c == '<') in_tag = true;
    else if (c == '>') in_tag = false;
    else if (!in_tag) text += c;
  }
  return text;
}

struct Link {
  std::string href;
  std::string text;
};

// The search results' probe links, in the order shown.
std::vector<Link> result_links(const std::string& dom) {
  std::vector<Link> links;
  static const std::regex link(R"re(<a class="probe" href="([^"]*)">([^<]*)</a>)re");
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), link); it != std::sregex_iterator(); ++it) {
    links.push_back({(*it)[1], (*it)[2]});
  }
  return links;
}

// The values of `attribute` in the tags named `tags` of an HTML file.
std::vector<std::string> attribute_values(const std::string& html, std::initializer_list<std::string_view> tags,
                                          std::string_view attribute) {
  std::vector<std::string> values;
  const std::string marker = " " + std::string(attribute) + "=\"";
  for (std::size_t open = html.find('<'); open != std::string::npos; open = html.find('<', open + 1)) {
    const std::size_t name_end = html.find_first_of(" >", open);
    if (name_end == std::string::npos) break;
    const std::string_view name = std::string_view(html).substr(open + 1, name_end - open - 1);
    if (tags.size() != 0 && std::find(tags.begin(), tags.end(), name) == tags.end()) continue;
    const std::string_view tag = std::string_view(html).substr(open, html.find('>', open) - open);
    const std::size_t at = tag.find(marker);
    if (at == std::string_view::npos) continue;
    const std::size_t start = at + marker.size();
    values.emplace_back(tag.substr(start, tag.find('"', start) - start));
  }
  return values;
}

// Every id="..." of an HTML file.
std::set<std::string> ids_of(const std::string& html) {
  const std::vector<std::string> ids = attribute_values(html, {}, "id");
  return {ids.begin(), ids.end()};
}

// The event as the newest catalogued release that has it describes it: what
// the manual's entry must show.
probity::catalogue::Event newest_event(const probity::catalogue::Index& index, const std::string& provider,
                                        const std::string& name) {
  std::vector<std::string> releases = index.releases();
  std::sort(releases.begin(), releases.end(), probity::catalogue::release_less);
  for (auto release = releases.rbegin(); release != releases.rend(); ++release) {
    const probity::catalogue::Catalogue catalogue = index.load(*release);
    if (const auto* event = catalogue.find_event(provider, name)) return *event;
  }
  throw std::runtime_error("no catalogued release has " + provider + ":" + name);
}

class ManualHtml : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    index_ = std::make_unique<probity::catalogue::Index>(probity::catalogue::Index::open(PROBITY_INDEX_FILE));
    manual_ = std::make_unique<probity::manual::Manual>(probity::manual::build_manual(*index_));
    site_ = std::make_unique<ScratchDirectory>("probity-manual-html");
    probity::manual::write_html(*manual_, site_->path() / "site");
  }
  static void TearDownTestSuite() {
    site_.reset();
    manual_.reset();
    index_.reset();
  }

  static fs::path site() { return site_->path() / "site"; }
  static std::string url_of(const std::string& relative) { return "file://" + (site() / relative).string(); }

  // Chromium's DOM of a page of the site, failing the test when it does not run.
  static std::string browse(const fs::path& chromium, const std::string& relative) {
    const BrowserRun run = dump_dom(chromium, site_->path() / "chromium-profile", url_of(relative));
    std::cerr << "chromium " << relative << ": " << run.took.count() << " ms\n";
    EXPECT_EQ(run.status, 0) << run.errors;
    EXPECT_NE(run.dom.find("</html>"), std::string::npos) << "no DOM for " << relative << "\n" << run.errors;
    return run.dom;
  }

  static fs::path chromium_or_skip_reason(std::string& reason) {
    const std::optional<fs::path> chromium = find_chromium();
    if (!chromium) reason = "chromium is not installed (scripts/install-deps.sh installs it)";
    return chromium.value_or(fs::path{});
  }

  static inline std::unique_ptr<probity::catalogue::Index> index_;
  static inline std::unique_ptr<probity::manual::Manual> manual_;
  static inline std::unique_ptr<ScratchDirectory> site_;
};

TEST_F(ManualHtml, SearchListsTheProbeAndItsPageShowsItsFieldsWithTheirStability) {
  std::string skip_reason;
  const fs::path chromium = chromium_or_skip_reason(skip_reason);
  if (chromium.empty()) GTEST_SKIP() << skip_reason;

  const std::string results = browse(chromium, "search.html?q=sched_switch");
  const std::vector<Link> links = result_links(results);
  ASSERT_FALSE(links.empty()) << "no search result rendered:\n" << results;
  // The exact probe name ranks first.
  EXPECT_EQ(links.front().text, "sched:sched_switch");
  EXPECT_EQ(links.front().href, "reference/sched.html#sched_switch");
  for (const Link& link : links) EXPECT_NE(link.text.find("sched_switch"), std::string::npos) << link.text;

  const probity::catalogue::Event event = newest_event(*index_, "sched", "sched_switch");
  const std::string result_item = results.substr(results.find(R"(href="reference/sched.html#sched_switch")"));
  EXPECT_NE(strip_tags(result_item.substr(0, result_item.find("</li>")))
                .find(probity::stability::to_string(event.stability.value)),
            std::string::npos)
      << "the result does not show the probe's stability:\n" << result_item.substr(0, 600);

  // Follow the link (a file URL keeps no fragment for --dump-dom).
  const std::string href = links.front().href;
  const std::string page = browse(chromium, href.substr(0, href.find('#')));
  const std::string anchor = R"(id=")" + href.substr(href.find('#') + 1) + R"(")";
  const std::size_t entry_start = page.find(anchor);
  ASSERT_NE(entry_start, std::string::npos) << "no element with " << anchor;
  std::string entry = page.substr(entry_start);
  entry = entry.substr(0, std::min(entry.find("<h3", 1), entry.find("<h2", 1)));

  ASSERT_GE(event.fields.size(), 3U);
  for (const auto& field : event.fields) {
    // The field's own line (a list item or a table row): its name in code, not in prose.
    const std::regex in_code("<code>[^<]*\\b" + field.layout.name + "\\b[^<]*</code>");
    std::smatch found;
    ASSERT_TRUE(std::regex_search(entry, found, in_code)) << "sched_switch's entry lacks the field " << field.layout.name;
    const auto at = static_cast<std::size_t>(found.position(0));
    const std::string row = entry.substr(at, std::min(entry.find("</li>", at), entry.find("</tr>", at)) - at);
    const std::string stability = probity::stability::to_string(field.stability.value);
    EXPECT_NE(strip_tags(row).find(stability), std::string::npos)
        << field.layout.name << " is not shown as " << stability << ": " << row;
    std::string level_class = "level-" + std::string(probity::stability::to_string(field.stability.value.data));
    std::transform(level_class.begin(), level_class.end(), level_class.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    EXPECT_NE(row.find(level_class), std::string::npos)
        << field.layout.name << "'s stability has no " << level_class << " class: " << row;
  }
}

TEST_F(ManualHtml, SearchFromAnyPageSaysWhenNoProbeMatchesAndListsAProviderByPrefix) {
  std::string skip_reason;
  const fs::path chromium = chromium_or_skip_reason(skip_reason);
  if (chromium.empty()) GTEST_SKIP() << skip_reason;

  const std::string nothing = browse(chromium, "index.html?q=no_such_probe_anywhere");
  EXPECT_TRUE(result_links(nothing).empty());
  EXPECT_NE(strip_tags(nothing).find("No probe matches"), std::string::npos) << nothing;

  // A provider: prefix from a page one directory down lists that provider's
  // probes only, linked back up to the site's root.
  const std::string prefixed = browse(chromium, "reference/index.html?q=sched:sched_s");
  const std::vector<Link> links = result_links(prefixed);
  ASSERT_FALSE(links.empty()) << prefixed;
  std::size_t expected = 0;
  for (const auto& page : manual_->pages) {
    for (const auto& entry : page.entries) expected += entry.probe.starts_with("sched:sched_s") ? 1 : 0;
  }
  EXPECT_EQ(links.size(), expected);
  for (const Link& link : links) {
    EXPECT_TRUE(link.text.starts_with("sched:sched_s")) << link.text;
    EXPECT_TRUE(link.href.starts_with("../reference/")) << link.href;
  }
}

// A word found in many probes' names lists the documented probes before the
// undocumented ones, the stablest first, each with its stability.
TEST_F(ManualHtml, SearchRanksDocumentedAndStableProbesFirst) {
  std::string skip_reason;
  const fs::path chromium = chromium_or_skip_reason(skip_reason);
  if (chromium.empty()) GTEST_SKIP() << skip_reason;

  std::map<std::string, probity::manual::SearchEntry> entries;
  for (const auto& page : manual_->pages) {
    for (const auto& entry : page.entries) entries.emplace(entry.probe, entry);
  }
  const std::string results = browse(chromium, "search.html?q=open");
  const std::vector<Link> links = result_links(results);
  ASSERT_GT(links.size(), 5U) << results;
  bool seen_undocumented = false;
  std::size_t documented = 0;
  for (const Link& link : links) {
    ASSERT_TRUE(entries.contains(link.text)) << link.text;
    const bool is_documented = !entries.at(link.text).summary.empty();
    EXPECT_FALSE(is_documented && seen_undocumented) << link.text << " is documented but ranks below an undocumented probe";
    seen_undocumented = seen_undocumented || !is_documented;
    documented += is_documented ? 1 : 0;
  }
  EXPECT_GT(documented, 0U) << "no documented probe matches \"open\"";
  EXPECT_FALSE(entries.at(links.front().text).summary.empty()) << links.front().text;
  EXPECT_FALSE(entries.at(links.front().text).stability.starts_with("Private")) << links.front().text;
}

// The sidebar lists the guide in reading order: getting started first.
TEST_F(ManualHtml, TheGuideIsListedInReadingOrder) {
  const std::string index = read_file(site() / "index.html");
  const std::string nav = index.substr(index.find("<nav"));
  const std::vector<std::string> hrefs = attribute_values(nav, {"a"}, "href");
  ASSERT_GE(hrefs.size(), 3U);
  EXPECT_EQ(hrefs[0], "guide/getting-started.html");
  EXPECT_EQ(hrefs[1], "guide/examples.html");
  EXPECT_EQ(hrefs[2], "language.html");
}

// Every page links only to files of the site and to anchors they have, and
// loads no script, style or image from anywhere else.
TEST_F(ManualHtml, LinksResolveInsideTheSiteAndNothingComesFromTheNetwork) {
  // Keyed by the path relative to the site, as written in a link once normalised.
  std::set<fs::path> files;
  std::map<fs::path, std::string> pages;
  std::map<fs::path, std::set<std::string>> ids;
  for (const auto& file : fs::recursive_directory_iterator(site())) {
    if (!file.is_regular_file()) continue;
    const fs::path relative = file.path().lexically_relative(site());
    files.insert(relative);
    if (relative.extension() == ".html") {
      pages[relative] = read_file(file.path());
      ids[relative] = ids_of(pages[relative]);
    }
  }
  ASSERT_EQ(pages.size(), manual_->pages.size() + 2) << "one file per page, index.html and search.html";
  EXPECT_TRUE(files.contains("index.html"));

  std::size_t links_checked = 0;
  for (const auto& [page, html] : pages) {
    const auto resolve = [&](std::string_view target) { return (page.parent_path() / target).lexically_normal(); };
    std::vector<std::string> resources = attribute_values(html, {"script", "img"}, "src");
    for (const std::string& style : attribute_values(html, {"link"}, "href")) resources.push_back(style);
    EXPECT_EQ(resources.size(), 3U) << page << ": a style sheet and two scripts";
    for (const std::string& target : resources) {
      EXPECT_FALSE(target.starts_with("http:") || target.starts_with("https:") || target.starts_with("//"))
          << page << " loads " << target;
      EXPECT_TRUE(files.contains(resolve(target))) << page << " loads a missing " << target;
    }
    for (const std::string& href : attribute_values(html, {"a"}, "href")) {
      if (href.find("://") != std::string::npos || href.starts_with("mailto:")) continue;
      const std::size_t hash = href.find('#');
      const std::string file_part = href.substr(0, hash);
      const fs::path target = file_part.empty() ? page : resolve(file_part);
      EXPECT_FALSE(file_part.ends_with(".md")) << page << " links to Markdown: " << href;
      ASSERT_TRUE(files.contains(target)) << page << " links to a missing " << href;
      if (hash != std::string::npos && ids.contains(target)) {
        EXPECT_TRUE(ids[target].contains(href.substr(hash + 1))) << page << " links to a missing anchor " << href;
      }
      ++links_checked;
    }
  }
  EXPECT_GT(links_checked, 100U);

  // The search index points at existing anchors, one for each documented probe.
  const std::string search_index = read_file(site() / "search-index.js");
  std::set<std::string> indexed_urls;
  static constexpr std::string_view url_key = "\"url\":\"";
  for (std::size_t at = search_index.find(url_key); at != std::string::npos; at = search_index.find(url_key, at + 1)) {
    const std::size_t start = at + url_key.size();
    indexed_urls.insert(search_index.substr(start, search_index.find('"', start) - start));
  }
  std::size_t entries = 0;
  for (const auto& page : manual_->pages) {
    for (const auto& entry : page.entries) {
      ++entries;
      const std::string url = page.path + ".html#" + entry.anchor;
      EXPECT_TRUE(indexed_urls.contains(url)) << url;
      EXPECT_TRUE(ids[page.path + ".html"].contains(entry.anchor))
          << entry.probe << ": " << page.path << ".html has no id " << entry.anchor;
    }
  }
  EXPECT_GT(entries, 100U);
  for (const char* script : {"search.js", "search-index.js"}) {
    const std::string text = read_file(site() / script);
    EXPECT_EQ(text.find("http://"), std::string::npos) << script;
    EXPECT_EQ(text.find("https://"), std::string::npos) << script;
    EXPECT_EQ(text.find("fetch("), std::string::npos) << script;
  }
}

TEST_F(ManualHtml, TheSameManualGivesTheSameBytes) {
  const fs::path again = site_->path() / "again";
  probity::manual::write_html(*manual_, again);
  std::size_t files = 0;
  for (const auto& file : fs::recursive_directory_iterator(site())) {
    if (!file.is_regular_file()) continue;
    ++files;
    const fs::path relative = fs::relative(file.path(), site());
    EXPECT_EQ(read_file(file.path()), read_file(again / relative)) << relative;
  }
  std::size_t files_again = 0;
  for (const auto& file : fs::recursive_directory_iterator(again)) files_again += file.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, files_again);
}

// Links written the way the Markdown output needs them (to .md files,
// relative to the page) work in the HTML site too.
TEST(ManualHtmlPages, MarkdownLinksBecomeRelativeHtmlLinksAndProbeHeadingsGetTheirAnchors) {
  probity::manual::Manual manual;
  probity::manual::Page provider;
  provider.path = "reference/demo";
  provider.title = "demo: a provider";
  provider.markdown =
      "# demo: a provider\n\nSee [the language](../language.md#probes) and [an other](other.md).\n\n"
      "### tick\n\n| component | level |\n|---|---|\n| Name | Evolving |\n\n"
      "- `int cpu;` Stable/Unstable/Common. The CPU.\n\n### Fields\n\n### Fields\n";
  provider.entries.push_back({"demo:tick", "A tick.", "Evolving/Evolving/Common", "hot", "tick"});
  probity::manual::Page other{"reference/other", "other", "# other\n", "", 7, {}};
  probity::manual::Page language{"language", "The language", "# The language\n\n## Probes\n\n[demo](reference/demo.md#tick)\n",
                                 "", 7, {}};
  manual.pages = {provider, other, language};

  const ScratchDirectory scratch("probity-manual-html-pages");
  probity::manual::write_html(manual, scratch.path());
  const std::string demo = read_file(scratch.path() / "reference/demo.html");
  EXPECT_NE(demo.find(R"(<a href="../language.html#probes">)"), std::string::npos) << demo;
  EXPECT_NE(demo.find(R"(<a href="other.html">)"), std::string::npos) << demo;
  EXPECT_NE(demo.find(R"(<h3 id="tick">tick</h3>)"), std::string::npos) << demo;
  EXPECT_NE(demo.find(R"(<h3 id="fields">)"), std::string::npos) << demo;
  EXPECT_NE(demo.find(R"(<h3 id="fields-2">)"), std::string::npos) << demo;
  EXPECT_NE(demo.find(R"(class="level level-evolving">Evolving</span>)"), std::string::npos) << demo;
  EXPECT_NE(demo.find(R"(class="level level-unstable">Unstable</span>)"), std::string::npos) << demo;
  EXPECT_NE(strip_tags(demo).find("Stable/Unstable/Common. The CPU."), std::string::npos) << demo;
  EXPECT_NE(demo.find(R"(<link rel="stylesheet" href="../style.css">)"), std::string::npos);
  const std::string chapter = read_file(scratch.path() / "language.html");
  EXPECT_NE(chapter.find(R"(<a href="reference/demo.html#tick">)"), std::string::npos) << chapter;
  EXPECT_NE(chapter.find(R"(<h2 id="probes">)"), std::string::npos) << chapter;
  EXPECT_NE(chapter.find(R"(<link rel="stylesheet" href="style.css">)"), std::string::npos);
  EXPECT_NE(read_file(scratch.path() / "search-index.js").find(R"("url":"reference/demo.html#tick")"),
            std::string::npos);
}

}  // namespace
