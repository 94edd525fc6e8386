// libFuzzer target: the Engine.IO v3 decoders (allowEIO3): string and binary polling
// payloads (the first byte picks the form), text packets, binary WebSocket frames, and the
// JSONP form a POST may carry. Whatever a payload yields must encode again to a payload
// that reads back the same.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "jsonp.hpp"
#include "payload_v3.hpp"

namespace {

std::vector<sio::engine::Packet> readAll(std::string_view payload, bool binary) {
  sio::engine::v3::PayloadReader reader(payload, binary);
  std::vector<sio::engine::Packet> packets;
  while (auto packet = reader.next()) packets.push_back(std::move(*packet));
  return packets;
}

void expectSame(const std::vector<sio::engine::Packet>& a,
                const std::vector<sio::engine::Packet>& b) {
  if (a.size() != b.size()) std::abort();
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].type != b[i].type || a[i].binary != b[i].binary || a[i].view() != b[i].view())
      std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  bool binary = data[0] & 1;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  sio::engine::v3::decodePacket(input);
  sio::engine::v3::decodeBinaryPacket(input);
  if (auto form = sio::engine::unwrapJsonpBody(input)) readAll(*form, false);
  auto packets = readAll(input, binary);
  if (packets.empty()) return 0;
  expectSame(readAll(sio::engine::v3::encodeBinaryPayload(packets), true), packets);
  expectSame(readAll(sio::engine::v3::encodeStringPayload(packets), false), packets);
  return 0;
}
