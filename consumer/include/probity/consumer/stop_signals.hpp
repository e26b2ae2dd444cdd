// Every asynchronous signal whose default action ends the process, turned
// into an orderly stop: the handler only records the signal and writes one
// byte to a pipe, whose read end the ring reader's wait() watches alongside
// the ring buffers. The run then tears its tracefs instance down, as on
// SIGINT.
#pragma once

#include <csignal>
#include <vector>

namespace probity::consumer {

// The signals a run stops on: SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE,
// SIGALRM, SIGUSR1, SIGUSR2, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO,
// SIGPWR, SIGSTKFLT and the real-time signals SIGRTMIN..SIGRTMAX: every signal
// that another process can send and whose default action terminates. Not
// caught: SIGKILL and SIGSTOP (they cannot be), and the fault signals
// (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS), which mean a
// bug; an instance left by those is removed by the next run.
std::vector<int> terminating_signals();

class StopSignals {
 public:
  // Installs the handlers. One StopSignals may exist at a time; a second
  // throws std::logic_error. The destructor restores the previous
  // dispositions. A signal ignored when this is constructed stays ignored
  // (nohup keeps working). The handlers use SA_RESTART, so that a stop
  // signal during setup cannot fail a tracefs write with EINTR; the wait on
  // fd() (poll) returns at once whatever SA_RESTART says.
  explicit StopSignals(const std::vector<int>& signals = terminating_signals());
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Readable once a stop signal has arrived; stays readable.
  int fd() const;
  bool requested() const;
  // The first stop signal received, 0 if none.
  int signal() const;

  // For a child forked while the handlers are installed, before it execs:
  // puts the default action back on every signal the handlers catch, so that
  // a signal sent to the child ends the child instead of stopping the parent
  // through the shared pipe. Async-signal-safe.
  static void reset_in_forked_child() noexcept;

 private:
  void restore() noexcept;
  std::vector<std::pair<int, struct sigaction>> previous_;
};

}  // namespace probity::consumer
