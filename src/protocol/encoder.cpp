// Socket.IO packet encoding: binary values are lifted out of the payload in depth-first
// order (array elements in order, object members in order) and replaced by placeholders,
// then the packet is written as `<type>[<n>-][<nsp>,][<id>][<JSON>]`.
#include "sio/protocol/encoder.hpp"

#include <stdexcept>

#include "sio/codec/json.hpp"

namespace sio::protocol {
namespace {

Value placeholder(size_t num) {
  return Value::object({{"_placeholder", true}, {"num", static_cast<int64_t>(num)}});
}

Value deconstruct(const Value& value, std::vector<Binary>& attachments) {
  switch (value.type()) {
    case Value::Type::Binary:
      attachments.push_back(value.asBinary());
      return placeholder(attachments.size() - 1);
    case Value::Type::Array: {
      Value::Array items;
      items.reserve(value.size());
      for (const auto& item : value.asArray()) items.push_back(deconstruct(item, attachments));
      return Value(std::move(items));
    }
    case Value::Type::Object: {
      Value::Object members;
      members.reserve(value.size());
      for (const auto& [key, member] : value.asObject())
        members.emplace_back(key, deconstruct(member, attachments));
      return Value(std::move(members));
    }
    default:
      return value;
  }
}

}  // namespace

bool isReservedEventName(std::string_view name) {
  return name == "connect" || name == "connect_error" || name == "disconnect" ||
         name == "disconnecting" || name == "newListener" || name == "removeListener";
}

Value eventData(const std::string& event, std::vector<Value> args) {
  if (isReservedEventName(event))
    throw std::invalid_argument("\"" + event + "\" is a reserved event name");
  Value::Array data;
  data.reserve(args.size() + 1);
  data.emplace_back(event);
  for (auto& arg : args) data.push_back(std::move(arg));
  return Value(std::move(data));
}

std::string encodeText(const Packet& packet, size_t attachments) {
  std::string text;
  text.reserve(64);  // one allocation for most packets, not three or four while growing
  text.push_back(char('0' + static_cast<int>(packet.type)));
  if (packet.type == PacketType::BinaryEvent || packet.type == PacketType::BinaryAck) {
    text += std::to_string(attachments);
    text.push_back('-');
  }
  if (!packet.nsp.empty() && packet.nsp != "/") {
    text += packet.nsp;
    text.push_back(',');
  }
  if (packet.id) text += std::to_string(*packet.id);
  if (packet.data) codec::appendJson(*packet.data, text);
  return text;
}

EncodedPacket encodePacket(const Packet& packet) {
  EncodedPacket encoded;
  bool mayHoldBinary = packet.type == PacketType::Event || packet.type == PacketType::Ack ||
                       packet.type == PacketType::BinaryEvent ||
                       packet.type == PacketType::BinaryAck;
  if (mayHoldBinary && packet.data && packet.data->hasBinary()) {
    Packet binary{packet.type == PacketType::Event || packet.type == PacketType::BinaryEvent
                      ? PacketType::BinaryEvent
                      : PacketType::BinaryAck,
                  packet.nsp, packet.id, deconstruct(*packet.data, encoded.attachments)};
    encoded.text =
        std::make_shared<const std::string>(encodeText(binary, encoded.attachments.size()));
  } else {
    encoded.text = std::make_shared<const std::string>(encodeText(packet));
  }
  return encoded;
}

}  // namespace sio::protocol
