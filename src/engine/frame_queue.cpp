// The queue of a WebSocket connection's unsent frames (see the header).
#include "frame_queue.hpp"

#include <utility>

namespace sio::engine {

void FrameQueue::appendShared(SharedBytes frame) {
  if (!frame || frame->empty()) return;
  bytes_ += frame->size();
  // a turn usually queues a few broadcasts: one allocation for them, not three regrowths
  if (segments_.capacity() == 0) segments_.reserve(kInitialSegments);
  segments_.push_back(Segment{std::move(frame), {}});
}

std::string& FrameQueue::ownedTail() {
  // An owned segment at the end takes more bytes, even one partly written: a write never
  // keeps pointers into the queue past its own system call.
  if (segments_.size() == head_ || segments_.back().shared) segments_.push_back(Segment{});
  return segments_.back().owned;
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
    segments_[head_] = Segment{};  // the reference goes now, not when the queue empties
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
  std::vector<Segment>().swap(segments_);
  head_ = 0;
  headOffset_ = 0;
  bytes_ = 0;
}

}  // namespace sio::engine
