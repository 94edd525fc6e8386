// A free list of emptied vectors that keep their capacity, so that storage which is filled
// and emptied every turn (a connection's queue of frames, a broadcast after another) is
// reused instead of allocated and freed each time. Bounded: it keeps at most `maxVectors`
// vectors, none larger than `maxCapacity` elements, and trimToDemand() (once per turn) lets
// go of those not needed by the last turn. Pure: unit-tested on its own.
#pragma once
#include <cstddef>
#include <utility>
#include <vector>

namespace sio::engine {

template <class T>
class VectorPool {
 public:
  VectorPool(std::size_t maxVectors, std::size_t maxCapacity)
      : maxVectors_(maxVectors), maxCapacity_(maxCapacity) {}

  // An empty vector with room for at least `reserve` elements (a pooled one when there is).
  std::vector<T> take(std::size_t reserve) {
    std::vector<T> out;
    ++taken_;
    if (!free_.empty()) {
      out = std::move(free_.back());
      free_.pop_back();
    }
    if (out.capacity() < reserve) out.reserve(reserve);
    return out;
  }

  // Takes `used` back: its elements are destroyed now; its storage is kept while the pool
  // has room and it is not too large, freed otherwise.
  void give(std::vector<T>&& used) {
    used.clear();
    if (used.capacity() == 0 || used.capacity() > maxCapacity_ || free_.size() >= maxVectors_) {
      std::vector<T>().swap(used);
      return;
    }
    free_.push_back(std::move(used));
  }

  // Keeps no more vectors than were taken since the last call (the demand of a turn), and
  // starts counting again.
  void trimToDemand() {
    if (free_.size() > taken_)  // the oldest go: the newest are likelier to be in the cache
      free_.erase(free_.begin(),
                  free_.begin() + static_cast<std::ptrdiff_t>(free_.size() - taken_));
    taken_ = 0;
  }

  // Frees every pooled vector.
  void release() { std::vector<std::vector<T>>().swap(free_); }

  std::size_t size() const { return free_.size(); }

 private:
  std::size_t maxVectors_;
  std::size_t maxCapacity_;
  std::size_t taken_ = 0;
  std::vector<std::vector<T>> free_;
};

}  // namespace sio::engine
