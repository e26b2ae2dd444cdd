#include "aggregation.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace probity::consumer {

using compiler::AggregatingFunction;

std::int64_t quantize_bucket_value(int bucket) {
  if (bucket < quantize_zero_bucket) return -(std::int64_t{1} << (quantize_zero_bucket - 1 - bucket));
  if (bucket == quantize_zero_bucket) return 0;
  return std::int64_t{1} << (bucket - quantize_zero_bucket - 1);
}

static int quantize_bucket_of(std::int64_t value) {
  if (value == 0) return quantize_zero_bucket;
  if (value > 0) return quantize_zero_bucket + static_cast<int>(std::bit_width(static_cast<std::uint64_t>(value)));
  const std::uint64_t magnitude = 0 - static_cast<std::uint64_t>(value);
  return quantize_zero_bucket - static_cast<int>(std::bit_width(magnitude));
}

static std::int64_t power(std::int64_t base, std::int64_t exponent) {
  std::int64_t result = 1;
  for (std::int64_t i = 0; i < exponent; ++i) {
    if (result > INT64_MAX / std::max<std::int64_t>(base, 1)) return INT64_MAX;
    result *= base;
  }
  return result;
}

LogLinear::LogLinear(const std::vector<std::int64_t>& parameters) {
  if (parameters.size() == 4) {
    factor = parameters[0];
    low = parameters[1];
    high = parameters[2];
    steps = parameters[3];
  }
  factor = std::max<std::int64_t>(factor, 2);
  steps = std::max<std::int64_t>(steps, 1);
  // Each order of magnitude [factor^m, factor^(m+1)) is cut into linear steps
  // of factor^(m+1) / steps (at least 1).
  for (std::int64_t magnitude = low; magnitude <= high; ++magnitude) {
    const std::int64_t start = power(factor, magnitude);
    const std::int64_t end = power(factor, magnitude + 1);
    const std::int64_t step = std::max<std::int64_t>(end / steps, 1);
    for (std::int64_t bound = start; bound < end; bound += step) bounds.push_back(bound);
  }
}

std::int64_t LogLinear::underflow_limit() const { return power(factor, low); }
std::int64_t LogLinear::overflow_limit() const { return power(factor, high + 1); }

int LogLinear::bucket_of(std::int64_t value) const {
  if (bounds.empty() || value < bounds.front()) return 0;
  if (value >= overflow_limit()) return bucket_count() - 1;
  const auto after = std::upper_bound(bounds.begin(), bounds.end(), value);
  return static_cast<int>(after - bounds.begin());
}

std::int64_t AggregationState::stddev() const {
  if (count == 0) return 0;
  const Int128 average_of_squares = sum_of_squares / count;
  const Int128 mean = sum / count;
  const Int128 variance = average_of_squares - mean * mean;
  if (variance <= 0) return 0;
  auto root = static_cast<std::int64_t>(std::sqrt(static_cast<long double>(variance)));
  while (static_cast<Int128>(root) * root > variance) --root;
  while (static_cast<Int128>(root + 1) * (root + 1) <= variance) ++root;
  return root;
}

Aggregations::Aggregations(const compiler::Program& program)
    : program_(program),
      entries_(program.aggregations.size()),
      normals_(program.aggregations.size(), 1),
      log_linear_(program.aggregations.size()),
      last_used_(program.aggregations.size(), nullptr) {
  for (std::size_t a = 0; a < program.aggregations.size(); ++a) {
    if (program.aggregations[a].function == AggregatingFunction::Llquantize) {
      log_linear_[a].emplace(program.aggregations[a].parameters);
    }
  }
}

const LogLinear* Aggregations::log_linear(std::uint32_t aggregation) const {
  return log_linear_[aggregation] ? &*log_linear_[aggregation] : nullptr;
}

static std::size_t bucket_count(const compiler::Aggregation& description, const LogLinear* log_linear) {
  switch (description.function) {
    case AggregatingFunction::Quantize: return quantize_buckets;
    case AggregatingFunction::Lquantize: {
      const auto& p = description.parameters;
      const std::int64_t levels = p.size() == 3 && p[2] > 0 ? (p[1] - p[0]) / p[2] : 0;
      return static_cast<std::size_t>(std::max<std::int64_t>(levels, 0)) + 2;
    }
    case AggregatingFunction::Llquantize: return static_cast<std::size_t>(log_linear->bucket_count());
    default: return 0;
  }
}

void Aggregations::aggregate(std::uint32_t aggregation, const Key& key, std::int64_t value) {
  const compiler::Aggregation& description = program_.aggregations[aggregation];
  // Consecutive records often share a key (one busy process): comparing with
  // the last entry's key is cheaper than hashing.
  AggregationEntry* entry = last_used_[aggregation];
  if (entry == nullptr || entry->key != key) {
    auto& entries = entries_[aggregation];
    auto found = entries.find(key);
    if (found == entries.end()) {
      found = entries.try_emplace(key).first;
      found->second.key = key;
      found->second.state.buckets.assign(bucket_count(description, log_linear(aggregation)), 0);
    }
    entry = &found->second;
    last_used_[aggregation] = entry;
  }
  AggregationState& state = entry->state;
  ++state.count;
  switch (description.function) {
    case AggregatingFunction::Count: break;
    // The quantize family keeps the sum too: a Prometheus histogram has one (metrics.hpp).
    case AggregatingFunction::Quantize:
      ++state.buckets[static_cast<std::size_t>(quantize_bucket_of(value))];
      state.sum += value;
      break;
    case AggregatingFunction::Lquantize: {
      const auto& p = description.parameters;
      const std::int64_t levels = static_cast<std::int64_t>(state.buckets.size()) - 2;
      std::int64_t bucket = 0;
      if (value >= p[0] && p[2] > 0) bucket = std::min<std::int64_t>((value - p[0]) / p[2] + 1, levels + 1);
      ++state.buckets[static_cast<std::size_t>(bucket)];
      state.sum += value;
      break;
    }
    case AggregatingFunction::Llquantize:
      ++state.buckets[static_cast<std::size_t>(log_linear(aggregation)->bucket_of(value))];
      state.sum += value;
      break;
    default:
      state.sum += value;
      state.minimum = std::min(state.minimum, value);
      state.maximum = std::max(state.maximum, value);
      state.sum_of_squares += static_cast<Int128>(value) * value;
      break;
  }
}

void Aggregations::clear(std::uint32_t aggregation) {
  for (auto& [key, entry] : entries_[aggregation]) {
    const std::size_t buckets = entry.state.buckets.size();
    entry.state = {};
    entry.state.buckets.assign(buckets, 0);
  }
}

void Aggregations::trunc(std::uint32_t aggregation, std::optional<std::int64_t> keep) {
  last_used_[aggregation] = nullptr;
  if (!keep || *keep == 0) {
    entries_[aggregation].clear();
    return;
  }
  // The largest n are the last n in ascending order; the smallest the first.
  const auto ordered = sorted(aggregation, false, *keep > 0);
  const auto count = static_cast<std::size_t>(*keep > 0 ? *keep : -*keep);
  std::vector<Key> doomed;
  for (std::size_t i = count; i < ordered.size(); ++i) doomed.push_back(ordered[i]->key);
  for (const Key& key : doomed) entries_[aggregation].erase(key);
}

void Aggregations::normalize(std::uint32_t aggregation, std::int64_t factor) {
  normals_[aggregation] = factor == 0 ? 1 : factor;
}

std::int64_t Aggregations::sort_value(std::uint32_t aggregation, const AggregationState& state) const {
  const compiler::Aggregation& description = program_.aggregations[aggregation];
  switch (description.function) {
    case AggregatingFunction::Count: return state.count;
    case AggregatingFunction::Sum: return state.sum;
    case AggregatingFunction::Avg: return state.average();
    case AggregatingFunction::Min: return state.minimum;
    case AggregatingFunction::Max: return state.maximum;
    case AggregatingFunction::Stddev: return state.stddev();
    default: {
      std::int64_t total = 0;
      for (std::int64_t bucket : state.buckets) total += bucket;
      return total;
    }
  }
}

std::vector<const AggregationEntry*> Aggregations::sorted(std::uint32_t aggregation, bool by_key,
                                                          bool reverse) const {
  std::vector<const AggregationEntry*> result;
  for (const auto& [key, entry] : entries_[aggregation]) result.push_back(&entry);
  std::stable_sort(result.begin(), result.end(), [&](const AggregationEntry* a, const AggregationEntry* b) {
    const std::int64_t va = sort_value(aggregation, a->state);
    const std::int64_t vb = sort_value(aggregation, b->state);
    const bool less = by_key ? (a->key != b->key ? a->key < b->key : va < vb)
                             : (va != vb ? va < vb : a->key < b->key);
    const bool greater = by_key ? (a->key != b->key ? b->key < a->key : vb < va)
                                : (va != vb ? vb < va : b->key < a->key);
    return reverse ? greater : less;
  });
  return result;
}

const AggregationEntry* Aggregations::find(std::uint32_t aggregation, const Key& key) const {
  const auto found = entries_[aggregation].find(key);
  return found == entries_[aggregation].end() ? nullptr : &found->second;
}

}  // namespace probity::consumer
