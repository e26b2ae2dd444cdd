// DTrace's text output: the "CPU ID FUNCTION:NAME" prefix, trace()'s
// fixed-width columns, aggregation tables, drops as notices on stderr.
#pragma once

#include "output_format.hpp"

namespace probity::consumer {

class TextOutput final : public OutputFormat {
 public:
  // Quiet (-q, `#pragma D option quiet`): trace() prints each value as it
  // is, without the columns it has after a "CPU ID FUNCTION:NAME" line.
  explicit TextOutput(bool quiet = false) : quiet_(quiet) {}

  std::string probe(const Firing& firing) override;
  std::string probe_end() override { return "\n"; }
  void retract_probe() override { header_printed_ = header_before_last_probe_; }
  std::string printf(const Firing& firing, const std::string& text) override;
  std::string trace(const Firing& firing, const Value& value, const compiler::ValueType& type) override;
  std::string aggregation(const Aggregations& aggregations, std::uint32_t aggregation, SortOrder order) override;
  std::string at_exit(const Aggregations& aggregations, std::span<const std::uint32_t> unprinted,
                      SortOrder order) override;
  std::string printa(const Aggregations& aggregations, Printer& printer,
                     const std::vector<compiler::FormatPiece>& format, std::span<const std::uint32_t> printed,
                     SortOrder order) override;
  void drops(const DropReport& report, std::ostream& out, std::ostream& err) override;

 private:
  bool quiet_ = false;
  bool header_printed_ = false;
  bool header_before_last_probe_ = false;
};

}  // namespace probity::consumer
