// Printing aggregations as DTrace does (dt_print_agg, dt_print_quantize,
// dt_printa): keys and values in fixed-width columns, the quantize family as
// "value ---- Distribution ---- count" tables of '@' bars, printa formats.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "aggregation.hpp"
#include "printf.hpp"

namespace probity::consumer {

struct SortOrder {
  bool by_key = false;   // aggsortkey
  bool reverse = false;  // aggsortrev
};

// One aggregation in the default format: a blank line, then per entry its
// keys and value (or distribution table).
std::string print_aggregation(const Aggregations& aggregations, std::uint32_t aggregation, SortOrder order);

// printa(format, @a, @b, ...): per entry of @a, the format with the keys as
// its arguments and %@ taking the values of @a, @b, ... in turn.
std::string printa(const Aggregations& aggregations, Printer& printer, const std::vector<compiler::FormatPiece>& format,
                   std::span<const std::uint32_t> printed, SortOrder order);

// The value of one entry: " %16lld" for the scalar functions, the table for
// the quantize family.
std::string format_datum(const Aggregations& aggregations, std::uint32_t aggregation, const AggregationState& state);

}  // namespace probity::consumer
