// Source `queue-log`: follows Asterisk's queue_log like `tail -F` (FileFollower), parses and maps
// each line (floorwatch::asterisk) and remembers, in a state file, the position of the last line
// whose events every daemon acknowledged. Usage and guarantees: docs/collectors/asterisk.md.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <deque>
#include <map>
#include <thread>
#include <unordered_map>

#include "common/rate_limited_log.h"
#include "file_follower.h"
#include "floorwatch/asterisk/queue_log_mapper.h"
#include "floorwatch/asterisk/queue_log_parser.h"
#include "floorwatch/core/site_calendar.h"
#include "source.h"

namespace floorwatch::collectors {
namespace {

using asterisk::QueueLogOutcome;
using core::Duration;
using core::Event;
using core::EventType;
using core::Timestamp;

/// With `--backfill today`, the lines before the day's start are mapped without being sent;
/// what is still true at the start (each agent's last state, calls still open) is sent then.
class BackfillHoldBack {
 public:
  void absorb(const Event& event) {
    if (event.type == EventType::AgentState) {
      last_agent_state_[event.agent] = event;
      return;
    }
    if (event.type == EventType::CallEnqueued || event.type == EventType::CallAnswered) {
      open_calls_[event.call].push_back(event);
      return;
    }
    if (open_calls_.erase(event.call) > 0) ++calls_finished_before_start_;
  }

  /// The events that describe the floor at the day's start, in time order.
  std::vector<Event> release() {
    std::vector<Event> events;
    for (auto& [agent, event] : last_agent_state_) events.push_back(std::move(event));
    for (auto& [call, call_events] : open_calls_)
      for (auto& event : call_events) events.push_back(std::move(event));
    std::stable_sort(events.begin(), events.end(),
                     [](const Event& a, const Event& b) { return a.ts < b.ts; });
    last_agent_state_.clear();
    open_calls_.clear();
    return events;
  }
  std::uint64_t calls_finished_before_start() const { return calls_finished_before_start_; }

 private:
  std::map<std::string, Event> last_agent_state_;
  std::map<std::string, std::vector<Event>> open_calls_;
  std::uint64_t calls_finished_before_start_ = 0;
};

/// Positions whose lines are fully published, waiting for the daemons' acknowledgement.
class DeliveryCheckpoints {
 public:
  /// Records that everything up to `position` needs the first `published_events` delivered.
  void add(std::uint64_t published_events, const FilePosition& position) {
    if (!pending_.empty() && pending_.back().first == published_events)
      pending_.back().second = position;  // a line without events waits on the same ones
    else
      pending_.emplace_back(published_events, position);
  }
  /// The furthest position whose events are all delivered, if it moved.
  std::optional<FilePosition> advance(std::uint64_t delivered_events) {
    std::optional<FilePosition> durable;
    while (!pending_.empty() && pending_.front().first <= delivered_events) {
      durable = pending_.front().second;
      pending_.pop_front();
    }
    return durable;
  }

 private:
  std::deque<std::pair<std::uint64_t, FilePosition>> pending_;
};

class QueueLogSource final : public Source {
 public:
  void add_options(CLI::App& command) override {
    command.add_option("--file", file_, "queue_log to follow, e.g. /var/log/asterisk/queue_log")
        ->required();
    command.add_option("--state-file", state_file_,
                       "where to remember the last acknowledged line across restarts");
    auto* from_start =
        command.add_flag("--from-start", from_start_, "send the whole file, then follow it");
    command
        .add_option("--backfill", backfill_,
                    "'today': send the lines since the start of the local day, then follow")
        ->check(CLI::IsMember({"today"}))
        ->excludes(from_start);
    command.add_option("--timezone", timezone_, "IANA zone of the site, for --backfill today")
        ->capture_default_str();
    command.add_option("--day-starts-at", day_starts_at_, "local HH:MM the day starts at")
        ->capture_default_str();
    command.add_option("--member-name", member_names_,
                       "INTERFACE=MEMBERNAME (repeat): links ADDMEMBER's interface to the "
                       "member name call lines use");
    command.add_flag("--no-follow", no_follow_, "exit at the end of the file instead of waiting");
    command.add_option("--poll-interval-ms", poll_interval_ms_, "how often to look for new lines")
        ->capture_default_str()
        ->check(CLI::Range(1, 60'000));
    command.add_option("--state-interval-ms", state_interval_ms_, "how often to save the state")
        ->capture_default_str()
        ->check(CLI::Range(0, 3'600'000));
    command
        .add_option("--rotation-grace-ms", rotation_grace_ms_,
                    "keep reading a rotated file this long after its last write")
        ->capture_default_str()
        ->check(CLI::Range(0, 600'000));
    command.add_option("--stats-interval-s", stats_interval_s_, "period of the stats log line")
        ->capture_default_str()
        ->check(CLI::Range(1, 86'400));
  }

  int run(SourceContext& context) override {
    asterisk::QueueLogMapperOptions mapper_options;
    for (const std::string& pair : member_names_) {
      const auto equals = pair.find('=');
      if (equals == std::string::npos || equals == 0 || equals + 1 == pair.size()) {
        spdlog::error("queue-log: --member-name {}: expected INTERFACE=MEMBERNAME", pair);
        return 2;
      }
      mapper_options.member_names[pair.substr(0, equals)] = pair.substr(equals + 1);
    }
    mapper_ = asterisk::QueueLogMapper(mapper_options);
    FileFollowerOptions follower_options;
    follower_options.rotation_grace = Duration{rotation_grace_ms_};
    follower_ = std::make_unique<FileFollower>(file_, follower_options);
    if (const int status = start(context.clock.now()); status != 0) return status;

    const Duration poll_interval{poll_interval_ms_};
    while (!context.stop_requested.load(std::memory_order_relaxed)) {
      const Timestamp now = context.clock.now();
      int lines = 0;
      // Bounded so state, stats and stop requests are looked at during a long replay.
      while (lines < 10'000) {
        auto line = follower_->next_line(now);
        if (!line) break;
        handle_line(*line, context, now);
        ++lines;
      }
      if (lines == 0 && holding_back_) end_backfill(context);  // caught up: the past is done
      if (!update_state(context, now, false)) return 1;
      if (now - last_stats_at_ >= Duration{stats_interval_s_ * 1000}) log_stats(context, now);
      if (lines > 0) continue;
      if (no_follow_) break;
      std::this_thread::sleep_for(poll_interval);
    }
    if (holding_back_) end_backfill(context);
    if (no_follow_ && follower_->pending_bytes() > 0)
      spdlog::warn("queue-log: {}: {} bytes after the last newline not sent (incomplete line)",
                   file_, follower_->pending_bytes());
    const int status = wait_for_delivery(context) ? 0 : 1;
    bad_line_log_.flush();
    ignored_log_.flush();
    log_stats(context, context.clock.now());
    return status;
  }

 private:
  int start(Timestamp now) {
    std::optional<FilePosition> saved;
    if (!state_file_.empty()) {
      state_ = std::make_unique<FollowerStateFile>(state_file_);
      try {
        saved = state_->load();
      } catch (const std::exception& error) {
        spdlog::error("queue-log: {} (delete it to start over)", error.what());
        return 2;
      }
    }
    if (saved) {
      // A saved position wins over --from-start/--backfill: those are for a first start.
      const ResumeOutcome outcome = follower_->resume(*saved);
      const auto message = fmt::format("queue-log: {}: {} (saved offset {} of inode {})", file_,
                                       to_string(outcome), saved->offset, saved->inode);
      if (outcome == ResumeOutcome::Resumed || outcome == ResumeOutcome::ResumedInRotated)
        spdlog::info("{}; earlier lines are re-read, not sent, to rebuild calls in flight",
                     message);
      else if (outcome == ResumeOutcome::NoFileYet)
        spdlog::warn("{}; waiting for the file", message);
      else
        spdlog::warn("{}; reading from the start of the current file", message);
      last_saved_ = *saved;
    } else if (from_start_) {
      follower_->start_at_beginning();
      spdlog::info("queue-log: {}: sending the whole file, then following it", file_);
    } else if (backfill_ == "today") {
      const int day_start_minutes = core::parse_time_of_day(day_starts_at_);
      try {
        const core::SiteCalendar calendar(timezone_, day_start_minutes, 30);
        backfill_start_ = calendar.day_start(now);
      } catch (const std::exception& error) {
        spdlog::error("queue-log: --timezone {} --day-starts-at {}: {}", timezone_, day_starts_at_,
                      error.what());
        return 2;
      }
      holding_back_ = true;
      follower_->start_at_beginning();
      spdlog::info("queue-log: {}: sending the lines since {}, then following", file_,
                   core::format_timestamp(*backfill_start_));
    } else {
      follower_->start_at_end();
      spdlog::info("queue-log: {}: following new lines", file_);
      // Remember "the end as it was" at once: a stop before the first new line must not make
      // the next start skip what Asterisk writes meanwhile.
      if (state_ && follower_->position().inode != 0) {
        try {
          state_->save(follower_->position(), file_);
          last_saved_ = follower_->position();
        } catch (const std::exception& error) {
          spdlog::error("queue-log: {}", error.what());
          return 1;
        }
      }
    }
    last_stats_at_ = now;
    last_state_save_at_ = now;
    return 0;
  }

  void handle_line(const FollowedLine& line, SourceContext& context, Timestamp now) {
    const auto parsed = parser_.parse(line.text);
    if (const auto* error = std::get_if<asterisk::QueueLogParseError>(&parsed)) {
      ++parse_errors_;
      bad_line_log_.log(now, fmt::format("queue-log: {}: line ending at byte {}: {}", file_,
                                         line.end.offset, error->message));
      if (!holding_back_) checkpoints_.add(published_, line.end);
      return;
    }
    const auto* record = std::get_if<asterisk::QueueLogRecord>(&parsed);
    if (record == nullptr) {  // blank line
      if (!holding_back_) checkpoints_.add(published_, line.end);
      return;
    }
    asterisk::QueueLogMapResult result = mapper_.map(*record);
    if (result.outcome == QueueLogOutcome::Invalid && result.error) {
      bad_line_log_.log(now, fmt::format("queue-log: {}: {} line ending at byte {}: {}", file_,
                                         record->event, line.end.offset, result.error->message));
    } else if (result.outcome == QueueLogOutcome::Ignored) {
      ignored_log_.log(now, fmt::format("queue-log: ignoring '{}' lines ({} so far): not a queue "
                                        "event floorwatch uses",
                                        record->event, ignored_count(record->event)));
    }
    if (line.before_resume_point) {
      ++replayed_lines_;  // delivered before the restart: only rebuilds the mapper's state
      checkpoints_.add(published_, line.end);
      return;
    }
    if (holding_back_) {
      if (Timestamp{std::chrono::seconds{record->epoch_seconds}} < *backfill_start_) {
        for (const Event& event : result.events) hold_back_.absorb(event);
        last_held_position_ = line.end;
        return;
      }
      end_backfill(context);
    }
    for (const Event& event : result.events) context.sink.publish(event);
    published_ += result.events.size();
    checkpoints_.add(published_, line.end);
  }

  std::int64_t ignored_count(const std::string& event) const {
    const auto& ignored = mapper_.stats().ignored_by_event;
    const auto it = ignored.find(event);
    return it == ignored.end() ? 0 : it->second;
  }

  void end_backfill(SourceContext& context) {
    holding_back_ = false;
    const std::vector<Event> current = hold_back_.release();
    for (const Event& event : current) context.sink.publish(event);
    published_ += current.size();
    if (last_held_position_) checkpoints_.add(published_, *last_held_position_);
    spdlog::info(
        "queue-log: backfill: {} calls finished before {} were not sent; {} events describing "
        "the floor at that time (agents, calls still open) were",
        hold_back_.calls_finished_before_start(), core::format_timestamp(*backfill_start_),
        current.size());
  }

  // Saves the furthest acknowledged position, at most every state interval unless `force`.
  // Returns false when the state file cannot be written (stopping beats resending silently).
  bool update_state(SourceContext& context, Timestamp now, bool force) {
    const std::uint64_t delivered = context.sink.delivered_events().value_or(published_);
    if (auto durable = checkpoints_.advance(delivered)) durable_ = *durable;
    if (!state_ || !durable_ || durable_ == last_saved_) return true;
    if (!force && now - last_state_save_at_ < Duration{state_interval_ms_}) return true;
    try {
      state_->save(*durable_, file_);
    } catch (const std::exception& error) {
      spdlog::error("queue-log: {}", error.what());
      return false;
    }
    last_saved_ = durable_;
    last_state_save_at_ = now;
    return true;
  }

  // Waits until the daemons acknowledged every event so the final position can be saved;
  // gives up 5 s after a stop request. False when events stay unacknowledged.
  bool wait_for_delivery(SourceContext& context) {
    std::optional<Timestamp> stop_seen;
    while (context.sink.delivered_events().value_or(published_) < published_) {
      const Timestamp now = context.clock.now();
      if (!update_state(context, now, true)) return false;
      if (context.stop_requested.load()) {
        if (!stop_seen) stop_seen = now;
        if (now - *stop_seen >= Duration{5000}) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const bool all_delivered = context.sink.delivered_events().value_or(published_) >= published_;
    return update_state(context, context.clock.now(), true) && all_delivered;
  }

  void log_stats(SourceContext& context, Timestamp now) {
    last_stats_at_ = now;
    const auto& mapped = mapper_.stats();
    const auto& follow = follower_->stats();
    spdlog::info(
        "queue-log: {}: lines={} events_sent={} delivered={} mapped={} ignored={} duplicate={} "
        "orphan={} invalid={} parse_errors={} reconstructed_calls={} calls_cut_by_restart={} "
        "replayed_lines={} rotations={} truncations={} dropped_partial_bytes={} "
        "overlong_lines={} saved_offset={}",
        file_, follow.lines, published_, context.sink.delivered_events().value_or(published_),
        mapped.count(QueueLogOutcome::Mapped), mapped.count(QueueLogOutcome::Ignored),
        mapped.count(QueueLogOutcome::Duplicate), mapped.count(QueueLogOutcome::Orphan),
        mapped.count(QueueLogOutcome::Invalid), parse_errors_, mapped.reconstructed_calls,
        mapped.calls_cut_by_restart, replayed_lines_, follow.rotations, follow.truncations,
        follow.dropped_partial_bytes, follow.overlong_lines,
        last_saved_ ? std::to_string(last_saved_->offset) : std::string("none"));
  }

  // Options.
  std::string file_;
  std::string state_file_;
  bool from_start_ = false;
  std::string backfill_;
  std::string timezone_ = "UTC";
  std::string day_starts_at_ = "00:00";
  std::vector<std::string> member_names_;
  bool no_follow_ = false;
  int poll_interval_ms_ = 250;
  int state_interval_ms_ = 1000;
  int rotation_grace_ms_ = 1000;
  int stats_interval_s_ = 60;

  // Running state.
  std::unique_ptr<FileFollower> follower_;
  std::unique_ptr<FollowerStateFile> state_;
  asterisk::QueueLogParser parser_;
  asterisk::QueueLogMapper mapper_;
  DeliveryCheckpoints checkpoints_;
  std::uint64_t published_ = 0;
  std::optional<FilePosition> durable_;
  std::optional<FilePosition> last_saved_;
  bool holding_back_ = false;
  std::optional<Timestamp> backfill_start_;
  BackfillHoldBack hold_back_;
  std::optional<FilePosition> last_held_position_;
  std::uint64_t parse_errors_ = 0;
  std::uint64_t replayed_lines_ = 0;
  Timestamp last_stats_at_{};
  Timestamp last_state_save_at_{};
  common::RateLimitedLog<core::Timestamp> bad_line_log_{std::chrono::seconds(1), 10};
  common::RateLimitedLog<core::Timestamp> ignored_log_{std::chrono::seconds(1), 1, "like this",
                                                       spdlog::level::info};
};

}  // namespace

std::unique_ptr<Source> make_queue_log_source() {
  return std::make_unique<QueueLogSource>();
}

}  // namespace floorwatch::collectors
