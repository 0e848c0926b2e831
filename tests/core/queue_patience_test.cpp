// The floor's own patience: each queue measures how long its callers wait before hanging up and
// staffs with Erlang A once it has enough abandons, Erlang C before. Figures derived in comments.
#include <catch2/catch.hpp>

#include "core_test_support.h"

#include <algorithm>

#include "floorwatch/core/erlang_a.h"
#include "floorwatch/core/erlang_c.h"
#include "floorwatch/core/floor_state.h"

using namespace floorwatch::core;
using namespace floorwatch::core::testing;

namespace {

FloorConfig support_floor() {
  FloorConfig config;
  QueueSettings settings;  // 80/20
  settings.answer_target = seconds(20);
  settings.service_level_target = 0.80;
  settings.short_abandon = seconds(5);
  config.queues["support"] = settings;
  return config;
}

// Plays a day's events in time order up to each picture, as the live daemon sees them.
class Replay {
 public:
  explicit Replay(std::vector<Event> events) : events_(std::move(events)) {
    std::stable_sort(events_.begin(), events_.end(),
                     [](const Event& a, const Event& b) { return a.ts < b.ts; });
  }
  QueueSnapshot support_at(const char* now_text) {
    const Timestamp now = utc(now_text);
    for (; next_ < events_.size() && events_[next_].ts <= now; ++next_)
      REQUIRE(floor_.apply(events_[next_]).applied);
    const FloorSnapshot snapshot = floor_.snapshot(now);
    const auto it = std::find_if(snapshot.queues.begin(), snapshot.queues.end(),
                                 [](const QueueSnapshot& q) { return q.name == "support"; });
    REQUIRE(it != snapshot.queues.end());
    return *it;
  }
  FloorState& floor() { return floor_; }

 private:
  FloorState floor_{support_floor()};
  std::vector<Event> events_;
  std::size_t next_ = 0;
};

// 13 agents; 100 calls from 09:00:18, one every 18 s. Calls 1-5 are answered after 2 s and
// handled in 180 s; calls 6-25 hang up after 60 s (the 20th abandon at 09:08:30); calls 26-27
// time out after 90 s; the rest still wait at 09:30.
std::vector<Event> busy_half_hour() {
  const std::vector<std::string> support{"support"};
  std::vector<Event> events;
  for (int a = 1; a <= 13; ++a)
    events.push_back(agent_state(utc("2026-11-24T08:59:00Z"), "agent-" + std::to_string(a),
                                 AgentStatus::Available, support));
  for (int i = 1; i <= 100; ++i) {
    const std::string call = "c" + std::to_string(i);
    const auto joined = utc("2026-11-24T09:00:00Z") + seconds(18.0 * i);
    events.push_back(enqueued(joined, call, "support"));
    if (i <= 5) {
      const std::string agent = "agent-" + std::to_string(i);
      events.push_back(answered(joined + seconds(2), call, agent));
      events.push_back(completed(joined + seconds(152), call));
      events.push_back(agent_state(joined + seconds(182), agent, AgentStatus::Available));
    } else if (i <= 25) {
      events.push_back(abandoned(joined + seconds(60), call));
    } else if (i <= 27) {
      events.push_back(exited(joined + seconds(90), call, ExitReason::Timeout));
    }
  }
  return events;
}

}  // namespace

TEST_CASE("worked example: patience is abandons over every finished wait, then Erlang A",
          "[core][floor_state][patience]") {
  Replay day(busy_half_hour());

  // Waits: answered 5 x 2 s = 10 s, abandoned 20 x 60 s = 1200 s, exited 2 x 90 s = 180 s.
  // 1390 s / 20 abandons = 69.5 s. The 73 callers still waiting count once they leave.
  const QueueSnapshot queue = day.support_at("2026-11-24T09:30:00Z");
  REQUIRE(queue.mean_patience_seconds.has_value());
  CHECK(*queue.mean_patience_seconds == Approx(69.5));
  CHECK(queue.staffing_model == StaffingModel::ErlangA);

  // A = 100 x 180 / 1800 = 10 Erlang. Erlang C needs 14 agents; callers who hang up after 69.5 s
  // on average free agents, so Erlang A needs fewer and predicts a better level for the 13.
  const erlang::Workload workload{100, 1800, 180};
  const auto erlang_a_needed =
      erlang_a::agents_required(workload, 69.5, erlang_a::StaffingTarget{20, 0.8, {}});
  REQUIRE(erlang_a_needed.has_value());
  CHECK(queue.agents_required == erlang_a_needed);
  CHECK(*queue.agents_required < 14);
  REQUIRE(queue.predicted_service_level.has_value());
  CHECK(*queue.predicted_service_level ==
        Approx(erlang_a::evaluate(workload, 69.5, 13, 20).service_level).margin(1e-9));
  CHECK(*queue.predicted_service_level > erlang::evaluate(workload, 13, 20).service_level);
}

TEST_CASE("Erlang C until the queue has seen the minimum of abandons",
          "[core][floor_state][patience]") {
  Replay day(busy_half_hour());

  // 09:08:20: 19 abandons (the 20th hangs up at 09:08:30): too few to trust a patience.
  const QueueSnapshot early = day.support_at("2026-11-24T09:08:20Z");
  CHECK(early.window(WindowKind::Rolling60m).counts.abandoned == 19);
  CHECK_FALSE(early.mean_patience_seconds.has_value());
  CHECK(early.staffing_model == StaffingModel::ErlangC);
  REQUIRE(early.handle_time_seconds.has_value());
  const double offered = static_cast<double>(early.window(WindowKind::Rolling30m).counts.offered);
  const erlang::Workload workload{offered, 1800, *early.handle_time_seconds};
  CHECK(early.agents_required == erlang::agents_required(workload, 20, 0.8));

  const QueueSnapshot enough = day.support_at("2026-11-24T09:08:30Z");
  CHECK(enough.staffing_model == StaffingModel::ErlangA);
  // 5 x 2 s answered + 20 x 60 s abandoned (the exits come later) over 20 abandons.
  CHECK(enough.mean_patience_seconds == Approx(1210.0 / 20.0));
}

TEST_CASE("the last hour's patience wins; a quiet hour falls back to today's",
          "[core][floor_state][patience]") {
  std::vector<Event> events = busy_half_hour();
  // 11:00 to 11:19: twenty impatient callers hang up after 30 s each.
  for (int i = 0; i < 20; ++i) {
    const std::string call = "late-" + std::to_string(i);
    const auto joined = utc("2026-11-24T11:00:00Z") + minutes(i);
    events.push_back(enqueued(joined, call, "support"));
    events.push_back(abandoned(joined + seconds(30), call));
  }
  Replay day(std::move(events));

  // 10:30: nothing left the queue in the last hour; today holds the morning's 69.5 s.
  CHECK(day.support_at("2026-11-24T10:30:00Z").mean_patience_seconds == Approx(69.5));
  // 11:30: the last hour alone has 20 abandons of 30 s: 600 s / 20 = 30 s.
  CHECK(day.support_at("2026-11-24T11:30:00Z").mean_patience_seconds == Approx(30.0));
  // The next day has nothing yet: Erlang C again.
  const QueueSnapshot next_day = day.support_at("2026-11-25T08:00:00Z");
  CHECK_FALSE(next_day.mean_patience_seconds.has_value());
  CHECK(next_day.staffing_model == StaffingModel::ErlangC);
}

TEST_CASE("a restored floor keeps its measured patience", "[core][snapshot][patience]") {
  Replay before(busy_half_hour());
  REQUIRE(before.support_at("2026-11-24T09:30:00Z").staffing_model == StaffingModel::ErlangA);
  Replay restored({});
  restored.floor().load(before.floor().save());

  const QueueSnapshot queue = restored.support_at("2026-11-24T09:30:00Z");
  CHECK(queue.mean_patience_seconds == Approx(69.5));
  CHECK(queue.staffing_model == StaffingModel::ErlangA);
  CHECK(queue.window(WindowKind::Today).counts.abandoned_wait_sum_ms == 1'200'000);
  CHECK(queue.window(WindowKind::Today).counts.exited_wait_sum_ms == 180'000);
}
