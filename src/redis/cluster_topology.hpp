// Keeps a Redis Cluster's slot map current: asks a reachable node (those already connected
// first, then every other known node, then the seeds) for CLUSTER SLOTS, one at a time with
// a per-node time limit, on demand (after MOVED, a lost connection…) and periodically.
// Owned by the cluster client (src/redis/cluster_client.cpp) and the cluster subscriber,
// which lend it their node connections; a server without cluster support is one node.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "cluster_slot_map.hpp"
#include "sio/redis/connection.hpp"

namespace sio::redis {

class ClusterTopology : public std::enable_shared_from_this<ClusterTopology> {
 public:
  struct Options {
    std::vector<NodeAddress> seeds;
    std::chrono::milliseconds refreshInterval{5000};
    std::chrono::milliseconds askTimeout{2000};  // per node asked
    BackoffOptions backoff;                      // between rounds when no node answered
  };
  // The connection to a node: the existing one, or (when `create`) a new one; may be null
  // when `create` is false.
  using ConnectionFor = std::function<std::shared_ptr<Connection>(const NodeAddress&, bool create)>;
  // After every refresh that reached a node; `changed`: the map differs from before.
  using UpdateHandler = std::function<void(bool changed)>;

  ClusterTopology(boost::asio::any_io_executor executor, Options options,
                  ConnectionFor connectionFor);

  void start();
  void close();
  // Refreshes soon. Asked during a refresh, another one follows it.
  void refresh();
  // A `-MOVED` reply: patches the map at once (a full refresh should follow).
  void applyMoved(int slot, const NodeAddress& node);

  // Null until the first map arrived.
  const SlotMap* map() const { return map_ ? &*map_ : nullptr; }
  // A map is known and the last round of asking reached a node.
  bool ready() const { return state_ == ConnectionState::Ready; }
  ConnectionState state() const { return state_; }

  void onUpdate(UpdateHandler handler) { onUpdate_ = std::move(handler); }
  void onState(Connection::StateHandler handler) { onState_ = std::move(handler); }

 private:
  void beginRound();
  void askNext();
  void onAnswer(const NodeAddress& node, std::error_code ec, const Reply& reply);
  void apply(SlotMap map);
  void roundFailed();
  void armPeriodic();
  void setState(ConnectionState state, std::error_code ec = {});

  boost::asio::any_io_executor executor_;
  Options options_;
  ConnectionFor connectionFor_;
  Backoff backoff_;
  boost::asio::steady_timer askTimer_;
  boost::asio::steady_timer periodicTimer_;
  boost::asio::steady_timer retryTimer_;
  std::optional<SlotMap> map_;
  std::vector<NodeAddress> candidates_;  // of the round under way
  size_t next_ = 0;
  uint64_t attempt_ = 0;  // answers of earlier attempts are ignored
  bool refreshing_ = false;
  bool again_ = false;
  bool retryArmed_ = false;
  bool started_ = false;
  bool closed_ = false;
  ConnectionState state_ = ConnectionState::Idle;
  UpdateHandler onUpdate_;
  Connection::StateHandler onState_;
};

}  // namespace sio::redis
