// RFC 6455 frames written by a server and read from a client (see the header).
#include "websocket_frames.hpp"

#include <cstring>

namespace sio::engine {

void appendServerFrame(WebSocketOpcode opcode, std::string_view prefix, std::string_view payload,
                       std::string& out) {
  std::uint64_t size = prefix.size() + payload.size();
  char header[10];
  std::size_t headerSize = 2;
  header[0] = static_cast<char>(0x80 | static_cast<std::uint8_t>(opcode));
  if (size < 126) {
    header[1] = static_cast<char>(size);
  } else if (size <= 0xffff) {
    header[1] = 126;
    header[2] = static_cast<char>(size >> 8);
    header[3] = static_cast<char>(size);
    headerSize = 4;
  } else {
    header[1] = 127;
    for (int i = 0; i < 8; ++i) header[2 + i] = static_cast<char>(size >> (8 * (7 - i)));
    headerSize = 10;
  }
  out.append(header, headerSize);
  out.append(prefix);
  out.append(payload);
}

void appendCloseFrame(std::uint16_t code, std::string& out) {
  const char payload[2] = {static_cast<char>(code >> 8), static_cast<char>(code)};
  appendServerFrame(WebSocketOpcode::Close, {}, std::string_view(payload, 2), out);
}

bool isValidUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    // ASCII runs eight bytes at a time
    while (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, 8);
      if (word & 0x8080808080808080ull) break;
      p += 8;
    }
    if (p == end) break;
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    std::size_t length;
    std::uint32_t min;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      length = 2, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4, min = 0x10000, cp = c & 0x07;
    } else {
      return false;
    }
    if (static_cast<std::size_t>(end - p) < length) return false;
    for (std::size_t i = 1; i < length; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    p += length;
  }
  return true;
}

namespace {

bool isValidCloseCode(std::uint16_t code) {
  if (code >= 3000 && code <= 4999) return true;
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
}

}  // namespace

std::optional<ClientFrameReader::Event> ClientFrameReader::fail(std::uint16_t code,
                                                                std::string why) {
  failed_ = true;
  message_.reset();
  return Event{Event::Kind::Fail, std::move(why), code};
}

std::optional<ClientFrameReader::Event> ClientFrameReader::next(std::string_view& input) {
  while (!failed_) {
    if (input.size() < 2) return std::nullopt;
    const auto* bytes = reinterpret_cast<const unsigned char*>(input.data());
    bool fin = bytes[0] & 0x80;
    unsigned opcode = bytes[0] & 0x0F;
    if (bytes[0] & 0x70) return fail(websocket_close::kProtocolError, "reserved bits set");
    if (!(bytes[1] & 0x80)) return fail(websocket_close::kProtocolError, "unmasked client frame");
    std::uint64_t length = bytes[1] & 0x7F;
    std::size_t headerSize = 2;
    if (length == 126) {
      if (input.size() < 4) return std::nullopt;
      length = (std::uint64_t{bytes[2]} << 8) | bytes[3];
      headerSize = 4;
    } else if (length == 127) {
      if (input.size() < 10) return std::nullopt;
      length = 0;
      for (int i = 0; i < 8; ++i) length = (length << 8) | bytes[2 + i];
      if (length >> 63) return fail(websocket_close::kProtocolError, "invalid frame length");
      headerSize = 10;
    }
    bool control = opcode & 0x8;
    if (control) {
      if (opcode > 0xA) return fail(websocket_close::kProtocolError, "unknown opcode");
      if (!fin) return fail(websocket_close::kProtocolError, "fragmented control frame");
      if (length > 125) return fail(websocket_close::kProtocolError, "control frame too long");
    } else {
      if (opcode > 0x2) return fail(websocket_close::kProtocolError, "unknown opcode");
      if (opcode == 0 && !message_)
        return fail(websocket_close::kProtocolError, "continuation without a message");
      if (opcode != 0 && message_)
        return fail(websocket_close::kProtocolError, "new message inside a fragmented one");
      std::size_t sofar = message_ ? message_->size() : 0;
      if (length > maxMessageSize_ || sofar + length > maxMessageSize_)
        return fail(websocket_close::kMessageTooBig, "message too big");
    }
    if (input.size() - headerSize < 4 + length) return std::nullopt;
    const unsigned char* mask = bytes + headerSize;
    const unsigned char* data = mask + 4;
    auto size = static_cast<std::size_t>(length);

    auto unmaskInto = [&](std::string& out) {
      std::size_t base = out.size();
      out.resize(base + size);
      char* target = out.data() + base;
      for (std::size_t i = 0; i < size; ++i) target[i] = static_cast<char>(data[i] ^ mask[i & 3]);
    };

    if (control) {
      std::string payload;
      unmaskInto(payload);
      input.remove_prefix(headerSize + 4 + size);
      auto kind = static_cast<WebSocketOpcode>(opcode);
      if (kind == WebSocketOpcode::Ping) return Event{Event::Kind::Ping, std::move(payload)};
      if (kind == WebSocketOpcode::Pong) return Event{Event::Kind::Pong, std::move(payload)};
      if (kind != WebSocketOpcode::Close)
        return fail(websocket_close::kProtocolError, "unknown opcode");
      if (payload.empty()) return Event{Event::Kind::Close, {}, websocket_close::kNoStatus};
      if (payload.size() == 1) return fail(websocket_close::kProtocolError, "invalid close frame");
      auto code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                             static_cast<unsigned char>(payload[1]));
      if (!isValidCloseCode(code))
        return fail(websocket_close::kProtocolError, "invalid close code");
      std::string reason = payload.substr(2);
      if (!isValidUtf8(reason))
        return fail(websocket_close::kInvalidPayload, "invalid close reason");
      return Event{Event::Kind::Close, std::move(reason), code};
    }

    // A whole message in one frame goes straight to its event; fragments gather in message_.
    if (opcode != 0) messageBinary_ = opcode == 0x2;
    if (opcode != 0 && !fin) message_ = std::make_unique<std::string>();
    std::string message;
    unmaskInto(message_ ? *message_ : message);
    input.remove_prefix(headerSize + 4 + size);
    if (!fin) continue;
    if (message_) {
      message = std::move(*message_);
      message_.reset();
    }
    if (messageBinary_) return Event{Event::Kind::Binary, std::move(message)};
    if (!isValidUtf8(message)) return fail(websocket_close::kInvalidPayload, "invalid UTF-8 text");
    return Event{Event::Kind::Text, std::move(message)};
  }
  return std::nullopt;
}

}  // namespace sio::engine
