// The waiting-callers page and the tiles' next breach: positions, the most urgent first, marks
// with a word (never colour alone), and countdowns that run on the board's clock between feed
// messages.
#include <catch2/catch.hpp>

#include <algorithm>

#include "wallboard/queue_callers.h"

using namespace floorwatch::wallboard;

namespace {

constexpr EpochMs kNow = 1'795'510'800'000;  // 2026-11-24T09:00:00Z

WaitingCallerView caller(const char* call, int enqueued_s_ago, int answer_in_s, double target,
                         bool marked) {
  const EpochMs enqueued = kNow - enqueued_s_ago * 1000L;
  return {call,
          std::string("+467000") + call,
          enqueued,
          enqueued + static_cast<EpochMs>(target * 1000),
          kNow + answer_in_s * 1000L,
          marked};
}

BoardModel two_queues() {
  BoardModel model;
  QueueView sales;
  sales.name = "sales";
  sales.answer_target_seconds = 20;
  sales.calls_waiting = 2;
  sales.waiting_callers = {caller("s1", 15, 0, 20, false), caller("s2", 5, 40, 20, true)};
  for (const auto& c : sales.waiting_callers) sales.waiting_enqueued_at.push_back(c.enqueued_at);
  QueueView support;
  support.name = "support";
  support.answer_target_seconds = 60;
  support.calls_waiting = 77;
  support.waiting_callers = {caller("u1", 70, 0, 60, true), caller("u2", 50, 30, 60, false)};
  for (const auto& c : support.waiting_callers)
    support.waiting_enqueued_at.push_back(c.enqueued_at);
  model.queues = {sales, support};
  return model;
}

}  // namespace

TEST_CASE("every waiting caller with its position, the most urgent first", "[wallboard][callers]") {
  const BoardModel model = two_queues();
  const auto rows = callers_in_order(model, {});
  REQUIRE(rows.size() == 4);
  // Breach times: u1 10 s ago, s1 in 5 s, u2 in 10 s, s2 in 15 s.
  CHECK(rows[0].caller->call == "u1");
  CHECK(rows[1].caller->call == "s1");
  CHECK(rows[2].caller->call == "u2");
  CHECK(rows[3].caller->call == "s2");
  CHECK(position_text(rows[2]) == "2 of 77");
  CHECK(position_text(rows[1]) == "1 of 2");
  SECTION("a board limited to some queues lists only theirs") {
    const auto sales = callers_in_order(model, {"sales"});
    REQUIRE(sales.size() == 2);
    CHECK(sales[0].queue->name == "sales");
  }
}

TEST_CASE("callers who will breach before an agent can take them are marked with a word",
          "[wallboard][callers]") {
  const BoardModel model = two_queues();
  const auto& sales = model.queues[0].waiting_callers;
  const auto& support = model.queues[1].waiting_callers;
  CHECK(caller_mark(support[0], kNow) == "breached");  // waited 70 s of 60
  CHECK(caller_level(support[0], kNow) == Level::Critical);
  CHECK(caller_mark(sales[1], kNow) == "will breach");  // answer in 40 s, breach in 15 s
  CHECK(caller_level(sales[1], kNow) == Level::Critical);
  CHECK(caller_mark(sales[0], kNow) == "breach soon");  // 5 s to go, answered now
  CHECK(caller_level(sales[0], kNow) == Level::Warning);
  CHECK(caller_mark(support[1], kNow + 0) == "breach soon");
  CHECK(level_icon(caller_level(sales[1], kNow)) == "\u2716");
}

TEST_CASE("the answer and breach countdowns run on the board's clock", "[wallboard][callers]") {
  const BoardModel model = two_queues();
  const WaitingCallerView& s2 = model.queues[0].waiting_callers[1];
  CHECK(answer_text(s2, kNow) == "in 0:40");
  CHECK(breach_text(s2, kNow) == "in 0:15");
  // 20 s later, without a message from the daemon.
  CHECK(answer_text(s2, kNow + 20'000) == "in 0:20");
  CHECK(breach_text(s2, kNow + 20'000) == "breached");
  CHECK(answer_text(s2, kNow + 41'000) == "due");
  WaitingCallerView nobody = s2;
  nobody.predicted_answer.reset();
  CHECK(answer_text(nobody, kNow) == "no agent");
}

TEST_CASE("the tile shows the next caller's predicted breach, counting down",
          "[wallboard][callers]") {
  BoardModel model = two_queues();
  const QueueView& sales = model.queues[0];
  // s2 is forecast to breach at now + 15 s.
  NextBreach next = next_breach(sales, kNow);
  CHECK(next.text == "next breach 0:15");
  CHECK(next.level == Level::Warning);
  CHECK(next_breach(sales, kNow + 4'000).text == "next breach 0:11");
  // Once the oldest caller (s1, 20 s target) is over: "breached".
  next = next_breach(sales, kNow + 6'000);
  CHECK(next.text == "breached");
  CHECK(next.level == Level::Critical);
  QueueView calm = sales;
  calm.waiting_callers[1].breach_predicted = false;
  CHECK(next_breach(calm, kNow).text == "no breach expected");
}

TEST_CASE("the callers page is in the rotation and --pages knows it", "[wallboard][callers]") {
  CHECK(parse_page("callers") == Page::Callers);
  CHECK(page_title(Page::Callers) == "Waiting callers");
  const PageRotation rotation;
  CHECK(std::find(rotation.pages.begin(), rotation.pages.end(), Page::Callers) !=
        rotation.pages.end());
}

TEST_CASE("group tiles follow the queues', in the board's order", "[wallboard][groups]") {
  BoardModel model;
  GroupView all;
  all.name = "support_all";
  all.queues = {"support", "support_vip"};
  all.service_level_target = 0.8;
  all.answer_target_seconds = 30;
  all.formula_description = "answered only";
  GroupView other = all;
  other.name = "everything";
  model.groups = {other, all};
  CHECK(group_tiles_in_order(model, {}).size() == 2);
  const auto chosen = group_tiles_in_order(model, {"sales", "support_all"});
  REQUIRE(chosen.size() == 1);
  CHECK(chosen[0]->name == "support_all");
  CHECK(group_small_print(all) == "80/30 \u00B7 answered only \u00B7 support, support_vip");
}
