// Redis encodings of the Streams adapter's messages (see message_codec.hpp). The JSON/
// msgpack choice for stream data follows Node's rule exactly: msgpack (base64) only for
// types that may carry binary, when binary is present and onlyPlaintext is off.
#include "message_codec.hpp"

#include <charconv>

#include "sio/codec/base64.hpp"
#include "sio/codec/json.hpp"
#include "sio/codec/msgpack.hpp"
#include "stream_entry.hpp"

namespace sio::adapters::streams {
namespace {

using codec::MsgpackFlavor;

void fail(std::string* problem, const char* why) {
  if (problem) *problem = why;
}

std::optional<int> parseType(std::string_view text) {
  int type = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), type);
  if (ec != std::errc{} || end == text.data()) return std::nullopt;  // parseInt: leading digits
  return type;
}

}  // namespace

bool mayCarryBinary(MessageType type) {
  return type == MessageType::Broadcast || type == MessageType::FetchSocketsResponse ||
         type == MessageType::ServerSideEmit || type == MessageType::ServerSideEmitResponse ||
         type == MessageType::BroadcastAck;
}

std::vector<std::string> encodeStreamEntry(const ClusterMessage& message, bool onlyPlaintext) {
  // Built in place: an initializer list would copy every string a second time.
  std::vector<std::string> fields;
  fields.reserve(8);
  fields.emplace_back("uid");
  fields.push_back(message.uid);
  fields.emplace_back("nsp");
  fields.push_back(message.nsp);
  fields.emplace_back("type");
  fields.push_back(std::to_string(message.type));
  if (message.data) {
    fields.emplace_back("data");
    if (!onlyPlaintext && mayCarryBinary(message.kind()) && message.data->hasBinary())
      fields.push_back(
          codec::base64Encode(codec::toMsgpack(*message.data, MsgpackFlavor::MsgpackJs)));
    else
      fields.push_back(codec::toJson(*message.data));
  }
  return fields;
}

std::optional<ClusterMessage> decodeStreamEntry(std::vector<std::string> fields,
                                                std::string* problem) {
  std::string* uid = entryField(fields, "uid");
  std::string* nsp = entryField(fields, "nsp");
  const std::string* type = entryField(fields, "type");
  const std::string* data = entryField(fields, "data");
  if (!nsp) return fail(problem, "no nsp field"), std::nullopt;
  if (!uid || !type) return fail(problem, "no uid or type field"), std::nullopt;
  auto kind = parseType(*type);
  if (!kind) return fail(problem, "type is not a number"), std::nullopt;
  ClusterMessage message{std::move(*uid), std::move(*nsp), *kind, std::nullopt};
  if (data) {
    if (!data->empty() && data->front() == '{') {
      message.data = codec::parseJson(*data);
    } else if (auto bytes = codec::base64Decode(*data)) {
      message.data = codec::parseMsgpack(*bytes);
    }
    if (!message.data) return fail(problem, "data does not decode"), std::nullopt;
  }
  return message;
}

std::string encodePubSubMessage(const ClusterMessage& message) {
  Value map = Value::object({{"type", static_cast<int64_t>(message.type)}});
  if (message.data) map.set("data", *message.data);
  map.set("uid", message.uid);
  map.set("nsp", message.nsp);
  return codec::toMsgpack(map, MsgpackFlavor::MsgpackJs);
}

std::optional<ClusterMessage> decodePubSubMessage(std::string_view payload, std::string* problem) {
  auto map = codec::parseMsgpack(payload);
  if (!map || !map->isObject()) return fail(problem, "not a msgpack map"), std::nullopt;
  const Value* type = map->find("type");
  const Value* uid = map->find("uid");
  const Value* nsp = map->find("nsp");
  if (!nsp || !nsp->isString()) return fail(problem, "no nsp"), std::nullopt;
  if (!type || !type->isInt() || !uid || !uid->isString())
    return fail(problem, "no type or uid"), std::nullopt;
  ClusterMessage message{uid->asString(), nsp->asString(), static_cast<int>(type->asInt()),
                         std::nullopt};
  // The decoded map is ours: its data is moved into the message, not copied.
  if (Value* data = map->find("data")) message.data = std::move(*data);
  return message;
}

std::string encodeSessionBlob(const SessionToPersist& session) {
  Value::Array rooms(session.rooms.begin(), session.rooms.end());
  Value blob = Value::object({{"sid", session.sid},
                              {"pid", session.pid},
                              {"rooms", Value(std::move(rooms))},
                              {"data", session.data}});
  return codec::base64Encode(codec::toMsgpack(blob, MsgpackFlavor::MsgpackJs));
}

std::optional<SessionToPersist> decodeSessionBlob(std::string_view blob) {
  auto bytes = codec::base64Decode(blob);
  if (!bytes) return std::nullopt;
  auto value = codec::parseMsgpack(*bytes);
  if (!value || !value->isObject()) return std::nullopt;
  const Value* sid = value->find("sid");
  const Value* pid = value->find("pid");
  const Value* rooms = value->find("rooms");
  if (!sid || !sid->isString() || !pid || !pid->isString() || !rooms || !rooms->isArray())
    return std::nullopt;
  SessionToPersist session{sid->asString(), pid->asString(), {}, Value::object()};
  for (const auto& room : rooms->asArray())
    if (room.isString()) session.rooms.push_back(room.asString());
  if (const Value* data = value->find("data")) session.data = *data;
  return session;
}

}  // namespace sio::adapters::streams
