// Streams adapter of one namespace: which message goes where (spec §1.4), the XADD
// command (§1.5), pub/sub publishing (§1.7), NUMSUB counting (§1.10), and sessions:
// SET … PX on persist, and on restore a read-and-delete of the session with a check that
// the client's offset still exists, then the missed entries in pages (§3.2, §3.3).
#include "redis_streams_adapter.hpp"

#include "../redis_link_stats.hpp"

#include "../subscriber_count.hpp"

#include "message_codec.hpp"
#include "stream_naming.hpp"

namespace sio::adapters::streams {
namespace {

bool isStreamId(const std::string& id) {
  auto dash = id.find('-');
  auto digits = [](std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
  };
  return dash != std::string::npos && digits(std::string_view(id).substr(0, dash)) &&
         digits(std::string_view(id).substr(dash + 1));
}

bool sharesRoom(const std::vector<Room>& rooms, const RoomSet& set) {
  for (const auto& room : rooms)
    if (set.contains(room)) return true;
  return false;
}

}  // namespace

namespace {
HeartbeatOptions heartbeatOf(const RedisStreamsOptions& options) {
  return HeartbeatOptions{options.protocol == RedisStreamsProtocol::v0_2, options.heartbeatInterval,
                          options.heartbeatTimeout};
}
}  // namespace

RedisStreamsAdapter::RedisStreamsAdapter(AdapterHost& nsp, std::shared_ptr<StreamsHub> hub)
    : ClusterAdapterWithHeartbeat(nsp, heartbeatOf(hub->options())), hub_(std::move(hub)) {
  const auto& options = hub_->options();
  // Protocol 0.2 has one stream for everything.
  stream_ = heartbeatEnabled()
                ? options.streamName
                : streamForNamespace(options.streamName, options.streamCount, nsp.name());
  nspName_ = nsp.name();
  publicChannel_ = publicChannel(options.channelPrefix, nsp.name());
  privateChannel_ = privateChannel(options.channelPrefix, nsp.name(), uid());
}

RedisStreamsAdapter::~RedisStreamsAdapter() {
  if (!closed_ && hubTicket_) hub_->detach(nspName_, hubTicket_);  // never closed: unroute
}

void RedisStreamsAdapter::init() {
  auto self = std::static_pointer_cast<RedisStreamsAdapter>(shared_from_this());
  publisher_ = std::make_shared<StreamPublisher>(hub_->sharedClient(), nsp_.executor(), stream_,
                                                 uid(), hub_->options().maxLen);
  std::weak_ptr<RedisStreamsAdapter> weak = self;
  StreamsHub::Route route;
  route.uid = uid();
  route.onOwnEntry = [weak] {
    if (auto adapter = weak.lock()) adapter->countOwnMessage();
  };
  route.onEntry = [weak](ClusterMessage message, const std::string& id) {
    if (auto adapter = weak.lock()) adapter->onMessage(std::move(message), id);
  };
  hubTicket_ = hub_->attach(nspName_, stream_, std::move(route), nsp_.executor());
  hub_->reader(stream_)->whenReady([weak] {
    if (auto adapter = weak.lock()) {
      adapter->readerReady_ = true;
      adapter->markReady();
    }
  });
  if (heartbeatEnabled()) {  // protocol 0.2: no pub/sub; announce ourselves in the stream
    subscribed_ = true;
    ClusterAdapterWithHeartbeat::init();
    return;
  }
  auto pending = std::make_shared<int>(hub_->options().useShardedPubSub ? 2 : 1);
  auto subscribed = [weak, pending](std::error_code) {
    auto adapter = weak.lock();
    if (!adapter || --*pending > 0) return;
    adapter->subscribed_ = true;
    adapter->markReady();
  };
  auto onPubSub = [weak](ClusterMessage message) {
    if (auto adapter = weak.lock()) adapter->onMessage(std::move(message));
  };
  // One subscription per channel on the shared connection: NUMSUB counts this node once.
  // Sharded channels are subscribed one by one (they may live on different shards).
  using Kind = redis::Subscriber::Kind;
  if (hub_->options().useShardedPubSub) {
    hub_->subscribe(Kind::Shard, {publicChannel_}, nsp_.name(), onPubSub, subscribed);
    hub_->subscribe(Kind::Shard, {privateChannel_}, nsp_.name(), onPubSub, subscribed);
  } else {
    hub_->subscribe(Kind::Channel, {publicChannel_, privateChannel_}, nsp_.name(), onPubSub,
                    subscribed);
  }
}

void RedisStreamsAdapter::markReady() {
  if (!subscribed_ || !readerReady_) return;
  auto waiters = std::move(readyWaiters_);
  readyWaiters_.clear();
  for (auto& ready : waiters) ready();
}

void RedisStreamsAdapter::whenReady(std::function<void()> ready) {
  if (subscribed_ && readerReady_) return ready();
  readyWaiters_.push_back(std::move(ready));
}

std::optional<AdapterStats> RedisStreamsAdapter::stats() const {
  auto stats = withRedisLink(*ClusterAdapter::stats(), hub_->client());
  if (auto reader = hub_->reader(stream_)) {
    stats.streamTrimGaps = reader->stats().trimGaps;
    stats.streamLagMs = reader->stats().lagMs;
    stats.streamEntriesBehind = reader->stats().entriesBehind;
  }
  return stats;
}

void RedisStreamsAdapter::close() {
  if (closed_) return;
  closed_ = true;
  ClusterAdapterWithHeartbeat::close();  // 0.2: ADAPTER_CLOSE goes out first
  if (!heartbeatEnabled()) {
    auto kind = hub_->options().useShardedPubSub ? redis::Subscriber::Kind::Shard
                                                 : redis::Subscriber::Kind::Channel;
    hub_->unsubscribe(kind, {publicChannel_, privateChannel_});
  }
  hub_->detach(nspName_, hubTicket_);
}

void RedisStreamsAdapter::doPublish(ClusterMessage message, PublishDone done) {
  MessageType type = message.kind();
  bool withRequest = message.data && message.data->find("requestId");
  bool durable = heartbeatEnabled() || (type == MessageType::Broadcast && !withRequest) ||
                 type == MessageType::SocketsJoin || type == MessageType::SocketsLeave ||
                 type == MessageType::DisconnectSockets;
  if (!durable) {
    publishOnChannel(publicChannel_, message);
    return done({}, "");  // as Node: pub/sub gives no offset and is not awaited
  }
  publisher_->publish(encodeStreamEntry(message, hub_->options().onlyPlaintext), std::move(done));
}

void RedisStreamsAdapter::doPublishResponse(const std::string& requesterUid,
                                            ClusterMessage response) {
  if (heartbeatEnabled())  // protocol 0.2: responses are stream entries too
    return publisher_->publish(encodeStreamEntry(response, hub_->options().onlyPlaintext),
                               [](std::error_code, std::string) {});
  publishOnChannel(privateChannel(hub_->options().channelPrefix, nsp_.name(), requesterUid),
                   response);
}

void RedisStreamsAdapter::publishOnChannel(const std::string& channel,
                                           const ClusterMessage& message) {
  redis::Command publish{hub_->options().useShardedPubSub ? "SPUBLISH" : "PUBLISH", channel};
  publish.push(encodePubSubMessage(message));
  hub_->client().send(channel, std::move(publish));
}

void RedisStreamsAdapter::serverCount(std::function<void(size_t)> done) {
  if (heartbeatEnabled()) return ClusterAdapterWithHeartbeat::serverCount(std::move(done));
  countSubscribers(hub_->client(), hub_->options().useShardedPubSub ? "SHARDNUMSUB" : "NUMSUB",
                   publicChannel_, std::move(done));
}

void RedisStreamsAdapter::persistSession(SessionToPersist session) {
  std::string key = hub_->options().sessionKeyPrefix + session.pid;
  redis::Command set{"SET", key, encodeSessionBlob(session), "PX"};
  set.push(static_cast<int64_t>(nsp_.maxDisconnectionDuration().count()));
  hub_->client().send(key, std::move(set),
                      [write = beginWrite()](std::error_code, const redis::Reply&) {});
}

void RedisStreamsAdapter::restoreSession(const std::string& pid, const std::string& offset,
                                         RestoreCallback done) {
  if (!isStreamId(offset)) {
    ++restoreFailures_.invalidOffset;
    return done(std::nullopt);
  }
  std::string key = hub_->options().sessionKeyPrefix + pid;
  struct Lookup {
    std::optional<std::string> blob;
    bool offsetFound = false;
    int pending = 2;
  };
  auto lookup = std::make_shared<Lookup>();
  std::weak_ptr<RedisStreamsAdapter> weak =
      std::static_pointer_cast<RedisStreamsAdapter>(shared_from_this());
  auto finish = [weak, lookup, offset, done]() {
    if (--lookup->pending > 0) return;
    auto self = weak.lock();
    if (!self) return done(std::nullopt);
    auto session = lookup->blob ? decodeSessionBlob(*lookup->blob) : std::nullopt;
    if (!session) {
      ++self->restoreFailures_.unknownSession;
      return done(std::nullopt);
    }
    if (!lookup->offsetFound) {
      ++self->restoreFailures_.offsetNotFound;
      return done(std::nullopt);
    }
    auto restored = std::make_shared<RestoredSession>();
    static_cast<SessionToPersist&>(*restored) = std::move(*session);
    self->readMissedPackets(restored, offset, 0, done);
  };
  // Read and delete at once: a session is restored once (MULTI on the key's node).
  auto& client = hub_->client();
  client.send(key, redis::Command{"MULTI"});
  client.send(key, redis::Command{"GET", key});
  client.send(key, redis::Command{"DEL", key});
  client.send(
      key, redis::Command{"EXEC"}, [lookup, finish](std::error_code ec, redis::Reply reply) {
        if (!ec && reply.isArray() && !reply.elements.empty() && reply.elements[0].isString())
          lookup->blob = reply.elements[0].str;
        finish();
      });
  client.send(stream_, redis::Command{"XRANGE", stream_, offset, offset},
              [lookup, finish](std::error_code ec, redis::Reply reply) {
                lookup->offsetFound = !ec && reply.isArray() && !reply.elements.empty();
                finish();
              });
}

void RedisStreamsAdapter::readMissedPackets(std::shared_ptr<RestoredSession> session,
                                            std::string after, size_t page, RestoreCallback done) {
  const auto& options = hub_->options();
  if (page >= options.restoreMaxPages) return done(std::move(*session));
  redis::Command range{"XRANGE", stream_, nextStreamId(after), "+", "COUNT"};
  range.push(static_cast<int64_t>(options.restorePageSize));
  std::weak_ptr<RedisStreamsAdapter> weak =
      std::static_pointer_cast<RedisStreamsAdapter>(shared_from_this());
  hub_->client().send(
      stream_, std::move(range),
      [weak, session, after, page, done](std::error_code ec, redis::Reply reply) mutable {
        auto self = weak.lock();
        if (!self || ec) return done(std::nullopt);
        auto entries = parseEntries(std::move(reply));
        if (entries.empty()) return done(std::move(*session));
        for (auto& entry : entries) {
          after = entry.id;
          const std::string* nsp = entry.field("nsp");
          const std::string* type = entry.field("type");
          if (!nsp || *nsp != self->nsp_.name() || !type || *type != "3") continue;
          auto message = decodeStreamEntry(std::move(entry.fields));
          if (!message || !message->data) continue;
          const Value* packet = message->data->find("packet");
          const Value* data = packet ? packet->find("data") : nullptr;
          if (!data || !data->isArray()) continue;
          BroadcastOptions opts = decodeOptions(message->data->find("opts"));
          bool included = opts.rooms.empty() || sharesRoom(session->rooms, opts.rooms);
          if (!included || sharesRoom(session->rooms, opts.except)) continue;
          Value missed = *data;
          missed.push(entry.id);
          session->missedPackets.push_back(std::move(missed));
        }
        self->readMissedPackets(session, after, page + 1, done);
      });
}

}  // namespace sio::adapters::streams

namespace sio::adapters {

AdapterFactory createRedisStreamsAdapter(std::shared_ptr<redis::Client> client,
                                         RedisStreamsOptions options) {
  auto hub = std::make_shared<streams::StreamsHub>(std::move(client), std::move(options));
  return [hub](AdapterHost& nsp) -> std::shared_ptr<Adapter> {
    return std::make_shared<streams::RedisStreamsAdapter>(nsp, hub);
  };
}

}  // namespace sio::adapters
