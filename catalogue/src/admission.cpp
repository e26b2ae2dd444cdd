#include "probity/catalogue/admission.hpp"

#include <algorithm>

namespace probity::catalogue {

bool AdmissionBar::allows(Hazard hazard) const {
  switch (hazard) {
    case Hazard::None: return true;
    case Hazard::Hot: return allow_hot;
    case Hazard::Sensitive: return allow_sensitive;
    case Hazard::Forbidden: return false;
  }
  return false;
}

bool AdmissionBar::accepts(const stability::Attributes& attributes) const {
  return stability::satisfies(attributes, threshold);
}

Admission::Admission(const Catalogue& host, const SitePolicy* site, AdmissionBar bar)
    : host_(host), site_(site), bar_(bar) {}

EventVerdict Admission::event(std::string_view provider, std::string_view name) const {
  const Event* known = host_.find_event(provider, name);
  return known != nullptr ? event(*known) : EventVerdict{};
}

EventVerdict Admission::event(const Event& event) const {
  EventVerdict verdict;
  verdict.event = &event;
  verdict.attributes = probe_attributes(host_, event);
  verdict.forbidden = event.hazard.level == Hazard::Forbidden;
  if (site_ != nullptr) verdict.site_rule = site_->forbids_event(event, verdict.attributes);
  verdict.hazard_not_allowed = !verdict.forbidden && !bar_.allows(event.hazard.level);
  verdict.below_bar = !bar_.accepts(verdict.attributes);
  return verdict;
}

FieldVerdict Admission::field(const Event& event, std::string_view name) const {
  FieldVerdict verdict;
  verdict.field = find_event_or_common_field(host_, event, name);
  if (verdict.field == nullptr) return verdict;
  if (site_ != nullptr) verdict.site_rule = site_->forbids_field(event, *verdict.field);
  verdict.below_bar = !bar_.accepts(verdict.field->stability.value);
  return verdict;
}

LanguageVerdict Admission::language(const stability::Attributes& attributes) const {
  LanguageVerdict verdict;
  if (site_ != nullptr) verdict.site_rule = site_->below_minimum(attributes);
  verdict.below_bar = !bar_.accepts(attributes);
  return verdict;
}

stability::Attributes probe_attributes(const Catalogue& catalogue, const Event& event) {
  stability::Attributes attributes = event.stability.value;
  if (const Provider* provider = catalogue.find_provider(event.provider)) {
    attributes.name = std::min(attributes.name, provider->provider_stability);
  }
  return attributes;
}

const Field* find_event_or_common_field(const Catalogue& catalogue, const Event& event, std::string_view name) {
  if (const Field* field = event.find_field(name)) return field;
  const auto common = std::find_if(catalogue.common_fields.begin(), catalogue.common_fields.end(),
                                   [&](const Field& field) { return field.layout.name == name; });
  return common != catalogue.common_fields.end() ? &*common : nullptr;
}

}  // namespace probity::catalogue
