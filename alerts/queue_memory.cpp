#include "alerts/queue_memory.h"

namespace floorwatch::alerts {

void QueueMemory::clear() {
  numbers_.clear();
  names_.clear();
  pairs_.clear();
  deadlines_.clear();
}

std::uint32_t QueueMemory::subject(const std::string& name) {
  const auto [it, inserted] = numbers_.try_emplace(name, static_cast<std::uint32_t>(names_.size()));
  if (inserted) {
    names_.push_back(name);
    pairs_.resize(pairs_.size() + rule_count_);
  }
  return it->second;
}

const QueueMemory::Pair* QueueMemory::find(const std::string& name, std::size_t rule) const {
  const auto it = numbers_.find(name);
  return it == numbers_.end() ? nullptr : &pairs_[it->second * rule_count_ + rule];
}

void QueueMemory::schedule(std::size_t pair_index, std::optional<core::Timestamp> at) {
  Pair& pair = pairs_[pair_index];
  if (pair.deadline == at) return;
  if (pair.deadline) deadlines_.erase({*pair.deadline, pair_index});
  pair.deadline = at;
  if (at) deadlines_.emplace(*at, pair_index);
}

std::vector<std::vector<std::uint32_t>> QueueMemory::take_due(core::Timestamp now) {
  std::vector<std::vector<std::uint32_t>> due(rule_count_);
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    const std::size_t pair_index = deadlines_.begin()->second;
    deadlines_.erase(deadlines_.begin());
    pairs_[pair_index].deadline.reset();
    due[pair_index % rule_count_].push_back(static_cast<std::uint32_t>(pair_index / rule_count_));
  }
  return due;
}

std::optional<core::Timestamp> QueueMemory::earliest() const {
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.begin()->first;
}

}  // namespace floorwatch::alerts
