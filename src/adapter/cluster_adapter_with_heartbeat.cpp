// Heartbeats and the peer table, as socket.io-adapter 2.5.8 keeps them: any message from
// another node (but the emitter) refreshes it; peers silent for heartbeatTimeout are
// removed every second, and pending requests stop waiting for them.
#include "sio/adapter/cluster_adapter_with_heartbeat.hpp"

namespace sio {
namespace {
constexpr auto kCleanupPeriod = std::chrono::milliseconds(1000);
}

ClusterAdapterWithHeartbeat::ClusterAdapterWithHeartbeat(AdapterHost& nsp, HeartbeatOptions options)
    : ClusterAdapter(nsp),
      options_(options),
      idleTimer_(nsp.executor()),
      cleanupTimer_(nsp.executor()) {}

void ClusterAdapterWithHeartbeat::init() {
  ClusterAdapter::init();
  if (!options_.enabled) return;
  publishMessage(MessageType::InitialHeartbeat, std::nullopt);
  scheduleCleanup();
}

void ClusterAdapterWithHeartbeat::close() {
  if (options_.enabled && !closed_) {
    closed_ = true;
    publishMessage(MessageType::AdapterClose, std::nullopt);
    idleTimer_.cancel();
    cleanupTimer_.cancel();
  }
  ClusterAdapter::close();
}

void ClusterAdapterWithHeartbeat::serverCount(std::function<void(size_t)> done) {
  done(1 + peers_.size());
}

std::optional<std::set<std::string>> ClusterAdapterWithHeartbeat::expectedResponders() {
  if (!options_.enabled) return std::nullopt;
  std::set<std::string> uids;
  for (const auto& [uid, seen] : peers_) uids.insert(uid);
  return uids;
}

bool ClusterAdapterWithHeartbeat::onPeerMessage(const ClusterMessage& message) {
  if (!options_.enabled) return false;
  if (message.uid != "emitter") peers_[message.uid] = std::chrono::steady_clock::now();
  switch (message.kind()) {
    case MessageType::InitialHeartbeat:
      publishMessage(MessageType::Heartbeat, std::nullopt);
      return true;
    case MessageType::Heartbeat:
      return true;
    case MessageType::AdapterClose:
      peers_.erase(message.uid);
      forgetResponder(message.uid);
      return true;
    default:
      return false;
  }
}

// Any publish of our own restarts the idle timer (responses do not, as in Node).
void ClusterAdapterWithHeartbeat::onPublished() {
  if (options_.enabled && !closed_) scheduleIdleHeartbeat();
}

void ClusterAdapterWithHeartbeat::scheduleIdleHeartbeat() {
  idleTimer_.expires_after(options_.interval);
  idleTimer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = std::static_pointer_cast<ClusterAdapterWithHeartbeat>(weak.lock());
    if (!ec && self && !self->closed_) self->publishMessage(MessageType::Heartbeat, std::nullopt);
  });
}

void ClusterAdapterWithHeartbeat::scheduleCleanup() {
  cleanupTimer_.expires_after(kCleanupPeriod);
  cleanupTimer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    auto self = std::static_pointer_cast<ClusterAdapterWithHeartbeat>(weak.lock());
    if (ec || !self || self->closed_) return;
    auto threshold = std::chrono::steady_clock::now() - self->options_.timeout;
    std::vector<std::string> gone;
    for (const auto& [uid, seen] : self->peers_)
      if (seen < threshold) gone.push_back(uid);
    for (const auto& uid : gone) {
      self->peers_.erase(uid);
      self->forgetResponder(uid);
    }
    self->scheduleCleanup();
  });
}

}  // namespace sio
