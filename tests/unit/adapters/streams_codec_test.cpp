// The Streams adapter's Redis encodings against the spec's byte-exact vectors (cluster-wire.md
// Appendix B, §1.3): stream naming and hashing, pub/sub messages, stream entries, session
// blobs; and hostile entries are refused, not crashed on.
#include <gtest/gtest.h>

#include "message_codec.hpp"
#include "sio/codec/base64.hpp"
#include "sio/codec/json.hpp"
#include "stream_naming.hpp"

using namespace sio;
using namespace sio::adapters::streams;

namespace {
std::string fromHex(std::string_view hex) {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes.push_back(char(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return bytes;
}
}  // namespace

TEST(StreamNaming, JavaHashCodeReferenceValues) {
  EXPECT_EQ(javaHashCode("/"), 47);
  EXPECT_EQ(javaHashCode("/admin"), 1438238848);
  EXPECT_EQ(javaHashCode("/chat"), 46457863);
  EXPECT_EQ(javaHashCode("/orders"), 2049197012);
  EXPECT_EQ(javaHashCode("/game-room-12345"), -607480467);
  EXPECT_EQ(javaHashCode("/notifications"), -1014064871);  // V8
}

TEST(StreamNaming, HashesUtf16CodeUnits) {
  // "é" is one UTF-16 unit (0xE9); "😀" is a surrogate pair (0xD83D 0xDE00).
  EXPECT_EQ(javaHashCode("é"), 0xE9);
  EXPECT_EQ(javaHashCode("😀"), int32_t(0xD83D * 31 + 0xDE00));
}

TEST(StreamNaming, StreamPerNamespaceWithJsRemainder) {
  EXPECT_EQ(streamForNamespace("socket.io", 1, "/anything"), "socket.io");
  EXPECT_EQ(streamForNamespace("socket.io", 4, "/notifications"), "socket.io--3");  // V8, as Node
  EXPECT_EQ(streamForNamespace("socket.io", 5, "/"), "socket.io-2");
  EXPECT_EQ(publicChannel("socket.io", "/"), "socket.io#/#");
  EXPECT_EQ(privateChannel("socket.io", "/", "cb086fbdba3234f6"), "socket.io#/#cb086fbdba3234f6#");
}

TEST(PubSubMessage, FetchSocketsRequestIsByteExact) {  // V2
  ClusterMessage message{"cb086fbdba3234f6", "/", 7,
                         Value::object({{"opts", Value::object({{"rooms", Value::array({"room1"})},
                                                                {"except", Value::array()},
                                                                {"flags", Value::object()}})},
                                        {"requestId", "11fd2019c03ee2a2"}})};
  std::string expected = fromHex(
      "84a47479706507a46461746182a46f70747383a5726f6f6d7391a5726f6f6d31a665786365707490a5666c616773"
      "80a97265717565"
      "73744964b031316664323031396330336565326132a3756964b063623038366662646261333233346636a36e7370"
      "a12f");
  EXPECT_EQ(encodePubSubMessage(message), expected);
  auto decoded = decodePubSubMessage(expected);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->uid, "cb086fbdba3234f6");
  EXPECT_EQ(decoded->type, 7);
  EXPECT_EQ(*decoded->data, *message.data);
}

TEST(PubSubMessage, ClientCountResponseIsByteExact) {  // V3
  ClusterMessage message{"38d55a2c60a4da7d", "/", 11,
                         Value::object({{"requestId", "c3195a2cb980d25b"}, {"clientCount", 1}})};
  EXPECT_EQ(encodePubSubMessage(message),
            fromHex("84a4747970650ba46461746182a9726571756573744964b0633331393561326362393830643235"
                    "62ab636c69656e74"
                    "436f756e7401a3756964b033386435356132633630613464613764a36e7370a12f"));
}

TEST(PubSubMessage, RefusesJsonAndMessagesWithoutNamespace) {
  EXPECT_FALSE(decodePubSubMessage(R"({"type":3,"uid":"x","nsp":"/"})"));
  EXPECT_FALSE(decodePubSubMessage(fromHex("82a47479706503a3756964a178")));  // {type:3, uid:"x"}
  EXPECT_FALSE(decodePubSubMessage(""));
}

TEST(StreamEntry, JsonUnlessBinaryInATypeThatMayCarryIt) {
  ClusterMessage join{"u1", "/", 4,
                      Value::object({{"opts", Value::object()}, {"rooms", Value::array({"r"})}})};
  auto fields = encodeStreamEntry(join, false);
  ASSERT_EQ(fields.size(), 8u);
  EXPECT_EQ(fields[4], "type");
  EXPECT_EQ(fields[5], "4");
  EXPECT_EQ(fields[7], R"({"opts":{},"rooms":["r"]})");

  Value packet =
      Value::object({{"type", 2}, {"data", Value::array({"bin", Value::binary("\x01\x02\x03")})}});
  ClusterMessage binary{"u1", "/", 3, Value::object({{"packet", packet}})};
  auto withBinary = encodeStreamEntry(binary, false);
  EXPECT_NE(withBinary[7].front(), '{');
  auto decoded = decodeStreamEntry(withBinary);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded->data, *binary.data);
  EXPECT_EQ(encodeStreamEntry(binary, true)[7].front(), '{');  // onlyPlaintext
}

TEST(StreamEntry, DecodesNodeBinaryBroadcast) {  // V1 (its Date becomes an ISO string)
  std::vector<std::string> fields{"uid",
                                  "abc",
                                  "nsp",
                                  "/",
                                  "type",
                                  "3",
                                  "data",
                                  "gqZwYWNrZXSCpHR5cGUCpGRhdGGTo2JpbsQDAQIDgaFk1v8AAAAApG9wdHODpXJv"
                                  "b21zkKZleGNlcHSQpWZsYWdzgA=="};
  auto message = decodeStreamEntry(fields);
  ASSERT_TRUE(message);
  const Value& data = *message->data->find("packet")->find("data");
  EXPECT_EQ(data[0], Value("bin"));
  EXPECT_EQ(data[1], Value::binary("\x01\x02\x03"));
  EXPECT_EQ(*data[2].find("d"), Value("1970-01-01T00:00:00.000Z"));
}

TEST(StreamEntry, RefusesHostileEntries) {
  std::string problem;
  EXPECT_FALSE(decodeStreamEntry({"uid", "u", "type", "3"}, &problem));
  EXPECT_EQ(problem, "no nsp field");
  EXPECT_FALSE(decodeStreamEntry({"uid", "u", "nsp", "/", "type", "x"}));
  EXPECT_FALSE(decodeStreamEntry({"uid", "u", "nsp", "/", "type", "3", "data", "{not json"}));
  EXPECT_FALSE(decodeStreamEntry({"uid", "u", "nsp", "/", "type", "3", "data", "!!!"}));
  EXPECT_FALSE(decodeStreamEntry({"nsp"}));
  auto noData = decodeStreamEntry({"uid", "u", "nsp", "/", "type", "3"});
  ASSERT_TRUE(noData);  // decodes; the adapter then counts it as malformed and skips it
  EXPECT_FALSE(noData->data);
}

TEST(SessionBlob, MatchesNodeByteForByte) {  // V5
  std::string blob =
      "hKNzaWS0Qk0teE5LbjJ0R0lwd2tGWkFBQUGjcGlktGlFQUNBMm96RlNYNmt1UmJBQUFCpXJvb21zkrRCTS14TktuMnRH"
      "SXB3a0ZaQUFBQaVy"
      "b29tMaRkYXRhgA==";
  SessionToPersist session{"BM-xNKn2tGIpwkFZAAAA",
                           "iEACA2ozFSX6kuRbAAAB",
                           {"BM-xNKn2tGIpwkFZAAAA", "room1"},
                           Value::object()};
  EXPECT_EQ(encodeSessionBlob(session), blob);
  auto decoded = decodeSessionBlob(blob);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->sid, session.sid);
  EXPECT_EQ(decoded->rooms, session.rooms);
  EXPECT_FALSE(decodeSessionBlob("not base64!"));
  EXPECT_FALSE(decodeSessionBlob(codec::base64Encode("\x92\x01\x02")));  // an array, not a map
}
