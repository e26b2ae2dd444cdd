// --metrics ADDR:PORT: the running program's aggregations served at
// http://ADDR:PORT/metrics in Prometheus's text format by prometheus-cpp's
// exposer (its own HTTP thread). The trace loop publishes a snapshot a few
// times a second; a scrape returns the latest one.
#pragma once

#include <prometheus/metric_family.h>

#include <memory>
#include <string>
#include <vector>

namespace prometheus {
class Exposer;
}

namespace probity::consumer {

class MetricsExporter {
 public:
  // `address` is HOST:PORT, [IPv6]:PORT or :PORT (every address). Throws
  // std::runtime_error when it cannot listen there.
  explicit MetricsExporter(const std::string& address);
  ~MetricsExporter();
  MetricsExporter(const MetricsExporter&) = delete;
  MetricsExporter& operator=(const MetricsExporter&) = delete;

  void publish(std::vector<prometheus::MetricFamily> families);
  // The ports it listens on (the one given, or the kernel's choice for :0).
  std::vector<int> ports() const;

 private:
  class Snapshot;
  std::shared_ptr<Snapshot> snapshot_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace probity::consumer
