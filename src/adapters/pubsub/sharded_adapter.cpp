// Sharded Redis adapter of one namespace: SSUBSCRIBE of its two channels (one command per
// channel, as Node: they may live in different slots), room channels following local room
// membership in the dynamic modes, SPUBLISH to the channel the mode picks, responses to
// the requester's channel, and SHARDNUMSUB summed over the masters.
#include "sharded_adapter.hpp"

#include "../subscriber_count.hpp"

namespace sio::adapters::pubsub {
namespace {
using Kind = redis::Subscriber::Kind;
}  // namespace

ShardedRedisAdapter::ShardedRedisAdapter(AdapterHost& nsp, std::shared_ptr<PubSubHub> hub,
                                         std::shared_ptr<const RedisShardedOptions> options)
    : ClusterAdapter(nsp),
      hub_(std::move(hub)),
      options_(std::move(options)),
      channels_(options_->channelPrefix, nsp.name()),
      privateChannel_(channels_.of(uid())) {}

ShardedRedisAdapter::~ShardedRedisAdapter() = default;

PubSubHub::Handler ShardedRedisAdapter::handler() {
  std::weak_ptr<ShardedRedisAdapter> weak =
      std::static_pointer_cast<ShardedRedisAdapter>(shared_from_this());
  return [weak](const redis::PubSubMessage& message) {
    if (auto self = weak.lock(); self && !self->closed_) self->onShardMessage(message);
  };
}

void ShardedRedisAdapter::init() {
  std::weak_ptr<ShardedRedisAdapter> weak =
      std::static_pointer_cast<ShardedRedisAdapter>(shared_from_this());
  auto subscribed = [weak](std::error_code) {
    auto self = weak.lock();
    if (!self || --self->pendingSubscriptions_ > 0) return;
    auto waiters = std::move(self->readyWaiters_);
    self->readyWaiters_.clear();
    for (auto& ready : waiters) ready();
  };
  hub_->subscribe(Kind::Shard, {channels_.main}, handler(), subscribed);
  hub_->subscribe(Kind::Shard, {privateChannel_}, handler(), subscribed);
  forEachRoom([this](const Room& room) { roomCreated(room); });
}

void ShardedRedisAdapter::whenReady(std::function<void()> ready) {
  if (pendingSubscriptions_ <= 0) return ready();
  readyWaiters_.push_back(std::move(ready));
}

void ShardedRedisAdapter::close() {
  if (closed_) return;
  ClusterAdapter::close();
  closed_ = true;
  std::vector<std::string> names{channels_.main, privateChannel_};
  names.insert(names.end(), roomChannels_.begin(), roomChannels_.end());
  roomChannels_.clear();
  for (auto& name : names) hub_->unsubscribe(Kind::Shard, {std::move(name)});
}

bool ShardedRedisAdapter::hasOwnChannel(const Room& room) const {
  switch (options_->subscriptionMode) {
    case SubscriptionMode::Static:
      return false;
    case SubscriptionMode::Dynamic:
      return !hasSocket(room);  // a local socket's id is a private room
    case SubscriptionMode::DynamicPrivate:
      return true;
  }
  return false;
}

void ShardedRedisAdapter::roomCreated(const Room& room) {
  if (closed_ || !hasOwnChannel(room)) return;
  std::string channel = channels_.of(room);
  if (roomChannels_.insert(channel).second) hub_->subscribe(Kind::Shard, {channel}, handler());
}

void ShardedRedisAdapter::roomDeleted(const Room& room) {
  // Only what was subscribed (whether the room was public is decided at creation).
  if (closed_ || !roomChannels_.erase(channels_.of(room))) return;
  hub_->unsubscribe(Kind::Shard, {channels_.of(room)});
}

void ShardedRedisAdapter::spublish(const std::string& channel, std::string payload) {
  redis::Command command{"SPUBLISH", channel};
  command.push(payload);
  hub_->client().send(channel, std::move(command));
}

void ShardedRedisAdapter::doPublish(ClusterMessage message, PublishDone done) {
  spublish(channels_.forMessage(message, options_->subscriptionMode),
           encodeShardedMessage(message));
  if (done) done({}, "");  // as Node: the offset of a pub/sub message is ""
}

void ShardedRedisAdapter::doPublishResponse(const std::string& requesterUid,
                                            ClusterMessage response) {
  spublish(channels_.of(requesterUid), encodeShardedMessage(response));
}

void ShardedRedisAdapter::onShardMessage(const redis::PubSubMessage& pubsub) {
  auto message = decodeShardedMessage(pubsub.payload);
  if (!message) return countMalformed();
  onMessage(std::move(*message));  // own messages, other namespaces: dropped by the base
}

void ShardedRedisAdapter::serverCount(std::function<void(size_t)> done) {
  countSubscribers(hub_->client(), "SHARDNUMSUB", channels_.main, std::move(done));
}

}  // namespace sio::adapters::pubsub

namespace sio::adapters {

AdapterFactory createRedisShardedAdapter(std::shared_ptr<redis::Client> client,
                                         RedisShardedOptions options) {
  auto shared = std::make_shared<const RedisShardedOptions>(std::move(options));
  auto hub = std::make_shared<pubsub::PubSubHub>(std::move(client), [shared](uint64_t gaps) {
    if (shared->onSubscriptionGap) shared->onSubscriptionGap(SubscriptionGap{gaps});
  });
  return [hub, shared](AdapterHost& nsp) -> std::shared_ptr<Adapter> {
    return std::make_shared<pubsub::ShardedRedisAdapter>(nsp, hub, shared);
  };
}

}  // namespace sio::adapters
