#include "index_location.hpp"

#include <cstdlib>
#include <system_error>

namespace probity::cli {
namespace {

namespace fs = std::filesystem;

std::optional<fs::path> running_executable() {
  std::error_code error;
  fs::path executable = fs::canonical("/proc/self/exe", error);
  if (error) return std::nullopt;
  return executable;
}

}  // namespace

bool running_from_build_tree() {
  const std::optional<fs::path> executable = running_executable();
  if (!executable) return false;
  std::error_code error;
  const fs::path runtime_dir = fs::weakly_canonical(PROBITY_BUILD_RUNTIME_DIR, error);
  return !error && executable->parent_path() == runtime_dir;
}

std::filesystem::path locate_index(const std::optional<std::string>& index_option) {
  if (index_option) return *index_option;
  if (const char* from_environment = std::getenv("PROBITY_INDEX");
      from_environment != nullptr && *from_environment != '\0') {
    return from_environment;
  }
  return installed_index();
}

std::filesystem::path installed_index() {
  std::error_code ignored;
  const std::optional<fs::path> executable = running_executable();
  // Only the binary that lives in the build tree reads the build tree's index:
  // an installed copy must not pick up a build tree that happens to exist.
  if (running_from_build_tree() && fs::exists(PROBITY_BUILD_INDEX_FILE, ignored)) {
    return PROBITY_BUILD_INDEX_FILE;
  }
  // PREFIX/bin/probity reads PREFIX/share/probity/probity.idx, so a package
  // installed under another prefix than the build's (CPack uses /usr) works.
  if (executable) {
    const fs::path beside = executable->parent_path().parent_path() / "share" / "probity" / "probity.idx";
    if (fs::exists(beside, ignored)) return beside;
  }
  return PROBITY_INSTALL_INDEX_FILE;
}

std::string index_lookup_description() {
  return std::string("    --index FILE, else $PROBITY_INDEX, else (for the binary in the build tree)\n") +
         "    " + PROBITY_BUILD_INDEX_FILE + " when it exists, else\n" +
         "    PREFIX/share/probity/probity.idx beside an installed PREFIX/bin/probity,\n" +
         "    else " + PROBITY_INSTALL_INDEX_FILE + "\n";
}

fs::path vendors_beside(const fs::path& index) {
  std::error_code error;
  if (fs::equivalent(index, PROBITY_BUILD_INDEX_FILE, error)) return fs::path(PROBITY_CATALOGUE_SOURCE_DIR) / "vendors";
  return index.parent_path() / "vendors";
}

void set_vendor_roots(catalogue::SiteOptions& site, const fs::path& index) {
  const fs::path installed = installed_index();
  site.vendors_root = vendors_beside(installed);
  std::error_code error;
  if (index != installed && !fs::equivalent(index, installed, error)) site.added_vendors_root = vendors_beside(index);
}

std::string site_lookup_description() {
  return "    vendor overlays: --overlay FILE, else those of /etc/os-release's vendor\n"
         "      ($PROBITY_OS_RELEASE) under --catalogue DIR/vendors, else vendors/\n"
         "      beside the index (" PROBITY_INSTALL_VENDORS_DIR ";\n"
         "      the build tree's index uses\n"
         "      " PROBITY_CATALOGUE_SOURCE_DIR "/vendors)\n"
         "    site policy: $PROBITY_POLICY, else /etc/probity/policy.yaml; signature keys:\n"
         "      $PROBITY_KEYS, else /etc/probity/keys (see docs/manual/site-policy.md)\n";
}

}  // namespace probity::cli
