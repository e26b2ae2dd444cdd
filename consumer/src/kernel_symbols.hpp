// Kernel addresses to "symbol+0xoffset" through /proc/kallsyms, read once on
// first use (printf's %a, stack()).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace probity::consumer {

class KernelSymbols {
 public:
  // "schedule+0x4a", "[nf_tables]nft_do_chain+0x1c0", or "0xffffffff8100" when unknown.
  std::string symbolise(std::uint64_t address, bool with_offset = true);

 private:
  struct Symbol {
    std::uint64_t address;
    std::string name;
  };
  void load();
  bool loaded_ = false;
  std::vector<Symbol> symbols_;  // sorted by address
};

}  // namespace probity::consumer
