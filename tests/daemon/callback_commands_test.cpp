// The control socket's call-back commands without a socket: `callback_done` validation (ids,
// `by`, CURVE key names), the `callbacks` and `callback_done` replies, and floorwatchctl's table.
#include <catch2/catch.hpp>

#include "daemon/callback_commands.h"
#include "daemon/callback_metrics.h"
#include "daemon/ctl/callbacks_view.h"
#include "daemon/peer_link.h"

using namespace floorwatch;
using nlohmann::json;

namespace {

core::CallbackEntry entry(std::uint64_t id, const std::string& caller, std::int64_t first_ms) {
  core::CallbackEntry e;
  e.id = id;
  e.caller = caller;
  e.queue = "sales";
  e.call = "c" + std::to_string(id);
  e.first_abandoned_at = core::from_epoch_ms(first_ms);
  e.last_abandoned_at = core::from_epoch_ms(first_ms + 60'000);
  e.last_wait = core::Duration{12'000};
  e.attempts = 2;
  return e;
}

std::string problem_of(const json& request, const std::string& key_name = {}) {
  const auto parsed = daemon::parse_callback_done(request, key_name);
  const auto* problem = std::get_if<std::string>(&parsed);
  return problem ? *problem : std::string();
}

}  // namespace

TEST_CASE("callback_done needs a positive id and a name", "[daemon][callbacks]") {
  CHECK_THAT(problem_of({{"command", "callback_done"}, {"by", "Maria"}}),
             Catch::Contains("needs \"id\""));
  CHECK_THAT(problem_of({{"id", "seven"}, {"by", "Maria"}}), Catch::Contains("needs \"id\""));
  CHECK_THAT(problem_of({{"id", 0}, {"by", "Maria"}}), Catch::Contains("needs \"id\""));
  CHECK_THAT(problem_of({{"id", -3}, {"by", "Maria"}}), Catch::Contains("needs \"id\""));
  CHECK_THAT(problem_of({{"id", 7}}), Catch::Contains("needs \"by\""));
  CHECK_THAT(problem_of({{"id", 7}, {"by", 5}}), Catch::Contains("expected a name"));

  const auto ok = daemon::parse_callback_done({{"id", "7"}, {"by", "Maria"}}, "");
  REQUIRE(std::holds_alternative<daemon::CallbackDoneRequest>(ok));
  CHECK(std::get<daemon::CallbackDoneRequest>(ok).id == 7);
  CHECK(std::get<daemon::CallbackDoneRequest>(ok).by == "Maria");
}

TEST_CASE("with CURVE the key's name is who called back", "[daemon][callbacks]") {
  const auto signed_by_key = daemon::parse_callback_done({{"id", 7}}, "floor-1");
  REQUIRE(std::holds_alternative<daemon::CallbackDoneRequest>(signed_by_key));
  CHECK(std::get<daemon::CallbackDoneRequest>(signed_by_key).by == "floor-1");
  CHECK_THAT(problem_of({{"id", 7}, {"by", "Maria"}}, "floor-1"),
             Catch::Contains("not this client's CURVE key name"));
}

TEST_CASE("the callbacks reply lists open call-backs with their age and the totals",
          "[daemon][callbacks]") {
  core::FloorSnapshot snapshot;
  snapshot.now = core::from_epoch_ms(1'795'510'900'000);
  snapshot.callbacks = {entry(3, "+461", 1'795'510'800'000)};
  snapshot.callback_counters.closed = {4, 5, 6};
  snapshot.callback_counters.without_number = 2;
  const json reply = daemon::callbacks_json(snapshot);
  CHECK(reply["open"] == 1);
  CHECK(reply["callbacks"][0]["id"] == 3);
  CHECK(reply["callbacks"][0]["caller"] == "+461");
  CHECK(reply["callbacks"][0]["attempts"] == 2);
  CHECK(reply["callbacks"][0]["age_seconds"] == Approx(100));
  CHECK(reply["callbacks"][0]["first_abandoned_at"] == "2026-11-24T09:00:00.000Z");
  CHECK(reply["closed"] == json{{"called_back", 4}, {"answered", 5}, {"dropped", 6}});
  CHECK(reply["without_number"] == 2);

  const std::string table = ctl::format_callbacks(reply);
  CHECK_THAT(table, Catch::Contains("1 open call-backs"));
  CHECK_THAT(table, Catch::Contains("+461") && Catch::Contains("1:40"));
}

TEST_CASE("callback_done's reply names who closed it, or says the id is not open",
          "[daemon][callbacks]") {
  const daemon::CallbackDoneRequest request{3, "Maria"};
  const auto now = core::from_epoch_ms(1'795'510'900'000);
  const json done = daemon::callback_done_reply(entry(3, "+461", 1'795'510'800'000), request, now);
  CHECK(done["called_back"]["by"] == "Maria");
  CHECK(done["called_back"]["caller"] == "+461");
  const json unknown = daemon::callback_done_reply(std::nullopt, request, now);
  CHECK_THAT(unknown["error"].get<std::string>(), Catch::Contains("no open call-back 3"));
}

TEST_CASE("the site-wide call-back counters carry every reason, 0 included",
          "[daemon][callbacks]") {
  core::CallbackCounters counters;
  counters.closed = {2, 0, 1};
  counters.without_number = 4;
  const auto families = daemon::build_callback_families(counters, {"stockholm", "fw-a"});
  REQUIRE(families.size() == 5);
  CHECK(families[0].name == "floorwatch_callbacks_closed_total");
  REQUIRE(families[0].metric.size() == 3);
  CHECK(families[0].metric[1].label.back().value == "answered");
  CHECK(families[0].metric[1].counter.value == 0);
  CHECK(families[0].metric[2].counter.value == 1);
  CHECK(families[1].metric[0].counter.value == 4);
  CHECK(families[1].metric[0].label[0].value == "stockholm");
}

TEST_CASE("the HA pair's merged closes are counted by result, held ones as a gauge",
          "[daemon][callbacks][ha]") {
  core::CallbackCounters counters;
  counters.peer_closes = {3, 1, 0, 0, 2};  // applied, held, earlier, known, expired
  counters.closes_held = 1;
  counters.close_records_dropped = 7;
  const auto families = daemon::build_callback_families(counters, {"stockholm", "fw-a"});
  REQUIRE(families.size() == 5);
  CHECK(families[2].name == "floorwatch_callbacks_peer_closes_total");
  REQUIRE(families[2].metric.size() == 4);  // `known` repeats every second: not counted
  CHECK(families[2].metric[0].label.back().value == "applied");
  CHECK(families[2].metric[0].counter.value == 3);
  CHECK(families[2].metric[3].label.back().value == "expired");
  CHECK(families[2].metric[3].counter.value == 2);
  CHECK(families[3].name == "floorwatch_callbacks_closes_held");
  CHECK(families[3].metric[0].gauge.value == 1);
  CHECK(families[4].metric[0].counter.value == 7);
}

TEST_CASE("peer_callbacks is read into closes; a bad entry is named by index and field",
          "[daemon][callbacks][ha]") {
  const json good = json::parse(R"({"command":"peer_callbacks","from":"fw-b","closes":[
      {"caller":"+461","first_abandoned_at_ms":1795510810000,
       "last_abandoned_at_ms":1795510870000,"by":"maria","at_ms":1795510900000}]})");
  const auto parsed = daemon::parse_peer_callbacks(good);
  REQUIRE(std::holds_alternative<daemon::PeerCallbacksRequest>(parsed));
  const auto& request = std::get<daemon::PeerCallbacksRequest>(parsed);
  CHECK(request.from == "fw-b");
  REQUIRE(request.closes.size() == 1);
  CHECK(request.closes[0].caller == "+461");
  CHECK(request.closes[0].by == "maria");
  CHECK(request.closes[0].last_abandoned_at == core::from_epoch_ms(1795510870000));
  CHECK(request.closes[0].at == core::from_epoch_ms(1795510900000));

  auto [body, expected] = GENERATE(table<std::string, std::string>({
      {R"({"command":"peer_callbacks"})", "peer_callbacks needs \"closes\": a list"},
      {R"({"closes":[1]})", "closes[0]: expected an object"},
      {R"({"closes":[{"by":"m","first_abandoned_at_ms":1,"last_abandoned_at_ms":1,"at_ms":1}]})",
       "closes[0].caller: expected a non-empty string"},
      {R"({"closes":[{"caller":"+1","by":"m","first_abandoned_at_ms":1,"last_abandoned_at_ms":1,
          "at_ms":1},{"caller":"+2","by":"m","first_abandoned_at_ms":1,
          "last_abandoned_at_ms":1,"at_ms":"soon"}]})",
       "closes[1].at_ms: expected an integer (epoch ms)"},
      {R"({"closes":[{"caller":"+1","by":"m","first_abandoned_at_ms":5,"last_abandoned_at_ms":1,
          "at_ms":1}]})",
       "closes[0].first_abandoned_at_ms: after last_abandoned_at_ms"},
  }));
  const auto refused = daemon::parse_peer_callbacks(json::parse(body));
  INFO(body);
  REQUIRE(std::holds_alternative<std::string>(refused));
  CHECK_THAT(std::get<std::string>(refused), Catch::Contains(expected));
}

TEST_CASE("the peer_callbacks request carries what both daemons agree on, not the local id",
          "[daemon][callbacks][ha]") {
  core::CallbackClose close{"+461",  core::from_epoch_ms(1000), core::from_epoch_ms(2000),
                            "maria", core::from_epoch_ms(3000), true};
  const json request = json::parse(daemon::peer_callbacks_request("fw-a", {close}));
  CHECK(request["command"] == "peer_callbacks");
  CHECK(request["from"] == "fw-a");
  CHECK(request["closes"][0] == json{{"caller", "+461"},
                                     {"first_abandoned_at_ms", 1000},
                                     {"last_abandoned_at_ms", 2000},
                                     {"by", "maria"},
                                     {"at_ms", 3000}});
  // Round trip: what one daemon sends, the other reads back unchanged.
  const auto parsed = daemon::parse_peer_callbacks(request);
  REQUIRE(std::holds_alternative<daemon::PeerCallbacksRequest>(parsed));
  const auto& back = std::get<daemon::PeerCallbacksRequest>(parsed).closes.at(0);
  CHECK(std::tie(back.caller, back.first_abandoned_at, back.last_abandoned_at, back.by, back.at) ==
        std::tie(close.caller, close.first_abandoned_at, close.last_abandoned_at, close.by,
                 close.at));
}
