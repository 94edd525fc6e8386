// Fuzz target: RESP replies as a server (or anything pretending to be one) may send them,
// fed in random chunk sizes. Nothing may crash; complete replies must render.
#include <cstdint>

#include "reply_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  sio::redis::ReplyReader reader;
  size_t chunk = 1 + data[0] % 64;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  while (!input.empty()) {
    auto part = input.substr(0, chunk);
    input.remove_prefix(part.size());
    if (!reader.feed(part)) break;
    while (auto reply = reader.next()) sio::redis::describe(*reply);
    if (!reader.error().empty()) break;
  }
  return 0;
}
