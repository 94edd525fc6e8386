// Engine.IO v4 packets and polling payloads (what engine.io-parser does in Node).
// A packet's data is an immutable, reference-counted byte string so that one broadcast
// is encoded once and the same bytes are queued on every recipient session.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sio::engine {

enum class PacketType : uint8_t { Open = 0, Close, Ping, Pong, Message, Upgrade, Noop };

using SharedBytes = std::shared_ptr<const std::string>;

inline SharedBytes makeBytes(std::string bytes) {
  return std::make_shared<const std::string>(std::move(bytes));
}

struct Packet {
  PacketType type = PacketType::Message;
  SharedBytes data;     // null when the packet carries nothing
  bool binary = false;  // binary message (only for PacketType::Message)

  std::string_view view() const { return data ? std::string_view(*data) : std::string_view{}; }
};

inline Packet makePacket(PacketType type, std::string_view data = {}) {
  return Packet{type, data.empty() ? nullptr : makeBytes(std::string(data)), false};
}

// The character that starts a text packet of this type ('0'..'6').
inline char typeChar(PacketType type) {
  return char('0' + static_cast<int>(type));
}

// Decodes one text-encoded packet: a WebSocket text frame, or one element of a polling
// payload (where `b<base64>` is a binary message). nullopt when it is not a valid packet.
std::optional<Packet> decodePacket(std::string_view text);

// Decodes a polling payload: packets separated by the record separator 0x1e. nullopt if
// any packet is invalid (the whole payload is then a parse error, as in Node).
std::optional<std::vector<Packet>> decodePayload(std::string_view payload);

// Appends one packet in its polling form (`<type><data>` or `b<base64>`).
void appendPollingPacket(const Packet& packet, std::string& out);

// Encodes packets as one polling payload joined by 0x1e.
std::string encodePayload(const std::vector<Packet>& packets);

constexpr char kRecordSeparator = '\x1e';

}  // namespace sio::engine
