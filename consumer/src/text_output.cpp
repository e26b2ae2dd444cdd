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
                                : ":" + std::string(firing.provider);
  text += printf_string("%3u %6d %32s ", firing.cpu, firing.probe_id, where.c_str());
  return text;
}

std::string TextOutput::printf(const Firing&, const std::string& text) { return text; }

std::string TextOutput::trace(const Firing&, const Value& value, const compiler::ValueType& type) {
  if (type.kind == compiler::ValueKind::Stack) return format_stack(value.text);
  if (value.is_string) return "  " + value.text;
  const int width = type.size == 1 ? 3 : type.size == 2 ? 5 : type.size == 4 ? 8 : 16;
  return printf_string(" %*lld", width, static_cast<long long>(value.integer));
}

std::string TextOutput::aggregation(const Aggregations& aggregations, std::uint32_t aggregation, SortOrder order) {
  return print_aggregation(aggregations, aggregation, order);
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
