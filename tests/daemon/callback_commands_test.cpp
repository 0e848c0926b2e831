// The control socket's call-back commands without a socket: `callback_done` validation (ids,
// `by`, CURVE key names), the `callbacks` and `callback_done` replies, and floorwatchctl's table.
#include <catch2/catch.hpp>

#include "daemon/callback_commands.h"
#include "daemon/callback_metrics.h"
#include "daemon/ctl/callbacks_view.h"

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
  REQUIRE(families.size() == 2);
  CHECK(families[0].name == "floorwatch_callbacks_closed_total");
  REQUIRE(families[0].metric.size() == 3);
  CHECK(families[0].metric[1].label.back().value == "answered");
  CHECK(families[0].metric[1].counter.value == 0);
  CHECK(families[0].metric[2].counter.value == 1);
  CHECK(families[1].metric[0].counter.value == 4);
  CHECK(families[1].metric[0].label[0].value == "stockholm");
}
