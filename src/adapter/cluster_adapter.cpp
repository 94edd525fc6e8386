// Cluster adapter logic, message by message as socket.io-adapter 2.5.8 does it. Local
// delivery of a published broadcast waits for the publish to complete (so that it carries
// the offset, and so that local and remote order agree); a failed publish still delivers
// locally, without an offset (2.5.7's fix). Requests end at their timeout with what came.
#include "sio/adapter/cluster_adapter.hpp"

#include "sio/adapter/errors.hpp"
#include "sio/log.hpp"

namespace sio {
namespace {

const std::string* requestIdOf(const Value& data) {
  const Value* id = data.find("requestId");
  return id && id->isString() ? &id->asString() : nullptr;
}

std::vector<Room> roomsOf(const Value& data) {
  std::vector<Room> rooms;
  if (const Value* list = data.find("rooms"); list && list->isArray())
    for (const auto& room : list->asArray())
      if (room.isString()) rooms.push_back(room.asString());
  return rooms;
}

}  // namespace

std::string ClusterAdapter::requestTimeoutMessage(MessageType, size_t received,
                                                  size_t expected) const {
  return "timeout reached: only " + std::to_string(received) + " responses received out of " +
         std::to_string(expected);
}

ClusterAdapter::ClusterAdapter(AdapterHost& nsp, std::string uid)
    : Adapter(nsp),
      uid_(std::move(uid)),
      requests_(asioRequestTimers(nsp.executor()),
                [this](Request request, RequestOutcome outcome, RequestProgress progress) {
                  endRequest(std::move(request), outcome, progress);
                }),
      ackRequests_(asioRequestTimers(nsp.executor()),
                   [](AckRequest, RequestOutcome, RequestProgress) {}) {}

ClusterAdapter::~ClusterAdapter() = default;

void ClusterAdapter::publish(MessageType type, Value data, PublishDone done) {
  publishMessage(type, std::move(data), std::move(done));
}

void ClusterAdapter::publishMessage(MessageType type, std::optional<Value> data, PublishDone done) {
  ++stats_.published;
  ClusterMessage message{uid_, nsp_.name(), static_cast<int>(type), std::move(data)};
  onPublished();
  doPublish(std::move(message), [weak = weak_from_this(), done = std::move(done),
                                 write = beginWrite()](std::error_code ec, std::string offset) {
    auto self = std::static_pointer_cast<ClusterAdapter>(weak.lock());
    if (self && ec) {
      ++self->stats_.publishFailures;
      self->publishFailureLog_.record([&] {
        return "adapter " + self->nsp_.name() + ": a publish failed (" + ec.message() + ")";
      });
    }
    if (done) done(ec, std::move(offset));
  });
}

void ClusterAdapter::publishResponse(const std::string& requesterUid, MessageType type,
                                     Value data) {
  doPublishResponse(requesterUid,
                    ClusterMessage{uid_, nsp_.name(), static_cast<int>(type), std::move(data)});
}

void ClusterAdapter::addOffset(protocol::Packet& packet, const BroadcastOptions& opts,
                               const std::string& offset) const {
  if (!appendsOffsets() || !nsp_.recoveryEnabled() || packet.type != protocol::PacketType::Event ||
      packet.id || opts.flags.isVolatile)
    return;
  if (packet.data && packet.data->isArray()) packet.data->push(offset);
}

void ClusterAdapter::broadcast(protocol::Packet packet, const BroadcastOptions& opts) {
  if (opts.flags.local) return Adapter::broadcast(std::move(packet), opts);
  ++stats_.broadcastsLocal;
  Value::Object members;  // moved in: an initializer list would copy the packet again
  members.reserve(2);
  members.emplace_back("packet", encodeClusterPacket(packet));
  members.emplace_back("opts", encodeOptions(opts));
  Value data(std::move(members));
  auto weak = weak_from_this();
  publish(MessageType::Broadcast, std::move(data),
          [weak, packet = std::move(packet), opts](std::error_code ec, std::string offset) mutable {
            auto self = std::static_pointer_cast<ClusterAdapter>(weak.lock());
            if (!self) return;
            if (!ec) self->addOffset(packet, opts, offset);
            self->Adapter::broadcast(std::move(packet), opts);
          });
}

void ClusterAdapter::broadcastWithAck(protocol::Packet packet, const BroadcastOptions& opts,
                                      std::function<void(size_t)> onClientCount,
                                      std::function<void(Value)> onResponse) {
  if (!opts.flags.local) {
    std::string requestId = randomHexId();
    ackRequests_.add(requestId, AckRequest{onClientCount, onResponse}, std::nullopt,
                     opts.flags.timeout.value_or(std::chrono::milliseconds(0)));
    publish(MessageType::Broadcast, Value::object({{"packet", encodeClusterPacket(packet)},
                                                   {"requestId", requestId},
                                                   {"opts", encodeOptions(opts)}}));
  }
  Adapter::broadcastWithAck(std::move(packet), opts, std::move(onClientCount),
                            std::move(onResponse));
}

void ClusterAdapter::fetchSockets(const BroadcastOptions& opts, FetchCallback done) {
  auto local = localSockets(opts);
  if (opts.flags.local) return done(std::move(local), std::nullopt);
  auto begin = [weak = weak_from_this(), opts](std::vector<SocketDetails> local, FetchCallback done,
                                               size_t expected,
                                               std::optional<std::set<std::string>> missing) {
    auto self = std::static_pointer_cast<ClusterAdapter>(weak.lock());
    if (!self || expected == 0) return done(std::move(local), std::nullopt);
    Request request;
    request.type = MessageType::FetchSockets;
    request.sockets = std::move(local);
    request.fetchDone = std::move(done);
    self->startRequest(std::move(request), expected, std::move(missing),
                       self->fetchSocketsTimeout(opts),
                       Value::object({{"opts", encodeOptions(opts)}}));
  };
  if (auto peers = expectedResponders())
    return begin(std::move(local), std::move(done), peers->size(), *peers);
  serverCount([begin, local = std::move(local), done = std::move(done)](size_t count) mutable {
    begin(std::move(local), std::move(done), count > 1 ? count - 1 : 0, std::nullopt);
  });
}

void ClusterAdapter::startRequest(Request request, size_t expected,
                                  std::optional<std::set<std::string>> missing,
                                  std::chrono::milliseconds timeout, Value data) {
  std::string requestId = randomHexId();
  MessageType type = request.type;
  request.missing = std::move(missing);
  requests_.add(requestId, std::move(request), expected, timeout);
  // Node's key orders: fetchSockets {opts, requestId}, serverSideEmit {requestId, packet}.
  if (type == MessageType::FetchSockets) {
    data.set("requestId", requestId);
  } else {
    Value ordered = Value::object({{"requestId", requestId}});
    for (auto& [key, value] : data.asObject()) ordered.set(key, std::move(value));
    data = std::move(ordered);
  }
  publish(type, std::move(data));
}

bool ClusterAdapter::countsAnswer(Request& request, const std::string& responder) {
  return !request.missing || request.missing->erase(responder) > 0;
}

void ClusterAdapter::forgetResponder(const std::string& uid) {
  for (const auto& id : requests_.ids()) {
    Request* request = requests_.find(id);
    if (request && request->missing && request->missing->erase(uid)) requests_.expectFewer(id);
  }
}

void ClusterAdapter::addSockets(const BroadcastOptions& opts, const std::vector<Room>& rooms) {
  if (opts.flags.local) return Adapter::addSockets(opts, rooms);
  Value::Array list(rooms.begin(), rooms.end());
  publish(MessageType::SocketsJoin,
          Value::object({{"opts", encodeOptions(opts)}, {"rooms", Value(std::move(list))}}),
          [weak = weak_from_this(), opts, rooms](std::error_code, std::string) {
            if (auto self = std::static_pointer_cast<ClusterAdapter>(weak.lock()))
              self->Adapter::addSockets(opts, rooms);
          });
}

void ClusterAdapter::delSockets(const BroadcastOptions& opts, const std::vector<Room>& rooms) {
  if (opts.flags.local) return Adapter::delSockets(opts, rooms);
  Value::Array list(rooms.begin(), rooms.end());
  publish(MessageType::SocketsLeave,
          Value::object({{"opts", encodeOptions(opts)}, {"rooms", Value(std::move(list))}}),
          [weak = weak_from_this(), opts, rooms](std::error_code, std::string) {
            if (auto self = std::static_pointer_cast<ClusterAdapter>(weak.lock()))
              self->Adapter::delSockets(opts, rooms);
          });
}

void ClusterAdapter::disconnectSockets(const BroadcastOptions& opts, bool close) {
  if (opts.flags.local) return Adapter::disconnectSockets(opts, close);
  publish(MessageType::DisconnectSockets,
          Value::object({{"opts", encodeOptions(opts)}, {"close", close}}),
          [weak = weak_from_this(), opts, close](std::error_code, std::string) {
            if (auto self = std::static_pointer_cast<ClusterAdapter>(weak.lock()))
              self->Adapter::disconnectSockets(opts, close);
          });
}

void ClusterAdapter::serverSideEmit(Args args, AckCallback ack) {
  Value packet{Value::Array(std::move(args))};
  if (!ack)
    return publish(MessageType::ServerSideEmit, Value::object({{"packet", std::move(packet)}}));
  auto begin = [weak = weak_from_this()](Value packet, AckCallback ack, size_t expected,
                                         std::optional<std::set<std::string>> missing) {
    auto self = std::static_pointer_cast<ClusterAdapter>(weak.lock());
    if (!self || expected == 0) return ack(std::nullopt, {});
    Request request;
    request.type = MessageType::ServerSideEmit;
    request.ackDone = std::move(ack);
    self->startRequest(std::move(request), expected, std::move(missing),
                       self->serverSideEmitTimeout(),
                       Value::object({{"packet", std::move(packet)}}));
  };
  if (auto peers = expectedResponders())
    return begin(std::move(packet), std::move(ack), peers->size(), *peers);
  serverCount([begin, packet = std::move(packet), ack = std::move(ack)](size_t count) mutable {
    begin(std::move(packet), std::move(ack), count > 1 ? count - 1 : 0, std::nullopt);
  });
}

void ClusterAdapter::requestSockets(std::set<Room> rooms, Completion<std::set<SocketId>> done) {
  BroadcastOptions opts;
  opts.rooms = RoomSet(std::vector<Room>(rooms.begin(), rooms.end()));
  fetchSockets(opts, [done = std::move(done)](std::vector<SocketDetails> sockets,
                                              std::optional<Error> error) {
    std::set<SocketId> ids;
    for (auto& socket : sockets) ids.insert(std::move(socket.id));
    done(toErrorCode(error), std::move(ids));
  });
}

void ClusterAdapter::requestAllRooms(Completion<std::set<Room>> done) {
  // Every room has a member (an empty room is deleted): the rooms of every socket are all.
  fetchSockets(
      {}, [done = std::move(done)](std::vector<SocketDetails> sockets, std::optional<Error> error) {
        std::set<Room> rooms;
        for (const auto& socket : sockets) rooms.insert(socket.rooms.begin(), socket.rooms.end());
        done(toErrorCode(error), std::move(rooms));
      });
}

void ClusterAdapter::requestRemoteJoin(SocketId id, Room room, Completion<> done) {
  if (!nsp_.localSocket(id)) return done(Errc::NotSupported);
  Adapter::requestRemoteJoin(std::move(id), std::move(room), std::move(done));
}

void ClusterAdapter::requestRemoteLeave(SocketId id, Room room, Completion<> done) {
  if (!nsp_.localSocket(id)) return done(Errc::NotSupported);
  Adapter::requestRemoteLeave(std::move(id), std::move(room), std::move(done));
}

void ClusterAdapter::requestRemoteDisconnect(SocketId id, bool close, Completion<> done) {
  if (!nsp_.localSocket(id)) return done(Errc::NotSupported);
  Adapter::requestRemoteDisconnect(std::move(id), close, std::move(done));
}

void ClusterAdapter::endRequest(Request request, RequestOutcome outcome, RequestProgress progress) {
  std::optional<Error> error;
  if (outcome == RequestOutcome::TimedOut) {
    ++stats_.timedOut;
    std::string message =
        request.missing
            ? "timeout reached: missing " + std::to_string(request.missing->size()) + " responses"
            : requestTimeoutMessage(request.type, progress.received, progress.expected);
    timeoutLog_.record([&] {
      return "adapter " + nsp_.name() + ": a cluster request (type " +
             std::to_string(static_cast<int>(request.type)) + ") timed out with " +
             std::to_string(progress.received) + " of " + std::to_string(progress.expected) +
             " answers: " + message;
    });
    error = Error{message, std::nullopt};
  } else if (outcome == RequestOutcome::Cancelled) {
    error = Error{"the adapter was closed", std::nullopt};
  }
  if (request.type == MessageType::FetchSockets) {
    if (error)
      request.fetchDone({}, std::move(error));
    else
      request.fetchDone(std::move(request.sockets), std::nullopt);
  } else {
    request.ackDone(error, std::move(request.responses));
  }
}

std::shared_ptr<void> ClusterAdapter::beginWrite() {
  ++writes_->pending;
  return std::shared_ptr<void>(nullptr, [writes = writes_](void*) {
    if (--writes->pending > 0) return;
    auto waiters = std::move(writes->idleWaiters);
    writes->idleWaiters.clear();
    for (auto& waiter : waiters) waiter();
  });
}

void ClusterAdapter::whenIdle(std::function<void()> done) {
  if (writes_->pending == 0) return done();
  writes_->idleWaiters.push_back(std::move(done));
}

void ClusterAdapter::close() {
  requests_.cancelAll();
  ackRequests_.cancelAll();
  Adapter::close();
}

void ClusterAdapter::onMessage(ClusterMessage message, const std::string& offset) {
  ++stats_.received;
  if (message.uid == uid_ || message.nsp != nsp_.name()) {
    ++stats_.ignored;
    return;
  }
  if (onPeerMessage(message)) return;
  MessageType type = message.kind();
  bool needsData = type != MessageType::InitialHeartbeat && type != MessageType::Heartbeat &&
                   type != MessageType::AdapterClose;
  if (needsData && (!message.data || !message.data->isObject())) {
    countMalformed();
    return;
  }
  switch (type) {
    case MessageType::Broadcast:
      ++stats_.broadcastsFromCluster;
      return onBroadcast(std::move(message), offset);
    case MessageType::SocketsJoin:
      return Adapter::addSockets(decodeOptions(message.data->find("opts")), roomsOf(*message.data));
    case MessageType::SocketsLeave:
      return Adapter::delSockets(decodeOptions(message.data->find("opts")), roomsOf(*message.data));
    case MessageType::DisconnectSockets: {
      const Value* close = message.data->find("close");
      return Adapter::disconnectSockets(decodeOptions(message.data->find("opts")),
                                        close && close->isBool() && close->asBool());
    }
    case MessageType::FetchSockets:
      return onFetchSockets(message);
    case MessageType::ServerSideEmit:
      return onServerSideEmit(std::move(message));
    case MessageType::FetchSocketsResponse:
    case MessageType::ServerSideEmitResponse:
    case MessageType::BroadcastClientCount:
    case MessageType::BroadcastAck:
      return onResponse(std::move(message));
    default:
      ++stats_.ignored;  // heartbeats and unknown types (a heartbeat adapter handles its own)
  }
}

// The message is ours: its packet's data is moved into the local broadcast, not copied.
void ClusterAdapter::onBroadcast(ClusterMessage message, const std::string& offset) {
  Value& data = *message.data;
  Value* encoded = data.find("packet");
  auto packet = encoded ? decodeClusterPacket(std::move(*encoded), nsp_.name()) : std::nullopt;
  if (!packet) {
    countMalformed();
    return;
  }
  BroadcastOptions opts = decodeOptions(data.find("opts"));
  const std::string* requestId = requestIdOf(data);
  if (!requestId) {
    addOffset(*packet, opts, offset);
    return Adapter::broadcast(std::move(*packet), opts);
  }
  auto weak = weak_from_this();
  std::string requester = std::move(message.uid), id = *requestId;
  Adapter::broadcastWithAck(
      std::move(*packet), opts,
      [weak, requester, id](size_t clientCount) {
        if (auto self = std::static_pointer_cast<ClusterAdapter>(weak.lock()))
          self->publishResponse(
              requester, MessageType::BroadcastClientCount,
              Value::object(
                  {{"requestId", id}, {"clientCount", static_cast<int64_t>(clientCount)}}));
      },
      [weak, requester, id](Value response) {
        if (auto self = std::static_pointer_cast<ClusterAdapter>(weak.lock()))
          self->publishResponse(
              requester, MessageType::BroadcastAck,
              Value::object({{"requestId", id}, {"packet", std::move(response)}}));
      });
}

void ClusterAdapter::onFetchSockets(const ClusterMessage& message) {
  const std::string* requestId = requestIdOf(*message.data);
  if (!requestId) {
    countMalformed();
    return;
  }
  Value::Array sockets;
  for (const auto& socket : localSockets(decodeOptions(message.data->find("opts"))))
    sockets.push_back(encodeSocketDetails(socket));
  publishResponse(
      message.uid, MessageType::FetchSocketsResponse,
      Value::object({{"requestId", *requestId}, {"sockets", Value(std::move(sockets))}}));
}

void ClusterAdapter::onServerSideEmit(ClusterMessage message) {
  Value* packet = message.data->find("packet");
  if (!packet || !packet->isArray() || packet->size() == 0 || !packet->asArray()[0].isString()) {
    countMalformed();
    return;
  }
  Args args = std::move(packet->asArray());  // the message is ours: moved, not copied
  const std::string* requestId = requestIdOf(*message.data);
  if (!requestId) return nsp_.emitServerSide(std::move(args), nullptr);
  auto weak = weak_from_this();
  std::string requester = std::move(message.uid), id = *requestId;
  // Only the first argument of the first call answers, as in Node.
  nsp_.emitServerSide(std::move(args), [weak, requester, id](Args response) {
    if (auto self = std::static_pointer_cast<ClusterAdapter>(weak.lock()))
      self->publishResponse(
          requester, MessageType::ServerSideEmitResponse,
          Value::object({{"requestId", id},
                         {"packet", response.empty() ? Value() : std::move(response[0])}}));
  });
}

void ClusterAdapter::onResponse(ClusterMessage response) {
  const std::string* requestId = requestIdOf(*response.data);
  if (!requestId) {
    countMalformed();
    return;
  }
  Value& data = *response.data;  // ours: answers take its values by move
  switch (response.kind()) {
    case MessageType::BroadcastClientCount: {
      AckRequest* request = ackRequests_.find(*requestId);
      const Value* count = data.find("clientCount");
      if (request && count && count->isInt() && count->asInt() >= 0) {
        auto onClientCount = request->onClientCount;  // may close this adapter
        onClientCount(size_t(count->asInt()));
      }
      return;
    }
    case MessageType::BroadcastAck: {
      if (AckRequest* request = ackRequests_.find(*requestId)) {
        Value* packet = data.find("packet");
        auto onResponse = request->onResponse;  // may close this adapter
        onResponse(packet ? std::move(*packet) : Value());
      }
      return;
    }
    case MessageType::FetchSocketsResponse:
      requests_.answer(*requestId, [&](Request& request) {
        if (request.type != MessageType::FetchSockets) return false;
        if (const Value* sockets = data.find("sockets"); sockets && sockets->isArray())
          for (const auto& entry : sockets->asArray())
            if (auto socket = decodeSocketDetails(entry))
              request.sockets.push_back(std::move(*socket));
        return countsAnswer(request, response.uid);
      });
      return;
    case MessageType::ServerSideEmitResponse:
      requests_.answer(*requestId, [&](Request& request) {
        if (request.type != MessageType::ServerSideEmit) return false;
        Value* packet = data.find("packet");
        request.responses.push_back(packet ? std::move(*packet) : Value());
        return countsAnswer(request, response.uid);
      });
      return;
    default:
      return;
  }
}

}  // namespace sio
