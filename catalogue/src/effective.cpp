// The effective catalogue: per component, kernel-declared > vendor overlay >
// catalogue > default. Inheritance runs provider -> event -> field, and a
// declaration's rationale travels with the components it sets.
#include "probity/catalogue/effective.hpp"

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_map>

namespace probity::catalogue {
namespace {

struct Resolved {
  SourcedAttributes attributes;
  std::string rationale;
};

Resolved undocumented() { return {{undocumented_attributes, {}}, {}}; }

// `base` overridden by the components `decl` sets, which come from `source`.
Resolved override_with(Resolved base, const StabilityDecl& decl, AttributeSource source) {
  if (decl.name) {
    base.attributes.value.name = *decl.name;
    base.attributes.sources[0] = source;
  }
  if (decl.data) {
    base.attributes.value.data = *decl.data;
    base.attributes.sources[1] = source;
  }
  if (decl.dependency_class) {
    base.attributes.value.dependency_class = *decl.dependency_class;
    base.attributes.sources[2] = source;
  }
  if (!decl.empty() && !decl.rationale.empty()) base.rationale = decl.rationale;
  return base;
}

// What the kernel declares for an event beats every declaration about the
// event or its provider; its fields inherit it.
Resolved override_with_kernel(Resolved base, const EventLayout& layout) {
  const DeclaredStability& declared = layout.declared;
  if (declared.empty()) return base;
  StabilityDecl decl{declared.name, declared.data, declared.dependency_class, {}, {}};
  std::string components;
  for (const auto& [set, name] : {std::pair{declared.name.has_value(), "name"},
                                  std::pair{declared.data.has_value(), "data"},
                                  std::pair{declared.dependency_class.has_value(), "class"}}) {
    if (!set) continue;
    if (!components.empty()) components += ", ";
    components += name;
  }
  const std::string note = components + " declared by the kernel in events/" + layout.system +
                           "/" + layout.name + "/stability";
  decl.rationale = base.rationale.empty() ? note : base.rationale + " (" + note + ")";
  return override_with(std::move(base), decl, AttributeSource::Kernel);
}

template <typename Doc>
std::unordered_map<std::string_view, const Doc*> by_name(const std::vector<Doc>& docs) {
  std::unordered_map<std::string_view, const Doc*> index;
  index.reserve(docs.size());
  for (const Doc& doc : docs) index.emplace(doc.name, &doc);
  return index;
}

Field make_field(const FieldLayout& layout, const FieldDoc* doc, const Resolved& inherited) {
  Field field;
  field.layout = layout;
  Resolved resolved = undocumented();
  if (doc != nullptr) {
    field.documented = true;
    field.description = doc->description;
    resolved = override_with(inherited, doc->stability, AttributeSource::Catalogue);
  }
  field.stability = resolved.attributes;
  field.rationale = std::move(resolved.rationale);
  return field;
}

Catalogue build(const CatalogueDocs& docs, const KernelSnapshot& snapshot) {
  Catalogue catalogue;
  catalogue.release = snapshot.release;
  catalogue.machine = snapshot.machine;
  catalogue.source = snapshot.source;

  const auto common_docs = by_name(docs.common.fields);
  catalogue.common_fields.reserve(snapshot.common_fields.size());
  for (const FieldLayout& layout : snapshot.common_fields) {
    const auto doc = common_docs.find(layout.name);
    catalogue.common_fields.push_back(
        make_field(layout, doc == common_docs.end() ? nullptr : doc->second, undocumented()));
  }

  const auto provider_docs = by_name(docs.providers);
  std::map<std::string_view, std::vector<const EventLayout*>> systems;
  for (const EventLayout& event : snapshot.events) systems[event.system].push_back(&event);

  catalogue.providers.reserve(systems.size());
  for (const auto& [system, layouts] : systems) {
    Provider provider;
    provider.name = std::string(system);
    Resolved provider_resolved = undocumented();
    std::unordered_map<std::string_view, const EventDoc*> event_docs;
    if (const auto found = provider_docs.find(system); found != provider_docs.end()) {
      const ProviderDoc& doc = *found->second;
      provider.documented = true;
      provider.description = doc.description;
      provider.provider_stability = doc.provider_stability.value_or(Level::Private);
      provider.references = doc.references;
      provider_resolved = override_with(undocumented(), doc.stability, AttributeSource::Catalogue);
      event_docs = by_name(doc.events);
    }
    provider.stability = provider_resolved.attributes;
    provider.rationale = provider_resolved.rationale;

    provider.events.reserve(layouts.size());
    for (const EventLayout* layout : layouts) {
      Event event;
      event.provider = provider.name;
      event.name = layout->name;
      event.module = layout->module;
      const auto doc = event_docs.find(layout->name);
      const EventDoc* event_doc = doc == event_docs.end() ? nullptr : doc->second;

      // The catalogue's view first; the kernel's declaration then wins per component.
      Resolved catalogue_view = undocumented();
      std::unordered_map<std::string_view, const FieldDoc*> field_docs;
      if (event_doc != nullptr) {
        event.documented = true;
        event.description = event_doc->description;
        if (event_doc->hazard) event.hazard = *event_doc->hazard;
        catalogue_view = override_with(provider_resolved, event_doc->stability,
                                       AttributeSource::Catalogue);
        field_docs = by_name(event_doc->fields);
      }
      const Resolved event_resolved = override_with_kernel(catalogue_view, *layout);
      event.stability = event_resolved.attributes;
      event.rationale = event_resolved.rationale;

      event.fields.reserve(layout->fields.size());
      for (const FieldLayout& field_layout : layout->fields) {
        const auto field_doc = field_docs.find(field_layout.name);
        // Precedence holds at one granularity: the kernel's word on the
        // event beats the catalogue's on the event and the provider, and
        // fields inherit it; a declaration about the field itself is more
        // specific than anything the kernel says (it declares events only).
        // An undocumented field gets what the kernel declares, else nothing.
        Field field = make_field(field_layout, field_doc == field_docs.end() ? nullptr : field_doc->second,
                                 event_resolved);
        if (!field.documented) {
          const Resolved declared = override_with_kernel(undocumented(), *layout);
          field.stability = declared.attributes;
          field.rationale = declared.rationale;
        }
        for (const FieldValueNames& table : layout->value_names) {
          if (table.field == field_layout.name) field.value_names = table.names;
        }
        event.fields.push_back(std::move(field));
      }

      if (event_doc != nullptr) {
        for (const FieldDoc& field_doc : event_doc->fields) {
          const bool present = std::any_of(layout->fields.begin(), layout->fields.end(),
                                           [&](const FieldLayout& field) { return field.name == field_doc.name; });
          if (present) continue;
          event.retired_fields.push_back(
              {field_doc.name, field_doc.stability.rationale.empty() ? field_doc.description : field_doc.stability.rationale,
               field_doc.successor});
        }
      }
      if (const auto found = docs.event_releases.find({layout->system, layout->name});
          found != docs.event_releases.end()) {
        event.releases = found->second;
      }
      insert_release(event.releases, snapshot.release);
      provider.events.push_back(std::move(event));
    }
    std::sort(provider.events.begin(), provider.events.end(),
              [](const Event& a, const Event& b) { return a.name < b.name; });
    catalogue.providers.push_back(std::move(provider));
  }
  // `systems` is an ordered map, so providers are already sorted by name.
  return catalogue;
}

}  // namespace

CatalogueDocs catalogue_docs(const CatalogueSources& sources) {
  CatalogueDocs docs{sources.common, sources.providers, {}};
  for (const KernelSnapshot& kernel : sources.kernels) {
    for (const EventLayout& event : kernel.events) {
      docs.event_releases[{event.system, event.name}].push_back(kernel.release);
    }
  }
  return docs;
}

Catalogue build_catalogue(const CatalogueDocs& docs, const KernelSnapshot& snapshot) { return build(docs, snapshot); }

Catalogue build_catalogue(const CatalogueSources& sources, const KernelSnapshot& snapshot) {
  return build(catalogue_docs(sources), snapshot);
}

std::vector<Catalogue> build_all_catalogues(const CatalogueSources& sources) {
  const CatalogueDocs docs = catalogue_docs(sources);
  std::vector<Catalogue> catalogues;
  catalogues.reserve(sources.kernels.size());
  for (const KernelSnapshot& kernel : sources.kernels) catalogues.push_back(build(docs, kernel));
  return catalogues;
}

}  // namespace probity::catalogue
