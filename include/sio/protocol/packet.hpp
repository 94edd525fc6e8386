// Socket.IO v5 packets (socket.io-parser 4.2): the seven types, the namespace, the ack id
// and the JSON payload. Binary values inside the payload travel as separate attachments;
// an encoded packet is one text frame plus its attachments, built once and shared by every
// recipient of a broadcast.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sio/codec/value.hpp"

namespace sio::protocol {

enum class PacketType : uint8_t {
  Connect = 0,
  Disconnect = 1,
  Event = 2,
  Ack = 3,
  ConnectError = 4,
  BinaryEvent = 5,
  BinaryAck = 6,
};

struct Packet {
  PacketType type = PacketType::Event;
  std::string nsp = "/";
  std::optional<uint64_t> id;  // ack id
  std::optional<Value> data;   // absent when the packet has no payload
};

// Event names a client may not use (they are the server's own events).
bool isReservedEventName(std::string_view name);

// The data of an EVENT: [event, ...args]. Throws std::invalid_argument for a reserved
// event name (as Node's emit does).
Value eventData(const std::string& event, std::vector<Value> args);

}  // namespace sio::protocol
