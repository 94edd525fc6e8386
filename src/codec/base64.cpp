// Base64 encoder and strict decoder (standard alphabet, padded), used by the polling
// transport for binary packets. Table driven, no allocation beyond the output string.
#include "sio/codec/base64.hpp"

#include <array>
#include <cstdint>

namespace sio::codec {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> makeReverseTable() {
  std::array<int8_t, 256> table{};
  for (auto& entry : table) entry = -1;
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = int8_t(i);
  return table;
}
constexpr auto kReverse = makeReverseTable();

constexpr size_t encodedSize(size_t size) {
  return (size + 2) / 3 * 4;
}

// Writes the encoding of `bytes` (encodedSize of them) at `dst`.
void encodeTo(std::string_view bytes, char* dst) {
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t size = bytes.size();
  size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    uint32_t n = (uint32_t(in[i]) << 16) | (uint32_t(in[i + 1]) << 8) | in[i + 2];
    *dst++ = kAlphabet[(n >> 18) & 63];
    *dst++ = kAlphabet[(n >> 12) & 63];
    *dst++ = kAlphabet[(n >> 6) & 63];
    *dst++ = kAlphabet[n & 63];
  }
  if (size - i == 1) {
    uint32_t n = uint32_t(in[i]) << 16;
    *dst++ = kAlphabet[(n >> 18) & 63];
    *dst++ = kAlphabet[(n >> 12) & 63];
    *dst++ = '=';
    *dst++ = '=';
  } else if (size - i == 2) {
    uint32_t n = (uint32_t(in[i]) << 16) | (uint32_t(in[i + 1]) << 8);
    *dst++ = kAlphabet[(n >> 18) & 63];
    *dst++ = kAlphabet[(n >> 12) & 63];
    *dst++ = kAlphabet[(n >> 6) & 63];
    *dst++ = '=';
  }
}

}  // namespace

void base64EncodeAppend(std::string_view bytes, std::string& out) {
  size_t start = out.size();
  out.resize(start + encodedSize(bytes.size()));
  encodeTo(bytes, out.data() + start);
}

std::string base64Encode(std::string_view bytes) {
  // Allocated at its exact size (a resize from empty would double it): the ids made here
  // are kept as long as their sessions.
  std::string out(encodedSize(bytes.size()), '\0');
  encodeTo(bytes, out.data());
  return out;
}

std::optional<std::string> base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = (text[text.size() - 2] == '=') ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    int8_t v[4];
    for (size_t k = 0; k < 4; ++k) {
      unsigned char c = static_cast<unsigned char>(text[i + k]);
      if (c == '=' && last && k >= 4 - padding) {
        v[k] = 0;
        continue;
      }
      v[k] = kReverse[c];
      if (v[k] < 0) return std::nullopt;
    }
    uint32_t n = (uint32_t(v[0]) << 18) | (uint32_t(v[1]) << 12) | (uint32_t(v[2]) << 6) | v[3];
    out.push_back(char((n >> 16) & 0xff));
    if (!(last && padding == 2)) out.push_back(char((n >> 8) & 0xff));
    if (!(last && padding >= 1)) out.push_back(char(n & 0xff));
  }
  return out;
}

}  // namespace sio::codec
