// Fuzz target: the msgpack decoder and both encoder flavors. Arbitrary bytes must never
// crash parseMsgpack (or parseMsgpackPrefix); whatever parses holds JS Numbers only, must
// encode in both flavors and parse back to an equal value (NaN equal to NaN; notepack's
// modulo-2^64 integers aside) that re-encodes to identical bytes, and the prefix parser
// must agree with the whole-input parser. Any difference aborts.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "sio/codec/msgpack.hpp"

namespace {

using sio::codec::MsgpackFlavor;

// Deep equality, NaN equal to NaN. With `notepackWrap`, an integral Double of `a` beyond
// the int64 range may differ in `b`: notepack writes such Numbers modulo 2^64, as JS does.
bool same(const sio::Value& a, const sio::Value& b, bool notepackWrap = false) {
  using T = sio::Value::Type;
  if (notepackWrap && a.isDouble()) {
    double d = a.asDouble();
    if (d == std::trunc(d) && (d >= 18446744073709551616.0 || d < -9223372036854775808.0))
      return b.isNumber();
  }
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case T::Double: {
      double x = a.asDouble(), y = b.asDouble();
      if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
      return std::memcmp(&x, &y, sizeof x) == 0;
    }
    case T::Array:
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i)
        if (!same(a[i], b[i], notepackWrap)) return false;
      return true;
    case T::Object:
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        const auto& x = a.asObject()[i];
        const auto& y = b.asObject()[i];
        if (x.first != y.first || !same(x.second, y.second, notepackWrap)) return false;
      }
      return true;
    default:
      return a == b;
  }
}

// A decoded Value never holds an integer beyond ±(2^53 - 1) as Int, nor a safe integer as
// Double (it holds JS Numbers).
bool jsNumbersOnly(const sio::Value& v) {
  if (v.isInt()) return v.asInt() >= -9007199254740991LL && v.asInt() <= 9007199254740991LL;
  if (v.isDouble()) {
    double d = v.asDouble();
    return !(std::fabs(d) <= 9007199254740991.0 && d == std::trunc(d));
  }
  if (v.isArray()) {
    for (const auto& item : v.asArray())
      if (!jsNumbersOnly(item)) return false;
  }
  if (v.isObject()) {
    for (const auto& m : v.asObject())
      if (!jsNumbersOnly(m.second)) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  sio::codec::MsgpackError error;
  auto value = sio::codec::parseMsgpack(input, &error);
  auto prefix = sio::codec::parseMsgpackPrefix(input);
  if (!value) {
    if (error.offset > size || error.message.empty()) std::abort();
    // Only trailing bytes may separate the two parsers.
    if (prefix && (error.message != "trailing bytes" || prefix->consumed != error.offset))
      std::abort();
    return 0;
  }
  if (!prefix || prefix->consumed != size || !same(prefix->value, *value)) std::abort();
  if (!jsNumbersOnly(*value)) std::abort();
  for (MsgpackFlavor flavor : {MsgpackFlavor::MsgpackJs, MsgpackFlavor::Notepack}) {
    const bool wrap = flavor == MsgpackFlavor::Notepack;
    std::string bytes = sio::codec::toMsgpack(*value, flavor);
    auto again = sio::codec::parseMsgpack(bytes);
    if (!again || !same(*value, *again, wrap)) std::abort();
    // After one round everything is stable: same value, same bytes.
    std::string bytes2 = sio::codec::toMsgpack(*again, flavor);
    if (!wrap && bytes2 != bytes) std::abort();
    auto again2 = sio::codec::parseMsgpack(bytes2);
    if (!again2 || !same(*again, *again2) || sio::codec::toMsgpack(*again2, flavor) != bytes2)
      std::abort();
  }
  return 0;
}
