// The site policy (/etc/probity/policy.yaml, see docs/manual/site-policy.md):
// what a site forbids whatever a program or its options say. The compiler
// holds programs to it, and the consumer checks it again, with the policy in
// force when the program runs, before anything is enabled.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "probity/catalogue/diagnostic.hpp"
#include "probity/catalogue/model.hpp"
#include "probity/stability.hpp"

namespace probity::catalogue {

// One rule of the policy, for messages: where it is and what it says.
struct PolicyRule {
  std::string text;    // "forbid.events: \"sock:*\"", "minimum_stability: Evolving", "hazards.sensitive: deny"
  SourceLocation where;
  // "the site policy /etc/probity/policy.yaml:4:7 (forbid.events: \"sock:*\")"
  std::string describe() const;
};

enum class HazardRule : std::uint8_t { Allow, Deny };

struct SitePolicy {
  std::filesystem::path file;
  std::vector<PolicyRule> forbidden_providers;  // globs on provider names: "skb"
  std::vector<PolicyRule> forbidden_events;     // globs on "provider:event"
  std::vector<PolicyRule> forbidden_fields;     // globs on "provider:event.field"
  std::optional<stability::Threshold> minimum;  // minimum_stability
  PolicyRule minimum_rule;
  HazardRule hot = HazardRule::Allow;       // allow: -x allow=hot may enable hot probes
  HazardRule sensitive = HazardRule::Allow;
  PolicyRule hot_rule;
  PolicyRule sensitive_rule;
  bool require_signatures = false;

  // The rule that forbids enabling `event` (whose probe attributes, bounded
  // by its provider's name stability, are `attributes`), if any: by provider,
  // by event, by a denied hazard, or by a stability below the minimum.
  std::optional<PolicyRule> forbids_event(const Event& event, const stability::Attributes& attributes) const;
  // The rule that forbids reading `field` of `event` (by pattern or stability), if any.
  std::optional<PolicyRule> forbids_field(const Event& event, const Field& field) const;
  // The rule that forbids using something with `attributes` (built-ins, functions), if any.
  std::optional<PolicyRule> below_minimum(const stability::Attributes& attributes) const;
};

// Reads and checks a policy file. Throws CatalogueError naming the file (and
// line:column for a bad rule) when it cannot be read, is not owned by root,
// is group- or world-writable, or is malformed.
SitePolicy load_site_policy(const std::filesystem::path& file);

// $PROBITY_POLICY, else /etc/probity/policy.yaml.
std::filesystem::path site_policy_path();
// The policy in force: nullopt when there is none (no $PROBITY_POLICY and no
// /etc/probity/policy.yaml); a $PROBITY_POLICY naming a missing file is an error.
std::optional<SitePolicy> load_site_policy_in_force();

// $PROBITY_KEYS, else /etc/probity/keys: the public keys signatures are checked against.
std::filesystem::path keys_directory();

// Throws CatalogueError unless `file` is owned by root and not writable by
// group or others; `what` names it in the message ("policy file", "key").
void require_root_owned(const std::filesystem::path& file, const std::string& what);

}  // namespace probity::catalogue
