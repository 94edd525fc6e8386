// Throughput of the Socket.IO packet codec on typical traffic: a chat EVENT, an ACK, and
// an EVENT carrying two 1 KB binaries (placeholders + attachments), each encoded with
// encodePacket and decoded with a Decoder fed the same frames a connection would get.
#include <benchmark/benchmark.h>

#include "sio/protocol/decoder.hpp"
#include "sio/protocol/encoder.hpp"

using sio::Value;
using namespace sio::protocol;

namespace {

Packet chatEvent() {
  return Packet{PacketType::Event, "/", std::nullopt,
                Value::array({"chat message",
                              Value::object({{"user", "alice"},
                                             {"text", "hello there, how is everyone doing today?"},
                                             {"room", "general"},
                                             {"ts", int64_t(1700000000000)}})})};
}

Packet ack() {
  return Packet{PacketType::Ack, "/chat", 42,
                Value::array({Value::object({{"ok", true}, {"id", 12345}, {"status", "saved"}})})};
}

Packet binaryEvent() {
  return Packet{
      PacketType::Event, "/", std::nullopt,
      Value::array({"upload", Value::binary(std::string(1024, '\x11')),
                    Value::object({{"name", "b.bin"}}), Value::binary(std::string(1024, '\x22'))})};
}

void encode(benchmark::State& state, const Packet& packet) {
  size_t bytes = 0;
  for (auto _ : state) {
    auto encoded = encodePacket(packet);
    bytes += encoded.text->size();
    for (const auto& a : encoded.attachments) bytes += a.size();
    benchmark::DoNotOptimize(encoded);
  }
  state.SetBytesProcessed(int64_t(bytes));
}

void decode(benchmark::State& state, const Packet& packet) {
  auto encoded = encodePacket(packet);
  size_t frameBytes = encoded.text->size();
  for (const auto& a : encoded.attachments) frameBytes += a.size();
  Decoder decoder;
  for (auto _ : state) {
    auto result = decoder.addText(*encoded.text);
    for (const auto& a : encoded.attachments) result = decoder.addBinary(a);
    if (!std::holds_alternative<Packet>(result)) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(result);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(frameBytes));
}

void EncodeChatEvent(benchmark::State& state) {
  encode(state, chatEvent());
}
void DecodeChatEvent(benchmark::State& state) {
  decode(state, chatEvent());
}
void EncodeAck(benchmark::State& state) {
  encode(state, ack());
}
void DecodeAck(benchmark::State& state) {
  decode(state, ack());
}
void EncodeBinaryEvent2x1K(benchmark::State& state) {
  encode(state, binaryEvent());
}
void DecodeBinaryEvent2x1K(benchmark::State& state) {
  decode(state, binaryEvent());
}

BENCHMARK(EncodeChatEvent);
BENCHMARK(DecodeChatEvent);
BENCHMARK(EncodeAck);
BENCHMARK(DecodeAck);
BENCHMARK(EncodeBinaryEvent2x1K);
BENCHMARK(DecodeBinaryEvent2x1K);

}  // namespace
