// What all namespaces of one Streams adapter factory share (spec §1.2): the main client,
// one reader per stream (each on a duplicate connection), one pub/sub connection, and the
// registry that routes stream entries and pub/sub messages to the namespace's adapter.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "sio/adapters/redis_streams.hpp"
#include "stream_reader.hpp"

namespace sio::adapters::streams {

class RedisStreamsAdapter;

class StreamsHub : public std::enable_shared_from_this<StreamsHub> {
 public:
  StreamsHub(std::shared_ptr<redis::Client> client, RedisStreamsOptions options);

  redis::Client& client() const { return *client_; }
  const std::shared_ptr<redis::Client>& sharedClient() const { return client_; }
  const RedisStreamsOptions& options() const { return options_; }

  // Registers a namespace's adapter; starts its stream's reader and the pub/sub
  // connection when they are not running yet.
  void attach(const std::shared_ptr<RedisStreamsAdapter>& adapter,
              boost::asio::any_io_executor executor);
  void detach(RedisStreamsAdapter& adapter);
  redis::Subscriber& subscriber() { return *subscriber_; }
  std::shared_ptr<StreamReader> reader(const std::string& stream) const;

  struct Stats {
    uint64_t badEntries = 0, badMessages = 0, unroutedEntries = 0, pubsubGaps = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  void onEntry(const StreamEntry& entry);
  void onPubSubMessage(const redis::PubSubMessage& message);
  std::shared_ptr<RedisStreamsAdapter> adapterFor(const std::string& nsp) const;

  std::shared_ptr<redis::Client> client_;
  RedisStreamsOptions options_;
  std::shared_ptr<redis::Subscriber> subscriber_;
  std::map<std::string, std::shared_ptr<StreamReader>> readers_;        // by stream name
  std::map<std::string, std::weak_ptr<RedisStreamsAdapter>> adapters_;  // by namespace
  Stats stats_;
};

}  // namespace sio::adapters::streams
