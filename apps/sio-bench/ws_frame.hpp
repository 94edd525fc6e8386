// sio-bench: the WebSocket frame format (RFC 6455 §5) as a client needs it, without I/O:
// appending masked frames to an output buffer (many frames, one write), and reading the
// server's unmasked frames from an input buffer in place (views, no copy). ws_client.cpp
// drives these over a socket; pure functions, unit-tested on their own.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sio::bench {

enum class WsOpcode : uint8_t {
  Continuation = 0x0,
  Text = 0x1,
  Binary = 0x2,
  Close = 0x8,
  Ping = 0x9,
  Pong = 0xA,
};

// Appends one final frame of `opcode` whose payload is the concatenation of `head` and
// `body` (e.g. the Engine.IO type and a Socket.IO packet), masked with `mask` (a client's
// frames must be masked; any key is valid to a server).
void appendMaskedFrame(std::string& out, WsOpcode opcode, std::string_view head,
                       std::string_view body, uint32_t mask);

// One frame read from the start of a buffer.
struct WsFrame {
  WsOpcode opcode = WsOpcode::Text;
  bool fin = true;
  std::string_view payload;  // into the buffer
  size_t size = 0;           // header + payload: what to consume
};

enum class WsParse { Frame, NeedMore, Error };

// Reads the frame at the start of [data, data + size): Frame (then `frame` is set),
// NeedMore (incomplete; `needed`, when known, is the whole frame's size), or Error (a
// masked frame, reserved bits, an unknown opcode, a bad control frame, a length above
// 2^62; `error` says which).
WsParse parseFrame(const char* data, size_t size, WsFrame& frame, size_t& needed,
                   const char*& error);

}  // namespace sio::bench
