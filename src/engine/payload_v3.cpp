// Engine.IO v3 codec: text packets (`b<type><base64>` for binary), binary WebSocket frames
// (a type byte first), and the two polling payload forms (length-prefixed strings counted
// in UTF-16 units, and the binary form with its digit bytes and 255 separator). Lengths
// are plain decimal digits, never more than the bytes that follow: a bad or huge length is
// a parse error before anything is allocated.
#include "payload_v3.hpp"

#include "sio/codec/base64.hpp"

namespace sio::engine::v3 {
namespace {

constexpr char kMaxType = '6';
constexpr unsigned char kBinaryPayloadSeparator = 255;
constexpr unsigned char kTextElement = 0;
constexpr unsigned char kBinaryElement = 1;

bool isContinuation(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

// The UTF-8 sequence at `at`: its size in bytes, and its size in UTF-16 units. A byte
// that starts no valid sequence is taken alone, as one unit.
struct Sequence {
  size_t bytes;
  size_t units;
};

Sequence sequenceAt(std::string_view text, size_t at) {
  auto lead = static_cast<unsigned char>(text[at]);
  size_t bytes = 1, units = 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    bytes = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    bytes = 3;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    bytes = 4;
    units = 2;
  }
  if (bytes == 1 || at + bytes > text.size()) return {1, 1};
  for (size_t i = 1; i < bytes; ++i)
    if (!isContinuation(static_cast<unsigned char>(text[at + i]))) return {1, 1};
  return {bytes, units};
}

// The bytes that hold the first `units` UTF-16 units of `text`; nullopt when the text is
// shorter or the count ends inside a surrogate pair.
std::optional<size_t> bytesForUnits(std::string_view text, size_t units) {
  size_t at = 0;
  while (units > 0) {
    if (at >= text.size()) return std::nullopt;
    Sequence sequence = sequenceAt(text, at);
    if (sequence.units > units) return std::nullopt;
    units -= sequence.units;
    at += sequence.bytes;
  }
  return at;
}

void appendDigitBytes(size_t length, std::string& out) {
  for (char digit : std::to_string(length)) out.push_back(char(digit - '0'));
  out.push_back(char(kBinaryPayloadSeparator));
}

}  // namespace

std::optional<Packet> decodePacket(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text[0] == 'b') {
    if (text.size() < 2 || text[1] < '0' || text[1] > kMaxType) return std::nullopt;
    auto bytes = codec::base64Decode(text.substr(2));
    if (!bytes) return std::nullopt;
    auto type = static_cast<PacketType>(text[1] - '0');
    return Packet{type, makeBytes(std::move(*bytes)), type == PacketType::Message};
  }
  if (text[0] < '0' || text[0] > kMaxType) return std::nullopt;
  return makePacket(static_cast<PacketType>(text[0] - '0'), text.substr(1));
}

std::optional<Packet> decodeBinaryPacket(std::string_view bytes) {
  if (bytes.empty() || static_cast<unsigned char>(bytes[0]) > kMaxType - '0') return std::nullopt;
  auto type = static_cast<PacketType>(bytes[0]);
  if (type != PacketType::Message) return makePacket(type, bytes.substr(1));
  return Packet{type, makeBytes(std::string(bytes.substr(1))), true};
}

void appendTextPacket(const Packet& packet, std::string& out) {
  if (packet.binary) {
    out.push_back('b');
    out.push_back(typeChar(packet.type));
    codec::base64EncodeAppend(packet.view(), out);
  } else {
    out.push_back(typeChar(packet.type));
    out.append(packet.view());
  }
}

size_t utf16Length(std::string_view utf8) {
  size_t units = 0;
  for (size_t at = 0; at < utf8.size();) {
    Sequence sequence = sequenceAt(utf8, at);
    units += sequence.units;
    at += sequence.bytes;
  }
  return units;
}

bool hasBinary(const std::vector<Packet>& packets) {
  for (const auto& packet : packets)
    if (packet.binary) return true;
  return false;
}

std::string encodeStringPayload(const std::vector<Packet>& packets) {
  if (packets.empty()) return "0:";
  std::string out, text;
  for (const auto& packet : packets) {
    text.clear();
    appendTextPacket(packet, text);
    out += std::to_string(utf16Length(text));
    out.push_back(':');
    out += text;
  }
  return out;
}

std::string encodeBinaryPayload(const std::vector<Packet>& packets) {
  std::string out;
  for (const auto& packet : packets) {
    if (packet.binary) {
      out.push_back(char(kBinaryElement));
      appendDigitBytes(packet.view().size() + 1, out);
      out.push_back(char(packet.type));
      out.append(packet.view());
    } else {
      out.push_back(char(kTextElement));
      appendDigitBytes(packet.view().size() + 1, out);
      out.push_back(typeChar(packet.type));
      out.append(packet.view());
    }
  }
  return out;
}

PayloadReader::PayloadReader(std::string_view payload, bool binary)
    : rest_(payload), binary_(binary), failed_(!binary && payload.empty()) {}

std::optional<Packet> PayloadReader::fail() {
  failed_ = true;
  rest_ = {};
  return std::nullopt;
}

std::optional<Packet> PayloadReader::next() {
  if (failed_) return std::nullopt;
  return binary_ ? nextBinary() : nextString();
}

// `<length>:<packet>`; a zero length is an empty element, skipped.
std::optional<Packet> PayloadReader::nextString() {
  while (!rest_.empty()) {
    size_t colon = 0;
    size_t length = 0;
    while (colon < rest_.size() && rest_[colon] != ':') {
      char c = rest_[colon];
      if (c < '0' || c > '9') return fail();
      length = length * 10 + size_t(c - '0');
      // a UTF-16 unit takes at least one byte: a length past the bytes left cannot be right
      if (length > rest_.size()) return fail();
      ++colon;
    }
    if (colon == 0 || colon == rest_.size()) return fail();
    std::string_view body = rest_.substr(colon + 1);
    auto bytes = bytesForUnits(body, length);
    if (!bytes) return fail();
    std::string_view text = body.substr(0, *bytes);
    rest_ = body.substr(*bytes);
    if (text.empty()) continue;
    auto packet = decodePacket(text);
    if (!packet) return fail();
    return packet;
  }
  return std::nullopt;
}

// <0|1><digit bytes><255><packet>
std::optional<Packet> PayloadReader::nextBinary() {
  if (rest_.empty()) return std::nullopt;
  auto kind = static_cast<unsigned char>(rest_[0]);
  if (kind != kTextElement && kind != kBinaryElement) return fail();
  size_t at = 1;
  size_t length = 0;
  while (at < rest_.size() && static_cast<unsigned char>(rest_[at]) != kBinaryPayloadSeparator) {
    auto digit = static_cast<unsigned char>(rest_[at]);
    if (digit > 9) return fail();
    length = length * 10 + digit;
    if (length > rest_.size()) return fail();
    ++at;
  }
  if (at == 1 || at == rest_.size()) return fail();
  std::string_view body = rest_.substr(at + 1);
  if (length > body.size()) return fail();
  std::string_view element = body.substr(0, length);
  rest_ = body.substr(length);
  auto packet = kind == kTextElement ? decodePacket(element) : decodeBinaryPacket(element);
  if (!packet) return fail();
  return packet;
}

}  // namespace sio::engine::v3
