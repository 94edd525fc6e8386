// Throughput of the JSON codec (sio::codec::parseJson / toJson) on a typical Socket.IO
// event payload and on a 64 KB document of mixed objects, arrays, numbers and strings.
// Bytes processed are the JSON text size, so the reported rate is MB/s of JSON.
#include <benchmark/benchmark.h>

#include <string>

#include "sio/codec/json.hpp"
#include "sio/codec/json_string.hpp"

using namespace sio::codec;

namespace {

std::string eventPayload() {
  std::string text =
      "Hello everyone! This is a typical chat message of about one hundred characters, "
      "with \"quotes\" \xE2\x9C\x93.";
  return R"(["chat message",{"user":"ada","text":)" + jsonString(text) +
         R"(,"ts":1700000000000,"tags":["a","b"]}])";
}

std::string document64k() {
  std::string out = "[";
  for (int i = 0; out.size() < 64 * 1024 - 200; ++i) {
    if (i) out += ',';
    out +=
        R"({"id":)" + std::to_string(i * 7919) + R"(,"name":"user)" + std::to_string(i) +
        R"(","score":)" + std::to_string(i * 0.37 + 0.001) + R"(,"active":)" +
        (i % 2 ? "true" : "false") +
        R"(,"tags":["alpha","beta\n",null],"bio":"Line with \"escapes\" and unicode \u00e9\u20ac",)"
        R"("pos":{"x":-12.5,"y":3e-7,"z":1e21}})";
  }
  out += "]";
  // Canonicalise so parse → toJson sizes match.
  return toJson(*parseJson(out));
}

void Parse(benchmark::State& state, const std::string& text) {
  for (auto _ : state) benchmark::DoNotOptimize(parseJson(text));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}

void Write(benchmark::State& state, const std::string& text) {
  sio::Value value = *parseJson(text);
  for (auto _ : state) benchmark::DoNotOptimize(toJson(value));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(text.size()));
}

void ParseEvent(benchmark::State& state) {
  Parse(state, eventPayload());
}
void WriteEvent(benchmark::State& state) {
  Write(state, eventPayload());
}
void ParseDocument64k(benchmark::State& state) {
  Parse(state, document64k());
}
void WriteDocument64k(benchmark::State& state) {
  Write(state, document64k());
}

BENCHMARK(ParseEvent);
BENCHMARK(WriteEvent);
BENCHMARK(ParseDocument64k);
BENCHMARK(WriteDocument64k);

}  // namespace
