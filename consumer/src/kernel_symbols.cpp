#include "kernel_symbols.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace probity::consumer {

void KernelSymbols::load() {
  loaded_ = true;
  std::ifstream kallsyms("/proc/kallsyms");
  std::string line;
  while (std::getline(kallsyms, line)) {
    std::istringstream fields(line);
    std::string address, type, name, module;
    if (!(fields >> address >> type >> name)) continue;
    fields >> module;
    const std::uint64_t value = std::stoull(address, nullptr, 16);
    if (value == 0) continue;  // addresses hidden (kptr_restrict)
    if (!module.empty()) name = module.substr(1, module.size() - 2) + "`" + name;
    symbols_.push_back({value, std::move(name)});
  }
  std::sort(symbols_.begin(), symbols_.end(), [](const Symbol& a, const Symbol& b) { return a.address < b.address; });
}

std::string KernelSymbols::symbolise(std::uint64_t address, bool with_offset) {
  if (!loaded_) load();
  char hex[32];
  std::snprintf(hex, sizeof hex, "0x%llx", static_cast<unsigned long long>(address));
  const auto after = std::upper_bound(symbols_.begin(), symbols_.end(), address,
                                      [](std::uint64_t value, const Symbol& symbol) { return value < symbol.address; });
  if (after == symbols_.begin()) return hex;
  const Symbol& symbol = *(after - 1);
  const std::uint64_t offset = address - symbol.address;
  if (offset == 0 || !with_offset) return symbol.name;
  std::snprintf(hex, sizeof hex, "+0x%llx", static_cast<unsigned long long>(offset));
  return symbol.name + hex;
}

}  // namespace probity::consumer
