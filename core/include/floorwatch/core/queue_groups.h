#pragma once
// Queue groups (config `groups:`): several queues reported as one, with the group's own answer
// target and formula. Each member outcome is classified again with the group's settings and
// counted in the group's own windows, so a group's service level is exact even when its
// members' targets differ, and never an average of percentages (docs/metrics.md, "Queue
// groups").
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "floorwatch/core/byte_codec.h"
#include "floorwatch/core/outcome_counters.h"
#include "floorwatch/core/queue_settings.h"
#include "floorwatch/core/windows.h"

namespace floorwatch::core {

/// One configured group. Plain value type.
struct QueueGroupConfig {
  std::vector<std::string> queues;  ///< member queues
  QueueSettings settings;           ///< the group's own target, formula and short abandon
};

/// Counters of every group, fed with its members' outcomes. Not thread-safe: FloorState owns
/// it on the daemon loop.
class QueueGroups {
 public:
  /// Classifies one outcome with a group's settings (classify_answer(wait, settings)...).
  using Classify = std::function<OutcomeCounters(const QueueSettings&)>;

  /// New groups (start, SIGHUP): a group whose name stays keeps its counters (new settings and
  /// members apply from now on); a new one starts empty; a removed one is dropped.
  void configure(const std::map<std::string, QueueGroupConfig>& groups,
                 const SiteCalendar* calendar);
  /// Counts an outcome of `queue` in every group it belongs to; false when it belongs to none.
  bool record(const std::string& queue, Timestamp at, const Classify& classify);
  void advance(Timestamp now);
  void prune(Timestamp keep_after);

  struct Group {
    std::string name;
    QueueGroupConfig config;
    std::unique_ptr<QueueWindows> windows;
    OutcomeCounters lifetime;
  };
  /// By name.
  const std::map<std::string, Group>& groups() const { return groups_; }

  /// Counters by group name (saved apart from the queues, so old snapshots load without it).
  void save(ByteWriter& out) const;
  /// Counters read back from save()'s bytes, not yet in force: FloorState::load() restores
  /// them only once the whole snapshot has been read (never half-loaded).
  struct Saved {
    std::string name;
    std::unique_ptr<QueueWindows> windows;
    OutcomeCounters lifetime;
  };
  std::vector<Saved> read(ByteReader& in) const;
  /// Replaces every group's counters with the saved ones (empty for a group not saved);
  /// counters of groups no longer configured are dropped.
  void restore(std::vector<Saved> saved);

 private:
  std::map<std::string, Group> groups_;
  std::multimap<std::string, Group*> by_queue_;  // member queue -> its groups
  const SiteCalendar* calendar_ = nullptr;
};

}  // namespace floorwatch::core
