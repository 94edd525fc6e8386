// sio-bench's WebSocket frames (apps/sio-bench/ws_frame.hpp): masked frames as a server
// reads them (header, lengths, the mask applied across head and body), and the server's
// frames parsed in place, whole, cut anywhere, or malformed.
#include "ws_frame.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace sio::bench {
namespace {

// Unmasks a client frame the way a server does; returns its payload.
std::string unmask(const std::string& frame, uint8_t& opcode) {
  opcode = uint8_t(frame[0]) & 0x0f;
  EXPECT_TRUE(uint8_t(frame[0]) & 0x80);  // FIN
  EXPECT_TRUE(uint8_t(frame[1]) & 0x80);  // masked
  uint64_t length = uint8_t(frame[1]) & 0x7f;
  size_t at = 2;
  if (length == 126) {
    length = (uint64_t(uint8_t(frame[2])) << 8) | uint8_t(frame[3]);
    at = 4;
  } else if (length == 127) {
    length = 0;
    for (int i = 2; i < 10; ++i) length = (length << 8) | uint8_t(frame[i]);
    at = 10;
  }
  unsigned char key[4];
  std::memcpy(key, frame.data() + at, 4);
  at += 4;
  EXPECT_EQ(frame.size(), at + length);
  std::string payload = frame.substr(at);
  for (size_t i = 0; i < payload.size(); ++i) payload[i] = char(payload[i] ^ key[i % 4]);
  return payload;
}

// A server's frame: FIN, unmasked.
std::string serverFrame(uint8_t opcode, const std::string& payload, bool fin = true) {
  std::string frame(1, char((fin ? 0x80 : 0) | opcode));
  if (payload.size() < 126) {
    frame += char(payload.size());
  } else if (payload.size() <= 0xffff) {
    frame += char(126);
    frame += char(payload.size() >> 8);
    frame += char(payload.size() & 0xff);
  } else {
    frame += char(127);
    for (int shift = 56; shift >= 0; shift -= 8)
      frame += char((uint64_t(payload.size()) >> shift) & 0xff);
  }
  return frame + payload;
}

TEST(WsFrame, MaskedFramesCarryHeadThenBodyAtEveryLength) {
  for (size_t size : {0u, 1u, 3u, 7u, 8u, 9u, 125u, 126u, 127u, 65535u, 65536u, 100000u}) {
    std::string body(size, '\0');
    for (size_t i = 0; i < size; ++i) body[i] = char('a' + i % 26);
    for (std::string head : {"", "4", "42"}) {
      std::string out = "x";  // appended after what is there
      appendMaskedFrame(out, WsOpcode::Text, head, body, 0x9a3c51f7u);
      ASSERT_EQ(out[0], 'x');
      uint8_t opcode = 0;
      EXPECT_EQ(unmask(out.substr(1), opcode), head + body) << size << " " << head;
      EXPECT_EQ(opcode, 0x1);
    }
  }
}

TEST(WsFrame, SeveralFramesInOneBuffer) {
  std::string out;
  appendMaskedFrame(out, WsOpcode::Text, "4", "2[\"b\",1]", 1);
  const size_t first = out.size();
  appendMaskedFrame(out, WsOpcode::Close, {}, std::string("\x03\xe8", 2), 2);
  uint8_t opcode = 0;
  EXPECT_EQ(unmask(out.substr(0, first), opcode), "42[\"b\",1]");
  EXPECT_EQ(unmask(out.substr(first), opcode), std::string("\x03\xe8", 2));
  EXPECT_EQ(opcode, 0x8);
}

TEST(WsFrame, ParsesEveryFrameOfABufferInPlace) {
  const std::string big(70000, 'z');
  const std::string buffer = serverFrame(1, "42[\"b\",1,2]") + serverFrame(9, "") +
                             serverFrame(1, std::string(300, 'y')) + serverFrame(2, big);
  size_t at = 0, frames = 0;
  while (at < buffer.size()) {
    WsFrame frame;
    size_t needed = 0;
    const char* error = nullptr;
    ASSERT_EQ(parseFrame(buffer.data() + at, buffer.size() - at, frame, needed, error),
              WsParse::Frame);
    EXPECT_TRUE(frame.fin);
    if (frames == 0) {
      EXPECT_EQ(frame.payload, "42[\"b\",1,2]");
    } else if (frames == 1) {
      EXPECT_EQ(frame.opcode, WsOpcode::Ping);
    } else if (frames == 2) {
      EXPECT_EQ(frame.payload, std::string(300, 'y'));
    } else {
      EXPECT_EQ(frame.payload.size(), big.size());
    }
    EXPECT_EQ(frame.payload.data(), buffer.data() + at + (frame.size - frame.payload.size()));
    at += frame.size;
    ++frames;
  }
  EXPECT_EQ(frames, 4u);
}

TEST(WsFrame, ACutFrameNeedsMoreAndSaysHowMuchOnceTheLengthIsKnown) {
  const std::string frame = serverFrame(1, std::string(300, 'y'));
  for (size_t cut = 0; cut < frame.size(); ++cut) {
    WsFrame parsed;
    size_t needed = 0;
    const char* error = nullptr;
    ASSERT_EQ(parseFrame(frame.data(), cut, parsed, needed, error), WsParse::NeedMore) << cut;
    EXPECT_EQ(needed, cut >= 4 ? frame.size() : 0u) << cut;
  }
}

TEST(WsFrame, FragmentsKeepTheirFinBit) {
  const std::string frame = serverFrame(1, "part", false);
  WsFrame parsed;
  size_t needed = 0;
  const char* error = nullptr;
  ASSERT_EQ(parseFrame(frame.data(), frame.size(), parsed, needed, error), WsParse::Frame);
  EXPECT_FALSE(parsed.fin);
  EXPECT_EQ(parsed.opcode, WsOpcode::Text);
}

TEST(WsFrame, MalformedFramesAreErrors) {
  auto error = [](std::string frame) {
    WsFrame parsed;
    size_t needed = 0;
    const char* why = nullptr;
    return parseFrame(frame.data(), frame.size(), parsed, needed, why) == WsParse::Error;
  };
  EXPECT_TRUE(error(std::string("\x81\x81xxxxa", 7)));  // masked by the server
  EXPECT_TRUE(
      error(std::string("\xc1\x01"
                        "a",
                        3)));  // RSV1 (no deflate here)
  EXPECT_TRUE(
      error(std::string("\x83\x01"
                        "a",
                        3)));                                 // opcode 3
  EXPECT_TRUE(error(std::string("\x09\x00", 2)));             // a fragmented ping
  EXPECT_TRUE(error(serverFrame(9, std::string(126, 'p'))));  // a ping above 125 bytes
  EXPECT_FALSE(error(serverFrame(1, "fine")));
}

}  // namespace
}  // namespace sio::bench
