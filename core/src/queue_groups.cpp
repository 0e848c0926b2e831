#include "floorwatch/core/queue_groups.h"

namespace floorwatch::core {

void QueueGroups::configure(const std::map<std::string, QueueGroupConfig>& groups,
                            const SiteCalendar* calendar) {
  std::map<std::string, Group> next;
  for (const auto& [name, config] : groups) {
    Group group;
    auto kept = groups_.find(name);
    if (kept != groups_.end()) {
      group = std::move(kept->second);
      group.windows->set_calendar(calendar);
    } else {
      group.name = name;
      group.windows = std::make_unique<QueueWindows>(calendar);
    }
    group.config = config;
    next.emplace(name, std::move(group));
  }
  groups_ = std::move(next);
  calendar_ = calendar;
  by_queue_.clear();
  for (auto& [name, group] : groups_)
    for (const std::string& queue : group.config.queues) by_queue_.emplace(queue, &group);
}

bool QueueGroups::record(const std::string& queue, Timestamp at, const Classify& classify) {
  const auto [first, last] = by_queue_.equal_range(queue);
  for (auto it = first; it != last; ++it) {
    Group& group = *it->second;
    const OutcomeCounters delta = classify(group.config.settings);
    group.windows->add(at, delta);
    group.lifetime += delta;
  }
  return first != last;
}

void QueueGroups::advance(Timestamp now) {
  for (auto& [name, group] : groups_) group.windows->advance(now);
}

void QueueGroups::prune(Timestamp keep_after) {
  for (auto& [name, group] : groups_) group.windows->prune(keep_after);
}

void QueueGroups::save(ByteWriter& out) const {
  out.u64(groups_.size());
  for (const auto& [name, group] : groups_) {
    out.string(name);
    group.windows->save(out);
    core::save(out, group.lifetime);
  }
}

std::vector<QueueGroups::Saved> QueueGroups::read(ByteReader& in) const {
  std::vector<Saved> saved(in.count(16));
  for (Saved& group : saved) {
    group.name = in.string();
    group.windows = std::make_unique<QueueWindows>(calendar_);
    group.windows->load(in);
    group.lifetime = load_outcome_counters(in);
  }
  return saved;
}

void QueueGroups::restore(std::vector<Saved> saved) {
  for (auto& [name, group] : groups_) {
    group.windows = std::make_unique<QueueWindows>(calendar_);
    group.lifetime = {};
  }
  for (Saved& entry : saved) {
    auto group = groups_.find(entry.name);
    if (group == groups_.end()) continue;  // removed from the config since the save
    group->second.windows = std::move(entry.windows);
    group->second.lifetime = entry.lifetime;
  }
}

}  // namespace floorwatch::core
