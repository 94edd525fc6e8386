// sio-bench: merging and quantiles of the log-linear latency histogram (the recording
// itself is inline in histogram.hpp). A quantile is the midpoint of the bucket holding
// that rank, never above the exact maximum.
#include "histogram.hpp"

#include <algorithm>
#include <cmath>

namespace sio::bench {

void Histogram::merge(const Histogram& other) {
  for (unsigned i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
}

uint64_t Histogram::midpoint(unsigned index) {
  if (index < kSub) return index;
  unsigned shift = index / kSub - 1;
  uint64_t low = uint64_t(index % kSub + kSub) << shift;
  return low + ((uint64_t(1) << shift) >> 1);
}

uint64_t Histogram::quantile(double q) const {
  if (count_ == 0) return 0;
  auto rank = uint64_t(std::ceil(std::clamp(q, 0.0, 1.0) * double(count_)));
  if (rank == 0) rank = 1;
  uint64_t seen = 0;
  for (unsigned i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(midpoint(i), max_);
  }
  return max_;
}

}  // namespace sio::bench
