#include "probity/consumer/stop_signals.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <stdexcept>
#include <system_error>

namespace probity::consumer {
namespace {

// Process-wide: a signal handler can reach nothing else.
volatile std::sig_atomic_t first_signal = 0;
int pipe_read_end = -1;
int pipe_write_end = -1;
bool installed = false;
// The signals whose handler is on_stop_signal, for reset_in_forked_child().
std::array<int, 128> caught_signals{};
std::size_t caught_count = 0;

extern "C" void on_stop_signal(int number) {
  const int saved_errno = errno;
  if (first_signal == 0) first_signal = number;
  const char byte = 1;
  // The pipe is non-blocking: once full, it is readable anyway.
  [[maybe_unused]] const ssize_t ignored = ::write(pipe_write_end, &byte, 1);
  errno = saved_errno;
}

}  // namespace

std::vector<int> terminating_signals() {
  std::vector<int> signals{SIGHUP,  SIGINT,    SIGQUIT, SIGTERM, SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2,
                           SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO,   SIGPWR,  SIGSTKFLT};
  for (int number = SIGRTMIN; number <= SIGRTMAX; ++number) signals.push_back(number);
  return signals;
}

StopSignals::StopSignals(const std::vector<int>& signals) {
  if (installed) throw std::logic_error("probity: only one StopSignals may exist at a time");
  if (signals.size() > caught_signals.size()) throw std::logic_error("probity: too many stop signals");
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw std::system_error(errno, std::generic_category(), "probity: cannot create the stop-signal pipe");
  }
  pipe_read_end = ends[0];
  pipe_write_end = ends[1];
  first_signal = 0;
  caught_count = 0;
  installed = true;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  for (const int number : signals) sigaddset(&action.sa_mask, number);
  action.sa_flags = SA_RESTART;
  for (const int number : signals) {
    struct sigaction old {};
    if (::sigaction(number, nullptr, &old) != 0 ||
        (old.sa_handler != SIG_IGN && ::sigaction(number, &action, &old) != 0)) {
      const int error = errno;
      restore();
      throw std::system_error(error, std::generic_category(), "probity: cannot install a signal handler");
    }
    if (old.sa_handler == SIG_IGN) continue;  // ignored by whoever started us (nohup): stays so
    previous_.emplace_back(number, old);
    caught_signals[caught_count++] = number;
  }
}

StopSignals::~StopSignals() { restore(); }

void StopSignals::restore() noexcept {
  if (!installed) return;
  caught_count = 0;
  for (auto it = previous_.rbegin(); it != previous_.rend(); ++it) ::sigaction(it->first, &it->second, nullptr);
  previous_.clear();
  ::close(pipe_read_end);
  ::close(pipe_write_end);
  pipe_read_end = pipe_write_end = -1;
  installed = false;
}

void StopSignals::reset_in_forked_child() noexcept {
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  for (std::size_t i = 0; i < caught_count; ++i) ::sigaction(caught_signals[i], &default_action, nullptr);
}

int StopSignals::fd() const { return pipe_read_end; }
bool StopSignals::requested() const { return first_signal != 0; }
int StopSignals::signal() const { return first_signal; }

}  // namespace probity::consumer
