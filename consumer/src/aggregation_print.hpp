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

// The end of a run as dtrace prints it: a blank line (always, even in quiet
// mode and with no aggregation), then the entries of every aggregation not
// printed before, one aggregation after another with no blank line between.
std::string print_at_exit(const Aggregations& aggregations, std::span<const std::uint32_t> unprinted,
                          SortOrder order);

// printa(format, @a, @b, ...): per entry of @a, the format with the keys as
// its arguments and %@ taking the values of @a, @b, ... in turn.
std::string printa(const Aggregations& aggregations, Printer& printer, const std::vector<compiler::FormatPiece>& format,
                   std::span<const std::uint32_t> printed, SortOrder order);

// The value of one entry: " %16lld" for the scalar functions, the table for
// the quantize family.
std::string format_datum(const Aggregations& aggregations, std::uint32_t aggregation, const AggregationState& state);

// The rows of a quantize-family distribution DTrace prints: from the first
// to the last non-zero bucket with a zero row either side; a fixed pair of
// rows when every bucket is zero.
struct BucketRange {
  std::size_t first = 0;
  std::size_t last = 0;
};
BucketRange printed_buckets(const Aggregations& aggregations, std::uint32_t aggregation, const AggregationState& state);

// The smallest value bucket `bucket` counts (INT64_MIN for the underflow
// bucket of lquantize and llquantize).
std::int64_t bucket_lower_bound(const Aggregations& aggregations, std::uint32_t aggregation,
                                const AggregationState& state, std::size_t bucket);

// A scalar aggregation's value as printed (normalized; avg and stddev as integers).
std::int64_t scalar_value(const Aggregations& aggregations, std::uint32_t aggregation, const AggregationState& state);

}  // namespace probity::consumer
