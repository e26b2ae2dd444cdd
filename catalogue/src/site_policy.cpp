// The site policy: a small YAML file of rules read with the catalogue's YAML
// reader (locations, unknown keys, typos), refused unless root owns it and
// only root can write it.
#include "probity/catalogue/site_policy.hpp"

#include <fnmatch.h>
#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <variant>

#include "probity/catalogue/probe_pattern.hpp"
#include "yaml_reader.hpp"
#include "probity/io/invoking_user.hpp"

namespace probity::catalogue {
namespace {

namespace fs = std::filesystem;
using yaml::Entry;
using yaml::YamlDocument;

constexpr std::string_view default_policy_file = "/etc/probity/policy.yaml";
constexpr std::string_view default_keys_directory = "/etc/probity/keys";

constexpr std::array<std::string_view, 4> policy_keys{"forbid", "minimum_stability", "hazards",
                                                      "require_signatures"};
constexpr std::array<std::string_view, 3> forbid_keys{"providers", "events", "fields"};
constexpr std::array<std::string_view, 2> hazard_keys{"hot", "sensitive"};

bool matches(const std::string& pattern, const std::string& text) {
  return ::fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

// The glob a rule holds: "forbid.events: \"sock:*\"" -> sock:*.
std::string glob_of(const PolicyRule& rule) {
  const std::size_t open = rule.text.find('"');
  return rule.text.substr(open + 1, rule.text.size() - open - 2);
}

void read_patterns(YamlDocument& doc, const Entry& entry, std::vector<PolicyRule>& rules) {
  if (!doc.expect_sequence(entry.value, entry.path, entry.key_node)) return;
  std::size_t index = 0;
  for (const YAML::Node& item : entry.value) {
    const Entry element{entry.key, yaml::index_path(entry.path, index++), entry.key_node, item};
    auto pattern = doc.read_text(element);
    if (!pattern) continue;
    // fnmatch would take a malformed glob literally, or match nothing: a rule
    // that silently forbids nothing.
    if (const auto problem = glob_problem(*pattern)) {
      doc.report(doc.location_in_scalar(item, problem->offset), element.path,
                 "malformed pattern \"" + *pattern + "\": " + problem->message,
                 "a bracket expression is closed and its ranges go upwards: [abc], [a-z], [!x]; "
                 "write [[] for a literal '['");
      continue;
    }
    if (entry.key == "providers" && pattern->find(':') != std::string::npos) {
      doc.report(element, "a provider pattern has no ':'",
                 "forbid.providers lists providers (\"skb\", \"net*\"); put provider:event patterns under forbid.events");
      continue;
    }
    if (entry.key == "events" && pattern->find(':') == std::string::npos) {
      doc.report(element, "an event pattern is provider:event",
                 "write \"*:" + *pattern + "\" for the event in any provider, or list providers under forbid.providers");
      continue;
    }
    if (entry.key == "fields") {
      // A bare field name means that field of every event.
      if (pattern->find(':') == std::string::npos && pattern->find('.') == std::string::npos) {
        *pattern = "*:*." + *pattern;
      }
      const std::size_t colon = pattern->find(':');
      if (colon == std::string::npos || pattern->find('.', colon) == std::string::npos) {
        doc.report(element, "a field pattern is provider:event.field or a bare field name",
                   "for example \"sched:sched_process_exec.filename\", \"*:*.filename\" or \"filename\"");
        continue;
      }
    }
    rules.push_back({"forbid." + entry.key + ": \"" + *pattern + "\"", doc.location(item, entry.key_node)});
  }
}

std::optional<stability::Threshold> read_minimum(YamlDocument& doc, const Entry& entry) {
  const auto text = doc.read_string(entry);
  if (!text) return std::nullopt;
  if (text->find('/') == std::string::npos) {
    if (const auto level = stability::parse_level(*text)) {
      return stability::Threshold{*level, *level, stability::DependencyClass::Unknown};
    }
    doc.report(entry, yaml::unknown_level_message(*text), yaml::levels_hint());
    return std::nullopt;
  }
  const auto parsed = stability::parse_attributes(*text);
  if (const auto* error = std::get_if<stability::ParseError>(&parsed)) {
    doc.report(entry, error->message, "a level (Evolving) or a Name/Data/Class triple (Evolving/Evolving/Common)");
    return std::nullopt;
  }
  const auto& attributes = std::get<stability::Attributes>(parsed);
  return stability::Threshold{attributes.name, attributes.data, attributes.dependency_class};
}

SitePolicy read_policy(YamlDocument& doc, const fs::path& file) {
  SitePolicy policy;
  policy.file = file;
  const YAML::Node& root = doc.root();
  if (!doc.expect_map(root, "", root)) return policy;
  for (const Entry& entry : doc.keyed_entries(root, "", policy_keys)) {
    if (entry.key == "forbid") {
      if (!doc.expect_map(entry.value, entry.path, entry.key_node)) continue;
      for (const Entry& list : doc.keyed_entries(entry.value, entry.path, forbid_keys)) {
        read_patterns(doc, list, list.key == "providers" ? policy.forbidden_providers
                                 : list.key == "events"  ? policy.forbidden_events
                                                         : policy.forbidden_fields);
      }
    } else if (entry.key == "minimum_stability") {
      policy.minimum = read_minimum(doc, entry);
      if (policy.minimum) {
        policy.minimum_rule = {"minimum_stability: " + entry.value.Scalar(), doc.location(entry.value, entry.key_node)};
      }
    } else if (entry.key == "hazards") {
      if (!doc.expect_map(entry.value, entry.path, entry.key_node)) continue;
      for (const Entry& hazard : doc.keyed_entries(entry.value, entry.path, hazard_keys)) {
        const auto value = doc.read_string(hazard);
        if (!value) continue;
        if (*value != "allow" && *value != "deny") {
          doc.report(hazard, yaml::with_suggestion("unknown hazard rule \"" + *value + "\"", *value, {"allow", "deny"}),
                     "allow: -x allow=" + hazard.key + " may enable " + hazard.key +
                         " probes (the default); deny: they are never enabled at this site");
          continue;
        }
        const HazardRule rule = *value == "deny" ? HazardRule::Deny : HazardRule::Allow;
        PolicyRule described{"hazards." + hazard.key + ": " + *value, doc.location(hazard.value, hazard.key_node)};
        if (hazard.key == "hot") {
          policy.hot = rule;
          policy.hot_rule = std::move(described);
        } else {
          policy.sensitive = rule;
          policy.sensitive_rule = std::move(described);
        }
      }
    } else if (const auto value = doc.read_bool(entry)) {
      policy.require_signatures = *value;
    }
  }
  return policy;
}

[[noreturn]] void refuse(const fs::path& file, std::string message, std::string hint) {
  throw CatalogueError({Diagnostic{{file.string(), 0, 0}, "", std::move(message), std::move(hint)}});
}

}  // namespace

std::string PolicyRule::describe() const {
  std::string place = where.file;
  if (where.line > 0) place += ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
  return "the site policy " + place + " (" + text + ")";
}

std::optional<PolicyRule> SitePolicy::forbids_event(const Event& event, const stability::Attributes& attributes) const {
  for (const PolicyRule& rule : forbidden_providers) {
    if (matches(glob_of(rule), event.provider)) return rule;
  }
  const std::string name = event.provider + ":" + event.name;
  for (const PolicyRule& rule : forbidden_events) {
    if (matches(glob_of(rule), name)) return rule;
  }
  if (event.hazard.level == Hazard::Hot && hot == HazardRule::Deny) return hot_rule;
  if (event.hazard.level == Hazard::Sensitive && sensitive == HazardRule::Deny) return sensitive_rule;
  return below_minimum(attributes);
}

std::optional<PolicyRule> SitePolicy::forbids_field(const Event& event, const Field& field) const {
  const std::string name = event.provider + ":" + event.name + "." + field.layout.name;
  for (const PolicyRule& rule : forbidden_fields) {
    if (matches(glob_of(rule), name)) return rule;
  }
  return below_minimum(field.stability.value);
}

std::optional<PolicyRule> SitePolicy::below_minimum(const stability::Attributes& attributes) const {
  if (minimum && !stability::satisfies(attributes, *minimum)) return minimum_rule;
  return std::nullopt;
}

void require_root_owned(const fs::path& file, const std::string& what) {
  struct stat status {};
  if (::stat(file.c_str(), &status) != 0) {
    refuse(file, "cannot read the " + what + ": " + std::strerror(errno), "");
  }
  if (status.st_uid != 0) {
    refuse(file, "the " + what + " is owned by uid " + std::to_string(status.st_uid) + ", not root: refused",
           "only root may set what Probity enforces: chown root " + file.string());
  }
  if ((status.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
    refuse(file, "the " + what + " is group- or world-writable (mode " + mode + "): refused",
           "only root may set what Probity enforces: chmod go-w " + file.string());
  }
}

SitePolicy load_site_policy(const fs::path& file) {
  require_root_owned(file, "policy file");
  YamlDocument doc(file);
  SitePolicy policy;
  try {
    if (doc.parse()) policy = read_policy(doc, file);
  } catch (const YAML::Exception& exception) {
    doc.report(doc.file_location(), "", std::string("unexpected YAML error: ") + exception.what());
  }
  if (doc.has_errors()) throw CatalogueError(doc.take_diagnostics());
  return policy;
}

fs::path site_policy_path() {
  if (const char* file = std::getenv("PROBITY_POLICY"); file != nullptr && *file != '\0') return file;
  return fs::path(default_policy_file);
}

namespace {

bool installed_policy_exists() {
  std::error_code error;
  return fs::exists(default_policy_file, error);
}

// Both policies' rules: every forbid of either, the stricter minimum per
// component, a hazard denied by either, signatures if either requires them.
SitePolicy combine(SitePolicy installed, const SitePolicy& added) {
  for (auto [into, from] : {std::pair{&installed.forbidden_providers, &added.forbidden_providers},
                            std::pair{&installed.forbidden_events, &added.forbidden_events},
                            std::pair{&installed.forbidden_fields, &added.forbidden_fields}}) {
    into->insert(into->end(), from->begin(), from->end());
  }
  if (added.minimum) {
    const stability::Threshold before = installed.minimum.value_or(stability::Threshold{
        stability::Level::Internal, stability::Level::Internal, stability::DependencyClass::Unknown});
    const stability::Threshold stricter{std::max(before.name, added.minimum->name),
                                        std::max(before.data, added.minimum->data),
                                        std::max(before.dependency_class, added.minimum->dependency_class)};
    if (!installed.minimum || !(stricter == before)) installed.minimum_rule = added.minimum_rule;
    installed.minimum = stricter;
  }
  if (added.hot == HazardRule::Deny && installed.hot != HazardRule::Deny) {
    installed.hot = HazardRule::Deny;
    installed.hot_rule = added.hot_rule;
  }
  if (added.sensitive == HazardRule::Deny && installed.sensitive != HazardRule::Deny) {
    installed.sensitive = HazardRule::Deny;
    installed.sensitive_rule = added.sensitive_rule;
  }
  installed.require_signatures = installed.require_signatures || added.require_signatures;
  return installed;
}

}  // namespace

// The installed policy binds whenever it exists: $PROBITY_POLICY (for tests
// and for operators who want more rules) adds to it and never replaces it,
// so an environment variable cannot lift what the site forbids.
std::optional<SitePolicy> load_site_policy_in_force() {
  std::optional<SitePolicy> installed;
  if (installed_policy_exists()) installed = load_site_policy(default_policy_file);
  const char* from_environment = std::getenv("PROBITY_POLICY");
  if (from_environment == nullptr || *from_environment == '\0') return installed;
  // Named by the environment: read with its namer's rights.
  SitePolicy added = io::as_invoking_user([&] { return load_site_policy(from_environment); });
  if (!installed) return added;
  return combine(std::move(*installed), added);
}

// Keys decide which signed overlays and objects a site trusts: under an
// installed policy only root's /etc/probity/keys counts, as $PROBITY_KEYS
// could add a key of anyone's.
fs::path keys_directory() {
  if (const char* directory = std::getenv("PROBITY_KEYS");
      directory != nullptr && *directory != '\0' && !installed_policy_exists()) {
    return directory;
  }
  return fs::path(default_keys_directory);
}

}  // namespace probity::catalogue
