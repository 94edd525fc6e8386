// The requester side of the legacy requests of the classic adapter (socket.io-redis 6's
// `sockets(rooms)`, `remoteJoin`, `remoteLeave`, `remoteDisconnect`; spec §4.3 types 0, 2,
// 3 and 4 in their sid form), still answered by @socket.io/redis-adapter 8.3 and by
// classic_adapter.cpp. SOCKETS waits for every node counted by NUMSUB (this one counts as
// one answer); a sid request waits for the one node that has the socket. The Adapter
// interface reaches them too (requestSockets, requestRemote*), with error codes.
#include "classic_adapter.hpp"

#include "sio/adapter/errors.hpp"
#include "sio/codec/json.hpp"

namespace sio::adapters::pubsub {
namespace {

const char* requestName(ClassicType type) {
  switch (type) {
    case ClassicType::RemoteJoin:
      return "remoteJoin";
    case ClassicType::RemoteLeave:
      return "remoteLeave";
    case ClassicType::RemoteDisconnect:
      return "remoteDisconnect";
    default:
      return "sockets";
  }
}

}  // namespace

void RedisAdapter::sockets(std::set<Room> rooms, SocketIdsCallback done) {
  RoomSet wanted;
  for (const auto& room : rooms) wanted.insert(room);
  std::set<SocketId> local;
  for (auto& id : sockets(wanted)) local.insert(std::move(id));
  std::weak_ptr<RedisAdapter> weak = std::static_pointer_cast<RedisAdapter>(shared_from_this());
  serverCount([weak, rooms = std::move(rooms), local = std::move(local),
               done = std::move(done)](size_t count) mutable {
    auto self = weak.lock();
    if (!self || self->closed_ || count <= 1) return done(std::move(local), std::nullopt);
    std::string requestId = randomHexId();
    Value::Array names;
    for (const auto& room : rooms) names.emplace_back(room);
    LegacyRequest pending;
    pending.type = ClassicType::Sockets;
    pending.sockets = std::move(local);
    pending.done = std::move(done);
    // every other node answers (this node's own sockets are in already)
    self->startLegacyRequest(requestId,
                             Value::object({{"uid", self->uid()},
                                            {"requestId", requestId},
                                            {"type", int64_t(ClassicType::Sockets)},
                                            {"rooms", Value(std::move(names))}}),
                             std::move(pending), count - 1);
  });
}

void RedisAdapter::remoteJoin(SocketId id, Room room, DoneCallback done) {
  if (LocalSocket* socket = nsp_.localSocket(id)) {
    socket->join({room});
    return done(std::nullopt);
  }
  remoteSocketRequest(ClassicType::RemoteJoin, std::move(id), {"room", Value(std::move(room))},
                      std::move(done));
}

void RedisAdapter::remoteLeave(SocketId id, Room room, DoneCallback done) {
  if (LocalSocket* socket = nsp_.localSocket(id)) {
    socket->leave(room);
    return done(std::nullopt);
  }
  remoteSocketRequest(ClassicType::RemoteLeave, std::move(id), {"room", Value(std::move(room))},
                      std::move(done));
}

void RedisAdapter::remoteDisconnect(SocketId id, bool close, DoneCallback done) {
  if (LocalSocket* socket = nsp_.localSocket(id)) {
    socket->disconnectByAdapter(close);
    return done(std::nullopt);
  }
  remoteSocketRequest(ClassicType::RemoteDisconnect, std::move(id), {"close", Value(close)},
                      std::move(done));
}

void RedisAdapter::requestSockets(std::set<Room> rooms, Completion<std::set<SocketId>> done) {
  // A SocketIdsCallback, so that the callback form is called, not the token form
  SocketIdsCallback answer = [done = std::move(done)](std::set<SocketId> ids,
                                                      std::optional<Error> error) {
    done(toErrorCode(error), std::move(ids));
  };
  sockets(std::move(rooms), std::move(answer));
}

void RedisAdapter::requestRemoteJoin(SocketId id, Room room, Completion<> done) {
  remoteJoin(std::move(id), std::move(room),
             [done = std::move(done)](std::optional<Error> error) { done(toErrorCode(error)); });
}

void RedisAdapter::requestRemoteLeave(SocketId id, Room room, Completion<> done) {
  remoteLeave(std::move(id), std::move(room),
              [done = std::move(done)](std::optional<Error> error) { done(toErrorCode(error)); });
}

void RedisAdapter::requestRemoteDisconnect(SocketId id, bool close, Completion<> done) {
  remoteDisconnect(std::move(id), close, [done = std::move(done)](std::optional<Error> error) {
    done(toErrorCode(error));
  });
}

void RedisAdapter::remoteSocketRequest(ClassicType type, SocketId id, Value::Member argument,
                                       DoneCallback done) {
  if (closed_) return done(Error{"the adapter was closed", std::nullopt});
  std::string requestId = randomHexId();
  // socket.io-redis 6's field order: {uid, requestId, type, sid, room | close}.
  Value request = Value::object({{"uid", uid()},
                                 {"requestId", requestId},
                                 {"type", int64_t(type)},
                                 {"sid", Value(std::move(id))}});
  request.set(std::move(argument.first), std::move(argument.second));
  LegacyRequest pending;
  pending.type = type;
  pending.done = [done = std::move(done)](std::set<SocketId>, std::optional<Error> error) {
    done(std::move(error));
  };
  startLegacyRequest(requestId, request, std::move(pending), 1);  // the node of the socket
}

void RedisAdapter::startLegacyRequest(const std::string& requestId, const Value& request,
                                      LegacyRequest pending, size_t expected) {
  legacyRequests_.add(requestId, std::move(pending), expected, requestsTimeout());
  publish(channels_.request, codec::toJson(request));
}

bool RedisAdapter::onLegacyResponse(const std::string& requestId, const Value& response) {
  return legacyRequests_.answer(requestId, [&](LegacyRequest& request) {
    if (request.type != ClassicType::Sockets) return true;
    const Value* ids = response.find("sockets");
    if (!ids || !ids->isArray()) return false;
    for (const auto& id : ids->asArray())
      if (id.isString()) request.sockets.insert(id.asString());
    return true;
  });
}

void RedisAdapter::endLegacyRequest(LegacyRequest request, RequestOutcome outcome) {
  if (outcome == RequestOutcome::Answered)
    return request.done(std::move(request.sockets), std::nullopt);
  std::string message = outcome == RequestOutcome::TimedOut
                            ? std::string("timeout reached while waiting for ") +
                                  requestName(request.type) + " response"
                            : "the adapter was closed";
  request.done({}, Error{std::move(message), std::nullopt});
}

}  // namespace sio::adapters::pubsub
