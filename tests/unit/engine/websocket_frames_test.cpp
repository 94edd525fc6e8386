// RFC 6455 frames: what the server writes, and every rule the client-frame reader enforces.
#include "websocket_frames.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace sio::engine {
namespace {

using Kind = ClientFrameReader::Event::Kind;

// A client frame: FIN/RSV/opcode byte, masked payload with a fixed key.
std::string clientFrame(std::uint8_t first, std::string_view payload, bool masked = true) {
  std::string out;
  out.push_back(static_cast<char>(first));
  std::uint8_t maskBit = masked ? 0x80 : 0;
  if (payload.size() < 126) {
    out.push_back(static_cast<char>(maskBit | payload.size()));
  } else if (payload.size() <= 0xffff) {
    out.push_back(static_cast<char>(maskBit | 126));
    out.push_back(static_cast<char>(payload.size() >> 8));
    out.push_back(static_cast<char>(payload.size()));
  } else {
    out.push_back(static_cast<char>(maskBit | 127));
    for (int i = 7; i >= 0; --i)
      out.push_back(static_cast<char>(std::uint64_t{payload.size()} >> (8 * i)));
  }
  const char key[4] = {0x12, 0x34, 0x56, 0x78};
  if (masked) out.append(key, 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out.push_back(masked ? static_cast<char>(payload[i] ^ key[i & 3]) : payload[i]);
  return out;
}

std::vector<ClientFrameReader::Event> readAll(std::string_view input, std::size_t max = 1000) {
  ClientFrameReader reader(max);
  std::vector<ClientFrameReader::Event> events;
  while (auto event = reader.next(input)) events.push_back(std::move(*event));
  return events;
}

TEST(WebSocketFrames, ServerFrameLengthForms) {
  std::string out;
  appendServerFrame(WebSocketOpcode::Text, "4", "hello", out);
  EXPECT_EQ(out, std::string("\x81\x06"
                             "4hello",
                             8));
  out.clear();
  appendServerFrame(WebSocketOpcode::Binary, {}, std::string(200, 'x'), out);
  ASSERT_EQ(out.size(), 4u + 200);
  EXPECT_EQ(static_cast<unsigned char>(out[0]), 0x82);
  EXPECT_EQ(static_cast<unsigned char>(out[1]), 126);
  EXPECT_EQ(static_cast<unsigned char>(out[2]), 0);
  EXPECT_EQ(static_cast<unsigned char>(out[3]), 200);
  out.clear();
  appendServerFrame(WebSocketOpcode::Binary, {}, std::string(70000, 'y'), out);
  ASSERT_EQ(out.size(), 10u + 70000);
  EXPECT_EQ(static_cast<unsigned char>(out[1]), 127);
  EXPECT_EQ((static_cast<unsigned char>(out[7]) << 16) | (static_cast<unsigned char>(out[8]) << 8) |
                static_cast<unsigned char>(out[9]),
            70000);
  out.clear();
  appendCloseFrame(1009, out);
  EXPECT_EQ(out, std::string("\x88\x02\x03\xf1", 4));
}

TEST(WebSocketFrames, ReadsMaskedMessagesAndControlFrames) {
  std::string input = clientFrame(0x81, "4hi") + clientFrame(0x82, std::string("\0\1", 2)) +
                      clientFrame(0x89, "p") + clientFrame(0x8A, "") +
                      clientFrame(0x88, std::string("\x03\xe8"
                                                    "bye",
                                                    5));
  auto events = readAll(input);
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].kind, Kind::Text);
  EXPECT_EQ(events[0].payload, "4hi");
  EXPECT_EQ(events[1].kind, Kind::Binary);
  EXPECT_EQ(events[1].payload, std::string("\0\1", 2));
  EXPECT_EQ(events[2].kind, Kind::Ping);
  EXPECT_EQ(events[2].payload, "p");
  EXPECT_EQ(events[3].kind, Kind::Pong);
  EXPECT_EQ(events[4].kind, Kind::Close);
  EXPECT_EQ(events[4].code, 1000);
  EXPECT_EQ(events[4].payload, "bye");
}

TEST(WebSocketFrames, ReassemblesFragmentsAroundControlFrames) {
  std::string input = clientFrame(0x01, "4he") + clientFrame(0x89, "") + clientFrame(0x00, "ll") +
                      clientFrame(0x80, "o");
  auto events = readAll(input);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, Kind::Ping);
  EXPECT_EQ(events[1].kind, Kind::Text);
  EXPECT_EQ(events[1].payload, "4hello");
}

TEST(WebSocketFrames, WaitsForCompleteFramesByteByByte) {
  std::string input = clientFrame(0x81, std::string(300, 'a')) + clientFrame(0x81, "4x");
  ClientFrameReader reader(1000);
  std::string buffered;
  std::vector<std::string> messages;
  for (char c : input) {
    buffered.push_back(c);
    std::string_view view = buffered;
    while (auto event = reader.next(view)) messages.push_back(event->payload);
    buffered = std::string(view);
  }
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0], std::string(300, 'a'));
  EXPECT_EQ(messages[1], "4x");
  EXPECT_TRUE(buffered.empty());
}

void expectFail(const std::string& input, std::uint16_t code, std::size_t max = 1000) {
  auto events = readAll(input, max);
  ASSERT_FALSE(events.empty()) << "no event";
  EXPECT_EQ(events.back().kind, Kind::Fail) << events.back().payload;
  EXPECT_EQ(events.back().code, code) << events.back().payload;
}

TEST(WebSocketFrames, RefusesWhatTheRfcForbids) {
  expectFail(clientFrame(0x81, "4x", false), 1002);                     // unmasked
  expectFail(clientFrame(0xC1, "4x"), 1002);                            // RSV1 without an extension
  expectFail(clientFrame(0x83, "x"), 1002);                             // reserved data opcode
  expectFail(clientFrame(0x8B, "x"), 1002);                             // reserved control opcode
  expectFail(clientFrame(0x09, "x"), 1002);                             // fragmented ping
  expectFail(clientFrame(0x89, std::string(126, 'x')), 1002);           // control frame over 125
  expectFail(clientFrame(0x80, "x"), 1002);                             // continuation first
  expectFail(clientFrame(0x01, "4") + clientFrame(0x81, "4"), 1002);    // new message mid-message
  expectFail(clientFrame(0x88, "\x03"), 1002);                          // 1-byte close payload
  expectFail(clientFrame(0x88, std::string("\x03\xed", 2)), 1002);      // close code 1005
  expectFail(clientFrame(0x88, std::string("\x03\xe8\xff", 3)), 1007);  // reason not UTF-8
  expectFail(clientFrame(0x81, "4\xc3\x28"), 1007);                     // text not UTF-8
  expectFail(clientFrame(0x81, "4\xed\xa0\x80"), 1007);                 // a surrogate
  expectFail(clientFrame(0x81, "4\xc0\xaf"), 1007);                     // overlong
  expectFail(clientFrame(0x81, std::string(101, 'x')), 1009, 100);      // over the limit
  expectFail(clientFrame(0x01, std::string(60, 'x')) + clientFrame(0x80, std::string(60, 'x')),
             1009, 100);  // over the limit in fragments
  std::string hugeLength("\x81\xff\x80\x00\x00\x00\x00\x00\x00\x00", 10);
  expectFail(hugeLength, 1002);  // 64-bit length with the top bit set
}

TEST(WebSocketFrames, CloseWithoutCodeAndValidUtf8) {
  auto events = readAll(clientFrame(0x88, ""));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, Kind::Close);
  EXPECT_EQ(events[0].code, 1005);
  EXPECT_TRUE(isValidUtf8("plain ascii text that is long enough for the fast path"));
  EXPECT_TRUE(isValidUtf8("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(isValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(isValidUtf8("\xe2\x82"));          // truncated
}

TEST(WebSocketFrames, NothingAfterAFailure) {
  std::string input = clientFrame(0x81, "4x", false) + clientFrame(0x81, "4y");
  ClientFrameReader reader(1000);
  std::string_view view = input;
  auto first = reader.next(view);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->kind, Kind::Fail);
  EXPECT_FALSE(reader.next(view));
}

}  // namespace
}  // namespace sio::engine
