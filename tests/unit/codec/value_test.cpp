// sio::Value: construction from each C++ type (int vs double kept apart), object member
// lookup and insertion that keep key order, array append, size, hasBinary at any depth,
// and deep equality.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "sio/codec/value.hpp"

using sio::Binary;
using sio::Value;

TEST(Value, DefaultAndNullptrAreNull) {
  EXPECT_TRUE(Value().isNull());
  EXPECT_TRUE(Value(nullptr).isNull());
  EXPECT_EQ(Value().type(), Value::Type::Null);
  EXPECT_EQ(Value(), Value(nullptr));
}

TEST(Value, ConstructsFromEveryCppType) {
  EXPECT_EQ(Value(true).type(), Value::Type::Bool);
  EXPECT_FALSE(Value(false).asBool());

  EXPECT_EQ(Value(42).type(), Value::Type::Int);
  EXPECT_EQ(Value(short(-3)).asInt(), -3);
  EXPECT_EQ(Value(uint8_t(255)).asInt(), 255);
  EXPECT_EQ(Value(42u).asInt(), 42);
  EXPECT_EQ(Value(-7L).asInt(), -7);
  EXPECT_EQ(Value(INT64_MIN).asInt(), INT64_MIN);
  EXPECT_EQ(Value(int64_t{INT64_MAX}).asInt(), INT64_MAX);
  EXPECT_EQ(Value(char(65)).asInt(), 65);

  EXPECT_EQ(Value(2.5).type(), Value::Type::Double);
  EXPECT_EQ(Value(2.5f).type(), Value::Type::Double);
  EXPECT_EQ(Value(2.5f).asDouble(), 2.5);

  EXPECT_EQ(Value("text").type(), Value::Type::String);
  EXPECT_EQ(Value(std::string("s")).asString(), "s");
  EXPECT_EQ(Value(std::string_view("sv")).asString(), "sv");

  Value bin = Value::binary(std::string_view("\x00\x01", 2));
  EXPECT_TRUE(bin.isBinary());
  EXPECT_EQ(bin.asBinary().view(), std::string_view("\x00\x01", 2));
  EXPECT_TRUE(Value(Binary()).isBinary());
  EXPECT_EQ(Value(Binary()).asBinary().size(), 0u);

  EXPECT_TRUE(Value(Value::Array{1, "a"}).isArray());
  EXPECT_TRUE(Value::array().isArray());
  EXPECT_TRUE(Value(Value::Object{}).isObject());
  EXPECT_TRUE(Value::object().isObject());
}

TEST(Value, IntAndDoubleAreDifferent) {
  EXPECT_TRUE(Value(1).isInt());
  EXPECT_TRUE(Value(1.0).isDouble());
  EXPECT_TRUE(Value(1).isNumber());
  EXPECT_TRUE(Value(1.0).isNumber());
  EXPECT_NE(Value(1), Value(1.0));
  EXPECT_EQ(Value(1).asDouble(), 1.0);  // asDouble accepts Int
  EXPECT_THROW(Value(1.0).asInt(), std::bad_variant_access);
}

TEST(Value, WrongAccessorThrows) {
  EXPECT_THROW(Value("x").asBool(), std::bad_variant_access);
  EXPECT_THROW(Value(1).asString(), std::bad_variant_access);
  EXPECT_THROW(Value().asArray(), std::bad_variant_access);
  EXPECT_THROW(Value(1)["key"], std::bad_variant_access);
  EXPECT_THROW(Value("s").push(1), std::bad_variant_access);
}

TEST(Value, ObjectKeepsOrderAndKeysUnique) {
  Value v = Value::object({{"b", 1}, {"a", 2}, {"b", 3}});
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v.asObject()[0].first, "b");
  EXPECT_EQ(v.asObject()[0].second, Value(3));
  EXPECT_EQ(v.asObject()[1].first, "a");
}

TEST(Value, FindReturnsMemberOrNull) {
  Value v = Value::object({{"name", "ada"}, {"age", 36}});
  ASSERT_NE(v.find("name"), nullptr);
  EXPECT_EQ(v.find("name")->asString(), "ada");
  EXPECT_EQ(v.find("missing"), nullptr);
  EXPECT_EQ(Value(1).find("name"), nullptr);
  EXPECT_EQ(Value().find("name"), nullptr);
  const Value& cv = v;
  EXPECT_EQ(cv.find("age")->asInt(), 36);
  EXPECT_THROW(v.find("age")->asObject(), std::bad_variant_access);
}

TEST(Value, SetReplacesInPlaceOrAppends) {
  Value v = Value::object({{"a", 1}, {"b", 2}, {"c", 3}});
  v.set("b", "two");
  v.set("d", 4);
  ASSERT_EQ(v.size(), 4u);
  const auto& o = v.asObject();
  EXPECT_EQ(o[0].first, "a");
  EXPECT_EQ(o[1].first, "b");
  EXPECT_EQ(o[1].second, Value("two"));
  EXPECT_EQ(o[2].first, "c");
  EXPECT_EQ(o[3].first, "d");

  Value fromNull;
  fromNull.set("x", true);
  EXPECT_TRUE(fromNull.isObject());
  EXPECT_EQ(fromNull.size(), 1u);
}

TEST(Value, SubscriptAppendsNullAndKeepsOrder) {
  Value v;
  v["z"] = 1;
  v["a"] = 2;
  v["z"] = 3;
  EXPECT_TRUE(v["new"].isNull());
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v.asObject()[0].first, "z");
  EXPECT_EQ(v.asObject()[0].second, Value(3));
  EXPECT_EQ(v.asObject()[1].first, "a");
  EXPECT_EQ(v.asObject()[2].first, "new");
  v["nested"]["deep"] = "x";
  EXPECT_EQ(v.find("nested")->find("deep")->asString(), "x");
}

TEST(Value, PushAndIndex) {
  Value v;
  v.push(1);
  v.push("two");
  v.push(Value::array({3.0}));
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[size_t(0)], Value(1));
  EXPECT_EQ(v[1], Value("two"));
  EXPECT_EQ(v[2][size_t(0)], Value(3.0));
  EXPECT_THROW(v[3], std::out_of_range);
  const Value& cv = v;
  EXPECT_EQ(cv[1].asString(), "two");
}

TEST(Value, SizeOfScalarsIsZero) {
  EXPECT_EQ(Value().size(), 0u);
  EXPECT_EQ(Value("abc").size(), 0u);
  EXPECT_EQ(Value::binary("abc").size(), 0u);
  EXPECT_EQ(Value::array({1, 2}).size(), 2u);
}

TEST(Value, HasBinaryAtAnyDepth) {
  EXPECT_FALSE(Value().hasBinary());
  EXPECT_FALSE(Value("bytes").hasBinary());
  EXPECT_TRUE(Value::binary("").hasBinary());
  EXPECT_FALSE(Value::array({1, Value::object({{"a", Value::array({"x"})}})}).hasBinary());
  EXPECT_TRUE(
      Value::array({1, Value::object({{"a", Value::array({Value::binary("x")})}})}).hasBinary());
  EXPECT_TRUE(Value::object({{"a", 1}, {"b", Value::binary("x")}}).hasBinary());

  // Deeper than any reasonable recursion limit would care about.
  Value deep = Value::binary("x");
  for (int i = 0; i < 1000; ++i) deep = Value::array({std::move(deep)});
  EXPECT_TRUE(deep.hasBinary());
}

TEST(Value, HasBinaryBeyondTheInlineStack) {
  // Many containers pending at once (more than the walk keeps without allocating), the
  // binary in the last one, then nowhere.
  Value::Array wide;
  for (int i = 0; i < 100; ++i) wide.push_back(Value::array({i, Value::object({{"k", i}})}));
  Value withBinary{Value::Array(wide)};
  withBinary.asArray().front() = Value::array({Value::array({Value::binary("x")})});
  EXPECT_TRUE(withBinary.hasBinary());
  EXPECT_FALSE(Value(std::move(wide)).hasBinary());
}

TEST(Value, DeepEquality) {
  auto make = [] {
    return Value::object(
        {{"a", Value::array({1, 2.5, "s", nullptr, true})}, {"b", Value::binary("xy")}});
  };
  EXPECT_EQ(make(), make());
  Value other = make();
  other["a"][size_t(1)] = 2.25;
  EXPECT_NE(make(), other);
  // Member order matters: objects are ordered member lists.
  EXPECT_NE(Value::object({{"a", 1}, {"b", 2}}), Value::object({{"b", 2}, {"a", 1}}));
  EXPECT_EQ(Value::binary("ab"), Value(Binary(std::string("ab"))));
  EXPECT_NE(Value::binary("ab"), Value("ab"));
}

TEST(Value, BinarySharesBytes) {
  Value a = Value::binary("payload");
  Value b = a;
  EXPECT_EQ(a.asBinary().shared().get(), b.asBinary().shared().get());
  EXPECT_TRUE(Binary(std::shared_ptr<const std::string>()).view().empty());
}

TEST(Value, TruthyAsJavaScript) {
  EXPECT_FALSE(sio::Value().truthy());
  EXPECT_FALSE(sio::Value(false).truthy());
  EXPECT_FALSE(sio::Value(int64_t(0)).truthy());
  EXPECT_FALSE(sio::Value(-0.0).truthy());
  EXPECT_FALSE(sio::Value(std::nan("")).truthy());
  EXPECT_FALSE(sio::Value("").truthy());
  EXPECT_TRUE(sio::Value(true).truthy());
  EXPECT_TRUE(sio::Value(int64_t(-1)).truthy());
  EXPECT_TRUE(sio::Value(0.5).truthy());
  EXPECT_TRUE(sio::Value("0").truthy());
  EXPECT_TRUE(Value::array({}).truthy());
  EXPECT_TRUE(Value::object({}).truthy());
  EXPECT_TRUE(Value::binary("").truthy());
}
