#include "text_output.hpp"

#include "interpreter.hpp"

namespace probity::consumer {

std::string TextOutput::probe(const Firing& firing) {
  std::string text;
  header_before_last_probe_ = header_printed_;
  if (!header_printed_) {
    text += printf_string("%3s %6s %32s\n", "CPU", "ID", "FUNCTION:NAME");
    header_printed_ = true;
  }
  const std::string where = firing.record != nullptr
                                ? std::string(firing.provider) + ":" + std::string(firing.name)
                                : ":" + std::string(firing.name);
  text += printf_string("%3u %6d %32s ", firing.cpu, firing.probe_id, where.c_str());
  return text;
}

std::string TextOutput::printf(const Firing&, const std::string& text) { return text; }

// DTrace for Linux's widths (dt_print_trace): a signed integer in one column
// wider than its largest value, an unsigned one likewise, a string left
// aligned in 33; quiet, the value alone.
std::string TextOutput::trace(const Firing&, const Value& value, const compiler::ValueType& type) {
  if (type.kind == compiler::ValueKind::Stack) return format_stack(value.text);
  if (value.is_string) return quiet_ ? value.text : printf_string("  %-33s", value.text.c_str());
  const std::uint8_t size = type.size;
  if (type.is_signed) {
    const long long shown = size == 1   ? static_cast<std::int8_t>(value.integer)
                            : size == 2 ? static_cast<std::int16_t>(value.integer)
                            : size == 4 ? static_cast<std::int32_t>(value.integer)
                                        : static_cast<long long>(value.integer);
    const int width = size == 1 ? 3 : size == 2 ? 5 : size == 4 ? 10 : 19;
    return quiet_ ? std::to_string(shown) : printf_string(" %*lld", width, shown);
  }
  const unsigned long long shown = size == 1   ? static_cast<std::uint8_t>(value.integer)
                                   : size == 2 ? static_cast<std::uint16_t>(value.integer)
                                   : size == 4 ? static_cast<std::uint32_t>(value.integer)
                                               : static_cast<unsigned long long>(value.integer);
  const int width = size == 1 ? 3 : size == 2 ? 5 : size == 4 ? 10 : 20;
  return quiet_ ? std::to_string(shown) : printf_string(" %*llu", width, shown);
}

std::string TextOutput::aggregation(const Aggregations& aggregations, std::uint32_t aggregation, SortOrder order) {
  return print_aggregation(aggregations, aggregation, order);
}

std::string TextOutput::at_exit(const Aggregations& aggregations, std::span<const std::uint32_t> unprinted,
                                SortOrder order) {
  return print_at_exit(aggregations, unprinted, order);
}

std::string TextOutput::printa(const Aggregations& aggregations, Printer& printer,
                               const std::vector<compiler::FormatPiece>& format,
                               std::span<const std::uint32_t> printed, SortOrder order) {
  return consumer::printa(aggregations, printer, format, printed, order);
}

void TextOutput::drops(const DropReport& report, std::ostream& out, std::ostream& err) {
  out.flush();
  for (const NewDrops& cpu : report.ring) {
    err << "probity: " << cpu.count << " drops on CPU " << cpu.cpu << "\n";
  }
  if (report.dynamic > 0) {
    err << "probity: " << report.dynamic << " dynamic variable drop" << (report.dynamic == 1 ? "" : "s") << "\n";
  }
  if (report.speculative > 0) {
    err << "probity: " << report.speculative << " speculative drop" << (report.speculative == 1 ? "" : "s") << "\n";
  }
  err.flush();
}

}  // namespace probity::consumer
