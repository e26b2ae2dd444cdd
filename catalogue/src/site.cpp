#include "probity/catalogue/site.hpp"

#include <algorithm>
#include <cstdlib>
#include <system_error>

#include "probity/catalogue/host.hpp"
#include "probity/catalogue/signature.hpp"

namespace probity::catalogue {
namespace {

namespace fs = std::filesystem;

fs::path os_release_file() {
  if (const char* file = std::getenv("PROBITY_OS_RELEASE"); file != nullptr && *file != '\0') return file;
  return "/etc/os-release";
}

}  // namespace

bool OverlayCandidate::chosen_for(std::string_view release) const {
  return !releases || release_matches(*releases, release);
}

Site load_site(const SiteOptions& options) {
  Site site;
  site.policy = load_site_policy_in_force();
  std::vector<fs::path> files;
  if (!options.overlay_files.empty()) {
    files.assign(options.overlay_files.begin(), options.overlay_files.end());
  } else {
    const fs::path root = options.catalogue_dir ? fs::path(*options.catalogue_dir) / "vendors" : options.vendors_root;
    if (options.catalogue_dir) {
      std::error_code error;
      if (!fs::is_directory(*options.catalogue_dir, error)) {
        throw HostError("--catalogue " + *options.catalogue_dir + ": no such directory");
      }
    }
    files = vendor_overlay_files(root, read_os_release(os_release_file()));
  }
  for (const fs::path& file : files) site.overlays.push_back({file, read_overlay_releases(file)});
  return site;
}

std::vector<Overlay> load_overlays(const Site& site, const std::vector<std::string>& releases) {
  std::vector<Overlay> overlays;
  for (const OverlayCandidate& candidate : site.overlays) {
    const bool chosen = std::any_of(releases.begin(), releases.end(),
                                    [&](const std::string& release) { return candidate.chosen_for(release); });
    if (!chosen) continue;
    require_signature(site, candidate.file);
    overlays.push_back(load_overlay(candidate.file));
  }
  return overlays;
}

std::string apply_overlays(Catalogue& catalogue, const Site& site,
                           std::vector<Diagnostic>* notes) {
  for (const Overlay& overlay : load_overlays(site, {catalogue.release})) {
    apply_overlay(catalogue, overlay, notes);
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
    verify_signature(file, keys_directory());
  } catch (const SignatureError& error) {
    throw HostError("refused " + file.string() + " (the site policy " + site.policy->file.string() +
                   " requires signatures): " + error.what());
  }
}

}  // namespace probity::catalogue
