// ClusterTopology: rounds of asking nodes for CLUSTER SLOTS. A round tries its candidates
// one after the other (each with askTimeout) and ends at the first usable answer; when
// none answers, the map is kept (commands still route by it), the state turns to
// Reconnecting and another round follows after a backoff delay.
#include "cluster_topology.hpp"

#include <boost/asio/post.hpp>

namespace sio::redis {

ClusterTopology::ClusterTopology(boost::asio::any_io_executor executor, Options options,
                                 ConnectionFor connectionFor)
    : executor_(executor),
      options_(std::move(options)),
      connectionFor_(std::move(connectionFor)),
      backoff_(options_.backoff),
      askTimer_(executor),
      periodicTimer_(executor),
      retryTimer_(executor) {}

void ClusterTopology::start() {
  if (started_ || closed_) return;
  started_ = true;
  setState(ConnectionState::Connecting);
  refresh();
  armPeriodic();
}

void ClusterTopology::close() {
  if (closed_) return;
  closed_ = true;
  ++attempt_;
  askTimer_.cancel();
  periodicTimer_.cancel();
  retryTimer_.cancel();
  setState(ConnectionState::Closed, make_error_code(Errc::Closed));
  onUpdate_ = nullptr;
  onState_ = nullptr;
  connectionFor_ = nullptr;
}

void ClusterTopology::refresh() {
  if (closed_ || !started_) return;
  if (refreshing_) {
    again_ = true;
    return;
  }
  refreshing_ = true;
  // Started from the event loop, never inside the caller (which may be iterating its nodes).
  boost::asio::post(executor_, [weak = weak_from_this()] {
    if (auto self = weak.lock(); self && !self->closed_) self->beginRound();
  });
}

void ClusterTopology::applyMoved(int slot, const NodeAddress& node) {
  if (map_) map_->assign(slot, node);
}

void ClusterTopology::beginRound() {
  again_ = false;
  std::vector<NodeAddress> known;
  if (map_) {
    known = map_->masters();
    known.insert(known.end(), map_->replicas().begin(), map_->replicas().end());
  }
  known.insert(known.end(), options_.seeds.begin(), options_.seeds.end());
  candidates_.clear();
  auto add = [&](const NodeAddress& node) {
    for (const auto& present : candidates_)
      if (present == node) return;
    candidates_.push_back(node);
  };
  // Nodes connected now answer at once; the others may be down and cost askTimeout each.
  for (const auto& node : known) {
    auto connection = connectionFor_(node, false);
    if (connection && connection->state() == ConnectionState::Ready) add(node);
  }
  for (const auto& node : known) add(node);
  next_ = 0;
  askNext();
}

void ClusterTopology::askNext() {
  if (closed_) return;
  if (next_ >= candidates_.size()) return roundFailed();
  NodeAddress node = candidates_[next_++];
  auto connection = connectionFor_(node, true);
  if (!connection) return askNext();
  uint64_t attempt = ++attempt_;
  std::weak_ptr<ClusterTopology> weak = weak_from_this();
  askTimer_.expires_after(options_.askTimeout);
  askTimer_.async_wait([weak, attempt](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!ec && self && self->attempt_ == attempt && !self->closed_) self->askNext();
  });
  connection->send(Command{"CLUSTER", "SLOTS"},
                   [weak, attempt, node](std::error_code ec, Reply reply) {
                     auto self = weak.lock();
                     if (self && self->attempt_ == attempt && !self->closed_)
                       self->onAnswer(node, ec, reply);
                   });
}

void ClusterTopology::onAnswer(const NodeAddress& node, std::error_code ec, const Reply& reply) {
  ++attempt_;
  askTimer_.cancel();
  if (ec) return askNext();
  if (reply.isError()) {
    // Not a cluster node: serve every slot from it (a cluster client pointed at one server).
    if (reply.str.find("cluster support disabled") != std::string::npos)
      return apply(SlotMap::singleNode(node));
    return askNext();
  }
  auto map = SlotMap::fromClusterSlots(reply, node.host);
  if (!map) return askNext();  // e.g. a node that has not joined yet
  apply(std::move(*map));
}

void ClusterTopology::apply(SlotMap map) {
  refreshing_ = false;
  backoff_.reset();
  bool changed = !map_ || !(*map_ == map);
  map_ = std::move(map);
  setState(ConnectionState::Ready);
  if (closed_) return;
  if (onUpdate_) {
    auto handler = onUpdate_;
    handler(changed);
  }
  if (again_ && !closed_) {
    again_ = false;
    refresh();
  }
}

void ClusterTopology::roundFailed() {
  refreshing_ = false;
  again_ = false;
  if (map_) setState(ConnectionState::Reconnecting, make_error_code(Errc::NoMaster));
  if (retryArmed_) return;
  retryArmed_ = true;
  retryTimer_.expires_after(backoff_.next());
  retryTimer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!self || ec) return;
    self->retryArmed_ = false;
    self->refresh();
  });
}

void ClusterTopology::armPeriodic() {
  periodicTimer_.expires_after(options_.refreshInterval);
  periodicTimer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    auto self = weak.lock();
    if (!self || ec || self->closed_) return;
    self->refresh();
    self->armPeriodic();
  });
}

void ClusterTopology::setState(ConnectionState state, std::error_code ec) {
  if (state_ == state) return;
  state_ = state;
  if (onState_) {
    auto handler = onState_;
    handler(state, ec);
  }
}

}  // namespace sio::redis
