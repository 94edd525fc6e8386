// What all namespaces of one Streams adapter factory share (spec §1.2): the main client,
// one reader per stream (each on a duplicate connection) and one pub/sub connection (the
// classic adapters' PubSubHub). Entries and messages are decoded once here and handed to
// the handlers that each namespace registered, by namespace for stream entries and by
// channel for pub/sub; the hub knows nothing of the adapter behind them.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "../pubsub/pubsub_hub.hpp"
#include "message_codec.hpp"
#include "sio/adapters/redis_streams.hpp"
#include "stream_reader.hpp"

namespace sio::adapters::streams {

class StreamsHub : public std::enable_shared_from_this<StreamsHub> {
 public:
  StreamsHub(std::shared_ptr<redis::Client> client, RedisStreamsOptions options);

  redis::Client& client() const { return *client_; }
  const std::shared_ptr<redis::Client>& sharedClient() const { return client_; }
  const RedisStreamsOptions& options() const { return options_; }

  // A namespace's share of its stream. Entries written by `uid` (this node) are not
  // decoded: they only go to onOwnEntry.
  struct Route {
    std::string uid;
    std::function<void()> onOwnEntry;
    std::function<void(ClusterMessage message, const std::string& id)> onEntry;
  };
  // Routes the stream entries of namespace `nsp` (read from `stream`, whose reader starts
  // when it is not running yet). Returns the ticket that detach takes.
  uint64_t attach(const std::string& nsp, const std::string& stream, Route route,
                  boost::asio::any_io_executor executor);
  // Stops routing `nsp` if the route is still the ticket's; the readers and the pub/sub
  // connection stop with the last namespace.
  void detach(const std::string& nsp, uint64_t ticket);
  std::shared_ptr<StreamReader> reader(const std::string& stream) const;

  // Pub/sub (protocol 0.3): messages on `channels` are decoded and those of namespace
  // `nsp` go to `handler` (Node drops the others: "ignore message from another namespace").
  using MessageHandler = std::function<void(ClusterMessage message)>;
  void subscribe(redis::Subscriber::Kind kind, std::vector<std::string> channels,
                 const std::string& nsp, MessageHandler handler,
                 redis::Subscriber::DoneHandler done);
  void unsubscribe(redis::Subscriber::Kind kind, std::vector<std::string> channels);

  struct Stats {
    uint64_t badEntries = 0, badMessages = 0, unroutedEntries = 0, foreignMessages = 0;
  };
  const Stats& stats() const { return stats_; }

 private:
  struct Registered {
    std::shared_ptr<const Route> route;  // held while a handler runs: it may detach
    uint64_t ticket;
  };
  void onEntry(StreamEntry&& entry);
  void stopWhenUnused();

  std::shared_ptr<redis::Client> client_;
  RedisStreamsOptions options_;
  std::shared_ptr<pubsub::PubSubHub> pubsub_;
  std::map<std::string, std::shared_ptr<StreamReader>> readers_;  // by stream name
  std::map<std::string, Registered> routes_;                      // by namespace
  uint64_t nextTicket_ = 1;
  Stats stats_;
};

}  // namespace sio::adapters::streams
