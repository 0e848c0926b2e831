// Alert state through the snapshot codec: a state produced by a real engine (firing,
// acknowledged, pending, silenced, resolved, cooling down) is restored into a fresh engine that
// lists the same alerts and makes the same decisions afterwards; damaged bytes are refused.
#include <catch2/catch.hpp>

#include <sstream>

#include "alerts/alert_engine.h"
#include "alerts/alert_test_support.h"
#include "alerts/state_codec.h"

using namespace floorwatch;
using namespace floorwatch::alerts;
using namespace floorwatch::test;
using namespace std::chrono_literals;

namespace {

const std::string kRules = kNotifiersAndPolicy + R"(rules:
  - name: OldestWaitOver90s
    expr: oldest_wait_seconds > 90
    severity: critical
  - name: QueueBuilding
    expr: calls_waiting > 10
    cooldown: 5m
  - name: QueueLong
    expr: calls_waiting > 30
    for: 2m
)";

std::string text(const std::optional<core::Timestamp>& at) {
  return at ? core::format_timestamp(*at) : "-";
}

// Every field of an alert, so two lists compare field by field with a readable difference.
std::string describe(const Alert& alert) {
  std::ostringstream out;
  out << alert.id << " " << alert.rule << " " << alert.subject << " " << to_string(alert.state)
      << " since=" << core::format_timestamp(alert.active_since)
      << " fired=" << text(alert.fired_at) << " resolved=" << text(alert.resolved_at)
      << " silenced=" << alert.silenced;
  for (const auto& [name, value] : alert.labels) out << " " << name << "=" << value;
  if (alert.acknowledgement) {
    out << " ack=" << alert.acknowledgement->by << "/" << alert.acknowledgement->comment << "@"
        << core::format_timestamp(alert.acknowledgement->at);
  }
  if (alert.resolve_reason) out << " reason=" << to_string(*alert.resolve_reason);
  out << " values=";
  for (const auto& value : alert.values) out << (value ? std::to_string(*value) : "none") << ",";
  out << " tiers=";
  for (const auto& tier : alert.tiers) {
    out << text(tier.first_notified_at) << "/" << text(tier.last_notified_at) << "/"
        << tier.notifications << ",";
  }
  return out.str();
}

template <typename Alerts>
std::vector<std::string> describe_all(const Alerts& alerts) {
  std::vector<std::string> described;
  for (const auto& alert : alerts) described.push_back(describe(alert));
  return described;
}

std::vector<std::string> describe_silences(const std::vector<Silence>& silences) {
  std::vector<std::string> described;
  for (const auto& silence : silences) {
    std::string line =
        std::to_string(silence.id) + " " + core::format_timestamp(silence.starts_at) + ".." +
        core::format_timestamp(silence.ends_at) + " by " + silence.created_by + " (" +
        silence.comment + ") at " + core::format_timestamp(silence.created_at);
    for (const auto& matcher : silence.matchers) line += " " + alerts::describe(matcher);
    described.push_back(line);
  }
  return described;
}

// Transitions and notifications of one evaluation, as comparable text.
std::vector<std::string> decisions(const EvaluationResult& result) {
  std::vector<std::string> lines;
  for (const auto& t : result.transitions) {
    lines.push_back("transition " + std::to_string(t.id) + " " + t.rule + " " +
                    std::string(to_string(t.from)) + "->" + std::string(to_string(t.to)) + " " +
                    std::string(to_string(t.reason)));
  }
  for (const auto& n : result.notifications) {
    lines.push_back("notify " + std::to_string(n.alert_id) + " " + n.tier + ":" +
                    std::string(to_string(n.kind)));
  }
  return lines;
}

std::string encode(const AlertEngineState& state) {
  core::ByteWriter out;
  save(out, state);
  return out.bytes();
}

}  // namespace

TEST_CASE("alert state restored from a snapshot lists the same alerts and decides the same",
          "[alerts][state_codec]") {
  AlertEngine original(config(kRules));
  Floor floor;
  const core::Timestamp start = kMonday9Utc;

  // support: a burst that fires QueueBuilding and clears, leaving history and a cooldown.
  floor.waiting("support", 12, start);
  original.evaluate(floor.at(start), kNoSources, start);
  floor.nobody_waiting("support");
  original.evaluate(floor.at(start + 30s), kNoSources, start + 30s);
  // sales: one caller waiting past 90 s (fires), acknowledged by the floor lead.
  floor.waiting("sales", 1, start + 30s);
  original.evaluate(floor.at(start + 2min + 1ms), kNoSources, start + 2min + 1ms);
  // billing: a long queue, silenced by a regex matcher; QueueLong is still pending (for: 2m).
  Silence silence;
  silence.matchers = {*parse_matcher("queue=~\"bill.*\""), *parse_matcher("severity!=critical")};
  silence.starts_at = start + 2min;
  silence.ends_at = start + 1h;
  silence.created_by = "alice";
  silence.comment = "billing system migration";
  REQUIRE(original.add_silence(silence, start + 2min).id != 0);
  floor.waiting("billing", 40, start + 2min);
  const core::Timestamp snapshot_at = start + 3min;
  original.evaluate(floor.at(snapshot_at), kNoSources, snapshot_at);

  const Alert* sales = nullptr;
  for (const auto& alert : original.list())
    if (alert.rule == "OldestWaitOver90s") sales = &alert;
  REQUIRE(sales != nullptr);
  REQUIRE(original.acknowledge(sales->id, "Maria", "calling in two agents", snapshot_at).status ==
          AckStatus::Acknowledged);

  // The state covers every case the test claims to exercise.
  const AlertEngineState& state = original.state();
  REQUIRE(state.history.size() == 1);
  REQUIRE(state.cooldown_until.size() == 1);
  REQUIRE(state.silences.size() == 1);
  std::vector<AlertState> states;
  bool any_silenced = false;
  for (const auto& alert : state.active) {
    states.push_back(alert.state);
    any_silenced = any_silenced || alert.silenced;
  }
  CHECK_THAT(states, Catch::UnorderedEquals(std::vector<AlertState>{
                         AlertState::Acknowledged, AlertState::Firing, AlertState::Pending}));
  CHECK(any_silenced);

  const std::string bytes = encode(state);
  core::ByteReader in(bytes);
  AlertEngine restored(config(kRules));
  restored.restore(load_alert_state(in));
  CHECK(in.at_end());

  SECTION("the lists, history and silences are identical, field by field") {
    CHECK(describe_all(restored.list()) == describe_all(original.list()));
    CHECK(describe_all(restored.history()) == describe_all(original.history()));
    CHECK(describe_silences(restored.silences()) == describe_silences(original.silences()));
    CHECK(restored.state().cooldown_until == original.state().cooldown_until);
    CHECK(restored.state().next_alert_id == original.state().next_alert_id);
    CHECK(restored.state().next_silence_id == original.state().next_silence_id);
    CHECK(encode(restored.state()) == bytes);
  }

  SECTION("the next evaluations decide the same as the engine that never stopped") {
    // Past the supervisor tier (3 min after firing) and QueueLong's `for:`; support builds up
    // again inside its cooldown. Then past the cooldown and the silence.
    floor.waiting("support", 15, snapshot_at);
    for (const core::Timestamp at : {snapshot_at + 3min, snapshot_at + 10min, start + 2h}) {
      CAPTURE(core::format_timestamp(at));
      const auto expected = original.evaluate(floor.at(at), kNoSources, at);
      const auto actual = restored.evaluate(floor.at(at), kNoSources, at);
      CHECK(decisions(actual) == decisions(expected));
      CHECK(describe_all(restored.list()) == describe_all(original.list()));
      CHECK(restored.next_deadline() == original.next_deadline());
    }
  }

  SECTION("the acknowledged alert is not paged again and a new burst waits for the cooldown") {
    // Past the supervisor tier of the sales alert (fired at 09:02:00.001), inside support's
    // QueueBuilding cooldown (resolved at 09:00:30, 5 min).
    floor.waiting("support", 15, snapshot_at);
    const core::Timestamp at = start + 5min + 10s;
    const auto result = restored.evaluate(floor.at(at), kNoSources, at);
    INFO(Catch::Detail::stringify(describe_all(restored.list())));
    for (const auto& notification : result.notifications) CHECK(notification.alert_id != sales->id);
    for (const auto& alert : restored.list())
      CHECK_FALSE((alert.rule == "QueueBuilding" && alert.subject == "support"));
    const Alert* still_sales = restored.find(sales->id);
    REQUIRE(still_sales != nullptr);
    CHECK(still_sales->state == AlertState::Acknowledged);
    CHECK(still_sales->acknowledgement->by == "Maria");
    // The silence's matchers still apply: billing's warnings are muted, its critical page is not.
    for (const auto& alert : restored.list()) {
      if (alert.subject == "billing")
        CHECK(alert.silenced == (alert.labels.at("severity") != "critical"));
    }
  }
}

TEST_CASE("an empty engine state round-trips", "[alerts][state_codec]") {
  const AlertEngineState empty;
  const std::string bytes = encode(empty);
  core::ByteReader in(bytes);
  const AlertEngineState loaded = load_alert_state(in);
  CHECK(in.at_end());
  CHECK(loaded.active.empty());
  CHECK(loaded.history.empty());
  CHECK(loaded.next_alert_id == 1);
}

TEST_CASE("truncated, corrupted or foreign alert state is refused", "[alerts][state_codec]") {
  AlertEngine engine(config(kRules));
  Floor floor;
  floor.waiting("sales", 40, kMonday9Utc);
  engine.evaluate(floor.at(kMonday9Utc + 3min), kNoSources, kMonday9Utc + 3min);
  REQUIRE_FALSE(engine.list().empty());
  const std::string bytes = encode(engine.state());

  SECTION("every truncation throws SnapshotError") {
    for (std::size_t length = 0; length < bytes.size(); ++length) {
      CAPTURE(length);
      core::ByteReader in(std::string_view(bytes).substr(0, length));
      CHECK_THROWS_AS(load_alert_state(in), core::SnapshotError);
    }
  }
  SECTION("another version throws SnapshotError naming it") {
    std::string other = bytes;
    other[0] = static_cast<char>(kAlertStateVersion + 1);
    core::ByteReader in(other);
    CHECK_THROWS_WITH(load_alert_state(in), Catch::Contains("version"));
  }
  SECTION("an impossible alert count throws instead of allocating") {
    std::string corrupted = bytes;
    corrupted[8 * 3 + 7] = '\x7f';  // the high byte of the active-alert count
    core::ByteReader in(corrupted);
    CHECK_THROWS_AS(load_alert_state(in), core::SnapshotError);
  }
}

TEST_CASE("alert state of version 1 (before fired_values) still loads", "[alerts][state_codec]") {
  AlertEngineState state;
  Alert alert;
  alert.id = 4;
  alert.rule = "OldestWaitOver90s";
  alert.subject = "sales";
  alert.state = AlertState::Firing;
  alert.active_since = kMonday9Utc;
  alert.fired_at = kMonday9Utc;
  alert.values = {95.0};
  state.active.push_back(alert);
  // Version 2 adds one list (empty here: a u64 count of 0) at the end of each alert; this
  // state's only alert is followed by the history, silence and cooldown counts.
  std::string bytes = encode(state);
  bytes.erase(bytes.size() - 4 * 8, 8);
  bytes[0] = 1;
  core::ByteReader in(bytes);
  const AlertEngineState loaded = load_alert_state(in);
  CHECK(in.at_end());
  REQUIRE(loaded.active.size() == 1);
  CHECK(loaded.active[0].id == 4);
  CHECK(loaded.active[0].values == std::vector<std::optional<double>>{95.0});
  CHECK(loaded.active[0].fired_values.empty());  // notices show the live figures then
}
