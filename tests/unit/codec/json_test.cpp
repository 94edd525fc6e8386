// JSON writer and parser: output byte-identical to Node's JSON.stringify (expected strings
// below were printed by node 20 and hard-coded), strict JSON.parse-compatible parsing with
// error offsets, int/double typing and int64 boundaries, surrogate handling, duplicate
// keys, and nesting limits that keep hostile input from exhausting the stack.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "sio/codec/json.hpp"
#include "sio/codec/json_string.hpp"

using sio::Value;
using sio::codec::appendJson;
using sio::codec::JsonError;
using sio::codec::JsonParseOptions;
using sio::codec::parseJson;
using sio::codec::toJson;

namespace {

Value parseOk(std::string_view text) {
  JsonError error;
  auto v = parseJson(text, &error);
  EXPECT_TRUE(v.has_value()) << "input: " << text << " error at " << error.offset << ": "
                             << error.message;
  return v ? std::move(*v) : Value();
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Writer

TEST(JsonWrite, Scalars) {
  EXPECT_EQ(toJson(Value()), "null");
  EXPECT_EQ(toJson(Value(true)), "true");
  EXPECT_EQ(toJson(Value(false)), "false");
  EXPECT_EQ(toJson(Value(0)), "0");
  EXPECT_EQ(toJson(Value(-42)), "-42");
  EXPECT_EQ(toJson(Value(std::numeric_limits<int64_t>::max())), "9223372036854775807");
  EXPECT_EQ(toJson(Value(std::numeric_limits<int64_t>::min())), "-9223372036854775808");
  EXPECT_EQ(toJson(Value("hi")), R"("hi")");
}

// node -e 'console.log(JSON.stringify(x))' for each x.
TEST(JsonWrite, DoublesLikeNumberToString) {
  const std::vector<std::pair<double, const char*>> cases = {
      {0.1, "0.1"},
      {1.0 / 3, "0.3333333333333333"},
      {2.0 / 3, "0.6666666666666666"},
      {1e21, "1e+21"},
      {1e20, "100000000000000000000"},
      {1e-7, "1e-7"},
      {1e-6, "0.000001"},
      {1e-5, "0.00001"},
      {1.5e-7, "1.5e-7"},
      {-5e-7, "-5e-7"},
      {123e-20, "1.23e-18"},
      {-123.456e-10, "-1.23456e-8"},
      {5e-324, "5e-324"},
      {1e-323, "1e-323"},
      {2.2250738585072014e-308, "2.2250738585072014e-308"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {9007199254740992.0, "9007199254740992"},
      {18446744073709551616.0, "18446744073709552000"},
      {123456789012345680000.0, "123456789012345680000"},
      {99.99e20, "9.999e+21"},
      {2.5e25, "2.5e+25"},
      {-1e300, "-1e+300"},
      {1e100, "1e+100"},
      {-0.0, "0"},
      {0.0, "0"},
      {100.0, "100"},
      {1.5, "1.5"},
      {-1.5, "-1.5"},
      {0.5, "0.5"},
      {4.35, "4.35"},
      {0.3, "0.3"},
      {0.000123, "0.000123"},
      {-0.0000012, "-0.0000012"},
      {1234567.125, "1234567.125"},
      {12345.6789, "12345.6789"},
      {1.0000000000000002, "1.0000000000000002"},
  };
  for (const auto& [d, expected] : cases) EXPECT_EQ(toJson(Value(d)), expected) << d;
}

TEST(JsonWrite, NonFiniteIsNull) {
  EXPECT_EQ(toJson(Value(std::nan(""))), "null");
  EXPECT_EQ(toJson(Value(std::numeric_limits<double>::infinity())), "null");
  EXPECT_EQ(toJson(Value(-std::numeric_limits<double>::infinity())), "null");
  // node: JSON.stringify([NaN, Infinity, -Infinity]) === '[null,null,null]'
  EXPECT_EQ(toJson(Value::array({std::nan(""), std::numeric_limits<double>::infinity(),
                                 -std::numeric_limits<double>::infinity()})),
            "[null,null,null]");
}

TEST(JsonWrite, StringsLikeJsonStringify) {
  EXPECT_EQ(toJson(Value("\"\\/\b\f\n\r\t\v")), R"("\"\\/\b\f\n\r\t\u000b")");
  EXPECT_EQ(toJson(Value(std::string("\x00\x1f\x7f", 3))), "\"\\u0000\\u001f\x7f\"");
  EXPECT_EQ(toJson(Value("é€😀\u2028")), "\"é€😀\u2028\"");
  // Lone surrogates (WTF-8) are escaped as well-formed JSON.stringify does:
  // JSON.stringify(["\ud800","a\udc00b","\ude00\ud83d"])
  EXPECT_EQ(toJson(Value::array({"\xED\xA0\x80",
                                 "a\xED\xB0\x80"
                                 "b",
                                 "\xED\xB8\x80\xED\xA0\xBD"})),
            R"(["\ud800","a\udc00b","\ude00\ud83d"])");
  // U+D7FF and U+E000 are ordinary characters around the surrogate range.
  EXPECT_EQ(toJson(Value("\xED\x9F\xBF\xEE\x80\x80")), "\"\xED\x9F\xBF\xEE\x80\x80\"");
  // Through the shared string escaper as well.
  EXPECT_EQ(sio::codec::jsonString("x\xED\xAF\xBF"), R"("x\udbff")");
  // A high+low pair as two 3-byte sequences (CESU-8; JS never has it) stays raw, so that
  // parse → toJson → parse gives the same bytes back.
  std::string cesu = "\xED\xA0\x80\xED\xB0\x80\xED\xB0\x80";
  EXPECT_EQ(toJson(Value(cesu)), "\"\xED\xA0\x80\xED\xB0\x80\\udc00\"");
  EXPECT_EQ(parseOk(toJson(Value(cesu))).asString(), cesu);
  // Truncated sequences are plain bytes.
  EXPECT_EQ(sio::codec::jsonString("\xED\xA0"), "\"\xED\xA0\"");
}

TEST(JsonWrite, BinaryAsNodeBuffer) {
  // JSON.stringify(Buffer.from([0,1,127,128,255]))
  EXPECT_EQ(toJson(Value::binary(std::string_view("\x00\x01\x7f\x80\xff", 5))),
            R"({"type":"Buffer","data":[0,1,127,128,255]})");
  EXPECT_EQ(toJson(Value::binary("")), R"({"type":"Buffer","data":[]})");
  EXPECT_EQ(toJson(Value::array({Value::binary("\x0a\x63")})),
            R"([{"type":"Buffer","data":[10,99]}])");
}

TEST(JsonWrite, ContainersKeepOrderWithoutWhitespace) {
  Value v = Value::object({{"user", "ada"},
                           {"n", Value::array({1, -2, 3.25, nullptr, true, false})},
                           {"o", Value::object({{"k\n", "v"}})},
                           {"e", Value::array()},
                           {"eo", Value::object()}});
  // JSON.stringify({user:"ada",n:[1,-2,3.25,null,true,false],o:{"k\n":"v"},e:[],eo:{}})
  EXPECT_EQ(toJson(v), R"({"user":"ada","n":[1,-2,3.25,null,true,false],"o":{"k\n":"v"},)"
                       R"("e":[],"eo":{}})");
  Value order = Value::object({{"z", 1}, {"a", 2}, {"m", 3}});
  EXPECT_EQ(toJson(order), R"({"z":1,"a":2,"m":3})");
}

TEST(JsonWrite, AppendJsonAppends) {
  std::string out = "42[\"ev\",";
  appendJson(Value::object({{"a", 1}}), out);
  out += "]";
  EXPECT_EQ(out, R"(42["ev",{"a":1}])");
}

// ---------------------------------------------------------------------------------------
// Parser: valid input

TEST(JsonParse, CanonicalTextRoundTrips) {
  const char* docs[] = {
      "null",
      "true",
      "false",
      "0",
      "-1",
      "1.5",
      "1e+21",
      "1e-7",
      "5e-324",
      "1.7976931348623157e+308",
      "123456789012345680000",
      "0.000001",
      "9223372036854775807",
      "-9223372036854775808",
      R"("")",
      R"("a\"b\\c\n\u0000\u001f")",
      R"("é€😀")",
      R"("\ud800")",
      R"("\udfff\ud800")",
      "[]",
      "{}",
      "[[]]",
      R"([1,-2,3.25,null,true,false,"x",[],{}])",
      R"({"user":"ada","n":[1,-2,3.25,null,true,false],"o":{"k\n":"v"},"e":[],"eo":{}})",
      R"(["chat message",{"user":"ada","text":"hi","ts":1700000000000,"tags":["a","b"]}])",
      R"({"type":"Buffer","data":[1,2,3]})",
      R"({"":{"":[{"":null}]}})",
  };
  for (const char* doc : docs) EXPECT_EQ(toJson(parseOk(doc)), doc) << doc;
}

TEST(JsonParse, Types) {
  EXPECT_EQ(parseOk("0"), Value(0));
  EXPECT_EQ(parseOk("-17"), Value(-17));
  EXPECT_EQ(parseOk("1.0"), Value(1.0));
  EXPECT_EQ(parseOk("1e2"), Value(100.0));
  EXPECT_EQ(parseOk("1E2"), Value(100.0));
  EXPECT_EQ(parseOk("1e+2"), Value(100.0));
  EXPECT_EQ(parseOk("25e-1"), Value(2.5));
  EXPECT_EQ(parseOk("0.1"), Value(0.1));
  EXPECT_EQ(parseOk("\"s\""), Value("s"));
  EXPECT_EQ(parseOk("true"), Value(true));
  EXPECT_EQ(parseOk("null"), Value());
  EXPECT_EQ(parseOk("[1,\"a\"]"), Value::array({1, "a"}));
  EXPECT_EQ(parseOk(R"({"a":{"b":[]}})"),
            Value::object({{"a", Value::object({{"b", Value::array()}})}}));
  // Binary-shaped objects stay objects.
  EXPECT_TRUE(parseOk(R"({"type":"Buffer","data":[1]})").isObject());
}

TEST(JsonParse, Int64Boundaries) {
  Value max = parseOk("9223372036854775807");
  ASSERT_TRUE(max.isInt());
  EXPECT_EQ(max.asInt(), std::numeric_limits<int64_t>::max());
  Value min = parseOk("-9223372036854775808");
  ASSERT_TRUE(min.isInt());
  EXPECT_EQ(min.asInt(), std::numeric_limits<int64_t>::min());

  Value over = parseOk("9223372036854775808");
  ASSERT_TRUE(over.isDouble());
  EXPECT_EQ(over.asDouble(), 9223372036854775808.0);
  EXPECT_EQ(toJson(over), "9223372036854776000");  // JSON.stringify(JSON.parse(...))
  Value under = parseOk("-9223372036854775809");
  ASSERT_TRUE(under.isDouble());
  EXPECT_EQ(toJson(under), "-9223372036854776000");
  EXPECT_EQ(toJson(parseOk("12345678901234567890123")), "1.2345678901234568e+22");
}

TEST(JsonParse, NegativeZeroIsDouble) {
  Value z = parseOk("-0");
  ASSERT_TRUE(z.isDouble());
  EXPECT_TRUE(std::signbit(z.asDouble()));
  EXPECT_EQ(toJson(z), "0");
  EXPECT_TRUE(parseOk("0").isInt());
  EXPECT_TRUE(std::signbit(parseOk("-0.0").asDouble()));
}

TEST(JsonParse, OutOfRangeNumbersAsJsonParse) {
  EXPECT_EQ(parseOk("1e400").asDouble(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(parseOk("-1e400").asDouble(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(parseOk("123456e99999999999999999999").asDouble(),
            std::numeric_limits<double>::infinity());
  EXPECT_EQ(toJson(parseOk("1e400")), "null");  // JSON.stringify(JSON.parse("1e400"))
  Value tiny = parseOk("1e-400");
  EXPECT_EQ(tiny.asDouble(), 0.0);
  EXPECT_FALSE(std::signbit(tiny.asDouble()));
  EXPECT_TRUE(std::signbit(parseOk("-1e-400").asDouble()));
  EXPECT_EQ(parseOk("0.0000001e-400").asDouble(), 0.0);
  EXPECT_EQ(parseOk("10000e-327").asDouble(), 1e-323);  // subnormal, in range
  EXPECT_EQ(parseOk("2e-324").asDouble(), 0.0);         // JSON.parse("2e-324") === 0
  EXPECT_EQ(parseOk("3e-324").asDouble(), 5e-324);
  EXPECT_EQ(parseOk("0e999999").asDouble(), 0.0);
}

TEST(JsonParse, WhitespaceIsSpaceTabNewlineReturnOnly) {
  EXPECT_EQ(toJson(parseOk(" \t\r\n[ 1 ,\n2 ] \t\r\n")), "[1,2]");
  EXPECT_EQ(toJson(parseOk(" { \"a\" : 1 , \"b\" : [ ] } ")), R"({"a":1,"b":[]})");
  EXPECT_FALSE(parseJson("\f1"));
  EXPECT_FALSE(parseJson("\v1"));
  EXPECT_FALSE(
      parseJson("\xC2\xA0"
                "1"));
}

TEST(JsonParse, DuplicateKeysFirstPositionLastValue) {
  // JSON.stringify(JSON.parse('{"a":1,"b":2,"a":3,"c":{"x":1,"x":[2]}}'))
  EXPECT_EQ(toJson(parseOk(R"({"a":1,"b":2,"a":3,"c":{"x":1,"x":[2]}})")),
            R"({"a":3,"b":2,"c":{"x":[2]}})");

  // Large objects (hash-indexed) behave the same.
  std::string doc = "{";
  std::string expected = "{";
  for (int i = 0; i < 1000; ++i) {
    doc += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    expected += "\"k" + std::to_string(i) + "\":" + std::to_string(i % 3 == 0 ? -i : i);
    expected += i == 999 ? "}" : ",";
  }
  for (int i = 0; i < 1000; i += 3)
    doc += "\"k" + std::to_string(i) + "\":" + std::to_string(-i) + ",";
  doc.back() = '}';
  Value v = parseOk(doc);
  EXPECT_EQ(v.size(), 1000u);
  EXPECT_EQ(toJson(v), expected);
}

TEST(JsonParse, UnicodeEscapesAndSurrogates) {
  EXPECT_EQ(parseOk(R"("\u0041\u00e9\u20AC")").asString(), "Aé€");
  EXPECT_EQ(parseOk(R"("\uD83D\uDE00")").asString(), "😀");
  EXPECT_EQ(parseOk(R"("\udbff\udfff")").asString(), "\xF4\x8F\xBF\xBF");
  EXPECT_EQ(parseOk(R"("\u0000")").asString(), std::string(1, '\0'));
  EXPECT_EQ(parseOk(R"("\/\b\f\n\r\t\"\\")").asString(), "/\b\f\n\r\t\"\\");
  // Lone surrogates become 3-byte WTF-8 sequences.
  EXPECT_EQ(parseOk(R"("\ud800")").asString(), "\xED\xA0\x80");
  EXPECT_EQ(parseOk(R"("\udc00x")").asString(), "\xED\xB0\x80x");
  EXPECT_EQ(parseOk(R"("\ud800\u0041")").asString(),
            "\xED\xA0\x80"
            "A");
  EXPECT_EQ(parseOk(R"("\ud800\ud800\udc00")").asString(), "\xED\xA0\x80\xF0\x90\x80\x80");
  EXPECT_EQ(parseOk(R"("\ud800\n")").asString(), "\xED\xA0\x80\n");
  // JSON.stringify(JSON.parse('["\u00e9\u20AC\uD83D\uDE00\ud800\u0041\udc00x\/"]'))
  EXPECT_EQ(toJson(parseOk(R"(["\u00e9\u20AC\uD83D\uDE00\ud800\u0041\udc00x\/"])")),
            R"(["é€😀\ud800A\udc00x/"])");
  // Raw bytes >= 0x80 pass through unchanged, valid UTF-8 or not.
  EXPECT_EQ(parseOk("\"\xC3\xA9\xFF\x80\"").asString(), "\xC3\xA9\xFF\x80");
  EXPECT_EQ(parseOk("\"\x7f\"").asString(), "\x7f");
}

TEST(JsonParse, LongStringsWithAndWithoutEscapes) {
  std::string plain(1000, 'x');
  EXPECT_EQ(parseOk("\"" + plain + "\"").asString(), plain);
  std::string text = plain + "\\n" + plain + "\\u00e9";
  EXPECT_EQ(parseOk("\"" + text + "\"").asString(), plain + "\n" + plain + "é");
  // A quote or control character found in every position of an 8-byte block.
  for (size_t at = 0; at < 17; ++at) {
    std::string s(at, 'a');
    EXPECT_EQ(parseOk("\"" + s + "\"").asString(), s);
    JsonError error;
    EXPECT_FALSE(parseJson("\"" + s + "\x01" + "bcdefghijk\"", &error));
    EXPECT_EQ(error.offset, at + 1);
  }
}

// ---------------------------------------------------------------------------------------
// Parser: malformed input, each rejected by JSON.parse too

TEST(JsonParse, RejectsMalformedWithOffset) {
  struct Case {
    std::string text;
    size_t offset;
  };
  const std::vector<Case> cases = {
      {"", 0},
      {"   ", 3},
      {"[1,]", 3},
      {"[,1]", 1},
      {R"({"a":1,})", 7},
      {"{,}", 1},
      {"01", 1},
      {"-01", 2},
      {"00", 1},
      {"+1", 0},
      {".5", 0},
      {"-.5", 1},
      {"1.", 2},
      {"1.e5", 2},
      {"1e", 2},
      {"1e+", 3},
      {"1e5.5", 3},
      {"-", 1},
      {"--1", 1},
      {"0x10", 1},
      {"NaN", 0},
      {"Infinity", 0},
      {"-Infinity", 1},
      {"tru", 3},
      {"trux", 3},
      {"nul", 3},
      {"nulll", 4},
      {"True", 0},
      {"truefalse", 4},
      {"[1 2]", 3},
      {"[1]]", 3},
      {"[1]x", 3},
      {"[", 1},
      {"[1,2", 4},
      {"{a:1}", 1},
      {"{'a':1}", 1},
      {"'a'", 0},
      {R"({"a" 1})", 5},
      {R"({"a":})", 5},
      {R"({"a")", 4},
      {R"({"a":1)", 6},
      {R"({"a":1 "b":2})", 7},
      {"/*c*/1", 0},
      {"1 //c", 2},
      {"\"abc", 4},
      {R"("\")", 3},
      {R"("\x")", 1},
      {R"("\U0041")", 1},
      {R"("\u12")", 1},
      {R"("\u00g0")", 1},
      {R"("\ud800\u")", 7},
      {std::string("\"\t\""), 1},
      {std::string("\"a\n\""), 2},
      {std::string("\"a\0\"", 4), 2},
      {std::string("[1]\0", 4), 3},
  };
  for (const Case& c : cases) {
    JsonError error;
    EXPECT_FALSE(parseJson(c.text, &error).has_value()) << c.text;
    EXPECT_EQ(error.offset, c.offset) << c.text << " (" << error.message << ")";
    EXPECT_FALSE(error.message.empty()) << c.text;
    EXPECT_FALSE(parseJson(c.text).has_value()) << c.text;  // no error out-param
  }
}

TEST(JsonParse, ErrorMessages) {
  JsonError error;
  EXPECT_FALSE(parseJson("[1,", &error));
  EXPECT_EQ(error.message, "unexpected end of input");
  EXPECT_FALSE(parseJson("[1,@]", &error));
  EXPECT_EQ(error.message, "unexpected character");
  EXPECT_FALSE(parseJson("012", &error));
  EXPECT_EQ(error.message, "invalid number");
}

// ---------------------------------------------------------------------------------------
// Parser: nesting

TEST(JsonParse, DepthLimitCountsArraysAndObjects) {
  std::string ok(128, '[');
  ok += std::string(128, ']');
  EXPECT_TRUE(parseJson(ok));

  std::string tooDeep(129, '[');
  tooDeep += std::string(129, ']');
  JsonError error;
  EXPECT_FALSE(parseJson(tooDeep, &error));
  EXPECT_EQ(error.message, "nesting too deep");
  EXPECT_EQ(error.offset, 128u);

  EXPECT_TRUE(parseJson(R"({"a":[{"b":[1]}]})", nullptr, JsonParseOptions{4}));
  EXPECT_FALSE(parseJson(R"({"a":[{"b":[1]}]})", &error, JsonParseOptions{3}));
  EXPECT_EQ(error.offset, 11u);
  EXPECT_FALSE(parseJson(R"({"a":[{"b":[]}]})", &error, JsonParseOptions{3}));  // empty too
  EXPECT_TRUE(parseJson("1", nullptr, JsonParseOptions{0}));
  EXPECT_FALSE(parseJson("[]", nullptr, JsonParseOptions{0}));
}

TEST(JsonParse, MillionOpenBracketsDoNotCrash) {
  std::string brackets(1'000'000, '[');
  JsonError error;
  EXPECT_FALSE(parseJson(brackets, &error));
  EXPECT_EQ(error.message, "nesting too deep");
  EXPECT_EQ(error.offset, 128u);

  std::string objects;
  for (int i = 0; i < 200'000; ++i) objects += R"({"a":)";
  EXPECT_FALSE(parseJson(objects, &error));
  EXPECT_EQ(error.message, "nesting too deep");

  // With the limit lifted the parser is still iterative: it reaches the end of input.
  std::string deep(200'000, '[');
  EXPECT_FALSE(parseJson(deep, &error, JsonParseOptions{std::numeric_limits<size_t>::max()}));
  EXPECT_EQ(error.message, "unexpected end of input");
  EXPECT_EQ(error.offset, deep.size());
}

TEST(JsonParse, NestedContainersShareTheScratchStacks) {
  // Objects in arrays in objects, duplicates at several levels, and containers that close
  // while an outer key waits for its value.
  const char* text =
      R"({"a":[{"x":1,"y":[2,{"z":3}],"x":4},[],[[5],{}]],"b":{"a":{"a":6},"a":7},"c":[8,9]})";
  EXPECT_EQ(toJson(parseOk(text)),
            R"({"a":[{"x":4,"y":[2,{"z":3}]},[],[[5],{}]],"b":{"a":7},"c":[8,9]})");
  Value v = parseOk(R"([[1,2,3],{"k":"v"}])");
  EXPECT_EQ(v[0].asArray().capacity(), 3u);  // each container at its exact size
  EXPECT_EQ(v[1].asObject().capacity(), 1u);
}

TEST(JsonParse, AParseAfterAFailureStartsClean) {
  EXPECT_FALSE(parseJson(R"({"a":[1,{"b":2,)"));
  EXPECT_FALSE(parseJson(R"([1,2,{"c")"));
  EXPECT_EQ(toJson(parseOk(R"({"d":[3]})")), R"({"d":[3]})");
  // A large document, then a small one: the same results.
  std::string big = "[";
  for (int i = 0; i < 10000; ++i) big += std::to_string(i) + ",";
  big.back() = ']';
  EXPECT_EQ(parseOk(big).size(), 10000u);
  EXPECT_EQ(toJson(parseOk(R"([{"e":null}])")), R"([{"e":null}])");
}

TEST(JsonParse, StringsEndOrEscapeAtEveryOffsetOfAChunk) {
  for (size_t length = 0; length < 24; ++length) {
    std::string plain(length, 'p');
    EXPECT_EQ(parseOk("\"" + plain + "\"").asString(), plain);
    EXPECT_EQ(parseOk("[\"" + plain + "\",1]")[0].asString(), plain);
    EXPECT_EQ(parseOk("\"" + plain + "\\n" + plain + "\"").asString(), plain + "\n" + plain);
    JsonError error;
    EXPECT_FALSE(parseJson("\"" + plain + "\x01\"", &error));
    EXPECT_EQ(error.offset, length + 1);
  }
}
