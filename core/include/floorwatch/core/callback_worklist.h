#pragma once
// The call-back worklist: every caller who hung up while queued is owed a call until someone
// calls them back (a supervisor says so) or they reach an agent by themselves. Pure: the
// engine feeds it abandons and answers with their event times; no clock, no I/O.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "floorwatch/core/byte_codec.h"
#include "floorwatch/core/time.h"

namespace floorwatch::core {

struct AbandonedCall;

/// Why an open call-back left the worklist: the `reason` label of
/// floorwatch_callbacks_closed_total.
enum class CallbackCloseReason {
  CalledBack,  ///< someone called the caller back (`callback done`, the board's key or click)
  Answered,    ///< the same number later reached an agent, in any queue
  Dropped,     ///< pushed out by a newer caller when the list was full (kCallbackCapacity)
};
inline constexpr std::size_t kCallbackCloseReasonCount = 3;
/// "called_back", "answered", "dropped".
std::string_view to_string(CallbackCloseReason reason);

/// One caller to call back. Repeated abandons of the same number are one entry: `attempts`
/// counts them, the queue and call are the latest one's. Plain value type.
struct CallbackEntry {
  std::uint64_t id = 0;            ///< 1, 2, 3...: what `callback done ID` names; never reused
  std::string caller;              ///< the number to call
  std::string queue;               ///< queue of the latest abandon
  std::string call;                ///< call id of the latest abandon
  Timestamp first_abandoned_at{};  ///< the call-back is owed since then (its age)
  Timestamp last_abandoned_at{};
  Duration last_wait{};       ///< how long the latest attempt waited before hanging up
  std::int64_t attempts = 0;  ///< abandons merged into this entry (1 or more)
};

/// A call-back closed by hand, as an HA pair shares it (docs/ha.md "Shared call-back closes").
/// Named by what both daemons agree on, since they see the same events: the caller and the
/// abandons it settles (every abandon of `caller` up to `last_abandoned_at`); the numeric id
/// is each daemon's own. Plain value type.
struct CallbackClose {
  std::string caller;
  Timestamp first_abandoned_at{};  ///< the first abandon of the entry that was closed
  Timestamp last_abandoned_at{};   ///< the latest abandon it covers: the key, with `caller`
  std::string by;                  ///< who called back
  Timestamp at{};                  ///< when (the closing daemon's clock)
  /// Matched a call-back on this daemon (closed it, or an abandon it covers arrived). False:
  /// held, waiting for an abandon this daemon has not seen yet. Not shared.
  bool applied = false;
};

/// What merging one partner's close did (the `result` label of
/// floorwatch_callbacks_peer_closes_total).
enum class CallbackMergeResult {
  Applied,  ///< closed an open call-back here
  Held,     ///< new here, but matches no open call-back yet: kept for when the abandon arrives
  Earlier,  ///< replaced a later close of the same call-back (the earliest close wins)
  Known,    ///< nothing new (the partner repeats its whole set every second)
  Expired,  ///< older than kCallbackCloseRetention: ignored
};
inline constexpr std::size_t kCallbackMergeResultCount = 5;
/// "applied", "held", "earlier", "known", "expired".
std::string_view to_string(CallbackMergeResult result);

/// Close records are kept this long after the close (a call-back day and then some), for a
/// partner that is behind, restarting or cut off; then they expire.
inline constexpr Duration kCallbackCloseRetention = std::chrono::hours(36);
/// At most this many close records; beyond it the oldest close is forgotten (counted).
inline constexpr std::size_t kCallbackCloseLimit = 10'000;

/// Totals since the state was created (kept in save()/load()): the worklist's counters.
struct CallbackCounters {
  std::array<std::int64_t, kCallbackCloseReasonCount> closed{};  ///< by CallbackCloseReason
  /// Abandons with no caller number: nobody can call them back, so they are never listed.
  std::int64_t without_number = 0;
  /// Partner closes merged, by CallbackMergeResult (Known is not counted: it repeats).
  std::array<std::int64_t, kCallbackMergeResultCount> peer_closes{};
  /// Close records forgotten because kCallbackCloseLimit was reached.
  std::int64_t close_records_dropped = 0;
  /// Close records held (matching nothing here yet): a gauge, not a total.
  std::int64_t closes_held = 0;
  std::int64_t peer_closes_by(CallbackMergeResult result) const {
    return peer_closes[static_cast<std::size_t>(result)];
  }
  std::int64_t closed_by(CallbackCloseReason reason) const {
    return closed[static_cast<std::size_t>(reason)];
  }
};

/// Open call-backs of one queue, for its tile and metrics.
struct QueueCallbacks {
  std::int64_t open = 0;
  std::optional<Timestamp> oldest_since;  ///< first_abandoned_at of the oldest open one
};

/// At most this many open call-backs by default (`callbacks.max_open` in the config); a new
/// caller beyond it drops the one whose latest abandon is oldest (counted as closed, reason
/// `dropped`).
inline constexpr std::size_t kCallbackCapacity = 1000;

/// The open call-backs and their closing rules. Not thread-safe: FloorState owns it.
class CallbackWorklist {
 public:
  explicit CallbackWorklist(std::size_t capacity = kCallbackCapacity) : capacity_(capacity) {}

  /// Opens a call-back for the abandon's caller or merges it into theirs. Returns the queues
  /// whose open call-backs changed (empty for a caller without a number, which is only counted).
  std::vector<std::string> on_abandon(const AbandonedCall& abandon);
  /// The caller reached an agent at `answered_at`: closes their call-back (reason `answered`)
  /// unless they abandoned again after that instant. Returns the queue it was in, if closed.
  std::optional<std::string> on_answered(const std::string& caller, Timestamp answered_at);
  /// Someone (`by`, at `at`) called them back: closes call-back `id` (reason `called_back`)
  /// and keeps a close record to share with an HA partner. nullopt when no open call-back has
  /// that id (never opened, or already closed).
  std::optional<CallbackEntry> close(std::uint64_t id, const std::string& by = {},
                                     Timestamp at = {});
  /// A close made on the HA partner. The pair's closes are the union of both daemons'; for
  /// one call-back (caller, last abandon covered) the earliest close wins, ties by name. It
  /// closes the caller's open call-back here when it covers all its abandons; otherwise it is
  /// held until an abandon it covers arrives, or it expires. `closed_queue`: the queue of the
  /// call-back it closed, if any. `now` expires old records.
  CallbackMergeResult merge_close(const CallbackClose& close, Timestamp now,
                                  std::optional<std::string>* closed_queue = nullptr);
  /// Every close record kept (this daemon's and the partner's), by caller then last abandon.
  std::vector<CallbackClose> closes() const;
  /// Moves whenever the close records change: the peer link sends them again at once.
  std::uint64_t closes_revision() const { return closes_revision_; }
  /// New bound (a config reload). Below the open count, the stalest are dropped (counted);
  /// returns the queues that changed.
  std::vector<std::string> set_capacity(std::size_t capacity);
  /// Forgets close records older than kCallbackCloseRetention at `now`.
  void expire_closes(Timestamp now);
  std::size_t capacity() const { return capacity_; }

  /// Open call-backs, oldest (first abandon) first.
  std::vector<CallbackEntry> open() const;
  std::size_t open_count() const { return entries_.size(); }
  /// Open call-backs in `queue`.
  QueueCallbacks in_queue(const std::string& queue) const;
  const CallbackCounters& counters() const { return counters_; }
  /// Moves with every change (opened, merged, closed), so readers copy open() only then.
  std::uint64_t revision() const { return revision_; }

  /// Everything (entries, counters, next id) in `out`; load() reads it back, throwing
  /// SnapshotError on bad bytes.
  void save(ByteWriter& out) const;
  static CallbackWorklist load(ByteReader& in, std::size_t capacity = kCallbackCapacity);
  /// The close records and the peer counters: a block of their own (state version 5), after
  /// everything else FloorState saves. load_closes() throws SnapshotError on bad bytes.
  void save_closes(ByteWriter& out) const;
  void load_closes(ByteReader& in);

 private:
  std::optional<std::string> drop_stalest();
  void insert(CallbackEntry entry);
  CallbackEntry erase(std::map<std::uint64_t, CallbackEntry>::iterator it);
  using CloseKey = std::pair<std::string, Timestamp>;  // caller, last abandon covered
  /// The close record covering an abandon of `caller` at `at`, if any.
  CallbackClose* close_covering(const std::string& caller, Timestamp at);
  void remember_close(CallbackClose close);

  std::size_t capacity_;
  std::map<std::uint64_t, CallbackEntry> entries_;            // by id
  std::unordered_map<std::string, std::uint64_t> by_caller_;  // caller -> id
  // (first_abandoned_at, id) per queue: the tile's count and oldest in O(log n).
  std::map<std::string, std::set<std::pair<Timestamp, std::uint64_t>>, std::less<>> by_queue_;
  CallbackCounters counters_;
  std::uint64_t next_id_ = 1;
  std::uint64_t revision_ = 0;
  std::map<CloseKey, CallbackClose> closes_;
  std::uint64_t closes_revision_ = 0;
};

}  // namespace floorwatch::core
