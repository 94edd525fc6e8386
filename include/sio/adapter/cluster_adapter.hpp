// The base of every cluster adapter (socket.io-adapter 2.5's ClusterAdapter): it turns
// each Adapter operation into a cluster message, keeps the requests that wait for other
// nodes' responses (fetchSockets, serverSideEmit with ack, broadcast with acks) with their
// timeouts, and carries out the messages other nodes send. A Redis adapter only says how a
// message is published (doPublish, which may return an offset) and how a response reaches
// its requester (doPublishResponse), and feeds what it receives to onMessage.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "sio/adapter/adapter.hpp"
#include "sio/adapter/cluster_message.hpp"
#include "sio/adapter/pending_requests.hpp"
#include "sio/log.hpp"

namespace sio {

class ClusterAdapter : public Adapter {
 public:
  using PublishDone = std::function<void(std::error_code, std::string offset)>;

  explicit ClusterAdapter(AdapterHost& nsp, std::string uid = randomHexId());
  ~ClusterAdapter() override;

  const std::string& uid() const { return uid_; }
  // A message this adapter published came back (a stream is read by every node, the
  // writer included): counted as received and ignored, nothing decoded.
  void countOwnMessage() {
    ++stats_.received;
    ++stats_.ignored;
  }

  void close() override;
  void whenIdle(std::function<void()> done) override;
  void broadcast(protocol::Packet packet, const BroadcastOptions& opts) override;
  void broadcastWithAck(protocol::Packet packet, const BroadcastOptions& opts,
                        std::function<void(size_t)> onClientCount,
                        std::function<void(Value)> onResponse) override;
  void fetchSockets(const BroadcastOptions& opts, FetchCallback done) override;
  void addSockets(const BroadcastOptions& opts, const std::vector<Room>& rooms) override;
  void delSockets(const BroadcastOptions& opts, const std::vector<Room>& rooms) override;
  void disconnectSockets(const BroadcastOptions& opts, bool close) override;
  void serverSideEmit(Args args, AckCallback ack) override;
  // The classic adapter's requests through the cluster model: sockets and allRooms from a
  // FETCH_SOCKETS of every node; remote* only for a socket of this node (NotSupported
  // otherwise: there is no message that answers whether a socket exists elsewhere).
  void requestAllRooms(Completion<std::set<Room>> done) override;
  void requestSockets(std::set<Room> rooms, Completion<std::set<SocketId>> done) override;
  void requestRemoteJoin(SocketId id, Room room, Completion<> done) override;
  void requestRemoteLeave(SocketId id, Room room, Completion<> done) override;
  void requestRemoteDisconnect(SocketId id, bool close, Completion<> done) override;

  // Counters for health reporting.
  using Stats = AdapterStats;
  std::optional<AdapterStats> stats() const override {
    AdapterStats copy = stats_;
    copy.subscriptionGaps = gapCount();
    return copy;
  }
  const Stats& counters() const { return stats_; }

 protected:
  // Pub/sub adapters: how many subscription gaps their subscriber saw.
  virtual uint64_t gapCount() const { return 0; }
  // Publishes to every node; `done` gets the offset (stream entry id) or "" (pub/sub).
  virtual void doPublish(ClusterMessage message, PublishDone done) = 0;
  virtual void doPublishResponse(const std::string& requesterUid, ClusterMessage response) = 0;

  // A message from another node (its own are ignored here), with its offset if any.
  void onMessage(ClusterMessage message, const std::string& offset = {});

  // Hooks of the heartbeat variant (ClusterAdapterWithHeartbeat):
  // the peers a request must hear from (nullopt: count serverCount() - 1 responses);
  virtual std::optional<std::set<std::string>> expectedResponders() { return std::nullopt; }
  // every message from another node of this namespace, first; true when consumed;
  virtual bool onPeerMessage(const ClusterMessage&) { return false; }
  // after each publish of this node's own messages (not responses).
  virtual void onPublished() {}
  // A peer left: requests stop waiting for it (and complete if it was the last).
  void forgetResponder(const std::string& uid);
  // Publishes a message of this node (e.g. a heartbeat, without data).
  void publishMessage(MessageType type, std::optional<Value> data, PublishDone done = {});

  // A write to Redis that whenIdle() waits for: keep the token until it is answered.
  std::shared_ptr<void> beginWrite();

  void countMalformed() {
    ++stats_.malformed;
    malformedLog_.record(
        [this] { return "adapter " + nsp_.name() + ": a malformed cluster message was skipped"; });
  }
  static constexpr std::chrono::milliseconds kDefaultTimeout{5000};

  // Hooks for adapters whose reference differs from socket.io-adapter's ClusterAdapter
  // (the classic Redis adapter): how long fetchSockets and serverSideEmit wait, the
  // message a timed-out request fails with, and whether broadcasts carry offsets (CSR).
  virtual std::chrono::milliseconds fetchSocketsTimeout(const BroadcastOptions& opts) const {
    return opts.flags.timeout.value_or(kDefaultTimeout);
  }
  virtual std::chrono::milliseconds serverSideEmitTimeout() const { return kDefaultTimeout; }
  virtual std::string requestTimeoutMessage(MessageType type, size_t received,
                                            size_t expected) const;
  virtual bool appendsOffsets() const { return true; }

 private:
  struct Request {  // fetchSockets or serverSideEmit with ack, waiting for other nodes
    MessageType type;
    std::vector<SocketDetails> sockets;  // fetchSockets: local ones first
    Args responses;                      // serverSideEmit
    FetchCallback fetchDone;
    AckCallback ackDone;
    std::optional<std::set<std::string>> missing;  // heartbeat variant: who has not answered
  };
  struct AckRequest {  // broadcast with acks: other nodes' counts and client responses
    std::function<void(size_t)> onClientCount;
    std::function<void(Value)> onResponse;
  };

  void publish(MessageType type, Value data, PublishDone done = {});
  // Registers a request waiting for `expected` responses (from the `missing` peers, when
  // known), with its timeout, and publishes it.
  void startRequest(Request request, size_t expected, std::optional<std::set<std::string>> missing,
                    std::chrono::milliseconds timeout, Value data);
  // Whether `responder`'s answer counts: any answer, or one from a peer still missing.
  static bool countsAnswer(Request& request, const std::string& responder);
  void publishResponse(const std::string& requesterUid, MessageType type, Value data);
  void onResponse(ClusterMessage response);
  void onBroadcast(ClusterMessage message, const std::string& offset);
  void onFetchSockets(const ClusterMessage& message);
  void onServerSideEmit(ClusterMessage message);
  // A request ended (PendingRequests' Finish): its callback, with the error of a timeout
  // or of close().
  void endRequest(Request request, RequestOutcome outcome, RequestProgress progress);
  void addOffset(protocol::Packet& packet, const BroadcastOptions& opts,
                 const std::string& offset) const;

  std::string uid_;
  PendingRequests<Request> requests_;
  // Nothing tells this node when every client answered: forgotten at the timeout.
  PendingRequests<AckRequest> ackRequests_;
  Stats stats_;
  // Writes not yet answered, and who waits for there to be none (shared with the tokens,
  // which may outlive this adapter).
  struct Writes {
    size_t pending = 0;
    std::vector<std::function<void()>> idleWaiters;
  };
  std::shared_ptr<Writes> writes_ = std::make_shared<Writes>();
  log::RepeatedEvent malformedLog_{log::Level::Warn};
  log::RepeatedEvent publishFailureLog_{log::Level::Warn};
  log::RepeatedEvent timeoutLog_{log::Level::Warn};
};

}  // namespace sio
