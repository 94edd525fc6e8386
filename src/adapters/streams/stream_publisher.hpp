// Writes one adapter's entries to its stream exactly once and in order, across connection
// failures — the adapter's promise that no broadcast is lost when Redis blips. XADDs are
// pipelined; when the link breaks, the written ones may or may not have run and the
// unwritten ones fail unsent. Nothing more is written until the stream is read back after
// the last acknowledged id: Redis runs commands in order, so the entries with this
// adapter's uid found there are the first ones that ran; the rest are written again.
// The bookkeeping is PublishLedger (no I/O, unit-tested); this class does its I/O.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "publish_ledger.hpp"
#include "sio/redis/client.hpp"

namespace sio::adapters::streams {

class StreamPublisher : public std::enable_shared_from_this<StreamPublisher> {
 public:
  using Done = PublishLedger::Done;
  using Stats = PublishLedger::Stats;

  StreamPublisher(std::shared_ptr<redis::Client> client, boost::asio::any_io_executor executor,
                  std::string stream, std::string uid, int64_t maxLen);

  // Appends an entry with these field/value pairs; `done` gets its id.
  void publish(std::vector<std::string> fields, Done done);
  const Stats& stats() const { return ledger_.stats(); }

 private:
  void run(PublishLedger::Actions actions);
  void write(const PublishLedger::ItemPtr& item);
  void readBack();

  std::shared_ptr<redis::Client> client_;
  boost::asio::steady_timer retryTimer_;
  std::string stream_;
  int64_t maxLen_;
  PublishLedger ledger_;
};

}  // namespace sio::adapters::streams
