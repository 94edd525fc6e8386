// The Redis client the adapters use, whatever the deployment: one server, a master found
// through Sentinel, or a Redis Cluster. Commands name the key they route by; `sendToMasters`
// runs a command on every master (PUBSUB NUMSUB sums); `duplicate` gives an independent
// client for blocking reads; `subscriber` a pub/sub connection (sharded channels are
// routed to the node owning their slot).
//
//   auto redis = sio::redis::Client::create(io.get_executor(), {.urls =
//   {"redis://127.0.0.1:6379"}}); redis->start(); redis->send("mystream", {"XADD", "mystream", "*",
//   "k", "v"}, [](std::error_code ec, sio::redis::Reply r) {});
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sio/redis/connection.hpp"
#include "sio/redis/subscriber.hpp"

namespace sio::redis {

struct ClientOptions {
  // Standalone: one URL. Cluster: seed nodes. Sentinel: the URL gives credentials, db, TLS.
  std::vector<std::string> urls{"redis://127.0.0.1:6379"};
  bool cluster = false;
  std::vector<std::string> sentinels;  // "host:port"; non-empty selects Sentinel
  std::string sentinelMaster;          // the master's name at the sentinels
  std::string sentinelPassword;        // AUTH for the sentinels, when they need it
  std::string clientName;
  ConnectionOptions connection;  // backoff, timeouts, queue bound, TLS (url is ignored)
  int maxRedirects = 16;         // Cluster: MOVED/ASK/TRYAGAIN hops per command
};

class Client {
 public:
  using ReplyHandler = Connection::ReplyHandler;
  using MultiHandler = std::function<void(std::error_code, std::vector<Reply>)>;

  // Throws std::invalid_argument for a malformed URL or inconsistent options.
  static std::shared_ptr<Client> create(boost::asio::any_io_executor executor,
                                        ClientOptions options);
  virtual ~Client() = default;

  virtual void start() = 0;
  virtual void close() = 0;

  // Sends `command` to the node serving `key` (any node when the key is empty).
  virtual void send(std::string_view key, Command command, ReplyHandler handler = {}) = 0;
  // Like send, but a command not yet written when its link breaks fails with
  // Errc::NotSent rather than going out later (see Connection::sendUnlessDisconnected).
  virtual void sendUnlessDisconnected(std::string_view key, Command command, ReplyHandler handler) {
    send(key, std::move(command), std::move(handler));
  }
  // Sends `command` to every master; the replies come in one vector, in node order.
  virtual void sendToMasters(Command command, MultiHandler handler) = 0;
  // An independent client of the same kind and options (own connections).
  virtual std::shared_ptr<Client> duplicate() const = 0;
  // A pub/sub connection of the same kind; call start() on it.
  virtual std::shared_ptr<Subscriber> subscriber() const = 0;

  virtual void onState(Connection::StateHandler handler) = 0;
  virtual bool ready() const = 0;
  virtual bool isCluster() const = 0;

  // Over this client's data connections (a cluster: every node's): completed reconnections,
  // and commands queued or awaiting a reply now.
  struct LinkStats {
    uint64_t reconnects = 0;
    size_t commandsInFlight = 0;
  };
  virtual LinkStats linkStats() const = 0;
};

}  // namespace sio::redis
