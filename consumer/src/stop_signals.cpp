#include "probity/consumer/stop_signals.hpp"

#include <fcntl.h>
#include <unistd.h>

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

extern "C" void on_stop_signal(int number) {
  const int saved_errno = errno;
  if (first_signal == 0) first_signal = number;
  const char byte = 1;
  // The pipe is non-blocking: once full, it is readable anyway.
  [[maybe_unused]] const ssize_t ignored = ::write(pipe_write_end, &byte, 1);
  errno = saved_errno;
}

}  // namespace

StopSignals::StopSignals(std::initializer_list<int> signals) {
  if (installed) throw std::logic_error("probity: only one StopSignals may exist at a time");
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC | O_NONBLOCK) != 0) {
    throw std::system_error(errno, std::generic_category(), "probity: cannot create the stop-signal pipe");
  }
  pipe_read_end = ends[0];
  pipe_write_end = ends[1];
  first_signal = 0;
  installed = true;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  for (const int number : signals) sigaddset(&action.sa_mask, number);
  action.sa_flags = 0;
  for (const int number : signals) {
    struct sigaction old {};
    if (::sigaction(number, &action, &old) != 0) {
      const int error = errno;
      restore();
      throw std::system_error(error, std::generic_category(), "probity: cannot install a signal handler");
    }
    previous_.emplace_back(number, old);
  }
}

StopSignals::~StopSignals() { restore(); }

void StopSignals::restore() noexcept {
  if (!installed) return;
  for (auto it = previous_.rbegin(); it != previous_.rend(); ++it) ::sigaction(it->first, &it->second, nullptr);
  previous_.clear();
  ::close(pipe_read_end);
  ::close(pipe_write_end);
  pipe_read_end = pipe_write_end = -1;
  installed = false;
}

int StopSignals::fd() const { return pipe_read_end; }
bool StopSignals::requested() const { return first_signal != 0; }
int StopSignals::signal() const { return first_signal; }

}  // namespace probity::consumer
