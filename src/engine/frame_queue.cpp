// The queue of a WebSocket connection's unsent frames (see the header).
#include "frame_queue.hpp"

#include <utility>

#include "vector_pool.hpp"

namespace sio::engine {
namespace {

// Per thread: every connection of an io_context runs on its thread. Enough arrays for the
// queues of a large broadcast's recipients (a few hundred bytes each); a queue that grew
// past 64 segments (a client that fell behind) is freed, not kept.
constexpr std::size_t kMaxPooledArrays = 16384;
constexpr std::size_t kMaxPooledSegments = 64;

// Set once this thread's pool is destroyed (at thread exit): a queue cleared after that
// frees its array itself.
thread_local bool poolGone = false;

template <class Segment>
struct SegmentPool {
  VectorPool<Segment> pool{kMaxPooledArrays, kMaxPooledSegments};
  ~SegmentPool() { poolGone = true; }
};

// This thread's pool of FrameQueue's segment arrays; null once the thread is exiting.
template <class Segment>
VectorPool<Segment>* segmentPool() {
  if (poolGone) return nullptr;
  thread_local SegmentPool<Segment> pool;
  return &pool.pool;
}
}  // namespace

void FrameQueue::ensureStorage() {
  if (segments_.capacity() != 0) return;
  // a turn usually queues a few broadcasts: one array for them, reused turn after turn
  if (auto* pool = segmentPool<Segment>())
    segments_ = pool->take(kInitialSegments);
  else
    segments_.reserve(kInitialSegments);
}

void FrameQueue::appendShared(SharedBytes frame) {
  if (!frame || frame->empty()) return;
  bytes_ += frame->size();
  ensureStorage();
  segments_.push_back(Segment{std::move(frame), false});
}

std::string& FrameQueue::ownedTail() {
  // An owned segment at the end takes more bytes, even one partly written: a write never
  // keeps pointers into the queue past its own system call.
  if (segments_.size() > head_ && segments_.back().owned) {
    // made below as a mutable string: only the const view is shared with gather()
    return const_cast<std::string&>(*segments_.back().bytes);
  }
  ensureStorage();
  auto owned = std::make_shared<std::string>();
  std::string& tail = *owned;
  segments_.push_back(Segment{std::move(owned), true});
  return tail;
}

std::size_t FrameQueue::gather(iovec* out, std::size_t max) const {
  std::size_t count = 0;
  for (std::size_t i = head_; i < segments_.size() && count < max; ++i) {
    std::string_view bytes = segments_[i].view();
    if (i == head_) bytes.remove_prefix(headOffset_);
    if (bytes.empty()) continue;
    out[count].iov_base = const_cast<char*>(bytes.data());
    out[count].iov_len = bytes.size();
    ++count;
  }
  return count;
}

void FrameQueue::consume(std::size_t written) {
  if (written > bytes_) written = bytes_;
  bytes_ -= written;
  while (written > 0 && head_ < segments_.size()) {
    std::size_t left = segments_[head_].view().size() - headOffset_;
    if (written < left) {
      headOffset_ += written;
      return;
    }
    written -= left;
    segments_[head_].bytes.reset();  // the reference goes now, not when the queue empties
    ++head_;
    headOffset_ = 0;
  }
  if (bytes_ == 0) {
    clear();  // an idle connection keeps no queue memory
  } else if (head_ > 64 && head_ * 2 > segments_.size()) {
    // a connection that is always behind: written segments do not pile up in front
    segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

void FrameQueue::clear() {
  if (auto* pool = segmentPool<Segment>())
    pool->give(std::move(segments_));  // leaves segments_ empty, without storage
  std::vector<Segment>().swap(segments_);
  head_ = 0;
  headOffset_ = 0;
  bytes_ = 0;
}

void FrameQueue::trimPooledStorage() {
  if (auto* pool = segmentPool<Segment>()) pool->trimToDemand();
}

std::size_t FrameQueue::pooledStorage() {
  auto* pool = segmentPool<Segment>();
  return pool ? pool->size() : 0;
}

}  // namespace sio::engine
