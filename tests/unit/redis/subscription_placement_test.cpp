// The cluster subscriber's placement decisions without Redis: sharded channels to the master
// of their slot (one batch per node, kind and slot), plain channels and patterns to the
// main node, moves after a slot migration (leave the old node only where it still has the
// name), and the choice of the main node as nodes go down.
#include "subscription_placement.hpp"

#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "key_slot.hpp"

namespace sio::redis {
namespace {

using Kind = Subscriber::Kind;
using namespace std::chrono_literals;

const NodeAddress kA{"10.0.0.1", 7000}, kB{"10.0.0.2", 7000}, kC{"10.0.0.3", 7000};

size_t at(Kind kind) {
  return static_cast<size_t>(kind);
}

struct PlacementTest : ::testing::Test {
  Placements placements;
  uint64_t tokens = 0;
  std::set<std::tuple<std::string, Kind, std::string>> subscribed;  // node key, kind, name

  PlacementPlan plan(const SlotMap& map, std::optional<NodeAddress> main = std::nullopt) {
    return planPlacements(
        placements, map, main,
        [this](const std::string& key, Kind kind, const std::string& name) {
          return subscribed.count({key, kind, name}) > 0;
        },
        tokens);
  }
  void want(Kind kind, const std::string& name) { placements[at(kind)][name]; }
};

TEST_F(PlacementTest, ShardedChannelsJoinTheMasterOfTheirSlotOneBatchPerSlot) {
  SlotMap map = SlotMap::singleNode(kA);
  map.assign(keySlot("{room}b"), kB);  // {room}a and {room}b share a slot
  want(Kind::Shard, "{room}a");
  want(Kind::Shard, "{room}b");
  want(Kind::Shard, "other");
  auto result = plan(map);
  EXPECT_TRUE(result.leave.empty());
  ASSERT_EQ(result.join.size(), 2u);
  for (const auto& batch : result.join) {
    if (batch.slot == keySlot("{room}a")) {
      EXPECT_EQ(batch.node, kB);
      EXPECT_EQ(batch.names, (std::vector<std::string>{"{room}a", "{room}b"}));
    } else {
      EXPECT_EQ(batch.node, kA);
      EXPECT_EQ(batch.names, (std::vector<std::string>{"other"}));
    }
    EXPECT_EQ(batch.tokens.size(), batch.names.size());
  }
  const auto& placement = placements[at(Kind::Shard)]["{room}a"];
  EXPECT_EQ(placement.node, kB.key());
  EXPECT_FALSE(placement.active);
  EXPECT_EQ(tokens, 3u);
}

TEST_F(PlacementTest, NamesAlreadyInTheirPlaceAreLeftAlone) {
  SlotMap map = SlotMap::singleNode(kA);
  want(Kind::Shard, "s");
  plan(map);
  placements[at(Kind::Shard)]["s"].active = true;
  auto again = plan(map);
  EXPECT_TRUE(again.join.empty());
  EXPECT_TRUE(again.leave.empty());
  EXPECT_TRUE(placements[at(Kind::Shard)]["s"].active);
}

TEST_F(PlacementTest, AMovedSlotLeavesTheOldNodeWhereItStillHasTheNameAndJoinsTheNewOne) {
  SlotMap map = SlotMap::singleNode(kA);
  want(Kind::Shard, "kept");
  want(Kind::Shard, "dropped");
  plan(map);
  uint64_t before = placements[at(Kind::Shard)]["kept"].token;
  subscribed.insert({kA.key(), Kind::Shard, "kept"});  // A still has it; "dropped" A already lost
  map.assign(keySlot("kept"), kC);
  map.assign(keySlot("dropped"), kC);
  auto moved = plan(map);
  ASSERT_EQ(moved.leave.size(), 1u);
  EXPECT_EQ(moved.leave[0].nodeKey, kA.key());
  EXPECT_EQ(moved.leave[0].names, (std::vector<std::string>{"kept"}));
  size_t joined = 0;
  for (const auto& batch : moved.join) {
    EXPECT_EQ(batch.node, kC);
    joined += batch.names.size();
  }
  EXPECT_EQ(joined, 2u);
  EXPECT_GT(placements[at(Kind::Shard)]["kept"].token, before);  // older confirmations ignored
}

TEST_F(PlacementTest, PlainChannelsAndPatternsGoToTheMainNodeAndWaitWithoutOne) {
  SlotMap map = SlotMap::singleNode(kA);
  want(Kind::Channel, "news");
  want(Kind::Pattern, "news.*");
  EXPECT_TRUE(plan(map).join.empty());  // no main node yet: nowhere to go
  EXPECT_EQ(placements[at(Kind::Channel)]["news"].node, "");
  auto result = plan(map, kB);
  ASSERT_EQ(result.join.size(), 2u);  // one batch per kind
  for (const auto& batch : result.join) {
    EXPECT_EQ(batch.node, kB);
    EXPECT_EQ(batch.slot, -1);
  }
}

struct MainNodeTest : ::testing::Test {
  std::map<std::string, NodeHealth> health;
  std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();

  std::optional<NodeAddress> choose(const SlotMap& map, std::optional<NodeAddress> current) {
    return chooseMainNode(
        map, current,
        [this](const std::string& key) -> std::optional<NodeHealth> {
          auto found = health.find(key);
          if (found == health.end()) return std::nullopt;
          return found->second;
        },
        now, 1500ms);
  }
};

TEST_F(MainNodeTest, TheFirstMasterWhenThereIsNone) {
  SlotMap map = SlotMap::singleNode(kA);
  map.assign(1, kB);
  EXPECT_EQ(choose(map, std::nullopt), map.masters().front());
}

TEST_F(MainNodeTest, TheCurrentNodeStaysWhileUpOrBrieflyDown) {
  SlotMap map = SlotMap::singleNode(kA);
  map.assign(1, kB);
  health[kB.key()] = {false, {}};
  health[kA.key()] = {false, {}};
  EXPECT_EQ(choose(map, kA), kA);
  health[kA.key()] = {true, now - 1000ms};
  EXPECT_EQ(choose(map, kA), kA);  // a blip: not moved yet
}

TEST_F(MainNodeTest, ANodeDownTooLongIsReplacedByOneWhoseSubscriberIsUp) {
  SlotMap map = SlotMap::singleNode(kA);
  map.assign(1, kB);
  map.assign(2, kC);
  health[kA.key()] = {true, now - 2000ms};
  health[kB.key()] = {true, now - 100ms};  // usable, but its subscriber is down
  health[kC.key()] = {false, {}};
  EXPECT_EQ(choose(map, kA), kC);
  health.erase(kC.key());  // no subscriber up anywhere: any usable node
  EXPECT_EQ(choose(map, kA), kB);
}

TEST_F(MainNodeTest, ANodeThatLeftTheMapIsReplaced) {
  SlotMap map = SlotMap::singleNode(kB);
  health[kA.key()] = {false, {}};
  EXPECT_EQ(choose(map, kA), kB);
}

}  // namespace
}  // namespace sio::redis
