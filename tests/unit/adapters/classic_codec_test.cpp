// The classic Redis adapter's wire forms against the spec's byte-exact vectors and the
// captures of @socket.io/redis-adapter 8.3 (cluster-wire.md §4, Appendix A/B V4, V6):
// channels, broadcasts, requests and responses both ways, the legacy forms left to the
// adapter, numeric rooms, and hostile payloads refused rather than crashed on.
#include <gtest/gtest.h>

#include "classic_codec.hpp"
#include "sio/codec/json.hpp"
#include "sio/codec/msgpack.hpp"

using namespace sio;
using namespace sio::adapters;
using namespace sio::adapters::pubsub;

namespace {

std::string fromHex(std::string_view hex) {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes.push_back(char(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return bytes;
}

Value json(std::string_view text) {
  return *codec::parseJson(text);
}

ClusterMessage message(MessageType type, std::string_view data, std::string uid = "nds1i0") {
  return ClusterMessage{std::move(uid), "/", int(type), json(data)};
}

const RedisAdapterParser kNotepack = notepackParser();

}  // namespace

TEST(ClassicChannels, NamesAsNodeBuildsThem) {
  ClassicChannels channels("socket.io", "/");
  EXPECT_EQ(channels.broadcast, "socket.io#/#");
  EXPECT_EQ(channels.pattern(), "socket.io#/#*");
  EXPECT_EQ(channels.room("room1"), "socket.io#/#room1#");
  EXPECT_EQ(channels.request, "socket.io-request#/#");
  EXPECT_EQ(channels.response, "socket.io-response#/#");
  EXPECT_EQ(channels.responseFor("nds1i0"), "socket.io-response#/#nds1i0#");
}

TEST(ClassicChannels, RoomOfAChannel) {
  ClassicChannels channels("socket.io", "/");
  EXPECT_EQ(channels.roomOf("socket.io#/#"), "");
  EXPECT_EQ(channels.roomOf("socket.io#/#room1#"), "room1");
  EXPECT_EQ(channels.roomOf("socket.io#/#a#b#"), "a#b");
  EXPECT_EQ(channels.roomOf("socket.io#/#chambre-é-🎉#"), "chambre-é-🎉");
  EXPECT_EQ(channels.roomOf("socket.io#/admin#x#"), std::nullopt);
  EXPECT_EQ(channels.roomOf("socket.io#"), std::nullopt);
}

TEST(ClassicBroadcast, EncodesVectorV4) {
  auto bytes = encodeBroadcast(
      message(
          MessageType::Broadcast,
          R"({"packet":{"type":2,"data":["hello","r1"]},"opts":{"rooms":["room1"],"except":[],"flags":{}}})"),
      kNotepack);
  EXPECT_EQ(bytes,
            fromHex("93a66e647331693083a47479706502a46461746192a568656c6c6fa27231a36e7370a12f"
                    "83a5726f6f6d7391a5726f6f6d31a665786365707490a5666c61677380"));
}

TEST(ClassicBroadcast, DecodesVectorV4) {
  auto decoded = decodeBroadcast(
      fromHex("93a66e647331693083a47479706502a46461746192a568656c6c6fa27231a36e7370a12f"
              "83a5726f6f6d7391a5726f6f6d31a665786365707490a5666c61677380"),
      kNotepack);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->uid, "nds1i0");
  EXPECT_EQ(decoded->nsp, "/");
  EXPECT_EQ(decoded->kind(), MessageType::Broadcast);
  EXPECT_EQ(
      codec::toJson(*decoded->data),
      R"({"packet":{"type":2,"data":["hello","r1"],"nsp":"/"},"opts":{"rooms":["room1"],"except":[],"flags":{}}})");
}

TEST(ClassicBroadcast, DecodesBinaryDatesAndFlagsOfTheCapture) {
  // like the capture (mon-classic.txt): ["nds1i0",{type:2,data:["bin",<01 02 03>,{d:Date(0)}]…}]
  auto decoded = decodeBroadcast(
      fromHex(
          "93a66e647331693083a47479706502a46461746193a362696ec40301020381a164d6ff00000000a36e7370"
          "a12f83a5726f6f6d7390a665786365707490a5666c61677381a8766f6c6174696c65c3"),
      kNotepack);
  ASSERT_TRUE(decoded);
  const Value& data = *decoded->data->find("packet")->find("data");
  EXPECT_TRUE(data[1].isBinary());
  EXPECT_EQ(data[1].asBinary().view(), std::string_view("\x01\x02\x03"));
  EXPECT_EQ(codec::toJson(data[2]), R"({"d":"1970-01-01T00:00:00.000Z"})");
  EXPECT_EQ(codec::toJson(*decoded->data->find("opts")->find("flags")), R"({"volatile":true})");
}

TEST(ClassicBroadcast, NumericRoomsBecomeTheirJsText) {
  // io.to(123) in Node: the room travels as the msgpack int 7b.
  std::string bytes = codec::toMsgpack(
      json(
          R"(["emitter",{"type":2,"data":["x"],"nsp":"/"},{"rooms":[123, 1.5],"except":[7],"flags":{}}])"),
      codec::MsgpackFlavor::Notepack);
  auto decoded = decodeBroadcast(bytes, kNotepack);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(codec::toJson(*decoded->data->find("opts")),
            R"({"rooms":["123","1.5"],"except":["7"],"flags":{}})");
}

TEST(ClassicBroadcast, MissingNspMeansTheMainNamespace) {
  std::string bytes = codec::toMsgpack(json(R"(["u",{"type":2,"data":["x"]},{"rooms":[]}])"),
                                       codec::MsgpackFlavor::Notepack);
  auto decoded = decodeBroadcast(bytes, kNotepack);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->nsp, "/");
}

TEST(ClassicBroadcast, RefusesMalformedPayloads) {
  auto refuse = [](std::string_view payload) {
    std::string problem;
    EXPECT_FALSE(decodeBroadcast(payload, kNotepack, &problem)) << payload;
    EXPECT_FALSE(problem.empty());
  };
  refuse("");
  refuse("\xc1");                           // never-used msgpack byte
  refuse(fromHex("92a17580"));              // 2 elements
  refuse(fromHex("93a17580c0"));            // opts nil
  refuse(fromHex("93a175a17880"));          // packet a string
  refuse(fromHex("81a47479706502"));        // a map ({type:2})
  refuse(fromHex("93a17581a36e73700180"));  // nsp a number
  refuse(codec::toMsgpack(json(R"({"type":3,"data":{},"uid":"x","nsp":"/"})"),
                          codec::MsgpackFlavor::Notepack));  // a sharded/streams message
}

TEST(ClassicRequests, EncodeAsTheCaptureShows) {
  auto join = encodeRequest(
      message(
          MessageType::SocketsJoin,
          R"({"opts":{"rooms":["dLDA81PI3PVUpqvQAAAA"],"except":[],"flags":{}},"rooms":["room1"]})"),
      kNotepack);
  EXPECT_EQ(
      join,
      R"({"uid":"nds1i0","type":2,"opts":{"rooms":["dLDA81PI3PVUpqvQAAAA"],"except":[]},"rooms":["room1"]})");
  auto leave = encodeRequest(
      message(MessageType::SocketsLeave,
              R"({"opts":{"rooms":["room1"],"except":[],"flags":{}},"rooms":["room1"]})"),
      kNotepack);
  EXPECT_EQ(
      leave,
      R"({"uid":"nds1i0","type":3,"opts":{"rooms":["room1"],"except":[]},"rooms":["room1"]})");
  auto disconnect =
      encodeRequest(message(MessageType::DisconnectSockets,
                            R"({"opts":{"rooms":[],"except":["x"],"flags":{}},"close":true})"),
                    kNotepack);
  EXPECT_EQ(disconnect,
            R"({"uid":"nds1i0","type":4,"opts":{"rooms":[],"except":["x"]},"close":true})");
  auto fetch =
      encodeRequest(message(MessageType::FetchSockets,
                            R"({"opts":{"rooms":[],"except":[],"flags":{}},"requestId":"iYzpR1"})"),
                    kNotepack);
  EXPECT_EQ(fetch,
            R"({"uid":"nds1i0","requestId":"iYzpR1","type":5,"opts":{"rooms":[],"except":[]}})");
  auto emitAck = encodeRequest(
      message(MessageType::ServerSideEmit, R"({"requestId":"-KOVg7","packet":["ping-server"]})"),
      kNotepack);
  EXPECT_EQ(emitAck, R"({"uid":"nds1i0","requestId":"-KOVg7","type":6,"data":["ping-server"]})");
  auto emit =
      encodeRequest(message(MessageType::ServerSideEmit, R"({"packet":["a",1]})"), kNotepack);
  EXPECT_EQ(emit, R"({"uid":"nds1i0","type":6,"data":["a",1]})");
}

TEST(ClassicRequests, BroadcastWithAckIsAMsgpackMap) {
  auto bytes = encodeRequest(
      message(
          MessageType::Broadcast,
          R"({"packet":{"type":2,"data":["e"]},"requestId":"mjgAQp","opts":{"rooms":[],"except":[],"flags":{"timeout":3000}}})"),
      kNotepack);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(
      codec::toJson(*codec::parseMsgpack(*bytes)),
      R"({"uid":"nds1i0","requestId":"mjgAQp","type":7,"packet":{"type":2,"data":["e"],"nsp":"/"},"opts":{"rooms":[],"except":[],"flags":{"timeout":3000}}})");
  // A plain broadcast is not a request; heartbeats do not exist here.
  EXPECT_FALSE(
      encodeRequest(message(MessageType::Broadcast, R"({"packet":{},"opts":{}})"), kNotepack));
  EXPECT_FALSE(encodeRequest(ClusterMessage{"u", "/", int(MessageType::Heartbeat), std::nullopt},
                             kNotepack));
}

TEST(ClassicRequests, DecodeIntoTheClusterModel) {
  auto join = requestToMessage(
      json(R"({"type":2,"opts":{"rooms":["a"],"except":[]},"rooms":["r",5]})"), "/chat");
  ASSERT_TRUE(join);  // the emitter's form: no uid
  EXPECT_EQ(join->uid, "");
  EXPECT_EQ(join->nsp, "/chat");
  EXPECT_EQ(join->kind(), MessageType::SocketsJoin);
  EXPECT_EQ(codec::toJson(*join->data),
            R"({"opts":{"rooms":["a"],"except":[],"flags":{}},"rooms":["r","5"]})");
  auto disconnect = requestToMessage(json(R"({"uid":"x","type":4,"opts":{},"close":true})"), "/");
  ASSERT_TRUE(disconnect);
  EXPECT_EQ(codec::toJson(*disconnect->data),
            R"({"opts":{"rooms":[],"except":[],"flags":{}},"close":true})");
  auto fetch = requestToMessage(
      json(R"({"uid":"nds1i0","requestId":"iYzpR1","type":5,"opts":{"rooms":[],"except":[]}})"),
      "/");
  ASSERT_TRUE(fetch);
  EXPECT_EQ(fetch->kind(), MessageType::FetchSockets);
  EXPECT_EQ(fetch->uid, "nds1i0");
  auto emit = requestToMessage(json(R"({"uid":"emitter","type":6,"data":["ssNoAck","x"]})"), "/");
  ASSERT_TRUE(emit);
  EXPECT_EQ(codec::toJson(*emit->data), R"({"packet":["ssNoAck","x"]})");
  auto ack = requestToMessage(
      json(
          R"({"uid":"u","requestId":"r","type":7,"packet":{"type":2,"data":["e"],"nsp":"/"},"opts":{"rooms":[],"except":[],"flags":{"timeout":5}}})"),
      "/");
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->kind(), MessageType::Broadcast);
  // The receiver keeps rooms and except only, as Node.
  EXPECT_EQ(codec::toJson(*ack->data->find("opts")), R"({"rooms":[],"except":[],"flags":{}})");
}

TEST(ClassicRequests, LegacyUnknownAndMalformedAreNotClusterMessages) {
  for (const char* request :
       {R"({"uid":"u","requestId":"r","type":2,"sid":"s","room":"r"})",    // legacy join
        R"({"uid":"u","requestId":"r","type":4,"sid":"s","close":true})",  // legacy disconnect
        R"({"uid":"u","requestId":"r","type":0,"rooms":[]})",              // SOCKETS
        R"({"uid":"u","requestId":"r","type":1})",                         // ALL_ROOMS
        R"({"uid":"u","type":5,"opts":{}})",                               // no requestId
        R"({"uid":"u","type":6,"data":[]})", R"({"uid":"u","type":6,"data":[1]})",
        R"({"uid":"u","type":7,"requestId":"r","opts":{}})",  // no packet
        R"({"type":"2"})", R"({"type":42})", R"({})"})
    EXPECT_FALSE(requestToMessage(json(request), "/")) << request;
}

TEST(ClassicResponses, EncodeAsTheCaptureShows) {
  EXPECT_EQ(encodeResponse(message(MessageType::FetchSocketsResponse,
                                   R"({"requestId":"iYzpR1","sockets":[{"id":"a"}]})"),
                           kNotepack),
            R"({"requestId":"iYzpR1","sockets":[{"id":"a"}]})");
  EXPECT_EQ(encodeResponse(message(MessageType::BroadcastClientCount,
                                   R"({"requestId":"mjgAQp","clientCount":1})"),
                           kNotepack),
            R"({"type":8,"requestId":"mjgAQp","clientCount":1})");
  EXPECT_EQ(encodeResponse(message(MessageType::ServerSideEmitResponse,
                                   R"({"requestId":"-KOVg7","packet":"pong-from-B"})"),
                           kNotepack),
            R"({"type":6,"requestId":"-KOVg7","data":"pong-from-B"})");
  // V6
  EXPECT_EQ(encodeResponse(message(MessageType::BroadcastAck,
                                   R"({"requestId":"mjgAQp","packet":"client-ack-x"})"),
                           kNotepack),
            fromHex("83a47479706509a9726571756573744964a66d6a67415170a67061636b6574ac636c69656e742d"
                    "61636b2d78"));
}

TEST(ClassicResponses, DecodeByShape) {
  auto count = responseToMessage(json(R"({"type":8,"requestId":"r","clientCount":2})"), "/");
  ASSERT_TRUE(count);
  EXPECT_EQ(count->kind(), MessageType::BroadcastClientCount);
  auto ack = decodeObject(fromHex("83a47479706509a9726571756573744964a66d6a67415170a67061636b6574"
                                  "ac636c69656e742d61636b2d78"),
                          kNotepack);
  ASSERT_TRUE(ack);
  auto ackMessage = responseToMessage(*ack, "/");
  ASSERT_TRUE(ackMessage);
  EXPECT_EQ(ackMessage->kind(), MessageType::BroadcastAck);
  EXPECT_EQ(codec::toJson(*ackMessage->data), R"({"requestId":"mjgAQp","packet":"client-ack-x"})");
  auto emit = responseToMessage(json(R"({"type":6,"requestId":"r","data":"pong"})"), "/");
  ASSERT_TRUE(emit);
  EXPECT_EQ(emit->kind(), MessageType::ServerSideEmitResponse);
  EXPECT_EQ(codec::toJson(*emit->data), R"({"requestId":"r","packet":"pong"})");
  auto fetch = responseToMessage(json(R"({"requestId":"r","sockets":[{"id":"a"}]})"), "/");
  ASSERT_TRUE(fetch);
  EXPECT_EQ(fetch->kind(), MessageType::FetchSocketsResponse);
  auto none = responseToMessage(json(R"({"requestId":"r","sockets":[]})"), "/");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->kind(), MessageType::FetchSocketsResponse);
  for (const char* response :
       {R"({"requestId":"r","sockets":["a","b"]})",  // legacy SOCKETS answer
        R"({"requestId":"r","rooms":["a"]})",        // ALL_ROOMS answer (the adapter's own)
        R"({"requestId":"r"})",                      // legacy join answer
        R"({"type":8,"requestId":"r","clientCount":-1})", R"({"type":8,"requestId":"r"})",
        R"({"type":8,"clientCount":1})", R"({"type":99,"requestId":"r"})"})
    EXPECT_FALSE(responseToMessage(json(response), "/")) << response;
}

TEST(ClassicPayloads, JsonWhenTheFirstByteIsABrace) {
  EXPECT_TRUE(decodeObject(R"({"a":1})", kNotepack));
  EXPECT_FALSE(decodeObject(R"( {"a":1})", kNotepack));  // not JSON, and not msgpack either
  EXPECT_FALSE(decodeObject(R"({"a":)", kNotepack));
  EXPECT_FALSE(decodeObject("[1]", kNotepack));
  EXPECT_FALSE(decodeObject("", kNotepack));
  EXPECT_TRUE(decodeObject(fromHex("81a16101"), kNotepack));
}

TEST(ClassicPayloads, ACustomParserIsUsedForBroadcasts) {
  RedisAdapterParser jsonParser{[](const Value& v) { return codec::toJson(v); },
                                [](std::string_view text) { return codec::parseJson(text); }};
  auto bytes = encodeBroadcast(
      message(MessageType::Broadcast,
              R"({"packet":{"type":2,"data":["x"]},"opts":{"rooms":[],"except":[],"flags":{}}})"),
      jsonParser);
  EXPECT_EQ(bytes,
            R"(["nds1i0",{"type":2,"data":["x"],"nsp":"/"},{"rooms":[],"except":[],"flags":{}}])");
  auto decoded = decodeBroadcast(bytes, jsonParser);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->uid, "nds1i0");
}
