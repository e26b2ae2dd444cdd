#include "entry.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "probity/manual/manual.hpp"
#include "text_wrap.hpp"

namespace probity::manual::detail {
namespace {

using catalogue::Catalogue;
using catalogue::Event;
using catalogue::Field;
using catalogue::FieldChange;
using catalogue::Hazard;

// A catalogue holding only `event`, so that diff_catalogues compares it alone.
Catalogue just(const Catalogue& catalogue, const Event& event) {
  Catalogue single;
  single.release = catalogue.release;
  catalogue::Provider provider;
  provider.name = event.provider;
  provider.events.push_back(event);
  single.providers.push_back(std::move(provider));
  return single;
}

bool worth_telling(const FieldChange& change) {
  return change.kind != FieldChange::Kind::Changed || change.retyped || change.resized;
}

std::string module_text(const ReleasePresence& presence) {
  if (!presence.present) return "absent";
  return presence.module.empty() ? "built in" : "module " + presence.module;
}

std::string field_description(const Field& field) {
  return field.documented && !field.description.empty() ? field.description : "Undocumented.";
}

// "Values on 6.18.44 (__print_symbolic; printf %s prints the name): 1 NOT_SPECIFIED, 2 NO_SOCKET, ..."
std::string value_names_text(const Field& field, const std::string& release) {
  if (!field.value_names) return {};
  const catalogue::ValueNames& table = *field.value_names;
  const bool flags = table.style == catalogue::ValueNames::Style::Flags;
  std::string text = (flags ? "Flags on " : "Values on ") + release +
                     (flags ? " (__print_flags, joined by \"" + table.delimiter + "\"" : " (__print_symbolic") +
                     "; printf's %s prints the name): ";
  bool first = true;
  for (const auto& [value, name] : table.names) {
    char hex[19] = "0x";
    const auto [end, error] = std::to_chars(hex + 2, hex + sizeof hex, value, 16);
    const std::string number = flags ? std::string(hex, end) : std::to_string(static_cast<std::int64_t>(value));
    text += (first ? "" : ", ") + number + " " + name;
    first = false;
  }
  return text + ".";
}

std::string event_description(const Event& event) {
  if (event.documented && !event.description.empty()) return event.description;
  const auto& sources = event.stability.sources;
  if (std::find(sources.begin(), sources.end(), catalogue::AttributeSource::Kernel) != sources.end()) {
    return "Undocumented: the catalogue does not describe this event; its stability is what the kernel declares.";
  }
  return "Undocumented: the catalogue does not describe this event, so it is Private/Private/Unknown and a "
         "program needs -x amin=Private to use it.";
}

}  // namespace

Releases::Releases(const catalogue::Index& index, const catalogue::Catalogue* running) {
  for (const std::string& release : index.releases()) catalogues_.push_back(index.load(release));
  if (running != nullptr && !index.has_release(running->release)) catalogues_.push_back(*running);
  std::sort(catalogues_.begin(), catalogues_.end(),
            [](const Catalogue& a, const Catalogue& b) { return catalogue::release_less(a.release, b.release); });
  if (catalogues_.empty()) throw catalogue::IndexError("the catalogue index has no kernel release");
}

const Catalogue* Releases::find(std::string_view release) const {
  for (const Catalogue& catalogue : catalogues_) {
    if (catalogue.release == release) return &catalogue;
  }
  return nullptr;
}

const Catalogue* Releases::newest_with(std::string_view provider, std::string_view event) const {
  for (auto it = catalogues_.rbegin(); it != catalogues_.rend(); ++it) {
    if (it->find_event(provider, event) != nullptr) return &*it;
  }
  return nullptr;
}

ProbeEntry make_entry(const Releases& releases, const Catalogue& catalogue, const Event& event) {
  ProbeEntry entry;
  entry.event = &event;
  entry.release = catalogue.release;
  entry.newest = catalogue.release == releases.newest().release;
  entry.overlays = catalogue.overlays;
  const Catalogue* previous = nullptr;
  const Event* previous_event = nullptr;
  for (const Catalogue& each : releases.all()) {
    const Event* found = each.find_event(event.provider, event.name);
    entry.availability.push_back({each.release, found != nullptr, found != nullptr ? found->module : ""});
    if (found == nullptr) continue;
    if (previous != nullptr) {
      const catalogue::CatalogueDiff diff =
          catalogue::diff_catalogues(just(*previous, *previous_event), just(each, *found));
      LayoutHistoryStep step{previous->release, each.release, {}};
      for (const catalogue::EventChange& changed : diff.events) {
        for (const FieldChange& change : changed.fields) {
          if (worth_telling(change)) step.changes.push_back(change);
        }
      }
      if (!step.changes.empty()) entry.history.push_back(std::move(step));
    }
    previous = &each;
    previous_event = found;
  }
  entry.example = example_program(event);
  return entry;
}

std::array<std::string, 3> components(const stability::Attributes& attributes) {
  return {std::string(stability::to_string(attributes.name)), std::string(stability::to_string(attributes.data)),
          std::string(stability::to_string(attributes.dependency_class))};
}

stability::Attributes argument_attributes(const Event& event) {
  stability::Attributes lowest = stability::Attributes::maximum();
  for (const Field& field : event.fields) lowest = stability::minimum(lowest, field.stability.value);
  return lowest;
}

std::string first_sentence(std::string_view text) {
  std::string flat;
  for (const char c : text) {
    if (c == '\n' || c == '\t') {
      if (!flat.empty() && flat.back() != ' ') flat += ' ';
    } else {
      flat += c;
    }
  }
  while (!flat.empty() && flat.back() == ' ') flat.pop_back();
  // A period followed by a space ends the sentence unless it follows an
  // abbreviation such as "e.g." or "i.e.".
  for (std::size_t at = flat.find(". "); at != std::string::npos; at = flat.find(". ", at + 1)) {
    const bool abbreviation = at >= 3 && (flat.compare(at - 3, 4, "e.g.") == 0 || flat.compare(at - 3, 4, "i.e.") == 0 ||
                                          flat.compare(at - 3, 4, "etc.") == 0 || flat.compare(at - 3, 4, " vs.") == 0);
    if (!abbreviation) return flat.substr(0, at + 1);
  }
  return flat;
}

std::string escape_markdown(std::string_view text) {
  std::string escaped;
  const auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\n':
      case '\t':
      case '\r':
        if (!escaped.empty() && escaped.back() != ' ') escaped += ' ';
        continue;
      case '\\': case '`': case '*': case '[': case ']': case '<': case '>': case '|': case '~': case '#':
        escaped += '\\';
        break;
      case '_': {
        // Inside a word an underscore cannot start or end emphasis.
        const bool inside = i > 0 && i + 1 < text.size() && (word_char(text[i - 1]) || text[i - 1] == '_') &&
                            (word_char(text[i + 1]) || text[i + 1] == '_');
        if (!inside) escaped += '\\';
        break;
      }
      case '&':
        if (i + 1 < text.size() && (word_char(text[i + 1]) || text[i + 1] == '#')) escaped += '\\';
        break;
      default:
        break;
    }
    escaped += c;
  }
  while (!escaped.empty() && escaped.back() == ' ') escaped.pop_back();
  // A line starting with these would begin a list, a heading or a quote.
  if (!escaped.empty() && (escaped[0] == '-' || escaped[0] == '+' || escaped[0] == '=')) escaped.insert(0, "\\");
  return escaped;
}

std::string describe_change(const FieldChange& change) {
  switch (change.kind) {
    case FieldChange::Kind::Added: return "added " + change.after->declaration();
    case FieldChange::Kind::Removed: return "removed " + change.before->declaration();
    case FieldChange::Kind::Changed: break;
  }
  std::string text;
  const std::string before = change.before->declaration();
  const std::string after = change.after->declaration();
  if (change.retyped) {
    text = "retyped " + before + " -> " + after;
    if (before == after) {
      text = "retyped " + before + " from " + (change.before->is_signed ? "signed" : "unsigned") + " to " +
             (change.after->is_signed ? "signed" : "unsigned");
    }
  }
  if (change.resized) {
    text += (text.empty() ? "resized " + change.field + " from " : ", resized from ") +
            std::to_string(change.before->size) + " to " + std::to_string(change.after->size) + " bytes";
  }
  return text;
}

std::string entry_markdown(const ProbeEntry& entry) {
  const Event& event = *entry.event;
  std::string md = "### " + event.name + "\n\n";
  md += "`" + event.provider + ":" + event.name + "`";
  if (!entry.newest) md += " (described as " + entry.release + ", the newest catalogued release that has it)";
  md += "\n\n" + escape_markdown(event_description(event)) + "\n\n";

  md += "**Stability** (Probe Description Attributes)\n\n| component | level | set by |\n|---|---|---|\n";
  const std::array<std::string, 3> levels = components(event.stability.value);
  for (std::size_t i = 0; i < 3; ++i) {
    md += "| " + std::string(component_names[i]) + " | " + levels[i] + " | " +
          std::string(catalogue::to_string(event.stability.sources[i])) + " |\n";
  }
  md += "\n";
  if (!event.rationale.empty()) md += "Why: " + escape_markdown(event.rationale) + "\n\n";
  if (!event.fields.empty()) {
    md += "Argument Attributes (the lowest of its fields'): " + stability::to_string(argument_attributes(event)) + "\n\n";
  }

  if (event.hazard.level == Hazard::None) {
    md += "**Hazard:** none.\n\n";
  } else {
    md += "**Hazard: " + std::string(catalogue::to_string(event.hazard.level)) + ".** " +
          escape_markdown(event.hazard.reason);
    if (!event.hazard.reference.empty()) md += " See " + escape_markdown(event.hazard.reference) + ".";
    md += event.hazard.level == Hazard::Forbidden ? " No program can enable it, whatever its options."
                                                  : " A program must opt in with `-x allow=" +
                                                        std::string(catalogue::to_string(event.hazard.level)) + "`.";
    md += "\n\n";
  }

  md += "**Availability**\n\n| release | has it |\n|---|---|\n";
  for (const ReleasePresence& presence : entry.availability) {
    md += "| " + presence.release + " | " + module_text(presence) + " |\n";
  }
  md += "\n";

  md += "**Fields**";
  if (event.fields.empty()) md += ": none.";
  md += "\n\n";
  for (const Field& field : event.fields) {
    md += "- `" + field.layout.declaration() + ";` *" + stability::to_string(field.stability.value) + ".* " +
          escape_markdown(field_description(field)) + "\n";
    if (field.value_names) md += "  " + escape_markdown(value_names_text(field, entry.release)) + "\n";
  }
  if (!event.fields.empty()) md += "\n";

  if (!entry.history.empty() || !event.retired_fields.empty()) {
    md += "**Changes across releases**\n\n";
    for (const LayoutHistoryStep& step : entry.history) {
      for (const FieldChange& change : step.changes) {
        md += "- " + step.from + " → " + step.to + ": " + escape_markdown(describe_change(change)) + "\n";
      }
    }
    for (const catalogue::RetiredField& retired : event.retired_fields) {
      md += "- `" + retired.name + "` is gone in " + entry.release + (retired.rationale.empty() ? "." : ": " + escape_markdown(retired.rationale));
      if (!retired.successor.empty()) md += " Use `" + retired.successor + "` instead.";
      md += "\n";
    }
    md += "\n";
  }

  if (!entry.example.empty()) {
    md += "**Example**\n\n```d\n" + entry.example + "```\n\n";
  }
  return md;
}

std::string entry_text(const ProbeEntry& entry, std::size_t width) {
  const Event& event = *entry.event;
  const std::string indent(4, ' ');
  const std::string deeper(8, ' ');
  std::string text = heading_block(event, width);
  if (!entry.newest) {
    text += wrap("As catalogued for " + entry.release + ".", indent, indent, width);
  }
  for (const std::string& overlay : entry.overlays) {
    text += wrap("With the vendor overlay " + overlay + " in force for " + entry.release + ".", indent, indent, width);
  }

  text += stability_block(event, TerminalLayout::ManPage, width);

  text += "\nAVAILABILITY\n";
  std::size_t release_width = 0;
  for (const ReleasePresence& presence : entry.availability) release_width = std::max(release_width, presence.release.size());
  for (const ReleasePresence& presence : entry.availability) {
    text += indent + presence.release + std::string(release_width - presence.release.size() + 2, ' ') +
            module_text(presence) + "\n";
  }

  text += fields_block(event, width, entry.release);

  if (!entry.history.empty() || !event.retired_fields.empty()) {
    text += "\nCHANGES ACROSS RELEASES\n";
    for (const LayoutHistoryStep& step : entry.history) {
      text += indent + step.from + " -> " + step.to + "\n";
      for (const FieldChange& change : step.changes) text += wrap(describe_change(change), deeper, deeper + "  ", width);
    }
    for (const catalogue::RetiredField& retired : event.retired_fields) {
      std::string line = retired.name + " is gone in " + entry.release +
                         (retired.rationale.empty() ? "." : ": " + retired.rationale);
      if (!retired.successor.empty()) line += " Use " + retired.successor + " instead.";
      text += wrap(line, indent, deeper, width);
    }
  }

  text += "\nEXAMPLE\n";
  if (entry.example.empty()) {
    text += indent + "none: the probe is forbidden\n";
  } else {
    std::size_t start = 0;
    while (start < entry.example.size()) {
      const std::size_t end = entry.example.find('\n', start);
      const std::string line = entry.example.substr(start, end - start);
      text += (line.empty() ? "" : indent + line) + "\n";
      if (end == std::string::npos) break;
      start = end + 1;
    }
    text += "\n" + wrap("Save it as example.d and run it as root with: probity -s example.d", indent, indent, width);
  }
  return text;
}

}  // namespace probity::manual::detail

namespace probity::manual {

std::string heading_block(const catalogue::Event& event, std::size_t width) {
  const std::string indent(4, ' ');
  return event.provider + ":" + event.name + "\n" + detail::wrap(detail::event_description(event), indent, indent, width);
}

std::string fields_block(const catalogue::Event& event, std::size_t width, const std::string& release) {
  const std::string indent(4, ' ');
  const std::string deeper(8, ' ');
  std::string text = "\nFIELDS\n";
  if (event.fields.empty()) text += indent + "none\n";
  for (const catalogue::Field& field : event.fields) {
    text += detail::wrap(field.layout.declaration() + ";", indent, indent, width);
    text += detail::wrap(stability::to_string(field.stability.value) + ". " + detail::field_description(field), deeper,
                         deeper, width);
    if (field.value_names) text += detail::wrap(detail::value_names_text(field, release), deeper, deeper, width);
  }
  return text;
}

}  // namespace probity::manual
