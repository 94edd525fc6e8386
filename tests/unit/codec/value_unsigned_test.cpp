// sio::Value from unsigned integers: every value up to INT64_MAX stays an exact Int; above
// it the value becomes the nearest Double (what JSON.parse makes of its digits), never a
// negative Int wrapped modulo 2^64. The JSON and msgpack encoders then write it as the JS
// encoders write that Number.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "sio/codec/json.hpp"
#include "sio/codec/msgpack.hpp"
#include "sio/codec/value.hpp"

using sio::Value;

TEST(ValueUnsigned, UpToInt64MaxStaysAnExactInt) {
  EXPECT_EQ(Value(uint64_t{0}), Value(int64_t{0}));
  EXPECT_EQ(Value(uint32_t{UINT32_MAX}).asInt(), int64_t{UINT32_MAX});
  EXPECT_EQ(Value(uint64_t{1} << 53).asInt(), int64_t{1} << 53);
  EXPECT_EQ(Value((uint64_t{1} << 53) + 1).asInt(), (int64_t{1} << 53) + 1);  // exact in C++
  const uint64_t max = static_cast<uint64_t>(INT64_MAX);
  ASSERT_TRUE(Value(max).isInt());
  EXPECT_EQ(Value(max).asInt(), INT64_MAX);
  EXPECT_TRUE(Value(static_cast<unsigned long long>(max)).isInt());
  EXPECT_TRUE(Value(size_t{42}).isInt());
}

TEST(ValueUnsigned, AboveInt64MaxBecomesADoubleNotANegativeInt) {
  const uint64_t justAbove = static_cast<uint64_t>(INT64_MAX) + 1;  // 2^63
  Value v(justAbove);
  ASSERT_TRUE(v.isDouble());
  EXPECT_EQ(v.asDouble(), 9223372036854775808.0);
  EXPECT_GT(v.asDouble(), 0.0);

  Value top(std::numeric_limits<uint64_t>::max());
  ASSERT_TRUE(top.isDouble());
  EXPECT_EQ(top.asDouble(), 18446744073709551616.0);  // 2^64: the precision is lost
  EXPECT_TRUE(Value(std::numeric_limits<unsigned long>::max()).isDouble());
  EXPECT_TRUE(Value(std::numeric_limits<unsigned long long>::max()).isDouble());
}

TEST(ValueUnsigned, OnTheWireItIsTheNumberJavaScriptWouldSee) {
  // JSON.stringify(18446744073709551615) === "18446744073709552000"
  EXPECT_EQ(sio::codec::toJson(Value(std::numeric_limits<uint64_t>::max())),
            "18446744073709552000");
  // JSON.stringify(2 ** 63) === "9223372036854776000"
  EXPECT_EQ(sio::codec::toJson(Value(uint64_t{1} << 63)), "9223372036854776000");
  // and it reads back as the same Double
  auto parsed = sio::codec::parseJson("18446744073709552000");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, Value(std::numeric_limits<uint64_t>::max()));

  // msgpack: exactly what each JS encoder writes for the Number 2^64: @msgpack/msgpack a
  // float64, notepack.io a uint64 modulo 2^64 (its own behaviour for unsafe integers)
  using sio::codec::MsgpackFlavor;
  const Value top(std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(sio::codec::toMsgpack(top, MsgpackFlavor::MsgpackJs),
            std::string("\xcb\x43\xf0\x00\x00\x00\x00\x00\x00", 9));
  EXPECT_EQ(sio::codec::toMsgpack(top, MsgpackFlavor::Notepack),
            std::string("\xcf\x00\x00\x00\x00\x00\x00\x00\x00", 9));
}

TEST(ValueUnsigned, SmallUnsignedTypesAreNeverConverted) {
  EXPECT_TRUE(Value(std::numeric_limits<uint8_t>::max()).isInt());
  EXPECT_TRUE(Value(std::numeric_limits<uint16_t>::max()).isInt());
  EXPECT_TRUE(Value(std::numeric_limits<unsigned>::max()).isInt());
  EXPECT_EQ(Value(std::numeric_limits<unsigned>::max()).asInt(), int64_t{UINT32_MAX});
}
