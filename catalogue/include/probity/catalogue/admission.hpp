// Admission: may this probe be enabled, this field read, this language
// element used, on the kernel `host` describes, under the site policy in
// force, by a program that set itself `bar`? This is the one place that rule
// is written. Probe expansion, the compiler's policy pass, the support
// events, the admission of a compiled object by the consumer and by probity
// compat all ask it, and differ only in how they word a refusal.
#pragma once

#include <optional>
#include <string_view>

#include "probity/catalogue/model.hpp"
#include "probity/catalogue/site_policy.hpp"
#include "probity/stability.hpp"

namespace probity::catalogue {

// What a program accepts of itself: the stability threshold (-x amin) and
// the hazards it allows (-x allow=hot, allow=sensitive). Nothing allows a
// forbidden probe.
struct AdmissionBar {
  stability::Threshold threshold = stability::default_threshold;
  bool allow_hot = false;
  bool allow_sensitive = false;

  bool allows(Hazard hazard) const;
  bool accepts(const stability::Attributes& attributes) const;
};

// Each reason an event may not be enabled, all of them, so that each caller
// can report the ones it is responsible for. An event the catalogue lacks
// has no other verdict.
struct EventVerdict {
  const Event* event = nullptr;        // nullptr: not in the catalogue
  stability::Attributes attributes{};  // the catalogue's, bounded by the provider's name stability
  bool forbidden = false;              // by the catalogue's hazard; never enabled
  std::optional<PolicyRule> site_rule;  // the site policy's rule against it
  bool hazard_not_allowed = false;     // hot or sensitive, and the bar does not allow it
  bool below_bar = false;              // its attributes are below the bar's threshold

  bool catalogued() const { return event != nullptr; }
  bool admitted() const { return catalogued() && !forbidden && !site_rule && !hazard_not_allowed && !below_bar; }
};

struct FieldVerdict {
  const Field* field = nullptr;  // the event's own field, else the common field; nullptr: not catalogued
  std::optional<PolicyRule> site_rule;
  bool below_bar = false;

  bool catalogued() const { return field != nullptr; }
  bool admitted() const { return catalogued() && !site_rule && !below_bar; }
};

// A built-in variable, function or probe of Probity's own vocabulary.
struct LanguageVerdict {
  std::optional<PolicyRule> site_rule;  // below the site's minimum stability
  bool below_bar = false;

  bool admitted() const { return !site_rule && !below_bar; }
};

class Admission {
 public:
  // `site` may be null (no policy in force); both must outlive the Admission.
  Admission(const Catalogue& host, const SitePolicy* site, AdmissionBar bar);

  EventVerdict event(std::string_view provider, std::string_view name) const;
  EventVerdict event(const Event& event) const;
  FieldVerdict field(const Event& event, std::string_view name) const;
  LanguageVerdict language(const stability::Attributes& attributes) const;

  const Catalogue& catalogue() const { return host_; }
  const SitePolicy* site() const { return site_; }
  const AdmissionBar& bar() const { return bar_; }

 private:
  const Catalogue& host_;
  const SitePolicy* site_;
  AdmissionBar bar_;
};

// The attributes a probe has in `catalogue`: the event's own, with the name
// stability bounded by its provider's.
stability::Attributes probe_attributes(const Catalogue& catalogue, const Event& event);

// `name` among `event`'s own fields, else among the catalogue's common fields.
const Field* find_event_or_common_field(const Catalogue& catalogue, const Event& event, std::string_view name);

}  // namespace probity::catalogue
