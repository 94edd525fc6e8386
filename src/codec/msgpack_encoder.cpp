// The MessagePack encoder for sio::Value (see sio/codec/msgpack.hpp): writes the bytes of
// @msgpack/msgpack 2.8 or notepack.io 3.0.1, in an exact-size pass and then one write pass
// through a raw pointer into the output.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "msgpack_numbers.hpp"
#include "sio/codec/msgpack.hpp"

namespace sio::codec {

namespace {

using msgpack_detail::isSafeIntegral;
using msgpack_detail::kMaxSafe;
using msgpack_detail::kMaxSafeInt;

constexpr double kTwo64 = 18446744073709551616.0;
constexpr uint64_t kLength32 = uint64_t(1) << 32;

inline size_t safeIntSize(int64_t n) {
  if (n >= 0) return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x100000000 ? 5 : 9;
  return n >= -0x20 ? 1 : n >= -0x80 ? 2 : n >= -0x8000 ? 3 : n >= -0x80000000LL ? 5 : 9;
}

inline size_t doubleSize(double d) {
  return isSafeIntegral(d) ? safeIntSize(int64_t(d)) : 9;
}

inline void checkLength(size_t n) {
  if (uint64_t(n) >= kLength32) throw std::length_error("msgpack: length of 2^32 or more");
}

// Header sizes: str has fixstr < 32 and str8; bin starts at bin8; array/map have a fix
// form below 16 and no 8-bit form.
inline size_t strHeaderSize(size_t n) {
  return n < 32 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
}
inline size_t binHeaderSize(size_t n) {
  return n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
}
inline size_t containerHeaderSize(size_t n) {
  return n < 16 ? 1 : n < 0x10000 ? 3 : 5;
}

size_t encodedSize(const Value& v) {
  switch (v.type()) {
    case Value::Type::Null:
    case Value::Type::Bool:
      return 1;
    case Value::Type::Int: {
      int64_t n = v.asInt();
      return n >= -kMaxSafeInt && n <= kMaxSafeInt ? safeIntSize(n) : 9;
    }
    case Value::Type::Double:
      return doubleSize(v.asDouble());
    case Value::Type::String: {
      size_t n = v.asString().size();
      checkLength(n);
      return strHeaderSize(n) + n;
    }
    case Value::Type::Binary: {
      size_t n = v.asBinary().size();
      checkLength(n);
      return binHeaderSize(n) + n;
    }
    case Value::Type::Array: {
      const Value::Array& a = v.asArray();
      checkLength(a.size());
      size_t total = containerHeaderSize(a.size());
      for (const Value& item : a) total += encodedSize(item);
      return total;
    }
    case Value::Type::Object: {
      const Value::Object& o = v.asObject();
      checkLength(o.size());
      size_t total = containerHeaderSize(o.size());
      for (const Value::Member& m : o) {
        checkLength(m.first.size());
        total += strHeaderSize(m.first.size()) + m.first.size() + encodedSize(m.second);
      }
      return total;
    }
  }
  return 0;
}

class Writer {
 public:
  Writer(char* p, MsgpackFlavor flavor) : p_(p), flavor_(flavor) {}

  void value(const Value& v) {
    switch (v.type()) {
      case Value::Type::Null:
        byte(0xc0);
        break;
      case Value::Type::Bool:
        byte(v.asBool() ? 0xc3 : 0xc2);
        break;
      case Value::Type::Int: {
        int64_t n = v.asInt();
        if (n >= -kMaxSafeInt && n <= kMaxSafeInt)
          safeInt(n);
        else
          number(double(n));  // the Number JS would hold
        break;
      }
      case Value::Type::Double:
        number(v.asDouble());
        break;
      case Value::Type::String:
        str(v.asString());
        break;
      case Value::Type::Binary: {
        std::string_view b = v.asBinary().view();
        if (b.size() < 0x100) {
          byte(0xc4);
          byte(uint8_t(b.size()));
        } else if (b.size() < 0x10000) {
          byte(0xc5);
          be16(uint16_t(b.size()));
        } else {
          byte(0xc6);
          be32(uint32_t(b.size()));
        }
        raw(b);
        break;
      }
      case Value::Type::Array: {
        const Value::Array& a = v.asArray();
        header(a.size(), 0x90, 0xdc);
        for (const Value& item : a) value(item);
        break;
      }
      case Value::Type::Object: {
        const Value::Object& o = v.asObject();
        header(o.size(), 0x80, 0xde);
        for (const Value::Member& m : o) {
          str(m.first);
          value(m.second);
        }
        break;
      }
    }
  }

  char* end() const { return p_; }

 private:
  void byte(uint8_t b) { *p_++ = char(b); }
  void be16(uint16_t x) {
    p_[0] = char(x >> 8);
    p_[1] = char(x);
    p_ += 2;
  }
  void be32(uint32_t x) {
    p_[0] = char(x >> 24);
    p_[1] = char(x >> 16);
    p_[2] = char(x >> 8);
    p_[3] = char(x);
    p_ += 4;
  }
  void be64(uint64_t x) {
    be32(uint32_t(x >> 32));
    be32(uint32_t(x));
  }
  void raw(std::string_view s) {
    if (!s.empty()) std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }

  void str(std::string_view s) {
    size_t n = s.size();
    if (n < 32) {
      byte(uint8_t(0xa0 | n));
    } else if (n < 0x100) {
      byte(0xd9);
      byte(uint8_t(n));
    } else if (n < 0x10000) {
      byte(0xda);
      be16(uint16_t(n));
    } else {
      byte(0xdb);
      be32(uint32_t(n));
    }
    raw(s);
  }

  // fix form below 16, then the 16- and 32-bit forms (code16 and code16 + 1).
  void header(size_t n, uint8_t fix, uint8_t code16) {
    if (n < 16) {
      byte(uint8_t(fix | n));
    } else if (n < 0x10000) {
      byte(code16);
      be16(uint16_t(n));
    } else {
      byte(uint8_t(code16 + 1));
      be32(uint32_t(n));
    }
  }

  // Both encoders, for integers of at most 2^53 - 1 in magnitude.
  void safeInt(int64_t n) {
    if (n >= 0) {
      if (n < 0x80) {
        byte(uint8_t(n));
      } else if (n < 0x100) {
        byte(0xcc);
        byte(uint8_t(n));
      } else if (n < 0x10000) {
        byte(0xcd);
        be16(uint16_t(n));
      } else if (n < 0x100000000) {
        byte(0xce);
        be32(uint32_t(n));
      } else {
        byte(0xcf);
        be64(uint64_t(n));
      }
    } else {
      if (n >= -0x20) {
        byte(uint8_t(n));  // 111xxxxx
      } else if (n >= -0x80) {
        byte(0xd0);
        byte(uint8_t(n));
      } else if (n >= -0x8000) {
        byte(0xd1);
        be16(uint16_t(n));
      } else if (n >= -0x80000000LL) {
        byte(0xd2);
        be32(uint32_t(n));
      } else {
        byte(0xd3);
        be64(uint64_t(n));
      }
    }
  }

  void number(double d) {
    if (isSafeIntegral(d)) {
      safeInt(int64_t(d));  // -0 too: both encoders write 00
      return;
    }
    if (flavor_ == MsgpackFlavor::Notepack && std::isfinite(d) && d == std::trunc(d)) {
      // notepack takes every integral Number to uint64/int64; its hi/lo split keeps
      // the value modulo 2^64 (two's complement when negative).
      uint64_t magnitude = uint64_t(std::fmod(std::fabs(d), kTwo64));
      if (d > 0) {
        byte(0xcf);
        be64(magnitude);
      } else {
        byte(0xd3);
        be64(uint64_t(0) - magnitude);
      }
      return;
    }
    byte(0xcb);
    be64(std::isnan(d) ? 0x7ff8000000000000ull : std::bit_cast<uint64_t>(d));
  }

  char* p_;
  MsgpackFlavor flavor_;
};

}  // namespace

void appendMsgpack(const Value& value, std::string& out, MsgpackFlavor flavor) {
  const size_t size = encodedSize(value);
  const size_t old = out.size();
  out.resize(old + size);
  Writer writer(out.data() + old, flavor);
  writer.value(value);
}

std::string toMsgpack(const Value& value, MsgpackFlavor flavor) {
  std::string out;
  appendMsgpack(value, out, flavor);
  return out;
}

}  // namespace sio::codec
