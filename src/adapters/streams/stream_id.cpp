// Stream ids parsed as two unsigned numbers; a missing sequence reads as 0.
#include "stream_id.hpp"

#include <charconv>
#include <utility>

namespace sio::adapters::streams {
namespace {

std::pair<uint64_t, uint64_t> splitId(const std::string& id) {
  uint64_t ms = 0, seq = 0;
  auto dash = id.find('-');
  std::from_chars(id.data(), id.data() + (dash == std::string::npos ? id.size() : dash), ms);
  if (dash != std::string::npos) std::from_chars(id.data() + dash + 1, id.data() + id.size(), seq);
  return {ms, seq};
}

}  // namespace

std::string nextStreamId(const std::string& id) {
  auto [ms, seq] = splitId(id);
  return std::to_string(ms) + "-" + std::to_string(seq + 1);
}

int compareStreamIds(const std::string& a, const std::string& b) {
  auto left = splitId(a), right = splitId(b);
  return left < right ? -1 : (left > right ? 1 : 0);
}

uint64_t streamIdMs(const std::string& id) {
  return splitId(id).first;
}

}  // namespace sio::adapters::streams
