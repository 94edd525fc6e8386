// In-memory adapter and SessionAwareAdapter, driven through a fake namespace (AdapterHost)
// whose fake local sockets record what the adapter asks of them: room bookkeeping and
// room events, broadcast selection (rooms, except), encode-once delivery, broadcasts with
// acks, fetch/add/del/disconnect selection, serverSideEmit, and connection state recovery
// (offsets, missed packets filtered as socket.io-adapter's SessionAwareAdapter does).
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "adapter_fixture.hpp"
#include "sio/adapter/adapter.hpp"
#include "sio/adapter/session_aware_adapter.hpp"

using namespace sio;
using namespace sio::adapter_test;

// ---------------------------------------------------------------------------------------
// Room bookkeeping

TEST_F(AdapterTest, AddAllCreatesAndJoinsInOrder) {
  adapter->addAll("s1", {"s1", "r"});
  EXPECT_EQ(events, (std::vector<std::string>{"create s1", "join s1 s1", "create r", "join r s1"}));
  events.clear();
  adapter->addAll("s2", {"s2", "r"});
  EXPECT_EQ(events, (std::vector<std::string>{"create s2", "join s2 s2", "join r s2"}));
  events.clear();
  adapter->addAll("s1", {"r", "s1"});  // already a member: nothing happens
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(roomsOf(*adapter, "s1"), (std::vector<Room>{"s1", "r"}));
  EXPECT_EQ(adapter->roomSize("r"), 2u);
  EXPECT_EQ(adapter->roomSize("s1"), 1u);
  EXPECT_EQ(adapter->roomSize("none"), 0u);
  EXPECT_EQ(roomNames(*adapter), (std::vector<Room>{"r", "s1", "s2"}));
}

TEST_F(AdapterTest, AddAllWithNoRoomsListsTheSocket) {
  adapter->addAll("lonely", {});
  EXPECT_TRUE(events.empty());
  ASSERT_TRUE(adapter->socketRooms("lonely").has_value());
  EXPECT_TRUE(adapter->socketRooms("lonely")->empty());
  EXPECT_EQ(adapter->sockets({}), (Ids{"lonely"}));
}

TEST_F(AdapterTest, DelLeavesAndDeletesEmptyRoom) {
  adapter->addAll("s1", {"s1", "r"});
  adapter->addAll("s2", {"s2", "r"});
  events.clear();
  adapter->del("s1", "r");
  EXPECT_EQ(events, (std::vector<std::string>{"leave r s1"}));
  EXPECT_EQ(adapter->roomSize("r"), 1u);
  EXPECT_EQ(roomsOf(*adapter, "s1"), (std::vector<Room>{"s1"}));
  events.clear();
  adapter->del("s2", "r");
  EXPECT_EQ(events, (std::vector<std::string>{"leave r s2", "delete r"}));
  EXPECT_FALSE(adapter->hasRoom("r"));
  events.clear();
  adapter->del("s2", "r");       // room gone
  adapter->del("s1", "s2");      // not a member
  adapter->del("nobody", "s1");  // unknown socket
  EXPECT_TRUE(events.empty());
  EXPECT_EQ(adapter->roomSize("s1"), 1u);
  EXPECT_EQ(adapter->roomSize("s2"), 1u);
}

TEST_F(AdapterTest, DelAllLeavesEveryRoom) {
  adapter->addAll("s1", {"s1", "a", "b"});
  adapter->addAll("s2", {"s2", "b"});
  events.clear();
  adapter->delAll("s1");
  EXPECT_EQ(events, (std::vector<std::string>{"leave s1 s1", "delete s1", "leave a s1", "delete a",
                                              "leave b s1"}));
  EXPECT_FALSE(adapter->socketRooms("s1").has_value());
  EXPECT_EQ(adapter->roomSize("b"), 1u);
  EXPECT_EQ(adapter->sockets({}), (Ids{"s2"}));
  events.clear();
  adapter->delAll("s1");  // twice: nothing
  adapter->delAll("unknown");
  EXPECT_TRUE(events.empty());
  adapter->delAll("s2");
  EXPECT_EQ(events,
            (std::vector<std::string>{"leave s2 s2", "delete s2", "leave b s2", "delete b"}));
  EXPECT_TRUE(roomNames(*adapter).empty());
  EXPECT_TRUE(adapter->sockets({}).empty());
}

TEST_F(AdapterTest, EventCountsOverManySockets) {
  size_t creates = 0, deletes = 0, joins = 0, leaves = 0;
  adapter->onCreateRoom([&](const Room&) { ++creates; });
  adapter->onDeleteRoom([&](const Room&) { ++deletes; });
  adapter->onJoinRoom([&](const Room&, const SocketId&) { ++joins; });
  adapter->onLeaveRoom([&](const Room&, const SocketId&) { ++leaves; });
  for (int i = 0; i < 50; ++i) {
    std::string id = "s" + std::to_string(i);
    adapter->addAll(id, {id, "all", "g" + std::to_string(i % 5)});
  }
  EXPECT_EQ(creates, 50u + 1 + 5);
  EXPECT_EQ(joins, 150u);
  EXPECT_EQ(adapter->roomSize("g3"), 10u);
  for (int i = 0; i < 50; ++i) adapter->delAll("s" + std::to_string(i));
  EXPECT_EQ(leaves, 150u);
  EXPECT_EQ(deletes, creates);
  EXPECT_TRUE(roomNames(*adapter).empty());
}

TEST_F(AdapterTest, RoomEventHandlersAddUp) {
  // the admin UI listens beside the application: every handler is called, in order
  std::vector<std::string> seen;
  adapter->onJoinRoom(
      [&](const Room& room, const SocketId&) { seen.push_back("first join " + room); });
  adapter->onJoinRoom(
      [&](const Room& room, const SocketId&) { seen.push_back("second join " + room); });
  adapter->onLeaveRoom(
      [&](const Room& room, const SocketId&) { seen.push_back("first leave " + room); });
  adapter->onLeaveRoom(
      [&](const Room& room, const SocketId&) { seen.push_back("second leave " + room); });
  adapter->addAll("s1", {"a"});
  adapter->del("s1", "a");
  EXPECT_EQ(seen, (std::vector<std::string>{"first join a", "second join a", "first leave a",
                                            "second leave a"}));
}

TEST_F(AdapterTest, SocketsQueryUnionOfRooms) {
  populate();
  EXPECT_EQ(sorted(adapter->sockets({})), (Ids{"s1", "s2", "s3", "s4"}));
  EXPECT_EQ(sorted(adapter->sockets({"a", "b"})), (Ids{"s1", "s2", "s3"}));
  EXPECT_EQ(sorted(adapter->sockets({"b", "s4", "missing"})), (Ids{"s2", "s3", "s4"}));
  EXPECT_TRUE(adapter->sockets({"missing"}).empty());
}

// ---------------------------------------------------------------------------------------
// Broadcast

TEST_F(AdapterTest, BroadcastSelection) {
  populate();
  EXPECT_EQ(broadcastTo({}), (Ids{"s1", "s2", "s3", "s4"}));
  EXPECT_EQ(broadcastTo(to({"a"})), (Ids{"s1", "s2"}));
  EXPECT_EQ(broadcastTo(to({"a", "b"})), (Ids{"s1", "s2", "s3"}));
  EXPECT_EQ(broadcastTo(to({}, {"b"})), (Ids{"s1", "s4"}));
  EXPECT_EQ(broadcastTo(to({"a"}, {"b"})), (Ids{"s1"}));
  EXPECT_EQ(broadcastTo(to({"a", "b"}, {"s2"})), (Ids{"s1", "s3"}));
  EXPECT_EQ(broadcastTo(to({"s4", "s1"})), (Ids{"s1", "s4"}));
  EXPECT_EQ(broadcastTo(to({}, {"a", "b", "s4"})), (Ids{}));
  EXPECT_EQ(broadcastTo(to({"missing"})), (Ids{}));
  EXPECT_EQ(broadcastTo(to({}, {"missing"})), (Ids{"s1", "s2", "s3", "s4"}));
}

TEST_F(AdapterTest, BroadcastReachesEachSocketOnce) {
  populate();
  host.clearRecords();
  adapter->broadcast(event("e"), to({"a", "b", "s2", "a"}));
  for (auto* socket : host.all()) {
    size_t expected = socket->id() == "s4" ? 0 : 1;
    EXPECT_EQ(socket->written.size(), expected) << socket->id();
    EXPECT_EQ(socket->outgoing.size(), expected) << socket->id();
  }
}

TEST_F(AdapterTest, BroadcastSkipsOutgoingNotificationsWithoutListeners) {
  populate();
  host.clearRecords();
  host.outgoingListeners = false;
  adapter->broadcast(event("e"), to({"a"}));
  EXPECT_EQ(host.socket("s1").written.size(), 1u);
  EXPECT_TRUE(host.socket("s1").outgoing.empty());
  host.outgoingListeners = true;
  adapter->broadcast(event("e"), to({"a"}));
  EXPECT_EQ(host.socket("s1").outgoing.size(), 1u);
}

TEST_F(AdapterTest, BroadcastEncodesOnceWithNamespace) {
  populate();
  host.clearRecords();
  BroadcastFlags flags;
  flags.isVolatile = true;
  flags.compress = false;
  BroadcastOptions opts;
  opts.flags = flags;
  adapter->broadcast(event("hello", {1, "x"}), opts);
  const std::string* text = nullptr;
  for (auto* socket : host.all()) {
    ASSERT_EQ(socket->written.size(), 1u);
    const auto& encoded = socket->written[0];
    EXPECT_EQ(*encoded.text, R"(2/chat,["hello",1,"x"])");
    if (!text) text = encoded.text.get();
    EXPECT_EQ(encoded.text.get(), text) << "same shared text for every recipient";
    EXPECT_TRUE(socket->writtenFlags[0].isVolatile);
    EXPECT_EQ(socket->writtenFlags[0].compress, std::optional<bool>(false));
    ASSERT_EQ(socket->outgoing.size(), 1u);
    EXPECT_EQ(socket->outgoing[0].nsp, "/chat");
    EXPECT_EQ(*socket->outgoing[0].data, Value::array({"hello", 1, "x"}));
  }
  // Only the four recipients own the text now.
  EXPECT_EQ(host.socket("s1").written[0].text.use_count(), 4);
}

TEST_F(AdapterTest, BinaryBroadcastSharesTextAndAttachments) {
  populate();
  host.clearRecords();
  sio::Binary blob(std::string(1024, '\x5a'));
  adapter->broadcast(event("file", {Value(blob)}), to({"b"}));
  auto& s2 = host.socket("s2");
  auto& s3 = host.socket("s3");
  ASSERT_EQ(s2.written.size(), 1u);
  ASSERT_EQ(s3.written.size(), 1u);
  EXPECT_EQ(*s2.written[0].text, R"(51-/chat,["file",{"_placeholder":true,"num":0}])");
  EXPECT_EQ(s2.written[0].text.get(), s3.written[0].text.get());
  ASSERT_EQ(s2.written[0].attachments.size(), 1u);
  EXPECT_EQ(s2.written[0].attachments[0].shared().get(), blob.shared().get());
  EXPECT_EQ(s3.written[0].attachments[0].shared().get(), blob.shared().get());
}

// A socket that joins while the namespace does not list it (a handler joining after its
// disconnect) is listed without a socket: a broadcast looks it up, finds nothing, skips it.
TEST_F(AdapterTest, SocketUnknownToHostIsSkipped) {
  populate();
  adapter->addAll("ghost", {"a"});
  EXPECT_EQ(broadcastTo(to({"a", "b"})), (Ids{"s1", "s2", "s3"}));
  EXPECT_EQ(broadcastTo({}), (Ids{"s1", "s2", "s3", "s4"}));
}

// Rooms hold their members' sockets, resolved when they join: when the namespace lists a
// socket under that id later, or another socket under the same id (a recovered session),
// every room of the id reaches the socket listed now.
TEST_F(AdapterTest, RoomsFollowTheSocketListedUnderAnId) {
  populate();
  adapter->addAll("late", {"a"});
  host.connect("late", {"c"});
  EXPECT_EQ(broadcastTo(to({"a"})), (Ids{"late", "s1", "s2"}));
  host.connect("s2");  // a new socket object under the id s2 (the old one is gone)
  EXPECT_EQ(broadcastTo(to({"b"})), (Ids{"s2", "s3"}));
  EXPECT_EQ(broadcastTo(to({"a"})), (Ids{"late", "s1", "s2"}));
}

// ---------------------------------------------------------------------------------------
// Broadcast with ack

TEST_F(AdapterTest, BroadcastWithAckOneIdCountAndResponses) {
  populate();
  host.nextAck = 10;
  host.clearRecords();
  std::vector<size_t> counts;
  std::vector<Value> responses;
  adapter->broadcastWithAck(
      event("q"), to({"a"}), [&](size_t n) { counts.push_back(n); },
      [&](Value v) { responses.push_back(std::move(v)); });
  EXPECT_EQ(host.ackIdCalls, 1u);
  EXPECT_EQ(counts, (std::vector<size_t>{2}));
  EXPECT_EQ(host.recipients(), (Ids{"s1", "s2"}));
  auto& s1 = host.socket("s1");
  auto& s2 = host.socket("s2");
  EXPECT_EQ(*s1.written[0].text, R"(2/chat,10["q"])");
  EXPECT_EQ(s1.written[0].text.get(), s2.written[0].text.get());
  EXPECT_EQ(s1.outgoing[0].id, 10u);
  ASSERT_EQ(s1.acks.count(10), 1u);
  ASSERT_EQ(s2.acks.count(10), 1u);
  EXPECT_TRUE(host.socket("s3").acks.empty());
  // The first argument of each client's ack is the response.
  s1.acks[10](Args{Value("r1"), Value("ignored")});
  s2.acks[10](Args{});
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0], Value("r1"));
  EXPECT_EQ(responses[1], Value());

  host.clearRecords();
  adapter->broadcastWithAck(
      event("q2"), {}, [&](size_t n) { counts.push_back(n); }, [&](Value) {});
  EXPECT_EQ(counts.back(), 4u);
  EXPECT_EQ(*host.socket("s4").written[0].text, R"(2/chat,11["q2"])");
  EXPECT_EQ(host.socket("s4").acks.count(11), 1u);
}

TEST_F(AdapterTest, BroadcastWithAckToNobodyReportsZero) {
  populate();
  host.clearRecords();
  std::vector<size_t> counts;
  bool responded = false;
  adapter->broadcastWithAck(
      event("q"), to({"missing"}), [&](size_t n) { counts.push_back(n); },
      [&](Value) { responded = true; });
  EXPECT_EQ(counts, (std::vector<size_t>{0}));
  EXPECT_FALSE(responded);
  EXPECT_TRUE(host.recipients().empty());
}

TEST_F(AdapterTest, BroadcastWithAckBinary) {
  populate();
  host.nextAck = 3;
  host.clearRecords();
  size_t count = 0;
  adapter->broadcastWithAck(
      event("bin", {Value::binary("x")}), to({"s3"}), [&](size_t n) { count = n; }, [](Value) {});
  EXPECT_EQ(count, 1u);
  EXPECT_EQ(*host.socket("s3").written[0].text,
            R"(51-/chat,3["bin",{"_placeholder":true,"num":0}])");
}

// ---------------------------------------------------------------------------------------
// fetch / add / del / disconnect

TEST_F(AdapterTest, FetchSocketsSelection) {
  populate();
  std::vector<SocketDetails> found;
  bool called = false;
  adapter->fetchSockets(to({"b"}, {"a"}),
                        [&](std::vector<SocketDetails> list, std::optional<Error> error) {
                          called = true;
                          EXPECT_FALSE(error);
                          found = std::move(list);
                        });
  EXPECT_TRUE(called);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].id, "s3");
  EXPECT_EQ(found[0].rooms, (std::vector<Room>{"s3", "b"}));
  EXPECT_EQ(found[0].data, Value::object({{"name", "s3"}}));

  adapter->fetchSockets({}, [&](std::vector<SocketDetails> list, std::optional<Error>) {
    Ids ids;
    for (auto& d : list) ids.push_back(d.id);
    EXPECT_EQ(sorted(ids), (Ids{"s1", "s2", "s3", "s4"}));
  });
}

TEST_F(AdapterTest, AddSocketsJoinsSelected) {
  populate();
  host.clearRecords();
  adapter->addSockets(to({"a"}), {"x", "y"});
  EXPECT_EQ(host.socket("s1").joins, (std::vector<std::vector<Room>>{{"x", "y"}}));
  EXPECT_EQ(host.socket("s2").joins, (std::vector<std::vector<Room>>{{"x", "y"}}));
  EXPECT_TRUE(host.socket("s3").joins.empty());
  EXPECT_EQ(sorted(adapter->sockets({"x"})), (Ids{"s1", "s2"}));
  EXPECT_EQ(roomsOf(*adapter, "s1"), (std::vector<Room>{"s1", "a", "x", "y"}));
}

TEST_F(AdapterTest, DelSocketsLeavesSelected) {
  populate();
  host.clearRecords();
  adapter->delSockets(to({}, {"s4"}), {"a", "b"});
  EXPECT_EQ(host.socket("s1").leaves, (std::vector<Room>{"a", "b"}));
  EXPECT_EQ(host.socket("s3").leaves, (std::vector<Room>{"a", "b"}));
  EXPECT_TRUE(host.socket("s4").leaves.empty());
  EXPECT_FALSE(adapter->hasRoom("a"));
  EXPECT_FALSE(adapter->hasRoom("b"));
  EXPECT_EQ(roomsOf(*adapter, "s2"), (std::vector<Room>{"s2"}));
}

TEST_F(AdapterTest, DisconnectSocketsWhileIterating) {
  populate();
  host.clearRecords();
  // Each disconnect removes the socket from the very room being iterated.
  adapter->disconnectSockets(to({"a", "b"}), true);
  EXPECT_EQ(host.socket("s1").disconnects, (std::vector<bool>{true}));
  EXPECT_EQ(host.socket("s2").disconnects, (std::vector<bool>{true}));
  EXPECT_EQ(host.socket("s3").disconnects, (std::vector<bool>{true}));
  EXPECT_TRUE(host.socket("s4").disconnects.empty());
  EXPECT_EQ(adapter->sockets({}), (Ids{"s4"}));
  adapter->disconnectSockets({}, false);
  EXPECT_EQ(host.socket("s4").disconnects, (std::vector<bool>{false}));
  EXPECT_TRUE(roomNames(*adapter).empty());
}

TEST_F(AdapterTest, AWalkSurvivesEveryTargetLeavingTheRoomItWalks) {
  for (int i = 0; i < 50; ++i) host.connect("m" + std::to_string(i), {"room"});
  host.clearRecords();
  // Each disconnect erases from the very set being walked (a stale reference would be a
  // use after free under AddressSanitizer); each socket is still reached exactly once.
  adapter->disconnectSockets(to({"room"}), true);
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(host.socket("m" + std::to_string(i)).disconnects, (std::vector<bool>{true}));
  EXPECT_FALSE(adapter->hasRoom("room"));
}

TEST_F(AdapterTest, AWalkReachesTheSocketsSelectedWhenItBegan) {
  populate();
  host.clearRecords();
  // s1 and s2 leave "a" and "b" while the walk over both rooms runs: s3 is reached still.
  adapter->delSockets(to({"a", "b"}), {"a", "b"});
  EXPECT_EQ(host.socket("s1").leaves, (std::vector<Room>{"a", "b"}));
  EXPECT_EQ(host.socket("s2").leaves, (std::vector<Room>{"a", "b"}));
  EXPECT_EQ(host.socket("s3").leaves, (std::vector<Room>{"a", "b"}));
  EXPECT_TRUE(host.socket("s4").leaves.empty());
}

TEST_F(AdapterTest, AWalkOfEverySocketSurvivesEachJoiningANewRoom) {
  for (int i = 0; i < 50; ++i) host.connect("m" + std::to_string(i));
  host.clearRecords();
  // Each join creates a room and changes the membership of the map being walked.
  adapter->addSockets({}, {"late"});
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(host.socket("m" + std::to_string(i)).joins,
              (std::vector<std::vector<Room>>{{"late"}}));
  EXPECT_EQ(adapter->roomSize("late"), 50u);
}

TEST_F(AdapterTest, AWalkPrefetchesEachStageOnceAndInOrderBeforeTheWrite) {
  for (int i = 0; i < 20; ++i) host.connect("m" + std::to_string(i), {"room"});
  host.clearRecords();
  adapter->broadcast(event("e"), to({"room"}));
  std::vector<int> all;
  for (int stage = 1; stage <= LocalSocket::kPrefetchStages; ++stage) all.push_back(stage);
  size_t complete = 0;
  for (int i = 0; i < 20; ++i) {
    const auto& stages = host.socket("m" + std::to_string(i)).prefetchedBeforeWrite;
    // the first members of the walk are reached before every stage could be asked for
    std::vector<int> tail(all.end() - static_cast<std::ptrdiff_t>(stages.size()), all.end());
    EXPECT_EQ(stages, tail);
    if (stages.size() == all.size()) ++complete;
  }
  EXPECT_GE(complete, 20u - LocalSocket::kPrefetchStages);
}

TEST_F(AdapterTest, ServerSideEmitAnswersAlone) {
  int calls = 0;
  adapter->serverSideEmit(Args{"hello", 1}, [&](const std::optional<Error>& error, Args args) {
    ++calls;
    EXPECT_FALSE(error);
    EXPECT_TRUE(args.empty());
  });
  EXPECT_EQ(calls, 1);
  adapter->serverSideEmit(Args{"no-ack"}, nullptr);  // no callback: nothing to call
  int servers = 0;
  adapter->serverCount([&](size_t n) { servers = int(n); });
  EXPECT_EQ(servers, 1);
}

TEST_F(AdapterTest, BaseAdapterHasNoSessions) {
  adapter->persistSession(SessionToPersist{"sid", "pid", {"sid"}, Value()});
  bool called = false;
  adapter->restoreSession("pid", "1", [&](std::optional<RestoredSession> s) {
    called = true;
    EXPECT_FALSE(s);
  });
  EXPECT_TRUE(called);
}

// ---------------------------------------------------------------------------------------
// SessionAwareAdapter

namespace {

class SessionAdapterTest : public AdapterTestBase<SessionAwareAdapter> {
 protected:
  void SetUp() override {
    host.recovery = true;
    host.maxDuration = std::chrono::milliseconds(60000);
    create();
  }
  // The offset the last broadcast appended, as a recipient saw it.
  std::string lastOffset(const SocketId& id) {
    const auto& outgoing = host.socket(id).outgoing;
    EXPECT_FALSE(outgoing.empty());
    if (outgoing.empty()) return {};
    const auto& args = outgoing.back().data->asArray();
    EXPECT_TRUE(args.back().isString());
    return args.back().isString() ? args.back().asString() : std::string();
  }
  std::optional<RestoredSession> restore(const std::string& pid, const std::string& offset) {
    std::optional<RestoredSession> result;
    bool called = false;
    adapter->restoreSession(pid, offset, [&](std::optional<RestoredSession> s) {
      called = true;
      result = std::move(s);
    });
    EXPECT_TRUE(called);
    return result;
  }
  static std::vector<std::string> names(const std::vector<Value>& packets) {
    std::vector<std::string> list;
    for (const auto& p : packets) list.push_back(p[0].asString());
    return list;
  }
};

}  // namespace

TEST_F(SessionAdapterTest, OffsetAppendedToPlainEvents) {
  populate();
  host.clearRecords();
  adapter->broadcast(event("e", {1}), {});
  auto& s1 = host.socket("s1");
  ASSERT_EQ(s1.outgoing.size(), 1u);
  const auto& args = s1.outgoing[0].data->asArray();
  ASSERT_EQ(args.size(), 3u);
  EXPECT_EQ(args[0], Value("e"));
  EXPECT_EQ(args[1], Value(1));
  ASSERT_TRUE(args[2].isString());
  std::string first = args[2].asString();
  EXPECT_FALSE(first.empty());
  EXPECT_EQ(*s1.written[0].text, R"(2/chat,["e",1,")" + first + R"("])");
  EXPECT_EQ(s1.written[0].text.get(), host.socket("s4").written[0].text.get());

  adapter->broadcast(event("e"), to({"a"}));
  std::string second = lastOffset("s1");
  EXPECT_NE(second, first);
  EXPECT_EQ(lastOffset("s2"), second);
}

TEST_F(SessionAdapterTest, NoOffsetForAckVolatileOrOtherTypes) {
  populate();
  host.clearRecords();
  auto& s1 = host.socket("s1");

  Packet withId = event("e");
  withId.id = 5;
  adapter->broadcast(withId, {});
  EXPECT_EQ(*s1.outgoing.back().data, Value::array({"e"}));

  BroadcastOptions volatileOpts;
  volatileOpts.flags.isVolatile = true;
  adapter->broadcast(event("v"), volatileOpts);
  EXPECT_EQ(*s1.outgoing.back().data, Value::array({"v"}));

  adapter->broadcastWithAck(
      event("w"), {}, [](size_t) {}, [](Value) {});
  EXPECT_EQ(*s1.outgoing.back().data, Value::array({"w"}));

  adapter->broadcast(Packet{PacketType::Ack, "/", 1, Value::array({"x"})}, {});
  EXPECT_EQ(*s1.outgoing.back().data, Value::array({"x"}));

  adapter->broadcast(Packet{PacketType::Disconnect, "/", std::nullopt, std::nullopt}, {});
  EXPECT_FALSE(s1.outgoing.back().data);
  EXPECT_EQ(*s1.written.back().text, "1/chat,");

  // None of them was stored: a session restored from before them misses nothing.
  adapter->broadcast(event("marker"), {});
  std::string marker = lastOffset("s1");
  adapter->broadcast(withId, {});
  adapter->broadcast(event("v"), volatileOpts);
  adapter->persistSession(SessionToPersist{"s1", "p1", {"s1", "a"}, Value()});
  auto restored = restore("p1", marker);
  ASSERT_TRUE(restored);
  EXPECT_TRUE(restored->missedPackets.empty());
}

TEST_F(SessionAdapterTest, BinaryEventGetsOffset) {
  populate();
  host.clearRecords();
  adapter->broadcast(event("bin", {Value::binary("z")}), to({"s1"}));
  auto& s1 = host.socket("s1");
  ASSERT_EQ(s1.written.size(), 1u);
  std::string offset = lastOffset("s1");
  EXPECT_EQ(*s1.written[0].text,
            R"(51-/chat,["bin",{"_placeholder":true,"num":0},")" + offset + R"("])");
}

TEST_F(SessionAdapterTest, RestoreFiltersMissedPacketsLikeSocketIoAdapter) {
  populate();
  host.clearRecords();
  adapter->broadcast(event("p0"), {});
  std::string offset = lastOffset("s1");
  // The session: socket "gone" (its own room) in rooms a and c.
  SessionToPersist session{"gone", "pid-1", {"gone", "a", "c"}, Value::object({{"k", 1}})};
  adapter->persistSession(session);

  adapter->broadcast(event("p1"), {});                     // all: included
  adapter->broadcast(event("p2"), to({"a"}));              // shares a room: included
  adapter->broadcast(event("p3"), to({"b"}));              // no shared room: excluded
  adapter->broadcast(event("p4"), to({}, {"a"}));          // session room excepted: excluded
  adapter->broadcast(event("p5"), to({"b", "c"}, {"x"}));  // shares c: included
  adapter->broadcast(event("p6"), to({}, {"gone"}));       // own room excepted: excluded
  adapter->broadcast(event("p7"), to({"a"}, {"b"}));       // except not in session: included
  adapter->broadcast(event("p8"), to({"a"}, {"c"}));       // shares a but c excepted: excluded
  adapter->broadcast(event("p9"), to({"gone"}));           // its own room: included
  adapter->broadcast(event("p10"), to({}, {"b", "x"}));    // except disjoint: included

  auto restored = restore("pid-1", offset);
  ASSERT_TRUE(restored);
  EXPECT_EQ(restored->sid, "gone");
  EXPECT_EQ(restored->pid, "pid-1");
  EXPECT_EQ(restored->rooms, session.rooms);
  EXPECT_EQ(restored->data, session.data);
  EXPECT_EQ(names(restored->missedPackets),
            (std::vector<std::string>{"p1", "p2", "p5", "p7", "p9", "p10"}));
  // Each missed packet is the data array, its offset last, and offsets are distinct.
  std::set<std::string> offsets{offset};
  for (const auto& packet : restored->missedPackets) {
    ASSERT_EQ(packet.size(), 2u);
    ASSERT_TRUE(packet[1].isString());
    EXPECT_TRUE(offsets.insert(packet[1].asString()).second);
  }
  // From the last missed offset, nothing more is missed (but the session is found).
  auto again = restore("pid-1", restored->missedPackets.back()[1].asString());
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->missedPackets.empty());
}

TEST_F(SessionAdapterTest, SessionWithNoRoomsGetsOnlyUntargetedPackets) {
  populate();
  host.clearRecords();
  adapter->broadcast(event("p0"), {});
  std::string offset = lastOffset("s1");
  adapter->persistSession(SessionToPersist{"x", "pid", {}, Value()});
  adapter->broadcast(event("p1"), to({"a"}));
  adapter->broadcast(event("p2"), to({}, {"a"}));
  adapter->broadcast(event("p3"), {});
  auto restored = restore("pid", offset);
  ASSERT_TRUE(restored);
  EXPECT_EQ(names(restored->missedPackets), (std::vector<std::string>{"p2", "p3"}));
}

TEST_F(SessionAdapterTest, UnknownPidOrOffset) {
  populate();
  host.clearRecords();
  adapter->broadcast(event("p0"), {});
  std::string offset = lastOffset("s1");
  adapter->persistSession(SessionToPersist{"s", "pid", {"s"}, Value()});
  EXPECT_FALSE(restore("other-pid", offset));
  EXPECT_FALSE(restore("pid", "no-such-offset"));
  EXPECT_FALSE(restore("pid", ""));
  EXPECT_TRUE(restore("pid", offset));
}

TEST_F(SessionAdapterTest, PersistReplacesSessionOfSamePid) {
  populate();
  host.clearRecords();
  adapter->broadcast(event("p0"), {});
  std::string offset = lastOffset("s1");
  adapter->persistSession(SessionToPersist{"old", "pid", {"old"}, Value(1)});
  adapter->persistSession(SessionToPersist{"new", "pid", {"new"}, Value(2)});
  auto restored = restore("pid", offset);
  ASSERT_TRUE(restored);
  EXPECT_EQ(restored->sid, "new");
  EXPECT_EQ(restored->data, Value(2));
}

class ShortSessionAdapterTest : public AdapterTestBase<SessionAwareAdapter> {
 protected:
  void SetUp() override {
    host.recovery = true;
    host.maxDuration = std::chrono::milliseconds(20);
    create();
  }
};

TEST_F(ShortSessionAdapterTest, ExpiredSessionIsGone) {
  populate();
  host.clearRecords();
  adapter->broadcast(event("p0"), {});
  const auto& args = host.socket("s1").outgoing.back().data->asArray();
  ASSERT_TRUE(args.back().isString());
  std::string offset = args.back().asString();
  adapter->persistSession(SessionToPersist{"s", "pid", {"s"}, Value()});
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  for (int i = 0; i < 2; ++i) {
    bool called = false;
    adapter->restoreSession("pid", offset, [&](std::optional<RestoredSession> s) {
      called = true;
      EXPECT_FALSE(s);
    });
    EXPECT_TRUE(called);
  }
}
