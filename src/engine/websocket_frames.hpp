// RFC 6455 frames as a server sees them: the frames it writes (unmasked, unfragmented) and
// an incremental reader of the frames a client sends (masked), which reassembles fragmented
// messages and checks every rule a server must enforce: masking, reserved bits, opcodes,
// control-frame limits, fragmentation order, UTF-8 of text and close reasons, close codes,
// and the message size limit. Used by the WebSocket transport when it frames by itself
// (no permessage-deflate); pure, so it is unit-tested and fuzzed on its own.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sio::engine {

enum class WebSocketOpcode : std::uint8_t {
  Continuation = 0x0,
  Text = 0x1,
  Binary = 0x2,
  Close = 0x8,
  Ping = 0x9,
  Pong = 0xA,
};

// Close codes this server sends.
namespace websocket_close {
inline constexpr std::uint16_t kNormal = 1000;
inline constexpr std::uint16_t kProtocolError = 1002;
inline constexpr std::uint16_t kNoStatus = 1005;  // received only: a close frame without a code
inline constexpr std::uint16_t kInvalidPayload = 1007;
inline constexpr std::uint16_t kMessageTooBig = 1009;
}  // namespace websocket_close

// Appends one final, unmasked frame whose payload is `prefix` followed by `payload`.
void appendServerFrame(WebSocketOpcode opcode, std::string_view prefix, std::string_view payload,
                       std::string& out);
// A close frame with a status code (and no reason).
void appendCloseFrame(std::uint16_t code, std::string& out);

bool isValidUtf8(std::string_view text);

class ClientFrameReader {
 public:
  struct Event {
    enum class Kind { Text, Binary, Ping, Pong, Close, Fail };
    Kind kind;
    std::string payload;     // a message, a ping/pong payload, a close reason, or why it failed
    std::uint16_t code = 0;  // Close: the peer's code (1005 for none); Fail: the code to send
  };

  explicit ClientFrameReader(std::size_t maxMessageSize) : maxMessageSize_(maxMessageSize) {}

  // Consumes whole frames from the front of `input` until one completes an event, which it
  // returns; nullopt when `input` holds no complete frame any more (the rest stays in it).
  // After a Fail event the reader returns nothing more.
  std::optional<Event> next(std::string_view& input);

 private:
  std::optional<Event> fail(std::uint16_t code, std::string why);

  std::size_t maxMessageSize_;
  // The fragments of a message so far, held only inside a fragmented message (a message in
  // one frame goes straight to its event; an idle connection holds nothing).
  std::unique_ptr<std::string> message_;
  bool messageBinary_ = false;
  bool failed_ = false;
};

}  // namespace sio::engine
