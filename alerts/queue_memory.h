#pragma once
// What the alert engine keeps of each (rule, queue) pair between evaluations. A large floor
// changes a few queues per batch; remembering each pair's figures and its next deadline lets
// the engine look again at an unchanged queue only when time alone can change its outcome.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "alerts/alert_state.h"
#include "alerts/rule_condition.h"
#include "floorwatch/core/time.h"

namespace floorwatch::alerts {

/// Queues are numbered ("subjects") the first time they are seen; pairs are stored densely by
/// subject * rule_count + rule.
class QueueMemory {
 public:
  struct Pair {
    std::vector<TermValue> values;                 // from the queue's last changed snapshot
    std::optional<core::Timestamp> last_event_at;  // of that snapshot: when an episode began
    std::optional<core::Timestamp> deadline;       // next change with time alone, if any
    AlertId alert = 0;                             // its pending/firing/acknowledged alert, if any
    bool known = false;                            // evaluated since the last complete snapshot
  };

  explicit QueueMemory(std::size_t rules) : rule_count_(rules) {}

  /// Forgets every queue (a complete snapshot, or a restored state, starts over).
  void clear();
  /// The subject number of a queue, numbering it if new.
  std::uint32_t subject(const std::string& name);
  const std::string& name(std::uint32_t subject) const { return names_[subject]; }
  std::size_t subject_count() const { return names_.size(); }

  std::size_t index(std::uint32_t subject, std::size_t rule) const {
    return subject * rule_count_ + rule;
  }
  Pair& pair(std::size_t pair_index) { return pairs_[pair_index]; }
  const Pair& pair(std::size_t pair_index) const { return pairs_[pair_index]; }
  /// nullptr for a queue never seen.
  const Pair* find(const std::string& name, std::size_t rule) const;

  /// Sets (or, with nullopt, clears) when a pair must be looked at again.
  void schedule(std::size_t pair_index, std::optional<core::Timestamp> at);
  /// Pairs whose deadline is at or before `now`, unscheduled, by rule: subject numbers.
  std::vector<std::vector<std::uint32_t>> take_due(core::Timestamp now);
  std::optional<core::Timestamp> earliest() const;

 private:
  std::size_t rule_count_;
  std::unordered_map<std::string, std::uint32_t> numbers_;       // queue name -> subject number
  std::vector<std::string> names_;                               // by subject number
  std::vector<Pair> pairs_;                                      // subject * rule_count + rule
  std::set<std::pair<core::Timestamp, std::size_t>> deadlines_;  // (when, pair index)
};

}  // namespace floorwatch::alerts
