// The vector format shared by the msgpack differential checkers: hex byte strings, and
// "tagged JSON" for JS values JSON cannot show ({"$bin":"hex"} for a Buffer, {"$num":"-0"}
// and friends for -0, NaN and ±Infinity, as random-values.mjs writes them), read back into
// sio::Value; plus the comparison of values as a JS Number sees them.
#pragma once

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "sio/codec/value.hpp"

namespace vectors {

using sio::Value;

inline std::string toHex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

inline std::string fromHex(std::string_view hex) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(char(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  return out;
}

// Tagged JSON → Value: {"$bin":"hex"} is a Buffer, {"$num":"-0"|"NaN"|"Infinity"|...} a Number.
inline Value untag(const Value& v) {
  if (v.isArray()) {
    Value::Array out;
    for (const Value& item : v.asArray()) out.push_back(untag(item));
    return Value(std::move(out));
  }
  if (!v.isObject()) return v;
  const Value::Object& o = v.asObject();
  if (o.size() == 1 && o[0].first == "$bin") return Value::binary(fromHex(o[0].second.asString()));
  if (o.size() == 1 && o[0].first == "$num") {
    const std::string& s = o[0].second.asString();
    if (s == "-0") return Value(-0.0);
    if (s == "NaN") return Value(std::nan(""));
    return Value(s[0] == '-' ? -HUGE_VAL : HUGE_VAL);
  }
  Value::Object out;
  for (const auto& [key, value] : o) out.emplace_back(key, untag(value));
  return Value(std::move(out));
}

// As a JS Number reads back: safe integers (and -0) are Int, everything else Double.
inline Value normalize(const Value& v) {
  constexpr double kMaxSafe = 9007199254740991.0;
  if (v.isInt() || v.isDouble()) {
    double d = v.asDouble();
    if (v.isInt() && std::llabs(v.asInt()) <= 9007199254740991LL) return v;
    if (d >= -kMaxSafe && d <= kMaxSafe && d == std::trunc(d)) return Value(int64_t(d));
    return Value(d);
  }
  if (v.isArray()) {
    Value::Array out;
    for (const Value& item : v.asArray()) out.push_back(normalize(item));
    return Value(std::move(out));
  }
  if (v.isObject()) {
    Value::Object out;
    for (const auto& [key, value] : v.asObject()) out.emplace_back(key, normalize(value));
    return Value(std::move(out));
  }
  return v;
}

// Deep equality where NaN equals NaN and doubles compare bit for bit otherwise.
inline bool same(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Value::Type::Double: {
      double x = a.asDouble(), y = b.asDouble();
      if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
      return std::memcmp(&x, &y, sizeof x) == 0;
    }
    case Value::Type::Array:
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i)
        if (!same(a[i], b[i])) return false;
      return true;
    case Value::Type::Object:
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        const auto& x = a.asObject()[i];
        const auto& y = b.asObject()[i];
        if (x.first != y.first || !same(x.second, y.second)) return false;
      }
      return true;
    default:
      return a == b;
  }
}

inline std::string brief(const std::string& s) {
  return s.size() > 300 ? s.substr(0, 300) + "…" : s;
}

}  // namespace vectors
