// JSON string escaping with JSON.stringify's output, byte for byte. A lone UTF-16
// surrogate (kept in our strings as its 3-byte WTF-8 form, ED A0..BF xx) is written as
// \udxxx, as well-formed JSON.stringify writes it; a high+low pair written as two such
// sequences (CESU-8, which JS never produces) is passed through as is, like other bytes.
#include "sio/codec/json_string.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

namespace sio::codec {

namespace {

constexpr char kHex[] = "0123456789abcdef";

// The code unit of the 3-byte surrogate sequence at text[i], or 0 when there is none.
unsigned surrogateAt(std::string_view text, size_t i) {
  if (i + 2 >= text.size() || static_cast<unsigned char>(text[i]) != 0xED) return 0;
  unsigned b1 = static_cast<unsigned char>(text[i + 1]);
  unsigned b2 = static_cast<unsigned char>(text[i + 2]);
  if (b1 < 0xA0 || b1 > 0xBF || (b2 & 0xC0) != 0x80) return 0;
  return 0xD000u | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
}

bool needsEscape(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\' || c == 0xED;
}

// The high bit of each of the 8 bytes of `x` (in memory order, little-endian) for which
// needsEscape holds; the lowest bit set marks the first such byte exactly (a borrow only
// runs upwards from a byte that is one).
uint64_t escapeCandidates(uint64_t x) {
  constexpr uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  auto zeroBytes = [](uint64_t y) { return (y - ones) & ~y; };
  return (zeroBytes(x ^ (ones * '"')) | zeroBytes(x ^ (ones * '\\')) |
          zeroBytes(x ^ (ones * 0xED)) | ((x - ones * 0x20) & ~x)) &
         highs;
}

// The end of the run of bytes from `i` that need no escape, 8 at a time (a short tail is
// padded with plain bytes to a whole chunk).
size_t plainRunEnd(std::string_view text, size_t i) {
  while (i < text.size()) {
    uint64_t chunk = 0x6161616161616161ull;  // "aaaaaaaa"
    std::memcpy(&chunk, text.data() + i, std::min<size_t>(8, text.size() - i));
    uint64_t candidates = escapeCandidates(chunk);
    if (!candidates) {
      i += 8;
      continue;
    }
    if constexpr (std::endian::native == std::endian::little) {
      i += size_t(std::countr_zero(candidates) / 8);
    } else {
      while (!needsEscape(static_cast<unsigned char>(text[i]))) ++i;
    }
    return i;
  }
  return text.size();
}

}  // namespace

void appendJsonString(std::string_view text, std::string& out) {
  out.reserve(out.size() + text.size() + 2);
  out.push_back('"');
  size_t i = 0;
  while (i < text.size()) {
    size_t run = plainRunEnd(text, i);
    out.append(text.data() + i, run - i);
    if (run == text.size()) break;
    i = run;
    char c = text[i];
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\\u00";
          out.push_back(kHex[(c >> 4) & 0xf]);
          out.push_back(kHex[c & 0xf]);
        } else if (unsigned unit = surrogateAt(text, i); unit == 0) {
          out.push_back(c);  // an ordinary ED lead byte (U+D000..U+D7FF) or stray byte
        } else if (unit < 0xDC00 && surrogateAt(text, i + 3) >= 0xDC00) {
          out.append(text.data() + i, 6);  // high+low pair: bytes as they are
          i += 5;
        } else {
          out += "\\u";
          for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(unit >> shift) & 0xf]);
          i += 2;
        }
    }
    ++i;
  }
  out.push_back('"');
}

}  // namespace sio::codec
