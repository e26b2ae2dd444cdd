#include "probity/catalogue/model.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <tuple>
#include <utility>

namespace probity::catalogue {
namespace {

constexpr std::array<std::pair<FieldKind, std::string_view>, 6> field_kind_names{{
    {FieldKind::Integer, "integer"},
    {FieldKind::Pointer, "pointer"},
    {FieldKind::Array, "array"},
    {FieldKind::String, "string"},
    {FieldKind::DynamicString, "dynamic-string"},
    {FieldKind::DynamicArray, "dynamic-array"},
}};

constexpr std::array<std::pair<Hazard, std::string_view>, 4> hazard_names{{
    {Hazard::None, "none"},
    {Hazard::Hot, "hot"},
    {Hazard::Sensitive, "sensitive"},
    {Hazard::Forbidden, "forbidden"},
}};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool starts_with_dynamic_prefix(std::string_view type) {
  return type.starts_with("__data_loc") || type.starts_with("__rel_loc");
}

}  // namespace

std::string_view to_string(FieldKind kind) {
  for (const auto& [value, name] : field_kind_names) {
    if (value == kind) return name;
  }
  return "?";
}

std::optional<FieldKind> parse_field_kind(std::string_view text) {
  for (const auto& [value, name] : field_kind_names) {
    if (name == text) return value;
  }
  return std::nullopt;
}

std::string_view to_string(Hazard hazard) {
  for (const auto& [value, name] : hazard_names) {
    if (value == hazard) return name;
  }
  return "?";
}

std::optional<Hazard> parse_hazard(std::string_view text) {
  for (const auto& [value, name] : hazard_names) {
    if (equals_ignoring_case(name, text)) return value;
  }
  return std::nullopt;
}

std::string_view to_string(AttributeSource source) {
  switch (source) {
    case AttributeSource::Default: return "default";
    case AttributeSource::Catalogue: return "catalogue";
    case AttributeSource::Vendor: return "vendor";
    case AttributeSource::Kernel: return "kernel";
  }
  return "?";
}

std::string FieldLayout::declaration() const {
  if (type.empty()) return name;
  // libtraceevent keeps an array's dimension in the type ("char[16]"); C puts
  // it after the name. __data_loc/__rel_loc types are written as they are.
  const std::size_t bracket = type.find('[');
  if (bracket == std::string::npos || starts_with_dynamic_prefix(type)) {
    return type + ' ' + name;
  }
  std::string base = type.substr(0, bracket);
  while (!base.empty() && base.back() == ' ') base.pop_back();
  return base + ' ' + name + type.substr(bracket);
}

const EventLayout* KernelSnapshot::find(std::string_view system, std::string_view name) const {
  // `events` is sorted by (system, name).
  const auto key = std::tie(system, name);
  const auto it = std::lower_bound(events.begin(), events.end(), key,
                                   [](const EventLayout& event, const auto& wanted) {
                                     return std::tuple<std::string_view, std::string_view>(
                                                event.system, event.name) < wanted;
                                   });
  if (it == events.end() || it->system != system || it->name != name) return nullptr;
  return &*it;
}

const Field* Event::find_field(std::string_view field_name) const {
  const auto it = std::find_if(fields.begin(), fields.end(),
                               [&](const Field& field) { return field.layout.name == field_name; });
  return it == fields.end() ? nullptr : &*it;
}

const Provider* Catalogue::find_provider(std::string_view name) const {
  const auto it = std::lower_bound(
      providers.begin(), providers.end(), name,
      [](const Provider& provider, std::string_view wanted) { return provider.name < wanted; });
  if (it == providers.end() || it->name != name) return nullptr;
  return &*it;
}

const Event* Catalogue::find_event(std::string_view provider_name, std::string_view name) const {
  const Provider* provider = find_provider(provider_name);
  if (provider == nullptr) return nullptr;
  const auto it = std::lower_bound(
      provider->events.begin(), provider->events.end(), name,
      [](const Event& event, std::string_view wanted) { return event.name < wanted; });
  if (it == provider->events.end() || it->name != name) return nullptr;
  return &*it;
}

std::size_t Catalogue::event_count() const {
  std::size_t count = 0;
  for (const Provider& provider : providers) count += provider.events.size();
  return count;
}

bool release_less(std::string_view a, std::string_view b) {
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      std::size_t end_a = i;
      std::size_t end_b = j;
      while (end_a < a.size() && is_digit(a[end_a])) ++end_a;
      while (end_b < b.size() && is_digit(b[end_b])) ++end_b;
      std::string_view run_a = a.substr(i, end_a - i);
      std::string_view run_b = b.substr(j, end_b - j);
      while (run_a.size() > 1 && run_a.front() == '0') run_a.remove_prefix(1);
      while (run_b.size() > 1 && run_b.front() == '0') run_b.remove_prefix(1);
      if (run_a.size() != run_b.size()) return run_a.size() < run_b.size();
      if (run_a != run_b) return run_a < run_b;
      i = end_a;
      j = end_b;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  if ((a.size() - i) != (b.size() - j)) return (a.size() - i) < (b.size() - j);
  return a < b;
}

bool reads_the_same(const FieldLayout& a, const FieldLayout& b) {
  const bool is_string = a.kind == FieldKind::String || a.kind == FieldKind::DynamicString;
  if (!is_string) return a == b;
  FieldLayout unsigned_a = a;
  FieldLayout unsigned_b = b;
  unsigned_a.is_signed = unsigned_b.is_signed = false;
  return unsigned_a == unsigned_b;
}

}  // namespace probity::catalogue
