// A socket's own room (the room named by its id, joined at connect as in Node), which the
// in-memory adapter keeps as a flag on the socket instead of a room entry: its events and
// hooks, leaving and rejoining it, another socket joining a room named after a socket id
// (the room becomes explicit, then implicit again), and every query, walk and except list
// counting the implicit member, also when a delivery disconnects the socket it reaches.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "adapter_fixture.hpp"
#include "sio/adapter/adapter.hpp"

using namespace sio;
using namespace sio::adapter_test;

namespace {

// Records the hooks cluster adapters override to subscribe per room.
class HookedAdapter : public Adapter {
 public:
  using Adapter::Adapter;
  std::vector<std::string> hooks;

 protected:
  void roomCreated(const Room& room) override { hooks.push_back("created " + room); }
  void roomDeleted(const Room& room) override { hooks.push_back("deleted " + room); }
};

class OwnRoomTest : public AdapterTestBase<HookedAdapter> {
 protected:
  void SetUp() override { create(); }
  std::set<Room> allRooms() {
    std::set<Room> found;
    adapter->requestAllRooms([&](boost::system::error_code ec, std::set<Room> rooms) {
      EXPECT_FALSE(ec);
      found = std::move(rooms);
    });
    return found;
  }
  using Events = std::vector<std::string>;
};

}  // namespace

TEST_F(OwnRoomTest, JoiningAndLeavingItReportsEventsAndHooks) {
  host.connect("s1", {"a"});
  EXPECT_EQ(events, (Events{"create s1", "join s1 s1", "create a", "join a s1"}));
  EXPECT_EQ(adapter->hooks, (Events{"created s1", "created a"}));
  EXPECT_EQ(adapter->roomSize("s1"), 1u);
  EXPECT_TRUE(adapter->hasRoom("s1"));
  EXPECT_EQ(roomsOf(*adapter, "s1"), (std::vector<Room>{"s1", "a"}));
  events.clear();
  adapter->hooks.clear();
  adapter->addAll("s1", {"s1"});  // already in it: nothing
  EXPECT_TRUE(events.empty());
  adapter->delAll("s1");
  EXPECT_EQ(events, (Events{"leave s1 s1", "delete s1", "leave a s1", "delete a"}));
  EXPECT_EQ(adapter->hooks, (Events{"deleted s1", "deleted a"}));
  EXPECT_FALSE(adapter->hasRoom("s1"));
  EXPECT_TRUE(roomNames(*adapter).empty());
}

TEST_F(OwnRoomTest, ASocketLeavesItsOwnRoomAndRejoins) {
  populate();
  adapter->del("s1", "s1");
  EXPECT_EQ(events, (Events{"leave s1 s1", "delete s1"}));
  EXPECT_EQ(adapter->roomSize("s1"), 0u);
  EXPECT_FALSE(adapter->hasRoom("s1"));
  EXPECT_EQ(roomsOf(*adapter, "s1"), (std::vector<Room>{"a"}));
  EXPECT_TRUE(adapter->sockets({"s1"}).empty());
  EXPECT_EQ(broadcastTo(to({"s1"})), (Ids{}));
  EXPECT_EQ(allRooms(), (std::set<Room>{"a", "b", "s2", "s3", "s4"}));
  events.clear();
  adapter->del("s1", "s1");  // not in it any more: nothing
  EXPECT_TRUE(events.empty());

  adapter->addAll("s1", {"s1"});
  EXPECT_EQ(events, (Events{"create s1", "join s1 s1"}));
  EXPECT_EQ(broadcastTo(to({"s1"})), (Ids{"s1"}));
  EXPECT_EQ(roomsOf(*adapter, "s1"), (std::vector<Room>{"s1", "a"}));

  adapter->del("s4", "s4");
  events.clear();
  adapter->delAll("s4");  // out of its own room: no event for it
  EXPECT_TRUE(events.empty());
}

TEST_F(OwnRoomTest, AnotherSocketJoinsARoomNamedAfterASocketThatThenLeaves) {
  populate();
  adapter->hooks.clear();
  adapter->addAll("s2", {"s1"});
  EXPECT_EQ(events, (Events{"join s1 s2"}));  // the room exists already: no create
  EXPECT_TRUE(adapter->hooks.empty());
  EXPECT_EQ(adapter->roomSize("s1"), 2u);
  EXPECT_EQ(sorted(adapter->sockets({"s1"})), (Ids{"s1", "s2"}));
  EXPECT_EQ(broadcastTo(to({"s1"})), (Ids{"s1", "s2"}));
  EXPECT_EQ(roomsOf(*adapter, "s1"), (std::vector<Room>{"s1", "a"}));
  EXPECT_EQ(roomsOf(*adapter, "s2"), (std::vector<Room>{"s2", "a", "b", "s1"}));
  adapter->addAll("s1", {"s1"});  // already in it
  adapter->addAll("s2", {"s1"});
  EXPECT_EQ(events, (Events{"join s1 s2"}));
  events.clear();

  adapter->del("s2", "s1");  // s1 alone in its room again
  EXPECT_EQ(events, (Events{"leave s1 s2"}));
  EXPECT_EQ(adapter->roomSize("s1"), 1u);
  EXPECT_EQ(broadcastTo(to({"s1"})), (Ids{"s1"}));
  EXPECT_EQ(roomsOf(*adapter, "s1"), (std::vector<Room>{"s1", "a"}));
  events.clear();
  adapter->del("s1", "s1");
  EXPECT_EQ(events, (Events{"leave s1 s1", "delete s1"}));
  EXPECT_EQ(adapter->hooks, (Events{"deleted s1"}));
  EXPECT_FALSE(adapter->hasRoom("s1"));
}

TEST_F(OwnRoomTest, TheSocketARoomIsNamedAfterLeavesItFirst) {
  populate();
  adapter->addAll("s2", {"s1"});
  events.clear();
  adapter->del("s1", "s1");
  EXPECT_EQ(events, (Events{"leave s1 s1"}));  // s2 is still there
  EXPECT_EQ(adapter->sockets({"s1"}), (Ids{"s2"}));
  EXPECT_EQ(broadcastTo(to({"s1"})), (Ids{"s2"}));
  EXPECT_EQ(roomsOf(*adapter, "s1"), (std::vector<Room>{"a"}));

  adapter->addAll("s1", {"s1"});  // back in: a member like any other, no create
  EXPECT_EQ(events, (Events{"leave s1 s1", "join s1 s1"}));
  EXPECT_EQ(broadcastTo(to({"s1"})), (Ids{"s1", "s2"}));
  adapter->del("s1", "s1");
  events.clear();
  adapter->del("s2", "s1");
  EXPECT_EQ(events, (Events{"leave s1 s2", "delete s1"}));
  EXPECT_FALSE(adapter->hasRoom("s1"));
  // the room is named after no member now: joining it creates it
  adapter->addAll("s3", {"s1"});
  EXPECT_EQ(events, (Events{"leave s1 s2", "delete s1", "create s1", "join s1 s3"}));
}

TEST_F(OwnRoomTest, TheSocketARoomIsNamedAfterDisconnectsFirst) {
  populate();
  adapter->addAll("s3", {"s1"});
  events.clear();
  adapter->hooks.clear();
  adapter->delAll("s1");
  EXPECT_EQ(events, (Events{"leave s1 s1", "leave a s1"}));
  EXPECT_TRUE(adapter->hooks.empty());
  EXPECT_EQ(adapter->roomSize("s1"), 1u);
  EXPECT_EQ(broadcastTo(to({"s1"})), (Ids{"s3"}));
  events.clear();
  adapter->delAll("s3");
  EXPECT_EQ(events, (Events{"leave s3 s3", "delete s3", "leave b s3", "leave s1 s3", "delete s1"}));
  EXPECT_EQ(adapter->hooks, (Events{"deleted s3", "deleted s1"}));
  EXPECT_EQ(allRooms(), (std::set<Room>{"a", "b", "s2", "s4"}));
}

TEST_F(OwnRoomTest, ARoomNamedAfterASocketOutsideItGetsThatSocketBack) {
  populate();
  adapter->del("s1", "s1");
  adapter->addAll("s2", {"s1"});
  adapter->addAll("s1", {"s1"});
  events.clear();
  adapter->del("s2", "s1");  // s1 alone in its room: implicit again, still there
  EXPECT_EQ(events, (Events{"leave s1 s2"}));
  EXPECT_EQ(adapter->sockets({"s1"}), (Ids{"s1"}));
  events.clear();
  adapter->delAll("s1");
  EXPECT_EQ(events, (Events{"leave s1 s1", "delete s1", "leave a s1"}));
}

TEST_F(OwnRoomTest, EverySocketJoinsAndLeavesARoomNamedAfterOne) {
  populate();
  adapter->addSockets({}, {"s1"});  // a walk of every socket, the room changing under it
  EXPECT_EQ(adapter->roomSize("s1"), 4u);
  EXPECT_EQ(std::count(events.begin(), events.end(), "create s1"), 0);
  EXPECT_EQ(broadcastTo(to({"s1"})), (Ids{"s1", "s2", "s3", "s4"}));
  events.clear();
  adapter->delSockets(to({"s1"}), {"s1"});
  EXPECT_FALSE(adapter->hasRoom("s1"));
  EXPECT_EQ(events.size(), 5u);  // four leaves
  EXPECT_EQ(events.back(), "delete s1");
}

TEST_F(OwnRoomTest, QueriesCountOwnRooms) {
  populate();
  EXPECT_EQ(adapter->roomSize("s3"), 1u);
  EXPECT_EQ(adapter->roomSize("a"), 2u);
  EXPECT_FALSE(adapter->hasRoom("missing"));
  EXPECT_EQ(roomNames(*adapter), (std::vector<Room>{"a", "b", "s1", "s2", "s3", "s4"}));
  EXPECT_EQ(allRooms(), (std::set<Room>{"a", "b", "s1", "s2", "s3", "s4"}));
  EXPECT_EQ(sorted(adapter->sockets({"s1", "s4"})), (Ids{"s1", "s4"}));
  EXPECT_EQ(sorted(adapter->sockets({"s1", "a", "s2"})), (Ids{"s1", "s2"}));
  EXPECT_EQ(roomsOf(*adapter, "s2"), (std::vector<Room>{"s2", "a", "b"}));
  EXPECT_FALSE(adapter->socketRooms("missing").has_value());
  EXPECT_EQ(broadcastTo(to({"s3"})), (Ids{"s3"}));
  EXPECT_EQ(broadcastTo(to({"s3", "b", "s4"})), (Ids{"s2", "s3", "s4"}));
  host.clearRecords();
  adapter->broadcast(event("e"), to({"s2", "a", "s2"}));
  EXPECT_EQ(host.socket("s2").written.size(), 1u);  // once, though in both rooms
  size_t count = 0;
  adapter->broadcastWithAck(
      event("q"), to({"s4"}), [&](size_t n) { count = n; }, [](Value) {});
  EXPECT_EQ(count, 1u);
  std::vector<SocketDetails> found;
  adapter->fetchSockets(to({"s2"}), [&](std::vector<SocketDetails> list, std::optional<Error>) {
    found = std::move(list);
  });
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].rooms, (std::vector<Room>{"s2", "a", "b"}));
}

TEST_F(OwnRoomTest, ExceptAnOwnRoom) {
  populate();
  EXPECT_EQ(broadcastTo(to({"a"}, {"s1"})), (Ids{"s2"}));
  EXPECT_EQ(broadcastTo(to({}, {"s1", "s3"})), (Ids{"s2", "s4"}));
  EXPECT_EQ(broadcastTo(to({"s1"}, {"s1"})), (Ids{}));
  EXPECT_EQ(broadcastTo(to({"s1"}, {"a"})), (Ids{}));
  EXPECT_EQ(broadcastTo(to({"s1"}, {"b", "missing"})), (Ids{"s1"}));
  EXPECT_EQ(broadcastTo(to({"s1", "s3"}, {"s3"})), (Ids{"s1"}));
  adapter->addAll("s4", {"s1"});  // explicit now: except still takes both
  EXPECT_EQ(broadcastTo(to({}, {"s1"})), (Ids{"s2", "s3"}));
}

TEST_F(OwnRoomTest, ADeliveryToAnOwnRoomMayDisconnectTheSocket) {
  populate();
  events.clear();
  adapter->disconnectSockets(to({"s1"}), true);
  EXPECT_EQ(host.socket("s1").disconnects, (std::vector<bool>{true}));
  EXPECT_EQ(events, (Events{"leave s1 s1", "delete s1", "leave a s1"}));
  EXPECT_FALSE(adapter->hasRoom("s1"));
  EXPECT_EQ(sorted(adapter->sockets({})), (Ids{"s2", "s3", "s4"}));
  // several own rooms in one walk, each socket disconnected as it is reached
  adapter->disconnectSockets(to({"s2", "s4", "b"}), false);
  EXPECT_EQ(host.socket("s2").disconnects, (std::vector<bool>{false}));
  EXPECT_EQ(host.socket("s3").disconnects, (std::vector<bool>{false}));
  EXPECT_EQ(host.socket("s4").disconnects, (std::vector<bool>{false}));
  EXPECT_TRUE(roomNames(*adapter).empty());
}

TEST_F(OwnRoomTest, AnExplicitOwnRoomWalkMayDisconnectEveryMember) {
  populate();
  adapter->addAll("s2", {"s1"});
  adapter->disconnectSockets(to({"s1"}), true);
  EXPECT_EQ(host.socket("s1").disconnects, (std::vector<bool>{true}));
  EXPECT_EQ(host.socket("s2").disconnects, (std::vector<bool>{true}));
  EXPECT_EQ(sorted(adapter->sockets({})), (Ids{"s3", "s4"}));
  EXPECT_FALSE(adapter->hasRoom("s1"));
}

// A socket that joined while the namespace did not list it is looked up as it is reached.
TEST_F(OwnRoomTest, AnOwnRoomWithoutItsSocketLooksItUp) {
  adapter->addAll("late", {"late"});
  EXPECT_EQ(broadcastTo(to({"late"})), (Ids{}));
  host.add("late");
  EXPECT_EQ(broadcastTo(to({"late"})), (Ids{"late"}));
  EXPECT_EQ(broadcastTo(to({"late", "other"})), (Ids{"late"}));
  host.connect("s1");
  host.connect("s1");  // a new socket object under the same id: the own room follows it
  EXPECT_EQ(broadcastTo(to({"s1"})), (Ids{"s1"}));
}

// The adapter keys a member by a view of its socket's id, or of a copy of its own while
// the namespace does not list the socket: the key follows each change of socket.
TEST_F(OwnRoomTest, AMemberKeepsItsIdAcrossChangesOfSocket) {
  host.connect("s1", {"a"});
  host.unlist("s1");
  adapter->addAll("s1", {"b"});  // joins while not listed: the adapter copies the id
  EXPECT_EQ(broadcastTo(to({"s1"})), (Ids{}));
  EXPECT_EQ(adapter->sockets(RoomSet{"a", "b"}), (Ids{"s1"}));
  EXPECT_EQ(allRooms(), (std::set<Room>{"a", "b", "s1"}));
  host.connect("s1");  // listed again, a new socket object: it holds the id again
  EXPECT_EQ(broadcastTo(to({"b"})), (Ids{"s1"}));
  EXPECT_EQ(adapter->socketRooms("s1")->items(), (std::vector<Room>{"s1", "a", "b"}));
  host.unlist("s1");
  adapter->delAll("s1");
  EXPECT_FALSE(adapter->hasSocket("s1"));
  EXPECT_EQ(allRooms(), (std::set<Room>{}));
  adapter->addAll("gone", {"c"});
  adapter->delAll("gone");
  EXPECT_FALSE(adapter->hasLocalSockets());
}
