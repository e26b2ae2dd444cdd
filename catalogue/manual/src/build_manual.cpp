// The manual's pages: the reference generated from the catalogue index and
// the embedded guide.
#include <algorithm>
#include <map>
#include <set>

#include "entry.hpp"
#include "guide.hpp"
#include "probity/manual/coverage.hpp"
#include "probity/manual/manual.hpp"

namespace probity::manual {
namespace {

using catalogue::Catalogue;
using catalogue::Event;
using catalogue::Provider;
using detail::escape_markdown;
using detail::first_sentence;
using detail::Releases;

constexpr std::string_view generated_notice =
    "<!-- Generated from the catalogue by `probity manual --format md --reference -o docs/manual`: do not edit. -->\n\n";

// Every provider and event of any catalogued release, each described as the
// newest release that has it.
struct ProviderView {
  const Catalogue* catalogue = nullptr;  // the newest that has the provider
  const Provider* provider = nullptr;
  std::vector<std::pair<const Catalogue*, const Event*>> events;  // by name
};

std::map<std::string, ProviderView> every_provider(const Releases& releases) {
  std::map<std::string, ProviderView> providers;
  std::map<std::string, std::map<std::string, std::pair<const Catalogue*, const Event*>>> events;
  for (const Catalogue& catalogue : releases.all()) {  // oldest first: newer ones overwrite
    for (const Provider& provider : catalogue.providers) {
      providers[provider.name].catalogue = &catalogue;
      providers[provider.name].provider = &provider;
      for (const Event& event : provider.events) events[provider.name][event.name] = {&catalogue, &event};
    }
  }
  for (auto& [name, view] : providers) {
    for (const auto& [event_name, described] : events[name]) view.events.push_back(described);
  }
  return providers;
}

// "The process scheduler and task life cycle", from the description.
std::string short_description(std::string_view description) {
  std::string text = first_sentence(description);
  const std::size_t cut = text.find_first_of(":;(");
  if (cut != std::string::npos && cut > 0) text.erase(cut);
  while (!text.empty() && (text.back() == ' ' || text.back() == '.' || text.back() == ',')) text.pop_back();
  constexpr std::size_t longest = 70;
  if (text.size() > longest) {
    const std::size_t space = text.rfind(' ', longest);
    text = text.substr(0, space == std::string::npos ? longest : space) + "...";
  }
  return text;
}

std::string hazard_name(const Event& event) {
  return event.hazard.level == catalogue::Hazard::None ? "" : std::string(catalogue::to_string(event.hazard.level));
}

std::size_t documented_count(const ProviderView& view) {
  return static_cast<std::size_t>(std::count_if(view.events.begin(), view.events.end(),
                                                [](const auto& described) { return described.second->documented; }));
}

std::string release_list(const Releases& releases) {
  std::string text;
  for (const Catalogue& catalogue : releases.all()) text += (text.empty() ? "" : ", ") + catalogue.release;
  return text;
}

Page provider_page(const Releases& releases, const ProviderView& view) {
  const Provider& provider = *view.provider;
  Page page;
  page.path = std::string(reference_directory) + "/" + provider.name;
  page.title = provider.name + ": " + short_description(provider.description);
  page.man_name = "probity-" + provider.name;
  page.man_section = 7;

  std::string md = std::string(generated_notice) + "# " + escape_markdown(page.title) + "\n\n";
  md += escape_markdown(provider.description) + "\n\n";
  md += "| | |\n|---|---|\n";
  md += "| provider name stability | " + std::string(stability::to_string(provider.provider_stability)) + " |\n";
  md += "| default attributes | " + stability::to_string(provider.stability.value) + " |\n";
  md += "| events | " + std::to_string(documented_count(view)) + " documented of " + std::to_string(view.events.size()) +
        " |\n";
  md += "| catalogued releases | " + release_list(releases) + " |\n\n";
  if (!provider.rationale.empty()) md += "Why: " + escape_markdown(provider.rationale) + "\n\n";
  if (!provider.references.empty()) {
    md += "References:\n\n";
    for (const std::string& reference : provider.references) md += "- " + escape_markdown(reference) + "\n";
    md += "\n";
  }
  md += "See [stability and safety](../stability-and-safety.md) for what the attributes and hazards mean, and "
        "[the language](../language.md) for how a program reads a probe's fields.\n\n";

  md += "## Summary\n\n| probe | stability | hazard | summary |\n|---|---|---|---|\n";
  for (const auto& [catalogue, event] : view.events) {
    if (!event->documented) continue;
    md += "| [" + event->name + "](#" + event->name + ") | " + stability::to_string(event->stability.value) + " | " +
          (hazard_name(*event).empty() ? "-" : hazard_name(*event)) + " | " +
          escape_markdown(first_sentence(event->description)) + " |\n";
  }
  md += "\n## Probes\n\n";
  std::vector<std::string> undocumented;
  for (const auto& [catalogue, event] : view.events) {
    if (!event->documented) {
      undocumented.push_back(event->name);
      continue;
    }
    md += detail::entry_markdown(detail::make_entry(releases, *catalogue, *event));
    page.entries.push_back({provider.name + ":" + event->name, first_sentence(event->description),
                            stability::to_string(event->stability.value), hazard_name(*event), event->name});
  }
  if (!undocumented.empty()) {
    md += "## Undocumented events\n\nThe catalogue does not describe these events yet, so they are "
          "Private/Private/Unknown (`probity man " + provider.name + ":EVENT` shows their fields):\n\n";
    std::string list;
    for (const std::string& name : undocumented) list += (list.empty() ? "" : ", ") + ("`" + name + "`");
    md += list + ".\n";
  }
  while (md.ends_with("\n\n")) md.pop_back();
  page.markdown = std::move(md);
  return page;
}

Page undocumented_page(const std::map<std::string, ProviderView>& providers) {
  Page page;
  page.path = std::string(reference_directory) + "/undocumented";
  page.title = "Undocumented providers";
  page.man_name.clear();
  std::string md = std::string(generated_notice) + "# Undocumented providers\n\n";
  md += "The catalogue has the layouts of these providers' events but no description of them, so every one is "
        "Private/Private/Unknown: a program needs `-x amin=Private` to use them. `probity man PROVIDER:EVENT` "
        "shows an event's fields and the releases that have it.\n\n";
  for (const auto& [name, view] : providers) {
    if (view.provider->documented) continue;
    md += "## " + name + "\n\n";
    std::string list;
    for (const auto& [catalogue, event] : view.events) {
      list += (list.empty() ? "" : ", ") + ("`" + event->name + "`");
      page.entries.push_back({name + ":" + event->name, "", stability::to_string(event->stability.value),
                              hazard_name(*event), name});
    }
    md += list + ".\n\n";
  }
  md.pop_back();
  page.markdown = std::move(md);
  return page;
}

Page index_page(const Releases& releases, const std::map<std::string, ProviderView>& providers) {
  Page page;
  page.path = std::string(reference_directory) + "/index";
  page.title = "Probe reference";
  std::string md = std::string(generated_notice) + "# Probe reference\n\n";
  md += "Every tracepoint provider of the catalogued kernel releases (" + release_list(releases) +
        "), with the stability of its name, the default attributes of its probes and how many of its events the "
        "catalogue documents (over every release). Each probe is described as catalogued for the newest release "
        "that has it; `probity man PROBE` shows the same entry in a terminal. Coverage per release: "
        "[statistics](stats.md).\n\n";
  md += "| provider | name stability | default attributes | events documented | description |\n"
        "|---|---|---|---|---|\n";
  std::size_t undocumented_providers = 0;
  for (const auto& [name, view] : providers) {
    const Provider& provider = *view.provider;
    if (!provider.documented) ++undocumented_providers;
    const std::string link = provider.documented ? "[" + name + "](" + name + ".md)" : "[" + name + "](undocumented.md#" + name + ")";
    md += "| " + link + " | " + std::string(stability::to_string(provider.provider_stability)) + " | " +
          stability::to_string(provider.stability.value) + " | " + std::to_string(documented_count(view)) + "/" +
          std::to_string(view.events.size()) + " | " +
          (provider.documented ? escape_markdown(short_description(provider.description)) : "undocumented") + " |\n";
  }
  md += "\n" + std::to_string(providers.size() - undocumented_providers) + " of " + std::to_string(providers.size()) +
        " providers are documented.\n";
  page.markdown = std::move(md);
  return page;
}

Page stats_page(const Releases& releases) {
  Page page;
  page.path = std::string(reference_directory) + "/stats";
  page.title = "Catalogue coverage";
  std::string md = std::string(generated_notice) + "# Catalogue coverage\n\n";
  md += "How much of each catalogued release the catalogue documents: an event is documented when a provider doc "
        "describes it, a field when it has a description (`probity catalogue stats --kernel RELEASE` prints the "
        "same table).\n\n";
  md += "| release | providers documented | events documented | fields documented |\n|---|---:|---:|---:|\n";
  for (const Catalogue& catalogue : releases.all()) {
    const Coverage counts = coverage(catalogue);
    const auto ratio = [](std::size_t part, std::size_t whole) {
      return std::to_string(part) + "/" + std::to_string(whole) +
             (whole == 0 ? "" : " (" + std::to_string(part * 100 / whole) + "%)");
    };
    md += "| " + catalogue.release + " | " + ratio(counts.documented_providers, counts.providers.size()) + " | " +
          ratio(counts.total.documented_events, counts.total.events) + " | " +
          ratio(counts.total.documented_fields, counts.total.fields) + " |\n";
  }
  md += "\n## " + releases.newest().release + "\n\n" + to_markdown(coverage(releases.newest()));
  page.markdown = std::move(md);
  return page;
}

}  // namespace

bool is_reference_page(const Page& page) {
  return page.path.starts_with(std::string(reference_directory) + "/");
}

Manual build_manual(const catalogue::Index& index) {
  const Releases releases(index);
  const std::map<std::string, ProviderView> providers = every_provider(releases);
  Manual manual;
  manual.pages.push_back(index_page(releases, providers));
  manual.pages.push_back(stats_page(releases));
  for (const auto& [name, view] : providers) {
    if (view.provider->documented) manual.pages.push_back(provider_page(releases, view));
  }
  manual.pages.push_back(undocumented_page(providers));
  for (Page& page : detail::guide_pages()) manual.pages.push_back(std::move(page));
  return manual;
}

}  // namespace probity::manual
