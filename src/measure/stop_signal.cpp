#include "gpubench/measure/stop_signal.hpp"

#include <unistd.h>

#include <csignal>

namespace gpubench {

namespace {

// Lock-free atomics are the only shared state a signal handler may touch.
std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};
struct sigaction g_old_int {
}, g_old_term{}, g_old_hup{};

extern "C" void on_stop_signal(int sig) {
  if (g_stop.load()) {
    // Second signal: the user means it. Default action, the process ends by this signal.
    ::signal(sig, SIG_DFL);
    ::raise(sig);
    return;
  }
  g_signal.store(sig);  // before the flag, so whoever sees the flag also sees which signal
  g_stop.store(true);
  static const char msg[] =
      "\ngpubench: stopping after the current case (results so far are saved); "
      "press Ctrl-C again to quit at once\n";
  [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, msg, sizeof msg - 1);
}

}  // namespace

static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

StopOnSignal::StopOnSignal() {
  g_stop.store(false);
  g_signal.store(0);
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // reads and writes in progress carry on
  // A signal the caller ignores stays ignored: `nohup gpubench ...` must outlive the terminal and
  // a background job of a script (SIGINT ignored) must not stop at the script's Ctrl-C.
  const auto install = [&sa](int sig, struct sigaction* old) {
    sigaction(sig, nullptr, old);
    if (old->sa_handler != SIG_IGN) sigaction(sig, &sa, nullptr);
  };
  install(SIGINT, &g_old_int);
  install(SIGTERM, &g_old_term);
  // A closed terminal or ssh session (SIGHUP) stops the run like SIGTERM: saved, marked complete
  // with what it finished, instead of a file cut off mid-run (issue 15 item 7).
  install(SIGHUP, &g_old_hup);
}

StopOnSignal::~StopOnSignal() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
  sigaction(SIGHUP, &g_old_hup, nullptr);
}

const std::atomic<bool>* StopOnSignal::flag() const { return &g_stop; }

int StopOnSignal::signal() const { return g_signal.load(); }

}  // namespace gpubench
