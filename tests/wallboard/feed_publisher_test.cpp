// The daemon side of the feed (daemon/feed_publisher.h) without sockets: deltas carry only what
// changed, snapshots match their seq, abandons are remembered with caller, queue and wait, and
// the sparkline keeps today's intervals.
#include <catch2/catch.hpp>

#include "daemon/feed_publisher.h"
#include "floorwatch/core/floor_state.h"
#include "floorwatch/v1/feed.pb.h"
#include "wallboard/feed_sync.h"

using namespace floorwatch;
using daemon::FeedAlert;
using daemon::FeedModel;

namespace {

const core::Timestamp t0 = core::from_epoch_ms(1'795'510'800'000);  // 2026-11-24T09:00:00Z

core::Timestamp at(int seconds) {
  return t0 + std::chrono::seconds(seconds);
}

core::Event enqueue(int s, std::string call, std::string queue, std::string caller = "") {
  core::Event e;
  e.type = core::EventType::CallEnqueued;
  e.ts = at(s);
  e.call = std::move(call);
  e.queue = std::move(queue);
  e.caller = std::move(caller);
  return e;
}
core::Event leave(int s, core::EventType type, std::string call) {
  core::Event e;
  e.type = type;
  e.ts = at(s);
  e.call = std::move(call);
  return e;
}
core::Event agent_state(int s, std::string agent, core::AgentStatus state,
                        std::string queue = "sales") {
  core::Event e;
  e.type = core::EventType::AgentState;
  e.ts = at(s);
  e.agent = std::move(agent);
  e.state = state;
  e.queues = std::vector<std::string>{std::move(queue)};
  return e;
}

core::Event paused(int s, std::string agent, std::string reason) {
  core::Event e = agent_state(s, std::move(agent), core::AgentStatus::Paused);
  e.reason = std::move(reason);
  return e;
}

core::FloorConfig two_queues() {
  core::FloorConfig config;
  config.time_zone = "Europe/Stockholm";
  config.queues["sales"].answer_target = core::Duration{20'000};
  config.queues["support"].short_abandon = core::Duration{10'000};
  return config;
}

// The engine and the feed model reading its pictures, as in the daemon.
struct Floor {
  core::FloorConfig config = two_queues();
  core::FloorState state{config};
  FeedModel feed{{"stockholm", "fw-a", true}, 7};

  void apply(const core::Event& event) { state.apply(event); }
  std::optional<v1::FeedMessage> publish(core::Timestamp now, std::vector<FeedAlert> alerts = {}) {
    const core::SnapshotOptions options = feed.picture_options(
        state.agents_revision(), state.callbacks().revision(), state.shared_calendar(), false);
    auto bytes = feed.update(state.snapshot(now, options), options.include_agents, alerts, nullptr,
                             options.include_callbacks);
    if (!bytes) return std::nullopt;
    v1::FeedMessage message;
    REQUIRE(message.ParseFromString(*bytes));
    return message;
  }
};

std::vector<std::string> queue_names(const v1::FeedDelta& delta) {
  std::vector<std::string> names;
  for (const auto& q : delta.queues()) names.push_back(q.name());
  return names;
}

}  // namespace

SCENARIO("deltas carry only what changed, in sequence", "[wallboard][feed][daemon]") {
  Floor floor;
  GIVEN("the first publish") {
    auto first = floor.publish(at(0));
    REQUIRE(first);
    THEN("it holds every configured queue as delta 1") {
      CHECK(first->seq() == 1);
      CHECK(first->epoch() == 7);
      CHECK(queue_names(first->delta()) == std::vector<std::string>{"sales", "support"});
    }
    WHEN("nothing happens") {
      THEN("there is nothing to publish and the seq stays") {
        CHECK_FALSE(floor.publish(at(1)));
        CHECK(floor.feed.seq() == 1);
      }
    }
    WHEN("a caller joins sales") {
      floor.apply(enqueue(2, "c1", "sales", "+46700000001"));
      auto delta = floor.publish(at(2));
      REQUIRE(delta);
      THEN("only sales is in delta 2, with the caller's enqueue time so boards tick the wait") {
        CHECK(delta->seq() == 2);
        REQUIRE(queue_names(delta->delta()) == std::vector<std::string>{"sales"});
        const v1::FeedQueue& sales = delta->delta().queues(0);
        CHECK(sales.calls_waiting() == 1);
        CHECK(sales.oldest_enqueued_at_ms() == core::to_epoch_ms(at(2)));
        CHECK(sales.waiting_enqueued_at_ms_size() == 1);
        CHECK(sales.answer_target_seconds() == 20);
        CHECK(sales.service_level_formula_description() == "short abandons excluded");
        CHECK(delta->delta().agents_size() == 0);
      }
      AND_WHEN("time passes with the caller still waiting") {
        THEN("no delta is needed: the wait is computed on the board") {
          CHECK_FALSE(floor.publish(at(30)));
        }
      }
    }
    WHEN("an agent changes state") {
      floor.apply(agent_state(3, "ann", core::AgentStatus::Paused));
      auto delta = floor.publish(at(3));
      REQUIRE(delta);
      THEN("the agent and her queue's counts are in the delta, with state_since") {
        REQUIRE(delta->delta().agents_size() == 1);
        CHECK(delta->delta().agents(0).agent() == "ann");
        CHECK(delta->delta().agents(0).state() == v1::PAUSED);
        CHECK(delta->delta().agents(0).state_since_ms() == core::to_epoch_ms(at(3)));
        CHECK(queue_names(delta->delta()) == std::vector<std::string>{"sales"});
      }
    }
  }
}

SCENARIO("a snapshot is exactly the published state at its seq", "[wallboard][feed][daemon]") {
  Floor floor;
  floor.apply(agent_state(0, "ann", core::AgentStatus::Available));
  floor.apply(enqueue(1, "c1", "sales"));
  REQUIRE(floor.publish(at(1)));
  // Applied but not yet published: must not leak into a snapshot claiming seq 1.
  floor.apply(enqueue(2, "c2", "sales"));
  v1::FeedMessage snapshot;
  REQUIRE(snapshot.ParseFromString(floor.feed.snapshot(at(2))));
  CHECK(snapshot.seq() == 1);
  CHECK(snapshot.snapshot().site() == "stockholm");
  CHECK(snapshot.snapshot().time_zone() == "Europe/Stockholm");
  CHECK(snapshot.utc_offset_seconds() == 3600);  // Stockholm in November
  REQUIRE(snapshot.snapshot().queues_size() == 2);
  CHECK(snapshot.snapshot().queues(0).calls_waiting() == 1);
  CHECK(snapshot.snapshot().agents_size() == 1);
}

SCENARIO("abandons are remembered with caller, queue and wait for call-backs",
         "[wallboard][feed][daemon]") {
  Floor floor;
  REQUIRE(floor.publish(at(0)));
  floor.apply(enqueue(1, "c1", "sales", "+46700000001"));
  floor.apply(enqueue(2, "c2", "support", "+46700000002"));
  floor.apply(leave(6, core::EventType::CallAbandoned, "c1"));     // waited 5 s
  floor.apply(leave(7, core::EventType::CallAbandoned, "c2"));     // 5 s: short in support (10 s)
  floor.apply(leave(8, core::EventType::CallAbandoned, "ghost"));  // rejected by the engine
  auto delta = floor.publish(at(8));
  REQUIRE(delta);
  REQUIRE(delta->delta().new_abandons_size() == 2);
  const v1::FeedAbandon& first = delta->delta().new_abandons(0);
  CHECK(first.caller() == "+46700000001");
  CHECK(first.queue() == "sales");
  CHECK(first.wait_seconds() == Approx(5));
  CHECK(first.abandoned_at_ms() == core::to_epoch_ms(at(6)));
  CHECK_FALSE(first.short_abandon());
  CHECK(delta->delta().new_abandons(1).short_abandon());

  WHEN("many more callers hang up") {
    for (int i = 0; i < 70; ++i) {
      floor.apply(enqueue(10 + i, "x" + std::to_string(i), "sales"));
      floor.apply(leave(11 + i, core::EventType::CallAbandoned, "x" + std::to_string(i)));
    }
    floor.publish(at(100));
    THEN("the daemon keeps the last 50") {
      v1::FeedMessage snapshot;
      REQUIRE(snapshot.ParseFromString(floor.feed.snapshot(at(100))));
      REQUIRE(snapshot.snapshot().recent_abandons_size() == 50);
      CHECK(snapshot.snapshot().recent_abandons(49).call() == "x69");
      CHECK(snapshot.snapshot().recent_abandons(0).call() == "x20");
    }
  }
  WHEN("the daemon restarts from a snapshot of its state") {
    const std::string saved = floor.state.save();
    Floor restarted;
    restarted.state.load(saved);
    REQUIRE(restarted.publish(at(9)));
    THEN("a board that connects afterwards still gets the call-back list, callers and all") {
      v1::FeedMessage snapshot;
      REQUIRE(snapshot.ParseFromString(restarted.feed.snapshot(at(9))));
      REQUIRE(snapshot.snapshot().recent_abandons_size() == 2);
      CHECK(snapshot.snapshot().recent_abandons(0).caller() == "+46700000001");
      CHECK(snapshot.snapshot().recent_abandons(1).short_abandon());
    }
  }
}

TEST_CASE("a reloaded time zone or interval reaches the feed with the next picture",
          "[wallboard][feed][daemon]") {
  Floor floor;
  auto before = floor.publish(at(0));
  REQUIRE(before);
  CHECK(before->utc_offset_seconds() == 3600);  // Stockholm in November
  core::FloorConfig kolkata = floor.config;
  kolkata.time_zone = "Asia/Kolkata";
  kolkata.interval_minutes = 15;
  floor.state.reconfigure(kolkata, at(1));
  auto delta = floor.publish(at(1));
  REQUIRE(delta);
  // A new epoch: every board re-syncs from a snapshot, which names the new zone and interval.
  CHECK(delta->epoch() != before->epoch());
  CHECK(delta->seq() == 1);
  CHECK(delta->delta().queues_size() == 2);
  CHECK(delta->utc_offset_seconds() == 5 * 3600 + 1800);
  v1::FeedMessage snapshot;
  REQUIRE(snapshot.ParseFromString(floor.feed.snapshot(at(1))));
  CHECK(snapshot.snapshot().time_zone() == "Asia/Kolkata");
  CHECK(snapshot.snapshot().interval_minutes() == 15);
  CHECK(snapshot.utc_offset_seconds() == 5 * 3600 + 1800);
}

TEST_CASE("the sparkline keeps one service level per interval of today",
          "[wallboard][feed][daemon]") {
  Floor floor;
  floor.apply(agent_state(0, "ann", core::AgentStatus::Available));
  // One call answered in time in the 10:00 interval (local), one late in the 10:30 one.
  floor.apply(enqueue(0, "c1", "sales"));
  core::Event answer;
  answer.type = core::EventType::CallAnswered;
  answer.ts = at(5);
  answer.call = "c1";
  answer.agent = "ann";
  floor.apply(answer);
  floor.publish(at(10));
  floor.apply(enqueue(1800, "c2", "sales"));
  answer.ts = at(1860);
  answer.call = "c2";
  floor.apply(answer);
  auto delta = floor.publish(at(1870));
  REQUIRE(delta);
  const v1::FeedQueue* sales = nullptr;
  for (const auto& q : delta->delta().queues())
    if (q.name() == "sales") sales = &q;
  REQUIRE(sales);
  REQUIRE(sales->service_level_history_size() == 2);
  CHECK(sales->service_level_history(0).service_level() == Approx(1.0));
  CHECK(sales->service_level_history(1).service_level() == Approx(0.0));
  CHECK(sales->service_level_history(1).interval_start_ms() -
            sales->service_level_history(0).interval_start_ms() ==
        30 * 60'000);
}

TEST_CASE("alerts from the provider are published when they change", "[wallboard][feed][daemon]") {
  Floor floor;
  REQUIRE(floor.publish(at(0)));
  FeedAlert alert;
  alert.id = "sales-wait-1";
  alert.rule = "oldest_wait";
  alert.queue = "sales";
  alert.severity = FeedAlert::Severity::Critical;
  alert.summary = "oldest wait 2:10 > 1:30";
  alert.since = at(1);
  auto delta = floor.publish(at(1), {alert});
  REQUIRE(delta);
  CHECK(delta->delta().alerts_changed());
  REQUIRE(delta->delta().alerts_size() == 1);
  CHECK(delta->delta().alerts(0).severity() == v1::ALERT_SEVERITY_CRITICAL);
  CHECK(delta->delta().alerts(0).state() == v1::ALERT_STATE_FIRING);
  CHECK_FALSE(floor.publish(at(2), {alert}));  // unchanged: nothing to send
  auto cleared = floor.publish(at(3), {});
  REQUIRE(cleared);
  CHECK(cleared->delta().alerts_changed());
  CHECK(cleared->delta().alerts_size() == 0);
}

TEST_CASE("the feed tells boards the staffing model and the callers' measured patience",
          "[wallboard][feed][daemon][patience]") {
  Floor floor;
  // Sales: ann answers a1 after 10 s and handles it for 110 s; then 20 callers hang up after
  // 30 s each. Patience: (10 + 20 x 30) s / 20 abandons = 30.5 s.
  floor.apply(agent_state(0, "ann", core::AgentStatus::Available));
  floor.apply(enqueue(0, "a1", "sales"));
  core::Event answer = leave(10, core::EventType::CallAnswered, "a1");
  answer.agent = "ann";
  floor.apply(answer);
  floor.apply(leave(100, core::EventType::CallCompleted, "a1"));
  floor.apply(agent_state(120, "ann", core::AgentStatus::Available));
  for (int i = 0; i < 20; ++i) {
    const std::string call = "x" + std::to_string(i);
    floor.apply(enqueue(130 + i, call, "sales"));
    floor.apply(leave(160 + i, core::EventType::CallAbandoned, call));
  }
  auto message = floor.publish(at(200));
  REQUIRE(message);
  const auto& queues = message->delta().queues();
  REQUIRE(queues.size() == 2);
  const v1::FeedQueue& sales = queues[0];
  REQUIRE(sales.has_mean_patience_seconds());
  CHECK(sales.mean_patience_seconds() == Approx(30.5));
  CHECK(sales.staffing_model() == v1::STAFFING_MODEL_ERLANG_A);
  CHECK(sales.has_agents_required());
  const v1::FeedQueue& support = queues[1];  // no callers: no patience, Erlang C
  CHECK_FALSE(support.has_mean_patience_seconds());
  CHECK(support.staffing_model() == v1::STAFFING_MODEL_ERLANG_C);
}

TEST_CASE("a queue's forecast rides in its feed message; none without history",
          "[wallboard][feed][daemon][forecast]") {
  Floor floor;
  daemon::ForecastSet forecasts;
  core::QueueForecast sales;
  sales.next.start = at(1800);
  sales.next.end = at(3600);
  sales.next.offered = 47.6;
  sales.next.handle_time_seconds = 180;
  sales.agents_needed = 9;
  sales.staffing_model = core::StaffingModel::ErlangA;
  sales.rest_of_day = core::PeriodForecast{at(1800), at(86400), 400, 175.0, 30};
  forecasts.queues.emplace("sales", sales);
  core::SnapshotOptions options;
  options.include_today_intervals = true;
  const auto bytes = floor.feed.update(floor.state.snapshot(at(0), options), false, {}, &forecasts);
  REQUIRE(bytes);
  v1::FeedMessage message;
  REQUIRE(message.ParseFromString(*bytes));
  REQUIRE(message.delta().queues_size() == 2);
  const v1::FeedQueue& out = message.delta().queues(0);
  REQUIRE(out.name() == "sales");
  REQUIRE(out.has_forecast());
  CHECK(out.forecast().interval_start_ms() == core::to_epoch_ms(at(1800)));
  CHECK(out.forecast().interval_end_ms() == core::to_epoch_ms(at(3600)));
  CHECK(out.forecast().offered() == Approx(47.6));
  CHECK(out.forecast().handle_time_seconds() == Approx(180));
  CHECK(out.forecast().agents_needed() == 9);
  CHECK(out.forecast().staffing_model() == v1::STAFFING_MODEL_ERLANG_A);
  CHECK(out.forecast().rest_of_day_offered() == Approx(400));
  CHECK_FALSE(message.delta().queues(1).has_forecast());  // support: no history

  // A new forecast alone (the next boundary) is a change the boards must get.
  forecasts.queues.at("sales").next.offered = 50;
  const auto next = floor.feed.update(floor.state.snapshot(at(1), options), false, {}, &forecasts);
  REQUIRE(next);
  REQUIRE(message.ParseFromString(*next));
  REQUIRE(message.delta().queues_size() == 1);
  CHECK(message.delta().queues(0).forecast().offered() == Approx(50));
}

SCENARIO("an agent's time paused by reason travels to the board, only when her day changed",
         "[wallboard][feed][daemon][agent_day]") {
  Floor floor;
  floor.apply(agent_state(0, "ann", core::AgentStatus::Available));
  floor.apply(paused(600, "ann", "lunch"));  // 09:10-09:40 lunch
  floor.apply(agent_state(2400, "ann", core::AgentStatus::Available));
  floor.apply(paused(2700, "ann", "break"));  // 09:45-09:50 break
  floor.apply(agent_state(3000, "ann", core::AgentStatus::Available));
  floor.apply(agent_state(0, "bob", core::AgentStatus::Available));
  REQUIRE(floor.publish(at(3000)));

  const std::string bytes = floor.feed.snapshot(at(3000));
  v1::FeedMessage message;
  REQUIRE(message.ParseFromString(bytes));
  REQUIRE(message.snapshot().agents_size() == 2);
  const v1::FeedAgent& ann = message.snapshot().agents(0);
  REQUIRE(ann.paused_by_reason_today_size() == 2);
  CHECK(ann.paused_by_reason_today(0).reason() == "break");
  CHECK(ann.paused_by_reason_today(0).paused_ms() == 300'000);
  CHECK(ann.paused_by_reason_today(1).reason() == "lunch");
  CHECK(ann.paused_by_reason_today(1).paused_ms() == 1'800'000);

  WHEN("a board decodes the snapshot") {
    wallboard::FeedSync sync;
    sync.start(wallboard::SteadyTime{});
    REQUIRE(sync.take_snapshot_request());
    sync.on_snapshot(bytes, wallboard::SteadyTime{});
    REQUIRE(sync.model().agents.size() == 2);
    THEN("its model holds the engine's split, reason by reason") {
      const core::AgentDay& board_day = sync.model().agents[0].today;
      CHECK(board_day.paused == std::chrono::minutes(35));
      core::SnapshotOptions options;
      options.include_agents = true;
      CHECK(board_day.paused_by_reason ==
            floor.state.snapshot(at(3000), options).agents[0].today.paused_by_reason);
      CHECK(sync.model().agents[1].today.paused_by_reason.empty());
    }
  }
  WHEN("only bob changes state") {
    floor.apply(paused(3100, "bob", "break"));
    auto delta = floor.publish(at(3100));
    REQUIRE(delta);
    THEN("the delta carries bob alone: ann's unchanged split is not sent again") {
      REQUIRE(delta->delta().agents_size() == 1);
      CHECK(delta->delta().agents(0).agent() == "bob");
      CHECK(delta->delta().agents(0).paused_by_reason_today_size() == 0);
    }
    AND_WHEN("bob's break ends") {
      floor.apply(agent_state(3160, "bob", core::AgentStatus::Available));
      auto next = floor.publish(at(3160));
      REQUIRE(next);
      REQUIRE(next->delta().agents_size() == 1);
      const v1::FeedAgent& bob = next->delta().agents(0);
      REQUIRE(bob.paused_by_reason_today_size() == 1);
      CHECK(bob.paused_by_reason_today(0).reason() == "break");
      CHECK(bob.paused_by_reason_today(0).paused_ms() == 60'000);
    }
  }
}

SCENARIO("the feed folds in only the agents and queues that changed, yet serves every one",
         "[wallboard][feed][daemon][agents]") {
  Floor floor;
  for (const char* id : {"ann", "bob", "cid"})
    floor.apply(agent_state(0, id, core::AgentStatus::Available));
  REQUIRE(floor.publish(at(0)));
  const auto options_now = [&](bool forecasts_changed) {
    return floor.feed.picture_options(floor.state.agents_revision(),
                                      floor.state.callbacks().revision(),
                                      floor.state.shared_calendar(), forecasts_changed);
  };
  GIVEN("one agent changes") {
    floor.apply(agent_state(1, "bob", core::AgentStatus::Paused, "support"));
    const core::SnapshotOptions options = options_now(false);
    THEN("the next picture asks the engine for what changed since the last one folded in") {
      CHECK(options.include_agents);
      REQUIRE(options.agents_changed_since);
      CHECK(floor.state.snapshot(at(1), options).agents.size() == 1);
      CHECK(options.changed_since.has_value());
    }
    WHEN("it is published") {
      const auto delta = floor.publish(at(1));
      REQUIRE(delta);
      THEN("the delta has bob and the two queues he left and joined, a new board all of it") {
        REQUIRE(delta->delta().agents_size() == 1);
        CHECK(delta->delta().agents(0).agent() == "bob");
        CHECK(queue_names(delta->delta()) == std::vector<std::string>{"sales", "support"});
        v1::FeedMessage snapshot;
        REQUIRE(snapshot.ParseFromString(floor.feed.snapshot(at(1))));
        REQUIRE(snapshot.snapshot().agents_size() == 3);
        CHECK(snapshot.snapshot().agents(1).state() == v1::PAUSED);
        CHECK(snapshot.snapshot().queues_size() == 2);
      }
    }
  }
  GIVEN("new forecasts") {
    THEN("every queue is taken again (each queue's message carries its forecast)") {
      CHECK_FALSE(options_now(true).changed_since.has_value());
      CHECK(options_now(true).agents_changed_since.has_value());
    }
  }
  GIVEN("new site settings (a new calendar starts a new epoch)") {
    const auto calendar =
        std::make_shared<const core::SiteCalendar>("Europe/Stockholm", 6 * 60, 30);
    const core::SnapshotOptions options = floor.feed.picture_options(
        floor.state.agents_revision(), floor.state.callbacks().revision(), calendar, false);
    THEN("everything is taken again, agents and call-backs included") {
      CHECK_FALSE(options.changed_since.has_value());
      CHECK_FALSE(options.agents_changed_since.has_value());
      CHECK(options.include_agents);
      CHECK(options.include_callbacks);
    }
  }
}
