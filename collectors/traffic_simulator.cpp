#include "traffic_simulator.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <queue>
#include <random>
#include <set>
#include <unordered_map>

namespace floorwatch::collectors {
namespace {

using core::AgentStatus;
using core::Event;
using core::EventType;

constexpr std::int64_t kSecond = 1000;
constexpr std::int64_t kMinute = 60 * kSecond;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;

// Relative volume at each local hour 0..24 (linear in between): quiet night, a morning peak
// around 10:00, a lunch dip, a second peak mid-afternoon, a long evening tail.
constexpr std::array<double, 25> kHourlyVolume{0.04, 0.03, 0.02, 0.02, 0.02, 0.03, 0.08, 0.25, 0.60,
                                               0.90, 1.00, 0.90, 0.65, 0.75, 0.90, 0.85, 0.70, 0.50,
                                               0.30, 0.20, 0.15, 0.10, 0.07, 0.05, 0.04};

// Distributions written out by hand so a seed means the same stream on every standard library.
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }  // [0, 1)
  double uniform(double low, double high) { return low + (high - low) * uniform(); }
  double exponential(double mean) { return -mean * std::log1p(-uniform()); }
  double normal() {  // Box-Muller; the second value is dropped for simplicity
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }
  double lognormal_with_median(double median, double sigma) {
    return median * std::exp(sigma * normal());
  }
  bool chance(double probability) { return uniform() < probability; }
  std::uint64_t below(std::uint64_t bound) { return engine_() % bound; }

 private:
  std::mt19937_64 engine_;
};

std::int64_t seconds_to_ms(double seconds) {
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::llround(seconds * 1000.0)));
}

enum class Happening {
  Arrival,       // candidate arrival on `queue` (thinned against the time-of-day curve)
  Answer,        // the ringing agent picks up `call`
  Complete,      // `call` ends, its agent goes to wrap-up
  WrapupEnd,     // `agent` is ready again
  Patience,      // the caller of `call` hangs up if still waiting
  QueueTimeout,  // `call` has waited the queue's maximum
  KeyPress,      // the caller of `call` presses a key to leave
  PauseWanted,   // `agent` wants a pause of kind `pause`
  PauseEnd,      // `agent` comes back from a pause
};

enum class PauseKind { Break, Lunch, Training, LongBreak };
constexpr const char* kPauseReasons[] = {"break", "lunch", "training", "break"};

struct Scheduled {
  std::int64_t at_ms;
  std::uint64_t order;  // ties broken by scheduling order: deterministic
  Happening what;
  std::uint64_t call = 0;
  int queue = 0;
  int agent = 0;
  PauseKind pause = PauseKind::Break;
  bool operator>(const Scheduled& other) const {
    return at_ms != other.at_ms ? at_ms > other.at_ms : order > other.order;
  }
};

}  // namespace

std::optional<WeeklyPattern> parse_weekly_pattern(std::string_view text) {
  if (text == "daily") return WeeklyPattern::Daily;
  if (text == "weekday-peaks") return WeeklyPattern::WeekdayPeaks;
  return std::nullopt;
}

double weekday_factor(WeeklyPattern pattern, int weekday) {
  // Monday's backlog, a midweek lull, Friday up again, weekends a fraction of a weekday.
  constexpr std::array<double, 7> kWeekdayPeaks{1.0, 0.85, 0.75, 0.75, 0.9, 0.35, 0.2};
  if (pattern == WeeklyPattern::Daily) return 1.0;
  return kWeekdayPeaks[static_cast<std::size_t>(((weekday % 7) + 7) % 7)];
}

double TrafficSimulator::time_of_day_factor(double local_hour) {
  local_hour = std::fmod(local_hour, 24.0);
  if (local_hour < 0) local_hour += 24.0;
  const auto hour = static_cast<std::size_t>(local_hour);
  const double fraction = local_hour - static_cast<double>(hour);
  return kHourlyVolume[hour] + (kHourlyVolume[hour + 1] - kHourlyVolume[hour]) * fraction;
}

namespace {

// 1970-01-01 was a Thursday: day 0 is weekday 3 (0 = Monday).
int local_weekday(std::int64_t local_ms) {
  const std::int64_t day = (local_ms >= 0 ? local_ms : local_ms - kDay + 1) / kDay;
  return static_cast<int>(((day + 3) % 7 + 7) % 7);
}

// The thinning probability of a candidate arrival at `at_ms` (UTC): time of day × weekday.
double arrival_factor(const SimulationConfig& config, std::int64_t at_ms) {
  const std::int64_t local = at_ms + config.utc_offset_minutes * kMinute;
  const double hour =
      static_cast<double>(((local % kDay) + kDay) % kDay) / static_cast<double>(kHour);
  return TrafficSimulator::time_of_day_factor(hour) *
         weekday_factor(config.pattern, local_weekday(local));
}

// Peak arrivals per second of each queue: offered load = peak_load × the agents' capacity,
// where capacity is what is left after pauses (about 10% of the day) and the handle time is
// talk + wrap-up; each queue gets 0.6× the previous one's volume.
std::vector<double> peak_rates(const SimulationConfig& config) {
  const double mean_talk =
      config.median_talk_seconds * std::exp(config.talk_time_sigma * config.talk_time_sigma / 2);
  const double mean_handle =
      mean_talk + (config.min_wrapup_seconds + config.max_wrapup_seconds) / 2 + 4;  // + ring
  const double peak_calls_per_second =
      config.peak_load * std::max(config.agents, 1) * 0.9 / mean_handle;
  std::vector<double> shares;
  double share = 1.0, total_share = 0.0;
  const std::size_t queues = std::clamp<std::size_t>(config.queues.size(), 1, 32);
  for (std::size_t q = 0; q < queues; ++q, share *= 0.6) {
    shares.push_back(share);
    total_share += share;
  }
  std::vector<double> rates;
  for (double s : shares) rates.push_back(peak_calls_per_second * s / total_share);
  return rates;
}

}  // namespace

double TrafficSimulator::expected_offered(const SimulationConfig& config, int queue,
                                          core::Timestamp from, core::Timestamp to) {
  const std::vector<double> rates = peak_rates(config);
  if (queue < 0 || queue >= static_cast<int>(rates.size())) return 0;
  // The curve is piecewise linear within hours: a one-second midpoint sum is exact enough.
  double factor_seconds = 0;
  for (std::int64_t t = core::to_epoch_ms(from); t < core::to_epoch_ms(to); t += kSecond)
    factor_seconds += arrival_factor(config, t + kSecond / 2);
  return rates[static_cast<std::size_t>(queue)] * factor_seconds;
}

struct TrafficSimulator::Engine {
  enum class CallState { Waiting, Ringing, Talking };
  struct Call {
    std::string id;
    int queue = 0;
    std::int64_t enqueued_ms = 0;
    CallState state = CallState::Waiting;
    int agent = -1;
  };
  enum class AgentActivity { Idle, Ringing, Talking, Wrapup, Paused };
  struct Agent {
    std::string id;
    std::uint32_t queue_mask = 0;  // bit q: member of queue q
    AgentActivity activity = AgentActivity::Idle;
    std::int64_t idle_since_ms = 0;
    std::uint64_t call = 0;
    std::optional<PauseKind> pending_pause;
  };

  explicit Engine(SimulationConfig c) : config(std::move(c)), random(config.seed) {
    if (config.queues.empty()) config.queues = {"support"};
    if (config.queues.size() > 32) config.queues.resize(32);
    config.agents = std::max(config.agents, 1);
    now_ms = core::to_epoch_ms(config.start);
    if (config.duration) end_ms = now_ms + config.duration->count();
    waiting.resize(config.queues.size());

    // Volumes: each queue 0.6x the previous one (peak_rates() follows the same shares).
    double share = 1.0;
    for (std::size_t q = 0; q < config.queues.size(); ++q, share *= 0.6)
      queue_share.push_back(share);
    peak_rate = peak_rates(config);

    make_agents();
    if (config.rush) send_on_long_breaks(*config.rush);
    for (int q = 0; q < static_cast<int>(config.queues.size()); ++q) schedule_arrival(q);
  }

  // The rush's agents ask for their break two minutes in (after the call they are on).
  void send_on_long_breaks(const MorningRush& rush) {
    const int count = std::min(rush.long_breaks, config.agents);
    for (int a = 0; a < count; ++a) {
      Scheduled item{now_ms + 2 * kMinute, 0, Happening::PauseWanted};
      item.agent = a;
      item.pause = PauseKind::LongBreak;
      push(item);
    }
  }

  // Candidate arrivals per second on `queue` now: the peak rate, times the rush while it lasts.
  double candidate_rate(int queue) const {
    const double rate = peak_rate[queue];
    if (!config.rush) return rate;
    const std::int64_t rush_end =
        core::to_epoch_ms(config.start) +
        std::chrono::duration_cast<std::chrono::milliseconds>(config.rush->surge_length).count();
    return now_ms < rush_end ? rate * config.rush->surge_factor : rate;
  }

  void make_agents() {
    const int queue_count = static_cast<int>(config.queues.size());
    double total_share = 0;
    for (double s : queue_share) total_share += s;
    std::vector<std::string> queue_names;
    for (int a = 0; a < config.agents; ++a) {
      Agent agent;
      char id[32];
      std::snprintf(id, sizeof id, "agent-%03d", a + 1);
      agent.id = id;
      // Primary queue by volume share (so staffing follows traffic), round-robin for the
      // first agents so every queue has someone.
      int primary = a % queue_count;
      if (a >= queue_count) {
        const double position = random.uniform() * total_share;
        double cumulative = 0;
        for (int q = 0; q < queue_count; ++q) {
          cumulative += queue_share[q];
          if (position < cumulative) {
            primary = q;
            break;
          }
        }
      }
      agent.queue_mask = 1u << primary;
      if (queue_count > 1 && random.chance(0.3)) {  // a third of the floor is multi-skilled
        const int second = static_cast<int>(
            (primary + 1 + random.below(static_cast<std::uint64_t>(queue_count - 1))) %
            queue_count);
        agent.queue_mask |= 1u << second;
      }
      agent.idle_since_ms = now_ms;
      agents.push_back(agent);

      Event login = make_event(EventType::AgentState);
      login.agent = agent.id;
      login.state = AgentStatus::Available;
      std::vector<std::string> memberships;
      for (int q = 0; q < queue_count; ++q)
        if (agent.queue_mask & (1u << q)) memberships.push_back(config.queues[q]);
      login.queues = std::move(memberships);
      output.push_back(std::move(login));
      idle.insert({now_ms, a});

      schedule_break(a);
      // Lunch at a random local time between 11:00 and 13:30, every day.
      const std::int64_t lunch_of_day =
          11 * kHour + static_cast<std::int64_t>(random.uniform(0, 150)) * kMinute;
      const std::int64_t local_now = now_ms + config.utc_offset_minutes * kMinute;
      std::int64_t local_midnight = local_now - ((local_now % kDay) + kDay) % kDay;
      std::int64_t lunch_local = local_midnight + lunch_of_day;
      if (lunch_local <= local_now) lunch_local += kDay;
      Scheduled lunch{lunch_local - config.utc_offset_minutes * kMinute, 0, Happening::PauseWanted};
      lunch.agent = a;
      lunch.pause = PauseKind::Lunch;
      push(lunch);
    }
  }

  Event make_event(EventType type) const {
    Event event;
    event.type = type;
    event.ts = core::from_epoch_ms(now_ms);
    return event;
  }

  void push(Scheduled item) {
    item.order = next_order++;
    heap.push(item);
  }

  void schedule(Happening what, std::int64_t at_ms, std::uint64_t call, int agent = 0) {
    Scheduled item{at_ms, 0, what};
    item.call = call;
    item.agent = agent;
    push(item);
  }

  void schedule_arrival(int queue) {
    Scheduled item{now_ms + seconds_to_ms(random.exponential(1.0 / candidate_rate(queue))), 0,
                   Happening::Arrival};
    item.queue = queue;
    push(item);
  }

  void schedule_break(int agent) {
    Scheduled item{now_ms + seconds_to_ms(random.exponential(110 * 60)), 0, Happening::PauseWanted};
    item.agent = agent;
    item.pause = random.chance(0.15) ? PauseKind::Training : PauseKind::Break;
    push(item);
  }

  // --- happenings ------------------------------------------------------------------------------

  void on_arrival(int queue) {
    schedule_arrival(queue);
    // Thinning: candidates come at the peak rate, each kept with the curve's factor.
    if (!random.chance(arrival_factor(config, now_ms))) return;
    const std::uint64_t number = ++call_count;
    Call call;
    call.id = config.call_id_prefix + std::to_string(number);
    call.queue = queue;
    call.enqueued_ms = now_ms;
    Event enqueued = make_event(EventType::CallEnqueued);
    enqueued.call = call.id;
    enqueued.queue = config.queues[queue];
    char caller[24];
    std::snprintf(caller, sizeof caller, "+4670%07llu",
                  static_cast<unsigned long long>(random.below(10'000'000)));
    enqueued.caller = caller;
    output.push_back(std::move(enqueued));

    schedule(Happening::Patience,
             now_ms + seconds_to_ms(random.lognormal_with_median(
                          config.mean_patience_seconds /
                              std::exp(config.patience_sigma * config.patience_sigma / 2),
                          config.patience_sigma)),
             number);
    schedule(Happening::QueueTimeout, now_ms + seconds_to_ms(config.queue_max_wait_seconds),
             number);
    if (random.chance(config.key_exit_probability))
      schedule(Happening::KeyPress, now_ms + seconds_to_ms(random.uniform(20, 180)), number);
    calls.emplace(number, std::move(call));
    waiting[queue].push_back(number);

    // The longest-idle agent who serves this queue takes it.
    for (auto it = idle.begin(); it != idle.end(); ++it) {
      if (agents[it->second].queue_mask & (1u << queue)) {
        const int agent = it->second;
        idle.erase(it);
        offer(number, agent);
        return;
      }
    }
  }

  // Rings `agent` for `call_number` (removing the call from its queue's FIFO).
  void offer(std::uint64_t call_number, int agent_index) {
    Call& call = calls.at(call_number);
    auto& fifo = waiting[call.queue];
    fifo.erase(std::find(fifo.begin(), fifo.end(), call_number));
    call.state = CallState::Ringing;
    call.agent = agent_index;
    Agent& agent = agents[agent_index];
    agent.activity = AgentActivity::Ringing;
    agent.call = call_number;
    Event ringing = make_event(EventType::AgentState);
    ringing.agent = agent.id;
    ringing.state = AgentStatus::Ringing;
    output.push_back(std::move(ringing));
    schedule(Happening::Answer, now_ms + seconds_to_ms(random.uniform(2, 6)), call_number,
             agent_index);
  }

  void on_answer(std::uint64_t call_number) {
    auto found = calls.find(call_number);
    if (found == calls.end() || found->second.state != CallState::Ringing) return;
    Call& call = found->second;
    call.state = CallState::Talking;
    Agent& agent = agents[call.agent];
    agent.activity = AgentActivity::Talking;
    Event answered = make_event(EventType::CallAnswered);
    answered.call = call.id;
    answered.agent = agent.id;
    output.push_back(std::move(answered));
    schedule(Happening::Complete,
             now_ms + seconds_to_ms(random.lognormal_with_median(config.median_talk_seconds,
                                                                 config.talk_time_sigma)),
             call_number);
  }

  void on_complete(std::uint64_t call_number) {
    auto found = calls.find(call_number);
    if (found == calls.end()) return;
    const int agent_index = found->second.agent;
    Event completed = make_event(EventType::CallCompleted);
    completed.call = found->second.id;
    output.push_back(std::move(completed));
    calls.erase(found);
    Agent& agent = agents[agent_index];
    agent.activity = AgentActivity::Wrapup;
    agent.call = 0;
    Event wrapup = make_event(EventType::AgentState);
    wrapup.agent = agent.id;
    wrapup.state = AgentStatus::Wrapup;
    output.push_back(std::move(wrapup));
    schedule(Happening::WrapupEnd,
             now_ms + seconds_to_ms(
                          random.uniform(config.min_wrapup_seconds, config.max_wrapup_seconds)),
             0, agent_index);
  }

  // The caller leaves the queue without being answered (hang-up, timeout or key).
  void on_caller_leaves(std::uint64_t call_number, Happening why) {
    auto found = calls.find(call_number);
    if (found == calls.end()) return;
    Call& call = found->second;
    if (call.state == CallState::Talking) return;
    Event left =
        make_event(why == Happening::Patience ? EventType::CallAbandoned : EventType::CallExited);
    left.call = call.id;
    if (why == Happening::QueueTimeout) left.exit_reason = core::ExitReason::Timeout;
    if (why == Happening::KeyPress) left.exit_reason = core::ExitReason::Key;
    output.push_back(std::move(left));
    if (call.state == CallState::Ringing) {
      // The agent was being offered this call; back to ready.
      const int agent_index = call.agent;
      calls.erase(found);
      agent_ready(agent_index);
      return;
    }
    auto& fifo = waiting[call.queue];
    fifo.erase(std::find(fifo.begin(), fifo.end(), call_number));
    calls.erase(found);
  }

  void on_pause_wanted(int agent_index, PauseKind kind) {
    Agent& agent = agents[agent_index];
    if (kind == PauseKind::Lunch) {
      Scheduled next_lunch{now_ms + kDay, 0, Happening::PauseWanted};
      next_lunch.agent = agent_index;
      next_lunch.pause = PauseKind::Lunch;
      push(next_lunch);
    }
    if (agent.activity == AgentActivity::Paused || agent.pending_pause) {
      if (kind != PauseKind::Lunch) schedule_break(agent_index);
      return;
    }
    if (agent.activity == AgentActivity::Idle) {
      idle.erase({agent.idle_since_ms, agent_index});
      start_pause(agent_index, kind);
    } else {
      agent.pending_pause = kind;  // after the current call's wrap-up
    }
  }

  void start_pause(int agent_index, PauseKind kind) {
    Agent& agent = agents[agent_index];
    agent.activity = AgentActivity::Paused;
    agent.pending_pause.reset();
    Event paused = make_event(EventType::AgentState);
    paused.agent = agent.id;
    paused.state = AgentStatus::Paused;
    paused.reason = kPauseReasons[static_cast<int>(kind)];
    output.push_back(std::move(paused));
    double minutes = 0;
    switch (kind) {
      case PauseKind::Break:
        minutes = random.uniform(5, 15);
        break;
      case PauseKind::Lunch:
        minutes = random.uniform(30, 45);
        break;
      case PauseKind::Training:
        minutes = random.uniform(20, 45);
        break;
      case PauseKind::LongBreak:
        minutes = std::chrono::duration<double, std::ratio<60>>(config.rush->long_break).count();
        break;
    }
    Scheduled end{now_ms + seconds_to_ms(minutes * 60), 0, Happening::PauseEnd};
    end.agent = agent_index;
    end.pause = kind;
    push(end);
  }

  void on_wrapup_end(int agent_index) {
    Agent& agent = agents[agent_index];
    if (agent.pending_pause) {
      start_pause(agent_index, *agent.pending_pause);
      return;
    }
    agent_ready(agent_index);
  }

  void on_pause_end(int agent_index, PauseKind kind) {
    if (kind != PauseKind::Lunch) schedule_break(agent_index);
    agent_ready(agent_index);
  }

  // The agent is available: announce it, then take the oldest call waiting in its queues.
  void agent_ready(int agent_index) {
    Agent& agent = agents[agent_index];
    agent.activity = AgentActivity::Idle;
    agent.idle_since_ms = now_ms;
    agent.call = 0;
    Event available = make_event(EventType::AgentState);
    available.agent = agent.id;
    available.state = AgentStatus::Available;
    output.push_back(std::move(available));
    if (agent.pending_pause) {
      start_pause(agent_index, *agent.pending_pause);
      return;
    }
    std::uint64_t oldest = 0;
    std::int64_t oldest_ms = 0;
    for (std::size_t q = 0; q < waiting.size(); ++q) {
      if (!(agent.queue_mask & (1u << q)) || waiting[q].empty()) continue;
      const std::uint64_t candidate = waiting[q].front();
      const std::int64_t enqueued = calls.at(candidate).enqueued_ms;
      if (oldest == 0 || enqueued < oldest_ms) {
        oldest = candidate;
        oldest_ms = enqueued;
      }
    }
    if (oldest != 0)
      offer(oldest, agent_index);
    else
      idle.insert({now_ms, agent_index});
  }

  std::optional<Event> next() {
    while (output.empty()) {
      if (heap.empty()) return std::nullopt;
      const Scheduled item = heap.top();
      if (end_ms && item.at_ms >= *end_ms) return std::nullopt;
      heap.pop();
      now_ms = item.at_ms;
      switch (item.what) {
        case Happening::Arrival:
          on_arrival(item.queue);
          break;
        case Happening::Answer:
          on_answer(item.call);
          break;
        case Happening::Complete:
          on_complete(item.call);
          break;
        case Happening::WrapupEnd:
          on_wrapup_end(item.agent);
          break;
        case Happening::Patience:
        case Happening::QueueTimeout:
        case Happening::KeyPress:
          on_caller_leaves(item.call, item.what);
          break;
        case Happening::PauseWanted:
          on_pause_wanted(item.agent, item.pause);
          break;
        case Happening::PauseEnd:
          on_pause_end(item.agent, item.pause);
          break;
      }
    }
    Event event = std::move(output.front());
    output.pop_front();
    return event;
  }

  SimulationConfig config;
  Random random;
  std::int64_t now_ms = 0;
  std::optional<std::int64_t> end_ms;
  std::vector<double> queue_share;
  std::vector<double> peak_rate;  // calls per second per queue at the curve's peak
  std::vector<Agent> agents;
  std::set<std::pair<std::int64_t, int>> idle;  // (idle since, agent): longest idle first
  std::unordered_map<std::uint64_t, Call> calls;
  std::vector<std::deque<std::uint64_t>> waiting;  // per queue, FIFO of call numbers
  std::priority_queue<Scheduled, std::vector<Scheduled>, std::greater<>> heap;
  std::uint64_t next_order = 0;
  std::uint64_t call_count = 0;
  std::deque<Event> output;
};

TrafficSimulator::TrafficSimulator(SimulationConfig config)
    : engine_(std::make_unique<Engine>(std::move(config))) {}
TrafficSimulator::~TrafficSimulator() = default;

std::optional<core::Event> TrafficSimulator::next() {
  return engine_->next();
}

std::optional<core::Timestamp> SimulationPacer::wall_time_due(core::Timestamp simulated) const {
  if (speed_ <= 0) return std::nullopt;
  const double simulated_ms = static_cast<double>((simulated - simulated_start_).count());
  return wall_start_ +
         core::Duration{static_cast<std::int64_t>(std::llround(simulated_ms / speed_))};
}

std::optional<core::Duration> parse_duration_text(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t total_ms = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::int64_t number = 0;
    const std::size_t digits_start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      number = number * 10 + (text[pos] - '0');
      if (number > 1'000'000'000) return std::nullopt;
      ++pos;
    }
    if (pos == digits_start) return std::nullopt;
    std::size_t unit_end = pos;
    while (unit_end < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_end])))
      ++unit_end;
    const std::string_view unit = text.substr(pos, unit_end - pos);
    std::int64_t unit_ms;
    if (unit == "ms")
      unit_ms = 1;
    else if (unit == "s")
      unit_ms = kSecond;
    else if (unit == "m")
      unit_ms = kMinute;
    else if (unit == "h")
      unit_ms = kHour;
    else if (unit == "d")
      unit_ms = kDay;
    else
      return std::nullopt;
    total_ms += number * unit_ms;
    pos = unit_end;
  }
  return core::Duration{total_ms};
}

std::optional<int> utc_offset_minutes_of(std::string_view timestamp) {
  if (timestamp.empty()) return std::nullopt;
  const char last = timestamp.back();
  if (last == 'Z' || last == 'z') return 0;
  if (timestamp.size() < 6) return std::nullopt;
  const std::string_view offset = timestamp.substr(timestamp.size() - 6);
  if ((offset[0] != '+' && offset[0] != '-') || offset[3] != ':') return std::nullopt;
  const auto digit = [&](std::size_t i) { return offset[i] >= '0' && offset[i] <= '9'; };
  if (!digit(1) || !digit(2) || !digit(4) || !digit(5)) return std::nullopt;
  const int minutes = ((offset[1] - '0') * 10 + (offset[2] - '0')) * 60 + (offset[4] - '0') * 10 +
                      (offset[5] - '0');
  return offset[0] == '-' ? -minutes : minutes;
}

}  // namespace floorwatch::collectors
