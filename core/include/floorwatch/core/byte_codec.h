#pragma once
// Minimal binary writer/reader for state snapshots: fixed-width little-endian integers and
// length-prefixed strings. Pure (no I/O); the reader throws SnapshotError on truncation.
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

#include "floorwatch/core/time.h"

namespace floorwatch::core {

/// A snapshot that cannot be decoded (truncated, corrupted, other version).
class SnapshotError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ByteWriter {
 public:
  void u64(std::uint64_t value) {
    char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((value >> (8 * i)) & 0xff);
    out_.append(bytes, 8);
  }
  void i64(std::int64_t value) { u64(static_cast<std::uint64_t>(value)); }
  void f64(double value) {
    std::uint64_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    u64(bits);
  }
  void boolean(bool value) { out_.push_back(value ? 1 : 0); }
  void time(Timestamp t) { i64(to_epoch_ms(t)); }
  void duration(Duration d) { i64(d.count()); }
  void string(std::string_view text) {
    u64(text.size());
    out_.append(text.data(), text.size());
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  std::uint64_t u64() {
    need(8);
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) {
      value |= static_cast<std::uint64_t>(static_cast<unsigned char>(in_[pos_ + i])) << (8 * i);
    }
    pos_ += 8;
    return value;
  }
  std::int64_t i64() { return static_cast<std::int64_t>(u64()); }
  double f64() {
    const std::uint64_t bits = u64();
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }
  bool boolean() {
    need(1);
    return in_[pos_++] != 0;
  }
  Timestamp time() { return from_epoch_ms(i64()); }
  Duration duration() { return Duration{i64()}; }
  std::string string() {
    const std::uint64_t size = u64();
    need(size);
    std::string text(in_.substr(pos_, size));
    pos_ += size;
    return text;
  }
  /// A count of items that follow; bounded by the bytes left so corruption cannot allocate GBs.
  std::size_t count(std::size_t min_item_bytes = 1) {
    const std::uint64_t n = u64();
    if (n > (in_.size() - pos_) / (min_item_bytes ? min_item_bytes : 1)) {
      throw SnapshotError("snapshot corrupted: count " + std::to_string(n) + " at byte " +
                          std::to_string(pos_) + " exceeds the data left");
    }
    return static_cast<std::size_t>(n);
  }
  bool at_end() const { return pos_ == in_.size(); }
  std::size_t position() const { return pos_; }

 private:
  void need(std::uint64_t bytes) const {
    if (bytes > in_.size() - pos_) {
      throw SnapshotError("snapshot truncated at byte " + std::to_string(pos_));
    }
  }
  std::string_view in_;
  std::size_t pos_ = 0;
};

/// FNV-1a 64-bit: detects a corrupted snapshot or journal record (not an adversary).
inline std::uint64_t fnv1a64(std::string_view data) {
  std::uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : data) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace floorwatch::core
