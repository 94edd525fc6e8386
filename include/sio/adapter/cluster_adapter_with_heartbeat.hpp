// The heartbeat variant of the cluster adapter (socket.io-adapter's
// ClusterAdapterWithHeartbeat, spec §2.7), used by the Streams adapter's protocol 0.2:
// nodes announce themselves (INITIAL_HEARTBEAT, answered by HEARTBEAT), send a HEARTBEAT
// when they published nothing for heartbeatInterval, and say ADAPTER_CLOSE when leaving.
// The server count is 1 + the peers heard from within heartbeatTimeout, and requests wait
// for exactly those peers. With `enabled` false it behaves as the plain ClusterAdapter.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>

#include "sio/adapter/cluster_adapter.hpp"

namespace sio {

struct HeartbeatOptions {
  bool enabled = true;
  std::chrono::milliseconds interval{5000};
  std::chrono::milliseconds timeout{10000};
};

class ClusterAdapterWithHeartbeat : public ClusterAdapter {
 public:
  ClusterAdapterWithHeartbeat(AdapterHost& nsp, HeartbeatOptions options);

  void init() override;
  void close() override;
  void serverCount(std::function<void(size_t)> done) override;
  size_t peerCount() const { return peers_.size(); }

 protected:
  std::optional<std::set<std::string>> expectedResponders() override;
  bool onPeerMessage(const ClusterMessage& message) override;
  void onPublished() override;
  bool heartbeatEnabled() const { return options_.enabled; }

 private:
  void scheduleIdleHeartbeat();
  void scheduleCleanup();

  HeartbeatOptions options_;
  std::map<std::string, std::chrono::steady_clock::time_point> peers_;  // uid -> last seen
  boost::asio::steady_timer idleTimer_;
  boost::asio::steady_timer cleanupTimer_;
  bool closed_ = false;
};

}  // namespace sio
