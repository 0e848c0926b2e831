// floorwatch_bench_queue_log LINES [FILE]: generates a realistic, consistent Asterisk queue_log
// of LINES lines (deterministic), measures QueueLogParser + QueueLogMapper throughput on one
// core (no I/O), and writes the log to FILE for the end-to-end run in
// scripts/run-benchmarks (collector queue-log -> ZeroMQ -> daemon).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include "floorwatch/asterisk/queue_log_mapper.h"
#include "floorwatch/asterisk/queue_log_parser.h"

namespace {

/// A fixed linear congruential generator: the same log on every machine.
class Random {
 public:
  std::uint32_t next() {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::uint32_t>(state_ >> 33);
  }
  int between(int low, int high) { return low + static_cast<int>(next() % (high - low + 1)); }

 private:
  std::uint64_t state_ = 42;
};

struct Line {
  std::int64_t epoch;
  std::uint64_t order;  // keeps a call's lines in order within a second
  std::string text;
};

// 20 queues, 200 agents, ~1.5 calls/s; per call ENTERQUEUE, a DID line, ring attempts, then
// CONNECT + COMPLETE*, ABANDON or EXITWITHTIMEOUT, as app_queue writes them.
std::vector<std::string> generate(std::size_t wanted_lines) {
  constexpr int kQueues = 20;
  constexpr int kAgents = 200;
  Random random;
  std::vector<Line> lines;
  std::uint64_t order = 0;
  std::int64_t t = 1'800'000'000;  // 2027-01-15: after the simulator's events in run-benchmarks
  const auto add = [&](std::int64_t epoch, std::string text) {
    lines.push_back(Line{epoch, order++, std::move(text)});
  };
  add(t, std::to_string(t) + "|NONE|NONE|NONE|QUEUESTART|");
  std::vector<std::int64_t> agent_free_at(kAgents, t);
  for (int agent = 0; agent < kAgents; ++agent)
    add(t, std::to_string(t) + "|MANAGER|q" + std::to_string(agent % kQueues) + "|Agent" +
               std::to_string(agent) + "|ADDMEMBER|");
  for (std::uint64_t call = 0; lines.size() < wanted_lines; ++call) {
    t += random.between(0, 1);
    const std::string id = std::to_string(t) + "." + std::to_string(call);
    const int queue = random.between(0, kQueues - 1);
    const std::string prefix = "|" + id + "|q" + std::to_string(queue) + "|";
    const auto at = [](std::int64_t epoch) { return std::to_string(epoch); };
    if (random.between(0, 9) == 0) add(t, at(t) + prefix + "NONE|DID|5550100");
    add(t, at(t) + prefix + "NONE|ENTERQUEUE||5550" + std::to_string(call % 10000) + "|1");
    // The queue's members are agents queue, queue + 20, ...: take the one free first.
    int agent = queue;
    for (int candidate = queue; candidate < kAgents; candidate += kQueues)
      if (agent_free_at[candidate] < agent_free_at[agent]) agent = candidate;
    const int patience = random.between(5, 240);
    const std::int64_t answer = std::max(t + random.between(2, 8), agent_free_at[agent] + 1);
    if (answer - t > patience) {
      const bool timeout = patience > 200;
      add(t + patience, at(t + patience) + prefix + "NONE|" +
                            (timeout ? "EXITWITHTIMEOUT" : "ABANDON") + "|1|1|" +
                            std::to_string(patience));
      continue;
    }
    const std::string member = "Agent" + std::to_string(agent);
    if (random.between(0, 3) == 0)
      add(answer - 1, at(answer - 1) + prefix + member + "|RINGNOANSWER|15000");
    const std::int64_t talk = random.between(20, 400);
    add(answer,
        at(answer) + prefix + member + "|CONNECT|" + std::to_string(answer - t) + "|" + id + "1|2");
    add(answer + talk, at(answer + talk) + prefix + member +
                           (random.between(0, 1) ? "|COMPLETECALLER|" : "|COMPLETEAGENT|") +
                           std::to_string(answer - t) + "|" + std::to_string(talk) + "|1");
    agent_free_at[agent] = answer + talk;
  }
  std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
    return a.epoch != b.epoch ? a.epoch < b.epoch : a.order < b.order;
  });
  lines.resize(wanted_lines);
  std::vector<std::string> texts;
  texts.reserve(lines.size());
  for (auto& line : lines) texts.push_back(std::move(line.text));
  return texts;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t wanted = argc > 1 ? std::stoul(argv[1]) : 1'000'000;
  const std::vector<std::string> lines = generate(wanted);
  if (argc > 2) {
    std::ofstream out(argv[2], std::ios::binary);
    for (const auto& line : lines) out << line << '\n';
  }
  const floorwatch::asterisk::QueueLogParser parser;
  floorwatch::asterisk::QueueLogMapper mapper;
  std::size_t events = 0;
  const auto started = std::chrono::steady_clock::now();
  for (const auto& line : lines) {
    auto parsed = parser.parse(line);
    if (auto* record = std::get_if<floorwatch::asterisk::QueueLogRecord>(&parsed))
      events += mapper.map(*record).events.size();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("queue_log_parse_map lines=%zu events=%zu seconds=%.3f lines_per_second=%.0f\n",
              lines.size(), events, seconds, static_cast<double>(lines.size()) / seconds);
  return 0;
}
