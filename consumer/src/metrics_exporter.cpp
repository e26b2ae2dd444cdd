#include "metrics_exporter.hpp"

#include <prometheus/collectable.h>
#include <prometheus/exposer.h>

#include <mutex>
#include <stdexcept>
#include <utility>

namespace probity::consumer {

class MetricsExporter::Snapshot : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override {
    const std::lock_guard lock(mutex_);
    return families_;
  }
  void replace(std::vector<prometheus::MetricFamily> families) {
    const std::lock_guard lock(mutex_);
    families_ = std::move(families);
  }

 private:
  mutable std::mutex mutex_;
  std::vector<prometheus::MetricFamily> families_;
};

namespace {

// civetweb's listening_ports: "127.0.0.1:9464", "[::1]:9464", or "9464" for
// every address (what ":9464" means to Prometheus users).
std::string listening_port(const std::string& address) {
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon + 1 == address.size() ||
      address.find_first_not_of("0123456789", colon + 1) != std::string::npos) {
    throw std::runtime_error("--metrics " + address + ": give HOST:PORT, [IPv6]:PORT or :PORT (e.g. 127.0.0.1:9464)");
  }
  return colon == 0 ? address.substr(1) : address;
}

}  // namespace

MetricsExporter::MetricsExporter(const std::string& address) : snapshot_(std::make_shared<Snapshot>()) {
  const std::string port = listening_port(address);
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(port, 1);
  } catch (const std::exception& error) {
    throw std::runtime_error("--metrics " + address + ": cannot listen there: " + error.what());
  }
  exposer_->RegisterCollectable(snapshot_);
}

MetricsExporter::~MetricsExporter() = default;

void MetricsExporter::publish(std::vector<prometheus::MetricFamily> families) { snapshot_->replace(std::move(families)); }

std::vector<int> MetricsExporter::ports() const { return exposer_->GetListeningPorts(); }

}  // namespace probity::consumer
