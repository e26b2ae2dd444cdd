// The provider documents' readers of a stability declaration and a hazard
// (provider_yaml.cpp), shared with the vendor overlays, which use the same
// YAML shape for them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "yaml_reader.hpp"

namespace probity::catalogue::doc_readers {

// The stability of an event or a field: a mapping under `stability`, or a
// Name/Data/Class triple with a sibling `rationale`; empty when not declared.
StabilityDecl event_or_field_stability(yaml::YamlDocument& doc, const std::vector<yaml::Entry>& owner_entries,
                                       const YAML::Node& owner, const std::string& owner_path);

// hazard: {level: ..., reason: ..., reference: ...}; nullopt when invalid (reported).
std::optional<HazardDecl> hazard(yaml::YamlDocument& doc, const yaml::Entry& hazard_entry);

}  // namespace probity::catalogue::doc_readers
