// Exactly-once, in-order XADDs for one adapter (see stream_publisher.hpp). Answers are
// settled from the front of the in-flight list so `done` callbacks keep publish order.
#include "stream_publisher.hpp"
#include "sio/log.hpp"

#include "stream_reader.hpp"

namespace sio::adapters::streams {
namespace {

constexpr auto kReadBackRetry = std::chrono::milliseconds(200);

bool unsure(std::error_code ec) {
  return ec == redis::Errc::ConnectionLost || ec == redis::Errc::NotSent;
}

const std::string* uidOf(const StreamEntry& entry) {
  for (size_t i = 0; i + 1 < entry.fields.size(); i += 2)
    if (entry.fields[i] == "uid") return &entry.fields[i + 1];
  return nullptr;
}

}  // namespace

StreamPublisher::StreamPublisher(std::shared_ptr<redis::Client> client,
                                 boost::asio::any_io_executor executor, std::string stream,
                                 std::string uid, int64_t maxLen)
    : client_(std::move(client)),
      retryTimer_(executor),
      stream_(std::move(stream)),
      uid_(std::move(uid)),
      maxLen_(maxLen) {}

void StreamPublisher::publish(std::vector<std::string> fields, Done done) {
  auto item = std::make_shared<Item>(Item{std::move(fields), std::move(done)});
  if (reconciling_) return held_.push_back(std::move(item));
  write(std::move(item));
}

void StreamPublisher::write(std::shared_ptr<Item> item) {
  item->answered = false;
  item->failure = {};
  inFlight_.push_back(item);
  redis::Command xadd{"XADD", stream_, "MAXLEN", "~"};
  xadd.push(maxLen_).push("*");
  for (const auto& field : item->fields) xadd.push(field);
  client_->sendUnlessDisconnected(
      stream_, std::move(xadd),
      [weak = weak_from_this(), item](std::error_code ec, redis::Reply reply) {
        if (auto self = weak.lock()) self->onAnswer(item, ec, std::move(reply));
      });
}

void StreamPublisher::onAnswer(const std::shared_ptr<Item>& item, std::error_code ec,
                               redis::Reply reply) {
  item->answered = true;
  if (unsure(ec)) {
    item->failure = ec;
    reconciling_ = true;
  } else if (ec) {
    item->failure = ec;
  } else if (!reply.isText()) {
    item->failure = make_error_code(redis::Errc::ServerError);
  } else {
    item->fields.clear();
    item->fields.push_back(reply.str);  // keeps the id until it is settled
  }
  settle();
}

// Completes answered items from the front, in order; once only unsure ones are left while
// reconciling, reads the stream back.
void StreamPublisher::settle() {
  while (!inFlight_.empty() && inFlight_.front()->answered && !unsure(inFlight_.front()->failure)) {
    auto item = std::move(inFlight_.front());
    inFlight_.pop_front();
    if (item->failure) {
      ++stats_.failed;
      item->done(item->failure, "");
    } else {
      ++stats_.written;
      lastAckedId_ = item->fields.front();
      item->done({}, lastAckedId_);
    }
  }
  if (!reconciling_) return;
  for (const auto& item : inFlight_)
    if (!item->answered) return;  // the other answers are still coming (all will fail)
  log::warn("adapter: stream " + stream_ + ": the link broke with " +
            std::to_string(inFlight_.size()) +
            " XADD(s) unanswered; reading the stream back to write each exactly once");
  reconcile();  // retried until the stream can be read
}

void StreamPublisher::reconcile() {
  ++stats_.reconciliations;
  std::string from = lastAckedId_.empty() ? "-" : nextStreamId(lastAckedId_);
  client_->send(stream_, redis::Command{"XRANGE", stream_, from, "+"},
                [weak = weak_from_this()](std::error_code ec, redis::Reply reply) {
                  if (auto self = weak.lock()) self->onReadBack(ec, reply);
                });
}

void StreamPublisher::onReadBack(std::error_code ec, const redis::Reply& reply) {
  if (ec || reply.isError()) {
    if (ec == redis::Errc::Closed) return;
    retryTimer_.expires_after(kReadBackRetry);
    retryTimer_.async_wait([weak = weak_from_this()](const boost::system::error_code& error) {
      if (auto self = weak.lock(); self && !error) self->reconcile();
    });
    return;
  }
  // Entries of ours after the last acknowledged one: the first in-flight items, which ran.
  for (const auto& entry : parseEntries(reply)) {
    const std::string* uid = uidOf(entry);
    if (!uid || *uid != uid_ || inFlight_.empty()) continue;
    auto item = std::move(inFlight_.front());
    inFlight_.pop_front();
    ++stats_.foundAfterFailure;
    lastAckedId_ = entry.id;
    item->done({}, entry.id);
  }
  reconciling_ = false;
  log::warn("adapter: stream " + stream_ + ": " + std::to_string(inFlight_.size()) +
            " unanswered XADD(s) did not run and are written again");
  auto again = std::move(inFlight_);
  inFlight_.clear();
  for (auto& item : again) {
    ++stats_.rewritten;
    write(std::move(item));
  }
  auto held = std::move(held_);
  held_.clear();
  for (auto& item : held) write(std::move(item));
}

}  // namespace sio::adapters::streams
