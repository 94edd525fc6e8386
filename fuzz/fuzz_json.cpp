// Fuzz target: the JSON parser and writer. Arbitrary bytes must never crash the parser;
// whatever parses must survive toJson → parseJson as an equal value (equal as JavaScript
// sees it: 1.0 and 1 are one Number, ±Infinity is written as null), and a second toJson
// must give identical text. Any difference aborts.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "sio/codec/json.hpp"

namespace {

bool jsEqual(const sio::Value& a, const sio::Value& b) {
  using T = sio::Value::Type;
  if (a.isDouble() && !std::isfinite(a.asDouble())) return b.isNull();
  if (a.isNumber() && b.isNumber()) {
    // A Double written without fraction comes back as Int when it fits; -0 comes back 0.
    if (a.isInt() && b.isInt()) return a.asInt() == b.asInt();
    return a.isDouble() && a.asDouble() == b.asDouble();
  }
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case T::Array: {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i)
        if (!jsEqual(a[i], b[i])) return false;
      return true;
    }
    case T::Object: {
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i) {
        const auto& ma = a.asObject()[i];
        const auto& mb = b.asObject()[i];
        if (ma.first != mb.first || !jsEqual(ma.second, mb.second)) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  sio::codec::JsonError error;
  auto value = sio::codec::parseJson(input, &error);
  if (!value) {
    if (error.offset > size || error.message.empty()) std::abort();
    return 0;
  }
  std::string text = sio::codec::toJson(*value);
  auto again = sio::codec::parseJson(text, &error);
  if (!again) std::abort();
  if (!jsEqual(*value, *again)) std::abort();
  // Output is canonical: writing what was read back gives the same text, and the same
  // Value as reading it again.
  if (sio::codec::toJson(*again) != text) std::abort();
  if (!(*sio::codec::parseJson(text) == *again)) std::abort();
  return 0;
}
