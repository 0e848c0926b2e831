#include "daemon/snapshot_writer.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <exception>
#include <utility>

#include "daemon/snapshot_file.h"

namespace floorwatch::daemon {
namespace {

void write_all(int fd, const void* data, std::size_t size) {
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, bytes, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    bytes += n;
    size -= static_cast<std::size_t>(n);
  }
}

std::string read_all(int fd) {
  std::string text;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return text;
    text.append(buffer, static_cast<std::size_t>(n));
  }
}

// The child: no logging, no sockets, no SQLite (their locks and threads stayed in the parent);
// only serialization, file writes and _exit. Reports "OK<previous_covers>" or the error.
[[noreturn]] void run_child(int pipe_fd, const std::function<std::string()>& serialize,
                            const std::string& journal_path, std::int64_t covers, bool fsync) {
  std::string report;
  int status = 0;
  try {
    const std::string state = serialize();
    const std::int64_t previous = write_snapshot_files(journal_path, covers, state, fsync);
    report = "OK" + std::to_string(previous);
  } catch (const std::exception& error) {
    report = error.what();
    status = 1;
  }
  write_all(pipe_fd, report.data(), report.size());
  ::_exit(status);
}

}  // namespace

SnapshotWriter::~SnapshotWriter() {
  kill_running();
}

bool SnapshotWriter::start(const std::function<std::string()>& serialize, std::int64_t covers,
                           std::string& problem) {
  if (running() || in_process_result_) {
    problem = "a snapshot is still being written";
    return false;
  }
#if defined(__SANITIZE_ADDRESS__)
  // ASan's allocator (GCC 12's libsanitizer) is not fork-safe while other threads allocate: a
  // child can block forever on its lock. The sanitizer build writes snapshots in-process.
  in_process_result_ = write_in_process(serialize, covers);
  return true;
#endif
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    problem = std::string("pipe: ") + std::strerror(errno);
    return false;
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    problem = std::string("fork: ") + std::strerror(errno);
    ::close(fds[0]);
    ::close(fds[1]);
    return false;
  }
  if (pid == 0) {
    ::close(fds[0]);
    run_child(fds[1], serialize, journal_path_, covers, fsync_);
  }
  ::close(fds[1]);
  child_ = pid;
  result_pipe_ = fds[0];
  covers_ = covers;
  started_ = std::chrono::steady_clock::now();
  return true;
}

std::optional<SnapshotWriter::Result> SnapshotWriter::poll() {
  return reap(false);
}

std::optional<SnapshotWriter::Result> SnapshotWriter::wait() {
  return reap(true);
}

SnapshotWriter::Result SnapshotWriter::write_in_process(
    const std::function<std::string()>& serialize, std::int64_t covers) {
  Result result;
  result.covers = covers;
  const auto started = std::chrono::steady_clock::now();
  try {
    result.previous_covers = write_snapshot_files(journal_path_, covers, serialize(), fsync_);
    result.written = true;
  } catch (const std::exception& error) {
    result.problem = error.what();
  }
  result.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return result;
}

void SnapshotWriter::kill_running() {
  if (!running()) return;
  ::kill(child_, SIGKILL);  // its temporary file is never renamed: the old snapshot stays
  reap(true);
}

std::optional<SnapshotWriter::Result> SnapshotWriter::reap(bool block) {
  if (in_process_result_) return std::exchange(in_process_result_, std::nullopt);
  if (!running()) return std::nullopt;
  int status = 0;
  pid_t ended;
  do {
    ended = ::waitpid(child_, &status, block ? 0 : WNOHANG);
  } while (ended < 0 && errno == EINTR);
  if (ended == 0) return std::nullopt;
  Result result;
  result.covers = covers_;
  result.took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started_);
  const std::string report = read_all(result_pipe_);  // the child has ended: no wait
  ::close(result_pipe_);
  result_pipe_ = -1;
  child_ = -1;
  if (ended > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && report.rfind("OK", 0) == 0) {
    result.written = true;
    result.previous_covers = std::stoll(report.substr(2));
  } else if (!report.empty() && report.rfind("OK", 0) != 0) {
    result.problem = report;
  } else {
    result.problem = WIFSIGNALED(status)
                         ? "snapshot writer killed by signal " + std::to_string(WTERMSIG(status))
                         : "snapshot writer ended without a result";
  }
  return result;
}

}  // namespace floorwatch::daemon
