// The classic Redis adapter of one namespace (@socket.io/redis-adapter 8.3's RedisAdapter,
// spec §4) on the ClusterAdapter base: the base keeps requests, acks and timeouts; this
// class maps its messages onto the classic channels and encodings (classic_codec), answers
// what the cluster model has no word for (ALL_ROOMS, SOCKETS and the legacy sid forms of
// REMOTE_JOIN/LEAVE/DISCONNECT), and counts servers with PUBSUB NUMSUB.
#pragma once

#include "../redis_link_stats.hpp"
#include "classic_codec.hpp"
#include "classic_connect_hold.hpp"
#include "pubsub_hub.hpp"
#include "sio/adapter/cluster_adapter.hpp"

namespace sio::adapters::pubsub {

class RedisAdapter final : public ClusterAdapter, public RedisAdapterApi {
 public:
  RedisAdapter(AdapterHost& nsp, std::shared_ptr<PubSubHub> hub,
               std::shared_ptr<const RedisAdapterOptions> options);
  ~RedisAdapter() override;

  void init() override;
  void close() override;
  void whenReady(std::function<void()> ready) override;
  void prepareConnect(const SocketId& id, std::function<void()> proceed) override;
  void addAll(const SocketId& id, const std::vector<Room>& rooms) override;
  void delAll(const SocketId& id) override;
  void serverCount(std::function<void(size_t)> done) override;

  void allRooms(RoomsCallback done) override;
  using ClusterAdapter::sockets;  // the local lookup, next to the cluster-wide one
  void sockets(std::set<Room> rooms, SocketIdsCallback done) override;
  void remoteJoin(SocketId id, Room room, DoneCallback done) override;
  void remoteLeave(SocketId id, Room room, DoneCallback done) override;
  void remoteDisconnect(SocketId id, bool close, DoneCallback done) override;
  // The same requests through the Adapter interface (completion tokens, no cast).
  void requestAllRooms(Completion<std::set<Room>> done) override;
  void requestSockets(std::set<Room> rooms, Completion<std::set<SocketId>> done) override;
  void requestRemoteJoin(SocketId id, Room room, Completion<> done) override;
  void requestRemoteLeave(SocketId id, Room room, Completion<> done) override;
  void requestRemoteDisconnect(SocketId id, bool close, Completion<> done) override;
  const std::string& adapterUid() const override { return uid(); }
  const std::string& prefix() const override { return options_->key; }
  std::chrono::milliseconds requestsTimeout() const override { return options_->requestsTimeout; }
  uint64_t subscriptionGaps() const override { return hub_->stats().gaps; }
  uint64_t malformedMessages() const override { return counters().malformed; }
  std::optional<bool> linkUp() const override { return hub_->client().ready(); }
  std::optional<AdapterStats> stats() const override {
    return withRedisLink(*ClusterAdapter::stats(), hub_->client());
  }

 protected:
  uint64_t gapCount() const override { return hub_->stats().gaps; }
  void doPublish(ClusterMessage message, PublishDone done) override;
  void doPublishResponse(const std::string& requesterUid, ClusterMessage response) override;
  std::chrono::milliseconds fetchSocketsTimeout(const BroadcastOptions&) const override {
    return options_->requestsTimeout;
  }
  std::chrono::milliseconds serverSideEmitTimeout() const override {
    return options_->requestsTimeout;
  }
  std::string requestTimeoutMessage(MessageType type, size_t received,
                                    size_t expected) const override;
  bool appendsOffsets() const override { return false; }  // the classic adapter has no CSR
  void roomCreated(const Room& room) override;
  void roomDeleted(const Room& room) override;

 private:
  struct RoomsRequest {    // allRooms, waiting for the other nodes
    std::set<Room> rooms;  // this node's own first
    RoomsCallback done;
  };
  // A legacy request of this node (classic_legacy_requests.cpp): SOCKETS, waiting for every other
  // node, or a sid form of REMOTE_JOIN/LEAVE/DISCONNECT, waiting for the node of the sid.
  struct LegacyRequest {
    ClassicType type = ClassicType::Sockets;
    std::set<SocketId> sockets;
    SocketIdsCallback done;
  };

  PubSubHub::Handler handler(void (RedisAdapter::*method)(const redis::PubSubMessage&));
  void onBroadcastChannel(const redis::PubSubMessage& message);
  void onRequestChannel(const redis::PubSubMessage& message);
  void onResponseChannel(const redis::PubSubMessage& message);
  // Requests the cluster model has no word for; true when handled.
  bool onClassicRequest(const Value& request);
  void publishClassicResponse(const Value& request, std::string payload);
  void publish(const std::string& channel, std::string payload);
  static void endRoomsRequest(RoomsRequest request, RequestOutcome outcome);
  void remoteSocketRequest(ClassicType type, SocketId id, Value::Member argument,
                           DoneCallback done);
  // Publishes `request` (JSON) and waits for `expected` answers until requestsTimeout.
  void startLegacyRequest(const std::string& requestId, const Value& request, LegacyRequest pending,
                          size_t expected);
  // True when the response belonged to a legacy request of this node.
  bool onLegacyResponse(const std::string& requestId, const Value& response);
  static void endLegacyRequest(LegacyRequest request, RequestOutcome outcome);
  void markSubscribed();
  std::weak_ptr<RedisAdapter> weakSelf() {
    return std::static_pointer_cast<RedisAdapter>(shared_from_this());
  }
  // The broadcast subscription (the pattern, or `key#nsp#` and the rooms' channels with
  // subscribeToLocalRoomsOnly): taken while the namespace has local sockets or sockets
  // waiting to connect, dropped otherwise (unsubscribeWhenEmpty). ConnectHold decides when.
  std::vector<std::string> broadcastNames() const;
  redis::Subscriber::Kind broadcastKind() const;
  // What ConnectHold asks for, on the hub and a timer of this namespace.
  class HoldEffects final : public ConnectHold::Effects {
   public:
    explicit HoldEffects(RedisAdapter& adapter) : adapter_(adapter) {}
    void subscribeBroadcasts(uint64_t generation) override;
    void unsubscribeBroadcasts() override;
    void subscribeOwnRoom(const SocketId& id) override;
    void unsubscribeOwnRoom(const SocketId& id) override;
    void startHoldTimer() override;
    void stopHoldTimer() override;
    bool hasLocalSockets() const override;
    bool linkReady() const override;

   private:
    RedisAdapter& adapter_;
  };

  std::shared_ptr<PubSubHub> hub_;
  std::shared_ptr<const RedisAdapterOptions> options_;
  RedisAdapterParser parser_;
  ClassicChannels channels_;
  std::vector<std::string> requestChannels_;  // request, response, specific response
  PendingRequests<RoomsRequest> roomsRequests_;
  PendingRequests<LegacyRequest> legacyRequests_;
  int pendingSubscriptions_ = 2;
  HoldEffects holdEffects_{*this};
  ConnectHold hold_;
  std::function<void()> initialListen_;      // init()'s, on the first broadcast subscription
  std::unique_ptr<RequestTimer> holdTimer_;  // no socket is held longer than requestsTimeout
  bool closed_ = false;
  std::vector<std::function<void()>> readyWaiters_;
};

}  // namespace sio::adapters::pubsub
