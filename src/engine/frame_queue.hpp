// The bytes a WebSocket connection still has to write, in order: frames shared with other
// connections (a broadcast's frame, held by reference and never copied) and bytes of its
// own (control frames, frames built for this connection alone). It hands them out as an
// iovec array for one scatter-gather write and takes back how many bytes the kernel
// accepted (a partial write may end inside a segment). Its segment array comes from and
// goes back to a per-thread pool (VectorPool): a connection that empties its queue every
// turn neither allocates nor frees it each time, and holds nothing while idle. Pure:
// unit-tested without sockets.
#pragma once
#include <sys/uio.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sio/engine/packet.hpp"

namespace sio::engine {

class FrameQueue {
 public:
  // Queues a whole frame shared with others (by reference).
  void appendShared(SharedBytes frame);
  // Queues bytes of this connection alone: `build(std::string&)` appends them to an owned
  // segment at the end of the queue.
  template <class Build>
  void appendOwned(Build&& build) {
    std::string& tail = ownedTail();
    std::size_t before = tail.size();
    build(tail);
    bytes_ += tail.size() - before;
  }

  bool empty() const { return bytes_ == 0; }
  // Unsent bytes, shared frames counted by their size.
  std::size_t size() const { return bytes_; }

  // Fills at most `max` iovecs with the unsent bytes from the front; returns how many.
  std::size_t gather(iovec* out, std::size_t max) const;
  // The first `written` unsent bytes reached the kernel.
  void consume(std::size_t written);
  // Drops everything (a hard teardown); the queue's memory goes back to the pool.
  void clear();

  // Frees the segment arrays this thread's pool keeps beyond what queues took from it since
  // the last call (called once per turn: the pool follows the demand of the last turn).
  static void trimPooledStorage();
  // How many segment arrays this thread's pool keeps (for tests).
  static std::size_t pooledStorage();

 private:
  // A whole frame shared with others, or bytes of this connection alone (`owned`: more may
  // be appended while it is the last segment; made here as a mutable string).
  struct Segment {
    SharedBytes bytes;
    bool owned = false;
    std::string_view view() const { return *bytes; }
  };

  std::string& ownedTail();
  void ensureStorage();

  static constexpr std::size_t kInitialSegments = 4;

  std::vector<Segment> segments_;
  std::size_t head_ = 0;        // the first segment not fully written
  std::size_t headOffset_ = 0;  // bytes of it already written
  std::size_t bytes_ = 0;
};

}  // namespace sio::engine
