// sio-bench: WebSocket frames, written masked and read unmasked. The mask is applied eight
// bytes at a time (the key repeated), the payload copied once, straight into the output.
#include "ws_frame.hpp"

#include <cstring>

namespace sio::bench {

namespace {

// XORs `n` bytes from `from` into `to` with the 4-byte key, starting at key offset `phase`.
void maskInto(char* to, const char* from, size_t n, uint32_t key, size_t phase) {
  unsigned char bytes[4];
  std::memcpy(bytes, &key, 4);
  size_t i = 0;
  // bring the key in phase, then eight bytes at a time
  for (; i < n && (phase + i) % 4 != 0; ++i) to[i] = char(from[i] ^ bytes[(phase + i) % 4]);
  uint64_t wide = 0;
  for (int k = 0; k < 8; ++k) reinterpret_cast<unsigned char*>(&wide)[k] = bytes[k % 4];
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, from + i, 8);
    word ^= wide;
    std::memcpy(to + i, &word, 8);
  }
  for (; i < n; ++i) to[i] = char(from[i] ^ bytes[(phase + i) % 4]);
}

}  // namespace

void appendMaskedFrame(std::string& out, WsOpcode opcode, std::string_view head,
                       std::string_view body, uint32_t mask) {
  const uint64_t length = head.size() + body.size();
  char header[14];
  size_t h = 0;
  header[h++] = char(0x80 | uint8_t(opcode));  // FIN
  if (length < 126) {
    header[h++] = char(0x80 | length);
  } else if (length <= 0xffff) {
    header[h++] = char(0x80 | 126);
    header[h++] = char(length >> 8);
    header[h++] = char(length & 0xff);
  } else {
    header[h++] = char(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) header[h++] = char((length >> shift) & 0xff);
  }
  std::memcpy(header + h, &mask, 4);
  h += 4;
  const size_t at = out.size();
  out.resize(at + h + length);
  char* p = out.data() + at;
  std::memcpy(p, header, h);
  maskInto(p + h, head.data(), head.size(), mask, 0);
  maskInto(p + h + head.size(), body.data(), body.size(), mask, head.size());
}

WsParse parseFrame(const char* data, size_t size, WsFrame& frame, size_t& needed,
                   const char*& error) {
  needed = 0;
  if (size < 2) return WsParse::NeedMore;
  const auto b0 = uint8_t(data[0]), b1 = uint8_t(data[1]);
  if (b0 & 0x70) return error = "reserved bits set", WsParse::Error;
  if (b1 & 0x80) return error = "masked frame from the server", WsParse::Error;
  const uint8_t op = b0 & 0x0f;
  const bool control = op >= 0x8;
  if (!(op <= 0x2 || (op >= 0x8 && op <= 0xA))) return error = "unknown opcode", WsParse::Error;
  uint64_t length = b1 & 0x7f;
  size_t header = 2;
  if (control && (length > 125 || !(b0 & 0x80))) return error = "bad control frame", WsParse::Error;
  if (length == 126) {
    if (size < 4) return WsParse::NeedMore;
    length = (uint64_t(uint8_t(data[2])) << 8) | uint8_t(data[3]);
    header = 4;
  } else if (length == 127) {
    if (size < 10) return WsParse::NeedMore;
    length = 0;
    for (int i = 2; i < 10; ++i) length = (length << 8) | uint8_t(data[i]);
    if (length >> 62) return error = "frame too long", WsParse::Error;
    header = 10;
  }
  if (size - header < length) {
    needed = header + size_t(length);
    return WsParse::NeedMore;
  }
  frame.opcode = WsOpcode(op);
  frame.fin = b0 & 0x80;
  frame.payload = std::string_view(data + header, size_t(length));
  frame.size = header + size_t(length);
  return WsParse::Frame;
}

}  // namespace sio::bench
