// The catalogue data model: provider (tracepoint system) -> event -> field.
//
// Three layers meet here:
//  - a KernelSnapshot is what one kernel release's tracefs says (layouts only);
//  - ProviderDoc / CommonFieldDocs are the curated documentation (YAML under
//    catalogue/data/providers/), overlays have the same shape;
//  - a Catalogue is the effective view for one release: layouts from the
//    snapshot, descriptions, stability and hazards from the docs, with the
//    precedence kernel-declared > vendor overlay > catalogue > default.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "probity/stability.hpp"

namespace probity::catalogue {

using stability::Attributes;
using stability::DependencyClass;
using stability::Level;

// Orders kernel release names as versions: runs of digits compare as
// numbers, so "6.1.0" < "6.9.0" < "6.12.0".
bool release_less(std::string_view a, std::string_view b);
// Inserts `release` into `releases`, kept in release_less order, unless it is there.
void insert_release(std::vector<std::string>& releases, const std::string& release);

// ---------------------------------------------------------------- layouts

// How the kernel stores a field in the event record.
enum class FieldKind : std::uint8_t {
  Integer,        // scalar integer (also enums, bools, pid_t, ...)
  Pointer,        // a kernel or user address, recorded as an integer
  Array,          // fixed-size array of non-char elements: "u8 saddr[4]"
  String,         // fixed-size char array: "char comm[16]"
  DynamicString,  // "__data_loc char[] name" (or __rel_loc)
  DynamicArray,   // "__data_loc u64[] stack" (or __rel_loc)
};
std::string_view to_string(FieldKind kind);
std::optional<FieldKind> parse_field_kind(std::string_view text);

// One field exactly as the kernel's format file describes it.
struct FieldLayout {
  std::string name;          // "prev_pid"
  std::string type;          // libtraceevent's type string: "pid_t", "char[16]", "__data_loc char[]"
  std::uint32_t offset = 0;  // bytes from the start of the record
  std::uint32_t size = 0;    // bytes (for __data_loc: the 4-byte descriptor)
  bool is_signed = false;
  FieldKind kind = FieldKind::Integer;
  bool relative = false;     // __rel_loc rather than __data_loc

  // "char prev_comm[16]", "__data_loc char[] name", "pid_t prev_pid".
  std::string declaration() const;

  friend bool operator==(const FieldLayout&, const FieldLayout&) = default;
};

// The integer an integer field holds: its C type's width and signedness.
// A record's slot can be wider than the type and of the other signedness:
// the kernel records every system call argument as an unsigned long, so
// "pid_t pid" has size 8 and signed 0, and holds the register the caller
// passed, whose upper bits the system call ignores (kill(-15540, 0) may
// record 0x00000000ffffc34c). The value is the slot's low `size` bytes,
// sign-extended when `is_signed`. For a type Probity does not know as an
// integer (typedefs, enums, plain char) it is the slot's own size and
// signedness, as the kernel's format file declares them.
struct IntegerShape {
  std::uint32_t size = 0;  // bytes
  bool is_signed = false;

  friend bool operator==(const IntegerShape&, const IntegerShape&) = default;
};
IntegerShape slot_shape(const FieldLayout& layout);
IntegerShape value_shape(const FieldLayout& layout);

// Equal for anyone reading the record: the same layout, except that the
// signedness of a string's chars (which 6.2's -funsigned-char changed for
// every char array) does not change what the string reads.
bool reads_the_same(const FieldLayout& a, const FieldLayout& b);

// Stability a kernel declares for itself (kernel-patches/); absent otherwise.
struct DeclaredStability {
  std::optional<Level> name;
  std::optional<Level> data;
  std::optional<DependencyClass> dependency_class;

  bool empty() const { return !name && !data && !dependency_class; }
  friend bool operator==(const DeclaredStability&, const DeclaredStability&) = default;
};

// The names an event's print format gives a field's values, harvested per
// kernel: __print_symbolic(REC->f, {value, "NAME"}, ...) names whole values,
// __print_flags(REC->f, "|", {bit, "NAME"}, ...) names bits. Builds of one
// release can number them differently (skb:kfree_skb's reason), so they live
// in the snapshot of each release, never in the prose.
struct ValueNames {
  enum class Style : std::uint8_t { Symbolic, Flags };
  Style style = Style::Symbolic;
  std::string delimiter;  // Flags: put between the names of the bits set ("|")
  // In the print format's order: value (or mask) -> name. A negative value of
  // the format ("-1") is kept as its 64-bit two's complement.
  std::vector<std::pair<std::uint64_t, std::string>> names;

  // What the kernel's own output prints for `value`: the name of a symbolic
  // value, or the names of the flags set, joined by the delimiter, with the
  // bits no name covers as hex ("A|B|0x40"), as trace_print_flags_seq() does.
  // nullopt when no name applies (a symbolic value the table lacks, or 0
  // with no name for it): the caller prints the number.
  std::optional<std::string> name_of(std::uint64_t value) const;

  friend bool operator==(const ValueNames&, const ValueNames&) = default;
};
std::string_view to_string(ValueNames::Style style);

struct FieldValueNames {
  std::string field;  // "reason"
  ValueNames names;
  friend bool operator==(const FieldValueNames&, const FieldValueNames&) = default;
};

struct EventLayout {
  std::string system;                  // "sched"
  std::string name;                    // "sched_switch"
  std::vector<FieldLayout> fields;     // the event's own fields, common_* excluded, in format order
  std::string module;                  // the module that defines it; "" when built in
  DeclaredStability declared;          // from events/<system>/<event>/stability, if the kernel has one
  // The value names of the fields its print format decodes, in field order;
  // only integer fields of `fields`, each at most once.
  std::vector<FieldValueNames> value_names;

  friend bool operator==(const EventLayout&, const EventLayout&) = default;
};

// A module of a kernel image's package that defines trace events but would
// not load when the image was harvested (no hardware for it, a dependency
// that failed): its events are missing from the snapshot.
struct FailedModule {
  std::string name;    // "hv_vmbus"
  std::string reason;  // what insmod said: "No such device"

  friend bool operator==(const FailedModule&, const FailedModule&) = default;
};

// Everything one kernel release's tracefs says about its events.
struct KernelSnapshot {
  std::string release;                    // uname -r: "6.18.44-fc-v657"
  std::string machine;                    // uname -m: "x86_64"
  std::string source;                     // "live tracefs", "linux-image-6.1.0-31-amd64 6.1.128-1"
  std::vector<FieldLayout> common_fields; // common_type, common_flags, ... shared by every event
  std::vector<EventLayout> events;        // sorted by (system, name)
  std::vector<FailedModule> failed_modules;  // image harvests only; sorted by name

  const EventLayout* find(std::string_view system, std::string_view name) const;
};

// ---------------------------------------------------------------- documentation

// Where a YAML node came from, for diagnostics.
struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
};

// A partial stability declaration: missing components inherit from the
// enclosing declaration (field <- event <- provider <- default).
struct StabilityDecl {
  std::optional<Level> name;
  std::optional<Level> data;
  std::optional<DependencyClass> dependency_class;
  std::string rationale;  // why; required wherever a stability is declared
  SourceLocation where;

  bool empty() const { return !name && !data && !dependency_class; }
};

enum class Hazard : std::uint8_t {
  None,       // ordinary
  Hot,        // very high event rate: needs -x allow=hot
  Sensitive,  // exposes paths, payloads or other private data: needs -x allow=sensitive
  Forbidden,  // must never be enabled, whatever the flags
};
std::string_view to_string(Hazard hazard);
std::optional<Hazard> parse_hazard(std::string_view text);

struct HazardDecl {
  Hazard level = Hazard::None;
  std::string reason;     // required unless level is None
  std::string reference;  // required unless level is None: a URL or a document path
};

// An incompatible layout change the catalogue accepts for a Stable or
// Standard event or field, between two catalogued releases (lint).
struct LayoutChange {
  std::string from;    // a catalogued release
  std::string to;      // a later catalogued release
  std::string reason;  // why the change is accepted
  SourceLocation where;
};

struct FieldDoc {
  std::string name;
  std::string description;
  StabilityDecl stability;
  std::string successor;                   // the field that replaces it where it is gone
  std::vector<LayoutChange> layout_changes;
  SourceLocation where;
};

struct EventDoc {
  std::string name;
  std::string description;
  StabilityDecl stability;
  std::optional<HazardDecl> hazard;
  std::vector<FieldDoc> fields;
  std::string successor;                   // the event ("provider:event") that replaces it where it is gone
  std::vector<LayoutChange> layout_changes;
  SourceLocation where;
};

struct ProviderDoc {
  std::string name;              // the tracepoint system
  std::string description;
  std::optional<Level> provider_stability;  // stability of the provider name itself
  StabilityDecl stability;       // default for its events and fields
  std::vector<std::string> references;
  std::vector<EventDoc> events;
  SourceLocation where;
};

// Documentation of the common_* fields every event record starts with.
struct CommonFieldDocs {
  std::vector<FieldDoc> fields;
  SourceLocation where;
};

// ---------------------------------------------------------------- effective catalogue

// Where an attribute component came from, highest precedence last.
enum class AttributeSource : std::uint8_t { Default, Catalogue, Vendor, Kernel };
std::string_view to_string(AttributeSource source);

struct SourcedAttributes {
  Attributes value;
  // Source of name, data and class, in that order.
  std::array<AttributeSource, 3> sources{AttributeSource::Default, AttributeSource::Default,
                                         AttributeSource::Default};
};

// What an undocumented event or field is: Private/Private/Unknown.
inline constexpr Attributes undocumented_attributes{Level::Private, Level::Private,
                                                    DependencyClass::Unknown};

struct Field {
  FieldLayout layout;
  bool documented = false;
  std::string description;
  SourcedAttributes stability;
  std::string rationale;  // of the nearest declaration that set a component
  std::optional<ValueNames> value_names;  // from this release's print format, when it names the values
};

// A documented field that this release's layout lacks (removed, or renamed
// to `successor`): what the catalogue says of it, so an error about it can
// say why it is gone and what to use instead.
struct RetiredField {
  std::string name;
  std::string rationale;
  std::string successor;  // "" when nothing replaces it
  friend bool operator==(const RetiredField&, const RetiredField&) = default;
};

// What a vendor overlay says of an event on one release (overlay.hpp).
enum class Support : std::uint8_t { Unstated, Supported, Unsupported };
std::string_view to_string(Support support);

struct VendorSupport {
  Support state = Support::Unstated;
  std::string vendor;  // "debian"
  std::string note;    // the overlay's reason, when it gives one
};

// Where a USDT probe is (usdt_catalogue.hpp): each site's uprobe, as the
// binary's notes give it. Set only on the events with_usdt_probes adds for a
// program; never stored in an index.
struct UsdtSite {
  std::uint64_t offset = 0;            // file offset of the probed instruction
  std::uint64_t semaphore_offset = 0;  // 0: no semaphore
  std::vector<std::string> fetchargs;  // "%di:s32", one per argument
  friend bool operator==(const UsdtSite&, const UsdtSite&) = default;
};

struct UsdtOrigin {
  std::string binary;  // canonical path (a uprobe binds to the file's inode)
  std::vector<UsdtSite> sites;
  friend bool operator==(const UsdtOrigin&, const UsdtOrigin&) = default;
};

struct Event {
  std::string provider;
  std::string name;
  bool documented = false;
  std::string description;
  SourcedAttributes stability;
  std::string rationale;
  HazardDecl hazard;
  std::string module;                 // "" when built in
  std::vector<Field> fields;          // common_* excluded
  std::vector<std::string> releases;  // every catalogued release that has this event
  std::vector<RetiredField> retired_fields;
  VendorSupport support;              // set by vendor overlays at run time, never stored in the index
  std::optional<UsdtOrigin> usdt;     // a USDT probe rather than a tracepoint

  const Field* find_field(std::string_view field_name) const;
};

struct Provider {
  std::string name;
  bool documented = false;
  std::string description;
  Level provider_stability = Level::Private;
  SourcedAttributes stability;
  std::string rationale;
  std::vector<std::string> references;
  std::vector<Event> events;  // sorted by name
};

// The effective catalogue of one kernel release.
struct Catalogue {
  std::string release;
  std::string machine;
  std::string source;
  std::vector<Field> common_fields;
  std::vector<Provider> providers;  // sorted by name
  std::vector<std::string> overlays;  // vendor overlay files applied at run time, in order

  const Provider* find_provider(std::string_view name) const;
  const Event* find_event(std::string_view provider, std::string_view name) const;
  std::size_t event_count() const;
};

}  // namespace probity::catalogue
