#include "probity/catalogue/usdt_catalogue.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "probity/catalogue/sdt_notes.hpp"

namespace probity::catalogue {

namespace {

namespace fs = std::filesystem;

// tracefs lays out a uprobe's record as the common fields, the probed
// address, then each fetch argument packed at its own size.
constexpr std::uint32_t probe_ip_offset = 8;
constexpr std::uint32_t first_argument_offset = 16;

Field undocumented_field(FieldLayout layout) {
  Field field;
  field.layout = std::move(layout);
  field.stability.value = undocumented_attributes;
  return field;
}

std::vector<Field> uprobe_fields(const SdtProbe& site) {
  std::vector<Field> fields;
  fields.push_back(undocumented_field(
      {.name = "__probe_ip", .type = "unsigned long", .offset = probe_ip_offset, .size = 8, .is_signed = false}));
  std::uint32_t offset = first_argument_offset;
  for (std::size_t i = 0; i < site.arguments.size(); ++i) {
    const SdtArgument& argument = site.arguments[i];
    fields.push_back(undocumented_field({.name = "arg" + std::to_string(i),
                                         .type = argument.type(),
                                         .offset = offset,
                                         .size = argument.size,
                                         .is_signed = argument.is_signed}));
    offset += argument.size;
  }
  return fields;
}

// Why the sites of one probe cannot be one event; "" when they can.
std::string sites_problem(const std::vector<const SdtProbe*>& sites) {
  if (sites.size() > 1) {
    return "it has " + std::to_string(sites.size()) + " sites, and Probity traces probes of one site only so far";
  }
  for (const SdtProbe* site : sites) {
    for (const SdtArgument& argument : site->arguments) {
      if (argument.fetcharg.empty()) return "argument " + argument.spec + " cannot be fetched: " + argument.problem;
    }
    if (site->arguments.size() != sites.front()->arguments.size()) return "its sites have different argument counts";
    for (std::size_t i = 0; i < site->arguments.size(); ++i) {
      if (site->arguments[i].type() != sites.front()->arguments[i].type()) {
        return "its sites give arg" + std::to_string(i) + " different types";
      }
    }
  }
  return {};
}

}  // namespace

std::vector<Event> usdt_events(const fs::path& binary, std::vector<std::string>* left_out) {
  std::map<std::pair<std::string, std::string>, std::vector<const SdtProbe*>> by_probe;
  const std::vector<SdtProbe> sites = read_sdt_notes(binary);
  for (const SdtProbe& site : sites) by_probe[{site.provider, site.name}].push_back(&site);
  std::vector<Event> events;
  for (const auto& [key, probe_sites] : by_probe) {
    if (const std::string problem = sites_problem(probe_sites); !problem.empty()) {
      if (left_out != nullptr) left_out->push_back(key.first + ":" + key.second + ": " + problem);
      continue;
    }
    Event event;
    event.provider = key.first;
    event.name = key.second;
    event.stability.value = undocumented_attributes;
    event.rationale = "no USDT catalogue describes provider " + key.first + " yet";
    event.module = binary.string();
    event.fields = uprobe_fields(*probe_sites.front());
    UsdtOrigin origin{.binary = binary.string(), .sites = {}};
    for (const SdtProbe* site : probe_sites) {
      UsdtSite usdt_site{.offset = site->offset, .semaphore_offset = site->semaphore_offset, .fetchargs = {}};
      for (const SdtArgument& argument : site->arguments) usdt_site.fetchargs.push_back(argument.fetcharg);
      origin.sites.push_back(std::move(usdt_site));
    }
    event.usdt = std::move(origin);
    events.push_back(std::move(event));
  }
  return events;
}

Catalogue with_usdt_probes(const Catalogue& host, const std::vector<fs::path>& binaries) {
  Catalogue catalogue = host;
  for (const fs::path& binary : binaries) {
    for (Event& event : usdt_events(binary)) {
      auto provider = std::find_if(catalogue.providers.begin(), catalogue.providers.end(),
                                   [&](const Provider& known) { return known.name == event.provider; });
      if (provider != catalogue.providers.end() &&
          std::any_of(provider->events.begin(), provider->events.end(), [](const Event& known) { return !known.usdt; })) {
        throw SdtError("USDT provider " + event.provider + " of " + binary.string() +
                       " has the name of a kernel provider; Probity cannot trace it");
      }
      if (provider == catalogue.providers.end()) {
        Provider added;
        added.name = event.provider;
        added.provider_stability = Level::Private;
        added.stability.value = undocumented_attributes;
        catalogue.providers.push_back(std::move(added));
        provider = std::prev(catalogue.providers.end());
      }
      if (provider->events.end() != std::find_if(provider->events.begin(), provider->events.end(),
                                                 [&](const Event& known) { return known.name == event.name; })) {
        throw SdtError("USDT probe " + event.provider + ":" + event.name + " is in " + binary.string() +
                       " and in another binary the program names; trace one of them at a time");
      }
      provider->events.push_back(std::move(event));
      std::sort(provider->events.begin(), provider->events.end(),
                [](const Event& a, const Event& b) { return a.name < b.name; });
      std::sort(catalogue.providers.begin(), catalogue.providers.end(),
                [](const Provider& a, const Provider& b) { return a.name < b.name; });
    }
  }
  return catalogue;
}

}  // namespace probity::catalogue
