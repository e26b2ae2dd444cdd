#include "probity/catalogue/lint.hpp"

#include <algorithm>

#include "probity/catalogue/effective.hpp"

namespace probity::catalogue {
namespace {

bool is_stable(const Attributes& attributes) {
  return attributes.name >= Level::Stable || attributes.data >= Level::Stable;
}

bool covered(const std::vector<LayoutChange>& changes, const std::string& from, const std::string& to) {
  return std::any_of(changes.begin(), changes.end(), [&](const LayoutChange& change) {
    return !release_less(from, change.from) && !release_less(change.to, to);
  });
}

enum class ValueCategory { Integer, String, Array };
ValueCategory category(FieldKind kind) {
  switch (kind) {
    case FieldKind::Integer:
    case FieldKind::Pointer: return ValueCategory::Integer;
    case FieldKind::String:
    case FieldKind::DynamicString: return ValueCategory::String;
    case FieldKind::Array:
    case FieldKind::DynamicArray: return ValueCategory::Array;
  }
  return ValueCategory::Integer;
}

// Incompatible for a script: a value of another kind, an integer of another
// size or signedness, an array of other elements. A new offset, a renamed
// typedef of the same integer, or a fixed string becoming a __data_loc one
// are not: scripts name fields and the compiler resolves the layout (a
// compiled object is checked by compat and the consumer, not here).
bool incompatible(const FieldLayout& a, const FieldLayout& b) {
  if (category(a.kind) != category(b.kind)) return true;
  switch (category(a.kind)) {
    case ValueCategory::Integer: return a.size != b.size || a.is_signed != b.is_signed;
    case ValueCategory::String: return false;
    case ValueCategory::Array: return a.type != b.type || a.size != b.size;
  }
  return true;
}

std::string accept_hint(const std::string& from, const std::string& to) {
  return "record what replaces it (successor: NAME), or accept the change with layout_changes: "
         "[{from: " + from + ", to: " + to + ", reason: ...}]";
}

class Linter {
 public:
  explicit Linter(const CatalogueSources& sources) : sources_(sources) {
    catalogues_ = build_all_catalogues(sources);
    std::sort(catalogues_.begin(), catalogues_.end(),
              [](const Catalogue& a, const Catalogue& b) { return release_less(a.release, b.release); });
  }

  std::vector<Diagnostic> run() {
    for (const ProviderDoc& provider : sources_.providers) {
      for (std::size_t e = 0; e < provider.events.size(); ++e) check_event(provider, provider.events[e]);
    }
    return std::move(diagnostics_);
  }

 private:
  void report(const SourceLocation& where, std::string key_path, std::string message, std::string hint = {}) {
    diagnostics_.push_back({where, std::move(key_path), std::move(message), std::move(hint)});
  }

  bool is_release(const std::string& name) const {
    return std::any_of(catalogues_.begin(), catalogues_.end(), [&](const Catalogue& c) { return c.release == name; });
  }

  void check_changes(const std::vector<LayoutChange>& changes, const std::string& path) {
    for (const LayoutChange& change : changes) {
      for (const std::string* release : {&change.from, &change.to}) {
        if (!is_release(*release)) {
          report(change.where, path + ".layout_changes", "\"" + *release + "\" is not a catalogued release",
                 "name releases of catalogue/data/kernels");
        }
      }
      if (!release_less(change.from, change.to)) {
        report(change.where, path + ".layout_changes", "from (" + change.from + ") must be an earlier release than to (" +
                                                            change.to + ")");
      }
    }
  }

  void check_event(const ProviderDoc& provider, const EventDoc& doc) {
    const std::string name = provider.name + ":" + doc.name;
    const std::string path = "events." + doc.name;
    if (doc.hazard && doc.hazard->level != Hazard::None && (doc.hazard->reason.empty() || doc.hazard->reference.empty())) {
      report(doc.where, path + ".hazard", name + " is " + std::string(to_string(doc.hazard->level)) + " without a reason and a reference",
             "say why (reason) and where that is documented (reference)");
    }
    check_changes(doc.layout_changes, path);
    if (!doc.successor.empty()) check_event_successor(provider, doc, path);
    for (const FieldDoc& field : doc.fields) {
      check_changes(field.layout_changes, path + ".fields." + field.name);
      if (!field.successor.empty() && !field_exists_anywhere(provider.name, doc.name, field.successor)) {
        report(field.where, path + ".fields." + field.name + ".successor",
               "successor \"" + field.successor + "\" is not a field of " + name + " in any catalogued kernel");
      }
    }
    for (std::size_t r = 0; r + 1 < catalogues_.size(); ++r) {
      const Catalogue& from = catalogues_[r];
      const Catalogue& to = catalogues_[r + 1];
      const Event* before = from.find_event(provider.name, doc.name);
      if (before == nullptr) continue;
      const Event* after = to.find_event(provider.name, doc.name);
      if (after == nullptr) {
        if (is_stable(before->stability.value) && doc.successor.empty() &&
            !covered(doc.layout_changes, from.release, to.release)) {
          report(doc.where, path,
                 name + " is " + to_string(before->stability.value) + " in " + from.release + " but " + to.release +
                     " does not have it",
                 accept_hint(from.release, to.release));
        }
        continue;
      }
      check_fields(provider, doc, *before, *after, from.release, to.release);
    }
  }

  void check_fields(const ProviderDoc& provider, const EventDoc& doc, const Event& before, const Event& after,
                    const std::string& from, const std::string& to) {
    const std::string name = provider.name + ":" + doc.name;
    for (const Field& old_field : before.fields) {
      const FieldDoc* field_doc = nullptr;
      for (const FieldDoc& candidate : doc.fields) {
        if (candidate.name == old_field.layout.name) field_doc = &candidate;
      }
      const SourceLocation where = field_doc != nullptr ? field_doc->where : doc.where;
      const std::string path = "events." + doc.name + ".fields." + old_field.layout.name;
      const std::vector<LayoutChange> none;
      const auto& changes = field_doc != nullptr ? field_doc->layout_changes : none;
      const bool accepted = covered(changes, from, to) || covered(doc.layout_changes, from, to);
      const Field* new_field = after.find_field(old_field.layout.name);
      if (new_field == nullptr) {
        const bool has_successor = field_doc != nullptr && !field_doc->successor.empty();
        if (is_stable(old_field.stability.value) && !has_successor && !accepted) {
          report(where, path,
                 "field " + old_field.layout.name + " of " + name + " is " + to_string(old_field.stability.value) +
                     " in " + from + " but gone in " + to,
                 accept_hint(from, to));
        }
        // A documented field that disappears while a field with its name
        // minus a prefix appears (fl_type -> type) was renamed.
        if (field_doc != nullptr && !has_successor) {
          for (const Field& added : after.fields) {
            if (before.find_field(added.layout.name) != nullptr) continue;
            const std::string& old_name = old_field.layout.name;
            const std::string& new_name = added.layout.name;
            if (old_name.size() > new_name.size() && old_name.ends_with(new_name) &&
                old_name[old_name.size() - new_name.size() - 1] == '_') {
              report(where, path,
                     "field " + old_name + " of " + name + " looks renamed to " + new_name + " in " + to,
                     "record it: successor: " + new_name);
            }
          }
        }
        continue;
      }
      if (is_stable(old_field.stability.value) && incompatible(old_field.layout, new_field->layout) && !accepted) {
        report(where, path,
               "field " + old_field.layout.name + " of " + name + " is " + to_string(old_field.stability.value) +
                   " but changed from " + old_field.layout.declaration() + " (" + std::to_string(old_field.layout.size) +
                   " bytes) in " + from + " to " + new_field->layout.declaration() + " (" +
                   std::to_string(new_field->layout.size) + " bytes) in " + to,
               "accept it with layout_changes: [{from: " + from + ", to: " + to + ", reason: ...}], or lower its stability");
      }
    }
  }

  void check_event_successor(const ProviderDoc& provider, const EventDoc& doc, const std::string& path) {
    const std::size_t colon = doc.successor.find(':');
    const std::string successor_provider = colon == std::string::npos ? provider.name : doc.successor.substr(0, colon);
    const std::string successor_event = colon == std::string::npos ? doc.successor : doc.successor.substr(colon + 1);
    for (const Catalogue& catalogue : catalogues_) {
      if (catalogue.find_event(successor_provider, successor_event) != nullptr) return;
    }
    report(doc.where, path + ".successor", "successor \"" + doc.successor + "\" is not in any catalogued kernel");
  }

  bool field_exists_anywhere(const std::string& provider, const std::string& event, const std::string& field) const {
    for (const Catalogue& catalogue : catalogues_) {
      const Event* found = catalogue.find_event(provider, event);
      if (found != nullptr && found->find_field(field) != nullptr) return true;
    }
    return false;
  }

  const CatalogueSources& sources_;
  std::vector<Catalogue> catalogues_;
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace

std::vector<Diagnostic> lint_catalogue(const CatalogueSources& sources) { return Linter(sources).run(); }

}  // namespace probity::catalogue
