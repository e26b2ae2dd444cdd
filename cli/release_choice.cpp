#include "release_choice.hpp"

#include <sys/utsname.h>

#include <cctype>

#include "cli_error.hpp"

namespace probity::cli {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

// "6.18" is a prefix of "6.18.44-fc-v657" at a component boundary, but not of "6.180".
bool is_component_prefix(const std::string& prefix, const std::string& release) {
  if (!release.starts_with(prefix) || prefix.empty()) return false;
  if (release.size() == prefix.size()) return true;
  const unsigned char next = static_cast<unsigned char>(release[prefix.size()]);
  const unsigned char last = static_cast<unsigned char>(prefix.back());
  return std::isalnum(next) == 0 || std::isalnum(last) == 0;
}

}  // namespace

std::string running_release() {
  struct utsname names{};
  if (::uname(&names) != 0) return "";
  return names.release;
}

ReleaseChoice choose_release(const catalogue::Index& index, const std::optional<std::string>& requested,
                             const std::string& running) {
  const std::vector<std::string> releases = index.releases();  // oldest first
  if (releases.empty()) {
    throw CliError("the catalogue index has no kernel release; add one with: probity catalogue harvest");
  }
  if (requested) {
    if (index.has_release(*requested)) return {*requested, ""};
    std::vector<std::string> matches;
    for (const std::string& release : releases) {
      if (is_component_prefix(*requested, release)) matches.push_back(release);
    }
    if (matches.empty()) {
      for (const std::string& release : releases) {
        if (!requested->empty() && release.starts_with(*requested)) matches.push_back(release);
      }
    }
    if (matches.size() == 1) return {matches.front(), ""};
    if (matches.empty()) {
      throw CliError("kernel release \"" + *requested + "\" is not catalogued; catalogued releases: " +
                     join(releases));
    }
    throw CliError("kernel release \"" + *requested + "\" is ambiguous: it matches " + join(matches) +
                   "; give more of the release");
  }
  if (!running.empty() && index.has_release(running)) return {running, ""};
  const std::string& newest = releases.back();
  return {newest, "note: the running kernel " + (running.empty() ? std::string("(unknown)") : running) +
                      " is not catalogued; showing " + newest +
                      ", the newest catalogued release (probity catalogue harvest adds the running kernel)"};
}

}  // namespace probity::cli
