#include "probity/catalogue/site.hpp"

#include <algorithm>
#include <cstdlib>
#include <system_error>

#include "probity/catalogue/host.hpp"
#include "probity/catalogue/signature.hpp"
#include "probity/io/invoking_user.hpp"

namespace probity::catalogue {
namespace {

namespace fs = std::filesystem;

constexpr const char* installed_os_release = "/etc/os-release";

// $PROBITY_OS_RELEASE names another os-release file, whose vendor's overlays apply too.
std::optional<fs::path> added_os_release() {
  if (const char* file = std::getenv("PROBITY_OS_RELEASE"); file != nullptr && *file != '\0') return fs::path(file);
  return std::nullopt;
}

}  // namespace

bool OverlayCandidate::chosen_for(std::string_view release) const {
  return !releases || release_matches(*releases, release);
}

Site load_site(const SiteOptions& options) {
  Site site;
  site.policy = load_site_policy_in_force();
  const OsRelease host_os = read_os_release(installed_os_release);
  std::vector<OsRelease> vendors{host_os};
  if (const std::optional<fs::path> file = added_os_release()) vendors.push_back(io::as_invoking_user([&] { return read_os_release(*file); }));

  const auto add = [&](const fs::path& file, bool installed) {
    const bool known = std::any_of(site.overlays.begin(), site.overlays.end(),
                                   [&](const OverlayCandidate& candidate) { return candidate.file == file; });
    if (known) return;
    // A file the command line or environment named is read with its namer's rights.
    auto releases = installed ? read_overlay_releases(file) : io::as_invoking_user([&] { return read_overlay_releases(file); });
    site.overlays.push_back({file, std::move(releases), installed});
  };
  const auto installed_files = vendor_overlay_files(options.vendors_root, host_os);
  for (const std::string& file : options.overlay_files) {
    if (std::find(installed_files.begin(), installed_files.end(), fs::path(file)) == installed_files.end()) {
      add(file, false);
    }
  }
  if (options.catalogue_dir) {
    std::error_code error;
    if (!fs::is_directory(*options.catalogue_dir, error)) {
      throw HostError("--catalogue " + *options.catalogue_dir + ": no such directory");
    }
    for (const OsRelease& os : vendors) {
      for (const fs::path& file : vendor_overlay_files(fs::path(*options.catalogue_dir) / "vendors", os)) {
        add(file, false);
      }
    }
  }
  for (std::size_t i = 1; i < vendors.size(); ++i) {
    for (const fs::path& file : vendor_overlay_files(options.vendors_root, vendors[i])) add(file, false);
  }
  if (options.added_vendors_root) {
    for (const OsRelease& os : vendors) {
      for (const fs::path& file : vendor_overlay_files(*options.added_vendors_root, os)) add(file, false);
    }
  }
  // The installed overlays apply last: on what both set, theirs stands.
  for (const fs::path& file : installed_files) {
    std::erase_if(site.overlays, [&](const OverlayCandidate& candidate) { return candidate.file == file; });
    add(file, true);
  }
  return site;
}

std::vector<Overlay> load_overlays(const Site& site, const std::vector<std::string>& releases) {
  std::vector<Overlay> overlays;
  for (const OverlayCandidate& candidate : site.overlays) {
    const bool chosen = std::any_of(releases.begin(), releases.end(),
                                    [&](const std::string& release) { return candidate.chosen_for(release); });
    if (!chosen) continue;
    require_signature(site, candidate.file);
    overlays.push_back(candidate.installed ? load_overlay(candidate.file)
                                           : io::as_invoking_user([&] { return load_overlay(candidate.file); }));
    // Stability is the site's to bound only through its minimum_stability;
    // hazards no overlay can lower anyway.
    overlays.back().restrict_only = !candidate.installed && site.policy && site.policy->minimum;
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

std::string bound_host_catalogue(HostCatalogue& host, const Index& index, const fs::path& index_file,
                                 const fs::path& installed_index, const ReleaseChoice& choice, const Site& site,
                                 std::vector<Diagnostic>* notes) {
  host = host_catalogue(index, choice);
  restrict_by_installed(host.catalogue, index_file, installed_index, site.policy && site.policy->minimum);
  return apply_overlays(host.catalogue, site, notes);
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
