// Alert evaluation against a busy floor: 1,000 queues x 10 rules, events applied to a
// FloorState at 100k events/s of simulated time in 1 ms batches, and the engine evaluated the
// way floorwatchd does (after a drain at most every 20 ms, at its deadlines, at least every
// second). Reports whether evaluation keeps up and what share of one core it takes.
// Usage: floorwatch_bench_alerts [simulated_seconds=60] [queues=1000] [events_per_second=100000]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
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

}  // namespace

int main(int argc, char** argv) {
  const int seconds = argc > 1 ? std::atoi(argv[1]) : 60;
  const int queues = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int events_per_second = argc > 3 ? std::atoi(argv[3]) : 100000;
  constexpr int kAgentsPerQueue = 20;
  // ~4.4 events per call (enqueue, answer, complete, agent free; one in ten abandons).
  const double calls_per_ms = events_per_second / 1000.0 / 4.4;

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
  std::size_t applied = 0, rejected = 0;
  double apply_cpu = 0;

  std::vector<double> evaluation_ms;
  double evaluation_cpu = 0;
  std::size_t transitions = 0, notifications = 0, deadline_evaluations = 0;
  std::optional<core::Timestamp> last_evaluation;
  core::Timestamp last_advance = t0;
  const std::vector<alerts::SourceActivity> sources{{"bench", t0}};

  for (int ms = 0; ms < seconds * 1000; ++ms) {
    const core::Timestamp now = t0 + core::Duration{ms};
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
    // One batch: every event due by now (the daemon drains a collector batch at once).
    const double apply_start = cpu_seconds();
    bool ingested = false;
    while (!future.empty() && future.top().event.ts <= now) {
      const auto result = floor.apply(future.top().event);
      result.applied ? ++applied : ++rejected;
      future.pop();
      ingested = true;
    }
    if (now - last_advance >= core::Duration{100}) {  // the daemon's 100 ms tick
      floor.advance(now);
      last_advance = now;
    }
    apply_cpu += cpu_seconds() - apply_start;

    const auto deadline = engine.next_deadline();
    const bool due = deadline && now >= *deadline;
    const auto since = last_evaluation ? now - *last_evaluation : core::Duration{1'000'000};
    if (!due && !(ingested && since >= core::Duration{20}) && since < core::Duration{1000})
      continue;
    if (due && !(ingested && since >= core::Duration{20})) ++deadline_evaluations;
    last_evaluation = now;
    const double cpu_start = cpu_seconds();
    const auto start = std::chrono::steady_clock::now();
    const core::FloorSnapshot snapshot = floor.snapshot(now);  // rules need no per-call list
    const auto result = engine.evaluate(snapshot, sources, now);
    evaluation_ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
    evaluation_cpu += cpu_seconds() - cpu_start;
    transitions += result.transitions.size();
    notifications += result.notifications.size();
  }

  std::sort(evaluation_ms.begin(), evaluation_ms.end());
  double total_ms = 0;
  for (double value : evaluation_ms) total_ms += value;
  const double mean_ms = evaluation_ms.empty() ? 0 : total_ms / evaluation_ms.size();
  const double p99_ms =
      evaluation_ms.empty() ? 0 : evaluation_ms[(evaluation_ms.size() * 99) / 100];
  // Share of one core per simulated second: below 1.0 means evaluation keeps up in real time.
  const double evaluation_share = evaluation_cpu / seconds;
  const double apply_share = apply_cpu / seconds;
  std::size_t active = engine.list().size();
  std::printf(
      "alerts queues=%d rules=%zu sim_seconds=%d events=%zu rejected=%zu "
      "events_per_sim_second=%.0f evaluations=%zu evaluations_per_sim_second=%.1f "
      "deadline_evaluations=%zu mean_ms=%.2f p99_ms=%.2f max_ms=%.2f "
      "evaluation_cpu_share=%.3f apply_cpu_share=%.3f keeps_up=%s transitions=%zu "
      "notifications=%zu active_alerts=%zu\n",
      queues, engine.config().rules.size(), seconds, applied + rejected, rejected,
      static_cast<double>(applied + rejected) / seconds, evaluation_ms.size(),
      static_cast<double>(evaluation_ms.size()) / seconds, deadline_evaluations, mean_ms, p99_ms,
      evaluation_ms.empty() ? 0 : evaluation_ms.back(), evaluation_share, apply_share,
      evaluation_share + apply_share < 1.0 ? "yes" : "no", transitions, notifications, active);
  return 0;
}
