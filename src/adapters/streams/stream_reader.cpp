// Stream read loop: XREVRANGE for the starting id, then XREAD COUNT n BLOCK ms from the
// last id handed on. Errors are retried after a short pause (no hot loop); after one, the
// oldest entry is compared with our id to detect trimming.
#include "stream_reader.hpp"
#include "sio/log.hpp"

#include <charconv>

namespace sio::adapters::streams {
namespace {

constexpr auto kRetryDelay = std::chrono::milliseconds(100);
constexpr auto kLagInterval = std::chrono::seconds(5);
constexpr int kMaxEntriesBehind = 1000;

std::pair<uint64_t, uint64_t> splitId(const std::string& id) {
  uint64_t ms = 0, seq = 0;
  auto dash = id.find('-');
  std::from_chars(id.data(), id.data() + (dash == std::string::npos ? id.size() : dash), ms);
  if (dash != std::string::npos) std::from_chars(id.data() + dash + 1, id.data() + id.size(), seq);
  return {ms, seq};
}

}  // namespace

std::vector<StreamEntry> parseEntries(const redis::Reply& list) {
  std::vector<StreamEntry> entries;
  if (!list.isArray()) return entries;
  entries.reserve(list.elements.size());
  for (const auto& item : list.elements) {
    if (!item.isArray() || item.elements.size() != 2 || !item.elements[0].isText()) continue;
    StreamEntry entry{item.elements[0].str, {}};
    const auto& fields = item.elements[1];
    if (fields.isArray())
      for (const auto& field : fields.elements)
        entry.fields.push_back(field.isText() ? field.str : std::string());
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::string nextStreamId(const std::string& id) {
  auto [ms, seq] = splitId(id);
  return std::to_string(ms) + "-" + std::to_string(seq + 1);
}

int compareStreamIds(const std::string& a, const std::string& b) {
  auto left = splitId(a), right = splitId(b);
  return left < right ? -1 : (left > right ? 1 : 0);
}

StreamReader::StreamReader(std::shared_ptr<redis::Client> connection,
                           boost::asio::any_io_executor executor, std::string stream, int readCount,
                           std::chrono::milliseconds blockTime, EntryHandler onEntry)
    : connection_(std::move(connection)),
      retryTimer_(executor),
      stream_(std::move(stream)),
      readCount_(readCount),
      blockTime_(blockTime),
      onEntry_(std::move(onEntry)),
      lagTimer_(executor) {}

void StreamReader::start() {
  if (started_) return;
  started_ = true;
  measureLagSoon();
  connection_->start();
  connection_->send(stream_, redis::Command{"XREVRANGE", stream_, "+", "-", "COUNT", "1"},
                    [weak = weak_from_this()](std::error_code ec, redis::Reply reply) {
                      auto self = weak.lock();
                      if (!self || self->stopped_) return;
                      if (ec || reply.isError())
                        return self->retryAfterError();  // start() again later
                      auto entries = parseEntries(reply);
                      self->offset_ = entries.empty() ? "0-0" : entries.front().id;
                      self->readNext();
                    });
}

// Every 5 s: how many entries follow the last one read (XRANGE from the next id, at most
// 1,000 counted), on the other connection, while the reader's own blocks in XREAD.
void StreamReader::measureLagSoon() {
  if (!lagClient_ || stopped_) return;
  lagTimer_.expires_after(kLagInterval);
  lagTimer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->stopped_) return;
    if (self->offset_.empty()) return self->measureLagSoon();
    self->lagClient_->send(self->stream_,
                           redis::Command{"XRANGE", self->stream_, nextStreamId(self->offset_), "+",
                                          "COUNT", std::to_string(kMaxEntriesBehind)},
                           [weak](std::error_code error, redis::Reply reply) {
                             auto me = weak.lock();
                             if (!me || me->stopped_) return;
                             if (!error && reply.isArray())
                               me->stats_.entriesBehind = reply.elements.size();
                             me->measureLagSoon();
                           });
  });
}

void StreamReader::stop() {
  stopped_ = true;
  retryTimer_.cancel();
  lagTimer_.cancel();
  connection_->close();
  readyWaiters_.clear();
}

void StreamReader::whenReady(std::function<void()> ready) {
  if (ready_) return ready();
  readyWaiters_.push_back(std::move(ready));
}

void StreamReader::readNext() {
  if (stopped_) return;
  redis::Command read{"XREAD",
                      "COUNT",
                      std::to_string(readCount_),
                      "BLOCK",
                      std::to_string(blockTime_.count()),
                      "STREAMS",
                      stream_,
                      offset_};
  connection_->send(stream_, std::move(read),
                    [weak = weak_from_this()](std::error_code ec, redis::Reply reply) {
                      if (auto self = weak.lock()) self->onRead(ec, reply);
                    });
  if (!ready_) {
    ready_ = true;
    auto waiters = std::move(readyWaiters_);
    readyWaiters_.clear();
    for (auto& ready : waiters) ready();
  }
}

void StreamReader::onRead(std::error_code ec, const redis::Reply& reply) {
  if (stopped_) return;
  if (ec || reply.isError()) return retryAfterError();
  if (hadError_) {
    hadError_ = false;
    // Were entries after our id trimmed while we could not read? Compare with the oldest.
    connection_->send(stream_, redis::Command{"XRANGE", stream_, "-", "+", "COUNT", "1"},
                      [weak = weak_from_this()](std::error_code error, redis::Reply oldest) {
                        auto self = weak.lock();
                        if (!self || error) return;
                        auto entries = parseEntries(oldest);
                        if (!entries.empty() && self->offset_ != "0-0" &&
                            compareStreamIds(entries.front().id, self->offset_) > 0) {
                          ++self->stats_.trimGaps;
                          log::warn("adapter: stream " + self->stream_ + " was trimmed past " +
                                    self->offset_ + " while it could not be read: entries up to " +
                                    entries.front().id + " are lost to this node");
                        }
                      });
  }
  // How far behind the stream's writers the loop runs: the age of the last entry read
  // (its id holds the time it was added), 0 when a read came back empty (caught up).
  stats_.lagMs = 0;
  if (reply.isArray()) {
    for (const auto& stream : reply.elements) {
      if (!stream.isArray() || stream.elements.size() != 2) continue;
      for (const auto& entry : parseEntries(stream.elements[1])) {
        ++stats_.entries;
        offset_ = entry.id;  // advance first: a bad entry is skipped, never re-read
        onEntry_(entry);
        if (stopped_) return;
      }
    }
    if (!offset_.empty()) {
      auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
      auto added = static_cast<int64_t>(splitId(offset_).first);
      stats_.lagMs = now > added ? uint64_t(now - added) : 0;
    }
  }
  readNext();
}

void StreamReader::retryAfterError() {
  ++stats_.errors;
  hadError_ = true;
  retryTimer_.expires_after(kRetryDelay);
  retryTimer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->stopped_) return;
    if (self->offset_.empty()) {
      self->started_ = false;
      return self->start();
    }
    self->readNext();
  });
}

}  // namespace sio::adapters::streams
