// Exactly-once, in-order XADD bookkeeping (see publish_ledger.hpp). Answers are settled
// from the front of the in-flight list, so `done` callbacks keep publish order.
#include "publish_ledger.hpp"

#include "sio/log.hpp"
#include "sio/redis/errors.hpp"

namespace sio::adapters::streams {
namespace {

bool unsure(std::error_code ec) {
  return ec == redis::Errc::ConnectionLost || ec == redis::Errc::NotSent;
}

}  // namespace

PublishLedger::PublishLedger(std::string stream, std::string uid)
    : stream_(std::move(stream)), uid_(std::move(uid)) {}

PublishLedger::Actions PublishLedger::publish(std::vector<std::string> fields, Done done) {
  Actions actions;
  auto item = std::make_shared<Item>();
  item->fields = std::move(fields);
  item->done = std::move(done);
  if (reconciling_) {
    held_.push_back(std::move(item));
  } else {
    enqueue(std::move(item), actions);
  }
  return actions;
}

void PublishLedger::enqueue(ItemPtr item, Actions& actions) {
  item->answered = false;
  item->failure = {};
  item->id.clear();
  inFlight_.push_back(item);
  actions.write.push_back(std::move(item));
}

PublishLedger::Actions PublishLedger::onAnswer(const ItemPtr& item, std::error_code ec,
                                               std::string id) {
  Actions actions;
  if (item->answered) return actions;  // an item answered twice: the first answer stands
  item->answered = true;
  item->failure = ec;
  if (unsure(ec)) reconciling_ = true;
  if (!ec) item->id = std::move(id);
  settle(actions);
  return actions;
}

void PublishLedger::complete(const ItemPtr& item) {
  if (item->failure) {
    ++stats_.failed;
    item->done(item->failure, "");
  } else {
    ++stats_.written;
    // (an item rewritten after a failure can be acknowledged after one behind it ran)
    if (lastAckedId_.empty() || compareStreamIds(item->id, lastAckedId_) > 0)
      lastAckedId_ = item->id;
    item->done({}, item->id);
  }
}

// Completes answered items from the front, in order; once every item in flight is
// answered while reconciling, asks for the read-back.
void PublishLedger::settle(Actions& actions) {
  while (!inFlight_.empty() && inFlight_.front()->answered && !unsure(inFlight_.front()->failure)) {
    auto item = std::move(inFlight_.front());
    inFlight_.pop_front();
    complete(item);
  }
  if (!reconciling_ || readingBack_) return;
  for (const auto& item : inFlight_)
    if (!item->answered) return;  // the other answers are still coming (all will fail)
  log::warn("adapter: stream " + stream_ + ": the link broke with " +
            std::to_string(inFlight_.size()) +
            " XADD(s) unanswered; reading the stream back to write each exactly once");
  readingBack_ = true;
  actions.readBack = true;
}

std::string PublishLedger::readBackFrom() {
  ++stats_.reconciliations;
  return lastAckedId_.empty() ? "-" : nextStreamId(lastAckedId_);
}

PublishLedger::Actions PublishLedger::onReadBack(const std::vector<StreamEntry>& entries) {
  Actions actions;
  if (!readingBack_) return actions;
  // Entries of ours after the last acknowledged one, in the order they ran: an item whose
  // XADD was acknowledged (its id), or else the first unsure item still waiting.
  for (const auto& entry : entries) {
    const std::string* uid = entry.field("uid");
    if (!uid || *uid != uid_) continue;
    bool acknowledged = false;
    for (const auto& item : inFlight_)
      if (!item->failure && item->id == entry.id) acknowledged = true;
    if (acknowledged) continue;  // settled below, with its own answer
    for (const auto& item : inFlight_) {
      if (!unsure(item->failure)) continue;
      item->failure = {};
      item->id = entry.id;
      ++stats_.foundAfterFailure;
      break;
    }
  }
  reconciling_ = false;
  readingBack_ = false;
  // In order: what ran (found or acknowledged) and definite failures complete; the unsure
  // items left did not run and are written again, then those held meanwhile.
  auto previous = std::move(inFlight_);
  inFlight_.clear();
  size_t again = 0;
  for (auto& item : previous) {
    if (unsure(item->failure)) {
      ++again;
      ++stats_.rewritten;
      enqueue(std::move(item), actions);
    } else if (inFlight_.empty()) {
      complete(item);
    } else {
      inFlight_.push_back(std::move(item));  // behind a rewritten one: keeps its place
    }
  }
  log::warn("adapter: stream " + stream_ + ": " + std::to_string(again) +
            " unanswered XADD(s) did not run and are written again");
  auto held = std::move(held_);
  held_.clear();
  for (auto& item : held) enqueue(std::move(item), actions);
  return actions;
}

}  // namespace sio::adapters::streams
