#include "manual_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <ostream>
#include <system_error>

#include "cli_error.hpp"
#include "index_location.hpp"
#include "progress.hpp"
#include "probity/io/invoking_user.hpp"
#include "probity/catalogue/index.hpp"
#include "probity/manual/manual.hpp"

namespace probity::cli {
namespace {

namespace fs = std::filesystem;

// The reference is generated: Markdown files under DIR/reference that are no
// longer part of it (a provider renamed, say) are removed with the rest.
void clear_reference(const fs::path& dir) {
  const fs::path reference = dir / manual::reference_directory;
  std::error_code error;
  if (!fs::is_directory(reference, error)) return;
  for (const fs::directory_entry& entry : fs::directory_iterator(reference)) {
    if (entry.is_regular_file() && entry.path().extension() == ".md") fs::remove(entry.path());
  }
}

// Writing the whole manual into the source tree's docs/manual from a probity
// built before a chapter was edited would silently revert the edit.
void refuse_to_overwrite_guide(const manual::Manual& built, const fs::path& dir) {
  for (const manual::Page& page : built.pages) {
    if (manual::is_reference_page(page)) continue;
    const fs::path file = dir / (page.path + ".md");
    std::ifstream existing(file, std::ios::binary);
    if (!existing) continue;
    const std::string content{std::istreambuf_iterator<char>(existing), std::istreambuf_iterator<char>()};
    if (content != page.markdown) {
      throw CliError(file.string() + " exists and differs from the chapter built into probity; write the "
                     "whole manual to another directory, or only the reference with --reference");
    }
  }
}

}  // namespace

std::string manual_usage() {
  return "usage: probity manual --format md|man|html -o DIR [--reference] [--index FILE]\n"
         "\n"
         "Writes the reference manual, generated from the catalogue index (one page per\n"
         "documented provider with every probe's entry as probity man shows it, an index\n"
         "of providers, coverage statistics, the undocumented providers), and the guide\n"
         "(docs/manual/*.md, built into probity).\n"
         "\n"
         "  --format md     DIR/reference/*.md and the guide's DIR/*.md\n"
         "  --format man    DIR/man1/probity.1, a page per guide chapter (man5 and man7,\n"
         "                  probity-language.7, probity-catalogue.5, ...) and\n"
         "                  DIR/man7/probity-PROVIDER.7\n"
         "                  (read one with man -l FILE, or add DIR to MANPATH)\n"
         "  --format html   a static site, DIR/index.html, with offline search\n"
         "  -o DIR          where to write (created when missing)\n"
         "  --reference     only the generated reference pages (with md: replaces the\n"
         "                  Markdown files of DIR/reference)\n"
         "  --index FILE    the catalogue index to read (see probity --help)\n"
         "\n"
         "The Markdown reference committed in the source tree is regenerated with\n"
         "  probity manual --format md --reference -o docs/manual\n"
         "and the test manual_reference_fresh fails when it is out of date.\n";
}

int run_manual(const std::vector<std::string>& arguments, std::ostream& out, std::ostream& err) {
  std::optional<std::string> format;
  std::optional<std::string> output;
  std::optional<std::string> index_option;
  bool reference_only = false;
  for (std::size_t i = 0; i < arguments.size(); ++i) {
    const std::string& argument = arguments[i];
    const auto value = [&](const std::string& name) -> std::string {
      if (argument.starts_with(name + "=")) return argument.substr(name.size() + 1);
      if (i + 1 >= arguments.size()) throw UsageError(name + " needs a value (probity manual --help)");
      return arguments[++i];
    };
    if (argument == "--help" || argument == "-h") {
      out << manual_usage();
      return 0;
    }
    if (argument == "--format" || argument.starts_with("--format=")) {
      format = value("--format");
    } else if (argument == "-f") {
      format = value("-f");
    } else if (argument == "-o" || argument == "--output" || argument.starts_with("--output=")) {
      output = value(argument == "-o" ? "-o" : "--output");
    } else if (argument == "--index" || argument.starts_with("--index=")) {
      index_option = value("--index");
    } else if (argument == "--reference") {
      reference_only = true;
    } else {
      throw UsageError("unknown argument \"" + argument + "\" for probity manual; see probity manual --help");
    }
  }
  if (!format) throw UsageError("probity manual needs --format md, man or html");
  if (*format != "md" && *format != "man" && *format != "html") {
    throw UsageError("--format " + *format + ": the formats are md, man and html");
  }
  if (!output || output->empty()) throw UsageError("probity manual needs -o DIR");

  Progress progress(err, STDERR_FILENO);
  progress.show("probity manual: reading the catalogue and building the pages");
  const catalogue::Index index = catalogue::Index::open(locate_index(index_option));
  manual::Manual built = manual::build_manual(index);
  if (reference_only) {
    std::erase_if(built.pages, [](const manual::Page& page) { return !manual::is_reference_page(page); });
  }
  const fs::path dir = *output;
  const io::AsInvokingUser as_user;  // the directory is the user's to name, and written with their rights
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) throw CliError("cannot create " + dir.string() + ": " + error.message());
  progress.show("probity manual: writing " + std::to_string(built.pages.size()) + " pages to " + dir.string());
  if (*format == "md") {
    if (reference_only) {
      clear_reference(dir);
    } else {
      refuse_to_overwrite_guide(built, dir);
    }
    manual::write_markdown(built, dir);
  } else if (*format == "man") {
    manual::write_man(built, dir);
  } else {
    manual::write_html(built, dir);
  }
  progress.clear();
  const auto man_pages = std::count_if(built.pages.begin(), built.pages.end(),
                                       [](const manual::Page& page) { return !page.man_name.empty(); });
  out << "probity: wrote the manual to " << dir.string() << " ("
      << (*format == "man" ? std::to_string(man_pages) + " man pages" : std::to_string(built.pages.size()) + " pages")
      << ")\n";
  return 0;
}

}  // namespace probity::cli
