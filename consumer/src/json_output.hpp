// -f json: newline-delimited JSON, one object per record on the output and
// nothing else there. Strings are escaped per RFC 8259; a byte that is not
// part of valid UTF-8 is written as \u00XX (the byte's value as a code
// point), so no input is lost and the output is always valid UTF-8. Integers
// are written exactly, unsigned 64-bit values above 2^63 included.
//
//   {"type":"probe","cpu":1,"id":312,"probe":"syscalls:sys_enter_getppid"}
//   {"type":"printf","probe":"...","cpu":1,"timestamp":123,"text":"..."}
//   {"type":"trace","probe":"...","cpu":1,"timestamp":123,"value":42}
//   {"type":"aggregation","name":"@","function":"count","entries":[{"keys":["bash"],"value":12}]}
//   {"type":"drops","cpu":1,"count":1234} / {"type":"drops","kind":"dynvar","count":2}
#pragma once

#include <string>
#include <string_view>

#include "output_format.hpp"
#include "probity/io/json.hpp"

namespace probity::consumer {

using io::json_string;

class JsonOutput final : public OutputFormat {
 public:
  std::string probe(const Firing& firing) override;
  std::string probe_end() override { return {}; }
  std::string printf(const Firing& firing, const std::string& text) override;
  std::string trace(const Firing& firing, const Value& value, const compiler::ValueType& type) override;
  std::string aggregation(const Aggregations& aggregations, std::uint32_t aggregation, SortOrder order) override;
  // One aggregation object per aggregation.
  std::string at_exit(const Aggregations& aggregations, std::span<const std::uint32_t> unprinted,
                      SortOrder order) override;
  // The format is not applied: one aggregation object per aggregation printed.
  std::string printa(const Aggregations& aggregations, Printer& printer,
                     const std::vector<compiler::FormatPiece>& format, std::span<const std::uint32_t> printed,
                     SortOrder order) override;
  void drops(const DropReport& report, std::ostream& out, std::ostream& err) override;
};

}  // namespace probity::consumer
