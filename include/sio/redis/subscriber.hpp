// A pub/sub connection: SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE and their UN- forms, messages
// delivered with channel (and pattern) as bytes. It remembers what it is subscribed to and
// subscribes again after every reconnection; then onResubscribed tells the owner that
// messages published during the gap were missed (pub/sub does not keep them).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sio/redis/connection.hpp"

namespace sio::redis {

struct PubSubMessage {
  enum class Kind { Message, PatternMessage, ShardMessage };
  Kind kind = Kind::Message;
  std::string channel;
  std::string pattern;  // PatternMessage only
  std::string payload;
};

class Subscriber {
 public:
  enum class Kind { Channel, Pattern, Shard };
  using MessageHandler = std::function<void(const PubSubMessage&)>;
  using DoneHandler = std::function<void(std::error_code)>;

  static std::shared_ptr<Subscriber> create(boost::asio::any_io_executor executor,
                                            ConnectionOptions options);
  virtual ~Subscriber() = default;

  virtual void start() = 0;
  virtual void close() = 0;
  // Drops the link now and connects again; the subscriptions come back as after any
  // reconnection (e.g. after a Sentinel master switch). The default does nothing.
  virtual void reconnect() {}

  // `done` runs once Redis confirmed every name (or with an error).
  virtual void subscribe(Kind kind, std::vector<std::string> names, DoneHandler done = {}) = 0;
  virtual void unsubscribe(Kind kind, std::vector<std::string> names, DoneHandler done = {}) = 0;
  void subscribe(std::vector<std::string> channels, DoneHandler done = {}) {
    subscribe(Kind::Channel, std::move(channels), std::move(done));
  }
  void psubscribe(std::vector<std::string> patterns, DoneHandler done = {}) {
    subscribe(Kind::Pattern, std::move(patterns), std::move(done));
  }
  void ssubscribe(std::vector<std::string> channels, DoneHandler done = {}) {
    subscribe(Kind::Shard, std::move(channels), std::move(done));
  }

  virtual void onMessage(MessageHandler handler) = 0;
  // After a reconnection, once every subscription is live again.
  virtual void onResubscribed(std::function<void()> handler) = 0;
  virtual void onState(Connection::StateHandler handler) = 0;
  // Redis ended a subscription by itself (in a cluster, the old owner of a moved slot
  // pushes `sunsubscribe` for its sharded channels): the name is forgotten (not subscribed
  // again after a reconnection) and the handler hears of it. The default ignores it.
  virtual void onServerUnsubscribe(std::function<void(Kind, const std::string&)> handler) {
    (void)handler;
  }

  virtual const std::set<std::string>& subscriptions(Kind kind) const = 0;
  virtual uint64_t gaps() const = 0;  // reconnections survived (each one a possible loss)
  virtual ConnectionState state() const = 0;
};

}  // namespace sio::redis
