// The bookkeeping behind exactly-once, in-order XADDs (StreamPublisher), with no I/O: it is
// told what was published, how each XADD was answered and what reading the stream back
// found, and it answers with what to write and whether to read back. Unit-testable with
// every interleaving of a failure between write, answer and read-back.
//
// The rule: when the link breaks, the XADDs without an answer may or may not have run
// ("unsure"). Nothing more is written (new entries are held) until every XADD in flight has
// its answer; then the stream is read back from after the last acknowledged id. The
// entries there that carry this adapter's uid are the unsure XADDs that ran, in order (and
// any acknowledged meanwhile, recognized by their id); the other unsure ones are written
// again, then the held ones.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "stream_reader.hpp"

namespace sio::adapters::streams {

class PublishLedger {
 public:
  using Done = std::function<void(std::error_code, std::string id)>;

  struct Stats {
    uint64_t written = 0, reconciliations = 0, foundAfterFailure = 0, rewritten = 0, failed = 0;
  };

  // One entry to publish; the driver reads its fields to write it.
  struct Item {
    std::vector<std::string> fields;
    Done done;
    bool answered = false;
    std::error_code failure;  // its XADD failed (unsure when ConnectionLost / NotSent)
    std::string id;           // its XADD's answer
  };
  using ItemPtr = std::shared_ptr<Item>;

  // What the driver does next: XADD these items, in this order; then, when `readBack`,
  // XRANGE the stream from readBackFrom() to `+` and report with onReadBack.
  struct Actions {
    std::vector<ItemPtr> write;
    bool readBack = false;
  };

  PublishLedger(std::string stream, std::string uid);

  Actions publish(std::vector<std::string> fields, Done done);
  // The answer to an item's XADD: `id` when ec is empty.
  Actions onAnswer(const ItemPtr& item, std::error_code ec, std::string id);
  // Where the read-back starts (counts a reconciliation); call again to retry it.
  std::string readBackFrom();
  // The entries the read-back found.
  Actions onReadBack(const std::vector<StreamEntry>& entries);

  bool reconciling() const { return reconciling_; }
  size_t inFlight() const { return inFlight_.size(); }
  size_t held() const { return held_.size(); }
  const Stats& stats() const { return stats_; }

 private:
  void enqueue(ItemPtr item, Actions& actions);
  void settle(Actions& actions);
  void complete(const ItemPtr& item);

  std::string stream_, uid_;
  std::deque<ItemPtr> inFlight_;  // written (or queued on the link), in order
  std::deque<ItemPtr> held_;      // published while reconciling
  std::string lastAckedId_;       // "" before the first acknowledged XADD
  bool reconciling_ = false;
  bool readingBack_ = false;
  Stats stats_;
};

}  // namespace sio::adapters::streams
