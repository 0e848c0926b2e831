// Inputs the fuzz targets (tests/fuzz) found, kept as plain tests so they stay fixed.
#include <catch2/catch.hpp>

#include "floorwatch/asterisk/ami_mapper.h"
#include "floorwatch/asterisk/queue_log_mapper.h"
#include "floorwatch/asterisk/queue_log_parser.h"

using namespace floorwatch;
using namespace floorwatch::asterisk;

TEST_CASE("absurdly large times and durations are rejected, not overflowed", "[asterisk][fuzz]") {
  const core::Timestamp now = core::from_epoch_ms(1'700'000'000'000);
  AmiMapper mapper;
  AmiMessage join;
  join.add("Event", "QueueCallerJoin");
  join.add("Timestamp", "17000011503500000.0");  // found by fuzz_ami_mapper: 17 digits
  join.add("Uniqueid", "1.1");
  join.add("Queue", "q");
  const auto joined = mapper.map(join, now);
  REQUIRE(joined.events.size() == 1);
  CHECK(joined.events[0].ts == now);  // an unusable Timestamp falls back to the read time

  AmiMessage abandon;
  abandon.add("Event", "QueueCallerAbandon");
  abandon.add("Uniqueid", "1.1");
  abandon.add("Queue", "q");
  abandon.add("HoldTime", "9999999999999999");
  CHECK(mapper.map(abandon, now).outcome == AmiOutcome::Invalid);

  const QueueLogParser parser;
  const auto parsed = parser.parse("99999999999999999|1.1|q|NONE|ENTERQUEUE||555|1");
  REQUIRE(std::holds_alternative<QueueLogParseError>(parsed));
  CHECK(std::get<QueueLogParseError>(parsed).field == QueueLogField::Epoch);
}
