#include "site.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <system_error>

#include "cli_error.hpp"
#include "probity/catalogue/harvest.hpp"
#include "probity/catalogue/signature.hpp"

namespace probity::cli {
namespace {

namespace fs = std::filesystem;

// Beside the index: share/probity/vendors next to share/probity/probity.idx,
// and the source tree's catalogue/data/vendors for the build tree's index.
fs::path default_vendors_root(const fs::path& index) {
  std::error_code error;
  if (fs::equivalent(index, PROBITY_BUILD_INDEX_FILE, error)) return fs::path(PROBITY_CATALOGUE_SOURCE_DIR) / "vendors";
  return index.parent_path() / "vendors";
}

fs::path os_release_file() {
  if (const char* file = std::getenv("PROBITY_OS_RELEASE"); file != nullptr && *file != '\0') return file;
  return "/etc/os-release";
}

}  // namespace

bool OverlayCandidate::chosen_for(std::string_view release) const {
  return !releases || catalogue::release_matches(*releases, release);
}

Site load_site(const SiteOptions& options, const fs::path& index) {
  Site site;
  site.policy = catalogue::load_site_policy_in_force();
  std::vector<fs::path> files;
  if (!options.overlay_files.empty()) {
    files.assign(options.overlay_files.begin(), options.overlay_files.end());
  } else {
    const fs::path root = options.catalogue_dir ? fs::path(*options.catalogue_dir) / "vendors" : default_vendors_root(index);
    if (options.catalogue_dir) {
      std::error_code error;
      if (!fs::is_directory(*options.catalogue_dir, error)) {
        throw CliError("--catalogue " + *options.catalogue_dir + ": no such directory");
      }
    }
    files = catalogue::vendor_overlay_files(root, catalogue::read_os_release(os_release_file()));
  }
  for (const fs::path& file : files) site.overlays.push_back({file, catalogue::read_overlay_releases(file)});
  return site;
}

std::vector<catalogue::Overlay> load_overlays(const Site& site, const std::vector<std::string>& releases) {
  std::vector<catalogue::Overlay> overlays;
  for (const OverlayCandidate& candidate : site.overlays) {
    const bool chosen = std::any_of(releases.begin(), releases.end(),
                                    [&](const std::string& release) { return candidate.chosen_for(release); });
    if (!chosen) continue;
    require_signature(site, candidate.file);
    overlays.push_back(catalogue::load_overlay(candidate.file));
  }
  return overlays;
}

std::string apply_overlays(catalogue::Catalogue& catalogue, const Site& site,
                           std::vector<catalogue::Diagnostic>* notes) {
  for (const catalogue::Overlay& overlay : load_overlays(site, {catalogue.release})) {
    catalogue::apply_overlay(catalogue, overlay, notes);
  }
  if (catalogue.overlays.empty()) return "";
  std::string notice = "vendor overlay" + std::string(catalogue.overlays.size() == 1 ? "" : "s") + " in force for " +
                       catalogue.release + ": ";
  for (std::size_t i = 0; i < catalogue.overlays.size(); ++i) notice += (i == 0 ? "" : ", ") + catalogue.overlays[i];
  return notice;
}

void require_signature(const Site& site, const fs::path& file) {
  if (!site.policy || !site.policy->require_signatures) return;
  try {
    catalogue::verify_signature(file, catalogue::keys_directory());
  } catch (const catalogue::SignatureError& error) {
    throw CliError("refused " + file.string() + " (the site policy " + site.policy->file.string() +
                   " requires signatures): " + error.what());
  }
}

void require_tracing_privilege() {
  if (::geteuid() == 0) return;
  const std::string needs = "tracing needs root or write access to tracefs, and uid " + std::to_string(::geteuid());
  fs::path tracing;
  try {
    tracing = catalogue::tracing_dir();
  } catch (const catalogue::TracefsError&) {
    throw CliError(needs + " cannot read it; run probity as root (probity -l, -e, man and compat work without)");
  }
  if (::access((tracing / "instances").c_str(), W_OK) != 0) {
    throw CliError(needs + " cannot write " + (tracing / "instances").string() +
                   "; run probity as root (probity -l, -e, man and compat work without)");
  }
}

std::string site_lookup_description() {
  return "    vendor overlays: --overlay FILE, else those of /etc/os-release's vendor\n"
         "      ($PROBITY_OS_RELEASE) under --catalogue DIR/vendors, else vendors/ beside the index\n"
         "      (" PROBITY_INSTALL_VENDORS_DIR "; the build tree's index uses\n"
         "      " PROBITY_CATALOGUE_SOURCE_DIR "/vendors)\n"
         "    site policy: $PROBITY_POLICY, else /etc/probity/policy.yaml; signature keys:\n"
         "      $PROBITY_KEYS, else /etc/probity/keys (see docs/manual/site-policy.md)\n";
}

}  // namespace probity::cli
