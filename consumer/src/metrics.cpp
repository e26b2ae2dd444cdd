#include "metrics.hpp"

#include <cmath>
#include <limits>
#include <set>
#include <string_view>

namespace probity::consumer {
namespace {

using compiler::AggregatingFunction;
using compiler::Clause;
using compiler::Op;
using compiler::Statement;
using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

// The name a key expression gives its label, or "" when it has none.
std::string key_label(const Clause& clause, std::uint32_t node_index) {
  const compiler::Node& node = clause.nodes.at(node_index);
  if (node.op == Op::Builtin && node.symbol < compiler::builtin_count) {
    std::string_view name = compiler::builtin_name(static_cast<compiler::Builtin>(node.symbol));
    if (name.starts_with('$')) name.remove_prefix(1);  // $target: target
    return std::string(name);
  }
  if (node.op == Op::Field && node.symbol < clause.field_slots.size()) return clause.field_slots[node.symbol];
  return {};
}

template <typename Visit>
void each_statement(const std::vector<Statement>& body, const Visit& visit) {
  for (const Statement& statement : body) {
    visit(statement);
    each_statement(statement.then_body, visit);
    each_statement(statement.else_body, visit);
  }
}

struct AggregationUse {
  std::vector<std::string> labels;  // per key
  bool reset = false;               // cleared, truncated or normalized somewhere
};

// Label names from the first statement that aggregates into each
// aggregation; whether any clause resets it.
std::vector<AggregationUse> uses_of(const compiler::Program& program) {
  std::vector<AggregationUse> uses(program.aggregations.size());
  std::vector<bool> named(program.aggregations.size(), false);
  for (const Clause& clause : program.clauses) {
    each_statement(clause.body, [&](const Statement& statement) {
      if (statement.kind == Statement::Kind::Aggregate && statement.aggregation < uses.size() &&
          !named[statement.aggregation]) {
        named[statement.aggregation] = true;
        for (const std::uint32_t key : statement.keys) uses[statement.aggregation].labels.push_back(key_label(clause, key));
      }
    });
    for (const compiler::Node& node : clause.nodes) {
      if (node.op != Op::Call) continue;
      const auto function = static_cast<compiler::Function>(node.symbol);
      if (function != compiler::Function::Clear && function != compiler::Function::Trunc &&
          function != compiler::Function::Normalize) {
        continue;
      }
      for (const std::uint32_t child : node.children) {
        const compiler::Node& argument = clause.nodes.at(child);
        if (argument.op == Op::AggregationRef && argument.symbol < uses.size()) uses[argument.symbol].reset = true;
      }
    }
  }
  for (std::size_t a = 0; a < uses.size(); ++a) {
    const std::size_t keys = program.aggregations[a].key_types.size();
    std::vector<std::string>& labels = uses[a].labels;
    labels.resize(keys);
    std::set<std::string> taken;
    for (std::size_t k = 0; k < keys; ++k) {
      std::string label = metric_name(labels[k]);
      if (label.empty() || label.starts_with("__") || !taken.insert(label).second) label = "key" + std::to_string(k);
      taken.insert(label);
      labels[k] = label;
    }
  }
  return uses;
}

std::string label_value(const Value& value) { return value.is_string ? value.text : std::to_string(value.integer); }

void add_bucket(ClientMetric::Histogram& histogram, double upper_bound, std::uint64_t& cumulative, std::int64_t count) {
  cumulative += static_cast<std::uint64_t>(std::max<std::int64_t>(count, 0));
  histogram.bucket.push_back({cumulative, upper_bound});
}

// DTrace's buckets as Prometheus's: each bucket's inclusive upper bound
// (values are integers), cumulative counts, +Inf last.
ClientMetric::Histogram histogram_of(const Aggregations& aggregations, std::uint32_t index,
                                     const compiler::Aggregation& description, const AggregationState& state) {
  ClientMetric::Histogram histogram;
  histogram.sample_count = static_cast<std::uint64_t>(std::max<std::int64_t>(state.count, 0));
  histogram.sample_sum = static_cast<double>(state.sum);
  std::uint64_t cumulative = 0;
  const std::vector<std::int64_t>& buckets = state.buckets;
  if (description.function == AggregatingFunction::Quantize) {
    for (int b = 0; b + 1 < static_cast<int>(buckets.size()); ++b) {
      // The bucket of value v holds [v, next bucket's value - 1].
      add_bucket(histogram, static_cast<double>(quantize_bucket_value(b + 1) - 1), cumulative, buckets[b]);
    }
  } else if (description.function == AggregatingFunction::Lquantize) {
    const std::int64_t low = description.parameters.at(0);
    const std::int64_t step = description.parameters.at(2);
    for (std::size_t b = 0; b + 1 < buckets.size(); ++b) {
      // Bucket 0 is below low; bucket b >= 1 starts at low + (b - 1) * step.
      add_bucket(histogram, static_cast<double>(low + static_cast<std::int64_t>(b) * step - 1), cumulative, buckets[b]);
    }
  } else if (const LogLinear* log_linear = aggregations.log_linear(index)) {
    for (std::size_t b = 0; b + 1 < buckets.size(); ++b) {
      const std::int64_t next = b < log_linear->bounds.size() ? log_linear->bounds[b] : log_linear->overflow_limit();
      add_bucket(histogram, static_cast<double>(next - 1), cumulative, buckets[b]);
    }
  }
  add_bucket(histogram, std::numeric_limits<double>::infinity(), cumulative, buckets.empty() ? 0 : buckets.back());
  return histogram;
}

}  // namespace

std::string metric_name(const std::string& text) {
  std::string name;
  for (const char c : text) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    const bool digit = c >= '0' && c <= '9';
    name += letter || (digit && !name.empty()) ? c : '_';
  }
  return name;
}

AggregationMetrics::AggregationMetrics(const compiler::Program& program) : program_(program) {
  const std::vector<AggregationUse> uses = uses_of(program);
  for (std::uint32_t a = 0; a < program.aggregations.size(); ++a) {
    const compiler::Aggregation& description = program.aggregations[a];
    const std::string bare = description.name.size() > 1 ? description.name.substr(1) : "aggregation";
    Layout layout{"probity_" + metric_name(bare), MetricType::Gauge,
                  "The D aggregation " + description.name + " of " + program.source_name + ".", uses[a].labels};
    switch (description.function) {
      case AggregatingFunction::Count:
      case AggregatingFunction::Sum:
        if (!uses[a].reset) {
          layout.type = MetricType::Counter;
          layout.name += "_total";
        }
        break;
      case AggregatingFunction::Quantize:
      case AggregatingFunction::Lquantize:
      case AggregatingFunction::Llquantize:
        layout.type = MetricType::Histogram;
        break;
      default:
        break;
    }
    layouts_.push_back(std::move(layout));
  }
}

std::vector<MetricFamily> AggregationMetrics::families(const Aggregations& aggregations) const {
  std::vector<MetricFamily> families;
  for (std::uint32_t a = 0; a < layouts_.size(); ++a) {
    const compiler::Aggregation& description = program_.aggregations[a];
    const Layout& layout = layouts_[a];
    MetricFamily family{layout.name, layout.help, layout.type, {}};
    for (const AggregationEntry* entry : aggregations.sorted(a, true, false)) {
      ClientMetric metric;
      for (std::size_t k = 0; k < entry->key.size() && k < layout.labels.size(); ++k) {
        metric.label.push_back({layout.labels[k], label_value(entry->key[k])});
      }
      const AggregationState& state = entry->state;
      const auto value = [&]() -> double {
        switch (description.function) {
          case AggregatingFunction::Count: return static_cast<double>(state.count);
          case AggregatingFunction::Sum: return static_cast<double>(state.sum);
          case AggregatingFunction::Avg: return static_cast<double>(state.average());
          case AggregatingFunction::Min: return static_cast<double>(state.minimum);
          case AggregatingFunction::Max: return static_cast<double>(state.maximum);
          case AggregatingFunction::Stddev: return static_cast<double>(state.stddev());
          default: return 0;
        }
      }();
      if (layout.type == MetricType::Counter) metric.counter.value = value;
      if (layout.type == MetricType::Gauge) metric.gauge.value = value;
      if (layout.type == MetricType::Histogram) metric.histogram = histogram_of(aggregations, a, description, state);
      family.metric.push_back(std::move(metric));
    }
    families.push_back(std::move(family));
  }
  return families;
}

}  // namespace probity::consumer
