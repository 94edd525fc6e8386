// Stream read loop: XREVRANGE for the starting id, then XREAD COUNT n BLOCK ms from the
// last id handed on. Errors are retried after a short pause (no hot loop); after one, the
// oldest entry is compared with our id to detect trimming. What to send, and from which
// id, is StreamCursor's decision.
#include "stream_reader.hpp"
#include "sio/log.hpp"

namespace sio::adapters::streams {
namespace {

constexpr auto kRetryDelay = std::chrono::milliseconds(100);
constexpr auto kLagInterval = std::chrono::seconds(5);
constexpr int kMaxEntriesBehind = 1000;

}  // namespace

std::vector<StreamEntry> parseEntries(redis::Reply&& list) {
  std::vector<StreamEntry> entries;
  if (!list.isArray()) return entries;
  entries.reserve(list.elements.size());
  for (auto& item : list.elements) {
    if (!item.isArray() || item.elements.size() != 2 || !item.elements[0].isText()) continue;
    auto& entry = entries.emplace_back(StreamEntry{std::move(item.elements[0].str), {}});
    auto& fields = item.elements[1];
    if (!fields.isArray()) continue;
    entry.fields.reserve(fields.elements.size());
    for (auto& field : fields.elements)
      entry.fields.push_back(field.isText() ? std::move(field.str) : std::string());
  }
  return entries;
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

StreamReader::Stats StreamReader::stats() const {
  const auto& cursor = cursor_.stats();
  Stats stats;
  stats.entries = cursor.entries;
  stats.errors = cursor.errors;
  stats.trimGaps = cursor.trimGaps;
  stats.lagMs = cursor.lagMs;
  stats.entriesBehind = entriesBehind_;
  return stats;
}

void StreamReader::start() {
  run(cursor_.start());
}

// Carries out the cursor's answer.
void StreamReader::run(StreamCursor::Actions actions) {
  if (actions.findStart) findStart();
  if (actions.read) readNext();
  if (actions.retryLater) retryLater();
}

void StreamReader::findStart() {
  measureLagSoon();
  connection_->start();
  connection_->send(stream_, redis::Command{"XREVRANGE", stream_, "+", "-", "COUNT", "1"},
                    [weak = weak_from_this()](std::error_code ec, redis::Reply reply) {
                      auto self = weak.lock();
                      if (!self || self->cursor_.stopped()) return;
                      if (ec || reply.isError())
                        return self->run(self->cursor_.onFailure());  // start again later
                      self->run(self->cursor_.onStart(parseEntries(std::move(reply))));
                    });
}

// Every 5 s: how many entries follow the last one read (XRANGE from the next id, at most
// 1,000 counted), on the other connection, while the reader's own blocks in XREAD.
void StreamReader::measureLagSoon() {
  if (!lagClient_ || cursor_.stopped()) return;
  lagTimer_.expires_after(kLagInterval);
  lagTimer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->cursor_.stopped()) return;
    auto from = self->cursor_.behindFrom();
    if (!from) return self->measureLagSoon();
    self->lagClient_->send(self->stream_,
                           redis::Command{"XRANGE", self->stream_, *from, "+", "COUNT",
                                          std::to_string(kMaxEntriesBehind)},
                           [weak](std::error_code error, redis::Reply reply) {
                             auto me = weak.lock();
                             if (!me || me->cursor_.stopped()) return;
                             if (!error && reply.isArray())
                               me->entriesBehind_ = reply.elements.size();
                             me->measureLagSoon();
                           });
  });
}

void StreamReader::stop() {
  cursor_.stop();
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
  if (cursor_.stopped()) return;
  redis::Command read{
      "XREAD",   "COUNT", std::to_string(readCount_), "BLOCK", std::to_string(blockTime_.count()),
      "STREAMS", stream_, cursor_.readFrom()};
  connection_->send(stream_, std::move(read),
                    [weak = weak_from_this()](std::error_code ec, redis::Reply reply) {
                      if (auto self = weak.lock()) self->onRead(ec, std::move(reply));
                    });
  if (!ready_) {
    ready_ = true;
    auto waiters = std::move(readyWaiters_);
    readyWaiters_.clear();
    for (auto& ready : waiters) ready();
  }
}

void StreamReader::onRead(std::error_code ec, redis::Reply&& reply) {
  if (cursor_.stopped()) return;
  if (ec || reply.isError()) return run(cursor_.onFailure());
  if (cursor_.onReadAnswer()) checkTrim();
  if (reply.isArray()) {
    for (auto& stream : reply.elements) {
      if (!stream.isArray() || stream.elements.size() != 2) continue;
      for (auto& entry : parseEntries(std::move(stream.elements[1]))) {
        cursor_.handOn(entry.id);  // advance first: a bad entry is skipped, never re-read
        onEntry_(std::move(entry));
        if (cursor_.stopped()) return;
      }
    }
  }
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  run(cursor_.onReadDone(reply.isArray(), now));
}

// Were entries after our id trimmed while we could not read? Compare with the oldest.
void StreamReader::checkTrim() {
  connection_->send(stream_, redis::Command{"XRANGE", stream_, "-", "+", "COUNT", "1"},
                    [weak = weak_from_this()](std::error_code error, redis::Reply oldest) {
                      auto self = weak.lock();
                      if (!self || error) return;
                      auto gap = self->cursor_.onOldest(parseEntries(std::move(oldest)));
                      if (!gap) return;
                      log::warn("adapter: stream " + self->stream_ + " was trimmed past " +
                                gap->after + " while it could not be read: entries up to " +
                                gap->upTo + " are lost to this node");
                    });
}

void StreamReader::retryLater() {
  retryTimer_.expires_after(kRetryDelay);
  retryTimer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->cursor_.stopped()) return;
    self->run(self->cursor_.onRetry());
  });
}

}  // namespace sio::adapters::streams
