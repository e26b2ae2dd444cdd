// Aggregations without a kernel: the state each aggregating function keeps,
// the quantize family's buckets, trunc/normalize/clear, the printing order,
// and the tables DTrace prints (dt_print_quantize: "%16s %41s %-9s" header,
// 40 columns of '@' for a row's share, a zero row either side).
#include "aggregation.hpp"
#include "aggregation_print.hpp"

#include <gtest/gtest.h>

#include <string>

namespace probity::consumer {
namespace {

using compiler::AggregatingFunction;
using compiler::ValueType;

compiler::Program program_with(AggregatingFunction function, std::vector<std::int64_t> parameters = {},
                               std::vector<ValueType> keys = {}) {
  compiler::Program program;
  compiler::Aggregation aggregation;
  aggregation.name = "@";
  aggregation.function = function;
  aggregation.parameters = std::move(parameters);
  aggregation.key_types = std::move(keys);
  program.aggregations.push_back(aggregation);
  return program;
}

const std::string header = "\n           value  ------------- Distribution ------------- count    \n";
std::string row(const std::string& label, int ats, long long count) {
  char line[128];
  std::snprintf(line, sizeof line, "%16s |%s%s %-9lld\n", label.c_str(), std::string(static_cast<std::size_t>(ats), '@').c_str(),
                std::string(static_cast<std::size_t>(40 - ats), ' ').c_str(), count);
  return line;
}

TEST(Aggregations, ScalarFunctionsKeepTheirRunningState) {
  for (const auto& [function, expected] : std::vector<std::pair<AggregatingFunction, std::int64_t>>{
           {AggregatingFunction::Count, 4}, {AggregatingFunction::Sum, 10}, {AggregatingFunction::Avg, 2},
           {AggregatingFunction::Min, -2}, {AggregatingFunction::Max, 7}}) {
    const compiler::Program program = program_with(function);
    Aggregations aggregations(program);
    for (const std::int64_t value : {3, -2, 2, 7}) aggregations.aggregate(0, {}, value);
    const AggregationEntry* entry = aggregations.find(0, {});
    ASSERT_NE(entry, nullptr);
    EXPECT_EQ(scalar_value(aggregations, 0, entry->state), expected) << static_cast<int>(function);
  }
}

TEST(Aggregations, StddevIsThePopulationStandardDeviationInIntegers) {
  const compiler::Program program = program_with(AggregatingFunction::Stddev);
  Aggregations aggregations(program);
  for (const std::int64_t value : {2, 4, 4, 4, 5, 5, 7, 9}) aggregations.aggregate(0, {}, value);
  EXPECT_EQ(aggregations.find(0, {})->state.stddev(), 2);
}

TEST(Aggregations, QuantizeBucketsArePowersOfTwo) {
  EXPECT_EQ(quantize_bucket_value(quantize_zero_bucket), 0);
  EXPECT_EQ(quantize_bucket_value(quantize_zero_bucket + 1), 1);
  EXPECT_EQ(quantize_bucket_value(quantize_zero_bucket + 2), 2);
  EXPECT_EQ(quantize_bucket_value(quantize_zero_bucket + 3), 4);
  EXPECT_EQ(quantize_bucket_value(quantize_zero_bucket - 1), -1);
  EXPECT_EQ(quantize_bucket_value(quantize_zero_bucket - 2), -2);
}

TEST(Aggregations, QuantizePrintsDTracesTableWithAZeroRowEitherSide) {
  const compiler::Program program = program_with(AggregatingFunction::Quantize);
  Aggregations aggregations(program);
  for (const std::int64_t value : {1, 2, 3, 3}) aggregations.aggregate(0, {}, value);
  // 1 in [1,2), 3 in [2,4): a quarter and three quarters of 40 columns.
  EXPECT_EQ(format_datum(aggregations, 0, aggregations.find(0, {})->state),
            header + row("0", 0, 0) + row("1", 10, 1) + row("2", 30, 3) + row("4", 0, 0));
}

TEST(Aggregations, LquantizeLabelsItsUnderflowAndOverflowRows) {
  const compiler::Program program = program_with(AggregatingFunction::Lquantize, {0, 30, 10});
  Aggregations aggregations(program);
  for (const std::int64_t value : {-5, 15, 15, 99}) aggregations.aggregate(0, {}, value);
  EXPECT_EQ(format_datum(aggregations, 0, aggregations.find(0, {})->state),
            header + row("< 0", 10, 1) + row("0", 0, 0) + row("10", 20, 2) + row("20", 0, 0) + row(">= 30", 10, 1));
}

TEST(Aggregations, PrintingOrderIsByValueThenKeyUnlessAskedByKey) {
  const compiler::Program program = program_with(AggregatingFunction::Count, {}, {ValueType::string()});
  Aggregations aggregations(program);
  for (const char* name : {"b", "a", "b", "c", "c", "c"}) aggregations.aggregate(0, {Value::of(std::string(name))}, 1);
  EXPECT_EQ(print_aggregation(aggregations, 0, {}),
            "\n  a                                                                 1\n"
            "  b                                                                 2\n"
            "  c                                                                 3\n");
  const auto by_key_reversed = aggregations.sorted(0, true, true);
  ASSERT_EQ(by_key_reversed.size(), 3u);
  EXPECT_EQ(by_key_reversed.front()->key.front().text, "c");
}

TEST(Aggregations, IntegerKeysTakeTheWidthOfTheirType) {
  const compiler::Program program =
      program_with(AggregatingFunction::Sum, {}, {ValueType::integer(4, true), ValueType::int64()});
  Aggregations aggregations(program);
  aggregations.aggregate(0, {Value::of(std::int64_t{-7}), Value::of(std::int64_t{12})}, 40);
  EXPECT_EQ(print_aggregation(aggregations, 0, {}), "\n       -7               12               40\n");
}

TEST(Aggregations, TruncKeepsTheLargestAndNormalizeDividesWhatIsPrinted) {
  const compiler::Program program = program_with(AggregatingFunction::Sum, {}, {ValueType::int64()});
  Aggregations aggregations(program);
  for (std::int64_t key = 1; key <= 5; ++key) aggregations.aggregate(0, {Value::of(key)}, key * 100);
  aggregations.trunc(0, 2);
  const auto kept = aggregations.sorted(0, false, false);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0]->key.front().integer, 4);
  EXPECT_EQ(kept[1]->key.front().integer, 5);
  aggregations.normalize(0, 100);
  EXPECT_EQ(scalar_value(aggregations, 0, kept[1]->state), 5);
  aggregations.trunc(0, -1);  // the smallest one
  ASSERT_EQ(aggregations.sorted(0, false, false).size(), 1u);
  EXPECT_EQ(aggregations.sorted(0, false, false).front()->key.front().integer, 4);
  aggregations.clear(0);
  EXPECT_EQ(aggregations.find(0, {Value::of(std::int64_t{4})})->state.sum, 0);  // clear keeps keys, zeroes values
}

}  // namespace
}  // namespace probity::consumer
