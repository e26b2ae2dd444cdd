// Aggregations (DTrace's dt_aggregate): per key, the running state of count,
// sum, avg, min, max, stddev and the quantize family, with clear(), trunc()
// and normalize(), and the entries in DTrace's printing order.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "probity/compiler/program.hpp"
#include "value.hpp"

namespace probity::consumer {

__extension__ typedef __int128 Int128;

// DTrace's power-of-two buckets: 63 negative, zero, 63 positive.
inline constexpr int quantize_buckets = 127;
inline constexpr int quantize_zero_bucket = 63;
std::int64_t quantize_bucket_value(int bucket);

// llquantize's buckets: the bucket index of `value`, and each bucket's lower
// bound (bucket 0 is "< factor^low", the last ">= factor^(high+1)").
struct LogLinear {
  std::int64_t factor = 10, low = 0, high = 0, steps = 10;
  std::vector<std::int64_t> bounds;  // lower bound of buckets 1 .. n-2
  explicit LogLinear(const std::vector<std::int64_t>& parameters);
  int bucket_count() const { return static_cast<int>(bounds.size()) + 2; }
  int bucket_of(std::int64_t value) const;
  std::int64_t underflow_limit() const;  // factor^low
  std::int64_t overflow_limit() const;   // factor^(high+1)
};

struct AggregationState {
  std::int64_t count = 0;
  std::int64_t sum = 0;
  std::int64_t minimum = INT64_MAX;
  std::int64_t maximum = INT64_MIN;
  Int128 sum_of_squares = 0;
  std::vector<std::int64_t> buckets;  // the quantize family

  std::int64_t average() const { return count == 0 ? 0 : sum / count; }
  std::int64_t stddev() const;
};

struct AggregationEntry {
  Key key;
  AggregationState state;
};

class Aggregations {
 public:
  explicit Aggregations(const compiler::Program& program);

  void aggregate(std::uint32_t aggregation, const Key& key, std::int64_t value);
  void clear(std::uint32_t aggregation);
  // trunc(@a): remove everything; trunc(@a, n): keep the n largest (n < 0: the |n| smallest).
  void trunc(std::uint32_t aggregation, std::optional<std::int64_t> keep);
  void normalize(std::uint32_t aggregation, std::int64_t factor);

  bool empty(std::uint32_t aggregation) const { return entries_[aggregation].empty(); }
  std::int64_t normal(std::uint32_t aggregation) const { return normals_[aggregation]; }
  const compiler::Aggregation& description(std::uint32_t aggregation) const {
    return program_.aggregations[aggregation];
  }
  // The value DTrace sorts and truncates by.
  std::int64_t sort_value(std::uint32_t aggregation, const AggregationState& state) const;
  // Entries ordered by value then key (by_key: key then value), reversed on request.
  std::vector<const AggregationEntry*> sorted(std::uint32_t aggregation, bool by_key, bool reverse) const;
  const AggregationEntry* find(std::uint32_t aggregation, const Key& key) const;
  const LogLinear* log_linear(std::uint32_t aggregation) const;

 private:
  const compiler::Program& program_;
  // Unordered: an event costs one hash, not a walk of key comparisons;
  // printing sorts the entries anyway.
  std::vector<std::unordered_map<Key, AggregationEntry, KeyHash>> entries_;
  std::vector<std::int64_t> normals_;
  std::vector<std::optional<LogLinear>> log_linear_;
  std::vector<AggregationEntry*> last_used_;  // reset whenever entries are removed
};

}  // namespace probity::consumer
