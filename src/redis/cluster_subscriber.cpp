// The cluster subscriber (see cluster_subscriber.hpp). Every wanted name has a Placement
// that knows the node it is placed on; reconcile() carries out what planPlacements()
// decides for names whose node is no longer right (subscription_placement.hpp).
// One Subscriber per node does the pub/sub work (its own reconnection and resubscription
// included); a node's Subscriber is closed once nothing is placed on it.
#include "cluster_subscriber.hpp"

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <map>
#include <set>

#include "cluster_topology.hpp"
#include "subscription_placement.hpp"

namespace sio::redis {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kRefreshInterval{5000};
constexpr std::chrono::milliseconds kTick{500};
// The node holding plain channels and patterns is replaced when down this long.
constexpr std::chrono::milliseconds kMoveAfter{1500};

class ClusterSubscriber final : public Subscriber,
                                public std::enable_shared_from_this<ClusterSubscriber> {
 public:
  ClusterSubscriber(boost::asio::any_io_executor executor, ClientOptions options,
                    ConnectionOptions connection)
      : executor_(executor),
        options_(std::move(options)),
        connectionOptions_(std::move(connection)),
        backoff_(connectionOptions_.backoff),
        tickTimer_(executor),
        retryTimer_(executor) {}

  ~ClusterSubscriber() override { shutdown(); }

  // After make_shared: the topology calls back through a weak pointer.
  void init() {
    ClusterTopology::Options topologyOptions;
    for (const auto& text : options_.urls)
      if (auto url = parseRedisUrl(text))
        topologyOptions.seeds.push_back(NodeAddress{url->host, url->port});
    topologyOptions.refreshInterval = kRefreshInterval;
    topologyOptions.askTimeout =
        std::min(connectionOptions_.connectTimeout, std::chrono::milliseconds(2000));
    topologyOptions.backoff = connectionOptions_.backoff;
    std::weak_ptr<ClusterSubscriber> weak = weak_from_this();
    topology_ = std::make_shared<ClusterTopology>(
        executor_, std::move(topologyOptions),
        [weak](const NodeAddress& address, bool create) -> std::shared_ptr<Connection> {
          auto self = weak.lock();
          return self && !self->closed_ ? self->queryConnection(address, create) : nullptr;
        });
    topology_->onUpdate([weak](bool) {
      auto self = weak.lock();
      if (!self || self->closed_) return;
      self->reconcile();
      self->cleanupSoon();
    });
    topology_->onState([weak](ConnectionState, std::error_code) {
      if (auto self = weak.lock()) self->updateState();
    });
  }

  void start() override {
    if (started_ || closed_) return;
    started_ = true;
    topology_->start();
    armTick();
    updateState();
  }

  void close() override {
    if (closed_) return;
    shutdown();
    updateState();
    onMessage_ = nullptr;
    onResubscribed_ = nullptr;
    onState_ = nullptr;
  }

  void subscribe(Kind kind, std::vector<std::string> names, DoneHandler done) override {
    if (closed_) return post(std::move(done), make_error_code(Errc::Closed));
    auto waiter = std::make_shared<Waiter>();
    waiter->done = std::move(done);
    for (const auto& name : names) {
      sets_[index(kind)].insert(name);
      Entry& entry = entries_[index(kind)][name];
      if (entry.active) continue;
      entry.waiters.push_back(waiter);
      ++waiter->remaining;
    }
    if (waiter->remaining == 0) return post(std::move(waiter->done), {});
    reconcile();
  }

  void unsubscribe(Kind kind, std::vector<std::string> names, DoneHandler done) override {
    if (closed_) return post(std::move(done), make_error_code(Errc::Closed));
    std::map<std::pair<std::string, int>, std::vector<std::string>> groups;  // node, slot
    for (const auto& name : names) {
      sets_[index(kind)].erase(name);
      auto found = entries_[index(kind)].find(name);
      if (found == entries_[index(kind)].end()) continue;
      Entry entry = std::move(found->second);
      entries_[index(kind)].erase(found);
      complete(entry, {});
      auto node = subs_.find(entry.node);
      if (node != subs_.end() && node->second->sub->subscriptions(kind).count(name))
        groups[{entry.node, slotOf(kind, name)}].push_back(name);
    }
    if (groups.empty()) {
      cleanupSoon();
      return post(std::move(done), {});
    }
    auto waiter = std::make_shared<Waiter>(Waiter{groups.size(), {}, std::move(done)});
    std::weak_ptr<ClusterSubscriber> weak = weak_from_this();
    for (auto& [group, list] : groups) {
      NodeSubPtr node = subs_[group.first];
      ++node->busy;
      node->sub->unsubscribe(kind, std::move(list), [weak, node, waiter](std::error_code ec) {
        --node->busy;
        if (ec && !waiter->ec) waiter->ec = ec;
        if (--waiter->remaining == 0 && waiter->done)
          std::exchange(waiter->done, nullptr)(waiter->ec);
        if (auto self = weak.lock()) self->cleanupSoon();
      });
    }
  }

  void onMessage(MessageHandler handler) override { onMessage_ = std::move(handler); }
  void onResubscribed(std::function<void()> handler) override {
    onResubscribed_ = std::move(handler);
  }
  void onState(Connection::StateHandler handler) override { onState_ = std::move(handler); }
  const std::set<std::string>& subscriptions(Kind kind) const override {
    return sets_[index(kind)];
  }
  uint64_t gaps() const override { return gaps_; }
  ConnectionState state() const override { return state_; }

 private:
  using Waiter = PlacementWaiter;
  using WaiterPtr = std::shared_ptr<Waiter>;
  using Entry = Placement;

  struct NodeSub {
    NodeAddress address;
    std::shared_ptr<Subscriber> sub;
    bool down = true;
    Clock::time_point downSince = Clock::now();
    size_t busy = 0;  // our (un)subscriptions under way on it
  };
  using NodeSubPtr = std::shared_ptr<NodeSub>;

  struct Pass {
    size_t remaining = 0;
    bool moved = false;
  };

  static size_t index(Kind kind) { return static_cast<size_t>(kind); }
  static int slotOf(Kind kind, const std::string& name) { return placementSlot(kind, name); }

  void post(DoneHandler done, std::error_code ec) {
    if (done) boost::asio::post(executor_, [done = std::move(done), ec] { done(ec); });
  }

  static void complete(Entry& entry, std::error_code ec) {
    auto waiters = std::move(entry.waiters);
    entry.waiters.clear();
    for (auto& waiter : waiters) {
      if (ec && !waiter->ec) waiter->ec = ec;
      if (--waiter->remaining == 0 && waiter->done)
        std::exchange(waiter->done, nullptr)(waiter->ec);
    }
  }

  ConnectionOptions optionsFor(const NodeAddress& address) const {
    ConnectionOptions options = connectionOptions_;
    options.url.host = address.host;
    options.url.port = address.port;
    options.resolveAddress = nullptr;
    options.requireMaster = false;
    return options;
  }

  std::shared_ptr<Connection> queryConnection(const NodeAddress& address, bool create) {
    auto found = queries_.find(address.key());
    if (found != queries_.end()) return found->second.second;
    if (!create) return nullptr;
    auto connection = Connection::create(executor_, optionsFor(address));
    queries_[address.key()] = {address, connection};
    connection->start();
    return connection;
  }

  NodeSubPtr subFor(const NodeAddress& address) {
    auto found = subs_.find(address.key());
    if (found != subs_.end()) return found->second;
    auto node = std::make_shared<NodeSub>();
    node->address = address;
    node->sub = Subscriber::create(executor_, optionsFor(address));
    subs_[address.key()] = node;
    std::weak_ptr<ClusterSubscriber> weak = weak_from_this();
    std::weak_ptr<NodeSub> weakNode = node;
    node->sub->onMessage([weak](const PubSubMessage& message) {
      auto self = weak.lock();
      if (self && !self->closed_ && self->onMessage_) self->onMessage_(message);
    });
    node->sub->onResubscribed([weak] {
      auto self = weak.lock();
      if (!self || self->closed_) return;
      self->reportGap();
      self->topology_->refresh();  // its slots may have moved while it was away
    });
    node->sub->onState([weak, weakNode](ConnectionState state, std::error_code) {
      auto self = weak.lock();
      auto target = weakNode.lock();
      if (self && target && !self->closed_) self->onNodeState(*target, state);
    });
    node->sub->onServerUnsubscribe([weak, weakNode](Kind kind, const std::string& name) {
      auto self = weak.lock();
      auto target = weakNode.lock();
      if (self && target && !self->closed_) self->onDropped(*target, kind, name);
    });
    node->sub->start();
    return node;
  }

  void onNodeState(NodeSub& node, ConnectionState state) {
    bool down = state != ConnectionState::Ready;
    if (down && !node.down) node.downSince = Clock::now();
    node.down = down;
    if (state == ConnectionState::Reconnecting) topology_->refresh();
    updateState();
  }

  // Redis dropped `name` at `node` (its slot moved): place it anew after a map refresh.
  void onDropped(NodeSub& node, Kind kind, const std::string& name) {
    auto found = entries_[index(kind)].find(name);
    if (found != entries_[index(kind)].end() && found->second.node == node.address.key()) {
      found->second.node.clear();
      found->second.active = false;
    }
    topology_->refresh();
  }

  void chooseMainNode(const SlotMap& map) {
    main_ = redis::chooseMainNode(
        map, main_,
        [this](const std::string& key) -> std::optional<NodeHealth> {
          auto found = subs_.find(key);
          if (found == subs_.end()) return std::nullopt;
          return NodeHealth{found->second->down, found->second->downSince};
        },
        Clock::now(), kMoveAfter);
  }

  // Compares placements with the slot map (and the node chosen for plain channels): a name
  // whose node is no longer right is unsubscribed there (when that node's Subscriber still
  // has it) and subscribed at the right one, in batches per node, kind and slot. Runs when
  // the map is refreshed, on a short tick, and after Redis dropped a sharded channel
  // (`sunsubscribe` from the old owner of a moved slot); a refused subscription (e.g. MOVED
  // on a stale map) is forgotten and tried again after a map refresh with backoff.
  void reconcile() {
    if (closed_ || !started_) return;
    const SlotMap* map = topology_->map();
    if (!map) return;
    if (!entries_[index(Kind::Channel)].empty() || !entries_[index(Kind::Pattern)].empty())
      chooseMainNode(*map);

    PlacementPlan plan = planPlacements(
        entries_, *map, main_,
        [this](const std::string& key, Kind kind, const std::string& name) {
          auto node = subs_.find(key);
          return node != subs_.end() && node->second->sub->subscriptions(kind).count(name) > 0;
        },
        tokens_);
    std::weak_ptr<ClusterSubscriber> weak = weak_from_this();
    for (auto& batch : plan.leave) {
      NodeSubPtr node = subs_[batch.nodeKey];
      ++node->busy;
      node->sub->unsubscribe(batch.kind, std::move(batch.names), [weak, node](std::error_code) {
        --node->busy;
        if (auto self = weak.lock()) self->cleanupSoon();
      });
    }
    if (plan.join.empty()) return cleanupSoon();
    auto pass = std::make_shared<Pass>(Pass{plan.join.size(), false});
    for (auto& batch : plan.join) {
      Kind kind = batch.kind;
      NodeSubPtr node = subFor(batch.node);
      ++node->busy;
      node->sub->subscribe(
          kind, batch.names,
          [weak, node, kind, names = batch.names, tokens = batch.tokens, pass](std::error_code ec) {
            --node->busy;
            auto self = weak.lock();
            if (self && !self->closed_) self->onPlaced(node, kind, names, tokens, ec, *pass);
          });
    }
    cleanupSoon();
    updateState();
  }

  void onPlaced(const NodeSubPtr& node, Kind kind, const std::vector<std::string>& names,
                const std::vector<uint64_t>& tokens, std::error_code ec, Pass& pass) {
    std::vector<std::string> refused;
    for (size_t i = 0; i < names.size(); ++i) {
      auto found = entries_[index(kind)].find(names[i]);
      if (found == entries_[index(kind)].end()) continue;
      Entry& entry = found->second;
      if (entry.token != tokens[i] || entry.node != node->address.key()) continue;
      if (ec) {
        entry.node.clear();
        entry.active = false;
        if (++entry.failures > options_.maxRedirects) complete(entry, ec);
        if (node->sub->subscriptions(kind).count(names[i])) refused.push_back(names[i]);
      } else {
        if (entry.everActive) pass.moved = true;
        entry.active = entry.everActive = true;
        entry.failures = 0;
        complete(entry, {});
      }
    }
    if (ec) {
      if (!refused.empty()) {  // forget them there too, or that node would resubscribe them
        ++node->busy;
        std::weak_ptr<ClusterSubscriber> weak = weak_from_this();
        node->sub->unsubscribe(kind, std::move(refused), [weak, node](std::error_code) {
          --node->busy;
          if (auto self = weak.lock()) self->cleanupSoon();
        });
      }
      scheduleRetry();
    } else if (!retryArmed_) {
      backoff_.reset();
    }
    if (--pass.remaining == 0 && pass.moved) reportGap();
    cleanupSoon();
    updateState();
  }

  // Refreshes the map after a backoff delay; the refresh places what is unplaced.
  void scheduleRetry() {
    if (retryArmed_ || closed_) return;
    retryArmed_ = true;
    retryTimer_.expires_after(backoff_.next());
    retryTimer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
      auto self = weak.lock();
      if (!self || ec || self->closed_) return;
      self->retryArmed_ = false;
      self->topology_->refresh();
    });
  }

  void armTick() {
    tickTimer_.expires_after(kTick);
    tickTimer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
      auto self = weak.lock();
      if (!self || ec || self->closed_) return;
      self->reconcile();
      self->armTick();
    });
  }

  void reportGap() {
    ++gaps_;
    if (onResubscribed_) {
      auto handler = onResubscribed_;
      handler();
    }
  }

  void cleanupSoon() {
    if (cleanupPosted_ || closed_) return;
    cleanupPosted_ = true;
    boost::asio::post(executor_, [weak = weak_from_this()] {
      auto self = weak.lock();
      if (!self || self->closed_) return;
      self->cleanupPosted_ = false;
      self->cleanup();
    });
  }

  // Closes node Subscribers nothing is placed on, and query connections to nodes that left
  // the map and are down.
  void cleanup() {
    std::set<std::string> used;
    for (const auto& entries : entries_)
      for (const auto& [name, entry] : entries)
        if (!entry.node.empty()) used.insert(entry.node);
    for (auto it = subs_.begin(); it != subs_.end();) {
      const NodeSubPtr& node = it->second;
      bool empty = true;
      for (Kind kind : {Kind::Channel, Kind::Pattern, Kind::Shard})
        if (!node->sub->subscriptions(kind).empty()) empty = false;
      if (node->busy == 0 && empty && !used.count(it->first)) {
        auto sub = node->sub;
        it = subs_.erase(it);
        sub->close();
      } else {
        ++it;
      }
    }
    if (const SlotMap* map = topology_->map()) {
      for (auto it = queries_.begin(); it != queries_.end();) {
        auto& [address, connection] = it->second;
        if (!map->knows(address) && connection->state() != ConnectionState::Ready) {
          auto closing = connection;
          it = queries_.erase(it);
          closing->close();
        } else {
          ++it;
        }
      }
    }
    updateState();
  }

  void updateState() {
    ConnectionState state;
    if (closed_) {
      state = ConnectionState::Closed;
    } else if (!started_) {
      state = ConnectionState::Idle;
    } else {
      bool up = topology_->map() != nullptr;
      for (const auto& [key, node] : subs_)
        if (node->down) up = false;
      state = up           ? ConnectionState::Ready
              : everReady_ ? ConnectionState::Reconnecting
                           : ConnectionState::Connecting;
    }
    if (state == state_) return;
    state_ = state;
    if (state == ConnectionState::Ready) everReady_ = true;
    if (onState_) {
      auto handler = onState_;
      handler(state, {});
    }
  }

  void shutdown() {
    if (closed_) return;
    closed_ = true;
    if (topology_) topology_->close();
    tickTimer_.cancel();
    retryTimer_.cancel();
    std::vector<WaiterPtr> waiters;
    for (auto& entries : entries_)
      for (auto& [name, entry] : entries)
        waiters.insert(waiters.end(), entry.waiters.begin(), entry.waiters.end());
    auto subs = std::move(subs_);
    auto queries = std::move(queries_);
    subs_.clear();
    queries_.clear();
    for (auto& [key, node] : subs) node->sub->close();
    for (auto& [key, query] : queries) query.second->close();
    for (auto& waiter : waiters)
      if (waiter->done) post(std::exchange(waiter->done, nullptr), make_error_code(Errc::Closed));
  }

  boost::asio::any_io_executor executor_;
  ClientOptions options_;
  ConnectionOptions connectionOptions_;
  Backoff backoff_;
  boost::asio::steady_timer tickTimer_;
  boost::asio::steady_timer retryTimer_;
  std::shared_ptr<ClusterTopology> topology_;
  std::array<std::map<std::string, Entry>, 3> entries_;
  std::array<std::set<std::string>, 3> sets_;
  std::map<std::string, NodeSubPtr> subs_;
  std::map<std::string, std::pair<NodeAddress, std::shared_ptr<Connection>>>
      queries_;                      // CLUSTER SLOTS
  std::optional<NodeAddress> main_;  // where plain channels and patterns go
  uint64_t tokens_ = 0;
  uint64_t gaps_ = 0;
  bool retryArmed_ = false;
  bool cleanupPosted_ = false;
  bool started_ = false;
  bool closed_ = false;
  bool everReady_ = false;
  ConnectionState state_ = ConnectionState::Idle;
  MessageHandler onMessage_;
  std::function<void()> onResubscribed_;
  Connection::StateHandler onState_;
};

}  // namespace

std::shared_ptr<Subscriber> createClusterSubscriber(boost::asio::any_io_executor executor,
                                                    ClientOptions options,
                                                    ConnectionOptions connection) {
  auto subscriber = std::make_shared<ClusterSubscriber>(std::move(executor), std::move(options),
                                                        std::move(connection));
  subscriber->init();
  return subscriber;
}

}  // namespace sio::redis
