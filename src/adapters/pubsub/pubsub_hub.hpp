// The pub/sub connection that every namespace of one classic (or sharded) adapter factory
// shares, and the routing of what it receives: each subscribed channel or pattern names
// the handler (a namespace's adapter) its messages go to. It counts resubscription gaps:
// messages published while the link was down are lost, and the application hears of it.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sio/redis/client.hpp"

namespace sio::adapters::pubsub {

class PubSubHub : public std::enable_shared_from_this<PubSubHub> {
 public:
  using Kind = redis::Subscriber::Kind;
  using Handler = std::function<void(const redis::PubSubMessage&)>;
  using GapHandler = std::function<void(uint64_t gaps)>;

  PubSubHub(std::shared_ptr<redis::Client> client, GapHandler onGap);
  ~PubSubHub();

  redis::Client& client() const { return *client_; }
  // The subscriber connection is up (what is subscribed now is confirmed promptly).
  bool linkReady() const;

  // Subscribes (one command for all `names`) and routes their messages to `handler`;
  // `done` runs once Redis confirmed them. The connection starts with the first call.
  void subscribe(Kind kind, std::vector<std::string> names, Handler handler,
                 redis::Subscriber::DoneHandler done = {});
  // Stops routing `names` and unsubscribes; the connection closes with the last name.
  void unsubscribe(Kind kind, std::vector<std::string> names);

  struct Stats {
    uint64_t gaps = 0;      // resubscriptions after a lost link
    uint64_t unrouted = 0;  // messages for a name nobody listens to (any more)
  };
  const Stats& stats() const { return stats_; }

 private:
  void onMessage(const redis::PubSubMessage& message);

  std::shared_ptr<redis::Client> client_;
  GapHandler onGap_;
  std::shared_ptr<redis::Subscriber> subscriber_;
  std::map<std::pair<Kind, std::string>, Handler> routes_;
  Stats stats_;
};

}  // namespace sio::adapters::pubsub
