// The Redis Streams adapter of one namespace. Protocol 0.3 (Gen B): durable messages are
// XADDed to the namespace's stream, requests and responses go over pub/sub, serverCount by
// PUBSUB NUMSUB. Protocol 0.2 (Gen A): everything, responses and heartbeats included, goes
// through the one stream, and the server count comes from heartbeats. Sessions are kept
// in Redis for recovery in both.
#pragma once

#include "sio/adapter/cluster_adapter_with_heartbeat.hpp"
#include "stream_publisher.hpp"
#include "streams_hub.hpp"

namespace sio::adapters::streams {

class RedisStreamsAdapter final : public ClusterAdapterWithHeartbeat {
 public:
  RedisStreamsAdapter(AdapterHost& nsp, std::shared_ptr<StreamsHub> hub);
  ~RedisStreamsAdapter() override;

  void init() override;
  void close() override;
  void whenReady(std::function<void()> ready) override;
  void serverCount(std::function<void(size_t)> done) override;
  void persistSession(SessionToPersist session) override;
  void restoreSession(const std::string& pid, const std::string& offset,
                      RestoreCallback done) override;
  std::optional<bool> linkUp() const override { return hub_->client().ready(); }
  std::optional<AdapterStats> stats() const override;

  const std::string& stream() const { return stream_; }

 protected:
  void doPublish(ClusterMessage message, PublishDone done) override;
  void doPublishResponse(const std::string& requesterUid, ClusterMessage response) override;

 private:
  void publishOnChannel(const std::string& channel, const ClusterMessage& message);
  void readMissedPackets(std::shared_ptr<RestoredSession> session, std::string after, size_t page,
                         RestoreCallback done);
  void markReady();

  std::shared_ptr<StreamsHub> hub_;
  uint64_t hubTicket_ = 0;  // this namespace's route in the hub
  std::shared_ptr<StreamPublisher> publisher_;
  std::string nspName_;  // kept: the namespace may be gone when this adapter is
  std::string stream_;
  std::string publicChannel_, privateChannel_;
  bool subscribed_ = false, readerReady_ = false, closed_ = false;
  std::vector<std::function<void()>> readyWaiters_;
};

}  // namespace sio::adapters::streams
