// The cluster client (see cluster_client.hpp). A command is a Request that remembers its
// slot and how many hops it made; it goes to the slot's master, or to the node a
// redirection named. Commands for a node whose link is down wait in that node's `parked`
// queue here (not in the Connection's offline queue), so that a new slot map can send
// them elsewhere; see onTopologyUpdate.
#include "cluster_client.hpp"
#include "sio/log.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <map>
#include <optional>

#include "cluster_subscriber.hpp"
#include "cluster_topology.hpp"
#include "key_slot.hpp"

namespace sio::redis {
namespace {

constexpr std::chrono::milliseconds kRefreshInterval{5000};

struct Request {
  Command command;
  Client::ReplyHandler handler;
  int slot = -1;                    // -1: any master
  std::optional<NodeAddress> node;  // the next hop after MOVED / ASK, or the fixed node
  bool fixed = false;               // sendToMasters: this node whatever the map says
  bool asking = false;              // send ASKING first (after -ASK)
  bool unlessDisconnected = false;  // only on a link that is up now (else Errc::NotSent)
  int redirects = 0;
};
using RequestPtr = std::shared_ptr<Request>;

struct Node {
  NodeAddress address;
  std::shared_ptr<Connection> connection;
  std::deque<RequestPtr> parked;  // routed here while the connection was not ready
  bool retired = false;           // closed on purpose: what fails with Closed was never written
};
using NodePtr = std::shared_ptr<Node>;

struct MastersRequest {
  Command command;
  Client::MultiHandler handler;
};

bool startsWith(const std::string& text, std::string_view prefix) {
  return text.starts_with(prefix);
}

class ClusterClient final : public Client, public std::enable_shared_from_this<ClusterClient> {
 public:
  ClusterClient(boost::asio::any_io_executor executor, ClientOptions options,
                ConnectionOptions connection)
      : executor_(executor),
        options_(std::move(options)),
        connectionOptions_(std::move(connection)),
        retryBackoff_(connectionOptions_.backoff),
        retryTimer_(executor) {}

  ~ClusterClient() override { shutdown(); }

  // After make_shared: the topology calls back through a weak pointer.
  void init() {
    ClusterTopology::Options topologyOptions;
    for (const auto& text : options_.urls) {
      auto url = parseRedisUrl(text);
      if (url) topologyOptions.seeds.push_back(NodeAddress{url->host, url->port});
    }
    topologyOptions.refreshInterval = kRefreshInterval;
    topologyOptions.askTimeout =
        std::min(connectionOptions_.connectTimeout, std::chrono::milliseconds(2000));
    topologyOptions.backoff = connectionOptions_.backoff;
    std::weak_ptr<ClusterClient> weak = weak_from_this();
    topology_ = std::make_shared<ClusterTopology>(
        executor_, std::move(topologyOptions),
        [weak](const NodeAddress& address, bool create) -> std::shared_ptr<Connection> {
          auto self = weak.lock();
          if (!self || self->closed_) return nullptr;
          if (!create) {
            auto found = self->nodes_.find(address.key());
            return found == self->nodes_.end() ? nullptr : found->second->connection;
          }
          return self->nodeFor(address)->connection;
        });
    topology_->onUpdate([weak](bool changed) {
      if (auto self = weak.lock()) self->onTopologyUpdate(changed);
    });
    topology_->onState([weak](ConnectionState state, std::error_code ec) {
      auto self = weak.lock();
      if (self && self->stateHandler_) {
        auto handler = self->stateHandler_;
        handler(state, ec);
      }
    });
  }

  void start() override {
    if (started_ || closed_) return;
    started_ = true;
    topology_->start();
  }

  void close() override {
    if (closed_) return;
    shutdown();
    stateHandler_ = nullptr;
  }

  void send(std::string_view key, Command command, ReplyHandler handler) override {
    dispatch(makeRequest(key, std::move(command), std::move(handler)));
  }

  // Never parked: a command that finds its node's link down (or no slot map yet) fails
  // with NotSent, as does one the node's Connection could not write before its link broke.
  void sendUnlessDisconnected(std::string_view key, Command command,
                              ReplyHandler handler) override {
    auto request = makeRequest(key, std::move(command), std::move(handler));
    request->unlessDisconnected = true;
    dispatch(request);
  }

  void sendToMasters(Command command, MultiHandler handler) override {
    if (closed_) return failMasters(std::move(handler), Errc::Closed);
    const SlotMap* map = topology_->map();
    if (!map) {
      if (waitingMasters_.size() >= connectionOptions_.maxOfflineQueue)
        return failMasters(std::move(handler), Errc::OfflineQueueFull);
      waitingMasters_.push_back({std::move(command), std::move(handler)});
      return;
    }
    const auto masters = map->masters();
    if (masters.empty()) return failMasters(std::move(handler), Errc::NoMaster);
    struct Gather {
      std::vector<Reply> replies;
      size_t remaining;
      std::error_code ec;
      MultiHandler handler;
    };
    auto gather = std::make_shared<Gather>(
        Gather{std::vector<Reply>(masters.size()), masters.size(), {}, std::move(handler)});
    for (size_t i = 0; i < masters.size(); ++i) {
      auto request = std::make_shared<Request>();
      request->command = command;
      request->node = masters[i];
      request->fixed = true;
      request->handler = [gather, i](std::error_code ec, Reply reply) {
        if (ec && !gather->ec) gather->ec = ec;
        gather->replies[i] = std::move(reply);
        if (--gather->remaining > 0 || !gather->handler) return;
        if (gather->ec)
          gather->handler(gather->ec, {});
        else
          gather->handler({}, std::move(gather->replies));
      };
      dispatch(request);
    }
  }

  std::shared_ptr<Client> duplicate() const override {
    return createClusterClient(executor_, options_, connectionOptions_);
  }

  std::shared_ptr<Subscriber> subscriber() const override {
    return createClusterSubscriber(executor_, options_, connectionOptions_);
  }

  void onState(Connection::StateHandler handler) override { stateHandler_ = std::move(handler); }
  bool ready() const override { return topology_->ready(); }
  LinkStats linkStats() const override {
    LinkStats sum;
    for (const auto& [key, node] : nodes_) {
      sum.reconnects += node->connection->reconnects();
      sum.commandsInFlight += node->connection->pendingCount() + node->parked.size();
    }
    return sum;
  }
  bool isCluster() const override { return true; }

 private:
  void shutdown() {
    if (closed_) return;
    closed_ = true;
    if (topology_) topology_->close();
    retryTimer_.cancel();
    auto waiting = std::move(waiting_);
    auto retry = std::move(retry_);
    auto masters = std::move(waitingMasters_);
    auto nodes = std::move(nodes_);
    waiting_.clear();
    retry_.clear();
    waitingMasters_.clear();
    nodes_.clear();
    for (auto& request : waiting) fail(request, Errc::Closed);
    for (auto& request : retry) fail(request, Errc::Closed);
    for (auto& entry : masters) failMasters(std::move(entry.handler), Errc::Closed);
    for (auto& [key, node] : nodes) {
      for (auto& request : node->parked) fail(request, Errc::Closed);
      node->parked.clear();
      node->connection->close();  // written commands fail with Closed through onReply
    }
  }

  static RequestPtr makeRequest(std::string_view key, Command command, ReplyHandler handler) {
    auto request = std::make_shared<Request>();
    request->command = std::move(command);
    request->handler = std::move(handler);
    request->slot = key.empty() ? -1 : keySlot(key);
    return request;
  }

  NodePtr nodeFor(const NodeAddress& address) {
    auto& node = nodes_[address.key()];
    if (node) return node;
    node = std::make_shared<Node>();
    node->address = address;
    ConnectionOptions options = connectionOptions_;
    options.url.host = address.host;
    options.url.port = address.port;
    options.resolveAddress = nullptr;
    options.requireMaster = false;
    node->connection = Connection::create(executor_, std::move(options));
    std::weak_ptr<ClusterClient> weak = weak_from_this();
    std::weak_ptr<Node> weakNode = node;
    node->connection->onState([weak, weakNode](ConnectionState state, std::error_code) {
      auto self = weak.lock();
      auto target = weakNode.lock();
      if (self && target && !self->closed_) self->onNodeState(target, state);
    });
    NodePtr created = node;
    created->connection->start();
    return created;
  }

  void onNodeState(const NodePtr& node, ConnectionState state) {
    if (node->retired) return;
    if (state == ConnectionState::Ready) {
      auto parked = std::move(node->parked);
      node->parked.clear();
      for (auto& request : parked) write(*node, node, request);
    } else if (state == ConnectionState::Reconnecting) {
      topology_->refresh();  // a failover may be under way
    }
  }

  void dispatch(const RequestPtr& request) {
    if (closed_) return fail(request, Errc::Closed);
    const SlotMap* map = topology_->map();
    if (!map) {
      if (request->unlessDisconnected) return fail(request, Errc::NotSent);
      if (waiting_.size() >= connectionOptions_.maxOfflineQueue)
        return fail(request, Errc::OfflineQueueFull);
      waiting_.push_back(request);
      return;
    }
    NodeAddress target;
    if (request->node) {
      if (request->fixed && !map->knows(*request->node)) return fail(request, Errc::NoMaster);
      target = *request->node;
    } else {
      const NodeAddress* owner = request->slot < 0
                                     ? (map->masters().empty() ? nullptr : &map->masters().front())
                                     : map->master(request->slot);
      if (!owner) {
        topology_->refresh();
        if (++request->redirects > options_.maxRedirects) return fail(request, Errc::NoMaster);
        return retryLater(request);
      }
      target = *owner;
    }
    NodePtr node = nodeFor(target);
    if (node->connection->state() != ConnectionState::Ready) {
      if (request->unlessDisconnected) return fail(request, Errc::NotSent);
      if (node->parked.size() >= connectionOptions_.maxOfflineQueue)
        return fail(request, Errc::OfflineQueueFull);
      node->parked.push_back(request);
      return;
    }
    write(*node, node, request);
  }

  void write(Node& node, const NodePtr& holder, const RequestPtr& request) {
    Connection& connection = *node.connection;
    auto send = [&](Command command, Connection::ReplyHandler handler) {
      if (request->unlessDisconnected)
        connection.sendUnlessDisconnected(std::move(command), std::move(handler));
      else
        connection.send(std::move(command), std::move(handler));
    };
    if (request->asking) send(Command{"ASKING"}, {});  // back to back with the command
    request->asking = false;
    if (!request->fixed) request->node.reset();
    send(request->command,  // a copy: the request keeps it for a redirection
         [self = shared_from_this(), holder, request](std::error_code ec, Reply reply) {
           self->onReply(holder, request, ec, std::move(reply));
         });
  }

  void onReply(const NodePtr& node, const RequestPtr& request, std::error_code ec, Reply reply) {
    if (ec) {
      // Closed on purpose while down (retired): never written, so it may go elsewhere.
      if (ec == Errc::Closed && node->retired && !closed_) return dispatch(request);
      if ((ec == Errc::ConnectionLost || ec == Errc::NotSent) && !closed_) topology_->refresh();
      return finish(request, ec, {});
    }
    if (reply.isError() && !request->fixed && !closed_) {
      if (auto redirect = parseRedirect(reply.str, node->address.host)) {
        if (++request->redirects > options_.maxRedirects)
          return finish(request, Errc::TooManyRedirects, {});
        if (!redirect->ask) {
          movedLog_.record([&] {
            return "redis cluster: slot " + std::to_string(redirect->slot) + " MOVED to " +
                   redirect->node.key() + "; refreshing the slot map";
          });
          topology_->applyMoved(redirect->slot, redirect->node);
          patched_ = true;
          topology_->refresh();
        }
        request->node = redirect->node;
        request->asking = redirect->ask;
        return dispatch(request);
      }
      bool clusterDown = startsWith(reply.str, "CLUSTERDOWN");
      if (clusterDown || startsWith(reply.str, "TRYAGAIN")) {
        if (++request->redirects > options_.maxRedirects)
          return finish(request, Errc::TooManyRedirects, {});
        if (clusterDown) topology_->refresh();
        return retryLater(request);
      }
    }
    if (request->redirects > 0 && retry_.empty()) retryBackoff_.reset();
    finish(request, {}, std::move(reply));
  }

  void retryLater(const RequestPtr& request) {
    retry_.push_back(request);
    if (retryArmed_) return;
    retryArmed_ = true;
    retryTimer_.expires_after(retryBackoff_.next());
    retryTimer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
      auto self = weak.lock();
      if (!self || ec || self->closed_) return;
      self->retryArmed_ = false;
      auto retry = std::move(self->retry_);
      self->retry_.clear();
      for (auto& request : retry) self->dispatch(request);
    });
  }

  void onTopologyUpdate(bool changed) {
    if (closed_) return;
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& request : waiting) dispatch(request);
    auto masters = std::move(waitingMasters_);
    waitingMasters_.clear();
    for (auto& entry : masters) sendToMasters(std::move(entry.command), std::move(entry.handler));

    // Commands already written when a link broke failed with ConnectionLost (they may have
    // run). What is parked has never been written: when the map changed (or MOVED patched it),
    // all of it is routed again, in order (it stays parked where the owner is still down).
    if (!changed && !patched_) return;
    patched_ = false;
    std::vector<RequestPtr> again;
    for (auto& [key, node] : nodes_) {
      for (auto& request : node->parked) {
        if (!request->fixed) {
          request->node.reset();
          request->asking = false;
        }
        again.push_back(request);
      }
      node->parked.clear();
    }
    for (auto& request : again) dispatch(request);

    // Nodes that serve no slot: a down one is retired (what its connection still holds
    // unwritten comes back as Closed and is routed again); an idle one not in the map is
    // closed. Replicas that are up stay (they can answer CLUSTER SLOTS).
    const SlotMap* map = topology_->map();
    for (auto it = nodes_.begin(); it != nodes_.end();) {
      NodePtr node = it->second;
      bool down = node->connection->state() != ConnectionState::Ready;
      bool idle = node->connection->pendingCount() == 0 && node->parked.empty();
      if (map->isMaster(node->address) || !(down || (idle && !map->knows(node->address)))) {
        ++it;
        continue;
      }
      auto parked = std::move(node->parked);
      node->parked.clear();
      node->retired = true;
      it = nodes_.erase(it);
      node->connection->close();
      for (auto& request : parked) dispatch(request);
    }
  }

  void fail(const RequestPtr& request, Errc error) {
    if (!request->handler) return;
    boost::asio::post(executor_, [handler = std::move(request->handler), error] {
      handler(make_error_code(error), Reply{});
    });
    request->handler = nullptr;
  }

  void failMasters(MultiHandler handler, Errc error) {
    if (!handler) return;
    boost::asio::post(
        executor_, [handler = std::move(handler), error] { handler(make_error_code(error), {}); });
  }

  static void finish(const RequestPtr& request, std::error_code ec, Reply reply) {
    if (!request->handler) return;
    auto handler = std::move(request->handler);
    request->handler = nullptr;
    handler(ec, std::move(reply));
  }

  boost::asio::any_io_executor executor_;
  ClientOptions options_;
  ConnectionOptions connectionOptions_;
  std::shared_ptr<ClusterTopology> topology_;
  std::map<std::string, NodePtr> nodes_;
  std::deque<RequestPtr> waiting_;  // sent before the first slot map arrived
  std::deque<MastersRequest> waitingMasters_;
  std::vector<RequestPtr> retry_;  // after TRYAGAIN / CLUSTERDOWN / an unserved slot
  Backoff retryBackoff_;
  boost::asio::steady_timer retryTimer_;
  bool retryArmed_ = false;
  bool patched_ = false;  // MOVED changed the map since the last refresh
  log::RepeatedEvent movedLog_{log::Level::Info};
  bool started_ = false;
  bool closed_ = false;
  Connection::StateHandler stateHandler_;
};

}  // namespace

std::shared_ptr<Client> createClusterClient(boost::asio::any_io_executor executor,
                                            ClientOptions options, ConnectionOptions connection) {
  auto client = std::make_shared<ClusterClient>(std::move(executor), std::move(options),
                                                std::move(connection));
  client->init();
  return client;
}

}  // namespace sio::redis
