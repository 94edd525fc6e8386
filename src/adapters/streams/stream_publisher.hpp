// Writes one adapter's entries to its stream exactly once and in order, across connection
// failures — the adapter's promise that no broadcast is lost when Redis blips. XADDs are
// pipelined; when the link breaks, the written ones may or may not have run and the
// unwritten ones fail unsent. Nothing more is written until the stream is read back after
// the last acknowledged id: Redis runs commands in order, so the entries with this
// adapter's uid found there are the first ones that ran; the rest are written again.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "sio/redis/client.hpp"

namespace sio::adapters::streams {

class StreamPublisher : public std::enable_shared_from_this<StreamPublisher> {
 public:
  using Done = std::function<void(std::error_code, std::string id)>;

  struct Stats {
    uint64_t written = 0, reconciliations = 0, foundAfterFailure = 0, rewritten = 0, failed = 0;
  };

  StreamPublisher(std::shared_ptr<redis::Client> client, boost::asio::any_io_executor executor,
                  std::string stream, std::string uid, int64_t maxLen);

  // Appends an entry with these field/value pairs; `done` gets its id.
  void publish(std::vector<std::string> fields, Done done);
  const Stats& stats() const { return stats_; }

 private:
  struct Item {
    std::vector<std::string> fields;
    Done done;
    bool answered = false;
    std::error_code failure;  // set when its XADD failed with ConnectionLost / NotSent
  };

  void write(std::shared_ptr<Item> item);
  void onAnswer(const std::shared_ptr<Item>& item, std::error_code ec, redis::Reply reply);
  void settle();
  void reconcile();
  void onReadBack(std::error_code ec, const redis::Reply& reply);

  std::shared_ptr<redis::Client> client_;
  boost::asio::steady_timer retryTimer_;
  std::string stream_, uid_;
  int64_t maxLen_;
  std::deque<std::shared_ptr<Item>> inFlight_;  // written (or queued on the link), in order
  std::deque<std::shared_ptr<Item>> held_;      // published while reconciling
  std::string lastAckedId_;                     // "" before the first acknowledged XADD
  bool reconciling_ = false;
  Stats stats_;
};

}  // namespace sio::adapters::streams
