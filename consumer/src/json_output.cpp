#include "json_output.hpp"

#include "interpreter.hpp"

namespace probity::consumer {

using compiler::AggregatingFunction;

namespace {

// An integer of D type `type`: unsigned 64-bit values are read as such.
std::string json_integer(std::int64_t value, const compiler::ValueType& type) {
  if (type.is_integer() && !type.is_signed) return std::to_string(static_cast<std::uint64_t>(value));
  return std::to_string(value);
}

std::string json_value(const Value& value, const compiler::ValueType& type) {
  if (type.kind == compiler::ValueKind::Stack) {
    std::string frames = "[";
    for (const std::string& frame : stack_frames(value.text)) {
      if (frames.size() > 1) frames += ",";
      frames += json_string(frame);
    }
    return frames + "]";
  }
  return value.is_string ? json_string(value.text) : json_integer(value.integer, type);
}

std::string probe_name(const Firing& firing) {
  if (firing.record == nullptr) return std::string(firing.name);
  return std::string(firing.provider) + ":" + std::string(firing.name);
}

// The fields every record of a firing starts with.
std::string firing_fields(const char* type, const Firing& firing) {
  return std::string("{\"type\":\"") + type + "\",\"probe\":" + json_string(probe_name(firing)) +
         ",\"cpu\":" + std::to_string(firing.cpu) + ",\"timestamp\":" + std::to_string(firing.timestamp);
}

const char* function_name(AggregatingFunction function) {
  switch (function) {
    case AggregatingFunction::Count: return "count";
    case AggregatingFunction::Sum: return "sum";
    case AggregatingFunction::Avg: return "avg";
    case AggregatingFunction::Min: return "min";
    case AggregatingFunction::Max: return "max";
    case AggregatingFunction::Stddev: return "stddev";
    case AggregatingFunction::Quantize: return "quantize";
    case AggregatingFunction::Lquantize: return "lquantize";
    case AggregatingFunction::Llquantize: return "llquantize";
  }
  return "unknown";
}

bool is_distribution(AggregatingFunction function) {
  return function == AggregatingFunction::Quantize || function == AggregatingFunction::Lquantize ||
         function == AggregatingFunction::Llquantize;
}

std::string buckets(const Aggregations& aggregations, std::uint32_t aggregation, const AggregationState& state) {
  const std::int64_t normal = aggregations.normal(aggregation);
  const BucketRange range = printed_buckets(aggregations, aggregation, state);
  std::string text = "[";
  for (std::size_t i = range.first; i <= range.last; ++i) {
    if (i != range.first) text += ",";
    text += "{\"value\":" + std::to_string(bucket_lower_bound(aggregations, aggregation, state, i)) +
            ",\"count\":" + std::to_string(state.buckets[i] / normal) + "}";
  }
  return text + "]";
}

}  // namespace


std::string JsonOutput::probe(const Firing& firing) {
  return "{\"type\":\"probe\",\"probe\":" + json_string(probe_name(firing)) + ",\"cpu\":" +
         std::to_string(firing.cpu) + ",\"id\":" + std::to_string(firing.probe_id) + "}\n";
}

std::string JsonOutput::printf(const Firing& firing, const std::string& text) {
  return firing_fields("printf", firing) + ",\"text\":" + json_string(text) + "}\n";
}

std::string JsonOutput::trace(const Firing& firing, const Value& value, const compiler::ValueType& type) {
  return firing_fields("trace", firing) + ",\"value\":" + json_value(value, type) + "}\n";
}

std::string JsonOutput::at_exit(const Aggregations& aggregations, std::span<const std::uint32_t> unprinted,
                                SortOrder order) {
  std::string text;
  for (const std::uint32_t aggregation : unprinted) text += JsonOutput::aggregation(aggregations, aggregation, order);
  return text;
}

std::string JsonOutput::aggregation(const Aggregations& aggregations, std::uint32_t aggregation, SortOrder order) {
  const compiler::Aggregation& description = aggregations.description(aggregation);
  std::string text = "{\"type\":\"aggregation\",\"name\":" + json_string(description.name) + ",\"function\":\"" +
                     function_name(description.function) + "\",\"entries\":[";
  bool first_entry = true;
  for (const AggregationEntry* entry : aggregations.sorted(aggregation, order.by_key, order.reverse)) {
    if (!first_entry) text += ",";
    first_entry = false;
    text += "{\"keys\":[";
    for (std::size_t k = 0; k < entry->key.size(); ++k) {
      if (k != 0) text += ",";
      text += json_value(entry->key[k], k < description.key_types.size() ? description.key_types[k]
                                                                          : compiler::ValueType::int64());
    }
    text += "],";
    if (is_distribution(description.function)) {
      text += "\"buckets\":" + buckets(aggregations, aggregation, entry->state);
    } else {
      text += "\"value\":" + std::to_string(scalar_value(aggregations, aggregation, entry->state));
    }
    text += "}";
  }
  return text + "]}\n";
}

std::string JsonOutput::printa(const Aggregations& aggregations, Printer&, const std::vector<compiler::FormatPiece>&,
                               std::span<const std::uint32_t> printed, SortOrder order) {
  std::string text;
  for (std::uint32_t aggregation : printed) text += this->aggregation(aggregations, aggregation, order);
  return text;
}

void JsonOutput::drops(const DropReport& report, std::ostream& out, std::ostream&) {
  for (const NewDrops& cpu : report.ring) {
    out << "{\"type\":\"drops\",\"cpu\":" << cpu.cpu << ",\"count\":" << cpu.count << "}\n";
  }
  if (report.dynamic > 0) out << "{\"type\":\"drops\",\"kind\":\"dynvar\",\"count\":" << report.dynamic << "}\n";
  if (report.speculative > 0) {
    out << "{\"type\":\"drops\",\"kind\":\"speculation\",\"count\":" << report.speculative << "}\n";
  }
  out.flush();
}

}  // namespace probity::consumer
