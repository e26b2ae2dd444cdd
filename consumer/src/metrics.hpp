// A program's aggregations as Prometheus metric families (DTrace's
// aggregations, read by a scraper instead of printed at exit):
//   count() and sum()             counter, or gauge when the program clears,
//                                 truncates or normalizes it
//   min, max, avg, stddev         gauge
//   quantize, lquantize, llquantize  histogram, DTrace's buckets as `le`
// named probity_NAME (probity_NAME_total for a counter), with one label per
// aggregation key, named after the key's expression (execname, args->sig:
// sig, a variable: its name; key0, key1, ... otherwise).
#pragma once

#include <prometheus/metric_family.h>

#include <string>
#include <vector>

#include "aggregation.hpp"
#include "probity/compiler/program.hpp"

namespace probity::consumer {

std::vector<prometheus::MetricFamily> metric_families(const compiler::Program& program,
                                                      const Aggregations& aggregations);

// [a-zA-Z_:][a-zA-Z0-9_:]*: anything else becomes '_'.
std::string metric_name(const std::string& text);

}  // namespace probity::consumer
