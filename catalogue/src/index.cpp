// The catalogue index: a versioned, checksummed binary file holding the
// effective catalogue of every catalogued release.
//
// Layout (all integers little-endian):
//
//   header   magic "PRBTYIDX", u32 format version, u32 reserved (0),
//            u64 file size, u32 string table offset, u32 string table size,
//            u32 directory offset, u32 directory size, u32 content-hash string,
//            u32 docs offset, u32 docs size (0 and 0: no docs)
//   strings  u32 count, then count x (u32 length, bytes): every string once
//   releases one blob per release (see Encoder::catalogue), strings by id
//   docs     the curated docs and each event's catalogued releases (see
//            Encoder::docs): what makes an uncatalogued kernel's catalogue
//   directory u32 count, then count x (u32 release string, u32 offset, u32 size)
//   trailer  u64 FNV-1a 64 of every byte before it
//
// Index::open reads the file, checks header, size and checksum, and decodes the
// string table and directory; Index::load decodes only the requested release.
// Every read is bounds-checked, so a corrupt file is an IndexError, not a crash.
#include "probity/catalogue/index.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include "probity/io/files.hpp"
#include "probity/io/unique_fd.hpp"

namespace probity::catalogue {
namespace {

constexpr std::string_view magic{"PRBTYIDX"};
constexpr std::uint32_t format_version = 4;  // 4: value names of fields
constexpr std::size_t header_size = 8 + 4 + 4 + 8 + 4 * 7;
constexpr std::uint8_t absent = 0xff;  // an optional enumeration that is not set
constexpr std::size_t trailer_size = 8;

constexpr std::uint64_t fnv_offset_basis = 0xcbf29ce484222325ULL;
constexpr std::uint64_t fnv_prime = 0x100000001b3ULL;

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t hash = fnv_offset_basis) {
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= fnv_prime;
  }
  return hash;
}

std::string hex16(std::uint64_t hash) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string text(16, '0');
  for (std::size_t i = 0; i < 16; ++i) text[15 - i] = hex[(hash >> (4 * i)) & 0xf];
  return text;
}

std::string rebuild_hint(const std::filesystem::path& file) {
  return "rebuild it with: probity catalogue build --source catalogue/data -o " + file.string();
}

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
  throw IndexError("catalogue index " + file.string() + ": " + what + "; " + rebuild_hint(file));
}

// ---------------------------------------------------------------- encoding

class StringTable {
 public:
  std::uint32_t id(const std::string& text) {
    const auto [it, inserted] = ids_.try_emplace(text, static_cast<std::uint32_t>(strings_.size()));
    if (inserted) strings_.push_back(&it->first);
    return it->second;
  }
  const std::vector<const std::string*>& strings() const { return strings_; }

 private:
  std::unordered_map<std::string, std::uint32_t> ids_;
  std::vector<const std::string*> strings_;  // in id order; point into ids_ (node-stable)
};

class Encoder {
 public:
  explicit Encoder(StringTable& strings) : strings_(strings) {}

  void u8(std::uint8_t value) { bytes_.push_back(static_cast<char>(value)); }
  void u32(std::uint32_t value) {
    for (int shift = 0; shift < 32; shift += 8) u8(static_cast<std::uint8_t>(value >> shift));
  }
  void u64(std::uint64_t value) {
    for (int shift = 0; shift < 64; shift += 8) u8(static_cast<std::uint8_t>(value >> shift));
  }
  void count(std::size_t value) { u32(checked_u32(value, "a list")); }
  void str(const std::string& text) { u32(strings_.id(text)); }
  void flag(bool value) { u8(value ? 1 : 0); }
  template <typename Enum>
  void enumeration(Enum value) {
    u8(static_cast<std::uint8_t>(value));
  }

  void attributes(const SourcedAttributes& attributes) {
    enumeration(attributes.value.name);
    enumeration(attributes.value.data);
    enumeration(attributes.value.dependency_class);
    for (const AttributeSource source : attributes.sources) enumeration(source);
  }

  void field(const Field& field) {
    str(field.layout.name);
    str(field.layout.type);
    u32(field.layout.offset);
    u32(field.layout.size);
    flag(field.layout.is_signed);
    enumeration(field.layout.kind);
    flag(field.layout.relative);
    flag(field.documented);
    str(field.description);
    attributes(field.stability);
    str(field.rationale);
    flag(field.value_names.has_value());
    if (field.value_names) {
      enumeration(field.value_names->style);
      str(field.value_names->delimiter);
      count(field.value_names->names.size());
      for (const auto& [value, name] : field.value_names->names) {
        u64(value);
        str(name);
      }
    }
  }

  void fields(const std::vector<Field>& fields) {
    count(fields.size());
    for (const Field& each : fields) field(each);
  }

  void strings(const std::vector<std::string>& list) {
    count(list.size());
    for (const std::string& each : list) str(each);
  }

  void event(const Event& event) {
    str(event.provider);
    str(event.name);
    flag(event.documented);
    str(event.description);
    attributes(event.stability);
    str(event.rationale);
    enumeration(event.hazard.level);
    str(event.hazard.reason);
    str(event.hazard.reference);
    str(event.module);
    fields(event.fields);
    strings(event.releases);
    count(event.retired_fields.size());
    for (const RetiredField& retired : event.retired_fields) {
      str(retired.name);
      str(retired.rationale);
      str(retired.successor);
    }
  }

  void provider(const Provider& provider) {
    str(provider.name);
    flag(provider.documented);
    str(provider.description);
    enumeration(provider.provider_stability);
    attributes(provider.stability);
    str(provider.rationale);
    strings(provider.references);
    count(provider.events.size());
    for (const Event& each : provider.events) event(each);
  }

  void catalogue(const Catalogue& catalogue) {
    str(catalogue.release);
    str(catalogue.machine);
    str(catalogue.source);
    fields(catalogue.common_fields);
    count(catalogue.providers.size());
    for (const Provider& each : catalogue.providers) provider(each);
  }

  template <typename Enum>
  void optional_enumeration(const std::optional<Enum>& value) {
    u8(value ? static_cast<std::uint8_t>(*value) : absent);
  }

  void declaration(const StabilityDecl& decl) {
    optional_enumeration(decl.name);
    optional_enumeration(decl.data);
    optional_enumeration(decl.dependency_class);
    str(decl.rationale);
  }

  void layout_changes(const std::vector<LayoutChange>& changes) {
    count(changes.size());
    for (const LayoutChange& change : changes) {
      str(change.from);
      str(change.to);
      str(change.reason);
    }
  }

  void field_docs(const std::vector<FieldDoc>& fields) {
    count(fields.size());
    for (const FieldDoc& field : fields) {
      str(field.name);
      str(field.description);
      declaration(field.stability);
      str(field.successor);
      layout_changes(field.layout_changes);
    }
  }

  void event_doc(const EventDoc& event) {
    str(event.name);
    str(event.description);
    declaration(event.stability);
    flag(event.hazard.has_value());
    const HazardDecl hazard = event.hazard.value_or(HazardDecl{});
    enumeration(hazard.level);
    str(hazard.reason);
    str(hazard.reference);
    field_docs(event.fields);
    str(event.successor);
    layout_changes(event.layout_changes);
  }

  void docs(const CatalogueDocs& docs) {
    field_docs(docs.common.fields);
    count(docs.providers.size());
    for (const ProviderDoc& provider : docs.providers) {
      str(provider.name);
      str(provider.description);
      optional_enumeration(provider.provider_stability);
      declaration(provider.stability);
      strings(provider.references);
      count(provider.events.size());
      for (const EventDoc& event : provider.events) event_doc(event);
    }
    count(docs.event_releases.size());
    for (const auto& [event, releases] : docs.event_releases) {
      str(event.first);
      str(event.second);
      strings(releases);
    }
  }

  std::string& bytes() { return bytes_; }

  static std::uint32_t checked_u32(std::size_t value, const char* what) {
    if (value > std::numeric_limits<std::uint32_t>::max()) {
      throw IndexError(std::string("catalogue index: ") + what + " is too large for the index format");
    }
    return static_cast<std::uint32_t>(value);
  }

 private:
  StringTable& strings_;
  std::string bytes_;
};

// ---------------------------------------------------------------- decoding

// Reads little-endian values from a byte range, failing with an IndexError
// that names the file on any out-of-range read or value.
class Cursor {
 public:
  Cursor(std::string_view bytes, const std::filesystem::path& file,
         const std::vector<std::string_view>* strings = nullptr)
      : bytes_(bytes), file_(file), strings_(strings) {}

  std::size_t remaining() const { return bytes_.size() - position_; }
  bool at_end() const { return position_ == bytes_.size(); }

  std::uint8_t u8() {
    need(1);
    return static_cast<std::uint8_t>(bytes_[position_++]);
  }
  std::uint32_t u32() { return little_endian<std::uint32_t>(); }
  std::uint64_t u64() { return little_endian<std::uint64_t>(); }
  std::string_view raw(std::size_t length) {
    need(length);
    const std::string_view view = bytes_.substr(position_, length);
    position_ += length;
    return view;
  }
  // A list length, checked against what is left so garbage cannot make us
  // reserve gigabytes: every element takes at least `minimum_element_size` bytes.
  std::size_t count(std::size_t minimum_element_size) {
    const std::uint32_t value = u32();
    if (static_cast<std::uint64_t>(value) * minimum_element_size > remaining()) {
      corrupt("a list of " + std::to_string(value) + " entries runs past the end of its section");
    }
    return value;
  }
  bool flag() {
    const std::uint8_t value = u8();
    if (value > 1) corrupt("a boolean holds " + std::to_string(value));
    return value == 1;
  }
  template <typename Enum>
  Enum enumeration(Enum last, const char* what) {
    const std::uint8_t value = u8();
    if (value > static_cast<std::uint8_t>(last)) {
      corrupt(std::string("invalid ") + what + " " + std::to_string(value));
    }
    return static_cast<Enum>(value);
  }
  std::string str() {
    const std::uint32_t id = u32();
    if (strings_ == nullptr || id >= strings_->size()) {
      corrupt("string id " + std::to_string(id) + " is outside the string table");
    }
    return std::string((*strings_)[id]);
  }

  SourcedAttributes attributes() {
    SourcedAttributes result;
    result.value.name = enumeration(Level::Standard, "stability level");
    result.value.data = enumeration(Level::Standard, "stability level");
    result.value.dependency_class = enumeration(DependencyClass::Common, "dependency class");
    for (AttributeSource& source : result.sources) {
      source = enumeration(AttributeSource::Kernel, "attribute source");
    }
    return result;
  }

  static constexpr std::size_t field_size = 4 * 4 + 4 + 6 + 4 + 4 + 1;
  Field field() {
    Field result;
    result.layout.name = str();
    result.layout.type = str();
    result.layout.offset = u32();
    result.layout.size = u32();
    result.layout.is_signed = flag();
    result.layout.kind = enumeration(FieldKind::DynamicArray, "field kind");
    result.layout.relative = flag();
    result.documented = flag();
    result.description = str();
    result.stability = attributes();
    result.rationale = str();
    if (flag()) {
      ValueNames names;
      names.style = enumeration(ValueNames::Style::Flags, "value-names style");
      names.delimiter = str();
      names.names.resize(count(8 + 4));
      for (auto& [value, name] : names.names) {
        value = u64();
        name = str();
      }
      result.value_names = std::move(names);
    }
    return result;
  }

  std::vector<Field> fields() {
    std::vector<Field> result(count(field_size));
    for (Field& each : result) each = field();
    return result;
  }

  std::vector<std::string> strings() {
    std::vector<std::string> result(count(4));
    for (std::string& each : result) each = str();
    return result;
  }

  static constexpr std::size_t event_size = 4 * 2 + 1 + 4 + 6 + 4 + 1 + 4 * 3 + 4 + 4 + 4;
  Event event() {
    Event result;
    result.provider = str();
    result.name = str();
    result.documented = flag();
    result.description = str();
    result.stability = attributes();
    result.rationale = str();
    result.hazard.level = enumeration(Hazard::Forbidden, "hazard");
    result.hazard.reason = str();
    result.hazard.reference = str();
    result.module = str();
    result.fields = fields();
    result.releases = strings();
    result.retired_fields.resize(count(3 * 4));
    for (RetiredField& retired : result.retired_fields) {
      retired.name = str();
      retired.rationale = str();
      retired.successor = str();
    }
    return result;
  }

  static constexpr std::size_t provider_size = 4 + 1 + 4 + 1 + 6 + 4 + 4 + 4;
  Provider provider() {
    Provider result;
    result.name = str();
    result.documented = flag();
    result.description = str();
    result.provider_stability = enumeration(Level::Standard, "stability level");
    result.stability = attributes();
    result.rationale = str();
    result.references = strings();
    result.events.resize(count(event_size));
    for (Event& each : result.events) each = event();
    return result;
  }

  Catalogue catalogue() {
    Catalogue result;
    result.release = str();
    result.machine = str();
    result.source = str();
    result.common_fields = fields();
    result.providers.resize(count(provider_size));
    for (Provider& each : result.providers) each = provider();
    return result;
  }

  template <typename Enum>
  std::optional<Enum> optional_enumeration(Enum last, const char* what) {
    if (bytes_.substr(position_, 1) == std::string_view("\xff", 1)) {
      ++position_;
      return std::nullopt;
    }
    return enumeration(last, what);
  }

  static constexpr std::size_t declaration_size = 3 + 4;
  StabilityDecl declaration() {
    StabilityDecl decl;
    decl.name = optional_enumeration(Level::Standard, "stability level");
    decl.data = optional_enumeration(Level::Standard, "stability level");
    decl.dependency_class = optional_enumeration(DependencyClass::Common, "dependency class");
    decl.rationale = str();
    return decl;
  }

  std::vector<LayoutChange> layout_changes() {
    std::vector<LayoutChange> changes(count(3 * 4));
    for (LayoutChange& change : changes) {
      change.from = str();
      change.to = str();
      change.reason = str();
    }
    return changes;
  }

  std::vector<FieldDoc> field_docs() {
    std::vector<FieldDoc> fields(count(4 * 2 + declaration_size + 4 + 4));
    for (FieldDoc& field : fields) {
      field.name = str();
      field.description = str();
      field.stability = declaration();
      field.successor = str();
      field.layout_changes = layout_changes();
    }
    return fields;
  }

  EventDoc event_doc() {
    EventDoc event;
    event.name = str();
    event.description = str();
    event.stability = declaration();
    const bool has_hazard = flag();
    HazardDecl hazard;
    hazard.level = enumeration(Hazard::Forbidden, "hazard");
    hazard.reason = str();
    hazard.reference = str();
    if (has_hazard) event.hazard = std::move(hazard);
    event.fields = field_docs();
    event.successor = str();
    event.layout_changes = layout_changes();
    return event;
  }

  CatalogueDocs docs() {
    CatalogueDocs result;
    result.common.fields = field_docs();
    result.providers.resize(count(4 * 2 + 1 + declaration_size + 4 + 4));
    for (ProviderDoc& provider : result.providers) {
      provider.name = str();
      provider.description = str();
      provider.provider_stability = optional_enumeration(Level::Standard, "stability level");
      provider.stability = declaration();
      provider.references = strings();
      provider.events.resize(count(4 * 2 + declaration_size + 1 + 1 + 4 * 2 + 4 * 3));
      for (EventDoc& event : provider.events) event = event_doc();
    }
    const std::size_t events = count(4 * 3);
    for (std::size_t i = 0; i < events; ++i) {
      std::string provider = str();
      std::string event = str();
      result.event_releases[{std::move(provider), std::move(event)}] = strings();
    }
    return result;
  }

  [[noreturn]] void corrupt(const std::string& what) const { fail(file_, "corrupt: " + what); }

 private:
  template <typename Unsigned>
  Unsigned little_endian() {
    need(sizeof(Unsigned));
    Unsigned value = 0;
    for (std::size_t byte = 0; byte < sizeof(Unsigned); ++byte) {
      value |= static_cast<Unsigned>(static_cast<unsigned char>(bytes_[position_++])) << (8 * byte);
    }
    return value;
  }

  void need(std::size_t length) const {
    if (length > remaining()) corrupt("a record runs past the end of its section");
  }

  std::string_view bytes_;
  std::size_t position_ = 0;
  const std::filesystem::path& file_;
  const std::vector<std::string_view>* strings_;
};

std::string read_index_file(const std::filesystem::path& file) {
  const io::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int error = errno;
    if (error == ENOENT) {
      throw IndexError("catalogue index " + file.string() + " does not exist; build it with: " +
                       "probity catalogue build --source catalogue/data -o " + file.string() +
                       " (a build of the source tree does this)");
    }
    fail(file, std::string("cannot open: ") + std::strerror(error));
  }
  struct stat status{};
  if (::fstat(fd.get(), &status) != 0) fail(file, std::string("cannot stat: ") + std::strerror(errno));
  if (!S_ISREG(status.st_mode)) fail(file, "not a regular file");

  std::string bytes(static_cast<std::size_t>(status.st_size), '\0');
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t got = ::read(fd.get(), bytes.data() + filled, bytes.size() - filled);
    if (got < 0) {
      if (errno == EINTR) continue;
      fail(file, std::string("cannot read: ") + std::strerror(errno));
    }
    if (got == 0) {
      bytes.resize(filled);  // shrank while we read; the size check below reports it
      break;
    }
    filled += static_cast<std::size_t>(got);
  }
  return bytes;
}

}  // namespace

// ---------------------------------------------------------------- writing

namespace {
void write_any_index(const std::vector<Catalogue>& catalogues, const CatalogueDocs* docs,
                     const std::string& content_hash, const std::filesystem::path& file);
}  // namespace

void write_index(const std::vector<Catalogue>& catalogues, const std::string& content_hash,
                 const std::filesystem::path& file) {
  write_any_index(catalogues, nullptr, content_hash, file);
}

void write_index(const std::vector<Catalogue>& catalogues, const CatalogueDocs& docs,
                 const std::string& content_hash, const std::filesystem::path& file) {
  write_any_index(catalogues, &docs, content_hash, file);
}

namespace {
void write_any_index(const std::vector<Catalogue>& catalogues, const CatalogueDocs* docs,
                     const std::string& content_hash, const std::filesystem::path& file) {
  StringTable strings;
  const std::uint32_t hash_id = strings.id(content_hash);

  struct Blob {
    std::uint32_t release;
    std::string bytes;
  };
  std::vector<Blob> blobs;
  for (const Catalogue& catalogue : catalogues) {
    for (const Blob& existing : blobs) {
      if (*strings.strings()[existing.release] == catalogue.release) {
        throw IndexError("catalogue index " + file.string() + ": release " + catalogue.release +
                         " is given twice");
      }
    }
    Encoder encoder(strings);
    encoder.catalogue(catalogue);
    blobs.push_back({strings.id(catalogue.release), std::move(encoder.bytes())});
  }

  Encoder docs_blob(strings);
  if (docs != nullptr) docs_blob.docs(*docs);

  Encoder table(strings);
  table.count(strings.strings().size());
  for (const std::string* text : strings.strings()) {
    table.count(text->size());
    table.bytes() += *text;
  }

  Encoder out(strings);
  std::string& bytes = out.bytes();
  bytes.append(magic);
  out.u32(format_version);
  out.u32(0);
  const std::size_t file_size_at = bytes.size();
  out.u64(0);  // patched below
  const std::size_t offsets_at = bytes.size();
  out.u32(0);  // string table offset, size; directory offset, size: patched below
  out.u32(0);
  out.u32(0);
  out.u32(0);
  out.u32(hash_id);
  out.u32(0);  // docs offset, size: patched below
  out.u32(0);

  const std::size_t table_offset = bytes.size();
  bytes += table.bytes();
  const std::size_t docs_offset = docs != nullptr ? bytes.size() : 0;
  bytes += docs_blob.bytes();
  std::vector<std::pair<std::size_t, std::size_t>> placed;
  for (const Blob& blob : blobs) {
    placed.emplace_back(bytes.size(), blob.bytes.size());
    bytes += blob.bytes;
  }
  const std::size_t directory_offset = bytes.size();
  out.count(blobs.size());
  for (std::size_t i = 0; i < blobs.size(); ++i) {
    out.u32(blobs[i].release);
    out.u32(Encoder::checked_u32(placed[i].first, "the index"));
    out.u32(Encoder::checked_u32(placed[i].second, "a release"));
  }
  const std::size_t directory_size = bytes.size() - directory_offset;

  const auto patch = [&](std::size_t at, std::uint64_t value, int width) {
    for (int i = 0; i < width; ++i) bytes[at + static_cast<std::size_t>(i)] = static_cast<char>(value >> (8 * i));
  };
  patch(file_size_at, bytes.size() + trailer_size, 8);
  patch(offsets_at, Encoder::checked_u32(table_offset, "the index"), 4);
  patch(offsets_at + 4, Encoder::checked_u32(table.bytes().size(), "the string table"), 4);
  patch(offsets_at + 8, Encoder::checked_u32(directory_offset, "the index"), 4);
  patch(offsets_at + 12, Encoder::checked_u32(directory_size, "the directory"), 4);
  patch(offsets_at + 20, Encoder::checked_u32(docs_offset, "the index"), 4);
  patch(offsets_at + 24, Encoder::checked_u32(docs_blob.bytes().size(), "the docs"), 4);
  out.u64(fnv1a(bytes));

  // All at once, so that a reader never sees half a file.
  try {
    io::write_file_atomically(file, bytes);
  } catch (const io::FileError& error) {
    throw IndexError("cannot write catalogue index " + file.string() + ": " + error.reason());
  }
}

}  // namespace

// ---------------------------------------------------------------- reading

struct Index::Impl {
  struct Entry {
    std::string release;
    std::size_t offset;
    std::size_t size;
  };

  std::filesystem::path file;
  std::string bytes;  // the whole file; `strings` points into it
  std::vector<std::string_view> strings;
  std::string content_hash;
  std::vector<Entry> directory;  // sorted by release as a version
  std::size_t docs_offset = 0;
  std::size_t docs_size = 0;
};

Index::Index(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Index::~Index() = default;
Index::Index(Index&&) noexcept = default;
Index& Index::operator=(Index&&) noexcept = default;

Index Index::open(const std::filesystem::path& file) {
  auto impl = std::make_unique<Impl>();
  impl->file = file;
  impl->bytes = read_index_file(file);
  const std::string_view bytes = impl->bytes;

  if (bytes.empty()) fail(file, "the file is empty");
  if (bytes.substr(0, std::min(bytes.size(), magic.size())) != magic.substr(0, std::min(bytes.size(), magic.size()))) {
    fail(file, "not a probity catalogue index (bad magic number)");
  }
  if (bytes.size() < header_size + trailer_size) {
    fail(file, "truncated: " + std::to_string(bytes.size()) + " bytes is shorter than the header");
  }
  Cursor header(bytes.substr(0, header_size), file);
  header.raw(magic.size());
  const std::uint32_t version = header.u32();
  if (version != format_version) {
    fail(file, "format version " + std::to_string(version) + ", but this probity reads version " +
                   std::to_string(format_version));
  }
  header.u32();
  const std::uint64_t recorded_size = header.u64();
  if (recorded_size != bytes.size()) {
    fail(file, (recorded_size > bytes.size() ? "truncated: " : "trailing bytes: ") +
                   std::to_string(bytes.size()) + " bytes, but the header says " +
                   std::to_string(recorded_size));
  }
  const std::string_view body = bytes.substr(0, bytes.size() - trailer_size);
  Cursor trailer(bytes.substr(body.size()), file);
  if (trailer.u64() != fnv1a(body)) fail(file, "checksum mismatch (the file is corrupt)");

  const std::uint32_t table_offset = header.u32();
  const std::uint32_t table_size = header.u32();
  const std::uint32_t directory_offset = header.u32();
  const std::uint32_t directory_size = header.u32();
  const std::uint32_t hash_id = header.u32();
  const std::uint32_t docs_offset = header.u32();
  const std::uint32_t docs_size = header.u32();
  const auto section = [&](std::uint32_t offset, std::uint32_t size, const char* what) {
    if (offset < header_size || offset > body.size() || size > body.size() - offset) {
      fail(file, std::string("corrupt: the ") + what + " lies outside the file");
    }
    return body.substr(offset, size);
  };

  Cursor table(section(table_offset, table_size, "string table"), file);
  impl->strings.resize(table.count(4));
  for (std::string_view& text : impl->strings) text = table.raw(table.u32());
  if (!table.at_end()) table.corrupt("bytes after the string table");

  Cursor directory(section(directory_offset, directory_size, "release directory"), file,
                   &impl->strings);
  if (hash_id >= impl->strings.size()) fail(file, "corrupt: the content hash is outside the string table");
  impl->content_hash = std::string(impl->strings[hash_id]);
  impl->directory.resize(directory.count(12));
  for (Impl::Entry& entry : impl->directory) {
    entry.release = directory.str();
    entry.offset = directory.u32();
    entry.size = directory.u32();
    section(static_cast<std::uint32_t>(entry.offset), static_cast<std::uint32_t>(entry.size),
            "data of a release");
  }
  if (!directory.at_end()) directory.corrupt("bytes after the release directory");
  if (docs_offset != 0 || docs_size != 0) {
    section(docs_offset, docs_size, "docs");
    impl->docs_offset = docs_offset;
    impl->docs_size = docs_size;
  }
  std::sort(impl->directory.begin(), impl->directory.end(),
            [](const Impl::Entry& a, const Impl::Entry& b) { return release_less(a.release, b.release); });
  return Index(std::move(impl));
}

const std::string& Index::content_hash() const { return impl_->content_hash; }

std::vector<std::string> Index::releases() const {
  std::vector<std::string> result;
  result.reserve(impl_->directory.size());
  for (const Impl::Entry& entry : impl_->directory) result.push_back(entry.release);
  return result;
}

bool Index::has_release(const std::string& release) const {
  return std::any_of(impl_->directory.begin(), impl_->directory.end(),
                     [&](const Impl::Entry& entry) { return entry.release == release; });
}

Catalogue Index::load(const std::string& release) const {
  const auto entry = std::find_if(impl_->directory.begin(), impl_->directory.end(),
                                  [&](const Impl::Entry& each) { return each.release == release; });
  if (entry == impl_->directory.end()) {
    std::string known;
    for (const Impl::Entry& each : impl_->directory) known += (known.empty() ? "" : ", ") + each.release;
    throw IndexError("catalogue index " + impl_->file.string() + " has no release \"" + release +
                     "\"; catalogued: " + (known.empty() ? "none" : known));
  }
  Cursor cursor(std::string_view(impl_->bytes).substr(entry->offset, entry->size), impl_->file,
                &impl_->strings);
  Catalogue catalogue = cursor.catalogue();
  if (!cursor.at_end()) cursor.corrupt("bytes after the catalogue of " + release);
  if (catalogue.release != release) {
    cursor.corrupt("the directory entry " + release + " holds release " + catalogue.release);
  }
  return catalogue;
}

bool Index::has_docs() const { return impl_->docs_offset != 0; }

CatalogueDocs Index::docs() const {
  if (!has_docs()) {
    throw IndexError("catalogue index " + impl_->file.string() +
                     " carries no docs to describe an uncatalogued kernel with; " + rebuild_hint(impl_->file));
  }
  Cursor cursor(std::string_view(impl_->bytes).substr(impl_->docs_offset, impl_->docs_size), impl_->file,
                &impl_->strings);
  CatalogueDocs docs = cursor.docs();
  if (!cursor.at_end()) cursor.corrupt("bytes after the docs");
  return docs;
}

// ---------------------------------------------------------------- source hash

std::string hash_sources(const std::filesystem::path& root) {
  std::error_code error;
  if (!std::filesystem::is_directory(root, error)) {
    throw IndexError("catalogue source directory " + root.string() + " does not exist or is not a directory");
  }
  std::vector<std::filesystem::path> files;
  for (std::filesystem::recursive_directory_iterator it(root, error), end; !error && it != end;
       it.increment(error)) {
    if (it->is_regular_file(error) && it->path().extension() == ".yaml") {
      files.push_back(std::filesystem::relative(it->path(), root));
    }
  }
  if (error) {
    throw IndexError("cannot read catalogue source directory " + root.string() + ": " + error.message());
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
    return a.generic_string() < b.generic_string();
  });

  std::uint64_t hash = fnv_offset_basis;
  for (const std::filesystem::path& relative : files) {
    const std::string name = relative.generic_string();
    hash = fnv1a(name, hash);
    hash = fnv1a(std::string_view("\0", 1), hash);
    std::ifstream stream(root / relative, std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
    if (!stream && !stream.eof()) {
      throw IndexError("cannot read catalogue source " + (root / relative).string());
    }
    // The length keeps file boundaries unambiguous.
    const std::string length = std::to_string(content.size());
    hash = fnv1a(length, hash);
    hash = fnv1a(std::string_view("\0", 1), hash);
    hash = fnv1a(content, hash);
  }
  return hex16(hash);
}

std::string hash_bytes(std::string_view bytes) { return hex16(fnv1a(bytes)); }

}  // namespace probity::catalogue
