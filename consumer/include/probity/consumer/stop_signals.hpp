// SIGINT, SIGTERM, SIGHUP and SIGPIPE turned into an orderly stop: the
// handler only records the signal and writes one byte to a pipe, whose read
// end the ring reader's wait() watches alongside the ring buffers.
#pragma once

#include <csignal>
#include <initializer_list>
#include <vector>

namespace probity::consumer {

class StopSignals {
 public:
  // Installs the handlers (without SA_RESTART, so a blocking call returns
  // EINTR). One StopSignals may exist at a time; a second throws
  // std::logic_error. The destructor restores the previous dispositions.
  explicit StopSignals(std::initializer_list<int> signals = {SIGINT, SIGTERM, SIGHUP, SIGPIPE});
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Readable once a stop signal has arrived; stays readable.
  int fd() const;
  bool requested() const;
  // The first stop signal received, 0 if none.
  int signal() const;

 private:
  void restore() noexcept;
  std::vector<std::pair<int, struct sigaction>> previous_;
};

}  // namespace probity::consumer
