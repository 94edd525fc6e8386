// Fuzz target: the classic Redis adapter's requests and responses (JSON when the payload
// starts with `{`, else notepack msgpack), published by anyone on `key-request#nsp#` and
// `key-response#nsp#[uid#]`. Nothing may crash; what becomes a cluster message must
// encode again as a request (or a response) that decodes to the same message.
#include <cstdint>
#include <cstdlib>

#include "classic_codec.hpp"

using namespace sio;
using namespace sio::adapters;
using namespace sio::adapters::pubsub;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  static const RedisAdapterParser parser = notepackParser();
  auto object = decodeObject(input, parser);
  if (!object) return 0;
  if (auto request = requestToMessage(*object, "/")) {
    request->uid = "fuzz";  // as this node would publish it
    auto encoded = encodeRequest(*request, parser);
    if (!encoded) std::abort();
    auto back = decodeObject(*encoded, parser);
    auto again = back ? requestToMessage(*back, "/") : std::nullopt;
    if (!again || again->type != request->type || again->uid != "fuzz") std::abort();
  }
  if (auto response = responseToMessage(*object, "/")) {
    auto encoded = encodeResponse(*response, parser);
    if (!encoded) std::abort();
    auto back = decodeObject(*encoded, parser);
    auto again = back ? responseToMessage(*back, "/") : std::nullopt;
    if (!again || again->type != response->type) std::abort();
  }
  return 0;
}
