#include "kernel_symbols.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string_view>

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

namespace {

// Frames of the tracepoint machinery itself, above the code that hit the
// tracepoint: the stacktrace trigger records them, DTrace's stack() would not.
bool is_tracing_frame(std::string_view symbol) {
  for (std::string_view prefix : {"trace_event_raw_event_", "__traceiter_", "__probestub_", "ftrace_syscall_",
                                  "perf_trace_", "trace_call_bpf", "event_triggers_", "__trace_stack",
                                  "stacktrace_trigger", "trace_event_buffer_"}) {
    if (symbol.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace

std::string KernelSymbols::stack(const std::vector<std::uint64_t>& frames, std::optional<std::size_t> depth) {
  std::string text;
  bool skipping = true;
  std::size_t kept = 0;
  for (const std::uint64_t address : frames) {
    if (depth && kept == *depth) break;
    if (address == 0 || address == ~std::uint64_t{0}) continue;
    std::string frame = symbolise(address);
    if (skipping && is_tracing_frame(frame)) continue;
    skipping = false;
    ++kept;
    if (!text.empty()) text += '\n';
    text += frame;
  }
  return text;
}

std::vector<std::string> stack_frames(const std::string& stack) {
  std::vector<std::string> frames;
  std::size_t start = 0;
  while (start < stack.size()) {
    std::size_t end = stack.find('\n', start);
    if (end == std::string::npos) end = stack.size();
    frames.push_back(stack.substr(start, end - start));
    start = end + 1;
  }
  return frames;
}

std::string format_stack(const std::string& stack, int indent) {
  std::string text = "\n";
  for (const std::string& frame : stack_frames(stack)) {
    text.append(static_cast<std::size_t>(indent), ' ');
    text += frame;
    text += '\n';
  }
  return text;
}

}  // namespace probity::consumer
