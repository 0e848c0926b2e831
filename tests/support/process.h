#pragma once
// Real child processes for integration tests: start a binary, wait for a line it prints
// (readiness, never a sleep), and always clean up.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

namespace floorwatch::test {

/// A child process whose stdout+stderr are captured. Killed (SIGKILL) on destruction if still
/// running. Not thread-safe.
class ChildProcess {
 public:
  /// `extra_env`: KEY=VALUE entries added to this process's environment for the child.
  explicit ChildProcess(std::vector<std::string> argv, const std::string& stdin_file = "",
                        const std::vector<std::string>& extra_env = {}) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      dup2(pipe_fds[1], STDOUT_FILENO);
      dup2(pipe_fds[1], STDERR_FILENO);
      close(pipe_fds[0]);
      close(pipe_fds[1]);
      int in = open(stdin_file.empty() ? "/dev/null" : stdin_file.c_str(), O_RDONLY);
      if (in >= 0) dup2(in, STDIN_FILENO);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      for (const std::string& entry : extra_env) putenv(const_cast<char*>(entry.c_str()));
      execv(args[0], args.data());
      _exit(127);
    }
    close(pipe_fds[1]);
    out_fd_ = pipe_fds[0];
    fcntl(out_fd_, F_SETFL, O_NONBLOCK);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() {
    if (running()) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) close(out_fd_);
  }

  /// Everything the process printed so far.
  const std::string& output() {
    drain(std::chrono::milliseconds(0));
    return output_;
  }

  /// Waits until the output matches `pattern`; returns the first match's groups.
  std::optional<std::smatch> wait_for(const std::string& pattern,
                                      std::chrono::milliseconds timeout) {
    const std::regex re(pattern);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      std::smatch match;
      if (std::regex_search(output_, match, re)) {
        matched_copy_ = output_;
        std::smatch stable;
        std::regex_search(matched_copy_, stable, re);
        return stable;
      }
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::milliseconds(0)) return std::nullopt;
      if (!drain(std::chrono::duration_cast<std::chrono::milliseconds>(left)) && !running())
        return std::nullopt;
    }
  }

  /// Waits for exit; returns the exit status (128+signal if killed), nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      drain(std::chrono::milliseconds(20));
      if (!running()) {
        drain(std::chrono::milliseconds(0));
        return exit_status_;
      }
    }
    return std::nullopt;
  }

  void signal(int sig) {
    if (running()) kill(pid_, sig);
  }

  pid_t pid() const { return pid_; }
  bool running() {
    if (exited_) return false;
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exited_ = true;
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return false;
    }
    return true;
  }

 private:
  // Reads what is available, waiting up to `timeout` for the first bytes. True if it read.
  bool drain(std::chrono::milliseconds timeout) {
    pollfd pfd{out_fd_, POLLIN, 0};
    bool got = false;
    int wait_ms = static_cast<int>(timeout.count());
    while (poll(&pfd, 1, wait_ms) > 0) {
      char buffer[65536];
      ssize_t n = read(out_fd_, buffer, sizeof buffer);
      if (n <= 0) break;
      output_.append(buffer, static_cast<std::size_t>(n));
      got = true;
      wait_ms = 0;
    }
    return got;
  }

  pid_t pid_ = -1;
  int out_fd_ = -1;
  bool exited_ = false;
  int exit_status_ = -1;
  std::string output_;
  std::string matched_copy_;
};

/// Runs a command to completion; returns (exit status, combined output).
inline std::pair<int, std::string> run_command(std::vector<std::string> argv,
                                               std::chrono::milliseconds timeout,
                                               const std::string& stdin_file = "") {
  ChildProcess child(std::move(argv), stdin_file);
  auto status = child.wait_exit(timeout);
  return {status.value_or(-1), child.output()};
}

}  // namespace floorwatch::test
