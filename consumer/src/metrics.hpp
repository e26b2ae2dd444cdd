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

class AggregationMetrics {
 public:
  // What depends on the program alone (names, types, labels) is worked out
  // once, here; families() then reads only the aggregations' values.
  explicit AggregationMetrics(const compiler::Program& program);

  std::vector<prometheus::MetricFamily> families(const Aggregations& aggregations) const;

 private:
  struct Layout {
    std::string name;    // probity_NAME, probity_NAME_total for a counter
    prometheus::MetricType type;
    std::string help;
    std::vector<std::string> labels;  // one per key
  };
  const compiler::Program& program_;
  std::vector<Layout> layouts_;  // one per aggregation
};

// [a-zA-Z_:][a-zA-Z0-9_:]*: anything else becomes '_'.
std::string metric_name(const std::string& text);

}  // namespace probity::consumer
