// User-space statically defined probes (USDT): the `.note.stapsdt` ELF notes
// that <sys/sdt.h> (DTRACE_PROBE*, STAP_PROBE*) compiles into a binary or
// shared library, read with libelf and translated into what tracefs
// uprobe_events takes: file offsets and fetch arguments.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace probity::catalogue {

// The file cannot be opened, is not an ELF file, or its notes are malformed.
// what() names the file and says what is wrong.
class SdtError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One argument of a probe site, as the note spells it ("-4@%edi") and as a
// uprobe fetch argument ("%di:s32").
struct SdtArgument {
  enum class Kind {
    Register,   // -4@%edi: the value is in a register
    Memory,     // 8@-16(%rbp): at a displacement from a register
    Immediate,  // 8@$5: a constant
    Global,     // 8@NBuffers(%rip): a variable of the file, through its symbol
    Unsupported,
  };

  std::string spec;       // as in the note
  unsigned size = 8;      // bytes: 1, 2, 4 or 8
  bool is_signed = false;
  Kind kind = Kind::Unsupported;
  // For the listing: "register %edi", "memory -16(%rbp)", "constant 5",
  // "variable NBuffers".
  std::string location;
  // The tracefs fetch argument with its type, e.g. "%di:s32",
  // "-16(%bp):u64", "\5:u64", "@+0x4020:s64"; empty when the spec cannot be
  // fetched by a uprobe, and then `problem` says why.
  std::string fetcharg;
  std::string problem;

  // "s32", "u64": the fetch type the size and sign give.
  std::string type() const;
};

// One site of a probe: each DTRACE_PROBE expansion is a site, so a probe
// inlined or called from several places has several sites.
struct SdtProbe {
  std::string provider;
  std::string name;  // as in the note: "query__start"
  std::uint64_t address = 0;  // the probe's instruction, link-time address
  std::uint64_t offset = 0;   // the same as a file offset (uprobe_events' PATH:OFFSET)
  // The probe's semaphore (unsigned short that the kernel increments while
  // a uprobe on the site is enabled); 0 when the probe has none.
  std::uint64_t semaphore_address = 0;
  std::uint64_t semaphore_offset = 0;  // uprobe_events' (REF_CTR_OFFSET)
  std::vector<SdtArgument> arguments;
};

// Every probe site of `file` in note order; empty when it has no
// .note.stapsdt. Throws SdtError. A binary is always one a user named, so it
// is read with the rights of the user who ran probity through sudo
// (io::AsInvokingUser), like resolve_usdt_binary's search.
std::vector<SdtProbe> read_sdt_notes(const std::filesystem::path& file);

// The address `address` of a file (its program headers' PT_LOAD segments)
// and the symbols an argument may name; what parse_sdt_argument needs from
// the ELF file.
class SdtArgumentContext {
 public:
  virtual ~SdtArgumentContext() = default;
  // The link-time address of the symbol, nullopt when the file has none.
  virtual std::optional<std::uint64_t> symbol_address(std::string_view name) const = 0;
};

// Parses one argument spec of an x86-64 note. `site_address` and
// `site_offset` place the probe: a kernel `@+OFFSET` fetch is relative to the
// mapping of the probed instruction, so a variable's offset is its address
// minus that mapping's (address - offset) delta, which is not its file
// offset when its segment is mapped at another delta (the data segment of a
// PIE usually is).
SdtArgument parse_sdt_argument(std::string_view spec, std::uint64_t site_address, std::uint64_t site_offset,
                               const SdtArgumentContext& context);

// A USDT probe description: bpftrace's `usdt:PATH`, `usdt:PATH:PROBE` and
// `usdt:PATH:PROVIDER:PROBE`, and DTrace's `PROVIDER:PATH::PROBE` (a module
// part with a '/'), with globs (*, ?, [...]) in the provider and the probe.
// A probe part matches the note's name or its DTrace spelling ("query-start"
// for "query__start").
struct UsdtPattern {
  std::string path;  // as written; resolve_usdt_binary finds the file
  std::string provider = "*";
  std::string probe = "*";

  // Whether `text` is meant as a USDT description (then parse it).
  static bool is_usdt(std::string_view text);
  // nullopt with `error` set when the text is not a well-formed one.
  static std::optional<UsdtPattern> parse(std::string_view text, std::string* error = nullptr);

  bool matches(const SdtProbe& probe) const;
};

// The file a USDT description names, canonical (the kernel binds a uprobe to
// the file's inode): a path with a '/' as it is, a bare name through $PATH
// and then the system library directories. Throws SdtError when none exists.
std::filesystem::path resolve_usdt_binary(std::string_view path);

// DTrace spells the note's double underscore as a dash: "query-start" is
// "query__start". Returns the note's spelling of a D probe name.
std::string sdt_note_name(std::string_view d_name);
// And back: "query__start" is shown as "query-start".
std::string sdt_d_name(std::string_view note_name);

}  // namespace probity::catalogue
