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

namespace {

// C integer types of a known width and signedness, as format files spell
// them (system call arguments use the kernel's prototypes). long and its
// kin are as wide as the slot (8 bytes on 64-bit machines): 0 below.
struct KnownInteger {
  std::string_view type;
  std::uint32_t size;
  bool is_signed;
};
constexpr KnownInteger known_integers[] = {
    {"signed char", 1, true},    {"unsigned char", 1, false}, {"s8", 1, true},          {"u8", 1, false},
    {"__s8", 1, true},           {"__u8", 1, false},          {"bool", 1, false},       {"short", 2, true},
    {"short int", 2, true},      {"unsigned short", 2, false}, {"s16", 2, true},        {"u16", 2, false},
    {"__s16", 2, true},          {"__u16", 2, false},         {"umode_t", 2, false},    {"int", 4, true},
    {"signed int", 4, true},     {"unsigned int", 4, false},  {"unsigned", 4, false},   {"s32", 4, true},
    {"u32", 4, false},           {"__s32", 4, true},          {"__u32", 4, false},      {"pid_t", 4, true},
    {"uid_t", 4, false},         {"gid_t", 4, false},         {"qid_t", 4, false},      {"clockid_t", 4, true},
    {"timer_t", 4, true},        {"mqd_t", 4, true},          {"key_t", 4, true},       {"key_serial_t", 4, true},
    {"rwf_t", 4, true},          {"s64", 8, true},            {"u64", 8, false},        {"__s64", 8, true},
    {"__u64", 8, false},         {"long long", 8, true},      {"unsigned long long", 8, false},
    {"loff_t", 8, true},         {"long", 0, true},           {"long int", 0, true},    {"unsigned long", 0, false},
    {"unsigned long int", 0, false}, {"size_t", 0, false},    {"ssize_t", 0, true},     {"off_t", 0, true},
    {"aio_context_t", 0, false},
};

// "const int" and "int const" are int.
std::string_view unqualified(std::string_view type) {
  constexpr std::string_view leading = "const ";
  constexpr std::string_view trailing = " const";
  while (type.starts_with(leading)) type.remove_prefix(leading.size());
  while (type.ends_with(trailing)) type.remove_suffix(trailing.size());
  return type;
}

}  // namespace

IntegerShape slot_shape(const FieldLayout& layout) { return {layout.size, layout.is_signed}; }

IntegerShape value_shape(const FieldLayout& layout) {
  const IntegerShape slot = slot_shape(layout);
  if (layout.kind != FieldKind::Integer) return slot;
  const std::string_view type = unqualified(layout.type);
  for (const KnownInteger& known : known_integers) {
    if (known.type != type) continue;
    const std::uint32_t size = known.size == 0 ? layout.size : known.size;
    // A slot narrower than its type would be a format file to distrust.
    if (size > layout.size) return slot;
    return {size, known.is_signed};
  }
  return slot;
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

void insert_release(std::vector<std::string>& releases, const std::string& release) {
  if (std::find(releases.begin(), releases.end(), release) != releases.end()) return;
  releases.insert(std::upper_bound(releases.begin(), releases.end(), release,
                                   [](const std::string& a, const std::string& b) { return release_less(a, b); }),
                  release);
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
