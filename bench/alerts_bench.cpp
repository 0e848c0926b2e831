// Alert evaluation against a busy floor: 1,000 queues x 10 rules, events applied to a
// FloorState at 100k events/s of simulated time in 1 ms batches, and the engine evaluated the
// way floorwatchd does (after a drain at most every 20 ms, at its deadlines, at least every
// second, on the queues changed since its last evaluation). Work is timed on the thread's CPU
// clock per simulated second, so a loaded machine does not fake a failure: the daemon loop
// keeps up when applying events plus evaluating takes less than one core.
// Usage: floorwatch_bench_alerts [measured_seconds=10] [queues=1000] [events_per_second=100000]
//                                [warmup_seconds=10]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <optional>
#include <queue>
#include <string>
#include <vector>

#include "alerts/alert_engine.h"
#include "alerts/rule_config.h"
#include "floorwatch/core/floor_state.h"

namespace {

using namespace floorwatch;

// A realistic mix: what a contact centre pages on (docs/alerts.md examples and more).
const char* kRules = R"(
notifiers:
  log: {type: log}
escalation_policies:
  default:
    - {name: floor-lead, after: 0s, notifiers: [log], repeat: 5m}
    - {name: supervisor, after: 3m, notifiers: [log], repeat: 10m}
rules:
  - {name: OldestWaitOver60s, expr: oldest_wait_seconds > 60, severity: critical}
  - {name: QueueBuilding, expr: calls_waiting > 40, for: 30s}
  - {name: QueueFlooded, expr: calls_waiting > 100, cooldown: 5m, severity: critical}
  - {name: ServiceLevelLow, expr: "service_level_ratio{window=interval} < 0.80", min_calls: 20}
  - {name: ServiceLevel30mLow, expr: "service_level_ratio{window=30m} < 0.60", min_calls: 50, for: 1m}
  - {name: AbandonHigh, expr: "abandon_ratio{window=60m} > 0.10", min_calls: 30}
  - {name: NobodyFree, expr: "agents{state=available} == 0 and calls_waiting > 0", for: 10s}
  - {name: BreachImminent, expr: breach_within_seconds < 30, severity: critical}
  - {name: PredictedServiceLevelLow, expr: predicted_service_level_ratio < 0.70}
  - {name: AsaHigh, expr: "asa_seconds{window=15m} > 20", min_calls: 20}
)";

// Events per call: enqueue, answer, complete, agent free (4); one call in ten abandons (2).
constexpr double kEventsPerCall = 0.9 * 4 + 0.1 * 2;

struct Pending {
  core::Event event;
  bool operator>(const Pending& other) const { return event.ts > other.event.ts; }
};

// Deterministic spread without a random engine: same figures on every run.
std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return x;
}

double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

double percentile(std::vector<double> values, double fraction) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<std::size_t>(values.size() * fraction))];
}

long rss_megabytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6) / 1024;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const int seconds = argc > 1 ? std::atoi(argv[1]) : 10;
  const int queues = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int events_per_second = argc > 3 ? std::atoi(argv[3]) : 100000;
  // Waits reach 80 s on the slow queues; 10 s is enough for the others to be in steady state.
  const int warmup_seconds = argc > 4 ? std::atoi(argv[4]) : 10;
  constexpr int kAgentsPerQueue = 20;
  const double calls_per_ms = events_per_second / 1000.0 / kEventsPerCall;

  alerts::AlertEngine engine(alerts::parse_alerts_config_text(kRules, "bench.yaml"));
  core::FloorState floor(core::FloorConfig{});
  const core::Timestamp t0 = core::from_epoch_ms(1795510800000);  // a Tuesday, 09:00 UTC
  for (int q = 0; q < queues; ++q) {
    for (int a = 0; a < kAgentsPerQueue; ++a) {
      core::Event login;
      login.type = core::EventType::AgentState;
      login.ts = t0;
      login.agent = "agent-" + std::to_string(q) + "-" + std::to_string(a);
      login.state = core::AgentStatus::Available;
      login.queues = std::vector<std::string>{"queue-" + std::to_string(q)};
      floor.apply(login);
    }
  }

  std::priority_queue<Pending, std::vector<Pending>, std::greater<>> future;
  std::vector<std::uint64_t> calls_in_queue(static_cast<std::size_t>(queues), 0);
  std::uint64_t call_number = 0;
  double calls_due = 0;

  // Measured after the warm-up only.
  std::size_t applied = 0, rejected = 0, offered = 0;
  double apply_cpu = 0, evaluation_cpu = 0, snapshot_cpu = 0;
  std::vector<double> evaluation_ms, evaluation_cpu_ms;
  std::size_t transitions = 0, notifications = 0, deadline_evaluations = 0, queues_evaluated = 0;
  std::optional<core::Timestamp> last_evaluation;
  core::Timestamp last_advance = t0;
  const std::vector<alerts::SourceActivity> sources{{"bench", t0}};

  const int total_ms = (warmup_seconds + seconds) * 1000;
  for (int ms = 0; ms < total_ms; ++ms) {
    const core::Timestamp now = t0 + core::Duration{ms};
    const bool measured = ms >= warmup_seconds * 1000;
    // New calls this millisecond, spread over the queues; their later events go to `future`.
    for (calls_due += calls_per_ms; calls_due >= 1; calls_due -= 1, ++call_number) {
      const auto h = mix(call_number);
      // A few queues are understaffed: their callers wait much longer (alerts do fire).
      const int q = static_cast<int>(h % static_cast<std::uint64_t>(queues));
      const bool slow_queue = q % 25 == 0;
      const std::string call = "call-" + std::to_string(call_number);
      core::Event enqueued;
      enqueued.type = core::EventType::CallEnqueued;
      enqueued.ts = now;
      enqueued.call = call;
      enqueued.queue = "queue-" + std::to_string(q);
      future.push({enqueued});
      const long wait = slow_queue ? 20'000 + static_cast<long>((h >> 16) % 60'000)
                                   : 200 + static_cast<long>((h >> 16) % 4'000);
      if ((h >> 40) % 10 == 0) {
        core::Event abandoned;
        abandoned.type = core::EventType::CallAbandoned;
        abandoned.ts = now + core::Duration{wait};
        abandoned.call = call;
        future.push({abandoned});
        continue;
      }
      const std::string agent = "agent-" + std::to_string(q) + "-" +
                                std::to_string(calls_in_queue[q]++ % kAgentsPerQueue);
      core::Event answered;
      answered.type = core::EventType::CallAnswered;
      answered.ts = now + core::Duration{wait};
      answered.call = call;
      answered.agent = agent;
      future.push({answered});
      core::Event completed;
      completed.type = core::EventType::CallCompleted;
      completed.ts = answered.ts + core::Duration{500};
      completed.call = call;
      future.push({completed});
      core::Event available;
      available.type = core::EventType::AgentState;
      available.ts = completed.ts + core::Duration{300};
      available.agent = agent;
      available.state = core::AgentStatus::Available;
      future.push({std::move(available)});
    }
    // One batch: every event due by now (the daemon drains a collector batch at once). The
    // events are taken out of the queue first: that is the generator's work, not the daemon's.
    std::vector<core::Event> batch;
    while (!future.empty() && future.top().event.ts <= now) {
      batch.push_back(future.top().event);
      future.pop();
    }
    const double apply_start = cpu_seconds();
    std::size_t batch_rejected = 0;
    for (const core::Event& event : batch)
      if (!floor.apply(event).applied) ++batch_rejected;
    if (now - last_advance >= core::Duration{100}) {  // the daemon's 100 ms tick
      floor.advance(now);
      last_advance = now;
    }
    if (measured) {
      apply_cpu += cpu_seconds() - apply_start;
      offered += batch.size();
      applied += batch.size() - batch_rejected;
      rejected += batch_rejected;
    }
    const bool ingested = !batch.empty();

    const auto deadline = engine.next_deadline();
    const bool due = deadline && now >= *deadline;
    const auto since = last_evaluation ? now - *last_evaluation : core::Duration{1'000'000};
    if (!due && !(ingested && since >= core::Duration{20}) && since < core::Duration{1000})
      continue;
    last_evaluation = now;
    const double cpu_start = cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    // What AlertService::evaluate does: the changed queues, built under the floor's lock.
    const core::FloorSnapshot snapshot = floor.snapshot(now, engine.snapshot_options());
    const double snapshot_end = cpu_seconds();
    const auto result = engine.evaluate(snapshot, sources, now);
    const double wall_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    const double cpu_ms = (cpu_seconds() - cpu_start) * 1000.0;
    if (!measured) continue;
    if (due && !(ingested && since >= core::Duration{20})) ++deadline_evaluations;
    evaluation_ms.push_back(wall_ms);
    evaluation_cpu_ms.push_back(cpu_ms);
    evaluation_cpu += cpu_ms / 1000.0;
    snapshot_cpu += snapshot_end - cpu_start;
    queues_evaluated += snapshot.queues.size();
    transitions += result.transitions.size();
    notifications += result.notifications.size();
  }

  const double evaluations = static_cast<double>(evaluation_ms.size());
  // Share of one core per simulated second: below 1.0 means the loop keeps up in real time.
  const double evaluation_share = evaluation_cpu / seconds;
  const double apply_share = apply_cpu / seconds;
  const double loop_share = evaluation_share + apply_share;
  const double offered_rate = static_cast<double>(offered) / seconds;
  // If the loop cannot keep up it falls behind: it sustains what one core gets through.
  const double sustained_rate = loop_share < 1.0 ? offered_rate : offered_rate / loop_share;
  std::printf(
      "alerts queues=%d rules=%zu warmup_seconds=%d measured_seconds=%d "
      "offered_events_per_second=%.0f sustained_events_per_second=%.0f rejected=%zu "
      "evaluations_per_second=%.1f deadline_evaluations=%zu changed_queues_per_evaluation=%.0f "
      "evaluation_ms_p50=%.2f evaluation_ms_p99=%.2f evaluation_ms_max=%.2f "
      "evaluation_cpu_ms_p50=%.2f evaluation_cpu_ms_p99=%.2f "
      "evaluation_cpu_share=%.3f snapshot_cpu_share=%.3f apply_cpu_share=%.3f loop_cpu_share=%.3f "
      "keeps_up=%s "
      "transitions=%zu notifications=%zu active_alerts=%zu rss_mb=%ld\n",
      queues, engine.config().rules.size(), warmup_seconds, seconds, offered_rate, sustained_rate,
      rejected, evaluations / seconds, deadline_evaluations,
      evaluations > 0 ? static_cast<double>(queues_evaluated) / evaluations : 0.0,
      percentile(evaluation_ms, 0.50), percentile(evaluation_ms, 0.99),
      percentile(evaluation_ms, 1.0), percentile(evaluation_cpu_ms, 0.50),
      percentile(evaluation_cpu_ms, 0.99), evaluation_share, snapshot_cpu / seconds, apply_share,
      loop_share, loop_share < 1.0 ? "yes" : "no", transitions, notifications, engine.list().size(),
      rss_megabytes());
  return 0;
}
