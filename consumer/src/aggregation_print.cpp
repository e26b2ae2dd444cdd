#include "aggregation_print.hpp"

#include "kernel_symbols.hpp"

#include <cmath>
#include <cstdlib>

namespace probity::consumer {

using compiler::AggregatingFunction;

namespace {

// One row's bar and count (dt_print_quantline): 40 columns of '@' for the
// row's share of the total; half-width bars either side of a centre line when
// there are negative counts too.
std::string quantize_line(std::int64_t value, std::int64_t normal, long double total, bool positives,
                          bool negatives) {
  static const std::string ats(40, '@');
  static const std::string spaces(40, ' ');
  unsigned length = 40;
  const auto depth_of = [&](unsigned width) -> unsigned {
    if (total == 0) return 0;
    const long double share = (std::fabs(static_cast<long double>(value)) * width) / total;
    return static_cast<unsigned>(share + 0.5L);
  };
  const long long shown = value / normal;
  if (!negatives) {
    const unsigned depth = positives ? depth_of(length) : 0;
    return "|" + ats.substr(0, depth) + spaces.substr(0, length - depth) + printf_string(" %-9lld\n", shown);
  }
  if (!positives) {
    const unsigned depth = depth_of(length);
    return spaces.substr(0, length - depth) + ats.substr(0, depth) + printf_string("| %-9lld\n", shown);
  }
  length /= 2;
  const unsigned depth = depth_of(length);
  if (value <= 0) {
    return spaces.substr(0, length - depth) + ats.substr(0, depth) + "|" + std::string(length, ' ') +
           printf_string(" %-9lld\n", shown);
  }
  return std::string(20, ' ') + "|" + ats.substr(0, depth) + spaces.substr(0, length - depth) +
         printf_string(" %-9lld\n", shown);
}

const char* const distribution_header = "------------- Distribution -------------";

// The rows from first to last (see printed_buckets); `label` names a row.
template <class Label>
std::string distribution(const std::vector<std::int64_t>& buckets, std::int64_t normal, BucketRange range,
                         Label label) {
  const std::size_t first = range.first;
  const std::size_t last = range.last;
  bool positives = false;
  bool negatives = false;
  long double total = 0;
  for (std::size_t i = first; i <= last; ++i) {
    positives = positives || buckets[i] > 0;
    negatives = negatives || buckets[i] < 0;
    total += std::fabs(static_cast<long double>(buckets[i]));
  }
  std::string text = printf_string("\n%16s %41s %-9s\n", "value", distribution_header, "count");
  for (std::size_t i = first; i <= last; ++i) {
    text += printf_string("%16s ", label(i).c_str());
    text += quantize_line(buckets[i], normal, total, positives, negatives);
  }
  return text;
}

std::string format_key(const Value& part, const compiler::ValueType& type) {
  if (type.kind == compiler::ValueKind::Stack) return format_stack(part.text);
  if (part.is_string) return printf_string("  %-50s", part.text.c_str());
  const int width = type.size == 1 ? 3 : type.size == 2 ? 5 : type.size == 4 ? 8 : 16;
  return printf_string(" %*lld", width, static_cast<long long>(part.integer));
}

}  // namespace

std::int64_t scalar_value(const Aggregations& aggregations, std::uint32_t aggregation, const AggregationState& state) {
  return aggregations.sort_value(aggregation, state) / aggregations.normal(aggregation);
}

static BucketRange trimmed_buckets(const std::vector<std::int64_t>& buckets, std::size_t empty_first,
                                   std::size_t empty_last) {
  const std::size_t count = buckets.size();
  std::size_t first = 0;
  while (first < count && buckets[first] == 0) ++first;
  std::size_t last = count - 1;
  if (first == count) return {empty_first, empty_last};
  if (first > 0) --first;
  while (last > 0 && buckets[last] == 0) --last;
  if (last < count - 1) ++last;
  return {first, last};
}

BucketRange printed_buckets(const Aggregations& aggregations, std::uint32_t aggregation,
                            const AggregationState& state) {
  switch (aggregations.description(aggregation).function) {
    case AggregatingFunction::Quantize:
      return trimmed_buckets(state.buckets, quantize_zero_bucket - 1, quantize_zero_bucket + 1);
    case AggregatingFunction::Lquantize: return trimmed_buckets(state.buckets, 0, 2);
    default: return trimmed_buckets(state.buckets, 0, 1);
  }
}

std::int64_t bucket_lower_bound(const Aggregations& aggregations, std::uint32_t aggregation,
                                const AggregationState& state, std::size_t bucket) {
  const compiler::Aggregation& description = aggregations.description(aggregation);
  const std::size_t count = state.buckets.size();
  switch (description.function) {
    case AggregatingFunction::Quantize: return quantize_bucket_value(static_cast<int>(bucket));
    case AggregatingFunction::Lquantize:
      if (bucket == 0) return INT64_MIN;
      return description.parameters[0] + static_cast<std::int64_t>(bucket - 1) * description.parameters[2];
    default: {
      const LogLinear& log_linear = *aggregations.log_linear(aggregation);
      if (bucket == 0) return INT64_MIN;
      if (bucket == count - 1) return log_linear.overflow_limit();
      return log_linear.bounds[bucket - 1];
    }
  }
}

std::string format_datum(const Aggregations& aggregations, std::uint32_t aggregation, const AggregationState& state) {
  const compiler::Aggregation& description = aggregations.description(aggregation);
  const std::int64_t normal = aggregations.normal(aggregation);
  switch (description.function) {
    case AggregatingFunction::Quantize:
      return distribution(state.buckets, normal, printed_buckets(aggregations, aggregation, state),
                          [](std::size_t i) { return std::to_string(quantize_bucket_value(static_cast<int>(i))); });
    case AggregatingFunction::Lquantize: {
      const std::int64_t base = description.parameters[0];
      const std::int64_t step = description.parameters[2];
      const std::size_t levels = state.buckets.size() - 2;
      return distribution(state.buckets, normal, printed_buckets(aggregations, aggregation, state), [&](std::size_t i) {
        if (i == 0) return "< " + std::to_string(base);
        if (i == levels + 1) return ">= " + std::to_string(base + static_cast<std::int64_t>(levels) * step);
        return std::to_string(base + static_cast<std::int64_t>(i - 1) * step);
      });
    }
    case AggregatingFunction::Llquantize: {
      const LogLinear& log_linear = *aggregations.log_linear(aggregation);
      const std::size_t buckets = state.buckets.size();
      return distribution(state.buckets, normal, printed_buckets(aggregations, aggregation, state), [&](std::size_t i) {
        if (i == 0) return "< " + std::to_string(log_linear.underflow_limit());
        if (i == buckets - 1) return ">= " + std::to_string(log_linear.overflow_limit());
        return std::to_string(log_linear.bounds[i - 1]);
      });
    }
    default:
      return printf_string(" %16lld", static_cast<long long>(scalar_value(aggregations, aggregation, state)));
  }
}

namespace {

std::string aggregation_rows(const Aggregations& aggregations, std::uint32_t aggregation, SortOrder order) {
  const compiler::Aggregation& description = aggregations.description(aggregation);
  std::string text;
  for (const AggregationEntry* entry : aggregations.sorted(aggregation, order.by_key, order.reverse)) {
    for (std::size_t k = 0; k < entry->key.size(); ++k) {
      text += format_key(entry->key[k], k < description.key_types.size() ? description.key_types[k]
                                                                         : compiler::ValueType::int64());
    }
    text += format_datum(aggregations, aggregation, entry->state);
    text += "\n";
  }
  return text;
}

}  // namespace

std::string print_aggregation(const Aggregations& aggregations, std::uint32_t aggregation, SortOrder order) {
  return "\n" + aggregation_rows(aggregations, aggregation, order);
}

std::string print_at_exit(const Aggregations& aggregations, std::span<const std::uint32_t> unprinted,
                          SortOrder order) {
  std::string text = "\n";
  for (const std::uint32_t aggregation : unprinted) text += aggregation_rows(aggregations, aggregation, order);
  return text;
}

std::string printa(const Aggregations& aggregations, Printer& printer, const std::vector<compiler::FormatPiece>& format,
                   std::span<const std::uint32_t> printed, SortOrder order) {
  if (printed.empty()) return {};
  const std::uint32_t first = printed.front();
  const compiler::Aggregation& description = aggregations.description(first);
  std::string text;
  for (const AggregationEntry* entry : aggregations.sorted(first, order.by_key, order.reverse)) {
    std::vector<Argument> keys;
    for (std::size_t k = 0; k < entry->key.size(); ++k) {
      keys.push_back({entry->key[k], k < description.key_types.size() ? description.key_types[k]
                                                                      : compiler::ValueType::int64()});
    }
    std::size_t next_aggregation = 0;
    const AggregationPrinter value = [&](const compiler::Conversion& conversion, int width) -> std::string {
      if (next_aggregation >= printed.size()) return {};
      const std::uint32_t which = printed[next_aggregation++];
      const AggregationEntry* other = which == first ? entry : aggregations.find(which, entry->key);
      const AggregationState state = other != nullptr ? other->state : AggregationState{};
      const AggregatingFunction function = aggregations.description(which).function;
      if (function == AggregatingFunction::Quantize || function == AggregatingFunction::Lquantize ||
          function == AggregatingFunction::Llquantize) {
        return other != nullptr ? format_datum(aggregations, which, state) : std::string{};
      }
      return printer.convert(conversion, width, conversion.precision,
                             {Value::of(scalar_value(aggregations, which, state)), compiler::ValueType::int64()});
    };
    text += printer.format(format, keys, &value);
  }
  return text;
}

}  // namespace probity::consumer
