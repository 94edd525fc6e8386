// Engine.IO v4 packet and payload codec: text packets are `<type digit><data>`, binary
// packets in polling payloads are `b<base64>`, payloads join packets with 0x1e.
#include "sio/engine/packet.hpp"

#include "sio/codec/base64.hpp"

namespace sio::engine {

std::optional<Packet> decodePacket(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text[0] == 'b') {
    auto bytes = codec::base64Decode(text.substr(1));
    if (!bytes) return std::nullopt;
    return Packet{PacketType::Message, makeBytes(std::move(*bytes)), true};
  }
  if (text[0] < '0' || text[0] > '6') return std::nullopt;
  auto type = static_cast<PacketType>(text[0] - '0');
  return makePacket(type, text.substr(1));
}

std::optional<std::vector<Packet>> decodePayload(std::string_view payload) {
  std::vector<Packet> packets;
  while (true) {
    auto sep = payload.find(kRecordSeparator);
    auto packet = decodePacket(payload.substr(0, sep));
    if (!packet) return std::nullopt;
    packets.push_back(std::move(*packet));
    if (sep == std::string_view::npos) break;
    payload.remove_prefix(sep + 1);
  }
  return packets;
}

void appendPollingPacket(const Packet& packet, std::string& out) {
  if (packet.binary) {
    out.push_back('b');
    codec::base64EncodeAppend(packet.view(), out);
  } else {
    out.push_back(typeChar(packet.type));
    out.append(packet.view());
  }
}

std::string encodePayload(const std::vector<Packet>& packets) {
  std::string out;
  size_t estimate = 0;
  for (const auto& packet : packets) estimate += packet.view().size() * 4 / 3 + 4;
  out.reserve(estimate);
  for (size_t i = 0; i < packets.size(); ++i) {
    if (i) out.push_back(kRecordSeparator);
    appendPollingPacket(packets[i], out);
  }
  return out;
}

}  // namespace sio::engine
