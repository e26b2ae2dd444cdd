// How a run's output is rendered: DTrace's text shapes (text_output.hpp) or
// one JSON object per line (json_output.hpp). The interpreter and the runner
// hand every record they produce to this interface and never look at the
// format themselves.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "aggregation.hpp"
#include "aggregation_print.hpp"
#include "printf.hpp"
#include "probity/compiler/format.hpp"
#include "probity/consumer/drops.hpp"
#include "value.hpp"

namespace probity::consumer {

struct Firing;

// What was lost since the last report.
struct DropReport {
  std::vector<NewDrops> ring;        // per CPU, from the ring buffers
  std::uint64_t dynamic = 0;         // dynamic-variable stores refused
  std::uint64_t speculative = 0;     // speculations refused or lost
};

class OutputFormat {
 public:
  virtual ~OutputFormat() = default;

  // Rendered text; the interpreter appends it to the output or to a speculation.
  // Before the first record of a firing when not quiet ("CPU ID FUNCTION:NAME").
  virtual std::string probe(const Firing& firing) = 0;
  // After a firing whose probe() was rendered.
  virtual std::string probe_end() = 0;
  // The text of the last probe() was dropped (its clause failed and what it
  // recorded is discarded): the next probe() renders as that one would have.
  virtual void retract_probe() {}
  virtual std::string printf(const Firing& firing, const std::string& text) = 0;
  virtual std::string trace(const Firing& firing, const Value& value, const compiler::ValueType& type) = 0;
  // printa(@a) and the printing at exit.
  virtual std::string aggregation(const Aggregations& aggregations, std::uint32_t aggregation, SortOrder order) = 0;
  // The aggregations printed when the run ends (those printa() did not print).
  virtual std::string at_exit(const Aggregations& aggregations, std::span<const std::uint32_t> unprinted,
                              SortOrder order) = 0;
  // printa(format, @a, ...).
  virtual std::string printa(const Aggregations& aggregations, Printer& printer,
                             const std::vector<compiler::FormatPiece>& format, std::span<const std::uint32_t> printed,
                             SortOrder order) = 0;

  // Losses go to `out` or `err` as the format wants; both are flushed.
  virtual void drops(const DropReport& report, std::ostream& out, std::ostream& err) = 0;
};

}  // namespace probity::consumer
