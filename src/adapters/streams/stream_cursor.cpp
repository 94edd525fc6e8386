// The read loop's decisions (see stream_cursor.hpp). A failed start is retried from the
// start (the stream's last id is still unknown); a failed read is retried from the last id
// handed on.
#include "stream_cursor.hpp"

#include "stream_id.hpp"

namespace sio::adapters::streams {

StreamCursor::Actions StreamCursor::start() {
  Actions actions;
  if (started_ || stopped_) return actions;
  started_ = true;
  actions.findStart = true;
  return actions;
}

StreamCursor::Actions StreamCursor::onStart(const std::vector<StreamEntry>& last) {
  if (stopped_) return {};
  offset_ = last.empty() ? "0-0" : last.front().id;
  return readNext();
}

StreamCursor::Actions StreamCursor::onFailure() {
  Actions actions;
  if (stopped_) return actions;
  ++stats_.errors;
  hadError_ = true;
  actions.retryLater = true;
  return actions;
}

StreamCursor::Actions StreamCursor::onRetry() {
  if (stopped_) return {};
  if (offset_.empty()) {
    started_ = false;
    return start();
  }
  return readNext();
}

StreamCursor::Actions StreamCursor::readNext() {
  Actions actions;
  if (!stopped_) actions.read = true;
  return actions;
}

bool StreamCursor::onReadAnswer() {
  // how far behind the writers the loop runs is measured again by this read
  stats_.lagMs = 0;
  if (!hadError_) return false;
  hadError_ = false;
  return true;
}

void StreamCursor::handOn(const std::string& id) {
  ++stats_.entries;
  offset_ = id;
}

StreamCursor::Actions StreamCursor::onReadDone(bool entries, int64_t nowMs) {
  // the age of the last entry read (its id holds the time it was added)
  if (entries && !offset_.empty()) {
    auto added = static_cast<int64_t>(streamIdMs(offset_));
    stats_.lagMs = nowMs > added ? uint64_t(nowMs - added) : 0;
  }
  return readNext();
}

std::optional<StreamCursor::Gap> StreamCursor::onOldest(const std::vector<StreamEntry>& oldest) {
  if (oldest.empty() || offset_ == "0-0" || compareStreamIds(oldest.front().id, offset_) <= 0)
    return std::nullopt;
  ++stats_.trimGaps;
  return Gap{offset_, oldest.front().id};
}

std::optional<std::string> StreamCursor::behindFrom() const {
  if (offset_.empty()) return std::nullopt;
  return nextStreamId(offset_);
}

}  // namespace sio::adapters::streams
