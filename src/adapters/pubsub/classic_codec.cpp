// The classic adapter's wire forms (see classic_codec.hpp), with Node's key orders so that
// the bytes are the ones @socket.io/redis-adapter 8.3 writes.
#include "classic_codec.hpp"

#include "sio/codec/json.hpp"
#include "sio/codec/msgpack.hpp"

namespace sio::adapters::pubsub {
namespace {

template <class T>
std::optional<T> fail(std::string* problem, const char* why) {
  if (problem) *problem = why;
  return std::nullopt;
}

const Value* field(const std::optional<Value>& data, std::string_view name) {
  return data ? data->find(name) : nullptr;
}

Value orNull(const Value* value) {
  return value ? *value : Value();
}

const std::string* stringField(const Value& object, std::string_view name) {
  const Value* value = object.find(name);
  return value && value->isString() ? &value->asString() : nullptr;
}

// A room as JS turns it into a Set member and then a channel name: strings as they are,
// numbers in their JS text. nullopt for anything else.
std::optional<std::string> roomName(const Value& room) {
  if (room.isString()) return room.asString();
  if (room.isNumber()) return codec::toJson(room);
  return std::nullopt;
}

Value roomList(const Value* list) {
  Value::Array rooms;
  if (list && list->isArray())
    for (const auto& room : list->asArray())
      if (auto name = roomName(room)) rooms.emplace_back(std::move(*name));
  return Value(std::move(rooms));
}

// The packet of a broadcast as Node's RedisAdapter sends it: nsp is set before encoding.
Value packetWithNsp(const Value* packet, const std::string& nsp) {
  Value copy = packet && packet->isObject() ? *packet : Value::object();
  copy.set("nsp", nsp);
  return copy;
}

// {rooms, except} of join/leave/disconnect/fetch requests: flags do not travel there.
Value roomsAndExcept(const Value* opts) {
  return Value::object({{"rooms", orNull(opts ? opts->find("rooms") : nullptr)},
                        {"except", orNull(opts ? opts->find("except") : nullptr)}});
}

}  // namespace

ClassicChannels::ClassicChannels(const std::string& key, const std::string& nsp)
    : broadcast(key + "#" + nsp + "#"),
      request(key + "-request#" + nsp + "#"),
      response(key + "-response#" + nsp + "#") {}

std::optional<std::string> ClassicChannels::roomOf(std::string_view channel) const {
  // As Node: the channel must start with `key#nsp#` (a glob pattern may match more) and
  // the room is what lies between that prefix and the last character.
  if (channel.size() < broadcast.size() || channel.substr(0, broadcast.size()) != broadcast)
    return std::nullopt;
  if (channel.size() == broadcast.size()) return std::string();
  return std::string(channel.substr(broadcast.size(), channel.size() - broadcast.size() - 1));
}

Value normalizeOptions(const Value* opts, bool keepFlags) {
  Value normalized = Value::object({{"rooms", roomList(opts ? opts->find("rooms") : nullptr)},
                                    {"except", roomList(opts ? opts->find("except") : nullptr)}});
  const Value* flags = opts ? opts->find("flags") : nullptr;
  normalized.set("flags", keepFlags && flags && flags->isObject() ? *flags : Value::object());
  return normalized;
}

std::string encodeBroadcast(const ClusterMessage& message, const RedisAdapterParser& parser) {
  return parser.encode(
      Value::array({message.uid, packetWithNsp(field(message.data, "packet"), message.nsp),
                    orNull(field(message.data, "opts"))}));
}

std::optional<ClusterMessage> decodeBroadcast(std::string_view payload,
                                              const RedisAdapterParser& parser,
                                              std::string* problem) {
  auto decoded = parser.decode(payload);
  if (!decoded) return fail<ClusterMessage>(problem, "does not decode");
  if (!decoded->isArray() || decoded->size() < 3)
    return fail<ClusterMessage>(problem, "not an array [uid, packet, opts]");
  const Value& uid = (*decoded)[0];
  Value& packet = (*decoded)[1];  // ours: moved into the message below, not copied
  const Value& opts = (*decoded)[2];
  if (!packet.isObject()) return fail<ClusterMessage>(problem, "packet is not an object");
  if (!opts.isObject()) return fail<ClusterMessage>(problem, "opts is not an object");
  std::string nsp = "/";
  if (const Value* name = packet.find("nsp"); name && !name->isNull()) {
    if (!name->isString()) return fail<ClusterMessage>(problem, "packet.nsp is not a string");
    nsp = name->asString();
  }
  // Members moved in one by one: an initializer list would copy the packet (twice).
  Value::Object members;
  members.reserve(2);
  members.emplace_back("packet", std::move(packet));
  members.emplace_back("opts", normalizeOptions(&opts, true));
  Value data(std::move(members));
  return ClusterMessage{uid.isString() ? uid.asString() : std::string(), std::move(nsp),
                        int(MessageType::Broadcast), std::move(data)};
}

std::optional<std::string> encodeRequest(const ClusterMessage& message,
                                         const RedisAdapterParser& parser) {
  const Value* opts = field(message.data, "opts");
  const Value* requestId = field(message.data, "requestId");
  auto typed = [&](ClassicType type) {
    Value request = Value::object({{"uid", message.uid}});
    if (requestId) request.set("requestId", *requestId);
    request.set("type", int64_t(type));
    return request;
  };
  switch (message.kind()) {
    case MessageType::Broadcast: {
      if (!requestId) return std::nullopt;  // a plain broadcast goes to a broadcast channel
      Value request = typed(ClassicType::Broadcast);
      request.set("packet", packetWithNsp(field(message.data, "packet"), message.nsp));
      request.set("opts", orNull(opts));
      return parser.encode(request);
    }
    case MessageType::SocketsJoin:
    case MessageType::SocketsLeave: {
      Value request = typed(message.kind() == MessageType::SocketsJoin ? ClassicType::RemoteJoin
                                                                       : ClassicType::RemoteLeave);
      request.set("opts", roomsAndExcept(opts));
      request.set("rooms", orNull(field(message.data, "rooms")));
      return codec::toJson(request);
    }
    case MessageType::DisconnectSockets: {
      Value request = typed(ClassicType::RemoteDisconnect);
      request.set("opts", roomsAndExcept(opts));
      request.set("close", orNull(field(message.data, "close")));
      return codec::toJson(request);
    }
    case MessageType::FetchSockets: {
      Value request = typed(ClassicType::RemoteFetch);
      request.set("opts", roomsAndExcept(opts));
      return codec::toJson(request);
    }
    case MessageType::ServerSideEmit: {
      Value request = typed(ClassicType::ServerSideEmit);
      request.set("data", orNull(field(message.data, "packet")));
      return codec::toJson(request);
    }
    default:
      return std::nullopt;
  }
}

std::optional<std::string> encodeResponse(const ClusterMessage& response,
                                          const RedisAdapterParser& parser) {
  Value requestId = orNull(field(response.data, "requestId"));
  switch (response.kind()) {
    case MessageType::FetchSocketsResponse:
      return codec::toJson(Value::object(
          {{"requestId", requestId}, {"sockets", orNull(field(response.data, "sockets"))}}));
    case MessageType::ServerSideEmitResponse: {
      Value reply =
          Value::object({{"type", int64_t(ClassicType::ServerSideEmit)}, {"requestId", requestId}});
      reply.set("data", orNull(field(response.data, "packet")));
      return codec::toJson(reply);
    }
    case MessageType::BroadcastClientCount:
      return codec::toJson(
          Value::object({{"type", int64_t(ClassicType::BroadcastClientCount)},
                         {"requestId", requestId},
                         {"clientCount", orNull(field(response.data, "clientCount"))}}));
    case MessageType::BroadcastAck:
      return parser.encode(Value::object({{"type", int64_t(ClassicType::BroadcastAck)},
                                          {"requestId", requestId},
                                          {"packet", orNull(field(response.data, "packet"))}}));
    default:
      return std::nullopt;
  }
}

std::optional<Value> decodeObject(std::string_view payload, const RedisAdapterParser& parser,
                                  std::string* problem) {
  if (payload.empty()) return fail<Value>(problem, "empty payload");
  auto decoded = payload.front() == '{' ? codec::parseJson(payload) : parser.decode(payload);
  if (!decoded) return fail<Value>(problem, "does not decode");
  if (!decoded->isObject()) return fail<Value>(problem, "not an object");
  return decoded;
}

std::optional<ClusterMessage> requestToMessage(const Value& request, const std::string& nsp) {
  const Value* type = request.find("type");
  if (!type || !type->isInt()) return std::nullopt;
  const std::string* uid = stringField(request, "uid");
  const std::string* requestId = stringField(request, "requestId");
  const Value* opts = request.find("opts");
  bool hasOpts = opts && opts->isObject();
  auto message = [&](MessageType kind, Value data) {
    return ClusterMessage{uid ? *uid : std::string(), nsp, int(kind), std::move(data)};
  };
  switch (static_cast<ClassicType>(type->asInt())) {
    case ClassicType::RemoteJoin:
    case ClassicType::RemoteLeave:
      if (!hasOpts) return std::nullopt;  // the legacy {sid, room} form
      return message(type->asInt() == int(ClassicType::RemoteJoin) ? MessageType::SocketsJoin
                                                                   : MessageType::SocketsLeave,
                     Value::object({{"opts", normalizeOptions(opts, false)},
                                    {"rooms", roomList(request.find("rooms"))}}));
    case ClassicType::RemoteDisconnect: {
      if (!hasOpts) return std::nullopt;  // the legacy {sid, close} form
      const Value* close = request.find("close");
      return message(MessageType::DisconnectSockets,
                     Value::object({{"opts", normalizeOptions(opts, false)},
                                    {"close", close && close->isBool() && close->asBool()}}));
    }
    case ClassicType::RemoteFetch:
      if (!hasOpts || !requestId) return std::nullopt;
      return message(
          MessageType::FetchSockets,
          Value::object({{"opts", normalizeOptions(opts, false)}, {"requestId", *requestId}}));
    case ClassicType::ServerSideEmit: {
      const Value* data = request.find("data");
      if (!data || !data->isArray() || data->size() == 0 || !(*data)[0].isString())
        return std::nullopt;
      Value body = Value::object();
      if (requestId) body.set("requestId", *requestId);
      body.set("packet", *data);
      return message(MessageType::ServerSideEmit, std::move(body));
    }
    case ClassicType::Broadcast: {
      const Value* packet = request.find("packet");
      if (!requestId || !hasOpts || !packet || !packet->isObject()) return std::nullopt;
      // As Node: the receiver keeps only rooms and except (no flags).
      return message(MessageType::Broadcast,
                     Value::object({{"packet", *packet},
                                    {"requestId", *requestId},
                                    {"opts", normalizeOptions(opts, false)}}));
    }
    default:
      return std::nullopt;
  }
}

std::optional<ClusterMessage> responseToMessage(const Value& response, const std::string& nsp) {
  const std::string* requestId = stringField(response, "requestId");
  if (!requestId) return std::nullopt;
  auto message = [&](MessageType kind, Value data) {
    return ClusterMessage{"", nsp, int(kind), std::move(data)};
  };
  if (const Value* type = response.find("type"); type && type->isInt()) {
    switch (static_cast<ClassicType>(type->asInt())) {
      case ClassicType::ServerSideEmit:
        return message(
            MessageType::ServerSideEmitResponse,
            Value::object({{"requestId", *requestId}, {"packet", orNull(response.find("data"))}}));
      case ClassicType::BroadcastClientCount: {
        const Value* count = response.find("clientCount");
        if (!count || !count->isInt() || count->asInt() < 0) return std::nullopt;
        return message(MessageType::BroadcastClientCount,
                       Value::object({{"requestId", *requestId}, {"clientCount", *count}}));
      }
      case ClassicType::BroadcastAck:
        return message(MessageType::BroadcastAck,
                       Value::object({{"requestId", *requestId},
                                      {"packet", orNull(response.find("packet"))}}));
      default:
        return std::nullopt;
    }
  }
  const Value* sockets = response.find("sockets");
  if (!sockets || !sockets->isArray()) return std::nullopt;
  for (const auto& socket : sockets->asArray())
    if (!socket.isObject()) return std::nullopt;  // a legacy SOCKETS answer (ids)
  return message(MessageType::FetchSocketsResponse,
                 Value::object({{"requestId", *requestId}, {"sockets", *sockets}}));
}

}  // namespace sio::adapters::pubsub

namespace sio::adapters {

RedisAdapterParser notepackParser() {
  return RedisAdapterParser{
      [](const Value& value) { return codec::toMsgpack(value, codec::MsgpackFlavor::Notepack); },
      [](std::string_view bytes) { return codec::parseMsgpack(bytes); }};
}

}  // namespace sio::adapters
