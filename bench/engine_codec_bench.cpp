// Throughput of the Engine.IO codecs on the hot paths: decoding a POSTed payload,
// encoding a poll response, and base64 for binary packets.
#include <benchmark/benchmark.h>

#include "sio/codec/base64.hpp"
#include "sio/engine/packet.hpp"

using namespace sio::engine;

namespace {

std::vector<Packet> textPackets(int count, size_t size) {
  std::vector<Packet> packets;
  for (int i = 0; i < count; ++i)
    packets.push_back(
        makePacket(PacketType::Message, "2[\"event\"," + std::string(size, 'x') + "]"));
  return packets;
}

void DecodePayload(benchmark::State& state) {
  std::string payload = encodePayload(textPackets(int(state.range(0)), 100));
  for (auto _ : state) benchmark::DoNotOptimize(decodePayload(payload));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(payload.size()));
}
BENCHMARK(DecodePayload)->Arg(1)->Arg(16)->Arg(256);

void EncodePayload(benchmark::State& state) {
  auto packets = textPackets(int(state.range(0)), 100);
  size_t bytes = 0;
  for (auto _ : state) {
    auto payload = encodePayload(packets);
    bytes += payload.size();
    benchmark::DoNotOptimize(payload);
  }
  state.SetBytesProcessed(int64_t(bytes));
}
BENCHMARK(EncodePayload)->Arg(1)->Arg(16)->Arg(256);

void Base64Encode(benchmark::State& state) {
  std::string bytes(size_t(state.range(0)), '\x7f');
  for (auto _ : state) benchmark::DoNotOptimize(sio::codec::base64Encode(bytes));
  state.SetBytesProcessed(int64_t(state.iterations()) * state.range(0));
}
BENCHMARK(Base64Encode)->Arg(64)->Arg(4096)->Arg(1 << 20);

void Base64Decode(benchmark::State& state) {
  std::string text = sio::codec::base64Encode(std::string(size_t(state.range(0)), '\x7f'));
  for (auto _ : state) benchmark::DoNotOptimize(sio::codec::base64Decode(text));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}
BENCHMARK(Base64Decode)->Arg(64)->Arg(4096)->Arg(1 << 20);

}  // namespace
