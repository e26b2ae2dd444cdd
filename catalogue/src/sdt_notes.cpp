#include "probity/catalogue/sdt_notes.hpp"

#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <libelf.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>

#include "probity/catalogue/probe_pattern.hpp"
#include "probity/io/unique_fd.hpp"
#include "probity/io/invoking_user.hpp"

namespace probity::catalogue {
namespace {

// NT_STAPSDT notes are owned by "stapsdt" and have type 3.
constexpr std::string_view note_owner = "stapsdt";
constexpr std::uint32_t note_type_stapsdt = 3;

std::string hex(std::uint64_t value) {
  std::array<char, 20> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value, 16).ptr;
  return "0x" + std::string(digits.data(), end);
}

// The registers of an x86-64 operand and the names the kernel's uprobe
// fetch arguments use for them (regs_query_register_offset). The high-byte
// registers (%ah ...) have no name there: they stay unsupported.
struct RegisterName {
  std::string_view gas;
  std::string_view kernel;
};
constexpr std::array x86_64_registers{
    RegisterName{"rax", "ax"},   RegisterName{"eax", "ax"},   RegisterName{"ax", "ax"},    RegisterName{"al", "ax"},
    RegisterName{"rbx", "bx"},   RegisterName{"ebx", "bx"},   RegisterName{"bx", "bx"},    RegisterName{"bl", "bx"},
    RegisterName{"rcx", "cx"},   RegisterName{"ecx", "cx"},   RegisterName{"cx", "cx"},    RegisterName{"cl", "cx"},
    RegisterName{"rdx", "dx"},   RegisterName{"edx", "dx"},   RegisterName{"dx", "dx"},    RegisterName{"dl", "dx"},
    RegisterName{"rsi", "si"},   RegisterName{"esi", "si"},   RegisterName{"si", "si"},    RegisterName{"sil", "si"},
    RegisterName{"rdi", "di"},   RegisterName{"edi", "di"},   RegisterName{"di", "di"},    RegisterName{"dil", "di"},
    RegisterName{"rbp", "bp"},   RegisterName{"ebp", "bp"},   RegisterName{"bp", "bp"},    RegisterName{"bpl", "bp"},
    RegisterName{"rsp", "sp"},   RegisterName{"esp", "sp"},   RegisterName{"sp", "sp"},    RegisterName{"spl", "sp"},
    RegisterName{"rip", "ip"},
};

// "r8".."r15" with an optional d/w/b suffix (r8d, r8w, r8b).
std::optional<std::string> numbered_register(std::string_view name) {
  if (name.size() < 2 || name[0] != 'r') return std::nullopt;
  std::size_t digits = 1;
  while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') ++digits;
  const std::string_view number = name.substr(1, digits - 1);
  const std::string_view suffix = name.substr(digits);
  if (number != "8" && number != "9" && number != "10" && number != "11" && number != "12" && number != "13" &&
      number != "14" && number != "15") {
    return std::nullopt;
  }
  if (!suffix.empty() && suffix != "d" && suffix != "w" && suffix != "b") return std::nullopt;
  return "r" + std::string(number);
}

std::optional<std::string> kernel_register(std::string_view gas_name) {
  for (const RegisterName& name : x86_64_registers) {
    if (name.gas == gas_name) return std::string(name.kernel);
  }
  return numbered_register(gas_name);
}

// A decimal or 0x-prefixed hexadecimal integer with an optional sign.
std::optional<std::int64_t> parse_integer(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  std::uint64_t magnitude = 0;
  if (text.empty()) return std::nullopt;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), magnitude, base);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return negative ? -static_cast<std::int64_t>(magnitude) : static_cast<std::int64_t>(magnitude);
}

std::string signed_offset(std::int64_t value) {
  return (value < 0 ? "-" : "+") + std::to_string(value < 0 ? -static_cast<std::uint64_t>(value)
                                                          : static_cast<std::uint64_t>(value));
}

SdtArgument unsupported(SdtArgument argument, std::string problem) {
  argument.kind = SdtArgument::Kind::Unsupported;
  argument.fetcharg.clear();
  argument.problem = std::move(problem);
  return argument;
}

// "sym", "sym+8", "sym-8": a symbol and an addend.
std::pair<std::string_view, std::int64_t> split_addend(std::string_view displacement) {
  const std::size_t sign = displacement.find_first_of("+-", 1);
  if (sign == std::string_view::npos) return {displacement, 0};
  const auto addend = parse_integer(displacement.substr(sign));
  if (!addend) return {displacement, 0};
  return {displacement.substr(0, sign), *addend};
}

// ---- ELF access ----------------------------------------------------------

struct ElfCloser {
  void operator()(Elf* elf) const noexcept { elf_end(elf); }
};
using ElfHandle = std::unique_ptr<Elf, ElfCloser>;

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
  throw SdtError("probity: " + file.string() + ": " + what);
}

std::string elf_problem() {
  const char* message = elf_errmsg(-1);
  return message != nullptr ? message : "unknown libelf error";
}

class ElfFile final : public SdtArgumentContext {
 public:
  explicit ElfFile(const std::filesystem::path& file) : file_(file) {
    if (elf_version(EV_CURRENT) == EV_NONE) fail(file, "libelf is out of date: " + elf_problem());
    fd_ = io::UniqueFd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd_.valid()) {
      fail(file, std::string("cannot open it: ") + std::strerror(errno) + "; give the path of a binary or shared library");
    }
    elf_.reset(elf_begin(fd_.get(), ELF_C_READ, nullptr));
    if (!elf_ || elf_kind(elf_.get()) != ELF_K_ELF) {
      fail(file, "not an ELF file; USDT probes are read from a binary or shared library");
    }
    if (gelf_getehdr(elf_.get(), &header_) == nullptr) fail(file, "unreadable ELF header: " + elf_problem());
    std::size_t count = 0;
    if (elf_getphdrnum(elf_.get(), &count) != 0) fail(file, "unreadable program headers: " + elf_problem());
    for (std::size_t i = 0; i < count; ++i) {
      GElf_Phdr segment{};
      if (gelf_getphdr(elf_.get(), static_cast<int>(i), &segment) == nullptr) {
        fail(file, "unreadable program header " + std::to_string(i) + ": " + elf_problem());
      }
      if (segment.p_type == PT_LOAD) loads_.push_back(segment);
    }
    if (elf_getshdrstrndx(elf_.get(), &section_names_) != 0) fail(file, "unreadable section names: " + elf_problem());
  }

  bool is_x86_64() const { return header_.e_machine == EM_X86_64; }
  bool is_64_bit() const { return header_.e_ident[EI_CLASS] == ELFCLASS64; }
  bool is_native_byte_order() const {
    const std::uint16_t probe = 1;
    const bool little = *reinterpret_cast<const unsigned char*>(&probe) == 1;
    return header_.e_ident[EI_DATA] == (little ? ELFDATA2LSB : ELFDATA2MSB);
  }

  // The file offset of a link-time address, through the PT_LOAD segment
  // that holds it.
  std::optional<std::uint64_t> file_offset(std::uint64_t address) const {
    for (const GElf_Phdr& segment : loads_) {
      if (address >= segment.p_vaddr && address < segment.p_vaddr + segment.p_filesz) {
        return address - segment.p_vaddr + segment.p_offset;
      }
    }
    return std::nullopt;
  }

  template <typename Visit>
  void for_each_section(Visit visit) const {
    for (Elf_Scn* section = elf_nextscn(elf_.get(), nullptr); section != nullptr;
         section = elf_nextscn(elf_.get(), section)) {
      GElf_Shdr header{};
      if (gelf_getshdr(section, &header) == nullptr) continue;
      const char* name = elf_strptr(elf_.get(), section_names_, header.sh_name);
      visit(section, header, std::string_view(name != nullptr ? name : ""));
    }
  }

  std::optional<std::uint64_t> symbol_address(std::string_view name) const override {
    if (!symbols_loaded_) load_symbols();
    const auto found = symbols_.find(std::string(name));
    if (found == symbols_.end()) return std::nullopt;
    return found->second;
  }

 private:
  void load_symbols() const {
    symbols_loaded_ = true;
    for_each_section([&](Elf_Scn* section, const GElf_Shdr& header, std::string_view) {
      if (header.sh_type != SHT_SYMTAB && header.sh_type != SHT_DYNSYM) return;
      Elf_Data* data = elf_getdata(section, nullptr);
      if (data == nullptr || header.sh_entsize == 0) return;
      const std::size_t count = header.sh_size / header.sh_entsize;
      for (std::size_t i = 0; i < count; ++i) {
        GElf_Sym symbol{};
        if (gelf_getsym(data, static_cast<int>(i), &symbol) == nullptr || symbol.st_shndx == SHN_UNDEF) continue;
        const char* symbol_name = elf_strptr(elf_.get(), header.sh_link, symbol.st_name);
        if (symbol_name != nullptr && *symbol_name != '\0') symbols_.emplace(symbol_name, symbol.st_value);
      }
    });
  }

  std::filesystem::path file_;
  io::UniqueFd fd_;
  ElfHandle elf_;
  GElf_Ehdr header_{};
  std::vector<GElf_Phdr> loads_;
  std::size_t section_names_ = 0;
  mutable bool symbols_loaded_ = false;
  mutable std::map<std::string, std::uint64_t, std::less<>> symbols_;
};

// One NT_STAPSDT note's descriptor: three addresses (probe, .stapsdt.base as
// linked, semaphore) of the file's word size, then provider, name and
// arguments, each NUL-terminated.
struct RawNote {
  std::uint64_t address = 0;
  std::uint64_t base = 0;
  std::uint64_t semaphore = 0;
  std::string provider;
  std::string name;
  std::string arguments;
};

std::optional<RawNote> decode_note(const unsigned char* descriptor, std::size_t size, bool is_64_bit) {
  const std::size_t word = is_64_bit ? 8 : 4;
  if (size < 3 * word) return std::nullopt;
  RawNote note;
  const auto read_word = [&](std::size_t index) -> std::uint64_t {
    if (is_64_bit) {
      std::uint64_t value = 0;
      std::memcpy(&value, descriptor + index * word, word);
      return value;
    }
    std::uint32_t value = 0;
    std::memcpy(&value, descriptor + index * word, word);
    return value;
  };
  note.address = read_word(0);
  note.base = read_word(1);
  note.semaphore = read_word(2);
  std::array<std::string*, 3> strings{&note.provider, &note.name, &note.arguments};
  std::size_t position = 3 * word;
  for (std::string* text : strings) {
    const void* end = position < size ? std::memchr(descriptor + position, '\0', size - position) : nullptr;
    if (end == nullptr) return std::nullopt;
    const std::size_t length = static_cast<const unsigned char*>(end) - (descriptor + position);
    text->assign(reinterpret_cast<const char*>(descriptor + position), length);
    position += length + 1;
  }
  if (note.provider.empty() || note.name.empty()) return std::nullopt;
  return note;
}

std::vector<std::string_view> split_spaces(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t start = 0;
  while ((start = text.find_first_not_of(' ', start)) != std::string_view::npos) {
    const std::size_t end = std::min(text.find(' ', start), text.size());
    words.push_back(text.substr(start, end - start));
    start = end;
  }
  return words;
}

}  // namespace

std::string SdtArgument::type() const { return (is_signed ? "s" : "u") + std::to_string(size * 8); }

SdtArgument parse_sdt_argument(std::string_view spec, std::uint64_t site_address, std::uint64_t site_offset,
                               const SdtArgumentContext& context) {
  SdtArgument argument;
  argument.spec = std::string(spec);
  std::string_view operand = spec;
  // "-4@%edi": size and sign; an old (v1) note has no size and means a long.
  if (const std::size_t at = spec.find('@'); at != std::string_view::npos) {
    const auto size = parse_integer(spec.substr(0, at));
    if (!size || (*size != 1 && *size != -1 && *size != 2 && *size != -2 && *size != 4 && *size != -4 &&
                  *size != 8 && *size != -8)) {
      return unsupported(std::move(argument), "size '" + std::string(spec.substr(0, at)) + "' is not 1, 2, 4 or 8");
    }
    argument.is_signed = *size < 0;
    argument.size = static_cast<unsigned>(*size < 0 ? -*size : *size);
    operand = spec.substr(at + 1);
  }
  const std::string type = ":" + argument.type();

  if (operand.starts_with('%')) {
    const auto name = kernel_register(operand.substr(1));
    argument.location = "register " + std::string(operand);
    if (!name) return unsupported(std::move(argument), "a uprobe cannot read register " + std::string(operand));
    argument.kind = SdtArgument::Kind::Register;
    argument.fetcharg = "%" + *name + type;
    return argument;
  }
  if (operand.starts_with('$')) {
    const auto value = parse_integer(operand.substr(1));
    argument.location = "constant " + std::string(operand.substr(1));
    if (!value) return unsupported(std::move(argument), "constant '" + std::string(operand) + "' is not a number");
    argument.kind = SdtArgument::Kind::Immediate;
    argument.fetcharg = "\\" + std::to_string(*value) + type;
    return argument;
  }

  // DISPLACEMENT(BASE): memory.
  argument.location = "memory " + std::string(operand);
  const std::size_t open = operand.find('(');
  if (open == std::string_view::npos || !operand.ends_with(')')) {
    return unsupported(std::move(argument), "operand '" + std::string(operand) + "' is not understood");
  }
  const std::string_view displacement = operand.substr(0, open);
  const std::string_view inside = operand.substr(open + 1, operand.size() - open - 2);
  if (inside.find(',') != std::string_view::npos) {
    return unsupported(std::move(argument), "indexed addressing (" + std::string(inside) + ") has no uprobe fetch argument");
  }
  if (!inside.starts_with('%')) {
    return unsupported(std::move(argument), "operand '" + std::string(operand) + "' is not understood");
  }
  const auto base = kernel_register(inside.substr(1));
  if (!base) return unsupported(std::move(argument), "a uprobe cannot read register " + std::string(inside));
  if (*base == "ip") {
    // NAME(%rip): a variable of this file. The kernel's @+OFFSET is relative
    // to where the probed instruction's page is mapped.
    const auto [symbol, addend] = split_addend(displacement);
    argument.location = "variable " + std::string(displacement);
    if (symbol.empty() || parse_integer(symbol)) {
      return unsupported(std::move(argument), "a %rip-relative operand without a symbol cannot be located");
    }
    const auto address = context.symbol_address(symbol);
    if (!address) {
      return unsupported(std::move(argument), "symbol '" + std::string(symbol) + "' is not in the file's symbol tables");
    }
    argument.kind = SdtArgument::Kind::Global;
    argument.fetcharg = "@+" + hex(*address + static_cast<std::uint64_t>(addend) - (site_address - site_offset)) + type;
    return argument;
  }
  const auto offset = displacement.empty() ? std::optional<std::int64_t>(0) : parse_integer(displacement);
  if (!offset) {
    return unsupported(std::move(argument), "displacement '" + std::string(displacement) + "' is not a number");
  }
  argument.kind = SdtArgument::Kind::Memory;
  argument.fetcharg = signed_offset(*offset) + "(%" + *base + ")" + type;
  return argument;
}

std::vector<SdtProbe> read_sdt_notes(const std::filesystem::path& file) {
  const io::AsInvokingUser as_user;  // a binary a user named: read with their rights
  const ElfFile elf(file);
  std::optional<std::uint64_t> stapsdt_base;
  std::vector<RawNote> notes;
  bool malformed = false;
  elf.for_each_section([&](Elf_Scn* section, const GElf_Shdr& header, std::string_view name) {
    if (name == ".stapsdt.base") stapsdt_base = header.sh_addr;
    if (header.sh_type != SHT_NOTE || name != ".note.stapsdt") return;
    Elf_Data* data = elf_getdata(section, nullptr);
    if (data == nullptr) return;
    GElf_Nhdr note_header{};
    std::size_t name_offset = 0;
    std::size_t descriptor_offset = 0;
    for (std::size_t offset = 0;
         (offset = gelf_getnote(data, offset, &note_header, &name_offset, &descriptor_offset)) > 0;) {
      const auto* bytes = static_cast<const unsigned char*>(data->d_buf);
      const std::string_view owner(reinterpret_cast<const char*>(bytes + name_offset),
                                   note_header.n_namesz > 0 ? note_header.n_namesz - 1 : 0);
      if (note_header.n_type != note_type_stapsdt || owner != note_owner) continue;
      auto note = decode_note(bytes + descriptor_offset, note_header.n_descsz, elf.is_64_bit());
      if (!note) {
        malformed = true;
        continue;
      }
      notes.push_back(std::move(*note));
    }
  });
  if (malformed) fail(file, "a .note.stapsdt note is truncated or malformed; the file may be damaged");
  if (!notes.empty() && !elf.is_native_byte_order()) {
    fail(file, "its byte order is not this machine's; USDT probes are read from native binaries only");
  }

  std::vector<SdtProbe> probes;
  probes.reserve(notes.size());
  for (RawNote& note : notes) {
    SdtProbe probe;
    probe.provider = std::move(note.provider);
    probe.name = std::move(note.name);
    // A prelinked file moved .stapsdt.base; the note holds where it was.
    probe.address = note.address;
    if (stapsdt_base && note.base != 0) probe.address = note.address - note.base + *stapsdt_base;
    const auto offset = elf.file_offset(probe.address);
    if (!offset) {
      fail(file, "probe " + probe.provider + ":" + probe.name + " is at " + hex(probe.address) +
                     ", outside every loadable segment");
    }
    probe.offset = *offset;
    if (note.semaphore != 0) {
      const auto semaphore = elf.file_offset(note.semaphore);
      if (!semaphore) {
        fail(file, "the semaphore of probe " + probe.provider + ":" + probe.name + " is at " + hex(note.semaphore) +
                       ", outside the file's loadable contents");
      }
      probe.semaphore_address = note.semaphore;
      probe.semaphore_offset = *semaphore;
    }
    for (const std::string_view spec : split_spaces(note.arguments)) {
      SdtArgument argument = parse_sdt_argument(spec, probe.address, probe.offset, elf);
      if (!elf.is_x86_64() && argument.kind != SdtArgument::Kind::Unsupported) {
        argument = unsupported(std::move(argument), "only x86-64 argument specs are translated to uprobe fetches");
      }
      probe.arguments.push_back(std::move(argument));
    }
    probes.push_back(std::move(probe));
  }
  return probes;
}

bool UsdtPattern::is_usdt(std::string_view text) {
  if (text.starts_with("usdt:") || text.starts_with("U:")) return true;
  // PROVIDER:MODULE:FUNCTION:NAME with a path as the module; four parts, so
  // that bpftrace's uprobe:/bin/bash:readline is not taken for one.
  const std::size_t first = text.find(':');
  if (first == std::string_view::npos) return false;
  const std::size_t second = text.find(':', first + 1);
  return second != std::string_view::npos && text.find(':', second + 1) != std::string_view::npos &&
         text.substr(first + 1, second - first - 1).find('/') != std::string_view::npos;
}

std::optional<UsdtPattern> UsdtPattern::parse(std::string_view text, std::string* error) {
  const auto reject = [&](std::string message) -> std::optional<UsdtPattern> {
    if (error != nullptr) *error = std::move(message);
    return std::nullopt;
  };
  const std::string quoted = "\"" + std::string(text) + "\"";
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  UsdtPattern pattern;
  if (parts[0] == "usdt" || parts[0] == "U") {
    if (parts.size() < 2 || parts.size() > 4 || parts[1].empty()) {
      return reject("USDT probe description " + quoted +
                    " is not usdt:PATH, usdt:PATH:PROBE or usdt:PATH:PROVIDER:PROBE");
    }
    pattern.path = std::string(parts[1]);
    if (parts.size() == 3) pattern.probe = std::string(parts[2]);
    if (parts.size() == 4) {
      pattern.provider = std::string(parts[2]);
      pattern.probe = std::string(parts[3]);
    }
  } else {
    if (parts.size() != 4 || parts[1].empty() || !(parts[2].empty() || parts[2] == "*")) {
      return reject("USDT probe description " + quoted + " is not PROVIDER:PATH::PROBE");
    }
    pattern.provider = parts[0].empty() ? "*" : std::string(parts[0]);
    pattern.path = std::string(parts[1]);
    pattern.probe = parts[3].empty() ? "*" : std::string(parts[3]);
  }
  for (std::string* glob : {&pattern.provider, &pattern.probe}) {
    if (glob->empty()) *glob = "*";
    if (const auto problem = glob_problem(*glob)) {
      return reject(problem->message + " in USDT probe description " + quoted);
    }
  }
  return pattern;
}

bool UsdtPattern::matches(const SdtProbe& site) const {
  const auto glob_matches = [](const std::string& glob, const std::string& name) {
    return fnmatch(glob.c_str(), name.c_str(), 0) == 0;
  };
  return glob_matches(provider, site.provider) &&
         (glob_matches(probe, site.name) || glob_matches(probe, sdt_d_name(site.name)));
}

namespace {

bool starts_like_elf(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[SELFMAG] = {};
  return in.read(magic, SELFMAG) && std::memcmp(magic, ELFMAG, SELFMAG) == 0;
}

}  // namespace

std::filesystem::path resolve_usdt_binary(std::string_view path) {
  namespace fs = std::filesystem;
  const io::AsInvokingUser as_user;
  std::vector<fs::path> candidates;
  if (path.find('/') != std::string_view::npos) {
    candidates.emplace_back(path);
  } else {
    if (const char* search = std::getenv("PATH")) {
      const std::string_view directories(search);
      for (std::size_t start = 0; start <= directories.size();) {
        const std::size_t colon = std::min(directories.find(':', start), directories.size());
        if (colon > start) candidates.push_back(fs::path(directories.substr(start, colon - start)) / path);
        start = colon + 1;
      }
    }
    for (const char* directory : {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
                                  "/lib", "/usr/lib"}) {
      candidates.push_back(fs::path(directory) / path);
    }
  }
  // A bare name skips what is not an ELF file: a wrapper script earlier in
  // $PATH (pyenv's shims) is not what runs the probes.
  const bool searched = path.find('/') == std::string_view::npos;
  for (const fs::path& candidate : candidates) {
    std::error_code error;
    if (!fs::is_regular_file(candidate, error) || (searched && !starts_like_elf(candidate))) continue;
    const fs::path canonical = fs::canonical(candidate, error);
    if (!error) return canonical;
  }
  if (path.find('/') != std::string_view::npos) {
    std::error_code error;
    (void)fs::status(fs::path(path), error);
    if (error && error != std::errc::no_such_file_or_directory) {
      throw SdtError("probity: " + std::string(path) + ": " + error.message());
    }
    throw SdtError("probity: " + std::string(path) + ": no such file; give the path of a binary or shared library");
  }
  throw SdtError("probity: " + std::string(path) +
                 ": no ELF file of that name in $PATH or the system library directories; give its path");
}

std::string sdt_note_name(std::string_view d_name) {
  std::string name;
  for (const char c : d_name) {
    if (c == '-') {
      name += "__";
    } else {
      name += c;
    }
  }
  return name;
}

std::string sdt_d_name(std::string_view note_name) {
  std::string name(note_name);
  for (std::size_t at; (at = name.find("__")) != std::string::npos;) name.replace(at, 2, "-");
  return name;
}

}  // namespace probity::catalogue
