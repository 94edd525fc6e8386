// Classic Redis adapter of one namespace: subscriptions (§4.1), where each message of the
// cluster model is published (§4.2-4.3), what is received and how it is checked before it
// reaches the ClusterAdapter base (room filter before decoding, own uid, namespace), and
// the requests only the classic protocol has (ALL_ROOMS, SOCKETS, legacy sid forms).
// While the namespace has no local socket, its broadcasts are not listened to; a socket
// connecting then is held until the subscription is confirmed.
#include "classic_adapter.hpp"

#include "../subscriber_count.hpp"

#include "sio/adapter/errors.hpp"
#include "sio/codec/json.hpp"

namespace sio::adapters::pubsub {
namespace {

using Kind = redis::Subscriber::Kind;

const std::string* stringField(const Value& object, std::string_view name) {
  const Value* value = object.find(name);
  return value && value->isString() ? &value->asString() : nullptr;
}

}  // namespace

RedisAdapter::RedisAdapter(AdapterHost& nsp, std::shared_ptr<PubSubHub> hub,
                           std::shared_ptr<const RedisAdapterOptions> options)
    : ClusterAdapter(nsp),
      hub_(std::move(hub)),
      options_(std::move(options)),
      parser_(options_->parser ? *options_->parser : notepackParser()),
      channels_(options_->key, nsp.name()),
      requestChannels_{channels_.request, channels_.response, channels_.responseFor(uid())},
      roomsRequests_(asioRequestTimers(nsp.executor()),
                     [](RoomsRequest request, RequestOutcome outcome, RequestProgress) {
                       endRoomsRequest(std::move(request), outcome);
                     }),
      legacyRequests_(asioRequestTimers(nsp.executor()),
                      [](LegacyRequest request, RequestOutcome outcome, RequestProgress) {
                        endLegacyRequest(std::move(request), outcome);
                      }),
      hold_({options_->unsubscribeWhenEmpty, options_->subscribeToLocalRoomsOnly}, holdEffects_) {}

RedisAdapter::~RedisAdapter() = default;

PubSubHub::Handler RedisAdapter::handler(
    void (RedisAdapter::*method)(const redis::PubSubMessage&)) {
  std::weak_ptr<RedisAdapter> weak = std::static_pointer_cast<RedisAdapter>(shared_from_this());
  return [weak, method](const redis::PubSubMessage& message) {
    if (auto self = weak.lock(); self && !self->closed_) ((*self).*method)(message);
  };
}

void RedisAdapter::init() {
  std::weak_ptr<RedisAdapter> weak = std::static_pointer_cast<RedisAdapter>(shared_from_this());
  auto subscribed = [weak] {
    if (auto self = weak.lock()) self->markSubscribed();
  };
  if (options_->unsubscribeWhenEmpty) {
    --pendingSubscriptions_;  // a new namespace is empty: it listens from its first socket
  } else {
    initialListen_ = subscribed;
    hold_.listen();
  }
  hub_->subscribe(Kind::Channel, {channels_.request}, handler(&RedisAdapter::onRequestChannel));
  hub_->subscribe(Kind::Channel, {channels_.response, channels_.responseFor(uid())},
                  handler(&RedisAdapter::onResponseChannel),
                  [subscribed](std::error_code) { subscribed(); });
}

std::vector<std::string> RedisAdapter::broadcastNames() const {
  if (!options_->subscribeToLocalRoomsOnly) return {channels_.pattern()};
  std::vector<std::string> names{channels_.broadcast};
  forEachRoom([&](const Room& room) { names.push_back(channels_.room(room)); });
  return names;
}

Kind RedisAdapter::broadcastKind() const {
  return options_->subscribeToLocalRoomsOnly ? Kind::Channel : Kind::Pattern;
}

void RedisAdapter::HoldEffects::subscribeBroadcasts(uint64_t generation) {
  std::weak_ptr<RedisAdapter> weak = adapter_.weakSelf();
  adapter_.hub_->subscribe(
      adapter_.broadcastKind(), adapter_.broadcastNames(),
      adapter_.handler(&RedisAdapter::onBroadcastChannel),
      [weak, generation,
       subscribed = std::exchange(adapter_.initialListen_, nullptr)](std::error_code) {
        if (auto self = weak.lock()) self->hold_.onListening(generation);
        if (subscribed) subscribed();
      });
}

void RedisAdapter::HoldEffects::unsubscribeBroadcasts() {
  adapter_.hub_->unsubscribe(adapter_.broadcastKind(), adapter_.broadcastNames());
}

void RedisAdapter::HoldEffects::subscribeOwnRoom(const SocketId& id) {
  std::weak_ptr<RedisAdapter> weak = adapter_.weakSelf();
  adapter_.hub_->subscribe(Kind::Channel, {adapter_.channels_.room(id)},
                           adapter_.handler(&RedisAdapter::onBroadcastChannel),
                           [weak, id](std::error_code) {
                             if (auto self = weak.lock()) self->hold_.onOwnRoomSubscribed(id);
                           });
}

void RedisAdapter::HoldEffects::unsubscribeOwnRoom(const SocketId& id) {
  adapter_.hub_->unsubscribe(Kind::Channel, {adapter_.channels_.room(id)});
}

void RedisAdapter::HoldEffects::startHoldTimer() {
  std::weak_ptr<RedisAdapter> weak = adapter_.weakSelf();
  adapter_.holdTimer_ =
      asioRequestTimers(adapter_.nsp_.executor())(adapter_.options_->requestsTimeout, [weak] {
        if (auto self = weak.lock()) self->hold_.onHoldTimeout();
      });
}

void RedisAdapter::HoldEffects::stopHoldTimer() {
  adapter_.holdTimer_.reset();
}

bool RedisAdapter::HoldEffects::hasLocalSockets() const {
  return adapter_.hasLocalSockets();
}

bool RedisAdapter::HoldEffects::linkReady() const {
  return adapter_.hub_->linkReady();
}

void RedisAdapter::prepareConnect(const SocketId& id, std::function<void()> proceed) {
  hold_.prepareConnect(id, std::move(proceed));
}

void RedisAdapter::addAll(const SocketId& id, const std::vector<Room>& rooms) {
  // First (so that a room created here is not subscribed twice).
  hold_.onJoin();
  ClusterAdapter::addAll(id, rooms);
}

void RedisAdapter::delAll(const SocketId& id) {
  ClusterAdapter::delAll(id);
  hold_.onLeft(id);
}

void RedisAdapter::markSubscribed() {
  if (--pendingSubscriptions_ > 0) return;
  auto waiters = std::move(readyWaiters_);
  readyWaiters_.clear();
  for (auto& ready : waiters) ready();
}

void RedisAdapter::whenReady(std::function<void()> ready) {
  if (pendingSubscriptions_ <= 0) return ready();
  readyWaiters_.push_back(std::move(ready));
}

void RedisAdapter::close() {
  if (closed_) return;
  closed_ = true;
  hold_.close();
  roomsRequests_.cancelAll();
  legacyRequests_.cancelAll();
  ClusterAdapter::close();
  hold_.release();  // sockets held for the subscription go on (into a closed namespace)
  hub_->unsubscribe(Kind::Channel, requestChannels_);
}

void RedisAdapter::roomCreated(const Room& room) {
  if (hold_.onRoomCreated(room)) return;  // subscribed while its socket was held
  if (options_->subscribeToLocalRoomsOnly && !closed_)
    hub_->subscribe(Kind::Channel, {channels_.room(room)},
                    handler(&RedisAdapter::onBroadcastChannel));
}

void RedisAdapter::roomDeleted(const Room& room) {
  if (options_->subscribeToLocalRoomsOnly && !closed_)
    hub_->unsubscribe(Kind::Channel, {channels_.room(room)});
}

void RedisAdapter::publish(const std::string& channel, std::string payload) {
  redis::Command command{"PUBLISH", channel};
  command.push(payload);
  // Any node of a Redis Cluster forwards a PUBLISH to all: everything goes through one
  // connection (the empty key), so that what this node publishes keeps its order.
  hub_->client().send("", std::move(command));
}

void RedisAdapter::doPublish(ClusterMessage message, PublishDone done) {
  bool plainBroadcast =
      message.kind() == MessageType::Broadcast && message.data && !message.data->find("requestId");
  if (plainBroadcast) {
    const Value* opts = message.data->find("opts");
    const Value* rooms = opts ? opts->find("rooms") : nullptr;
    bool oneRoom = rooms && rooms->isArray() && rooms->size() == 1 && (*rooms)[0].isString();
    publish(oneRoom ? channels_.room((*rooms)[0].asString()) : channels_.broadcast,
            encodeBroadcast(message, parser_));
  } else if (auto request = encodeRequest(message, parser_)) {
    publish(channels_.request, std::move(*request));
  }
  // As Node, the publish is not awaited: local delivery goes on at once.
  if (done) done({}, "");
}

void RedisAdapter::doPublishResponse(const std::string& requesterUid, ClusterMessage response) {
  auto payload = encodeResponse(response, parser_);
  if (!payload) return;
  // A SERVER_SIDE_EMIT reply always goes to the shared channel (as Node does).
  bool specific = options_->publishOnSpecificResponseChannel && !requesterUid.empty() &&
                  response.kind() != MessageType::ServerSideEmitResponse;
  publish(specific ? channels_.responseFor(requesterUid) : channels_.response, std::move(*payload));
}

void RedisAdapter::publishClassicResponse(const Value& request, std::string payload) {
  const std::string* requester = stringField(request, "uid");
  bool specific = options_->publishOnSpecificResponseChannel && requester;
  publish(specific ? channels_.responseFor(*requester) : channels_.response, std::move(payload));
}

std::string RedisAdapter::requestTimeoutMessage(MessageType type, size_t received,
                                                size_t expected) const {
  if (type == MessageType::FetchSockets)
    return "timeout reached while waiting for fetchSockets response";
  return ClusterAdapter::requestTimeoutMessage(type, received, expected);
}

void RedisAdapter::onBroadcastChannel(const redis::PubSubMessage& pubsub) {
  auto room = channels_.roomOf(pubsub.channel);
  if (!room) return countMalformed();  // a pattern with glob characters matched more
  // A broadcast to one room nobody here is in (a socket's own room counts) is dropped
  // before it is decoded.
  if (!room->empty() && !hasRoom(*room)) return;
  auto message = decodeBroadcast(pubsub.payload, parser_);
  if (!message) return countMalformed();
  onMessage(std::move(*message));
}

void RedisAdapter::onRequestChannel(const redis::PubSubMessage& pubsub) {
  auto request = decodeObject(pubsub.payload, parser_);
  if (!request) return countMalformed();
  if (onClassicRequest(*request)) return;
  if (auto message = requestToMessage(*request, nsp_.name()))
    onMessage(std::move(*message));  // the base ignores this node's own requests
}

bool RedisAdapter::onClassicRequest(const Value& request) {
  const Value* type = request.find("type");
  if (!type || !type->isInt()) return false;
  const std::string* requestId = stringField(request, "requestId");
  const std::string* sender = stringField(request, "uid");
  bool own = sender && *sender == uid();
  switch (static_cast<ClassicType>(type->asInt())) {
    case ClassicType::Sockets: {
      if (own || !requestId || legacyRequests_.contains(*requestId)) return true;
      RoomSet wanted;
      if (const Value* list = request.find("rooms"); list && list->isArray())
        for (const auto& room : list->asArray())
          if (room.isString()) wanted.insert(room.asString());
      Value::Array ids;
      for (auto& id : sockets(wanted)) ids.emplace_back(std::move(id));
      publishClassicResponse(
          request,
          codec::toJson(Value::object({{"requestId", *requestId}, {"sockets", Value(ids)}})));
      return true;
    }
    case ClassicType::AllRooms: {
      if (own || !requestId || roomsRequests_.contains(*requestId)) return true;
      Value::Array names;
      forEachRoom([&](const Room& room) { names.emplace_back(room); });
      publishClassicResponse(
          request,
          codec::toJson(Value::object({{"requestId", *requestId}, {"rooms", Value(names)}})));
      return true;
    }
    case ClassicType::RemoteJoin:
    case ClassicType::RemoteLeave:
    case ClassicType::RemoteDisconnect: {
      const Value* opts = request.find("opts");
      if (opts && opts->isObject()) return false;  // the current form: the cluster model's
      const std::string* sid = stringField(request, "sid");
      LocalSocket* socket = sid ? nsp_.localSocket(*sid) : nullptr;
      if (!socket) return true;  // legacy form for a socket of another node
      auto kind = static_cast<ClassicType>(type->asInt());
      if (kind == ClassicType::RemoteDisconnect) {
        const Value* close = request.find("close");
        socket->disconnectByAdapter(close && close->isBool() && close->asBool());
      } else if (const std::string* room = stringField(request, "room")) {
        if (kind == ClassicType::RemoteJoin)
          socket->join({*room});
        else
          socket->leave(*room);
      }
      if (requestId)
        publishClassicResponse(request, codec::toJson(Value::object({{"requestId", *requestId}})));
      return true;
    }
    default:
      return false;
  }
}

void RedisAdapter::onResponseChannel(const redis::PubSubMessage& pubsub) {
  auto response = decodeObject(pubsub.payload, parser_);
  if (!response) return countMalformed();
  const std::string* requestId = stringField(*response, "requestId");
  if (!requestId) return;
  if (onLegacyResponse(*requestId, *response)) return;
  bool rooms = roomsRequests_.answer(*requestId, [&](RoomsRequest& request) {
    const Value* rooms = response->find("rooms");
    if (!rooms || !rooms->isArray()) return false;
    for (const auto& room : rooms->asArray())
      if (room.isString()) request.rooms.insert(room.asString());
    return true;
  });
  if (rooms) return;
  if (auto message = responseToMessage(*response, nsp_.name())) onMessage(std::move(*message));
}

void RedisAdapter::serverCount(std::function<void(size_t)> done) {
  countSubscribers(hub_->client(), "NUMSUB", channels_.request, std::move(done));
}

void RedisAdapter::allRooms(RoomsCallback done) {
  std::set<Room> local;
  forEachRoom([&](const Room& room) { local.insert(room); });
  std::weak_ptr<RedisAdapter> weak = std::static_pointer_cast<RedisAdapter>(shared_from_this());
  serverCount([weak, local = std::move(local), done = std::move(done)](size_t count) mutable {
    auto self = weak.lock();
    if (!self || self->closed_ || count <= 1) return done(std::move(local), std::nullopt);
    std::string requestId = randomHexId();
    // every other node answers (this node's own rooms are in already)
    self->roomsRequests_.add(requestId, RoomsRequest{std::move(local), std::move(done)}, count - 1,
                             self->requestsTimeout());
    self->publish(self->channels_.request,
                  codec::toJson(Value::object({{"uid", self->uid()},
                                               {"requestId", requestId},
                                               {"type", int64_t(ClassicType::AllRooms)}})));
  });
}

void RedisAdapter::requestAllRooms(Completion<std::set<Room>> done) {
  allRooms([done = std::move(done)](std::set<Room> rooms, std::optional<Error> error) {
    done(toErrorCode(error), std::move(rooms));
  });
}

void RedisAdapter::endRoomsRequest(RoomsRequest request, RequestOutcome outcome) {
  if (outcome == RequestOutcome::Answered)
    return request.done(std::move(request.rooms), std::nullopt);
  request.done({}, Error{outcome == RequestOutcome::TimedOut
                             ? "timeout reached while waiting for allRooms response"
                             : "the adapter was closed",
                         std::nullopt});
}

}  // namespace sio::adapters::pubsub

namespace sio::adapters {

AdapterFactory createRedisAdapter(std::shared_ptr<redis::Client> client,
                                  RedisAdapterOptions options) {
  if (options.requestsTimeout <= std::chrono::milliseconds(0))
    options.requestsTimeout = std::chrono::milliseconds(5000);  // as Node: `|| 5000`
  auto shared = std::make_shared<const RedisAdapterOptions>(std::move(options));
  auto hub = std::make_shared<pubsub::PubSubHub>(std::move(client), [shared](uint64_t gaps) {
    if (shared->onSubscriptionGap) shared->onSubscriptionGap(SubscriptionGap{gaps});
  });
  return [hub, shared](AdapterHost& nsp) -> std::shared_ptr<Adapter> {
    return std::make_shared<pubsub::RedisAdapter>(nsp, hub, shared);
  };
}

}  // namespace sio::adapters
