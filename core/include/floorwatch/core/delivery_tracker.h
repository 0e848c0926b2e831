#pragma once
// Exactly-once application of events from many collectors: each collector stream
// (source, session) numbers its events 1, 2, 3...; the daemon applies seq == applied + 1,
// drops seq <= applied as a resend, and holds back anything after a gap so that order is kept
// (the collector resends from the acknowledged point: go-back-N).
#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace floorwatch::core {

/// Not thread-safe; owned by the daemon loop.
class DeliveryTracker {
 public:
  enum class Verdict { Apply, Duplicate, Gap };
  Verdict check(const std::string& source, std::uint64_t session, std::uint64_t seq) const;
  void mark_applied(const std::string& source, std::uint64_t session, std::uint64_t seq);
  /// Highest seq applied for the stream; 0 when none.
  std::uint64_t applied(const std::string& source, std::uint64_t session) const;
  /// Restores a stream position (persistence).
  void restore(const std::string& source, std::uint64_t session, std::uint64_t applied_seq);

 private:
  std::map<std::pair<std::string, std::uint64_t>, std::uint64_t> applied_;
};

}  // namespace floorwatch::core
