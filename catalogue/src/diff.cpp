#include "probity/catalogue/diff.hpp"

#include <map>
#include <tuple>

namespace probity::catalogue {
namespace {

using EventKey = std::pair<std::string, std::string>;

std::map<EventKey, const Event*> events_of(const Catalogue& catalogue, const std::vector<ProbePattern>& patterns) {
  std::map<EventKey, const Event*> events;
  for (const Provider& provider : catalogue.providers) {
    for (const Event& event : provider.events) {
      bool wanted = patterns.empty();
      for (const ProbePattern& pattern : patterns) wanted = wanted || pattern.matches(event.provider, event.name);
      if (wanted) events[{event.provider, event.name}] = &event;
    }
  }
  return events;
}

std::vector<FieldChange> compare_fields(const Event& before, const Event& after) {
  std::vector<FieldChange> changes;
  for (const Field& old_field : before.fields) {
    const Field* new_field = after.find_field(old_field.layout.name);
    if (new_field == nullptr) {
      changes.push_back({FieldChange::Kind::Removed, old_field.layout.name, old_field.layout, std::nullopt});
      continue;
    }
    const FieldLayout& a = old_field.layout;
    const FieldLayout& b = new_field->layout;
    FieldChange change{FieldChange::Kind::Changed, a.name, a, b};
    if (reads_the_same(a, b)) continue;
    change.retyped = a.type != b.type || a.kind != b.kind || a.relative != b.relative || a.is_signed != b.is_signed;
    change.resized = a.size != b.size;
    change.moved = a.offset != b.offset;
    if (change.retyped || change.resized || change.moved) changes.push_back(change);
  }
  for (const Field& new_field : after.fields) {
    if (before.find_field(new_field.layout.name) == nullptr) {
      changes.push_back({FieldChange::Kind::Added, new_field.layout.name, std::nullopt, new_field.layout});
    }
  }
  return changes;
}

std::string describe(const FieldChange& change) {
  switch (change.kind) {
    case FieldChange::Kind::Added: return "+ " + change.after->declaration();
    case FieldChange::Kind::Removed: return "- " + change.before->declaration();
    case FieldChange::Kind::Changed: break;
  }
  std::string text = "~ " + change.field + ":";
  if (change.retyped) {
    const std::string before = change.before->declaration();
    const std::string after = change.after->declaration();
    if (before != after) {
      text += " retyped " + before + " -> " + after + ";";
    } else {
      text += std::string(" retyped from ") + (change.before->is_signed ? "signed" : "unsigned") + " to " +
              (change.after->is_signed ? "signed" : "unsigned") + ";";
    }
  }
  if (change.resized) {
    text += " resized " + std::to_string(change.before->size) + " -> " + std::to_string(change.after->size) + " bytes;";
  }
  if (change.moved) {
    text += " moved from offset " + std::to_string(change.before->offset) + " to " + std::to_string(change.after->offset) + ";";
  }
  text.pop_back();
  return text;
}

std::string plural(std::size_t count, const std::string& word) {
  return std::to_string(count) + " " + word + (count == 1 ? "" : "s");
}

}  // namespace

CatalogueDiff diff_catalogues(const Catalogue& from, const Catalogue& to, const std::vector<ProbePattern>& patterns) {
  CatalogueDiff diff{from.release, to.release, {}, {}};
  const auto before = events_of(from, patterns);
  const auto after = events_of(to, patterns);
  auto old_it = before.begin();
  auto new_it = after.begin();
  while (old_it != before.end() || new_it != after.end()) {
    if (new_it == after.end() || (old_it != before.end() && old_it->first < new_it->first)) {
      diff.events.push_back({EventChange::Kind::Removed, old_it->first.first, old_it->first.second, {}});
      ++diff.totals.events_removed;
      ++old_it;
    } else if (old_it == before.end() || new_it->first < old_it->first) {
      diff.events.push_back({EventChange::Kind::Added, new_it->first.first, new_it->first.second, {}});
      ++diff.totals.events_added;
      ++new_it;
    } else {
      std::vector<FieldChange> fields = compare_fields(*old_it->second, *new_it->second);
      if (!fields.empty()) {
        for (const FieldChange& change : fields) {
          diff.totals.fields_added += change.kind == FieldChange::Kind::Added;
          diff.totals.fields_removed += change.kind == FieldChange::Kind::Removed;
          diff.totals.fields_retyped += change.retyped;
          diff.totals.fields_resized += change.resized;
          diff.totals.fields_moved += change.moved;
        }
        diff.events.push_back({EventChange::Kind::Changed, old_it->first.first, old_it->first.second, std::move(fields)});
        ++diff.totals.events_changed;
      }
      ++old_it;
      ++new_it;
    }
  }
  return diff;
}

std::string to_text(const CatalogueDiff& diff) {
  std::string out = "Tracepoint changes from " + diff.from + " to " + diff.to + ":\n";
  std::string provider;
  std::map<std::string, std::tuple<std::size_t, std::size_t, std::size_t>> per_provider;
  for (const EventChange& event : diff.events) {
    if (event.provider != provider) {
      provider = event.provider;
      out += "\n" + provider + ":\n";
    }
    auto& [added, removed, changed] = per_provider[provider];
    switch (event.kind) {
      case EventChange::Kind::Added:
        out += "  + " + event.provider + ":" + event.name + "\n";
        ++added;
        break;
      case EventChange::Kind::Removed:
        out += "  - " + event.provider + ":" + event.name + "\n";
        ++removed;
        break;
      case EventChange::Kind::Changed:
        out += "  ~ " + event.provider + ":" + event.name + "\n";
        for (const FieldChange& field : event.fields) out += "      " + describe(field) + "\n";
        ++changed;
        break;
    }
  }
  if (diff.events.empty()) out += "\n(no differences)\n";
  out += "\nPer provider (events added/removed/changed):\n";
  for (const auto& [name, counts] : per_provider) {
    out += "  " + name + ": +" + std::to_string(std::get<0>(counts)) + " -" + std::to_string(std::get<1>(counts)) +
           " ~" + std::to_string(std::get<2>(counts)) + "\n";
  }
  const DiffTotals& t = diff.totals;
  out += "\nTotal: " + plural(t.events_added, "event") + " added, " + std::to_string(t.events_removed) + " removed, " +
         std::to_string(t.events_changed) + " changed; fields: " + std::to_string(t.fields_added) + " added, " +
         std::to_string(t.fields_removed) + " removed, " + std::to_string(t.fields_retyped) + " retyped, " +
         std::to_string(t.fields_resized) + " resized, " + std::to_string(t.fields_moved) + " moved\n";
  return out;
}

}  // namespace probity::catalogue
