// Kernel addresses to "symbol+0xoffset" through /proc/kallsyms, read once on
// first use (printf's %a, stack()).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace probity::consumer {

class KernelSymbols {
 public:
  // "schedule+0x4a", "nf_tables`nft_do_chain+0x1c0", or "0xffffffff8100" when unknown.
  std::string symbolise(std::uint64_t address, bool with_offset = true);

  // stack()'s value: the frames of a kernel_stack record, innermost first,
  // one symbolised frame per line, without the tracing machinery's own
  // frames (trace_event_raw_event_*, __traceiter_*, ...) at the top.
  // At most `depth` frames when given (stack(N)).
  std::string stack(const std::vector<std::uint64_t>& frames, std::optional<std::size_t> depth = std::nullopt);

 private:
  struct Symbol {
    std::uint64_t address;
    std::string name;
  };
  void load();
  bool loaded_ = false;
  std::vector<Symbol> symbols_;  // sorted by address
};

// A stack() value laid out as DTrace prints one: each frame on its own line,
// indented `indent` columns, after a newline.
std::string format_stack(const std::string& stack, int indent = 14);

// A stack() value as its frames.
std::vector<std::string> stack_frames(const std::string& stack);

}  // namespace probity::consumer
