// The sharded Redis adapter of one namespace (@socket.io/redis-adapter 8.3's
// ShardedRedisAdapter, spec §4.6): a ClusterAdapter without heartbeats whose messages go
// over SPUBLISH to the namespace's channel (or a room's channel), responses to the
// requester's channel, and which, in the dynamic modes, subscribes to the channel of each
// room while it has local members.
#pragma once

#include <set>

#include "../redis_link_stats.hpp"
#include "pubsub_hub.hpp"
#include "sharded_codec.hpp"
#include "sio/adapter/cluster_adapter.hpp"

namespace sio::adapters::pubsub {

class ShardedRedisAdapter final : public ClusterAdapter {
 public:
  ShardedRedisAdapter(AdapterHost& nsp, std::shared_ptr<PubSubHub> hub,
                      std::shared_ptr<const RedisShardedOptions> options);
  ~ShardedRedisAdapter() override;

  void init() override;
  void close() override;
  void whenReady(std::function<void()> ready) override;
  void serverCount(std::function<void(size_t)> done) override;
  std::optional<bool> linkUp() const override { return hub_->client().ready(); }
  std::optional<AdapterStats> stats() const override {
    return withRedisLink(*ClusterAdapter::stats(), hub_->client());
  }

 protected:
  uint64_t gapCount() const override { return hub_->stats().gaps; }
  void doPublish(ClusterMessage message, PublishDone done) override;
  void doPublishResponse(const std::string& requesterUid, ClusterMessage response) override;
  void roomCreated(const Room& room) override;
  void roomDeleted(const Room& room) override;

 private:
  PubSubHub::Handler handler();
  void onShardMessage(const redis::PubSubMessage& message);
  // In `dynamic`, public rooms only (not a local socket's own id); in `dynamic-private`, all.
  bool hasOwnChannel(const Room& room) const;
  void spublish(const std::string& channel, std::string payload);

  std::shared_ptr<PubSubHub> hub_;
  std::shared_ptr<const RedisShardedOptions> options_;
  ShardedChannels channels_;
  std::string privateChannel_;
  std::set<std::string> roomChannels_;  // dynamic room channels subscribed
  int pendingSubscriptions_ = 2;
  bool closed_ = false;
  std::vector<std::function<void()>> readyWaiters_;
};

}  // namespace sio::adapters::pubsub
