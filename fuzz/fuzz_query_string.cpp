// Fuzz target: request-target splitting and query-string decoding.
#include <cstdint>

#include "sio/codec/query_string.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto [path, query] = sio::codec::splitTarget(input);
  auto params = sio::codec::parseQuery(query);
  sio::codec::findParam(params, "sid");
  return 0;
}
