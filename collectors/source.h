#pragma once
// The source interface of floorwatch-collector (node_exporter style): each source lives in its
// own file, adds its options to its own subcommand, and is listed once in registry.cpp.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "floorwatch/core/clock.h"
#include "floorwatch/core/event.h"

namespace CLI {
class App;
}

namespace floorwatch::collectors {

/// Where a source puts its events (the daemon channels, or stdout for --output jsonl). Called
/// from the source's thread only; publish may block (back-pressure), never drops.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void publish(const core::Event& event) = 0;
  /// How many of the events published so far, counted from the first, are delivered for good:
  /// acknowledged by every daemon. nullopt for sinks without acknowledgements (stdout), where
  /// a published event counts as delivered. Sources that persist a read position (queue-log)
  /// save only positions whose events are delivered.
  virtual std::optional<std::uint64_t> delivered_events() const { return std::nullopt; }
  /// The source itself was unreachable for `missed` (e.g. the AMI link dropped): events of
  /// that time are missing. The daemon counts it per source (floorwatch_source_gaps_total).
  virtual void report_gap(std::chrono::milliseconds missed) {}
};

/// What a running source gets from main(). Everything a source may touch from outside.
struct SourceContext {
  EventSink& sink;
  const core::Clock& clock;                 ///< wall clock (injected: tests use ManualClock)
  const std::atomic<bool>& stop_requested;  ///< set by SIGINT/SIGTERM; sources return soon after
};

/// One kind of event source (a file of JSON lines, the simulator, an ACD adapter).
class Source {
 public:
  virtual ~Source() = default;
  /// Adds this source's own options to its subcommand; called once before parsing.
  virtual void add_options(CLI::App& command) = 0;
  /// Produces events until the input ends or a stop is requested. Returns the exit status;
  /// main() then waits until every published event is acknowledged.
  virtual int run(SourceContext& context) = 0;
};

/// One line of the registry.
struct SourceRegistration {
  std::string_view name;         ///< the subcommand, e.g. "jsonl"
  std::string_view description;  ///< one line for --help
  std::unique_ptr<Source> (*make)();
};

/// Every source floorwatch-collector knows, in registry.cpp.
const std::vector<SourceRegistration>& registered_sources();

}  // namespace floorwatch::collectors
