// Classic Redis emitter: the same PUBLISH commands and bytes as @socket.io/redis-emitter
// 5.1 (uid "emitter" in broadcasts, opts keys in the order rooms, flags, except; requests
// without uid, except serverSideEmit's "emitter").
#include "sio/adapters/redis_emitter.hpp"

#include "classic_codec.hpp"
#include "sio/codec/json.hpp"
#include "sio/protocol/packet.hpp"

namespace sio::adapters {
namespace {

Value list(const RoomSet& rooms) {
  return Value(Value::Array(rooms.begin(), rooms.end()));
}

}  // namespace

RedisEmitter::RedisEmitter(std::shared_ptr<redis::Client> client, RedisEmitterOptions options,
                           std::string nsp)
    : client_(std::move(client)), options_(std::move(options)), nsp_(std::move(nsp)) {
  if (nsp_.empty() || nsp_[0] != '/') nsp_.insert(nsp_.begin(), '/');
  if (!options_.parser) options_.parser = notepackParser();
}

RedisEmitter RedisEmitter::of(std::string nsp) const {
  return RedisEmitter(client_, options_, std::move(nsp));
}
RedisEmitter RedisEmitter::to(const Room& room) const {
  auto next = *this;
  next.rooms_.insert(room);
  return next;
}
RedisEmitter RedisEmitter::except(const Room& room) const {
  auto next = *this;
  next.except_.insert(room);
  return next;
}
RedisEmitter RedisEmitter::volatile_() const {
  auto next = *this;
  next.flags_.set("volatile", true);
  return next;
}
RedisEmitter RedisEmitter::compress(bool compress) const {
  auto next = *this;
  next.flags_.set("compress", compress);
  return next;
}

void RedisEmitter::publish(const std::string& channel, std::string payload, Done done) const {
  redis::Command command{"PUBLISH", channel};
  command.push(payload);
  // Any node of a Redis Cluster forwards a PUBLISH to all: one connection (the empty key)
  // keeps the order of what is published.
  client_->send("", std::move(command),
                [done = std::move(done)](std::error_code ec, redis::Reply reply) {
                  if (!done) return;
                  if (!ec && reply.isError()) ec = make_error_code(redis::Errc::ServerError);
                  done(ec);
                });
}

Value RedisEmitter::roomsAndExcept() const {
  return Value::object({{"rooms", list(rooms_)}, {"except", list(except_)}});
}

void RedisEmitter::emit(const std::string& event, Args args, Done done) const {
  Value packet = Value::object(
      {{"type", 2}, {"data", protocol::eventData(event, std::move(args))}, {"nsp", nsp_}});
  Value opts =
      Value::object({{"rooms", list(rooms_)}, {"flags", flags_}, {"except", list(except_)}});
  pubsub::ClassicChannels channels(options_.key, nsp_);
  std::string channel = rooms_.size() == 1 ? channels.room(*rooms_.begin()) : channels.broadcast;
  publish(channel, options_.parser->encode(Value::array({"emitter", packet, opts})),
          std::move(done));
}

void RedisEmitter::socketsJoin(const std::vector<Room>& rooms, Done done) const {
  publish(
      pubsub::ClassicChannels(options_.key, nsp_).request,
      codec::toJson(Value::object({{"type", int64_t(pubsub::ClassicType::RemoteJoin)},
                                   {"opts", roomsAndExcept()},
                                   {"rooms", Value(Value::Array(rooms.begin(), rooms.end()))}})),
      std::move(done));
}

void RedisEmitter::socketsLeave(const std::vector<Room>& rooms, Done done) const {
  publish(
      pubsub::ClassicChannels(options_.key, nsp_).request,
      codec::toJson(Value::object({{"type", int64_t(pubsub::ClassicType::RemoteLeave)},
                                   {"opts", roomsAndExcept()},
                                   {"rooms", Value(Value::Array(rooms.begin(), rooms.end()))}})),
      std::move(done));
}

void RedisEmitter::disconnectSockets(bool close, Done done) const {
  publish(pubsub::ClassicChannels(options_.key, nsp_).request,
          codec::toJson(Value::object({{"type", int64_t(pubsub::ClassicType::RemoteDisconnect)},
                                       {"opts", roomsAndExcept()},
                                       {"close", close}})),
          std::move(done));
}

void RedisEmitter::serverSideEmit(const std::string& event, Args args, Done done) const {
  publish(pubsub::ClassicChannels(options_.key, nsp_).request,
          codec::toJson(Value::object({{"uid", "emitter"},
                                       {"type", int64_t(pubsub::ClassicType::ServerSideEmit)},
                                       {"data", protocol::eventData(event, std::move(args))}})),
          std::move(done));
}

}  // namespace sio::adapters
