#include "probity/manual/coverage.hpp"
#include "probity/io/json.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace probity::manual {
namespace {

// "12/40 (30%)"; the percentage is rounded down, so 100% means all of them.
std::string ratio(std::size_t documented, std::size_t total) {
  std::string text = std::to_string(documented) + "/" + std::to_string(total);
  if (total == 0) return text;
  return text + " (" + std::to_string(documented * 100 / total) + "%)";
}

std::string json_counts(const CoverageCounts& counts) {
  return "\"events\":" + std::to_string(counts.events) +
         ",\"documented_events\":" + std::to_string(counts.documented_events) +
         ",\"fields\":" + std::to_string(counts.fields) +
         ",\"documented_fields\":" + std::to_string(counts.documented_fields);
}

}  // namespace

CoverageCounts& CoverageCounts::operator+=(const CoverageCounts& other) {
  events += other.events;
  documented_events += other.documented_events;
  fields += other.fields;
  documented_fields += other.documented_fields;
  return *this;
}

Coverage coverage(const catalogue::Catalogue& catalogue) {
  Coverage result;
  result.release = catalogue.release;
  for (const catalogue::Provider& provider : catalogue.providers) {
    ProviderCoverage row{provider.name, provider.documented, {}};
    for (const catalogue::Event& event : provider.events) {
      ++row.counts.events;
      if (event.documented) ++row.counts.documented_events;
      row.counts.fields += event.fields.size();
      row.counts.documented_fields += static_cast<std::size_t>(std::count_if(
          event.fields.begin(), event.fields.end(),
          [](const catalogue::Field& field) { return field.documented && !field.description.empty(); }));
    }
    result.total += row.counts;
    if (row.documented) ++result.documented_providers;
    result.providers.push_back(std::move(row));
  }
  return result;
}

std::string to_text(const Coverage& coverage) {
  struct Row {
    std::string provider, events, fields;
  };
  std::vector<Row> rows{{"PROVIDER", "EVENTS DOCUMENTED", "FIELDS DOCUMENTED"}};
  for (const ProviderCoverage& provider : coverage.providers) {
    rows.push_back({provider.provider, ratio(provider.counts.documented_events, provider.counts.events),
                    ratio(provider.counts.documented_fields, provider.counts.fields)});
  }
  rows.push_back({"total", ratio(coverage.total.documented_events, coverage.total.events),
                  ratio(coverage.total.documented_fields, coverage.total.fields)});
  std::size_t provider_width = 0;
  std::size_t events_width = 0;
  for (const Row& row : rows) {
    provider_width = std::max(provider_width, row.provider.size());
    events_width = std::max(events_width, row.events.size());
  }
  const auto pad = [](const std::string& text, std::size_t width) {
    return text + std::string(width - text.size() + 2, ' ');
  };
  std::string text = "Catalogue coverage of " + coverage.release + ": " + std::to_string(coverage.documented_providers) +
                     " of " + std::to_string(coverage.providers.size()) + " providers documented\n\n";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i + 1 == rows.size()) text += "\n";
    text += pad(rows[i].provider, provider_width) + pad(rows[i].events, events_width) + rows[i].fields + "\n";
  }
  return text;
}

std::string to_markdown(const Coverage& coverage) {
  std::string text = "| provider | documented | events documented | fields documented |\n"
                     "|---|---|---:|---:|\n";
  const auto row = [&](const std::string& name, const std::string& documented, const CoverageCounts& counts) {
    text += "| " + name + " | " + documented + " | " + ratio(counts.documented_events, counts.events) + " | " +
            ratio(counts.documented_fields, counts.fields) + " |\n";
  };
  for (const ProviderCoverage& provider : coverage.providers) {
    row(provider.documented ? "[" + provider.provider + "](" + provider.provider + ".md)" : provider.provider,
        provider.documented ? "yes" : "no", provider.counts);
  }
  row("**total**", std::to_string(coverage.documented_providers) + " of " + std::to_string(coverage.providers.size()),
      coverage.total);
  return text;
}

std::string to_json(const Coverage& coverage) {
  std::string text = "{\"release\":" + io::json_string(coverage.release) + ",\"providers\":[";
  for (std::size_t i = 0; i < coverage.providers.size(); ++i) {
    const ProviderCoverage& provider = coverage.providers[i];
    text += (i == 0 ? "{" : ",{") + std::string("\"provider\":") + io::json_string(provider.provider) +
            ",\"documented\":" + (provider.documented ? "true" : "false") + "," + json_counts(provider.counts) + "}";
  }
  text += "],\"total\":{\"providers\":" + std::to_string(coverage.providers.size()) +
          ",\"documented_providers\":" + std::to_string(coverage.documented_providers) + "," +
          json_counts(coverage.total) + "}}\n";
  return text;
}

}  // namespace probity::manual
