// Silence matchers as Alertmanager writes them.
#include <catch2/catch.hpp>

#include "alerts/silence.h"

using namespace floorwatch;
using namespace floorwatch::alerts;

TEST_CASE("matchers test labels like Alertmanager's", "[alerts][silence]") {
  const Labels labels{
      {"alertname", "OldestWaitOver90s"}, {"queue", "sales"}, {"severity", "critical"}};
  const auto [text, matches] = GENERATE(table<std::string, bool>({
      {"queue=sales", true},
      {"queue=support", false},
      {"queue!=support", true},
      {"alertname=~Oldest.*", true},
      {"alertname=~\"Oldest\"", false},  // regexes match the whole value
      {"severity!~warn.*", true},
      {"source=", true},  // a missing label matches the empty string
      {"source!=", false},
  }));
  CAPTURE(text);
  const auto matcher = parse_matcher(text);
  REQUIRE(matcher);
  CHECK(matcher->matches(labels) == matches);
}

TEST_CASE("malformed matchers are refused", "[alerts][silence]") {
  for (const char* text : {"queue", "=sales", "queue=~(", "que ue=sales"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_matcher(text));
  }
}

TEST_CASE("a silence is active in [start, end) and needs a matcher and an author",
          "[alerts][silence]") {
  Silence silence;
  silence.matchers = {*parse_matcher("queue=sales")};
  silence.starts_at = core::from_epoch_ms(1000);
  silence.ends_at = core::from_epoch_ms(2000);
  silence.created_by = "alice";
  CHECK(validate(silence).empty());
  CHECK_FALSE(silence.active_at(core::from_epoch_ms(999)));
  CHECK(silence.active_at(core::from_epoch_ms(1000)));
  CHECK_FALSE(silence.active_at(core::from_epoch_ms(2000)));
  silence.created_by.clear();
  CHECK_FALSE(validate(silence).empty());
  silence.created_by = "alice";
  silence.ends_at = silence.starts_at;
  CHECK_FALSE(validate(silence).empty());
}
