// Fuzz target: everything the Streams adapter reads from Redis — stream entry fields,
// pub/sub payloads and session blobs — written by anyone with access to that Redis.
// Nothing may crash; what decodes must re-encode and decode to the same message.
#include <cstdint>
#include <cstdlib>

#include "message_codec.hpp"

using namespace sio::adapters::streams;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // Stream entry: fields separated by NUL bytes.
  std::vector<std::string> fields;
  size_t start = 0;
  for (size_t i = 0; i <= input.size(); ++i)
    if (i == input.size() || input[i] == '\0') {
      fields.emplace_back(input.substr(start, i - start));
      start = i + 1;
    }
  if (auto message = decodeStreamEntry(fields)) {
    auto again = decodeStreamEntry(encodeStreamEntry(*message, false));
    if (!again || again->uid != message->uid || again->nsp != message->nsp ||
        again->type != message->type)
      std::abort();
  }
  if (auto message = decodePubSubMessage(input)) {
    auto again = decodePubSubMessage(encodePubSubMessage(*message));
    if (!again || again->uid != message->uid || again->type != message->type) std::abort();
  }
  if (auto session = decodeSessionBlob(input)) {
    auto again = decodeSessionBlob(encodeSessionBlob(*session));
    if (!again || again->sid != session->sid || again->rooms != session->rooms) std::abort();
  }
  return 0;
}
