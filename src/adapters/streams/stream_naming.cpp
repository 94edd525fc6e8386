// Stream and channel naming for the Redis Streams adapter.
#include "stream_naming.hpp"

namespace sio::adapters::streams {

int32_t javaHashCode(std::string_view utf8) {
  uint32_t hash = 0;  // unsigned arithmetic wraps like JS's `| 0` int32 overflow
  auto mix = [&hash](uint32_t unit) { hash = hash * 31u + unit; };
  for (size_t i = 0; i < utf8.size();) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    uint32_t codePoint;
    size_t length;
    if (c < 0x80)
      codePoint = c, length = 1;
    else if ((c >> 5) == 0x6)
      codePoint = c & 0x1f, length = 2;
    else if ((c >> 4) == 0xe)
      codePoint = c & 0x0f, length = 3;
    else if ((c >> 3) == 0x1e)
      codePoint = c & 0x07, length = 4;
    else
      codePoint = 0xfffd, length = 1;  // not UTF-8: JS would have seen U+FFFD
    if (i + length > utf8.size()) {
      codePoint = 0xfffd;
      length = utf8.size() - i;
    } else {
      for (size_t k = 1; k < length; ++k)
        codePoint = (codePoint << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3f);
    }
    i += length;
    if (codePoint >= 0x10000) {  // a surrogate pair in UTF-16
      codePoint -= 0x10000;
      mix(0xd800 + (codePoint >> 10));
      mix(0xdc00 + (codePoint & 0x3ff));
    } else {
      mix(codePoint);
    }
  }
  return static_cast<int32_t>(hash);
}

std::string streamForNamespace(const std::string& streamName, int streamCount,
                               std::string_view nsp) {
  if (streamCount <= 1) return streamName;
  int32_t index = javaHashCode(nsp) % streamCount;  // C++ %, like JS, keeps the dividend's sign
  return streamName + "-" + std::to_string(index);
}

}  // namespace sio::adapters::streams
