// Unit tests for the msgpack codec (sio/codec/msgpack.hpp): the Appendix B vectors of the
// cluster wire spec, integer/float boundaries of both JS encoders (expected bytes produced
// by @msgpack/msgpack 2.8.0 and notepack.io 3.0.1), str/bin/array/map size classes, key
// order and JS key semantics, timestamps and legacy notepack forms as the real encoders
// write them, and malformed input (truncation, bad type bytes, huge lengths, depth bombs).
#include "sio/codec/msgpack.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "sio/codec/base64.hpp"
#include "sio/codec/json.hpp"

using sio::Binary;
using sio::Value;
using namespace sio::codec;

namespace {

constexpr MsgpackFlavor kJs = MsgpackFlavor::MsgpackJs;
constexpr MsgpackFlavor kNp = MsgpackFlavor::Notepack;

std::string unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(char(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

Value parseHex(std::string_view h) {
  MsgpackError error;
  auto v = parseMsgpack(unhex(h), &error);
  EXPECT_TRUE(v) << h << ": " << error.message << " at " << error.offset;
  return v ? *v : Value("<parse failed>");
}

std::string json(const Value& v) {
  return toJson(v);
}

// ---------------------------------------------------------------------------------------
// Appendix B

TEST(MsgpackVectors, V1StreamDataWithBinaryAndDate) {
  const std::string h =
      "82a67061636b657482a47479706502a46461746193a362696ec40301020381a164d6ff000000"
      "00a46f70747383a5726f6f6d7390a665786365707490a5666c61677380";
  Value v = parseHex(h);
  EXPECT_EQ(json(v),
            R"({"packet":{"type":2,"data":["bin",{"type":"Buffer","data":[1,2,3]},)"
            R"({"d":"1970-01-01T00:00:00.000Z"}]},"opts":{"rooms":[],"except":[],"flags":{}}})");
  EXPECT_EQ(v["packet"]["data"][1], Value::binary("\x01\x02\x03"));
  // The base64 form in the spec is the same bytes.
  EXPECT_EQ(
      hex(*base64Decode("gqZwYWNrZXSCpHR5cGUCpGRhdGGTo2JpbsQDAQIDgaFk1v8AAAAApG9wdHODpXJvb21zkK"
                        "ZleGNlcHSQpWZsYWdzgA==")),
      h);
  // Re-encoded, the Date is its ISO string (fixstr of 24 bytes); the rest is identical.
  std::string iso = "b8" + hex("1970-01-01T00:00:00.000Z");
  std::string expected = h;
  expected.replace(expected.find("d6ff00000000"), 12, iso);
  EXPECT_EQ(hex(toMsgpack(v, kJs)), expected);
  EXPECT_EQ(hex(toMsgpack(v, kNp)), expected);
}

struct ReencodeVector {
  const char* name;
  const char* hex;
  const char* json;
  MsgpackFlavor flavor;
};

class MsgpackReencode : public ::testing::TestWithParam<ReencodeVector> {};

TEST_P(MsgpackReencode, DecodesAndReencodesByteIdentical) {
  const ReencodeVector& vec = GetParam();
  Value v = parseHex(vec.hex);
  EXPECT_EQ(json(v), vec.json);
  EXPECT_EQ(hex(toMsgpack(v, vec.flavor)), vec.hex);
  // These vectors have no unsafe integers, so the other flavor gives the same bytes.
  EXPECT_EQ(hex(toMsgpack(v, vec.flavor == kJs ? kNp : kJs)), vec.hex);
  // And from the JSON form too (JSON has no binary).
  if (!v.hasBinary()) {
    EXPECT_EQ(hex(toMsgpack(*parseJson(vec.json), vec.flavor)), vec.hex);
  }
}

INSTANTIATE_TEST_SUITE_P(
    AppendixB, MsgpackReencode,
    ::testing::Values(
        ReencodeVector{
            "V2",
            "84a47479706507a46461746182a46f70747383a5726f6f6d7391a5726f6f6d31a66578636570"
            "7490a5666c61677380a9726571756573744964b031316664323031396330336565326132a375"
            "6964b063623038366662646261333233346636a36e7370a12f",
            R"({"type":7,"data":{"opts":{"rooms":["room1"],"except":[],"flags":{}},)"
            R"("requestId":"11fd2019c03ee2a2"},"uid":"cb086fbdba3234f6","nsp":"/"})",
            kJs},
        ReencodeVector{
            "V3",
            "84a4747970650ba46461746182a9726571756573744964b06333313935613263623938306432"
            "3562ab636c69656e74436f756e7401a3756964b033386435356132633630613464613764a36e"
            "7370a12f",
            R"({"type":11,"data":{"requestId":"c3195a2cb980d25b","clientCount":1},)"
            R"("uid":"38d55a2c60a4da7d","nsp":"/"})",
            kJs},
        ReencodeVector{
            "V4",
            "93a66e647331693083a47479706502a46461746192a568656c6c6fa27231a36e7370a12f83a5"
            "726f6f6d7391a5726f6f6d31a665786365707490a5666c61677380",
            R"(["nds1i0",{"type":2,"data":["hello","r1"],"nsp":"/"},)"
            R"({"rooms":["room1"],"except":[],"flags":{}}])",
            kNp},
        ReencodeVector{
            "V5",
            "84a3736964b4424d2d784e4b6e3274474970776b465a41414141a3706964b46945414341326f"
            "7a465358366b75526241414142a5726f6f6d7392b4424d2d784e4b6e3274474970776b465a41"
            "414141a5726f6f6d31a46461746180",
            R"({"sid":"BM-xNKn2tGIpwkFZAAAA","pid":"iEACA2ozFSX6kuRbAAAB",)"
            R"("rooms":["BM-xNKn2tGIpwkFZAAAA","room1"],"data":{}})",
            kJs},
        ReencodeVector{
            "V6",
            "83a47479706509a9726571756573744964a66d6a67415170a67061636b6574ac636c69656e74"
            "2d61636b2d78",
            R"({"type":9,"requestId":"mjgAQp","packet":"client-ack-x"})", kNp},
        // From lab/captures/msgpack-encoder-comparison.txt ("nested", identical in both).
        ReencodeVector{"nested", "83a47479706502a46461746192a26576c40101a36e7370a12f",
                       R"({"type":2,"data":["ev",{"type":"Buffer","data":[1]}],"nsp":"/"})", kNp}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(MsgpackVectors, V5FromBase64) {
  auto bytes = base64Decode(
      "hKNzaWS0Qk0teE5LbjJ0R0lwd2tGWkFBQUGjcGlktGlFQUNBMm96RlNYNmt1UmJBQUFCpXJvb21zkrRCTS14TktuMnR"
      "HSXB3a0ZaQUFBQaVyb29tMaRkYXRhgA==");
  ASSERT_TRUE(bytes);
  Value session = Value::object({{"sid", "BM-xNKn2tGIpwkFZAAAA"},
                                 {"pid", "iEACA2ozFSX6kuRbAAAB"},
                                 {"rooms", Value::array({"BM-xNKn2tGIpwkFZAAAA", "room1"})},
                                 {"data", Value::object()}});
  EXPECT_EQ(toMsgpack(session, kJs), *bytes);
  EXPECT_EQ(*parseMsgpack(*bytes), session);
}

TEST(MsgpackVectors, V7Dates) {
  EXPECT_EQ(parseHex("d6ff39457980"), Value("2000-06-13T00:00:00.000Z"));
  EXPECT_EQ(parseHex("d7ff1d53530039457980"), Value("2000-06-13T00:00:00.123Z"));
}

// ---------------------------------------------------------------------------------------
// Numbers

struct NumberCase {
  const char* js;  // the JS Number, as Number(js) reads it
  const char* msgpackJs;
  const char* notepack;
};

// Produced by @msgpack/msgpack 2.8.0 encode() and notepack.io 3.0.1 encode() in Node 20.
const NumberCase kNumbers[] = {
    {"0", "00", "00"},
    {"1", "01", "01"},
    {"127", "7f", "7f"},
    {"128", "cc80", "cc80"},
    {"255", "ccff", "ccff"},
    {"256", "cd0100", "cd0100"},
    {"65535", "cdffff", "cdffff"},
    {"65536", "ce00010000", "ce00010000"},
    {"4294967295", "ceffffffff", "ceffffffff"},
    {"4294967296", "cf0000000100000000", "cf0000000100000000"},
    {"9007199254740991", "cf001fffffffffffff", "cf001fffffffffffff"},
    {"9007199254740992", "cb4340000000000000", "cf0020000000000000"},
    {"9007199254740994", "cb4340000000000001", "cf0020000000000002"},
    {"9223372036854775808", "cb43e0000000000000", "cf8000000000000000"},
    {"18446744073709551616", "cb43f0000000000000", "cf0000000000000000"},
    {"1e20", "cb4415af1d78b58c40", "cf6bc75e2d63100000"},
    {"-1", "ff", "ff"},
    {"-32", "e0", "e0"},
    {"-33", "d0df", "d0df"},
    {"-128", "d080", "d080"},
    {"-129", "d1ff7f", "d1ff7f"},
    {"-32768", "d18000", "d18000"},
    {"-32769", "d2ffff7fff", "d2ffff7fff"},
    {"-2147483648", "d280000000", "d280000000"},
    {"-2147483649", "d3ffffffff7fffffff", "d3ffffffff7fffffff"},
    {"-9007199254740991", "d3ffe0000000000001", "d3ffe0000000000001"},
    {"-9007199254740992", "cbc340000000000000", "d3ffe0000000000000"},
    {"-9223372036854775808", "cbc3e0000000000000", "d38000000000000000"},
    {"-1e20", "cbc415af1d78b58c40", "d39438a1d29cf00000"},
    {"1.5", "cb3ff8000000000000", "cb3ff8000000000000"},
    {"-0", "00", "00"},
    {"NaN", "cb7ff8000000000000", "cb7ff8000000000000"},
    {"Infinity", "cb7ff0000000000000", "cb7ff0000000000000"},
    {"-Infinity", "cbfff0000000000000", "cbfff0000000000000"},
    {"0.1", "cb3fb999999999999a", "cb3fb999999999999a"},
    {"1e300", "cb7e37e43c8800759c", "cf0000000000000000"},
    {"-1e300", "cbfe37e43c8800759c", "d30000000000000000"},
    {"5e-324", "cb0000000000000001", "cb0000000000000001"},
    {"-1.5", "cbbff8000000000000", "cbbff8000000000000"},
    {"4294967296.5", "cb41f0000000080000", "cb41f0000000080000"},
};

TEST(MsgpackNumbers, DoubleEncodesAsEachJsEncoder) {
  for (const NumberCase& c : kNumbers) {
    double d = std::strtod(c.js, nullptr);
    EXPECT_EQ(hex(toMsgpack(Value(d), kJs)), c.msgpackJs) << c.js;
    EXPECT_EQ(hex(toMsgpack(Value(d), kNp)), c.notepack) << c.js;
  }
}

TEST(MsgpackNumbers, IntEncodesAsTheSameJsNumber) {
  for (const NumberCase& c : kNumbers) {
    double d = std::strtod(c.js, nullptr);
    if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0) || d != std::trunc(d)) continue;
    Value n{int64_t(d)};
    EXPECT_EQ(hex(toMsgpack(n, kJs)), c.msgpackJs) << c.js;
    EXPECT_EQ(hex(toMsgpack(n, kNp)), c.notepack) << c.js;
  }
  // Int beyond 2^53 is the Number it rounds to: 2^53 + 1 → 2^53, INT64_MAX → 2^63.
  EXPECT_EQ(hex(toMsgpack(Value(int64_t(9007199254740993)), kJs)), "cb4340000000000000");
  EXPECT_EQ(hex(toMsgpack(Value(int64_t(9007199254740993)), kNp)), "cf0020000000000000");
  EXPECT_EQ(hex(toMsgpack(Value(std::numeric_limits<int64_t>::max()), kJs)), "cb43e0000000000000");
  EXPECT_EQ(hex(toMsgpack(Value(std::numeric_limits<int64_t>::max()), kNp)), "cf8000000000000000");
  EXPECT_EQ(hex(toMsgpack(Value(std::numeric_limits<int64_t>::min()), kNp)), "d38000000000000000");
}

TEST(MsgpackNumbers, DecodeGivesJsNumbers) {
  for (const NumberCase& c : kNumbers) {
    double d = std::strtod(c.js, nullptr);
    for (const char* h : {c.msgpackJs, c.notepack}) {
      Value v = parseHex(h);
      if (std::isnan(d)) {
        ASSERT_TRUE(v.isDouble()) << h;
        EXPECT_TRUE(std::isnan(v.asDouble())) << h;
        continue;
      }
      if (std::string_view(h).substr(0, 2) == "cf" || std::string_view(h).substr(0, 2) == "d3") {
        // notepack's modulo-2^64 form decodes to what JS reads back, not the original.
        if (std::fabs(d) >= 18446744073709551616.0) continue;
      }
      if (std::fabs(d) <= 9007199254740991.0 && d == std::trunc(d)) {
        EXPECT_EQ(v, Value(int64_t(d))) << h;  // -0 too
      } else {
        EXPECT_EQ(v, Value(d)) << h;
      }
    }
  }
}

TEST(MsgpackNumbers, EveryWidthDecodes) {
  EXPECT_EQ(parseHex("cc00"), Value(0));
  EXPECT_EQ(parseHex("cd0001"), Value(1));
  EXPECT_EQ(parseHex("ce80000000"), Value(int64_t(2147483648)));
  EXPECT_EQ(parseHex("cfffffffffffffffff"), Value(18446744073709551615.0));
  EXPECT_EQ(parseHex("d0ff"), Value(-1));
  EXPECT_EQ(parseHex("d17fff"), Value(32767));
  EXPECT_EQ(parseHex("d27fffffff"), Value(2147483647));
  EXPECT_EQ(parseHex("d3ffffffffffffffff"), Value(-1));
  EXPECT_EQ(parseHex("d37fffffffffffffff"), Value(9223372036854775807.0));
  EXPECT_EQ(parseHex("d38000000000000001"), Value(-9223372036854775807.0));
  EXPECT_EQ(parseHex("cf0020000000000001"), Value(9007199254740992.0));  // as JS rounds
  EXPECT_EQ(parseHex("ca3fc00000"), Value(1.5));                         // float32
  EXPECT_EQ(parseHex("ca40400000"), Value(3));                           // float32 3.0
  EXPECT_EQ(parseHex("ca3dcccccd"), Value(double(0.1f)));
  EXPECT_EQ(parseHex("cb3ff0000000000000"), Value(1));  // 1.0 is the JS integer 1
  EXPECT_EQ(parseHex("cb8000000000000000"), Value(0));  // -0
  EXPECT_EQ(parseHex("caff800000"), Value(-std::numeric_limits<double>::infinity()));
  EXPECT_EQ(parseHex("c0"), Value());
  EXPECT_EQ(parseHex("c2"), Value(false));
  EXPECT_EQ(parseHex("c3"), Value(true));
}

// ---------------------------------------------------------------------------------------
// Sizes

TEST(MsgpackSizes, StringHeaders) {
  const std::pair<size_t, const char*> cases[] = {
      {0, "a0"},       {31, "bf"},        {32, "d920"},          {255, "d9ff"},
      {256, "da0100"}, {65535, "daffff"}, {65536, "db00010000"},
  };
  for (auto [n, header] : cases) {
    std::string s(n, 'x');
    for (auto flavor : {kJs, kNp}) {
      std::string bytes = toMsgpack(Value(s), flavor);
      EXPECT_EQ(hex(bytes.substr(0, bytes.size() - n)), header) << n;
      EXPECT_EQ(*parseMsgpack(bytes), Value(s)) << n;
    }
  }
  // str8/16/32 with short content decode too (not what the encoders write).
  EXPECT_EQ(parseHex("d90161"), Value("a"));
  EXPECT_EQ(parseHex("da000161"), Value("a"));
  EXPECT_EQ(parseHex("db0000000161"), Value("a"));
  EXPECT_EQ(parseHex("a3e282ac"), Value("\xE2\x82\xAC"));
}

TEST(MsgpackSizes, BinaryHeaders) {
  const std::pair<size_t, const char*> cases[] = {
      {0, "c400"},     {1, "c401"},       {255, "c4ff"},
      {256, "c50100"}, {65535, "c5ffff"}, {65536, "c600010000"},
  };
  for (auto [n, header] : cases) {
    std::string b(n, '\xAB');
    for (auto flavor : {kJs, kNp}) {
      std::string bytes = toMsgpack(Value::binary(b), flavor);
      EXPECT_EQ(hex(bytes.substr(0, bytes.size() - n)), header) << n;
      EXPECT_EQ(*parseMsgpack(bytes), Value::binary(b)) << n;
    }
  }
  EXPECT_EQ(parseHex("c5000100"), Value::binary(std::string(1, '\0')));
  EXPECT_EQ(parseHex("c60000000100"), Value::binary(std::string(1, '\0')));
}

TEST(MsgpackSizes, ArrayAndMapHeaders) {
  const std::pair<size_t, const char*> arrays[] = {
      {0, "90"}, {15, "9f"}, {16, "dc0010"}, {65535, "dcffff"}, {65536, "dd00010000"}};
  for (auto [n, header] : arrays) {
    Value::Array a(n, Value(7));
    std::string bytes = toMsgpack(Value(a), kJs);
    EXPECT_EQ(hex(bytes.substr(0, bytes.size() - n)), header) << n;
    EXPECT_EQ(*parseMsgpack(bytes), Value(a)) << n;
  }
  const std::pair<size_t, const char*> maps[] = {
      {0, "80"}, {15, "8f"}, {16, "de0010"}, {65535, "deffff"}, {65536, "df00010000"}};
  for (auto [n, header] : maps) {
    Value::Object o;
    for (size_t i = 0; i < n; ++i) o.emplace_back("k" + std::to_string(i), Value(nullptr));
    std::string bytes = toMsgpack(Value(o), kNp);
    EXPECT_EQ(hex(bytes.substr(0, header == std::string_view("80") ? 1 : strlen(header) / 2)),
              header)
        << n;
    EXPECT_EQ(*parseMsgpack(bytes), Value(o)) << n;
  }
  EXPECT_EQ(parseHex("dc0000"), Value::array());
  EXPECT_EQ(parseHex("dd0000000101"), Value::array({1}));
  EXPECT_EQ(parseHex("de0000"), Value::object());
  EXPECT_EQ(parseHex("df00000001a16101"), Value::object({{"a", 1}}));
}

TEST(MsgpackEncode, AppendsToExistingOutput) {
  std::string out = "prefix";
  appendMsgpack(Value::array({1, "a"}), out, kJs);
  EXPECT_EQ(out, "prefix" + unhex("9201a161"));
}

// ---------------------------------------------------------------------------------------
// Maps

TEST(MsgpackMaps, NestedMapsKeepKeyOrder) {
  Value v = Value::object(
      {{"z", 1},
       {"a", Value::object({{"y", Value::array({Value::object({{"q", 1}, {"b", 2}})})}, {"c", 3}})},
       {"m", nullptr}});
  std::string bytes = toMsgpack(v, kJs);
  Value back = *parseMsgpack(bytes);
  EXPECT_EQ(back, v);
  EXPECT_EQ(json(back), R"({"z":1,"a":{"y":[{"q":1,"b":2}],"c":3},"m":null})");
}

TEST(MsgpackMaps, DuplicateKeysKeepFirstPositionLastValue) {
  // {"a":1,"b":2,"a":3} → JS: {a:3, b:2}
  EXPECT_EQ(json(parseHex("83a16101a16202a16103")), R"({"a":3,"b":2})");
  // Past the hash-index threshold too.
  std::string bytes = unhex("de0015");
  for (int i = 0; i < 20; ++i) bytes += unhex("a2") + "k" + char('A' + i) + char(i);
  bytes += unhex("a2") + "kC" + unhex("7f");
  Value v = *parseMsgpack(bytes);
  ASSERT_EQ(v.size(), 20u);
  EXPECT_EQ(v.asObject()[2].first, "kC");
  EXPECT_EQ(v.asObject()[2].second, Value(127));
  EXPECT_EQ(v.asObject()[19].second, Value(19));
}

TEST(MsgpackMaps, NumberKeysBecomeStrings) {
  EXPECT_EQ(json(parseHex("810102")), R"({"1":2})");
  EXPECT_EQ(json(parseHex("81ff02")), R"({"-1":2})");
  EXPECT_EQ(json(parseHex("81cd010002")), R"({"256":2})");
  EXPECT_EQ(json(parseHex("81cb3ff800000000000001")), R"({"1.5":1})");
  EXPECT_EQ(json(parseHex("81ca7fc0000001")), R"({"NaN":1})");
  EXPECT_EQ(json(parseHex("81cb800000000000000001")), R"({"0":1})");
  EXPECT_EQ(json(parseHex("81cb7ff000000000000001")), R"({"Infinity":1})");
  EXPECT_EQ(json(parseHex("81cb444b1ae4d6e2ef5001")), R"({"1e+21":1})");
}

TEST(MsgpackMaps, OtherKeyTypesAreRejected) {
  for (const char* h :
       {"81c001", "81c301", "8190a101", "8180a101", "81c40101", "81d6ff0000000001"}) {
    MsgpackError error;
    EXPECT_FALSE(parseMsgpack(unhex(h), &error)) << h;
    EXPECT_EQ(error.offset, 1u) << h;
  }
}

TEST(MsgpackMaps, ProtoKeyIsAnOrdinaryKey) {
  // @msgpack/msgpack rejects it, notepack drops it; C++ has no prototype to pollute.
  EXPECT_EQ(json(parseHex("81a95f5f70726f746f5f5f01")), R"({"__proto__":1})");
}

// ---------------------------------------------------------------------------------------
// Timestamps and extensions

struct DateCase {
  const char* ms;
  const char* bytes;  // written identically by both JS encoders for new Date(ms)
  const char* iso;    // JSON.stringify of what both JS decoders return
};

// Produced once with notepack.io 3.0.1 and @msgpack/msgpack 2.8.0 in Node 20.
const DateCase kDates[] = {
    {"0", "d6ff00000000", "1970-01-01T00:00:00.000Z"},
    {"1000", "d6ff00000001", "1970-01-01T00:00:01.000Z"},
    {"-1", "c70cff3b8b87c0ffffffffffffffff", "1969-12-31T23:59:59.999Z"},
    {"-1000", "c70cff00000000ffffffffffffffff", "1969-12-31T23:59:59.000Z"},
    {"-1500", "c70cff1dcd6500fffffffffffffffe", "1969-12-31T23:59:58.500Z"},
    {"123", "d7ff1d53530000000000", "1970-01-01T00:00:00.123Z"},
    {"961459200000", "d6ff394eb400", "2000-06-20T00:00:00.000Z"},
    {"961459200123", "d7ff1d535300394eb400", "2000-06-20T00:00:00.123Z"},
    {"4294967295000", "d6ffffffffff", "2106-02-07T06:28:15.000Z"},
    {"4294967296000", "d7ff0000000100000000", "2106-02-07T06:28:16.000Z"},
    {"4294967296001", "d7ff003d090100000000", "2106-02-07T06:28:16.001Z"},
    {"17179869183999", "d7ffee2e1f03ffffffff", "2514-05-30T01:53:03.999Z"},
    {"17179869184000", "c70cff000000000000000400000000", "2514-05-30T01:53:04.000Z"},
    {"253402300799999", "c70cff3b8b87c00000003afff4417f", "9999-12-31T23:59:59.999Z"},
    {"253402300800000", "c70cff000000000000003afff44180", "+010000-01-01T00:00:00.000Z"},
    {"-62135596800000", "c70cff00000000fffffff1886e0900", "0001-01-01T00:00:00.000Z"},
    {"-62167219200000", "c70cff00000000fffffff1868b8400", "0000-01-01T00:00:00.000Z"},
    {"-62167219200001", "c70cff3b8b87c0fffffff1868b83ff", "-000001-12-31T23:59:59.999Z"},
    {"8640000000000000", "c70cff00000000000007dba8218000", "+275760-09-13T00:00:00.000Z"},
    {"-8640000000000000", "c70cff00000000fffff82457de8000", "-271821-04-20T00:00:00.000Z"},
    {"-30610224000000", "c70cff00000000fffffff8df7d0c80", "1000-01-01T00:00:00.000Z"},
    {"1000000000999", "d7ffee2e1f003b9aca00", "2001-09-09T01:46:40.999Z"},
    {"-999", "c70cff000f4240ffffffffffffffff", "1969-12-31T23:59:59.001Z"},
    {"-1001", "c70cff3b8b87c0fffffffffffffffe", "1969-12-31T23:59:58.999Z"},
};

TEST(MsgpackTimestamps, RealEncoderBytesDecodeToIsoStrings) {
  for (const DateCase& c : kDates) EXPECT_EQ(parseHex(c.bytes), Value(c.iso)) << c.ms;
}

TEST(MsgpackTimestamps, UnusualButValidForms) {
  // What both JS decoders return (checked in Node): ext8 timestamp 32, nanoseconds beyond
  // 999999999, a timestamp 96 out of the Date range (Invalid Date → JSON null).
  EXPECT_EQ(parseHex("c704ff00000001"), Value("1970-01-01T00:00:01.000Z"));  // @msgpack only
  EXPECT_EQ(parseHex("c70cff000000000000000000000001"), Value("1970-01-01T00:00:01.000Z"));
  EXPECT_EQ(parseHex("d7ff0000000400000000"), Value("1970-01-01T00:00:00.000Z"));
  EXPECT_EQ(parseHex("d7fffffffffc00000000"), Value("1970-01-01T00:00:01.073Z"));
  EXPECT_EQ(parseHex("c70cffffffffffffffffffffffffff"), Value("1970-01-01T00:00:03.294Z"));
  EXPECT_EQ(parseHex("c70cff3b9ac9ff7fffffffffffffff"), Value());
  EXPECT_EQ(parseHex("c70cff00000000fffffffffffffff0"), Value("1969-12-31T23:59:44.000Z"));
  EXPECT_EQ(parseHex("c70cff00000000000007dba8218001"), Value());  // one second too late
  EXPECT_EQ(parseHex("c80004ff00000001"), Value("1970-01-01T00:00:01.000Z"));
  EXPECT_EQ(json(parseHex("92d6ff00000000c0")), R"(["1970-01-01T00:00:00.000Z",null])");
}

TEST(MsgpackExtensions, LegacyNotepackForms) {
  // notepack 2.x Date (int64 ms), undefined, ArrayBuffer; as notepack 3 still decodes them.
  EXPECT_EQ(parseHex("d70000000000000003e8"), Value("1970-01-01T00:00:01.000Z"));
  EXPECT_EQ(parseHex("d700ffffffffffffffff"), Value("1969-12-31T23:59:59.999Z"));
  EXPECT_EQ(parseHex("d40000"), Value());
  EXPECT_EQ(json(parseHex("92d40000d40001")), "[null,null]");
  EXPECT_EQ(parseHex("c70300010203"), Value::binary("\x01\x02\x03"));
  EXPECT_EQ(parseHex("c8000200aabb"), Value::binary("\xAA\xBB"));
  EXPECT_EQ(parseHex("c90000000100ff"), Value::binary("\xFF"));
  EXPECT_EQ(parseHex("c70000"), Value::binary(""));
}

TEST(MsgpackExtensions, OtherExtensionsAreTypeAndBinary) {
  EXPECT_EQ(parseHex("d40507"), Value::array({5, Value::binary("\x07")}));
  EXPECT_EQ(parseHex("d5000102"), Value::array({0, Value::binary("\x01\x02")}));
  EXPECT_EQ(parseHex("d6800a0b0c0d"), Value::array({-128, Value::binary("\x0a\x0b\x0c\x0d")}));
  EXPECT_EQ(parseHex("d8ff" + std::string(32, '0')),
            Value::array({-1, Value::binary(std::string(16, '\0'))}));
  EXPECT_EQ(parseHex("d4ff01"), Value::array({-1, Value::binary("\x01")}));
  EXPECT_EQ(parseHex("c7027fabcd"), Value::array({127, Value::binary("\xAB\xCD")}));
  EXPECT_EQ(parseHex("c70aff" + std::string(20, '1')),
            Value::array({-1, Value::binary(unhex(std::string(20, '1')))}));
}

// ---------------------------------------------------------------------------------------
// Malformed input

const char* const kValidEncodings[] = {
    "82a67061636b657482a47479706502a46461746193a362696ec40301020381a164d6ff00000000a46f7074"
    "7383a5726f6f6d7390a665786365707490a5666c61677380",
    "93a66e647331693083a47479706502a46461746192a568656c6c6fa27231a36e7370a12f83a5726f6f6d7391"
    "a5726f6f6d31a665786365707490a5666c61677380",
    "c70cff3b8b87c0ffffffffffffffff",
    "d7ff1d535300394eb400",
    "cf0020000000000002",
    "d3ffe0000000000001",
    "cb3ff8000000000000",
    "ca3fc00000",
    "d9203031323334353637383930313233343536373839303132333435363738393031",
    "da0003616263",
    "db00000003616263",
    "c50003010203",
    "c6000000020102",
    "dc0002c0c3",
    "dd00000001c2",
    "de0001a16101",
    "df00000001a16181cd0100c0",
    "c8000305010203",
    "c900000001050a",
    "d8050102030405060708090a0b0c0d0e0f10",
};

TEST(MsgpackMalformed, TruncationAtEveryByteIsRejected) {
  for (const char* h : kValidEncodings) {
    std::string bytes = unhex(h);
    ASSERT_TRUE(parseMsgpack(bytes)) << h;
    for (size_t n = 0; n < bytes.size(); ++n) {
      MsgpackError error;
      EXPECT_FALSE(parseMsgpack(bytes.substr(0, n), &error)) << h << " cut at " << n;
      EXPECT_FALSE(error.message.empty());
      EXPECT_LE(error.offset, n);
      EXPECT_FALSE(parseMsgpackPrefix(bytes.substr(0, n))) << h << " cut at " << n;
    }
  }
}

TEST(MsgpackMalformed, TrailingBytesAreAnErrorButPrefixParsingStops) {
  MsgpackError error;
  EXPECT_FALSE(parseMsgpack(unhex("9101c0"), &error));
  EXPECT_EQ(error.offset, 2u);
  EXPECT_EQ(error.message, "trailing bytes");
  auto prefix = parseMsgpackPrefix(unhex("9101c0"));
  ASSERT_TRUE(prefix);
  EXPECT_EQ(prefix->value, Value::array({1}));
  EXPECT_EQ(prefix->consumed, 2u);
  EXPECT_FALSE(parseMsgpack(""));
}

TEST(MsgpackMalformed, NeverUsedTypeByte) {
  MsgpackError error;
  EXPECT_FALSE(parseMsgpack(unhex("c1"), &error));
  EXPECT_EQ(error.offset, 0u);
  EXPECT_FALSE(parseMsgpack(unhex("9301c102"), &error));
  EXPECT_EQ(error.offset, 2u);
  EXPECT_FALSE(parseMsgpack(unhex("81a161c1"), &error));
  EXPECT_FALSE(parseMsgpack(unhex("81c101"), &error));
}

TEST(MsgpackMalformed, ClaimedHugeLengthsFailBeforeAllocating) {
  for (const char* h :
       {"dbffffffff", "daffff61", "d9ff", "c6ffffffff00", "c5ffff", "c4ff", "ddffffffff",
        "ddffffffffc0c0", "dcffff", "dfffffffff", "dfffffffffa16101", "deffff", "c9ffffffff05",
        "c8ffff05", "c7ff05", "9f", "8f", "91dd7fffffff", "dd0000000181a161dbfffffff0"}) {
    MsgpackError error;
    EXPECT_FALSE(parseMsgpack(unhex(h), &error)) << h;
    EXPECT_FALSE(error.message.empty()) << h;
  }
  // A map needs two bytes per member: 2 members claimed, 3 bytes left.
  EXPECT_FALSE(parseMsgpack(unhex("82a16101c0")));
}

TEST(MsgpackMalformed, DepthLimit) {
  auto nested = [](size_t depth, const char* open) {
    std::string s;
    for (size_t i = 0; i < depth; ++i) s += unhex(open);
    return s + unhex("c0");
  };
  EXPECT_TRUE(parseMsgpack(nested(128, "91")));
  EXPECT_TRUE(parseMsgpack(nested(128, "81a0")));
  MsgpackError error;
  EXPECT_FALSE(parseMsgpack(nested(129, "91"), &error));
  EXPECT_EQ(error.message, "nesting too deep");
  EXPECT_EQ(error.offset, 128u);
  EXPECT_FALSE(parseMsgpack(nested(129, "81a0")));
  EXPECT_FALSE(parseMsgpack(nested(200000, "91"), &error));  // a depth bomb
  EXPECT_FALSE(parseMsgpack(nested(200000, "dc0001")));
  EXPECT_TRUE(parseMsgpack(nested(10, "91"), nullptr, {.maxDepth = 10}));
  EXPECT_FALSE(parseMsgpack(nested(11, "91"), nullptr, {.maxDepth = 10}));
}

TEST(MsgpackMalformed, ElementLimit) {
  std::string bytes = unhex("dc0400") + std::string(1024, '\0');
  EXPECT_TRUE(parseMsgpack(bytes, nullptr, {.maxElements = 1024}));
  MsgpackError error;
  EXPECT_FALSE(parseMsgpack(bytes, &error, {.maxElements = 1023}));
  EXPECT_EQ(error.message, "too many elements");
  // Counted across the whole value.
  EXPECT_FALSE(parseMsgpack(unhex("9291019101"), nullptr, {.maxElements = 3}));
  EXPECT_TRUE(parseMsgpack(unhex("9291019101"), nullptr, {.maxElements = 4}));
}

TEST(MsgpackMalformed, WideFanOutStaysBounded) {
  // Every level claims as many elements as bytes remain: reservations stay within the
  // input size, and the parse fails cleanly at the end.
  std::string bytes;
  for (int i = 0; i < 100; ++i) bytes += unhex("dd00010000");
  bytes += std::string(1000, '\0');
  EXPECT_FALSE(parseMsgpack(bytes));
}

}  // namespace
