// Throughput of the msgpack codec (sio::codec::toMsgpack / parseMsgpack) on what the
// cluster adapters send most: a BROADCAST message of about 200 bytes, and the same with a
// 1 KB binary attachment. Encode is measured for both flavors and in the append form that
// reuses an output buffer; bytes processed are the msgpack size.
#include <benchmark/benchmark.h>

#include <string>

#include "sio/codec/msgpack.hpp"

using namespace sio::codec;
using sio::Value;

namespace {

Value broadcast(bool withBinary) {
  Value payload = Value::object({{"user", "ada"},
                                 {"text", "Hello everyone! A typical chat message."},
                                 {"ts", int64_t(1700000000000)},
                                 {"tags", Value::array({"a", "b"})}});
  Value data = Value::array({"chat message", payload});
  if (withBinary) data.push(Value::binary(std::string(1024, '\xAB')));
  return Value::object(
      {{"uid", "9b1f7c0e0a6d3c21"},
       {"nsp", "/"},
       {"type", 3},
       {"data",
        Value::object({{"packet", Value::object({{"type", withBinary ? 5 : 2}, {"data", data}})},
                       {"opts", Value::object({{"rooms", Value::array({"room1"})},
                                               {"except", Value::array()},
                                               {"flags", Value::object()}})}})}});
}

void Encode(benchmark::State& state, bool withBinary, MsgpackFlavor flavor) {
  Value value = broadcast(withBinary);
  size_t size = toMsgpack(value, flavor).size();
  for (auto _ : state) benchmark::DoNotOptimize(toMsgpack(value, flavor));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(size));
  state.counters["bytes"] = double(size);
}

void EncodeAppend(benchmark::State& state, bool withBinary) {
  Value value = broadcast(withBinary);
  std::string out;
  for (auto _ : state) {
    out.clear();
    appendMsgpack(value, out, MsgpackFlavor::MsgpackJs);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(out.size()));
}

void Decode(benchmark::State& state, bool withBinary) {
  std::string bytes = toMsgpack(broadcast(withBinary), MsgpackFlavor::MsgpackJs);
  for (auto _ : state) benchmark::DoNotOptimize(parseMsgpack(bytes));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(bytes.size()));
  state.counters["bytes"] = double(bytes.size());
}

BENCHMARK_CAPTURE(Encode, Broadcast_MsgpackJs, false, MsgpackFlavor::MsgpackJs);
BENCHMARK_CAPTURE(Encode, Broadcast_Notepack, false, MsgpackFlavor::Notepack);
BENCHMARK_CAPTURE(EncodeAppend, Broadcast, false);
BENCHMARK_CAPTURE(Decode, Broadcast, false);
BENCHMARK_CAPTURE(Encode, BroadcastBinary1k_MsgpackJs, true, MsgpackFlavor::MsgpackJs);
BENCHMARK_CAPTURE(Encode, BroadcastBinary1k_Notepack, true, MsgpackFlavor::Notepack);
BENCHMARK_CAPTURE(EncodeAppend, BroadcastBinary1k, true);
BENCHMARK_CAPTURE(Decode, BroadcastBinary1k, true);

}  // namespace
