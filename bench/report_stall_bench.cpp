// How long the daemon loop stalls while a month-of-all-queues `report` is computed: a real
// floorwatchd (any build, given by path, so a before/after pair can be compared) is started on
// a history file holding `queues` x `days` of 30-minute rows; the report is requested over
// ZeroMQ and, until it arrives, `status` round trips and ingest acks are timed (and 100 acks
// before it, as the idle baseline).
//   floorwatch_bench_report_stall FLOORWATCHD [queues=20] [days=31]
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "support/process.h"
#include "support/report_load.h"

using namespace floorwatch;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FLOORWATCHD [queues] [days]\n", argv[0]);
    return 2;
  }
  test::SyntheticHistory history;
  history.queues = argc > 2 ? std::stoi(argv[2]) : 20;
  history.days = argc > 3 ? std::stoi(argv[3]) : 31;

  std::string pattern =
      (std::filesystem::temp_directory_path() / "floorwatch-report-bench-XXXXXX").string();
  const std::filesystem::path dir = mkdtemp(pattern.data());
  const std::string state = (dir / "state.db").string();
  history.write(state + ".history");
  const std::string config = (dir / "floorwatch.yaml").string();
  std::ofstream(config) << "site: bench\ndaemon_id: bench\n"
                           "ingest:\n  bind: tcp://127.0.0.1:*\n"
                           "control:\n  bind: tcp://127.0.0.1:*\n"
                           "feed:\n  bind: tcp://127.0.0.1:*\n  publish: tcp://127.0.0.1:*\n"
                           "metrics:\n  listen: 127.0.0.1:0\n"
                           "timezone: Europe/Stockholm\ninterval_minutes: 30\n"
                           "state:\n  path: "
                        << state << "\nqueues:\n  q00: {}\n";

  int status = 0;
  {
    test::ChildProcess daemon({argv[1], "--config", config, "--clock", "event"});
    const auto ready =
        daemon.wait_for(R"(ready ingest=(\S+) control=(\S+))", std::chrono::seconds(20));
    if (!ready) {
      std::fprintf(stderr, "floorwatchd did not start:\n%s\n", daemon.output().c_str());
      status = 1;
    } else {
      // 2026-12-01T09:00Z: the month is history, the daemon's clock is after it.
      const auto load = test::run_report_under_load(
          (*ready)[1], (*ready)[2], history.report_request(),
          core::from_epoch_ms(1'796'115'600'000), std::chrono::milliseconds(10),
          std::chrono::seconds(120), /*idle_probes=*/100);
      using Load = test::ReportUnderLoad;
      std::printf(
          "report_stall queues=%d days=%d rows=%zu report_ms=%.0f reply_mb=%.1f "
          "status_probes=%zu status_ms_p50=%.1f status_ms_max=%.1f ack_probes=%zu "
          "ack_ms_p50=%.1f ack_ms_max=%.1f idle_ack_ms_p50=%.1f idle_ack_ms_max=%.1f\n",
          history.queues, history.days, history.rows(), load.report_ms,
          static_cast<double>(load.reply.size()) / 1e6, load.status_ms.size(),
          Load::percentile(load.status_ms, 0.5), load.max_status_ms(), load.ack_ms.size(),
          Load::percentile(load.ack_ms, 0.5), load.max_ack_ms(),
          Load::percentile(load.idle_ack_ms, 0.5), Load::max_of(load.idle_ack_ms));
    }
  }
  std::filesystem::remove_all(dir);
  return status;
}
