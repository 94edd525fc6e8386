// Streams emitter: builds the same stream entries as @socket.io/redis-streams-emitter
// (uid "emitter", the packet carrying its nsp) and XADDs them to the namespace's stream.
#include "sio/adapters/redis_streams_emitter.hpp"

#include <stdexcept>

#include "message_codec.hpp"
#include "sio/adapter/cluster_message.hpp"
#include "sio/protocol/packet.hpp"
#include "stream_naming.hpp"

namespace sio::adapters {

RedisStreamsEmitter::RedisStreamsEmitter(std::shared_ptr<redis::Client> client,
                                         RedisStreamsEmitterOptions options, std::string nsp)
    : client_(std::move(client)), options_(std::move(options)), nsp_(std::move(nsp)) {
  if (nsp_.empty() || nsp_[0] != '/') nsp_.insert(nsp_.begin(), '/');
}

RedisStreamsEmitter RedisStreamsEmitter::of(std::string nsp) const {
  return RedisStreamsEmitter(client_, options_, std::move(nsp));
}
RedisStreamsEmitter RedisStreamsEmitter::to(const Room& room) const {
  auto next = *this;
  next.opts_.rooms.insert(room);
  return next;
}
RedisStreamsEmitter RedisStreamsEmitter::except(const Room& room) const {
  auto next = *this;
  next.opts_.except.insert(room);
  return next;
}
RedisStreamsEmitter RedisStreamsEmitter::volatile_() const {
  auto next = *this;
  next.opts_.flags.isVolatile = true;
  return next;
}
RedisStreamsEmitter RedisStreamsEmitter::compress(bool compress) const {
  auto next = *this;
  next.opts_.flags.compress = compress;
  return next;
}

void RedisStreamsEmitter::publish(int type, Value data, Done done) const {
  ClusterMessage message{"emitter", nsp_, type, std::move(data)};
  std::string stream = streams::streamForNamespace(options_.streamName, options_.streamCount, nsp_);
  redis::Command xadd{"XADD", stream, "MAXLEN", "~"};
  auto fields = streams::encodeStreamEntry(message, options_.onlyPlaintext);
  xadd.reserve(2 + fields.size());
  xadd.push(options_.maxLen).push("*");
  for (const auto& field : fields) xadd.push(field);
  client_->send(stream, std::move(xadd),
                [done = std::move(done)](std::error_code ec, redis::Reply reply) {
                  if (!done) return;
                  if (!ec && reply.isError()) ec = make_error_code(redis::Errc::ServerError);
                  done(ec);
                });
}

void RedisStreamsEmitter::emit(const std::string& event, Args args, Done done) const {
  Value packet = Value::object(
      {{"type", 2}, {"data", protocol::eventData(event, std::move(args))}, {"nsp", nsp_}});
  publish(static_cast<int>(MessageType::Broadcast),
          Value::object({{"packet", std::move(packet)}, {"opts", encodeOptions(opts_)}}),
          std::move(done));
}

void RedisStreamsEmitter::socketsJoin(const std::vector<Room>& rooms, Done done) const {
  publish(static_cast<int>(MessageType::SocketsJoin),
          Value::object({{"opts", encodeOptions(opts_)},
                         {"rooms", Value(Value::Array(rooms.begin(), rooms.end()))}}),
          std::move(done));
}

void RedisStreamsEmitter::socketsLeave(const std::vector<Room>& rooms, Done done) const {
  publish(static_cast<int>(MessageType::SocketsLeave),
          Value::object({{"opts", encodeOptions(opts_)},
                         {"rooms", Value(Value::Array(rooms.begin(), rooms.end()))}}),
          std::move(done));
}

void RedisStreamsEmitter::disconnectSockets(bool close, Done done) const {
  publish(static_cast<int>(MessageType::DisconnectSockets),
          Value::object({{"opts", encodeOptions(opts_)}, {"close", close}}), std::move(done));
}

void RedisStreamsEmitter::serverSideEmit(const std::string& event, Args args, Done done) const {
  publish(static_cast<int>(MessageType::ServerSideEmit),
          Value::object({{"packet", protocol::eventData(event, std::move(args))}}),
          std::move(done));
}

}  // namespace sio::adapters
