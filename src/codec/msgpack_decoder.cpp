// The MessagePack decoder for sio::Value (see sio/codec/msgpack.hpp): strict and recursive,
// with a depth limit; it checks every claimed length against the remaining input before
// allocating, keeps JS's number, duplicate-key and Date semantics, and accepts notepack's
// legacy forms.
#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <vector>

#include "msgpack_numbers.hpp"
#include "sio/codec/json.hpp"
#include "sio/codec/msgpack.hpp"

namespace sio::codec {

namespace {

using msgpack_detail::isSafeIntegral;
using msgpack_detail::kMaxSafe;
using msgpack_detail::kMaxSafeInt;

constexpr double kTwo32 = 4294967296.0;

// Number → Value as JS holds it: safe integers (including -0) are Int, the rest Double.
inline Value jsNumber(double d) {
  if (isSafeIntegral(d)) return Value(int64_t(d));
  return Value(d);
}

// ms since the epoch → Date.prototype.toISOString (the caller has applied TimeClip).
std::string isoDate(int64_t ms) {
  constexpr int64_t kDayMs = 86400000;
  int64_t days = ms / kDayMs;
  int64_t msOfDay = ms % kDayMs;
  if (msOfDay < 0) {
    msOfDay += kDayMs;
    --days;
  }
  // Civil date from days since 1970-01-01 (proleptic Gregorian calendar).
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t day = doy - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);

  char buf[40];
  char* p = buf;
  auto digits = [&p](int64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      p[i] = char('0' + v % 10);
      v /= 10;
    }
    p += width;
  };
  if (year >= 0 && year <= 9999) {
    digits(year, 4);
  } else {
    *p++ = year < 0 ? '-' : '+';
    digits(year < 0 ? -year : year, 6);
  }
  *p++ = '-';
  digits(month, 2);
  *p++ = '-';
  digits(day, 2);
  *p++ = 'T';
  digits(msOfDay / 3600000, 2);
  *p++ = ':';
  digits(msOfDay / 60000 % 60, 2);
  *p++ = ':';
  digits(msOfDay / 1000 % 60, 2);
  *p++ = '.';
  digits(msOfDay % 1000, 3);
  *p++ = 'Z';
  return std::string(buf, p);
}

// new Date(time) as JSON.stringify shows it: TimeClip, then the ISO string or null.
Value jsDate(double time) {
  if (!(std::fabs(time) <= 8.64e15)) return Value();  // NaN, ±Infinity, out of range
  return Value(isoDate(int64_t(std::trunc(time))));
}

inline uint16_t rd16(const unsigned char* p) {
  return uint16_t(p[0] << 8 | p[1]);
}
inline uint32_t rd32(const unsigned char* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}
inline uint64_t rd64(const unsigned char* p) {
  return uint64_t(rd32(p)) << 32 | rd32(p + 4);
}

// Binary bytes copied once, straight into the shared buffer a Binary holds.
Binary binaryOf(const char* data, size_t length) {
  return Binary(std::make_shared<const std::string>(data, length));
}

constexpr size_t kIndexFrom = 16;  // maps with this many members get a hash index

// Open-addressing table of member positions + 1 (0 = empty) for large maps.
void rebuildIndex(const Value::Object& object, std::vector<uint32_t>& index) {
  size_t cap = 64;
  while (cap < object.size() * 4) cap <<= 1;
  index.assign(cap, 0);
  for (size_t i = 0; i < object.size(); ++i) {
    size_t slot = std::hash<std::string_view>{}(object[i].first) & (cap - 1);
    while (index[slot]) slot = (slot + 1) & (cap - 1);
    index[slot] = uint32_t(i + 1);
  }
}

class Decoder {
 public:
  Decoder(std::string_view bytes, MsgpackError* error, const MsgpackParseOptions& options)
      : begin_(reinterpret_cast<const unsigned char*>(bytes.data())),
        p_(begin_),
        end_(begin_ + bytes.size()),
        error_(error),
        maxDepth_(options.maxDepth),
        elementsLeft_(options.maxElements),
        reserveBudget_(bytes.size()) {}

  bool parse(Value& out, size_t depth);
  size_t consumed() const { return size_t(p_ - begin_); }

  bool fail(const unsigned char* at, const char* message) {
    if (error_) {
      error_->offset = size_t(at - begin_);
      error_->message = message;
    }
    return false;
  }

 private:
  size_t remaining() const { return size_t(end_ - p_); }
  bool parseArray(Value& out, size_t count, size_t depth, const unsigned char* start);
  bool parseMap(Value& out, size_t count, size_t depth, const unsigned char* start);
  bool parseKey(std::string& key, size_t depth);
  bool parseExt(Value& out, uint8_t head, size_t length);
  size_t reserveFor(size_t count) {
    size_t n = std::min(count, reserveBudget_);
    reserveBudget_ -= n;
    return n;
  }

  const unsigned char* begin_;
  const unsigned char* p_;
  const unsigned char* end_;
  MsgpackError* error_;
  size_t maxDepth_;
  size_t elementsLeft_;
  size_t reserveBudget_;  // elements that may still be reserved up front (<= input size)
};

bool Decoder::parse(Value& out, size_t depth) {
  const unsigned char* start = p_;
  if (p_ == end_) return fail(start, "truncated input");
  const unsigned b = *p_++;

  if (b < 0x80) {
    out = Value(int64_t(b));
    return true;
  }
  if (b >= 0xe0) {
    out = Value(int64_t(b) - 0x100);
    return true;
  }
  if (b < 0x90) return parseMap(out, b & 0x0f, depth, start);
  if (b < 0xa0) return parseArray(out, b & 0x0f, depth, start);

  // Fixed-size payload after the type byte, checked once.
  static constexpr uint8_t kFixedSize[32] = {
      0, 0, 0, 0,      // c0 nil, c1 never used, c2 false, c3 true
      1, 2, 4,         // c4..c6 bin 8/16/32: length field
      2, 3, 5,         // c7..c9 ext 8/16/32: length field + type
      4, 8,            // ca float32, cb float64
      1, 2, 4, 8,      // cc..cf uint
      1, 2, 4, 8,      // d0..d3 int
      2, 3, 5, 9, 17,  // d4..d8 fixext 1/2/4/8/16 (type + data)
      1, 2, 4,         // d9..db str 8/16/32: length field
      2, 4, 2, 4,      // dc dd array 16/32, de df map 16/32
  };
  size_t fixed = b < 0xc0 ? (b & 0x1f) : kFixedSize[b - 0xc0];
  if (remaining() < fixed) return fail(start, "truncated input");
  const unsigned char* q = p_;

  if (b < 0xc0) {  // fixstr
    out = Value(std::string(reinterpret_cast<const char*>(q), fixed));
    p_ += fixed;
    return true;
  }

  size_t length = 0;
  switch (b) {
    case 0xc0:
      out = Value();
      return true;
    case 0xc2:
      out = Value(false);
      return true;
    case 0xc3:
      out = Value(true);
      return true;
    case 0xc4:
    case 0xc5:
    case 0xc6:
    case 0xd9:
    case 0xda:
    case 0xdb: {
      length = fixed == 1 ? q[0] : fixed == 2 ? rd16(q) : rd32(q);
      p_ += fixed;
      if (remaining() < length) return fail(start, "length exceeds input");
      const char* data = reinterpret_cast<const char*>(p_);
      p_ += length;
      if (b >= 0xd9)
        out = Value(std::string(data, length));
      else
        out = Value(binaryOf(data, length));
      return true;
    }
    case 0xc7:
    case 0xc8:
    case 0xc9:
      length = fixed == 2 ? q[0] : fixed == 3 ? rd16(q) : rd32(q);
      p_ += fixed - 1;  // leave the type byte for parseExt
      if (remaining() - 1 < length) return fail(start, "length exceeds input");
      return parseExt(out, uint8_t(b), length);
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
      return parseExt(out, uint8_t(b), fixed - 1);
    case 0xca: {
      p_ += 4;
      out = jsNumber(double(std::bit_cast<float>(rd32(q))));
      return true;
    }
    case 0xcb:
      p_ += 8;
      out = jsNumber(std::bit_cast<double>(rd64(q)));
      return true;
    case 0xcc:
      p_ += 1;
      out = Value(int64_t(q[0]));
      return true;
    case 0xcd:
      p_ += 2;
      out = Value(int64_t(rd16(q)));
      return true;
    case 0xce:
      p_ += 4;
      out = Value(int64_t(rd32(q)));
      return true;
    case 0xcf: {
      p_ += 8;
      uint64_t u = rd64(q);
      if (u <= uint64_t(kMaxSafeInt))
        out = Value(int64_t(u));
      else  // as both JS decoders compute it: hi * 2^32 + lo
        out = Value(double(rd32(q)) * kTwo32 + double(rd32(q + 4)));
      return true;
    }
    case 0xd0:
      p_ += 1;
      out = Value(int64_t(int8_t(q[0])));
      return true;
    case 0xd1:
      p_ += 2;
      out = Value(int64_t(int16_t(rd16(q))));
      return true;
    case 0xd2:
      p_ += 4;
      out = Value(int64_t(int32_t(rd32(q))));
      return true;
    case 0xd3: {
      p_ += 8;
      int64_t i = int64_t(rd64(q));
      if (i >= -kMaxSafeInt && i <= kMaxSafeInt)
        out = Value(i);
      else
        out = Value(double(int32_t(rd32(q))) * kTwo32 + double(rd32(q + 4)));
      return true;
    }
    case 0xdc:
    case 0xdd:
      p_ += fixed;
      return parseArray(out, fixed == 2 ? rd16(q) : rd32(q), depth, start);
    case 0xde:
    case 0xdf:
      p_ += fixed;
      return parseMap(out, fixed == 2 ? rd16(q) : rd32(q), depth, start);
    default:  // 0xc1
      return fail(start, "invalid type byte");
  }
}

bool Decoder::parseArray(Value& out, size_t count, size_t depth, const unsigned char* start) {
  if (depth >= maxDepth_) return fail(start, "nesting too deep");
  if (count > remaining()) return fail(start, "length exceeds input");  // >= 1 byte each
  if (count > elementsLeft_) return fail(start, "too many elements");
  elementsLeft_ -= count;
  Value::Array array;
  array.reserve(reserveFor(count));
  for (size_t i = 0; i < count; ++i) {
    array.emplace_back();
    if (!parse(array.back(), depth + 1)) return false;
  }
  out = Value(std::move(array));
  return true;
}

bool Decoder::parseMap(Value& out, size_t count, size_t depth, const unsigned char* start) {
  if (depth >= maxDepth_) return fail(start, "nesting too deep");
  if (count > remaining() / 2) return fail(start, "length exceeds input");  // >= 2 bytes each
  if (count > elementsLeft_) return fail(start, "too many elements");
  elementsLeft_ -= count;
  Value::Object object;
  object.reserve(reserveFor(count));
  std::vector<uint32_t> index;
  std::string key;
  for (size_t i = 0; i < count; ++i) {
    if (!parseKey(key, depth)) return false;
    // A repeated key keeps its first position and takes the last value (JS objects).
    Value* slot = nullptr;
    size_t hashSlot = 0;
    if (index.empty()) {
      for (Value::Member& m : object)
        if (m.first == key) {
          slot = &m.second;
          break;
        }
    } else {
      size_t mask = index.size() - 1;
      hashSlot = std::hash<std::string_view>{}(key)&mask;
      while (uint32_t at = index[hashSlot]) {
        if (object[at - 1].first == key) {
          slot = &object[at - 1].second;
          break;
        }
        hashSlot = (hashSlot + 1) & mask;
      }
    }
    if (!slot) {
      object.emplace_back(std::move(key), Value());
      slot = &object.back().second;
      if (!index.empty()) {
        index[hashSlot] = uint32_t(object.size());
        if (object.size() * 2 > index.size()) rebuildIndex(object, index);
      } else if (object.size() >= kIndexFrom) {
        rebuildIndex(object, index);
      }
      key = std::string();
    }
    if (!parse(*slot, depth + 1)) return false;
  }
  out = Value(std::move(object));
  return true;
}

bool Decoder::parseKey(std::string& key, size_t depth) {
  const unsigned char* start = p_;
  if (p_ == end_) return fail(start, "truncated input");
  const unsigned b = *p_;
  size_t header = 0, length = 0;
  if (b >= 0xa0 && b < 0xc0) {
    header = 1;
    length = b & 0x1f;
  } else if (b >= 0xd9 && b <= 0xdb) {
    header = b == 0xd9 ? 2 : b == 0xda ? 3 : 5;
    if (remaining() < header) return fail(start, "truncated input");
    length = header == 2 ? p_[1] : header == 3 ? rd16(p_ + 1) : rd32(p_ + 1);
  } else if (b < 0x80 || b >= 0xe0 || (b >= 0xca && b <= 0xd3)) {
    // A number key becomes String(number), as in JS.
    Value number;
    if (!parse(number, depth)) return false;
    if (number.isInt()) {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, number.asInt());
      key.assign(buf, r.ptr);
    } else {
      double d = number.asDouble();
      key = std::isnan(d)   ? "NaN"
            : std::isinf(d) ? (d > 0 ? "Infinity" : "-Infinity")
                            : toJson(number);
    }
    return true;
  } else {
    return fail(start, "map key must be a string or a number");
  }
  if (remaining() - header < length) return fail(start, "length exceeds input");
  key.assign(reinterpret_cast<const char*>(p_ + header), length);
  p_ += header + length;
  return true;
}

// p_ is at the ext type byte; `length` data bytes follow it (checked by the caller).
bool Decoder::parseExt(Value& out, uint8_t head, size_t length) {
  const int8_t type = int8_t(*p_++);
  const unsigned char* data = p_;
  p_ += length;
  if (type == -1) {  // timestamp: computed as the JS decoders do, then new Date(ms)
    if (length == 4) {
      out = jsDate(double(rd32(data)) * 1e3);
      return true;
    }
    if (length == 8) {
      uint32_t hi = rd32(data);
      double sec = double(hi & 0x3) * kTwo32 + double(rd32(data + 4));
      out = jsDate(sec * 1e3 + double(hi >> 2) / 1e6);
      return true;
    }
    if (length == 12) {
      double sec = double(int32_t(rd32(data + 4))) * kTwo32 + double(rd32(data + 8));
      out = jsDate(sec * 1e3 + double(rd32(data)) / 1e6);
      return true;
    }
  } else if (type == 0) {  // notepack 2.x legacy forms
    if (head == 0xd4) {    // undefined
      out = Value();
      return true;
    }
    if (head == 0xd7) {  // Date as int64 ms
      out = jsDate(double(int32_t(rd32(data))) * kTwo32 + double(rd32(data + 4)));
      return true;
    }
    if (head >= 0xc7 && head <= 0xc9) {  // ArrayBuffer
      out = Value(binaryOf(reinterpret_cast<const char*>(data), length));
      return true;
    }
  }
  Value::Array pair;
  pair.reserve(2);
  pair.emplace_back(int64_t(type));
  pair.emplace_back(binaryOf(reinterpret_cast<const char*>(data), length));
  out = Value(std::move(pair));
  return true;
}

}  // namespace

std::optional<MsgpackPrefix> parseMsgpackPrefix(std::string_view bytes, MsgpackError* error,
                                                MsgpackParseOptions options) {
  Decoder decoder(bytes, error, options);
  MsgpackPrefix result;
  if (!decoder.parse(result.value, 0)) return std::nullopt;
  result.consumed = decoder.consumed();
  return result;
}

std::optional<Value> parseMsgpack(std::string_view bytes, MsgpackError* error,
                                  MsgpackParseOptions options) {
  Decoder decoder(bytes, error, options);
  Value value;
  if (!decoder.parse(value, 0)) return std::nullopt;
  if (decoder.consumed() != bytes.size()) {
    decoder.fail(reinterpret_cast<const unsigned char*>(bytes.data()) + decoder.consumed(),
                 "trailing bytes");
    return std::nullopt;
  }
  return value;
}

}  // namespace sio::codec
