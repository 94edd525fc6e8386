// The sharded adapter's wire forms (see sharded_codec.hpp), with Node's key order
// {type, data, uid, nsp} as ClusterAdapter builds the message.
#include "sharded_codec.hpp"

#include "sio/codec/json.hpp"
#include "sio/codec/msgpack.hpp"

namespace sio::adapters::pubsub {
namespace {

bool mayCarryBinary(MessageType type) {
  return type == MessageType::Broadcast || type == MessageType::BroadcastAck ||
         type == MessageType::FetchSocketsResponse || type == MessageType::ServerSideEmit ||
         type == MessageType::ServerSideEmitResponse;
}

std::optional<ClusterMessage> fail(std::string* problem, const char* why) {
  if (problem) *problem = why;
  return std::nullopt;
}

}  // namespace

std::string encodeShardedMessage(const ClusterMessage& message) {
  Value map = Value::object({{"type", int64_t(message.type)}});
  if (message.data) map.set("data", *message.data);
  map.set("uid", message.uid);
  map.set("nsp", message.nsp);
  if (mayCarryBinary(message.kind()) && message.data && message.data->hasBinary())
    return codec::toMsgpack(map, codec::MsgpackFlavor::Notepack);
  return codec::toJson(map);
}

std::optional<ClusterMessage> decodeShardedMessage(std::string_view payload, std::string* problem) {
  if (payload.empty()) return fail(problem, "empty payload");
  auto map = payload.front() == '{' ? codec::parseJson(payload) : codec::parseMsgpack(payload);
  if (!map) return fail(problem, "does not decode");
  if (!map->isObject()) return fail(problem, "not an object");
  const Value* type = map->find("type");
  const Value* uid = map->find("uid");
  const Value* nsp = map->find("nsp");
  if (!type || !type->isInt()) return fail(problem, "no integer type");
  // A message without nsp (redis-adapter 8.2) is for no namespace: receivers drop it.
  ClusterMessage message{uid && uid->isString() ? uid->asString() : std::string(),
                         nsp && nsp->isString() ? nsp->asString() : std::string(),
                         int(type->asInt()), std::nullopt};
  if (!nsp || !nsp->isString()) return fail(problem, "no nsp");
  if (const Value* data = map->find("data")) message.data = *data;
  return message;
}

size_t utf16Length(std::string_view utf8) {
  size_t units = 0;
  for (unsigned char byte : utf8) {
    if ((byte & 0xC0) == 0x80) continue;  // continuation byte
    units += byte >= 0xF0 ? 2 : 1;        // 4-byte sequences are surrogate pairs
  }
  return units;
}

std::string ShardedChannels::forMessage(const ClusterMessage& message,
                                        SubscriptionMode mode) const {
  if (mode == SubscriptionMode::Static || message.kind() != MessageType::Broadcast ||
      !message.data || message.data->find("requestId"))
    return main;
  const Value* opts = message.data->find("opts");
  const Value* rooms = opts ? opts->find("rooms") : nullptr;
  if (!rooms || !rooms->isArray() || rooms->size() != 1 || !(*rooms)[0].isString()) return main;
  const std::string& room = (*rooms)[0].asString();
  if (mode == SubscriptionMode::Dynamic && utf16Length(room) == 20) return main;
  return of(room);
}

}  // namespace sio::adapters::pubsub
