// libFuzzer target: the client-frame reader of the WebSocket transport, fed arbitrary bytes
// in arbitrary pieces (the first byte picks the piece size), as a socket would deliver them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "websocket_frames.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t piece = 1 + data[0] % 64;
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  sio::engine::ClientFrameReader reader(4096);
  std::string buffered;
  while (!input.empty()) {
    std::size_t n = input.size() < piece ? input.size() : piece;
    buffered.append(input.substr(0, n));
    input.remove_prefix(n);
    std::string_view view = buffered;
    while (auto event = reader.next(view)) {
      if (event->payload.size() > 4096) __builtin_trap();  // the size limit must hold
    }
    buffered = std::string(view);
  }
  return 0;
}
