// What the board decides: colours and icons for thresholds, number formats, who breaches next,
// tile and agent order, page rotation, the connection line.
#include <catch2/catch.hpp>

#include "wallboard/board_logic.h"

using namespace floorwatch::wallboard;
namespace core = floorwatch::core;
using namespace std::chrono_literals;

namespace {

const EpochMs now_ms = 1'795'510'800'000;  // 2026-11-24T09:00:00Z

QueueView queue_with_waits(std::initializer_list<double> waits_seconds, double target = 20) {
  QueueView q;
  q.name = "sales";
  q.answer_target_seconds = target;
  for (double wait : waits_seconds)
    q.waiting_enqueued_at.push_back(now_ms - static_cast<EpochMs>(wait * 1000));
  q.calls_waiting = static_cast<std::int64_t>(q.waiting_enqueued_at.size());
  if (!q.waiting_enqueued_at.empty()) q.oldest_enqueued_at = q.waiting_enqueued_at.front();
  return q;
}

}  // namespace

TEST_CASE("oldest wait is coloured by how close it is to the answer target", "[wallboard][logic]") {
  const auto [wait, level] = GENERATE(table<double, Level>({
      {0, Level::Ok},
      {14.9, Level::Ok},
      {15, Level::Warning},  // 75 % of a 20 s target
      {20, Level::Warning},  // at the target: not yet breached
      {20.5, Level::Critical},
      {600, Level::Critical},
  }));
  CAPTURE(wait);
  CHECK(wait_level(wait, 20) == level);
}

TEST_CASE("service level against its target, never judged without a figure", "[wallboard][logic]") {
  CHECK(service_level_level(std::nullopt, 0.8) == Level::Neutral);
  CHECK(service_level_level(0.8, 0.8) == Level::Ok);
  CHECK(service_level_level(0.7999999999, 0.8) == Level::Ok);  // 80.0 % shown, 80.0 % met
  CHECK(service_level_level(0.76, 0.8) == Level::Warning);
  CHECK(service_level_level(0.75, 0.8) == Level::Warning);
  CHECK(service_level_level(0.74, 0.8) == Level::Critical);
  CHECK(staffing_level(std::nullopt, 3) == Level::Neutral);
  CHECK(staffing_level(7, 9) == Level::Ok);
  CHECK(staffing_level(7, 6) == Level::Warning);
  CHECK(staffing_level(7, 4) == Level::Critical);
}

TEST_CASE("colour is never the only signal, and stale data is grey", "[wallboard][logic]") {
  for (const Level level : {Level::Ok, Level::Warning, Level::Critical}) {
    CHECK_FALSE(level_icon(level).empty());
    CHECK_FALSE(level_word(level).empty());
    CHECK(level_colour(level, /*stale=*/true) == Palette::stale_fill);
  }
  // Three distinct hues for ok / warning / critical.
  CHECK_FALSE(level_colour(Level::Ok, false) == level_colour(Level::Warning, false));
  CHECK_FALSE(level_colour(Level::Warning, false) == level_colour(Level::Critical, false));
  const Rgba grey = Palette::stale_fill;
  CHECK((grey.r == grey.g && grey.g == grey.b));
}

TEST_CASE("durations, percentages and clocks read the way a floor reads them",
          "[wallboard][logic]") {
  const auto [seconds, text] = GENERATE(table<double, std::string>({{0, "0:00"},
                                                                    {9.99, "0:09"},
                                                                    {65, "1:05"},
                                                                    {3599, "59:59"},
                                                                    {3600, "1:00:00"},
                                                                    {-3, "0:00"}}));
  CHECK(format_duration(seconds) == text);
  CHECK(format_percent(0.873) == "87 %");
  CHECK(format_percent(std::nullopt) == "\u2014");
  CHECK(format_seconds(22.6) == "23 s");
  CHECK(format_age(37.9) == "37 s");
  CHECK(format_age(245) == "4 min 05 s");
  // 09:00:00Z is 10:00:00 in Stockholm in November (UTC+1) and 20:00 in Sydney (UTC+11).
  CHECK(format_time_of_day(now_ms, 3600) == "10:00:00");
  CHECK(format_time_of_day(now_ms + 59'999, 11 * 3600) == "20:00:59");
  CHECK(format_time_of_day(now_ms, -5 * 3600) == "04:00:00");
}

TEST_CASE("the formula is named in small print", "[wallboard][logic]") {
  QueueView q;
  q.service_level_target = 0.8;
  q.answer_target_seconds = 90;
  q.formula_description = "short abandons excluded";
  CHECK(formula_small_print(q) == "80/90 \u00B7 short abandons excluded");
}

TEST_CASE("callers about to breach are counted live from their enqueue times",
          "[wallboard][logic]") {
  // Target 20 s: waits of 25 and 21 are over; 19, 12 and -10 s... within 30 s; 0 is too.
  const QueueView q = queue_with_waits({25, 21, 19, 12, 0}, 20);
  CHECK(callers_over_target(q, now_ms) == 2);
  CHECK(callers_breaching_within(q, now_ms, 30) == 3);
  CHECK(callers_breaching_within(q, now_ms, 5) == 1);
  // Ten seconds later the 12 s caller is over as well.
  CHECK(callers_over_target(q, now_ms + 10'000) == 4);
  REQUIRE(oldest_wait_seconds(q, now_ms + 1000));
  CHECK(*oldest_wait_seconds(q, now_ms + 1000) == Approx(26));
  CHECK_FALSE(oldest_wait_seconds(queue_with_waits({}), now_ms));
}

TEST_CASE("tiles follow the board's queue list, and queues with alerts move first",
          "[wallboard][logic]") {
  BoardModel model;
  for (const char* name : {"billing", "sales", "support"}) model.queues.push_back(QueueView{name});
  auto names = [](const std::vector<const QueueView*>& tiles) {
    std::vector<std::string> out;
    for (const auto* t : tiles) out.push_back(t->name);
    return out;
  };
  CHECK(names(tiles_in_order(model, {})) ==
        std::vector<std::string>{"billing", "sales", "support"});
  CHECK(names(tiles_in_order(model, {"support", "sales", "unknown"})) ==
        std::vector<std::string>{"support", "sales"});
  model.alerts.push_back(
      AlertView{"a1", "sl_low", "sales", AlertSeverity::Warning, AlertState::Firing});
  model.alerts.push_back(
      AlertView{"a2", "wait", "billing", AlertSeverity::Critical, AlertState::Firing});
  model.alerts.push_back(
      AlertView{"a3", "wait", "support", AlertSeverity::Critical, AlertState::Acknowledged});
  CHECK(names(tiles_in_order(model, {"support", "sales", "billing"})) ==
        std::vector<std::string>{"billing", "sales", "support"});
  const auto banner = banner_alerts(model);
  REQUIRE(banner.size() == 3);
  CHECK(banner[0]->id == "a2");  // firing critical first
  CHECK(banner[2]->id == "a3");  // acknowledged last
  CHECK(any_alert_firing(model));
}

TEST_CASE("the agent page shows the longest pause and wrap-up first", "[wallboard][logic]") {
  BoardModel model;
  auto agent = [](std::string id, AgentState state, EpochMs since,
                  std::vector<std::string> queues = {"sales"}) {
    AgentView a;
    a.agent = std::move(id);
    a.state = state;
    a.state_since = since;
    a.queues = std::move(queues);
    // The daemon sends each agent the limits in force (defaults: paused 15/20 min, wrap-up
    // 2/3 min).
    a.limit = core::default_agent_limits().limit_for(static_cast<core::AgentStatus>(state), "");
    return a;
  };
  model.agents = {agent("ann", AgentState::Available, now_ms - 900'000),
                  agent("bob", AgentState::Paused, now_ms - 60'000),
                  agent("cat", AgentState::Wrapup, now_ms - 300'000),
                  agent("dan", AgentState::Busy, now_ms - 30'000),
                  agent("eve", AgentState::Offline, now_ms - 9'000'000),
                  agent("fay", AgentState::Paused, now_ms - 2'000'000, {"billing"})};
  std::vector<std::string> order;
  for (const auto* a : agents_in_order(model, {})) order.push_back(a->agent);
  CHECK(order == std::vector<std::string>{"fay", "cat", "bob", "dan", "ann", "eve"});
  order.clear();
  for (const auto* a : agents_in_order(model, {"billing"})) order.push_back(a->agent);
  CHECK(order == std::vector<std::string>{"fay"});
  CHECK(agent_level(model.agents[5], now_ms) == Level::Critical);  // paused 33 min
  CHECK(agent_level(model.agents[2], now_ms) == Level::Critical);  // wrap-up 5 min
  CHECK(agent_level(model.agents[1], now_ms) == Level::Neutral);   // paused 1 min
}

TEST_CASE("an agent's colour follows the limits the daemon sent, to the millisecond",
          "[wallboard][logic][agent_limits]") {
  AgentView lunch;
  lunch.state = AgentState::Paused;
  lunch.reason = "lunch";
  lunch.state_since = now_ms;
  lunch.limit = {std::chrono::minutes(45), std::chrono::minutes(60)};
  CHECK(agent_level(lunch, now_ms + 2'699'999) == Level::Neutral);
  CHECK(agent_level(lunch, now_ms + 2'700'000) == Level::Warning);  // 45 min
  CHECK(agent_level(lunch, now_ms + 3'599'999) == Level::Warning);
  CHECK(agent_level(lunch, now_ms + 3'600'000) == Level::Critical);  // 60 min
  AgentView no_limits = lunch;
  no_limits.limit = {};
  CHECK(agent_level(no_limits, now_ms + 36'000'000) == Level::Neutral);
}

TEST_CASE("the agents page's today column moves on with the running spell",
          "[wallboard][logic][agent_day]") {
  AgentView anna;
  anna.state = AgentState::Available;
  anna.state_since = now_ms;
  anna.today.day_start = core::from_epoch_ms(now_ms - 36'000'000);
  anna.today.day_end = core::from_epoch_ms(now_ms + 50'400'000);
  anna.today.counted_to = core::from_epoch_ms(now_ms);
  anna.today.calls_handled = 2;
  anna.today.handle_time = std::chrono::minutes(9);
  anna.today.staffed = std::chrono::minutes(30);
  anna.today.occupied = std::chrono::minutes(9);
  anna.today.paused = std::chrono::minutes(5);
  // 30 more minutes available: staffed 60 min, occupied 9 -> 15 %.
  CHECK(agent_today_text(anna, now_ms + 1'800'000) ==
        "2 calls \u00B7 AHT 4:30 \u00B7 occ 15 % \u00B7 paused 5:00");
  AgentView fresh;
  CHECK(agent_today_text(fresh, now_ms) == "0 calls \u00B7 occ \u2014");
}

TEST_CASE("the agents page splits today's time paused by reason, largest first",
          "[wallboard][logic][agent_day]") {
  AgentView anna;
  anna.state = AgentState::Available;
  anna.state_since = now_ms;
  anna.today.day_start = core::from_epoch_ms(now_ms - 36'000'000);
  anna.today.day_end = core::from_epoch_ms(now_ms + 50'400'000);
  anna.today.counted_to = core::from_epoch_ms(now_ms);
  anna.today.calls_handled = 2;
  anna.today.handle_time = std::chrono::minutes(9);
  anna.today.staffed = std::chrono::minutes(55);
  anna.today.occupied = std::chrono::seconds(550);
  anna.today.paused = std::chrono::minutes(35);
  anna.today.paused_by_reason = {{"break", std::chrono::minutes(5)},
                                 {"lunch", std::chrono::minutes(30)}};
  const std::string figures = "2 calls \u00B7 AHT 4:30 \u00B7 occ 17 % \u00B7 paused 35:00";
  CHECK(agent_today_text(anna, now_ms) == figures + " (lunch 30:00, break 5:00)");

  SECTION("a row too narrow for every reason says how many more there are") {
    anna.today.paused_by_reason["coaching"] = std::chrono::minutes(5);
    anna.today.paused += std::chrono::minutes(5);
    const std::string paused = "2 calls \u00B7 AHT 4:30 \u00B7 occ 17 % \u00B7 paused 40:00";
    // Equal times keep the reasons' order: break before coaching.
    CHECK(agent_today_text(anna, now_ms) == paused + " (lunch 30:00, break 5:00, coaching 5:00)");
    const auto at_most = [](std::size_t bytes) {
      return [bytes](std::string_view text) { return text.size() <= bytes; };
    };
    const std::string two_more = paused + " (lunch 30:00, +2 more)";
    CHECK(agent_today_text(anna, now_ms, at_most(two_more.size())) == two_more);
    CHECK(agent_today_text(anna, now_ms, at_most(two_more.size() - 1)) == paused + " (3 reasons)");
  }
  SECTION("a running pause counts under its reason as the board's clock moves") {
    anna.state = AgentState::Paused;
    anna.reason = "break";
    // 26 more minutes of break: it now comes first.
    CHECK(agent_today_text(anna, now_ms + 26 * 60'000) ==
          "2 calls \u00B7 AHT 4:30 \u00B7 occ 17 % \u00B7 paused 1:01:00 (break 31:00, lunch "
          "30:00)");
  }
  SECTION("one reason is the whole pause; a pause without a reason has nothing to split") {
    anna.today.paused_by_reason = {{"lunch", std::chrono::minutes(35)}};
    CHECK(agent_today_text(anna, now_ms) == figures + " (lunch)");
    CHECK(agent_today_text(anna, now_ms, [](std::string_view) { return false; }) == figures);
    anna.today.paused_by_reason = {{"", std::chrono::minutes(35)}};
    CHECK(agent_today_text(anna, now_ms) == figures);
    anna.today.paused_by_reason = {{"", std::chrono::minutes(5)},
                                   {"lunch", std::chrono::minutes(30)}};
    CHECK(agent_today_text(anna, now_ms) == figures + " (lunch 30:00, no reason 5:00)");
  }
}

SCENARIO("pages rotate, and hold where the alerts are while one fires", "[wallboard][logic]") {
  PageRotation rotation;
  rotation.period = 20s;
  const SteadyTime t0 = SteadyTime{} + 100h;
  CHECK(rotation.advance(t0, false) == Page::Queues);
  CHECK(rotation.advance(t0 + 19s, false) == Page::Queues);
  CHECK(rotation.advance(t0 + 20s, false) == Page::Agents);
  WHEN("an alert fires while the agents page is shown") {
    CHECK(rotation.advance(t0 + 25s, true) == Page::Queues);
    THEN("the board stays on the queues page as long as it fires") {
      CHECK(rotation.advance(t0 + 200s, true) == Page::Queues);
      AND_THEN("rotation resumes a full period after it stops") {
        CHECK(rotation.advance(t0 + 210s, false) == Page::Queues);
        CHECK(rotation.advance(t0 + 220s, false) == Page::Agents);
        CHECK(rotation.advance(t0 + 240s, false) == Page::Abandons);
        CHECK(rotation.advance(t0 + 260s, false) == Page::Callers);
        CHECK(rotation.advance(t0 + 280s, false) == Page::Queues);
      }
    }
  }
}

SCENARIO("a long agent list is paged: each screen shows for a full period, then rotation goes on",
         "[wallboard][logic]") {
  PageRotation rotation;
  rotation.pages = {Page::Agents, Page::Abandons};
  rotation.period = 10s;
  const SteadyTime t0 = SteadyTime{} + 100h;
  CHECK(rotation.advance(t0, false) == Page::Agents);
  CHECK(rotation.part(t0) == 0);
  rotation.parts = 3;  // what the view reported: 3 screens of agents
  CHECK(rotation.advance(t0 + 9s, false) == Page::Agents);
  CHECK(rotation.part(t0 + 9s) == 0);
  CHECK(rotation.advance(t0 + 10s, false) == Page::Agents);
  CHECK(rotation.part(t0 + 10s) == 1);
  CHECK(rotation.advance(t0 + 29s, false) == Page::Agents);
  CHECK(rotation.part(t0 + 29s) == 2);
  THEN("after the last screen the next page comes, starting unpaged") {
    CHECK(rotation.advance(t0 + 30s, false) == Page::Abandons);
    CHECK(rotation.parts == 1);
    CHECK(rotation.part(t0 + 35s) == 0);
  }
}

TEST_CASE("the header says honestly whether the board is live", "[wallboard][logic]") {
  const SteadyTime t0 = SteadyTime{} + 100h;
  BoardModel model;
  CHECK(connection_display(model, t0, 3s).text.find("CONNECTING") != std::string::npos);
  model.has_data = true;
  model.feed_state = FeedState::Live;
  model.last_applied_at = t0;
  CHECK(connection_display(model, t0 + 1s, 3s).text.find("LIVE") != std::string::npos);
  CHECK(connection_display(model, t0 + 1s, 3s).level == Level::Ok);
  const ConnectionDisplay stale = connection_display(model, t0 + 37s, 3s);
  CHECK(stale.text.find("NO DATA 37 s") != std::string::npos);
  CHECK(stale.level == Level::Critical);
}

TEST_CASE("the agents page says what each agent is doing and for how long",
          "[wallboard][logic][agents]") {
  AgentView agent;
  agent.agent = "SIP/2503";
  agent.state = AgentState::Busy;
  agent.state_since = 1'000'000;
  agent.queues = {"sales", "support"};
  agent.call = "c1";
  agent.call_queue = "support";
  agent.caller = "+46701234567";
  agent.call_answered_at = 1'010'000;
  CHECK(agent_activity(agent) == "busy \u00B7 support \u00B7 +46701234567");
  CHECK(agent_seconds(agent, 1'200'000) == Approx(190));  // talk time, from the answer
  agent.call.clear();
  agent.state = AgentState::Paused;
  agent.reason = "lunch";
  CHECK(agent_activity(agent) == "paused (lunch) \u00B7 sales, support");
  CHECK(agent_seconds(agent, 1'200'000) == Approx(200));  // time in state
}

TEST_CASE("a board following an HA pair names the daemon it reads",
          "[wallboard][logic][failover]") {
  const SteadyTime t0 = SteadyTime{} + 100h;
  BoardModel model;
  model.has_data = true;
  model.feed_state = FeedState::Live;
  model.last_applied_at = t0;
  model.daemon = "fw-b";
  CHECK(connection_display(model, t0, 3s).text == "\u25CF LIVE");  // one daemon: no name
  model.daemons_configured = 2;
  CHECK(connection_display(model, t0, 3s).text == "\u25CF LIVE \u00B7 fw-b");
  model.feed_state = FeedState::Syncing;
  model.last_resync_reason = "failover";
  CHECK(connection_display(model, t0, 3s).text == "\u21BB SWITCHING DAEMON");
  CHECK(connection_display(model, t0, 3s).level == Level::Warning);
}

TEST_CASE("the staffing row says which model its needed figure used", "[wallboard][logic]") {
  QueueView q;
  q.staffed_agents = 6;
  CHECK(staffing_text(q) == "needed \u2014 / staffed 6");  // nothing to staff for yet
  q.agents_required = 9;
  CHECK(staffing_text(q) == "needed 9 (EC) / staffed 6");
  q.staffing_model = StaffingModel::ErlangA;
  q.mean_patience_seconds = 250;  // the callers' measured patience: 4 min 10 s
  CHECK(staffing_text(q) == "needed 9 (EA 4:10) / staffed 6");
}

TEST_CASE("the forecast row: calls and agents for the next interval, or no forecast",
          "[wallboard][logic][forecast]") {
  QueueView q;
  CHECK(forecast_text(q) == "no forecast");  // no history for this queue
  ForecastView f;
  f.interval_start = 1'795'510'800'000;
  f.interval_end = f.interval_start + 30 * 60'000;
  f.offered = 47.6;
  q.forecast = f;
  CHECK(forecast_text(q) == "next 30 min: ~48 calls");  // no AHT yet: no staffing figure
  q.forecast->agents_needed = 9;
  CHECK(forecast_text(q) == "next 30 min: ~48 calls, need 9");
}
