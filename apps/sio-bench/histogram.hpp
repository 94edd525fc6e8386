// sio-bench: a log-linear latency histogram (HdrHistogram-like, ~1.6% resolution) with a
// fixed array of counters, so recording a value never allocates. Values are nanoseconds.
// One per worker thread; merged at the end.
#pragma once

#include <array>
#include <cstdint>

namespace sio::bench {

class Histogram {
 public:
  static constexpr unsigned kSubBits = 6;  // 64 linear buckets per power of two
  static constexpr unsigned kSub = 1u << kSubBits;
  static constexpr unsigned kBuckets = (64 - kSubBits + 1) * kSub;

  void record(uint64_t value) {
    ++counts_[index(value)];
    ++count_;
    sum_ += value;
    if (value > max_) max_ = value;
  }
  void merge(const Histogram& other);

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? double(sum_) / double(count_) : 0.0; }
  // The value at quantile q (0..1): the midpoint of its bucket, capped at the maximum.
  uint64_t quantile(double q) const;

 private:
  static unsigned index(uint64_t value) {
    if (value < kSub) return unsigned(value);
    unsigned exponent = 63u - unsigned(__builtin_clzll(value));
    unsigned shift = exponent - kSubBits;
    return (shift + 1) * kSub + unsigned(value >> shift) - kSub;
  }
  static uint64_t midpoint(unsigned index);

  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
};

}  // namespace sio::bench
